"""Growth of the learning network over time: one row per period.

:func:`growth` gives activity, tie formation and snapshot structure per period;
:func:`snapshot_edges` the ties of each snapshot. The snapshots come from the
engine of :mod:`connectana.metrics.snapshots`; per-person measures over time are
in :mod:`connectana.metrics.person_growth`, communities over time in
:mod:`connectana.metrics.community_evolution` (both re-exported here).

The exact definition of every column is in ``docs/growth.md`` and in the
Notes of each function.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..engines import dask as dask_engine
from ..errors import InputError, ParameterError
from ..measures import GraphView, network_values
from ..ties import natural_direction
from .community_evolution import community_evolution
from .person_growth import PERSON_MEASURES, newcomer_integration, person_growth
from .snapshots import Prepared, SnapshotGraphs, SnapshotOptions

__all__ = [
    "SNAPSHOT_METRICS",
    "PERSON_MEASURES",
    "growth",
    "person_growth",
    "snapshot_edges",
    "newcomer_integration",
    "community_evolution",
]

SNAPSHOT_METRICS: tuple[str, ...] = (
    "density",
    "mean_degree",
    "reciprocity",
    "transitivity",
    "weak_components",
    "largest_component_share",
    "isolates",
    "modularity",
    "communities",
    "centralization_all",
    "triadic_closure",
)
#: Names of the first round, and what they are called now (one name, one number).
RENAMED: dict[str, str] = {
    "largest_component": "largest_component_share",
    "degree_centralization": "centralization_all",
    "interactions": "period_interactions",
    "self_loops": "period_self_loops",
    "staff_share": "staff_tie_share",
}
STAFF_ROLES: tuple[str, ...] = ("instructor", "ta")
_DAY_NS = 86_400 * 10**9


def _snapshot_metrics(
    view: GraphView, metrics: Sequence[str], seed: int, staff: np.ndarray | None = None
) -> dict[str, float]:
    """Registry measures (:mod:`connectana.measures`) of one snapshot's view."""
    names = ["nodes", "ties", *(m for m in metrics if m not in ("nodes", "ties"))]
    if staff is not None:
        names.append("staff_tie_share")
    return network_values(view, names, seed=seed, staff=staff)


# -- period-level counts (vectorised, once) -------------------------------------------------
def _activity(prep: Prepared, mask: np.ndarray | None = None) -> pd.DataFrame:
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


def _tie_formation(prep: Prepared, closure: bool) -> pd.DataFrame:
    n_per, m, n = prep.n_periods, prep.n_pairs, prep.n_nodes
    nan = float("nan")
    first_idx = _first_appearance(prep.pair)
    pair_period = prep.period[first_idx]
    pair_time = prep.time[first_idx]
    out = pd.DataFrame(
        {
            "period_interactions": np.bincount(prep.period, minlength=n_per),
            "period_self_loops": np.bincount(prep.loop_period, minlength=n_per),
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
        then runs in Dask: see :mod:`connectana.engines.dask`).
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
        metrics among students only) and ``staff_tie_share``.
    seed : int
        Seed of the community detection (Leiden).
    directed : bool, optional
        Default: the tie definition's nature.
    **tie_options
        Passed to :func:`connectana.ties.interactions` (``k``, ``fallback``,
        ``max_ties``: ``copresence`` stops with a
        :class:`~connectana.errors.TieLimitError` above it).

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
    ``period_interactions`` (interactions in the period); ``period_self_loops``
    (self-loops in the period, removed); ``new_ties`` (distinct ties
    whose first interaction is in the period); ``repeated_ties`` (distinct
    ties with an interaction in the period and an earlier one in a previous
    period); ``newly_reciprocated`` (directed: pairs whose second direction
    first appears in the period); ``median_reciprocation_days`` (median
    time between the first a→b and the first b→a of those pairs, days);
    ``triadic_closure`` (share of the period's new ties whose two ends
    already had a common neighbour, direction ignored, when the tie first
    appeared; ties processed in time order).

    Snapshot: every column is the registry measure of that name
    (:mod:`connectana.measures`) on the snapshot network, the value
    :func:`connectana.summary` gives for a network built from the same
    interactions: ``nodes``; ``ties`` (distinct ties present); ``density`` =
    ties / (n(n-1)) directed, / (n(n-1)/2) undirected; ``mean_degree`` =
    2 ties / nodes; ``reciprocity`` (share of directed ties reciprocated);
    ``transitivity`` (global, undirected); ``weak_components`` (isolates
    included); ``largest_component_share`` (share of nodes in the largest);
    ``isolates``; ``modularity`` and ``communities`` (Leiden, modularity,
    weighted by interactions, undirected; communities of at least 2 people);
    ``centralization_all`` (Freeman, on distinct ties, in + out when
    directed: sum(max d - d_i) / (2(n-1)(n-2)), undirected / ((n-1)(n-2))).
    ``staff_tie_share`` (``roles="students"``): share of the snapshot's ties
    with a staff member at either end. Renamed in the second round (see
    :data:`RENAMED`): ``largest_component``, ``degree_centralization``,
    ``interactions``, ``self_loops``, ``staff_share``. The
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
    if dask_engine.is_dask(events):  # aggregated in Dask (connectana/engines/dask.py)
        events = dask_engine.compact_events(events, ties, freq=freq, start=start, **tie_options)
        tie_options = {}
        if directed is None:
            directed = natural_direction(ties)
        ties = dask_engine.compact_ties(ties)  # the compact events state each tie explicitly
    spec = SnapshotOptions.of(locals())
    chosen = list(SNAPSHOT_METRICS) if metrics is None else list(metrics)
    unknown = sorted(set(chosen) - set(SNAPSHOT_METRICS) - {"nodes", "ties"})
    if unknown:
        hints = [f"{x!r} is now {RENAMED[x]!r}" for x in unknown if x in RENAMED]
        raise InputError(
            f"unknown metrics {unknown}" + (f" ({'; '.join(hints)})" if hints else ""),
            expected=f"names from {list(SNAPSHOT_METRICS)}",
        )
    if roles not in (None, "students"):
        raise ParameterError(f"roles must be None or 'students', not {roles!r}")
    prep = spec.prepare(events, ties)
    students = staff = None
    if roles == "students":
        known = np.array([r is not None for r in prep.roles])
        if not known.any():
            raise ParameterError(
                "roles='students' needs roles: give people= with a role column, "
                "or events with a role column"
            )
        students = np.array([r == "student" for r in prep.roles])
        staff = np.array([r in STAFF_ROLES for r in prep.roles])

    out = frame_index(prep)
    counts = pd.concat([_activity(prep), _tie_formation(prep, "triadic_closure" in chosen)], axis=1)
    graph_metrics = [x for x in chosen if x != "triadic_closure"]
    rows, student_rows = [], []
    graphs = SnapshotGraphs(prep, window)
    for snap in spec.snapshots(prep):
        g, view = graphs.view(snap)
        rows.append(_snapshot_metrics(view, graph_metrics, seed))
        if students is not None:
            local = np.flatnonzero(students[snap.nodes])
            sub = GraphView.from_graph(g.induced_subgraph(local.tolist()))
            row = _snapshot_metrics(sub, graph_metrics, seed)
            row["staff_tie_share"] = _snapshot_metrics(view, [], seed, staff[snap.nodes])[
                "staff_tie_share"
            ]
            student_rows.append(row)
    snap_cols = pd.DataFrame(rows)
    for frame in (counts, snap_cols):
        frame.index = out.index
    out = pd.concat([out, counts, snap_cols], axis=1)
    if students is not None:
        act = _activity(prep, students).add_prefix("students_")
        extra = pd.DataFrame(student_rows)
        staff_share = extra.pop("staff_tie_share")
        extra = extra.add_prefix("students_")
        for frame in (act, extra):
            frame.index = out.index
        out = pd.concat([out, act, extra], axis=1)
        out["staff_tie_share"] = staff_share.to_numpy()
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
    spec = SnapshotOptions.of(locals())
    prep = spec.prepare(events, ties)
    parts = []
    for snap in spec.snapshots(prep):
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


def frame_index(prep: Prepared) -> pd.DataFrame:
    return pd.DataFrame({"start": prep.starts, "end": prep.ends}, index=prep.labels)
