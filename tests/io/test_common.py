"""Unit tests of the readers' shared plumbing (connectana.io.common)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from connectana.errors import InputError, TimestampError
from connectana.events import IngestReport
from connectana.io.common import set_aside_rows


def _error(i: int) -> InputError:
    return InputError("post has no user", file="a.csv", row=i + 1, field="user", found=i)


def test_set_aside_rows_skip_counts_and_records_in_order():
    r = IngestReport()
    mask = np.array([False, True, False, True])
    keep = set_aside_rows(mask, "no user", r, np.arange(1, 5), on_error="skip", error=_error)
    assert keep.tolist() == [True, False, True, False]
    assert mask.tolist() == [False, True, False, True]  # not modified
    assert dict(r.set_aside) == {"no user": 2}
    assert r.records == [
        {"record": 2, "reason": "no user"},
        {"record": 4, "reason": "no user"},
    ]
    # numpy scalars are recorded as plain Python values
    assert all(type(rec["record"]) is int for rec in r.records)


def test_set_aside_rows_raise_names_the_first_bad_row_and_records_nothing():
    r = IngestReport()
    mask = np.array([False, False, True, True])
    with pytest.raises(InputError) as exc:
        set_aside_rows(mask, "no user", r, np.arange(1, 5), on_error="raise", error=_error)
    assert (exc.value.file, exc.value.row, exc.value.field, exc.value.found) == (
        "a.csv",
        3,
        "user",
        2,
    )
    assert not r.set_aside and not r.records


def test_set_aside_rows_raises_the_factorys_error_class():
    def error(i: int) -> TimestampError:
        return TimestampError("unparseable timestamp", row=i)

    with pytest.raises(TimestampError):
        set_aside_rows(
            [True], "unparseable timestamp", IngestReport(), [1], on_error="raise", error=error
        )


def test_set_aside_rows_without_error_sets_aside_even_when_raising():
    r = IngestReport()
    keep = set_aside_rows(np.array([True, False]), "deleted", r, ["p1", "p2"], on_error="raise")
    assert keep.tolist() == [False, True]
    assert dict(r.set_aside) == {"deleted": 1}
    assert r.records == [{"record": "p1", "reason": "deleted"}]


def test_set_aside_rows_nothing_to_set_aside():
    r = IngestReport()
    keep = set_aside_rows(
        np.zeros(3, bool), "no user", r, [1, 2, 3], on_error="raise", error=_error
    )
    assert keep.tolist() == [True, True, True]
    assert not r.set_aside and not r.records
    empty = set_aside_rows(np.zeros(0, bool), "no user", r, [], on_error="raise", error=_error)
    assert empty.dtype == bool and len(empty) == 0


def test_set_aside_rows_series_by_position_and_callable_records():
    r = IngestReport()
    where = pd.Series(["f: entry 1", "f: entry 2", "f: entry 3"], index=[10, 20, 30])
    set_aside_rows([False, False, True], "duplicate", r, where)
    set_aside_rows([True, False, False], "bad timestamp", r, lambda i: f"log.json:{i + 1}")
    assert r.records == [
        {"record": "f: entry 3", "reason": "duplicate"},
        {"record": "log.json:1", "reason": "bad timestamp"},
    ]
    assert dict(r.set_aside) == {"duplicate": 1, "bad timestamp": 1}


def test_set_aside_rows_keep_idiom():
    r = IngestReport()
    keep = np.array([True, True, False, True])
    bad = np.array([True, False, True, False])
    keep &= set_aside_rows(keep & bad, "no user", r, np.arange(1, 5))
    assert keep.tolist() == [False, True, False, True]
    assert r.records == [{"record": 1, "reason": "no user"}]  # row 3 was already set aside
