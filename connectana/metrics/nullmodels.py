"""Null models: is the observed structure more than chance?

:func:`null_model_test` compares reciprocity, transitivity, modularity and
degree centralisation of a network with the same statistics on many seeded
random graphs: degree-preserving rewirings of the network (``model="degree"``)
or random graphs with the same number of nodes and ties (``model="density"``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .centrality import tie_table
from .community import leiden_membership
from .roles import _simple_graph

if TYPE_CHECKING:  # pragma: no cover
    import igraph

    from ..network import Network

__all__ = ["NULL_STATS", "null_model_test"]

#: Statistics :func:`null_model_test` knows.
NULL_STATS: tuple[str, ...] = (
    "reciprocity",
    "transitivity",
    "modularity",
    "centralization",
    "centralization_in",
    "centralization_out",
)


def _centralization(g: igraph.Graph, mode: str) -> float:
    """Freeman degree centralisation of a simple graph.

    ``all``: on the undirected simple graph, ``Σ (k_max − k_i) / ((n−1)(n−2))``;
    ``in`` / ``out``: in- or out-degrees of a directed graph, ``/ (n−1)²``.
    """
    n = g.vcount()
    if mode == "all":
        if n < 3:
            return np.nan
        u = g.as_undirected(mode="collapse") if g.is_directed() else g
        d = np.array(u.degree(), dtype=float)
        return float((d.max() - d).sum() / ((n - 1) * (n - 2)))
    if not g.is_directed() or n < 2:
        return np.nan
    d = np.array(g.indegree() if mode == "in" else g.outdegree(), dtype=float)
    return float((d.max() - d).sum() / (n - 1) ** 2)


def _stats(g: igraph.Graph, stats: Sequence[str], seed: int) -> dict[str, float]:
    out: dict[str, float] = {}
    u = None
    for s in stats:
        if s == "reciprocity":
            out[s] = float(g.reciprocity(ignore_loops=True)) if g.is_directed() else np.nan
            if g.ecount() == 0:
                out[s] = np.nan
            continue
        if u is None:
            u = g.as_undirected(mode="collapse") if g.is_directed() else g
        if s == "transitivity":
            out[s] = float(u.transitivity_undirected(mode="nan"))
        elif s == "modularity":
            out[s] = (
                float(u.modularity(leiden_membership(u, weights=None, seed=seed)))
                if u.ecount()
                else np.nan
            )
        elif s == "centralization":
            out[s] = _centralization(g, "all")
        elif s == "centralization_in":
            out[s] = _centralization(g, "in")
        elif s == "centralization_out":
            out[s] = _centralization(g, "out")
    return out


def null_model_test(
    net: Network,
    *,
    model: str = "degree",
    n: int = 100,
    seed: int = 0,
    stats: Sequence[str] = ("reciprocity", "transitivity", "modularity", "centralization"),
) -> pd.DataFrame:
    """Compare a network's structure with seeded random graphs.

    Parameters
    ----------
    net : Network
        A one-mode network.
    model : {"degree", "density"}
        ``"degree"``: degree-preserving rewiring of the network (every node
        keeps its in- and out-degree, or its degree when undirected; no loops
        or multiple ties are created). ``"density"``: Erdős–Rényi graphs with
        the same number of nodes and distinct ties (G(n, m)), same direction.
    n : int
        Number of random graphs.
    seed : int
        Seed of everything random (the graphs and the Leiden runs).
    stats : sequence of str
        Any of :data:`NULL_STATS`.

    Returns
    -------
    DataFrame
        One row per statistic: ``observed``, ``null_mean``, ``null_sd``
        (``ddof=1``), ``z``, ``p`` and ``n`` (random graphs with a defined
        value). ``attrs`` records ``model``, ``n``, ``seed``.

    Notes
    -----
    Everything is computed on the binary graph of distinct ties without
    self-loops (weights are ignored), kept directed when the network is.

    - ``reciprocity``: share of directed ties whose reverse exists (NaN when
      undirected).
    - ``transitivity``: global clustering coefficient (3 × triangles /
      connected triples) of the undirected simple graph.
    - ``modularity``: modularity (Newman) of the Leiden partition of the
      undirected simple graph
      (:func:`connectana.metrics.community.leiden_membership`, unweighted,
      modularity objective, seeded); each random graph gets its own Leiden run.
    - ``centralization``: Freeman degree centralisation of the undirected
      simple graph, ``Σ (k_max − k_i) / ((n−1)(n−2))`` (= ``summary(net,
      directed=False)["centralization_all"]``); ``centralization_in`` /
      ``_out``: the same on in- / out-degrees of a directed graph, divided by
      ``(n−1)²`` (= ``summary(net)["centralization_in"]`` / ``_out``). Degree-preserving rewiring keeps
      in- and out-degrees, so their null sd is 0 and ``z`` is NaN (the
      undirected one can still change, as reciprocated pairs split or merge).

    ``z = (observed − null_mean) / null_sd`` (NaN when the sd is 0).
    ``p`` is two-sided and empirical with the +1 correction (North, Curtis &
    Sham 2002): ``(1 + #{|x_i − null_mean| >= |observed −
    null_mean|}) / (n + 1)``; it is never 0, and its smallest value is
    ``1 / (n + 1)``: use ``n >= 1000`` to claim ``p < 0.001``.

    Randomness: a master ``random.Random(seed)`` draws one 32-bit seed per
    random graph; igraph's generator is set to ``random.Random(that seed)``
    while the graph is made (``Graph.rewire(10 × ties, "simple")`` on a copy,
    or ``Graph.Erdos_Renyi(n, m=ties)``) and restored to Python's ``random``
    module afterwards. Same ``seed`` → identical output.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.nullmodels import null_model_test
    >>> ev = ca.make_events(pd.DataFrame({"actor": list("abcdbcda"),
    ...     "target": list("badccbad"),
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 8, utc=True)}))
    >>> t = null_model_test(ca.build_network(ev), model="density", n=20, stats=["reciprocity"])
    >>> float(t.loc["reciprocity", "observed"]), float(t.loc["reciprocity", "p"]) < 0.1
    (1.0, True)
    """
    import igraph as ig

    if model not in ("degree", "density"):
        raise ValueError(f"model must be 'degree' or 'density', found {model!r}")
    if isinstance(stats, str):
        stats = [stats]
    unknown = [s for s in stats if s not in NULL_STATS]
    if unknown:
        raise ValueError(f"unknown statistic(s) {unknown}; choose from {list(NULL_STATS)}")
    if n < 1:
        raise ValueError("n must be at least 1")
    ties = tie_table(net, loops=False)
    g = _simple_graph(net.n_nodes, ties, net.directed)
    observed = _stats(g, stats, seed)

    master = random.Random(seed)
    samples: dict[str, list[float]] = {s: [] for s in stats}
    for _ in range(n):
        sub = master.getrandbits(32)
        ig.set_random_number_generator(random.Random(sub))
        try:
            if model == "degree":
                h = g.copy()
                if h.ecount() >= 2:
                    h.rewire(n=10 * h.ecount(), allowed_edge_types="simple")
            else:
                h = ig.Graph.Erdos_Renyi(
                    n=g.vcount(), m=g.ecount(), directed=g.is_directed(), loops=False
                )
        finally:
            ig.set_random_number_generator(random)
        for s, v in _stats(h, stats, sub).items():
            samples[s].append(v)

    rows = {}
    for s in stats:
        x = np.array(samples[s], dtype=float)
        x = x[~np.isnan(x)]
        obs = observed[s]
        mean = float(x.mean()) if len(x) else np.nan
        sd = float(x.std(ddof=1)) if len(x) > 1 else np.nan
        if len(x) > 1 and np.ptp(x) <= 1e-12 * max(1.0, abs(mean)):
            sd = 0.0  # every random graph gave the same value (rounding noise aside)
        z = (obs - mean) / sd if sd > 0 and not np.isnan(obs) else np.nan
        if len(x) and not np.isnan(obs):
            extreme = np.abs(x - mean) >= abs(obs - mean) - 1e-12
            p = (1 + int(extreme.sum())) / (len(x) + 1)
        else:
            p = np.nan
        rows[s] = {
            "observed": obs,
            "null_mean": mean,
            "null_sd": sd,
            "z": z,
            "p": p,
            "n": len(x),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "statistic"
    out["n"] = out["n"].astype(np.int64)
    out.attrs = {"model": model, "n": n, "seed": seed}
    return out
