"""convention="igraph" and convention="sna": hand-computed graphs and python-igraph.

The same definitions are checked against R itself in tests/r/ (when R is installed).
"""

from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd
import pytest

import connectana as ca

T0 = pd.Timestamp("2024-01-01", tz="UTC")


def net_of(pairs, *, people=None, weights=None, **options) -> ca.Network:
    """Network from (actor, target) interactions; ``weights`` repeats each pair that often."""
    if weights is not None:
        pairs = [p for p, w in zip(pairs, weights, strict=True) for _ in range(w)]
    src, dst = zip(*pairs, strict=True)
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": list(src),
                "target": list(dst),
                "timestamp": pd.date_range(T0, periods=len(src), freq="min"),
            }
        )
    )
    roster = None if people is None else ca.make_people(pd.DataFrame({"person": people}))
    return ca.build_network(ev, people=roster, **options)


# -- the three numbers the issue found different from R ------------------------------------
def test_closeness_is_one_over_the_sum_of_reachable_distances():
    net = net_of([("a", "b"), ("b", "c")], people=["a", "b", "c", "d"])
    out = ca.centrality(net, ["closeness"], convention="igraph")["closeness_igraph"]
    np.testing.assert_allclose(out.to_numpy(), [1 / 3, 1.0, np.nan, np.nan])
    into = ca.centrality(net, ["closeness"], convention="igraph", mode="in")["closeness_igraph"]
    np.testing.assert_allclose(into.to_numpy(), [np.nan, 1.0, 1 / 3, np.nan])
    both = ca.centrality(net, ["closeness"], convention="igraph", directed=False)
    np.testing.assert_allclose(both["closeness_igraph"].to_numpy(), [1 / 3, 1 / 2, 1 / 3, np.nan])
    # mode="all" on the directed computation is the same as directed=False
    same = ca.centrality(net, ["closeness"], convention="igraph", mode="all")
    np.testing.assert_allclose(same["closeness_igraph"], both["closeness_igraph"])
    # the default convention is Wasserman-Faust, different on purpose
    wf = ca.centrality(net, ["closeness"])["closeness"]
    np.testing.assert_allclose(wf.to_numpy(), [(2 / 3) * (2 / 3), 1 / 3, 0, 0])
    normed = ca.centrality(net, ["closeness"], convention="igraph", normalized=True)
    np.testing.assert_allclose(normed["closeness_igraph"].to_numpy(), [2 / 3, 1.0, np.nan, np.nan])


def test_coreness_counts_multi_edges_and_loops():
    pairs = [("a", "b")] * 3 + [("b", "c"), ("c", "c")]
    multi = net_of(pairs, multi=True, loops=True)
    core = ca.centrality(multi, ["coreness", "degree"], convention="igraph")
    # degrees: a 3, b 4, c 1 + 2 (its loop counts twice)
    assert core["degree_igraph"].tolist() == [3, 4, 3]
    # so every node has degree >= 3 in the whole graph: all are in the 3-core
    assert core["coreness_igraph"].tolist() == [3, 3, 3]
    # without the loop c has degree 1 and leaves first; a and b keep their 3 parallel edges
    no_loop = net_of(pairs[:-1], multi=True)
    core2 = ca.centrality(no_loop, ["coreness"], convention="igraph")
    assert core2["coreness_igraph"].tolist() == [3, 3, 1]
    assert ca.centrality(multi, ["coreness"])["coreness"].tolist() == [1, 1, 1]  # collapsed
    g = ig.Graph(n=3, edges=[(0, 1)] * 3 + [(1, 2), (2, 2)], directed=True)
    assert core["coreness_igraph"].tolist() == g.coreness(mode="all")


def test_undirected_betweenness_keeps_reciprocal_edges_apart():
    # a->b (1 interaction) and b->a (3); b->c 1; a->c 5. Weights are lengths here.
    net = net_of([("a", "b"), ("b", "a"), ("b", "c"), ("a", "c")], weights=[1, 3, 1, 5])
    b = ca.centrality(net, ["betweenness"], convention="igraph", directed=False)
    # a-c: direct 5, or a-b (the shorter of 1 and 3) + b-c 1 = 2: through b
    assert b["betweenness_igraph"].tolist() == [0.0, 1.0, 0.0]
    # connectana's default merges a-b into one tie of strength 4 (length 1/4), a-c has
    # length 1/5 and b-c length 1: a-c is direct, and b-c goes through a (1/4 + 1/5 < 1)
    default = ca.centrality(net, ["betweenness"], directed=False, normalized=False)
    assert default["betweenness"].tolist() == [1.0, 0.0, 0.0]
    # equal reciprocal lengths: two parallel shortest paths a-b, each counted
    net2 = net_of([("a", "b"), ("b", "a"), ("b", "c"), ("a", "d"), ("d", "c")])
    b2 = ca.centrality(net2, ["betweenness"], convention="igraph", directed=False, weight=None)
    # a-c: a=b-c twice (the two a-b edges), a-d-c once: b carries 2/3, d 1/3;
    # b-d: b=a-d twice, b-c-d once: a carries 2/3, c 1/3; other pairs are adjacent
    np.testing.assert_allclose(b2["betweenness_igraph"].to_numpy(), [2 / 3, 2 / 3, 1 / 3, 1 / 3])
    # collapsed (the default convention) each pair has two paths: 1/2 each
    one = ca.centrality(net2, ["betweenness"], directed=False, weight=None, normalized=False)
    np.testing.assert_allclose(one["betweenness"].to_numpy(), [0.5, 0.5, 0.5, 0.5])


def test_every_measure_is_python_igraphs_on_the_graph_as_built():
    rng = np.random.default_rng(4)
    people = [f"p{i}" for i in range(25)]
    pairs = [(people[a], people[b]) for a, b in rng.integers(0, 22, size=(90, 2))]
    net = net_of(pairs, people=people, multi=True, loops=True)
    simple = net_of(pairs, people=people)
    for nw, directed in [(net, True), (simple, True), (simple, False), (net, False)]:
        src, dst = nw.edge_codes()
        g = ig.Graph(n=nw.n_nodes, edges=list(zip(src, dst, strict=True)), directed=True)
        w = nw.edges["weight"].astype(float).tolist()
        if not directed:
            g.es["w"] = w
            g = g.as_undirected(mode="each")
            w = g.es["w"]
        c = ca.centrality(nw, convention="igraph", directed=directed)
        mode = "out" if directed else "all"
        expected = {
            "degree": g.degree(mode="all"),
            "strength": g.strength(mode="all", weights=w),
            "betweenness": g.betweenness(directed=directed, weights=w),
            "closeness": g.closeness(mode=mode, weights=w, normalized=False),
            "harmonic": g.harmonic_centrality(mode=mode, weights=w, normalized=False),
            "pagerank": g.pagerank(directed=directed, weights=w),
            "coreness": g.coreness(mode="all"),
            "constraint": g.constraint(weights=w),
            "clustering": g.transitivity_local_undirected(mode="nan"),
        }
        if directed:
            expected["in_degree"] = g.degree(mode="in")
            expected["out_strength"] = g.strength(mode="out", weights=w)
        for m, values in expected.items():
            np.testing.assert_allclose(
                c[f"{m}_igraph"].to_numpy(float), values, rtol=0, atol=1e-12, err_msg=m
            )
        assert c.attrs["convention"] == "igraph" and c.attrs["weight_as"] == "distance"
    s = ca.summary(net, convention="igraph")
    g = ig.Graph(n=net.n_nodes, edges=list(zip(*net.edge_codes(), strict=True)), directed=True)
    assert s["edges_igraph"] == 90 + 0 and s["nodes_igraph"] == 25
    assert s["density_igraph"] == pytest.approx(90 / (25 * 24))
    assert s["reciprocity_igraph"] == pytest.approx(g.reciprocity())
    assert s["diameter_igraph"] == g.diameter(unconn=True)
    assert s["mean_distance_igraph"] == pytest.approx(g.average_path_length(unconn=True))
    d = np.array(g.distances(), dtype=float)
    np.fill_diagonal(d, np.inf)
    assert s["global_efficiency_igraph"] == pytest.approx((1 / d).sum() / (25 * 24))


def test_igraph_convention_refuses_what_igraph_does_not_do():
    net = net_of([("a", "b"), ("b", "c")])
    with pytest.raises(ValueError, match="pivots"):
        ca.centrality(net, ["betweenness"], convention="igraph", pivots=2)
    with pytest.raises(ValueError, match="weight_as"):
        ca.centrality(net, ["betweenness"], convention="igraph", weight_as="strength")
    with pytest.raises(ValueError, match="unknown measure"):
        ca.centrality(net, ["ties"], convention="igraph")
    with pytest.raises(ValueError, match="convention"):
        ca.centrality(net, convention="R")
    with pytest.raises(ValueError, match="convention"):
        ca.summary(net, convention="networkx")
    # default convention unchanged
    assert ca.centrality(net, ["betweenness"]).attrs["weight_as"] == "strength"


def test_multi_network_is_the_interaction_multiset(real_data):
    folder = real_data / "mooc_ed_dlt2"
    ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
    multi = ca.build_network(ev, multi=True, loops=True)
    raw = pd.read_csv(folder / "DLT2 Edgelist.csv")
    theirs = (raw["Sender"].astype(str) + ">" + raw["Reciever"].astype(str)).value_counts()
    ours = (multi.edges["source"] + ">" + multi.edges["target"]).value_counts()
    assert ours.to_dict() == theirs.to_dict()
    assert len(multi.edges) == 2_584


# -- sna ------------------------------------------------------------------------------------
def test_sna_on_a_mutual_star():
    net = net_of([("a", x) for x in "bcd"] + [(x, "a") for x in "bcd"])
    s = ca.summary(net, convention="sna")
    assert s["density_sna"] == 0.5  # 6 / 12
    assert s["reciprocity_sna"] == 1.0  # 3 mutual + 3 null dyads, all symmetric
    assert s["centralization_degree_sna"] == 1.0  # (3 * (6 - 2)) / (3 * (2 * 3 - 2))
    # a: 6 ordered pairs, the others 0: (3 * 6) / ((n-1)^2 (n-2))
    assert s["centralization_betweenness_sna"] == pytest.approx(18 / 18)
    # closeness: a 3/3, the others 3/5; (3 * 0.4) / (3 * (1 - 1/4))
    assert s["centralization_closeness_sna"] == pytest.approx(1.2 / 2.25)
    u = ca.summary(net, convention="sna", directed=False)
    assert u["centralization_degree_sna"] == 1.0  # (3 * 2) / (3 * 2)
    assert u["centralization_betweenness_sna"] == 1.0  # (3 * 3) / ((n-1)^2 (n-2) / 2)
    assert u["centralization_closeness_sna"] == pytest.approx(1.2 / (2 * 3 / 5))


def test_sna_closeness_is_zero_for_nodes_that_do_not_reach_everyone():
    net = net_of([("a", "b"), ("b", "c")])
    s = ca.summary(net, convention="sna")
    # a reaches b and c: 2 / (1 + 2); b and c do not reach everyone: 0. (2 * 2/3) / (2 * 2/3)
    assert s["centralization_closeness_sna"] == pytest.approx(1.0)
    cycle = ca.summary(net_of([("a", "b"), ("b", "c"), ("c", "a")]), convention="sna")
    assert cycle["centralization_closeness_sna"] == 0.0  # everyone 2/3
    # dyads: a-b, b-c asymmetric, a-c null: (0 + 1) / 3
    assert s["reciprocity_sna"] == pytest.approx(1 / 3)
