"""R igraph's and python-igraph's own definitions: ``convention="igraph"``.

``ca.centrality(net, convention="igraph")`` and ``ca.summary(net, convention="igraph")``
compute every measure as R igraph (1.3+) computes it with its default arguments on the
network *as built*, so that a published R analysis can be reproduced number for number:

- the graph has one edge per row of ``net.edges``: a ``multi=True`` network keeps every
  interaction as its own edge (R's ``graph_from_data_frame``), a ``multi=False`` one has
  one edge per distinct tie carrying the summed ``weight`` (R's
  ``simplify(g, edge.attr.comb = list(weight = "sum"))``); self-loops are edges when the
  network was built with ``loops=True``;
- weights are read as igraph reads them: lengths (distances) for paths (betweenness,
  closeness, harmonic, diameter, distances, efficiency), multiplicities for degree-like
  and spectral measures (strength, eigenvector, PageRank, hub, authority, constraint);
- ``directed=False`` on a directed network keeps a→b and b→a apart as two undirected
  edges (igraph's ``directed = FALSE`` argument, ``as.undirected(mode = "each")``), so a
  path takes the shorter of the two lengths and each counts as its own shortest path;
- nothing is normalised unless ``normalized=True``.

The default convention (``convention="connectana"``, :mod:`connectana.metrics.centrality`)
collapses multi-edges and loops first and reads weights as strengths; the two agree on a
simple, unweighted network for most measures. The columns and keys of this convention
carry the suffix ``_igraph``: one name, one number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import ParameterError
from ..measures import (
    IGRAPH_NETWORK_CALLS,
    IGRAPH_NODE_CALLS,
    NODE_MEASURES,
    network_values,
    node_values,
)

if TYPE_CHECKING:  # pragma: no cover
    import igraph

    from ..network import Network

__all__ = ["IGRAPH_MEASURES", "IGRAPH_SUMMARY_KEYS", "igraph_centrality", "igraph_summary"]

SUFFIX = "_igraph"

#: The measures ``centrality(..., convention="igraph")`` computes, with their R igraph calls
#: (registry entries ``<measure>_igraph``, :mod:`connectana.measures`).
IGRAPH_MEASURES = IGRAPH_NODE_CALLS
#: The keys ``summary(..., convention="igraph")`` returns (each with the suffix ``_igraph``).
IGRAPH_SUMMARY_KEYS = IGRAPH_NETWORK_CALLS


def graph_as_built(
    net: Network, *, directed: bool | None = None, weight: str | None = "weight"
) -> igraph.Graph:
    """The igraph graph of ``net`` as built: one edge per row of ``net.edges``.

    Edge attribute ``weight`` holds the chosen column (absent when ``weight`` is
    None). ``directed=False`` on a directed network makes each edge undirected
    without merging any (igraph's ``as_undirected(mode="each")``). The graph of
    ``net.view_as_built(directed=, weight=)``, built once per network: treat it
    as read-only.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "a", "b", "b"],
    ...     "target": ["b", "b", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> g = graph_as_built(ca.build_network(ev, multi=True, loops=True))
    >>> g.ecount(), g.count_multiple(), g.is_loop()
    (4, [2, 2, 1, 1], [False, False, False, True])
    """
    return net.view_as_built(directed=directed, weight=weight).graph


def igraph_centrality(
    net: Network,
    measures: Sequence[str] | None = None,
    *,
    directed: bool | None = None,
    weight: str | None = "weight",
    mode: str = "out",
    damping: float = 0.85,
    normalized: bool = False,
) -> pd.DataFrame:
    """Centrality as R igraph computes it by default; columns ``<measure>_igraph``.

    Called by ``ca.centrality(net, measures, convention="igraph", ...)``.

    Parameters
    ----------
    net : Network
    measures : sequence of str, optional
        Any key of :data:`IGRAPH_MEASURES`; default all of them for a directed
        computation, all but the ``in_``/``out_`` ones, ``hub`` and ``authority``
        for an undirected one.
    directed : bool, optional
        Default ``net.directed``. ``False``: R's ``directed = FALSE`` (reciprocal
        edges kept apart).
    weight : str or None
        Edge column read as igraph reads R's ``weight`` attribute; None: no weights.
    mode : {"out", "in", "all"}
        Closeness and harmonic centrality on a directed computation (R's default
        ``"out"``); an undirected computation always uses ``"all"``.
    damping : float
        PageRank damping.
    normalized : bool
        R's ``normalized = TRUE`` for betweenness (÷ (n−1)(n−2), ×2 undirected),
        closeness (× number of reachable nodes) and harmonic (÷ (n−1)). Default
        False, as in R.

    Returns
    -------
    DataFrame
        Indexed like ``net.nodes``; ``attrs`` records the options.

    Notes
    -----
    Each column is the registry's measure ``<measure>_igraph``
    (:mod:`connectana.measures`), the R call of :data:`IGRAPH_MEASURES` on the graph of
    :func:`graph_as_built` (python-igraph's method of the same name gives the same
    numbers; mind python-igraph's different defaults: ``closeness`` and
    ``harmonic_centrality`` normalise and use ``mode="all"``, and
    ``eigenvector_centrality`` is directed). In detail:

    - degrees count every edge, multi-edges each time, a loop once in ``in`` and
      ``out`` and twice in ``all``; strengths sum ``weight`` the same way;
    - ``betweenness``: Σ σ_st(v)/σ_st over ordered pairs (unordered when
      undirected), each parallel edge its own path, lengths = ``weight``;
    - ``closeness``: 1 / Σ_u d(v, u) over the nodes u reachable from v (``mode``);
      NaN for a node that reaches nobody;
    - ``harmonic``: Σ_u 1 / d(v, u);
    - ``eigenvector``: principal eigenvector of the adjacency matrix (multi-edges
      summed, weights as multiplicities, an undirected loop counted twice),
      maximum 1; directed: in-edges;
    - ``pagerank``: PRPACK, weights as transition propensities, loops kept;
    - ``hub`` / ``authority``: Kleinberg's scores, maximum 1;
    - ``coreness``: k-core number with degree counting multi-edges and loops
      (twice), ``mode = "all"``;
    - ``constraint``: Burt's constraint, multi-edge weights summed; NaN for isolates;
    - ``clustering``: local transitivity of the simple undirected graph, NaN when
      the node has fewer than two neighbours.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "a", "b", "c"],
    ...     "target": ["b", "b", "c", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> net = ca.build_network(ev, multi=True)
    >>> c = ca.centrality(net, ["degree", "closeness"], convention="igraph", directed=False)
    >>> c.round(4).to_dict("list")
    {'degree_igraph': [3, 3, 2], 'closeness_igraph': [0.5, 0.5, 0.5]}
    """
    directed = net.resolve_directed(directed)
    if mode not in ("out", "in", "all"):
        raise ParameterError(f"mode must be 'out', 'in' or 'all', found {mode!r}")
    if measures is None:
        measures = [
            m for m in IGRAPH_MEASURES if directed or not NODE_MEASURES[m + SUFFIX].directed_only
        ]
    elif isinstance(measures, str):
        measures = [measures]
    unknown = [m for m in measures if m not in IGRAPH_MEASURES]
    if unknown:
        raise ParameterError(
            f"unknown measure(s) {unknown} for convention='igraph'; "
            f"choose from {list(IGRAPH_MEASURES)}"
        )
    view = net.view_as_built(directed=directed, weight=weight)
    path_mode = mode if directed else "all"
    names = [f"{m}{SUFFIX}" for m in dict.fromkeys(measures)]
    values = node_values(view, names, mode=mode, damping=damping, normalized=normalized)
    out = {m: values[f"{m}{SUFFIX}"] for m in measures}
    df = pd.DataFrame({f"{m}{SUFFIX}": out[m] for m in measures}, index=net.nodes.index.copy())
    df.attrs = {
        "convention": "igraph",
        "directed": directed,
        "weight": weight,
        "weight_as": "distance",
        "mode": path_mode,
        "damping": damping,
        "normalized": normalized,
        "multi": bool(net.meta.get("multi")),
        "loops": bool(net.meta.get("loops")),
    }
    return df


def igraph_summary(
    net: Network, *, directed: bool | None = None, weight: str | None = "weight"
) -> pd.Series:
    """Whole-network values as R igraph computes them; keys ``<key>_igraph``.

    Called by ``ca.summary(net, convention="igraph")``.

    Parameters
    ----------
    net : Network
    directed : bool, optional
        Default ``net.directed``; ``False``: the network's edges made undirected
        one by one (reciprocal edges kept apart), R's ``directed = FALSE``.
    weight : str or None
        Edge column read as R's ``weight`` attribute (lengths for the distance
        keys); None: hops.

    Returns
    -------
    Series
        The keys of :data:`IGRAPH_SUMMARY_KEYS` with the suffix ``_igraph``.

    Notes
    -----
    - ``nodes``, ``edges``: every edge counts, multi-edges and loops included;
    - ``density``: edges / n(n−1) (÷ n(n−1)/2 undirected), R's
      ``edge_density(g)`` (multi-edges and loops counted in the numerator);
    - ``reciprocity``: share of non-loop edges whose reverse exists (R's default
      ``ignore.loops = TRUE``); 1 when undirected;
    - ``transitivity``: 3 × triangles / connected triples of the simple
      undirected graph;
    - ``diameter``: longest finite shortest path, lengths = ``weight``;
    - ``mean_distance``: mean length of the shortest paths between reachable
      ordered pairs (unordered when undirected);
    - ``global_efficiency``: mean of 1 / d(u, v) over all ordered pairs u ≠ v
      (unreachable: 0).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "a", "b"],
    ...     "target": ["b", "b", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True)}))
    >>> s = ca.summary(ca.build_network(ev, multi=True), convention="igraph")
    >>> s["edges_igraph"], s["density_igraph"], s["reciprocity_igraph"]
    (3, 1.5, 0.6666666666666666)
    """
    directed = net.resolve_directed(directed)
    view = net.view_as_built(directed=directed, weight=weight)
    values = network_values(view, [f"{k}{SUFFIX}" for k in IGRAPH_SUMMARY_KEYS])
    s = pd.Series(values, dtype=object)
    s.attrs = {"convention": "igraph", "directed": directed, "weight": weight}
    return s
