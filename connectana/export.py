"""Exports that keep time: GEXF (static and dynamic), spells, relational events, GraphML, tables.

- :func:`to_gexf` — GEXF 1.3 for Gephi; ``dynamic=True`` writes node and edge
  spells that Gephi's timeline plays.
- :func:`spells` — an edge (or vertex) spell table (onset, terminus, tail, head)
  for R ``networkDynamic`` / ``tsna``.
- :func:`relational_events` — the time-ordered list (time, sender, receiver,
  type, event_id) that relational event models take.
- :func:`to_graphml` — GraphML through networkx (times as ISO strings).
- :func:`write_tables` — the nodes and edges tables as CSV or Parquet.

Writers write what they are given: identities appear as they are in the
network. To share data, pseudonymise first (``ca.pseudonymize``) and export
the pseudonymised events or network.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ParameterError, ParameterTypeError
from .events import ACTOR, TIMESTAMP, validate_events
from .network import Network, build_network, network_interactions
from .privacy import write_csv

__all__ = ["to_gexf", "spells", "relational_events", "to_graphml", "write_tables"]

GEXF_NS = "http://gexf.net/1.3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_TIE_OPTIONS = ("k", "fallback", "object")


# -- shared: a network and, when events are given, the time of every interaction ------------
def _resolve(
    data: Network | pd.DataFrame,
    ties: str,
    directed: bool | None,
    people: pd.DataFrame | None,
    options: dict,
) -> tuple[Network, pd.DataFrame | None, pd.DataFrame | None]:
    """(network, its interactions or None, the events it was built from or None)."""
    if isinstance(data, Network):
        if options or people is not None:
            raise ParameterError("build options apply to Events; this is already a Network")
        return data, None, None
    if not isinstance(data, pd.DataFrame):
        raise ParameterTypeError(
            f"expected a Network or an Events DataFrame, not {type(data).__name__}"
        )
    validate_events(data)
    net = build_network(data, ties, people=people, directed=directed, **options)
    # the same window, opt-outs and self-tie rule as the network (one implementation)
    keep = ("start", "end", "exclude", "loops", "max_ties", *_TIE_OPTIONS)
    ev, inter, _ = network_interactions(
        data, ties, **{k: v for k, v in options.items() if k in keep}
    )
    if not net.directed and len(inter):
        s = inter["source"].astype(str).to_numpy(dtype=object)
        t = inter["target"].astype(str).to_numpy(dtype=object)
        swap = s > t
        inter = inter.assign(source=np.where(swap, t, s), target=np.where(swap, s, t))
    return net, inter.reset_index(drop=True), ev


def _node_activity(
    net: Network, inter: pd.DataFrame | None, ev: pd.DataFrame | None
) -> pd.DataFrame:
    """first / last activity time per node (NaT for nodes never active)."""
    if inter is not None and ev is not None:
        frames = [
            pd.DataFrame({"node": ev[ACTOR].astype(str), "time": ev[TIMESTAMP]}),
            pd.DataFrame({"node": inter["source"].astype(str), "time": inter["time"]}),
            pd.DataFrame({"node": inter["target"].astype(str), "time": inter["time"]}),
        ]
        times = pd.concat(frames, ignore_index=True)
        first = times.groupby("node")["time"].min()
        last = times.groupby("node")["time"].max()
    else:
        e = net.edges
        ends = pd.concat(
            [
                pd.DataFrame(
                    {"node": e["source"].astype(str), "first": e["first"], "last": e["last"]}
                ),
                pd.DataFrame(
                    {"node": e["target"].astype(str), "first": e["first"], "last": e["last"]}
                ),
            ],
            ignore_index=True,
        )
        first = ends.groupby("node")["first"].min()
        last = ends.groupby("node")["last"].max()
    ids = net.nodes.index.astype(str)
    return pd.DataFrame(
        {"first": first.reindex(ids).to_numpy(), "last": last.reindex(ids).to_numpy()}, index=ids
    )


def _gexf_time(t: pd.Timestamp) -> str:
    """xs:dateTime in UTC without an offset (the graph says timezone="UTC")."""
    t = pd.Timestamp(t).tz_convert("UTC").tz_localize(None)
    return t.isoformat(timespec="microseconds" if t.microsecond else "seconds")


def _attr_type(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "long"
    if pd.api.types.is_float_dtype(s.dtype):
        return "double"
    return "string"


def _attr_value(v: Any, kind: str) -> str | None:
    if v is None or v is pd.NA:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if kind == "boolean":
        return "true" if bool(v) else "false"
    if kind == "long":
        return str(int(v))
    if kind == "double":
        return repr(float(v))
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return str(v)


# -- GEXF ---------------------------------------------------------------------------------------
def to_gexf(
    data: Network | pd.DataFrame,
    path: str | Path,
    *,
    dynamic: bool = False,
    edge_spells: str = "range",
    ties: str = "reply",
    directed: bool | None = None,
    people: pd.DataFrame | None = None,
    description: str | None = None,
    **build_options: Any,
) -> Path:
    """Write a GEXF 1.3 file (static, or dynamic for Gephi's timeline).

    Parameters
    ----------
    data : Network or DataFrame
        A Network, or Events (then built with
        :func:`connectana.build_network` under ``ties``, ``directed``,
        ``people`` and ``build_options``).
    path : str or Path
    dynamic : bool
        ``True``: ``mode="dynamic"``, ``timeformat="dateTime"``,
        ``timezone="UTC"``; each node carries ``start``/``end`` = its first
        and last activity, each edge its spells (see ``edge_spells``).
    edge_spells : {"range", "interactions"}
        ``range``: one spell per edge from its first to its last interaction
        (``start``/``end`` attributes). ``interactions`` (Events only): a
        ``<spells>`` list with one instant spell (start = end) per distinct
        interaction time.
    ties, directed, people, **build_options
        Used when ``data`` is Events.
    description : str, optional
        Text for ``<meta><description>``; default names the tie definition.

    Returns
    -------
    Path

    Notes
    -----
    Nodes: ``id`` = node id, ``label`` = ``display_name`` when known, every
    other column of ``net.nodes`` as a node attribute (integers ``long``,
    floats ``double``, booleans ``boolean``, anything else ``string``;
    missing values are left out). Edges: ``weight`` = number of interactions,
    the other columns of ``net.edges`` as edge attributes (times as ISO
    strings). Times in spells are UTC without an offset, with
    ``timezone="UTC"`` on the graph. Node activity: from Events, the first
    and last event the person acted in or interaction they took part in;
    from a Network, the first and last interaction of their edges (nodes
    without edges get no spell: always present).

    networkx (3.6) cannot read ``timeformat="dateTime"`` (networkx issue
    #3246); to read a dynamic file with networkx, register the type:
    ``r = networkx.readwrite.gexf.GEXFReader(version="1.3");
    r.python_type["dateTime"] = str; graph = r(path)``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca, tempfile, pathlib
    >>> from connectana.export import to_gexf
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b"], "target": ["b", "a"],
    ...     "action": "reply", "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)}))
    >>> out = to_gexf(ev, pathlib.Path(tempfile.mkdtemp()) / "net.gexf", dynamic=True)
    >>> 'start="2024-01-01T00:00:00"' in out.read_text()
    True
    """
    from lxml import etree

    if edge_spells not in ("range", "interactions"):
        raise ParameterError(f"edge_spells must be 'range' or 'interactions', not {edge_spells!r}")
    net, inter, ev = _resolve(data, ties, directed, people, build_options)
    if dynamic and edge_spells == "interactions" and inter is None:
        raise ParameterError(
            "edge_spells='interactions' needs Events (a Network keeps first/last only)"
        )

    def el(parent: Any, tag: str, **attrs: Any) -> Any:
        return etree.SubElement(
            parent, f"{{{GEXF_NS}}}{tag}", {k: str(v) for k, v in attrs.items()}
        )

    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap={None: GEXF_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{GEXF_NS} {GEXF_NS}/gexf.xsd")
    root.set("version", "1.3")
    meta = el(root, "meta")
    el(meta, "creator").text = "connectana"
    if description is None:
        description = f"tie definition: {net.meta.get('ties', '?')}"
    el(meta, "description").text = description
    gattrs = {"defaultedgetype": "directed" if net.directed else "undirected"}
    if dynamic:
        gattrs.update(mode="dynamic", timeformat="dateTime", timezone="UTC")
    else:
        gattrs["mode"] = "static"
    graph = el(root, "graph", **gattrs)

    node_cols = [c for c in net.nodes.columns]
    node_types = {c: _attr_type(net.nodes[c]) for c in node_cols}
    edge_cols = [c for c in net.edges.columns if c not in ("source", "target", "weight")]
    edge_types = {c: _attr_type(net.edges[c]) for c in edge_cols}
    for cls, cols, types in (("node", node_cols, node_types), ("edge", edge_cols, edge_types)):
        block = el(graph, "attributes", **{"class": cls, "mode": "static"})
        for i, c in enumerate(cols):
            el(block, "attribute", id=f"{cls[0]}{i}", title=c, type=types[c])

    activity = _node_activity(net, inter, ev) if dynamic else None
    nodes_el = el(graph, "nodes", count=len(net.nodes))
    label_col = net.nodes["display_name"] if "display_name" in net.nodes.columns else None
    for pos, (node, row) in enumerate(net.nodes.iterrows()):
        label = str(node)
        if label_col is not None and not pd.isna(label_col.iloc[pos]):
            label = str(label_col.iloc[pos])
        attrs = {"id": str(node), "label": label}
        if activity is not None and not pd.isna(activity["first"].iloc[pos]):
            attrs["start"] = _gexf_time(activity["first"].iloc[pos])
            attrs["end"] = _gexf_time(activity["last"].iloc[pos])
        n_el = el(nodes_el, "node", **attrs)
        _attvalues(el, n_el, "n", node_cols, node_types, row.to_numpy(dtype=object))

    times: dict[tuple[str, str], list[str]] = {}
    if dynamic and edge_spells == "interactions":
        grouped = inter.groupby(["source", "target"], sort=False, observed=True)["time"]
        for key, t in grouped:
            times[(str(key[0]), str(key[1]))] = sorted({_gexf_time(x) for x in t})
    edges_el = el(graph, "edges", count=len(net.edges))
    e = net.edges
    values = e[edge_cols].to_numpy(dtype=object)
    for i, (s, t, w) in enumerate(zip(e["source"], e["target"], e["weight"], strict=True)):
        attrs = {"id": str(i), "source": str(s), "target": str(t), "weight": _num(w)}
        if dynamic and edge_spells == "range":
            attrs["start"] = _gexf_time(e["first"].iloc[i])
            attrs["end"] = _gexf_time(e["last"].iloc[i])
        e_el = el(edges_el, "edge", **attrs)
        if dynamic and edge_spells == "interactions":
            sp = el(e_el, "spells")
            for x in times[(str(s), str(t))]:
                el(sp, "spell", start=x, end=x)
        _attvalues(el, e_el, "e", edge_cols, edge_types, values[i])

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    etree.ElementTree(root).write(
        str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return path


def _num(w: Any) -> str:
    w = float(w)
    return str(int(w)) if w.is_integer() else repr(w)


def _attvalues(
    el: Any, parent: Any, prefix: str, cols: Sequence[str], types: dict, values: np.ndarray
) -> None:
    block = None
    for i, (c, v) in enumerate(zip(cols, values, strict=True)):
        text = _attr_value(v, types[c])
        if text is None:
            continue
        if block is None:
            block = el(parent, "attvalues")
        el(block, "attvalue", **{"for": f"{prefix}{i}", "value": text})


# -- spells for networkDynamic -------------------------------------------------------------------
def spells(
    data: Network | pd.DataFrame,
    *,
    which: str = "edges",
    by: str = "range",
    unit: str = "D",
    origin: Any = None,
    ties: str = "reply",
    directed: bool | None = None,
    people: pd.DataFrame | None = None,
    **build_options: Any,
) -> pd.DataFrame:
    """Spell table for R ``networkDynamic`` (``edge.spells=`` / ``vertex.spells=``).

    Parameters
    ----------
    data : Network or DataFrame
        A Network or Events (built with ``ties``, ``directed``, ``people``,
        ``build_options``).
    which : {"edges", "nodes"}
    by : {"range", "interactions"}
        Edges: one spell per edge from its first to its last interaction, or
        (Events only) one instant spell (onset = terminus) per interaction.
    unit : str
        Time unit of ``onset``/``terminus`` (a pandas Timedelta unit: ``"D"``
        days, ``"h"`` hours, ``"s"`` seconds).
    origin : timestamp-like, optional
        Time 0; default the earliest activity in the data.

    Returns
    -------
    DataFrame
        Edges: ``onset, terminus, tail, head`` (numeric times; tail/head are
        1-based vertex numbers = positions in ``net.nodes``, as
        networkDynamic wants), then ``source, target, weight, onset_time,
        terminus_time``. Nodes: ``onset, terminus, vertex_id, node,
        onset_time, terminus_time`` (nodes never active are left out).
        Spells are right-closed here: an edge active from its first to its
        last interaction; pass ``onset``/``terminus`` as is.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.export import spells
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a"], "target": ["b", "a", "b"],
    ...     "action": "reply",
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04"], utc=True)}))
    >>> s = spells(ev)
    >>> s["onset"].tolist(), s["terminus"].tolist(), s["tail"].tolist(), s["head"].tolist()
    ([0.0, 1.0], [3.0, 1.0], [1, 2], [2, 1])
    """
    if which not in ("edges", "nodes"):
        raise ParameterError(f"which must be 'edges' or 'nodes', not {which!r}")
    if by not in ("range", "interactions"):
        raise ParameterError(f"by must be 'range' or 'interactions', not {by!r}")
    net, inter, ev = _resolve(data, ties, directed, people, build_options)
    activity = _node_activity(net, inter, ev)
    t0 = activity["first"].min() if origin is None else pd.Timestamp(origin)
    if pd.isna(t0):
        t0 = pd.Timestamp(0, tz="UTC")
    if t0.tzinfo is None:
        raise ParameterError(f"origin={origin!r} has no time zone")
    step = pd.Timedelta(1, unit=unit)

    def num(t: pd.Series) -> np.ndarray:
        return ((pd.Series(t) - t0) / step).to_numpy(dtype=float)

    if which == "nodes":
        act = activity.dropna(subset=["first"])
        vid = net.nodes.index.astype(str).get_indexer(act.index) + 1
        return pd.DataFrame(
            {
                "onset": num(act["first"]),
                "terminus": num(act["last"]),
                "vertex_id": vid,
                "node": act.index.to_numpy(dtype=object),
                "onset_time": act["first"].to_numpy(),
                "terminus_time": act["last"].to_numpy(),
            }
        ).reset_index(drop=True)
    ids = net.nodes.index.astype(str)
    if by == "range":
        e = net.edges
        tab = pd.DataFrame(
            {
                "onset_time": e["first"].to_numpy(),
                "terminus_time": e["last"].to_numpy(),
                "source": e["source"].astype(str).to_numpy(dtype=object),
                "target": e["target"].astype(str).to_numpy(dtype=object),
                "weight": e["weight"].to_numpy(),
            }
        )
    else:
        if inter is None:
            raise ParameterError("by='interactions' needs Events (a Network keeps first/last only)")
        tab = pd.DataFrame(
            {
                "onset_time": inter["time"].to_numpy(),
                "terminus_time": inter["time"].to_numpy(),
                "source": inter["source"].astype(str).to_numpy(dtype=object),
                "target": inter["target"].astype(str).to_numpy(dtype=object),
                "weight": np.ones(len(inter), dtype=np.int64),
            }
        )
    out = pd.DataFrame(
        {
            "onset": num(tab["onset_time"]),
            "terminus": num(tab["terminus_time"]),
            "tail": ids.get_indexer(tab["source"]) + 1,
            "head": ids.get_indexer(tab["target"]) + 1,
        }
    )
    return pd.concat(
        [out, tab[["source", "target", "weight", "onset_time", "terminus_time"]]], axis=1
    )


# -- relational events ---------------------------------------------------------------------------
def relational_events(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    loops: bool = False,
    **tie_options: Any,
) -> pd.DataFrame:
    """The relational event list: one row per interaction, in time order.

    Parameters
    ----------
    events : DataFrame
        A valid Events table.
    ties : str
        Tie definition (:mod:`connectana.ties`).
    loops : bool
        Keep self-addressed events (default: drop them, as ``build_network``).
    **tie_options
        Passed to :func:`connectana.ties.interactions` (``k``, ``fallback``, ``object``).

    Returns
    -------
    DataFrame
        ``time, sender, receiver, type, event_id``: sender = the interaction's
        source, receiver = its target, type = the tie rule that produced it
        (``reply``, ``star``, ...), event_id = the event it comes from. Rows
        are sorted by time (stable: events at the same time keep the order
        of the tie definition).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.export import relational_events
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "b"], "target": ["b", "a", "b"],
    ...     "action": "reply", "event_id": ["e1", "e2", "e3"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True)}))
    >>> relational_events(ev)[["sender", "receiver", "event_id"]].values.tolist()
    [['a', 'b', 'e1'], ['b', 'a', 'e2']]
    """
    validate_events(events)
    _, inter, _ = network_interactions(events, ties, loops=loops, **tie_options)
    inter = inter.sort_values("time", kind="stable")
    return pd.DataFrame(
        {
            "time": inter["time"].to_numpy(),
            "sender": inter["source"].to_numpy(),
            "receiver": inter["target"].to_numpy(),
            "type": inter["tie"].astype(str).to_numpy(),
            "event_id": inter["event_id"].to_numpy(),
        }
    ).astype({"time": "datetime64[ns, UTC]"})


# -- GraphML and tables --------------------------------------------------------------------------
def to_graphml(net: Network, path: str | Path) -> Path:
    """Write GraphML with networkx (node and edge attributes; times as ISO strings).

    Missing values are left out of the element (GraphML has no missing value).

    Examples
    --------
    >>> import pandas as pd, connectana as ca, tempfile, pathlib, networkx as nx
    >>> from connectana.export import to_graphml
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a"], "target": ["b"], "action": "reply",
    ...     "timestamp": pd.to_datetime(["2024-01-01"], utc=True)}))
    >>> p = to_graphml(ca.build_network(ev), pathlib.Path(tempfile.mkdtemp()) / "n.graphml")
    >>> nx.read_graphml(p).edges(data="first")
    OutEdgeDataView([('a', 'b', '2024-01-01T00:00:00+00:00')])
    """
    import networkx as nx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(net.to_networkx(), path)
    return path


def write_tables(net: Network, folder: str | Path, *, format: str = "csv") -> dict[str, Path]:
    """Write ``nodes`` and ``edges`` tables to ``folder`` as CSV or Parquet.

    CSV: UTF-8, times as ISO 8601 strings with offset, the node id in column
    ``node``. Parquet keeps the dtypes (times as UTC timestamps).

    Returns
    -------
    dict
        ``{"nodes": path, "edges": path}``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca, tempfile
    >>> from connectana.export import write_tables
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a"], "target": ["b"], "action": "reply",
    ...     "timestamp": pd.to_datetime(["2024-01-01"], utc=True)}))
    >>> paths = write_tables(ca.build_network(ev), tempfile.mkdtemp())
    >>> pd.read_csv(paths["edges"])[["source", "target", "weight", "first"]].values.tolist()
    [['a', 'b', 1, '2024-01-01T00:00:00+00:00']]
    """
    if format not in ("csv", "parquet"):
        raise ParameterError(f"format must be 'csv' or 'parquet', not {format!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nodes = net.nodes.reset_index()
    nodes = nodes.rename(columns={nodes.columns[0]: "node"})
    tables = {"nodes": nodes, "edges": net.edges.reset_index(drop=True)}
    out: dict[str, Path] = {}
    for name, tab in tables.items():
        p = folder / f"{name}.{format}"
        if format == "csv":
            tab = tab.copy()
            for c in tab.columns:
                if isinstance(tab[c].dtype, pd.DatetimeTZDtype):
                    tab[c] = tab[c].map(lambda t: t.isoformat() if not pd.isna(t) else None)
            write_csv(tab, p, lineterminator=os.linesep)
        else:
            tab.to_parquet(p, index=False)
        out[name] = p
    return out
