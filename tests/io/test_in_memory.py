"""Every reader takes the data already in memory (#14): the same events as from the file."""

from __future__ import annotations

import json
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
        assert from_memory["event_id"].iloc[0] == "memory.jsonl:1"
    rep = from_memory.attrs["ingest"]
    assert rep.source.startswith("<in-memory") and rep.kept == len(from_file)


def test_table_dataframe_and_errors_name_the_input():
    df = pd.DataFrame({"author": ["ann", None], "created": ["2024-01-01T00:00:00Z"] * 2})
    with pytest.raises(ca.InputError, match="<DataFrame>.*row 2.*no actor"):
        ca.read_events(df)
    bad = [{"id": "1", "created_at": "not a time", "account": {"id": "7"}}]
    with pytest.raises(ca.InputError) as info:
        ca.read_events(bad, format="mastodon")
    assert info.value.file.startswith("<in-memory list, 1 records>")
    assert "connectana-" not in str(info.value)  # no temporary path leaks into the message
    with pytest.raises(ca.InputError, match="needs the export's files"):
        ca.read_events({"general": []}, format="slack")
