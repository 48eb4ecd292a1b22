"""One name, one number: every public result that shows a registry name shows the same value.

The helper :func:`connectana.measures.named_values` turns any result (a Series of
whole-network values, a node table, a growth row, a null-model table, the columns of
a CSV written by the CLI) into ``name -> value``; :func:`assert_coherent` compares
every pair of results on every name they share. To add a result to the comparison,
add it to the dict of results (``results["cli nodes.csv"] = pd.read_csv(...)``).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connectana as ca
from connectana.datasets import sample_path
from connectana.measures import (
    MEASURES,
    NETWORK_MEASURES,
    NODE_MEASURES,
    measure_table,
    named_values,
    network_values,
    node_values,
    poster_mask,
)
from connectana.metrics.nullmodels import NULL_STATS
from connectana.metrics.person_growth import PERSON_MEASURES

# -- the comparison ----------------------------------------------------------------------------


def _same(a, b, tol: float = 1e-9) -> bool:
    if isinstance(a, pd.Series) or isinstance(b, pd.Series):
        a, b = pd.Series(a), pd.Series(b)
        a.index, b.index = a.index.astype(str), b.index.astype(str)
        common = a.index.intersection(b.index)
        if len(common) == 0:
            return False
        x = a.reindex(common).to_numpy(dtype=float)
        y = b.reindex(common).to_numpy(dtype=float)
        return bool(np.allclose(x, y, rtol=1e-9, atol=tol, equal_nan=True))
    x, y = float(a), float(b)
    if np.isnan(x) or np.isnan(y):
        return bool(np.isnan(x) and np.isnan(y))
    return abs(x - y) <= tol + 1e-9 * abs(y)


def assert_coherent(results: dict[str, object]) -> set[str]:
    """Every name shared by two results has the same value in both; returns the names compared."""
    named = {label: named_values(r) for label, r in results.items()}
    compared, bad = set(), []
    for (la, va), (lb, vb) in itertools.combinations(named.items(), 2):
        for name in sorted(set(va) & set(vb)):
            if isinstance(va[name], pd.Series) != isinstance(vb[name], pd.Series):
                continue  # a node measure and the network measure of the same name
            compared.add(name)
            if not _same(va[name], vb[name]):
                show = (
                    (va[name], vb[name])
                    if not isinstance(va[name], pd.Series)
                    else "node values differ"
                )
                bad.append(f"{name}: {la} vs {lb}: {show}")
    assert not bad, "\n".join(bad)
    return compared


def _by_person(table: pd.DataFrame) -> pd.DataFrame:
    """The last period of a person_growth table, indexed by person."""
    last = table[table["period"] == table["period"].iloc[-1]]
    return last.set_index("person")


def _results(ev, people=None, *, freq="W", start=None, node_measures=None, nulls=True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # igraph's notes on disconnected graphs; no staff
        net = ca.build_network(ev, people=people)
        roles = "students" if people is not None and "role" in people.columns else None
        out = {
            "summary": ca.summary(net),
            "centrality": ca.centrality(net),
            "growth last cumulative period": ca.growth(
                ev, people=people, roles=roles, freq=freq, start=start
            ).iloc[-1],
            "person_growth last period": _by_person(
                ca.person_growth(
                    ev,
                    people=people,
                    freq=freq,
                    start=start,
                    measures=node_measures or list(PERSON_MEASURES),
                )
            ),
            "network_pattern": ca.network_pattern(net),
            "staff_dependence": ca.staff_dependence(net),
        }
        if nulls:
            out["null_model_test"] = ca.null_model_test(
                net,
                n=2,
                stats=[
                    "reciprocity",
                    "transitivity",
                    "centralization_undirected_posters",
                    "centralization_in_posters",
                    "centralization_out_posters",
                ],
            )
    return out


def _without_nulls(results: dict) -> dict:
    return {k: v for k, v in results.items() if k != "null_model_test"}


CORE = {"nodes", "ties", "density", "reciprocity", "transitivity", "largest_component_share"}


def test_sample_course_is_coherent():
    ev = ca.read_events(sample_path("forum_posts.csv"), format="table")
    roster = pd.read_csv(sample_path("roster.csv"))
    people = ca.make_people(roster, person="person", role="role", group="group")
    compared = assert_coherent(_results(ev, people, nulls=False))
    assert CORE | {"staff_tie_share", "betweenness", "pagerank", "in_degree"} <= compared


def test_null_model_statistics_agree_with_summary_on_a_roster_network():
    """The null model draws among the posters: its node-set statistics are the
    ``_posters`` variants (own names), every shared name agrees with summary's."""
    ev = ca.read_events(sample_path("forum_posts.csv"), format="table")
    roster = pd.read_csv(sample_path("roster.csv"))
    people = ca.make_people(roster, person="person", role="role", group="group")
    net = ca.build_network(ev, people=people)
    posters = poster_mask(net)
    assert 0 < posters.sum() < net.n_nodes  # roster members who never posted: a real test
    stats = list(NULL_STATS)  # every statistic the null model knows
    assert {"centralization_in_posters", "centralization_out_posters"} <= set(stats)
    nulls = ca.null_model_test(net, n=2, stats=stats)
    s = ca.summary(net)
    compared = assert_coherent(
        {
            "summary": s,
            "null_model_test": nulls,
            "network_pattern": ca.network_pattern(net),
            "registry": network_values(net.view(weight=None), stats, posters=posters),
        }
    )
    assert set(stats) <= compared
    assert {"reciprocity", "transitivity", "centralization_undirected_posters"} <= set(
        named_values(nulls)
    ) & (set(named_values(s)) | set(named_values(ca.network_pattern(net))))
    # the variants differ from summary's every-node values, under their own names
    for side in ("in", "out"):
        assert nulls.loc[f"centralization_{side}_posters", "observed"] != pytest.approx(
            s[f"centralization_{side}"]
        )
    assert "centralization_in" not in nulls.index


def test_dlt2_is_coherent(real_data):
    d = real_data / "mooc_ed_dlt2"
    ev = ca.read_events(d / "DLT2 Edgelist.csv", tz="UTC")
    people = ca.make_people(
        pd.read_csv(d / "DLT2 Nodes.csv"),
        person="uid",
        role="facilitator",
        role_map={1: "instructor", 0: "student"},
    )
    compared = assert_coherent(_results(ev, people, nulls=False))
    assert CORE | {"staff_tie_share", "betweenness", "clustering"} <= compared


def test_collegemsg_is_coherent(real_data):
    ev = ca.read_events(
        real_data / "snap_collegemsg" / "CollegeMsg.txt",
        columns={"actor": "source", "target": "target", "timestamp": "weight"},
        unit="s",
    )
    start = ev["timestamp"].min().floor("D")
    results = _results(
        ev,
        freq="100D",
        start=start,
        node_measures=["degree", "in_ties", "strength", "pagerank", "coreness", "clustering"],
    )
    compared = assert_coherent(results)
    assert CORE | {"pagerank", "in_ties", "centralization_undirected_posters"} <= compared
    # no roster: every node is a poster, so the null model's _posters variants equal
    # summary's values on every node (the names differ, the definitions coincide here)
    nulls, s = results["null_model_test"]["observed"], results["summary"]
    for side in ("in", "out"):
        assert nulls[f"centralization_{side}_posters"] == pytest.approx(s[f"centralization_{side}"])


def _summary_txt(path) -> dict[str, tuple[float, float]]:
    """The rows of the CLI's summary.txt whose label is a registry name: name -> (value,
    half a unit of the last digit printed)."""
    import re

    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s+(\w+)\s+:\s+(-?[\d.]+)\b", line)
        if m and (("network", m[1]) in MEASURES):
            digits = len(m[2].partition(".")[2])
            rows[m[1]] = (float(m[2]), 0.5 * 10.0**-digits)
    return rows


def test_cli_files_and_exports_are_coherent(tmp_path):
    """The CLI's nodes.csv and summary.txt (``connectana demo``) and the exported tables
    (``connectana export --to csv``) show the library's values under the same names."""
    from connectana.cli import main
    from connectana.datasets import COURSE_START

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["demo", "--out", str(tmp_path / "demo"), "--names"]) == 0
        csv = sample_path("forum_posts.csv")
        roster_csv = sample_path("roster.csv")
        assert main(["export", str(csv), "--format", "table", "--to", "csv", "--names",
                     "--roster", str(roster_csv), "--out", str(tmp_path / "export")]) == 0  # fmt: skip
        ev = ca.read_events(csv, format="table")
        people = ca.read_people(roster_csv)
        net = ca.build_network(ev, people=people)
        lib = _results(ev, people, start=COURSE_START, nulls=False)
    nodes_csv = pd.read_csv(tmp_path / "demo" / "nodes.csv", index_col="node")
    exported = {
        name: pd.read_csv(tmp_path / "export" / f"{name}.csv") for name in ("nodes", "edges")
    }
    edges = exported["edges"]
    between = edges[edges["source"] != edges["target"]]
    export_counts = {
        "nodes": len(exported["nodes"]),
        "ties": len(between),
        "interactions": int(edges["weight"].sum()),
    }
    compared = assert_coherent({**lib, "cli nodes.csv": nodes_csv, "export tables": export_counts})
    assert {"in_ties", "out_ties", "in_degree", "out_degree"} <= set(named_values(nodes_csv))
    assert {"in_ties", "out_ties", "in_degree", "out_degree", "nodes", "ties"} <= compared
    # summary.txt prints rounded values: each within half a unit of its last digit
    printed = _summary_txt(tmp_path / "demo" / "summary.txt")
    assert {"nodes", "ties", "interactions", "density", "reciprocity", "weak_components",
            "isolates", "staff_interaction_share"} <= set(printed)  # fmt: skip
    shown = {**named_values(lib["summary"]), **named_values(lib["network_pattern"])}
    for name, (value, half) in printed.items():
        assert abs(value - float(shown[name])) <= half + 1e-12, name
    assert net.n_nodes == len(nodes_csv) == export_counts["nodes"]


@pytest.mark.parametrize("multi", [False, True])
def test_r_conventions_are_the_registrys(multi):
    """``centrality``/``summary`` with ``convention="igraph"`` / ``"sna"`` show the registry's
    ``_igraph`` / ``_sna`` measures: computed on the network as built (igraph) or on the
    binary distinct-tie view (sna)."""
    ev = ca.read_events(sample_path("forum_posts.csv"), format="table")
    net = ca.build_network(ev, multi=multi)
    as_built = net.view_as_built()
    node_names = [k for k, m in NODE_MEASURES.items() if k.endswith("_igraph")]
    igraph_names = [k for k, m in NETWORK_MEASURES.items() if k.endswith("_igraph")]
    sna_names = [k for k in NETWORK_MEASURES if k.endswith("_sna")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        registry_nodes = pd.DataFrame(
            node_values(as_built, node_names, normalized=False), index=net.nodes.index
        )
        results = {
            "centrality igraph": ca.centrality(net, convention="igraph"),
            "registry igraph nodes": registry_nodes,
            "summary igraph": ca.summary(net, convention="igraph"),
            "summary sna": ca.summary(net, convention="sna"),
            "registry igraph network": network_values(as_built, igraph_names),
            "registry sna": network_values(net.view(weight=None), sna_names),
        }
    compared = assert_coherent(results)
    assert set(node_names) | set(igraph_names) <= compared
    # sna: one result each; compared with the registry's
    assert set(sna_names) <= compared
    listed = measure_table()
    assert set(node_names) | set(igraph_names) | set(sna_names) <= set(listed.index)
    assert (listed.loc[node_names + igraph_names, "view"] == "as_built").all()
    assert (listed.loc[sna_names, "view"] == "distinct").all()
    # the two conventions differ from connectana's own where the definitions differ
    if multi:
        assert results["summary igraph"]["edges_igraph"] == net.n_interactions
        assert ca.summary(net)["ties"] < net.n_interactions


def _fingerprint(g) -> tuple:
    """A graph's nodes, direction, edges and edge attributes (edge order ignored)."""
    e = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    order = np.lexsort((e[:, 1], e[:, 0]))
    attrs = tuple(
        (a, tuple(np.asarray(g.es[a], dtype=float)[order])) for a in sorted(g.es.attributes())
    )
    return g.vcount(), g.is_directed(), tuple(map(tuple, e[order])), attrs


def test_write_report_builds_each_graph_view_once(tmp_path, monkeypatch):
    """The report (analyze + render) builds each igraph graph it uses once: as many
    constructions as distinct graphs, none built twice (issue #13: every metric rebuilt
    its own graph; write_report built the network three times)."""
    import connectana.measures as measures

    built = []
    new_graph = measures.new_graph

    def spy(n, edges, directed):
        g = new_graph(n, edges, directed)
        built.append(g)
        return g

    monkeypatch.setattr(measures, "new_graph", spy)
    ev = ca.read_events(sample_path("forum_posts.csv"), format="table")
    roster = pd.read_csv(sample_path("roster.csv"))
    people = ca.make_people(roster, person="person", role="role", group="group")
    with warnings.catch_warnings(), measures.count_graph_builds() as counted:
        warnings.simplefilter("ignore")
        ca.write_report(ev, tmp_path / "report.html", people=people)
    distinct = {_fingerprint(g) for g in built}
    assert counted["builds"] == len(built) == len(distinct)
    # the views: the network's binary graph and its undirected collapse (summary), the
    # posters' graph (network_pattern), the weighted undirected graph (communities), the
    # network as built (layout), the network without staff (staff_dependence). Its drawing
    # takes node sizes from the edge codes (session 4: no graph built for it);
    # transitivity is read off the directed graph (igraph ignores direction and
    # multi-edges there), so the posters' and the staff-free networks need no undirected
    # collapse. Growth's snapshots reuse the snapshot engine's own graph.
    assert len(distinct) == 6


def test_a_wrong_value_is_caught():
    ev = ca.read_events(sample_path("forum_posts.csv"), format="table")
    s = ca.summary(ca.build_network(ev))
    wrong = s.copy()
    wrong["density"] = s["density"] * 2
    with pytest.raises(AssertionError, match="density"):
        assert_coherent({"summary": s, "tampered": wrong})


def test_every_registry_name_has_a_definition():
    for m in MEASURES.values():
        assert m.definition and m.direction and m.weights and m.normalisation, m.name


# -- property tests over random event streams ---------------------------------------------------
PEOPLE = list("abcdefg")


@st.composite
def event_streams(draw):
    n = draw(st.integers(min_value=2, max_value=40))
    actors = draw(st.lists(st.sampled_from(PEOPLE), min_size=n, max_size=n))
    targets = draw(st.lists(st.one_of(st.none(), st.sampled_from(PEOPLE)), min_size=n, max_size=n))
    hours = draw(st.lists(st.integers(0, 24 * 7 * 5), min_size=n, max_size=n))
    t = pd.Timestamp("2024-01-01T00:00Z") + pd.to_timedelta(sorted(hours), unit="h")
    return ca.make_events(
        pd.DataFrame(
            {
                "actor": actors,
                "target": targets,
                "action": ["reply" if x is not None else "post" for x in targets],
                "timestamp": t,
            }
        )
    )


FAST_NODE = ["degree", "in_degree", "out_ties", "strength", "betweenness", "pagerank", "coreness"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ev=event_streams(), start=st.booleans())
def test_last_cumulative_period_equals_the_static_network(ev, start):
    kwargs = {"start": "2024-01-03T00:00Z"} if start else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = ca.build_network(ev)
        g = ca.growth(ev, **kwargs)
        pg = ca.person_growth(ev, measures=FAST_NODE, **kwargs)
        static = {"summary": ca.summary(net), "centrality": ca.centrality(net, FAST_NODE)}
    results = {**static, "growth": g.iloc[-1]}
    if len(pg):
        results["person_growth"] = _by_person(pg)
    compared = assert_coherent(results)
    assert {"nodes", "ties", "density"} <= compared


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ev=event_streams(), which=st.integers(0, 10), k=st.integers(1, 3))
def test_a_window_network_equals_growths_snapshot(ev, which, k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for window, options in (("cumulative", {}), ("sliding", {"periods": k})):
            g = ca.growth(ev, window=window, **options)
            p = which % len(g)
            first = 0 if window == "cumulative" else max(0, p - k + 1)
            start = None if window == "cumulative" else g["start"].iloc[first]
            net = ca.build_network(ev, start=start, end=g["end"].iloc[p])
            compared = assert_coherent({"snapshot": g.iloc[p], "window network": ca.summary(net)})
            assert {"nodes", "ties", "isolates", "weak_components"} <= compared
