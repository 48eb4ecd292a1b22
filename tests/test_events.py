"""The Events schema, People and the ingest report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.events import ACTIONS, REQUIRED_COLUMNS, empty_events, normalize_role


def small():
    return ca.make_events(
        pd.DataFrame(
            {
                "object_id": [1, 2],
                "parent_id": [None, 1.0],
                "actor": ["ann", "bob"],
                "timestamp": pd.to_datetime(
                    ["2024-01-02T10:00+01:00", "2024-01-01T00:00Z"], utc=True
                ),
                "text": ["hello", "hi"],
            }
        ),
        platform="forum",
    )


def test_make_events_fixes_dtypes_sorts_and_resolves():
    ev = small()
    assert list(ev.columns) == list(REQUIRED_COLUMNS)  # text dropped by default
    assert str(ev["timestamp"].dtype) == "datetime64[ns, UTC]"
    # sorted by time: bob's reply comes first in time (stored before its parent)
    assert ev["actor"].tolist() == ["bob", "ann"]
    # float-read ids become clean strings and the parent resolves
    assert ev["parent_id"].tolist()[0] == "1" and ev["target"].tolist()[0] == "ann"
    assert ev["event_id"].tolist() == ["e2", "e1"]
    assert ev.attrs["ingest"].kept == 2


def test_keep_text_keeps_text():
    raw = pd.DataFrame(
        {"actor": ["a"], "timestamp": pd.to_datetime(["2024-01-01"], utc=True), "text": ["hello"]}
    )
    assert "text" not in ca.make_events(raw).columns
    assert ca.make_events(raw, keep_text=True)["text"].tolist() == ["hello"]


def test_validate_events_names_every_problem():
    ev = small()
    bad = ev.drop(columns=["thread_id", "platform"]).assign(action="posted")
    with pytest.raises(ca.SchemaError) as err:
        ca.validate_events(bad)
    msg = str(err.value)
    assert "'thread_id'" in msg and "'platform'" in msg
    bad = ev.assign(action=["posted", "reply"], timestamp=ev["timestamp"].dt.tz_localize(None))
    with pytest.raises(ca.SchemaError) as err:
        ca.validate_events(bad)
    msg = str(err.value)
    assert "posted" in msg and "timestamp" in msg
    ca.validate_events(empty_events())


def test_naive_timestamps_are_refused():
    raw = pd.DataFrame({"actor": ["a"], "timestamp": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(ca.SchemaError, match="timezone-aware"):
        ca.make_events(raw)


def test_actions_vocabulary_is_small_and_documented():
    assert {"post", "reply", "comment", "mention", "react", "view", "share"} <= set(ACTIONS)


@pytest.mark.parametrize(
    "raw, role",
    [
        ("editingteacher", "instructor"),
        ("Instructor", "instructor"),
        ("Community TA", "ta"),
        ("TaEnrollment", "ta"),
        ("Moderator", "ta"),
        ("StudentEnrollment", "student"),
        ("Learner", "student"),
        ("guest", "other"),
        (None, "other"),
    ],
)
def test_normalize_role(raw, role):
    assert normalize_role(raw) == role


def test_make_people():
    roster = pd.DataFrame(
        {
            "uid": [1, 2, 3],
            "facilitator": [1, 0, None],
            "role": ["libmedia", "admin", "other"],
            "group": ["A", "B", "A"],
        }
    )
    people = ca.make_people(
        roster, person="uid", role="facilitator", role_map={1: "instructor", 0: "student"}
    )
    assert list(people.index) == ["1", "2", "3"]
    assert people["role"].tolist() == ["instructor", "student", "student"]
    assert people["group"].tolist() == ["A", "B", "A"]
    assert people["attr_role"].tolist() == ["libmedia", "admin", "other"]
    with pytest.raises(ca.SchemaError, match="twice"):
        ca.make_people(pd.DataFrame({"person": ["a", "a"]}))
    with pytest.raises(ca.SchemaError, match="no person column"):
        ca.make_people(pd.DataFrame({"x": ["a"]}))
    with pytest.raises(ca.SchemaError, match="one of"):
        ca.make_people(roster, person="uid", role="facilitator", role_map={1: "boss"})


def test_ingest_report_balance_and_text(tmp_path):
    r = ca.IngestReport(source="f.csv", format="table", read=5, kept=3)
    r.set_aside_record("bot", record="row 4")
    r.set_aside_record("deleted", n=1)
    assert r.balanced and r.set_aside_total == 2
    text = str(r)
    assert "records read : 5" in text and "bot: 1" in text
    assert r.set_aside_table().to_dict("records") == [{"record": "row 4", "reason": "bot"}]
    assert r.write_set_aside(tmp_path / "aside.csv").read_text() == "record,reason\nrow 4,bot\n"
    # a report in attrs survives concatenation of tables carrying it
    ev = small()
    both = pd.concat([ev, ev])
    assert len(both) == 4


def test_timestamps_outside_the_nanosecond_range_are_an_error():
    raw = pd.DataFrame(
        {
            "actor": ["a", "b"],
            "timestamp": pd.Series(
                pd.to_datetime(["2024-01-01", "2424-01-01"]).as_unit("s")
            ).dt.tz_localize("UTC"),
        }
    )
    with pytest.raises(ca.TimestampError, match=r"row 2.*1677-2262"):
        ca.make_events(raw)


def test_key_positions_equal_a_multiindex_lookup():
    # oracle: pandas' MultiIndex lookup of the first row with the same (platform, id)
    from connectana.events import key_positions

    rng = np.random.default_rng(3)
    platforms = np.array(["forum", "blog", None], dtype=object)
    table = pd.DataFrame(
        {"p": platforms[rng.integers(0, 3, 400)], "id": rng.integers(0, 150, 400).astype(str)}
    )
    keys = pd.DataFrame(
        {"p": platforms[rng.integers(0, 3, 300)], "id": rng.integers(0, 200, 300).astype(str)}
    )
    got = key_positions([keys["p"], keys["id"]], [table["p"], table["id"]])
    first = table.fillna("").drop_duplicates()
    lookup = pd.MultiIndex.from_frame(first)
    where = lookup.get_indexer(pd.MultiIndex.from_frame(keys.fillna("")))
    expected = np.where(where >= 0, first.index.to_numpy()[where], -1)
    assert got.tolist() == expected.tolist()
    assert (got >= 0).sum() > 100 and (got < 0).sum() > 20  # both cases exercised
    # one column
    assert key_positions([keys["id"]], [table["id"]]).tolist() == [
        int(np.flatnonzero(table["id"].to_numpy() == k)[0]) if (table["id"] == k).any() else -1
        for k in keys["id"]
    ]
