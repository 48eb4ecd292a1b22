"""Null models: is the observed structure more than chance?

:func:`null_model_test` compares reciprocity, transitivity, modularity and
degree centralisation of a network with the same statistics on many seeded
random graphs: degree-preserving rewirings of the network (``model="degree"``),
random graphs with the same number of posters and ties
(``model="density"``), or the forum's own replies with their targets shuffled
among the people present in each thread before the reply (``model="thread"``).
p-values are adjusted for the number of statistics tested (Holm). Every
observed value is the registry's (:mod:`connectana.measures`); the random
graphs' values come from the same registry entries.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..measures import GraphView, network_values, poster_mask

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["NULL_STATS", "RENAMED", "null_model_test", "thread_candidates"]

#: Statistics :func:`null_model_test` knows (registry names, :mod:`connectana.measures`).
NULL_STATS: tuple[str, ...] = (
    "reciprocity",
    "transitivity",
    "modularity_binary",
    "centralization_undirected_posters",
    "centralization_in_posters",
    "centralization_out_posters",
)
#: Statistics renamed in the second round (they are computed on the posters only).
RENAMED: dict[str, str] = {
    "centralization_undirected": "centralization_undirected_posters",
    "centralization_in": "centralization_in_posters",
    "centralization_out": "centralization_out_posters",
}
_BASE = {s: s.removesuffix("_posters") for s in NULL_STATS}


def _stats(view: GraphView, stats: Sequence[str], options: dict) -> dict[str, float]:
    """The registry's values of ``stats`` on a graph of the posters only (so a
    ``<name>_posters`` statistic is its ``<name>`` there)."""
    values = network_values(view, [_BASE[s] for s in stats], **options)
    return {s: values[_BASE[s]] for s in stats}


def thread_candidates(
    events: pd.DataFrame, nodes: pd.Index, *, ties: str = "reply"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each reply, the people present in its thread before it.

    Returns ``source`` (node position of each reply's author), ``offsets`` and
    ``lengths`` into ``flat`` (node positions of the candidate targets): the
    authors and addressees of the thread's earlier interactions and the
    reply's own target, the author excluded. Replies outside ``nodes`` or
    without a thread are left out.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.nullmodels import thread_candidates
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c", "a"], "target": ["a", "b", "c"],
    ...     "thread_id": ["t"] * 3,
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True)}))
    >>> src, off, n, flat = thread_candidates(ev, pd.Index(["a", "b", "c"]))
    >>> [sorted(flat[o:o + k].tolist()) for o, k in zip(off, n)]
    [[0], [0, 1], [1, 2]]
    """
    from ..ties import interactions

    inter = interactions(events, ties)
    inter = inter[(inter["source"] != inter["target"]).to_numpy() & inter["thread_id"].notna()]
    pos = pd.Series(np.arange(len(nodes)), index=nodes.astype(str))
    inter = inter.assign(
        s=inter["source"].astype(str).map(pos).to_numpy(),
        t=inter["target"].astype(str).map(pos).to_numpy(),
    ).dropna(subset=["s", "t"])
    inter = inter.sort_values(["thread_id", "time"], kind="stable")
    src, offsets, lengths, flat = [], [], [], []
    for _, th in inter.groupby("thread_id", sort=False):
        present: dict[int, None] = {}
        for a, b in zip(th["s"].astype(int), th["t"].astype(int), strict=True):
            cand = dict(present)
            cand[b] = None
            cand.pop(a, None)
            src.append(a)
            offsets.append(len(flat))
            lengths.append(len(cand))
            flat.extend(cand)
            present[a] = None
            present[b] = None
    return (
        np.asarray(src, dtype=np.int64),
        np.asarray(offsets, dtype=np.int64),
        np.asarray(lengths, dtype=np.int64),
        np.asarray(flat, dtype=np.int64),
    )


def null_model_test(
    net: Network,
    *,
    model: str = "degree",
    n: int = 1000,
    seed: int = 0,
    stats: Sequence[str] = (
        "reciprocity",
        "transitivity",
        "modularity_binary",
        "centralization_undirected_posters",
    ),
    events: pd.DataFrame | None = None,
    modularity_runs: int = 5,
) -> pd.DataFrame:
    """Compare a network's structure with seeded random graphs.

    Parameters
    ----------
    net : Network
        A one-mode network.
    model : {"degree", "density", "thread"}
        ``"degree"``: degree-preserving rewiring of the network (every node
        keeps its in- and out-degree, or its degree when undirected; no loops
        or multiple ties are created). ``"density"``: Erdős–Rényi graphs with
        the same number of posters and distinct ties (G(n, m)), same
        direction. ``"thread"``: every reply of ``events`` keeps its author
        and thread, and its target is drawn uniformly among the people
        present in the thread before it (see Notes); needs ``events``.
    n : int
        Number of random graphs (default 1000: ``p`` can reach 0.001).
    seed : int
        Seed of everything random (the graphs and the Leiden runs).
    stats : sequence of str
        Any of :data:`NULL_STATS`.
    events : DataFrame, optional
        The Events the network was built from (``model="thread"`` only).
    modularity_runs : int
        Leiden runs per graph; modularity is the best of them (observed and
        random graphs alike, so the comparison stays fair).

    Returns
    -------
    DataFrame
        One row per statistic: ``observed``, ``null_mean``, ``null_sd``
        (``ddof=1``), ``z``, ``p``, ``p_holm`` and ``n`` (random graphs with a
        defined value). ``attrs`` records ``model``, ``n``, ``seed``,
        ``people`` (posters compared) and ``modularity_runs``.

    Notes
    -----
    Everything is computed on the binary graph of distinct ties without
    self-loops (weights are ignored, ``net.view(weight=None)``), kept directed
    when the network is. The random graphs are drawn among the *posters*
    (:func:`connectana.measures.poster_mask`: people with an event in the
    network's window or a tie); roster members who never posted are left out,
    as they would inflate the density model's people and dilute
    centralisation. The statistics that depend on the node set therefore
    carry the suffix ``_posters``; the others do not change when people
    without ties are added, and are the registry's values on the whole
    network.

    ``model="thread"`` respects the forum's structure (a reply can only go to
    someone in its thread): each reply of ``interactions(events,
    net.meta["ties"])`` (self-replies, replies without a thread and people
    outside the network left out) keeps its author; its target is drawn
    uniformly among the candidates of :func:`thread_candidates` — the authors
    and addressees of the thread's earlier interactions plus the reply's own
    target (present by being answered), the author excluded. The random
    graph is the set of distinct (author, drawn target) ties.

    - ``reciprocity``: share of directed ties whose reverse exists (NaN when
      undirected).
    - ``transitivity``: global clustering coefficient (3 × triangles /
      connected triples) of the undirected simple graph.
    - ``modularity_binary`` (first round: ``modularity``): the highest
      modularity (Newman) of ``modularity_runs``
      Leiden partitions of the undirected simple graph
      (:func:`connectana.metrics.community.leiden_membership`, unweighted,
      modularity objective, seeds ``seed .. seed + runs − 1``); each random
      graph gets its own runs.
    - ``centralization_undirected_posters`` (first round:
      ``centralization``, then ``centralization_undirected``): Freeman degree
      centralisation of the undirected simple graph of the posters,
      ``Σ (k_max − k_i) / ((n−1)(n−2))``, n the posters;
      ``centralization_in_posters`` / ``_out_posters`` (before:
      ``centralization_in`` / ``_out``, which are ``summary()``'s names for
      the same on every node): in- / out-degrees of a directed graph,
      divided by ``(n−1)²``. On a network whose every node is a poster they
      equal ``summary(net, directed=False)["centralization_all"]`` and
      ``summary(net)["centralization_in"]`` / ``_out``. Degree-preserving
      rewiring keeps in- and out-degrees, so the null sd of the last two is 0
      and ``z`` is NaN (the undirected one can still change, as reciprocated
      pairs split or merge).

    ``z = (observed − null_mean) / null_sd`` (NaN when the sd is 0).
    ``p`` is two-sided and empirical with the +1 correction (North, Curtis &
    Sham 2002): ``(1 + #{|x_i − null_mean| >= |observed −
    null_mean|}) / (n + 1)``; it is never 0, and its smallest value is
    ``1 / (n + 1)``: use ``n >= 1000`` to claim ``p < 0.001``. ``p_holm``
    controls the family-wise error over the statistics tested (Holm 1979,
    ``statsmodels.stats.multitest.multipletests(method="holm")``).

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

    if model not in ("degree", "density", "thread"):
        raise ParameterError(f"model must be 'degree', 'density' or 'thread', found {model!r}")
    if model == "thread" and events is None:
        raise ParameterError(
            "model='thread' needs the events the network was built from: events=ev"
        )
    if isinstance(stats, str):
        stats = [stats]
    renamed = {s: RENAMED[s] for s in stats if s in RENAMED}
    if renamed:
        raise ParameterError(
            f"statistic(s) renamed: {renamed} (computed on the posters only, while "
            "summary()'s names count every node); use the new names"
        )
    unknown = [s for s in stats if s not in NULL_STATS]
    if unknown:
        raise ParameterError(f"unknown statistic(s) {unknown}; choose from {list(NULL_STATS)}")
    if n < 1:
        raise ParameterError("n must be at least 1")
    view = net.view(weight=None)  # binary distinct ties, the view summary() uses
    posters = poster_mask(net)
    active = np.flatnonzero(posters)
    options = {"posters": posters, "seed": seed, "modularity_runs": modularity_runs}
    observed = network_values(view, stats, **options)
    g = (view if posters.all() else view.subview(posters)).graph  # the posters' graph
    if model == "thread":
        src, off, length, flat = thread_candidates(
            events, net.nodes.index[active], ties=str(net.meta.get("ties", "reply"))
        )

    master = random.Random(seed)
    samples: dict[str, list[float]] = {s: [] for s in stats}
    for _ in range(n):
        sub = master.getrandbits(32)
        if model == "thread":
            u = np.random.default_rng(sub).random(len(src))
            tgt = flat[off + np.minimum((u * length).astype(np.int64), length - 1)]
            codes = np.unique(src * g.vcount() + tgt)
            pairs = np.stack([codes // g.vcount(), codes % g.vcount()], axis=1)
            h = ig.Graph(n=g.vcount(), edges=pairs.tolist(), directed=True)
            if not g.is_directed():
                h = h.as_undirected(mode="collapse")
        else:
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
        h_view = GraphView.from_graph(h, weight=None)
        for s, v in _stats(h_view, stats, {**options, "seed": sub}).items():
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
    out["p_holm"] = np.nan
    tested = out["p"].notna()
    if tested.any():
        from statsmodels.stats.multitest import multipletests

        out.loc[tested, "p_holm"] = multipletests(out.loc[tested, "p"], method="holm")[1]
    out = out[["observed", "null_mean", "null_sd", "z", "p", "p_holm", "n"]]
    out["n"] = out["n"].astype(np.int64)
    out.attrs = {
        "model": model,
        "n": n,
        "seed": seed,
        "people": int(len(active)),
        "modularity_runs": modularity_runs,
    }
    return out
