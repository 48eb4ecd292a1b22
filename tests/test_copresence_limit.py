"""copresence without a quadratic join, and the max_ties limit (issue #15)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.errors import ConnectanaError, TieLimitError
from connectana.ties import DEFAULT_MAX_TIES, count_interactions, interactions


def _events(n_threads: int, n_people: int, n_posts: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return ca.make_events(
        pd.DataFrame(
            {
                "actor": [f"p{i}" for i in rng.integers(0, n_people, n_posts)],
                "thread_id": [f"t{i}" for i in rng.integers(0, n_threads, n_posts)],
                "timestamp": pd.Timestamp("2024-01-01", tz="UTC")
                + pd.to_timedelta(rng.integers(0, 10_000, n_posts), unit="min"),
                "action": "post",
            }
        )
    )


def _reference(ev: pd.DataFrame) -> set:
    """Every pair of a thread's participants by brute force: (a, b, time, event)
    with a < b, timed by the later first post."""
    out = set()
    ev = ev.sort_values(["thread_id", "timestamp"], kind="stable")
    for thread, g in ev.groupby("thread_id"):
        first = g.drop_duplicates("actor")
        rows = list(first[["actor", "timestamp", "event_id"]].itertuples(index=False))
        for (a, _ta, _), (b, tb, eb) in itertools.combinations(rows, 2):
            out.add((min(a, b), max(a, b), tb, eb, thread))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_copresence_equals_every_pair_by_brute_force(seed):
    ev = _events(7, 15, 120, seed)
    got = interactions(ev, "copresence")
    rows = set(
        zip(
            got["source"],
            got["target"],
            got["time"],
            got["event_id"],
            got["thread_id"],
            strict=True,
        )
    )
    ref = _reference(ev)
    assert len(got) == len(ref) == len(rows)
    assert rows == ref
    assert count_interactions(ev, "copresence") == len(ref)
    assert not got["explicit"].any() and set(got["tie"]) == {"copresence"}


def test_count_interactions_by_hand():
    # thread t: a, b, c, a (3 people: 3 pairs); thread u: d (no pair); thread v: a, d (1)
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": list("abcadad"),
                "thread_id": list("tttuuvv"),
                "timestamp": pd.date_range("2024-01-01", periods=7, tz="UTC"),
            }
        )
    )
    assert count_interactions(ev, "copresence") == 3 + 1 + 1  # u: a and d are 2 people
    assert count_interactions(ev, "star") == len(interactions(ev, "star"))


def _one_thread(n: int) -> pd.DataFrame:
    return ca.make_events(
        pd.DataFrame(
            {
                "actor": [f"p{i}" for i in range(n)],
                "thread_id": "big",
                "timestamp": pd.date_range("2024-01-01", periods=n, freq="min", tz="UTC"),
            }
        )
    )


def test_max_ties_stops_every_entry_point(tmp_path):
    ev = _one_thread(30)  # 435 pairs
    assert count_interactions(ev, "copresence") == 435
    calls = {
        "interactions": lambda m: interactions(ev, "copresence", max_ties=m),
        "build_network": lambda m: ca.build_network(ev, "copresence", max_ties=m),
        "growth": lambda m: ca.growth(ev, "copresence", metrics=["density"], max_ties=m),
        "compare_ties": lambda m: ca.compare_ties(ev, ["reply", "copresence"], max_ties=m),
        "engagement": lambda m: ca.engagement(ev, ties="copresence", names=True, max_ties=m),
        "report": lambda m: ca.write_report(
            ev, tmp_path / "r", ties="copresence", key=b"k", max_ties=m
        ),
    }
    for name, call in calls.items():
        with pytest.raises(TieLimitError, match="limited_copresence") as info:
            call(434)
        assert isinstance(info.value, ConnectanaError), name
        assert info.value.count == 435 and info.value.max_ties == 434
        assert "435" in str(info.value) and "434" in str(info.value)
        if name != "report":  # (the report at the limit is slow; its build is the same call)
            call(435)  # exactly at the limit: built


def test_default_limit_is_documented_value():
    assert DEFAULT_MAX_TIES == 2_000_000
    ev = _one_thread(40)
    with pytest.raises(TieLimitError):
        ca.build_network(ev, "copresence", max_ties=100)
    assert len(ca.build_network(ev, "copresence", max_ties=None).edges) == 780


def test_cli_report_stops_with_a_clear_error(tmp_path, capsys):
    from connectana.cli import main

    ev = _one_thread(30)
    csv = tmp_path / "posts.csv"
    ev[["event_id", "actor", "thread_id", "timestamp"]].to_csv(csv, index=False)
    key = tmp_path / "k.key"
    args = ["--format", "table", "--ties", "copresence", "--key-file", str(key)]
    status = main(["report", str(csv), "--out", str(tmp_path / "out"), *args, "--max-ties", "100"])
    assert status == 2
    err = capsys.readouterr().err
    assert "connectana: error:" in err and "limited_copresence" in err and "100" in err
    status = main(["export", str(csv), "--to", "csv", "--out", str(tmp_path / "e"), *args[:4],
                   "--key-file", str(key), "--max-ties", "100"])  # fmt: skip
    assert status == 2
    assert "limited_copresence" in capsys.readouterr().err
