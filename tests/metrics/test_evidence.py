"""Evidence sheet: hand-made forums, interval coverage on simulated forums, DLT2 reliability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

import connectana as ca
from connectana.metrics.evidence import (
    BOOTSTRAPPED,
    rank_quartiles,
    split_half,
    write_evidence,
)
from connectana.metrics.simulation import propensity_forum


def forum() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two weeks; T is staff; d joins in week 2; e is on the roster and never posts."""
    rows = [
        ("1", None, "t1", "T", "post", "2024-01-01T09:00Z"),
        ("2", "1", "t1", "a", "reply", "2024-01-01T10:00Z"),  # a -> T
        ("3", "2", "t1", "b", "reply", "2024-01-01T11:00Z"),  # b -> a
        ("4", "3", "t1", "a", "reply", "2024-01-02T11:00Z"),  # a -> b
        ("5", None, "t2", "c", "post", "2024-01-03T09:00Z"),
        ("6", "5", "t2", "a", "reply", "2024-01-03T10:00Z"),  # a -> c
        ("7", "5", "t2", "d", "reply", "2024-01-09T10:00Z"),  # d -> c (week 2)
        ("8", "7", "t2", "T", "reply", "2024-01-09T12:00Z"),  # T -> d
    ]
    df = pd.DataFrame(
        rows, columns=["object_id", "parent_id", "thread_id", "actor", "action", "timestamp"]
    )
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    people = ca.make_people(
        pd.DataFrame(
            {
                "person": ["T", "a", "b", "c", "d", "e"],
                "role": ["instructor"] + ["student"] * 5,
            }
        )
    )
    return ca.make_events(df, platform="f"), people


def test_sheet_by_hand():
    ev, people = forum()
    s = ca.evidence_sheet(ev, people=people, names=True, n_boot=200, stability=False)
    s = s.set_index("person")
    assert s.index.tolist() == ["a", "b", "c", "d", "e"]  # staff get no row
    assert s["posts"].tolist() == [3, 1, 1, 1, 0]
    assert s["replies_given"].tolist() == [3, 1, 0, 1, 0]
    # learner-only: T's answer to d does not count; a heard from b only
    assert s["learner_replies_received"].tolist() == [1, 1, 2, 0, 0]
    assert s["learner_peers"].tolist() == [2, 1, 2, 1, 0]  # a: b, c (T apart)
    # a: 2 interactions with b, 1 with c -> entropy of (2/3, 1/3) bits
    h = -(2 / 3) * np.log2(2 / 3) - (1 / 3) * np.log2(1 / 3)
    assert s.loc["a", "learner_partner_entropy"] == pytest.approx(h)
    assert pd.isna(s.loc["e", "learner_partner_entropy"])
    # a's contributions: 2 answered by b (1 h), 4 and 6 never -> 1/3
    assert s.loc["a", "answered_share"] == pytest.approx(1 / 3)
    assert s.loc["d", "answered_share"] == 1.0  # answered by T: anyone counts
    assert s["own_thread_posts"].tolist() == [0, 0, 1, 0, 0]
    assert s["max_thread_depth"].tolist()[:4] == [3, 2, 0, 1]
    assert s["first_week"].tolist() == [1, 1, 1, 2, 1]
    assert s["weeks_since_joined"].tolist() == [2, 2, 2, 1, 2]
    assert s["active_week_share"].tolist() == [0.5, 0.5, 0.5, 1.0, 0.0]
    # intervals: around the value; zero gives [0, 0]
    for k in BOOTSTRAPPED:
        lo, hi, v = s[f"{k}_ci_low"], s[f"{k}_ci_high"], s[k].astype(float)
        ok = v.notna()
        assert (lo[ok] <= v[ok] + 1e-9).all() and (v[ok] <= hi[ok] + 1e-9).all(), k
    assert s.loc["e", "posts_ci_low"] == 0 and s.loc["e", "posts_ci_high"] == 0
    assert "no recorded activity" in s.loc["e", "caveats"]
    assert "joined in week 2 of 2" in s.loc["d", "caveats"]
    again = ca.evidence_sheet(ev, people=people, names=True, n_boot=200, stability=False)
    pd.testing.assert_frame_equal(s.reset_index(), again)


def test_rank_quartiles_put_ties_at_the_bottom():
    assert rank_quartiles(pd.Series([0, 0, 0, 0, 1, 2, 3, 3])).tolist() == [1, 1, 1, 1, 3, 3, 4, 4]


def test_rank_stability_flags_a_student_who_moves():
    ev, people = forum()
    s = ca.evidence_sheet(ev, people=people, names=True, n_boot=50).set_index("person")
    assert s.attrs["rank_variants"] == ["reply", "star", "copresence", "odd weeks", "even weeks"]
    # learner peers of a, b, c, d, e: reply 2 1 2 1 0 -> d in quartile 1; star 1 0 2 1 0 ->
    # 2; copresence 3 1 2 2 0 -> 2; odd weeks 2 1 1 0 0 -> 1; even weeks 0 0 1 1 0 -> 3
    assert s.loc["d", "rank_quartile"] == 1 and s.loc["d", "rank_quartile_max"] == 3
    assert bool(s.loc["d", "rank_unstable"])
    assert not bool(s.loc["e", "rank_unstable"])  # silent everywhere: bottom everywhere
    assert "rank on learner_peers moves" in s.loc["d", "caveats"]


def test_interval_coverage_on_simulated_forums():
    """95 % intervals cover the known expected answers about 95 % of the time."""
    ev, people, truth = propensity_forum(n_students=80, weeks=10, threads_per_week=6, seed=0)
    s = ca.evidence_sheet(
        ev, people=people, names=True, n_boot=400, seed=0, stability=False
    ).set_index("person")
    want = truth["expected_answers"].reindex(s.index)
    assert (s["replies_given"] == s["posts"]).all()  # every simulated answer is a reply tie
    covered = (s["replies_given_ci_low"] <= want) & (want <= s["replies_given_ci_high"])
    # measured: 0.9125 (seed 0), 0.95 (1), 0.9375 (2); a binomial 95 % band for 80 students
    assert 0.85 <= covered.mean() <= 1.0
    width = s["replies_given_ci_high"] - s["replies_given_ci_low"]
    # close to the Poisson interval width 2 × 1.96 × sqrt(mean)
    assert np.median(width / (3.92 * np.sqrt(want))) == pytest.approx(1.0, abs=0.25)


def test_write_csv_and_html(tmp_path):
    ev, people = forum()
    s = ca.evidence_sheet(ev, people=people, key=b"k", n_boot=20, stability=False)
    s.loc[0, "caveats"] = "=HYPERLINK(1)"
    back = pd.read_csv(write_evidence(s, tmp_path / "e.csv"))
    assert back["caveats"].iloc[0] == "'=HYPERLINK(1)"
    assert back["person"].str.startswith("P-").all() or back["person"].str.len().min() > 4
    page = write_evidence(s, tmp_path / "e.html").read_text()
    assert "<table" in page and "Read the caveats" in page
    with pytest.raises(ValueError, match=".csv or .html"):
        write_evidence(s, tmp_path / "e.json")


@pytest.fixture
def dlt2(real_data):
    folder = real_data / "mooc_ed_dlt2"
    ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
    roster = ca.make_people(
        pd.read_csv(folder / "DLT2 Nodes.csv"),
        person="uid",
        role="facilitator",
        role_map={1: "instructor", 0: "student"},
    )
    raw = pd.read_csv(folder / "DLT2 Edgelist.csv")
    return ev, roster, raw[raw.Sender != raw.Reciever]


def test_dlt2_sheet_refuses_what_a_reply_only_export_cannot_support(dlt2):
    ev, roster, raw = dlt2
    s = ca.evidence_sheet(ev, people=roster, names=True, n_boot=100, stability=False)
    s = s.set_index("person")
    assert len(s) == 490 and s.attrs["skipped_variants"] == ["star"]
    assert s["own_thread_posts"].isna().all() and s["views"].isna().all()
    learner = raw[~raw.Sender.isin([158, 302]) & ~raw.Reciever.isin([158, 302])]
    got = s["learner_replies_received"].astype(int)
    want = learner.groupby(learner.Reciever.astype(str)).size().reindex(s.index, fill_value=0)
    assert got.equals(want.astype(got.dtype))
    # learners answered although no post of theirs is in the log
    flagged = s["caveats"].str.contains("no post of theirs").sum()
    silent = (s["posts"] == 0) & (s["learner_replies_received"] > 0)
    assert flagged == silent.sum() > 50


def test_dlt2_split_half_matches_a_direct_computation(dlt2):
    ev, roster, raw = dlt2
    r = split_half(ev, people=roster)
    # direct: replies per learner in odd and even course weeks (week 1 starts Mon 2013-09-23)
    t = pd.to_datetime(raw.Timestamp, format="%m/%d/%y")
    week = (t - pd.Timestamp("2013-09-23")).dt.days // 7
    learners = raw[~raw.Sender.isin([158, 302])].assign(week=week)
    counts = learners.groupby([learners.Sender.astype(str), learners.week % 2]).size().unstack()
    # every learner who posted, self-replies included (0 replies to others in both halves)
    posters = set(ev["actor"].astype(str)) - {"158", "302"}
    counts = counts.reindex(sorted(posters)).fillna(0)
    rho = spearmanr(counts[0], counts[1]).statistic
    assert r.loc["replies_given", "students"] == len(counts)
    assert r.loc["replies_given", "spearman_half"] == pytest.approx(rho)
    assert r.loc["replies_given", "spearman_brown"] == pytest.approx(2 * rho / (1 + rho))


def test_distinct_partner_intervals_contain_the_value_on_a_larger_forum():
    ev, people, _ = propensity_forum(n_students=30, weeks=6, threads_per_week=4, seed=2)
    s = ca.evidence_sheet(ev, people=people, names=True, n_boot=200, stability=False)
    for k in ("learner_peers", "learner_partner_entropy"):
        v = s[k].astype(float)
        ok = v.notna()
        assert (s.loc[ok, f"{k}_ci_low"] <= v[ok]).all() and (
            v[ok] <= s.loc[ok, f"{k}_ci_high"]
        ).all()
        assert (s.loc[ok, f"{k}_ci_high"] > s.loc[ok, f"{k}_ci_low"]).mean() > 0.9  # not degenerate


def test_display_in_words():
    from connectana.metrics.evidence import evidence_display

    ev, people = forum()
    s = ca.evidence_sheet(ev, people=people, names=True, n_boot=50, stability=False)
    d = evidence_display(s).set_index("person")
    assert d.loc["d", "joined"] == "week 2 of 2"
    assert d.loc["a", "median_hours_to_answer"] == "never"  # 2 of 3 never answered
    lo, hi = s.set_index("person").loc["a", ["posts_ci_low", "posts_ci_high"]]
    assert d.loc["a", "posts"] == f"3 [{lo:.3g}–{hi:.3g}]"
    assert "views" not in d.columns  # refused: no view events


def test_row_nanquantiles_equal_numpys_nanquantile():
    """The bootstrap's vectorised quantiles are numpy's nanquantile (linear), to the bit."""
    import warnings

    from connectana.metrics.evidence import row_nanquantiles

    rng = np.random.default_rng(7)
    qs = (0.025, 0.5, 0.975, 0.0, 1.0, 0.3)
    for _ in range(40):
        r, c = rng.integers(1, 30), rng.integers(1, 50)
        v = rng.integers(0, 6, size=(r, c)).astype(float) * rng.choice([1.0, 0.37, 1 / 3])
        v[rng.random((r, c)) < rng.random()] = np.nan  # rows of NaN too
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = [np.nanquantile(v, q, axis=1) for q in qs]
        for got, want in zip(row_nanquantiles(v, qs), expected, strict=True):
            assert np.array_equal(got, want, equal_nan=True)
