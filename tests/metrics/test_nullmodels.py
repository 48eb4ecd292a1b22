"""Null models: determinism for a fixed seed, and known answers on built graphs."""

from __future__ import annotations

import math
import random

import igraph as ig
import pandas as pd
import pytest

import connectana as ca
from connectana.metrics.nullmodels import NULL_STATS, null_model_test
from connectana.metrics.structure import summary

T0 = pd.Timestamp("2024-01-01T00:00Z")


def network(pairs) -> ca.Network:
    df = pd.DataFrame(pairs, columns=["actor", "target"]).astype(str)
    df["timestamp"] = T0
    return ca.build_network(ca.make_events(df))


def reciprocal_ring(n: int = 20) -> ca.Network:
    """Each node tied to its next two neighbours on a ring, every tie answered."""
    pairs = []
    for i in range(n):
        for j in (1, 2):
            pairs += [(i, (i + j) % n), ((i + j) % n, i)]
    return network(pairs)


def test_same_seed_same_output():
    net = reciprocal_ring()
    for model in ("degree", "density"):
        a = null_model_test(net, model=model, n=30, seed=7)
        b = null_model_test(net, model=model, n=30, seed=7)
        pd.testing.assert_frame_equal(a, b)
        c = null_model_test(net, model=model, n=30, seed=8)
        assert not a["null_mean"].equals(c["null_mean"])
        assert a.attrs == {"model": model, "n": 30, "seed": 7}


def test_seed_does_not_leak_into_igraph():
    null_model_test(reciprocal_ring(), n=5, seed=1)
    # igraph's generator is Python's random module again: seeding it drives igraph
    random.seed(3)
    g1 = ig.Graph.Erdos_Renyi(10, m=15)
    random.seed(3)
    g2 = ig.Graph.Erdos_Renyi(10, m=15)
    assert g1.get_edgelist() == g2.get_edgelist()


@pytest.mark.parametrize("model", ["degree", "density"])
def test_reciprocal_graph_has_large_positive_z(model):
    net = reciprocal_ring()
    n = 50
    t = null_model_test(net, model=model, n=n, seed=0)
    assert t.index.tolist() == ["reciprocity", "transitivity", "modularity", "centralization"]
    r = t.loc["reciprocity"]
    assert r["observed"] == 1.0
    assert r["z"] > 5
    # no random graph reaches reciprocity 1: p takes its smallest value
    assert r["p"] == pytest.approx(1 / (n + 1))
    assert r["n"] == n and r["null_mean"] < 0.5


def test_observed_values_match_summary():
    pairs = [("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("a", "d"), ("d", "e")]
    net = network(pairs)
    t = null_model_test(
        net, n=5, stats=["reciprocity", "transitivity", "centralization_in", "centralization_out"]
    )
    s = summary(net)
    assert t.loc["reciprocity", "observed"] == pytest.approx(s["reciprocity"])  # 2 / 6
    assert t.loc["transitivity", "observed"] == pytest.approx(s["transitivity"])
    assert t.loc["centralization_in", "observed"] == pytest.approx(s["centralization_in"])
    assert t.loc["centralization_out", "observed"] == pytest.approx(s["centralization_out"])
    und = summary(net, directed=False)
    c = null_model_test(net, n=5, stats=["centralization"])
    assert c.loc["centralization", "observed"] == pytest.approx(und["centralization_all"])


def test_degree_preserving_keeps_star_centralisation():
    # a star: every node keeps its degree, so nothing can move: sd 0, z undefined, p = 1
    star = network([("hub", f"s{i}") for i in range(8)])
    t = null_model_test(star, model="degree", n=20, stats=["centralization", "centralization_out"])
    assert t.loc["centralization", "observed"] == 1.0
    assert t.loc["centralization", "null_sd"] == 0.0
    assert math.isnan(t.loc["centralization", "z"]) and t.loc["centralization", "p"] == 1.0
    dens = null_model_test(star, model="density", n=20, stats=["centralization"])
    assert dens.loc["centralization", "null_mean"] < 1.0 and dens.loc["centralization", "z"] > 0


def test_modularity_of_two_cliques_beats_density_null():
    pairs = [(a, b) for a in "abcde" for b in "abcde" if a != b]
    pairs += [(a, b) for a in "vwxyz" for b in "vwxyz" if a != b]
    pairs += [("e", "v")]
    t = null_model_test(network(pairs), model="density", n=30, stats=["modularity"])
    # two 5-cliques joined by one tie: Leiden finds them; Q = 1/2 - ... > 0.45
    assert t.loc["modularity", "observed"] > 0.45
    assert t.loc["modularity", "z"] > 3


def test_arguments_checked():
    net = reciprocal_ring(6)
    with pytest.raises(ValueError, match="model"):
        null_model_test(net, model="config")
    with pytest.raises(ValueError, match="unknown statistic"):
        null_model_test(net, stats=["diameter"])
    assert set(NULL_STATS) >= {"reciprocity", "transitivity", "modularity", "centralization"}
