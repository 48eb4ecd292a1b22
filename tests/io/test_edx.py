"""Tests of the Open edX readers (research-package forum dump and tracking logs)."""

from __future__ import annotations

import gzip
import json
import shutil

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import ConnectanaError, FormatError, InputError
from connectana.io.edx import read_edx_forum, read_edx_tracking

COURSE = "course-v1:X+Y+Z"


def edge_set(ev: pd.DataFrame, **kw) -> set[tuple[str, str, int]]:
    net = ca.build_network(ev, **kw)
    return {(s, t, int(w)) for s, t, w in net.edges[["source", "target", "weight"]].values}


def rows(ev: pd.DataFrame, *cols: str) -> list[list]:
    return [[None if pd.isna(v) else v for v in r] for r in ev[list(cols)].values.tolist()]


# --------------------------------------------------------------------------- #
# .mongo forum dump: hand-made fixture
# --------------------------------------------------------------------------- #
def test_forum_mongo_structure_and_targets(data_dir):
    ev = ca.read_events(data_dir / "edx" / "forum.mongo", format="edx_forum")
    ca.validate_events(ev)
    # epoch-ms, {"$numberLong"} and ISO $date values all read; children stored
    # before their parents in the file still resolve; time order in the table.
    assert rows(ev, "event_id", "actor", "action", "parent_id", "thread_id", "target") == [
        ["t1", "ann", "post", None, "t1", None],
        ["r1", "bob", "reply", "t1", "t1", "ann"],
        ["c1", "cat", "comment", "r1", "t1", "bob"],
        ["r2", "bob", "reply", "t2", "t2", None],  # t2 is anonymous: set aside
        ["r3", "bob", "reply", "t3", "t3", None],  # t3 is anonymous: set aside
        ["r4", "ann", "reply", "t9", "t9", None],  # t9 is not in the file
    ]
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-01-01T10:00:00Z")
    assert ev["timestamp"].iloc[1] == pd.Timestamp("2024-01-01T11:00:00Z")
    assert set(ev["context"]) == {COURSE}
    assert set(ev["platform"]) == {"edx"}
    assert "text" not in ev.columns and "role" not in ev.columns
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept) == (9, 6)
    assert dict(rep.set_aside) == {"anonymous": 2, "not a forum post": 1}
    assert rep.balanced
    assert rep.notes["target from parent"] == 2
    assert rep.notes["parent anonymous"] == 2
    assert rep.notes["parent missing"] == 1
    assert edge_set(ev) == {("bob", "ann", 1), ("cat", "bob", 1)}


def test_forum_anonymous_options(data_dir):
    path = data_dir / "edx" / "forum.mongo"
    sep = read_edx_forum(path, anonymous="separate")
    # one pseudo-person per anonymous post: they never merge into one hub
    assert edge_set(sep) == {
        ("bob", "ann", 1),
        ("cat", "bob", 1),
        ("bob", "anonymous:t2", 1),
        ("bob", "anonymous:t3", 1),
    }
    assert sep.attrs["ingest"].kept == 8
    keep = read_edx_forum(path, anonymous="keep")
    assert edge_set(keep) == {
        ("bob", "ann", 1),
        ("cat", "bob", 1),
        ("bob", "dan", 1),
        ("bob", "eve", 1),
    }
    with pytest.raises(ValueError, match="anonymous"):
        read_edx_forum(path, anonymous="merge")


def test_forum_user_id_and_text(data_dir):
    ev = read_edx_forum(data_dir / "edx" / "forum.mongo", actor="user_id", keep_text=True)
    assert edge_set(ev) == {("2", "1", 1), ("3", "2", 1)}
    assert ev.set_index("event_id").loc["c1", "text"] == "I agree with Bob."


def test_forum_bad_date_names_file_line_field(tmp_path):
    p = tmp_path / "bad.mongo"
    p.write_text(
        '{"_id": {"$oid": "t1"}, "_type": "CommentThread", "author_username": "a",'
        ' "created_at": {"$date": "2024-01-01T10:00:00Z"}}\n'
        '{"_id": {"$oid": "t2"}, "_type": "CommentThread", "author_username": "b",'
        ' "created_at": {"$date": "yesterday"}}\n'
    )
    with pytest.raises(InputError) as err:
        read_edx_forum(p)
    assert err.value.row == 2 and err.value.field == "created_at"
    assert str(p) in str(err.value)
    ev = read_edx_forum(p, on_error="skip")
    assert ev.attrs["ingest"].set_aside["bad timestamp"] == 1
    assert ev["actor"].tolist() == ["a"]


# --------------------------------------------------------------------------- #
# Tracking logs: hand-made fixtures
# --------------------------------------------------------------------------- #
def test_tracking_folder_gzip_comments_json_string(data_dir):
    ev = ca.read_events(data_dir / "edx" / "logs", format="edx_tracking")
    ca.validate_events(ev)
    assert rows(ev, "actor", "action", "object_id", "parent_id", "thread_id", "target", "role") == [
        ["ann", "post", "t1", None, "t1", None, "instructor"],
        ["bob", "react", "t1", None, "t1", "ann", "ta"],
        ["bob", "reply", "r1", "t1", "t1", "ann", "ta"],  # event was a JSON string
        ["cat", "comment", "c1", "r1", "t1", "bob", "student"],  # stored before r1
        ["dan", "reply", "r2", "t1", "t1", "ann", "student"],  # processed shape, day 2
        ["eve", "reply", "r3", "t2", "t2", None, "student"],  # t2 anonymous
        ["ann", "comment", "c2", "r0", "t1", None, "instructor"],  # r0 not in the logs
        ["eve", "view", "t1", None, "t1", "ann", "student"],
    ]
    assert ev["event_id"].iloc[0] == "tracking.log-20240101.gz:5"
    assert ev["event_id"].iloc[4] == "tracking.log-20240102:1"
    assert set(ev["context"]) == {COURSE}
    rep = ev.attrs["ingest"]
    # the '#' line is not a record; the blank line is ignored
    assert (rep.read, rep.kept) == (13, 8)
    assert dict(rep.set_aside) == {"not a forum event": 2, "vote undone": 2, "anonymous": 1}
    assert rep.balanced
    assert rep.notes["comment lines skipped"] == 1
    assert rep.notes["target from parent"] == 3
    assert rep.notes["parent anonymous"] == 1
    assert rep.notes["parent missing"] == 1
    assert edge_set(ev) == {("bob", "ann", 1), ("cat", "bob", 1), ("dan", "ann", 1)}


def test_tracking_list_of_files_equals_folder(data_dir):
    logs = data_dir / "edx" / "logs"
    files = sorted(logs.iterdir())
    a = read_edx_tracking(logs)
    b = read_edx_tracking(files)
    pd.testing.assert_frame_equal(a, b)
    # one file alone: the parent from the other day is missing
    day2 = read_edx_tracking(files[1])
    assert day2.attrs["ingest"].notes["parent missing"] == 3
    net = ca.build_network(day2)
    assert len(net.edges) == 0 and net.meta["unresolved_replies"] == 3


def test_tracking_not_forum_only(data_dir):
    ev = read_edx_tracking(data_dir / "edx" / "logs", forum_only=False)
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept) == (13, 10)
    extra = ev[ev["action"].isin(["other"]) | ev["object_id"].str.startswith("/")]
    assert rows(extra, "actor", "action", "object_id") == [
        ["ann", "other", "i4x-X-Y-video-abc"],
        ["bob", "view", "/courses/course-v1:X+Y+Z/discussion/forum"],
    ]


def test_tracking_user_id_actor_and_text(data_dir):
    ev = read_edx_tracking(data_dir / "edx" / "logs", actor="user_id", keep_text=True)
    assert edge_set(ev) == {("2", "1", 1), ("3", "2", 1), ("4", "1", 1)}
    # targets given as usernames (votes, views) are mapped to user ids
    assert ev.loc[ev["action"] == "view", "target"].tolist() == ["1"]
    assert ev.loc[ev["action"] == "react", "target"].tolist() == ["1"]
    assert ev.set_index("event_id").loc["tracking.log-20240102:1", "text"] == (
        "<p>Late to the party</p>"
    )


def test_tracking_anonymous_separate(data_dir):
    ev = read_edx_tracking(data_dir / "edx" / "logs", anonymous="separate")
    assert ("eve", "anonymous:t2", 1) in edge_set(ev)


def test_tracking_broken_json_line(data_dir):
    path = data_dir / "edx" / "broken.log"
    with pytest.raises(FormatError) as err:
        read_edx_tracking(path)
    assert isinstance(err.value, ConnectanaError)
    assert err.value.row == 2 and str(path) in str(err.value)
    assert "line 2" in str(err.value)
    ev = read_edx_tracking(path, on_error="skip")
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (2, 1, {"unparseable": 1})


def test_tracking_missing_field_names_file_line_field(data_dir):
    path = data_dir / "edx" / "bad_field.log"
    with pytest.raises(InputError) as err:
        read_edx_tracking(path)
    assert (err.value.row, err.value.field) == (2, "event.discussion.id")
    assert err.value.file == str(path)
    ev = read_edx_tracking(path, on_error="skip")
    assert dict(ev.attrs["ingest"].set_aside) == {"missing parent id": 1}
    assert len(ev) == 0


def test_tracking_time_without_offset_needs_tz(tmp_path):
    p = tmp_path / "t.log"
    p.write_text(
        '{"username": "a", "event_type": "edx.forum.thread.created",'
        ' "time": "2024-01-01T10:00:00", "event": {"id": "t1"}}\n'
    )
    with pytest.raises(InputError, match="tz"):
        read_edx_tracking(p)
    ev = read_edx_tracking(p, tz="Europe/Madrid")
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-01-01T09:00:00Z")


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_edx_tracking(tmp_path / "nope.log")
    with pytest.raises(ValueError):
        read_edx_tracking(tmp_path, on_error="ignore")


# --------------------------------------------------------------------------- #
# Real fixtures (skipped when ../shared/real_data is absent)
# --------------------------------------------------------------------------- #
def test_real_mongo(real_data):
    ev = read_edx_forum(
        real_data / "edx_research_package" / "edX-DemoX-Demo_Course-acceptance.mongo"
    )
    # ISO-string $date values; the child comment is dated before its parent
    assert rows(ev, "actor", "action", "target") == [
        ["staff", "comment", "audit"],
        ["audit", "reply", None],
        ["honor", "reply", None],
    ]
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2013-12-12T17:44:08.128Z")
    assert edge_set(ev) == {("staff", "audit", 1)}
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept) == (3, 3)
    assert rep.notes["parent missing"] == 2  # two responses whose thread is not in the file
    assert rep.notes["thread differs from parent's"] == 1


def test_real_forum_activity_log(real_data):
    ev = read_edx_tracking(real_data / "edx_research_package" / "student_forum_activity.log")
    assert edge_set(ev) == {("honor", "staff", 1), ("verified", "honor", 1)}
    rep = ev.attrs["ingest"]
    assert rep.notes["comment lines skipped"] == 11
    assert (rep.read, rep.kept) == (13, 11)
    # honor upvoted staff's thread and undid it: both set aside
    assert dict(rep.set_aside) == {"vote undone": 2}
    reacts = ev[ev["action"] == "react"]
    assert sorted(zip(reacts["actor"], reacts["target"], strict=True)) == [
        ("audit", "honor"),
        ("audit", "staff"),
        ("audit", "staff"),
        ("staff", "honor"),
        ("verified", "audit"),
    ]
    roles = dict(zip(ev["actor"], ev["role"], strict=True))
    assert roles == {
        "staff": "instructor",
        "honor": "student",
        "audit": "student",
        "verified": "student",
    }


def test_real_engagement_log(real_data):
    path = real_data / "edx_research_package" / "student_engagement_acceptance_tracking.log"
    ev = read_edx_tracking(path)
    rep = ev.attrs["ingest"]
    assert rep.notes["comment lines skipped"] == 22
    assert (rep.read, rep.kept) == (226, 27)
    assert dict(ev["action"].value_counts()) == {"comment": 10, "reply": 9, "post": 8}
    # the same post ids recur in several courses: resolved course by course
    assert rep.notes["target from parent"] == 19 and rep.notes["parent missing"] == 0
    # the fixture re-creates the same ids (15 times): the first creator wins,
    # e.g. staff's thread of 04-14 in Demo_Course_2 also answers honor's 04-16 replies
    assert rep.notes["duplicate object id"] == 15
    assert edge_set(ev, loops=True) == {
        ("honor", "honor", 13),
        ("honor", "staff", 2),
        ("staff", "staff", 2),
        ("verified", "honor", 2),
    }
    assert edge_set(ev) == {("honor", "staff", 2), ("verified", "honor", 2)}
    full = read_edx_tracking(path, forum_only=False)
    assert full.attrs["ingest"].set_aside == {"missing actor": 6}
    assert full.attrs["ingest"].kept == 220


def test_real_event_routing_processed(real_data):
    ev = read_edx_tracking(real_data / "openedx_event_routing" / "current")
    assert rows(ev, "actor", "action", "object_id", "parent_id") == [
        ["xiajul10", "post", "64abcdfee68f35002fd013c6", None],
        ["xiajul10", "delete", "64abcdfee68f35002fd013c6", None],
        ["xiajul7", "view", "64a817fce68f35002fd013c3", None],
        ["response", "reply", "64b7b640e68f350033690932", "64b7b2bee68f35003369092d"],
        ["response", "react", "64b7b640e68f350033690932", None],
        ["xiaaug24", "comment", "64d2308202808b0030b8afaf", "64d1df2087e82a002b35a6fb"],
    ]
    assert ev["timestamp"].iloc[-1] == pd.Timestamp("2023-08-08T12:09:39.157587Z")
    assert ev.attrs["ingest"].notes["parent missing"] == 2


# ---------------------------------------------------------------- robustness regressions


def test_forum_line_not_utf8(tmp_path, data_dir):
    # was a raw UnicodeDecodeError for the whole file
    lines = (data_dir / "edx" / "forum.mongo").read_bytes().splitlines()
    path = tmp_path / "f.mongo"
    path.write_bytes(b"\n".join([*lines[:2], lines[2].replace(b'"', b'"\xc3', 1), *lines[3:]]))
    with pytest.raises(FormatError) as err:
        read_edx_forum(path)
    assert (err.value.file, err.value.row) == (str(path), 3)
    assert "byte 0xc3 on line 3" in str(err.value)
    rep = read_edx_forum(path, on_error="skip").attrs["ingest"]
    assert rep.set_aside["unparseable"] == 1 and rep.balanced
    assert rep.read == len(lines) and rep.kept == 5


def test_tracking_truncated_gzip(tmp_path, data_dir):
    # was a raw EOFError from gzip
    data = (data_dir / "edx" / "logs" / "tracking.log-20240101.gz").read_bytes()
    path = tmp_path / "t.log.gz"
    path.write_bytes(data[:-10])
    for on_error in ("raise", "skip"):
        with pytest.raises(FormatError, match="broken gzip file") as err:
            read_edx_tracking(path, on_error=on_error)
        assert err.value.file == str(path) and isinstance(err.value.row, int)


def test_tracking_whole_document_that_does_not_parse(tmp_path):
    # a pretty-printed document that is broken cannot be read at all: FormatError even with skip
    path = tmp_path / "t.log"
    path.write_text('{\n  "username": "a",\n  "event_type": \n}\n')
    for on_error in ("raise", "skip"):
        with pytest.raises(FormatError) as err:
            read_edx_tracking(path, on_error=on_error)
        assert err.value.row == 4 and "line 4, column 1" in str(err.value)


def test_forum_wrong_types_and_out_of_range_dates(tmp_path):
    path = tmp_path / "f.mongo"
    path.write_text(
        '{"_id": {"$oid": "t"}, "_type": "CommentThread", "author_username": "al",'
        ' "created_at": {"$date": 1700000000000}}\n'
        '{"_id": {"$oid": "b"}, "_type": "Comment", "author_username": ["bo"],'
        ' "comment_thread_id": {"$oid": "t"}, "created_at": {"$date": 1700000060000}}\n'
        '{"_id": {"$oid": "c"}, "_type": "Comment", "author_username": "cy",'
        ' "comment_thread_id": {"$oid": "t"}, "created_at": {"$date": 1e20}}\n'
    )
    with pytest.raises(InputError) as err:
        read_edx_forum(path)
    assert (err.value.row, err.value.field) == (2, "author_username")
    rep = read_edx_forum(path, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept) == (3, 1)
    assert dict(rep.set_aside) == {"missing actor": 1, "bad timestamp": 1}


def test_tracking_first_line_not_utf8_is_one_record(tmp_path, data_dir):
    # a broken first line of JSON lines is one bad record, as any other line
    lines = (data_dir / "edx" / "logs" / "tracking.log-20240102").read_bytes().splitlines()
    path = tmp_path / "t.log"
    path.write_bytes(b"\n".join([lines[0].replace(b'"', b'"\xff', 1), *lines[1:]]))
    with pytest.raises(FormatError) as err:
        read_edx_tracking(path)
    assert err.value.row == 1
    assert "byte 0xff on line 1" in str(err.value)
    rep = read_edx_tracking(path, on_error="skip").attrs["ingest"]
    assert rep.set_aside["unparseable"] == 1 and rep.balanced


def test_tracking_array_line_ids_do_not_collide(tmp_path):
    # events of an array on line 1 were numbered 1, 2 and collided with line 2
    def rec(user, post):
        return {
            "username": user,
            "event_type": "edx.forum.thread.created",
            "time": "2024-01-01T10:00:00+00:00",
            "context": {"course_id": "c"},
            "event": {"id": post},
        }

    path = tmp_path / "t.log"
    path.write_text(
        json.dumps([rec("a", "t1"), rec("b", "t2")]) + "\n" + json.dumps(rec("c", "t3")) + "\n"
    )
    ev = read_edx_tracking(path)
    ca.validate_events(ev)
    assert ev["event_id"].tolist() == ["t.log:1.1", "t.log:1.2", "t.log:2"]


def test_tracking_repeated_lines_are_one_post(tmp_path, data_dir):
    # a day's log copied into two files (overlapping exports): every forum line twice
    logs = data_dir / "edx" / "logs"
    once = read_edx_tracking(logs)
    folder = tmp_path / "logs"
    shutil.copytree(logs, folder)
    day1 = next(p for p in sorted(folder.iterdir()) if p.suffix == ".gz")
    shutil.copy(day1, folder / "tracking.log-20240101-copy.gz")
    twice = read_edx_tracking(folder)
    created = once["action"].isin(["post", "reply", "comment"])
    day1_created = int((created & once["event_id"].str.startswith(day1.name)).sum())
    rep = twice.attrs["ingest"]
    assert rep.set_aside["repeated line"] == day1_created == 3
    assert rep.balanced
    # the network is the same as from one copy (views and votes of the copy stay events)
    assert edge_set(twice) == edge_set(once)
    assert twice.loc[twice["action"].isin(["post", "reply", "comment"]), "object_id"].is_unique
    # the same id created at another time is kept, and noted
    line = {
        "username": "zed",
        "event_type": "edx.forum.response.created",
        "time": "2024-01-03T10:00:00+00:00",
        "context": {"course_id": COURSE, "user_id": "99"},
        "event": {"id": "r1", "discussion": {"id": "t1"}},
    }
    with gzip.open(folder / "tracking.log-20240103.gz", "wt") as f:
        f.write(json.dumps(line) + "\n")
    later = read_edx_tracking(folder)
    assert later.attrs["ingest"].set_aside["repeated line"] == 3
    assert later.attrs["ingest"].notes["duplicate object id"] == 1
