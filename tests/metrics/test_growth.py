"""Growth of the network over time: hand-made timelines with known answers, and DLT2."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.community_evolution import match_step
from connectana.metrics.growth import (
    SNAPSHOT_METRICS,
    community_evolution,
    growth,
    newcomer_integration,
    person_growth,
    snapshot_edges,
)

# Three calendar weeks (Mon 2024-01-01 .. Sun 2024-01-21), five people, reply ties.
TIMELINE = [
    # actor, target, action, day (January 2024, 12:00 UTC)
    ("a", None, "post", 1),
    ("b", "a", "reply", 2),
    ("c", "a", "reply", 3),
    ("a", "b", "reply", 4),  # reciprocates b->a (lag 2 days)
    ("b", "b", "reply", 5),  # self-loop
    ("c", "b", "reply", 8),  # week 2: closes triangle a-b-c
    ("b", "a", "reply", 9),  # repeated tie
    ("d", "c", "reply", 10),
    ("e", None, "post", 11),  # e acts but never ties: an isolate
    ("c", "d", "reply", 16),  # week 3: reciprocates d->c (lag 6 days)
    ("a", "c", "reply", 17),  # reciprocates c->a (lag 14 days), closes a-b-c
    ("b", "a", "reply", 18),  # repeated tie
]
WEEKS = ["2024-01-01/2024-01-07", "2024-01-08/2024-01-14", "2024-01-15/2024-01-21"]


def make(rows) -> pd.DataFrame:
    actor, target, action, day = zip(*rows, strict=True)
    return ca.make_events(
        pd.DataFrame(
            {
                "event_id": [f"e{i}" for i in range(1, len(rows) + 1)],
                "actor": actor,
                "target": target,
                "action": action,
                "timestamp": pd.to_datetime([f"2024-01-{d:02d} 12:00" for d in day], utc=True),
            }
        )
    )


@pytest.fixture
def timeline() -> pd.DataFrame:
    return make(TIMELINE)


def max_modularity(edges: dict[tuple[str, str], float], nodes: list[str]) -> float:
    """Brute force over every partition (independent of Leiden)."""
    g = nx.Graph()
    g.add_nodes_from(nodes)
    for (u, v), w in edges.items():
        g.add_edge(u, v, weight=w)

    def partitions(items):
        if not items:
            yield []
            return
        first, rest = items[0], items[1:]
        for p in partitions(rest):
            for i in range(len(p)):
                yield p[:i] + [[first] + p[i]] + p[i + 1 :]
            yield [[first]] + p

    return max(nx.community.modularity(g, p, weight="weight") for p in partitions(nodes))


def test_cumulative_every_column(timeline):
    g = growth(timeline)
    assert [str(p) for p in g.index] == WEEKS
    assert g["start"].tolist() == [pd.Timestamp(f"2024-01-{d:02d}", tz="UTC") for d in (1, 8, 15)]
    assert g["end"].tolist() == [pd.Timestamp(f"2024-01-{d:02d}", tz="UTC") for d in (8, 15, 22)]
    expected = {
        "active": [3, 4, 3],
        "newcomers": [3, 2, 0],
        "returning": [0, 2, 3],
        "leaving": [0, 2, 3],
        "period_interactions": [3, 3, 3],
        "period_self_loops": [1, 0, 0],
        "new_ties": [3, 2, 2],
        "repeated_ties": [0, 1, 1],
        "newly_reciprocated": [1, 0, 2],
        "nodes": [3, 5, 5],
        "ties": [3, 5, 7],
        "weak_components": [1, 2, 2],
        "isolates": [0, 1, 1],
        "communities": [1, 2, 2],
    }
    for col, values in expected.items():
        assert g[col].tolist() == values, col
    close = {
        "median_reciprocation_days": [2.0, math.nan, 10.0],
        "triadic_closure": [0.0, 0.5, 0.5],
        "density": [3 / 6, 5 / 20, 7 / 20],
        "mean_degree": [2.0, 2.0, 2.8],
        "reciprocity": [2 / 3, 2 / 5, 6 / 7],
        "transitivity": [0.0, 0.6, 0.6],
        "largest_component_share": [1.0, 0.8, 0.8],
        # distinct ties in + out: (3,2,1) | (3,3,3,1,0) | (4,3,5,2,0), / 2(n-1)(n-2)
        "centralization_all": [3 / 4, 5 / 24, 11 / 24],
    }
    for col, values in close.items():
        np.testing.assert_allclose(g[col].to_numpy(dtype=float), values, err_msg=col)
    # modularity: Leiden finds the best partition of these tiny graphs (brute force)
    w2 = {("a", "b"): 3, ("a", "c"): 1, ("b", "c"): 1, ("c", "d"): 1}
    w3 = {("a", "b"): 4, ("a", "c"): 2, ("b", "c"): 1, ("c", "d"): 2}
    assert g["modularity"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert g["modularity"].iloc[1] == pytest.approx(max_modularity(w2, list("abcde")))
    assert g["modularity"].iloc[2] == pytest.approx(max_modularity(w3, list("abcde")))
    assert g.attrs["growth"]["window"] == "cumulative"


def test_metrics_subset(timeline):
    g = growth(timeline, metrics=["density", "transitivity", "weak_components"])
    snapshot_cols = [c for c in g.columns if c in SNAPSHOT_METRICS]
    assert snapshot_cols == ["density", "transitivity", "weak_components"]
    assert g["ties"].tolist() == [3, 5, 7]
    with pytest.raises(ValueError, match="unknown metrics"):
        growth(timeline, metrics=["diameter"])


def test_sliding_window(timeline):
    one = growth(
        timeline, window="sliding", periods=1, metrics=["density", "reciprocity", "isolates"]
    )
    assert one["nodes"].tolist() == [3, 5, 4]
    assert one["ties"].tolist() == [3, 3, 3]
    np.testing.assert_allclose(one["density"], [3 / 6, 3 / 20, 3 / 12])
    np.testing.assert_allclose(one["reciprocity"], [2 / 3, 0.0, 0.0])
    assert one["isolates"].tolist() == [0, 1, 0]
    # tie formation counts do not depend on the window
    assert one["new_ties"].tolist() == [3, 2, 2]
    two = snapshot_edges(timeline, window="sliding", periods=2)
    last = two[two["period"] == two["period"].iloc[-1]]
    got = {(s, t): w for s, t, w in last[["source", "target", "weight"]].itertuples(index=False)}
    assert got == {("c", "b"): 1, ("b", "a"): 2, ("d", "c"): 1, ("c", "d"): 1, ("a", "c"): 1}
    with pytest.raises(ValueError, match="periods"):
        growth(timeline, window="sliding")


def test_decay_window(timeline):
    e = snapshot_edges(timeline, window="decay", half_life=1, min_weight=0.5)
    weeks = [
        {(s, t): w for s, t, w in part[["source", "target", "weight"]].itertuples(index=False)}
        for _, part in e.groupby("period", sort=True)
    ]
    assert weeks[0] == {("b", "a"): 1, ("c", "a"): 1, ("a", "b"): 1}
    assert weeks[1] == pytest.approx(
        {("b", "a"): 1.5, ("c", "a"): 0.5, ("a", "b"): 0.5, ("c", "b"): 1, ("d", "c"): 1}
    )
    assert weeks[2] == pytest.approx(
        {("b", "a"): 1.75, ("c", "b"): 0.5, ("d", "c"): 0.5, ("c", "d"): 1, ("a", "c"): 1}
    )
    g = growth(timeline, window="decay", half_life=1, metrics=["isolates"])
    assert g["ties"].tolist() == [3, 5, 5]
    assert g["nodes"].tolist() == [3, 5, 5]
    with pytest.raises(ValueError, match="half_life"):
        growth(timeline, window="decay")


def test_course_weeks(timeline):
    g = growth(timeline, start="2023-12-28T00:00Z", metrics=[])
    assert g.index.tolist() == [1, 2, 3, 4]
    assert g["start"].iloc[0] == pd.Timestamp("2023-12-28", tz="UTC")
    assert g["end"].iloc[-1] == pd.Timestamp("2024-01-25", tz="UTC")
    assert g["period_interactions"].tolist() == [2, 4, 2, 1]
    assert g["period_self_loops"].tolist() == [0, 1, 0, 0]
    assert g["ties"].tolist() == [2, 5, 7, 7]
    # activity before the course start falls in week 0
    early = growth(timeline, start="2024-01-02T00:00Z", metrics=[])
    assert early.index.tolist() == [0, 1, 2, 3]
    assert early["active"].tolist() == [1, 3, 3, 3]  # a | b c a | b d e | c a b
    with pytest.raises(ValueError, match="time zone"):
        growth(timeline, start="2024-01-01")


def test_students_variant(timeline):
    people = ca.make_people(
        pd.DataFrame({"person": list("abcde"), "role": ["instructor"] + ["student"] * 4})
    )
    g = growth(timeline, people=people, roles="students", metrics=["density", "isolates"])
    # every roster person is a node of every snapshot
    assert g["nodes"].tolist() == [5, 5, 5]
    assert g["isolates"].tolist() == [2, 1, 1]
    assert g["students_nodes"].tolist() == [4, 4, 4]
    # among b, c, d, e: week 1 no tie; week 2 c->b, d->c; week 3 + c->d
    assert g["students_ties"].tolist() == [0, 2, 3]
    np.testing.assert_allclose(g["students_density"], [0, 2 / 12, 3 / 12])
    assert g["students_active"].tolist() == [2, 4, 2]
    assert g["students_newcomers"].tolist() == [2, 2, 0]
    # ties touching a: 3 of 3, 3 of 5, 4 of 7
    np.testing.assert_allclose(g["staff_tie_share"], [1.0, 3 / 5, 4 / 7])
    with pytest.raises(ValueError, match="needs roles"):
        growth(timeline, roles="students")


def test_person_growth(timeline):
    t = person_growth(
        timeline, measures=["degree", "in_degree", "ties", "in_ties", "out_ties", "strength"]
    )
    last = t[t["period"] == t["period"].iloc[-1]].set_index("person")
    # interactions: b->a x3, c->a, a->b, c->b, d->c, c->d, a->c
    assert last["degree"].to_dict() == {"a": 6, "b": 5, "c": 5, "d": 2, "e": 0}
    assert last["in_degree"].to_dict() == {"a": 4, "b": 2, "c": 2, "d": 1, "e": 0}
    assert last["ties"].to_dict() == {"a": 4, "b": 3, "c": 5, "d": 2, "e": 0}
    assert last["in_ties"].to_dict() == {"a": 2, "b": 2, "c": 2, "d": 1, "e": 0}
    assert last["out_ties"].to_dict() == {"a": 2, "b": 1, "c": 3, "d": 1, "e": 0}
    assert last["strength"].to_dict() == last["degree"].to_dict()
    first = t[t["period"] == t["period"].iloc[0]]
    assert sorted(first["person"]) == ["a", "b", "c"]
    # people present per period = growth's nodes
    assert t.groupby("period").size().tolist() == [3, 5, 5]


def test_newcomer_integration(timeline):
    n = newcomer_integration(timeline)
    assert list(n.index) == list("abcde")
    assert n["first_post"]["d"] == pd.Timestamp("2024-01-10 12:00", tz="UTC")
    assert n["first_reply_received"]["c"] == pd.Timestamp("2024-01-10 12:00", tz="UTC")
    assert n["first_reciprocated"]["c"] == pd.Timestamp("2024-01-16 12:00", tz="UTC")
    # e posted and was never answered: inf (censored, kept), not NaN
    np.testing.assert_allclose(n["days_to_first_reply"], [1, 2, 7, 6, np.inf])
    np.testing.assert_allclose(n["days_to_reciprocated"], [3, 2, 13, 6, np.nan])
    assert pd.isna(n["first_reply_received"]["e"])


def test_match_step_rules():
    prev = [
        (0, frozenset({1, 2, 3, 4})),
        (1, frozenset({5, 6, 7})),
        (2, frozenset({8, 9})),
        (3, frozenset({20, 21})),
    ]
    cur = [frozenset({5, 6, 7, 8, 9}), frozenset({1, 2}), frozenset({3, 4}), frozenset({10, 11})]
    labels, rows, nxt = match_step("p", prev, cur, 0.3, 4)
    # {5..9} keeps 1 (mutual best), {1, 2} keeps 0, {3, 4} and {10, 11} are new
    assert labels == [1, 0, 4, 5]
    assert nxt == 6
    got = [
        (r["event"], r["community"], r["before"], r["after"], r["size_before"], r["size_after"])
        for r in rows
    ]
    assert got == [
        ("split", 0, [0], [0, 4], 4, 4),
        ("death", 3, [3], [], 2, 0),
        ("merge", 1, [1, 2], [1], 5, 5),
        ("birth", 5, [], [5], 0, 2),
    ]
    assert rows[0]["jaccard"] == pytest.approx(0.5)
    assert rows[2]["jaccard"] == pytest.approx(0.6)
    # below the threshold nothing is linked
    labels, rows, _ = match_step("p", prev[:1], [frozenset({1, 9, 10, 11})], 0.3, 4)
    assert [r["event"] for r in rows] == ["death", "birth"]


def test_community_evolution():
    tri1 = [("a", "b"), ("b", "c"), ("c", "a")]
    tri2 = [("d", "e"), ("e", "f"), ("f", "d")]
    rows = [(s, t, "reply", 1) for s, t in tri1 + tri2]
    rows += [(s, t, "reply", 8) for s, t in tri1 + [("g", "a"), ("g", "b")] + tri2]
    rows += [(s, t, "reply", 15) for s, t in tri1]
    members, changes = community_evolution(make(rows), window="sliding", periods=1)
    got = [
        (str(p), e, c)
        for p, e, c in changes[["period", "event", "community"]].itertuples(index=False)
    ]
    assert got == [
        (WEEKS[0], "birth", 0),
        (WEEKS[0], "birth", 1),
        (WEEKS[1], "growth", 0),
        (WEEKS[1], "continuation", 1),
        (WEEKS[2], "contraction", 0),
        (WEEKS[2], "death", 1),
    ]
    np.testing.assert_allclose(changes["jaccard"].iloc[2:5], [0.75, 1.0, 0.75])
    week2 = members[members["period"].astype(str) == WEEKS[1]]
    assert dict(zip(week2["person"], week2["community"], strict=True)) == {
        "a": 0,
        "b": 0,
        "c": 0,
        "g": 0,
        "d": 1,
        "e": 1,
        "f": 1,
    }


def test_undirected_and_errors(timeline):
    g = growth(timeline, directed=False, metrics=["reciprocity", "density"])
    # pairs {a,b} {a,c} | + {b,c} {c,d} | c->d and a->c add no new pair
    assert g["ties"].tolist() == [2, 4, 4]
    assert g["new_ties"].tolist() == [2, 2, 0]
    np.testing.assert_allclose(g["density"], [2 / 3, 4 / 10, 4 / 10])
    assert g["reciprocity"].isna().all()
    assert g["newly_reciprocated"].isna().all()
    with pytest.raises(ValueError, match="one-mode"):
        growth(timeline, "bipartite")
    with pytest.raises(ValueError, match="window"):
        growth(timeline, window="rolling")


# -- DLT2 (real) ---------------------------------------------------------------------------------
@pytest.fixture
def dlt2(real_data) -> pd.DataFrame:
    return ca.read_events(real_data / "mooc_ed_dlt2" / "DLT2 Edgelist.csv", tz="UTC")


def test_dlt2_cumulative_matches_static(dlt2):
    g = growth(dlt2)
    net = ca.build_network(dlt2)
    assert len(g) == 15  # calendar weeks 2013-09-23 .. 2014-01-05
    assert (np.diff(g["ties"]) >= 0).all()
    assert (np.diff(g["nodes"]) >= 0).all()
    last = g.iloc[-1]
    assert last["nodes"] == net.n_nodes == 426
    assert last["ties"] == net.n_ties == 2062
    assert g["period_interactions"].sum() == net.n_interactions == 2559
    assert g["period_self_loops"].sum() == net.meta["self_loops"] == 25
    assert g["new_ties"].sum() == 2062
    assert g["newcomers"].sum() == g["leaving"].sum() == dlt2["actor"].nunique()
    ig_net = net.to_igraph()
    assert last["density"] == pytest.approx(ig_net.density())
    assert last["reciprocity"] == pytest.approx(ig_net.reciprocity())
    assert last["transitivity"] == pytest.approx(ig_net.transitivity_undirected())
    assert last["weak_components"] == len(ig_net.connected_components(mode="weak")) == 3
    # the same numbers as ca.summary on the static network
    s = ca.summary(net)
    assert last["isolates"] == s["isolates"] == 0
    assert last["largest_component_share"] == pytest.approx(s["largest_component_share"])
    assert last["centralization_all"] == pytest.approx(s["centralization_all"])
    # the last snapshot holds exactly the static network's ties and weights
    se = snapshot_edges(dlt2)
    snap = se[se["period"] == se["period"].iloc[-1]]
    got = {(s, t): w for s, t, w in snap[["source", "target", "weight"]].itertuples(index=False)}
    static = {
        (str(s), str(t)): float(w)
        for s, t, w in net.edges[["source", "target", "weight"]].itertuples(index=False)
    }
    assert got == static


def test_dlt2_person_growth(dlt2):
    t = person_growth(dlt2, measures=["degree", "ties", "in_degree"])
    last = t[t["period"] == t["period"].iloc[-1]]
    assert len(last) == 426
    assert last["ties"].sum() == 2 * 2062
    assert last["degree"].sum() == 2 * 2559
    # facilitator 302 receives the most replies (423), as in the static network
    in_degree = last.set_index("person")["in_degree"]
    assert in_degree.idxmax() == "302" and in_degree["302"] == 423


def test_dlt2_sliding_bounded_by_cumulative(dlt2):
    cum = growth(dlt2, metrics=["density"])
    sl = growth(dlt2, window="sliding", periods=2, metrics=["density"])
    assert (sl["ties"] <= cum["ties"]).all()
    assert sl["ties"].iloc[0] == cum["ties"].iloc[0] == 41
    assert sl["ties"].iloc[1] == cum["ties"].iloc[1] == 558


def test_public_name_and_decay_person_measures(timeline):
    assert ca.growth is growth
    t = person_growth(timeline, window="decay", half_life=1, measures=["degree", "ties"])
    last = t[t["period"] == t["period"].iloc[-1]].set_index("person")
    # week-3 decayed ties: b->a 1.75, c->b 0.5, d->c 0.5, c->d 1, a->c 1
    assert last["degree"].to_dict() == pytest.approx(
        {"a": 2.75, "b": 2.25, "c": 3.0, "d": 1.5, "e": 0.0}
    )
    assert last["ties"].to_dict() == {"a": 2, "b": 2, "c": 4, "d": 2, "e": 0}
