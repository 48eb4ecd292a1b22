"""People over time: per-person measures in every snapshot, and newcomer integration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..events import ACTOR, TIMESTAMP
from ..measures import NODE_MEASURES, GraphView, node_values
from .snapshots import SnapshotGraphs, SnapshotOptions, prepare

if TYPE_CHECKING:  # pragma: no cover
    pass


__all__ = ["PERSON_MEASURES", "person_growth", "newcomer_integration"]

#: Measures accepted by ``person_growth(measures=...)``: every node measure of the
#: registry (:mod:`connectana.measures`), with the defaults of :func:`connectana.centrality`.
PERSON_MEASURES: tuple[str, ...] = tuple(
    k for k, m in NODE_MEASURES.items() if m.view == "distinct"
)


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
    Each measure is the registry's (:mod:`connectana.measures`) with the
    defaults of :func:`connectana.centrality`, on the snapshot network whose
    tie weights are the interactions in the window (the decayed sums for
    ``window="decay"``): the value ``centrality()`` gives on a network built
    from the same interactions. ``degree`` / ``in_degree`` / ``out_degree`` =
    interactions on the person's ties (both / received / sent); ``ties`` /
    ``in_ties`` / ``out_ties`` = distinct ties; ``strength`` variants = sums of
    the weights (equal to the degrees here). ``betweenness``: tie length
    1 / weight, directed when the network is, normalised by (n-1)(n-2)
    (directed) or (n-1)(n-2)/2 — in the first round it was raw hop counts;
    ``pagerank``: weighted, damping 0.85; ``coreness``: k-core number,
    direction ignored; ``clustering``: local clustering of the undirected
    graph, 0 below 2 neighbours.

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
    spec = SnapshotOptions.of(locals())
    unknown = sorted(set(measures) - set(PERSON_MEASURES))
    if unknown:
        raise ParameterError(f"unknown measures {unknown}; choose from {list(PERSON_MEASURES)}")
    prep = spec.prepare(events, ties)
    parts = []
    graphs = SnapshotGraphs(prep, window)
    for snap in spec.snapshots(prep):
        if len(snap.nodes) == 0:
            continue
        g = graphs(snap)
        cols: dict[str, Any] = {
            "period": prep.labels[[snap.p] * len(snap.nodes)],
            "person": prep.names[snap.nodes],
        }
        cols.update(node_values(GraphView.from_graph(g), list(measures)))
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
        Staff and learners apart: ``first_learner_reply`` and
        ``first_staff_reply`` (first interaction targeting the person from
        someone who is not staff / from an instructor or TA; staff are known
        from the roster or the events' roles, nobody is staff without them),
        ``days_to_first_learner_reply``, ``days_to_first_staff_reply``.
        Censoring — never answered is reported, not dropped: ``answered``
        (False when nobody ever answered), ``days_observed`` (from
        ``first_post`` to the last event in the data: how long the person was
        watched), and for people never answered ``days_to_first_reply`` is
        ``inf`` (not NaN), so that medians and shares include them;
        ``first_post_in_data`` is False when the person was answered before
        their first event in the data (the negative lags above: the export
        lacks their first post).

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
    prep = prepare(events, ties, people=people, directed=directed, tie_options=tie_options)
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
    staff = np.array([r in ("instructor", "ta") for r in prep.roles], dtype=bool)
    for who, from_who in (("learner", ~staff), ("staff", staff)):
        first = np.full(n, never, dtype=np.int64)
        m = from_who[prep.src]
        np.minimum.at(first, prep.dst[m], prep.time[m])
        if not prep.directed:  # an undirected tie answers both ends
            m = from_who[prep.dst]
            np.minimum.at(first, prep.src[m], prep.time[m])
        out[f"first_{who}_reply"] = as_time(first)
        out[f"days_to_first_{who}_reply"] = (out[f"first_{who}_reply"] - out["first_post"]) / day
    posted = out["first_post"].notna()
    out["answered"] = out["first_reply_received"].notna()
    last = pd.Timestamp(int(ev_time.max()), tz="UTC") if len(ev_time) else pd.NaT
    out["days_observed"] = ((last - out["first_post"]) / day).where(posted)
    for lag, when in (
        ("days_to_first_reply", "first_reply_received"),
        ("days_to_first_learner_reply", "first_learner_reply"),
        ("days_to_first_staff_reply", "first_staff_reply"),
    ):
        out.loc[posted & out[when].isna(), lag] = np.inf  # censored: never answered
    out["first_post_in_data"] = ~(out["days_to_first_reply"] < 0)
    return out
