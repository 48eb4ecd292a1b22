"""Fairness audit: means by hand, and a planted bias recovered on a simulated forum."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.fairness import fairness
from connectana.metrics.simulation import propensity_forum


def test_means_gap_and_permutation_p_by_hand():
    sheet = pd.DataFrame(
        {
            "person": list("abcdef"),
            "group": list("AAABBB"),
            "first_week": [1, 1, 3, 1, 1, 3],
            "weeks_since_joined": [4, 4, 2, 4, 4, 2],
            "posts": [8, 4, 2, 0, 4, 0],
            "answered_share": [0.5, 1.0, None, 0.0, 0.5, None],
        }
    )
    f = fairness(sheet, by=["group", "late_joiner"], indicators=["posts", "answered_share"])
    f = f.set_index(["attribute", "indicator"])
    # per week: a 2, b 1, c 1 (mean 4/3); d 0, e 1, f 0 (mean 1/3)
    assert f.loc[("group", "posts_per_week"), "gap"] == pytest.approx(1.0)
    assert f.loc[("group", "posts_per_week"), "means"] == "A: 1.33; B: 0.333"
    # values 2, 1, 1, 0, 1, 0 (sum 5) split into two triples: 20 ways; the gap is >= 1 when a
    # triple sums to >= 4 (2 with two of the three 1s: 3 ways) or <= 1 (their complements)
    assert f.loc[("group", "posts_per_week"), "p"] == pytest.approx(6 / 20, abs=0.03)
    # answered share: c and f have none and are left out
    assert f.loc[("group", "answered_share"), "levels"] == "A: 2; B: 2"
    assert f.loc[("late_joiner", "posts_per_week"), "levels"] == "late: 2; on time: 4"
    assert (f["p_holm"] >= f["p"]).all()
    with pytest.raises(ValueError, match="names=True"):
        fairness(sheet, by=["gender"])


def test_planted_bias_is_recovered_and_absent_without_it():
    """Group B's posts are answered 0.4 times as often: the audit finds it, and only then."""
    found = {}
    for bias in (0.4, 1.0):
        ev, people, _ = propensity_forum(n_students=60, weeks=8, seed=3, answer_bias=bias)
        s = ca.evidence_sheet(ev, people=people, names=True, n_boot=10, stability=False)
        f = ca.fairness(s, by=["group"], n_perm=500).set_index("indicator")
        found[bias] = f.loc["learner_replies_received_per_week"]
        # the bias is in being answered, not in posting: posting does not differ
        assert f.loc["posts_per_week", "p"] > 0.05
    # measured: A 2.83 vs B 1.29 per week, p = 0.002 (Holm 0.01)
    assert found[0.4]["p"] < 0.01 and found[0.4]["p_holm"] < 0.05
    assert found[1.0]["p"] > 0.05


def test_roster_attributes_and_late_joiners():
    ev, people, truth = propensity_forum(n_students=40, weeks=8, seed=4, late_share=0.5)
    s = ca.evidence_sheet(ev, people=people, names=True, n_boot=10, stability=False)
    f = ca.fairness(
        s, by=["late", "late_joiner"], people=people, indicators=["replies_given"], late_after=4
    )
    f = f.set_index("attribute")
    # the roster's own flag and the joining week agree
    assert f.loc["late", "levels"] == "False: 20; True: 20"
    assert f.loc["late_joiner", "levels"] == "late: 20; on time: 20"
    # per week since joining, late joiners are not penalised for weeks they were not there
    assert f.loc["late_joiner", "p"] > 0.05
