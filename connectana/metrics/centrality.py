"""Node-level centrality measures of a Network.

One function, :func:`centrality`, returns a DataFrame indexed like ``net.nodes``
with one column per measure. Every definition is stated in its docstring and
tabulated in ``docs/metrics.md``; each measure is the registry's
(:mod:`connectana.measures`), computed on the network's memoised view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import InputError, ParameterError
from ..measures import NODE_MEASURES, node_values

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["MEASURES", "centrality", "tie_table"]

#: Every measure :func:`centrality` knows, in the order of its columns: the node
#: measures of the registry (:mod:`connectana.measures`) computed on the distinct ties
#: (the ``<measure>_igraph`` ones are ``convention="igraph"``'s).
MEASURES: tuple[str, ...] = tuple(k for k, m in NODE_MEASURES.items() if m.view == "distinct")
_DIRECTED_ONLY = {name for name, m in NODE_MEASURES.items() if m.directed_only}


# -- the distinct-tie table shared by every metrics module ---------------------------------
def tie_table(
    net: Network,
    *,
    directed: bool | None = None,
    weight: str | None = "weight",
    loops: bool = True,
) -> pd.DataFrame:
    """One row per distinct tie, with integer node codes (memoised by the Network).

    Columns: ``s``, ``t`` (positions in ``net.nodes``), ``interactions`` (rows of a
    ``multi=True`` network, else the ``weight`` column, i.e. the Network's count of
    interactions), ``w`` (sum of the ``weight`` column over the tie's rows; 1 for
    every tie when ``weight`` is None). ``directed=False`` on a directed network
    merges a→b and b→a into one tie (``s <= t``), summing both columns.
    ``loops=False`` drops self-ties.
    """
    return net.tie_table(directed=directed, weight=weight, loops=loops)


# -- the public function ---------------------------------------------------------------------
def centrality(
    net: Network,
    measures: Sequence[str] | None = None,
    *,
    directed: bool | None = None,
    weight: str | None = "weight",
    weight_as: str | None = None,
    mode: str = "out",
    pivots: int | None = None,
    seed: int = 0,
    damping: float = 0.85,
    normalized: bool | None = None,
    percentiles: bool = False,
    convention: str = "connectana",
) -> pd.DataFrame:
    """Centrality of every node, one column per measure.

    Parameters
    ----------
    net : Network
    measures : sequence of str, optional
        Any of :data:`MEASURES`. Default: all of them for a directed computation;
        for an undirected one all but the ``in_``/``out_`` variants, ``hub`` and
        ``authority`` (asked for explicitly they equal the total / eigenvector-like
        values igraph gives).
    directed : bool, optional
        Default ``net.directed``. ``False`` on a directed network merges a→b and
        b→a into one undirected tie whose weight is the sum of both.
    weight : str or None
        Edge column holding tie weights (default ``"weight"``, the number of
        interactions). ``None``: every distinct tie has weight 1 (binary network).
    weight_as : {"strength", "distance"}, optional
        How a weight enters path-based measures (betweenness, closeness,
        harmonic). ``"strength"`` (default; with ``convention="igraph"`` only
        ``"distance"`` is possible): more interactions = closer, the
        length of a tie is ``1 / weight``. ``"distance"``: the raw weight is the
        length, which is what igraph, R igraph and networkx do when handed a
        weight — use it to reproduce a published analysis.
    mode : {"out", "in"}
        Directed closeness and harmonic: distances *from* the node to the others
        (``"out"``, igraph's and R igraph's convention) or *to* the node from the
        others (``"in"``, networkx's convention). ``convention="igraph"`` also
        takes ``"all"`` (R's ``closeness(g, mode = "all")``).
    pivots : int, optional
        Sampled betweenness (Brandes & Pich 2007): shortest paths from ``pivots``
        sources drawn uniformly without replacement (numpy ``default_rng(seed)``),
        scaled by ``n / pivots``. Unbiased; its standard error shrinks roughly as ``1 / sqrt(pivots)``.
        Measured over 10 seeds (normalised scale, weighted / unweighted): with
        400 pivots the largest error of any node is 0.008 / 0.007 on DLT2 (492
        nodes, largest value 0.34) and 0.017 / 0.009 on CollegeMsg (1,899 nodes,
        largest 0.12 / 0.04), Pearson correlation with exact >= 0.978; with 200
        pivots 0.029 / 0.022 and 0.021 / 0.011 (table in ``docs/metrics.md``).
        ``None`` (default) or ``pivots >= n``: exact.
    seed : int
        Seed of the pivot draw.
    damping : float
        PageRank damping factor.
    normalized : bool, optional
        Betweenness divided by the number of ordered (directed) or unordered
        (undirected) pairs of other nodes, ``(n-1)(n-2)`` or ``(n-1)(n-2)/2``
        (networkx's convention); harmonic divided by ``n - 1``. Other measures
        are unaffected. Default True; False with ``convention="igraph"``
        (R's default).
    percentiles : bool
        Add ``<measure>_pct``: the percentage of nodes whose value is lower than
        or equal to the node's (pandas ``rank(method="max", pct=True) * 100``).
    convention : {"connectana", "igraph"}
        ``"connectana"`` (default): the definitions below. ``"igraph"``: every
        measure as R igraph computes it by default on the network as built
        (multi-edges and loops counted, weights read as lengths, closeness
        1/Σd over reachable nodes, reciprocal edges kept apart when
        ``directed=False``, nothing normalised); columns are named
        ``<measure>_igraph``, see
        :func:`connectana.metrics.igraph_convention.igraph_centrality`. ``pivots``
        is not available there.

    Returns
    -------
    DataFrame
        Indexed like ``net.nodes``; ``attrs`` records the options used.

    Notes
    -----
    Multi-edges are collapsed first: a tie's interactions are the rows of a
    ``multi=True`` network (or the ``weight`` column of a collapsed one) and its
    weight is the sum of the ``weight`` column over its rows. Self-loops exist only
    in networks built with ``loops=True``: they count in degrees, ties and
    strengths (once in the in- and once in the out- measure; twice in the total,
    igraph's convention) and are ignored by every other measure.

    - ``in_degree`` / ``out_degree`` / ``degree``: interactions received / sent /
      both (undirected: interactions on incident ties).
    - ``in_ties`` / ``out_ties`` / ``ties``: distinct ties received / sent / both
      (ordered pairs when directed; with ``directed=False``, distinct neighbours).
    - ``in_strength`` / ``out_strength`` / ``strength``: sums of ``weight`` (with
      ``weight=None`` they equal the ties).
    - ``betweenness``: ``sum_{s != v != t} sigma_st(v) / sigma_st`` over ordered
      (directed) or unordered (undirected) pairs, shortest paths by tie length
      (see ``weight_as``); igraph ``Graph.betweenness``.
    - ``closeness``: Wasserman–Faust closeness, sound on disconnected networks:
      ``(r / (n - 1)) * (r / sum_u d(v, u))`` where ``r`` is the number of other
      nodes reachable from ``v`` (``mode="out"``), 0 when ``r = 0`` (networkx's
      ``closeness_centrality`` with ``wf_improved=True``).
    - ``harmonic``: ``sum_{u != v} 1 / d(v, u)`` (unreachable: 0), divided by
      ``n - 1`` when ``normalized``.
    - ``eigenvector``: principal eigenvector of the weighted adjacency matrix
      (directed: a node is central when central nodes point to it, in-edges),
      scaled so the maximum is 1; igraph ``eigenvector_centrality``.
    - ``pagerank``: PageRank with ``damping``, weights as transition
      propensities, dangling nodes jump uniformly; sums to 1 (igraph PRPACK).
    - ``hub`` / ``authority``: Kleinberg's HITS scores on the weighted
      adjacency matrix, maximum scaled to 1.
    - ``coreness``: k-core number of the unweighted distinct-tie graph, degree
      = in + out ties when directed (igraph ``coreness(mode="all")``).
    - ``constraint``: Burt's constraint ``sum_j (p_ij + sum_q p_iq p_qj)^2``
      with ``p_ij = (a_ij + a_ji) / sum_k (a_ik + a_ki)``, ``a`` the weights;
      NaN for isolates (igraph ``constraint``).
    - ``clustering``: local clustering coefficient of the undirected,
      unweighted distinct-tie graph: triangles through ``v`` divided by
      ``k(k-1)/2``; 0 when ``k < 2`` (igraph ``transitivity_local_undirected``).

    Path measures use only ties of positive weight.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c", "d", "b"],
    ...     "target": ["a", "a", "a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> net = ca.build_network(ev)
    >>> c = ca.centrality(net, ["in_degree", "in_ties", "out_degree"])
    >>> c.loc["a"].tolist(), c.loc["b"].tolist()
    ([4, 3, 0], [0, 0, 2])
    """
    if convention == "igraph":
        from .igraph_convention import igraph_centrality

        if weight_as not in (None, "distance"):
            raise ParameterError(
                "convention='igraph' reads weights as igraph does, as lengths: "
                f"weight_as must be 'distance' or left out, found {weight_as!r}"
            )
        if pivots is not None:
            raise ParameterError(
                "convention='igraph' computes exact betweenness as igraph does; pivots "
                "(sampled betweenness) needs convention='connectana'"
            )
        df = igraph_centrality(
            net, measures, directed=directed, weight=weight, mode=mode, damping=damping,
            normalized=bool(normalized),
        )  # fmt: skip
        if percentiles:
            for m in list(df.columns):
                df[f"{m}_pct"] = df[m].rank(method="max", pct=True) * 100
        return df
    if convention != "connectana":
        raise ParameterError(f"convention must be 'connectana' or 'igraph', found {convention!r}")
    weight_as = "strength" if weight_as is None else weight_as
    normalized = True if normalized is None else normalized
    directed = net.resolve_directed(directed)
    if weight_as not in ("strength", "distance"):
        raise InputError(f"weight_as must be 'strength' or 'distance', found {weight_as!r}")
    if mode not in ("out", "in"):
        raise InputError(f"mode must be 'out' or 'in', found {mode!r}")
    if measures is None:
        measures = [m for m in MEASURES if directed or m not in _DIRECTED_ONLY]
    elif isinstance(measures, str):
        measures = [measures]
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise InputError(f"unknown measure(s) {unknown}; choose from {list(MEASURES)}")
    out = node_values(
        net.view(directed=directed, weight=weight),
        list(dict.fromkeys(measures)),
        weight_as=weight_as,
        mode=mode,
        pivots=pivots,
        seed=seed,
        damping=damping,
        normalized=normalized,
    )
    df = pd.DataFrame({m: out[m] for m in measures}, index=net.nodes.index.copy())
    if percentiles:
        for m in measures:
            df[f"{m}_pct"] = df[m].rank(method="max", pct=True) * 100
    df.attrs = {
        "directed": directed,
        "weight": weight,
        "weight_as": weight_as,
        "mode": mode,
        "pivots": pivots,
        "seed": seed,
        "damping": damping,
        "normalized": normalized,
    }
    return df
