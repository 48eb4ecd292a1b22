"""Small-cell suppression covers every count column of every person-level output
(issue #15: with suppress_k=5, active_weeks, active_periods and the isolated
table's posts still showed counts of 1-4)."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.datasets import sample_path
from connectana.metrics.engagement import COUNT_COLUMNS

K = 5


@pytest.fixture(scope="module")
def course():
    folder = sample_path()
    return ca.read_events(folder / "forum_posts.csv"), ca.read_people(folder / "roster.csv")


def _small(values: pd.Series) -> int:
    v = pd.to_numeric(values, errors="coerce")
    return int(((v > 0) & (v < K)).sum())


def test_engagement_suppresses_activity_counts(course):
    ev, people = course
    raw = ca.engagement(ev, people=people, names=True)
    assert _small(raw["active_weeks"]) > 0 and _small(raw["active_weeks_to_date"]) > 0
    out = ca.engagement(ev, people=people, names=True, suppress_k=K)
    for c in COUNT_COLUMNS:
        assert _small(out[c]) == 0, c
    assert {"active_weeks", "active_weeks_to_date"} <= set(COUNT_COLUMNS)


def test_report_outputs_show_no_small_count(course, tmp_path):
    ev, people = course
    ca.write_report(ev, tmp_path, people=people, key=b"k", suppress_k=K)
    eng = pd.read_csv(tmp_path / "engagement.csv")
    for c in COUNT_COLUMNS:
        assert _small(eng[c]) == 0, c
    isolated = pd.read_csv(tmp_path / "isolated.csv")
    assert len(isolated) and _small(isolated["posts"]) == 0
    html = (tmp_path / "report.html").read_text()
    tables = pd.read_html(pd.io.common.StringIO(html))
    totals = next(t for t in tables if "active_periods" in t.columns)
    for c in totals.columns:
        if c in (*COUNT_COLUMNS, "active_periods"):
            assert _small(totals[c]) == 0, c


def _totals(folder):
    html = (folder / "report.html").read_text()
    tables = pd.read_html(pd.io.common.StringIO(html), index_col=0)
    return next(t for t in tables if "active_periods" in t.columns)


def test_active_periods_is_counted_before_suppression(course, tmp_path):
    # a student with 1-4 posts in a period was active in it: suppression must not
    # turn the hidden count into "inactive" (active_periods counted NA as 0)
    ev, people = course
    ca.write_report(ev, tmp_path / "raw", people=people, key=b"k")
    ca.write_report(ev, tmp_path / "sup", people=people, key=b"k", suppress_k=K)
    raw, sup = _totals(tmp_path / "raw"), _totals(tmp_path / "sup")
    shown = sup["active_periods"].dropna()
    assert len(shown) > 0
    assert (shown == raw.loc[shown.index, "active_periods"]).all()
