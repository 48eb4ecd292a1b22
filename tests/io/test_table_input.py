"""Almost-right tables never give a silently wrong network (#14 problems 3-6, file defects)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import FormatError, InputError
from connectana.io.table import EncodingFallbackWarning, FormatHintWarning

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"

POSTS = pd.DataFrame(
    {
        "post_id": ["10", "11", "12", "13"],
        "parent": [None, "10", "11", "10"],
        "resource": ["r1", "r1", "r2", "r2"],
        "author": ["ann", "bob", "cy", "bob"],
        "created": ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z",
                    "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z"],
    }
)  # fmt: skip


def test_dataframe_in_memory_is_read_like_a_file(tmp_path):
    path = tmp_path / "posts.csv"
    POSTS.to_csv(path, index=False)
    cols = {"object_id": "post_id", "parent_id": "parent"}
    from_file = ca.read_events(path, columns=cols)
    from_frame = ca.read_events(POSTS.set_index("author", drop=False), format="table", columns=cols)
    assert from_frame[["actor", "target"]].equals(from_file[["actor", "target"]])
    assert from_frame["target"].fillna("-").tolist() == ["-", "ann", "bob", "ann"]
    assert from_frame.attrs["ingest"].source == "<in-memory DataFrame, 4 rows>"


def test_parent_ids_matching_event_id_are_used_as_object_ids():
    ev = ca.read_events(POSTS, columns={"event_id": "post_id", "parent_id": "parent",
                                        "object_id": None})  # fmt: skip
    assert ev["target"].fillna("-").tolist() == ["-", "ann", "bob", "ann"]
    rep = ev.attrs["ingest"]
    assert rep.options["object_id_from"] == "event_id"
    assert "parent missing" not in rep.notes
    net = ca.build_network(ev)
    assert (net.n_ties, net.n_interactions) == (2, 3)  # bob -> ann twice, cy -> bob


def test_parent_ids_of_another_column_name_the_fix():
    with pytest.warns(FormatHintWarning, match=r"100% of the parent ids .*'post_id'.*"
                      r"columns=\{'object_id': 'post_id'"):  # fmt: skip
        ev = ca.read_events(POSTS, columns={"parent_id": "parent", "object_id": "resource"})
    assert ev.attrs["ingest"].notes["parent missing"] == 3


def test_action_column_with_platform_words():
    log = pd.DataFrame(
        {
            "user": ["a", "b", "a", "c"],
            "Action": ["Forum", "Assignment", "Forum", "Quiz"],
            "time": ["2024-01-01T10:00:00Z"] * 4,
        }
    )
    with pytest.raises(InputError, match="unknown action") as info:
        ca.read_events(log)
    assert "action_map=" in info.value.expected and info.value.row == 1
    ev = ca.read_events(log, action="view")  # the explicit option wins
    assert ev["action"].tolist() == ["view"] * 4
    assert any("'Action' is not used" in m for m in ev.attrs["ingest"].messages)
    ev = ca.read_events(log, action_map={"forum": "post", "Assignment": "view"})
    assert ev["action"].tolist() == ["post", "view", "post", "other"]
    assert ev.attrs["ingest"].notes["action not in action_map (-> other)"] == 1
    ev = ca.read_events(log, columns={"action": None})
    assert ev["action"].tolist() == ["post"] * 4
    with pytest.raises(ca.errors.SchemaError, match="outside the vocabulary"):
        ca.read_events(log, action_map={"Forum": "forum"})


def test_report_lists_auto_mapped_columns():
    ev = ca.read_events(POSTS, columns={"object_id": "post_id"})
    rep = ev.attrs["ingest"]
    assert rep.options["auto_columns"] == {"timestamp": "created", "actor": "author"}
    assert any("recognised by name: timestamp <- 'created', actor <- 'author'" in m
               for m in rep.messages)  # fmt: skip


def test_moodle_forum_export_read_as_table_names_the_format():
    with pytest.warns(FormatHintWarning, match="format='moodle_forum'"):
        ev = ca.read_events(SAMPLE / "moodle_forum_export.csv", format="table")
    assert any("moodle_forum" in m for m in ev.attrs["ingest"].messages)
    right = ca.read_events(SAMPLE / "moodle_forum_export.csv", format="moodle_forum")
    assert (right["action"] == "reply").sum() > 0


def test_ragged_row_names_line_and_field_count(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text("author,created,thread\nann,2024-01-01T00:00:00Z,t1\n"
                 "bob,2024-01-02T00:00:00Z,t1,oops\n")  # fmt: skip
    with pytest.raises(FormatError, match="line 3 has 4 fields but the header has 3") as info:
        ca.read_events(p)
    assert info.value.row == 3 and info.value.found == ["oops"]
    # every row one field longer than the header: pandas would take column 1 as an index
    p.write_text("author,created\nx,ann,2024-01-01T00:00:00Z\n")
    with pytest.raises(FormatError, match="line 2 has 3 fields"):
        ca.read_events(p)
    # a trailing separator on every row is harmless
    p.write_text("author,created\nann,2024-01-01T00:00:00Z,\nbob,2024-01-02T00:00:00Z,\n")
    assert ca.read_events(p)["actor"].tolist() == ["ann", "bob"]


def test_cp1252_fallback_is_said(tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes("author,created\nRené,2024-01-01T00:00:00Z\n".encode("cp1252"))
    with pytest.warns(EncodingFallbackWarning, match="Windows-1252"):
        ev = ca.read_events(p)
    assert ev["actor"].tolist() == ["René"]
    rep = ev.attrs["ingest"]
    assert rep.options["encoding"] == "cp1252"
    assert any("not UTF-8" in m for m in rep.messages)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ca.read_events(p, encoding="cp1252")


@pytest.mark.parametrize("fmt", ["table", "moodle_forum", "moodle_log"])
def test_corrupt_xlsx_is_a_format_error(tmp_path, fmt):
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"PK\x03\x04 this is not a workbook" + bytes(200))
    with pytest.raises(FormatError, match="broken.xlsx.*not a readable spreadsheet"):
        ca.read_events(p, format=fmt)


def test_every_set_aside_row_is_recorded(tmp_path):
    n = 150
    df = pd.DataFrame(
        {"author": [None] * n + ["ann"], "created": ["2024-01-01T00:00:00Z"] * (n + 1)}
    )
    ev = ca.read_events(df, on_error="skip")
    rep = ev.attrs["ingest"]
    assert rep.set_aside["missing actor"] == n and len(rep.records) == n
    out = rep.write_set_aside(tmp_path / "aside.csv")
    assert len(pd.read_csv(out)) == n
