"""The tracking-log benchmark: a gzip JSON-lines Open edX log read in a stream.

``python -m benchmarks.tracking --lines 10000000`` writes a synthetic tracking log
(``benchmarks/data/tracking_<lines>.log.gz``) unless present, then reads it with
``connectana.read_events(path, format="edx_tracking")`` in a subprocess and prints
the time, the peak resident memory and the counts as JSON.

The log: 12 weeks of one course by ``lines / 200`` learners; 95 % page views and
video events (``/courses/...`` paths, ``play_video``), 5 % forum events
(threads, responses, comments created; threads viewed; responses voted), in time
order. No IP addresses or e-mails are written. The page views are built column-wise
(pyarrow), so writing 10M lines takes about a minute, most of it gzip.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["write_tracking_log", "write_tracking_files", "measure"]

DATA = Path(__file__).resolve().parent / "data"
COURSE = "course-v1:Bench+NET101+2024"
_SPAN_S = 12 * 7 * 86_400
_START_S = 1_704_067_200  # 2024-01-01T00:00:00Z


class _LogMaker:
    """Lines of the synthetic log, made in consecutive slices (the forum keeps its state).

    Page views and video events (95 %) are built column-wise by pyarrow; the forum events
    (5 %), whose threads and responses depend on the earlier ones, one by one.
    """

    def __init__(self, lines: int, seed: int = 0) -> None:
        self.lines = lines
        # one stream each for users, kinds and the forum: the lines do not depend on how
        # the log is cut into slices
        self.users, self.kinds, self.rng = (
            np.random.default_rng(x) for x in np.random.SeedSequence(seed).spawn(3)
        )
        self.learners = max(50, lines // 200)
        w = np.arange(1, self.learners + 1, dtype=float) ** -0.8
        self.p = w / w.sum()
        self.step_us = _SPAN_S * 1_000_000 / lines
        self.done = 0
        self.threads: list[tuple[str, str]] = []  # (id, author)
        self.responses: list[tuple[str, str, str]] = []  # (id, thread, author)

    def make(self, n: int) -> bytes:
        """The next ``n`` lines, newline-terminated (UTF-8)."""
        i = np.arange(self.done, self.done + n, dtype=np.int64)
        self.done += n
        users = self.users.choice(self.learners, size=n, p=self.p)
        r = self.kinds.random(n)
        us = _START_S * 1_000_000 + np.floor(i * self.step_us).astype(np.int64)
        text = pa.array(us, pa.timestamp("us")).cast(pa.string())  # 2024-01-01 00:00:00.000000
        times = pc.binary_join_element_wise(
            pc.replace_substring(text, " ", "T", max_replacements=1), "+00:00", ""
        )
        view = r >= 0.05
        forum = np.flatnonzero(~view)
        stamps = times.take(pa.array(forum)).to_pylist()
        posts: list[str | None] = [None] * n
        for j, t in zip(forum, stamps, strict=True):
            posts[j] = self._forum(int(i[j]), int(users[j]), t)
        # every line built as a page view, the forum events put in their place
        lines = pc.if_else(pa.array(view), self._views(i, users, r, times), pa.array(posts))
        lines = lines.cast(pa.large_string())
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset :]
        return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[n]]

    def _views(self, i: np.ndarray, u: np.ndarray, r: np.ndarray, t: pa.Array) -> pa.Array:
        def text(values: np.ndarray) -> pa.Array:
            return pc.cast(pa.array(values), pa.string())

        us, page = text(u), pa.array(r < 0.8)
        etype = pc.if_else(
            page,
            pc.binary_join_element_wise(
                f"/courses/{COURSE}/courseware/ch", text(u % 9), "/seq", text(i % 13), "/", ""
            ),
            pa.scalar("play_video"),
        )
        event = pc.if_else(
            page,
            pa.scalar('{\\"POST\\": {}, \\"GET\\": {}}'),
            pc.binary_join_element_wise(
                '{\\"id\\": \\"video', text(i % 40), '\\", \\"currentTime\\": ',
                text(i % 600), "}", "",
            ),
        )  # fmt: skip
        source = pc.if_else(page, pa.scalar("server"), pa.scalar("browser"))
        return pc.binary_join_element_wise(
            '{"username": "learner', us, '", "event_type": "', etype, '", "event_source": "',
            source, '", "time": "', t, '", "context": {"course_id": "', COURSE,
            '", "user_id": ', us, ', "org_id": "Bench", "path": ""}, "agent": '
            '"Mozilla/5.0", "host": "courses.example.org", "page": null, "event": "', event,
            '"}\n', "",
        )  # fmt: skip

    def _forum(self, i: int, u: int, t: str) -> str:
        rng, threads, responses = self.rng, self.threads, self.responses
        name = f"learner{u}"
        roles = ["Instructor"] if u < 3 else ["Student"]
        k = rng.random()
        if not threads or k < 0.2:
            oid = f"t{i}"
            threads.append((oid, name))
            etype, ev = "thread.created", {"id": oid, "title": "", "body": "question"}
        elif k < 0.6:
            th = threads[-1 - min(int(rng.exponential(20.0)), len(threads) - 1)]
            oid = f"r{i}"
            responses.append((oid, th[0], name))
            etype = "response.created"
            ev = {"id": oid, "discussion": {"id": th[0]}, "body": "answer"}
        elif k < 0.85 and responses:
            rs = responses[-1 - min(int(rng.exponential(20.0)), len(responses) - 1)]
            etype = "comment.created"
            ev = {"id": f"c{i}", "discussion": {"id": rs[1]}, "response": {"id": rs[0]}}
        elif k < 0.95:
            th = threads[int(rng.integers(len(threads)))]
            etype, ev = "thread.viewed", {"id": th[0], "target_username": th[1]}
        else:
            th = threads[int(rng.integers(len(threads)))]
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
            "context": {"course_id": COURSE, "user_id": u, "org_id": "Bench", "path": ""},
            "event": ev,
        }
        return json.dumps(rec) + "\n"


_CHUNK = 250_000


def _write(maker: _LogMaker, path: Path, n: int) -> None:
    """Write the maker's next ``n`` lines to the gzip file ``path`` (atomically)."""
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wb", compresslevel=1) as out:
        for a in range(0, n, _CHUNK):
            out.write(maker.make(min(_CHUNK, n - a)))
    tmp.rename(path)


def write_tracking_log(lines: int, *, folder: Path | None = None, seed: int = 0) -> Path:
    """Write the synthetic log of ``lines`` events unless present; return its path."""
    path = (folder or DATA) / f"tracking_{lines}.log.gz"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(_LogMaker(lines, seed), path, lines)
    return path


def write_tracking_files(
    lines: int, files: int, *, folder: Path | None = None, seed: int = 0
) -> list[Path]:
    """The same log written directly as ``files`` consecutive gzip slices (like daily
    logs), once: kept under ``folder`` (default: a ``connectana-benchmarks`` folder in the
    temporary directory) and reused by later runs."""
    root = folder or Path(tempfile.gettempdir()) / "connectana-benchmarks"
    where = root / f"tracking_{lines}_{files}files_seed{seed}"
    paths = [where / f"tracking.log-{j:03d}.gz" for j in range(files)]
    if all(p.exists() for p in paths):
        return paths
    where.mkdir(parents=True, exist_ok=True)
    maker, per = _LogMaker(lines, seed), -(-lines // files)
    for j, p in enumerate(paths):
        n = max(0, min(per, lines - j * per))
        if p.exists():  # an interrupted run: this slice is done, regenerate to keep the state
            maker.make(n) if n else None
            continue
        _write(maker, p, n)
    return paths


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
