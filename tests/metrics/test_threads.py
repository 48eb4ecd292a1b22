"""Thread structure and completeness checks on hand-made forums with known answers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.threads import contribution_table, data_completeness, require


def reply_only() -> pd.DataFrame:
    """A DLT2-like export: replies with targets and threads, no opening posts, no parents."""
    rows = [
        ("a", "s", "t1", "2024-01-01T10:00Z"),  # a answers the (absent) starter s
        ("b", "a", "t1", "2024-01-01T13:00Z"),  # b answers a: a's reply answered after 3 h
        ("a", "b", "t1", "2024-01-02T13:00Z"),  # a answers b: b answered after 24 h
        ("c", "s", "t2", "2024-01-03T00:00Z"),  # c never answered
        ("a", "a", "t2", "2024-01-03T01:00Z"),  # self-answer: no contribution of a before
    ]
    df = pd.DataFrame(rows, columns=["actor", "target", "thread_id", "timestamp"])
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    return ca.make_events(df)


def test_reply_only_export_refuses_what_it_cannot_support():
    c = data_completeness(reply_only())
    assert c.counts["opening_posts"] == 0 and c.counts["threads"] == 2
    assert c.counts["answers_with_target"] == 5 and c.counts["answers_parent_found"] == 0
    assert set(c.unsupported) == {
        "star",
        "reply+star",
        "own_thread_posts",
        "others_thread_posts",
        "max_thread_depth",
        "views",
    }
    assert set(c.partial) == {"posts", "answered_share", "median_hours_to_answer"}
    with pytest.raises(ca.InputError, match="thread starters cannot be inferred"):
        require(c, "star")
    require(c, "reply")  # supported: no error


def test_answers_linked_by_target_within_the_thread():
    t = contribution_table(reply_only())
    h = t["hours_to_answer"].tolist()
    assert h[:2] == [3.0, 24.0]
    assert math.isinf(h[2]) and math.isinf(h[3]) and math.isinf(h[4])
    assert t["own_thread"].isna().all() and t["depth"].isna().all()
    assert t["starter"].isna().all()


def test_parent_ids_give_depth_starters_and_answers():
    df = pd.DataFrame(
        {
            "object_id": ["1", "2", "3", "4", "5"],
            "parent_id": [None, "1", "2", "1", "9"],  # 5's parent is not in the log
            "thread_id": ["t"] * 5,
            "actor": ["a", "b", "a", "a", "c"],
            "timestamp": pd.to_datetime(
                ["2024-01-01T00:00Z", "2024-01-01T06:00Z", "2024-01-01T07:00Z"]
                + ["2024-01-02T00:00Z", "2024-01-02T01:00Z"],
                utc=True,
            ),
        }
    )
    t = contribution_table(ca.make_events(df))
    assert t["depth"].tolist()[:4] == [0, 1, 2, 1] and pd.isna(t["depth"].iloc[4])
    assert t["own_thread"].tolist() == [True, False, True, True, False]
    # post 1 answered by b after 6 h (a's own answer 4 does not count); 2 answered after 1 h
    assert t["hours_to_answer"].tolist()[:2] == [6.0, 1.0]
    c = data_completeness(ca.make_events(df))
    assert c.counts["answers_parent_found"] == 3 and "max_thread_depth" not in c.unsupported
    assert "answered_share" in c.partial  # one answer's parent is missing
