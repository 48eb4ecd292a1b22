"""The two CSV parsers behind ``read_tabular_file`` give the same table.

Arrow's parser reads the common case (UTF-8, one-character separator, a header of
distinct names); pandas' parser reads everything else and names the line at fault
when a file is broken. Every file here is read both ways and compared cell by cell.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectana.io import table
from connectana.io.table import read_tabular_file

pytestmark = pytest.mark.skipif(
    not isinstance(table._TEXT, pd.StringDtype), reason="the Arrow path needs pandas 3"
)


def both(path: Path, **kw) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """(Arrow's table or None when it declines, pandas' table)."""
    fast = table._read_csv_arrow(path, kw.get("sep"))
    original = table._read_csv_arrow
    table._read_csv_arrow = lambda *a, **k: None
    try:
        slow = read_tabular_file(path, **kw)
    finally:
        table._read_csv_arrow = original
    if fast is not None:
        fast = table._drop_index_column(fast)
        fast.columns = [str(c).strip() for c in fast.columns]
    return fast, slow


TRICKY = {
    # quoted separators, quotes and line breaks inside fields, NA tokens, a blank line
    "quoted.csv": (
        "id,author,message,parent\r\n"
        '1,ann,"Hello, world",\r\n'
        '2,bob,"two\r\nlines and ""quotes""",1\r\n'
        "\r\n"
        '3,"NA",N/A,-\r\n'
        "4,cé,$@NULL@$,null\r\n"
    ),
    "semicolon.csv": "\ufeffid;author;when\n1;ann;2024-01-01T10:00Z\n2;bob;\n",
    "tab.tsv": "id\tauthor\twhen\n1\tann\t2024-01-01\n2\t  bob \tNone\n",
    "pipe.txt": "a|b\n1|x\n2|\n",
    "index.csv": ",id,author\n0,1,ann\n1,2,bob\n",  # a saved pandas index column
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_arrow_and_pandas_read_the_same_table(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(TRICKY[name].encode("utf-8"))
    fast, slow = both(p)
    assert fast is not None, "the Arrow parser should take this file"
    pd.testing.assert_frame_equal(fast, slow)
    assert read_tabular_file(p).equals(slow)


def test_quoted_values_by_hand(tmp_path):
    p = tmp_path / "q.csv"
    p.write_bytes(TRICKY["quoted.csv"].encode())
    df = read_tabular_file(p)
    assert df["message"].tolist()[:2] == ["Hello, world", 'two\r\nlines and "quotes"']
    assert df["author"].isna().tolist() == [False, False, True, False]
    assert df["message"].iloc[2:].isna().all() and df["parent"].notna().tolist() == [
        False,
        True,
        False,
        False,
    ]
    assert df["author"].iloc[3] == "cé"


@pytest.mark.parametrize(
    "content",
    [
        b"id,author\n1,ann\n2,\xe9ric\n",  # Windows-1252, not UTF-8
        b"id,id,author\n1,2,ann\n",  # repeated names: pandas names them id, id.1
        b'"i\nd",author\n1,ann\n',  # a line break inside a quoted header name
        b"id,author\r1,ann\r2,bob\r",  # CR-only line ends (old Excel for Mac)
        b"id author when\n1 ann 2024\n",  # whitespace-separated
        b"\xff\xfei\x00d\x00,\x00a\x00\n\x001\x00,\x00b\x00\n\x00",  # UTF-16
    ],
)
def test_arrow_declines_what_pandas_reads(tmp_path, content):
    p = tmp_path / "x.csv"
    p.write_bytes(content)
    assert table._read_csv_arrow(p, None) is None
    read_tabular_file(p)  # the pandas parser reads it


def test_broken_rows_still_named_by_line(tmp_path):
    import connectana as ca

    p = tmp_path / "broken.csv"
    p.write_text("id,author\n1,ann\n2,bob,extra,fields\n3,cy\n")
    assert table._read_csv_arrow(p, None) is None
    with pytest.raises(ca.FormatError, match="line 3"):
        read_tabular_file(p)


def test_real_csv_exports_read_the_same(real_data):
    files = [
        real_data / "moodle_log_report" / "example_platform_logs.csv",
        real_data / "moodle_log_report" / "example_database_data.csv",
        real_data / "moodle_forum_export" / "discussion.csv",
        real_data / "mooc_ed_dlt2" / "DLT2 Nodes.csv",
        real_data / "mooc_ed_dlt2" / "DLT2 Edgelist.csv",
    ]
    taken = 0
    for f in files:
        fast, slow = both(f)
        if fast is not None:
            taken += 1
            pd.testing.assert_frame_equal(fast, slow, obj=f.name)
    # the DLT2 files have CR-only line ends; the Moodle database dump names a column
    # "Unnamed: 0" beside a saved index: those go to the pandas parser
    assert taken == 2


cell = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=12),
    st.sampled_from(["", "NA", "null", "-", " x ", 'a "q"', "a,b", "line\nbreak"]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=8),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_any_written_table_reads_the_same_both_ways(tmp_path, rows, sep):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(["id", "author", "text"])
    w.writerows(rows)
    p = tmp_path / "h.csv"
    p.write_text(buf.getvalue(), encoding="utf-8")
    fast, slow = both(p, sep=sep)
    if fast is not None:
        pd.testing.assert_frame_equal(fast, slow)
