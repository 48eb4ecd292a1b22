"""Whole-network summary: hand-made graphs, then networkx on DLT2 and CollegeMsg."""

from __future__ import annotations

import functools
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.structure import TRIAD_TYPES, ei_index, summary


def directed_net(
    pairs: list[tuple[str, str]], people: list[str] | None = None, **options
) -> ca.Network:
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": [a for a, _ in pairs],
                "target": [b for _, b in pairs],
                "timestamp": pd.date_range("2024-01-01", periods=len(pairs), freq="h", tz="UTC"),
            }
        )
    )
    roster = None if people is None else ca.make_people(pd.DataFrame({"person": people}))
    return ca.build_network(ev, people=roster, **options)


@functools.cache
def load_dlt2(root: Path) -> ca.Network:
    d = root / "mooc_ed_dlt2"
    ev = ca.read_events(d / "DLT2 Edgelist.csv", tz="UTC")
    people = ca.make_people(
        pd.read_csv(d / "DLT2 Nodes.csv"),
        person="uid",
        role="facilitator",
        role_map={1: "instructor", 0: "student"},
    )
    return ca.build_network(ev, people=people)


@functools.cache
def load_collegemsg(root: Path) -> ca.Network:
    ev = ca.read_events(
        root / "snap_collegemsg" / "CollegeMsg.txt",
        columns={"actor": "source", "target": "target", "timestamp": "weight"},
        unit="s",
    )
    return ca.build_network(ev)


def nx_digraph(net: ca.Network) -> nx.DiGraph:
    g = nx.DiGraph()
    for node, role in net.nodes["role"].items():
        g.add_node(node, role=None if pd.isna(role) else role)
    g.add_edges_from(zip(net.edges["source"], net.edges["target"], strict=True))
    return g


def triads(s: pd.Series) -> dict[str, int]:
    return {k: s[f"triad_{k}"] for k in TRIAD_TYPES if s[f"triad_{k}"]}


# -- hand-made graphs -----------------------------------------------------------------------------
def test_reciprocity_density_and_dyads_by_hand():
    # a <-> b (a->b twice), a -> c: 3 ties, 4 interactions, one mutual dyad
    s = summary(directed_net([("a", "b"), ("a", "b"), ("b", "a"), ("a", "c")]))
    assert s["nodes"] == 3 and s["ties"] == 3 and s["interactions"] == 4
    assert s["density"] == pytest.approx(3 / 6) and s["density_multi"] == pytest.approx(4 / 6)
    assert (s["mutual_dyads"], s["asymmetric_dyads"], s["null_dyads"]) == (1, 1, 1)
    assert s["reciprocity"] == pytest.approx(2 / 3)
    assert s["dyad_reciprocity"] == pytest.approx(1 / 2)
    # one triad with one mutual and one asymmetric dyad: 111D or 111U, as networkx says
    assert s["triad_111D"] + s["triad_111U"] == 1
    ref = nx.triadic_census(nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c")]))
    assert triads(s) == {k: v for k, v in ref.items() if v}


def test_triad_census_by_hand():
    assert triads(summary(directed_net([("a", "b"), ("b", "c"), ("a", "c")]))) == {"030T": 1}
    assert triads(summary(directed_net([("a", "b"), ("b", "c"), ("c", "a")]))) == {"030C": 1}
    full = [(x, y) for x in "abc" for y in "abc" if x != y]
    assert triads(summary(directed_net(full))) == {"300": 1}
    # a <-> b and an isolated c: one triad with a single mutual dyad
    assert triads(summary(directed_net([("a", "b"), ("b", "a")], people=["a", "b", "c"]))) == {
        "102": 1
    }
    # two out-ties from a: 021D ("Down": a points down to b and c)
    assert triads(summary(directed_net([("a", "b"), ("a", "c")]))) == {"021D": 1}


def test_components_isolates_and_centralization_by_hand():
    s = summary(directed_net([("a", "b"), ("c", "d")], people=list("abcde")))
    assert (s["weak_components"], s["strong_components"], s["isolates"]) == (3, 5, 1)
    assert s["largest_component_share"] == pytest.approx(2 / 5)
    # everyone answers the centre: in-centralisation 1, out 1/(n-1)^2, all 12/24
    star = summary(directed_net([(x, "hub") for x in "abcd"]))
    assert star["centralization_in"] == pytest.approx(1.0)
    assert star["centralization_out"] == pytest.approx(1 / 16)
    assert star["centralization_all"] == pytest.approx(0.5)
    und = summary(ca.Network.from_networkx(nx.star_graph(4)))
    assert und["centralization_all"] == pytest.approx(1.0)
    assert "centralization_in" not in und and "reciprocity" not in und


def test_distances_by_hand():
    s = summary(ca.Network.from_networkx(nx.path_graph(4)))  # 0 - 1 - 2 - 3
    assert s["diameter"] == 3
    assert s["mean_distance"] == pytest.approx((3 * 1 + 2 * 2 + 1 * 3) / 6)
    assert s["global_efficiency"] == pytest.approx((3 * 1 + 2 / 2 + 1 / 3) / 6)
    assert s["transitivity"] == 0 and s["weak_components"] == s["strong_components"] == 1
    # directed path a -> b -> c: only 3 of 6 ordered pairs are reachable
    d = summary(directed_net([("a", "b"), ("b", "c")]))
    assert d["diameter"] == 2 and d["mean_distance"] == pytest.approx(4 / 3)
    assert d["global_efficiency"] == pytest.approx((1 + 1 + 0.5) / 6)
    # distances=False leaves out exactly the three all-pairs measures, triads=False the census
    no_triads = summary(directed_net([("a", "b"), ("b", "c")]), triads=False)
    assert set(d.index) - set(no_triads.index) == {f"triad_{t}" for t in TRIAD_TYPES}
    without = summary(directed_net([("a", "b"), ("b", "c")]), distances=False)
    assert set(d.index) - set(without.index) == {"diameter", "mean_distance", "global_efficiency"}
    pd.testing.assert_series_equal(
        without, d.drop(["diameter", "mean_distance", "global_efficiency"])
    )


def test_self_loops_and_multi_edges_are_set_apart():
    pairs = [("a", "b"), ("a", "b"), ("b", "a"), ("b", "b"), ("c", "a")]
    base = summary(directed_net(pairs))
    looped = summary(directed_net(pairs, loops=True))
    multi = summary(directed_net(pairs, multi=True))
    assert base["self_loops"] == 1 and base["self_loops_kept"] == 0
    assert looped["self_loops"] == 1 and looped["self_loops_kept"] == 1
    assert looped["interactions"] == base["interactions"] + 1 == 5
    same = [k for k in base.index if k not in ("interactions", "self_loops_kept")]
    pd.testing.assert_series_equal(base[same], looped[same])
    pd.testing.assert_series_equal(base, multi)


def test_ei_index_and_attribute_assortativity_by_hand():
    # a -> b inside group x; a -> c and c -> b across: E = 2, I = 1
    net = directed_net([("a", "b"), ("a", "c"), ("c", "b")])
    groups = {"a": "x", "b": "x", "c": "y"}
    assert ei_index(net, groups) == pytest.approx((2 - 1) / 3)
    assert ei_index(net, {"a": "x", "b": "x", "c": "x"}) == -1
    assert np.isnan(ei_index(net, {"a": "x"}))  # no tie with both groups known
    net = net.replace(nodes=net.nodes.assign(group=pd.Series(groups)))
    s = summary(net, attribute=["group", "role"])
    assert s["ei_index_group"] == pytest.approx(1 / 3)
    assert np.isnan(s["ei_index_role"])  # no roles known
    g = nx.DiGraph([("a", "b"), ("a", "c"), ("c", "b")])
    nx.set_node_attributes(g, groups, "group")
    assert s["assortativity_group"] == pytest.approx(
        nx.attribute_assortativity_coefficient(g, "group")
    )


def test_summary_is_readable():
    s = summary(directed_net([("a", "b"), ("b", "a")]))
    text = s.to_string()
    assert "density" in text and "reciprocity" in text
    assert isinstance(s["nodes"], int) and s.attrs["directed"] is True


# -- real networks ------------------------------------------------------------------------------
def test_dlt2_summary_matches_networkx(real_data):
    net = load_dlt2(real_data)
    s = summary(net, attribute="role")
    g = nx_digraph(net)
    u = nx.Graph(g)
    assert (s["nodes"], s["ties"], s["interactions"], s["self_loops"]) == (492, 2062, 2559, 25)
    assert s["density"] == pytest.approx(nx.density(g))
    assert s["reciprocity"] == pytest.approx(nx.reciprocity(g))
    assert s["transitivity"] == pytest.approx(nx.transitivity(u))
    assert s["average_clustering"] == pytest.approx(nx.average_clustering(u))
    assert s["weak_components"] == nx.number_weakly_connected_components(g) == 69
    assert s["strong_components"] == nx.number_strongly_connected_components(g)
    assert s["isolates"] == nx.number_of_isolates(g) == 66
    big = max(nx.weakly_connected_components(g), key=len)
    assert s["largest_component_share"] == pytest.approx(len(big) / 492)
    assert triads(s) == {k: v for k, v in nx.triadic_census(g).items() if v}
    assert s["triad_300"] == 90
    assert s["assortativity_degree"] == pytest.approx(nx.degree_assortativity_coefficient(g))
    assert s["assortativity_role"] == pytest.approx(
        nx.attribute_assortativity_coefficient(g, "role")
    )
    # distances over reachable ordered pairs, and efficiency over all of them
    lengths = [d for _, row in nx.all_pairs_shortest_path_length(g) for d in row.values() if d > 0]
    assert s["diameter"] == max(lengths) == 8
    assert s["mean_distance"] == pytest.approx(np.mean(lengths))
    assert s["global_efficiency"] == pytest.approx(np.sum(1 / np.array(lengths)) / (492 * 491))
    assert summary(net, directed=False)["global_efficiency"] == pytest.approx(
        nx.global_efficiency(u)
    )
    # Freeman in-centralisation from networkx's degrees
    indeg = np.array([d for _, d in g.in_degree()])
    assert s["centralization_in"] == pytest.approx((indeg.max() - indeg).sum() / 491**2)
    # E-I index of roles, counted from the edges table
    role = net.nodes["role"]
    across = (role[net.edges["source"]].to_numpy() != role[net.edges["target"]].to_numpy()).sum()
    assert s["ei_index_role"] == pytest.approx((across - (2062 - across)) / 2062)


def test_collegemsg_summary_matches_networkx(real_data):
    net = load_collegemsg(real_data)
    s = summary(net)
    g = nx_digraph(net)
    assert (s["nodes"], s["ties"], s["interactions"]) == (1899, 20296, 59835)
    assert s["density"] == pytest.approx(nx.density(g))
    assert s["reciprocity"] == pytest.approx(nx.reciprocity(g))
    assert s["transitivity"] == pytest.approx(nx.transitivity(nx.Graph(g)))
    assert s["weak_components"] == nx.number_weakly_connected_components(g)
    assert s["strong_components"] == nx.number_strongly_connected_components(g)
    assert s["assortativity_degree"] == pytest.approx(nx.degree_assortativity_coefficient(g))
    # networkx's triad census takes ~9 s here (it is checked on DLT2): check the total
    assert sum(s[f"triad_{k}"] for k in TRIAD_TYPES) == 1899 * 1898 * 1897 // 6
    mutual = sum(1 for a, b in g.edges if g.has_edge(b, a)) // 2
    assert s["mutual_dyads"] == mutual


def test_network_without_ties():
    ev = ca.make_events(
        pd.DataFrame(
            {"actor": ["a"], "target": ["a"], "timestamp": pd.to_datetime(["2024-01-01"], utc=True)}
        )
    )
    net = ca.build_network(ev, people=ca.make_people(pd.DataFrame({"person": ["a", "b", "c"]})))
    s = summary(net)
    assert (s["ties"], s["self_loops"], s["isolates"], s["triad_003"], s["diameter"]) == (
        0,
        1,
        3,
        1,
        0,
    )
    assert s["density"] == 0 and s["global_efficiency"] == 0 and np.isnan(s["reciprocity"])
