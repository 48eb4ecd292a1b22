"""Identifying values in id columns (issue #15): e-mail-shaped person ids are
flagged and pseudonymised; thread and context names become keyed pseudonyms."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.privacy import pseudonym_map

KEY = b"values key"


def _events(actors, threads, contexts):
    n = len(actors)
    return ca.make_events(
        pd.DataFrame(
            {
                "actor": actors,
                "thread_id": threads,
                "context": contexts,
                "timestamp": pd.date_range("2024-01-01", periods=n, tz="UTC"),
            }
        )
    )


def test_email_actor_ids_are_flagged_and_pseudonymised():
    # an Atom feed's <name> can be an e-mail address: it becomes the actor id
    ev = _events(["anna.z@uni.example", "ben"], ["t1", "t1"], ["c", "c"])
    with pytest.warns(UserWarning, match="1 person id\\(s\\) are e-mail addresses"):
        out = ca.pseudonymize(ev, key=KEY)
    assert out.attrs["pseudonymized"]["email_ids"] == 1
    assert out["actor"].tolist() == [
        pseudonym_map(["anna.z@uni.example"], key=KEY)["anna.z@uni.example"],
        pseudonym_map(["ben"], key=KEY)["ben"],
    ]
    assert not out.astype(str).apply(lambda c: c.str.contains("@")).any().any()


def test_thread_and_context_names_become_keyed_pseudonyms():
    forum = _events(["a", "b"], ["dm-anna-zorblax", "dm-anna-zorblax"], ["Anna's course"] * 2)
    chat = _events(["c"], ["dm-anna-zorblax"], ["Anna's course"])
    f, c = ca.pseudonymize(forum, key=KEY), ca.pseudonymize(chat, key=KEY)
    t = pseudonym_map(["dm-anna-zorblax"], key=KEY, prefix="T-")["dm-anna-zorblax"]
    assert f["thread_id"].tolist() == [t, t] and c["thread_id"].tolist() == [t]
    assert f["context"].iloc[0].startswith("C-") and f["context"].iloc[0] == c["context"].iloc[0]
    # threads still group: the same network shape
    assert len(ca.build_network(f, "copresence").edges) == 1
    kept = ca.pseudonymize(forum, key=KEY, keep=["thread_id"])
    assert kept["thread_id"].tolist() == ["dm-anna-zorblax"] * 2
