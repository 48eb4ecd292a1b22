"""The Network value object and ``build_network``.

A :class:`Network` is a nodes table, an edges table, a direction flag and a
``meta`` mapping saying how it was built: an immutable value (read-only
:class:`TableView` tables, :meth:`Network.replace` for a changed copy), so
every graph made from it is memoised and shared: the distinct-tie table, the
:class:`~connectana.measures.GraphView` s every measure reads, the igraph graph
of :meth:`Network.to_igraph`. networkx graphs are made on demand for interchange.

The module is a little over 800 lines because it holds one topic, the network
and how it is built from events (the value, its views, ``build_network`` and its
node table, ``project``); the tie definitions, the measures and the Dask engine
live in their own modules.
"""

from __future__ import annotations

import html
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .engines import dask as dask_engine
from .errors import InputError, ParameterError, ParameterTypeError, SchemaError
from .events import (
    ACTOR,
    DISPLAY_NAME,
    GROUP,
    PLATFORM,
    ROLE,
    TARGET,
    TIMESTAMP,
    key_positions,
    normalize_role,
    validate_events,
)
from .people import as_people, roster_overlap
from .periods import course_start
from .ties import DEFAULT_MAX_TIES, TIE_DEFINITIONS, TWO_MODE, interactions, natural_direction

if TYPE_CHECKING:  # pragma: no cover
    import igraph
    import networkx

    from .measures import AsBuiltView, GraphView

__all__ = ["Network", "build_network", "network_interactions", "project"]

NODE = "node"
STRING = pd.StringDtype("pyarrow")
TIME = pd.DatetimeTZDtype("ns", "UTC")
EDGE_COLUMNS = ["source", "target", "weight", "first", "last", "n_explicit", "n_inferred"]


class _ReadOnlyIndexer:
    """``.loc``/``.iloc``/``.at``/``.iat`` of a :class:`TableView`: reading only."""

    def __init__(self, indexer: Any) -> None:
        self._indexer = indexer

    def __getitem__(self, key: Any) -> Any:
        return self._indexer[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        _refuse()


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise ParameterTypeError(
        "a Network's tables are read-only: make a changed copy and a new network, e.g. "
        "net.replace(nodes=net.nodes.assign(group=...)) or net.replace(edges=...)"
    )


class TableView(pd.DataFrame):
    """A read-only view of a Network's ``nodes`` or ``edges`` table.

    Reading, selecting and every method that returns a new table work as on a
    DataFrame (and return plain DataFrames); assigning into it raises, so a
    network can never be changed behind its memoised graphs' back.
    """

    @property
    def _constructor(self) -> type:
        return pd.DataFrame

    __setitem__ = _refuse
    __delitem__ = _refuse

    @property
    def loc(self) -> Any:  # type: ignore[override]
        return _ReadOnlyIndexer(pd.DataFrame.loc.fget(self))

    @property
    def iloc(self) -> Any:  # type: ignore[override]
        return _ReadOnlyIndexer(pd.DataFrame.iloc.fget(self))

    @property
    def at(self) -> Any:  # type: ignore[override]
        return _ReadOnlyIndexer(pd.DataFrame.at.fget(self))

    @property
    def iat(self) -> Any:  # type: ignore[override]
        return _ReadOnlyIndexer(pd.DataFrame.iat.fget(self))


class Network:
    """A social (or two-mode) network built from Events: an immutable value.

    Attributes
    ----------
    nodes : DataFrame
        Indexed by node id (``node``). Columns: ``kind`` (``person`` or the
        object kind), ``role`` (instructor / ta / student / other, NA when
        unknown), ``group``, ``display_name``, ``in_roster``, ``n_events``
        (events the person acted in, within the network's window) and any
        roster attributes.
    edges : DataFrame
        ``source, target, weight`` (number of interactions), ``first`` and
        ``last`` (times of the first and last interaction), ``n_explicit``,
        ``n_inferred`` and one ``n_<tie>`` count per tie type. One row per
        distinct tie, or per interaction when built with ``multi=True``.
        Undirected networks store each pair once with ``source < target``.
    directed : bool
    meta : mapping
        How the network was built: tie definition, options, window, counts of
        self-loops, unresolved replies, people excluded (read-only).

    Notes
    -----
    A Network never changes: its attributes cannot be assigned, ``nodes`` and
    ``edges`` are read-only :class:`TableView` s (assigning into them raises;
    every method returning a new table works) and ``meta`` is read-only. A changed network is a new one:
    :meth:`replace` (``net.replace(edges=net.edges.iloc[:10])``). That is what
    lets every graph built from a network be built once and shared by every
    measure: :meth:`view` (the distinct ties as arrays, with igraph graphs
    built on first use, see :class:`connectana.measures.GraphView`) and
    :meth:`to_igraph` are memoised per network.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c"], "target": ["a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 2, utc=True)}))
    >>> net = ca.build_network(ev)
    >>> net.edges = net.edges.iloc[:1]
    Traceback (most recent call last):
    ...
    AttributeError: a Network cannot be changed: net.replace(edges=...) returns a new one
    >>> small = net.replace(edges=net.edges.iloc[:1])
    >>> small.to_igraph().ecount(), net.to_igraph().ecount()
    (1, 2)
    >>> net.view() is net.view()
    True
    """

    __slots__ = ("_nodes", "_edges", "_directed", "_meta", "_cache")

    def __init__(
        self,
        nodes: pd.DataFrame,
        edges: pd.DataFrame,
        directed: bool = True,
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        object.__setattr__(self, "_nodes", nodes)
        object.__setattr__(self, "_edges", edges)
        object.__setattr__(self, "_directed", bool(directed))
        object.__setattr__(self, "_meta", dict(meta or {}))
        object.__setattr__(self, "_cache", {})

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"a Network cannot be changed: net.replace({name}=...) returns a new one"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Network cannot be changed")

    def __reduce__(self) -> tuple:
        return (Network, (self._nodes, self._edges, self._directed, self._meta))

    @property
    def nodes(self) -> pd.DataFrame:
        return TableView(self._nodes, copy=False)

    @property
    def edges(self) -> pd.DataFrame:
        return TableView(self._edges, copy=False)

    @property
    def directed(self) -> bool:
        return self._directed

    @property
    def meta(self) -> Mapping[str, Any]:
        return types.MappingProxyType(self._meta)

    def replace(self, **changes: Any) -> Network:
        """A new Network with some of ``nodes``, ``edges``, ``directed``, ``meta`` replaced."""
        unknown = sorted(set(changes) - {"nodes", "edges", "directed", "meta"})
        if unknown:
            raise ParameterTypeError(f"Network.replace() got unknown field(s) {unknown}")
        fields = {
            "nodes": self._nodes,
            "edges": self._edges,
            "directed": self._directed,
            "meta": self._meta,
        }
        fields.update(changes)
        return Network(**fields)

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__

    # -- memoised views ----------------------------------------------------------
    def tie_table(
        self, *, directed: bool | None = None, weight: str | None = "weight", loops: bool = True
    ) -> pd.DataFrame:
        """One row per distinct tie, with integer node codes (see
        :func:`connectana.metrics.centrality.tie_table`); memoised."""
        key = ("ties", self.resolve_directed(directed), weight, loops)
        if key not in self._cache:
            self._cache[key] = _tie_table(self, key[1], weight, loops)
        return self._cache[key].copy(deep=False)

    def view(self, *, directed: bool | None = None, weight: str | None = "weight") -> GraphView:
        """The distinct ties as a :class:`connectana.measures.GraphView`, built once.

        ``directed=False`` on a directed network merges a→b and b→a (both summed);
        ``weight=None`` gives the binary view (every tie weighs 1). Every measure
        computed through the registry on this network shares the view and the
        igraph graphs it builds.
        """
        from .measures import GraphView

        d = self.resolve_directed(directed)
        key = ("view", d, weight)
        if key not in self._cache:
            ties = self.tie_table(directed=d, weight=weight)
            self._cache[key] = GraphView(
                self.n_nodes,
                d,
                ties["s"].to_numpy(),
                ties["t"].to_numpy(),
                ties["interactions"].to_numpy(dtype=float),
                ties["w"].to_numpy(dtype=float),
                weighted=weight is not None,
            )
        return self._cache[key]

    def view_as_built(
        self, *, directed: bool | None = None, weight: str | None = "weight"
    ) -> AsBuiltView:
        """The network as built (one igraph edge per row of ``edges``) as a
        :class:`connectana.measures.AsBuiltView`, built once: what the ``_igraph``
        measures (R igraph's convention) are computed on."""
        from .measures import AsBuiltView

        key = ("as_built", self.resolve_directed(directed), weight)
        if key not in self._cache:
            self._cache[key] = AsBuiltView.of(self, directed=directed, weight=weight)
        return self._cache[key]

    def resolve_directed(self, directed: bool | None) -> bool:
        """``directed`` or, when None, the network's direction; True on an undirected network is an error."""
        if directed is None:
            return self._directed
        if directed and not self._directed:
            raise InputError(
                "directed=True on an undirected network: the direction of its ties is unknown"
            )
        return bool(directed)

    # -- sizes -----------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_ties(self) -> int:
        """Distinct ties (pairs; ordered pairs when directed)."""
        if self.meta.get("multi"):
            return int(len(self.edges[["source", "target"]].drop_duplicates()))
        return len(self.edges)

    @property
    def n_interactions(self) -> int:
        return int(self.edges["weight"].sum()) if len(self.edges) else 0

    # -- conversions -------------------------------------------------------------
    def edge_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Integer positions (in ``nodes``) of each edge's source and target (memoised)."""
        if "codes" not in self._cache:
            index = self._nodes.index
            edges = self._edges
            if index.is_unique and len(edges):
                table = [pd.Series(np.asarray(index, dtype=object))]
                src = key_positions([edges["source"]], table)
                dst = key_positions([edges["target"]], table)
            else:
                src = index.get_indexer(edges["source"])
                dst = index.get_indexer(edges["target"])
            if (src < 0).any() or (dst < 0).any():
                raise SchemaError("an edge names a node that is not in the nodes table")
            src.setflags(write=False)
            dst.setflags(write=False)
            self._cache["codes"] = (src, dst)
        return self._cache["codes"]

    def edge_weights(self, weight: str = "weight") -> np.ndarray:
        """The edge column ``weight`` as floats, one per row of ``edges``; an
        :class:`~connectana.errors.InputError` names the row when a value is missing,
        not a number or negative."""
        e = self._edges
        if weight not in e.columns:
            raise InputError(
                f"weight={weight!r} is not a column of net.edges; found {list(e.columns)}"
            )
        w = pd.to_numeric(e[weight], errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(w) | (w < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"edge weights must be non-negative numbers: net.edges row {i}, column {weight!r}, "
                f"found {e[weight].iloc[i]!r}"
            )
        return w

    def to_igraph(self) -> igraph.Graph:
        """The igraph graph (memoised): vertex ``name`` = node id, edge ``weight``.

        Vertex ``i`` is ``nodes.index[i]``; edge ``j`` is ``edges.iloc[j]`` (one
        edge per row: multi-edges and self-loops as stored). Treat it as
        read-only: it is shared.
        """
        if "igraph" not in self._cache:
            from .measures import new_graph

            src, dst = self.edge_codes()
            g = new_graph(len(self._nodes), np.column_stack([src, dst]), self._directed)
            g.vs["name"] = [str(x) for x in self._nodes.index]
            if len(src):
                g.es["weight"] = self._edges["weight"].astype(float).tolist()
            self._cache["igraph"] = g
        return self._cache["igraph"]

    def to_networkx(self) -> networkx.Graph:
        """A networkx graph with node and edge attributes.

        ``DiGraph``/``Graph`` for collapsed networks, ``MultiDiGraph``/
        ``MultiGraph`` for ``multi=True`` networks. Times become ISO strings.
        """
        import networkx as nx

        multi = bool(self.meta.get("multi"))
        cls = {
            (True, False): nx.DiGraph,
            (False, False): nx.Graph,
            (True, True): nx.MultiDiGraph,
            (False, True): nx.MultiGraph,
        }[(self.directed, multi)]
        g = cls()
        g.graph.update(
            {k: v for k, v in self.meta.items() if isinstance(v, (str, int, float, bool))}
        )
        for node, attrs in self.nodes.iterrows():
            g.add_node(node, **{k: _plain(v) for k, v in attrs.items() if not _missing(v)})
        cols = [c for c in self.edges.columns if c not in ("source", "target")]
        for row in self.edges.itertuples(index=False):
            d = row._asdict()
            g.add_edge(
                d.pop("source"),
                d.pop("target"),
                **{k: _plain(d[k]) for k in cols if not _missing(d[k])},
            )
        return g

    @classmethod
    def from_networkx(cls, graph: networkx.Graph, *, weight: str = "weight") -> Network:
        """A Network from a networkx graph (edge attribute ``weight`` or 1)."""
        nodes = pd.DataFrame.from_dict(dict(graph.nodes(data=True)), orient="index")
        nodes.index = pd.Index([str(x) for x in graph.nodes()], name=NODE, dtype=STRING)
        rows = [
            {
                "source": str(u),
                "target": str(v),
                "weight": d.get(weight, 1),
                **{k: x for k, x in d.items() if k != weight},
            }
            for u, v, d in graph.edges(data=True)
        ]
        edges = pd.DataFrame(rows, columns=None if rows else ["source", "target", "weight"])
        return cls._assemble(
            nodes,
            edges,
            graph.is_directed(),
            {"source": "networkx", "multi": graph.is_multigraph()},
        )

    @classmethod
    def from_igraph(cls, graph: igraph.Graph, *, weight: str = "weight") -> Network:
        """A Network from an igraph graph (vertex ``name`` or the vertex index as id)."""
        names = graph.vs["name"] if "name" in graph.vs.attributes() else list(range(graph.vcount()))
        names = [str(x) for x in names]
        nodes = pd.DataFrame({a: graph.vs[a] for a in graph.vs.attributes() if a != "name"})
        nodes.index = pd.Index(names, name=NODE, dtype=STRING)
        el = np.array(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        edges = pd.DataFrame(
            {
                "source": np.array(names, dtype=object)[el[:, 0]],
                "target": np.array(names, dtype=object)[el[:, 1]],
            }
        )
        edges["weight"] = graph.es[weight] if weight in graph.es.attributes() else 1
        for a in graph.es.attributes():
            if a != weight:
                edges[a] = graph.es[a]
        return cls._assemble(
            nodes,
            edges,
            graph.is_directed(),
            {"source": "igraph", "multi": bool(graph.has_multiple())},
        )

    @classmethod
    def _assemble(
        cls, nodes: pd.DataFrame, edges: pd.DataFrame, directed: bool, meta: dict
    ) -> Network:
        if "kind" not in nodes.columns:
            nodes.insert(0, "kind", "person")
        if ROLE not in nodes.columns:
            nodes[ROLE] = pd.array([pd.NA] * len(nodes), dtype=STRING)
        edges["source"] = edges["source"].astype(STRING)
        edges["target"] = edges["target"].astype(STRING)
        return cls(nodes=nodes, edges=edges.reset_index(drop=True), directed=directed, meta=meta)

    # -- views -------------------------------------------------------------------
    def subgraph(self, nodes: Iterable[Any], *, note: str | None = None) -> Network:
        """The network induced by ``nodes`` (edges among them only)."""
        keep = self._nodes.index.isin(pd.Index(list(nodes)).astype(str))
        n = self._nodes[keep]
        meta = dict(self._meta)
        meta["subgraph"] = note or f"{len(n)} of {len(self._nodes)} nodes"
        if not (self._nodes.index.is_unique and len(self._edges)):
            e = self._edges
            e = e[e["source"].isin(n.index) & e["target"].isin(n.index)]
            return Network(n.copy(), e.reset_index(drop=True), self.directed, meta)
        # through the memoised edge codes: no string lookups, and the subgraph's codes
        # are those of the kept edges renumbered (what its edge_codes() would compute)
        src, dst = self.edge_codes()
        inside = keep[src] & keep[dst]
        sub = Network(n.copy(), self._edges[inside].reset_index(drop=True), self.directed, meta)
        new = np.cumsum(keep) - 1
        codes = (new[src[inside]], new[dst[inside]])
        for c in codes:
            c.setflags(write=False)
        sub._cache["codes"] = codes
        return sub

    # -- display -----------------------------------------------------------------
    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return (
            f"<Network {self.meta.get('ties', '?')} ({kind}): {self.n_nodes} nodes, "
            f"{self.n_ties} ties, {self.n_interactions} interactions>"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("tie definition", self.meta.get("ties", "?")),
            ("direction", "directed" if self.directed else "undirected"),
            ("nodes", self.n_nodes),
            ("distinct ties", self.n_ties),
            ("interactions", self.n_interactions),
        ]
        if ROLE in self.nodes.columns:
            counts = self.nodes[ROLE].fillna("unknown").value_counts()
            rows.append(("roles", ", ".join(f"{k}: {v}" for k, v in counts.items())))
        for key in ("start", "end", "self_loops", "unresolved_replies", "people_excluded"):
            if self.meta.get(key) not in (None, 0):
                rows.append((key.replace("_", " "), self.meta[key]))
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in rows
        )
        return f"<div><b>connectana Network</b><table>{body}</table></div>"


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(v: Any) -> Any:
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _tie_table(net: Network, directed: bool, weight: str | None, loops: bool) -> pd.DataFrame:
    src, dst = net.edge_codes()
    e = net._edges
    multi = bool(net._meta.get("multi"))
    inter = np.ones(len(e)) if multi else e["weight"].to_numpy(dtype=float)
    w = np.ones(len(e)) if weight is None else net.edge_weights(weight)
    if not directed:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    df = pd.DataFrame({"s": src, "t": dst, "interactions": inter, "w": w})
    if not loops:
        df = df[df["s"] != df["t"]]
    df = df.groupby(["s", "t"], sort=True).sum().reset_index()
    if weight is None:
        df["w"] = 1.0
    return df


def aggregate_ties(inter: pd.DataFrame, *, directed: bool, multi: bool) -> pd.DataFrame:
    """Collapse interactions into an edges table (see :class:`Network`)."""
    df = inter
    if not directed and len(df):
        s = df["source"].to_numpy(dtype=object)
        t = df["target"].to_numpy(dtype=object)
        swap = s > t
        if swap.any():
            df = df.copy()
            df.loc[swap, ["source", "target"]] = df.loc[swap, ["target", "source"]].to_numpy()
    tie_types = sorted(df["tie"].unique()) if len(df) else []
    if multi:
        edges = pd.DataFrame(
            {
                "source": df["source"].to_numpy(),
                "target": df["target"].to_numpy(),
                "weight": np.ones(len(df), dtype=np.int64),
                "first": df["time"].array,  # not to_numpy(): object Timestamps
                "last": df["time"].array,
                "n_explicit": df["explicit"].astype(np.int64).to_numpy(),
                "n_inferred": (~df["explicit"]).astype(np.int64).to_numpy(),
            }
        )
        for t in tie_types:
            edges[f"n_{_col(t)}"] = (df["tie"] == t).astype(np.int64).to_numpy()
        edges["event_id"] = df["event_id"].to_numpy()
        edges["thread_id"] = df["thread_id"].to_numpy()
    else:
        work = df[["source", "target", "time", "explicit"]].copy()
        work["inferred"] = ~work["explicit"]
        for t in tie_types:
            work[f"n_{_col(t)}"] = df["tie"].to_numpy() == t
        g = work.groupby(["source", "target"], sort=True, observed=True)
        agg = {
            "weight": ("time", "size"),
            "first": ("time", "min"),
            "last": ("time", "max"),
            "n_explicit": ("explicit", "sum"),
            "n_inferred": ("inferred", "sum"),
        }
        for t in tie_types:
            agg[f"n_{_col(t)}"] = (f"n_{_col(t)}", "sum")
        edges = (
            g.agg(**agg).reset_index()
            if len(work)
            else pd.DataFrame(columns=list(agg) + ["source", "target"])
        )
    edges = edges.reindex(
        columns=EDGE_COLUMNS + [c for c in edges.columns if c not in EDGE_COLUMNS]
    )
    for c in edges.columns:
        if c == "weight" or c.startswith("n_"):
            edges[c] = edges[c].astype(np.int64)
    edges["source"] = edges["source"].astype(STRING)
    edges["target"] = edges["target"].astype(STRING)
    edges["first"] = edges["first"].astype(TIME)
    edges["last"] = edges["last"].astype(TIME)
    return edges.reset_index(drop=True)


def _col(tie: str) -> str:
    return tie.replace("+", "_").replace(" ", "_")


def build_network(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    people: pd.DataFrame | None = None,
    directed: bool | None = None,
    multi: bool = False,
    loops: bool = False,
    start: Any = None,
    end: Any = None,
    k: int = 3,
    fallback: str | None = None,
    object: str = "thread",
    exclude: Sequence[Any] | None = None,
    max_ties: int | None = DEFAULT_MAX_TIES,
) -> Network:
    """Build a Network from Events under a named tie definition.

    Parameters
    ----------
    events : DataFrame
        A valid Events table, or a Dask DataFrame of events (the aggregation
        then runs in Dask: see :mod:`connectana.engines.dask`).
    ties : str
        The tie definition (see :mod:`connectana.ties`): ``reply``, ``star``,
        ``reply+star``, ``limited_copresence``, ``copresence``, ``mention``
        ``bipartite`` or ``resource`` (person × resource shared; needs Events
        read with ``extract=``).
    people : DataFrame or path, optional
        A People table (:func:`connectana.make_people`), a roster DataFrame or
        a roster file (its id column found by
        :func:`connectana.people.person_column`). Every person in it is a node,
        with or without interactions: isolated learners show up. When more
        than 20 % of the people in the events are not in it a
        ``RosterMismatchWarning`` says so; when none is, an ``InputError``
        (see :func:`connectana.people.roster_overlap`).
    directed : bool, optional
        Default: the tie definition's nature (directed for all but
        ``copresence`` and ``bipartite``). ``False`` on a directed definition
        merges a→b and b→a into one undirected tie whose weight is the sum.
    multi : bool
        ``False`` (default): one edge per distinct tie, ``weight`` = number of
        interactions. ``True``: one edge per interaction (weight 1 each).
    loops : bool
        Keep self-ties (someone answering their own post). Default ``False``:
        they are removed and counted in ``meta["self_loops"]``.
    start, end : timestamp-like, optional
        Keep events with ``start <= timestamp < end`` (tz-aware).
    k : int
        Previous posters considered by ``limited_copresence``.
    fallback : {None, "star", "previous"}
        For ``reply``: what an answer with no known target ties to (none by
        default; the count of such answers is ``meta["unresolved_replies"]``).
    object : str
        For ``bipartite``: ``thread``, ``object``, ``context`` or ``parent``.
    exclude : sequence, optional
        People who opted out: their events and every tie to them are removed
        before the network is built; their number is ``meta["people_excluded"]``.
    max_ties : int or None
        ``copresence``: more interactions than this (counted before building,
        :func:`connectana.ties.count_interactions`) is a
        :class:`~connectana.errors.TieLimitError` suggesting
        ``limited_copresence``; default :data:`connectana.ties.DEFAULT_MAX_TIES`,
        ``None`` lifts the limit.

    Returns
    -------
    Network

    Notes
    -----
    Nodes are, in this order: the roster's people (in roster order), then every
    other actor or target in the (windowed) events in order of first
    appearance. ``n_events`` counts the events each person acted in.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a", "b"],
    ...     "target": ["b", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-0%d" % d for d in (1, 2, 3, 4)], utc=True)}))
    >>> net = ca.build_network(ev)
    >>> net.edges[["source", "target", "weight"]].values.tolist()
    [['a', 'b', 2], ['b', 'a', 1]]
    >>> net.meta["self_loops"]
    1
    """
    if ties not in TIE_DEFINITIONS:
        raise ParameterError(
            f"unknown tie definition {ties!r}; choose one of {list(TIE_DEFINITIONS)}"
        )
    if directed is None:
        directed = natural_direction(ties)
    elif directed and not natural_direction(ties):
        raise ParameterError(f"the {ties!r} tie definition is undirected; use directed=False")
    people = as_people(people)  # a path, a roster DataFrame or a People table
    if dask_engine.is_dask(events):  # the aggregation runs in Dask: connectana/engines/dask.py
        parts = dask_engine.network_parts(
            events, ties, directed=directed, multi=multi, loops=loops, start=start, end=end,
            exclude=exclude, k=k, fallback=fallback, object=object, max_ties=max_ties,
        )  # fmt: skip
        excluded = sorted({str(x) for x in exclude}) if exclude is not None else []
        inter_people = pd.DataFrame(
            {"source": pd.Series([], dtype=STRING), "target": parts.targets}
        )
        nodes = _nodes(parts.people_events, inter_people, people, excluded, ties)
        nodes["n_events"] = (
            parts.n_events.reindex(nodes.index.astype(str)).fillna(0).astype(np.int64).to_numpy()
        )
        edges = parts.edges.reindex(
            columns=EDGE_COLUMNS + [c for c in parts.edges if c not in EDGE_COLUMNS]
        )
        return Network(nodes=nodes, edges=edges, directed=directed, meta=parts.meta)
    validate_events(events)
    if people is not None:
        roster_overlap(events, people)  # warns / raises when the ids differ
    t0, t1 = course_start(start, name="start"), course_start(end, name="end")
    stats: dict = {}
    ev, inter, excluded = network_interactions(
        events, ties, start=t0, end=t1, exclude=exclude, loops=loops, k=k,
        fallback=fallback, object=object, max_ties=max_ties, stats=stats,
    )  # fmt: skip
    n_loops = stats["self_loops"]
    edges = aggregate_ties(inter, directed=directed, multi=multi)

    nodes = _nodes(ev, inter, people, excluded, ties)
    meta = {
        "ties": ties,
        "directed": directed,
        "multi": multi,
        "loops": loops,
        "start": None if t0 is None else t0.isoformat(),
        "end": None if t1 is None else t1.isoformat(),
        "events": int(len(ev)),
        "interactions": int(len(inter)),
        "self_loops": n_loops,
        "self_loops_removed": 0 if loops else n_loops,
        "unresolved_replies": int(stats.get("unresolved_replies", 0)),
        "people_excluded": len(excluded),
        "platforms": sorted(map(str, ev[PLATFORM].dropna().unique())),
    }
    if ties == "limited_copresence":
        meta["k"] = k
    if fallback is not None:
        meta["fallback"] = fallback
        meta["fallback_ties"] = int(stats.get("fallback_ties", 0))
    if ties == "bipartite":
        meta["object"] = object
    return Network(nodes=nodes, edges=edges, directed=directed, meta=meta)


def network_interactions(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    start: Any = None,
    end: Any = None,
    exclude: Sequence[Any] | None = None,
    loops: bool = False,
    k: int = 3,
    fallback: str | None = None,
    object: str = "thread",
    max_ties: int | None = DEFAULT_MAX_TIES,
    stats: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The events and interactions :func:`build_network` builds from (one rule for both).

    The window (``start <= timestamp < end``), the opt-outs (``exclude``: their
    events, events addressed to them and every interaction with them) and
    self-ties (dropped unless ``loops``) are applied here, so that whoever
    needs the interactions one by one (exports with times) gets exactly the
    ones the network aggregates.

    Returns
    -------
    (events, interactions, excluded)
        The windowed events without the opted-out people, their interactions
        (:func:`connectana.ties.interactions` columns), and the sorted ids of
        the people excluded. ``stats`` (when given) receives
        ``unresolved_replies``, ``fallback_ties`` and ``self_loops``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.network import network_interactions
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c"], "target": ["b", "a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True)}))
    >>> _, inter, gone = network_interactions(ev, exclude=["c"], end="2024-01-03T00:00Z")
    >>> inter[["source", "target"]].values.tolist(), gone
    ([['a', 'b'], ['b', 'a']], ['c'])
    """
    stats = {} if stats is None else stats
    t0, t1 = course_start(start, name="start"), course_start(end, name="end")
    ev = events
    if t0 is not None:
        ev = ev[ev[TIMESTAMP] >= t0]
    if t1 is not None:
        ev = ev[ev[TIMESTAMP] < t1]
    excluded: list[str] = []
    if exclude is not None:
        excluded = sorted({str(x) for x in exclude})
        gone = ev[ACTOR].isin(excluded) | ev[TARGET].isin(excluded)
        ev = ev[~gone.to_numpy()]
    inter = interactions(
        ev, ties, k=k, fallback=fallback, object=object, stats=stats, max_ties=max_ties
    )
    if excluded:
        ex_tab = pd.Index(excluded)
        inter = inter[~(inter["source"].isin(ex_tab) | inter["target"].isin(ex_tab))]
    is_loop = (inter["source"] == inter["target"]).to_numpy()
    stats["self_loops"] = int(is_loop.sum())
    if not loops and stats["self_loops"]:
        inter = inter[~is_loop]
    return ev, inter, excluded


def _nodes(
    ev: pd.DataFrame,
    inter: pd.DataFrame,
    people: pd.DataFrame | None,
    excluded: list[str],
    ties: str,
) -> pd.DataFrame:
    seen = pd.concat(
        [ev[ACTOR], inter["source"], inter["target"]] if ties not in TWO_MODE else [ev[ACTOR]],
        ignore_index=True,
    ).dropna()
    seen = seen.astype(STRING).unique()  # in order of first appearance (pyarrow's hash)
    if people is not None:
        if people.index.name != "person" and "person" in people.columns:
            people = people.set_index("person")
        roster_ids = people.index.astype(str)
        in_roster = set(roster_ids)
        extra = [x for x in seen if x not in in_roster]
        ids = list(roster_ids) + extra
    else:
        roster_ids = pd.Index([])
        ids = list(seen)
    if excluded:
        ex = set(excluded)
        ids = [x for x in ids if x not in ex]
    index = pd.Index(ids, name=NODE, dtype=STRING)
    nodes = pd.DataFrame(index=index)
    nodes["kind"] = pd.array(["person"] * len(index), dtype=STRING)
    roles = pd.Series(pd.NA, index=index, dtype=STRING)
    if ROLE in ev.columns:
        src_roles = (
            ev[[ACTOR, ROLE]]
            .dropna(subset=[ROLE])
            .drop_duplicates(ACTOR, keep="last")
            .set_index(ACTOR)[ROLE]
        )
        # normalised once per distinct value (a course has a handful), not per person
        distinct = src_roles.unique()
        src_roles = src_roles.map(dict(zip(distinct, map(normalize_role, distinct), strict=True)))
        common = src_roles.index.intersection(index)
        roles[common] = src_roles[common].to_numpy()
    nodes[ROLE] = roles
    nodes[GROUP] = pd.array([pd.NA] * len(index), dtype=STRING)
    nodes[DISPLAY_NAME] = pd.array([pd.NA] * len(index), dtype=STRING)
    if people is not None:
        nodes["in_roster"] = index.isin(roster_ids)
        p = people.copy()
        p.index = p.index.astype(str)
        p = p[~p.index.isin(excluded)]
        for c in p.columns:
            vals = p[c]
            if c in (ROLE, GROUP, DISPLAY_NAME):
                cur = nodes[c].copy()
                cur[vals.index] = vals.astype(STRING).to_numpy()
                nodes[c] = cur
            else:
                nodes[c] = vals.reindex(index).to_numpy()
    counts = ev[ACTOR].value_counts()
    nodes["n_events"] = counts.reindex(index.astype(str)).fillna(0).astype(np.int64).to_numpy()
    if ties in TWO_MODE and len(inter):
        objs = pd.unique(inter["target"].astype(str).to_numpy())
        onodes = pd.DataFrame(index=pd.Index(objs, name=NODE, dtype=STRING))
        onodes["kind"] = [o.split(":", 1)[0] for o in objs]
        onodes["n_events"] = inter["target"].value_counts().reindex(objs).to_numpy()
        nodes = pd.concat([nodes, onodes])
        nodes["kind"] = nodes["kind"].astype(STRING)
    return nodes


def project(network: Network, *, onto: str = "person") -> Network:
    """One-mode projection of a bipartite network.

    Two nodes of kind ``onto`` are tied when they share at least one object;
    ``weight`` = number of shared objects. For each shared object the pair's
    time is when the later of the two first linked to it; ``first``/``last``
    are the earliest and latest of these. Undirected.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c", "a"],
    ...     "thread_id": ["t1", "t1", "t2", "t2"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> p = ca.project(ca.build_network(ev, "bipartite"))
    >>> p.edges[["source", "target", "weight"]].values.tolist()
    [['a', 'b', 1], ['a', 'c', 1]]
    """
    if network.meta.get("ties") not in TWO_MODE:
        raise ParameterError(
            f"project() needs a network built with a two-mode tie definition, one of {list(TWO_MODE)}"
        )
    e = network.edges
    if onto == "resource" and network.meta.get("ties") == "resource":
        keep_kind = network.nodes["kind"] != "person"  # every kind of resource
    else:
        keep_kind = network.nodes["kind"] == onto
    ids = network.nodes.index[keep_kind.to_numpy()]
    # An undirected edge is stored with source < target: either end may be the `onto` node.
    source_is_onto = e["source"].isin(ids).to_numpy()
    src, dst = e["source"].to_numpy(object), e["target"].to_numpy(object)
    links = pd.DataFrame(
        {
            "a": np.where(source_is_onto, src, dst),
            "o": np.where(source_is_onto, dst, src),
            "first": e["first"].to_numpy(),
            "last": e["last"].to_numpy(),
        }
    )
    pairs = links.merge(links, on="o", suffixes=("_1", "_2"))
    pairs = pairs[pairs["a_1"].astype(str).to_numpy() < pairs["a_2"].astype(str).to_numpy()]
    pairs = pairs.assign(time=np.maximum(pairs["first_1"].to_numpy(), pairs["first_2"].to_numpy()))
    inter = pd.DataFrame(
        {
            "source": pairs["a_1"],
            "target": pairs["a_2"],
            "time": pairs["time"],
            "tie": "projection",
            "explicit": False,
            "thread_id": pairs["o"],
            "event_id": pd.NA,
        }
    )
    edges = aggregate_ties(inter, directed=False, multi=False)
    nodes = network.nodes.loc[ids].copy()
    meta = dict(network.meta)
    two_mode = network.meta.get("ties")
    meta.update(ties=f"projection of {two_mode} onto {onto}", directed=False, multi=False)
    return Network(nodes=nodes, edges=edges, directed=False, meta=meta)
