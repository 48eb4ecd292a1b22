"""The temporal-reachability benchmark: forward reachable sets of every person.

``python -m benchmarks.temporal`` builds the benchmark forum of 1,000,000 posts by
20,000 learners (``benchmarks.generate.forum``), turns its reply interactions into
instant spells (``ca.temporal_spells``, seconds) and computes the forward reachable-set
size of every person (``ca.reachability``, tsna's ``tReach``). It prints the time of each
stage and the peak resident memory as JSON. Target: reachability under a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import pandas as pd

import connectana as ca

from .generate import COURSE_START, forum


def events_of(posts: int, learners: int) -> pd.DataFrame:
    df = forum(posts, learners)
    return ca.make_events(
        pd.DataFrame(
            {
                "event_id": df["post_id"],
                "object_id": df["post_id"],
                "parent_id": df["parent_id"],
                "thread_id": df["thread_id"],
                "actor": df["author"],
                "timestamp": pd.to_datetime(df["created"], utc=True),
                "platform": "bench",
            }
        )
    )


def measure(posts: int = 1_000_000, learners: int = 20_000) -> dict:
    t0 = time.perf_counter()
    ev = events_of(posts, learners)
    t1 = time.perf_counter()
    spells = ca.temporal_spells(ev, unit="s", origin=COURSE_START)
    t2 = time.perf_counter()
    reach = ca.reachability(spells)
    t3 = time.perf_counter()
    return {
        "posts": posts,
        "learners": learners,
        "people": len(spells.attrs["nodes"]),
        "spells": len(spells),
        "events_s": round(t1 - t0, 2),
        "spells_s": round(t2 - t1, 2),
        "reachability_s": round(t3 - t2, 2),
        "median_reach": float(reach.median()),
        "max_reach": int(reach.max()),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--posts", type=int, default=1_000_000)
    p.add_argument("--learners", type=int, default=20_000)
    a = p.parse_args()
    print(json.dumps(measure(a.posts, a.learners)))


if __name__ == "__main__":
    main()
