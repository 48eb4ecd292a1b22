"""The cost of carrying the ingest report: #13 item 6.

pandas copies ``DataFrame.attrs`` (deep) into every frame derived from another
one. The ingest report rides in ``attrs["ingest"]``; with thousands of
set-aside records in it, every ``copy``/``filter``/``sort`` of the events used
to deep-copy those records. This script reads a 100k-post Moodle forum export
(the benchmark forum written in Moodle's export columns) in which 10,000 extra
posts are marked ``deleted = 1`` (so the report holds 10,000 set-aside
records), then times ``build_network(ev, "reply")`` + ``growth(ev, "reply")``
on the events as read and on the same events with ``attrs`` emptied. The ratio
is the overhead of the report (target: at most 1.2).

Run: ``python -m benchmarks.ingest_report [--posts 100000] [--deleted 10000]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .generate import forum

__all__ = ["moodle_export", "measure"]


def moodle_export(posts: int, deleted: int, folder: Path, *, seed: int = 0) -> Path:
    """Write the benchmark forum as a Moodle forum export with ``deleted`` extra
    deleted posts (their ids after the others; nobody answers them)."""
    df = forum(posts, max(posts // 5, 1000), seed=seed)
    ids = df["post_id"].astype(np.int64)
    created = pd.to_datetime(df["created"], utc=True).astype("int64") // 10**9
    out = pd.DataFrame(
        {
            "id": ids,
            "discussion": df["thread_id"].str[1:].astype(np.int64),
            "parent": pd.to_numeric(df["parent_id"], errors="coerce").fillna(0).astype(np.int64),
            "userid": df["author"],
            "created": created,
            "deleted": 0,
        }
    )
    rng = np.random.default_rng(seed)
    gone = pd.DataFrame(
        {
            "id": np.arange(len(out) + 1, len(out) + deleted + 1),
            "discussion": rng.choice(out["discussion"].to_numpy(), deleted),
            "parent": 0,
            "userid": rng.choice(out["userid"].to_numpy(), deleted),
            "created": rng.choice(created.to_numpy(), deleted),
            "deleted": 1,
        }
    )
    path = folder / f"moodle_forum_{posts}_{deleted}.csv"
    pd.concat([out, gone], ignore_index=True).to_csv(path, index=False)
    return path


def _time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(posts: int = 100_000, deleted: int = 10_000, repeats: int = 5) -> dict:
    """Median seconds of build_network + growth with and without the report."""
    import connectana as ca

    with tempfile.TemporaryDirectory() as tmp:
        path = moodle_export(posts, deleted, Path(tmp))
        ev = ca.read_events(path, format="moodle_forum")
    report = ev.attrs["ingest"]
    bare = ev.copy()
    bare.attrs = {}

    def work(events):
        return lambda: (ca.build_network(events, ties="reply"), ca.growth(events, ties="reply"))

    # alternate the two, so that a change of machine load hits both alike
    with_times, without_times = [], []
    for _ in range(repeats):
        with_times.append(_time(work(ev), 1))
        without_times.append(_time(work(bare), 1))
    with_report = statistics.median(with_times)
    without = statistics.median(without_times)
    # the mechanism alone: frames derived from the events (pandas copies attrs into each)
    mask = ev["actor"].notna()

    def derive(events):
        return lambda: [events[mask] for _ in range(50)]

    derive_with = statistics.median(_time(derive(ev), 1) for _ in range(repeats))
    derive_without = statistics.median(_time(derive(bare), 1) for _ in range(repeats))
    return {
        "posts": posts,
        "set_aside_records": len(report.records),
        "with_report_s": round(with_report, 3),
        "without_report_s": round(without, 3),
        "ratio": round(with_report / without, 2),
        "derive_50_with_s": round(derive_with, 3),
        "derive_50_without_s": round(derive_without, 3),
        "derive_ratio": round(derive_with / derive_without, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--deleted", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(measure(args.posts, args.deleted, args.repeats))


if __name__ == "__main__":
    main()
