"""The tracking-log benchmark: a gzip JSON-lines Open edX log read in a stream.

``python -m benchmarks.tracking --lines 10000000`` writes a synthetic tracking log
(``benchmarks/data/tracking_<lines>.log.gz``) unless present, then reads it with
``connectana.read_events(path, format="edx_tracking")`` in a subprocess and prints
the time, the peak resident memory and the counts as JSON.

The log: 12 weeks of one course by ``lines / 200`` learners; 95 % page views and
video events (``/courses/...`` paths, ``play_video``), 5 % forum events
(threads, responses, comments created; threads viewed; responses voted), in time
order. No IP addresses or e-mails are written.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

__all__ = ["write_tracking_log", "measure"]

DATA = Path(__file__).resolve().parent / "data"
COURSE = "course-v1:Bench+NET101+2024"
_SPAN_S = 12 * 7 * 86_400
_START_S = 1_704_067_200  # 2024-01-01T00:00:00Z


def _iso(seconds: float) -> str:
    import datetime as dt

    t = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def write_tracking_log(lines: int, *, folder: Path | None = None, seed: int = 0) -> Path:
    """Write the synthetic log of ``lines`` events unless present; return its path."""
    path = (folder or DATA) / f"tracking_{lines}.log.gz"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    learners = max(50, lines // 200)
    weights = [(i + 1) ** -0.8 for i in range(learners)]
    users = rng.choices(range(learners), weights=weights, k=lines)
    step = _SPAN_S / lines
    threads: list[tuple[str, str]] = []  # (id, author)
    responses: list[tuple[str, str, str]] = []  # (id, thread, author)
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", compresslevel=1, encoding="utf-8") as out:
        chunk: list[str] = []
        for i, u in enumerate(users):
            t = _iso(_START_S + i * step)
            name = f"learner{u}"
            ctx = {"course_id": COURSE, "user_id": u, "org_id": "Bench", "path": ""}
            r = rng.random()
            if r >= 0.05:  # page views and videos
                if r < 0.8:
                    etype = f"/courses/{COURSE}/courseware/ch{u % 9}/seq{i % 13}/"
                    event = '{"POST": {}, "GET": {}}'
                else:
                    etype = "play_video"
                    event = json.dumps({"id": f"video{i % 40}", "currentTime": i % 600})
                rec = {
                    "username": name,
                    "event_type": etype,
                    "event_source": "server" if r < 0.8 else "browser",
                    "time": t,
                    "context": ctx,
                    "agent": "Mozilla/5.0",
                    "host": "courses.example.org",
                    "page": None,
                    "event": event,
                }
            else:
                roles = ["Instructor"] if u < 3 else ["Student"]
                k = rng.random()
                if not threads or k < 0.2:
                    oid = f"t{i}"
                    threads.append((oid, name))
                    etype, ev = "thread.created", {"id": oid, "title": "", "body": "question"}
                elif k < 0.6:
                    th = threads[-1 - min(int(rng.expovariate(0.05)), len(threads) - 1)]
                    oid = f"r{i}"
                    responses.append((oid, th[0], name))
                    etype = "response.created"
                    ev = {"id": oid, "discussion": {"id": th[0]}, "body": "answer"}
                elif k < 0.85 and responses:
                    rs = responses[-1 - min(int(rng.expovariate(0.05)), len(responses) - 1)]
                    etype = "comment.created"
                    ev = {"id": f"c{i}", "discussion": {"id": rs[1]}, "response": {"id": rs[0]}}
                elif k < 0.95:
                    th = threads[rng.randrange(len(threads))]
                    etype, ev = "thread.viewed", {"id": th[0], "target_username": th[1]}
                else:
                    th = threads[rng.randrange(len(threads))]
                    etype = "thread.voted"
                    ev = {"id": th[0], "vote_value": "up", "undo_vote": False}
                    ev["target_username"] = th[1]
                ev["user_course_roles"] = roles
                ev["user_forums_roles"] = roles
                rec = {
                    "username": name,
                    "event_type": f"edx.forum.{etype}",
                    "event_source": "server",
                    "time": t,
                    "context": ctx,
                    "event": ev,
                }
            chunk.append(json.dumps(rec))
            if len(chunk) >= 100_000:
                out.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            out.write("\n".join(chunk) + "\n")
    tmp.rename(path)
    return path


def _read(path: str) -> None:
    import resource
    import time

    import connectana as ca

    t = time.perf_counter()
    ev = ca.read_events(path, format="edx_tracking")
    seconds = time.perf_counter() - t
    rep = ev.attrs["ingest"]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "read": rep.read,
                "kept": rep.kept,
                "events": len(ev),
                "replies": int(ev["target"].notna().sum()),
            }
        )
    )


def measure(path: Path) -> dict:
    """Read the log in a fresh process; return seconds, peak MB and counts."""
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-c", f"from benchmarks.tracking import _read; _read({str(path)!r})"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["lines"] = int(path.name.split("_")[1].split(".")[0])
    out["gzip_mb"] = path.stat().st_size / 2**20
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="tracking-log ingestion benchmark")
    parser.add_argument("--lines", type=int, default=10_000_000)
    args = parser.parse_args(argv)
    print(json.dumps(measure(write_tracking_log(args.lines))))


if __name__ == "__main__":
    main()
