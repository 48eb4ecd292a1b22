"""Events too large for one machine: the heavy aggregation in Dask.

Whole-institution logs (years of clickstream, billions of rows) do not fit in
memory, but the networks built from them do. :func:`connectana.build_network`
and :func:`connectana.growth` accept the events as a Dask DataFrame (for example
a partitioned Parquet dataset read with ``dask.dataframe.read_parquet``); they
call the functions of this module, which aggregate events into weighted,
time-stamped ties partition by partition in Dask and bring back only those tie
tables (and one row per person, or per person and period). The network is then
assembled exactly as the pandas path does: same nodes in the same order, same
edges, same ``meta``, same ``growth`` table.

Dask is an optional dependency (``pip install "connectana[dask]"``), imported
only here. To use a cluster, create a ``distributed.Client`` before calling::

    from dask.distributed import Client
    import dask.dataframe as dd
    import connectana as ca

    client = Client("tcp://scheduler:8786")       # or Client() for a local cluster
    events = dd.read_parquet("s3://bucket/events/")  # Events columns and dtypes
    net = ca.build_network(events, "reply")
    weekly = ca.growth(events, "reply", start="2024-01-08T00:00Z")

Requirements on the Dask DataFrame: the Events columns with Events dtypes
(string ids, ``timestamp`` as ``datetime64[ns, UTC]``) and **reply targets
already resolved** (``target`` filled: ``read_events(files, engine="dask")`` does it
across files, see :mod:`connectana.engines.dask_read`); the partitions in the order of
the events (ties in time are broken by partition, then row, like the pandas path's
stable sort by time). Which tie definitions are computed, and how, is read from the tie
registry (:attr:`connectana.ties.TieDefinition.dask`): ``"row"`` ones (``reply`` without
``fallback``, ``mention``), whose ties are local to an event, run the registry's
definition on each partition as it is; ``"thread"`` ones (``star``,
``limited_copresence``, ``copresence``) need a whole thread, so the events are shuffled by
``thread_id`` first and the definition runs on each partition of whole threads. ``max_ties``
(copresence) is checked on each partition's threads. The others
(``reply+star``, ``bipartite``, ``resource``) raise :class:`~connectana.errors.EngineError`
naming the fix. ``validate_events`` is
not run on the whole dataset (it would read it all): only the columns and dtypes are
checked. :func:`connectana.compare_ties` builds each network this way;
:func:`connectana.engagement` counts the views and other clicks in Dask and runs on the
contributions, brought back row by row (:func:`engagement_events`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import EngineError, ParameterError
from ..events import (
    ACTION,
    ACTOR,
    EVENT_ID,
    OBJECT_ID,
    PLATFORM,
    REQUIRED_COLUMNS,
    ROLE,
    TARGET,
    THREAD_ID,
    TIMESTAMP,
    make_events,
    numbered_ids,
)
from ..periods import course_start, period_keys
from ..ties import CONTRIBUTION_ACTIONS, DEFAULT_MAX_TIES, TIES, interactions, tie_definition

__all__ = [
    "is_dask",
    "DASK_TIES",
    "DaskNetworkParts",
    "network_parts",
    "compact_events",
    "compact_ties",
    "tie_tables",
    "ENGAGEMENT_ROW_ACTIONS",
    "engagement_events",
]

#: Tie definitions computed in Dask, read from the registry: those whose
#: :attr:`connectana.ties.TieDefinition.dask` is ``"row"`` (each partition as it is) or
#: ``"thread"`` (after a shuffle by ``thread_id``).
DASK_TIES: tuple[str, ...] = tuple(n for n, d in TIES.items() if d.dask is not None)
_ORDER = "_order"
_PERIOD = "_period"
_STRING = pd.StringDtype("pyarrow")
_TIME = pd.DatetimeTZDtype("ns", "UTC")


def is_dask(obj: Any) -> bool:
    """Whether ``obj`` is a Dask DataFrame (checked without importing dask).

    Examples
    --------
    >>> import pandas as pd
    >>> import dask.dataframe as dd
    >>> df = pd.DataFrame({"a": [1, 2]})
    >>> is_dask(df), is_dask(dd.from_pandas(df, npartitions=1))
    (False, True)
    """
    return type(obj).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(
        obj, "npartitions"
    )


def _check_columns(events: Any) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in events.columns]
    if missing:
        raise ParameterError(f"the Dask events lack Events column(s) {missing}")
    if not (isinstance(events[TIMESTAMP].dtype, pd.DatetimeTZDtype)):
        raise ParameterError(
            f"the Dask events' timestamp has dtype {events[TIMESTAMP].dtype}, "
            "expected datetime64[ns, UTC]"
        )


def _check(events: Any, ties: str, tie_options: dict) -> None:
    _check_columns(events)
    if tie_definition(ties).dask is None:
        raise EngineError(
            f"the {ties!r} tie definition is not computed in Dask (its registry entry "
            f"connectana.ties.TIES[{ties!r}].dask is None; Dask computes {list(DASK_TIES)}). "
            "Bring the events into memory first — events.compute(), or one course's: "
            "events[events.context == ...].compute() — and pass that pandas table"
        )
    extra = {k: v for k, v in tie_options.items() if v is not None and k not in ("k", "object")}
    if extra:
        raise EngineError(
            f"option(s) {sorted(extra)} of the {ties!r} tie definition are not computed in "
            "Dask (they need more than one event or thread at a time): compute() the events "
            "and use the pandas path, or leave the option(s) out"
        )


# -- per-partition work (pandas) -----------------------------------------------------------
def _with_order(part: pd.DataFrame, partition_info: dict | None = None) -> pd.DataFrame:
    """Add ``_order``: partition number * 2**32 + row, the events' global order."""
    number = partition_info["number"] if partition_info else 0
    part = part.copy()
    part[_ORDER] = np.int64(number) * 2**32 + np.arange(len(part), dtype=np.int64)
    return part


def _first(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per key: the row that comes first in (timestamp, order)."""
    return df.sort_values([TIMESTAMP, _ORDER], kind="stable").drop_duplicates(keys, keep="first")


def _partials(
    part: pd.DataFrame,
    ties: str,
    directed: bool,
    by_period: bool,
    freq: str,
    start: Any,
    k: int = 3,
    max_ties: int | None = DEFAULT_MAX_TIES,
) -> pd.DataFrame:
    """One partition's partial aggregates, stacked in one frame with a ``kind`` column.

    ``tie`` rows: (source, target[, period]) with ``weight``, ``explicit`` (how many of the
    interactions are explicit), first (timestamp, order) and ``last``; ``actor`` rows:
    (actor[, period]) with ``n`` events and the first (timestamp, order); ``role`` rows: the
    actor's last known role; ``unresolved`` and ``platform`` rows: counts and platforms seen.
    For thread tie definitions the partition holds whole threads (see :func:`tie_tables`).
    """
    if by_period:
        part = part.assign(**{_PERIOD: period_keys(part[TIMESTAMP], freq=freq, start=start)})
    pkeys = [_PERIOD] if by_period else []
    # the registry's tie definition, on this partition (whole threads for "thread" ties)
    part = part.sort_values([TIMESTAMP, _ORDER], kind="stable")
    stats: dict = {}
    found = interactions(part, ties, k=k, stats=stats, max_ties=max_ties)
    unresolved = int(stats.get("unresolved_replies", 0))
    order = pd.Series(part[_ORDER].to_numpy(), index=part[EVENT_ID].astype(str).to_numpy())
    orders = order.reindex(found["event_id"].astype(str).to_numpy()).to_numpy()
    src, dst = found["source"].astype(_STRING), found["target"].astype(_STRING)
    times = found["time"].to_numpy()
    explicit = found["explicit"].to_numpy(dtype=bool)
    periods = period_keys(found["time"], freq=freq, start=start) if by_period else None
    if not directed:
        swap = (src > dst).to_numpy()
        src, dst = src.where(~swap, dst), dst.where(~swap, src)
    inter = pd.DataFrame(
        {
            "source": src.to_numpy(),
            "target": dst.to_numpy(),
            TIMESTAMP: times,
            _ORDER: orders,
            "explicit": explicit.astype(np.int64),
            **({_PERIOD: periods} if by_period else {}),
        }
    )
    tkeys = ["source", "target", *pkeys]
    g = inter.groupby(tkeys, sort=False, dropna=False)
    tie_rows = _first(inter, tkeys).set_index(tkeys)
    tie_rows["weight"] = g.size()
    tie_rows["explicit"] = g["explicit"].sum()
    tie_rows["last"] = g[TIMESTAMP].max()
    tie_rows = tie_rows.reset_index().assign(kind="tie")

    akeys = [ACTOR, *pkeys]
    actors = part[[ACTOR, TIMESTAMP, _ORDER, *pkeys]]
    act_rows = _first(actors, akeys).set_index(akeys)
    act_rows["weight"] = actors.groupby(akeys, sort=False).size()
    act_rows = act_rows.reset_index().assign(kind="actor")

    frames = [tie_rows, act_rows]
    if ROLE in part.columns:
        roled = part.loc[part[ROLE].notna().to_numpy(), [ACTOR, ROLE, TIMESTAMP, _ORDER]]
        last = roled.sort_values([TIMESTAMP, _ORDER], kind="stable")
        frames.append(last.drop_duplicates(ACTOR, keep="last").assign(kind="role"))
    plats = pd.unique(part[PLATFORM].dropna().astype(str).to_numpy())
    frames.append(pd.DataFrame({PLATFORM: plats, "kind": "platform"}))
    frames.append(pd.DataFrame({"weight": [unresolved], "kind": ["unresolved"]}))
    out = pd.concat(frames, ignore_index=True)
    return _normalise(out, by_period, ROLE in part.columns)


def _partial_columns(by_period: bool, has_role: bool) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "kind": _STRING,
        "source": _STRING,
        "target": _STRING,
        ACTOR: _STRING,
        TIMESTAMP: _TIME,
        "last": _TIME,
        _ORDER: "Int64",
        "weight": "Int64",
        "explicit": "Int64",
        PLATFORM: _STRING,
    }
    if by_period:
        cols[_PERIOD] = "Int64"
    if has_role:
        cols[ROLE] = _STRING
    return cols


def _normalise(df: pd.DataFrame, by_period: bool, has_role: bool) -> pd.DataFrame:
    cols = _partial_columns(by_period, has_role)
    out = pd.DataFrame(index=df.index)
    for c, dtype in cols.items():
        out[c] = (
            df[c].astype(dtype)
            if c in df.columns
            else pd.Series(pd.NA, index=df.index, dtype=dtype)
        )
    return out


def tie_tables(
    events: Any,
    ties: str = "reply",
    *,
    directed: bool = True,
    freq: str | None = None,
    start: Any = None,
    k: int = 3,
    max_ties: int | None = DEFAULT_MAX_TIES,
) -> dict[str, Any]:
    """Aggregate Dask events into small pandas tables (the only data brought back).

    Returns a dict: ``ties`` (source, target[, _period], weight, timestamp = first,
    _order of the first, last), ``actors`` (actor[, _period], weight = events,
    timestamp and _order of the first), ``roles`` (actor, last known role),
    ``platforms`` (sorted list) and ``unresolved`` (answers without a target).
    With ``freq``, ties and actors are split by period (keys of
    :func:`connectana.periods.period_keys`). Thread tie definitions (``star``,
    ``limited_copresence`` with ``k``, ``copresence``) shuffle the events by ``thread_id``
    first, so that each partition holds whole threads, then apply the pandas tie
    definition to each partition.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> import dask.dataframe as dd
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "b", "c"],
    ...     "target": [None, "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                                  "2024-01-04"], utc=True)}))
    >>> t = tie_tables(dd.from_pandas(ev, npartitions=2))
    >>> t["ties"][["source", "target", "weight"]].values.tolist()
    [['b', 'a', 2], ['c', 'b', 1]]
    >>> t["actors"][["actor", "weight"]].values.tolist(), t["unresolved"]
    ([['a', 1], ['b', 2], ['c', 1]], 0)
    """
    by_period = freq is not None
    ev = events.map_partitions(_with_order, meta=_order_meta(events))
    if tie_definition(ties).dask == "thread":
        ev = ev.shuffle(on=THREAD_ID)
    has_role = ROLE in events.columns
    meta = pd.DataFrame(
        {c: pd.Series(dtype=d) for c, d in _partial_columns(by_period, has_role).items()}
    )
    partial = ev.map_partitions(
        _partials, ties, directed, by_period, freq, start, k, max_ties, meta=meta
    ).compute()
    return _combine(partial, by_period)


def _order_meta(events: Any) -> pd.DataFrame:
    meta = events._meta.copy()
    meta[_ORDER] = pd.Series(dtype=np.int64)
    return meta


def _combine(partial: pd.DataFrame, by_period: bool) -> dict[str, Any]:
    """Reduce the partitions' partial aggregates (pandas)."""
    pkeys = [_PERIOD] if by_period else []
    kind = partial["kind"].to_numpy(dtype=object)

    def reduce(rows: pd.DataFrame, keys: list[str], extra: dict) -> pd.DataFrame:
        if rows.empty:
            return rows[[*keys, TIMESTAMP, _ORDER, "weight", *extra]]
        g = rows.groupby(keys, sort=False, dropna=False)
        first = _first(rows, keys).set_index(keys)[[TIMESTAMP, _ORDER]]
        first["weight"] = g["weight"].sum()
        for name, how in extra.items():
            first[name] = g[name].agg(how)
        return first.reset_index().sort_values([TIMESTAMP, _ORDER], kind="stable")

    tie_rows = partial[kind == "tie"]
    ties = reduce(tie_rows, ["source", "target", *pkeys], {"last": "max", "explicit": "sum"})
    actors = reduce(partial[kind == "actor"], [ACTOR, *pkeys], {})
    roles = partial[kind == "role"]
    if ROLE in partial.columns and len(roles):
        roles = roles.sort_values([TIMESTAMP, _ORDER], kind="stable")
        roles = roles.drop_duplicates(ACTOR, keep="last")[[ACTOR, ROLE]]
    else:
        roles = None
    platforms = sorted(set(partial.loc[kind == "platform", PLATFORM].dropna().astype(str)))
    unresolved = int(partial.loc[kind == "unresolved", "weight"].sum())
    return {
        "ties": ties.reset_index(drop=True),
        "actors": actors.reset_index(drop=True),
        "roles": roles,
        "platforms": platforms,
        "unresolved": unresolved,
    }


def _window(events: Any, start: Any, end: Any, exclude: Sequence[Any] | None) -> Any:
    t0, t1 = course_start(start, name="start"), course_start(end, name="end")
    if t0 is not None:
        events = events[events[TIMESTAMP] >= t0]
    if t1 is not None:
        events = events[events[TIMESTAMP] < t1]
    if exclude is not None:
        ex = sorted({str(x) for x in exclude})
        gone = events[ACTOR].isin(ex) | events[TARGET].isin(ex)
        events = events[~gone]
    return events, t0, t1


# -- the network's tables ----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DaskNetworkParts:
    """What :func:`connectana.build_network` needs from Dask events (all pandas).

    Attributes
    ----------
    edges : DataFrame
        ``source, target, weight, first, last, n_explicit, n_inferred, n_<ties>``.
    people_events : DataFrame
        One row per actor in order of first event (``actor`` and, when known, ``role``).
    targets : Series
        Tie targets in order of their first interaction.
    n_events : Series
        Events per actor.
    meta : dict
        The window, counts and platforms, as :attr:`connectana.Network.meta` records them.
    """

    edges: pd.DataFrame
    people_events: pd.DataFrame
    targets: pd.Series
    n_events: pd.Series
    meta: dict


def network_parts(
    events: Any,
    ties: str = "reply",
    *,
    directed: bool = True,
    multi: bool = False,
    loops: bool = False,
    start: Any = None,
    end: Any = None,
    exclude: Sequence[Any] | None = None,
    max_ties: int | None = DEFAULT_MAX_TIES,
    **tie_options: Any,
) -> DaskNetworkParts:
    """Aggregate Dask events into the tables of a network.

    :func:`connectana.build_network` calls this for Dask events and assembles the
    :class:`~connectana.Network` exactly as the pandas path does (same nodes in
    the same order, same edges, same ``meta``).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> import dask.dataframe as dd
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a", "b"],
    ...     "target": ["b", "a", "b", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-0%d" % d for d in (1, 2, 3, 4)], utc=True)}))
    >>> parts = network_parts(dd.from_pandas(ev, npartitions=2))
    >>> parts.edges[["source", "target", "weight"]].values.tolist()
    [['a', 'b', 2], ['b', 'a', 1]]
    >>> net = ca.build_network(dd.from_pandas(ev, npartitions=2))
    >>> net.edges[["source", "target", "weight"]].values.tolist()
    [['a', 'b', 2], ['b', 'a', 1]]
    """
    _check(events, ties, tie_options)
    if multi:
        raise EngineError(
            "multi=True keeps every interaction, which Dask does not bring back: compute() the "
            "events first, or leave multi out"
        )
    ev, t0, t1 = _window(events, start, end, exclude)
    excluded = sorted({str(x) for x in exclude}) if exclude is not None else []
    tables = tie_tables(ev, ties, directed=directed, k=tie_options.get("k") or 3, max_ties=max_ties)
    t = tables["ties"]
    is_loop = (t["source"] == t["target"]).to_numpy(dtype=bool)
    n_loops = int(t.loc[is_loop, "weight"].sum())
    if not loops:
        t = t[~is_loop]
    n_inter = int(t["weight"].sum())

    edges = t.sort_values(["source", "target"], kind="stable")
    edges = pd.DataFrame(
        {
            "source": edges["source"].astype(_STRING).to_numpy(),
            "target": edges["target"].astype(_STRING).to_numpy(),
            "weight": edges["weight"].to_numpy(dtype=np.int64),
            "first": edges[TIMESTAMP].to_numpy(),
            "last": edges["last"].to_numpy(),
            "n_explicit": edges["explicit"].to_numpy(dtype=np.int64),
        }
    )
    edges["n_inferred"] = edges["weight"] - edges["n_explicit"]
    if len(edges):
        edges[f"n_{ties}"] = edges["weight"]
    for c in ("source", "target"):
        edges[c] = edges[c].astype(_STRING)
    for c in ("first", "last"):
        edges[c] = edges[c].astype(_TIME)

    actors = tables["actors"]  # in order of first event
    people_ev = pd.DataFrame({ACTOR: actors[ACTOR].astype(_STRING).to_numpy()})
    if tables["roles"] is not None or ROLE in events.columns:
        roles = tables["roles"]
        lookup = roles.set_index(ACTOR)[ROLE] if roles is not None else pd.Series(dtype=_STRING)
        people_ev[ROLE] = lookup.reindex(people_ev[ACTOR]).astype(_STRING).to_numpy()
    meta = {
        "ties": ties,
        "directed": directed,
        "multi": multi,
        "loops": loops,
        "start": None if t0 is None else t0.isoformat(),
        "end": None if t1 is None else t1.isoformat(),
        "events": int(actors["weight"].sum()),
        "interactions": n_inter,
        "self_loops": n_loops,
        "self_loops_removed": 0 if loops else n_loops,
        "unresolved_replies": tables["unresolved"] if ties == "reply" else 0,
        "people_excluded": len(excluded),
        "platforms": tables["platforms"],
        "dask_partitions": int(events.npartitions),
    }
    if ties == "limited_copresence":
        meta["k"] = tie_options.get("k") or 3
    return DaskNetworkParts(
        edges=edges.reset_index(drop=True),
        people_events=people_ev,
        targets=_first_targets(t),
        n_events=actors.set_index(ACTOR)["weight"],
        meta=meta,
    )


def _first_targets(t: pd.DataFrame) -> pd.Series:
    """Tie targets in order of their first interaction."""
    first = t.sort_values([TIMESTAMP, _ORDER], kind="stable")
    return pd.Series(pd.unique(first["target"].astype(str).to_numpy()), dtype=_STRING)


# -- growth ----------------------------------------------------------------------------------
def compact_events(
    events: Any, ties: str = "reply", *, freq: str = "W", start: Any = None, **tie_options: Any
) -> pd.DataFrame:
    """A small pandas Events table equivalent, for :func:`connectana.growth`, to Dask events.

    The ties are aggregated per period in Dask (source, target, period: number of
    interactions, time of the first); each person's activity per period likewise.
    These tables are expanded locally into a compact Events table (one row per
    interaction, timed at the first interaction of its tie in the period, and one
    row per person and period) on which the pandas path of :func:`connectana.growth`
    runs: every column of the result equals the pandas path's. The local memory
    is therefore proportional to the number of interactions, not of events.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> import dask.dataframe as dd
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c", "a"],
    ...     "target": [None, "a", "a", "c"], "action": ["post", "reply", "reply", "reply"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09",
    ...                                  "2024-01-10"], utc=True)}))
    >>> g = ca.growth(dd.from_pandas(ev, npartitions=2), metrics=["density"])
    >>> g[["active", "newcomers", "new_ties", "nodes", "ties"]].values.tolist()
    [[2, 2, 1, 2, 1], [2, 1, 2, 3, 3]]
    >>> len(compact_events(dd.from_pandas(ev, npartitions=2)))
    7
    """
    _check(events, ties, tie_options)
    tables = tie_tables(
        events, ties, directed=True, freq=freq, start=start, k=tie_options.get("k") or 3
    )
    return _compact(tables, ties)


def compact_ties(ties: str) -> str:
    """The tie definition under which :func:`compact_events` gives back the ties of ``ties``.

    Compact events state every tie explicitly: a ``reply`` with its target for reply ties,
    a ``mention`` for every other definition (thread ties included).

    Examples
    --------
    >>> compact_ties("reply"), compact_ties("star")
    ('reply', 'mention')
    """
    return "reply" if ties == "reply" else "mention"


def _compact(tables: dict, ties: str) -> pd.DataFrame:
    """Events equivalent, for growth, to the original ones (see :func:`compact_events`)."""
    t, a = tables["ties"], tables["actors"]
    reps = t["weight"].to_numpy(dtype=np.int64)
    idx = np.repeat(np.arange(len(t)), reps)
    tie_part = pd.DataFrame(
        {
            ACTOR: t["source"].to_numpy()[idx],
            TARGET: t["target"].to_numpy()[idx],
            ACTION: compact_ties(ties),
            TIMESTAMP: t[TIMESTAMP].to_numpy()[idx],
            _ORDER: t[_ORDER].to_numpy(dtype=np.int64)[idx],
        }
    )
    act_part = pd.DataFrame(
        {
            ACTOR: a[ACTOR].to_numpy(),
            TARGET: pd.NA,
            ACTION: "other",
            TIMESTAMP: a[TIMESTAMP].to_numpy(),
            _ORDER: a[_ORDER].to_numpy(dtype=np.int64),
        }
    )
    df = pd.concat([act_part, tie_part], ignore_index=True)
    df = df.sort_values([TIMESTAMP, _ORDER], kind="stable").drop(columns=_ORDER)
    df[TIMESTAMP] = df[TIMESTAMP].astype(_TIME)
    if tables["roles"] is not None:
        df[ROLE] = tables["roles"].set_index(ACTOR)[ROLE].reindex(df[ACTOR]).to_numpy()
    df[EVENT_ID] = numbered_ids("d", len(df), df.index)
    return make_events(df.reset_index(drop=True), sort=False, resolve=False)


# -- engagement ------------------------------------------------------------------------------
#: Actions :func:`engagement_events` keeps event by event (the interaction table): every
#: tie definition engagement accepts, thread structure and answer times are made of them.
ENGAGEMENT_ROW_ACTIONS: tuple[str, ...] = (*CONTRIBUTION_ACTIONS, "mention")
_GROUP = ["_period", "_week", "_view"]


def _engagement_part(
    part: pd.DataFrame, freq: str, start: Any, partition_info: dict | None = None
) -> pd.DataFrame:
    """One partition: the rows engagement needs one by one, and the rest summarised.

    Kept as rows (``_rep`` False): contributions and mentions, the first event of each
    (platform, object_id) here (the parent lookup of response latency takes the first
    event carrying an id) and the last event carrying a role of each actor here (the network's
    roles are the last known ones). The other events are grouped by (actor, period, week, view or not): the first event of
    each group is kept (``_rep`` True) with the group's size in ``_n``.
    """
    part = _with_order(part, partition_info).sort_values([TIMESTAMP, _ORDER], kind="stable")
    keep = part[ACTION].isin(ENGAGEMENT_ROW_ACTIONS).to_numpy(dtype=bool).copy()
    has_obj = part[OBJECT_ID].notna().to_numpy(dtype=bool)
    first_obj = ~part.duplicated([PLATFORM, OBJECT_ID], keep="first").to_numpy(dtype=bool)
    keep |= has_obj & first_obj
    if ROLE in part.columns:
        roled = part[ROLE].notna().to_numpy(dtype=bool)
        last_role = np.zeros(len(part), dtype=bool)
        last_role[roled] = ~part.loc[roled, ACTOR].duplicated(keep="last").to_numpy(dtype=bool)
        keep |= last_role
    rows = part[keep].assign(_period=-1, _week=-1, _view=False, _n=1, _rep=False)
    rest = part[~keep]
    rest = rest.assign(
        _period=period_keys(rest[TIMESTAMP], freq=freq, start=start),
        _week=period_keys(rest[TIMESTAMP], freq="W-SUN"),
        _view=(rest[ACTION] == "view").to_numpy(dtype=bool),
    )
    keys = [ACTOR, *_GROUP]
    reps = rest.drop_duplicates(keys, keep="first").set_index(keys)
    reps["_n"] = rest.groupby(keys, sort=False).size()
    reps = reps.reset_index().assign(_rep=True)[rows.columns]
    return pd.concat([rows, reps], ignore_index=True).astype(
        {"_period": np.int64, "_week": np.int64, "_view": bool, "_n": np.int64, "_rep": bool}
    )


def engagement_events(
    events: Any, *, freq: str = "W", start: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dask events reduced to what :func:`connectana.engagement` needs (both pandas).

    :func:`connectana.engagement` calls this for Dask events, then runs on the compact
    table exactly as on pandas events, adding the views counted here.

    Returns
    -------
    (events, views)
        ``events``: a pandas Events table holding, in event order, every contribution and
        mention (the interaction table: ties, thread starters, depths and answer times are
        computed from it as from all the events), the first event of each object and the
        last event with a role of each person; of the other events (views, clicks,
        reactions) only the first of each person, period (``freq``, ``start``:
        :func:`connectana.periods.period_keys`) and calendar week, views apart. So every
        person's first event, active weeks and periods (hence the table's periods), and
        each person's last known role are those of all the events.
        ``views``: ``actor, timestamp, views``: the views each of those first views stands
        for besides itself (counted in Dask), to add in the period of ``timestamp``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> import dask.dataframe as dd
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "a", "a", "b", "a"],
    ...     "action": ["view", "view", "view", "reply", "view"], "target": [None] * 3 + ["a", None],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04",
    ...                                  "2024-01-05"], utc=True)}))
    >>> rows, views = engagement_events(dd.from_pandas(ev, npartitions=1))
    >>> rows[["actor", "action"]].values.tolist()
    [['a', 'view'], ['b', 'reply']]
    >>> views[["actor", "views"]].values.tolist()  # a's first view stands for 4 views
    [['a', 3]]
    """
    _check_columns(events)
    meta = _order_meta(events).assign(
        _period=pd.Series(dtype=np.int64),
        _week=pd.Series(dtype=np.int64),
        _view=pd.Series(dtype=bool),
        _n=pd.Series(dtype=np.int64),
        _rep=pd.Series(dtype=bool),
    )
    parts = events.map_partitions(_engagement_part, freq, start, meta=meta).compute()
    parts = parts.sort_values([TIMESTAMP, _ORDER], kind="stable")
    is_rep = parts["_rep"].to_numpy(dtype=bool)
    reps = parts[is_rep]
    # the same group may start in several partitions: the first one stands for all
    keys = [ACTOR, *_GROUP]
    totals = reps.groupby(keys, sort=False)["_n"].transform("sum")
    first = ~reps.duplicated(keys, keep="first").to_numpy(dtype=bool)
    keep = ~is_rep
    keep[np.flatnonzero(is_rep)[first]] = True
    seen = reps[first & reps["_view"].to_numpy(dtype=bool)]
    views = pd.DataFrame(
        {
            ACTOR: seen[ACTOR].astype(_STRING).to_numpy(),
            TIMESTAMP: seen[TIMESTAMP].to_numpy(),
            "views": totals[first & reps["_view"].to_numpy(dtype=bool)].to_numpy() - 1,
        }
    )
    views = views[views["views"].to_numpy() > 0].reset_index(drop=True)
    rows = parts[keep].drop(columns=[_ORDER, *_GROUP, "_n", "_rep"]).reset_index(drop=True)
    return rows, views
