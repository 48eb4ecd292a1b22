"""Temporal networks: spells, time-respecting paths, reachability, density over time.

The R packages networkDynamic and tsna (statnet) are how learning-analytics studies
analyse time-respecting paths. This module computes the same things from a **spell
table** — one row per period during which an edge is active — and reproduces tsna's
results exactly (tested against stored outputs of the R packages, see
``tests/data/temporal/PROVENANCE.md``).

A spell table has the columns ``source, target, onset, terminus`` (numbers; see
:func:`temporal_spells` to build one from Events). As in networkDynamic:

- a spell ``[onset, terminus)`` is right-open; a spell with ``onset == terminus`` is an
  instant (an interaction at one moment);
- spells of one edge that overlap or touch are merged into one
  (:func:`merge_spells`);
- an edge whose ``onset`` and ``terminus`` are both missing has no spell and is active
  at every time (``active_default=True``, networkDynamic's default).

Vertices are numbered in a fixed order: the ``nodes`` argument, else the spell table's
``attrs["nodes"]`` (set by :func:`temporal_spells`: the roster first, then everyone in
order of first appearance, as :func:`connectana.build_network` orders nodes), else the
order of first appearance in ``source``/``target``. Where tsna must choose between
equally early paths, it takes the vertex it reached first, then the lowest vertex
number; so does this module, so ``previous`` and ``steps`` match too.

Functions (tsna name in brackets): :func:`temporal_paths` (``tPath``),
:func:`reachability` (``tReach``), :func:`temporal_density` (``tEdgeDensity``),
:func:`temporal_stats` (``tSnaStats``: a measure on the network collapsed at each
time or window).

The module is longer than most (one topic, temporal networks): every tsna function's
search rules are stated in its docstring so that a researcher can tell exactly how each
number was computed.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import ConnectanaError, InputError

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = [
    "SPELL_RULES",
    "collapse",
    "merge_spells",
    "reachability",
    "temporal_density",
    "temporal_paths",
    "temporal_spells",
    "temporal_stats",
]

#: How :func:`temporal_spells` turns interactions into spells.
SPELL_RULES = {
    "instant": "one instant spell (onset = terminus) per interaction",
    "edge": "one spell per edge, from its first to its last interaction",
    "thread": "one spell per interaction spanning its thread: from the first to the last "
    "event of the discussion it belongs to",
}


# -- building spells ------------------------------------------------------------------------
def temporal_spells(
    events: pd.DataFrame,
    *,
    ties: str = "reply",
    rule: str = "instant",
    unit: str = "D",
    origin: Any = None,
    people: pd.DataFrame | None = None,
    directed: bool | None = None,
    **build_options: Any,
) -> pd.DataFrame:
    """Spell table of a temporal network built from Events.

    Parameters
    ----------
    events : DataFrame
        Events (:func:`connectana.read_events`).
    ties : str
        The tie definition (:func:`connectana.build_network`).
    rule : {"instant", "edge", "thread"}
        ``instant``: one instant spell per interaction (onset = terminus = its time).
        ``edge``: one spell per edge from its first to its last interaction.
        ``thread``: each interaction is active over the span of its thread, from the
        first to the last event of the discussion (``thread_id``) it belongs to — the
        construction of the temporal-network chapter of *Learning Analytics Methods
        and Tutorials* (an interaction without a thread is an instant).
        Spells of one edge that overlap or touch are then merged (:func:`merge_spells`).
    unit : str
        Unit of ``onset``/``terminus`` (a pandas Timedelta unit: ``"D"`` days, ``"h"``
        hours, ``"s"`` seconds).
    origin : timestamp-like, optional
        Time 0. Default: the earliest event kept.
    people, directed, **build_options
        As for :func:`connectana.build_network` (roster, direction, ``start``/``end``
        window, ``exclude``, ``loops``...). Roster members without interactions are
        vertices too (``attrs["nodes"]``).

    Returns
    -------
    DataFrame
        ``source, target, onset, terminus, onset_time, terminus_time``, one row per
        merged spell, sorted by edge then onset. ``attrs``: ``nodes`` (vertex order),
        ``directed``, ``unit``, ``origin`` (ISO time of 0), ``rule``, ``ties``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a"], "target": ["b", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04"], utc=True)}))
    >>> s = ca.temporal_spells(ev)
    >>> s[["source", "target", "onset", "terminus"]].values.tolist()
    [['a', 'b', 0.0, 0.0], ['a', 'b', 3.0, 3.0], ['b', 'a', 1.0, 1.0]]
    >>> ca.temporal_spells(ev, rule="edge")[["onset", "terminus"]].values.tolist()
    [[0.0, 3.0], [1.0, 1.0]]
    """
    from .events import THREAD_ID, TIMESTAMP
    from .network import Network, build_network

    if isinstance(events, Network):
        raise InputError(
            "temporal_spells needs Events: a Network has no times of its own "
            + ("(it was read from a static edge list)" if events.meta.get("timed") is False else
               "(its edges keep only their first and last times)"),
            expected="the Events the network was built from",
        )  # fmt: skip

    if rule not in SPELL_RULES:
        raise InputError(f"unknown spell rule {rule!r}", expected=f"one of {list(SPELL_RULES)}")
    net = build_network(events, ties, people=people, directed=directed, multi=True, **build_options)
    e = net.edges
    onset_t = e["first"].reset_index(drop=True)
    terminus_t = onset_t.copy()
    if rule == "thread":
        span = events.groupby(THREAD_ID, observed=True)[TIMESTAMP].agg(["min", "max"])
        thread = e["thread_id"].reset_index(drop=True)
        has = (thread.notna() & thread.isin(span.index)).to_numpy()
        onset_t[has] = span["min"].reindex(thread[has]).array
        terminus_t[has] = span["max"].reindex(thread[has]).array
    t0 = pd.Timestamp(origin) if origin is not None else events[TIMESTAMP].min()
    if pd.isna(t0):
        t0 = pd.Timestamp(0, tz="UTC")
    if t0.tzinfo is None:
        raise InputError(f"origin={origin!r} has no time zone", field="origin")
    step = pd.Timedelta(1, unit=unit)
    raw = pd.DataFrame(
        {
            "source": e["source"].astype(str).to_numpy(dtype=object),
            "target": e["target"].astype(str).to_numpy(dtype=object),
            "onset": ((onset_t - t0) / step).to_numpy(dtype=float),
            "terminus": ((terminus_t - t0) / step).to_numpy(dtype=float),
        }
    )
    if rule == "edge" and len(raw):
        raw = (
            raw.groupby(["source", "target"], sort=False)
            .agg(onset=("onset", "min"), terminus=("terminus", "max"))
            .reset_index()
        )
    out = merge_spells(raw, directed=net.directed)
    out["onset_time"] = t0 + pd.to_timedelta(out["onset"].to_numpy() * step.value, unit="ns")
    out["terminus_time"] = t0 + pd.to_timedelta(out["terminus"].to_numpy() * step.value, unit="ns")
    out.attrs = {
        "nodes": [str(x) for x in net.nodes.index],
        "directed": bool(net.directed),
        "unit": unit,
        "origin": t0.isoformat(),
        "rule": rule,
        "ties": ties,
    }
    return out


def merge_spells(spells: pd.DataFrame, *, directed: bool = True) -> pd.DataFrame:
    """Merge the spells of each edge as networkDynamic stores them.

    The activity of an edge is the union of its spells, where ``[a, b)`` (``a < b``)
    holds the times ``a <= t < b`` and an instant ``[t, t]`` holds ``t`` alone.
    Overlapping or touching intervals become one (``[1, 3)`` and ``[3, 5)`` give
    ``[1, 5)``); an instant inside an interval or at its onset disappears into it;
    an instant at an interval's terminus stays apart (the terminus is not in the
    interval); repeated instants become one. An edge whose spells have no times
    (``onset`` and ``terminus`` missing: always active) keeps one such row.

    Parameters
    ----------
    spells : DataFrame
        ``source, target, onset, terminus`` (other columns are dropped).
    directed : bool
        ``False``: ``a–b`` and ``b–a`` are one edge, stored with the endpoints in
        the order of their first row.

    Returns
    -------
    DataFrame
        ``source, target, onset, terminus`` sorted by edge (order of first appearance)
        then onset.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.temporal import merge_spells
    >>> s = pd.DataFrame({"source": "a", "target": "b",
    ...     "onset": [1.0, 3.0, 5.0, 2.0, 7.0], "terminus": [3.0, 5.0, 5.0, 2.0, 8.0]})
    >>> merge_spells(s)[["onset", "terminus"]].values.tolist()
    [[1.0, 5.0], [5.0, 5.0], [7.0, 8.0]]
    """
    _check_spell_columns(spells)
    src = spells["source"].astype(str).to_numpy(dtype=object)
    dst = spells["target"].astype(str).to_numpy(dtype=object)
    on = pd.to_numeric(spells["onset"]).to_numpy(dtype=float)
    off = pd.to_numeric(spells["terminus"]).to_numpy(dtype=float)
    _check_spell_values(on, off)
    edge, ends = _edge_codes(src, dst, directed)
    untimed = np.isnan(on)
    # an edge with timed spells keeps only those; an edge with none keeps one untimed row
    has_time = np.zeros(len(ends), dtype=bool)
    has_time[edge[~untimed]] = True
    keep_untimed = untimed & ~has_time[edge]
    intervals = ~untimed & (on < off)
    if not intervals.any():  # instants only (the common case): repeated ones become one
        tab = pd.DataFrame({"edge": edge, "onset": on, "terminus": off})
        tab = tab[~untimed | keep_untimed].drop_duplicates()
        tab = tab.sort_values(["edge", "onset"], kind="stable", na_position="first")
        rows = tab.to_numpy()
    else:
        rows_list: list[tuple[float, float, float]] = []
        order = np.argsort(edge, kind="stable")
        bounds = np.flatnonzero(np.diff(edge[order])) + 1
        for idx in np.split(order, bounds):
            e = edge[idx[0]]
            timed = idx[~untimed[idx]]
            if not len(timed):
                rows_list.append((e, math.nan, math.nan))
                continue
            rows_list.extend((e, a, b) for a, b in _union(on[timed], off[timed]))
        rows = np.array(rows_list, dtype=float).reshape(-1, 3)
    codes = rows[:, 0].astype(np.int64)
    return pd.DataFrame(
        {
            "source": ends[codes, 0] if len(codes) else np.array([], dtype=object),
            "target": ends[codes, 1] if len(codes) else np.array([], dtype=object),
            "onset": rows[:, 1],
            "terminus": rows[:, 2],
        }
    )


def _edge_codes(src: np.ndarray, dst: np.ndarray, directed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Edge number of each row (order of first appearance) and each edge's two ends."""
    ids, names = pd.factorize(np.concatenate([src, dst]))
    a, b = ids[: len(src)].astype(np.int64), ids[len(src) :].astype(np.int64)
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    edge, _ = pd.factorize(a * max(len(names), 1) + b)
    first = np.full(edge.max() + 1 if len(edge) else 0, -1, dtype=np.int64)
    first[edge[::-1]] = np.arange(len(edge))[::-1]  # first row of each edge
    ends = np.column_stack([src[first], dst[first]]) if len(first) else np.empty((0, 2), object)
    return edge.astype(np.int64), ends


def _union(on: np.ndarray, off: np.ndarray) -> list[tuple[float, float]]:
    """Union of one edge's timed spells (see :func:`merge_spells`)."""
    order = np.lexsort((off, on))
    intervals: list[list[float]] = []
    points: list[float] = []
    for a, b in zip(on[order], off[order], strict=True):
        if a == b:
            points.append(float(a))
        elif intervals and a <= intervals[-1][1]:
            intervals[-1][1] = max(intervals[-1][1], float(b))
        else:
            intervals.append([float(a), float(b)])
    merged = [(a, b) for a, b in intervals]
    for p in sorted(set(points)):
        if any(a <= p < b for a, b in merged):
            continue
        # an instant at the terminus of one interval and the onset of the next fills
        # the gap between them: the union is one interval
        left = next((i for i, (a, b) in enumerate(merged) if b == p), None)
        right = next((i for i, (a, b) in enumerate(merged) if a == p), None)
        if left is not None and right is not None:
            merged[left] = (merged[left][0], merged[right][1])
            del merged[right]
        else:
            merged.append((p, p))
    merged.sort()
    return merged


# -- the temporal graph ---------------------------------------------------------------------
class _TemporalGraph:
    """Vertices and merged spells as arrays; per-vertex edge lists built when searched."""

    def __init__(
        self,
        spells: pd.DataFrame,
        nodes: Sequence[Any] | None,
        directed: bool | None,
    ) -> None:
        _check_spell_columns(spells)
        if directed is None:
            directed = bool(spells.attrs.get("directed", True))
        self.directed = directed
        if nodes is None:
            nodes = spells.attrs.get("nodes")
        src = spells["source"].astype(str).to_numpy(dtype=object)
        dst = spells["target"].astype(str).to_numpy(dtype=object)
        if nodes is None:
            both = np.empty(2 * len(src), dtype=object)
            both[0::2], both[1::2] = src, dst
            nodes = list(pd.unique(both))
        self.nodes = [str(x) for x in nodes]
        index = pd.Index(self.nodes)
        if not index.is_unique:
            raise InputError("the vertex list names a vertex twice", field="nodes")
        self.index = index
        self.n = len(self.nodes)
        merged = merge_spells(spells, directed=directed)
        u = index.get_indexer(merged["source"].to_numpy(dtype=object))
        w = index.get_indexer(merged["target"].to_numpy(dtype=object))
        if (u < 0).any() or (w < 0).any():
            bad = merged.loc[(u < 0) | (w < 0), ["source", "target"]].to_numpy().ravel()
            raise InputError(
                "the spells name vertices that are not in the vertex list",
                field="nodes",
                found=sorted(set(bad) - set(self.nodes))[:5],
            )
        self.u, self.w = u.astype(np.int64), w.astype(np.int64)
        self.on = merged["onset"].to_numpy(dtype=float)
        self.off = merged["terminus"].to_numpy(dtype=float)
        times = np.concatenate([self.on, self.off])
        self.change_times = np.unique(times[np.isfinite(times)])
        self.instants = bool(len(self.on)) and bool(np.all(self.on == self.off))
        self._lists: tuple | None = None

    @property
    def n_edges(self) -> int:
        return len(np.unique(self.u * max(self.n, 1) + self.w))

    def edge_spells(self):
        """Each edge as (tail, head, onsets, termini); untimed edges have empty arrays."""
        codes = self.u * max(self.n, 1) + self.w
        order = np.argsort(codes, kind="stable")
        bounds = np.flatnonzero(np.diff(codes[order])) + 1
        for idx in np.split(order, bounds) if len(order) else []:
            on, off = self.on[idx], self.off[idx]
            if np.isnan(on).all():
                on = off = np.empty(0)
            yield int(self.u[idx[0]]), int(self.w[idx[0]]), on, off

    @property
    def lists(self):
        """Out- and in-edge lists per vertex: (other end, onsets, termini)."""
        if self._lists is None:
            out: list[list] = [[] for _ in range(self.n)]
            inc: list[list] = [[] for _ in range(self.n)]
            for u, w, on, off in self.edge_spells():
                out[u].append((w, on, off))
                inc[w].append((u, on, off))
                if not self.directed and u != w:
                    out[w].append((u, on, off))
                    inc[u].append((w, on, off))
            self._lists = (out, inc)
        return self._lists

    def vertex(self, v: Any) -> int:
        k = self.index.get_indexer([str(v)])[0]
        if k < 0:
            raise InputError("no such vertex", field="source", found=v)
        return int(k)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> bool:
    """networkDynamic's ``spells.overlap`` for the spells ``[a0, a1]`` and ``[b0, b1]``."""
    if (a0 == math.inf and a1 == math.inf) or (b0 == math.inf and b1 == math.inf):
        return False
    if a0 == b0 and a1 == b1:
        return True
    if a0 == a1:
        if b0 <= a0 < b1:
            return True
    elif b0 == b1:
        if a0 <= b0 < a1:
            return True
    return a0 < b1 and a1 > b0


def _search(
    g: _TemporalGraph,
    v: int,
    start: float,
    end: float,
    step: float,
    active_default: bool,
    direction: str,
) -> tuple[np.ndarray, np.ndarray]:
    """tsna's Dijkstra search: ``paths.fwd.earliest`` (time from ``start`` until each
    vertex is reached) or ``paths.bkwd.latest`` (time before ``end`` at which each vertex
    must leave); vertices are checked by (distance, vertex number), as ``which.min`` does."""
    forward = direction == "fwd"
    delay = _forward_delay if forward else _backward_delay
    neighbours = g.lists[0] if forward else g.lists[1]
    dist = np.full(g.n, math.inf)
    previous = np.full(g.n, -1, dtype=np.int64)
    dist[v] = 0.0
    done = np.zeros(g.n, dtype=bool)
    heap = [(0.0, v)]
    while heap:
        d, u = heapq.heappop(heap)
        if done[u] or d != dist[u]:
            continue
        done[u] = True
        if dist[u] >= end - start:
            break
        for w, on, off in neighbours[u]:
            if len(on) == 0:  # no spell: always active (or never)
                du = 0.0 + step if active_default else math.inf
            else:
                du = delay(on, off, float(dist[u]), start, end, step)
            dw = dist[u] + du
            if dw < dist[w]:
                dist[w] = dw
                previous[w] = u
                heapq.heappush(heap, (dw, w))
    return dist, previous


def _forward_delay(
    on: np.ndarray, off: np.ndarray, d: float, start: float, end: float, step: float
) -> float:
    """Forward: wait for the first spell overlapping ``[start + d, end]`` that is long
    enough (tsna compares wait + step with the absolute terminus), plus the step."""
    k = _first_hit(on, off, start + d, end, 0)
    while k >= 0 and max(0.0, (on[k] - start) - d) + step > off[k]:
        k = _first_hit(on, off, start + d, end, k + 1)
    return max(0.0, (on[k] - start) - d) + step if k >= 0 else math.inf


def _backward_delay(
    on: np.ndarray, off: np.ndarray, d: float, start: float, end: float, step: float
) -> float:
    """Backward: the latest spell overlapping ``[start, end - d]`` that started at least a
    step before ``end - d``; its terminus sets how long before ``end`` to leave."""
    now = end - d
    k = len(on) - 1
    while k >= 0 and not _overlap(start, now, on[k], off[k]):
        k -= 1
    while k >= 0 and now - on[k] < step:
        k -= 1
        while k >= 0 and not _overlap(start, now, on[k], off[k]):
            k -= 1
    return max(0.0, (off[k] - end) * -1 - d) + step if k >= 0 else math.inf


def _first_hit(on: np.ndarray, off: np.ndarray, a0: float, a1: float, first: int) -> int:
    for k in range(first, len(on)):
        if _overlap(a0, a1, on[k], off[k]):
            return k
    return -1


def _graph_steps(previous: np.ndarray, v: int) -> np.ndarray:
    """Steps along the tree of ``previous`` from ``v`` (tsna's ``gsteps``)."""
    steps = np.full(len(previous), math.inf)
    children: dict[int, list[int]] = {}
    for w, u in enumerate(previous):
        if u >= 0:
            children.setdefault(int(u), []).append(w)
    level, depth = [v], 0
    while level:
        steps[level] = depth
        level = [w for u in level for w in children.get(u, [])]
        depth += 1
    return steps


def _bounds(
    g: _TemporalGraph, direction: str, start: float | None, end: float | None, step: float
) -> tuple[float, float]:
    if step < 0:
        raise InputError("step must be zero or positive", field="step", found=step)
    if start is not None and end is not None and start > end:
        raise InputError("start is after end", field="start", found=(start, end))
    if direction == "fwd":
        if start is None:
            start = float(g.change_times[0]) if len(g.change_times) else 0.0
        return float(start), math.inf if end is None else float(end)
    if end is None:
        end = float(g.change_times[-1]) if len(g.change_times) else g.n * step
    return -math.inf if start is None else float(start), float(end)


def _direction(direction: str) -> str:
    if direction not in ("fwd", "bkwd"):
        raise InputError(
            "unknown direction", field="direction", found=direction, expected="'fwd' or 'bkwd'"
        )
    return direction


def temporal_paths(
    spells: pd.DataFrame,
    source: Any,
    *,
    start: float | None = None,
    end: float | None = None,
    step: float = 0.0,
    direction: str = "fwd",
    nodes: Sequence[Any] | None = None,
    directed: bool | None = None,
    active_default: bool = True,
) -> pd.DataFrame:
    """Time-respecting paths from (or to) one vertex, as tsna's ``tPath``.

    Parameters
    ----------
    spells : DataFrame
        A spell table (:func:`temporal_spells`, or any ``source, target, onset,
        terminus`` table).
    source : vertex id
        Where the paths start (``"fwd"``) or end (``"bkwd"``).
    start, end : float, optional
        The time bounds, in the spells' unit. ``fwd`` defaults: ``start`` = the first
        change time (earliest onset or terminus), ``end`` = infinity. ``bkwd``
        defaults: ``end`` = the last change time, ``start`` = minus infinity.
    step : float
        ``graph.step.time``: how long one step along an edge takes.
    direction : {"fwd", "bkwd"}
        ``fwd``: earliest-arrival paths from ``source`` (``type="earliest.arrive"``);
        ``bkwd``: latest-departure paths reaching ``source`` (``type="latest.depart"``).
    nodes, directed, active_default
        Vertex order and direction (default from the spells' ``attrs``); whether an
        edge without spells is always active.

    Returns
    -------
    DataFrame
        Indexed by vertex (in vertex order): ``arrival`` (``fwd``: time from ``start``
        until the vertex is reached; ``bkwd``: how long before ``end`` it must leave;
        ``inf`` when it cannot), ``previous`` (the vertex before it on its path; missing
        for ``source`` and unreachable vertices) and ``steps`` (edges on that path;
        ``inf`` when unreachable). ``attrs``: ``start``, ``end``, ``direction``.

    Notes
    -----
    Exactly tsna 0.3's algorithm (a Dijkstra search over earliest arrival). From a
    vertex reached at ``start + d``, an edge can be taken along its first spell that
    overlaps ``[start + d, end]`` (networkDynamic's ``spells.overlap``: an instant at
    ``t`` can be taken when ``start + d <= t``, so several instants at the same time
    chain); the vertex at its other end is reached at
    ``d + max(0, onset - start - d) + step``. With ``step > 0`` a spell is passed over
    when ``max(0, onset - start - d) + step > terminus`` — tsna compares that waiting
    time with the spell's *absolute* terminus, and so does this function. Vertices
    reached at or after ``end`` are not searched further. Backward paths mirror this
    from ``end`` (an instant at ``t`` is usable only strictly before the time the path
    leaves the next vertex: backward paths need strictly decreasing instants, as in
    tsna). Among equally early paths the vertex reached first, then the lowest vertex
    number, is the ``previous`` one.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> s = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"],
    ...                   "onset": [1.0, 3.0, 2.0], "terminus": [1.0, 3.0, 2.0]})
    >>> p = ca.temporal_paths(s, "a")
    >>> p["arrival"].tolist(), p["steps"].tolist()
    ([0.0, 0.0, 2.0, inf], [0.0, 1.0, 2.0, inf])
    >>> p["previous"].fillna("-").tolist()
    ['-', 'a', 'b', '-']
    """
    g = _TemporalGraph(spells, nodes, directed)
    direction = _direction(direction)
    v = g.vertex(source)
    t0, t1 = _bounds(g, direction, start, end, step)
    if direction == "fwd" and (g.change_times < 0).any():
        import warnings

        warnings.warn(
            "spells with times below zero: tsna's forward paths may be wrong there "
            "(it compares waiting times with absolute termini); shift the origin",
            stacklevel=2,
        )
    dist, previous = _search(g, v, t0, t1, float(step), active_default, direction)
    out = pd.DataFrame(
        {
            "arrival": dist,
            "previous": [g.nodes[p] if p >= 0 else None for p in previous],
            "steps": _graph_steps(previous, v),
        },
        index=pd.Index(g.nodes, name="node"),
    )
    out.attrs = {"start": t0, "end": t1, "direction": direction, "source": g.nodes[v]}
    return out


def reachability(
    spells: pd.DataFrame,
    *,
    direction: str = "fwd",
    start: float | None = None,
    end: float | None = None,
    step: float = 0.0,
    sources: Sequence[Any] | None = None,
    nodes: Sequence[Any] | None = None,
    directed: bool | None = None,
) -> pd.Series:
    """Size of every vertex's reachable set, as tsna's ``tReach``.

    Parameters
    ----------
    spells : DataFrame
        A spell table (:func:`temporal_spells`).
    direction : {"fwd", "bkwd"}
        ``fwd``: how many vertices each vertex can reach by time-respecting paths
        (itself included); ``bkwd``: how many can reach it.
    start, end, step
        As in :func:`temporal_paths` (each vertex's search uses the same bounds).
    sources : sequence, optional
        Only these vertices (default: all, in vertex order).
    nodes, directed
        Vertex order and direction (default from the spells' ``attrs``).

    Returns
    -------
    Series
        Indexed by vertex: the number of vertices with a finite ``arrival`` in
        :func:`temporal_paths` from it.

    Notes
    -----
    When every spell is an instant, ``step`` is 0 and no time is negative, the sets
    are computed for all vertices at once by one sweep over the instants in reverse
    time order (forward) or in time order (backward) with bit sets — the same sets as
    the per-vertex search (tested), in seconds for a million interactions; otherwise
    each vertex runs :func:`temporal_paths`.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> s = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"],
    ...                   "onset": [1.0, 3.0, 2.0], "terminus": [1.0, 3.0, 2.0]})
    >>> ca.reachability(s).tolist()
    [3, 2, 2, 1]
    >>> ca.reachability(s, direction="bkwd").tolist()  # the last instant (3) ends the period
    [1, 2, 1, 2]
    """
    g = _TemporalGraph(spells, nodes, directed)
    direction = _direction(direction)
    t0, t1 = _bounds(g, direction, start, end, step)
    idx = list(range(g.n)) if sources is None else [g.vertex(x) for x in sources]
    if step == 0 and g.instants and (g.change_times >= 0).all() and (t0 >= 0 or t0 == -math.inf):
        sizes = _reach_instants(g, direction, t0, t1)[idx]
    else:
        sizes = np.array(
            [
                int(np.isfinite(_search(g, v, t0, t1, float(step), True, direction)[0]).sum())
                for v in idx
            ]
        )
    return pd.Series(sizes, index=pd.Index([g.nodes[i] for i in idx], name="node"), name="reach")


def _reach_instants(g: _TemporalGraph, direction: str, start: float, end: float) -> np.ndarray:
    """Reachable-set sizes of every vertex when all spells are instants (bit sets)."""
    n = g.n
    words = (n + 63) // 64
    sets = np.zeros((n, words), dtype=np.uint64)
    own = np.arange(n)
    sets[own, own // 64] = np.uint64(1) << (own % 64).astype(np.uint64)
    if not len(g.on):
        return np.ones(n, dtype=np.int64)
    t, u, w = g.on, g.u, g.w
    if not g.directed:
        t, u, w = np.r_[t, t], np.r_[u, w], np.r_[w, u]
    if direction == "fwd":
        # an instant at t is usable from a vertex reached by t (t >= start, t < end);
        # instants at the same time chain, so each time's edges are closed over
        keep = (t >= start) & (t < end)
        order = np.argsort(-t[keep], kind="stable")
        t, a, b = t[keep][order], u[keep][order], w[keep][order]
    else:
        # backward paths need strictly earlier instants, all before ``end``
        keep = (t < end) & (t >= start if np.isfinite(start) else True)
        order = np.argsort(t[keep], kind="stable")
        t, a, b = t[keep][order], w[keep][order], u[keep][order]
    _sweep(sets, a, b, t, closure=direction == "fwd")
    return _popcount(sets)


def _sweep(sets: np.ndarray, a: np.ndarray, b: np.ndarray, t: np.ndarray, closure: bool) -> None:
    """``sets[a[i]] |= sets[b[i]]`` for every edge in order, in vectorised batches.

    Consecutive edges at different instants form one batch while no edge reads or
    writes a row written earlier in the batch (so the batch gives what the edges one
    by one give). The edges of one instant are a group of their own: with
    ``closure`` (forward paths chain within an instant) they are repeated until no set
    grows; without it every edge reads the sets as they were before the instant.
    """
    m = len(a)
    if m == 0:
        return
    starts = np.r_[0, np.flatnonzero(np.diff(t)) + 1]
    size = np.diff(np.r_[starts, m])
    group_end = np.repeat(starts + size, size).tolist()
    a_list, b_list = a.tolist(), b.tolist()
    xs: list[int] = []
    ys: list[int] = []
    written: set[int] = set()

    def flush() -> None:
        if xs:
            rows = np.array(xs)
            sets[rows] = sets[rows] | sets[np.array(ys)]
            xs.clear()
            ys.clear()
            written.clear()

    i = 0
    while i < m:
        end = group_end[i]
        if end - i == 1:
            x, y = a_list[i], b_list[i]
            if x != y:
                if x in written or y in written:
                    flush()
                xs.append(x)
                ys.append(y)
                written.add(x)
            i += 1
            continue
        flush()
        ga, gb = a[i:end], b[i:end]
        if closure:
            changed = True
            while changed:  # chains within one instant
                before = sets[ga].copy()
                for x, y in zip(ga.tolist(), gb.tolist(), strict=True):
                    sets[x] |= sets[y]
                changed = not np.array_equal(before, sets[ga])
        else:
            old = sets[gb].copy()
            for k, x in enumerate(ga.tolist()):
                sets[x] |= old[k]
        i = end
    flush()


def _popcount(sets: np.ndarray) -> np.ndarray:
    return np.bitwise_count(sets).sum(axis=1).astype(np.int64)


# -- density and measures over time ------------------------------------------------------------
def temporal_density(
    spells: pd.DataFrame,
    *,
    start: float | None = None,
    end: float | None = None,
    agg: str = "edge",
    nodes: Sequence[Any] | None = None,
    directed: bool | None = None,
    active_default: bool = True,
) -> float:
    """Edge-time density over the observation period, as tsna's ``tEdgeDensity``.

    Parameters
    ----------
    spells : DataFrame
        A spell table (:func:`temporal_spells`).
    start, end : float, optional
        The observation period; default the first and last change time
        (networkDynamic's ``net.obs.period`` as it creates it from spells).
    agg : {"edge", "dyad"}
        ``edge``: the share of the period that an average edge is active;
        ``dyad``: the same over every possible dyad (``n(n-1)``, or ``n(n-1)/2``
        undirected).
    nodes, directed, active_default
        As in :func:`temporal_paths`.

    Returns
    -------
    float
        ``sum of spell durations within the period / (edges x period length)`` (or
        dyads). Durations are ``min(terminus, end) - max(onset, start)``; an instant
        lasts 0; an edge without spells lasts the whole period. 0 for a network
        without edges or vertices.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> s = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"],
    ...                   "onset": [0.0, 2.0], "terminus": [4.0, 3.0]})
    >>> ca.temporal_density(s)
    0.625
    >>> ca.temporal_density(s, agg="dyad")
    0.20833333333333334
    """
    if agg not in ("edge", "dyad"):
        raise InputError("unknown aggregation", field="agg", found=agg, expected="'edge' or 'dyad'")
    g = _TemporalGraph(spells, nodes, directed)
    if not len(g.u) or g.n == 0:
        return 0.0
    b0 = float(g.change_times[0]) if start is None else float(start)
    b1 = float(g.change_times[-1]) if end is None else float(end)
    if start is None and end is None and not len(g.change_times):
        b0, b1 = 0.0, 1.0
    total = 0.0
    for _, _, on, off in g.edge_spells():
        if len(on) == 0:
            total += (b1 - b0) if active_default else 0.0
            continue
        a, b = np.maximum(on, b0), np.minimum(off, b1)
        total += float(np.clip(b - a, 0, None).sum())
    if agg == "edge":
        return total / (g.n_edges * (b1 - b0))
    dyads = g.n * (g.n - 1) if g.directed else g.n * (g.n - 1) / 2
    return total / (dyads * (b1 - b0))


def collapse(
    spells: pd.DataFrame,
    at: float,
    *,
    length: float = 0.0,
    nodes: Sequence[Any] | None = None,
    directed: bool | None = None,
) -> Network:
    """The static network of the edges active at ``at`` (or in ``[at, at + length)``).

    networkDynamic's ``network.collapse``: an edge is kept when one of its spells
    overlaps the query (``spells.overlap``; rule "any"); every vertex is kept. Each
    kept edge has weight 1.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.temporal import collapse
    >>> s = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"],
    ...                   "onset": [0.0, 2.0], "terminus": [4.0, 3.0]})
    >>> collapse(s, 3.5).edges[["source", "target"]].values.tolist()
    [['a', 'b']]
    >>> collapse(s, 3.0, length=1.0).n_nodes
    3
    """
    return _collapse(_TemporalGraph(spells, nodes, directed), float(at), float(length))


def _active(g: _TemporalGraph, q0: float, q1: float) -> np.ndarray:
    """Which spells overlap the query ``[q0, q1]`` (``spells.overlap``, vectorised)."""
    on, off = g.on, g.off
    untimed = np.isnan(on)
    hit = (on == q0) & (off == q1)
    if q0 == q1:
        hit |= (on <= q0) & (q0 < off)
    else:
        hit |= (on == off) & (q0 <= on) & (on < q1)
    hit |= (q0 < off) & (q1 > on)
    if q0 == math.inf and q1 == math.inf:
        hit[:] = False
    hit &= ~((on == math.inf) & (off == math.inf))
    return hit | untimed


def _collapse(g: _TemporalGraph, at: float, length: float) -> Network:
    from .network import Network

    keep = _active(g, at, at + length)
    codes = np.unique(g.u[keep] * max(g.n, 1) + g.w[keep])
    u, w = codes // max(g.n, 1), codes % max(g.n, 1)
    names = np.array(g.nodes, dtype=object)
    edges = pd.DataFrame({"source": names[u], "target": names[w]}, dtype=object)
    edges["weight"] = np.ones(len(edges), dtype=np.int64)
    nodes_df = pd.DataFrame({"kind": "person"}, index=pd.Index(g.nodes, name="node", dtype=object))
    return Network(
        nodes=nodes_df,
        edges=edges,
        directed=g.directed,
        meta={"ties": "temporal collapse", "at": at, "length": length},
    )


def temporal_stats(
    spells: pd.DataFrame,
    measures: Sequence[str] = ("density",),
    *,
    start: float | None = None,
    end: float | None = None,
    step: float = 1.0,
    length: float = 0.0,
    nodes: Sequence[Any] | None = None,
    directed: bool | None = None,
) -> pd.DataFrame:
    """Measures of the network collapsed at each time, as tsna's ``tSnaStats``.

    Parameters
    ----------
    spells : DataFrame
        A spell table (:func:`temporal_spells`).
    measures : sequence of str
        Whole-network measures (keys of :func:`connectana.summary`: ``density``,
        ``reciprocity``, ``transitivity``...) or node measures (columns of
        :func:`connectana.centrality`: ``in_degree``, ``degree``, ``betweenness``...);
        not both in one call.
    start, end : float, optional
        First and last evaluation time; default the first and last finite change time.
    step : float
        Time between evaluations (``time.interval``): times ``start, start + step, ...
        <= end``.
    length : float
        ``aggregate.dur``: 0 collapses the network at each instant; ``length > 0``
        collapses it over ``[t, t + length)`` (an edge counts when any of its spells
        overlaps the window: rule "any").
    nodes, directed
        As in :func:`temporal_paths`.

    Returns
    -------
    DataFrame
        Whole-network measures: indexed by ``time``, one column per measure.
        Node measures: indexed by (``time``, ``node``), one column per measure
        (temporal degree is ``measures=["degree"]``). Every vertex is in every
        collapsed network, as in networkDynamic.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> s = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"],
    ...                   "onset": [0.0, 2.0], "terminus": [4.0, 3.0]})
    >>> ca.temporal_stats(s, ["density"])["density"].tolist()
    [0.16666666666666666, 0.16666666666666666, 0.3333333333333333, 0.16666666666666666, 0.0]
    >>> ca.temporal_stats(s, ["degree"]).loc[2.0, "degree"].tolist()
    [1, 2, 1]
    """
    from .metrics.centrality import MEASURES as NODE_MEASURES
    from .metrics.centrality import centrality
    from .metrics.structure import summary

    measures = list(measures)
    node = [m for m in measures if m in NODE_MEASURES]
    if node and len(node) != len(measures):
        raise InputError(
            "mix of node and whole-network measures",
            field="measures",
            found=measures,
            expected="one call for node measures, another for whole-network measures",
        )
    g = _TemporalGraph(spells, nodes, directed)
    finite = g.change_times
    if start is None or end is None:
        if not len(finite):
            raise ConnectanaError("the spells have no times: give start= and end=")
        start = float(finite[0]) if start is None else start
        end = float(finite[-1]) if end is None else end
    if step <= 0:
        raise InputError("step must be positive", field="step", found=step)
    # R's seq(from, to, by): from + (0:n) * by with n = floor((to - from) / by + 1e-10)
    times = float(start) + np.arange(int((float(end) - float(start)) / step + 1e-10) + 1) * step
    frames = []
    for t in times:
        net = _collapse(g, float(t), float(length))
        if node:
            c = centrality(net, measures=node)
            c.index = pd.MultiIndex.from_product([[t], c.index], names=["time", "node"])
            frames.append(c)
        else:
            s = summary(net, distances=_needs_distances(measures), triads=False)
            missing = [m for m in measures if m not in s.index]
            if missing:
                raise InputError(
                    "unknown measure",
                    field="measures",
                    found=missing,
                    expected=f"a key of summary() or a centrality measure: {sorted(s.index)}",
                )
            frames.append(pd.DataFrame([s[measures].to_dict()], index=pd.Index([t], name="time")))
    return pd.concat(frames)


def _needs_distances(measures: Sequence[str]) -> bool:
    return any(m in ("diameter", "mean_distance", "global_efficiency") for m in measures)


def _check_spell_columns(spells: pd.DataFrame) -> None:
    if not isinstance(spells, pd.DataFrame):
        raise InputError(
            "spells must be a DataFrame",
            found=type(spells).__name__,
            expected="columns source, target, onset, terminus (ca.temporal_spells)",
        )
    missing = [c for c in ("source", "target", "onset", "terminus") if c not in spells.columns]
    if missing:
        raise InputError(
            "the spell table lacks columns",
            field=missing,
            found=list(spells.columns),
            expected="source, target, onset, terminus (build one with ca.temporal_spells)",
        )


def _check_spell_values(on: np.ndarray, off: np.ndarray) -> None:
    half = np.isnan(on) ^ np.isnan(off)
    if half.any():
        raise InputError(
            "a spell has an onset without a terminus or the reverse",
            row=int(np.flatnonzero(half)[0]) + 1,
            field="onset/terminus",
        )
    bad = ~np.isnan(on) & (on > off)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            "a spell ends before it starts",
            row=i + 1,
            field="terminus",
            found=(float(on[i]), float(off[i])),
            expected="onset <= terminus",
        )
