"""CI smoke run of the benchmarks (smallest size, once): they must never rot.

No timing assertions: the run must complete and every pipeline must compute the
same numbers (the runner asserts it); a few of those numbers are checked here
against values computed independently from the CSV.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the benchmarks/ folder
from benchmarks import generate, run  # noqa: E402


def test_generator_is_deterministic_and_shaped():
    a = generate.forum(2000, 300, seed=1)
    b = generate.forum(2000, 300, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["post_id", "thread_id", "parent_id", "author", "role", "created"]
    assert len(a) == 2000
    assert a["thread_id"].nunique() == 2000 // 8
    # every parent is an earlier post of the same thread
    by_id = a.set_index("post_id")
    replies = a[a["parent_id"] != ""]
    parents = by_id.loc[replies["parent_id"]]
    assert (parents["thread_id"].to_numpy() == replies["thread_id"].to_numpy()).all()
    assert (parents["created"].to_numpy() <= replies["created"].to_numpy()).all()
    assert len(replies) == 2000 - 2000 // 8  # one opening post per thread
    assert set(a["role"]) == {"student", "instructor"}
    assert a["created"].min() >= "2024-01-01" and a["created"].max() < "2024-03-25"


def test_smoke_run_smallest_size(tmp_path):
    pipelines = ["connectana", "igraph", "networkx", "floor"]
    if importlib.util.find_spec("networkit") is not None:
        pipelines += ["networkit", "connectana+networkit"]
    results = run.run(
        ["10k"], repeats=1, pipelines=pipelines, data=tmp_path, raw=tmp_path, tracking_lines=3000
    )
    entry = results["sizes"]["10k"]
    assert sorted(entry["checked"]) == sorted(pipelines)  # all checked equal
    for name in pipelines:
        assert set(entry["pipelines"][name]["median"]) >= {"read", "ties", "centrality", "total"}
        assert entry["pipelines"][name]["peak_mb"] > 0
    # independent count of the reply ties, straight from the CSV
    posts = pd.read_csv(tmp_path / "forum_10k.csv", dtype=str, keep_default_na=False)
    author = dict(zip(posts["post_id"], posts["author"], strict=True))
    replies = posts[posts["parent_id"] != ""]
    pairs = pd.DataFrame(
        {"s": replies["author"].to_numpy(), "t": [author[p] for p in replies["parent_id"]]}
    )
    pairs = pairs[pairs["s"] != pairs["t"]]
    with open(tmp_path / "10k_connectana.pkl", "rb") as f:
        res = pd.read_pickle(f)
    assert res.n_interactions == len(pairs)
    assert res.n_ties == len(pairs.drop_duplicates())
    assert res.snapshots["week"].tolist() == list(range(1, 13))
    assert res.snapshots["nodes"].iloc[-1] == posts["author"].nunique()
    assert np.isclose(res.pagerank.sum(), 1.0)
    md = run.table(results)
    assert "### 10k posts" in md and "| connectana |" in md
    # the tracking log: every line read, the forum events (counted in the file) kept
    import gzip

    with gzip.open(tmp_path / "tracking_3000.log.gz", "rt") as f:
        forum = sum('"edx.forum.' in line for line in f)
    assert results["tracking"]["read"] == 3000
    assert results["tracking"]["kept"] == forum > 0
    assert "tracking log" in md


def test_check_equal_catches_a_difference(tmp_path):
    from benchmarks.pipelines import PIPELINES

    csv = generate.write_forum("10k", folder=tmp_path)
    _, a = PIPELINES["floor"](csv)
    _, b = PIPELINES["floor"](csv)
    run.check_equal({"connectana": a, "floor": b})
    b.in_degree = b.in_degree.copy()
    b.in_degree[0] += 1
    with pytest.raises(AssertionError, match="in_degree"):
        run.check_equal({"connectana": a, "floor": b})
