"""Tie definitions and the Network, on hand-built forums whose answers are known by hand."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

import connectana as ca

T0 = pd.Timestamp("2024-01-01T00:00Z")


def forum(rows, **kw) -> pd.DataFrame:
    """rows: (post_id, parent_id, thread_id, author, hour)."""
    df = pd.DataFrame(rows, columns=["object_id", "parent_id", "thread_id", "actor", "hour"])
    df["timestamp"] = T0 + pd.to_timedelta(df.pop("hour"), unit="h")
    return ca.make_events(df, platform="forum", **kw)


# Thread T1: p1 a (starts), p2 b -> p1, p3 c -> p1, p4 a -> p2, p5 b -> p4
# Thread T2: p6 c (starts), p7 a -> p6, p8 d -> p7
FORUM = [
    ("p1", None, "T1", "a", 1),
    ("p2", "p1", "T1", "b", 2),
    ("p3", "p1", "T1", "c", 3),
    ("p4", "p2", "T1", "a", 4),
    ("p5", "p4", "T1", "b", 5),
    ("p6", None, "T2", "c", 6),
    ("p7", "p6", "T2", "a", 7),
    ("p8", "p7", "T2", "d", 8),
]


def edge_dict(net, col="weight"):
    return {
        (s, t): int(w) for s, t, w in net.edges[["source", "target", col]].itertuples(index=False)
    }


def test_reply_ties():
    net = ca.build_network(forum(FORUM), "reply")
    assert edge_dict(net) == {
        ("a", "b"): 1,
        ("a", "c"): 1,
        ("b", "a"): 2,
        ("c", "a"): 1,
        ("d", "a"): 1,
    }
    assert net.directed and net.meta["self_loops"] == 0
    assert set(net.edges["n_explicit"]) == {1, 2} and set(net.edges["n_inferred"]) == {0}


def test_star_ties_and_explicitness():
    net = ca.build_network(forum(FORUM), "star")
    assert edge_dict(net) == {("b", "a"): 2, ("c", "a"): 1, ("a", "c"): 1, ("d", "c"): 1}
    # p4 (a in a's own thread) is a self-tie
    assert net.meta["self_loops"] == 1
    # d answered a, not the starter c: that star tie is inferred
    assert edge_dict(net, "n_inferred") == {
        ("b", "a"): 0,
        ("c", "a"): 0,
        ("a", "c"): 0,
        ("d", "c"): 1,
    }


def test_reply_plus_star_counts_each_event_once_per_person():
    net = ca.build_network(forum(FORUM), "reply+star")
    assert edge_dict(net) == {
        ("b", "a"): 2,
        ("c", "a"): 1,
        ("a", "b"): 1,
        ("a", "c"): 1,
        ("d", "a"): 1,
        ("d", "c"): 1,
    }
    assert edge_dict(net, "n_reply") == {
        k: v for k, v in edge_dict(net).items() if k != ("d", "c")
    } | {("d", "c"): 0}
    assert net.meta["self_loops"] == 1


def test_limited_copresence_k2():
    net = ca.build_network(forum(FORUM), "limited_copresence", k=2)
    assert edge_dict(net) == {
        ("b", "a"): 2,
        ("c", "b"): 1,
        ("c", "a"): 1,
        ("a", "c"): 2,
        ("a", "b"): 1,
        ("b", "c"): 1,
        ("d", "a"): 1,
        ("d", "c"): 1,
    }
    assert net.meta["k"] == 2


def test_copresence_is_undirected_with_one_interaction_per_shared_thread():
    net = ca.build_network(forum(FORUM), "copresence")
    assert not net.directed
    assert edge_dict(net) == {
        ("a", "b"): 1,
        ("a", "c"): 2,
        ("b", "c"): 1,
        ("a", "d"): 1,
        ("c", "d"): 1,
    }
    first = dict(
        zip(zip(net.edges.source, net.edges.target, strict=True), net.edges["first"], strict=True)
    )
    # a and c first shared T1 when c arrived (hour 3)
    assert first[("a", "c")] == T0 + pd.Timedelta(hours=3)
    with pytest.raises(ValueError, match="undirected"):
        ca.build_network(forum(FORUM), "copresence", directed=True)


def test_bipartite_and_projection_equal_copresence():
    ev = forum(FORUM)
    bi = ca.build_network(ev, "bipartite")
    assert edge_dict(bi) == {
        ("a", "thread:T1"): 2,
        ("b", "thread:T1"): 2,
        ("c", "thread:T1"): 1,
        ("a", "thread:T2"): 1,
        ("c", "thread:T2"): 1,
        ("d", "thread:T2"): 1,
    }
    assert bi.nodes["kind"].value_counts().to_dict() == {"person": 4, "thread": 2}
    proj = ca.project(bi)
    assert edge_dict(proj) == edge_dict(ca.build_network(ev, "copresence"))


def test_mention_ties():
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a", "b", "a"],
                "target": ["b", "c", "c"],
                "action": ["mention", "reply", "mention"],
                "timestamp": [T0, T0, T0],
            }
        )
    )
    assert edge_dict(ca.build_network(ev, "mention")) == {("a", "b"): 1, ("a", "c"): 1}


def test_reply_fallback_to_starter_is_marked_inferred():
    rows = FORUM + [("p9", None, "T2", "b", 9)]
    ev = forum(rows)
    ev.loc[ev["object_id"] == "p9", "action"] = "reply"  # a flat reply: no parent
    plain = ca.build_network(ev, "reply")
    assert plain.meta["unresolved_replies"] == 1
    fb = ca.build_network(ev, "reply", fallback="star")
    assert edge_dict(fb, "n_inferred")[("b", "c")] == 1
    assert fb.meta["fallback_ties"] == 1


def test_multi_keeps_one_edge_per_interaction_and_loops_option():
    ev = forum(FORUM)
    multi = ca.build_network(ev, "reply", multi=True)
    assert len(multi.edges) == 6 and set(multi.edges["weight"]) == {1}
    assert multi.n_ties == 5 and multi.n_interactions == 6
    loops = ca.build_network(ev, "star", loops=True)
    assert edge_dict(loops)[("a", "a")] == 1


def test_undirected_reply_sums_both_directions():
    net = ca.build_network(forum(FORUM), "reply", directed=False)
    assert edge_dict(net) == {("a", "b"): 3, ("a", "c"): 2, ("a", "d"): 1}


def test_time_window_and_exclusion():
    ev = forum(FORUM)
    net = ca.build_network(ev, start="2024-01-01T03:00Z", end="2024-01-01T06:00Z")
    # events p3 (h3), p4 (h4), p5 (h5)
    assert edge_dict(net) == {("c", "a"): 1, ("a", "b"): 1, ("b", "a"): 1}
    assert net.meta["events"] == 3
    ex = ca.build_network(ev, exclude=["d"])
    assert "d" not in ex.nodes.index and ("d", "a") not in edge_dict(ex)
    assert ex.meta["people_excluded"] == 1
    with pytest.raises(ValueError, match="time zone"):
        ca.build_network(ev, start="2024-01-01")


def test_roster_people_are_nodes_even_without_ties():
    people = ca.make_people(
        pd.DataFrame(
            {
                "person": ["a", "b", "c", "d", "e"],
                "role": ["Teacher", "student", "student", "student", "student"],
            }
        )
    )
    net = ca.build_network(forum(FORUM), people=people)
    assert list(net.nodes.index) == ["a", "b", "c", "d", "e"]
    assert net.nodes.loc["a", "role"] == "instructor"
    assert net.nodes.loc["e", "n_events"] == 0
    assert bool(net.nodes["in_roster"].all())
    g = net.to_igraph()
    assert g.degree()[4] == 0 and g.vs[4]["name"] == "e"


def test_facilitator_centred_and_distributed_forums_differ():
    # Same size: 8 posts, 5 participants, 2 threads. Only the structure differs.
    centred = forum(
        [
            ("1", None, "A", "f", 1),
            ("2", "1", "A", "s1", 2),
            ("3", "2", "A", "f", 3),
            ("4", "1", "A", "s2", 4),
            ("5", "4", "A", "f", 5),
            ("6", None, "B", "f", 6),
            ("7", "6", "B", "s3", 7),
            ("8", "6", "B", "s4", 8),
        ]
    )
    distributed = forum(
        [
            ("1", None, "A", "f", 1),
            ("2", "1", "A", "s1", 2),
            ("3", "2", "A", "s2", 3),
            ("4", "3", "A", "s3", 4),
            ("5", "4", "A", "s4", 5),
            ("6", None, "B", "s4", 6),
            ("7", "6", "B", "s1", 7),
            ("8", "7", "B", "s2", 8),
        ]
    )
    a = ca.build_network(centred)
    b = ca.build_network(distributed)
    assert (a.n_nodes, a.n_interactions) == (b.n_nodes, b.n_interactions) == (5, 6)

    def share_f(n):
        involves_f = n.edges["source"].eq("f") | n.edges["target"].eq("f")
        return (involves_f.astype(int) * n.edges["weight"]).sum() / n.n_interactions

    assert share_f(a) == 1.0
    assert share_f(b) == pytest.approx(1 / 6)
    deg_a = dict(zip(a.to_igraph().vs["name"], a.to_igraph().degree(), strict=True))
    deg_b = dict(zip(b.to_igraph().vs["name"], b.to_igraph().degree(), strict=True))
    assert max(deg_a.values()) == deg_a["f"] == 6
    assert max(deg_b.values()) == deg_b["s1"] == 3 and deg_b["f"] == 1


def test_networkx_and_igraph_round_trips():
    net = ca.build_network(forum(FORUM))
    g = net.to_networkx()
    assert isinstance(g, nx.DiGraph)
    assert g["b"]["a"]["weight"] == 2 and g["b"]["a"]["first"] == "2024-01-01T02:00:00+00:00"
    back = ca.Network.from_networkx(g)
    assert edge_dict(back) == edge_dict(net)
    again = ca.Network.from_igraph(net.to_igraph())
    assert edge_dict(again) == edge_dict(net)
    assert isinstance(ca.build_network(forum(FORUM), multi=True).to_networkx(), nx.MultiDiGraph)


def test_dlt2(real_data):
    folder = real_data / "mooc_ed_dlt2"
    ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
    assert len(ev) == 2_584 and set(ev["action"]) == {"reply"}
    # CommentID and DiscussionID are recognised; "Parent" (a category) is not a parent post
    assert ev.attrs["ingest"].options["columns"] == {
        "timestamp": "Timestamp",
        "actor": "Sender",
        "object_id": "CommentID",
        "thread_id": "DiscussionID",
        "target": "Reciever",
    }
    people = ca.make_people(
        pd.read_csv(folder / "DLT2 Nodes.csv"),
        person="uid",
        role="facilitator",
        role_map={1: "instructor", 0: "student"},
    )
    net = ca.build_network(ev, people=people)
    assert net.n_nodes == 492
    assert net.meta["self_loops"] == 25
    assert net.n_ties == 2_062
    assert net.n_interactions == 2_584 - 25
    assert sorted(net.nodes.index[net.nodes["role"] == "instructor"]) == ["158", "302"]
    assert net.nodes.loc["302", "group"] == "MN"
    # independent check with networkx straight from the file
    raw = pd.read_csv(folder / "DLT2 Edgelist.csv")
    g = nx.DiGraph(
        (str(s), str(t)) for s, t in zip(raw.Sender, raw.Reciever, strict=True) if s != t
    )
    assert g.number_of_edges() == net.n_ties


@pytest.mark.parametrize("ties", ["reply", "star", "limited_copresence", "copresence", "mention"])
def test_posts_without_answers_give_nodes_and_no_ties(ties):
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["a", "b"],
                "thread_id": ["t", "u"],
                "action": ["post", "post"],
                "timestamp": [T0, T0],
            }
        )
    )
    net = ca.build_network(ev, ties)
    assert (net.n_nodes, net.n_ties, net.n_interactions) == (2, 0, 0)
    assert net.to_igraph().ecount() == 0


def test_projection_whatever_the_order_of_ids():
    # object ids ("thread:t1") sort before person ids ("u1"): the projection must not care
    ev = ca.make_events(
        pd.DataFrame(
            {
                "actor": ["u1", "u2", "u3", "a0"],
                "thread_id": ["t1", "t1", "t1", "t2"],
                "timestamp": [T0] * 4,
            }
        )
    )
    p = ca.project(ca.build_network(ev, "bipartite"))
    assert edge_dict(p) == {("u1", "u2"): 1, ("u1", "u3"): 1, ("u2", "u3"): 1}
    assert list(p.nodes.index) == ["u1", "u2", "u3", "a0"]
    threads = ca.project(ca.build_network(ev, "bipartite"), onto="thread")
    assert threads.n_ties == 0 and threads.n_nodes == 2
