"""Growth of the learning network over time.

Everything here starts from Events: the interactions are built once with
:func:`connectana.ties.interactions` under the named tie definition, the people
are integer-coded once, the interactions are sorted by time, and the period
snapshots are then produced by advancing over that edge array (adding the new
period's interactions, removing the expiring ones or decaying the weights).
The events are never re-read or re-aggregated per period.

Functions
---------
:func:`growth`
    One row per period: activity, tie formation and snapshot structure.
:func:`person_growth`
    Long table (period, person, degree, strength, ...).
:func:`snapshot_edges`
    Long table of each snapshot's ties and weights.
:func:`newcomer_integration`
    Per person: first post, first reply received, first reciprocated tie.
:func:`community_evolution`
    Communities of consecutive snapshots matched by Jaccard overlap, with an
    events table (birth, death, growth, contraction, merge, split, continuation).

The exact definition of every column is in ``docs/growth.md`` and in the
Notes of each function.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..dask import is_dask
from ..events import ACTOR, ROLE, TIMESTAMP, normalize_role, validate_events
from ..ties import TIE_DEFINITIONS, _positions, interactions, natural_direction

if TYPE_CHECKING:  # pragma: no cover
    import igraph

__all__ = [
    "SNAPSHOT_METRICS",
    "PERSON_MEASURES",
    "growth",
    "person_growth",
    "snapshot_edges",
    "newcomer_integration",
    "community_evolution",
]

#: Metric names accepted by ``growth(metrics=...)``; ``nodes`` and ``ties`` and
#: the activity and tie-formation counts are always computed.
SNAPSHOT_METRICS: tuple[str, ...] = (
    "density",
    "mean_degree",
    "reciprocity",
    "transitivity",
    "weak_components",
    "largest_component",
    "isolates",
    "modularity",
    "communities",
    "degree_centralization",
    "triadic_closure",
)
#: Measures accepted by ``person_growth(measures=...)``.
PERSON_MEASURES: tuple[str, ...] = (
    "degree",
    "in_degree",
    "out_degree",
    "ties",
    "in_ties",
    "out_ties",
    "strength",
    "in_strength",
    "out_strength",
    "betweenness",
    "pagerank",
    "coreness",
    "clustering",
)
WINDOWS: tuple[str, ...] = ("cumulative", "sliding", "decay")
STAFF_ROLES: tuple[str, ...] = ("instructor", "ta")
_DAY_NS = 86_400 * 10**9


# -- preparation (done once) ----------------------------------------------------------------
@dataclasses.dataclass
class _Prepared:
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


def _period_length(freq: str) -> pd.Timedelta:
    from pandas.tseries.frequencies import to_offset
    from pandas.tseries.offsets import Tick, Week

    off = to_offset(freq)
    if isinstance(off, Week):
        return pd.Timedelta(days=7 * off.n)
    if isinstance(off, Tick):
        return pd.Timedelta(off)
    raise ValueError(
        f"with start=, freq must be a fixed length such as 'W', 'D' or '14D', not {freq!r}"
    )


def _periods(
    times: pd.Series, freq: str, start: Any
) -> tuple[pd.Index, pd.DatetimeIndex, pd.DatetimeIndex, Callable]:
    """Period labels, start and (exclusive) end of each, and a map times -> period position."""
    if start is None:
        naive = pd.DatetimeIndex(times).tz_convert("UTC").tz_localize(None)
        per = naive.to_period(freq)
        labels = pd.period_range(per.min(), per.max(), freq=per.freq, name="period")
        starts = pd.DatetimeIndex(labels.start_time).tz_localize("UTC")
        ends = pd.DatetimeIndex((labels + 1).start_time).tz_localize("UTC")

        def position(ts: Any) -> np.ndarray:
            p = pd.DatetimeIndex(ts).tz_convert("UTC").tz_localize(None).to_period(freq)
            return labels.get_indexer(p).astype(np.int64)

        return labels, starts, ends, position

    t0 = pd.Timestamp(start)
    if t0.tzinfo is None:
        raise ValueError(f"start={start!r} has no time zone; give e.g. '2024-01-01T00:00Z'")
    t0 = t0.tz_convert("UTC")
    length = _period_length(freq)

    def week(ts: Any) -> np.ndarray:
        ns = pd.DatetimeIndex(ts).tz_convert("UTC").as_unit("ns").asi8 - t0.as_unit("ns").value
        return np.floor_divide(ns, length.value) + 1

    w = week(times)
    first, last = min(int(w.min()), 1), int(w.max())
    labels = pd.RangeIndex(first, last + 1, name="period")
    starts = pd.DatetimeIndex([t0 + (k - 1) * length for k in labels])
    ends = pd.DatetimeIndex([t0 + k * length for k in labels])
    return labels, starts, ends, lambda ts: week(ts) - first


def _prepare(
    events: pd.DataFrame,
    ties: str,
    *,
    freq: str = "W",
    start: Any = None,
    people: pd.DataFrame | None = None,
    directed: bool | None = None,
    tie_options: dict | None = None,
) -> _Prepared:
    validate_events(events)
    if ties not in TIE_DEFINITIONS or ties == "bipartite":
        one_mode = [t for t in TIE_DEFINITIONS if t != "bipartite"]
        raise ValueError(f"growth needs a one-mode tie definition, one of {one_mode}, not {ties!r}")
    if directed is None:
        directed = natural_direction(ties)
    elif directed and not natural_direction(ties):
        raise ValueError(f"the {ties!r} tie definition is undirected; use directed=False")
    if len(events) == 0:
        raise ValueError("growth needs at least one event")
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

    labels, starts, ends, position = _periods(events[TIMESTAMP], freq, start)
    n_per = len(labels)

    act_code = _positions(names, events[ACTOR])
    act_period = position(events[TIMESTAMP])
    order = np.argsort(act_period, kind="stable")
    act_code, act_period = act_code[order], act_period[order]

    src = _positions(names, inter["source"])
    dst = _positions(names, inter["target"])
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
        roles[codes] = [normalize_role(v) for v in r[ROLE]]
    if people is not None and ROLE in people.columns:
        vals = people[ROLE].to_numpy(dtype=object)
        for i, v in enumerate(vals):
            if not pd.isna(v):
                roles[i] = str(v)

    return _Prepared(
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
class _Snapshot:
    p: int  # period position
    nodes: np.ndarray  # node codes present, ascending
    pairs: np.ndarray  # pair ids present
    weights: np.ndarray  # their weights


def _check_window(window: str, periods: int | None, half_life: float | None) -> None:
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {list(WINDOWS)}, not {window!r}")
    if window == "sliding" and (periods is None or int(periods) < 1):
        raise ValueError("window='sliding' needs periods=k (a positive number of periods)")
    if window == "decay" and (half_life is None or half_life <= 0):
        raise ValueError("window='decay' needs half_life= (a positive number of periods)")


def _snapshots(
    prep: _Prepared, window: str, periods: int | None, half_life: float | None, min_weight: float
) -> Iterator[_Snapshot]:
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
        yield _Snapshot(p, np.flatnonzero(present), keep, w[keep].copy())


class _Graphs:
    """igraph graph of each snapshot (vertex i = snap.nodes[i], edge attribute ``weight``).

    Cumulative window: one graph grows (new people are a prefix of the codes, new
    ties a prefix of the pair ids); other windows: built from the integer arrays.
    The graph returned is valid until the next call.
    """

    def __init__(self, prep: _Prepared, window: str) -> None:
        self.prep = prep
        self.grow = window == "cumulative"
        self.g: Any = None

    def __call__(self, snap: _Snapshot) -> igraph.Graph:
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


def _undirected(g: igraph.Graph) -> igraph.Graph:
    if g.is_directed():
        return g.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
    return g


def _leiden(graph: igraph.Graph, seed: int) -> list[int]:
    from .community import leiden_membership

    return list(leiden_membership(graph, weights="weight", seed=seed))


def _snapshot_metrics(g: igraph.Graph, metrics: Sequence[str], seed: int) -> dict[str, float]:
    n, m = g.vcount(), g.ecount()
    out: dict[str, float] = {"nodes": n, "ties": m}
    nan = float("nan")
    u = None
    if "modularity" in metrics or "communities" in metrics:
        u = _undirected(g)
    if "density" in metrics:
        possible = n * (n - 1) if g.is_directed() else n * (n - 1) / 2
        out["density"] = m / possible if possible else nan
    if "mean_degree" in metrics:
        out["mean_degree"] = 2 * m / n if n else nan
    if "reciprocity" in metrics:
        out["reciprocity"] = g.reciprocity(ignore_loops=True) if g.is_directed() and m else nan
    if "transitivity" in metrics:
        # igraph ignores direction and multiple ties here
        out["transitivity"] = g.transitivity_undirected() if n else nan
    if "weak_components" in metrics or "largest_component" in metrics:
        sizes = g.connected_components(mode="weak").sizes() if n else []
        if "weak_components" in metrics:
            out["weak_components"] = len(sizes)
        if "largest_component" in metrics:
            out["largest_component"] = max(sizes) / n if n else nan
    if "isolates" in metrics:
        out["isolates"] = int(sum(1 for d in g.degree() if d == 0))
    if "modularity" in metrics or "communities" in metrics:
        memb = _leiden(u, seed) if n else []
        if "modularity" in metrics:
            out["modularity"] = u.modularity(memb, weights="weight") if u.ecount() else nan
        if "communities" in metrics:
            counts = np.bincount(memb) if len(memb) else np.zeros(0, dtype=np.int64)
            out["communities"] = int((counts >= 2).sum())
    if "degree_centralization" in metrics:
        if n >= 3:
            d = np.asarray(g.degree(), dtype=float)  # distinct ties, in + out when directed
            most = (2 if g.is_directed() else 1) * (n - 1) * (n - 2)
            out["degree_centralization"] = float((d.max() - d).sum() / most)
        else:
            out["degree_centralization"] = nan
    return out


# -- period-level counts (vectorised, once) -------------------------------------------------
def _activity(prep: _Prepared, mask: np.ndarray | None = None) -> pd.DataFrame:
    """active / newcomers / returning / leaving per period (people in ``mask`` only)."""
    n_per, n = prep.n_periods, prep.n_nodes
    code, per = prep.act_code, prep.act_period
    if mask is not None:
        keep = mask[code]
        code, per = code[keep], per[keep]
    combos = pd.unique(code * n_per + per)  # distinct (person, period)
    active = np.bincount(combos % n_per, minlength=n_per)
    first = np.full(n, n_per, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    np.minimum.at(first, code, per)
    np.maximum.at(last, code, per)
    seen = last >= 0
    newcomers = np.bincount(first[seen], minlength=n_per)
    leaving = np.bincount(last[seen], minlength=n_per)
    return pd.DataFrame(
        {
            "active": active,
            "newcomers": newcomers,
            "returning": active - newcomers,
            "leaving": leaving,
        }
    )


def _first_appearance(ids: np.ndarray) -> np.ndarray:
    """Position of the first occurrence of each id, for ids numbered ``0..m-1`` in order
    of first appearance (``pd.factorize(sort=False)``): where an id exceeds all before it.

    >>> _first_appearance(np.array([0, 1, 0, 2, 1, 3])).tolist()
    [0, 1, 3, 5]
    """
    if len(ids) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(len(ids), dtype=bool)
    new[0] = True
    new[1:] = ids[1:] > np.maximum.accumulate(ids)[:-1]
    return np.flatnonzero(new)


def _tie_formation(prep: _Prepared, closure: bool) -> pd.DataFrame:
    n_per, m, n = prep.n_periods, prep.n_pairs, prep.n_nodes
    nan = float("nan")
    first_idx = _first_appearance(prep.pair)
    pair_period = prep.period[first_idx]
    pair_time = prep.time[first_idx]
    out = pd.DataFrame(
        {
            "interactions": np.bincount(prep.period, minlength=n_per),
            "self_loops": np.bincount(prep.loop_period, minlength=n_per),
            "new_ties": np.bincount(pair_period, minlength=n_per),
        }
    )
    combos = pd.unique(prep.pair * n_per + prep.period)  # distinct (pair, period)
    c_pair, c_per = combos // n_per, combos % n_per
    out["repeated_ties"] = np.bincount(c_per[c_per > pair_period[c_pair]], minlength=n_per)
    if prep.directed:
        keys = prep.pair_src * n + prep.pair_dst
        rev = pd.Index(keys).get_indexer(prep.pair_dst * n + prep.pair_src)
        ids = np.arange(m)
        both = (rev >= 0) & (ids < rev)
        i, j = ids[both], rev[both]
        when = np.maximum(pair_period[i], pair_period[j])
        lag = np.abs(pair_time[i] - pair_time[j]) / _DAY_NS
        out["newly_reciprocated"] = np.bincount(when, minlength=n_per)
        med = pd.Series(lag).groupby(when).median() if len(when) else pd.Series(dtype=float)
        out["median_reciprocation_days"] = med.reindex(range(n_per)).to_numpy(dtype=float)
    else:
        out["newly_reciprocated"] = nan
        out["median_reciprocation_days"] = nan
    if closure:
        closing = np.zeros(m, dtype=bool)
        adj: list[set[int]] = [set() for _ in range(n)]
        for pid, (a, b) in enumerate(
            zip(prep.pair_src.tolist(), prep.pair_dst.tolist(), strict=True)
        ):
            closing[pid] = not adj[a].isdisjoint(adj[b])
            adj[a].add(b)
            adj[b].add(a)
        closed = np.bincount(pair_period[closing], minlength=n_per)
        new = out["new_ties"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            out["triadic_closure"] = np.where(new > 0, closed / np.maximum(new, 1), nan)
    return out


def _frame_index(prep: _Prepared) -> pd.DataFrame:
    return pd.DataFrame({"start": prep.starts, "end": prep.ends}, index=prep.labels)


# -- public functions -----------------------------------------------------------------------
def growth(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    freq: str = "W",
    window: str = "cumulative",
    periods: int | None = None,
    half_life: float | None = None,
    min_weight: float = 0.5,
    start: Any = None,
    metrics: Sequence[str] | None = None,
    people: pd.DataFrame | None = None,
    roles: str | None = None,
    seed: int = 0,
    directed: bool | None = None,
    **tie_options: Any,
) -> pd.DataFrame:
    """How the learning network forms: one row per period.

    Parameters
    ----------
    events : DataFrame
        A valid Events table, or a Dask DataFrame of events (the aggregation
        then runs in Dask: see :mod:`connectana.dask`).
    ties : str
        One-mode tie definition (see :mod:`connectana.ties`).
    freq : str
        Period length. Without ``start``: a pandas period frequency (``"W"``
        = calendar weeks Monday-Sunday, ``"D"``, ``"M"``, ...). With ``start``:
        a fixed length (``"W"`` = 7 days, ``"D"``, ``"14D"``).
    window : {"cumulative", "sliding", "decay"}
        Which interactions make the snapshot of a period: all up to the end of
        the period; those of the last ``periods`` periods; or all, each
        weighted ``0.5 ** (age / half_life)`` (age in periods), ties whose
        weight is below ``min_weight`` dropped.
    periods : int, optional
        ``k`` for the sliding window.
    half_life : float, optional
        Half-life in periods for the decay window.
    min_weight : float
        Decay window: the smallest weight a tie keeps to stay in the snapshot.
    start : timestamp-like, optional
        Course start (tz-aware). Periods are then course weeks numbered 1, 2,
        ... from it (activity before the start falls in weeks 0, -1, ...).
    metrics : list of str, optional
        Snapshot metrics to compute (see :data:`SNAPSHOT_METRICS`); default all.
    people : DataFrame, optional
        A People table: every person in it is a node of every snapshot, and
        its ``role`` column gives the roles.
    roles : {None, "students"}
        ``"students"`` adds ``students_*`` columns (the same counts and
        metrics among students only) and ``staff_share``.
    seed : int
        Seed of the community detection (Leiden).
    directed : bool, optional
        Default: the tie definition's nature.
    **tie_options
        Passed to :func:`connectana.ties.interactions` (``k``, ``fallback``).

    Returns
    -------
    DataFrame
        Indexed by period (``PeriodIndex``, or course-week numbers with
        ``start``), columns ``start``, ``end`` (UTC, end exclusive) and the
        columns described in Notes.

    Notes
    -----
    Activity (from events, any action): ``active`` people who acted in the
    period; ``newcomers`` whose first event is in it; ``returning`` =
    active - newcomers; ``leaving`` whose last event is in it.

    Tie formation (whole history, whatever the window; self-loops excluded):
    ``interactions``; ``self_loops`` (removed); ``new_ties`` (distinct ties
    whose first interaction is in the period); ``repeated_ties`` (distinct
    ties with an interaction in the period and an earlier one in a previous
    period); ``newly_reciprocated`` (directed: pairs whose second direction
    first appears in the period); ``median_reciprocation_days`` (median
    time between the first a→b and the first b→a of those pairs, days);
    ``triadic_closure`` (share of the period's new ties whose two ends
    already had a common neighbour, direction ignored, when the tie first
    appeared; ties processed in time order).

    Snapshot: ``nodes``; ``ties`` (distinct ties present); ``density`` =
    ties / (n(n-1)) directed, / (n(n-1)/2) undirected; ``mean_degree`` =
    2 ties / nodes; ``reciprocity`` (share of directed ties reciprocated);
    ``transitivity`` (global, undirected); ``weak_components`` (isolates
    included); ``largest_component`` (share of nodes in the largest);
    ``isolates``; ``modularity`` and ``communities`` (Leiden, modularity,
    weighted, undirected; communities of at least 2 people);
    ``degree_centralization`` (Freeman, on distinct ties, in + out when
    directed: sum(max d - d_i) / (2(n-1)(n-2)), undirected / ((n-1)(n-2));
    as ``centralization_all`` of :func:`connectana.summary`). The
    cumulative snapshot holds every person seen (as actor or tie end) up to
    the end of the period; the
    sliding one, people active in the window; the decay one, every person
    seen so far. See ``docs/growth.md``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c", "a"],
    ...     "target": [None, "a", "a", "c"], "action": ["post", "reply", "reply", "reply"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09",
    ...                                  "2024-01-10"], utc=True)}))
    >>> g = ca.growth(ev, metrics=["density"])
    >>> g[["active", "newcomers", "new_ties", "nodes", "ties"]].values.tolist()
    [[2, 2, 1, 2, 1], [2, 1, 2, 3, 3]]
    >>> g["newly_reciprocated"].tolist()
    [0, 1]
    """
    if is_dask(events):  # the aggregation runs in Dask: connectana/dask.py
        from .. import dask as ca_dask

        return ca_dask.growth(
            events, ties, freq=freq, window=window, periods=periods, half_life=half_life,
            min_weight=min_weight, start=start, metrics=metrics, people=people, roles=roles,
            seed=seed, directed=directed, **tie_options,
        )  # fmt: skip
    _check_window(window, periods, half_life)
    chosen = list(SNAPSHOT_METRICS) if metrics is None else list(metrics)
    unknown = sorted(set(chosen) - set(SNAPSHOT_METRICS) - {"nodes", "ties"})
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; choose from {list(SNAPSHOT_METRICS)}")
    if roles not in (None, "students"):
        raise ValueError(f"roles must be None or 'students', not {roles!r}")
    prep = _prepare(
        events,
        ties,
        freq=freq,
        start=start,
        people=people,
        directed=directed,
        tie_options=tie_options,
    )
    students = staff = None
    if roles == "students":
        known = np.array([r is not None for r in prep.roles])
        if not known.any():
            raise ValueError(
                "roles='students' needs roles: give people= with a role column, "
                "or events with a role column"
            )
        students = np.array([r == "student" for r in prep.roles])
        staff = np.array([r in STAFF_ROLES for r in prep.roles])

    out = _frame_index(prep)
    counts = pd.concat([_activity(prep), _tie_formation(prep, "triadic_closure" in chosen)], axis=1)
    graph_metrics = [x for x in chosen if x != "triadic_closure"]
    rows, student_rows = [], []
    graphs = _Graphs(prep, window)
    for snap in _snapshots(prep, window, periods, half_life, min_weight):
        g = graphs(snap)
        rows.append(_snapshot_metrics(g, graph_metrics, seed))
        if students is not None:
            local = np.flatnonzero(students[snap.nodes])
            row = _snapshot_metrics(g.induced_subgraph(local.tolist()), graph_metrics, seed)
            ends = np.column_stack([prep.pair_src[snap.pairs], prep.pair_dst[snap.pairs]])
            n_staff = int(staff[ends].any(axis=1).sum()) if len(ends) else 0
            row["staff_share"] = n_staff / len(snap.pairs) if len(snap.pairs) else float("nan")
            student_rows.append(row)
    snap_cols = pd.DataFrame(rows)
    for frame in (counts, snap_cols):
        frame.index = out.index
    out = pd.concat([out, counts, snap_cols], axis=1)
    if students is not None:
        act = _activity(prep, students).add_prefix("students_")
        extra = pd.DataFrame(student_rows)
        staff_share = extra.pop("staff_share")
        extra = extra.add_prefix("students_")
        for frame in (act, extra):
            frame.index = out.index
        out = pd.concat([out, act, extra], axis=1)
        out["staff_share"] = staff_share.to_numpy()
    if "triadic_closure" not in chosen:
        out = out.drop(columns=["triadic_closure"], errors="ignore")
    out.attrs["growth"] = {
        "ties": ties,
        "directed": prep.directed,
        "freq": freq,
        "window": window,
        "periods": periods,
        "half_life": half_life,
        "min_weight": min_weight if window == "decay" else None,
        "start": None if start is None else str(pd.Timestamp(start)),
        "seed": seed,
    }
    return out


def snapshot_edges(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    freq: str = "W",
    window: str = "cumulative",
    periods: int | None = None,
    half_life: float | None = None,
    min_weight: float = 0.5,
    start: Any = None,
    people: pd.DataFrame | None = None,
    directed: bool | None = None,
    **tie_options: Any,
) -> pd.DataFrame:
    """The ties of every snapshot: a long table (period, source, target, weight).

    Same parameters as :func:`growth`. ``weight`` is the number of
    interactions in the window (the decayed sum for ``window="decay"``).
    Undirected ties are written with ``source < target`` like
    :func:`connectana.build_network`.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.growth import snapshot_edges
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "b"], "target": ["a", "a"],
    ...     "action": "reply",
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-09"], utc=True)}))
    >>> snapshot_edges(ev)[["source", "target", "weight"]].values.tolist()
    [['b', 'a', 1.0], ['b', 'a', 2.0]]
    """
    _check_window(window, periods, half_life)
    prep = _prepare(
        events,
        ties,
        freq=freq,
        start=start,
        people=people,
        directed=directed,
        tie_options=tie_options,
    )
    parts = []
    for snap in _snapshots(prep, window, periods, half_life, min_weight):
        s = prep.names[prep.pair_src[snap.pairs]]
        t = prep.names[prep.pair_dst[snap.pairs]]
        if not prep.directed and len(s):
            swap = s > t
            s, t = np.where(swap, t, s), np.where(swap, s, t)
        parts.append(
            pd.DataFrame(
                {
                    "period": prep.labels[[snap.p] * len(s)],
                    "source": s,
                    "target": t,
                    "weight": snap.weights,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["source"] = out["source"].astype(str)
    out["target"] = out["target"].astype(str)
    return out


def person_growth(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    freq: str = "W",
    window: str = "cumulative",
    periods: int | None = None,
    half_life: float | None = None,
    min_weight: float = 0.5,
    start: Any = None,
    measures: Sequence[str] = ("degree", "ties", "strength", "in_degree", "out_degree"),
    people: pd.DataFrame | None = None,
    directed: bool | None = None,
    **tie_options: Any,
) -> pd.DataFrame:
    """Per-person measures in every snapshot: a long table.

    Parameters are those of :func:`growth`; ``measures`` from
    :data:`PERSON_MEASURES`.

    Returns
    -------
    DataFrame
        Columns ``period, person`` and one per measure; one row per person
        present in the period's snapshot.

    Notes
    -----
    As in :func:`connectana.centrality`: ``degree`` / ``in_degree`` /
    ``out_degree`` = interactions on the person's ties in the snapshot (both /
    received / sent; the decayed sums for ``window="decay"``); ``ties`` /
    ``in_ties`` / ``out_ties`` = distinct ties; ``strength`` /
    ``in_strength`` / ``out_strength`` = sums of the snapshot weights (equal
    to the degrees: a tie's weight is its number of interactions in the
    window). Undirected networks: the in/out variants equal the total.
    ``betweenness``: unweighted (hops), directed when the network is, not
    normalised; ``pagerank``: weighted, damping 0.85; ``coreness``: k-core
    number, direction ignored; ``clustering``: local clustering of the
    undirected graph, 0 below 2 neighbours.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.growth import person_growth
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c"], "target": ["a", "a"],
    ...     "action": "reply",
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-09"], utc=True)}))
    >>> t = person_growth(ev, measures=["in_degree"])
    >>> t[t["person"] == "a"]["in_degree"].tolist()
    [1, 2]
    """
    _check_window(window, periods, half_life)
    unknown = sorted(set(measures) - set(PERSON_MEASURES))
    if unknown:
        raise ValueError(f"unknown measures {unknown}; choose from {list(PERSON_MEASURES)}")
    prep = _prepare(
        events,
        ties,
        freq=freq,
        start=start,
        people=people,
        directed=directed,
        tie_options=tie_options,
    )
    parts = []
    graphs = _Graphs(prep, window)
    for snap in _snapshots(prep, window, periods, half_life, min_weight):
        if len(snap.nodes) == 0:
            continue
        g = graphs(snap)
        cols: dict[str, Any] = {
            "period": prep.labels[[snap.p] * len(snap.nodes)],
            "person": prep.names[snap.nodes],
        }
        for name in measures:
            cols[name] = _person_measure(g, name)
        parts.append(pd.DataFrame(cols))
    if not parts:
        return pd.DataFrame(columns=["period", "person", *measures])
    out = pd.concat(parts, ignore_index=True)
    out["person"] = out["person"].astype(str)
    if window != "decay":  # weights are interaction counts
        for name in measures:
            if name.endswith(("degree", "strength")):
                out[name] = out[name].round().astype(np.int64)
    return out


def _person_measure(g: igraph.Graph, name: str) -> list:
    directed = g.is_directed()
    base, _, kind = name.rpartition("_") if "_" in name else ("all", "", name)
    mode = base if directed and base in ("in", "out") else "all"
    if kind in ("degree", "strength"):  # interactions on the person's ties (= weights)
        return g.strength(mode=mode, weights="weight")
    if kind == "ties":
        return g.degree(mode=mode)
    if name == "betweenness":
        return g.betweenness(directed=directed)
    if name == "pagerank":
        return g.pagerank(directed=directed, weights="weight") if g.vcount() else []
    if name == "coreness":
        return g.coreness(mode="all")
    if name == "clustering":
        return _undirected(g).transitivity_local_undirected(mode="zero")
    raise ValueError(name)  # pragma: no cover


def newcomer_integration(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    people: pd.DataFrame | None = None,
    directed: bool | None = None,
    **tie_options: Any,
) -> pd.DataFrame:
    """How fast newcomers are drawn into the network, per person.

    Returns
    -------
    DataFrame
        Indexed by person (the network's nodes), columns ``first_post`` (first
        event the person acted in, any action), ``first_reply_received``
        (first interaction of which the person is the target),
        ``first_reciprocated`` (first time the person has a reciprocated tie:
        for each partner, the later of the first a→b and the first b→a;
        the earliest over partners; directed networks only),
        ``days_to_first_reply`` and ``days_to_reciprocated`` (from
        ``first_post``, in days; negative when the person was answered
        before their first event in the data, e.g. when their first post is
        not in the export).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.growth import newcomer_integration
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a"],
    ...     "target": [None, "a", "b"], "action": ["post", "reply", "reply"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-04"], utc=True)}))
    >>> newcomer_integration(ev)[["days_to_first_reply", "days_to_reciprocated"]].values.tolist()
    [[2.0, 3.0], [1.0, 1.0]]
    """
    prep = _prepare(events, ties, people=people, directed=directed, tie_options=tie_options)
    n = prep.n_nodes
    never = np.iinfo(np.int64).max
    ev_time = pd.DatetimeIndex(events[TIMESTAMP]).as_unit("ns").asi8
    ev_code = pd.Index(prep.names, dtype=object).get_indexer(
        events[ACTOR].astype(str).to_numpy(dtype=object)
    )
    first_post = np.full(n, never, dtype=np.int64)
    np.minimum.at(first_post, ev_code, ev_time)
    first_reply = np.full(n, never, dtype=np.int64)
    np.minimum.at(first_reply, prep.dst, prep.time)
    if not prep.directed:
        np.minimum.at(first_reply, prep.src, prep.time)
    first_recip = np.full(n, never, dtype=np.int64)
    if prep.directed and prep.n_pairs:
        first_idx = np.unique(prep.pair, return_index=True)[1]
        pair_time = prep.time[first_idx]
        keys = prep.pair_src * n + prep.pair_dst
        rev = pd.Index(keys).get_indexer(prep.pair_dst * n + prep.pair_src)
        has = rev >= 0
        when = np.maximum(pair_time[has], pair_time[rev[has]])
        np.minimum.at(first_recip, prep.pair_src[has], when)

    def as_time(a: np.ndarray) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(
            np.where(a == never, np.datetime64("NaT"), a.astype("datetime64[ns]"))
        ).tz_localize("UTC")

    out = pd.DataFrame(
        {
            "first_post": as_time(first_post),
            "first_reply_received": as_time(first_reply),
            "first_reciprocated": as_time(first_recip),
        },
        index=pd.Index(prep.names.astype(str), name="person"),
    )
    day = pd.Timedelta(days=1)
    out["days_to_first_reply"] = (out["first_reply_received"] - out["first_post"]) / day
    out["days_to_reciprocated"] = (out["first_reciprocated"] - out["first_post"]) / day
    return out


# -- community evolution --------------------------------------------------------------------
def community_evolution(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    freq: str = "W",
    window: str = "cumulative",
    periods: int | None = None,
    half_life: float | None = None,
    min_weight: float = 0.5,
    start: Any = None,
    threshold: float = 0.3,
    min_size: int = 2,
    people: pd.DataFrame | None = None,
    seed: int = 0,
    directed: bool | None = None,
    **tie_options: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Communities of consecutive snapshots matched by Jaccard overlap.

    Parameters are those of :func:`growth`, plus ``threshold`` (the Jaccard
    overlap |A ∩ B| / |A ∪ B| from which community A of one snapshot and B of
    the next are linked) and ``min_size`` (smaller groups, such as isolates,
    are not communities).

    Returns
    -------
    membership : DataFrame
        ``period, person, community``: the tracked community label of every
        person who belongs to a community in the period.
    events : DataFrame
        ``period, event, community, before, after, size_before, size_after,
        jaccard``, one row per event (see Notes).

    Notes
    -----
    Each snapshot's communities come from Leiden (modularity, weighted,
    undirected, ``seed``). For consecutive periods, A (before) and B (after)
    are linked when J(A, B) >= ``threshold``. With succ(A) the linked B's
    and pred(B) the linked A's:

    - ``death``: succ(A) is empty; ``birth``: pred(B) is empty (every
      community of the first period is a birth);
    - ``split``: A with two or more successors; ``merge``: B with two or
      more predecessors;
    - when succ(A) = {B} and pred(B) = {A}: ``growth`` if |B| > |A|,
      ``contraction`` if |B| < |A|, else ``continuation``.

    Labels: B keeps A's label when A is B's best predecessor and B is A's
    best successor (highest J; ties go to the larger community, then to the
    one holding the smallest node code); every other B gets a new label
    (labels count up from 0 in order of appearance). ``before``/``after``
    list the labels involved; ``jaccard`` is J(A, B) for one-to-one events
    and the highest J of the links for splits and merges.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.growth import community_evolution
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c", "c"],
    ...     "target": ["a", "a", "b"], "action": "reply",
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09"], utc=True)}))
    >>> members, changes = community_evolution(ev)
    >>> changes[["period", "event", "community"]].astype(str).values.tolist()
    [['2024-01-01/2024-01-07', 'birth', '0'], ['2024-01-08/2024-01-14', 'continuation', '0']]
    """
    _check_window(window, periods, half_life)
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    prep = _prepare(
        events,
        ties,
        freq=freq,
        start=start,
        people=people,
        directed=directed,
        tie_options=tie_options,
    )
    member_parts: list[pd.DataFrame] = []
    rows: list[dict] = []
    prev: list[tuple[int, frozenset]] = []  # (label, members)
    next_label = 0
    graphs = _Graphs(prep, window)
    for snap in _snapshots(prep, window, periods, half_life, min_weight):
        label_p = prep.labels[snap.p]
        g = _undirected(graphs(snap))
        memb = np.asarray(_leiden(g, seed) if g.vcount() else [], dtype=np.int64)
        groups = [snap.nodes[memb == c] for c in np.unique(memb)]
        groups = [x for x in groups if len(x) >= min_size]
        groups.sort(key=lambda x: (-len(x), int(x.min())))
        cur = [frozenset(x.tolist()) for x in groups]
        labels, new_rows, next_label = _match_step(label_p, prev, cur, threshold, next_label)
        rows.extend(new_rows)
        for lab, x in zip(labels, groups, strict=True):
            member_parts.append(
                pd.DataFrame(
                    {
                        "period": [label_p] * len(x),
                        "person": prep.names[x].astype(str),
                        "community": lab,
                    }
                )
            )
        prev = list(zip(labels, cur, strict=True))
    membership = (
        pd.concat(member_parts, ignore_index=True)
        if member_parts
        else pd.DataFrame(columns=["period", "person", "community"])
    )
    columns = [
        "period",
        "event",
        "community",
        "before",
        "after",
        "size_before",
        "size_after",
        "jaccard",
    ]
    return membership, pd.DataFrame(rows, columns=columns)


def _match_step(
    period: Any,
    prev: list[tuple[int, frozenset]],
    cur: list[frozenset],
    threshold: float,
    next_label: int,
) -> tuple[list[int], list[dict], int]:
    """Match one period's communities to the previous ones (rules: community_evolution).

    ``prev`` holds (label, members) of the previous period, ``cur`` the members of
    this period's communities, both ordered by decreasing size then smallest
    member. Returns the labels of ``cur``, the event rows and the next free label.
    """
    label_p = period
    rows: list[dict] = []
    jac = np.zeros((len(prev), len(cur)))
    for i, (_, a) in enumerate(prev):
        for j, b in enumerate(cur):
            inter = len(a & b)
            if inter:
                jac[i, j] = inter / len(a | b)
    linked = jac >= threshold
    if len(prev) and len(cur):
        best_succ = [int(np.argmax(jac[i])) if linked[i].any() else -1 for i in range(len(prev))]
    else:
        best_succ = [-1] * len(prev)
    labels: list[int] = []
    for j in range(len(cur)):
        col = jac[:, j] if len(prev) else np.zeros(0)
        i = int(np.argmax(col)) if len(col) and linked[:, j].any() else -1
        if i >= 0 and best_succ[i] == j:
            labels.append(prev[i][0])
        else:
            labels.append(next_label)
            next_label += 1
    for i, (la, a) in enumerate(prev):
        succ = np.flatnonzero(linked[i])
        if len(succ) == 0:
            rows.append(_event(label_p, "death", la, [la], [], len(a), 0, float("nan")))
        elif len(succ) >= 2:
            rows.append(
                _event(
                    label_p,
                    "split",
                    la,
                    [la],
                    [labels[j] for j in succ],
                    len(a),
                    sum(len(cur[j]) for j in succ),
                    float(jac[i, succ].max()),
                )
            )
        else:
            j = int(succ[0])
            if linked[:, j].sum() == 1:
                kind = (
                    "growth"
                    if len(cur[j]) > len(a)
                    else "contraction"
                    if len(cur[j]) < len(a)
                    else "continuation"
                )
                rows.append(
                    _event(
                        label_p,
                        kind,
                        labels[j],
                        [la],
                        [labels[j]],
                        len(a),
                        len(cur[j]),
                        float(jac[i, j]),
                    )
                )
    for j, b in enumerate(cur):
        pred = np.flatnonzero(linked[:, j]) if len(prev) else np.zeros(0, dtype=np.int64)
        if len(pred) == 0:
            rows.append(
                _event(label_p, "birth", labels[j], [], [labels[j]], 0, len(b), float("nan"))
            )
        elif len(pred) >= 2:
            rows.append(
                _event(
                    label_p,
                    "merge",
                    labels[j],
                    [prev[i][0] for i in pred],
                    [labels[j]],
                    sum(len(prev[i][1]) for i in pred),
                    len(b),
                    float(jac[pred, j].max()),
                )
            )
    return labels, rows, next_label


def _event(period, kind, community, before, after, size_before, size_after, jaccard) -> dict:
    return {
        "period": period,
        "event": kind,
        "community": int(community),
        "before": [int(x) for x in before],
        "after": [int(x) for x in after],
        "size_before": int(size_before),
        "size_after": int(size_after),
        "jaccard": jaccard,
    }
