"""The Slack export reader: the real obfuscated export and hand-made traps."""

from __future__ import annotations

import json
import shutil
import zipfile

import pandas as pd
import pytest

import connectana as ca
from connectana.io.slack import read_slack


def _edges(ev, **kw):
    net = ca.build_network(ev, **kw)
    return sorted(net.edges[["source", "target", "weight"]].itertuples(index=False, name=None))


def _zip(folder, dest, prefix=""):
    with zipfile.ZipFile(dest, "w") as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, prefix + p.relative_to(folder).as_posix())
    return dest


# ----------------------------------------------------------------------------- real fixture


def test_real_export_zip_and_folder_identical(real_data):
    d = real_data / "slack_export"
    a = ca.read_events(d / "source_export.zip", format="slack")
    b = ca.read_events(d / "source_export_dir", format="slack")
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["ingest"].to_dict()["set_aside"] == b.attrs["ingest"].to_dict()["set_aside"]


def test_real_export_four_thread_replies(real_data):
    ev = read_slack(real_data / "slack_export" / "source_export_dir")
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    # 16 messages: a channel_join, a bot message and a tombstone set aside
    assert (report.read, report.kept) == (16, 13)
    assert report.set_aside == {"system": 1, "bot": 1, "deleted": 1}
    replies = ev[ev["action"] == "reply"]
    assert replies[["actor", "target"]].values.tolist() == [
        ["UOB5F987BF17", "UOF82F39AE"],
        ["UOF82F39AE", "UOF82F39AE"],
        ["UOF82F39AE", "UOB5F987BF17"],
        ["UOB5F987BF17", "UO1D8E698D"],  # the parent is a deleted tombstone
    ]
    # replies live in 2025-01-11.json, their first parent in 2025-01-10.json
    assert replies["parent_id"].iloc[0] == "B75B4C7:1736478630.905399"
    assert replies["thread_id"].iloc[3] == "B75B4C7:1736554828.343759"
    assert _edges(ev, loops=True) == [
        ("UOB5F987BF17", "UO1D8E698D", 1),
        ("UOB5F987BF17", "UOF82F39AE", 1),
        ("UOF82F39AE", "UOB5F987BF17", 1),
        ("UOF82F39AE", "UOF82F39AE", 1),
    ]
    assert ca.build_network(ev).meta["self_loops"] == 1
    # ts kept as the exact string; time to the microsecond
    first = ev.iloc[0]
    assert first["event_id"] == "B75B4C7:1736478514.897649"
    assert first["timestamp"] == pd.Timestamp("2025-01-10T03:08:34.897649Z")
    # UOF82F39AE is the workspace admin/owner
    assert set(ev.loc[ev["actor"] == "UOF82F39AE", "role"]) == {"instructor"}
    assert ev.loc[ev["actor"] == "UOB5F987BF17", "role"].isna().all()
    assert ev["context"].unique().tolist() == ["B75B4C7"]


# ----------------------------------------------------------------------------- hand-made


def test_traps_export(data_dir):
    ev = read_slack(data_dir / "slack" / "export", keep_text=True)
    ca.validate_events(ev)
    report = ev.attrs["ingest"]
    # 14 messages read (11 in #general, 3 in a DM), 4 set aside, 10 kept;
    # + 2 mentions + 3 reactions produced
    assert report.notes["messages read"] == 14
    assert report.notes["derived mention events"] == 2
    assert report.notes["derived react events"] == 3
    assert (report.read, report.kept) == (19, 15)
    assert report.set_aside == {"system": 1, "bot": 2, "deleted": 1}
    assert report.balanced
    general = ev[ev["context"] == "general"]
    # reply ties (with the self-reply and the reply to a tombstone)
    assert _edges(general, loops=True) == [
        ("U1", "U1", 1),
        ("U1", "U3", 1),  # parent is a tombstone: parent_user_id gives U3
        ("U2", "U1", 1),  # in a later day file than its parent
        ("U3", "U1", 2),  # one resolved from the parent (no parent_user_id), one broadcast
    ]
    # a reply to a bot's message has no target
    assert report.notes["reply to a bot: no target"] == 1
    assert ca.build_network(general).meta["unresolved_replies"] == 1
    # mentions: U2 mentioned twice counts once; <@U3|cat> form; a bot is not mentioned
    assert _edges(ev, ties="mention") == [("U1", "U2", 1), ("U1", "U3", 1)]
    reacts = ev[ev["action"] == "react"]
    assert reacts[["actor", "target"]].values.tolist() == [["U2", "U1"], ["U3", "U1"], ["U2", "U1"]]
    assert reacts["event_id"].iloc[0] == "general:1709283600.000100:react:wave:U2"
    assert ev.loc[ev["action"] == "mention", "parent_id"].unique().tolist() == [
        "general:1709283600.000100"
    ]
    assert ev.set_index("event_id").loc["general:1709370000.000100", "text"] == "Thanks!"
    # the 1:1 DM: top-level messages go to the other member
    dm = ev[ev["context"] == "D01"]
    assert dm[["actor", "action", "target"]].values.tolist() == [
        ["U2", "message", "U1"],
        ["U1", "reply", "U2"],
        ["U2", "message", "U1"],
    ]
    assert _edges(dm) == [("U1", "U2", 1), ("U2", "U1", 2)]


def test_options_turn_derived_events_off(data_dir):
    ev = read_slack(data_dir / "slack" / "export", mentions=False, reactions=False)
    assert set(ev["action"]) == {"post", "reply", "message"}
    assert (ev.attrs["ingest"].read, ev.attrs["ingest"].kept) == (14, 10)
    assert "text" not in ev.columns


def test_zip_with_top_folder_equals_folder(data_dir, tmp_path):
    folder = data_dir / "slack" / "export"
    z = _zip(folder, tmp_path / "export.zip", prefix="My Workspace Slack export/")
    pd.testing.assert_frame_equal(read_slack(z), read_slack(folder))


def test_broken_day_file_names_file_and_line(data_dir, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(data_dir / "slack" / "export", folder)
    (folder / "general" / "2024-03-03.json").write_text('[\n{"ts": "1.2", "user": "U1"\n]')
    with pytest.raises(ca.FormatError, match=r"general/2024-03-03\.json.*row 3.*not valid JSON"):
        read_slack(folder)
    with pytest.raises(ca.FormatError, match=r"export\.zip!general/2024-03-03\.json"):
        read_slack(_zip(folder, tmp_path / "export.zip"))


def test_message_without_ts_names_file_and_record(data_dir, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(data_dir / "slack" / "export", folder)
    day = [{"ts": "1709456400.000100", "user": "U2"}, {"user": "U2", "text": "no ts"}]
    (folder / "general" / "2024-03-03.json").write_text(json.dumps(day))
    with pytest.raises(ca.InputError, match=r"2024-03-03\.json.*row 2.*field 'ts'"):
        read_slack(folder)
    ev = read_slack(folder, on_error="skip")
    assert ev.attrs["ingest"].set_aside["invalid record"] == 1


def test_not_an_export(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ca.FormatError, match="not a Slack export"):
        read_slack(tmp_path / "x.txt")
    with pytest.raises(ca.FormatError, match="no users.json"):
        read_slack(tmp_path)


# ---------------------------------------------------------------- robustness regressions


def _export_with(data_dir, tmp_path, change) -> object:
    folder = tmp_path / "export"
    shutil.copytree(data_dir / "slack" / "export", folder)
    day = folder / "general" / "2024-03-01.json"
    messages = json.loads(day.read_text())
    change(messages)
    day.write_text(json.dumps(messages))
    return folder


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("user", {"id": "U1"}, "user is not a string"),  # was a TypeError (unhashable dict)
        ("ts", "99999999999999999999.000100", "without a valid ts"),  # was OutOfBoundsDatetime
        ("subtype", ["x"], "subtype is not a string"),
    ],
)
def test_wrong_field_types(data_dir, tmp_path, field, value, message):
    folder = _export_with(data_dir, tmp_path, lambda m: m[0].__setitem__(field, value))
    with pytest.raises(ca.InputError) as err:
        read_slack(folder)
    assert err.value.file.endswith("general/2024-03-01.json")
    assert (err.value.row, err.value.field) == (1, field) and message in str(err.value)
    rep = read_slack(folder, on_error="skip").attrs["ingest"]
    assert rep.set_aside["invalid record"] == 1 and rep.balanced


def test_reactions_not_a_list_are_ignored(data_dir, tmp_path):
    # was a TypeError; reactions are derived events, a malformed list yields none
    base = read_slack(data_dir / "slack" / "export").attrs["ingest"]
    folder = _export_with(data_dir, tmp_path, lambda m: m[0].__setitem__("reactions", 5))
    rep = read_slack(folder).attrs["ingest"]
    # message 1 had two reactions (U2, U3 waving): they are gone, the message stays
    assert rep.notes["messages read"] == base.notes["messages read"]
    assert rep.notes["derived react events"] == base.notes["derived react events"] - 2
    assert (rep.read, rep.kept) == (base.read - 2, base.kept - 2)


def test_day_file_not_utf8(data_dir, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(data_dir / "slack" / "export", folder)
    (folder / "general" / "2024-03-03.json").write_bytes(b'[\n{"ts": "1.2", "user": "U\xe91"}\n]')
    with pytest.raises(ca.FormatError) as err:
        read_slack(folder, on_error="skip")
    assert err.value.file.endswith("general/2024-03-03.json") and err.value.row == 2


def test_reaction_listed_twice_is_merged(data_dir, tmp_path):
    # the same emoji twice gave two react events with one event id (an invalid Events table)
    def twice(messages):
        messages[0]["reactions"] = messages[0]["reactions"] * 2

    base = read_slack(data_dir / "slack" / "export")
    ev = read_slack(_export_with(data_dir, tmp_path, twice))
    ca.validate_events(ev)
    assert ev["event_id"].tolist() == base["event_id"].tolist()
