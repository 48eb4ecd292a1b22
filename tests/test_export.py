"""Exports that keep time: GEXF 1.3 (validated against the XSD), spells, relational events,
GraphML and tables."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import connectana as ca
from connectana.export import relational_events, spells, to_gexf, to_graphml, write_tables

ROWS = [
    # actor, target, action, timestamp
    ("a", None, "post", "2024-01-01 09:00"),
    ("b", "a", "reply", "2024-01-02 10:00"),
    ("c", "a", "reply", "2024-01-03 10:00"),
    ("a", "b", "reply", "2024-01-05 10:00"),
    ("b", "a", "reply", "2024-01-06 10:00"),
    ("b", "b", "reply", "2024-01-07 10:00"),  # self-loop: dropped
]


@pytest.fixture
def events() -> pd.DataFrame:
    actor, target, action, ts = zip(*ROWS, strict=True)
    return ca.make_events(
        pd.DataFrame(
            {
                "event_id": [f"e{i}" for i in range(1, len(ROWS) + 1)],
                "actor": actor,
                "target": target,
                "action": action,
                "thread_id": "t1",
                "timestamp": pd.to_datetime(list(ts), utc=True),
            }
        )
    )


@pytest.fixture
def people() -> pd.DataFrame:
    return ca.make_people(
        pd.DataFrame(
            {
                "person": ["a", "b", "c", "z"],
                "role": ["instructor", "student", "student", "student"],
                "display_name": ["Ann", "Bob", None, "Zoe"],
            }
        )
    )


_SCHEMAS: dict = {}


@pytest.fixture
def schema(shared):
    """The GEXF 1.3 XSD (xmlschema), parsed once per session."""
    xmlschema = pytest.importorskip("xmlschema")
    path = str(shared / "specs" / "gexf-1.3" / "gexf.xsd")
    if path not in _SCHEMAS:
        _SCHEMAS[path] = xmlschema.XMLSchema(path)
    return _SCHEMAS[path]


def read_gexf(path) -> nx.Graph:
    """networkx's GEXF reader, taught xs:dateTime (networkx issue #3246)."""
    reader = nx.readwrite.gexf.GEXFReader(version="1.3")
    reader.python_type["dateTime"] = str
    return reader(str(path))


def edge_weights(g: nx.Graph) -> dict:
    return {(u, v): d["weight"] for u, v, d in g.edges(data=True)}


def test_static_gexf(events, people, schema, tmp_path):
    net = ca.build_network(events, people=people)
    path = to_gexf(net, tmp_path / "static.gexf")
    schema.validate(str(path))
    text = path.read_text()
    assert 'version="1.3"' in text and 'mode="static"' in text
    g = read_gexf(path)
    assert isinstance(g, nx.DiGraph)
    assert sorted(g.nodes) == ["a", "b", "c", "z"]
    assert edge_weights(g) == {("b", "a"): 2.0, ("c", "a"): 1.0, ("a", "b"): 1.0}
    assert g.nodes["a"]["label"] == "Ann"
    assert g.nodes["c"]["label"] == "c"  # no display name: the id
    assert g.nodes["a"]["role"] == "instructor"
    assert g.nodes["b"]["n_events"] == 3
    assert g.nodes["z"]["in_roster"] is True and g.nodes["z"]["n_events"] == 0
    assert g.edges["b", "a"]["first"] == "2024-01-02T10:00:00+00:00"
    assert g.edges["b", "a"]["n_reply"] == 2


def test_dynamic_gexf_from_events(events, schema, tmp_path):
    path = to_gexf(events, tmp_path / "dyn.gexf", dynamic=True)
    schema.validate(str(path))
    text = path.read_text()
    assert 'mode="dynamic"' in text and 'timeformat="dateTime"' in text
    assert 'timezone="UTC"' in text
    g = read_gexf(path)
    assert g.graph["mode"] == "dynamic"
    # node spells: first to last activity (own events and ties)
    assert (g.nodes["a"]["start"], g.nodes["a"]["end"]) == (
        "2024-01-01T09:00:00",
        "2024-01-06T10:00:00",
    )
    assert (g.nodes["b"]["start"], g.nodes["b"]["end"]) == (
        "2024-01-02T10:00:00",
        "2024-01-07T10:00:00",
    )
    assert (g.nodes["c"]["start"], g.nodes["c"]["end"]) == (
        "2024-01-03T10:00:00",
        "2024-01-03T10:00:00",
    )
    # edge spells: first to last interaction
    ba = g.edges["b", "a"]
    assert (ba["start"], ba["end"]) == ("2024-01-02T10:00:00", "2024-01-06T10:00:00")
    assert edge_weights(g) == {("b", "a"): 2.0, ("c", "a"): 1.0, ("a", "b"): 1.0}


def test_dynamic_gexf_interaction_spells(events, schema, tmp_path):
    path = to_gexf(events, tmp_path / "spells.gexf", dynamic=True, edge_spells="interactions")
    schema.validate(str(path))
    g = read_gexf(path)
    assert g.edges["b", "a"]["spells"] == [
        ("2024-01-02T10:00:00", "2024-01-02T10:00:00"),
        ("2024-01-06T10:00:00", "2024-01-06T10:00:00"),
    ]
    assert g.edges["a", "b"]["spells"] == [("2024-01-05T10:00:00", "2024-01-05T10:00:00")]
    with pytest.raises(ValueError, match="needs Events"):
        to_gexf(
            ca.build_network(events), tmp_path / "x.gexf", dynamic=True, edge_spells="interactions"
        )


def test_dynamic_gexf_from_network_and_undirected(events, schema, tmp_path):
    net = ca.build_network(events, directed=False)
    path = to_gexf(net, tmp_path / "und.gexf", dynamic=True)
    schema.validate(str(path))
    g = read_gexf(path)
    assert isinstance(g, nx.Graph) and not g.is_directed()
    assert {frozenset(e): w for e, w in edge_weights(g).items()} == {
        frozenset("ab"): 3.0,
        frozenset("ac"): 1.0,
    }
    # from a Network, a node's spell spans its edges' first and last interactions
    assert (g.nodes["a"]["start"], g.nodes["a"]["end"]) == (
        "2024-01-02T10:00:00",
        "2024-01-06T10:00:00",
    )


def test_dlt2_gexf(real_data, schema, tmp_path):
    ev = ca.read_events(real_data / "mooc_ed_dlt2" / "DLT2 Edgelist.csv", tz="UTC")
    net = ca.build_network(ev)
    expected = {
        (str(s), str(t)): float(w)
        for s, t, w in net.edges[["source", "target", "weight"]].itertuples(index=False)
    }
    for dynamic in (False, True):
        path = to_gexf(ev, tmp_path / f"dlt2_{dynamic}.gexf", dynamic=dynamic)
        schema.validate(str(path))
        g = read_gexf(path)
        assert g.number_of_nodes() == 426
        assert set(g.nodes) == set(map(str, net.nodes.index))
        assert edge_weights(g) == expected
    assert g.nodes["302"]["start"] == "2013-09-27T00:00:00"  # a facilitator, from day one


def test_spells_edges(events):
    s = spells(events)
    assert s.columns[:4].tolist() == ["onset", "terminus", "tail", "head"]
    got = s[["source", "target", "tail", "head", "weight"]].values.tolist()
    assert got == [["a", "b", 1, 2, 1], ["b", "a", 2, 1, 2], ["c", "a", 3, 1, 1]]
    # days from the first activity (a's post, 2024-01-01 09:00)
    np.testing.assert_allclose(s["onset"], [4 + 1 / 24, 1 + 1 / 24, 2 + 1 / 24])
    np.testing.assert_allclose(s["terminus"], [4 + 1 / 24, 5 + 1 / 24, 2 + 1 / 24])
    hours = spells(events, by="interactions", unit="h", origin="2024-01-02T10:00Z")
    assert hours[["onset", "terminus"]].values.tolist() == [[0, 0], [24, 24], [72, 72], [96, 96]]
    assert hours[["source", "target"]].values.tolist() == [
        ["b", "a"],
        ["c", "a"],
        ["a", "b"],
        ["b", "a"],
    ]


def test_spells_nodes(events, people):
    v = spells(events, which="nodes", people=people)
    # z (roster only) never acted: no spell; vertex ids are positions in the nodes table
    assert v["node"].tolist() == ["a", "b", "c"]
    assert v["vertex_id"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(v["onset"], [0, 1 + 1 / 24, 2 + 1 / 24])
    np.testing.assert_allclose(v["terminus"], [5 + 1 / 24, 6 + 1 / 24, 2 + 1 / 24])


def test_relational_events(events):
    r = relational_events(events)
    assert r.columns.tolist() == ["time", "sender", "receiver", "type", "event_id"]
    assert r[["sender", "receiver", "type", "event_id"]].values.tolist() == [
        ["b", "a", "reply", "e2"],
        ["c", "a", "reply", "e3"],
        ["a", "b", "reply", "e4"],
        ["b", "a", "reply", "e5"],
    ]
    assert r["time"].iloc[0] == pd.Timestamp("2024-01-02 10:00", tz="UTC")
    assert len(relational_events(events, loops=True)) == 5
    star = relational_events(events, "star")
    # star: every contribution but the opening post ties to the starter a (a's own reply is a loop)
    assert star[["sender", "receiver", "type", "event_id"]].values.tolist() == [
        ["b", "a", "star", "e2"],
        ["c", "a", "star", "e3"],
        ["b", "a", "star", "e5"],
        ["b", "a", "star", "e6"],
    ]


def test_graphml_round_trip(events, people, tmp_path):
    net = ca.build_network(events, people=people)
    g = nx.read_graphml(to_graphml(net, tmp_path / "n.graphml"))
    assert sorted(g.nodes) == ["a", "b", "c", "z"]
    assert edge_weights(g) == {("b", "a"): 2, ("c", "a"): 1, ("a", "b"): 1}
    assert g.edges["b", "a"]["last"] == "2024-01-06T10:00:00+00:00"
    assert g.nodes["a"]["role"] == "instructor"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_tables(events, tmp_path, fmt):
    net = ca.build_network(events)
    paths = write_tables(net, tmp_path / "out", format=fmt)
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    nodes, edges = read(paths["nodes"]), read(paths["edges"])
    assert nodes["node"].tolist() == ["a", "b", "c"]
    assert nodes["n_events"].tolist() == [2, 3, 1]
    assert edges[["source", "target", "weight"]].values.tolist() == [
        ["a", "b", 1],
        ["b", "a", 2],
        ["c", "a", 1],
    ]
    first = edges["first"].iloc[1]
    if fmt == "csv":
        assert first == "2024-01-02T10:00:00+00:00"
    else:
        assert first == pd.Timestamp("2024-01-02 10:00", tz="UTC")
    with pytest.raises(ValueError, match="format"):
        write_tables(net, tmp_path, format="xlsx")


def test_exports_use_the_networks_window_and_opt_outs(events, tmp_path):
    """Spells come from the interactions the network aggregates (one filtering rule)."""
    opts = {"start": "2024-01-02T00:00Z", "exclude": ["c"]}
    net = ca.build_network(events, **opts)
    path = to_gexf(events, tmp_path / "w.gexf", dynamic=True, edge_spells="interactions", **opts)
    g = read_gexf(path)
    assert "c" not in g
    for s, t, w in net.edges[["source", "target", "weight"]].itertuples(index=False):
        # one instant spell per distinct interaction time: at most weight, at least one
        assert 1 <= len(g.edges[s, t]["spells"]) <= w
    assert sorted(g.edges) == sorted(zip(net.edges["source"], net.edges["target"], strict=True))
    for start, _ in g.edges["b", "a"]["spells"]:
        assert start >= "2024-01-02"
