"""Figures: they draw what they are given, deterministically, with pseudonymised labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import connectana as ca  # noqa: E402
from connectana import plotting as pl  # noqa: E402
from connectana.privacy import pseudonym_map  # noqa: E402

T0 = pd.Timestamp("2024-01-01T00:00Z")


@pytest.fixture
def net():
    rows = [
        ("alice", "bob"),
        ("bob", "alice"),
        ("carol", "alice"),
        ("dave", "alice"),
        ("carol", "dave"),
    ]
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": [a for a, _ in rows],
                "target": [b for _, b in rows],
                "timestamp": [T0 + pd.Timedelta(days=i) for i in range(len(rows))],
            }
        )
    )
    people = ca.make_people(
        pd.DataFrame(
            {
                "person": ["alice", "bob", "carol", "dave", "erin"],
                "role": ["instructor", "student", "student", "ta", "student"],
                "display_name": ["Alice A", "Bob B", "Carol C", "Dave D", "Erin E"],
            }
        )
    )
    return ca.build_network(ev, people=people)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_sociogram_draws_every_node_with_role_markers_and_pseudonyms(net):
    ax = pl.sociogram(net, key=b"k", top_labels=5)
    n_points = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_sizes"))
    assert n_points == 5 + 0  # five nodes (the line collection has no offsets)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["instructor", "student", "ta"]
    expected = pseudonym_map(list(net.nodes.index), key=b"k", prefix="S-", length=4)
    assert set(_texts(ax)) <= set(expected.values())
    assert not {"alice", "Alice A", "bob"} & set(_texts(ax))
    plt.close("all")


def test_sociogram_names_only_when_asked(net):
    ax = pl.sociogram(net, labels="names", top_labels=2)
    assert set(_texts(ax)) <= {"Alice A", "Bob B", "Carol C", "Dave D", "Erin E"}
    assert "Alice A" in _texts(ax)  # the largest node by degree
    plt.close("all")


def test_layout_is_deterministic_and_isolates_ring(net):
    a = pl.network_layout(net, seed=3)
    b = pl.network_layout(net, seed=3)
    np.testing.assert_array_equal(a, b)
    erin = list(net.nodes.index).index("erin")
    assert np.hypot(*a[erin]) == pytest.approx(1.25)
    assert (np.hypot(a[:, 0], a[:, 1]) <= 1.15 + 1e-9).sum() == 4


def test_community_colours_need_membership(net):
    with pytest.raises(ValueError, match="membership"):
        pl.sociogram(net, color="community", key=b"k")
    membership = pd.Series([0, 0, 1, 1, 2], index=net.nodes.index)
    ax = pl.sociogram(net, color="community", membership=membership, key=b"k")
    colours = {tuple(c) for coll in ax.collections[1:] for c in coll.get_facecolors()}
    assert len(colours) == 3  # two communities and the grey singleton
    plt.close("all")


def test_growth_small_multiples():
    growth = pd.DataFrame(
        {"nodes": [2, 4, 5], "ties": [1, 3, 6], "density": [0.5, 0.25, 0.3]},
        index=pd.Index(["w1", "w2", "w3"], name="period"),
    )
    axes = pl.plot_growth(growth)
    assert [a.get_title() for a in axes] == ["nodes", "ties", "density"]
    np.testing.assert_array_equal(axes[1].lines[0].get_ydata(), [1, 3, 6])
    plt.close("all")


def test_engagement_heatmap_orders_people_by_total():
    table = pd.DataFrame(
        {
            "person": ["a", "a", "b", "b", "c"],
            "period": [1, 2, 1, 2, 2],
            "replies_given": [1, 0, 3, 4, 2],
        }
    )
    ax = pl.plot_engagement_heatmap(table, "replies_given", labels=None)
    data = ax.images[0].get_array()
    np.testing.assert_array_equal(np.asarray(data), [[3, 4], [0, 2], [1, 0]])
    plt.close("all")


def test_community_evolution_alluvial():
    m = pd.DataFrame(
        {
            "period": [1, 1, 1, 1, 2, 2, 2, 2],
            "node": list("abcd") * 2,
            "community": [0, 0, 1, 1, 0, 0, 0, 1],
        }
    )
    ax = pl.plot_community_evolution(m)
    rects = [p for p in ax.patches if type(p).__name__ == "Rectangle"]
    flows = [p for p in ax.patches if type(p).__name__ == "PathPatch"]
    assert sorted(r.get_height() for r in rects) == [1, 2, 2, 3]
    assert len(flows) == 3  # 0->0 (a, b), 1->0 (c), 1->1 (d)
    plt.close("all")


def test_community_evolution_colours_the_largest_distinctly():
    # 12 communities of sizes 13, 12, ..., 2 in one period, the same in the next
    rows = [(p, f"n{c}_{i}", c) for p in (1, 2) for c in range(12) for i in range(13 - c)]
    m = pd.DataFrame(rows, columns=["period", "node", "community"])
    ax = pl.plot_community_evolution(m, top=8)
    rects = [p for p in ax.patches if type(p).__name__ == "Rectangle"]
    colours = {tuple(r.get_facecolor()) for r in rects}
    assert len(rects) == 2 * 9  # eight named communities and "other" in each period
    assert len(colours) == 9  # all distinct
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "community 0 (26 member-periods)" and labels[-1] == "other communities"
    heights = sorted({r.get_height() for r in rects})
    assert heights[-1] == 2 + 3 + 4 + 5 and 13 in heights  # the four smallest pooled
    plt.close("all")


def test_staff_removal_side_by_side(net):
    students = net.nodes.index[net.nodes["role"] == "student"]
    axes = pl.plot_staff_removal(net, net.subgraph(students))
    assert axes[0].get_title().startswith("With staff: 5 ties")
    assert axes[1].get_title().startswith("Without staff: 0 ties")
    plt.close("all")


def test_centrality_distribution_by_role(net):
    c = pd.DataFrame({"degree": [3, 1, 2, 2, 0]}, index=net.nodes.index)
    ax = pl.plot_centrality_distribution(c, "degree", by=net.nodes["role"], bins=3)
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == [
        "instructor (n=1)",
        "student (n=3)",
        "ta (n=1)",
    ]
    plt.close("all")


def test_object_nodes_of_two_mode_networks_show_their_kind():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["alice", "bob", "bob"],
                "thread_id": ["t1", "t1", "t2"],
                "timestamp": [T0] * 3,
            }
        )
    )
    ax = pl.sociogram(ca.build_network(ev, "bipartite"), key=b"k")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["thread", "unknown"]
    plt.close("all")


def test_strongest_ties_are_drawn_above_the_limit(net):
    """Above max_ties only the strongest ties are drawn, and the title says so."""
    assert pl.strongest_ties(np.array([1.0, 5.0, 2.0, 5.0, 3.0]), 3).tolist() == [1, 3, 4]
    assert pl.strongest_ties(np.array([1.0, 2.0]), 5).tolist() == [0, 1]
    ax = pl.sociogram(net, key=b"k", max_ties=2)
    (lines,) = [c for c in ax.collections if type(c).__name__ == "LineCollection"]
    assert len(lines.get_segments()) == 2
    assert "strongest 2 of 5 ties drawn" in ax.get_title()
    full = pl.sociogram(net, key=b"k")
    (lines,) = [c for c in full.collections if type(c).__name__ == "LineCollection"]
    assert len(lines.get_segments()) == 5 and "drawn" not in full.get_title()
    plt.close("all")


def test_subgraph_edge_codes_are_the_kept_edges(net):
    """Network.subgraph hands its edge codes over; they equal what the subgraph computes."""
    sub = net.subgraph(["alice", "carol", "dave"])
    src, dst = sub.edge_codes()
    fresh = sub.replace()  # a new network: computes its own codes
    assert np.array_equal(src, fresh.edge_codes()[0]) and np.array_equal(dst, fresh.edge_codes()[1])
    names = sub.nodes.index.to_numpy()
    pairs = sorted(zip(names[src], names[dst], strict=True))
    assert pairs == [("carol", "alice"), ("carol", "dave"), ("dave", "alice")]
