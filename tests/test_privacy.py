"""Pseudonyms, key files, opt-outs, small cells and scrubbing."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.errors import InputError
from connectana.privacy import (
    exclude_people,
    load_or_create_key,
    pseudonym_map,
    scrub_text,
    suppress_small_cells,
)

KEY = b"course-2024-secret"


def expected(value: str, key: bytes = KEY, n: int = 8) -> str:
    return "P-" + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest().upper()[:n]


def _events(rows, platform, **kw):
    df = pd.DataFrame(rows)
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    return ca.make_events(df, platform=platform, **kw)


@pytest.fixture
def forum():
    return _events(
        [
            {
                "actor": "ann",
                "object_id": "p1",
                "thread_id": "t1",
                "timestamp": "2024-01-01",
                "display_name": "Ann Smith",
                "email": "ann.smith@uni.edu",
                "ip": "10.1.2.3",
                "note": "write to ann.smith@uni.edu",
                "text": "Hello, I am Ann Smith",
                "score": 3,
            },
            {
                "actor": "bob",
                "object_id": "p2",
                "parent_id": "p1",
                "thread_id": "t1",
                "timestamp": "2024-01-02",
                "display_name": "Bob Kay",
                "email": "bob@uni.edu",
                "ip": "10.1.2.4",
                "note": "",
                "text": "Hi Ann",
                "score": 1,
            },
            {
                "actor": "cy",
                "object_id": "p3",
                "parent_id": "p2",
                "thread_id": "t1",
                "timestamp": "2024-01-03",
                "display_name": "Cy Li",
                "email": "cy@uni.edu",
                "ip": "10.1.2.5",
                "note": "",
                "text": "Hi Bob",
                "score": 0,
            },
        ],
        "forum",
        keep_text=True,
    )


@pytest.fixture
def blog():
    return _events(
        [
            {"actor": "bob", "object_id": "b1", "timestamp": "2024-01-01"},
            {"actor": "ann", "object_id": "c1", "parent_id": "b1", "timestamp": "2024-01-02"},
        ],
        "blog",
    )


def cells(df: pd.DataFrame) -> list[str]:
    """Every cell, index label and column name, as text."""
    out = [str(c) for c in df.columns] + [str(i) for i in df.index]
    for c in df.columns:
        out.extend(str(v) for v in df[c].tolist())
    return out


def test_pseudonyms_are_hmac_sha256(forum):
    out = ca.pseudonymize(forum, key=KEY)
    assert out["actor"].tolist() == [expected("ann"), expected("bob"), expected("cy")]
    assert out["target"].tolist()[0] is pd.NA
    assert out["target"].tolist()[1:] == [expected("ann"), expected("bob")]
    assert out["actor"].iloc[0] == "P-" + hmac.new(KEY, b"ann", "sha256").hexdigest()[:8].upper()
    assert out.attrs["pseudonymized"]["length"] == 8
    ca.validate_events(out)
    # the input is untouched
    assert forum["actor"].tolist() == ["ann", "bob", "cy"]


def test_same_key_same_pseudonym_across_tables(forum, blog):
    f = ca.pseudonymize(forum, key=KEY)
    b = ca.pseudonymize(blog, key=KEY.decode())  # a str key is its UTF-8 bytes
    assert dict(zip(blog["actor"], b["actor"], strict=True)) == {
        "bob": expected("bob"),
        "ann": expected("ann"),
    }
    assert (
        f.loc[forum["actor"] == "bob", "actor"].item()
        == b.loc[blog["actor"] == "bob", "actor"].item()
    )
    other = ca.pseudonymize(blog, key=b"another key")
    assert other["actor"].tolist() == [
        expected("bob", b"another key"),
        expected("ann", b"another key"),
    ]
    assert set(other["actor"]).isdisjoint(b["actor"])


def test_prefix_and_length(blog):
    out = ca.pseudonymize(blog, key=KEY, prefix="S_", length=12)
    assert out["actor"].tolist() == [
        "S_" + expected("bob", n=12)[2:],
        "S_" + expected("ann", n=12)[2:],
    ]


def test_collisions_lengthen_every_pseudonym():
    ids = [f"user{i}" for i in range(40)]  # 40 ids, 16 one-character codes: must collide
    digests = [hmac.new(KEY, x.encode(), hashlib.sha256).hexdigest().upper() for x in ids]
    n = 1
    while len({d[:n] for d in digests}) < len(ids):
        n += 1
    assert n > 1
    mapping = pseudonym_map(ids, key=KEY, length=1)
    assert mapping == {x: "P-" + d[:n] for x, d in zip(ids, digests, strict=True)}
    assert len(set(mapping.values())) == 40
    # deterministic
    assert pseudonym_map(list(reversed(ids)), key=KEY, length=1) == mapping


def test_key_file_created_once_and_reused(tmp_path, blog):
    path = tmp_path / "course.key"
    assert not path.exists()
    key = load_or_create_key(path)
    assert len(key) == 32
    text = path.read_text()
    assert text == key.hex() + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    assert path.read_text() == text
    out1 = ca.pseudonymize(blog, key_file=path)
    out2 = ca.pseudonymize(blog, key_file=path)
    assert (
        out1["actor"].tolist()
        == out2["actor"].tolist()
        == [expected("bob", key), expected("ann", key)]
    )
    assert path.read_text() == text
    # the key never appears in the output
    everything = " ".join(cells(out1)) + repr(out1.attrs)
    assert key.hex() not in everything and key.hex().upper() not in everything


def test_bad_key_file_and_missing_key(tmp_path, blog):
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    os.chmod(bad, 0o600)
    with pytest.raises(InputError, match="bad.key"):
        load_or_create_key(bad)
    loose = tmp_path / "loose.key"
    loose.write_text("ab" * 32)
    os.chmod(loose, 0o644)
    with pytest.warns(UserWarning, match="chmod 600"):
        assert load_or_create_key(loose) == bytes.fromhex("ab" * 32)
    with pytest.raises(ValueError, match="secret key"):
        ca.pseudonymize(blog)
    with pytest.raises(ValueError, match="not both"):
        ca.pseudonymize(blog, key=KEY, key_file=loose)


def test_nothing_identifying_survives(forum):
    rep = forum.attrs["ingest"]  # finished reports are immutable: add a record to a new one
    forum.attrs["ingest"] = rep.evolve(
        read=rep.read + 1,
        set_aside={"missing actor": 1},
        records=[{"record": {"actor": "ann", "email": "ann.smith@uni.edu"}, "reason": "x"}],
    )
    out = ca.pseudonymize(forum, key=KEY)
    dropped = ["text", "display_name", "email", "ip", "note", "score"]
    assert out.attrs["pseudonymized"]["dropped"] == dropped
    # "score" is no schema column: off the allow-list unless named (#15)
    assert out.attrs["pseudonymized"]["not_allowed"] == 1 and "score" not in out.columns
    assert "score" in ca.pseudonymize(forum, key=KEY, attributes=["score"]).columns
    values = cells(out)
    for original in ("ann", "bob", "cy"):
        assert original not in values
    joined = " ".join(values) + repr(out.attrs)
    for secret in ("Ann Smith", "Bob Kay", "Cy Li", "@", "10.1.2."):
        assert secret not in joined
    report = out.attrs["ingest"]
    assert len(report.records) == 0 and report.set_aside["missing actor"] == 1 and report.balanced
    assert len(forum.attrs["ingest"].records) == 1  # the input's report is untouched
    kept = ca.pseudonymize(forum, key=KEY, keep=["display_name"])
    assert kept["display_name"].tolist() == ["Ann Smith", "Bob Kay", "Cy Li"]


def test_people_table(forum):
    roster = pd.DataFrame(
        {
            "id": ["ann", "bob", "cy", "dee"],
            "role": ["teacher", "student", "student", "student"],
            "display_name": ["Ann Smith", "Bob Kay", "Cy Li", "Dee O"],
            "contact": ["ann.smith@uni.edu", "bob@uni.edu", "cy@uni.edu", "dee@uni.edu"],
            "group": ["A", "A", "B", "B"],
        }
    )
    people = ca.make_people(roster, person="id")
    out = ca.pseudonymize(people, key=KEY)
    assert out.index.name == "person"
    assert out.index.tolist() == [expected(x) for x in ["ann", "bob", "cy", "dee"]]
    assert out.columns.tolist() == ["role", "group"]
    assert out["role"].tolist() == ["instructor", "student", "student", "student"]
    ev = ca.pseudonymize(forum, key=KEY)
    assert set(ev["actor"]) <= set(out.index)
    values = cells(out)
    assert not {"ann", "bob", "cy", "dee"} & set(values)
    assert not any("@" in v or "Smith" in v for v in values)


def test_network(forum):
    people = ca.make_people(
        pd.DataFrame(
            {
                "person": ["ann", "bob", "cy", "dee"],
                "display_name": ["Ann Smith", "Bob Kay", "Cy Li", "Dee O"],
            }
        )
    )
    net = ca.build_network(forum, people=people)
    out = ca.pseudonymize(net, key=KEY)
    assert isinstance(out, ca.Network)
    assert out.nodes.index.tolist() == [expected(x) for x in ["ann", "bob", "cy", "dee"]]
    assert "display_name" not in out.nodes.columns
    assert out.edges[["source", "target", "weight"]].values.tolist() == [
        [expected("bob"), expected("ann"), 1],
        [expected("cy"), expected("bob"), 1],
    ]
    g = out.to_igraph()
    assert g.vs["name"] == out.nodes.index.tolist()
    assert g.degree() == [1, 2, 1, 0]
    assert out.meta["pseudonymized"]["length"] == 8
    values = cells(out.nodes) + cells(out.edges)
    assert not {"ann", "bob", "cy", "dee"} & set(values)
    assert not any("Smith" in v for v in values)


def test_bipartite_network_keeps_object_nodes(forum):
    net = ca.build_network(forum, ties="bipartite")
    out = ca.pseudonymize(net, key=KEY)
    assert out.nodes.index.tolist() == [
        expected("ann"),
        expected("bob"),
        expected("cy"),
        "thread:t1",
    ]
    assert set(out.edges["target"]) == {"thread:t1"}


def test_node_indexed_result_and_errors(forum):
    table = pd.DataFrame({"degree": [2, 1]}, index=pd.Index(["bob", "ann"], name="node"))
    out = ca.pseudonymize(table, key=KEY)
    assert out.index.tolist() == [expected("bob"), expected("ann")]
    assert out["degree"].tolist() == [2, 1]
    with pytest.raises(InputError, match="no column of person ids"):
        ca.pseudonymize(pd.DataFrame({"x": [1]}), key=KEY)
    edges = pd.DataFrame({"sender": ["ann"], "receiver": ["bob"]})
    out = ca.pseudonymize(edges, key=KEY, columns=["sender", "receiver"])
    assert out.values.tolist() == [[expected("ann"), expected("bob")]]


def test_exclude_people_matches_build_network(forum, blog):
    chat = _events(
        [
            {"actor": "dee", "target": "ann", "thread_id": "c", "timestamp": "2024-01-04"},
            {"actor": "ann", "target": "dee", "thread_id": "c", "timestamp": "2024-01-05"},
            {"actor": "cy", "target": "bob", "thread_id": "c", "timestamp": "2024-01-06"},
        ],
        "chat",
    )
    ev = ca.concat_events([forum, blog, chat])
    out = exclude_people(ev, ["bob"])
    # bob acts in forum p2 and blog b1; forum p3, blog c1 and chat e3 answer bob: 5 of 8
    assert out["event_id"].tolist() == ["forum:e1", "chat:e1", "chat:e2"]
    assert out.attrs["people_excluded"] == 1
    assert out.attrs["events_excluded"] == 5
    report = out.attrs["ingest"]
    assert report.set_aside["opted out"] == 5 and report.kept == 3 and report.balanced
    assert ev.attrs["ingest"].kept == 8
    for ties in ("reply", "star", "copresence"):
        mine = ca.build_network(out, ties=ties)
        theirs = ca.build_network(ev, ties=ties, exclude=["bob"])
        pd.testing.assert_frame_equal(mine.edges, theirs.edges)
        assert mine.nodes.index.tolist() == theirs.nodes.index.tolist()
        assert theirs.meta["people_excluded"] == out.attrs["people_excluded"]
    edges = ca.build_network(out).edges[["source", "target", "weight"]].values.tolist()
    assert edges == [["ann", "dee", 1], ["dee", "ann", 1]]


def test_exclude_people_counts_accumulate(forum):
    out = exclude_people(exclude_people(forum, ["cy", "nobody"]), ["ann"])
    assert out.attrs["people_excluded"] == 3
    assert out.attrs["events_excluded"] == 1 + 2  # cy's p3; then ann's p1 and bob's answer p2
    assert out["actor"].tolist() == []
    assert out.attrs["ingest"].set_aside["opted out"] == 3 and out.attrs["ingest"].balanced


def test_suppress_small_cells():
    t = pd.DataFrame(
        {
            "week": ["w1", "w2", "w3"],
            "posts": [0, 3, 9],
            "people": [1, 5, 4],
            "rate": [0.5, 1.0, 2.0],
            "active": [True, False, True],
            "replies": pd.array([2, None, 7], dtype="Int64"),
        }
    )
    out = suppress_small_cells(t, k=5)
    assert out["posts"].tolist() == [0, pd.NA, 9]
    assert out["people"].tolist() == [pd.NA, 5, pd.NA]
    assert out["replies"].tolist() == [pd.NA, pd.NA, 7]
    assert out["rate"].tolist() == [0.5, 1.0, 2.0]
    assert out["active"].tolist() == [True, False, True]
    assert str(out["posts"].dtype) == "Int64"
    assert out.attrs["suppressed_cells"] == 4
    assert t["posts"].tolist() == [0, 3, 9]

    only = suppress_small_cells(t, k=2, columns=["posts", "rate"], marker="<2")
    assert only["posts"].tolist() == [0, 3, 9]
    assert only["rate"].tolist() == ["<2", "<2", 2.0]
    assert only["people"].tolist() == [1, 5, 4]
    assert only.attrs["suppressed_cells"] == 2
    with pytest.raises(KeyError):
        suppress_small_cells(t, columns=["nope"])


def test_suppress_row_level_table():
    per_person = pd.DataFrame(
        {"posts": np.array([12, 2, 0]), "replies": np.array([6, 6, 1])},
        index=pd.Index(["P-1", "P-2", "P-3"], name="person"),
    )
    out = suppress_small_cells(per_person, k=5, columns=["posts", "replies"])
    assert out.values.tolist() == [[12, 6], [pd.NA, 6], [0, pd.NA]]
    assert out.index.tolist() == ["P-1", "P-2", "P-3"]


def test_scrub_text(forum):
    ev = forum.assign(contact=["x", "y", "z"], host=["web", "172.16.0.9 (vpn)", "web"], n=[1, 2, 3])
    out, dropped = scrub_text(ev)
    assert dropped == ["text", "email", "ip", "note", "host"]
    assert out.attrs["dropped_columns"] == dropped
    # display names are not text: pseudonymize() drops them
    assert out.columns.tolist()[-4:] == ["display_name", "score", "contact", "n"]
    ca.validate_events(out)
    assert out.attrs["ingest"].kept == 3
    mails = forum.assign(actor=["ann@uni.edu", "bob", "cy"])
    with pytest.warns(UserWarning, match="actor"):
        _, dropped = scrub_text(mails)
    assert "actor" not in dropped


def test_lazy_public_name():
    from connectana import privacy

    assert ca.pseudonymize is privacy.pseudonymize
