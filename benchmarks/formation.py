"""Benchmark: a receiver-choice formation model on 100k interactions among 20k people.

The forum of :func:`benchmarks.generate.forum` (20,000 learners, 20 instructors)
with enough posts for just over 100,000 reply interactions (self-replies dropped),
made into Events in memory, then ``ca.formation_model(ev, ties="reply",
effects=[...], people=roster, controls=20, seed=0)`` with the six structural
effects, ``to_staff`` and ``recency``: 21 rows per case, about 2.1 million rows.
Timed: the whole call (tie rule, history records, sampling, statistics, Newton
fit), wall clock and CPU time of this process (``time.process_time``, all threads),
medians of ``--repeats`` runs in this process; the 1-minute load average is recorded
because other jobs may share the machine.

Run ``python -m benchmarks.formation`` (writes ``benchmarks/results/formation.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

import connectana as ca
from benchmarks.generate import forum
from connectana.metrics.formation import DEFAULT_EFFECTS, formation_model

RESULTS = Path(__file__).resolve().parent / "results" / "formation.json"
EFFECTS = [*DEFAULT_EFFECTS, "to_staff", "recency"]


def events_and_people(posts: int, learners: int, seed: int = 0):
    """The synthetic forum as Events and its roster."""
    df = forum(posts, learners, seed=seed)
    raw = pd.DataFrame(
        {
            "object_id": df["post_id"],
            "thread_id": df["thread_id"],
            "parent_id": df["parent_id"].replace("", None),
            "actor": df["author"],
            "timestamp": pd.to_datetime(df["created"], utc=True),
        }
    )
    ev = ca.make_events(raw, platform="benchmark")
    roles = df.drop_duplicates("author").set_index("author")["role"]
    everyone = [f"u{i}" for i in range(learners)]
    roster = pd.DataFrame({"person": everyone, "role": "student"})
    staff = roles[roles == "instructor"].index
    roster = pd.concat([roster, pd.DataFrame({"person": staff, "role": "instructor"})])
    return ev, ca.make_people(roster)


def run(posts: int, learners: int, repeats: int, controls: int) -> dict:
    ev, people = events_and_people(posts, learners)
    times, cpu = [], []
    res = None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        res = formation_model(ev, "reply", effects=EFFECTS, people=people, controls=controls)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    assert res is not None
    return {
        "posts": posts,
        "people": len(people),
        "interactions": int(res.attrs["events"]),
        "set_aside": res.attrs["set_aside"],
        "rows": int(res.attrs["rows"]),
        "controls": controls,
        "effects": EFFECTS,
        "records": res.attrs["records"],
        "seconds": float(np.median(times)),
        "runs": [round(x, 2) for x in times],
        "cpu_seconds": float(np.median(cpu)),
        "load_average_1min": os.getloadavg()[0],
        "iterations": res.attrs["iterations"],
        "converged": res.attrs["converged"],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpus": os.cpu_count(),
        "estimates": res["estimate"].round(4).to_dict(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=116_000)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--controls", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    out = run(args.posts, args.learners, args.repeats, args.controls)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
