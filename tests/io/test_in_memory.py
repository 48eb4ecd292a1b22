"""Every reader takes the data already in memory (#14): the same events as from the file."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pandas as pd
import pytest

import connectana as ca

DATA = Path(__file__).resolve().parents[1] / "data"
COLS = ["event_id", "actor", "action", "object_id", "parent_id", "thread_id", "target"]


def lines(path: Path) -> list:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip() and x[0] != "#"]


CASES = {
    "canvas_discussion": ("canvas/topic_1234.json", lambda p: json.loads(p.read_text()), {}),
    "canvas_events": ("canvas/events.jsonl", lines, {}),
    "discourse": ("discourse/topic.json", lambda p: json.loads(p.read_text()), {}),
    "edx_forum": ("edx/forum.mongo", lines, {}),
    "edx_tracking": ("edx/logs/tracking.log-20240102", lines, {}),
    "mastodon": ("mastodon/statuses.json", lambda p: json.loads(p.read_text()), {}),
    "xapi": ("xapi/lrs_pages.jsonl", lines, {}),
    "wordpress": ("wordpress/traps.xml", lambda p: p.read_bytes(), {"tz": "Europe/Athens"}),
    "moodle_forum": ("moodle/forum.json", lambda p: json.loads(p.read_text()), {}),
    "moodle_log": (
        "moodle/log_de.csv",
        lambda p: pd.read_csv(p, dtype=str, keep_default_na=False),
        {"tz": "Europe/Berlin"},
    ),
}


NAMED_BY_FILE = {("canvas_discussion", "thread_id"), ("edx_tracking", "event_id")}


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_in_memory_equals_file(fmt):
    name, load, options = CASES[fmt]
    path = DATA / name
    from_file = ca.read_events(path, format=fmt, **options)
    value = load(path)
    from_memory = ca.read_events(value, format=fmt, **options)
    assert len(from_file) > 0
    # what readers take from a file name: the Canvas topic id, tracking-log line ids
    cols = [c for c in COLS if (fmt, c) not in NAMED_BY_FILE]
    pd.testing.assert_frame_equal(
        from_memory[cols].reset_index(drop=True), from_file[cols].reset_index(drop=True)
    )
    if fmt == "edx_tracking":
        assert from_memory["event_id"].iloc[0] == "memory:1"
    rep = from_memory.attrs["ingest"]
    assert rep.source.startswith("<in-memory") and rep.kept == len(from_file)


def test_table_dataframe_and_errors_name_the_input():
    df = pd.DataFrame({"author": ["ann", None], "created": ["2024-01-01T00:00:00Z"] * 2})
    with pytest.raises(ca.InputError, match="<in-memory DataFrame.*row 2.*no actor"):
        ca.read_events(df)
    bad = [{"id": "1", "created_at": "not a time", "account": {"id": "7"}}]
    with pytest.raises(ca.InputError) as info:
        ca.read_events(bad, format="mastodon")
    assert info.value.file.startswith("<in-memory list, 1 records>")
    assert "connectana-" not in str(info.value)  # no temporary path leaks into the message
    with pytest.raises(ca.InputError, match="cannot read a int"):
        ca.read_events(3, format="mastodon")


def _slack_mapping(folder: Path) -> tuple[dict, list, list]:
    """A Slack export folder as in-memory values: {channel: {day: messages}}, users, dms."""
    channels = {
        d.name: {f.name: json.loads(f.read_text()) for f in sorted(d.glob("*.json"))}
        for d in sorted(folder.iterdir())
        if d.is_dir()
    }
    users = json.loads((folder / "users.json").read_text())
    dms = folder / "dms.json"
    return channels, users, json.loads(dms.read_text()) if dms.exists() else None


@pytest.mark.parametrize("name", ["export", "legacy_files"])
def test_slack_in_memory_equals_the_export(data_dir, name):
    folder = data_dir / "slack" / name
    from_file = ca.read_events(folder, format="slack")
    channels, users, dms = _slack_mapping(folder)
    from_memory = ca.read_events(channels, format="slack", users=users, dms=dms)
    assert len(from_file) > 0
    pd.testing.assert_frame_equal(from_memory[COLS + ["role"]], from_file[COLS + ["role"]])
    mem, disk = from_memory.attrs["ingest"], from_file.attrs["ingest"]
    assert (mem.read, mem.kept, dict(mem.set_aside)) == (disk.read, disk.kept, dict(disk.set_aside))


def test_slack_real_export_in_memory(real_data):
    folder = real_data / "slack_export" / "source_export_dir"
    from_file = ca.read_events(folder, format="slack")
    channels, users, dms = _slack_mapping(folder)
    from_memory = ca.read_events(channels, format="slack", users=users, dms=dms)
    assert len(from_file) == from_memory.attrs["ingest"].kept == 13
    pd.testing.assert_frame_equal(from_memory[COLS], from_file[COLS])


def test_slack_list_of_messages():
    msgs = [
        {"ts": "1700000000.000100", "user": "U1", "text": "hi <@U2>"},
        {"ts": "1700000060.000200", "user": "U2", "thread_ts": "1700000000.000100"},
        {"ts": "1700000070.000300", "subtype": "channel_join", "user": "U3"},
    ]
    ev = ca.read_events(msgs, format="slack")
    assert ev[["event_id", "actor", "action", "target"]].fillna("-").values.tolist() == [
        ["messages:1700000000.000100", "U1", "post", "-"],
        ["messages:1700000000.000100:mention:U2", "U1", "mention", "U2"],
        ["messages:1700000060.000200", "U2", "reply", "U1"],
    ]
    rep = ev.attrs["ingest"]
    assert rep.source == "<in-memory list, 3 records>" and dict(rep.set_aside) == {"system": 1}
    with pytest.raises(ca.InputError, match=r"<in-memory list, 1 records>: messages.*row 1.*ts"):
        ca.read_events([{"user": "U1"}], format="slack")


def _mbz(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


FORUM_XML = (
    b"<activity moduleid='5'><forum id='1'><discussions><discussion id='9'><posts>"
    b"<post id='1'><parent>0</parent><userid>3</userid><created>1700000000</created></post>"
    b"<post id='2'><parent>1</parent><userid>4</userid><created>1700000060</created></post>"
    b"<post id='3'><parent>2</parent><userid>3</userid><created>1700000120</created></post>"
    b"</posts></discussion></discussions></forum></activity>"
)


def test_moodle_backup_bytes_and_file_object_equal_the_path(tmp_path):
    data = _mbz({"activities/forum_5/forum.xml": FORUM_XML})
    path = tmp_path / "course.mbz"
    path.write_bytes(data)
    from_file = ca.read_events(path, format="moodle_backup")
    assert from_file[["actor", "target"]].fillna("-").values.tolist() == [
        ["3", "-"],
        ["4", "3"],
        ["3", "4"],
    ]
    from_bytes = ca.read_events(data, format="moodle_backup")
    with open(path, "rb") as fh:
        from_handle = ca.read_events(fh, format="moodle_backup")
    for ev in (from_bytes, from_handle):
        pd.testing.assert_frame_equal(ev[COLS], from_file[COLS])
    assert from_bytes.attrs["ingest"].source == "<in-memory bytes>"


def test_moodle_backup_in_memory_keeps_the_byte_limit():
    data = _mbz({"activities/forum_5/forum.xml": FORUM_XML})
    with pytest.raises(ca.FormatError, match=r"<in-memory bytes>.*forum\.xml.*100"):
        ca.read_events(data, format="moodle_backup", max_bytes=100)
    with pytest.raises(ca.FormatError, match=r"<in-memory bytes>.*cannot be read"):
        ca.read_events(data[:60], format="moodle_backup")
    with pytest.raises(ca.InputError, match="cannot read a int as a Moodle backup"):
        ca.read_events(5, format="moodle_backup")


def test_feed_bytes_equal_the_file(data_dir):
    path = data_dir / "wordpress" / "feeds" / "rss" / "comments.rss"
    from_file = ca.read_events(path, format="feed")
    from_memory = ca.read_events(path.read_bytes(), format="feed")
    assert len(from_file) > 0
    pd.testing.assert_frame_equal(from_memory[COLS], from_file[COLS])


def test_every_format_has_a_parse_step():
    from connectana.io import PARSERS, READERS, get_parser

    assert set(PARSERS) == set(READERS)
    for fmt in READERS:
        assert get_parser(fmt).__name__ == "parse_" + READERS[fmt].split(":read_")[1]
