"""Roles and patterns on hand-made forums whose answers are known by hand, and on DLT2."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.centrality import centrality
from connectana.metrics.roles import (
    PATTERN_THRESHOLDS,
    brokers,
    isolated_learners,
    network_pattern,
    staff_dependence,
)

T0 = pd.Timestamp("2024-01-01T00:00Z")


def events(pairs) -> pd.DataFrame:
    """pairs: (actor, target or None); one event per hour."""
    df = pd.DataFrame(pairs, columns=["actor", "target"])
    df["timestamp"] = T0 + pd.to_timedelta(range(len(df)), unit="h")
    return ca.make_events(df, platform="forum")


def roster(**roles) -> pd.DataFrame:
    return ca.make_people(pd.DataFrame({"person": list(roles), "role": list(roles.values())}))


# Facilitator-centric forum: instructor T; students a..e (e never posts).
# Ties: T->a, b->T, T->b, c->T, a->b; d posts but nobody answers and d answers nobody.
FAC_EVENTS = [
    ("a", None),
    ("T", "a"),
    ("b", "T"),
    ("T", "b"),
    ("c", "T"),
    ("a", "b"),
    ("d", None),
]
FAC_PEOPLE = dict(T="instructor", a="student", b="student", c="student", d="student", e="student")


@pytest.fixture
def fac_net():
    return ca.build_network(events(FAC_EVENTS), people=roster(**FAC_PEOPLE))


def test_isolated_learners_by_hand(fac_net):
    out = isolated_learners(fac_net)
    assert out.values.tolist() == [
        ["d", "student", "no ties", 1],
        ["e", "student", "no ties", 0],
        ["c", "student", "never answered", 1],
    ]
    # posts from the events: the same here (every event is a contribution)
    again = isolated_learners(fac_net, events(FAC_EVENTS))
    assert again["posts"].tolist() == [1, 0, 1]


def test_isolated_learners_posts_only_count_contributions():
    ev = events([("a", "b"), ("c", None)])
    ev["action"] = ev["action"].astype(object)
    ev.loc[1, "action"] = "view"  # c only read
    net = ca.build_network(ev)
    cols = ["person", "reason", "posts"]
    # without events: posts = events acted in (the view counts)
    assert isolated_learners(net)[cols].values.tolist() == [
        ["c", "no ties", 1],
        ["a", "never answered", 1],
    ]
    assert isolated_learners(net, ev)[cols].values.tolist() == [
        ["c", "no ties", 0],
        ["a", "never answered", 1],
    ]


def test_isolated_learners_undirected_reports_no_ties_only():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a", "b", "c"],
                "thread_id": ["t1", "t1", "t2"],
                "timestamp": T0 + pd.to_timedelta([0, 1, 2], unit="h"),
            }
        )
    )
    out = isolated_learners(ca.build_network(ev, "copresence"))
    assert out[["person", "reason", "posts"]].values.tolist() == [["c", "no ties", 1]]


def test_staff_dependence_by_hand(fac_net):
    sd = staff_dependence(fac_net)
    assert sd.staff == ["T"]
    # 5 distinct ties, 5 interactions: T sends 2, receives 2, touches 4
    assert sd.shares.to_dict() == {
        "staff_tie_share_sent": 0.4,
        "staff_tie_share_received": 0.4,
        "staff_tie_share": 0.8,
        "staff_interaction_share_sent": 0.4,
        "staff_interaction_share_received": 0.4,
        "staff_interaction_share": 0.8,
    }
    c = sd.comparison
    assert c["full"].to_dict() == pytest.approx(
        {
            "nodes": 6,
            "ties": 5,
            "interactions": 5,
            "weak_components": 3,  # {T,a,b,c}, {d}, {e}
            "largest_component_share": 4 / 6,
            "isolates": 2,
            "density": 5 / 30,
            "reciprocity": 2 / 5,  # T<->b
        }
    )
    assert c["without_staff"].to_dict() == pytest.approx(
        {
            "nodes": 5,
            "ties": 1,  # a->b
            "interactions": 1,
            "weak_components": 4,
            "largest_component_share": 2 / 5,
            "isolates": 3,
            "density": 1 / 20,
            "reciprocity": 0.0,
        }
    )
    assert c.loc["isolates", "change"] == 1


def test_staff_dependence_weights_and_undirected():
    # interactions differ from ties: T answers a three times
    ev = events([("T", "a"), ("T", "a"), ("T", "a"), ("a", "b")])
    sd = staff_dependence(ca.build_network(ev, people=roster(T="ta", a="student", b="student")))
    assert (
        sd.shares["staff_tie_share_sent"] == 0.5
        and sd.shares["staff_interaction_share_sent"] == 0.75
    )
    und = ca.build_network(ev, directed=False, people=roster(T="ta", a="student", b="student"))
    s = staff_dependence(und).shares
    assert math.isnan(s["staff_tie_share_sent"]) and s["staff_tie_share"] == 0.5
    assert s["staff_interaction_share"] == 0.75
    assert math.isnan(staff_dependence(und).comparison.loc["reciprocity", "full"])


def test_staff_dependence_warns_without_staff():
    with pytest.warns(UserWarning, match="no node has a staff role"):
        sd = staff_dependence(ca.build_network(events([("a", "b")])))
    # staff unknown: NaN, not a measured 0.0
    assert sd.staff == [] and sd.shares.isna().all()


def test_pattern_facilitator_centric(fac_net):
    p = network_pattern(fac_net)
    assert p["label"] == "facilitator-centric, with isolated learners"
    assert p["staff_interaction_share"] == 0.8 and p["staff_interaction_share_met"]
    # posters T,a,b,c,d; undirected ties T-a, T-b, T-c, a-b: degrees 3,2,2,1,0
    assert p["centralization_undirected_posters"] == pytest.approx(7 / 12)
    assert p["largest_component_share_posters"] == pytest.approx(4 / 5)
    # never answered or without ties: c (answered nobody... but was never answered), d, e
    assert p["isolated_share"] == pytest.approx(3 / 5)
    assert (p["posters"], p["learners"], p["isolated_learners"]) == (5, 5, 3)
    assert p["hub"] == "T" and p["hub_is_staff"] is True and p["staff_known"] is True
    for k, v in PATTERN_THRESHOLDS.items():
        assert p[f"{k}_threshold"] == v
    assert "facilitator-centric if staff_interaction_share >= 0.5" in p.attrs["rule"]


def test_pattern_distributed():
    # a 5-cycle of students plus one instructor message
    pairs = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "a"), ("T", "a")]
    people = roster(T="instructor", a="student", b="student", c="student", d="student", e="student")
    p = network_pattern(ca.build_network(events(pairs), people=people))
    assert p["label"] == "distributed"
    assert p["staff_interaction_share"] == pytest.approx(1 / 6)
    # undirected degrees a3, b..e 2, T1 on 6 posters: (0+1+1+1+1+2) / (5*4)
    assert p["centralization_undirected_posters"] == pytest.approx(6 / 20)
    assert p["largest_component_share_posters"] == 1.0 and p["isolated_share"] == 0.0
    assert not any(p[f"{k}_met"] for k in PATTERN_THRESHOLDS)


def test_pattern_fragmented_and_thresholds():
    net = ca.build_network(events([("a", "b"), ("c", "d"), ("e", "f")]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no staff: no warning leaks out of network_pattern
        p = network_pattern(net)
    # a, c and e were never answered: half the learners
    assert p["label"] == "fragmented, with isolated learners"
    assert p["isolated_share"] == 0.5
    assert p["largest_component_share_posters"] == pytest.approx(2 / 6)
    assert p["centralization_undirected_posters"] == 0.0 and math.isnan(
        p["staff_interaction_share"]
    )
    assert p["staff_known"] is False and p["hub_is_staff"] is None
    assert "Staff are unknown" in p.attrs["rule"]
    looser = network_pattern(net, thresholds={"largest_component_share_posters": 0.3})
    assert (
        looser["label"] == "distributed, with isolated learners"
        and looser["largest_component_share_posters_threshold"] == 0.3
    )
    with pytest.raises(ValueError, match="unknown threshold"):
        network_pattern(net, thresholds={"density": 0.1})


def test_pattern_no_activity():
    from connectana.events import empty_events

    net = ca.build_network(empty_events(), people=roster(a="student", b="student"))
    p = network_pattern(net)
    assert p["label"] == "no activity, with isolated learners"
    assert p["isolated_share"] == 1.0 and p["posters"] == 0


def two_triangles():
    pairs = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d")]
    return ca.build_network(events(pairs))


def test_brokers_by_hand():
    net = two_triangles()
    m = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1}
    t = brokers(net, m)
    # c and d tie two triangles, but P = 1 - ((2/3)^2 + (1/3)^2) = 4/9 <= 0.62: peripheral
    assert t.empty
    # a hub of three communities: x tied to one member of each -> P = 2/3: connector
    pairs = [("x", "a1"), ("x", "b1"), ("x", "c1"), ("a1", "a2"), ("b1", "b2"), ("c1", "c2")]
    pairs += [("a2", "a1"), ("b2", "b1")]
    star = ca.build_network(events(pairs))
    m = {"x": 0, "a1": 0, "a2": 0, "b1": 1, "b2": 1, "c1": 2, "c2": 2}
    b = brokers(star, m)
    assert b.index.tolist() == ["x"] and b["ga_role"].tolist() == ["connector"]
    assert b["participation"].tolist() == pytest.approx([2 / 3])
    # community 0: kappa x 1, a1 2, a2 1 -> mean 4/3, sd sqrt(2/9)
    assert b["within_module_z"].tolist() == pytest.approx([(1 - 4 / 3) / math.sqrt(2 / 9)])
    betw = centrality(star, ["betweenness"])["betweenness"]
    assert b["betweenness"].tolist() == pytest.approx([betw["x"]])
    assert math.isnan(b["seed_stability"].iloc[0])
    with pytest.raises(ValueError, match="no community"):
        brokers(net, {"a": 0})


def test_brokers_seed_stability():
    pairs = [("x", "a1"), ("x", "b1"), ("x", "c1"), ("a1", "a2"), ("b1", "b2"), ("c1", "c2")]
    pairs += [("a1", "a3"), ("a2", "a3"), ("b1", "b3"), ("b2", "b3"), ("c1", "c3"), ("c2", "c3")]
    b = brokers(ca.build_network(events(pairs)), seed=0, runs=4)
    # three triangles hung on x: Leiden finds them every time, and x is a connector each time
    assert b.index.tolist() == ["x"] and b["seed_stability"].tolist() == [1.0]


def dlt2(real_data):
    folder = real_data / "mooc_ed_dlt2"
    ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
    people = ca.make_people(
        pd.read_csv(folder / "DLT2 Nodes.csv"),
        person="uid",
        role="facilitator",
        role_map={1: "instructor", 0: "student"},
    )
    return folder, ev, people


def test_dlt2_staff_dependence_against_networkx(real_data):
    folder, ev, people = dlt2(real_data)
    net = ca.build_network(ev, people=people)
    sd = staff_dependence(net)
    assert sorted(sd.staff) == ["158", "302"]

    raw = pd.read_csv(folder / "DLT2 Edgelist.csv")
    raw = raw[raw.Sender != raw.Reciever]
    staff = {158, 302}
    g = nx.DiGraph()
    g.add_nodes_from(pd.read_csv(folder / "DLT2 Nodes.csv")["uid"])
    g.add_edges_from(zip(raw.Sender, raw.Reciever, strict=True))
    ties = list(g.edges())
    assert len(ties) == 2_062
    sent = sum(s in staff for s, _ in ties) / len(ties)
    received = sum(t in staff for _, t in ties) / len(ties)
    involving = sum(s in staff or t in staff for s, t in ties) / len(ties)
    rows_involving = (raw.Sender.isin(staff) | raw.Reciever.isin(staff)).mean()
    assert sd.shares["staff_tie_share_sent"] == pytest.approx(sent)
    assert sd.shares["staff_tie_share_received"] == pytest.approx(received)
    assert sd.shares["staff_tie_share"] == pytest.approx(involving)
    assert sd.shares["staff_interaction_share"] == pytest.approx(rows_involving)
    assert sd.shares["staff_tie_share"] == pytest.approx(467 / 2_062)  # 0.2265

    def figures(h: nx.DiGraph) -> dict:
        comps = list(nx.weakly_connected_components(h))
        return {
            "nodes": h.number_of_nodes(),
            "ties": h.number_of_edges(),
            "weak_components": len(comps),
            "largest_component_share": max(map(len, comps)) / h.number_of_nodes(),
            "isolates": nx.number_of_isolates(h),
            "density": nx.density(h),
            "reciprocity": nx.reciprocity(h),
        }

    without = g.copy()
    without.remove_nodes_from(staff)
    for column, h in (("full", g), ("without_staff", without)):
        expected = figures(h)
        got = sd.comparison[column].reindex(list(expected)).to_dict()
        assert got == pytest.approx(expected), column
    assert sd.comparison.loc["weak_components"].tolist()[:2] == [69, 116]
    assert sd.comparison.loc["isolates"].tolist()[:2] == [66, 107]

    isolated = isolated_learners(net, ev)
    no_ties = set(isolated.loc[isolated["reason"] == "no ties", "person"])
    assert no_ties == {str(x) for x in nx.isolates(g)} and len(no_ties) == 66
    never = isolated.loc[isolated["reason"] == "never answered", "person"]
    expected_never = {
        str(v) for v in g if v not in staff and g.in_degree(v) == 0 and g.out_degree(v) > 0
    }
    assert set(never) == expected_never and len(expected_never) == 77

    p = network_pattern(net)
    assert p["staff_interaction_share"] == pytest.approx(rows_involving)
    # learners without ties (66) or never answered (77)
    assert p["isolated_share"] == pytest.approx((66 + 77) / 490)
    assert p["hub"] in ("158", "302") and p["hub_is_staff"] is True
    assert p["label"].endswith(", with isolated learners")
    assert np.isfinite(p["centralization_undirected_posters"])


def test_dlt2_pattern_is_unstable_and_says_so(real_data):
    from connectana.metrics.roles import pattern_stability

    folder, ev, people = dlt2(real_data)
    r = pattern_stability(ev, people=people).set_index("variant")
    assert r.attrs["skipped"] == ["star"]  # reply-only export: no thread starters
    ref = r.loc["reply"]
    assert ref["label"] == "facilitator-centric, with isolated learners"
    # centralisation 0.507 sits just above 0.5: raising the thresholds by 0.05 flips the label
    assert ref["centralization_undirected_posters"] == pytest.approx(0.5075, abs=1e-4)
    assert r.loc["thresholds +0.05", "label"] == "distributed, with isolated learners"
    assert r.attrs["stable"] is False and r.attrs["label"].startswith("unstable: ")
    # without a roster nobody is known to be staff: no facilitator-centric label
    p = network_pattern(ca.build_network(ev))
    assert p["label"].startswith("centralised (staff unknown")
    assert math.isnan(p["staff_interaction_share"]) and p["hub"] == "302"
