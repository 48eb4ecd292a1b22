"""The snapshot engine shared by growth, person growth and community evolution.

Everything starts from Events: the interactions are built once with
:func:`connectana.ties.interactions` under the named tie definition, the people
are integer-coded once, the interactions are sorted by time, and the period
snapshots are then produced by advancing over that edge array (adding the new
period's interactions, removing the expiring ones or decaying the weights).
The events are never re-read or re-aggregated per period. Periods follow the
one rule of :mod:`connectana.periods`.

:func:`prepare` does the one-off work (a :class:`Prepared`), :func:`snapshots`
yields one :class:`Snapshot` per period (:class:`SnapshotOptions` holds and checks the
options every public snapshot function shares) and :class:`SnapshotGraphs` turns a
snapshot into an igraph graph (grown in place for the cumulative window).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..events import ACTOR, ROLE, TIMESTAMP, key_positions, normalize_role, validate_events
from ..measures import GraphView
from ..periods import make_periods
from ..ties import TIE_DEFINITIONS, TWO_MODE, interactions, natural_direction

if TYPE_CHECKING:  # pragma: no cover
    import igraph


__all__ = [
    "WINDOWS",
    "Prepared",
    "Snapshot",
    "SnapshotGraphs",
    "SnapshotOptions",
    "prepare",
    "snapshots",
    "check_window",
    "undirected",
    "leiden",
]

WINDOWS: tuple[str, ...] = ("cumulative", "sliding", "decay")


# -- preparation (done once) ----------------------------------------------------------------
@dataclasses.dataclass
class Prepared:
    names: np.ndarray  # node id of each integer code
    directed: bool
    labels: pd.Index  # period labels
    starts: pd.DatetimeIndex
    ends: pd.DatetimeIndex
    act_code: np.ndarray  # actor code of each event, sorted by period
    act_period: np.ndarray
    act_bounds: np.ndarray  # events of period p are [act_bounds[p], act_bounds[p + 1])
    src: np.ndarray  # interactions without self-loops, sorted by time
    dst: np.ndarray
    time: np.ndarray  # int64 ns since the epoch, UTC
    period: np.ndarray
    bounds: np.ndarray  # interactions of period p are [bounds[p], bounds[p + 1])
    loop_period: np.ndarray
    pair: np.ndarray  # pair id of each interaction (ids in order of first appearance)
    pair_src: np.ndarray
    pair_dst: np.ndarray
    first_seen: np.ndarray  # first period a node appears in; n_periods when never
    roster: np.ndarray  # bool: in the roster, hence in every snapshot
    roles: np.ndarray  # normalised role per node (None when unknown)

    @property
    def n_nodes(self) -> int:
        return len(self.names)

    @property
    def n_periods(self) -> int:
        return len(self.labels)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_src)


def prepare(
    events: pd.DataFrame,
    ties: str,
    *,
    freq: str = "W",
    start: Any = None,
    people: pd.DataFrame | None = None,
    directed: bool | None = None,
    tie_options: dict | None = None,
) -> Prepared:
    validate_events(events)
    if ties not in TIE_DEFINITIONS or ties in TWO_MODE:
        one_mode = [t for t in TIE_DEFINITIONS if t not in TWO_MODE]
        raise ParameterError(
            f"growth needs a one-mode tie definition, one of {one_mode}, not {ties!r}"
            + (" (the resource network's growth: resource_growth)" if ties == "resource" else "")
        )
    if directed is None:
        directed = natural_direction(ties)
    elif directed and not natural_direction(ties):
        raise ParameterError(f"the {ties!r} tie definition is undirected; use directed=False")
    if len(events) == 0:
        raise ParameterError("growth needs at least one event")
    inter = interactions(events, ties, **(tie_options or {}))

    # integer codes in build_network's node order: roster first, then first appearance
    seen = pd.concat([events[ACTOR], inter["source"], inter["target"]], ignore_index=True)
    seen = pd.unique(seen.dropna().astype(str).to_numpy(dtype=object))
    roster_ids: list[str] = []
    if people is not None:
        if people.index.name != "person" and "person" in people.columns:
            people = people.set_index("person")
        roster_ids = [str(x) for x in people.index]
    listed = set(roster_ids)
    names = np.array(roster_ids + [x for x in seen if x not in listed], dtype=object)
    index = pd.Index(names, dtype=object)
    n = len(names)
    roster = np.zeros(n, dtype=bool)
    roster[: len(roster_ids)] = True

    per = make_periods(events[TIMESTAMP], freq=freq, start=start)
    labels, starts, ends, position = per.labels, per.starts, per.ends, per.position
    n_per = len(labels)

    act_code = _codes(names, events[ACTOR])
    act_period = position(events[TIMESTAMP])
    order = np.argsort(act_period, kind="stable")
    act_code, act_period = act_code[order], act_period[order]

    src = _codes(names, inter["source"])
    dst = _codes(names, inter["target"])
    if len(inter):
        time = pd.DatetimeIndex(inter["time"]).as_unit("ns").asi8
        period = position(inter["time"])
    else:
        time = np.zeros(0, dtype=np.int64)
        period = np.zeros(0, dtype=np.int64)
    loop = src == dst
    loop_period = period[loop]
    src, dst, time, period = src[~loop], dst[~loop], time[~loop], period[~loop]

    first_seen = np.full(n, n_per, dtype=np.int64)
    np.minimum.at(first_seen, act_code, act_period)
    np.minimum.at(first_seen, src, period)
    np.minimum.at(first_seen, dst, period)
    # recode: roster first, then everyone else by first period seen, so that the
    # people of a cumulative snapshot are a prefix of the codes
    n_roster = int(roster.sum())
    order = np.concatenate(
        [np.arange(n_roster), n_roster + np.argsort(first_seen[n_roster:], kind="stable")]
    )
    new = np.empty(n, dtype=np.int64)
    new[order] = np.arange(n)
    names, first_seen = names[order], first_seen[order]
    index = pd.Index(names, dtype=object)
    act_code, src, dst = new[act_code], new[src], new[dst]

    if not directed:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    pair, uniq = pd.factorize(src.astype(np.int64) * n + dst, sort=False)
    pair = pair.astype(np.int64)
    uniq = np.asarray(uniq, dtype=np.int64)

    roles = np.full(n, None, dtype=object)
    if ROLE in events.columns:
        r = events.dropna(subset=[ROLE]).drop_duplicates(ACTOR, keep="last")
        codes = index.get_indexer(r[ACTOR].astype(str).to_numpy(dtype=object))
        distinct = r[ROLE].unique()  # normalised once per distinct value
        named = dict(zip(distinct, map(normalize_role, distinct), strict=True))
        roles[codes] = r[ROLE].map(named).to_numpy(dtype=object)
    if people is not None and ROLE in people.columns:
        vals = people[ROLE].to_numpy(dtype=object)
        for i, v in enumerate(vals):
            if not pd.isna(v):
                roles[i] = str(v)

    return Prepared(
        names=names,
        directed=bool(directed),
        labels=labels,
        starts=starts,
        ends=ends,
        act_code=act_code,
        act_period=act_period,
        act_bounds=np.searchsorted(act_period, np.arange(n_per + 1)),
        src=src,
        dst=dst,
        time=time,
        period=period,
        bounds=np.searchsorted(period, np.arange(n_per + 1)),
        loop_period=loop_period,
        pair=pair,
        pair_src=uniq // n if n else uniq,
        pair_dst=uniq % n if n else uniq,
        first_seen=first_seen,
        roster=roster,
        roles=roles,
    )


# -- snapshots (incremental) ----------------------------------------------------------------
@dataclasses.dataclass
class Snapshot:
    p: int  # period position
    nodes: np.ndarray  # node codes present, ascending
    pairs: np.ndarray  # pair ids present
    weights: np.ndarray  # their weights


def check_window(window: str, periods: int | None, half_life: float | None) -> None:
    if window not in WINDOWS:
        raise ParameterError(f"window must be one of {list(WINDOWS)}, not {window!r}")
    if window == "sliding" and (periods is None or int(periods) < 1):
        raise ParameterError("window='sliding' needs periods=k (a positive number of periods)")
    if window == "decay" and (half_life is None or half_life <= 0):
        raise ParameterError("window='decay' needs half_life= (a positive number of periods)")


@dataclasses.dataclass(frozen=True)
class SnapshotOptions:
    """The snapshot options :func:`connectana.growth`, ``person_growth``,
    ``community_evolution`` and ``snapshot_edges`` share (documented once, in
    :func:`connectana.growth`'s Parameters), checked once.

    Examples
    --------
    >>> spec = SnapshotOptions.of({"window": "sliding", "periods": 2, "seed": 0})
    >>> spec.window, spec.periods, spec.freq
    ('sliding', 2, 'W')
    >>> SnapshotOptions.of({"window": "sliding"})
    Traceback (most recent call last):
    ...
    connectana.errors.ParameterError: window='sliding' needs periods=k (a positive number of periods)
    """

    freq: str = "W"
    window: str = "cumulative"
    periods: int | None = None
    half_life: float | None = None
    min_weight: float = 0.5
    start: Any = None
    people: pd.DataFrame | None = None
    directed: bool | None = None
    tie_options: dict | None = None

    def __post_init__(self) -> None:
        check_window(self.window, self.periods, self.half_life)

    @classmethod
    def of(cls, arguments: dict[str, Any]) -> SnapshotOptions:
        """The options among a function's ``arguments`` (its ``locals()``)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in arguments.items() if k in names})

    def prepare(self, events: pd.DataFrame, ties: str) -> Prepared:
        """:func:`prepare` with these options."""
        return prepare(
            events,
            ties,
            freq=self.freq,
            start=self.start,
            people=self.people,
            directed=self.directed,
            tie_options=self.tie_options,
        )

    def snapshots(self, prep: Prepared) -> Iterator[Snapshot]:
        """:func:`snapshots` with these options."""
        return snapshots(prep, self.window, self.periods, self.half_life, self.min_weight)


def snapshots(
    prep: Prepared, window: str, periods: int | None, half_life: float | None, min_weight: float
) -> Iterator[Snapshot]:
    """Advance over the time-sorted edge array, one period at a time."""
    m, n = prep.n_pairs, prep.n_nodes
    w = np.zeros(m, dtype=np.float64)
    active_nodes = np.zeros(n, dtype=np.int64)  # sliding: activity count inside the window
    factor = 0.5 ** (1.0 / half_life) if window == "decay" else 1.0
    k = int(periods) if window == "sliding" else 0

    def node_activity(q: int) -> np.ndarray:
        lo, hi = prep.bounds[q], prep.bounds[q + 1]
        a_lo, a_hi = prep.act_bounds[q], prep.act_bounds[q + 1]
        codes = np.concatenate([prep.act_code[a_lo:a_hi], prep.src[lo:hi], prep.dst[lo:hi]])
        return np.bincount(codes, minlength=n)

    for p in range(prep.n_periods):
        lo, hi = prep.bounds[p], prep.bounds[p + 1]
        added = np.bincount(prep.pair[lo:hi], minlength=m)
        if window == "decay":
            w *= factor
        w += added
        if window == "sliding":
            active_nodes += node_activity(p)
            if p - k >= 0:
                old_lo, old_hi = prep.bounds[p - k], prep.bounds[p - k + 1]
                w -= np.bincount(prep.pair[old_lo:old_hi], minlength=m)
                active_nodes -= node_activity(p - k)
            present = prep.roster | (active_nodes > 0)
        else:
            present = prep.roster | (prep.first_seen <= p)
        if window == "decay":
            keep = np.flatnonzero(w >= min_weight * (1 - 1e-9))
        else:
            keep = np.flatnonzero(w > 0.5)
        yield Snapshot(p, np.flatnonzero(present), keep, w[keep].copy())


class SnapshotGraphs:
    """igraph graph of each snapshot (vertex i = snap.nodes[i], edge attribute ``weight``).

    Cumulative window: one graph grows (new people are a prefix of the codes, new
    ties a prefix of the pair ids); other windows: built from the integer arrays.
    The graph returned is valid until the next call.
    """

    def __init__(self, prep: Prepared, window: str) -> None:
        self.prep = prep
        self.grow = window == "cumulative"
        self.g: Any = None

    def __call__(self, snap: Snapshot) -> igraph.Graph:
        import igraph as ig

        prep = self.prep
        nv, ne = len(snap.nodes), len(snap.pairs)
        if self.grow:
            if self.g is None:
                self.g = ig.Graph(n=0, directed=prep.directed)
            g = self.g
            if nv > g.vcount():
                g.add_vertices(nv - g.vcount())
            if ne > g.ecount():
                lo = g.ecount()
                g.add_edges(np.column_stack([prep.pair_src[lo:ne], prep.pair_dst[lo:ne]]))
        else:
            local = np.full(prep.n_nodes, -1, dtype=np.int64)
            local[snap.nodes] = np.arange(nv)
            s = local[prep.pair_src[snap.pairs]]
            t = local[prep.pair_dst[snap.pairs]]
            g = ig.Graph(n=nv, directed=prep.directed)
            g.add_edges(np.column_stack([s, t]))
        g.es["weight"] = snap.weights.tolist()
        return g

    def view(self, snap: Snapshot) -> tuple[igraph.Graph, GraphView]:
        """The snapshot's graph and its registry view, made from the tie arrays (not read
        back out of igraph); the graph is reused as the view's graph when it has no
        self-ties (distinct pairs: never a multi-edge)."""
        g = self(snap)
        prep = self.prep
        if self.grow:  # codes are global: new people and new ties are prefixes
            s, t = prep.pair_src[snap.pairs], prep.pair_dst[snap.pairs]
        else:
            local = np.full(prep.n_nodes, -1, dtype=np.int64)
            local[snap.nodes] = np.arange(len(snap.nodes))
            s, t = local[prep.pair_src[snap.pairs]], local[prep.pair_dst[snap.pairs]]
        w = np.asarray(snap.weights, dtype=float)
        reuse = None
        if not (s == t).any():
            g.es["interactions"] = w.tolist()
            reuse = g
        return g, GraphView(len(snap.nodes), prep.directed, s, t, w, w, graph=reuse)


def undirected(g: igraph.Graph) -> igraph.Graph:
    if g.is_directed():
        return g.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
    return g


def leiden(graph: igraph.Graph, seed: int) -> list[int]:
    from .community import leiden_membership

    return list(leiden_membership(graph, weights="weight", seed=seed))


def _codes(names: np.ndarray, values: pd.Series) -> np.ndarray:
    """Position of each value in ``names`` (distinct strings); -1 when absent."""
    return key_positions([values], [pd.Series(np.asarray(names, dtype=object))])
