"""Canvas readers: discussion topic views and Live Events."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import ConnectanaError, FormatError
from connectana.io.canvas import local_id, read_canvas_discussion, read_canvas_events


def edge_list(ev: pd.DataFrame, **kw) -> list[tuple[str, str, int]]:
    """Sorted (source, target, weight) of build_network(ev, **kw)."""
    net = ca.build_network(ev, **kw)
    return sorted(
        (str(s), str(t), int(w)) for s, t, w in net.edges[["source", "target", "weight"]].values
    )


# ---------------------------------------------------------------- real fixtures


def test_real_canvas_live_event(real_data):
    ev = read_canvas_events(
        real_data / "canvas_live_events" / "canvas_discussion_entry_created.json"
    )
    ca.validate_events(ev)
    row = ev.iloc[0]
    assert len(ev) == 1
    assert row["event_id"] == "entry:2134567"
    assert (row["actor"], row["object_id"], row["parent_id"], row["thread_id"]) == (
        "98765",
        "2134567",
        "62152",
        "123456",
    )
    assert row["timestamp"] == pd.Timestamp("2019-07-03 23:12:34", tz="UTC")
    assert (row["action"], row["role"], row["context"]) == ("reply", "student", "565")
    # the parent entry is not in the file: its author is unknown
    assert pd.isna(row["target"])
    assert ev.attrs["ingest"].notes["parent missing"] == 1
    assert "text" not in ev.columns


def test_real_caliper_event(real_data):
    ev = read_canvas_events(
        real_data / "canvas_live_events" / "caliper_discussion_entry_created.json",
        keep_text=True,
    )
    row = ev.iloc[0]
    # global actor id 21070000000098765 -> local 98765
    assert row["actor"] == "98765"
    assert (row["object_id"], row["parent_id"], row["thread_id"]) == ("2134567", "62152", "123456")
    assert row["timestamp"] == pd.Timestamp("2019-11-01 19:11:03.933", tz="UTC")
    assert row["role"] == "student"  # Caliper "Learner"
    assert row["text"] == "<p>test this discussion</p>"
    notes = ev.attrs["ingest"].notes
    assert notes["parent id from the Caliper request_url"] == 1
    assert notes["global user id made local"] == 1


def test_real_both_forms_are_one_event(real_data):
    ev = read_canvas_events(real_data / "canvas_live_events")
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (2, 1, {"duplicate": 1})


# ---------------------------------------------------------------- discussion view


def test_view_nested_deleted_new_entries(data_dir):
    ev = read_canvas_discussion(data_dir / "canvas" / "topic_1234.json")
    ca.validate_events(ev)
    rep = ev.attrs["ingest"]
    # 6 entries in the view + 1 new entry (entry 3 is listed again in new_entries)
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (7, 6, {"deleted": 1})
    assert set(ev["thread_id"]) == {"1234"}
    assert ev["event_id"].tolist() == [f"entry:{i}" for i in (1, 2, 3, 5, 6, 7)]
    child = ev.set_index("object_id").loc["5"]
    assert child["parent_id"] == "4" and pd.isna(child["target"])
    assert rep.notes["reply to a deleted entry (target unknown)"] == 1
    assert rep.notes["reply to the topic (author unknown)"] == 2
    assert any("topic_author=" in m for m in rep.messages)
    assert set(ev["action"]) == {"reply"}
    assert "display_name" not in ev.columns and "text" not in ev.columns
    assert edge_list(ev) == [("10", "11", 1), ("11", "10", 1), ("11", "12", 1)]


def test_view_topic_author_and_names(data_dir):
    ev = read_canvas_discussion(
        data_dir / "canvas" / "topic_1234.json", topic_author=99, topic_id="T9", keep_text=True
    )
    assert set(ev["thread_id"]) == {"T9"}
    assert ev.attrs["ingest"].notes["reply to the topic (topic_author)"] == 2
    assert edge_list(ev) == [
        ("10", "11", 1),
        ("10", "99", 1),
        ("11", "10", 1),
        ("11", "12", 1),
        ("12", "99", 1),
    ]
    names = ev.set_index("object_id")["display_name"].to_dict()
    assert names["1"] == "Ann T" and names["7"] == "Ben S"
    assert ev.set_index("object_id").loc["2", "text"] == "<p>entry 2</p>"


def test_view_group_child_topics(data_dir):
    ev = read_canvas_discussion(data_dir / "canvas" / "group_topics.json")
    assert ev.groupby("thread_id")["object_id"].apply(list).to_dict() == {
        "501": ["20", "21"],
        "502": ["30", "31"],
    }
    assert edge_list(ev) == [("1", "3", 1), ("2", "1", 1)]


def test_view_list_and_folder(tmp_path, data_dir):
    groups = json.loads((data_dir / "canvas" / "group_topics.json").read_text())
    views = [dict(v, topic_id=k) for k, v in groups["child_topics"].items()]
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "groups.json").write_text(json.dumps(views))
    (tmp_path / "course" / "topic_1234.json").write_text(
        (data_dir / "canvas" / "topic_1234.json").read_text()
    )
    ev = read_canvas_discussion(tmp_path / "course")
    assert sorted(ev["thread_id"].unique()) == ["1234", "501", "502"]
    assert len(edge_list(ev)) == 5


def test_view_flat_discussion_message(tmp_path):
    view = {
        "participants": [],
        "view": [
            {"id": i, "user_id": u, "parent_id": None, "created_at": f"2024-01-0{i}T00:00:00Z"}
            for i, u in ((1, 5), (2, 6), (3, 7))
        ],
    }
    path = tmp_path / "flat.json"
    path.write_text(json.dumps(view))
    ev = read_canvas_discussion(path)
    assert set(ev["thread_id"]) == {"topic"}
    assert any("ties='star'" in m for m in ev.attrs["ingest"].messages)
    assert edge_list(ev, ties="star") == [("6", "5", 1), ("7", "5", 1)]


def test_view_bad_input(tmp_path):
    path = tmp_path / "topic_1.json"
    path.write_text('{"view": [ {"id": 1,, } ]}')
    with pytest.raises(FormatError) as err:
        read_canvas_discussion(path)
    assert err.value.file == str(path) and err.value.row == 1 and "column 21" in str(err.value)
    path.write_text(json.dumps({"entries": []}))
    with pytest.raises(FormatError, match="not a Canvas discussion view"):
        read_canvas_discussion(path)
    path.write_text(
        json.dumps({"view": [{"id": 1, "user_id": 5, "parent_id": None, "created_at": "later"}]})
    )
    with pytest.raises(ConnectanaError) as err:
        read_canvas_discussion(path)
    assert (err.value.row, err.value.field) == ("topic_1.json: entry 1", "created_at")
    ev = read_canvas_discussion(path, on_error="skip")
    assert dict(ev.attrs["ingest"].set_aside) == {"unparseable timestamp": 1}
    assert len(ev) == 0


# ---------------------------------------------------------------- live events


def test_events_jsonl_global_ids_caliper_topic(data_dir):
    ev = read_canvas_events(data_dir / "canvas" / "events.jsonl")
    ca.validate_events(ev)
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (5, 4, {"not a discussion event": 1})
    # global topic id 21070000000000777 and user ids are made local
    assert set(ev["thread_id"]) == {"777"}
    assert set(ev["context"]) == {"565"}
    assert ev["actor"].tolist() == ["10", "20", "21", "22"]
    assert ev["action"].tolist() == ["post", "reply", "reply", "reply"]
    assert ev["role"].tolist() == ["instructor", "student", "student", "student"]
    assert rep.notes["parent id from the Caliper request_url"] == 1
    assert rep.notes["reply to the topic (topic_created event)"] == 1
    # 101 is stored before its parent 100; 102 (Caliper) answers 101
    assert edge_list(ev) == [("20", "10", 1), ("21", "20", 1), ("22", "21", 1)]


def test_events_array_and_flat_message(tmp_path):
    events = [
        {
            "metadata": {"event_name": "discussion_entry_created"},
            "body": {
                "discussion_entry_id": str(i),
                "discussion_topic_id": "9",
                "parent_discussion_entry_id": None,
                "user_id": u,
                "created_at": f"2024-01-0{i}T00:00:00Z",
            },
        }
        for i, u in ((1, "5"), (2, "6"))
    ]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events))
    ev = read_canvas_events(path)
    assert ev["actor"].tolist() == ["5", "6"]
    assert ev.attrs["ingest"].notes["reply to the topic (author unknown)"] == 2
    assert any("ties='star'" in m for m in ev.attrs["ingest"].messages)


def test_events_bad_input(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"metadata": {}, "body": {}}\n{"metadata": \n')
    with pytest.raises(FormatError) as err:
        read_canvas_events(path)
    assert err.value.file == str(path) and err.value.row == 2 and "line 2" in str(err.value)
    path.write_text(
        json.dumps(
            {
                "metadata": {"event_name": "discussion_entry_created"},
                "body": {"discussion_entry_id": "1", "discussion_topic_id": "2"},
            }
        )
    )
    with pytest.raises(ConnectanaError) as err:
        read_canvas_events(path)
    assert err.value.field == "user_id" and "e.jsonl" in err.value.row
    ev = read_canvas_events(path, on_error="skip")
    assert dict(ev.attrs["ingest"].set_aside) == {"no user": 1}


def test_local_id():
    assert local_id("21070000000098765") == "98765"
    assert local_id(12 * 10**13 + 1234567) == "1234567"
    assert local_id("urn:instructure:canvas:course:21070000000000565") == "565"
    assert local_id(None) is None


def test_read_events_dispatch(data_dir):
    ev = ca.read_events(data_dir / "canvas" / "events.jsonl", format="canvas_events")
    assert ev.attrs["ingest"].format == "canvas_events"
    ev = ca.read_events(data_dir / "canvas" / "topic_1234.json", format="canvas_discussion")
    assert ev.attrs["ingest"].format == "canvas_discussion"


# ---------------------------------------------------------------- robustness regressions


def _topic(data_dir) -> dict:
    return json.loads((data_dir / "canvas" / "topic_1234.json").read_text())


def test_view_not_utf8_names_file_line_and_offset(tmp_path, data_dir):
    # was: a raw UnicodeDecodeError
    path = tmp_path / "topic_1.json"
    path.write_bytes(b'{"view": [],\n "participants": ["\xe9"]}')
    for on_error in ("raise", "skip"):
        with pytest.raises(FormatError) as err:
            read_canvas_discussion(path, on_error=on_error)
        assert err.value.file == str(path) and err.value.row == 2
        assert "byte 0xe9 on line 2 (byte offset 32)" in str(err.value)


def test_view_wrong_types(tmp_path, data_dir):
    # participants not a list was a TypeError; names are display data only: noted, not fatal
    view = _topic(data_dir)
    view["participants"] = 3.5
    path = tmp_path / "topic_1234.json"
    path.write_text(json.dumps(view))
    rep = read_canvas_discussion(path).attrs["ingest"]
    assert (rep.read, rep.kept) == (7, 6)
    assert rep.notes["'participants' is not a list (names not read)"] == 1
    # an entry whose user_id is an object: InputError naming the entry and the field
    view = _topic(data_dir)
    view["view"][0]["replies"][0]["user_id"] = {"id": 5}
    path.write_text(json.dumps(view))
    with pytest.raises(ca.InputError) as err:
        read_canvas_discussion(path)
    assert err.value.field == "user_id" and "topic_1234.json: entry #2" in err.value.row
    assert "user_id is not a string or an integer" in str(err.value)
    rep = read_canvas_discussion(path, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept, rep.set_aside["invalid field"]) == (7, 5, 1)


def test_view_duplicate_entry_across_views(tmp_path, data_dir):
    # the same entries in two views made event ids repeat (an invalid Events table)
    path = tmp_path / "topic_1.json"
    path.write_text(json.dumps([_topic(data_dir), _topic(data_dir)]))
    ev = read_canvas_discussion(path)
    ca.validate_events(ev)
    rep = ev.attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (14, 6, {"duplicate": 7, "deleted": 1})


def test_local_id_non_ascii_digits():
    # '²'.isdigit() is True but int('²') raised ValueError
    assert local_id("²") == "²" and local_id("1" * 50) == "1" * 50


def test_events_bad_bytes_and_types(tmp_path, data_dir):
    lines = (data_dir / "canvas" / "events.jsonl").read_bytes().splitlines()
    path = tmp_path / "e.jsonl"
    # a line that is not UTF-8 (was a UnicodeDecodeError): that line only
    path.write_bytes(b"\n".join([lines[0], lines[1] + b"\xff", *lines[2:]]))
    with pytest.raises(FormatError) as err:
        read_canvas_events(path)
    assert err.value.file == str(path) and err.value.row == 2 and "not UTF-8" in str(err.value)
    rep = read_canvas_events(path, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept, rep.set_aside["unparseable"]) == (5, 3, 1)
    # metadata that is a number (was an AttributeError): not a discussion event
    first = json.loads(lines[0])
    path.write_text(json.dumps(dict(first, metadata=5, body=7)))
    rep = read_canvas_events(path).attrs["ingest"]
    assert dict(rep.set_aside) == {"not a discussion event": 1}
    # a user id that is an object: InputError naming the line and the field
    first["body"]["user_id"] = {"id": 1}
    path.write_text(json.dumps(first))
    with pytest.raises(ca.InputError) as err:
        read_canvas_events(path)
    assert err.value.field == "user_id" and err.value.row == "e.jsonl: line 1"
    rep = read_canvas_events(path, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (1, 0, {"invalid field": 1})


def test_view_malformed_replies_are_records_set_aside(tmp_path, data_dir):
    # a malformed 'replies' made the whole file a FormatError, even with on_error="skip"
    view = _topic(data_dir)
    first = view["view"][0]
    first["replies"][0]["replies"] = 5
    view["view"].append("not an entry")
    path = tmp_path / "topic_1234.json"
    path.write_text(json.dumps(view))
    with pytest.raises(ca.InputError) as err:
        read_canvas_discussion(path)
    assert err.value.field == "replies"
    assert (
        err.value.row
        == f"topic_1234.json: replies of entry {first['replies'][0]['id']} of topic 1234"
    )
    rep = read_canvas_discussion(path, on_error="skip").attrs["ingest"]
    assert dict(rep.set_aside) == {"deleted": 1, "invalid field": 1, "missing id": 1}
    assert rep.balanced and rep.kept == len(read_canvas_discussion(path, on_error="skip"))


def test_users_of_another_shard_keep_their_global_id(tmp_path):
    # home shard 2107 (the root account's); user 7 at home, and user 7 of shard 3000
    # (another institution), whom Canvas shows on the home shard by their global id
    def entry(eid, user, parent=None, meta_user=None):
        return {
            "metadata": {
                "event_name": "discussion_entry_created",
                "root_account_id": "21070000000000001",
                "user_id": meta_user or user,
                "context_id": "21070000000000565",
            },
            "body": {
                "discussion_entry_id": eid,
                "discussion_topic_id": "9",
                "parent_discussion_entry_id": parent,
                "user_id": user,
                "created_at": f"2024-01-01T10:0{eid}:00Z",
            },
        }

    events = [
        entry("1", "7", meta_user="21070000000000007"),
        entry("2", "30000000000000007", parent="1"),
        entry("3", "21070000000000008", parent="2"),
    ]
    p = tmp_path / "events.jsonl"
    p.write_text("".join(json.dumps(e) + "\n" for e in events))
    ev = read_canvas_events(p)
    assert ev["actor"].tolist() == ["7", "30000000000000007", "8"]
    assert ev["target"].tolist()[1:] == ["7", "30000000000000007"]
    assert ev["context"].tolist() == ["565"] * 3
    notes = ev.attrs["ingest"].notes
    assert notes["user of another shard (global id kept)"] == 1
    assert notes["global user id made local"] == 1
    # two different people: two nodes, a tie each way
    net = ca.build_network(ev)
    assert set(map(tuple, net.edges[["source", "target"]].values)) == {
        ("30000000000000007", "7"),
        ("8", "30000000000000007"),
    }
