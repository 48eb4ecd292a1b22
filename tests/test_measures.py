"""The measure registry and the Network as an immutable value with memoised graphs."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.datasets import sample_path
from connectana.errors import InputError
from connectana.measures import (
    NETWORK_MEASURES,
    NODE_MEASURES,
    GraphView,
    count_graph_builds,
    measure,
    measure_table,
    network_values,
    node_values,
)


@pytest.fixture(scope="module")
def forum() -> pd.DataFrame:
    return ca.read_events(sample_path("forum_posts.csv"), format="table")


def _net(pairs, **options) -> ca.Network:
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": [a for a, _ in pairs],
                "target": [b for _, b in pairs],
                "timestamp": pd.date_range("2024-01-01", periods=len(pairs), freq="h", tz="UTC"),
            }
        )
    )
    return ca.build_network(ev, **options)


# -- the registry ------------------------------------------------------------------------------
def test_lookup_and_table():
    assert measure("betweenness").level == "node"
    assert measure("staff_tie_share").level == "network"
    with pytest.raises(InputError, match="level="):
        measure("ties")  # a node measure and a network measure
    assert measure("ties", level="node").definition.startswith("Distinct ties")
    with pytest.raises(InputError, match="unknown measure 'degre'"):
        measure("degre")
    t = measure_table()
    assert len(t) == len(NODE_MEASURES) + len(NETWORK_MEASURES)
    assert t["definition"].str.len().min() > 10


def test_network_values_by_hand():
    # a -> b, b -> a, a -> c, c -> d: 4 nodes, 4 ties, one mutual dyad
    view = _net([("a", "b"), ("b", "a"), ("a", "c"), ("c", "d")]).view(weight=None)
    v = network_values(
        view,
        ["nodes", "ties", "density", "reciprocity", "centralization_all", "mean_degree"],
    )
    assert v["nodes"] == 4 and v["ties"] == 4
    assert v["density"] == pytest.approx(4 / 12)
    assert v["reciprocity"] == pytest.approx(2 / 4)
    # distinct in + out ties: a 3, b 2, c 2, d 1 -> (0 + 1 + 1 + 2) / (2 * 3 * 2)
    assert v["centralization_all"] == pytest.approx(4 / 12)
    assert v["mean_degree"] == pytest.approx(2.0)
    staff = np.array([True, False, False, False])  # a
    s = network_values(view, ["staff_tie_share", "staff_tie_share_sent"], staff=staff)
    assert s["staff_tie_share"] == pytest.approx(3 / 4)
    assert s["staff_tie_share_sent"] == pytest.approx(2 / 4)
    posters = np.array([True, True, True, False])
    p = network_values(view, ["largest_component_share_posters"], posters=posters)
    assert p["largest_component_share_posters"] == 1.0


def test_node_values_match_igraph(forum):
    net = ca.build_network(forum)
    vals = node_values(net.view(), ["pagerank", "coreness", "in_ties"])
    g = ig.Graph(
        n=net.n_nodes, edges=list(zip(*net.edge_codes(), strict=True)), directed=net.directed
    )
    w = net.edges["weight"].astype(float).tolist()
    assert np.allclose(vals["pagerank"], g.pagerank(weights=w))
    assert np.array_equal(vals["coreness"], g.coreness(mode="all"))
    assert np.array_equal(vals["in_ties"], g.indegree())


def test_graphview_from_graph_reuses_a_simple_graph():
    g = ig.Graph([(0, 1), (1, 2)], directed=True)
    g.es["weight"] = [2.0, 3.0]
    view = GraphView.from_graph(g)
    assert view.graph is g
    assert network_values(view, ["ties"])["ties"] == 2
    assert node_values(view, ["strength"])["strength"].tolist() == [2, 5, 3]


# -- the Network as a value --------------------------------------------------------------------
def test_network_cannot_be_changed_in_place(forum):
    net = ca.build_network(forum)
    n_edges = net.to_igraph().ecount()
    with pytest.raises(AttributeError, match="replace"):
        net.edges = net.edges.iloc[:10]
    with pytest.raises(TypeError):
        net.meta["ties"] = "star"
    with pytest.raises(TypeError, match="read-only"):
        net.edges["weight"] = 0
    with pytest.raises(TypeError, match="read-only"):
        net.nodes.loc[net.nodes.index[0], "role"] = "instructor"
    edges = net.edges.copy()
    edges["weight"] = 0  # a copy is an ordinary DataFrame; the network keeps its weights
    assert net.edges["weight"].min() >= 1
    small = net.replace(edges=net.edges.iloc[:10])
    assert small.to_igraph().ecount() == 10 and net.to_igraph().ecount() == n_edges
    assert ca.summary(small)["ties"] <= 10 < ca.summary(net)["ties"]
    assert small.meta == net.meta and small is not net


def test_each_graph_is_built_once(forum):
    net = ca.build_network(forum)
    assert net.view() is net.view() and net.view(weight=None) is not net.view()
    with count_graph_builds() as first:
        ca.centrality(net)
        ca.summary(net)
        ca.staff_dependence(net.replace(nodes=net.nodes))  # another network: its own graphs
    with count_graph_builds() as again:
        ca.centrality(net)
        ca.summary(net)
        ca.null_model_test(net, n=1, stats=["reciprocity"])
    # weighted graph + its undirected collapse (local clustering); the binary graph
    # (summary: transitivity is read off the directed graph, no collapse); staff_dependence's
    # copy and its network without staff (no staff known here): 2 + 1 + 2
    assert first["builds"] == 5
    # the null model's observed values reuse the binary graph; its random graph is made by
    # igraph's generator (not counted) and reused as is
    assert again["builds"] == 0
