"""Static, pre-aggregated networks: weighted edge lists without timestamps.

An SNA exercise, a Gephi or NodeXL export, a survey network or a published data set
often comes as ``source, target, weight`` with no time at all. Such a table is not a log
of interactions (Events count interactions; here the weight is given), so it is read
straight into a :class:`~connectana.network.Network` by :func:`read_edgelist`. Every
metric works on it; what needs time (growth, spells, formation models, temporal paths)
says that the network has none (``net.meta["timed"]`` is ``False``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FormatError, InputError, SchemaError

__all__ = ["EDGELIST_GRAPH_FORMATS", "read_edgelist"]

#: File endings read through networkx's graph readers (any other ending is a table).
EDGELIST_GRAPH_FORMATS = {
    ".graphml": "read_graphml",
    ".gexf": "read_gexf",
    ".net": "read_pajek",
    ".paj": "read_pajek",
    ".pajek": "read_pajek",
}

#: Column pairs taken for source/target when none is named (in this order).
_ENDPOINTS = (
    ("source", "target"),
    ("from", "to"),
    ("sender", "receiver"),
    ("sender", "reciever"),
    ("tail", "head"),
    ("ego", "alter"),
    ("vertex1", "vertex2"),
)


def read_edgelist(
    data: str | os.PathLike | pd.DataFrame,
    *,
    source: str | None = None,
    target: str | None = None,
    weight: str | None = None,
    directed: bool = True,
    people: pd.DataFrame | str | os.PathLike | None = None,
    loops: bool = False,
    **read_options: Any,
):
    """Read a static weighted edge list into a Network.

    Parameters
    ----------
    data : path or DataFrame
        A table (CSV/TSV, Excel, Parquet, JSON lines: read with
        :func:`connectana.io.table.read_tabular_file`), a graph file (GraphML, GEXF,
        Pajek ``.net``: read with networkx), or a DataFrame already in memory.
    source, target : str, optional
        The columns naming the two ends of each edge. Default: the first pair found
        among ``source/target``, ``from/to``, ``sender/receiver``, ``tail/head``,
        ``ego/alter``, ``vertex1/vertex2`` (any case); otherwise a SchemaError lists
        the columns.
    weight : str, optional
        The column holding each row's weight (numbers, not negative). Default: every
        row weighs 1, so ``weight`` counts the rows of a pair. Graph files: the edge
        attribute of that name (default ``weight`` when present, else 1).
    directed : bool
        ``False``: ``a–b`` and ``b–a`` are one tie (stored with ``source < target``).
    people : DataFrame or path, optional
        A roster (:func:`connectana.make_people` / :func:`connectana.read_people`):
        every member is a node, with or without ties.
    loops : bool
        Keep rows whose two ends are the same person. Default: removed and counted in
        ``meta["self_loops"]``.
    **read_options
        ``sep``, ``sheet``, ``encoding`` for table files.

    Returns
    -------
    Network
        ``edges``: one row per distinct tie (ordered pair when directed) with
        ``weight`` = the sum of the weights of its rows; ``first``/``last`` are empty.
        ``nodes``: the roster (in roster order) then every other end in order of first
        appearance. ``meta``: ``ties="edgelist"``, ``timed=False``, ``rows``,
        ``self_loops``, ``weight`` (the column used, or None).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> df = pd.DataFrame({"from": ["a", "b", "a", "c"], "to": ["b", "a", "b", "c"],
    ...                    "w": [2.0, 1.0, 0.5, 3.0]})
    >>> net = ca.read_edgelist(df, weight="w")
    >>> net.edges[["source", "target", "weight"]].values.tolist()
    [['a', 'b', 2.5], ['b', 'a', 1.0]]
    >>> net.meta["self_loops"], list(net.nodes.index)
    (1, ['a', 'b', 'c'])
    >>> ca.read_edgelist(df, weight="w", directed=False).edges["weight"].tolist()
    [3.5]
    """
    from ..network import Network

    name = None if isinstance(data, pd.DataFrame) else Path(data)
    isolates: list[str] = []
    if name is not None and name.suffix.lower() in EDGELIST_GRAPH_FORMATS:
        table, weight, isolates = _graph_file(name, weight)
        source, target = "source", "target"
    elif name is not None:
        from .table import read_tabular_file

        table = read_tabular_file(name, **read_options)
    elif isinstance(data, pd.DataFrame):
        table = data
    else:  # pragma: no cover - typing guard
        raise InputError("expected a path or a DataFrame", found=type(data).__name__)
    src_col, dst_col = _endpoints(table, source, target, name)
    src = table[src_col]
    dst = table[dst_col]
    missing = src.isna().to_numpy() | dst.isna().to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0]) + 1
        raise InputError(
            "an edge has no source or no target",
            file=name,
            row=row,
            field=src_col if pd.isna(src.iloc[row - 1]) else dst_col,
            expected="both ends of every edge",
        )
    src = src.astype(str).str.strip().to_numpy(dtype=object)
    dst = dst.astype(str).str.strip().to_numpy(dtype=object)
    w = _weights(table, weight, name)
    order = pd.unique(np.concatenate([np.column_stack([src, dst]).ravel(), isolates]))
    is_loop = src == dst
    n_loops = int(is_loop.sum())
    if not loops:
        src, dst, w = src[~is_loop], dst[~is_loop], w[~is_loop]
    if not directed and len(src):
        swap = src > dst
        src, dst = np.where(swap, dst, src), np.where(swap, src, dst)
    edges = (
        pd.DataFrame({"source": src, "target": dst, "weight": w})
        .groupby(["source", "target"], sort=False)["weight"]
        .sum()
        .reset_index()
    )
    if np.all(np.mod(edges["weight"].to_numpy(dtype=float), 1) == 0) and weight is None:
        edges["weight"] = edges["weight"].astype(np.int64)
    edges["first"] = pd.Series(pd.NaT, index=edges.index, dtype="datetime64[ns, UTC]")
    edges["last"] = edges["first"]
    edges["source"] = edges["source"].astype("string[pyarrow]")
    edges["target"] = edges["target"].astype("string[pyarrow]")
    nodes = _node_table(order, people)
    meta = {
        "ties": "edgelist",
        "timed": False,
        "directed": directed,
        "multi": False,
        "loops": loops,
        "rows": int(len(table)),
        "weight": weight,
        "self_loops": n_loops,
        "self_loops_removed": 0 if loops else n_loops,
        "source_file": None if name is None else name.name,
    }
    return Network(nodes=nodes, edges=edges, directed=directed, meta=meta)


def _graph_file(path: Path, weight: str | None):
    import networkx as nx

    reader = getattr(nx, EDGELIST_GRAPH_FORMATS[path.suffix.lower()])
    try:
        graph = reader(path)
    except Exception as exc:  # networkx raises many kinds for a broken file
        raise FormatError(f"cannot read as {path.suffix} graph: {exc}", file=path) from exc
    key = weight or "weight"
    rows = [
        (str(u), str(v), d.get(key, 1.0 if weight is None else np.nan))
        for u, v, d in graph.edges(data=True)
    ]
    table = pd.DataFrame(rows, columns=["source", "target", key])
    isolates = [str(v) for v in graph.nodes if graph.degree(v) == 0]  # nodes too
    has_weight = weight is not None or any("weight" in d for *_, d in graph.edges(data=True))
    return table, key if has_weight else None, isolates


def _endpoints(table: pd.DataFrame, source, target, name) -> tuple[str, str]:
    cols = {str(c).strip().lower(): c for c in table.columns}
    if source is not None or target is not None:
        if source is None or target is None:
            raise SchemaError(
                "name both ends of the edges", file=name, expected="source= and target="
            )
        absent = [c for c in (source, target) if c not in table.columns]
        if absent:
            raise SchemaError(
                "no such column",
                file=name,
                field=absent[0],
                found=list(table.columns),
                expected="source=/target= naming columns of the file",
            )
        return source, target
    for a, b in _ENDPOINTS:
        if a in cols and b in cols:
            return cols[a], cols[b]
    raise SchemaError(
        "cannot tell which columns are the two ends of each edge",
        file=name,
        found=list(table.columns),
        expected="read_edgelist(..., source=COLUMN, target=COLUMN)",
    )


def _weights(table: pd.DataFrame, weight: str | None, name) -> np.ndarray:
    if weight is None:
        return np.ones(len(table), dtype=np.int64)
    if weight not in table.columns:
        raise SchemaError(
            "no such weight column",
            file=name,
            field=weight,
            found=list(table.columns),
            expected="weight= naming a column of numbers, or None to count rows",
        )
    values = pd.to_numeric(table[weight], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise InputError(
            "a weight is not a number of zero or more",
            file=name,
            row=row,
            field=weight,
            found=table[weight].iloc[row - 1],
            expected="weights >= 0",
        )
    return values


def _node_table(order: np.ndarray, people) -> pd.DataFrame:
    from ..events import make_people

    if people is not None and not isinstance(people, pd.DataFrame):
        from ..people import read_people

        people = read_people(people)
    if people is not None and "person" in people.columns and people.index.name != "person":
        people = people.set_index("person")
    roster = [] if people is None else [str(x) for x in people.index]
    known = set(roster)
    ids = roster + [str(x) for x in order if str(x) not in known]
    index = pd.Index(ids, name="node", dtype="string[pyarrow]")
    nodes = pd.DataFrame(index=index)
    nodes["kind"] = pd.array(["person"] * len(index), dtype="string[pyarrow]")
    if people is None:
        people = make_people(pd.DataFrame({"person": ids}), default_role="other")
        people["role"] = pd.NA
    p = people.copy()
    p.index = p.index.astype(str)
    for c in ("role", "group", "display_name"):
        col = p[c] if c in p.columns else pd.Series(pd.NA, index=p.index)
        nodes[c] = pd.array(col.reindex(ids).to_numpy(), dtype="string[pyarrow]")
    nodes["in_roster"] = index.isin(roster)
    for c in p.columns:
        if c not in ("role", "group", "display_name"):
            nodes[c] = p[c].reindex(ids).to_numpy()
    return nodes
