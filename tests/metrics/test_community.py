"""Communities: known modularity values, a planted partition, determinism, DLT2."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.community import (
    METHODS,
    communities,
    community_table,
    leiden_membership,
    modularity,
)


def directed_net(pairs: list[tuple[str, str]]) -> ca.Network:
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": [a for a, _ in pairs],
                "target": [b for _, b in pairs],
                "timestamp": pd.date_range("2024-01-01", periods=len(pairs), freq="h", tz="UTC"),
            }
        )
    )
    return ca.build_network(ev)


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


def planted() -> tuple[ca.Network, list[int]]:
    g = nx.planted_partition_graph(4, 25, 0.5, 0.02, seed=42)
    return ca.Network.from_networkx(g), [v // 25 for v in g]


def ari(a, b) -> float:
    return ig.compare_communities(list(a), list(b), method="adjusted_rand")


# -- known modularity values ---------------------------------------------------------------------
def test_karate_club_modularity():
    zachary = ca.Network.from_igraph(ig.Graph.Famous("Zachary"))
    c = communities(zachary)
    # the best known partition of the unweighted club has Q = 0.4198 (4 communities)
    assert c.attrs["modularity"] >= 0.41
    assert c.attrs["modularity"] == pytest.approx(0.41979, abs=1e-5)
    assert c.attrs["n_communities"] == 4
    karate = ca.Network.from_networkx(nx.karate_club_graph())
    club = karate.nodes["club"]
    # networkx's "club" attribute: Q = 0.3582 unweighted, as networkx computes it
    clubs = [
        {v for v, d in nx.karate_club_graph().nodes(data="club") if d == name}
        for name in ("Mr. Hi", "Officer")
    ]
    expected = nx.community.modularity(nx.karate_club_graph(), clubs, weight=None)
    assert (
        modularity(karate, club, weight=None)
        == pytest.approx(expected)
        == pytest.approx(0.35823, abs=1e-5)
    )
    # the two-faction split usually quoted (member 9, node 8, with the Officer): Q = 0.3715
    factions = club.copy()
    factions["8"] = "Officer"
    assert modularity(karate, factions, weight=None) == pytest.approx(0.37147, abs=1e-5)
    weighted = nx.community.modularity(nx.karate_club_graph(), clubs, weight="weight")
    assert modularity(karate, club) == pytest.approx(weighted)


def test_modularity_by_hand():
    # two triangles joined by one tie: Q = 2 * (3/7 - (7/14)^2) = 5/14
    net = directed_net(
        [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("a", "d")]
    )
    c = communities(net)
    assert c.tolist() == [0, 0, 0, 1, 1, 1]
    assert c.attrs["modularity"] == pytest.approx(5 / 14)
    # two disjoint 4-cliques: Q = 2 * (6/12 - (12/24)^2) = 0.5
    two = ca.Network.from_networkx(nx.disjoint_union(nx.complete_graph(4), nx.complete_graph(4)))
    assert communities(two).attrs["modularity"] == pytest.approx(0.5)
    assert modularity(two, [0] * 8) == pytest.approx(0.0)


@pytest.mark.parametrize("method", METHODS)
def test_planted_partition_recovered(method):
    net, truth = planted()
    c = communities(net, method)
    assert ari(c, truth) == 1.0
    assert c.attrs["n_communities"] == 4 and c.attrs["method"] == method
    assert c.attrs["modularity"] == pytest.approx(modularity(net, truth))


# -- determinism, labels, stability --------------------------------------------------------------
@pytest.mark.parametrize("method", ["leiden", "louvain", "infomap", "label_propagation"])
def test_same_seed_same_result(real_data, method):
    net = load_dlt2(real_data)
    a = communities(net, method, seed=7)
    b = communities(net, method, seed=7)
    pd.testing.assert_series_equal(a, b)
    assert a.attrs == b.attrs
    communities(net, method, seed=8)  # another seed may differ; it must run
    # labels 0..k-1 by decreasing size
    sizes = a.value_counts().sort_index()
    assert list(sizes.index) == list(range(a.attrs["n_communities"]))
    assert sizes.is_monotonic_decreasing


def test_igraph_random_generator_restored():
    g = ig.Graph.Famous("Zachary")
    leiden_membership(g, seed=3)
    random.seed(11)
    first = g.community_label_propagation().membership
    communities(ca.Network.from_igraph(g), seed=3)
    random.seed(11)
    assert g.community_label_propagation().membership == first


def test_leiden_membership_for_igraph_graphs():
    g = ig.Graph.Famous("Zachary")
    m = leiden_membership(g, seed=0)
    assert m == communities(ca.Network.from_igraph(g), seed=0).tolist()
    assert g.modularity(m) == pytest.approx(0.41979, abs=1e-5)
    # directed, weighted: merged into undirected ties with summed weights
    d = ig.Graph(n=4, edges=[(0, 1), (1, 0), (2, 3)], directed=True)
    d.es["weight"] = [1.0, 2.0, 5.0]
    assert leiden_membership(d) == [0, 0, 1, 1]
    assert leiden_membership(d, weights=None) == leiden_membership(d, weights="absent")


def test_runs_stability_and_consensus(real_data):
    net, truth = planted()
    c = communities(net, runs=4)
    st = c.attrs["stability"]
    assert st["nmi_mean"] == st["ari_min"] == 1.0 and st["modularity_std"] == 0
    assert st["consensus_converged"] and st["consensus_rounds"] == 0
    assert ari(c, truth) == 1.0
    dlt2 = load_dlt2(real_data)
    r = communities(dlt2, runs=5, seed=0)
    st = r.attrs["stability"]
    assert 0 < st["nmi_min"] <= st["nmi_mean"] < 1  # Leiden runs on DLT2 differ
    assert st["modularity_min"] <= st["modularity_mean"] <= st["modularity_max"]
    assert st["consensus_converged"]
    pd.testing.assert_series_equal(r, communities(dlt2, runs=5, seed=0))


def test_cpm_objective_fragments_forum_network(real_data):
    net = load_dlt2(real_data)
    default = communities(net)
    cpm = communities(net, objective="CPM")
    assert default.attrs["objective"] == "modularity" and cpm.attrs["objective"] == "CPM"
    assert cpm.attrs["n_communities"] > 300 > 100 > default.attrs["n_communities"]
    assert default.attrs["direction"] == "collapsed to undirected, weights summed"
    assert communities(net, "infomap").attrs["direction"].startswith("directed")


def test_bad_options_raise():
    net, _ = planted()
    with pytest.raises(ValueError, match="unknown method"):
        communities(net, "spinglass")
    with pytest.raises(ValueError, match="objective"):
        communities(net, objective="surprise")
    with pytest.raises(ValueError, match="membership has"):
        community_table(net, [0, 1])


# -- community table -----------------------------------------------------------------------------
def test_community_table_by_hand():
    net = directed_net([("a", "b"), ("b", "a"), ("a", "c"), ("c", "d"), ("c", "d")])
    nodes = net.nodes.copy()
    nodes.loc["c", "role"] = "instructor"
    net = net.replace(nodes=nodes)  # a Network is immutable
    t = community_table(net, {"a": 0, "b": 0, "c": 1, "d": 1})
    assert t["size"].tolist() == [2, 2]
    assert t["internal_ties"].tolist() == [2, 1]
    assert t["internal_density"].tolist() == [1.0, 0.5]
    assert t["ties_out"].tolist() == [1, 0] and t["ties_in"].tolist() == [0, 1]
    assert t["interactions_internal"].tolist() == [2, 2]
    assert t["instructors"].tolist() == [0, 1] and t.loc[1, "instructor_ids"] == ["c"]


def test_community_table_dlt2(real_data):
    net = load_dlt2(real_data)
    c = communities(net)
    t = community_table(net, c)
    assert t["size"].sum() == 492 and list(t.index) == list(range(c.attrs["n_communities"]))
    assert t["internal_ties"].sum() + t["ties_out"].sum() == 2062
    assert t["ties_in"].sum() == t["ties_out"].sum()
    assert sorted(i for ids in t["instructor_ids"] for i in ids) == ["158", "302"]
    assert t["instructors"].sum() == 2
    single = t[t["size"] == 1]
    assert single["internal_density"].isna().all()
    assert np.isclose(c.attrs["modularity"], modularity(net, c))


def test_network_without_ties():
    ev = ca.make_events(
        pd.DataFrame(
            {"actor": ["a"], "target": ["a"], "timestamp": pd.to_datetime(["2024-01-01"], utc=True)}
        )
    )
    net = ca.build_network(ev, people=ca.make_people(pd.DataFrame({"person": ["a", "b", "c"]})))
    c = communities(net, runs=3)
    assert c.tolist() == [0, 1, 2] and np.isnan(c.attrs["modularity"])
    assert c.attrs["stability"]["ari_mean"] == 1.0
    assert community_table(net, c)["internal_ties"].tolist() == [0, 0, 0]


# -- networkit engine ----------------------------------------------------------------------------
def test_networkit_engine_known_answers():
    pytest.importorskip("networkit")
    zachary = ca.Network.from_igraph(ig.Graph.Famous("Zachary"))
    c = communities(zachary, "louvain", engine="networkit")
    # PLM with refinement reaches the best known partition of the club: Q = 0.4198, 4 groups
    assert c.attrs["modularity"] == pytest.approx(0.41979, abs=1e-5)
    assert c.attrs["n_communities"] == 4
    assert c.attrs["engine"] == "networkit" and c.attrs["seed"] is None
    leiden = communities(zachary)
    assert ari(c, leiden) == 1.0
    # two triangles joined by one tie: Q = 5/14, computed independently
    net = directed_net(
        [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("a", "d")]
    )
    c = communities(net, "louvain", engine="networkit")
    assert c.tolist() == [0, 0, 0, 1, 1, 1]
    assert c.attrs["modularity"] == pytest.approx(5 / 14)
    planted_net, truth = planted()
    assert ari(communities(planted_net, "louvain", engine="networkit"), truth) == 1.0


def test_networkit_engine_weights_resolution_and_determinism(real_data):
    nk = pytest.importorskip("networkit")
    net = load_dlt2(real_data)
    threads = nk.getMaxNumberOfThreads()
    a = communities(net, "louvain", engine="networkit")
    b = communities(net, "louvain", engine="networkit", seed=99)
    pd.testing.assert_series_equal(a, b)  # deterministic: the seed plays no part
    assert nk.getMaxNumberOfThreads() == threads  # thread count restored
    # the modularity reported is that of the returned partition, weighted
    assert a.attrs["modularity"] == pytest.approx(modularity(net, a))
    # as good as igraph's Louvain on this forum network (within 1 %)
    assert a.attrs["modularity"] >= 0.99 * communities(net, "louvain").attrs["modularity"]
    # a higher resolution gives more, smaller communities
    finer = communities(net, "louvain", engine="networkit", resolution=2.0)
    assert finer.attrs["n_communities"] > a.attrs["n_communities"]
    unweighted = communities(net, "louvain", engine="networkit", weight=None)
    assert unweighted.attrs["modularity"] == pytest.approx(modularity(net, unweighted, weight=None))


def test_networkit_engine_bad_options():
    net, _ = planted()
    with pytest.raises(ValueError, match="unknown engine"):
        communities(net, engine="graph-tool")
    with pytest.raises(ValueError, match="does not run method 'leiden'"):
        communities(net, "leiden", engine="networkit")
    with pytest.raises(ValueError, match="deterministic"):
        communities(net, "louvain", engine="networkit", runs=3)


# -- Leiden's stopping rule ----------------------------------------------------------------
def _ba_network(n: int = 600, seed: int = 5) -> ca.Network:
    import igraph as ig

    random_state = __import__("random").Random(seed)
    ig.set_random_number_generator(random_state)
    try:
        g = ig.Graph.Barabasi(n, 2)
    finally:
        ig.set_random_number_generator(__import__("random"))
    return ca.Network.from_igraph(g)


def test_leiden_until_stable_is_igraphs_n_iterations_minus_one():
    import igraph as ig

    from connectana.metrics.community import seeded

    net = _ba_network()
    c = ca.communities(net, seed=3, tolerance=None, weight=None)
    g = net.to_igraph().as_undirected()
    with seeded(3):
        ref = g.community_leiden(objective_function="modularity", n_iterations=-1)
    assert c.attrs["modularity"] == pytest.approx(g.modularity(ref.membership), abs=1e-12)
    assert ig.compare_communities(c.tolist(), ref.membership, method="nmi") == pytest.approx(1)
    # the iterations recorded are the ones igraph runs: n_iterations=k gives the same partition
    (k,) = c.attrs["iterations"]
    with seeded(3):
        same = g.community_leiden(objective_function="modularity", n_iterations=k)
    assert ig.compare_communities(same.membership, ref.membership, method="nmi") == pytest.approx(1)
    assert c.attrs["tolerance"] is None


def test_leiden_tolerance_stops_early_at_nearly_the_same_modularity():
    from connectana.metrics.community import seeded

    net = _ba_network()
    stable = ca.communities(net, seed=0, tolerance=None, weight=None)
    fast = ca.communities(net, seed=0, weight=None)  # default tolerance 1e-3
    assert fast.attrs["tolerance"] == 1e-3
    (k_fast,), (k_stable,) = fast.attrs["iterations"], stable.attrs["iterations"]
    assert 2 <= k_fast < k_stable
    # stopped because the last iteration gained less than the tolerance: k_fast iterations
    # and k_fast - 1 give modularities less than 1e-3 apart, and k_fast - 1 and k_fast - 2 not
    g = net.to_igraph().as_undirected()

    def q(k: int) -> float:
        with seeded(0):
            part = g.community_leiden(objective_function="modularity", n_iterations=k)
        return g.modularity(part.membership)

    assert q(k_fast) == pytest.approx(fast.attrs["modularity"], abs=1e-12)
    assert q(k_fast) - q(k_fast - 1) < 1e-3
    if k_fast > 2:
        assert q(k_fast - 1) - q(k_fast - 2) >= 1e-3
    assert fast.attrs["modularity"] >= stable.attrs["modularity"] - 0.01
    with pytest.raises(ValueError, match="tolerance"):
        ca.communities(net, tolerance=-1)
