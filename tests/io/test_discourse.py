"""The Discourse reader: real API fixtures and hand-made traps."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import connectana as ca
from connectana.io.discourse import read_discourse


def _edges(ev, **kw):
    net = ca.build_network(ev, **kw)
    return sorted(net.edges[["source", "target", "weight"]].itertuples(index=False, name=None))


# ----------------------------------------------------------------------------- real fixtures


def test_real_topic_one_explicit_reply_by_user_ids(real_data):
    ev = ca.read_events(real_data / "discourse" / "topic.json", format="discourse")
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    # 4 posts: 83 (#1), 84 (#2, post_type 2: set aside), 86 (#3), 226 (#14 -> #1)
    assert (report.read, report.kept) == (4, 3)
    assert report.set_aside == {"system post": 1}
    assert ev["event_id"].tolist() == ["83", "86", "226"]
    assert ev["action"].tolist() == ["post", "reply", "reply"]
    # post_number 14 replies to post_number 1, i.e. post id 83 (numbers are not ids)
    row = ev.set_index("event_id").loc["226"]
    assert (row["parent_id"], row["target"], row["actor"]) == ("83", "15", "50")
    # splattne (user 50) -> samsaffron (user 15): the only explicit reply tie
    assert _edges(ev) == [("50", "15", 1)]
    # post #3 (stienman, 23) is a reply without reply_to_post_number: no parent
    assert report.notes["reply without reply_to_post_number"] == 1
    assert ca.build_network(ev).meta["unresolved_replies"] == 1
    # of the 4 posts, 3 have no reply_to_post_number (#1 opens, #2 is system, #3)
    raw = json.loads((real_data / "discourse" / "topic.json").read_text())
    assert sum(p["reply_to_post_number"] is None for p in raw["post_stream"]["posts"]) == 3
    # timestamps had a -05:00 offset
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2013-02-04T20:26:26.278Z")
    assert ev["thread_id"].unique().tolist() == ["57"]
    assert ev["context"].unique().tolist() == ["category:13"]


def test_real_latest_posts_and_single_post(real_data):
    ev = read_discourse(real_data / "discourse" / "posts_latest.json")
    report = ev.attrs["ingest"]
    # two posts by the `system` user (id -1) are set aside
    assert (report.read, report.kept, dict(report.set_aside)) == (4, 2, {"bot": 2})
    assert ev["event_id"].tolist() == ["14", "15"]
    assert ev["role"].tolist() == ["instructor", "instructor"]  # johndoe is an admin
    single = read_discourse(real_data / "discourse" / "post.json")
    assert (single.attrs["ingest"].read, len(single)) == (1, 0)  # written by `system`
    posts = read_discourse(real_data / "discourse" / "topic_posts.json")
    assert posts[["event_id", "actor", "action", "thread_id"]].values.tolist() == [
        ["123456", "123", "reply", "57"]
    ]


def test_real_folder_reads_every_file(real_data):
    ev = read_discourse(real_data / "discourse")
    report = ev.attrs["ingest"]
    assert (report.read, report.kept) == (10, 6)
    assert report.balanced


# ----------------------------------------------------------------------------- hand-made


def test_traps_topic(data_dir):
    ev = read_discourse(data_dir / "discourse" / "topic.json")
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    assert (report.read, report.kept) == (10, 6)
    assert report.set_aside == {"system post": 1, "whisper": 1, "bot": 1, "deleted": 1}
    assert report.balanced
    by_id = ev.set_index("event_id")
    # post_numbers have gaps: #12 replies to #9, which is post 1010 (not 1009)
    assert by_id.loc["1013", "parent_id"] == "1010"
    assert by_id.loc["1013", "target"] == "13"
    # reply without reply_to_post_number: parent left empty
    assert pd.isna(by_id.loc["1014", "parent_id"]) and pd.isna(by_id.loc["1014", "target"])
    # reply to a post number not in the data: target from reply_to_user.username
    assert pd.isna(by_id.loc["1015", "parent_id"]) and by_id.loc["1015", "target"] == "11"
    assert report.notes["reply_to_post_number not in data"] == 1
    assert _edges(ev) == [("11", "10", 1), ("11", "13", 1), ("13", "11", 1), ("15", "11", 1)]
    # post_stream.posts is truncated: 2 ids of the stream are not in the file
    assert report.notes["posts in stream but not in file"] == 2
    assert "/t/100/posts.json" in report.messages[0]
    assert by_id.loc["1001", "role"] == "instructor"
    assert by_id.loc["1002", "role"] == "student"
    assert "text" not in ev.columns


def test_whispers_kept_on_request(data_dir):
    ev = read_discourse(data_dir / "discourse" / "topic.json", whispers=True, keep_text=True)
    row = ev.set_index("event_id").loc["1004"]
    # cat (moderator -> ta) whispered a reply to post #2 (bob)
    assert (row["actor"], row["target"], row["role"]) == ("12", "11", "ta")
    assert "whisper" not in ev.attrs["ingest"].set_aside
    assert ev.set_index("event_id").loc["1001", "text"] == "Hello all"


def test_folder_dedupes_and_maps_across_topics(data_dir):
    ev = ca.read_events(data_dir / "discourse", format="discourse")
    report = ev.attrs["ingest"]
    assert (report.read, report.kept, report.set_aside["duplicate"]) == (13, 8, 1)
    assert report.balanced
    assert _edges(ev) == [
        ("10", "11", 1),
        ("11", "10", 1),
        ("11", "13", 1),
        ("13", "11", 1),
        ("15", "11", 1),
    ]
    # -05:00 offsets converted to UTC
    assert ev.set_index("event_id").loc["2001", "timestamp"] == pd.Timestamp("2024-03-02T14:00Z")
    assert ev.set_index("event_id").loc["2001", "context"] == "category:8"


def test_broken_json_names_file_and_line(tmp_path):
    bad = tmp_path / "t.json"
    bad.write_text('{"post_stream": {"posts": [\n  {"id": 1,}\n]}}')
    with pytest.raises(ca.FormatError, match=r"t\.json.*row 2.*not valid JSON"):
        read_discourse(bad)


def test_record_without_date_names_record_and_field(tmp_path):
    p = tmp_path / "posts.json"
    posts = [
        {"id": 1, "topic_id": 1, "post_number": 1, "user_id": 3, "created_at": "2024-01-01T00:00Z"},
        {"id": 2, "topic_id": 1, "post_number": 2, "user_id": 4},
    ]
    p.write_text(json.dumps({"latest_posts": posts}))
    with pytest.raises(ca.InputError, match=r"posts\.json.*row 2.*field 'created_at'"):
        read_discourse(p)
    ev = read_discourse(p, on_error="skip")
    assert ev["event_id"].tolist() == ["1"]
    assert ev.attrs["ingest"].set_aside == {"invalid record": 1}


def test_post_number_must_be_an_integer(tmp_path):
    p = tmp_path / "posts.json"
    post = {"id": 1, "topic_id": 1, "post_number": "one", "user_id": 3, "created_at": "2024-01-01"}
    p.write_text(json.dumps([post]))
    with pytest.raises(ca.InputError, match=r"row 1.*field 'post_number'.*found 'one'"):
        read_discourse(p)


def test_not_discourse_json(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"hello": 1}')
    with pytest.raises(ca.FormatError, match="not a Discourse"):
        read_discourse(p)


# ---------------------------------------------------------------- robustness regressions


def _topic_doc(data_dir) -> dict:
    return json.loads((data_dir / "discourse" / "topic.json").read_text())


def test_posts_not_a_list(tmp_path, data_dir):
    # was a TypeError ('int' object is not iterable)
    doc = _topic_doc(data_dir)
    doc["post_stream"]["posts"] = 3
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ca.FormatError) as err:
        read_discourse(path, on_error="skip")
    assert (err.value.file, err.value.field) == (str(path), "post_stream.posts")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("post_number", "1e999", "post number is not an integer"),  # was an OverflowError
        ("reply_to_post_number", '"3.0"', "post number is not an integer"),
        ("user_id", '{"a": 1}', "user_id is not a string or an integer"),  # was kept as "{'a': 1}"
        ("topic_id", "[1]", "topic_id is not a string or an integer"),
    ],
)
def test_wrong_field_types(tmp_path, data_dir, field, value, message):
    doc = _topic_doc(data_dir)
    doc["post_stream"]["posts"][1][field] = "@@"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc).replace('"@@"', value))
    with pytest.raises(ca.InputError) as err:
        read_discourse(path)
    assert (err.value.file, err.value.row, err.value.field) == (str(path), 2, field)
    assert message in str(err.value)
    rep = read_discourse(path, on_error="skip").attrs["ingest"]
    assert rep.set_aside["invalid record"] == 1 and rep.balanced and rep.read == 10


def test_reply_cycle_and_missing_parent(tmp_path):
    # 2 answers 3 and 3 answers 2 (a cycle); 4 answers a post that is not in the file
    posts = [
        {"id": 10 + n, "topic_id": 1, "post_number": n, "user_id": n, "reply_to_post_number": to}
        | {"created_at": f"2024-01-0{n}T00:00:00Z"}
        for n, to in ((1, None), (2, 3), (3, 2), (4, 9))
    ]
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"post_stream": {"posts": posts}}))
    ev = read_discourse(path)
    assert ev["target"].fillna("-").tolist() == ["-", "3", "2", "-"]
    assert ev.attrs["ingest"].notes["reply_to_post_number not in data"] == 1
