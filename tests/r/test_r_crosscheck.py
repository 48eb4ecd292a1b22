"""connectana against R itself: the textbook's igraph calls and sna's measures.

``crosscheck.R`` builds the multigraph straight from the interaction list with
``graph_from_data_frame`` (as *Learning Analytics Methods and Tutorials*, ch. 15, does
with DLT2), runs the R calls, and writes every value; each must equal connectana's to
1e-9. Run on DLT2 (the real forum) and on generated graphs with multi-edges, loops,
isolates and several components.

The tests skip when Rscript or the R packages igraph and sna are missing, except in CI
(``CI`` set to true), where a missing R is a failure: CI installs it (``.ci/run``).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import connectana as ca

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "crosscheck.R"
TOL = 1e-9


@functools.cache
def _r_problem() -> str | None:
    """Why R cannot run the cross-check, or None."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed"
    probe = subprocess.run(
        ["Rscript", "-e", "library(igraph); library(sna)"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        return "the R packages igraph and sna are not installed: " + probe.stderr[-300:]
    return None


@pytest.fixture(scope="module")
def rscript() -> str:
    problem = _r_problem()
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must run the R cross-check, but {problem} (see .ci/run)")
        pytest.skip(problem)
    return "Rscript"


def run_r(
    rscript: str, edges: Path, source: str, target: str, vertices: Path, vid: str, tmp: Path
) -> dict[str, pd.Series]:
    """Run crosscheck.R; {what: Series indexed by node name (or "" for a network value)}."""
    out = tmp / "r_values.csv"
    cmd = [rscript, str(SCRIPT), str(edges), source, target, str(vertices), vid, str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    long = pd.read_csv(out, dtype={"name": str}, keep_default_na=False, na_values=[])
    text = long["value"].astype(str).str.strip()
    long["value"] = pd.to_numeric(text.where(~text.isin(["NaN", "NA", "nan"])), errors="raise")
    return {w: grp.set_index("name")["value"] for w, grp in long.groupby("what", sort=False)}


def same(ours: pd.Series, theirs: pd.Series, what: str) -> None:
    """Equal to 1e-9 (NaN where R has NaN), node by node."""
    theirs = theirs.reindex(ours.index.astype(str))
    assert not theirs.index.hasnans and len(theirs) == len(ours), what
    a, b = ours.to_numpy(dtype=float), theirs.to_numpy(dtype=float)
    bad = ~np.isclose(a, b, rtol=0, atol=TOL, equal_nan=True)
    assert not bad.any(), (
        f"{what}: {int(bad.sum())} nodes differ, e.g. {ours.index[bad][:3].tolist()}: "
        f"connectana {a[bad][:3]} vs R {b[bad][:3]}"
    )


def scalar(ours: float, theirs: pd.Series, what: str) -> None:
    (value,) = theirs.to_numpy(dtype=float)
    assert np.isclose(float(ours), value, rtol=0, atol=TOL, equal_nan=True), (
        f"{what}: connectana {ours!r} vs R {value!r}"
    )


def check_everything(r: dict[str, pd.Series], multi: ca.Network, simple: ca.Network) -> None:
    """Compare every value crosscheck.R wrote with connectana's."""
    # the multigraph is R's graph_from_data_frame edge multiset, loops included
    e = multi.edges
    ours = (e["source"].astype(str) + "\t" + e["target"].astype(str)).value_counts()
    theirs = r["edge_count"]
    assert ours.sort_index().to_dict() == theirs.astype(int).sort_index().to_dict()

    # on the multigraph (as built: multi=True, loops=True)
    c = ca.centrality(
        multi, ["in_degree", "out_degree", "degree", "coreness", "betweenness", "pagerank"],
        convention="igraph",
    )  # fmt: skip
    same(c["in_degree_igraph"], r["in_degree"], "degree(g, mode='in')")
    same(c["out_degree_igraph"], r["out_degree"], "degree(g, mode='out')")
    same(c["degree_igraph"], r["degree"], "degree(g)")
    same(c["coreness_igraph"], r["coreness"], "coreness(g)")
    same(c["betweenness_igraph"], r["betweenness_multi"], "betweenness(g)")
    same(c["pagerank_igraph"], r["pagerank_multi"], "page_rank(g)")
    und = ca.centrality(multi, ["closeness", "clustering"], convention="igraph", directed=False)
    same(und["closeness_igraph"], r["closeness_all"], "closeness(g, mode='all')")
    same(und["clustering_igraph"], r["clustering_multi"], "transitivity(g, type='local')")
    for mode in ("out", "in"):
        clo = ca.centrality(multi, ["closeness"], convention="igraph", mode=mode)
        same(clo["closeness_igraph"], r[f"closeness_{mode}"], f"closeness(g, mode='{mode}')")
    s = ca.summary(multi, convention="igraph")
    scalar(s["diameter_igraph"], r["multi_diameter"], "diameter(g)")
    scalar(s["mean_distance_igraph"], r["multi_mean_distance"], "mean_distance(g)")
    scalar(s["global_efficiency_igraph"], r["multi_global_efficiency"], "global_efficiency(g)")
    scalar(s["density_igraph"], r["multi_edge_density"], "edge_density(g)")
    scalar(s["reciprocity_igraph"], r["multi_reciprocity"], "reciprocity(g)")
    scalar(s["transitivity_igraph"], r["multi_transitivity"], "transitivity(g)")

    # on simplify(g) with the interactions summed: connectana's default network
    und = ca.centrality(
        simple, ["betweenness", "eigenvector", "closeness"], convention="igraph", directed=False
    )
    same(und["betweenness_igraph"], r["betweenness_und"], "betweenness(s, directed=FALSE)")
    same(und["eigenvector_igraph"], r["eigenvector_und"], "eigen_centrality(s, directed=FALSE)")
    same(und["closeness_igraph"], r["closeness_all_w"], "closeness(s, mode='all')")
    d = ca.centrality(
        simple,
        ["betweenness", "in_strength", "pagerank", "constraint", "hub", "authority", "harmonic"],
        convention="igraph",
    )
    same(d["betweenness_igraph"], r["betweenness_dir"], "betweenness(s)")
    same(d["in_strength_igraph"], r["strength_in"], "strength(s, mode='in')")
    same(d["pagerank_igraph"], r["pagerank_w"], "page_rank(s)")
    same(d["constraint_igraph"], r["constraint_w"], "constraint(s)")
    same(d["hub_igraph"], r["hub_w"], "hub_score(s)")
    same(d["authority_igraph"], r["authority_w"], "authority_score(s)")
    same(d["harmonic_igraph"], r["harmonic_out_w"], "harmonic_centrality(s)")
    s = ca.summary(simple, convention="igraph")
    scalar(s["diameter_igraph"], r["simple_diameter"], "diameter(s)")
    scalar(s["mean_distance_igraph"], r["simple_mean_distance"], "mean_distance(s)")
    scalar(s["global_efficiency_igraph"], r["simple_global_efficiency"], "global_efficiency(s)")
    s = ca.summary(simple, convention="igraph", directed=False)
    scalar(s["diameter_igraph"], r["simple_diameter_und"], "diameter(s, directed=FALSE)")
    scalar(s["mean_distance_igraph"], r["simple_mean_distance_und"], "mean_distance(s, F)")
    scalar(s["global_efficiency_igraph"], r["simple_global_efficiency_und"], "efficiency(s, F)")

    # sna on the binary sociomatrix: the same from either network
    for net in (multi, simple):
        s = ca.summary(net, convention="sna")
        scalar(s["density_sna"], r["sna_gden"], "gden(A)")
        scalar(s["reciprocity_sna"], r["sna_grecip"], "grecip(A)")
        for m in ("degree", "betweenness", "closeness"):
            key = f"centralization_{m}_sna"
            scalar(s[key], r[f"sna_centralization_{m}"], f"centralization(A, {m})")
        u = ca.summary(net, convention="sna", directed=False)
        scalar(u["density_sna"], r["sna_und_gden"], "gden(U, mode='graph')")
        for m in ("degree", "betweenness", "closeness"):
            key = f"centralization_{m}_sna"
            scalar(u[key], r[f"sna_und_centralization_{m}"], f"centralization(U, {m}, 'graph')")


# -- DLT2, the textbook's forum ------------------------------------------------------------
def test_dlt2_textbook_calls(rscript, real_data, tmp_path):
    folder = real_data / "mooc_ed_dlt2"
    edges, nodes = folder / "DLT2 Edgelist.csv", folder / "DLT2 Nodes.csv"
    ev = ca.read_events(edges, tz="UTC")
    people = ca.make_people(pd.read_csv(nodes), person="uid", role=None)
    multi = ca.build_network(ev, people=people, multi=True, loops=True)
    simple = ca.build_network(ev, people=people)
    assert multi.n_nodes == 492 and len(multi.edges) == 2_584  # 25 loops kept
    r = run_r(rscript, edges, "Sender", "Reciever", nodes, "uid", tmp_path)
    check_everything(r, multi, simple)
    # the three figures the issue found wrong with the default convention now reproduce
    assert r["closeness_all"].notna().sum() == 492 - 66  # 66 isolates: NaN in R and here


# -- generated graphs: multi-edges, loops, isolates, several components ---------------------
def generated(seed: int, n: int, m: int, directed_share: float = 0.6) -> tuple:
    """An interaction list over ``n`` people in three groups that never talk to each other
    (components), with repeated pairs (multi-edges), self-replies (loops), a reciprocal
    share, and people who never post (isolates)."""
    rng = np.random.default_rng(seed)
    people = [f"p{i:03d}" for i in range(n)]
    active = n - max(2, n // 10)  # the last tenth never interacts
    group = np.arange(active) % 3
    src = rng.integers(0, active, m)
    same_group = np.flatnonzero(group == group[src[0]])
    dst = np.array([rng.choice(np.flatnonzero(group == group[s])) for s in src])
    loops = rng.random(m) < 0.05
    dst[loops] = src[loops]
    back = rng.random(m) > directed_share  # add the reverse interaction
    src, dst = np.concatenate([src, dst[back]]), np.concatenate([dst, src[back]])
    repeat = rng.random(len(src)) < 0.3  # repeat some interactions
    src, dst = np.concatenate([src, src[repeat]]), np.concatenate([dst, dst[repeat]])
    del same_group
    return people, [people[i] for i in src], [people[i] for i in dst]


@pytest.mark.parametrize("seed,n,m", [(0, 30, 60), (1, 60, 150), (2, 12, 40)])
def test_generated_graphs(rscript, tmp_path, seed, n, m):
    people, src, dst = generated(seed, n, m)
    edges, vertices = tmp_path / "edges.csv", tmp_path / "people.csv"
    pd.DataFrame({"from": src, "to": dst}).to_csv(edges, index=False)
    pd.DataFrame({"id": people}).to_csv(vertices, index=False)
    stamps = pd.date_range("2024-01-01", periods=len(src), freq="min", tz="UTC")
    ev = ca.make_events(pd.DataFrame({"actor": src, "target": dst, "timestamp": stamps}))
    roster = ca.make_people(pd.DataFrame({"person": people}))
    multi = ca.build_network(ev, people=roster, multi=True, loops=True)
    simple = ca.build_network(ev, people=roster)
    # the generated graph has what it is meant to have
    assert multi.edges.duplicated(["source", "target"]).any()
    assert (multi.edges["source"] == multi.edges["target"]).any()
    summ = ca.summary(simple)
    assert summ["isolates"] >= 2 and summ["weak_components"] >= 3 + summ["isolates"]
    r = run_r(rscript, edges, "from", "to", vertices, "id", tmp_path)
    check_everything(r, multi, simple)
