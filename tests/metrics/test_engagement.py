"""Engagement per student × week on a hand-made timeline, every indicator computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.engagement import (
    COUNT_COLUMNS,
    INDICATORS,
    engagement,
    engagement_caveats,
    write_engagement,
)
from connectana.privacy import pseudonym_map

# 2024-01-01 is a Monday: week 1 = Jan 1-7, week 2 = Jan 8-14.
# (event, object, parent, thread, actor, action, time)
TIMELINE = [
    ("e1", "p1", None, "t1", "a", "post", "2024-01-01T10:00Z"),
    ("e2", "p2", "p1", "t1", "b", "reply", "2024-01-01T12:00Z"),  # b -> a, 2 h
    ("e3", "p3", "p1", "t1", "T", "reply", "2024-01-02T10:00Z"),  # T -> a, 24 h
    ("e4", "p4", "p2", "t1", "a", "reply", "2024-01-02T14:00Z"),  # a -> b, 26 h
    ("e5", "p5", "p3", "t1", "a", "reply", "2024-01-03T10:00Z"),  # a -> T, 24 h
    ("e6", "p6", None, "t2", "c", "post", "2024-01-03T11:00Z"),
    ("e7", "p7", "p6", "t2", "b", "reply", "2024-01-08T09:00Z"),  # b -> c, 118 h
    ("e8", "p8", "p7", "t2", "b", "reply", "2024-01-08T10:00Z"),  # b -> b: self, dropped
    ("e9", "p9", "p7", "t2", "a", "reply", "2024-01-09T09:00Z"),  # a -> b, 24 h
    ("e10", None, None, "t2", "d", "view", "2024-01-10T09:00Z"),  # d reads only
]
W1, W2 = "2024-01-01/2024-01-07", "2024-01-08/2024-01-14"


def timeline() -> pd.DataFrame:
    df = pd.DataFrame(
        TIMELINE,
        columns=["event_id", "object_id", "parent_id", "thread_id", "actor", "action", "timestamp"],
    )
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    return ca.make_events(df, platform="forum")


def people() -> pd.DataFrame:
    return ca.make_people(
        pd.DataFrame(
            {
                "person": ["T", "a", "b", "c", "d"],
                "role": ["instructor", "student", "student", "student", "student"],
                "group": ["G1", "G1", "G2", "G1", None],
                "display_name": ["Tess", "Ann", "Bob", "Cy", "Di"],
            }
        )
    )


NA = None
INF = math.inf
# person, period: posts, given, received, to, from, peers, student share, reciprocated,
# cross-group, active weeks, to date, median latency (h), percentile (0 when silent, NaN
# before joining: d's first event is a view in week 2)
OLD = {
    ("a", W1): [3, 2, 2, 2, 2, 2, 0.5, 2, 1, 1, 1, 25.0, 250 / 3],
    ("a", W2): [1, 1, 0, 1, 0, 1, 1.0, 0, 1, 1, 2, 24.0, 50.0],
    ("b", W1): [1, 1, 1, 1, 1, 1, 1.0, 1, 1, 1, 1, 2.0, 50.0],
    ("b", W2): [2, 1, 1, 1, 1, 2, 1.0, 0, 2, 1, 2, 118.0, 87.5],
    ("c", W1): [1, 0, 0, 0, 0, 0, NA, 0, 0, 1, 1, NA, 0.0],
    ("c", W2): [0, 0, 1, 0, 1, 1, 1.0, 0, 1, 0, 1, NA, 50.0],
    ("d", W1): [0, 0, 0, 0, 0, 0, NA, 0, NA, 0, 0, NA, NA],
    ("d", W2): [0, 0, 0, 0, 0, 0, NA, 0, NA, 1, 1, NA, 0.0],
}
OLD_COLUMNS = [
    "posts",
    "replies_given",
    "replies_received",
    "peers_replied_to",
    "peers_heard_from",
    "peers",
    "student_tie_share",
    "reciprocated_ties",
    "cross_group_ties",
    "active_weeks",
    "active_weeks_to_date",
    "median_response_hours",
    "centrality_percentile",
]
# learner-only (staff T apart): received, replied to, heard from, peers, entropy (bits);
# reciprocated to date; own / others' threads; max depth; answered share; median hours to
# answer (inf: more than half never answered); views; joined
NEW = {
    ("a", W1): [1, 1, 1, 1, 0.0, 2, 3, 0, 2, 1 / 3, INF, 0, True],
    ("a", W2): [0, 1, 0, 1, 0.0, 2, 0, 1, 2, 0.0, INF, 0, True],
    ("b", W1): [1, 1, 1, 1, 0.0, 1, 0, 1, 1, 1.0, 26.0, 0, True],
    ("b", W2): [1, 1, 1, 2, 1.0, 1, 0, 2, 2, 0.5, 24.0, 0, True],
    ("c", W1): [0, 0, 0, 0, NA, 0, 1, 0, 0, 1.0, 118.0, 0, True],
    ("c", W2): [1, 0, 1, 1, 0.0, 0, 0, 0, NA, NA, NA, 0, True],
    ("d", W1): [0, 0, 0, 0, NA, 0, 0, 0, NA, NA, NA, 0, False],
    ("d", W2): [0, 0, 0, 0, NA, 0, 0, 0, NA, NA, NA, 1, True],
}
NEW_COLUMNS = [
    "learner_replies_received",
    "learner_peers_replied_to",
    "learner_peers_heard_from",
    "learner_peers",
    "learner_partner_entropy",
    "reciprocated_ties_to_date",
    "own_thread_posts",
    "others_thread_posts",
    "max_thread_depth",
    "answered_share",
    "median_hours_to_answer",
    "views",
    "joined",
]
COLUMNS = list(INDICATORS)
EXPECTED = {
    k: [dict(zip(OLD_COLUMNS + NEW_COLUMNS, OLD[k] + NEW[k], strict=True))[c] for c in COLUMNS]
    for k in OLD
}


def same(got, want) -> bool:
    if want is None:
        return bool(pd.isna(got))
    if pd.isna(got):
        return False
    return float(got) == float(want) or math.isclose(float(got), float(want))


def test_every_indicator_by_hand():
    t = engagement(timeline(), people=people(), names=True)
    assert list(t.columns) == [
        "person",
        "display_name",
        "role",
        "group",
        "period",
        "period_start",
        "period_end",
        *INDICATORS,
    ]
    assert t["person"].tolist() == ["a", "a", "b", "b", "c", "c", "d", "d"]  # staff: no rows
    assert t["display_name"].tolist() == ["Ann", "Ann", "Bob", "Bob", "Cy", "Cy", "Di", "Di"]
    assert t["period"].tolist() == [W1, W2] * 4
    assert t["period_start"].iloc[1] == pd.Timestamp("2024-01-08T00:00Z")
    assert t["period_end"].iloc[1] == pd.Timestamp("2024-01-15T00:00Z")
    assert sorted(COLUMNS) == sorted(OLD_COLUMNS + NEW_COLUMNS)
    for row in t.itertuples(index=False):
        want = EXPECTED[(row.person, row.period)]
        got = [getattr(row, c) for c in COLUMNS]
        bad = [c for c, g, w in zip(COLUMNS, got, want, strict=True) if not same(g, w)]
        assert not bad, (row.person, row.period, bad, got)
    assert t.attrs["ties"] == "reply" and t.attrs["pseudonymized"] is False


def test_fixed_length_periods_from_start():
    t = engagement(timeline(), people=people(), names=True, freq="7D", start="2024-01-01T00:00Z")
    calendar = engagement(timeline(), people=people(), names=True)
    assert t["period"].iloc[0] == 1
    assert t["period_start"].iloc[0] == pd.Timestamp("2024-01-01T00:00Z")
    pd.testing.assert_frame_equal(
        t[COLUMNS].reset_index(drop=True), calendar[COLUMNS].reset_index(drop=True)
    )
    with pytest.raises(ValueError, match="fixed length"):
        engagement(timeline(), names=True, freq="M", start="2024-01-01T00:00Z")


def test_without_roster_every_actor_is_a_student():
    t = engagement(timeline(), names=True)
    # no roles: T is a student; no groups: cross-group ties are NA everywhere
    assert sorted(set(t["person"])) == ["T", "a", "b", "c", "d"]
    assert t["cross_group_ties"].isna().all()
    a1 = t[(t["person"] == "a") & (t["period"] == W1)].iloc[0]
    assert a1["student_tie_share"] == 1.0  # T counts as a student without a roster


def test_undirected_ties_leave_directed_indicators_empty():
    t = engagement(timeline(), people=people(), names=True, ties="copresence")
    for c in ("replies_given", "replies_received", "peers_replied_to", "reciprocated_ties"):
        assert t[c].isna().all()
    # week 1 thread t1: a, b, T meet; t2 opened by c alone
    a1 = t[(t["person"] == "a") & (t["period"] == W1)].iloc[0]
    assert a1["peers"] == 2 and a1["student_tie_share"] == 0.5


def test_pseudonyms_and_suppression():
    key = b"course-key"
    t = engagement(timeline(), people=people(), key=key, suppress_k=2)
    mapping = pseudonym_map(["a", "b", "c", "d"], key=key)
    assert t["person"].tolist() == [mapping[p] for p in "aabbccdd"]
    assert "display_name" not in t.columns and t.attrs["pseudonymized"] is True
    # counts of 1 are blanked; 0 and >= 2 stay
    a2 = t.iloc[1]
    assert pd.isna(a2["posts"]) and a2["replies_received"] == 0
    assert t.iloc[0]["posts"] == 3 and t.iloc[0]["replies_given"] == 2
    assert t.attrs["suppressed_cells"] == sum(
        sum(1 for v, c in zip(vals, COLUMNS, strict=True) if c in COUNT_COLUMNS and v == 1)
        for vals in EXPECTED.values()
    )
    with pytest.warns(UserWarning, match="random one"):
        engagement(timeline(), people=people())


def test_caveats_cover_every_indicator():
    c = engagement_caveats()
    assert c.index.tolist() == COLUMNS
    assert c["caveat"].str.len().min() > 20 and c["definition"].str.len().min() > 20


def test_write_csv_and_excel(tmp_path):
    t = engagement(timeline(), people=people(), names=True)
    csv = write_engagement(t, tmp_path / "eng.csv")
    back = pd.read_csv(csv)
    assert back["posts"].tolist() == t["posts"].tolist()
    assert back["period_start"].iloc[0] == "2024-01-01T00:00:00+00:00"
    assert back["cross_group_ties"].isna().sum() == 2  # d has no group
    xlsx = write_engagement(t, tmp_path / "eng.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert list(sheets) == ["engagement", "caveats"]
    assert sheets["engagement"]["replies_given"].tolist() == t["replies_given"].tolist()
    assert sheets["engagement"]["period_start"].iloc[1] == pd.Timestamp("2024-01-08")
    assert sheets["caveats"]["indicator"].tolist() == COLUMNS
    with pytest.raises(ValueError, match=".csv or .xlsx"):
        write_engagement(t, tmp_path / "eng.json")


def test_dlt2_engagement_totals(real_data):
    folder = real_data / "mooc_ed_dlt2"
    ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
    roster = ca.make_people(
        pd.read_csv(folder / "DLT2 Nodes.csv"),
        person="uid",
        role="facilitator",
        role_map={1: "instructor", 0: "student"},
    )
    with pytest.warns(UserWarning, match="posts: partial"):
        t = engagement(ev, people=roster, names=True)
    assert t["person"].nunique() == 490  # 492 minus the two facilitators
    raw = pd.read_csv(folder / "DLT2 Edgelist.csv")
    raw = raw[raw.Sender != raw.Reciever]
    students = raw[~raw.Sender.isin([158, 302])]
    assert int(t["replies_given"].sum()) == len(students)
    heard = raw[~raw.Reciever.isin([158, 302])]
    assert int(t["replies_received"].sum()) == len(heard)
    # learner-only: facilitators' replies are left out of what a student received
    learner_heard = heard[~heard.Sender.isin([158, 302])]
    assert int(t["learner_replies_received"].sum()) == len(learner_heard)
    # reply-only export: the thread measures are refused, not guessed
    assert t["own_thread_posts"].isna().all() and t["max_thread_depth"].isna().all()
    assert any("star" in m for m in t.attrs["completeness"])
    with pytest.raises(ca.InputError, match="thread starters cannot be inferred"):
        engagement(ev, people=roster, names=True, ties="star")
    # percentile: NaN before joining, 0 when silent, else the mid-rank among joined students
    degree = t["replies_given"] + t["replies_received"]
    assert t.loc[~t["joined"], "centrality_percentile"].isna().all()
    silent = t["joined"] & (degree == 0)
    assert (t.loc[silent, "centrality_percentile"] == 0).all() and silent.sum() > 1000
    from scipy.stats import percentileofscore

    for _, w in t[t["joined"] & ~silent].groupby("period").head(400).groupby("period"):
        pool = degree[t["joined"] & (t["period"] == w["period"].iloc[0])].to_numpy(float)
        want = [percentileofscore(pool, d, kind="mean") for d in degree[w.index]]
        assert np.allclose(w["centrality_percentile"], want)


def test_staff_without_a_group_are_not_another_group():
    t0 = pd.Timestamp("2024-01-01T10:00Z")
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["s1", "s1", "s2"],
                "target": ["boss", "s2", "s1"],
                "timestamp": [t0, t0, t0],
            }
        )
    )
    roster = ca.make_people(
        pd.DataFrame(
            {
                "person": ["boss", "s1", "s2"],
                "role": ["instructor", "student", "student"],
                "group": [None, "g1", "g2"],
            }
        )
    )
    t = engagement(ev, people=roster, names=True).set_index("person")
    # s1's peers: boss (staff, no group) and s2 (another group): one cross-group tie
    assert int(t.loc["s1", "cross_group_ties"]) == 1
    assert int(t.loc["s2", "cross_group_ties"]) == 1


def test_inputs_prepared_once_give_the_same_tables():
    """engagement_inputs + engagement(inputs, ...) == engagement(events, ...) for two period
    schemes (weeks and one span), with roster, groups and staff; options clash -> error."""
    from connectana.metrics.engagement import engagement_inputs

    ev, ppl = timeline(), people()
    net = ca.build_network(ev, "reply", people=ppl)
    inputs = engagement_inputs(ev, people=ppl, network=net)
    for opts in ({"freq": "W"}, {"freq": "14D", "start": "2024-01-01T00:00Z"}):
        direct = engagement(ev, people=ppl, names=True, **opts)
        shared = engagement(inputs, names=True, **opts)
        pd.testing.assert_frame_equal(shared, direct, check_exact=True)
    whole = engagement(inputs, freq="14D", start="2024-01-01T00:00Z", names=True)
    a = whole.set_index("person").loc["a"]
    # a: answers to b (twice) and T over the two weeks; heard from b and T
    assert (a["replies_given"], a["replies_received"], a["peers"]) == (3, 2, 2)
    with pytest.raises(ca.ParameterError, match="ties"):
        engagement(inputs, ties="star")
