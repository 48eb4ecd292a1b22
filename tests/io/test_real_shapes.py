"""Shapes of real platform exports that broke a reader (#14): hand-made fixtures of the same
shape in tests/data (sources in tests/data/SOURCES.md), read with the default options."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import connectana as ca

DATA = Path(__file__).resolve().parents[1] / "data"
COLS = ["actor", "action", "target"]


def rows(ev, cols=COLS):
    return ev[cols].astype(object).where(ev[cols].notna(), None).values.tolist()


def test_slack_legacy_file_comment_and_upload_text():
    ev = ca.read_events(DATA / "slack" / "legacy_files", format="slack")
    assert rows(ev) == [
        ["U1", "post", None],  # "<@U1|ann> uploaded a file": no self-mention
        ["U1", "mention", "U3"],
        ["U2", "comment", "U1"],  # file_comment: author in comment.user, target the file's owner
        ["U2", "mention", "U3"],  # from the comment, not Slack's "<@U2> commented on <@U1>'s"
        ["U1", "comment", None],  # on her own file
    ]
    assert ev.attrs["ingest"].notes["self-mention not produced"] == 1
    assert ca.build_network(ev, ties="mention").n_ties == 2


def test_canvas_topic_without_user_and_graded_entries():
    ev = ca.read_events(DATA / "canvas" / "course_copy_and_graded.jsonl", format="canvas_events")
    assert rows(ev, ["event_id", "actor", "action", "parent_id", "target"]) == [
        ["topic:501", "7", "post", None, None],
        ["entry:61", "8", "reply", None, "7"],  # discussion_entry_submitted + _created: one entry
        ["entry:62", "9", "reply", "61", "8"],
    ]
    rep = ev.attrs["ingest"]
    assert dict(rep.set_aside) == {"topic without a user": 1, "duplicate": 1}
    assert rep.read == 5 and rep.balanced


def test_xapi_verbs_of_moodle_and_open_edx():
    ev = ca.read_events(DATA / "xapi" / "logstore_forum.json", format="xapi")
    assert ev["action"].tolist() == ["post", "reply", "delete", "edit", "react", "other"]
    from connectana.io.xapi import VERB_ACTIONS

    assert VERB_ACTIONS["delete"] == "delete" and VERB_ACTIONS["update"] == "edit"


def test_edx_tracking_log_with_nul_bytes():
    ev = ca.read_events(DATA / "edx" / "nul_bytes.log", format="edx_tracking")
    assert rows(ev) == [["eve", "post", None], ["fay", "reply", "eve"]]
    assert ev.attrs["ingest"].notes["NUL bytes before a line skipped"] == 2
    skip = ca.read_events(DATA / "edx" / "nul_bytes.log", format="edx_tracking", on_error="skip")
    assert len(skip) == 2 and not skip.attrs["ingest"].set_aside


def test_mastodon_single_status_and_context_without_focal_status():
    one = ca.read_events(DATA / "mastodon" / "status_single.json", format="mastodon")
    assert rows(one) == [["8", "reply", "7"], ["8", "mention", "7"]]
    ctx = ca.read_events(DATA / "mastodon" / "context.json", format="mastodon")
    assert ctx["thread_id"].nunique() == 1  # one thread, not two
    assert ctx.attrs["ingest"].options["context_focal_status"] == "110000000000000012"
    replies = ctx[ctx["action"] == "reply"]
    assert rows(replies) == [["8", "reply", "7"], ["9", "reply", "7"], ["8", "reply", "9"]]


def test_wordpress_creator_that_is_no_author():
    with pytest.warns(UserWarning, match=r"'mraia' \(a typo of 'maria'\?\)"):
        ev = ca.read_events(DATA / "wordpress" / "creator_typo.xml", format="wordpress")
    assert ev.attrs["ingest"].notes["post by a dc:creator that is no wp:author"] == 1
    assert sorted(ev["actor"].unique()) == ["maria", "mraia", "tomas"]


def test_wordpress_theme_unit_test_creator(real_data):
    # the WordPress theme unit test export itself has a dc:creator '>themereviewteam'
    with pytest.warns(UserWarning, match="themereviewteam"):
        ev = ca.read_events(
            real_data / "wordpress_wxr" / "theme-unit-test-data.xml", format="wordpress", tz="UTC"
        )
    assert ev.attrs["ingest"].notes["post by a dc:creator that is no wp:author"] >= 1


EMPTY_INPUTS = {
    "table": ("empty.csv", b""),
    "moodle_forum": ("forum.csv", b"id,discussion,parent,userid,created\n"),
    "moodle_log": ("log.csv", b"Time,User full name,Event name,Description\n"),
    "canvas_discussion": ("view.json", b'{"view": [], "participants": []}'),
    "canvas_events": ("events.jsonl", b""),
    "edx_forum": ("forum.mongo", b""),
    "edx_tracking": ("tracking.log", b""),
    "discourse": ("topic.json", b'{"post_stream": {"posts": []}}'),
    "xapi": ("statements.json", b"[]"),
    "mastodon": ("statuses.json", b"[]"),
}


@pytest.mark.parametrize("fmt", sorted(EMPTY_INPUTS))
def test_empty_input_gets_one_answer_from_every_reader(tmp_path, fmt):
    name, data = EMPTY_INPUTS[fmt]
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(ca.InputError) as info:
        ca.read_events(p, format=fmt)
    assert info.value.reason == "the input is empty: it holds no records", fmt
    assert name in str(info.value.file)


def test_xapi_forum_lifecycle_of_logstore_and_event_routing():
    """logstore_xapi post_updated / post_deleted (emitted without a timestamp) /
    discussion_viewed (the forum as a 'forum-topic' grouping) and event-routing-backends
    thread.reported, in one hand-made file (tests/data/SOURCES.md)."""
    with pytest.warns(UserWarning, match="default_timestamp="):
        ev = ca.read_events(DATA / "xapi" / "forum_lifecycle.json", format="xapi")
    d40 = "https://lms.example.edu/mod/forum/discuss.php?d=40"
    thread = "https://courses.example.org/api/discussion/v1/threads/65aa00aa00aa00aa00aa0001"
    a, b = "https://lms.example.edu|21", "https://lms.example.edu|22"
    got = ev[["actor", "action", "object_id", "thread_id", "target"]].fillna("-")
    assert got.values.tolist() == [
        [a, "post", d40, d40, "-"],
        [b, "reply", d40 + "#p401", d40, "-"],  # the answered post is not in the statement
        [b, "edit", d40 + "#p401", d40, b],
        ["https://lms.example.edu|23", "view", d40, d40, a],  # the discussion, not the forum
        [ev["actor"].iloc[4], "other", thread, "-", "-"],  # acrossx 'reported'
    ]
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (6, 5, {"missing timestamp": 1})
    assert rep.notes["no reply target"] == 1
    kept = ca.read_events(
        DATA / "xapi" / "forum_lifecycle.json", format="xapi", default_timestamp="2024-02-05T12:00Z"
    )
    assert kept["action"].tolist() == ["post", "reply", "edit", "view", "delete", "other"]
    assert kept["target"].iloc[4] == b  # the deleted reply's author


def test_mastodon_account_archive_outbox():
    """The outbox.json of a Mastodon account archive: ActivityPub Create/Note and Announce
    (it made the default read raise: 'status lacks a required field account.id')."""
    path = DATA / "mastodon" / "archive_outbox.json"
    ev = ca.read_events(path, format="mastodon")
    ann, bob = "https://social.example/users/ann", "https://other.example/users/bob"
    s = "https://social.example/users/ann/statuses/1110000000000000"
    b = "https://other.example/users/bob/statuses/2220000000000000"
    got = ev[["event_id", "actor", "action", "parent_id", "target"]].fillna("-")
    assert got.values.tolist() == [
        [s + "01", ann, "post", "-", "-"],
        [s + "02", ann, "reply", b + "09", "-"],  # bob's status is not in ann's archive
        [s + "02:mention:" + bob, ann, "mention", s + "02", bob],
        [s + "03/activity", ann, "share", b + "10", "-"],
        [s + "04", ann, "reply", s + "01", ann],  # parent in the archive: its author
    ]
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, rep.set_aside_total) == (5, 5, 0)
    assert rep.notes["ActivityPub activities read"] == 4
    assert rep.notes["reply to a status not in the archive (target unknown)"] == 1
    # in memory, with an activity that is no status: set aside and counted, report balanced
    doc = json.loads(path.read_text())
    doc["orderedItems"].append({"id": "x", "type": "Like", "actor": ann, "object": b + "10"})
    rep = ca.read_events(doc, format="mastodon").attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (6, 5, {"not a status": 1})


def test_canvas_entries_api_list():
    """GET .../discussion_topics/:id/entries (top-level entries, first replies in
    recent_replies): was 'list item is not a topic view' on the default read."""
    ev = ca.read_events(
        DATA / "canvas" / "topic_88_entries.json", format="canvas_discussion", topic_author=900
    )
    got = ev[["object_id", "actor", "parent_id", "thread_id", "target"]].fillna("-")
    assert got.values.tolist() == [
        ["5012", "301", "-", "88", "900"],  # answers the topic: its author
        ["5020", "302", "5012", "88", "301"],
        ["5013", "302", "-", "88", "900"],
        ["5031", "900", "5012", "88", "301"],
    ]
    rep = ev.attrs["ingest"]
    assert rep.notes["entry with more replies than recent_replies"] == 1
    assert any("entries/:id/replies" in m for m in rep.messages)


def test_slack_web_api_responses_in_memory():
    """conversations.history / conversations.replies responses ({"ok": true, "messages"})
    and API messages that carry their channel (read as channels, not as one list)."""
    history = {
        "ok": True,
        "messages": [
            {"type": "message", "ts": "1700000000.000100", "user": "U1", "channel": "C1",
             "text": "question", "reply_count": 1, "thread_ts": "1700000000.000100"},
            {"type": "message", "ts": "1700000030.000100", "user": "U2", "channel": "C2",
             "text": "elsewhere"},
        ],
        "has_more": False,
    }  # fmt: skip
    replies = [
        {"type": "message", "ts": "1700000060.000200", "user": "U2", "channel": "C1",
         "thread_ts": "1700000000.000100", "parent_user_id": "U1", "text": "answer"},
    ]  # fmt: skip
    ev = ca.read_events(history, format="slack")
    assert ev[["event_id", "context"]].values.tolist() == [
        ["C1:1700000000.000100", "C1"],
        ["C2:1700000030.000100", "C2"],
    ]
    both = ca.read_events(history["messages"] + replies, format="slack")
    reply = both[both["action"] == "reply"]
    assert reply[["actor", "target", "parent_id"]].values.tolist() == [
        ["U2", "U1", "C1:1700000000.000100"]
    ]


LOGSTORE = {"actor": "userid", "timestamp": "timecreated", "target": "relateduserid"}


def test_moodle_logstore_table_rows():
    """Rows of mdl_logstore_standard_log dumped with MySQL's \\N for NULL: moodle_log names
    the table reading to use; read so, \\N is no person (it was the target of 3 events)."""
    path = DATA / "table" / "logstore_rows.csv"
    with pytest.raises(ca.SchemaError, match=r"mdl_logstore_standard_log.*format='table'"):
        ca.read_events(path, format="moodle_log", tz="UTC")
    ev = ca.read_events(path, columns=LOGSTORE, unit="s", action="view")
    assert ev[["actor", "target"]].fillna("-").values.tolist() == [
        ["7", "-"],
        ["7", "-"],
        ["8", "-"],
        ["8", "7"],  # message_sent: relateduserid is the recipient
    ]
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2024-02-01T08:00Z")


def test_real_logstore_rows_have_no_backslash_n_person(real_data):
    path = real_data / "moodle_log_report" / "example_database_data.csv"
    ev = ca.read_events(path, columns=LOGSTORE, unit="s", action="view")
    assert len(ev) == 20 and "\\N" not in set(ev["target"].dropna())
    assert ev["target"].notna().sum() == 2
