"""newcomer_integration: staff and learner replies apart, never answered reported (censoring)."""

from __future__ import annotations

import math

import pandas as pd

import connectana as ca
from connectana.metrics.growth import newcomer_integration


def test_learners_and_staff_apart_and_never_answered_kept():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a", "b", "t", "c", "b"],
                "target": [None, "a", "b", None, "c"],
                "action": ["post", "reply", "reply", "post", "reply"],
                "role": ["student", "student", "instructor", "student", "student"],
                "timestamp": pd.to_datetime(
                    ["2024-01-01", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-09"],
                    utc=True,
                ),
            }
        )
    )
    n = newcomer_integration(ev)
    # a: answered by learner b after 2 days, never by staff
    assert n.loc["a", "days_to_first_learner_reply"] == 2.0
    assert n.loc["a", "days_to_first_staff_reply"] == math.inf
    # b: first post on day 2, answered by the instructor a day later, never by a learner
    assert n.loc["b", "days_to_first_staff_reply"] == 1.0
    assert n.loc["b", "days_to_first_learner_reply"] == math.inf
    assert n.loc["b", "days_to_first_reply"] == 1.0
    # t (the instructor) was never answered: kept, inf, watched for 5 days
    assert not n.loc["t", "answered"]
    assert n.loc["t", "days_to_first_reply"] == math.inf
    assert n.loc["t", "days_observed"] == 5.0
    assert n["answered"].tolist() == [True, True, False, True]
    # a median over everyone who posted counts the never answered
    assert n["days_to_first_reply"].median() == 3.0
    assert n["first_post_in_data"].all()


def test_answered_before_first_post_in_the_data_is_flagged():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a", "b"],
                "target": ["b", None],
                "action": ["reply", "post"],
                "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True),
            }
        )
    )
    n = newcomer_integration(ev)
    assert n.loc["b", "days_to_first_reply"] == -1.0
    assert not n.loc["b", "first_post_in_data"]
