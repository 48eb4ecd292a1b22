"""Rich Jupyter display of result objects (``_repr_html_``)."""

from __future__ import annotations

import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.growth import community_evolution


@pytest.fixture(scope="module")
def course():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["t", "a", "b", "a", "c", "b"],
                "target": [None, "t", "a", "b", "a", "c"],
                "action": ["post", "reply", "reply", "reply", "reply", "reply"],
                "timestamp": pd.to_datetime(
                    [
                        "2024-01-01",
                        "2024-01-02",
                        "2024-01-03",
                        "2024-01-09",
                        "2024-01-10",
                        "2024-01-11",
                    ],
                    utc=True,
                ),  # fmt: skip
            }
        )
    )
    roster = pd.DataFrame(
        {"person": ["t", "a", "b", "c"], "role": ["instructor"] + ["student"] * 3}
    )
    return ev, ca.make_people(roster, person="person", role="role")


def test_staff_dependence_shows_tables(course):
    ev, people = course
    dep = ca.staff_dependence(ca.build_network(ev, people=people))
    html = dep._repr_html_()
    assert html.startswith("<div><b>StaffDependence</b>")
    assert html.count("<table") == 2 and "staff_interaction_share" in html
    # a→t is 1 of the 5 interactions: the share shown is the result's value
    assert dep.shares["staff_interaction_share"] == pytest.approx(0.2)
    assert "<td>0.2</td>" in html


def test_tie_comparison_shows_tables(course):
    ev, people = course
    cmp = ca.compare_ties(ev, ties=["reply", "star"], people=people)
    html = cmp._repr_html_()
    assert html.startswith("<div><b>TieComparison</b>") and "same quartile" in html
    assert html.count("<table") >= 3


def test_community_evolution_is_a_named_pair(course):
    ev, _ = course
    result = community_evolution(ev)
    membership, changes = result  # still unpacks
    assert result.membership is membership and result.changes is changes
    html = result._repr_html_()
    assert "CommunityEvolution" in html and "communities per period" in html
    assert set(changes["event"]) <= {"birth", "death", "split", "merge", "growth",
                                     "contraction", "continuation"}  # fmt: skip


def test_analysis_shows_its_key_numbers(course):
    ev, people = course
    a = ca.analyze(ev, people=people)
    html = a._repr_html_()
    assert "staff_interaction_share" in html and f"{a.staff_share:.3f}" in html
    assert a.staff_share == pytest.approx(0.2)
