"""The one definition of periods (connectana.periods) and everything that uses it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.errors import InputError
from connectana.periods import make_periods, period_keys, period_length

START = "2024-01-08T00:00Z"  # a Monday


def _events() -> pd.DataFrame:
    # one event 9 days before the start (period -1), one 2 days before (period 0),
    # then periods 1 and 3 (period 2 is empty)
    days = ["2023-12-30T12:00", "2024-01-06T12:00", "2024-01-09T12:00", "2024-01-23T12:00"]
    return ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a", "b", "c", "a"],
                "target": ["b", "a", "a", "c"],
                "action": "reply",
                "timestamp": pd.to_datetime(days, utc=True),
            }
        )
    )


def test_course_periods_keep_events_before_start():
    t = _events()["timestamp"]
    p = make_periods(t, freq="W", start=START)
    assert p.labels.tolist() == [-1, 0, 1, 2, 3]
    assert p.position(t).tolist() == [0, 1, 2, 4]
    assert p.starts[2] == pd.Timestamp(START) and p.ends[2] == pd.Timestamp("2024-01-15T00:00Z")
    assert (p.ends[:-1] == p.starts[1:]).all()  # contiguous, half-open
    assert list(p.text([0, 2])) == ["week -1", "week 01"]
    assert period_keys(t, freq="W", start=START).tolist() == [-1, 0, 1, 3]


def test_course_periods_always_include_period_one():
    t = pd.to_datetime(["2024-01-01T10:00"], utc=True)  # only before the start
    assert make_periods(t, start=START).labels.tolist() == [0, 1]
    assert make_periods(t[:0], start=START).labels.tolist() == [1]


def test_calendar_periods():
    t = _events()["timestamp"]
    p = make_periods(t, freq="W")
    assert str(p.labels[0]) == "2023-12-25/2023-12-31" and len(p) == 5
    assert p.position(t).tolist() == [0, 1, 2, 4]
    assert p.starts[0] == pd.Timestamp("2023-12-25T00:00Z")


def test_fixed_length_and_errors():
    assert period_length("14D") == pd.Timedelta(days=14)
    assert period_length("W") == pd.Timedelta(days=7)
    with pytest.raises(InputError, match="fixed length"):
        period_length("ME")
    with pytest.raises(InputError, match="time zone"):
        make_periods(_events()["timestamp"], start="2024-01-08")


def test_growth_engagement_and_interactive_agree_on_the_rule():
    ev = _events()
    g = ca.growth(ev, start=START, metrics=["density"])
    assert g.index.tolist() == [-1, 0, 1, 2, 3]
    assert g["period_interactions"].tolist() == [1, 1, 1, 0, 1]
    # nothing dropped: the last cumulative period holds every interaction
    assert g["ties"].iloc[-1] == ca.build_network(ev).n_ties
    e = ca.engagement(ev, start=START, names=True)
    sent = e.groupby("period")["replies_given"].sum()
    assert sent.reindex([-1, 0, 1, 2, 3], fill_value=0).tolist() == [1, 1, 1, 0, 1]
    starts = e.drop_duplicates("period").set_index("period")["period_start"]
    assert (starts == g["start"].reindex(starts.index)).all()

    from connectana.interactive import sigma_graph

    sg = sigma_graph(ca.build_network(ev), course_start=START, key=b"k")
    formed = sorted(d["formed"] for _, _, d in sg.edges(data=True))
    assert formed == ["week -1", "week 00", "week 01", "week 03"]


def test_dask_engine_uses_the_same_keys():
    dd = pytest.importorskip("dask.dataframe")
    ev = _events()
    g = ca.growth(dd.from_pandas(ev, npartitions=2), start=START, metrics=["density"])
    pd.testing.assert_frame_equal(g, ca.growth(ev, start=START, metrics=["density"]))
    assert np.array_equal(g.index, [-1, 0, 1, 2, 3])
