"""Duplicate post ids, parent cycles and self-parents are counted in the ingest report (#14)."""

from __future__ import annotations

import pandas as pd

import connectana as ca


def test_broken_threads_are_counted():
    posts = pd.DataFrame(
        {
            "post_id": ["1", "2", "3", "4", "5", "5", "6", "7"],
            # 2 <-> 3 is a cycle (3 answers 2, 2 answers 3), 4 answers itself, 5 is repeated,
            # 7 -> 6 -> 7 a second cycle whose posts come in time order
            "parent_id": [None, "3", "2", "4", "1", "1", "7", "6"],
            "author": list("abcdefgh"),
            "created": pd.date_range("2024-01-01", periods=8, freq="h", tz="UTC").astype(str),
        }
    )
    ev = ca.read_events(posts, on_error="skip")
    notes = ev.attrs["ingest"].notes
    assert notes["duplicate object id"] == 1
    assert notes["self-parent"] == 1
    assert notes["parent cycle"] == 4
    assert len(ev) == 8  # counted, not removed


def test_clean_thread_has_no_structure_notes():
    ev = ca.read_events(
        pd.DataFrame(
            {
                "post_id": ["1", "2", "3"],
                "parent_id": [None, "1", "2"],
                "author": ["a", "b", "a"],
                "created": ["2024-01-01T00:00:00Z"] * 3,
            }
        )
    )
    notes = ev.attrs["ingest"].notes
    assert not {"duplicate object id", "self-parent", "parent cycle"} & set(notes)
    assert notes["target from parent"] == 2


def test_views_of_one_object_are_no_duplicates():
    ev = ca.read_events(
        pd.DataFrame(
            {
                "user": ["a", "b", "c"],
                "object_id": ["p1", "p1", "p1"],
                "time": ["2024-01-01T00:00:00Z"] * 3,
            }
        ),
        action="view",
    )
    assert "duplicate object id" not in ev.attrs["ingest"].notes
