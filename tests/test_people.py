"""Rosters, alias tables and concatenation of Events from several platforms."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import InputError, SchemaError
from connectana.events import IngestReport
from connectana.people import apply_aliases, read_aliases


def _events(rows, platform, **kw):
    df = pd.DataFrame(rows)
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    return ca.make_events(df, platform=platform, **kw)


@pytest.fixture
def forum():
    # forum user 12 is Ann, 7 is Bob
    return _events(
        [
            {"actor": "12", "object_id": "p1", "thread_id": "t1", "timestamp": "2024-01-01 09:00"},
            {
                "actor": "7",
                "object_id": "p2",
                "parent_id": "p1",
                "thread_id": "t1",
                "timestamp": "2024-01-02 09:00",
            },
            {
                "actor": "12",
                "object_id": "p3",
                "parent_id": "p2",
                "thread_id": "t1",
                "timestamp": "2024-01-03 09:00",
            },
        ],
        "forum",
    )


@pytest.fixture
def blog():
    # blog "12" is Carol (a different person from forum's 12)
    return _events(
        [
            {"actor": "ann.s", "object_id": "b1", "timestamp": "2024-01-01 12:00"},
            {
                "actor": "bob.k",
                "object_id": "c1",
                "parent_id": "b1",
                "timestamp": "2024-01-02 12:00",
            },
            {"actor": "12", "object_id": "c2", "parent_id": "b1", "timestamp": "2024-01-04 12:00"},
        ],
        "blog",
    )


@pytest.fixture
def chat():
    return _events(
        [
            {"actor": "U2", "target": "U1", "action": "message", "timestamp": "2024-01-02 09:00"},
            {"actor": "U3", "target": "U2", "action": "message", "timestamp": "2024-01-05 09:00"},
        ],
        "chat",
    )


@pytest.fixture
def aliases():
    return pd.DataFrame(
        [
            ("ann", "forum", "12"),
            ("ann", "blog", "ann.s"),
            ("ann", "chat", "U1"),
            ("bob", "forum", "7"),
            ("bob", "blog", "bob.k"),
            ("bob", "chat", "U2"),
            ("carol", "blog", "12"),
        ],
        columns=["person", "platform", "platform_id"],
    )


def test_three_platforms_one_node_per_person(forum, blog, chat, aliases):
    ev = ca.concat_events([forum, blog, chat], aliases=aliases)
    ca.validate_events(ev)
    net = ca.build_network(ev, ties="reply")
    assert sorted(net.nodes.index) == ["ann", "bob", "carol", "chat:U3"]
    edges = {(s, t): w for s, t, w in net.edges[["source", "target", "weight"]].to_numpy()}
    # bob -> ann: forum p2->p1, blog c1->b1, chat U2->U1
    assert edges == {
        ("bob", "ann"): 3,
        ("ann", "bob"): 1,
        ("carol", "ann"): 1,
        ("chat:U3", "bob"): 1,
    }
    assert net.meta["platforms"] == ["blog", "chat", "forum"]


def test_event_ids_prefixed_only_on_collision(forum, blog, chat, aliases):
    ev = ca.concat_events([forum, blog, chat], aliases=aliases)
    # every table numbers its events e1, e2, ... so every id is prefixed
    assert ev["event_id"].tolist() == [
        "forum:e1",
        "blog:e1",
        "forum:e2",
        "chat:e1",
        "blog:e2",
        "forum:e3",
        "blog:e3",
        "chat:e2",
    ]
    assert ev.attrs["ingest"].options["event_ids"] == "prefixed with platform"
    chat2 = chat.assign(event_id=["m1", "m2"])
    ev2 = ca.concat_events([forum, chat2])
    assert sorted(ev2["event_id"]) == ["e1", "e2", "e3", "m1", "m2"]
    assert ev2.attrs["ingest"].options["event_ids"] == "unchanged"


def test_sorted_by_time_stable_across_tables(forum, chat, aliases):
    # forum e2 and chat e1 share 2024-01-02 09:00: list order decides
    ev = ca.concat_events([chat, forum], aliases=aliases)
    assert ev["event_id"].tolist() == ["forum:e1", "chat:e1", "forum:e2", "forum:e3", "chat:e2"]
    assert ev["timestamp"].is_monotonic_increasing


def test_unaliased_ids_are_prefixed(forum, blog, aliases):
    only_forum = aliases[aliases["platform"] == "forum"]
    ev = ca.concat_events([forum, blog], aliases=only_forum)
    assert sorted(set(ev["actor"])) == ["ann", "blog:12", "blog:ann.s", "blog:bob.k", "bob"]
    # the blog's "12" did not merge with the forum's 12 (ann)
    assert "12" not in set(ev["actor"])
    notes = ev.attrs["ingest"].notes
    assert notes["actor aliased"] == 3
    assert notes["actor prefixed with platform"] == 3


def test_without_aliases_shared_ids_are_counted(forum, blog):
    ev = ca.concat_events([forum, blog])
    assert set(ev["actor"]) == {"12", "7", "ann.s", "bob.k"}
    report = ev.attrs["ingest"]
    assert report.notes["ids shared across platforms"] == 1
    assert any("more than one platform" in m for m in report.messages)


def test_combined_report_adds_up(forum, blog, chat):
    raw = pd.DataFrame(
        {
            "actor": ["12", "7", "12"],
            "object_id": ["p1", "p2", "p3"],
            "parent_id": [None, "p1", "p2"],
            "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True),
        }
    )
    rep = IngestReport(source="forum.csv", format="table", read=5)
    rep.set_aside_record("missing actor", record=4)
    rep.set_aside_record("missing actor", record=5)
    forum = ca.make_events(raw, platform="forum", report=rep)
    blog_filtered = blog[blog["actor"] != "12"]  # filtered after reading: 3 -> 2 rows
    ev = ca.concat_events([forum, blog_filtered, chat])
    r = ev.attrs["ingest"]
    assert (r.read, r.kept, r.set_aside_total) == (10, 7, 3)
    assert dict(r.set_aside) == {"missing actor": 2, "removed after reading": 1}
    assert r.balanced
    assert [s["source"] for s in r.options["sources"]] == [
        "forum.csv",
        "events table 2",
        "events table 3",
    ]
    assert [(s["read"], s["kept"]) for s in r.options["sources"]] == [(5, 3), (3, 2), (2, 2)]
    assert r.source == "forum.csv; events table 2; events table 3"
    assert all(rec["source"] == "forum.csv" for rec in r.records)
    # the inputs' reports are not changed
    assert forum.attrs["ingest"].read == 5 and forum.attrs["ingest"].kept == 3


def test_duplicate_events_raise_or_are_set_aside(forum):
    with pytest.raises(InputError, match="same event is in two tables"):
        ca.concat_events([forum, forum])
    ev = ca.concat_events([forum, forum], on_conflict="first")
    r = ev.attrs["ingest"]
    assert len(ev) == 3
    assert (r.read, r.kept, r.set_aside["duplicate event"]) == (6, 3, 3)
    assert r.balanced
    assert ev["event_id"].tolist() == ["e1", "e2", "e3"]


def test_anonymous_bucket_never_becomes_a_hub():
    # Coursera: user_id 0 stands for every anonymous poster
    rows = [
        {"actor": "0", "object_id": "a1", "thread_id": "t1", "timestamp": "2024-01-01"},
        {"actor": "0", "object_id": "a2", "thread_id": "t2", "timestamp": "2024-01-01"},
        {"actor": "0", "object_id": "a3", "thread_id": "t3", "timestamp": "2024-01-01"},
        {"actor": "u1", "object_id": "r1", "parent_id": "a1", "timestamp": "2024-01-02"},
        {"actor": "u2", "object_id": "r2", "parent_id": "a2", "timestamp": "2024-01-02"},
        {"actor": "u3", "object_id": "r3", "parent_id": "a3", "timestamp": "2024-01-02"},
        {"actor": "0", "object_id": "r4", "parent_id": "r1", "timestamp": "2024-01-03"},
    ]
    raw = _events(rows, "coursera")
    naive = ca.build_network(raw)
    # without the rule, "0" is one node tied to everybody
    assert naive.to_igraph().degree(naive.nodes.index.get_loc("0")) == 4

    ev = ca.concat_events([raw])
    net = ca.build_network(ev)
    g = net.to_igraph()
    anon = [i for i, n in enumerate(net.nodes.index) if n.startswith("anonymous:")]
    assert len(anon) == 4
    assert max(g.degree(anon)) == 1
    edges = sorted(map(tuple, net.edges[["source", "target"]].to_numpy()))
    assert edges == [
        ("anonymous:coursera:e7", "u1"),
        ("u1", "anonymous:coursera:e1"),
        ("u2", "anonymous:coursera:e2"),
        ("u3", "anonymous:coursera:e3"),
    ]
    notes = ev.attrs["ingest"].notes
    assert notes["anonymous actor made unique"] == 4
    assert notes["anonymous target made unique"] == 3


def test_anonymous_target_without_parent_is_unique_per_event():
    ev = _events(
        [
            {"actor": "a", "target": "guest", "timestamp": "2024-01-01"},
            {"actor": "b", "target": "guest", "timestamp": "2024-01-02"},
            {"actor": "-", "target": "a", "timestamp": "2024-01-03"},
        ],
        "moodle",
    )
    out = apply_aliases(ev, None)
    assert out["target"].tolist() == [
        "anonymous:moodle:e1:target",
        "anonymous:moodle:e2:target",
        "a",
    ]
    assert out["actor"].tolist() == ["a", "b", "anonymous:moodle:e3"]


def test_anonymous_markers_per_platform():
    ev = _events([{"actor": "0", "target": "1", "timestamp": "2024-01-01"}], "snap")
    assert apply_aliases(ev, None, anonymous={"coursera": ["0"]})["actor"].tolist() == ["0"]
    assert apply_aliases(ev, None, anonymous=None)["actor"].tolist() == ["0"]
    assert apply_aliases(ev, None)["actor"].tolist() == ["anonymous:snap:e1"]


def test_alias_for_anonymous_marker_is_an_error():
    ev = _events([{"actor": "0", "timestamp": "2024-01-01"}], "coursera")
    al = pd.DataFrame({"person": ["ann"], "platform": ["coursera"], "platform_id": ["0"]})
    with pytest.raises(InputError, match="anonymous marker"):
        apply_aliases(ev, al)


def test_alias_conflicts(forum, aliases):
    clash = pd.concat(
        [aliases, pd.DataFrame([("dave", "forum", "12")], columns=aliases.columns)],
        ignore_index=True,
    )
    with pytest.raises(InputError, match="two people") as info:
        ca.concat_events([forum], aliases=clash)
    assert info.value.row == 8
    assert info.value.found == ["ann", "dave"]
    ev = ca.concat_events([forum], aliases=clash, on_conflict="first")
    assert ev["actor"].tolist() == ["ann", "bob", "ann"]


def test_aliases_from_file(tmp_path, forum):
    p = tmp_path / "aliases.csv"
    p.write_text("person,platform,platform_id\nann,forum, 12\nbob,forum,7\nann,forum,12\n")
    table = read_aliases(p)
    assert table.values.tolist() == [["ann", "forum", "12"], ["bob", "forum", "7"]]
    ev = ca.concat_events([forum], aliases=p)
    assert ev["actor"].tolist() == ["ann", "bob", "ann"]
    assert ev["target"].tolist()[1:] == ["ann", "bob"]
    bad = tmp_path / "bad_aliases.csv"
    bad.write_text("person,site,id\nann,forum,12\n")
    with pytest.raises(SchemaError, match="bad_aliases.csv") as info:
        read_aliases(bad)
    assert "platform_id" in str(info.value)


def test_lazy_public_names():
    from connectana import people

    assert ca.read_people is people.read_people
    assert ca.concat_events is people.concat_events


def test_events_without_platform_are_refused():
    ev = ca.make_events(
        pd.DataFrame({"actor": ["a"], "timestamp": pd.to_datetime(["2024-01-01"], utc=True)})
    )
    with pytest.raises(SchemaError, match="no platform"):
        ca.concat_events([ev])


def test_read_people(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text(
        "person,role,group,display_name,email,country\n"
        "12,editingteacher,A,Ann Smith,ann@uni.edu,NZ\n"
        "7,,B,Bob Kay,bob@uni.edu,FR\n"
        "x3,Community TA,A,Cy,cy@uni.edu,NZ\n"
    )
    with pytest.warns(UserWarning, match="email"):
        people = ca.read_people(p)
    assert people.index.tolist() == ["12", "7", "x3"]
    assert people["role"].tolist() == ["instructor", "student", "ta"]
    assert people["group"].tolist() == ["A", "B", "A"]
    assert people["display_name"].tolist() == ["Ann Smith", "Bob Kay", "Cy"]
    assert "email" not in people.columns
    assert people["country"].tolist() == ["NZ", "FR", "NZ"]
    assert people.attrs["dropped_columns"] == ["email"]


def test_read_people_options_and_errors(tmp_path):
    p = tmp_path / "staff.csv"
    p.write_text("uid;facilitator\n1;1\n2;0\n")
    people = ca.read_people(p, person="uid", role="facilitator", role_map={"1": "instructor"})
    assert people["role"].tolist() == ["instructor", "other"]
    # without person=, the id column is found by person_column(): "uid" here
    assert ca.read_people(p).index.tolist() == ["1", "2"]
    nameless = tmp_path / "names.csv"
    nameless.write_text("name;facilitator\nann;1\n")
    with pytest.raises(InputError, match="names.csv.*no id column") as info:
        ca.read_people(nameless)
    assert info.value.found == ["name", "facilitator"]
    dup = tmp_path / "dup.csv"
    dup.write_text("person\na\nb\na\n")
    with pytest.raises(InputError, match="dup.csv.*twice"):
        ca.read_people(dup)
    with pytest.raises(InputError, match="file not found"):
        ca.read_people(tmp_path / "missing.csv")


def test_alias_platform_without_events_is_reported_once(forum, chat, aliases):
    extra = pd.concat(
        [aliases, pd.DataFrame([("ann", "mastodon", "109")], columns=aliases.columns)],
        ignore_index=True,
    )
    ev = ca.concat_events([forum, chat], aliases=extra)
    messages = list(ev.attrs["ingest"].messages)
    assert messages == ["alias table lists platform(s) with no events: blog, mastodon"]
    assert ev.attrs["ingest"].options["aliases"] == 8
