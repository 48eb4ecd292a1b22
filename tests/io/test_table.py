"""The generic tabular reader and timestamp parsing."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.io.timestamps import parse_timestamps


def test_post_table_with_bom_crlf_and_offsets(data_dir):
    ev = ca.read_events(data_dir / "table" / "posts_bom.csv")
    assert ev["actor"].tolist() == ["ann", "bob", "ann"]
    assert ev["action"].tolist() == ["post", "reply", "reply"]
    # targets resolved from the parents' authors
    assert ev["target"].tolist()[1:] == ["ann", "bob"]
    assert ev["timestamp"].tolist() == [
        pd.Timestamp("2024-01-08T09:00Z"),
        pd.Timestamp("2024-01-08T09:30Z"),
        pd.Timestamp("2024-01-09T09:00Z"),
    ]
    report = ev.attrs["ingest"]
    assert (report.read, report.kept, report.set_aside_total) == (3, 3, 0)
    assert report.options["columns"]["actor"] == "author"
    assert report.notes["target from parent"] == 2


def test_edge_list_with_cr_only_line_endings_and_month_first_dates(data_dir):
    # 4/4/13 and 4/5/13 are ambiguous: the day/month order must be given
    with pytest.raises(ca.TimestampError, match="dayfirst"):
        ca.read_events(data_dir / "table" / "edges_cr.csv", tz="UTC")
    ev = ca.read_events(data_dir / "table" / "edges_cr.csv", dayfirst=False, tz="America/New_York")
    assert ev[["actor", "target"]].values.tolist() == [["1", "2"], ["2", "1"]]
    # 16:32 EDT is 20:32 UTC; April 5th (month first)
    assert ev["timestamp"].iloc[0] == pd.Timestamp("2013-04-04T20:32Z")
    assert ev["timestamp"].iloc[1] == pd.Timestamp("2013-04-05T12:00Z")


def test_lms_log_with_index_column_and_epoch_seconds(data_dir):
    ev = ca.read_events(data_dir / "table" / "lms_index.csv", action="view")
    assert list(ev["actor"]) == ["u1", "u2", "u1"]
    assert list(ev["object_id"]) == ["r1", "r1", "r2"]
    assert set(ev["action"]) == {"view"}
    assert ev["timestamp"].iloc[1] == pd.Timestamp(1700000060, unit="s", tz="UTC")
    assert ev.attrs["ingest"].options["timestamp"]["unit"] == "s"


def test_explicit_column_mapping_and_extra_columns(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("who;whom;when;topic\nA;B;2024-03-01 10:00;t\n", encoding="utf-8")
    ev = ca.read_events(
        p,
        columns={"actor": "who", "target": "whom", "timestamp": "when"},
        tz="UTC",
        extra=["topic"],
    )
    assert ev.loc[0, "topic"] == "t"
    assert ev.loc[0, "timestamp"] == pd.Timestamp("2024-03-01T10:00Z")


def test_excel_parquet_and_jsonl(tmp_path):
    df = pd.DataFrame(
        {
            "actor": ["a", "b"],
            "target": ["b", "a"],
            "timestamp": ["2024-01-01T00:00Z", "2024-01-02T00:00Z"],
        }
    )
    df.to_excel(tmp_path / "t.xlsx", index=False)
    df.to_parquet(tmp_path / "t.parquet")
    df.to_json(tmp_path / "t.jsonl", orient="records", lines=True)
    for name in ("t.xlsx", "t.parquet", "t.jsonl"):
        ev = ca.read_events(tmp_path / name)
        assert ev[["actor", "target"]].values.tolist() == [["a", "b"], ["b", "a"]], name


@pytest.mark.parametrize(
    "values, options, expected",
    [
        (["2024-01-01T10:00:00+02:00"], {}, "2024-01-01T08:00Z"),
        (["2024-01-01 10:00"], {"tz": "Europe/Madrid"}, "2024-01-01T09:00Z"),
        ([1704103200000], {}, "2024-01-01T10:00Z"),
        (["1704103200"], {}, "2024-01-01T10:00Z"),
        (["23/01/23, 12:09"], {"tz": "UTC"}, "2023-01-23T12:09Z"),
        (["01/02/23, 12:09"], {"tz": "UTC", "dayfirst": True}, "2023-02-01T12:09Z"),
        (["01/02/23, 12:09"], {"tz": "UTC", "dayfirst": False}, "2023-01-02T12:09Z"),
        (["3 Dec 2024 17:09"], {"tz": "UTC", "time_format": "%d %b %Y %H:%M"}, "2024-12-03T17:09Z"),
        ([100], {"unit": "s"}, "1970-01-01T00:01:40Z"),
    ],
)
def test_parse_timestamps(values, options, expected):
    out = parse_timestamps(pd.Series(values), **options)
    assert out.iloc[0] == pd.Timestamp(expected)
    assert str(out.dtype) == "datetime64[ns, UTC]"


def test_naive_timestamps_need_a_zone():
    with pytest.raises(ca.TimestampError, match="tz="):
        parse_timestamps(pd.Series(["2024-01-01 10:00"]), file="f.csv", field="created")


def test_epoch_of_unknown_unit_is_an_error():
    with pytest.raises(ca.TimestampError, match="unit="):
        parse_timestamps(pd.Series([5, 6]))


def test_missing_column_names_file_and_column(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("author,created\nann,2024-01-01T00:00Z\n")
    with pytest.raises(ca.SchemaError) as err:
        ca.read_events(p, columns={"target": "receiver"})
    msg = str(err.value)
    assert "bad.csv" in msg and "receiver" in msg


def test_no_actor_column_names_what_to_give(tmp_path):
    p = tmp_path / "noactor.csv"
    p.write_text("x,created\nann,2024-01-01T00:00Z\n")
    with pytest.raises(ca.SchemaError, match=r"noactor\.csv.*'actor'.*columns="):
        ca.read_events(p)


def test_unparseable_timestamp_names_file_row_and_column(tmp_path):
    p = tmp_path / "ts.csv"
    p.write_text("author,created\nann,2024-01-01T00:00Z\nbob,2024-13-45T00:00Z\n")
    with pytest.raises(ca.ConnectanaError) as err:
        ca.read_events(p)
    msg = str(err.value)
    assert "ts.csv" in msg and "row 2" in msg and "'created'" in msg and "2024-13-45" in msg


def test_skip_sets_bad_rows_aside_and_counts_them(tmp_path):
    p = tmp_path / "ts.csv"
    p.write_text(
        "author,target,created\nann,bob,2024-01-01T00:00Z\nbob,ann,not a date\n,ann,2024-01-02T00:00Z\n"
    )
    # a broken first value is not a format we recognise: skip applies to later rows
    ev = ca.read_events(p, on_error="skip")
    report = ev.attrs["ingest"]
    assert len(ev) == 1
    assert report.read == 3 and report.kept == 1
    assert report.set_aside == {"unparseable timestamp": 1, "missing actor": 1}
    assert report.balanced


def test_empty_file_is_an_error_naming_the_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("")
    with pytest.raises(ca.InputError, match=r"empty\.csv.*empty"):
        ca.read_events(p)
    p.write_text("author,created\n")
    with pytest.raises(ca.InputError, match=r"empty\.csv.*empty: it holds no records"):
        ca.read_events(p)


def test_unknown_format_lists_the_known_ones(tmp_path):
    with pytest.raises(ValueError, match="moodle_forum"):
        ca.read_events(tmp_path / "x", format="nope")


def test_snap_collegemsg(real_data):
    path = real_data / "snap_collegemsg" / "CollegeMsg.txt"
    ev = ca.read_events(
        path, columns={"actor": "source", "target": "target", "timestamp": "weight"}, unit="s"
    )
    assert len(ev) == 59_835
    assert ev["actor"].nunique() <= 1_899
    assert len(set(ev["actor"]) | set(ev["target"])) == 1_899
    assert ev["timestamp"].min() == pd.Timestamp(1082040961, unit="s", tz="UTC")


# ---------------------------------------------------------------- robustness regressions

ROWS = "actor,target,timestamp\na,b,2024-01-01T00:00:00Z\n"


@pytest.mark.parametrize(
    ("first", "cell", "options"),
    [
        ("1700000000", "15000000000", {"unit": "s"}),  # 2445: was OutOfBoundsDatetime
        ("1700000000", "15000000000", {}),  # unit cannot be told: an error naming the field
        ("1700000000000", "100000000000000000000", {"unit": "ms"}),
        # 2424 fits pandas' coarser units but not datetime64[ns]: was OutOfBoundsDatetime
        ("2024-01-01T00:00:00Z", "2424-01-01T00:00:00Z", {}),
    ],
)
def test_timestamps_out_of_range(tmp_path, first, cell, options):
    p = tmp_path / "e.csv"
    p.write_text(f"actor,target,timestamp\na,b,{first}\nb,a,{cell}\n")
    with pytest.raises(ca.TimestampError) as err:
        ca.read_events(p, **options)
    assert (err.value.file, err.value.field) == (str(p), "timestamp")
    if not options and first.isdigit():
        return  # the unit is unknown: the whole column is at fault, no row
    assert err.value.row == 2
    rep = ca.read_events(p, on_error="skip", **options).attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (2, 1, {"unparseable timestamp": 1})


def test_parse_timestamps_out_of_range_is_nat_with_skip():
    s = pd.Series(["2024-01-01T00:00:00Z", "2424-01-01T00:00:00Z", "99999-01-01T00:00:00Z"])
    out = parse_timestamps(s, on_error="skip")
    assert out.dtype == "datetime64[ns, UTC]"
    assert out.isna().tolist() == [False, True, True]


def test_text_not_utf8_names_line_and_offset(tmp_path):
    p = tmp_path / "e.csv"
    # 0x81 is undefined in Windows-1252 too; past the 64 KB sniffing sample the old reader
    # said only "cannot read as a table: 'utf-8' codec can't decode ..."
    p.write_bytes((ROWS + "a,b,2024-01-01T00:00:00Z\n" * 3000).encode() + b"\x81,a,2024\n")
    with pytest.raises(ca.FormatError) as err:
        ca.read_events(p, on_error="skip")
    assert (err.value.file, err.value.row) == (str(p), 3003)
    assert "byte 0x81 on line 3003" in str(err.value)


def test_windows_1252_text_is_read(tmp_path):
    p = tmp_path / "e.csv"
    p.write_bytes(ROWS.encode() + "Zoë,a,2024-01-02T00:00:00Z\n".encode("cp1252"))
    assert ca.read_events(p)["actor"].tolist() == ["a", "Zoë"]


def test_ragged_row_names_line(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text(ROWS + "a,b,c,d,e\n")
    with pytest.raises(ca.FormatError) as err:
        ca.read_events(p)
    assert (err.value.file, err.value.row) == (str(p), 3)


def test_skip_sets_aside_a_broken_first_timestamp(tmp_path):
    # with skip, a broken value must not decide the format of the whole column
    p = tmp_path / "e.csv"
    p.write_text("actor,target,timestamp\na,b,soon\nb,a,2024-01-02T00:00:00Z\nc,a,1e5\n")
    with pytest.raises(ca.TimestampError) as err:
        ca.read_events(p)
    assert (err.value.row, err.value.field) == (1, "timestamp")
    rep = ca.read_events(p, on_error="skip").attrs["ingest"]
    assert (rep.read, rep.kept, dict(rep.set_aside)) == (3, 1, {"unparseable timestamp": 2})
    # epochs: the unit most values are plausible in; the implausible ones are set aside
    p.write_text("actor,target,timestamp\na,b,17\nb,a,1700000000\nc,a,1700000100\n")
    with pytest.raises(ca.TimestampError, match="unit cannot be told"):
        ca.read_events(p)
    ev = ca.read_events(p, on_error="skip")
    assert ev["actor"].tolist() == ["b", "c"]
    assert str(ev["timestamp"].iloc[0]) == "2023-11-14 22:13:20+00:00"


def test_the_fast_path_for_utc_z_timestamps_equals_the_general_one():
    values = pd.Series(
        pd.date_range("1999-12-31T23:59:58Z", periods=500, freq="37min").strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    )
    values[7] = None
    fast = parse_timestamps(values)
    general = pd.to_datetime(values, format="ISO8601", utc=True).astype("datetime64[ns, UTC]")
    pd.testing.assert_series_equal(fast, general)
    # one value in another shape: the general path parses all of them the same way
    mixed = values.copy()
    mixed[3] = "2000-01-01T02:00:00+01:00"
    assert parse_timestamps(mixed)[3] == pd.Timestamp("2000-01-01T01:00Z")


# -- the hour repeated when clocks go back ---------------------------------------------------------
def _utc(wall: str, tz: str, fold: int) -> pd.Timestamp:
    """The UTC time of a wall-clock time, computed independently with zoneinfo."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    t = dt.datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(tz), fold=fold)
    return pd.Timestamp(t.astimezone(dt.timezone.utc))


def test_repeated_hour_told_apart_by_row_order_oldest_first():
    tz = "America/New_York"  # clocks go back at 02:00 EDT on 2023-11-05
    wall = ["2023-11-05 00:50", "2023-11-05 01:20", "2023-11-05 01:45", "2023-11-05 01:05",
            "2023-11-05 01:40", "2023-11-05 02:15"]  # fmt: skip
    folds = [0, 0, 0, 1, 1, 0]  # fold=1: the second pass through 01:00-02:00 (EST)
    got = parse_timestamps(pd.Series(wall), tz=tz)
    assert got.tolist() == [_utc(w, tz, f) for w, f in zip(wall, folds, strict=True)]
    assert got.is_monotonic_increasing
    assert got.iloc[3] - got.iloc[2] == pd.Timedelta(minutes=20)  # 01:45 EDT -> 01:05 EST


def test_repeated_hour_in_a_newest_first_log(tmp_path):
    # a Moodle log report lists the newest rows first, in local time
    p = tmp_path / "log.csv"
    p.write_text(
        "Time,User full name,Event name\n"
        '"29/10/23, 03:10",User 2,Post created\n'
        '"29/10/23, 02:10",User 1,Post created\n'
        '"29/10/23, 02:50",User 2,Post created\n'
        '"29/10/23, 02:30",User 1,Post created\n'
        '"28/10/23, 23:00",User 1,Post created\n'
    )
    ev = ca.read_events(
        p, tz="Europe/Madrid", dayfirst=True, action="post", columns={"actor": "User full name"}
    )
    tz = "Europe/Madrid"
    expected = [
        _utc("2023-10-28 23:00", tz, 0),
        _utc("2023-10-29 02:30", tz, 0),  # summer time (CEST, +02:00)
        _utc("2023-10-29 02:50", tz, 0),
        _utc("2023-10-29 02:10", tz, 1),  # the second 02:10, standard time (CET, +01:00)
        _utc("2023-10-29 03:10", tz, 0),
    ]
    assert ev["timestamp"].tolist() == expected
    assert ev["timestamp"].iloc[3] == pd.Timestamp("2023-10-29T01:10Z")


def test_repeated_hour_that_order_cannot_settle():
    values = pd.Series(["2023-10-29 01:50", "2023-10-29 02:30", "2023-10-29 03:05"])
    with pytest.raises(ca.TimestampError, match="occurs twice in Europe/Madrid") as err:
        parse_timestamps(values, tz="Europe/Madrid", field="when")
    assert err.value.row == 2 and err.value.found == "2023-10-29 02:30"
    info: dict = {}
    got = parse_timestamps(values, tz="Europe/Madrid", on_error="skip", info=info)
    assert got.isna().tolist() == [False, True, False]
    assert info["ambiguous_unresolved"] == 1
    # rows out of time order give nothing to go by, even with a step back
    shuffled = pd.Series(["2023-10-29 02:10", "2023-10-29 02:40", "2023-10-29 03:05",
                          "2023-10-29 00:10"])  # fmt: skip
    assert parse_timestamps(shuffled, tz="Europe/Madrid", on_error="skip").isna().sum() == 2


def test_skipped_hour_moves_forward():
    # 02:30 does not exist in Madrid on 2023-03-26 (clocks jump from 02:00 to 03:00)
    got = parse_timestamps(pd.Series(["2023-03-26 01:30", "2023-03-26 02:30"]), tz="Europe/Madrid")
    assert got.tolist() == [pd.Timestamp("2023-03-26T00:30Z"), pd.Timestamp("2023-03-26T01:00Z")]
