"""Null models: determinism for a fixed seed, and known answers on built graphs."""

from __future__ import annotations

import math
import random

import igraph as ig
import numpy as np
import pandas as pd
import pytest
from scipy.stats import kstest
from statsmodels.stats.multitest import multipletests

import connectana as ca
from connectana.metrics.nullmodels import NULL_STATS, null_model_test, thread_candidates
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
        assert a.attrs == {
            "model": model,
            "n": 30,
            "seed": 7,
            "people": 20,
            "modularity_runs": 5,
        }


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
    assert t.index.tolist() == [
        "reciprocity",
        "transitivity",
        "modularity_binary",
        "centralization_undirected_posters",
    ]
    r = t.loc["reciprocity"]
    assert r["observed"] == 1.0
    assert r["z"] > 5
    # no random graph reaches reciprocity 1: p takes its smallest value
    assert r["p"] == pytest.approx(1 / (n + 1))
    assert r["n"] == n and r["null_mean"] < 0.5


def test_observed_values_match_summary():
    pairs = [("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("a", "d"), ("d", "e")]
    net = network(pairs)
    stats = [
        "reciprocity",
        "transitivity",
        "centralization_in_posters",
        "centralization_out_posters",
    ]
    t = null_model_test(net, n=5, stats=stats)
    s = summary(net)
    assert t.loc["reciprocity", "observed"] == pytest.approx(s["reciprocity"])  # 2 / 6
    assert t.loc["transitivity", "observed"] == pytest.approx(s["transitivity"])
    # every node posted: the posters' centralisations are summary's on the whole network
    for side in ("in", "out"):
        assert t.loc[f"centralization_{side}_posters", "observed"] == pytest.approx(
            s[f"centralization_{side}"]
        )
    und = summary(net, directed=False)
    c = null_model_test(net, n=5, stats=["centralization_undirected_posters"])
    assert c.loc["centralization_undirected_posters", "observed"] == pytest.approx(
        und["centralization_all"]
    )


def test_degree_preserving_keeps_star_centralisation():
    # a star: every node keeps its degree, so nothing can move: sd 0, z undefined, p = 1
    star = network([("hub", f"s{i}") for i in range(8)])
    t = null_model_test(
        star,
        model="degree",
        n=20,
        stats=["centralization_undirected_posters", "centralization_out_posters"],
    )
    assert t.loc["centralization_undirected_posters", "observed"] == 1.0
    assert t.loc["centralization_undirected_posters", "null_sd"] == 0.0
    assert (
        math.isnan(t.loc["centralization_undirected_posters", "z"])
        and t.loc["centralization_undirected_posters", "p"] == 1.0
    )
    dens = null_model_test(star, model="density", n=20, stats=["centralization_undirected_posters"])
    assert (
        dens.loc["centralization_undirected_posters", "null_mean"] < 1.0
        and dens.loc["centralization_undirected_posters", "z"] > 0
    )


def test_modularity_of_two_cliques_beats_density_null():
    pairs = [(a, b) for a in "abcde" for b in "abcde" if a != b]
    pairs += [(a, b) for a in "vwxyz" for b in "vwxyz" if a != b]
    pairs += [("e", "v")]
    t = null_model_test(network(pairs), model="density", n=30, stats=["modularity_binary"])
    # two 5-cliques joined by one tie: Leiden finds them; Q = 1/2 - ... > 0.45
    assert t.loc["modularity_binary", "observed"] > 0.45
    assert t.loc["modularity_binary", "z"] > 3


def test_arguments_checked():
    net = reciprocal_ring(6)
    with pytest.raises(ValueError, match="model"):
        null_model_test(net, model="config")
    with pytest.raises(ValueError, match="unknown statistic"):
        null_model_test(net, stats=["diameter"])
    # the first-round names computed on the posters are refused with their new names
    with pytest.raises(ValueError, match="centralization_in_posters"):
        null_model_test(net, stats=["centralization_in"])
    assert set(NULL_STATS) >= {
        "reciprocity",
        "transitivity",
        "modularity_binary",
        "centralization_undirected_posters",
    }


def thread_forum(
    seed: int, back: float = 0.0, threads: int = 30, size: tuple[int, int] = (6, 11), n: int = 25
) -> pd.DataFrame:
    """Replies whose targets are drawn among the people present in the thread.

    With ``back`` > 0, the person answered answers back at once with that
    probability: a planted reciprocity effect.
    """
    rng = np.random.default_rng(seed)
    people = [f"p{i}" for i in range(n)]
    rows = []
    clock = 0
    for k in range(threads):
        present = [people[rng.integers(n)]]  # the starter
        for _ in range(int(rng.integers(*size))):
            author = people[rng.integers(n)]
            cand = [p for p in present if p != author]
            if not cand:
                continue
            target = cand[rng.integers(len(cand))]
            pairs = [(author, target)]
            if rng.random() < back:
                pairs.append((target, author))
            for a, b in pairs:
                clock += 1
                rows.append((a, b, f"t{k}", T0 + pd.Timedelta(minutes=clock)))
            if author not in present:
                present.append(author)
    df = pd.DataFrame(rows, columns=["actor", "target", "thread_id", "timestamp"])
    return ca.make_events(df)


def test_thread_model_gives_uniform_p_values_under_its_null():
    ps = []
    for seed in range(20):
        ev = thread_forum(seed, threads=15)
        t = null_model_test(
            ca.build_network(ev), model="thread", events=ev, n=49, seed=seed, stats=["reciprocity"]
        )
        ps.append(t.loc["reciprocity", "p"])
    ps = np.array(ps)
    # p is discrete (multiples of 1/50): a KS test against U(0, 1) with a loose bound
    assert kstest(ps, "uniform").pvalue > 0.01
    assert (ps <= 0.05).mean() <= 0.2


def test_thread_model_recovers_planted_reciprocity():
    ev = thread_forum(1, back=0.3, threads=30, size=(8, 16), n=60)
    net = ca.build_network(ev)
    t = null_model_test(net, model="thread", events=ev, n=99, seed=0, stats=["reciprocity"])
    r = t.loc["reciprocity"]
    assert r["observed"] == pytest.approx(summary(net)["reciprocity"])
    # measured: observed 0.517 against a thread null of 0.225 (sd 0.024)
    assert r["z"] > 5 and r["p"] == pytest.approx(1 / 100)
    # the same forum without the effect: not significant
    calm = thread_forum(1, back=0.0, threads=30, size=(8, 16), n=60)
    c = null_model_test(
        ca.build_network(calm), model="thread", events=calm, n=99, seed=0, stats=["reciprocity"]
    )
    assert c.loc["reciprocity", "p"] > 0.05


def test_thread_model_needs_events_and_draws_only_present_people():
    ev = thread_forum(3, threads=5)
    with pytest.raises(ValueError, match="events"):
        null_model_test(ca.build_network(ev), model="thread", n=5)
    net = ca.build_network(ev)
    src, off, length, flat = thread_candidates(ev, net.nodes.index)
    assert len(src) == len(ev) and (length >= 1).all()
    names = net.nodes.index.astype(str)
    # every observed target is among its reply's candidates, the author never is
    for i, row in enumerate(ev.itertuples()):
        cands = set(names[flat[off[i] : off[i] + length[i]]])
        assert row.target in cands and row.actor not in cands


def test_holm_and_active_people_only():
    pairs = [("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("a", "d"), ("d", "e")]
    df = pd.DataFrame(pairs, columns=["actor", "target"]).astype(str)
    df["timestamp"] = T0
    roster = ca.make_people(pd.DataFrame({"person": list("abcdefgh")}))  # f, g, h never post
    net = ca.build_network(ca.make_events(df), people=roster)
    t = null_model_test(
        net, model="density", n=40, stats=["reciprocity", "centralization_undirected_posters"]
    )
    assert t.attrs["people"] == 5
    assert t.loc["centralization_undirected_posters", "observed"] == pytest.approx(
        null_model_test(network(pairs), n=5, stats=["centralization_undirected_posters"]).loc[
            "centralization_undirected_posters", "observed"
        ]
    )
    holm = multipletests(t["p"], method="holm")[1]
    assert t["p_holm"].tolist() == pytest.approx(list(holm))
    assert (t["p_holm"] >= t["p"]).all()


def test_observed_modularity_is_the_best_of_several_runs():
    ev = thread_forum(5)
    net = ca.build_network(ev)
    one = null_model_test(net, model="density", n=2, stats=["modularity_binary"], modularity_runs=1)
    five = null_model_test(
        net, model="density", n=2, stats=["modularity_binary"], modularity_runs=5
    )
    u = net.to_igraph().as_undirected(mode="collapse")
    u.simplify()
    from connectana.metrics.community import leiden_membership

    best = max(u.modularity(leiden_membership(u, weights=None, seed=s)) for s in range(5))
    assert five.loc["modularity_binary", "observed"] == pytest.approx(best)
    assert five.loc["modularity_binary", "observed"] >= one.loc["modularity_binary", "observed"]
