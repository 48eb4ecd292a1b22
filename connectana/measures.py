"""The registry of measures: one name, one definition, one number.

Every node measure (a value per node) and every whole-network measure (one
value per network) that a connectana result shows under a name is defined here
once: its definition in words, how direction and weights enter, its
normalisation, and the function that computes it. :func:`connectana.centrality`,
:func:`connectana.summary`, the snapshot columns of :func:`connectana.growth`,
:func:`connectana.person_growth`, :func:`connectana.null_model_test`,
:func:`connectana.network_pattern` and :func:`connectana.staff_dependence` all
compute through it, so the same name gives the same value everywhere; a variant
has its own name (``centralization_undirected``, ``largest_component_share_posters``,
``period_interactions``, ...).

R's conventions are variants with their own names too: ``<m>_igraph`` (R igraph's
defaults on the network *as built*, one edge per row of ``net.edges``, computed on
:class:`AsBuiltView`, ``net.view_as_built()``) and ``<m>_sna`` (R sna's defaults on the
binary matrix of distinct ties), shown by ``centrality``/``summary`` with
``convention="igraph"`` / ``"sna"``.

The module is over 800 lines on purpose: it is the one table of definitions
(about 100 measures, a short entry each, with the view they are computed on);
splitting it would scatter the place where a name is defined.

Looking a measure up::

    >>> from connectana.measures import measure, measure_table
    >>> measure("betweenness").level, measure("largest_component_share").level
    ('node', 'network')
    >>> measure("ties", level="node").definition[:40]
    'Distinct ties (ordered pairs when direct'

A name means one definition at each level: ``ties`` is a node's distinct ties in
a node table and the network's distinct ties in a whole-network result (the
node values sum to twice the network's).
    >>> print(measure("density").definition)
    Distinct ties between two different nodes / possible ties: L / (n(n-1)) directed, L / (n(n-1)/2) undirected.

Computing on a network (``net.view()`` is the network's memoised :class:`GraphView`)::

    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c"], "target": ["a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 2, utc=True)}))
    >>> net = ca.build_network(ev)
    >>> network_values(net.view(), ["ties", "density"])
    {'ties': 2, 'density': 0.3333333333333333}
    >>> list(net.nodes.index), node_values(net.view(), ["in_degree"])["in_degree"].tolist()
    (['b', 'c', 'a'], [0, 0, 2])

A :class:`GraphView` holds the distinct ties of a network as integer arrays and
builds each igraph graph it needs (directed simple graph, its undirected
collapse) once; :func:`count_graph_builds` counts those constructions.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import igraph

__all__ = [
    "Measure",
    "MEASURES",
    "NODE_MEASURES",
    "NETWORK_MEASURES",
    "GraphView",
    "measure",
    "measure_table",
    "node_values",
    "network_values",
    "count_graph_builds",
    "graph_builds",
    "new_graph",
    "named_values",
    "poster_mask",
    "AsBuiltView",
    "IGRAPH_NODE_CALLS",
    "IGRAPH_NETWORK_CALLS",
    "SNA_CALLS",
    "POSTER_VARIANTS",
]

# -- counting graph constructions ------------------------------------------------------------
_BUILDS = {"total": 0}


def graph_builds() -> int:
    """How many igraph graphs the views have built since the process started."""
    return _BUILDS["total"]


@contextlib.contextmanager
def count_graph_builds() -> Iterator[dict]:
    """Count the igraph graphs built inside a ``with`` block.

    Yields a dict whose ``"builds"`` is filled in when the block ends.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c"], "target": ["a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 2, utc=True)}))
    >>> net = ca.build_network(ev)
    >>> with count_graph_builds() as counted:
    ...     _ = ca.centrality(net, ["betweenness", "pagerank"])
    ...     _ = ca.summary(net)
    >>> counted["builds"]  # weighted view's graph and binary view's graph (transitivity
    ... # is read off the directed graph: no undirected one needed)
    2
    >>> with count_graph_builds() as again:
    ...     _ = ca.centrality(net, ["closeness", "in_ties"])
    ...     _ = ca.summary(net, directed=True)
    >>> again["builds"]  # the graphs already built for this network are reused
    0
    """
    before = _BUILDS["total"]
    box = {"builds": 0}
    try:
        yield box
    finally:
        box["builds"] = _BUILDS["total"] - before


def new_graph(n: int, edges: np.ndarray, directed: bool) -> igraph.Graph:
    """An igraph graph with ``n`` vertices and the given edges, counted by
    :func:`count_graph_builds` (every graph built from a Network goes through here)."""
    import igraph as ig

    _BUILDS["total"] += 1
    g = ig.Graph(n=n, directed=directed)
    if len(edges):
        g.add_edges(edges)
    return g


# -- the view: distinct ties as arrays, graphs built once ------------------------------------
class GraphView:
    """The distinct ties of a network, with the igraph graphs built from them once.

    Parameters
    ----------
    n : int
        Number of nodes (codes ``0 .. n-1``).
    directed : bool
    s, t : array of int
        Codes of each distinct tie's ends (``s <= t`` when undirected); self-ties allowed.
    interactions : array of float
        Interactions on each tie.
    w : array of float
        Weight of each tie (the weight column summed; 1 for a binary view).
    weighted : bool
        Whether ``w`` carries weights (False: binary view, every ``w`` is 1).

    Notes
    -----
    :attr:`graph` is the loop-free simple graph (one edge per distinct tie
    between two different nodes) with edge attributes ``weight`` (``w``) and
    ``interactions``; :attr:`undirected` collapses a→b and b→a into one edge,
    summing both attributes. Both are built on first use and kept.
    """

    def __init__(
        self,
        n: int,
        directed: bool,
        s: np.ndarray,
        t: np.ndarray,
        interactions: np.ndarray,
        w: np.ndarray,
        *,
        weighted: bool = True,
        graph: igraph.Graph | None = None,
    ) -> None:
        self.n = int(n)
        self.directed = bool(directed)
        self.s = np.asarray(s, dtype=np.int64)
        self.t = np.asarray(t, dtype=np.int64)
        self.interactions = np.asarray(interactions, dtype=float)
        self.w = np.asarray(w, dtype=float)
        self.weighted = weighted
        self._cache: dict[str, Any] = {}
        if graph is not None:
            self._cache["graph"] = graph

    @classmethod
    def from_graph(cls, g: igraph.Graph, *, weight: str | None = "weight") -> GraphView:
        """A view of an igraph graph of distinct ties (edge attribute ``weight``, else
        1, also taken as the interactions). A simple graph is reused as
        :attr:`graph` (its edge attributes ``weight`` and ``interactions`` are set)."""
        el = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        has = weight is not None and weight in g.es.attributes()
        w = np.array(g.es[weight], dtype=float) if has else np.ones(len(el))
        loops = el[:, 0] == el[:, 1]
        reuse = None
        if not loops.any() and not g.has_multiple():
            g.es["weight"] = w.tolist()
            g.es["interactions"] = w.tolist()
            reuse = g
        return cls(g.vcount(), g.is_directed(), el[:, 0], el[:, 1], w, w, weighted=has, graph=reuse)

    def _cached(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # -- arrays ----------------------------------------------------------------------
    @property
    def loop(self) -> np.ndarray:
        return self.s == self.t

    @property
    def n_ties(self) -> int:
        """Distinct ties between two different nodes."""
        return int((~self.loop).sum())

    # -- graphs ----------------------------------------------------------------------
    @property
    def graph(self) -> igraph.Graph:
        def make() -> igraph.Graph:
            keep = ~self.loop
            g = new_graph(self.n, np.column_stack([self.s[keep], self.t[keep]]), self.directed)
            g.es["weight"] = self.w[keep].tolist()
            g.es["interactions"] = self.interactions[keep].tolist()
            return g

        return self._cached("graph", make)

    @property
    def undirected(self) -> igraph.Graph:
        """The undirected simple graph (a→b and b→a merged, attributes summed)."""
        if not self.directed:
            return self.graph

        def make() -> igraph.Graph:
            keep = ~self.loop
            a = np.minimum(self.s[keep], self.t[keep]).astype(np.int64)
            b = np.maximum(self.s[keep], self.t[keep]).astype(np.int64)
            # pairs in (a, b) order, a->b and b->a summed as pandas' groupby sum does (NaN
            # skipped; at most two distinct ties a pair, so the order of addition is moot)
            pair, at = np.unique(a * max(self.n, 1) + b, return_inverse=True)
            w_keep, i_keep = self.w[keep], self.interactions[keep]
            w_keep = np.where(np.isnan(w_keep), 0.0, w_keep)
            i_keep = np.where(np.isnan(i_keep), 0.0, i_keep)
            w = np.bincount(at, weights=w_keep, minlength=len(pair))
            inter = np.bincount(at, weights=i_keep, minlength=len(pair))
            edges = np.column_stack([pair // max(self.n, 1), pair % max(self.n, 1)])
            g = new_graph(self.n, edges, False)
            g.es["weight"] = w.tolist()
            g.es["interactions"] = inter.tolist()
            return g

        return self._cached("undirected", make)

    def undirected_view(self) -> GraphView:
        """This view with direction ignored (a→b and b→a one tie, both summed)."""
        if not self.directed:
            return self

        def make() -> GraphView:
            a, b = np.minimum(self.s, self.t), np.maximum(self.s, self.t)
            df = pd.DataFrame({"a": a, "b": b, "w": self.w, "i": self.interactions})
            df = df.groupby(["a", "b"], sort=True, as_index=False)[["w", "i"]].sum()
            v = GraphView(
                self.n,
                False,
                df["a"].to_numpy(),
                df["b"].to_numpy(),
                df["i"].to_numpy(),
                df["w"].to_numpy(),
                weighted=self.weighted,
            )
            if "undirected" in self._cache:
                v._cache["graph"] = self._cache["undirected"]
            return v

        return self._cached("undirected_view", make)

    def subview(self, keep: np.ndarray) -> GraphView:
        """The view induced by the nodes where ``keep`` is True (codes renumbered);
        memoised per node set."""
        keep = np.asarray(keep, dtype=bool)

        def make() -> GraphView:
            new = np.cumsum(keep) - 1
            inside = keep[self.s] & keep[self.t]
            return GraphView(
                int(keep.sum()),
                self.directed,
                new[self.s[inside]],
                new[self.t[inside]],
                self.interactions[inside],
                self.w[inside],
                weighted=self.weighted,
            )

        return self._cached("subview:" + np.packbits(keep).tobytes().hex(), make)

    # -- shared intermediate results (computed once per view) --------------------------
    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """A value computed once per view (used by the measures)."""
        return self._cached("memo:" + key, make)


# -- the registry ----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Measure:
    """One measure: its name, definition and how to compute it.

    Attributes
    ----------
    name : str
    level : {"node", "network"}
    definition : str
        The exact definition, in words (shown by the report, the CLI and ``docs/``).
    direction : str
        How tie direction enters.
    weights : str
        How tie weights enter.
    normalisation : str
    compute : callable
        ``compute(view, options) -> value`` (network) or array over nodes (node).
    directed_only : bool
        Defined on directed networks only (NaN, or not listed, otherwise).
    view : {"distinct", "as_built"}
        What ``compute`` takes: a :class:`GraphView` of the distinct ties
        (``net.view()``), or an :class:`AsBuiltView` of the network as built
        (``net.view_as_built()``: the ``_igraph`` measures, R igraph's convention).
    """

    name: str
    level: str
    definition: str
    direction: str
    weights: str
    normalisation: str
    compute: Callable[[GraphView, dict], Any] = dataclasses.field(repr=False, compare=False)
    directed_only: bool = False
    view: str = "distinct"


#: Node measures by name (a value per node).
NODE_MEASURES: dict[str, Measure] = {}
#: Whole-network measures by name (one value per network).
NETWORK_MEASURES: dict[str, Measure] = {}
#: Every measure, keyed by ``(level, name)``.
MEASURES: dict[tuple[str, str], Measure] = {}


def _register(m: Measure) -> Measure:
    if (m.level, m.name) in MEASURES:
        raise RuntimeError(f"measure {m.name!r} defined twice")  # pragma: no cover
    (NODE_MEASURES if m.level == "node" else NETWORK_MEASURES)[m.name] = m
    MEASURES[(m.level, m.name)] = m
    return m


def measure(name: str, *, level: str | None = None) -> Measure:
    """The registered measure called ``name`` (``level`` = ``"node"`` or
    ``"network"`` when the name exists at both, as ``ties`` does).

    Examples
    --------
    >>> measure("pagerank").weights
    'weight column (transition propensities)'
    >>> measure("ties", level="network").definition
    'Distinct ties between two different nodes (ordered pairs when directed).'
    """
    levels = ("node", "network") if level is None else (level,)
    found = [MEASURES[(lv, name)] for lv in levels if (lv, name) in MEASURES]
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(
            f"{name!r} is a node and a network measure; give level='node' or 'network'"
        )
    raise InputError(
        f"unknown measure {name!r}",
        expected=f"one of {sorted({n for _, n in MEASURES})}",
    )


def measure_table(level: str | None = None) -> pd.DataFrame:
    """Every registered measure and its definition, one row per name.

    Examples
    --------
    >>> t = measure_table("network")
    >>> t.loc["centralization_all", "normalisation"]
    'by 2(n-1)(n-2) directed, (n-1)(n-2) undirected: a star scores 1'
    """
    rows = [
        {
            "name": m.name,
            "level": m.level,
            "definition": m.definition,
            "direction": m.direction,
            "weights": m.weights,
            "normalisation": m.normalisation,
            "directed_only": m.directed_only,
            "view": m.view,
        }
        for m in MEASURES.values()
        if level is None or m.level == level
    ]
    return pd.DataFrame(rows).set_index("name")


#: Default options of the node measures (the defaults of :func:`connectana.centrality`).
NODE_DEFAULTS: dict[str, Any] = {
    "weight_as": "strength",
    "mode": "out",
    "pivots": None,
    "seed": 0,
    "damping": 0.85,
    "normalized": True,
}


def node_values(view: GraphView, names: Sequence[str], **options: Any) -> dict[str, np.ndarray]:
    """Node measures on a view: ``name -> array over nodes`` (options: :data:`NODE_DEFAULTS`)."""
    opts = {**NODE_DEFAULTS, **options}
    out: dict[str, np.ndarray] = {}
    for name in names:
        m = NODE_MEASURES.get(name)
        if m is None:
            raise InputError(
                f"unknown node measure {name!r}", expected=f"one of {list(NODE_MEASURES)}"
            )
        out[name] = m.compute(_checked(view, m), opts)
    return out


def network_values(view: GraphView, names: Sequence[str], **options: Any) -> dict[str, Any]:
    """Whole-network measures on a view: ``name -> value``.

    Options: ``seed`` (Leiden, for ``modularity`` and ``communities``),
    ``self_loops`` (the count recorded when the network was built),
    ``staff`` (boolean array over nodes, for the ``staff_*`` shares).
    """
    opts = {"seed": 0, **options}
    out: dict[str, Any] = {}
    for name in names:
        m = NETWORK_MEASURES.get(name)
        if m is None:
            raise InputError(
                f"unknown network measure {name!r}", expected=f"one of {list(NETWORK_MEASURES)}"
            )
        out[name] = m.compute(_checked(view, m), opts)
    return out


def _checked(view: Any, m: Measure) -> Any:
    """The view, if it is the kind ``m`` is computed on."""
    as_built = isinstance(view, AsBuiltView)
    if as_built != (m.view == "as_built"):
        where = "net.view_as_built()" if m.view == "as_built" else "net.view()"
        raise InputError(f"measure {m.name!r} is computed on {where}")
    return view


# -- node measures ---------------------------------------------------------------------------
def _count(view: GraphView, values: np.ndarray, side: str) -> np.ndarray:
    n = view.n
    if side == "in" and view.directed:
        r = np.bincount(view.t, weights=values, minlength=n)
    elif side == "out" and view.directed:
        r = np.bincount(view.s, weights=values, minlength=n)
    else:
        r = np.bincount(view.s, weights=values, minlength=n) + np.bincount(
            view.t, weights=values, minlength=n
        )
    return r.astype(np.int64) if np.all(r % 1 == 0) else r


def _degree_family(name: str, side: str, base: str) -> Measure:
    where = {"in": " received", "out": " sent", "all": ""}[side]
    text = {
        "degree": f"Interactions{where} on the node's ties"
        + (" (sent + received)" if side == "all" else ""),
        "ties": f"Distinct ties{where} (ordered pairs when directed; distinct neighbours "
        "when undirected)" + (" (in + out)" if side == "all" else ""),
        "strength": f"Sum of the weight column over the ties{where}"
        + (" (in + out)" if side == "all" else "")
        + "; equals the ties on a binary view",
    }[base]
    text += (
        ". Self-loops (loops=True networks only) count once in in- and out-, twice in the total."
    )

    def compute(view: GraphView, opts: dict) -> np.ndarray:
        vals = {"degree": view.interactions, "ties": np.ones(len(view.s)), "strength": view.w}
        return _count(view, vals[base], side)

    return Measure(
        name,
        "node",
        text,
        "in/out follow tie direction" if side != "all" else "both directions counted",
        {"degree": "interactions", "ties": "none", "strength": "weight column"}[base],
        "none (a count)",
        compute,
        directed_only=side != "all",
    )


for _base in ("degree", "ties", "strength"):
    for _side in ("in", "out", "all"):
        _register(_degree_family(_base if _side == "all" else f"{_side}_{_base}", _side, _base))


def _lengths(view: GraphView, weight_as: str) -> tuple[igraph.Graph, list | None]:
    """The graph restricted to positive-weight ties, and tie lengths (None: hops)."""
    g = view.graph
    if not view.weighted:
        return g, None
    w = np.array(g.es["weight"], dtype=float) if g.ecount() else np.zeros(0)
    if (w <= 0).any():
        g = g.subgraph_edges(np.flatnonzero(w > 0).tolist(), delete_vertices=False)
        w = w[w > 0]
    return g, (1.0 / w if weight_as == "strength" else w).tolist()


def _betweenness(view: GraphView, opts: dict) -> np.ndarray:
    n, directed = view.n, view.directed
    g, lengths = _lengths(view, opts["weight_as"])
    pivots, seed = opts["pivots"], opts["seed"]
    if pivots is None or pivots >= n:
        b = np.array(g.betweenness(directed=directed, weights=lengths), dtype=float)
    else:
        if pivots < 1:
            raise InputError(f"pivots must be a positive number of nodes, found {pivots!r}")
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(n, size=pivots, replace=False)).tolist()
        b = np.array(
            g.betweenness(directed=directed, weights=lengths, sources=sources), dtype=float
        )
        b *= n / pivots
    if opts["normalized"] and n > 2:
        b /= (n - 1) * (n - 2) / (1 if directed else 2)
    return b


def _closeness_harmonic(view: GraphView, opts: dict) -> tuple[np.ndarray, np.ndarray]:
    key = f"closeness_harmonic:{opts['weight_as']}:{opts['mode']}:{opts['normalized']}"

    def make() -> tuple[np.ndarray, np.ndarray]:
        n = view.n
        mode = opts["mode"] if view.directed else "all"
        g, lengths = _lengths(view, opts["weight_as"])
        clo, har = np.zeros(n), np.zeros(n)
        step = max(1, 2_000_000 // max(n, 1))
        for start in range(0, n, step):
            src = np.arange(start, min(n, start + step))
            d = np.array(g.distances(source=src.tolist(), weights=lengths, mode=mode), dtype=float)
            d = d.reshape(len(src), n)
            d[np.arange(len(src)), src] = np.inf
            reach = np.isfinite(d)
            r = reach.sum(axis=1)
            total = np.where(reach, d, 0.0).sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                clo[src] = np.where(total > 0, (r / max(n - 1, 1)) * (r / total), 0.0)
                har[src] = np.where(reach, 1.0 / d, 0.0).sum(axis=1)
        if opts["normalized"] and n > 1:
            har /= n - 1
        return clo, har

    return view.memo(key, make)


def _spectral(view: GraphView, name: str) -> np.ndarray:
    g = view.graph
    if g.ecount() == 0:
        return np.zeros(g.vcount())
    return np.array(getattr(g, name)(weights="weight", scale=True), dtype=float)


_PATHS = "tie length 1/weight (weight_as='strength', default) or weight ('distance'); hops on a binary view"
_register(
    Measure(
        "betweenness",
        "node",
        "Sum over pairs s != v != t of sigma_st(v) / sigma_st (shortest paths through v), "
        "ordered pairs when directed; igraph Graph.betweenness; pivots= samples sources "
        "(Brandes & Pich 2007), scaled by n / pivots.",
        "follows the network",
        _PATHS,
        "divided by (n-1)(n-2) directed or (n-1)(n-2)/2 undirected (normalized=True, default)",
        _betweenness,
    )
)
_register(
    Measure(
        "closeness",
        "node",
        "Wasserman-Faust closeness: (r / (n-1)) * (r / sum_u d(v, u)), r the nodes reachable "
        "from v (mode='out'; 'in': reaching v); 0 when r = 0 (networkx wf_improved=True).",
        "follows the network (mode='out' distances from the node)",
        _PATHS,
        "in [0, 1] by construction",
        lambda view, opts: _closeness_harmonic(view, opts)[0],
    )
)
_register(
    Measure(
        "harmonic",
        "node",
        "sum_{u != v} 1 / d(v, u), unreachable nodes contributing 0.",
        "follows the network (mode='out' distances from the node)",
        _PATHS,
        "divided by n-1 (normalized=True, default)",
        lambda view, opts: _closeness_harmonic(view, opts)[1],
    )
)
_register(
    Measure(
        "eigenvector",
        "node",
        "Principal eigenvector of the weighted adjacency matrix (directed: in-edges, a node is "
        "central when central nodes point to it); igraph eigenvector_centrality.",
        "follows the network",
        "weight column",
        "maximum scaled to 1",
        lambda view, opts: _spectral(view, "eigenvector_centrality"),
    )
)


def _pagerank(view: GraphView, opts: dict) -> np.ndarray:
    if not view.n:
        return np.zeros(0)
    g = view.graph
    return np.array(
        g.pagerank(directed=view.directed, damping=opts["damping"], weights="weight"), dtype=float
    )


_register(
    Measure(
        "pagerank",
        "node",
        "PageRank with damping (default 0.85), dangling nodes jump uniformly (igraph PRPACK).",
        "follows the network",
        "weight column (transition propensities)",
        "sums to 1",
        _pagerank,
    )
)
_register(
    Measure(
        "hub",
        "node",
        "Kleinberg's HITS hub score on the weighted adjacency matrix.",
        "directed",
        "weight column",
        "maximum scaled to 1",
        lambda view, opts: _spectral(view, "hub_score"),
        directed_only=True,
    )
)
_register(
    Measure(
        "authority",
        "node",
        "Kleinberg's HITS authority score on the weighted adjacency matrix.",
        "directed",
        "weight column",
        "maximum scaled to 1",
        lambda view, opts: _spectral(view, "authority_score"),
        directed_only=True,
    )
)
_register(
    Measure(
        "coreness",
        "node",
        "k-core number of the distinct-tie graph, degree = in + out ties when directed "
        "(igraph coreness(mode='all')).",
        "ignored (in + out)",
        "none",
        "none",
        lambda view, opts: np.array(view.graph.coreness(mode="all"), dtype=float),
    )
)
_register(
    Measure(
        "constraint",
        "node",
        "Burt's constraint sum_j (p_ij + sum_q p_iq p_qj)^2 with p_ij = (a_ij + a_ji) / "
        "sum_k (a_ik + a_ki); NaN for isolates (igraph constraint).",
        "ignored (a_ij + a_ji)",
        "weight column",
        "none",
        lambda view, opts: np.array(view.graph.constraint(weights="weight"), dtype=float),
    )
)
_register(
    Measure(
        "clustering",
        "node",
        "Local clustering coefficient of the undirected distinct-tie graph: triangles through "
        "v / (k(k-1)/2); 0 when k < 2 (igraph transitivity_local_undirected).",
        "ignored",
        "none",
        "in [0, 1]",
        lambda view, opts: np.array(
            view.undirected.transitivity_local_undirected(mode="zero"), dtype=float
        ),
    )
)


# -- network measures ------------------------------------------------------------------------
def _num(x: Any) -> int | float:
    x = float(x)
    return int(x) if x.is_integer() else x


def _possible(view: GraphView) -> float:
    n = view.n
    return n * (n - 1) / (1 if view.directed else 2)


def _net(name, definition, direction, weights, normalisation, compute, directed_only=False):
    return _register(
        Measure(
            name,
            "network",
            definition,
            direction,
            weights,
            normalisation,
            compute,
            directed_only=directed_only,
        )
    )


def _dyads(view: GraphView) -> tuple[int, int, int]:
    return view.memo("dyads", lambda: tuple(int(x) for x in view.graph.dyad_census()))


def _weak_sizes(view: GraphView) -> list[int]:
    return view.memo(
        "weak", lambda: view.graph.connected_components(mode="weak").sizes() if view.n else []
    )


def _freeman(deg: np.ndarray, tmax: float) -> float:
    if len(deg) < 3 or tmax <= 0:
        return float("nan")
    return float((deg.max() - deg).sum() / tmax)


def _isolates(v: GraphView) -> int:
    touched = np.zeros(v.n, dtype=bool)
    keep = ~v.loop
    touched[v.s[keep]] = True
    touched[v.t[keep]] = True
    return int(v.n - touched.sum())


_net("nodes", "Number of nodes.", "-", "none", "none", lambda v, o: v.n)
_net(
    "ties",
    "Distinct ties between two different nodes (ordered pairs when directed).",
    "follows the network",
    "none",
    "none (a count)",
    lambda v, o: v.n_ties,
)
_net(
    "interactions",
    "All interactions of the network, including the self-loops it keeps (loops=True).",
    "-",
    "interactions",
    "none (a count)",
    lambda v, o: _num(v.interactions.sum()),
)
_net(
    "self_loops",
    "Self-ties found when the network was built (meta['self_loops']), kept or not.",
    "-",
    "interactions",
    "none (a count)",
    lambda v, o: (
        int(o["self_loops"])
        if o.get("self_loops") is not None
        else _num(v.interactions[v.loop].sum())
    ),
)
_net(
    "self_loops_kept",
    "Self-loop interactions present in the network (non-zero only with loops=True).",
    "-",
    "interactions",
    "none (a count)",
    lambda v, o: _num(v.interactions[v.loop].sum()),
)
_net(
    "isolates",
    "Nodes with no tie to another node.",
    "ignored",
    "none",
    "none (a count)",
    lambda v, o: _isolates(v),
)
_net(
    "density",
    "Distinct ties between two different nodes / possible ties: L / (n(n-1)) directed, "
    "L / (n(n-1)/2) undirected.",
    "follows the network",
    "none",
    "by the possible ties",
    lambda v, o: v.n_ties / _possible(v) if _possible(v) else np.nan,
)
_net(
    "density_multi",
    "Interactions between two different nodes / possible ties (mean interactions per "
    "possible tie; can exceed 1).",
    "follows the network",
    "interactions",
    "by the possible ties",
    lambda v, o: v.interactions[~v.loop].sum() / _possible(v) if _possible(v) else np.nan,
)
_net(
    "mean_degree",
    "2 L / n: mean number of distinct ties per node (in + out when directed).",
    "both directions counted",
    "none",
    "by the nodes",
    lambda v, o: 2 * v.n_ties / v.n if v.n else np.nan,
)
_net(
    "reciprocity",
    "Share of directed ties whose reverse tie exists: 2M / L (igraph reciprocity, loops ignored).",
    "directed",
    "none",
    "in [0, 1]",
    lambda v, o: (2 * _dyads(v)[0] / v.n_ties if v.n_ties else np.nan) if v.directed else np.nan,
    directed_only=True,
)
_net(
    "dyad_reciprocity",
    "M / (M + A): mutual dyads among connected dyads.",
    "directed",
    "none",
    "in [0, 1]",
    lambda v, o: (
        (_dyads(v)[0] / (_dyads(v)[0] + _dyads(v)[1]) if v.n_ties else np.nan)
        if v.directed
        else np.nan
    ),
    directed_only=True,
)
for _i, _k in enumerate(("mutual_dyads", "asymmetric_dyads", "null_dyads")):
    _net(
        _k,
        f"Dyad census: {_k.split('_')[0]} dyads (igraph dyad_census).",
        "directed",
        "none",
        "none (a count)",
        (lambda i: lambda v, o: _dyads(v)[i] if v.directed else np.nan)(_i),
        directed_only=True,
    )

#: The 16 MAN triad types, in the standard (Holland & Leinhardt; igraph, networkx) order.
TRIAD_TYPES = (
    "003",
    "012",
    "102",
    "021D",
    "021U",
    "021C",
    "111D",
    "111U",
    "030T",
    "030C",
    "201",
    "120D",
    "120U",
    "120C",
    "210",
    "300",
)


def _triads(view: GraphView) -> list[int]:
    return view.memo(
        "triads",
        lambda: [int(x) for x in view.graph.triad_census()] if view.n >= 3 else [0] * 16,
    )


for _i, _k in enumerate(TRIAD_TYPES):
    _net(
        f"triad_{_k}",
        f"Triad census: number of triads of MAN type {_k} (igraph triad_census).",
        "directed",
        "none",
        "none (a count)",
        (lambda i: lambda v, o: _triads(v)[i] if v.directed else np.nan)(_i),
        directed_only=True,
    )
_net(
    "transitivity",
    "3 x triangles / connected triples of the undirected simple graph (global clustering).",
    "ignored",
    "none",
    "in [0, 1]",
    # igraph reads a directed graph as undirected with multi-edges ignored: the same
    # value as on the collapsed undirected graph, without building it
    lambda v, o: v.graph.transitivity_undirected() if v.n else np.nan,
)
_net(
    "average_clustering",
    "Mean local clustering coefficient (0 for nodes with fewer than 2 neighbours).",
    "ignored",
    "none",
    "in [0, 1]",
    lambda v, o: v.graph.transitivity_avglocal_undirected(mode="zero") if v.n else np.nan,
)
_net(
    "weak_components",
    "Weakly connected components, isolates included.",
    "ignored",
    "none",
    "none (a count)",
    lambda v, o: len(_weak_sizes(v)),
)
_net(
    "strong_components",
    "Strongly connected components (equal to weak_components when undirected).",
    "follows the network",
    "none",
    "none (a count)",
    lambda v, o: len(v.graph.connected_components(mode="strong").sizes()) if v.n else 0,
)
_net(
    "largest_component_share",
    "Nodes in the largest weakly connected component / nodes (every node of the network, "
    "roster members without activity included).",
    "ignored",
    "none",
    "in [0, 1]",
    lambda v, o: max(_weak_sizes(v)) / v.n if v.n else np.nan,
)
_net(
    "diameter",
    "Longest finite shortest path, in hops, following direction when directed.",
    "follows the network",
    "none (hops)",
    "none",
    lambda v, o: int(v.graph.diameter(directed=v.directed, unconn=True)) if v.n_ties else 0,
)
_net(
    "mean_distance",
    "Mean shortest-path length (hops) over ordered reachable pairs.",
    "follows the network",
    "none (hops)",
    "none",
    lambda v, o: (
        v.graph.average_path_length(directed=v.directed, unconn=True) if v.n_ties else np.nan
    ),
)
_net(
    "global_efficiency",
    "Mean of 1 / d(u, v) over all ordered pairs u != v, 0 when unreachable (Latora & "
    "Marchiori 2001).",
    "follows the network",
    "none (hops)",
    "in [0, 1]",
    lambda v, o: (
        float(np.mean(v.graph.harmonic_centrality(mode="out", normalized=True)))
        if v.n > 1
        else np.nan
    ),
)


def _degrees(view: GraphView, mode: str) -> np.ndarray:
    return np.array(view.graph.degree(mode=mode), dtype=float)


_net(
    "centralization_in",
    "Freeman in-degree centralisation on distinct ties: sum_v (max - d_v) / (n-1)^2.",
    "directed",
    "none",
    "by (n-1)^2: a star scores 1",
    lambda v, o: _freeman(_degrees(v, "in"), (v.n - 1) ** 2) if v.directed else np.nan,
    directed_only=True,
)
_net(
    "centralization_out",
    "Freeman out-degree centralisation on distinct ties: sum_v (max - d_v) / (n-1)^2.",
    "directed",
    "none",
    "by (n-1)^2: a star scores 1",
    lambda v, o: _freeman(_degrees(v, "out"), (v.n - 1) ** 2) if v.directed else np.nan,
    directed_only=True,
)
_net(
    "centralization_all",
    "Freeman degree centralisation on distinct ties, degree = in + out ties when directed: "
    "sum_v (max - d_v) / T (igraph centralization_degree maxima without loops).",
    "follows the network (in + out when directed)",
    "none",
    "by 2(n-1)(n-2) directed, (n-1)(n-2) undirected: a star scores 1",
    lambda v, o: _freeman(_degrees(v, "all"), (2 if v.directed else 1) * (v.n - 1) * (v.n - 2)),
)
_net(
    "centralization_undirected",
    "Freeman degree centralisation of the undirected simple graph (a-b and b-a one tie): "
    "sum_v (max k - k_v) / ((n-1)(n-2)); equals centralization_all on an undirected network.",
    "ignored",
    "none",
    "by (n-1)(n-2): a star scores 1",
    lambda v, o: _freeman(np.array(v.undirected.degree(), dtype=float), (v.n - 1) * (v.n - 2)),
)
_net(
    "assortativity_degree",
    "Pearson correlation of degrees at the two ends of a tie (directed: out-degree of the "
    "source, in-degree of the target; Newman 2003; igraph assortativity_degree).",
    "follows the network",
    "none",
    "in [-1, 1]",
    lambda v, o: v.graph.assortativity_degree(directed=v.directed) if v.n_ties else np.nan,
)


def _leiden_membership(view: GraphView, seed: int) -> list[int]:
    def make() -> list[int]:
        from .metrics.community import leiden_membership

        u = view.undirected
        return list(leiden_membership(u, weights="weight", seed=seed)) if view.n else []

    return view.memo(f"leiden:{seed}", make)


def _modularity(view: GraphView, opts: dict) -> float:
    u = view.undirected
    if not u.ecount():
        return np.nan
    return u.modularity(_leiden_membership(view, opts["seed"]), weights="weight")


def _communities(view: GraphView, opts: dict) -> int:
    memb = _leiden_membership(view, opts["seed"])
    counts = np.bincount(memb) if len(memb) else np.zeros(0, dtype=np.int64)
    return int((counts >= 2).sum())


_net(
    "modularity",
    "Modularity of the Leiden partition (objective modularity, weighted, undirected, seed=).",
    "ignored",
    "weight column",
    "none",
    _modularity,
)


def _modularity_binary(view: GraphView, opts: dict) -> float:
    from .metrics.community import leiden_membership

    u = view.undirected
    if not u.ecount():
        return np.nan
    # isolates add nothing to modularity: leaving them out of the runs makes the value
    # independent of how many people without ties the network holds
    tied = np.flatnonzero(np.array(u.degree()) > 0)
    if len(tied) < u.vcount():
        u = u.induced_subgraph(tied.tolist())
    runs, seed = int(opts.get("modularity_runs", 5)), opts["seed"]
    return max(
        float(u.modularity(leiden_membership(u, weights=None, seed=seed + r))) for r in range(runs)
    )


_net(
    "modularity_binary",
    "Highest modularity of modularity_runs (default 5) Leiden partitions, seeds seed .. "
    "seed + runs - 1, of the undirected binary graph (every distinct tie weighs 1; objective "
    "modularity; isolates, which add nothing to modularity, left out of the runs), as "
    "null_model_test computes it.",
    "ignored",
    "none",
    "none",
    _modularity_binary,
)
_net(
    "communities",
    "Leiden communities (as in modularity) of at least 2 nodes.",
    "ignored",
    "weight column",
    "none (a count)",
    _communities,
)


def _staff_share(view: GraphView, opts: dict, of: str, side: str) -> float:
    staff = opts.get("staff")
    if staff is None or not np.asarray(staff, dtype=bool).any():
        return np.nan  # staff unknown: no share, rather than a measured 0
    if side != "involving" and not view.directed:
        return np.nan
    staff = np.asarray(staff, dtype=bool)
    keep = ~view.loop
    s_staff, t_staff = staff[view.s[keep]], staff[view.t[keep]]
    mask = {"sent": s_staff, "received": t_staff, "involving": s_staff | t_staff}[side]
    if of == "interactions":
        vals = view.interactions[keep]
        total = vals.sum()
        return float(vals[mask].sum() / total) if total else np.nan
    return float(mask.sum() / len(mask)) if len(mask) else np.nan


for _of, _word in (("ties", "tie"), ("interactions", "interaction")):
    for _side in ("involving", "sent", "received"):
        _suffix = "" if _side == "involving" else f"_{_side}"
        _where = {
            "involving": "a staff member at either end",
            "sent": "a staff member as source",
            "received": "a staff member as target",
        }[_side]
        _net(
            f"staff_{_word}_share{_suffix}",
            f"Share of the distinct {_of} between two different people with {_where}"
            if _of == "ties"
            else f"Share of the interactions between two different people with {_where}",
            "directed" if _side != "involving" else "ignored",
            "none" if _of == "ties" else "interactions",
            "in [0, 1]",
            (lambda of, side: lambda v, o: _staff_share(v, o, of, side))(_of, _side),
            directed_only=_side != "involving",
        )


def poster_mask(net: Any) -> np.ndarray:
    """The *posters* of a network: boolean array over ``net.nodes``.

    A poster is a person node (``kind == "person"``, or every node when the
    network has no ``kind`` column) with at least one event in the network's
    window (``nodes["n_events"] > 0``) or at least one tie to another node.
    Roster members who never acted are not posters. This is the node set of
    every ``<name>_posters`` measure (pass it as ``posters=`` to
    :func:`network_values`).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c"], "target": ["a", None],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 2, utc=True)}))
    >>> net = ca.build_network(ev, people=ca.make_people(["a", "b", "c", "d"]))
    >>> dict(zip(net.nodes.index, poster_mask(net).tolist()))
    {'a': True, 'b': True, 'c': True, 'd': False}
    """
    nodes = net.nodes
    ties = net.tie_table(directed=False, weight=None, loops=False)
    tied = np.zeros(len(nodes), dtype=bool)
    tied[ties["s"].to_numpy()] = True
    tied[ties["t"].to_numpy()] = True
    if "n_events" in nodes.columns:
        tied |= nodes["n_events"].fillna(0).to_numpy() > 0
    if "kind" in nodes.columns:
        tied &= (nodes["kind"] == "person").fillna(False).to_numpy(dtype=bool)
    return tied


#: Variants computed on the *posters* (:func:`poster_mask`: people with at least one
#: event or one tie): ``<name>_posters`` is ``<name>`` on the network induced by the
#: posters. ``network_pattern`` shows the first two, ``null_model_test`` the three
#: centralisations (its random graphs are drawn among the posters).
POSTER_VARIANTS: tuple[str, ...] = (
    "largest_component_share",
    "centralization_undirected",
    "centralization_in",
    "centralization_out",
)
for _k in POSTER_VARIANTS:
    _base = NETWORK_MEASURES[_k]
    _net(
        f"{_k}_posters",
        f"{_k} of the network induced by the posters (people with at least one event or one "
        f"tie; roster members who never acted are left out): {_base.definition}",
        _base.direction,
        _base.weights,
        _base.normalisation,
        (lambda base: lambda v, o: base.compute(_posters_view(v, o), o))(_base),
        directed_only=_base.directed_only,
    )


def _posters_view(view: GraphView, opts: dict) -> GraphView:
    posters = opts.get("posters")
    if posters is None:
        raise InputError(
            "a *_posters measure needs posters= (a boolean array over the nodes, "
            "connectana.measures.poster_mask(net))"
        )
    posters = np.asarray(posters, dtype=bool)
    return view if posters.all() else view.subview(posters)


# -- R conventions: igraph on the network as built, sna on the binary matrix -------------------
class AsBuiltView:
    """A network *as built*, for the R igraph convention: one igraph edge per row of
    ``net.edges`` (multi-edges and kept self-loops each an edge), built once.

    Parameters
    ----------
    n : int
    directed : bool
        ``False`` on a directed network makes each edge undirected without merging
        any (igraph's ``as_undirected(mode="each")``, R's ``directed = FALSE``).
    s, t : array of int
        Codes of each edge's ends.
    w : array of float or None
        The weight column (read as R's ``weight`` attribute), or None: no weights.
    """

    def __init__(
        self,
        n: int,
        directed: bool,
        s: np.ndarray,
        t: np.ndarray,
        w: np.ndarray | None,
        *,
        graph: igraph.Graph | None = None,
    ) -> None:
        self.n, self.directed = int(n), bool(directed)
        self.s, self.t = np.asarray(s, dtype=np.int64), np.asarray(t, dtype=np.int64)
        self.w = None if w is None else np.asarray(w, dtype=float)
        self.weights = None if w is None else "weight"
        self._cache: dict[str, Any] = {} if graph is None else {"graph": graph}

    @classmethod
    def of(cls, net: Any, *, directed: bool | None = None, weight: str | None = "weight"):
        """The as-built view of a Network (``weight``: an edge column, checked to hold
        non-negative numbers; None: no weights). Use ``net.view_as_built()``, memoised."""
        directed = net.resolve_directed(directed)
        src, dst = net.edge_codes()
        w = None if weight is None else net.edge_weights(weight)
        return cls(net.n_nodes, directed, src, dst, w)

    @property
    def graph(self) -> igraph.Graph:
        """The igraph graph, edge attribute ``weight`` when weighted (built once)."""
        if "graph" not in self._cache:
            g = new_graph(self.n, np.column_stack([self.s, self.t]), self.directed)
            if self.w is not None and len(self.w):
                g.es["weight"] = self.w.tolist()
            self._cache["graph"] = g
        return self._cache["graph"]

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


#: R igraph's call for each ``<name>_igraph`` node measure (on the graph ``g`` as built).
IGRAPH_NODE_CALLS: dict[str, str] = {
    "in_degree": 'degree(g, mode = "in")',
    "out_degree": 'degree(g, mode = "out")',
    "degree": 'degree(g, mode = "all")',
    "in_strength": 'strength(g, mode = "in")',
    "out_strength": 'strength(g, mode = "out")',
    "strength": 'strength(g, mode = "all")',
    "betweenness": "betweenness(g, directed = ...)",
    "closeness": 'closeness(g, mode = "out" | "in" | "all")',
    "harmonic": 'harmonic_centrality(g, mode = "out" | "in" | "all")',
    "eigenvector": "eigen_centrality(g, directed = ...)$vector",
    "pagerank": "page_rank(g, directed = ...)$vector",
    "hub": "hub_score(g)$vector",
    "authority": "authority_score(g)$vector",
    "coreness": 'coreness(g, mode = "all")',
    "constraint": "constraint(g)",
    "clustering": 'transitivity(g, type = "local")',
}
#: R igraph's call for each ``<name>_igraph`` whole-network measure.
IGRAPH_NETWORK_CALLS: dict[str, str] = {
    "nodes": "vcount(g)",
    "edges": "ecount(g)",
    "density": "edge_density(g)",
    "reciprocity": "reciprocity(g)",
    "transitivity": "transitivity(g)",
    "diameter": "diameter(g, directed = ...)",
    "mean_distance": "mean_distance(g, directed = ...)",
    "global_efficiency": "global_efficiency(g, directed = ...)",
}
#: R sna's call for each ``<name>_sna`` whole-network measure (``A``: binary matrix).
SNA_CALLS: dict[str, str] = {
    "density": "gden(A)",
    "reciprocity": "grecip(A)",
    "centralization_degree": "centralization(A, degree)",
    "centralization_betweenness": "centralization(A, betweenness)",
    "centralization_closeness": "centralization(A, closeness)",
}
_AS_BUILT = (
    "R igraph's default on the network as built (graph_from_data_frame: one edge per row of "
    "net.edges, multi-edges and kept loops included): "
)
_R_PATHS = "weight column read as lengths (R's weight attribute); hops when weight=None"
_R_MULTI = "weight column as multiplicities (summed over parallel edges)"


def _ig_side(name: str) -> str:
    return name.partition("_")[0] if "_" in name else "all"


def _ig_betweenness(v: AsBuiltView, o: dict) -> np.ndarray:
    b = np.array(v.graph.betweenness(directed=v.directed, weights=v.weights), dtype=float)
    if o["normalized"] and v.n > 2:
        b /= (v.n - 1) * (v.n - 2) / (1 if v.directed else 2)
    return b


def _ig_path(v: AsBuiltView, o: dict, name: str) -> np.ndarray:
    mode = o["mode"] if v.directed else "all"
    fn = getattr(v.graph, name)
    return np.array(fn(mode=mode, weights=v.weights, normalized=bool(o["normalized"])), dtype=float)


def _ig_eigenvector(v: AsBuiltView, o: dict) -> np.ndarray:
    g = v.graph
    if g.ecount() == 0:
        return np.zeros(v.n)
    import warnings

    with warnings.catch_warnings():  # igraph warns on disconnected graphs, as R does
        warnings.simplefilter("ignore", RuntimeWarning)
        if v.directed:
            return np.array(g.eigenvector_centrality(directed=True, weights=v.weights), dtype=float)
        # python-igraph 1.0 rejects directed=False on an undirected graph
        return np.array(g.eigenvector_centrality(weights=v.weights), dtype=float)


def _ig_hits(v: AsBuiltView, name: str) -> np.ndarray:
    g = v.graph
    if not g.ecount():
        return np.zeros(v.n)
    return np.array(getattr(g, name)(weights=v.weights, scale=True), dtype=float)


_IGRAPH_NODE: dict[str, tuple[str, str, str, str, Callable]] = {
    # name: (definition, direction, weights, normalisation, compute)
    **{
        k: (
            f"Edges {'received' if k.startswith('in') else 'sent' if k.startswith('out') else 'at the node'}"
            ", every parallel edge counted, a loop once in in/out and twice in all",
            "follows the graph" if k != "degree" else "both directions counted",
            "none",
            "none (a count)",
            (lambda side: lambda v, o: np.array(v.graph.degree(mode=side, loops=True), np.int64))(
                _ig_side(k)
            ),
        )
        for k in ("in_degree", "out_degree", "degree")
    },
    **{
        k: (
            f"Sum of the weights of the node's {_ig_side(k) if _ig_side(k) != 'all' else 'in + out'}"
            " edges, parallel edges each counted, a loop once in in/out and twice in all",
            "follows the graph" if k != "strength" else "both directions counted",
            _R_MULTI,
            "none",
            (
                lambda side: (
                    lambda v, o: np.array(
                        v.graph.strength(mode=side, loops=True, weights=v.weights), dtype=float
                    )
                )
            )(_ig_side(k)),
        )
        for k in ("in_strength", "out_strength", "strength")
    },
    "betweenness": (
        "sum over pairs of sigma_st(v) / sigma_st, each parallel edge its own path",
        "follows directed=",
        _R_PATHS,
        "none; normalized=True: divided by (n-1)(n-2), x2 undirected",
        _ig_betweenness,
    ),
    "closeness": (
        "1 / sum_u d(v, u) over the nodes u reachable from v (mode); NaN when none",
        "mode='out' (R's default), 'in' or 'all'; 'all' when undirected",
        _R_PATHS,
        "none; normalized=True: times the number of reachable nodes",
        lambda v, o: _ig_path(v, o, "closeness"),
    ),
    "harmonic": (
        "sum_u 1 / d(v, u), unreachable nodes contributing 0",
        "mode='out' (R's default), 'in' or 'all'; 'all' when undirected",
        _R_PATHS,
        "none; normalized=True: divided by n-1",
        lambda v, o: _ig_path(v, o, "harmonic_centrality"),
    ),
    "eigenvector": (
        "principal eigenvector of the adjacency matrix (parallel edges summed, an undirected "
        "loop counted twice); directed: in-edges",
        "follows directed=",
        _R_MULTI,
        "maximum scaled to 1",
        _ig_eigenvector,
    ),
    "pagerank": (
        "PageRank (PRPACK) with damping (default 0.85), loops kept",
        "follows directed=",
        "weight column as transition propensities",
        "sums to 1",
        lambda v, o: np.array(
            v.graph.pagerank(directed=v.directed, damping=o["damping"], weights=v.weights)
            if v.n
            else [],
            dtype=float,
        ),
    ),
    "hub": (
        "Kleinberg's hub score",
        "directed",
        _R_MULTI,
        "maximum scaled to 1",
        lambda v, o: _ig_hits(v, "hub_score"),
    ),
    "authority": (
        "Kleinberg's authority score",
        "directed",
        _R_MULTI,
        "maximum scaled to 1",
        lambda v, o: _ig_hits(v, "authority_score"),
    ),
    "coreness": (
        "k-core number, degree counting parallel edges and loops (twice)",
        "ignored (mode = 'all')",
        "none",
        "none",
        lambda v, o: np.array(v.graph.coreness(mode="all"), dtype=np.int64),
    ),
    "constraint": (
        "Burt's constraint, parallel edge weights summed; NaN for isolates",
        "ignored",
        _R_MULTI,
        "none",
        lambda v, o: np.array(v.graph.constraint(weights=v.weights), dtype=float),
    ),
    "clustering": (
        "local transitivity of the simple undirected graph; NaN below two neighbours",
        "ignored",
        "none",
        "in [0, 1]",
        lambda v, o: np.array(v.graph.transitivity_local_undirected(mode="nan"), dtype=float),
    ),
}
for _k, (_d, _dir, _w, _norm, _f) in _IGRAPH_NODE.items():
    _register(
        Measure(
            f"{_k}_igraph",
            "node",
            f"{_AS_BUILT}{IGRAPH_NODE_CALLS[_k]}: {_d}.",
            _dir,
            _w,
            _norm,
            _f,
            directed_only=_k in ("in_degree", "out_degree", "in_strength", "out_strength")
            or _k in ("hub", "authority"),
            view="as_built",
        )
    )


def _ig_efficiency(v: AsBuiltView, o: dict) -> float:
    if v.n < 2:
        return float("nan")
    g = v.graph
    return float(np.mean(g.harmonic_centrality(mode="out", weights=v.weights, normalized=True)))


def _ig_pairs(v: AsBuiltView) -> float:
    return v.n * (v.n - 1) / (1 if v.directed else 2)


_IGRAPH_NETWORK: dict[str, tuple[str, str, str, str, Callable]] = {
    "nodes": ("Number of nodes", "-", "none", "none", lambda v, o: v.n),
    "edges": (
        "Number of edges, every parallel edge and kept loop counted",
        "-",
        "none",
        "none (a count)",
        lambda v, o: len(v.s),
    ),
    "density": (
        "edges / n(n-1) (n(n-1)/2 undirected), parallel edges and loops counted in the numerator",
        "follows directed=",
        "none",
        "by the possible ties (can exceed 1)",
        lambda v, o: len(v.s) / _ig_pairs(v) if _ig_pairs(v) else float("nan"),
    ),
    "reciprocity": (
        "share of non-loop edges whose reverse exists (ignore.loops = TRUE); 1 when undirected",
        "directed",
        "none",
        "in [0, 1]",
        lambda v, o: float(v.graph.reciprocity(ignore_loops=True)) if len(v.s) else float("nan"),
    ),
    "transitivity": (
        "3 x triangles / connected triples of the simple undirected graph",
        "ignored",
        "none",
        "in [0, 1]",
        lambda v, o: float(v.graph.transitivity_undirected()),
    ),
    "diameter": (
        "longest finite shortest path",
        "follows directed=",
        _R_PATHS,
        "none",
        lambda v, o: (
            float(v.graph.diameter(directed=v.directed, unconn=True, weights=v.weights))
            if len(v.s)
            else 0.0
        ),
    ),
    "mean_distance": (
        "mean length of the shortest paths between reachable ordered pairs (unordered when "
        "undirected)",
        "follows directed=",
        _R_PATHS,
        "none",
        lambda v, o: float(
            v.graph.average_path_length(directed=v.directed, unconn=True, weights=v.weights)
        ),
    ),
    "global_efficiency": (
        "mean of 1 / d(u, v) over all ordered pairs u != v, unreachable: 0",
        "follows directed=",
        _R_PATHS,
        "in [0, 1] with unit lengths",
        _ig_efficiency,
    ),
}
for _k, (_d, _dir, _w, _norm, _f) in _IGRAPH_NETWORK.items():
    _register(
        Measure(
            f"{_k}_igraph",
            "network",
            f"{_AS_BUILT}{IGRAPH_NETWORK_CALLS[_k]}: {_d}.",
            _dir,
            _w,
            _norm,
            _f,
            view="as_built",
        )
    )


def _sna_parts(v: GraphView) -> dict[str, Any]:
    """Degrees, betweenness and closeness of sna's binary matrix (computed once per view)."""

    def make() -> dict[str, Any]:
        n, g = v.n, v.graph
        d = np.array(g.distances(mode="out"), dtype=float).reshape(n, n)
        with np.errstate(divide="ignore"):
            clo = (n - 1) / d.sum(axis=1)  # the diagonal is 0; an unreachable node: inf
        return {
            "degree": np.array(g.degree(mode="all"), dtype=float),
            "betweenness": np.array(g.betweenness(directed=v.directed), dtype=float),
            "closeness": clo,
        }

    return v.memo("sna", make)


def _sna_maximum(v: GraphView, which: str) -> float:
    n = v.n
    if v.directed:
        top = {
            "degree": (n - 1) * (2 * (n - 1) - 2),
            "betweenness": (n - 1) ** 2 * (n - 2),
            "closeness": (n - 1) * (1 - 1 / n) if n else float("nan"),
        }
    else:
        top = {
            "degree": (n - 1) * (n - 2),
            "betweenness": (n - 1) ** 2 * (n - 2) / 2,
            "closeness": (n - 2) * (n - 1) / (2 * n - 3) if n > 1 else float("nan"),
        }
    return top[which]


def _sna_centralization(v: GraphView, which: str) -> float:
    top = _sna_maximum(v, which)
    if v.n == 0 or not top or np.isnan(top):
        return float("nan")
    c = _sna_parts(v)[which]
    return float((c.max() - c).sum() / top)


def _sna_reciprocity(v: GraphView, o: dict) -> float:
    if v.n < 2:
        return float("nan")
    if not v.directed:
        return 1.0
    mutual, asym, null = _dyads(v)
    return (mutual + null) / (mutual + asym + null)


_SNA = "R sna's default on the binary matrix A of distinct ties between different nodes: "
_register(
    Measure(
        "density_sna",
        "network",
        f"{_SNA}{SNA_CALLS['density']}: L / n(n-1) directed, L / (n(n-1)/2) undirected.",
        "follows directed= (gmode 'digraph' or 'graph')",
        "none (binary)",
        "by the possible ties",
        lambda v, o: v.n_ties / _possible(v) if _possible(v) else float("nan"),
    )
)
_register(
    Measure(
        "reciprocity_sna",
        "network",
        f"{_SNA}{SNA_CALLS['reciprocity']} (measure = 'dyadic'): (M + N) / (M + A + N), the "
        "share of all pairs that are symmetric, null pairs included; 1 when undirected.",
        "directed",
        "none (binary)",
        "in [0, 1]",
        _sna_reciprocity,
    )
)
for _which, _text, _norm in (
    ("degree", "d = in + out ties (undirected: ties), cmode = 'freeman'",
     "by (n-1)(2(n-1)-2) directed, (n-1)(n-2) undirected"),
    ("betweenness", "directed betweenness (undirected when directed=False)",
     "by (n-1)^2(n-2) directed, (n-1)^2(n-2)/2 undirected"),
    ("closeness", "closeness (n-1) / sum_u d(v, u), 0 when v cannot reach every node (sna "
     "sums infinite distances)", "by (n-1)(1-1/n) directed, (n-1)(n-2)/(2n-3) undirected"),
):  # fmt: skip
    _register(
        Measure(
            f"centralization_{_which}_sna",
            "network",
            f"{_SNA}{SNA_CALLS[f'centralization_{_which}']}: Freeman centralisation "
            f"sum_v (max - c_v) / max possible, {_text}.",
            "follows directed=",
            "none (binary)",
            _norm,
            (lambda which: lambda v, o: _sna_centralization(v, which))(_which),
        )
    )


# -- comparing results -----------------------------------------------------------------------
def named_values(
    result: Any, *, level: str | None = None, names: Sequence[str] | None = None
) -> dict[str, Any]:
    """The registry-named values a result shows: ``name -> value``.

    ``result`` may be a Series of whole-network values (``summary``,
    ``network_pattern``, ``staff_dependence(...).shares``, a growth row), a
    node table (``centrality``, the CLI's ``nodes.csv``: one Series per
    column), an object with a ``shares`` Series
    (:class:`~connectana.metrics.roles.StaffDependence`), a null-model table
    (its ``observed`` column) or a mapping of whole-network values. Only
    registry names of the result's level are kept (``level``: default
    ``"node"`` for a DataFrame, ``"network"`` otherwise; pass
    ``level="network"`` for a table of whole-network values by period, such as
    a growth table, to get its columns), or the ``names`` given. Results from
    any part of the toolkit can then be compared name by name.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c"], "target": ["a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 2, utc=True)}))
    >>> net = ca.build_network(ev)
    >>> int(named_values(ca.summary(net))["ties"]), int(named_values(ca.growth(ev).iloc[-1])["ties"])
    (2, 2)
    >>> named_values(ca.centrality(net, ["ties", "pagerank"]))["ties"].tolist()
    [1, 1, 2]
    """
    if hasattr(result, "shares") and isinstance(result.shares, pd.Series):
        result = result.shares
    if isinstance(result, pd.DataFrame) and "observed" in result.columns:
        if result.index.name == "statistic":
            result = result["observed"]
    if level is None:
        level = "node" if isinstance(result, pd.DataFrame) else "network"
    keep = (
        set(names)
        if names is not None
        else set(NODE_MEASURES if level == "node" else NETWORK_MEASURES)
    )
    if isinstance(result, pd.DataFrame):
        return {c: result[c] for c in result.columns if c in keep}
    if isinstance(result, pd.Series):
        return {k: v for k, v in result.items() if k in keep}
    return {k: v for k, v in dict(result).items() if k in keep}
