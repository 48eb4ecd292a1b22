"""Errors name the file, the row and the field wherever they are known (#13 item 7, #14)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import connectana as ca
from connectana.errors import FormatError, SchemaError, TimestampError
from connectana.io.timestamps import parse_timestamps

DATA = Path(__file__).resolve().parents[1] / "data"


def test_ragged_csv_row_names_its_line_and_field_counts(tmp_path):
    p = tmp_path / "posts.csv"
    p.write_text("author,created,to\nann,2024-01-01T10:00Z,bob\nbob,2024-01-01T11:00Z,ann,x,y\n")
    with pytest.raises(FormatError) as info:
        ca.read_events(p)
    err = info.value
    assert (err.file, err.row) == (str(p), 3)
    assert f"file '{p}', row 3: line 3 has 5 fields but the header has 3" in str(err)


@pytest.mark.parametrize(
    ("values", "options", "row", "reason"),
    [
        ([None, "2024-01-01 10:00"], {}, 2, "carry no UTC offset"),
        ([None, 5, 6], {}, 2, "unit cannot be told"),
        (["", "01/02/23", "03/04/23"], {"tz": "UTC"}, 2, "day-first or month-first"),
    ],
)
def test_column_level_timestamp_errors_name_the_first_row(values, options, row, reason):
    with pytest.raises(TimestampError) as info:
        parse_timestamps(pd.Series(values, dtype=object), file="f.csv", field="when", **options)
    assert (info.value.file, info.value.row, info.value.field) == ("f.csv", row, "when")
    assert str(info.value).startswith(f"file 'f.csv', row {row}, field 'when': ")
    assert reason in str(info.value)


def test_yearless_moodle_dates_name_row_and_column():
    path = DATA / "moodle" / "log_yearless.csv"
    with pytest.raises(TimestampError) as info:
        ca.read_events(path, format="moodle_log", tz="UTC")
    assert (info.value.row, info.value.field) == (1, "Time")
    assert "row 1, field 'Time': dates have no year" in str(info.value)


def test_table_options_name_the_field(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("author,created\nann,2024-01-01T10:00Z\n")
    with pytest.raises(SchemaError, match=r"field 'sender': columns= maps unknown schema column"):
        ca.read_events(p, columns={"sender": "author"})
    with pytest.raises(SchemaError) as info:
        ca.read_events(p, action="shout")
    assert (info.value.file, info.value.field, info.value.found) == (str(p), "action", "shout")


def test_make_events_names_the_missing_column():
    with pytest.raises(SchemaError, match=r"field 'actor': cannot make events without column"):
        ca.make_events(pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-01"], utc=True)}))


def test_alias_table_names_the_missing_column(tmp_path):
    p = tmp_path / "aliases.csv"
    p.write_text("person,platform\nann,moodle\n")
    ev = ca.read_events(DATA / "mastodon" / "statuses.json", format="mastodon")
    with pytest.raises(SchemaError) as info:
        ca.apply_aliases(ev, p)
    assert (info.value.file, info.value.field) == (str(p), "platform_id")
    assert "field 'platform_id': alias table lacks column(s) platform_id" in str(info.value)


def test_canvas_new_entries_names_topic_and_field():
    view = {"topic_id": 7, "view": [], "new_entries": {"id": 1}}
    with pytest.raises(FormatError) as info:
        ca.read_events(view, format="canvas_discussion")
    assert (info.value.row, info.value.field) == ("topic 7", "new_entries")


def test_wordpress_unrecognised_dates_name_the_item_and_element():
    xml = b"""<rss xmlns:wp="http://wordpress.org/export/1.2/"
      xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
    <item><dc:creator>ann</dc:creator><wp:post_id>1</wp:post_id>
    <wp:post_date_gmt>yesterday</wp:post_date_gmt>
    <wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item></channel></rss>"""
    with pytest.raises(TimestampError) as info:
        ca.read_events(xml, format="wordpress")
    assert info.value.file == "<in-memory bytes>"
    assert (info.value.row, info.value.field) == ("item 1 (post_id 1)", "post_date_gmt")


def test_moodle_html_forum_export_names_the_formats_to_use(tmp_path):
    p = tmp_path / "forum.html"
    p.write_text("<html><body><div class='post'>Hello</div></body></html>")
    with pytest.raises(FormatError, match=r"forum\.html.*HTML forum export.*CSV, Excel, ODS"):
        ca.read_events(p, format="moodle_forum")
