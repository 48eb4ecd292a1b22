"""The resources benchmark: links and hashtags on the 1M-post forum.

``python -m benchmarks.resources --size 1M`` writes (unless present)
``benchmarks/data/forum_text_<size>.csv``: the forum of
:mod:`benchmarks.generate` with a ``text`` column. Every post has a sentence of
plain text; a tenth of the posts (drawn with their own random stream) also
carry one link and one hashtag, drawn Zipf-like from 20,000 links on 2,000 sites
and 500 hashtags (a few spread widely, most are shared once or twice). With
``--html`` the bodies are HTML (``<p>…</p>``, links as ``<a href>``), as in
Moodle, Canvas or Discourse exports.

It then times, in this process, medians of ``--repeats`` runs:

- ``read``: ``read_events(path, format="table")`` (text read, then dropped);
- ``read+extract``: ``read_events(path, format="table", extract=("urls", "hashtags"))``;
- ``diffusion``: ``resource_diffusion(ev)`` on the extracted events;

``read`` and ``read+extract`` run side by side (alternating, after one warm-up
run of each), so that a change of load on a shared machine falls on both;

and prints one JSON line with the wall-clock and CPU times (user + system of
the process), the overhead of extraction (``read+extract / read - 1``), counts
and the load average (on a shared machine CPU times are the steadier figure).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .generate import DATA, LEARNERS, SIZES, forum

__all__ = ["forum_text", "write_forum_text", "measure"]

WORDS = np.array(
    "the network course week reading idea learning peers blog question answer "
    "thanks agree think connect resource share forum post".split()
)


def forum_text(size: str, *, seed: int = 0, html: bool = False) -> pd.DataFrame:
    """The benchmark forum of ``size`` with a ``text`` column (module docstring)."""
    df = forum(SIZES[size], LEARNERS[size], seed=seed)
    rng = np.random.default_rng([seed, 19])  # own stream: the forum is unchanged
    n = len(df)
    words = WORDS[rng.integers(0, len(WORDS), size=(n, 6))]
    sentence = pd.Series([" ".join(w) for w in words.tolist()])
    has = rng.random(n) < 0.1
    k = int(has.sum())
    link = (rng.zipf(1.6, k) - 1) % 20_000
    tag = (rng.zipf(1.8, k) - 1) % 500
    url = pd.Series(
        [f"https://site{i % 2000}.org/page/{i}?utm_source=feed" for i in link], dtype=object
    )
    tags = pd.Series([f"#Topic{i}" for i in tag], dtype=object)
    text = sentence.copy()
    if html:
        text[has] = (
            "<p>"
            + sentence[has].to_numpy()
            + ' see <a href="'
            + url.to_numpy()
            + '">this</a> '
            + tags.to_numpy()
            + "</p>"
        )
        text[~has] = "<p>" + sentence[~has].to_numpy() + "</p>"
    else:
        text[has] = sentence[has].to_numpy() + " see " + url.to_numpy() + " " + tags.to_numpy()
    df["text"] = text.to_numpy()
    return df


def write_forum_text(size: str, *, html: bool = False, folder: Path | None = None) -> Path:
    path = (folder or DATA) / f"forum_text_{size}{'_html' if html else ''}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        forum_text(size, html=html).to_csv(tmp, index=False)
        tmp.rename(path)
    return path


def _median_time(fn, repeats: int):
    """Median wall-clock and CPU (user + system, all threads) seconds of ``repeats`` runs."""
    wall, cpu, out = [], [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return (statistics.median(wall), statistics.median(cpu)), out


def _side_by_side(fns, repeats: int):
    """Median wall-clock and CPU seconds of each of ``fns``, run alternately
    ``repeats`` times after one warm-up run each; and the last result of each."""
    for fn in fns:
        fn()
    times: list[list[tuple[float, float]]] = [[] for _ in fns]
    outs = [None] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            (t, out) = _median_time(fn, 1)
            times[i].append(t)
            outs[i] = out
    medians = [
        (statistics.median(w for w, _ in ts), statistics.median(c for _, c in ts)) for ts in times
    ]
    return medians, outs


def measure(path: Path, *, repeats: int = 3) -> dict:
    import connectana as ca

    load_before = os.getloadavg()
    (read, both), (_, ev) = _side_by_side(
        [
            lambda: ca.read_events(path, format="table"),
            lambda: ca.read_events(path, format="table", extract=("urls", "hashtags")),
        ],
        repeats,
    )
    diff, d = _median_time(lambda: ca.resource_diffusion(ev), repeats)
    load = os.getloadavg()
    return {
        "file": path.name,
        "events": len(ev),
        "events_with_resources": int(ev["resources"].notna().sum()),
        "resources": len(d.resources),
        "read_s": round(read[0], 2),
        "read_extract_s": round(both[0], 2),
        "extract_overhead": round(both[0] / read[0] - 1, 3),
        "diffusion_s": round(diff[0], 2),
        "read_cpu_s": round(read[1], 2),
        "read_extract_cpu_s": round(both[1], 2),
        "extract_overhead_cpu": round(both[1] / read[1] - 1, 3),
        "diffusion_cpu_s": round(diff[1], 2),
        "repeats": repeats,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1M", choices=list(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--html", action="store_true")
    args = parser.parse_args(argv)
    path = write_forum_text(args.size, html=args.html)
    print(json.dumps(measure(path, repeats=args.repeats)))


if __name__ == "__main__":
    main()
