"""One set-aside path for every reader (#13 item 7): each record set aside is counted under
its reason *and* recorded (up to ``IngestReport.MAX_RECORDS``), so ``write_set_aside`` lists
every one, whatever the reader and the reason."""

from __future__ import annotations

import csv
import json
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import connectana as ca
from connectana.events import IngestReport

DATA = Path(__file__).resolve().parents[1] / "data"

# (fixture, format, options, set aside by reason) -- counts checked by hand in each fixture
CASES = [
    (
        "canvas/course_copy_and_graded.jsonl",
        "canvas_events",
        {},
        {"topic without a user": 1, "duplicate": 1},
    ),
    ("canvas/topic_1234.json", "canvas_discussion", {}, {"deleted": 1}),
    ("discourse/topic.json", "discourse", {}, None),
    ("edx/forum.mongo", "edx_forum", {}, None),
    ("edx/logs", "edx_tracking", {}, None),
    ("edx/broken.log", "edx_tracking", {}, {"unparseable": 1}),
    ("mastodon/statuses.json", "mastodon", {}, None),
    ("moodle/forum_bom.csv", "moodle_forum", {}, {"deleted": 1}),
    (
        "moodle/log_es_cr.csv",
        "moodle_log",
        {"tz": "UTC"},
        {"no user": 1, "unparseable description": 1},
    ),
    ("slack/export", "slack", {}, None),
    ("wordpress/traps.xml", "wordpress", {"tz": "Europe/Athens"}, None),
    ("xapi/lrs_pages.jsonl", "xapi", {}, None),
    ("xapi/no_actor.jsonl", "xapi", {}, None),
]


def _read(name: str, fmt: str, options: dict) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ca.read_events(DATA / name, format=fmt, on_error="skip", **options)


def _written(report: IngestReport, path: Path) -> list[dict]:
    report.write_set_aside(path)
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("name", "fmt", "options", "expected"), CASES, ids=[c[0] for c in CASES])
def test_every_record_set_aside_is_recorded(tmp_path, name, fmt, options, expected):
    report = _read(name, fmt, options).attrs["ingest"]
    assert report.set_aside_total > 0 and report.balanced
    if expected is not None:
        assert dict(report.set_aside) == expected
    # one record a row set aside, under the reason it is counted under
    assert Counter(r["reason"] for r in report.records) == Counter(dict(report.set_aside))
    assert all(r["record"] not in (None, "") for r in report.records)
    rows = _written(report, tmp_path / "aside.csv")
    assert len(rows) == report.set_aside_total
    assert Counter(r["reason"] for r in rows) == Counter(dict(report.set_aside))


def test_table_records_every_reason(tmp_path):
    log = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3", "e4", "e4", "e6"],
            "actor": ["ann", None, "bob", "cy", "dee", "eve"],
            "action": ["post", "post", "shout", "post", "post", "post"],
            "timestamp": ["2024-01-01T10:00Z", "2024-01-01T11:00Z", "2024-01-01T12:00Z",
                          "2024-01-01T13:00Z", "2024-01-01T14:00Z", "not a time"],
        }
    )  # fmt: skip
    report = ca.read_events(log, on_error="skip").attrs["ingest"]
    assert report.read == 6 and report.kept == 2
    assert sum(report.set_aside.values()) == 4
    assert Counter(r["reason"] for r in report.records) == Counter(dict(report.set_aside))
    rows = _written(report, tmp_path / "aside.csv")
    assert len(rows) == 4


def test_records_stop_at_max_records_counts_do_not(monkeypatch, tmp_path):
    monkeypatch.setattr(IngestReport, "MAX_RECORDS", 3)
    n = 8
    log = pd.DataFrame(
        {
            "actor": [None] * n + ["ann"],
            "timestamp": [f"2024-01-0{i + 1}T10:00Z" for i in range(n + 1)],
        }
    )
    report = ca.read_events(log, on_error="skip").attrs["ingest"]
    assert dict(report.set_aside) == {"missing actor": n}
    assert len(report.records) == 3
    assert len(_written(report, tmp_path / "aside.csv")) == 3


def test_tracking_lines_not_about_the_forum_are_recorded():
    report = _read("edx/logs", "edx_tracking", {}).attrs["ingest"]
    lines = [r["record"] for r in report.records if r["reason"] == "not a forum event"]
    assert len(lines) == report.set_aside["not a forum event"] > 0
    assert all(":" in str(x) and str(x).rsplit(":", 1)[1].split(".")[0].isdigit() for x in lines)


def test_concat_duplicates_are_recorded(tmp_path):
    a = ca.read_events(DATA / "mastodon" / "statuses.json", format="mastodon")
    both = ca.concat_events([a, a], on_conflict="first")
    report = both.attrs["ingest"]
    assert report.set_aside["duplicate event"] == len(a)
    dups = [r["record"] for r in report.records if r["reason"] == "duplicate event"]
    assert len(dups) == len(a) and all(d["table"] == 2 for d in dups)
    rows = _written(report, tmp_path / "aside.csv")
    assert sum(1 for r in rows if r["reason"] == "duplicate event") == len(a)
    assert json.loads(rows[-1]["record"])["event_id"] in set(a["event_id"])
