"""Synthetic MOOC forums for the benchmarks, written as CSV.

A forum of ``posts`` posts by ``learners`` learners (plus a few instructors)
over 12 weeks, starting Monday 2024-01-01 UTC:

- threads: their number is ``posts / 8``; each post falls in a thread drawn with a
  heavy-tailed popularity (log-normal weights), the first post of a thread
  starts it, and each later post answers the previous post (a reply chain) with
  probability 0.5, else an earlier post of the thread (the opening post half the
  time);
- authors: learners' activity is heavy-tailed (Zipf-like weights ``rank ** -0.8``),
  instructors (one per 1,000 learners, at least 3) write 5 % of the posts, all
  answers;
- times: threads open uniformly over the 12 weeks with more in the first weeks,
  later posts follow at exponential gaps (mean 8 hours), clipped to the course end.

Columns: ``post_id, thread_id, parent_id, author, role, created`` (ISO 8601 with
``Z``). Rows are in time order, like a platform export. Deterministic for a seed.

Run ``python -m benchmarks.generate`` to write the three sizes to
``benchmarks/data/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SIZES", "LEARNERS", "COURSE_START", "WEEKS", "forum", "write_forum", "forum_path"]

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
LEARNERS = {"10k": 5_000, "100k": 20_000, "1M": 50_000}
COURSE_START = pd.Timestamp("2024-01-01T00:00:00Z")
WEEKS = 12
DATA = Path(__file__).resolve().parent / "data"
_HOUR_NS = 3600 * 10**9


def forum(posts: int, learners: int, *, seed: int = 0) -> pd.DataFrame:
    """A synthetic forum as a DataFrame (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n_threads = max(1, posts // 8)
    n_staff = max(3, learners // 1000)

    # threads and their posts; every thread gets at least its opening post
    popularity = rng.lognormal(0.0, 1.2, n_threads)
    extra = rng.choice(n_threads, size=posts - n_threads, p=popularity / popularity.sum())
    thread = np.sort(np.concatenate([np.arange(n_threads), extra]))
    first = np.searchsorted(thread, np.arange(n_threads))
    k = np.arange(posts) - first[thread]  # position of the post in its thread

    # parent: previous post (chain) or an earlier one (half of those the opening post)
    u = rng.random(posts)
    earlier = np.floor(rng.random(posts) * np.maximum(k, 1)).astype(np.int64)
    earlier = np.where(rng.random(posts) < 0.5, 0, earlier)
    parent_k = np.where(u < 0.5, k - 1, earlier)
    parent = np.where(k > 0, first[thread] + parent_k, -1)

    # times: thread opening skewed to the first weeks, then exponential gaps
    span = WEEKS * 7 * 24 * _HOUR_NS
    open_at = (rng.beta(1.0, 1.6, n_threads) * span).astype(np.int64)
    gaps = rng.exponential(8 * _HOUR_NS, posts).astype(np.int64)
    gaps[first] = 0
    cum = np.cumsum(gaps)
    offset = cum - cum[first][thread] + open_at[thread]
    offset = np.minimum(offset, span - 1)

    # authors: heavy-tailed learners, instructors answer
    weights = np.arange(1, learners + 1, dtype=float) ** -0.8
    author = rng.choice(learners, size=posts, p=weights / weights.sum())
    author = rng.permutation(learners)[author]  # activity unrelated to the id
    staff = (k > 0) & (rng.random(posts) < 0.05 / max((k > 0).mean(), 1e-9))
    author = np.where(staff, learners + rng.integers(0, n_staff, posts), author)
    names = np.array(
        [f"u{i}" for i in range(learners)] + [f"staff{i}" for i in range(n_staff)], dtype=object
    )

    order = np.argsort(offset, kind="stable")
    post_id = np.empty(posts, dtype=np.int64)
    post_id[order] = np.arange(1, posts + 1)  # ids count up in time order
    created = (COURSE_START.as_unit("ns").value + offset).astype("datetime64[ns]")
    df = pd.DataFrame(
        {
            "post_id": post_id.astype(str),
            "thread_id": ("t" + pd.Series(thread + 1).astype(str)).to_numpy(),
            "parent_id": np.where(parent >= 0, post_id[np.maximum(parent, 0)].astype(str), ""),
            "author": names[author],
            "role": np.where(author >= learners, "instructor", "student"),
            "created": np.char.add(np.datetime_as_string(created, unit="s"), "Z"),
        }
    )
    return df.iloc[order].reset_index(drop=True)


def forum_path(size: str, folder: Path | None = None) -> Path:
    """Where the forum of a size is written."""
    return (folder or DATA) / f"forum_{size}.csv"


def write_forum(size: str, *, folder: Path | None = None, seed: int = 0) -> Path:
    """Write the forum of a named size (``10k``, ``100k``, ``1M``) unless present."""
    path = forum_path(size, folder)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    df = forum(SIZES[size], LEARNERS[size], seed=seed)
    tmp = path.with_suffix(".tmp")
    df.to_csv(tmp, index=False)
    tmp.rename(path)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", help="any of 10k, 100k, 1M (default: all)")
    args = parser.parse_args(argv)
    for size in args.sizes or list(SIZES):
        if size not in SIZES:
            parser.error(f"unknown size {size!r}; choose from {list(SIZES)}")
        print(write_forum(size))


if __name__ == "__main__":
    main()
