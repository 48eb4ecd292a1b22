"""read_edgelist: static weighted edge lists (tables and graph files) into Networks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import connectana as ca


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Source": ["a", "b", "a", "c", "d", "a"],
            "Target": ["b", "a", "b", "c", "a", "c"],
            "Weight": [2.0, 1.0, 0.5, 3.0, 4.0, 1.5],
        }
    )


def test_csv_weights_summed_loops_counted(tmp_path, table):
    path = tmp_path / "net.csv"
    table.to_csv(path, index=False)
    net = ca.read_edgelist(path, weight="Weight")
    assert net.edges[["source", "target", "weight"]].values.tolist() == [
        ["a", "b", 2.5],
        ["b", "a", 1.0],
        ["d", "a", 4.0],
        ["a", "c", 1.5],
    ]
    assert list(net.nodes.index) == ["a", "b", "c", "d"]
    assert net.meta["self_loops"] == 1 and net.meta["timed"] is False
    assert net.meta["source_file"] == "net.csv"
    kept = ca.read_edgelist(path, weight="Weight", loops=True)
    assert kept.edges["weight"].sum() == pytest.approx(12.0)


def test_every_metric_runs_and_matches_networkx(table):
    net = ca.read_edgelist(table, weight="Weight", directed=False)
    g = nx.Graph()
    for s, t, w in table.itertuples(index=False):
        if s != t:
            old = g.get_edge_data(s, t, {"weight": 0})["weight"]
            g.add_edge(s, t, weight=old + w)
    for s, t, w in net.edges[["source", "target", "weight"]].itertuples(index=False):
        assert g[s][t]["weight"] == pytest.approx(w)
    c = ca.centrality(net, measures=["strength", "degree", "betweenness"])
    assert c.loc["a", "strength"] == pytest.approx(
        sum(d["weight"] for *_, d in g.edges("a", data=True))
    )
    assert ca.summary(net)["density"] == pytest.approx(nx.density(g))
    assert ca.communities(net, seed=0).attrs["n_communities"] >= 1


def test_unweighted_rows_are_counted(table):
    net = ca.read_edgelist(table, source="Source", target="Target")
    assert net.edges["weight"].tolist() == [2, 1, 1, 1]
    assert net.edges["weight"].dtype == np.int64


def test_graph_files_through_networkx(tmp_path):
    g = nx.DiGraph()
    g.add_edge("x", "y", weight=3.0)
    g.add_edge("y", "z", weight=1.0)
    g.add_node("lonely")
    for name, write in (("g.graphml", nx.write_graphml), ("g.gexf", nx.write_gexf)):
        write(g, tmp_path / name)
        net = ca.read_edgelist(tmp_path / name)
        assert net.edges[["source", "target", "weight"]].values.tolist() == [
            ["x", "y", 3.0],
            ["y", "z", 1.0],
        ]
        assert "lonely" in net.nodes.index
    nx.write_pajek(g, tmp_path / "g.net")
    net = ca.read_edgelist(tmp_path / "g.net")
    assert sorted(net.edges["weight"].tolist()) == [1.0, 3.0]


def test_excel_and_parquet(tmp_path, table):
    table.to_excel(tmp_path / "n.xlsx", index=False)
    table.to_parquet(tmp_path / "n.parquet")
    a = ca.read_edgelist(tmp_path / "n.xlsx", weight="Weight")
    b = ca.read_edgelist(tmp_path / "n.parquet", weight="Weight")
    assert a.edges["weight"].tolist() == b.edges["weight"].tolist() == [2.5, 1.0, 4.0, 1.5]


def test_roster_members_are_nodes(table):
    people = ca.make_people(pd.DataFrame({"person": ["z", "a"], "role": ["student", "instructor"]}))
    net = ca.read_edgelist(table, weight="Weight", people=people)
    assert list(net.nodes.index[:2]) == ["z", "a"]
    assert net.nodes.loc["a", "role"] == "instructor"
    assert bool(net.nodes.loc["z", "in_roster"]) and not bool(net.nodes.loc["b", "in_roster"])


def test_errors_name_the_fix(table):
    with pytest.raises(ca.SchemaError, match="source=COLUMN"):
        ca.read_edgelist(table.rename(columns={"Source": "u", "Target": "v"}))
    with pytest.raises(ca.SchemaError, match="no such weight column"):
        ca.read_edgelist(table, weight="w")
    bad = table.assign(Weight=["2", "x", "1", "1", "1", "1"])
    with pytest.raises(ca.InputError, match="row 2, field 'Weight'"):
        ca.read_edgelist(bad, weight="Weight")
    with pytest.raises(ca.InputError, match="row 1"):
        ca.read_edgelist(table.assign(Target=[None] + list(table["Target"][1:])))


def test_time_functions_say_the_network_has_none(table):
    net = ca.read_edgelist(table, weight="Weight")
    with pytest.raises(ca.InputError, match="no times"):
        ca.temporal_spells(net)
    with pytest.raises(ca.SchemaError, match="static edge list and has no times"):
        ca.growth(net)
    with pytest.raises(ca.SchemaError, match="static edge list and has no times"):
        ca.build_network(net)
