"""Tie definitions: Events → a table of interactions (one row per tie instance).

Published work shows that the rule turning forum posts into ties changes the
findings (Fincham, Gašević & Pardo 2018, "From social ties to network
processes: do tie definitions matter?", *Journal of Learning Analytics* 5(2);
Wise & Cui 2018; Wise, Cui & Jin 2017). So the rule is a parameter:

``reply``
    Each answer (``reply``/``comment``/``message`` event) ties its author to
    the person it answers: ``target``, which the reader set from the source or
    which was resolved from ``parent_id``. Explicit. With
    ``fallback="star"`` answers whose target is unknown (parent missing, flat
    discussions) tie to the thread starter instead, marked *inferred*;
    ``fallback="previous"`` ties them to the previous poster in the thread.
``star``
    Every contribution in a thread (post, reply, comment) except the opening
    one ties its author to the thread starter (the author of the thread's
    first ``post``, else of its earliest event). Explicit when the
    contribution's own target is the starter, inferred otherwise.
``reply+star``
    Both: each contribution gives its reply tie and its star tie; when they
    point to the same person the event counts once (as an explicit reply).
``limited_copresence``
    Each contribution ties its author to the authors of the ``k`` previous
    contributions in the thread (distinct people; inferred).
``copresence``
    Undirected: every pair of distinct participants of a thread, one
    interaction per thread they share, timed when the later of the two first
    posted there (inferred). A thread of ``m`` participants gives
    ``m(m-1)/2`` interactions: :func:`count_interactions` counts them before
    anything is built, and more than ``max_ties`` (default
    :data:`DEFAULT_MAX_TIES`) is a :class:`~connectana.errors.TieLimitError`
    suggesting ``limited_copresence``. The pairs are generated directly, never
    as the ``m²`` rows of a self-join.
``mention``
    ``mention`` events: the actor to the person mentioned. Explicit.
``bipartite``
    Two-mode: person → object (``object="thread"`` by default, or
    ``"object"``, ``"context"``), one interaction per event; object nodes are
    named ``"<kind>:<id>"``. Use :func:`connectana.network.project` for the
    one-mode projection.
``resource``
    Two-mode: person → resource, one interaction per (event, resource) of
    the ``resources`` column that ``read_events(..., extract=...)`` fills
    (kinds ``url``, ``hashtag`` and ``file``: links to the platform itself and
    mentions of people are left out). Resource nodes are named
    ``"<kind>:<resource>"`` (``url:https://x.org/a``, ``hashtag:lak``).
    Explicit. :func:`connectana.network.project` gives people tied by the
    resources they shared (``onto="person"``) and resources tied by the people
    who shared both (``onto="resource"``: ideas that travel together).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from .errors import ParameterError, TieLimitError
from .events import (
    ACTION,
    ACTOR,
    CONTEXT,
    EVENT_ID,
    OBJECT_ID,
    PARENT_ID,
    REPLY_ACTIONS,
    TARGET,
    THREAD_ID,
    TIMESTAMP,
    key_positions,
)

__all__ = [
    "TIES",
    "TieDefinition",
    "DASK_MODES",
    "tie_definition",
    "TIE_DEFINITIONS",
    "TWO_MODE",
    "RESOURCE_TIE_KINDS",
    "interactions",
    "count_interactions",
    "CONTRIBUTION_ACTIONS",
    "DEFAULT_MAX_TIES",
    "natural_direction",
]

#: Default of ``max_ties``: the most interactions a tie definition may produce
#: before building stops (only ``copresence`` can outnumber the events).
DEFAULT_MAX_TIES: int = 2_000_000


#: How the Dask engine can compute a tie definition (:attr:`TieDefinition.dask`).
DASK_MODES: tuple[str | None, ...] = ("row", "thread", None)


@dataclasses.dataclass(frozen=True)
class TieDefinition:
    """One tie definition of the registry :data:`TIES`.

    Attributes
    ----------
    name : str
    directed : bool
        Directed by nature (``build_network``'s default ``directed``).
    two_mode : bool
        Person × object ties (a bipartite network).
    build : callable
        ``build(events, options) -> interactions``; ``options`` holds ``k``,
        ``fallback``, ``object``, ``max_ties`` and ``stats``.
    dask : {"row", "thread"} or None
        How the Dask engine (:mod:`connectana.engines.dask`) computes it: ``"row"``,
        each event's ties depend on that event alone (targets resolved), so ``build``
        runs partition by partition as the partitions are; ``"thread"``, ties need a
        whole thread, so the events are first shuffled by ``thread_id`` (every
        partition then holds whole threads) and ``build`` runs on each partition;
        ``None``, not computed in Dask (compute the events and use pandas).
    """

    name: str
    directed: bool
    two_mode: bool
    build: Callable[[pd.DataFrame, dict], pd.DataFrame] = dataclasses.field(repr=False)
    dask: str | None = None

    def __post_init__(self) -> None:
        if self.dask not in DASK_MODES:
            raise ParameterError(
                f"tie definition {self.name!r}: dask must be one of {list(DASK_MODES)}, "
                f"not {self.dask!r}"
            )


def _reply_star(events: pd.DataFrame, o: dict) -> pd.DataFrame:
    both = pd.concat([_reply(events, o["fallback"], o["stats"]), _star(events)], ignore_index=True)
    return both.drop_duplicates(["event_id", "source", "target"], keep="first")


#: The tie definitions by name (see the module documentation for each rule).
TIES: dict[str, TieDefinition] = {
    d.name: d
    for d in (
        TieDefinition(
            "reply", True, False, lambda ev, o: _reply(ev, o["fallback"], o["stats"]), "row"
        ),
        TieDefinition("star", True, False, lambda ev, o: _star(ev), "thread"),
        TieDefinition("reply+star", True, False, lambda ev, o: _reply_star(ev, o)),
        TieDefinition(
            "limited_copresence",
            True,
            False,
            lambda ev, o: _limited_copresence(ev, o["k"]),
            "thread",
        ),
        TieDefinition(
            "copresence", False, False, lambda ev, o: _copresence(ev, o["max_ties"]), "thread"
        ),
        TieDefinition("mention", True, False, lambda ev, o: _mention(ev), "row"),
        TieDefinition("bipartite", False, True, lambda ev, o: _bipartite(ev, o["object"])),
        TieDefinition("resource", False, True, lambda ev, o: _resource(ev)),
    )
}
TIE_DEFINITIONS: tuple[str, ...] = tuple(TIES)
#: Tie definitions whose networks are two-mode (person × object).
TWO_MODE: tuple[str, ...] = tuple(n for n, d in TIES.items() if d.two_mode)


def tie_definition(name: str) -> TieDefinition:
    """The registered tie definition called ``name``.

    Examples
    --------
    >>> tie_definition("copresence").directed
    False
    """
    try:
        return TIES[name]
    except (KeyError, TypeError):
        raise ParameterError(
            f"unknown tie definition {name!r}; choose one of {list(TIE_DEFINITIONS)}"
        ) from None


#: Resource kinds the ``resource`` tie definition links people to.
RESOURCE_TIE_KINDS: tuple[str, ...] = ("url", "hashtag", "file")
#: Actions that count as contributing to a thread (star, co-presence rules).
CONTRIBUTION_ACTIONS: tuple[str, ...] = ("post", "reply", "comment", "message")

_COLUMNS = ["source", "target", "time", "tie", "explicit", "thread_id", "event_id"]


def _positions(names: np.ndarray | pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``names`` (distinct strings); -1 when absent
    (:func:`connectana.events.key_positions`: pyarrow does the lookup)."""
    return key_positions([values], [pd.Series(np.asarray(names, dtype=object))])


def natural_direction(ties: str) -> bool:
    """Whether a tie definition is directed by nature (:attr:`TieDefinition.directed`)."""
    return tie_definition(ties).directed


def _strings(values) -> pd.api.extensions.ExtensionArray:
    """Values as a ``string[pyarrow]`` array (no round trip through Python objects
    when they already are a string Series)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        return values.astype("string[pyarrow]").array
    return pd.array(np.asarray(values, dtype=object), dtype="string[pyarrow]")


def _times(values) -> pd.api.extensions.ExtensionArray:
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").array
    return pd.Series(np.asarray(values)).astype("datetime64[ns, UTC]").array


def _frame(source, target, time, tie, explicit, thread, event) -> pd.DataFrame:
    n = len(source)
    return pd.DataFrame(
        {
            "source": _strings(source),
            "target": _strings(target),
            "time": _times(time) if n else pd.Series([], dtype="datetime64[ns, UTC]"),
            "tie": np.full(n, tie, dtype=object)
            if isinstance(tie, str)
            else pd.array(tie, dtype=object),
            "explicit": np.broadcast_to(np.asarray(explicit, dtype=bool), (n,)).copy(),
            "thread_id": _strings(thread),
            "event_id": _strings(event),
        },
        columns=_COLUMNS,
    )


def _empty() -> pd.DataFrame:
    return _frame([], [], [], [], [], [], [])


def _contributions(events: pd.DataFrame) -> pd.DataFrame:
    ev = events[events[ACTION].isin(CONTRIBUTION_ACTIONS) & events[THREAD_ID].notna()]
    return ev.sort_values([THREAD_ID, TIMESTAMP], kind="stable")


def _starters(contrib: pd.DataFrame) -> pd.Series:
    """thread -> starter's actor."""
    first_post = contrib[contrib[ACTION] == "post"].drop_duplicates(THREAD_ID, keep="first")
    first_any = contrib.drop_duplicates(THREAD_ID, keep="first")
    starters = first_any.set_index(THREAD_ID)[[ACTOR, EVENT_ID]]
    posts = first_post.set_index(THREAD_ID)[[ACTOR, EVENT_ID]]
    starters.loc[posts.index] = posts
    return starters


def _reply(events: pd.DataFrame, fallback: str | None, stats: dict) -> pd.DataFrame:
    answers = events[events[ACTION].isin(REPLY_ACTIONS)]
    has = answers[TARGET].notna().to_numpy()
    ok = answers[has]
    out = [_frame(ok[ACTOR], ok[TARGET], ok[TIMESTAMP], "reply", True, ok[THREAD_ID], ok[EVENT_ID])]
    missing = answers[~has]
    stats["unresolved_replies"] = int(len(missing))
    if len(missing) and fallback is not None:
        if fallback == "star":
            starters = _starters(_contributions(events))
            m = missing[missing[THREAD_ID].isin(starters.index)]
            st = starters.loc[m[THREAD_ID], ACTOR].to_numpy()
            out.append(
                _frame(m[ACTOR], st, m[TIMESTAMP], "reply", False, m[THREAD_ID], m[EVENT_ID])
            )
            stats["fallback_ties"] = int(len(m))
        elif fallback == "previous":
            prev = _previous(events, 1)
            m = prev[prev[EVENT_ID].isin(missing[EVENT_ID])]
            out.append(
                _frame(m[ACTOR], m["prev"], m[TIMESTAMP], "reply", False, m[THREAD_ID], m[EVENT_ID])
            )
            stats["fallback_ties"] = int(len(m))
        else:
            raise ParameterError(f"fallback must be None, 'star' or 'previous', not {fallback!r}")
    return pd.concat(out, ignore_index=True)


def _star(events: pd.DataFrame) -> pd.DataFrame:
    contrib = _contributions(events)
    if contrib.empty:
        return _empty()
    starters = _starters(contrib)
    rest = contrib[~contrib[EVENT_ID].isin(starters[EVENT_ID])]
    st = starters.loc[rest[THREAD_ID], ACTOR].to_numpy()
    explicit = (rest[TARGET] == pd.Series(st, index=rest.index)).fillna(False).to_numpy(dtype=bool)
    return _frame(
        rest[ACTOR], st, rest[TIMESTAMP], "star", explicit, rest[THREAD_ID], rest[EVENT_ID]
    )


def _previous(events: pd.DataFrame, k: int) -> pd.DataFrame:
    """Each contribution with the actor of each of the k previous contributions."""
    contrib = _contributions(events)
    parts = []
    g = contrib.groupby(THREAD_ID, sort=False)[ACTOR]
    for j in range(1, k + 1):
        prev = g.shift(j)
        keep = prev.notna().to_numpy()
        part = contrib.loc[keep, [ACTOR, TIMESTAMP, THREAD_ID, EVENT_ID]].copy()
        part["prev"] = prev[keep].to_numpy()
        part["lag"] = j
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=[ACTOR, TIMESTAMP, THREAD_ID, EVENT_ID, "prev", "lag"])
    out = pd.concat(parts, ignore_index=True)
    return out.drop_duplicates([EVENT_ID, "prev"], keep="first")


def _limited_copresence(events: pd.DataFrame, k: int) -> pd.DataFrame:
    if k < 1:
        raise ParameterError("k must be at least 1")
    p = _previous(events, k)
    return _frame(
        p[ACTOR], p["prev"], p[TIMESTAMP], "limited_copresence", False, p[THREAD_ID], p[EVENT_ID]
    )


def _first_posts(events: pd.DataFrame) -> pd.DataFrame:
    """Each participant's first contribution to each thread, threads together,
    in order of time within a thread."""
    contrib = _contributions(events)
    return contrib.drop_duplicates([THREAD_ID, ACTOR], keep="first")[
        [THREAD_ID, ACTOR, TIMESTAMP, EVENT_ID]
    ]


def _copresence_count(first: pd.DataFrame) -> int:
    m = first.groupby(THREAD_ID, sort=False).size().to_numpy(dtype=np.int64)
    return int((m * (m - 1) // 2).sum())


def _copresence(events: pd.DataFrame, max_ties: int | None) -> pd.DataFrame:
    first = _first_posts(events)
    n = _copresence_count(first)
    if max_ties is not None and n > max_ties:
        biggest = first.groupby(THREAD_ID, sort=False).size()
        raise TieLimitError(
            f"the copresence tie definition gives {n:,} interactions, more than "
            f"max_ties={max_ties:,} (its largest thread, {biggest.idxmax()!r}, has "
            f"{int(biggest.max()):,} participants: every pair is a tie). Use "
            "ties='limited_copresence' (the k previous posters, k=3 by default), or raise "
            "max_ties= if you have the memory (building takes about 400 bytes per interaction)",
            ties="copresence",
            count=n,
            max_ties=max_ties,
        )
    if n == 0:
        return _empty()
    # Participants are in order of first post within each thread: the pair (i, j),
    # i earlier than j, is timed by j. Row r of the output pairs the later member
    # later[r] with each of the p earlier members of its thread: O(pairs), no m² join.
    thread = first[THREAD_ID].to_numpy(dtype=object)
    new_thread = np.ones(len(first), dtype=bool)
    new_thread[1:] = thread[1:] != thread[:-1]
    starts = np.flatnonzero(new_thread)
    sizes = np.diff(np.append(starts, len(first)))
    pos = np.arange(len(first)) - np.repeat(starts, sizes)  # earlier members of each row
    later = np.repeat(np.arange(len(first)), pos)
    offsets = np.repeat(np.cumsum(pos) - pos, pos)
    earlier = np.arange(n) - offsets + np.repeat(np.repeat(starts, sizes), pos)
    actors = first[ACTOR].to_numpy(dtype=object)
    a, b = actors[earlier], actors[later]
    swap = b < a
    source = np.where(swap, b, a)
    target = np.where(swap, a, b)
    return _frame(
        source,
        target,
        first[TIMESTAMP].to_numpy()[later],
        "copresence",
        False,
        thread[later],
        first[EVENT_ID].to_numpy(dtype=object)[later],
    )


def _mention(events: pd.DataFrame) -> pd.DataFrame:
    m = events[(events[ACTION] == "mention") & events[TARGET].notna()]
    return _frame(m[ACTOR], m[TARGET], m[TIMESTAMP], "mention", True, m[THREAD_ID], m[EVENT_ID])


OBJECT_COLUMNS = {"thread": THREAD_ID, "object": OBJECT_ID, "context": CONTEXT, "parent": PARENT_ID}


def _bipartite(events: pd.DataFrame, object: str) -> pd.DataFrame:
    try:
        col = OBJECT_COLUMNS[object]
    except KeyError:
        raise ParameterError(
            f"object must be one of {sorted(OBJECT_COLUMNS)}, not {object!r}"
        ) from None
    m = events[events[col].notna()]
    objs = (object + ":") + m[col].astype(str)
    return _frame(m[ACTOR], objs, m[TIMESTAMP], "bipartite", True, m[THREAD_ID], m[EVENT_ID])


def _resource(events: pd.DataFrame) -> pd.DataFrame:
    from .extract import require_resources, resources

    require_resources(events)  # without the column the network would be silently empty
    r = resources(events, kinds=RESOURCE_TIE_KINDS, mentions=False)
    node = r["kind"].astype(str) + ":" + r["resource"].astype(str)
    return _frame(r[ACTOR], node, r[TIMESTAMP], "resource", True, r[THREAD_ID], r[EVENT_ID])


def interactions(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    k: int = 3,
    fallback: str | None = None,
    object: str = "thread",
    stats: dict | None = None,
    max_ties: int | None = DEFAULT_MAX_TIES,
) -> pd.DataFrame:
    """Apply a tie definition: one row per interaction.

    Parameters
    ----------
    events : DataFrame
        Events (see :mod:`connectana.events`).
    ties : str
        One of :data:`TIE_DEFINITIONS` (see the module documentation).
    k : int
        Number of previous posters for ``limited_copresence``.
    fallback : {None, "star", "previous"}
        ``reply`` only: what an answer with no known target ties to.
    object : {"thread", "object", "context", "parent"}
        ``bipartite`` only: which column names the objects.
    stats : dict, optional
        Receives counts (``unresolved_replies``, ``fallback_ties``).
    max_ties : int or None
        ``copresence`` only (the one definition whose interactions can
        outnumber the events): more interactions than this — counted before
        anything is built — is a :class:`~connectana.errors.TieLimitError`
        suggesting ``limited_copresence``. ``None`` lifts the limit.

    Returns
    -------
    DataFrame
        Columns ``source, target, time, tie, explicit, thread_id, event_id``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.ties import interactions
    >>> ev = ca.make_events(pd.DataFrame({"object_id": ["1", "2", "3"],
    ...     "parent_id": [None, "1", "2"], "thread_id": ["t"] * 3,
    ...     "actor": ["a", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True)}))
    >>> interactions(ev, "reply")[["source", "target"]].values.tolist()
    [['b', 'a'], ['c', 'b']]
    >>> interactions(ev, "star")[["source", "target"]].values.tolist()
    [['b', 'a'], ['c', 'a']]
    """
    stats = {} if stats is None else stats
    options = {"k": k, "fallback": fallback, "object": object, "max_ties": max_ties}
    out = tie_definition(ties).build(events, {**options, "stats": stats})
    out = out.sort_values("time", kind="stable").reset_index(drop=True)
    out["tie"] = out["tie"].astype(str)
    return out


def count_interactions(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    k: int = 3,
    fallback: str | None = None,
    object: str = "thread",
) -> int:
    """The number of interactions :func:`interactions` gives, without building them
    when that could be costly.

    For ``copresence`` it is ``sum(m * (m - 1) / 2)`` over threads of ``m``
    distinct participants, computed from one row per participant and thread;
    for the other definitions (at most ``k`` interactions per event) the
    interactions are built and counted.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.ties import count_interactions
    >>> ev = ca.make_events(pd.DataFrame({"actor": list("abcdab"), "thread_id": ["t"] * 6,
    ...     "timestamp": pd.date_range("2024-01-01", periods=6, tz="UTC")}))
    >>> count_interactions(ev, "copresence")  # 4 people: 4 * 3 / 2 pairs
    6
    """
    if ties == "copresence":
        return _copresence_count(_first_posts(events))
    return len(interactions(events, ties, k=k, fallback=fallback, object=object))
