"""The same analysis done five ways: connectana and four hand-written pipelines.

The work, on a forum CSV written by :mod:`benchmarks.generate`:

1. ``read``: read the CSV (post_id, thread_id, parent_id, author, role, created);
2. ``ties``: reply ties, author → author of the parent post, weighted by the number
   of replies, self-replies dropped; every author is a node (isolates included);
3. ``centrality``: weighted in/out degree (interactions), PageRank (weighted,
   damping 0.85) and betweenness estimated from 256 pivots drawn with
   ``numpy.random.default_rng(0)`` (tie length = 1 / weight, scaled by n / 256,
   normalised by (n-1)(n-2));
4. ``communities``: Leiden (igraph, modularity, weighted, undirected; connectana with its
   default stopping rule, the igraph script with igraph's default of 2 iterations, the
   reference script iterated until stable) / Louvain (networkx) / PLM (networkit);
5. ``growth``: weekly cumulative snapshots over the 12 course weeks (week k =
   [start + 7(k-1) days, start + 7k days)): the people who posted up to the end of
   the week and the distinct ties whose first reply is before it; density
   (m / n(n-1)), transitivity (global, undirected) and weak components.

Every pipeline returns ``(times, result)``: seconds per stage, and a
:class:`Result` holding the numbers the runner checks are equal across pipelines.
The hand-written pipelines are written as a competent researcher would write them
with each library's documented API; they are not handicapped.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .generate import COURSE_START, WEEKS

__all__ = ["PIPELINES", "Result", "PIVOTS"]

PIVOTS = 256
SNAPSHOT_METRICS = ["density", "transitivity", "weak_components"]
_WEEK = pd.Timedelta(days=7)


@dataclasses.dataclass
class Result:
    """The numbers compared across pipelines."""

    nodes: np.ndarray  # node names
    in_degree: np.ndarray  # interactions received
    out_degree: np.ndarray
    pagerank: np.ndarray
    betweenness: np.ndarray | None
    n_ties: int
    n_interactions: int
    modularity: float | None
    n_communities: int | None
    snapshots: pd.DataFrame | None  # week, nodes, ties, density, transitivity, weak_components

    def node_table(self) -> pd.DataFrame:
        """Per-node numbers indexed by name, sorted."""
        d = {
            "in_degree": self.in_degree,
            "out_degree": self.out_degree,
            "pagerank": self.pagerank,
        }
        if self.betweenness is not None:
            d["betweenness"] = self.betweenness
        return pd.DataFrame(d, index=pd.Index(self.nodes.astype(str), name="node")).sort_index()


#: CPU seconds (this process, all threads) per stage of the last pipeline run.
LAST_CPU: dict[str, float] = {}


class _Clock:
    """Wall-clock seconds per stage; CPU seconds per stage go to :data:`LAST_CPU`."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        LAST_CPU.clear()
        self.t = time.perf_counter()
        self.c = time.process_time()

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.times[stage] = now - self.t
        LAST_CPU[stage] = cpu - self.c
        self.t, self.c = now, cpu


def _week_ends() -> list[pd.Timestamp]:
    return [COURSE_START + k * _WEEK for k in range(1, WEEKS + 1)]


def _pivots(n: int) -> list[int]:
    return np.sort(np.random.default_rng(0).choice(n, size=PIVOTS, replace=False)).tolist()


# -- connectana ---------------------------------------------------------------------------
def _connectana(path: Path, **community_options: Any) -> tuple[dict[str, float], Result]:
    import igraph  # noqa: F401  (imported before the clock starts, as in the other scripts)

    import connectana as ca

    clock = _Clock()
    ev = ca.read_events(path, format="table")
    clock.lap("read")
    net = ca.build_network(ev, "reply")
    clock.lap("ties")
    c = ca.centrality(
        net, ["in_degree", "out_degree", "pagerank", "betweenness"], pivots=PIVOTS, seed=0
    )
    clock.lap("centrality")
    comm = ca.communities(net, **community_options)
    clock.lap("communities")
    g = ca.growth(ev, "reply", start=COURSE_START, metrics=SNAPSHOT_METRICS)
    clock.lap("growth")
    snaps = g.reset_index()[["period", "nodes", "ties", *SNAPSHOT_METRICS]]
    snaps = snaps.rename(columns={"period": "week"})
    return clock.times, Result(
        nodes=net.nodes.index.to_numpy(dtype=object),
        in_degree=c["in_degree"].to_numpy(),
        out_degree=c["out_degree"].to_numpy(),
        pagerank=c["pagerank"].to_numpy(),
        betweenness=c["betweenness"].to_numpy(),
        n_ties=net.n_ties,
        n_interactions=net.n_interactions,
        modularity=float(comm.attrs["modularity"]),
        n_communities=int(comm.attrs["n_communities"]),
        snapshots=snaps,
    )


def run_connectana(path: Path) -> tuple[dict[str, float], Result]:
    """connectana with its defaults: igraph for everything, Leiden communities."""
    return _connectana(path, method="leiden", seed=0)


def run_connectana_networkit(path: Path) -> tuple[dict[str, float], Result]:
    """connectana with its optional networkit engine for communities
    (``communities(net, "louvain", engine="networkit")``: PLM with refinement)."""
    import networkit  # noqa: F401  (imported before the clock starts)

    return _connectana(path, method="louvain", engine="networkit")


# -- pandas preparation shared by the hand-written igraph / networkx / networkit scripts -------
def _read_pandas(path: Path) -> pd.DataFrame:
    posts = pd.read_csv(
        path,
        usecols=["post_id", "parent_id", "author", "created"],
        dtype={"post_id": str, "parent_id": str, "author": str},
    )
    posts["created"] = pd.to_datetime(posts["created"], utc=True, format="ISO8601")
    return posts


def _reply_ties(posts: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    author_of = pd.Series(posts["author"].to_numpy(), index=posts["post_id"].to_numpy())
    replies = posts[posts["parent_id"].notna()]
    inter = pd.DataFrame(
        {
            "source": replies["author"].to_numpy(),
            "target": author_of.reindex(replies["parent_id"].to_numpy()).to_numpy(),
            "time": replies["created"].to_numpy("datetime64[ns]"),  # UTC
        }
    ).dropna()
    inter = inter[inter["source"] != inter["target"]]
    ties = (
        inter.groupby(["source", "target"], sort=False)
        .agg(weight=("time", "size"), first=("time", "min"))
        .reset_index()
    )
    first_post = posts.groupby("author", sort=False)["created"].min()
    return ties, first_post


# -- igraph ----------------------------------------------------------------------------------
def run_igraph(path: Path) -> tuple[dict[str, float], Result]:
    """The igraph script with igraph's defaults (``community_leiden``: 2 iterations)."""
    return _igraph(path, n_iterations=2)


def run_igraph_until_stable(path: Path) -> tuple[dict[str, float], Result]:
    """The reference: the same script, Leiden iterated until stable (``n_iterations=-1``)."""
    return _igraph(path, n_iterations=-1)


def _igraph(path: Path, n_iterations: int) -> tuple[dict[str, float], Result]:
    import random

    import igraph as ig

    random.seed(0)  # igraph draws from Python's random module
    clock = _Clock()
    posts = _read_pandas(path)
    clock.lap("read")
    ties, first_post = _reply_ties(posts)
    people = pd.Index(first_post.index)
    s = people.get_indexer(ties["source"])
    t = people.get_indexer(ties["target"])
    g = ig.Graph(n=len(people), edges=np.column_stack([s, t]).tolist(), directed=True)
    g.vs["name"] = people.tolist()
    g.es["weight"] = ties["weight"].astype(float).tolist()
    clock.lap("ties")

    n = g.vcount()
    in_deg = np.array(g.strength(mode="in", weights="weight"))
    out_deg = np.array(g.strength(mode="out", weights="weight"))
    pr = np.array(g.pagerank(weights="weight", damping=0.85))
    lengths = (1.0 / ties["weight"].to_numpy(dtype=float)).tolist()
    btw = np.array(g.betweenness(sources=_pivots(n), weights=lengths)) * n / PIVOTS
    btw /= (n - 1) * (n - 2)
    clock.lap("centrality")

    u = g.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
    parts = u.community_leiden(
        objective_function="modularity", weights="weight", n_iterations=n_iterations
    )
    modularity = u.modularity(parts.membership, weights="weight")
    clock.lap("communities")

    rows = []
    node_first = first_post.to_numpy("datetime64[ns]")
    tie_first = ties["first"].to_numpy()
    for week, end in enumerate(_week_ends(), start=1):
        end64 = end.to_datetime64()
        vids = np.flatnonzero(node_first < end64)
        local = np.full(n, -1)
        local[vids] = np.arange(len(vids))
        keep = tie_first < end64
        h = ig.Graph(
            n=len(vids), edges=np.column_stack([local[s[keep]], local[t[keep]]]), directed=True
        )
        rows.append(
            {
                "week": week,
                "nodes": h.vcount(),
                "ties": h.ecount(),
                "density": h.density(),
                "transitivity": h.transitivity_undirected(),
                "weak_components": len(h.connected_components(mode="weak")),
            }
        )
    clock.lap("growth")
    return clock.times, Result(
        nodes=np.asarray(people, dtype=object),
        in_degree=in_deg,
        out_degree=out_deg,
        pagerank=pr,
        betweenness=btw,
        n_ties=g.ecount(),
        n_interactions=int(ties["weight"].sum()),
        modularity=modularity,
        n_communities=len(parts),
        snapshots=pd.DataFrame(rows),
    )


# -- networkx --------------------------------------------------------------------------------
def run_networkx(path: Path) -> tuple[dict[str, float], Result]:
    import networkx as nx

    clock = _Clock()
    posts = _read_pandas(path)
    clock.lap("read")
    ties, first_post = _reply_ties(posts)
    G = nx.DiGraph()
    G.add_nodes_from(first_post.index)
    G.add_edges_from(
        (a, b, {"weight": w, "length": 1.0 / w})
        for a, b, w in zip(ties["source"], ties["target"], ties["weight"], strict=True)
    )
    clock.lap("ties")

    names = list(G.nodes)
    in_deg = dict(G.in_degree(weight="weight"))
    out_deg = dict(G.out_degree(weight="weight"))
    pr = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-10)  # as accurate as PRPACK
    btw = nx.betweenness_centrality(G, k=PIVOTS, weight="length", normalized=True, seed=0)
    clock.lap("centrality")

    U = nx.Graph()
    U.add_nodes_from(G)
    for a, b, w in G.edges(data="weight"):
        if U.has_edge(a, b):
            U[a][b]["weight"] += w
        else:
            U.add_edge(a, b, weight=w)
    comms = nx.community.louvain_communities(U, weight="weight", seed=0)
    modularity = nx.community.modularity(U, comms, weight="weight")
    clock.lap("communities")

    rows = []
    for week, end in enumerate(_week_ends(), start=1):
        H = nx.DiGraph()
        H.add_nodes_from(first_post.index[first_post < end])
        new = ties[ties["first"] < end.to_datetime64()]
        H.add_edges_from(zip(new["source"], new["target"], strict=True))
        rows.append(
            {
                "week": week,
                "nodes": H.number_of_nodes(),
                "ties": H.number_of_edges(),
                "density": nx.density(H),
                "transitivity": nx.transitivity(H.to_undirected()),
                "weak_components": nx.number_weakly_connected_components(H),
            }
        )
    clock.lap("growth")
    return clock.times, Result(
        nodes=np.asarray(names, dtype=object),
        in_degree=np.array([in_deg[x] for x in names], dtype=float),
        out_degree=np.array([out_deg[x] for x in names], dtype=float),
        pagerank=np.array([pr[x] for x in names]),
        betweenness=np.array([btw[x] for x in names]),
        n_ties=G.number_of_edges(),
        n_interactions=int(ties["weight"].sum()),
        modularity=modularity,
        n_communities=len(comms),
        snapshots=pd.DataFrame(rows),
    )


# -- networkit -------------------------------------------------------------------------------
def run_networkit(path: Path) -> tuple[dict[str, float], Result]:
    import networkit as nk

    nk.engineering.setNumberOfThreads(1)  # same footing as the single-threaded others
    clock = _Clock()
    posts = _read_pandas(path)
    clock.lap("read")
    ties, first_post = _reply_ties(posts)
    people = pd.Index(first_post.index)
    s = people.get_indexer(ties["source"]).astype(np.uint64)
    t = people.get_indexer(ties["target"]).astype(np.uint64)
    w = ties["weight"].to_numpy(dtype=np.float64)
    n = len(people)
    G = nk.Graph(n, weighted=True, directed=True)
    G.addEdges((w, (s, t)))
    clock.lap("ties")

    in_deg = np.bincount(t.astype(np.int64), weights=w, minlength=n)
    out_deg = np.bincount(s.astype(np.int64), weights=w, minlength=n)
    pr = nk.centrality.PageRank(
        G, damp=0.85, tol=1e-12, distributeSinks=nk.centrality.SinkHandling.DistributeSinks
    )
    pr.run()
    pagerank = np.asarray(pr.scores())
    pagerank /= pagerank.sum()
    L = nk.Graph(n, weighted=True, directed=True)
    L.addEdges((1.0 / w, (s, t)))
    eb = nk.centrality.EstimateBetweenness(L, PIVOTS, normalized=True, parallel=False)
    eb.run()
    btw = np.asarray(eb.scores())
    clock.lap("centrality")

    U = nk.graphtools.toUndirected(G)  # both directions merged, weights summed
    plm = nk.community.PLM(U, refine=True)
    plm.run()
    part = plm.getPartition()
    modularity = nk.community.Modularity().getQuality(part, U)
    clock.lap("communities")

    rows = []
    node_first = first_post.to_numpy("datetime64[ns]")
    tie_first = ties["first"].to_numpy()
    for week, end in enumerate(_week_ends(), start=1):
        end64 = end.to_datetime64()
        vids = np.flatnonzero(node_first < end64)
        local = np.full(n, -1, dtype=np.int64)
        local[vids] = np.arange(len(vids))
        keep = tie_first < end64
        a, b = local[s[keep].astype(np.int64)], local[t[keep].astype(np.int64)]
        H = nk.Graph(len(vids), weighted=False, directed=True)
        H.addEdges((a.astype(np.uint64), b.astype(np.uint64)))
        und = nk.graphtools.toUndirected(H)
        und.removeMultiEdges()
        nv, m = H.numberOfNodes(), H.numberOfEdges()
        wcc = nk.components.WeaklyConnectedComponents(H)
        wcc.run()
        rows.append(
            {
                "week": week,
                "nodes": nv,
                "ties": m,
                "density": m / (nv * (nv - 1)),
                "transitivity": nk.globals.ClusteringCoefficient.exactGlobal(und),
                "weak_components": wcc.numberOfComponents(),
            }
        )
    clock.lap("growth")
    return clock.times, Result(
        nodes=np.asarray(people, dtype=object),
        in_degree=in_deg,
        out_degree=out_deg,
        pagerank=pagerank,
        betweenness=btw,
        n_ties=G.numberOfEdges(),
        n_interactions=int(w.sum()),
        modularity=modularity,
        n_communities=part.numberOfSubsets(),
        snapshots=pd.DataFrame(rows),
    )


# -- the floor: pyarrow read, numpy/scipy aggregation and PageRank -----------------------------
def _sparse_pagerank(A, damping: float = 0.85, tol: float = 1e-12) -> np.ndarray:
    """PageRank of a weighted sparse adjacency (rows = sources); dangling nodes jump uniformly."""
    n = A.shape[0]
    out = np.asarray(A.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    P = A.T.tocsr()  # P @ (x * inv) spreads each node's rank over its out-ties
    x = np.full(n, 1.0 / n)
    for _ in range(1000):
        new = damping * (P @ (x * inv)) + (damping * x[dangling].sum() + 1 - damping) / n
        if np.abs(new - x).sum() < tol:
            return new
        x = new
    return x


def run_floor(path: Path) -> tuple[dict[str, float], Result]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import scipy.sparse as sp

    clock = _Clock()
    table = pacsv.read_csv(path)
    clock.lap("read")
    author = pc.dictionary_encode(table["author"]).combine_chunks()
    names = np.asarray(author.dictionary.to_pylist(), dtype=object)
    code = author.indices.to_numpy()
    post = table["post_id"].to_numpy()
    parent = table["parent_id"].to_numpy(zero_copy_only=False)  # float, NaN when none
    created = table["created"].cast(pa.timestamp("ns", "UTC")).cast(pa.int64()).to_numpy()
    order = np.argsort(post)
    is_reply = ~np.isnan(parent)
    pos = np.searchsorted(post, parent[is_reply].astype(np.int64), sorter=order)
    src, dst, when = code[is_reply], code[order[pos]], created[is_reply]
    ok = src != dst
    src, dst, when = src[ok], dst[ok], when[ok]
    n = len(names)
    A = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))  # duplicates summed
    clock.lap("ties")

    in_deg = np.asarray(A.sum(axis=0)).ravel()
    out_deg = np.asarray(A.sum(axis=1)).ravel()
    pr = _sparse_pagerank(A)
    clock.lap("centrality")

    return clock.times, Result(
        nodes=names,
        in_degree=in_deg,
        out_degree=out_deg,
        pagerank=pr,
        betweenness=None,
        n_ties=int(A.nnz),
        n_interactions=int(A.sum()),
        modularity=None,
        n_communities=None,
        snapshots=None,
    )


PIPELINES: dict[str, Callable[[Path], tuple[dict[str, float], Result]]] = {
    "connectana": run_connectana,
    "connectana+networkit": run_connectana_networkit,
    "igraph": run_igraph,
    "igraph-until-stable": run_igraph_until_stable,
    "networkx": run_networkx,
    "networkit": run_networkit,
    "floor": run_floor,
}
