"""How resources travel: who introduced a link or a hashtag, who took it up, how far it went.

Input is Events read with ``read_events(..., extract=...)`` (the ``resources``
column, see :mod:`connectana.extract`). A *share* is one (event, resource)
pair; by default the kinds ``url``, ``hashtag`` and ``file`` count (links to
the platform itself and mentions of people do not).

Definitions (:func:`resource_diffusion`)
----------------------------------------
introducer
    The person of the resource's first share (earliest ``timestamp``; equal
    times: the first in event order). ``introduced_at`` is its time.
adopter
    Any other person who shared the resource; their *adoption* is their first
    share of it.
exposure
    An adopter was *exposed* when, after the resource had appeared in an
    exposure unit and no later than their adoption, they had an event (any
    action, reading included) in that unit. The unit is the thread
    (``exposure="thread"``, default; events without a thread use their
    context) or the context — course, forum, channel, blog
    (``exposure="context"``). Formally: exposed(p, r) iff some event of p in
    unit u has time s with ``a(r, u) < s <= t(p, r)``, ``a(r, u)`` being the
    first share of r in u and ``t(p, r)`` p's adoption. The person of that
    first share in the unit of p's earliest exposing event is p's *source*.
cascade
    People linked to their sources form a forest per resource. ``size`` is
    the number of people who shared the resource (introducer + adopters);
    ``depth`` the longest chain of source links (0: nobody adopted through
    exposure). Unexposed adopters start chains of their own.
time_to_adopt
    Median over adopters of (adoption − ``introduced_at``); NaT with no adopter.
contexts
    Number of distinct contexts the resource was shared in (``contexts - 1``
    boundaries crossed); ``threads`` the same for threads.

Per person: ``introduced`` (resources they introduced), ``adopted``
(resources they adopted), ``exposed_adopted``, ``curator`` (adoptions by
others of the resources they introduced: Σ adopters) and ``bridge``
(exposed adoptions whose source is in another community than the adopter:
resources carried between communities; needs ``communities=``, else NA).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ParameterError
from ..events import ACTOR, CONTEXT, STRING, THREAD_ID, TIMESTAMP
from ..extract import require_resources, resource_tokens, resources
from ..periods import make_periods
from ..ties import RESOURCE_TIE_KINDS

__all__ = ["ResourceDiffusion", "resource_diffusion", "resource_shares", "resource_growth"]


class ResourceDiffusion(NamedTuple):
    """The two tables of :func:`resource_diffusion`."""

    resources: pd.DataFrame
    people: pd.DataFrame


def _arrow(values: pd.Series) -> pa.Array:
    arr = pa.array(values.astype(STRING).array)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return arr.cast(pa.large_string())


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for missing) and the distinct values, by pyarrow."""
    enc = pc.dictionary_encode(_arrow(values))
    codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, np.asarray(enc.dictionary.to_pylist(), dtype=object)


def _unit(table: pd.DataFrame, exposure: str) -> pd.Series:
    if exposure == "thread":
        text = pa.large_string()
        ctx = pc.binary_join_element_wise(
            pa.scalar("context:", text), _arrow(table[CONTEXT]), pa.scalar("", text)
        )
        unit = pc.coalesce(_arrow(table[THREAD_ID]), ctx)
        return pd.Series(unit, index=table.index, dtype=STRING)
    if exposure == "context":
        return table[CONTEXT]
    raise ParameterError(f"exposure must be 'thread' or 'context', not {exposure!r}")


def resource_shares(events: pd.DataFrame, *, kinds=RESOURCE_TIE_KINDS) -> pd.DataFrame:
    """The shares: :func:`connectana.resources` of ``kinds`` with ``node`` =
    ``"<kind>:<resource>"`` (the node name of the ``resource`` tie definition)."""
    require_resources(events)
    r = resources(events, kinds=kinds, mentions=False)
    r["node"] = (r["kind"].astype(str) + ":" + r["resource"].astype(str)).to_numpy()
    return r


def resource_diffusion(
    events: pd.DataFrame,
    *,
    kinds: tuple[str, ...] = RESOURCE_TIE_KINDS,
    exposure: str = "thread",
    communities: pd.Series | None = None,
) -> ResourceDiffusion:
    """Who introduced each resource, who adopted it, through which exposure.

    Parameters
    ----------
    events : DataFrame
        Events read with ``extract=`` (the ``resources`` column).
    kinds : tuple of str
        Resource kinds that count (default ``url``, ``hashtag``, ``file``).
    exposure : {"thread", "context"}
        The unit in which seeing a resource counts as exposure (module docs).
    communities : Series, optional
        Person → community label (e.g. :func:`connectana.communities` of the
        reply network); needed for ``bridge``.

    Returns
    -------
    ResourceDiffusion
        ``resources``: indexed by ``resource`` (``"<kind>:<value>"``), columns
        ``kind, introduced_by, introduced_at, shares, adopters,
        exposed_adopters, time_to_adopt, size, depth, contexts, threads``,
        sorted by size (largest first), then time of introduction.
        ``people``: indexed by ``person``, columns ``introduced, adopted,
        exposed_adopted, curator, bridge``, sorted by curator score.

    Notes
    -----
    See the module documentation for the exact definitions.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({
    ...     "actor": ["ann", "bob", "bob", "cat"], "thread_id": ["t1", "t1", "t2", "t3"],
    ...     "text": ["see https://x.org", "thanks", "https://x.org is good", "https://x.org"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                                  "2024-01-04"], utc=True)}), keep_text=True)
    >>> d = ca.resource_diffusion(ca.extract_resources(ev))
    >>> d.resources[["introduced_by", "adopters", "exposed_adopters", "size", "depth"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                    introduced_by  adopters  exposed_adopters  size  depth
    resource
    url:https://x.org           ann         2                 1     3      1
    >>> d.people["curator"].to_dict()
    {'ann': 2, 'bob': 0, 'cat': 0}
    """
    require_resources(events)
    tok = resource_tokens(events)
    prefix = "^(?:" + "|".join(kinds) + "):"
    tok = tok[pc.match_substring_regex(_arrow(tok["token"]), prefix).to_numpy(False)]
    row = tok["row"].to_numpy()
    node_code, nodes = _codes(tok["token"])
    actor_code, people = _codes(events[ACTOR])
    unit_code, _ = _codes(_unit(events, exposure))
    ctx_code, _ = _codes(events[CONTEXT])
    thread_code, _ = _codes(events[THREAD_ID])
    when = events[TIMESTAMP].array.asi8
    shares = pd.DataFrame(
        {"node": node_code, "actor": actor_code[row], "t": when[row], "unit": unit_code[row]}
    )
    shares = shares.iloc[np.lexsort((row, shares["t"].to_numpy()))]
    first = shares.drop_duplicates(["node", "actor"], keep="first")
    intro = first.drop_duplicates("node", keep="first").set_index("node").sort_index()
    is_intro = first["actor"].to_numpy() == intro["actor"].to_numpy()[first["node"].to_numpy()]
    adopt = first[~is_intro][["node", "actor", "t"]].rename(columns={"t": "t_adopt"})

    # exposure: first share of each resource in each unit, then adopters' events there
    appear = shares[shares["unit"].to_numpy() >= 0].drop_duplicates(["node", "unit"])
    appear = appear.rename(columns={"t": "t_appear", "actor": "source"})
    mine = np.isin(actor_code, adopt["actor"].unique()) & (unit_code >= 0)
    seen = pd.DataFrame({"actor": actor_code[mine], "unit": unit_code[mine], "s": when[mine]})
    seen = seen.drop_duplicates()
    cand = appear.merge(seen, on="unit")
    cand = cand[(cand["s"] > cand["t_appear"]).to_numpy()]
    cand = cand.merge(adopt, on=["node", "actor"])
    cand = cand[(cand["s"] <= cand["t_adopt"]).to_numpy()]
    cand = cand.sort_values(["s", "t_appear"], kind="stable")
    exposed = cand.drop_duplicates(["node", "actor"], keep="first")[["node", "actor", "source"]]
    adopt = adopt.merge(exposed, on=["node", "actor"], how="left")
    has_src = adopt["source"].notna().to_numpy()
    source = adopt["source"].fillna(-1).to_numpy(dtype=np.int64)

    n_nodes = len(nodes)
    a_node = adopt["node"].to_numpy()
    n_adopt = np.bincount(a_node, minlength=n_nodes)
    n_exposed = np.bincount(a_node, weights=has_src, minlength=n_nodes).astype(np.int64)
    depth = np.zeros(n_nodes, dtype=np.int64)
    np.maximum.at(depth, a_node, _depths(a_node, adopt["actor"].to_numpy(), source, len(people)))
    delay = pd.Series(adopt["t_adopt"].to_numpy() - intro["t"].to_numpy()[a_node])
    tta = delay.groupby(a_node).median().reindex(range(n_nodes))
    per = pd.DataFrame({"node": node_code, "ctx": ctx_code[row], "thread": thread_code[row]})
    contexts = per[per["ctx"] >= 0].drop_duplicates(["node", "ctx"])["node"]
    threads = per[per["thread"] >= 0].drop_duplicates(["node", "thread"])["node"]
    names = np.asarray(nodes, dtype=object)
    table = pd.DataFrame(
        {
            "kind": pd.array([str(x).split(":", 1)[0] for x in names], dtype=STRING),
            "introduced_by": pd.array(np.asarray(people, dtype=object)[intro["actor"]], STRING),
            "introduced_at": pd.to_datetime(intro["t"].to_numpy(), utc=True),
            "shares": np.bincount(node_code, minlength=n_nodes),
            "adopters": n_adopt,
            "exposed_adopters": n_exposed,
            "time_to_adopt": pd.to_timedelta(tta.to_numpy()),
            "size": n_adopt + 1,
            "depth": depth,
            "contexts": np.bincount(contexts, minlength=n_nodes),
            "threads": np.bincount(threads, minlength=n_nodes),
        },
        index=pd.Index(names, name="resource", dtype=STRING),
    )
    table = table.sort_values(["size", "introduced_at"], ascending=[False, True], kind="stable")
    person = _people(intro, adopt, n_adopt, has_src, source, people, communities)
    return ResourceDiffusion(table, person)


def _depths(node: np.ndarray, actor: np.ndarray, source: np.ndarray, n_people: int) -> np.ndarray:
    """Depth of each adoption in its resource's cascade: 1 + its source's depth (the
    introducer and unexposed adopters are at depth 0, so their adopters at 1)."""
    key = node.astype(np.int64) * n_people + actor
    parent = pd.Index(key).get_indexer(node.astype(np.int64) * n_people + source)
    has = source >= 0
    depth = has.astype(np.int64)
    for _ in range(len(node)):  # a chain is at most as long as the adopters
        up = np.where(parent >= 0, depth[np.maximum(parent, 0)], 0)
        new = np.where(has, up + 1, 0)
        if (new == depth).all():
            break
        depth = new
    return depth


def _people(
    intro: pd.DataFrame,
    adopt: pd.DataFrame,
    n_adopt: np.ndarray,
    has_src: np.ndarray,
    source: np.ndarray,
    people: pd.Index,
    communities: pd.Series | None,
) -> pd.DataFrame:
    n = len(people)
    a_actor = adopt["actor"].to_numpy()
    i_actor = intro["actor"].to_numpy()
    counts = {
        "introduced": np.bincount(i_actor, minlength=n),
        "adopted": np.bincount(a_actor, minlength=n),
        "exposed_adopted": np.bincount(a_actor, weights=has_src, minlength=n).astype(np.int64),
        "curator": np.bincount(i_actor, weights=n_adopt, minlength=n).astype(np.int64),
    }
    active = np.flatnonzero((counts["introduced"] > 0) | (counts["adopted"] > 0))
    names = np.asarray(people, dtype=object)
    out = pd.DataFrame(
        {k: v[active] for k, v in counts.items()},
        index=pd.Index(names[active], name="person", dtype=STRING),
    )
    if communities is None:
        out["bridge"] = pd.array([pd.NA] * len(out), dtype="Int64")
    else:
        comm = pd.Series(communities)
        comm.index = comm.index.astype(str)
        label = comm.reindex(pd.Index(names.astype(str))).to_numpy(dtype=object)
        a = label[a_actor]
        b = np.where(has_src, label[np.maximum(source, 0)], None)
        crossed = has_src & pd.notna(a) & pd.notna(b) & (a != b)
        out["bridge"] = pd.array(
            np.bincount(a_actor, weights=crossed, minlength=n)[active].astype(np.int64),
            dtype="Int64",
        )
    # order: curator score, then introductions, then first appearance
    return out.sort_values(["curator", "introduced"], ascending=False, kind="stable")


def resource_growth(
    events: pd.DataFrame,
    *,
    kinds: tuple[str, ...] = RESOURCE_TIE_KINDS,
    freq: str = "W",
    start: Any = None,
) -> pd.DataFrame:
    """The resource network period by period (cumulative).

    Parameters
    ----------
    events : DataFrame
        Events read with ``extract=`` (the ``resources`` column).
    kinds : tuple of str
        The kinds of resources that count (default those of the ``resource``
        tie definition).
    freq, start
        The periods, exactly as in :func:`connectana.growth` (one rule,
        :mod:`connectana.periods`): without ``start``, calendar periods of
        ``freq`` (``"W"`` = weeks Monday to Sunday, UTC); with ``start``, course
        periods numbered 1, 2, ... from it, events before it in periods 0,
        -1, ... (kept, never dropped).

    Returns
    -------
    DataFrame
        One row per period of all the events (the periods
        :func:`connectana.growth` gives on the same events, also those in which
        nothing was shared), indexed by ``period`` as there; columns
        ``start``, ``end`` (UTC, end exclusive) and, counted over the shares
        up to the end of the period: ``people`` who shared a resource,
        ``resources`` shared, ``ties`` (distinct person–resource pairs),
        ``shared`` (resources shared by two or more people) and ``shares``
        (events × resources).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "b"],
    ...     "text": ["#lak", "#LAK #mooc", "#lak"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-09", "2024-01-10"], utc=True)}),
    ...     keep_text=True)
    >>> ca.resource_growth(ca.extract_resources(ev))[["people", "resources", "ties", "shared"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                           people  resources  ties  shared
    period
    2024-01-01/2024-01-07       1          1     1       0
    2024-01-08/2024-01-14       2          2     3       1
    """
    s = resource_shares(events, kinds=kinds)
    per = make_periods(events[TIMESTAMP], freq=freq, start=start)
    n = len(per)
    pos = per.position(s[TIMESTAMP]) if len(s) else np.zeros(0, np.int64)
    shares = pd.DataFrame({"node": s["node"].to_numpy(), "actor": s[ACTOR].to_numpy(), "pos": pos})
    pairs = shares.groupby(["node", "actor"], sort=False)["pos"].min().reset_index()
    pairs = pairs.sort_values(["node", "pos"], kind="stable")
    second = pairs["pos"][(pairs.groupby("node", sort=False).cumcount() == 1).to_numpy()]

    def upto(first: Any) -> np.ndarray:  # cumulative count of firsts by period
        return np.bincount(np.asarray(first, np.int64), minlength=n)[:n].cumsum()

    out = pd.DataFrame({"start": per.starts, "end": per.ends}, index=per.labels)
    out["people"] = upto(pairs.groupby("actor", sort=False)["pos"].min())
    out["resources"] = upto(pairs.groupby("node", sort=False)["pos"].min())
    out["ties"] = upto(pairs["pos"])
    out["shared"] = upto(second)
    out["shares"] = upto(pos)
    return out
