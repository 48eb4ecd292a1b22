"""Thread structure and data completeness: what a forum log can support.

Before any per-student indicator is computed, the log must be able to carry it.
A reply-only export (no opening posts) cannot say who started a thread, so the
``star`` tie definition and "own vs others' threads" cannot be inferred; a log
without parent ids cannot give the depth a reply reached; a log without view
events says nothing about listening. :func:`data_completeness` states what is
missing, which measures are refused and which are only partly supported;
:func:`contribution_table` gives one row per contribution with its thread
starter, depth and the time until someone else answered it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..errors import InputError
from ..events import (
    ACTION,
    ACTOR,
    EVENT_ID,
    OBJECT_ID,
    PARENT_ID,
    PLATFORM,
    REPLY_ACTIONS,
    TARGET,
    THREAD_ID,
    TIMESTAMP,
    key_positions,
)
from ..ties import CONTRIBUTION_ACTIONS

__all__ = ["Completeness", "data_completeness", "contribution_table", "require"]

#: Tie definitions that need each thread's starter (its opening post).
STARTER_TIES: tuple[str, ...] = ("star", "reply+star")


@dataclasses.dataclass(frozen=True)
class Completeness:
    """What a log holds and which measures it supports.

    Attributes
    ----------
    counts : Series
        ``contributions``, ``opening_posts``, ``threads``,
        ``threads_with_opening_post``, ``answers``, ``answers_with_parent_id``,
        ``answers_parent_found``, ``answers_with_target``, ``views``.
    unsupported : dict
        Measure or tie definition → why the data cannot support it (refused:
        the indicator is left empty, the tie definition raises).
    partial : dict
        Measure → why it is only partly supported (computed, with a caveat).
    """

    counts: pd.Series
    unsupported: dict[str, str]
    partial: dict[str, str]

    def messages(self) -> list[str]:
        """One sentence per reason: the refused, then the partial measures it affects."""
        out = []
        for word, d in (("not computed", self.unsupported), ("partial", self.partial)):
            by_reason: dict[str, list[str]] = {}
            for k, v in d.items():
                by_reason.setdefault(v, []).append(k)
            out += [f"{', '.join(ks)}: {word} — {v}" for v, ks in by_reason.items()]
        return out


def data_completeness(events: pd.DataFrame) -> Completeness:
    """Check a log before computing indicators from it.

    Parameters
    ----------
    events : DataFrame
        A valid Events table.

    Returns
    -------
    Completeness

    Notes
    -----
    Contributions are events with action post, reply, comment or message;
    answers are those with action reply, comment or message; an *opening
    post* is a ``post`` event with a thread id. Rules:

    - no opening post in any thread → ``star``, ``reply+star``,
      ``own_thread_posts`` and ``others_thread_posts`` are refused (a thread's
      starter cannot be inferred; taking the first replier would be wrong);
      some threads without one → partial (those threads are left out);
    - threads but no opening post at all (a reply-only forum export) →
      ``posts`` is partial (it counts only answers: a student answered by
      others may show 0 posts);
    - no answer whose ``parent_id`` is found among the contributions →
      ``max_thread_depth`` is refused;
    - answers linkable neither by parent id nor by target + thread id →
      ``answered_share`` and ``median_hours_to_answer`` are refused; linked
      by target + thread only → partial;
    - no ``view`` event → ``views`` is refused.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.threads import data_completeness
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b"], "target": ["b", "a"],
    ...     "thread_id": ["t", "t"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)}))
    >>> sorted(data_completeness(ev).unsupported)
    ['max_thread_depth', 'others_thread_posts', 'own_thread_posts', 'reply+star', 'star', 'views']
    """
    contrib = events[events[ACTION].isin(CONTRIBUTION_ACTIONS)]
    answers = contrib[contrib[ACTION].isin(REPLY_ACTIONS)]
    threads = contrib[THREAD_ID].dropna().unique()
    openers = contrib[(contrib[ACTION] == "post") & contrib[THREAD_ID].notna()]
    with_opener = openers[THREAD_ID].nunique()
    with_parent = answers[PARENT_ID].notna()
    found = 0
    if with_parent.any():
        pos = key_positions(
            [answers[PLATFORM][with_parent], answers[PARENT_ID][with_parent]],
            [contrib[PLATFORM], contrib[OBJECT_ID]],
        )
        found = int((pos >= 0).sum())
    with_target = answers[TARGET].notna() & answers[THREAD_ID].notna()
    counts = pd.Series(
        {
            "contributions": len(contrib),
            "opening_posts": int((contrib[ACTION] == "post").sum()),
            "threads": len(threads),
            "threads_with_opening_post": int(with_opener),
            "answers": len(answers),
            "answers_with_parent_id": int(with_parent.sum()),
            "answers_parent_found": found,
            "answers_with_target": int(with_target.sum()),
            "views": int((events[ACTION] == "view").sum()),
        },
        dtype=np.int64,
    )
    unsupported: dict[str, str] = {}
    partial: dict[str, str] = {}
    if len(threads) and with_opener == 0:
        why = (
            "no thread has an opening post (a reply-only export), so thread starters cannot be "
            "inferred; use ties='reply'"
        )
        for k in STARTER_TIES + ("own_thread_posts", "others_thread_posts"):
            unsupported[k] = why
    elif with_opener < len(threads):
        partial["own_thread_posts"] = (
            f"{len(threads) - with_opener} of {len(threads)} threads have no opening post and "
            "are left out"
        )
    if len(threads) and counts["opening_posts"] == 0:
        partial["posts"] = (
            "the log has no opening posts: posts counts answers only, so a student who was "
            "answered may show 0 posts"
        )
    if len(answers) and found == 0:
        unsupported["max_thread_depth"] = (
            "no answer's parent_id is found among the contributions, so reply depth is unknown"
        )
    if len(answers) and found == 0 and not with_target.any():
        why = "answers name neither a parent post found in the log nor a target in a thread"
        unsupported["answered_share"] = why
        unsupported["median_hours_to_answer"] = why
    elif len(answers) and found < len(answers) and with_target.any():
        why = (
            "answers without a parent post in the log are linked to the target's latest "
            "contribution in the same thread (an inference)"
        )
        partial["answered_share"] = why
        partial["median_hours_to_answer"] = why
    if counts["views"] == 0:
        unsupported["views"] = "the log has no view events (listening is not recorded)"
    return Completeness(counts=counts, unsupported=unsupported, partial=partial)


def require(completeness: Completeness, ties: str) -> None:
    """Raise :class:`~connectana.errors.InputError` when ``ties`` is unsupported.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.metrics.threads import Completeness, require
    >>> require(Completeness(pd.Series(dtype=int), {}, {}), "star")
    """
    if ties in completeness.unsupported:
        raise InputError(
            f"tie definition {ties!r} is not supported by this log: "
            f"{completeness.unsupported[ties]}",
            field="ties",
            found=ties,
        )


def contribution_table(events: pd.DataFrame) -> pd.DataFrame:
    """One row per contribution with its thread's starter, depth and first answer.

    Parameters
    ----------
    events : DataFrame
        A valid Events table.

    Returns
    -------
    DataFrame
        Columns ``event_id, actor, timestamp, thread_id, starter`` (the author
        of the thread's first ``post``; NA when the thread has none),
        ``own_thread`` (boolean, NA with no starter), ``depth`` (Int64: 0 for
        a post without parent, parent's depth + 1 for an answer whose parent
        chain is in the log, NA otherwise), ``first_answer`` (time of the
        first answer by another person; NaT when never answered) and
        ``hours_to_answer`` (``inf`` when never answered).

    Notes
    -----
    An answer answers the contribution named by its ``parent_id`` (same
    platform). An answer without a parent found in the log but with a
    ``target`` and ``thread_id`` is linked to the target's latest
    contribution in that thread at or before the answer's time (an inference
    for reply-only exports such as DLT2). Answers by the contribution's own
    author do not count.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.threads import contribution_table
    >>> ev = ca.make_events(pd.DataFrame({"object_id": ["1", "2", "3"],
    ...     "parent_id": [None, "1", "2"], "thread_id": ["t"] * 3,
    ...     "actor": ["a", "b", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01T10:00", "2024-01-01T12:00",
    ...                                  "2024-01-02T00:00"], utc=True)}))
    >>> contribution_table(ev)[["actor", "depth", "own_thread", "hours_to_answer"]].values.tolist()
    [['a', 0, True, 2.0], ['b', 1, False, 12.0], ['a', 2, True, inf]]
    """
    c = events[events[ACTION].isin(CONTRIBUTION_ACTIONS)].reset_index(drop=True)
    n = len(c)
    out = pd.DataFrame(
        {
            EVENT_ID: c[EVENT_ID].to_numpy(),
            ACTOR: c[ACTOR].astype(str).to_numpy(dtype=object),
            TIMESTAMP: pd.to_datetime(c[TIMESTAMP], utc=True).array,
            THREAD_ID: c[THREAD_ID].to_numpy(),
        }
    )
    # thread starters: the author of the thread's first post
    posts = c[(c[ACTION] == "post") & c[THREAD_ID].notna()].sort_values(TIMESTAMP, kind="stable")
    starters = posts.drop_duplicates(THREAD_ID).set_index(THREAD_ID)[ACTOR].astype(str)
    st = c[THREAD_ID].map(starters)
    out["starter"] = pd.array(st.to_numpy(dtype=object), dtype=pd.StringDtype("pyarrow"))
    own = pd.array([pd.NA] * n, dtype="boolean")
    known = st.notna().to_numpy()
    own[known] = st.to_numpy(dtype=object)[known] == out[ACTOR].to_numpy(dtype=object)[known]
    out["own_thread"] = own
    # parent positions within the contributions
    has_parent = c[PARENT_ID].notna().to_numpy()
    parent = np.full(n, -1, dtype=np.int64)
    if has_parent.any():
        parent[has_parent] = key_positions(
            [c[PLATFORM][has_parent], c[PARENT_ID][has_parent]], [c[PLATFORM], c[OBJECT_ID]]
        )
    depth = np.full(n, -1, dtype=np.int64)
    depth[(c[ACTION] == "post").to_numpy() & ~has_parent] = 0
    for _ in range(n):
        todo = (depth < 0) & (parent >= 0)
        if not todo.any():
            break
        ready = todo & (depth[np.maximum(parent, 0)] >= 0)
        if not ready.any():
            break
        depth[ready] = depth[parent[ready]] + 1
    out["depth"] = pd.array(np.where(depth >= 0, depth, 0), dtype="Int64")
    out.loc[depth < 0, "depth"] = pd.NA
    # link answers to the contribution they answer
    is_answer = c[ACTION].isin(REPLY_ACTIONS).to_numpy()
    answered = np.where(is_answer & (parent >= 0), parent, -1)
    rest = is_answer & (parent < 0) & c[TARGET].notna().to_numpy() & c[THREAD_ID].notna().to_numpy()
    if rest.any():
        ans = pd.DataFrame(
            {
                "pos": np.flatnonzero(rest),
                "t": out[TIMESTAMP].array[rest],
                "key": (c[THREAD_ID].astype(str) + "\x1f" + c[TARGET].astype(str)).to_numpy(
                    dtype=object
                )[rest],
            }
        ).sort_values("t", kind="stable")
        cand = pd.DataFrame(
            {
                "cand": np.arange(n),
                "t": out[TIMESTAMP].array,
                "key": (c[THREAD_ID].astype(str) + "\x1f" + c[ACTOR].astype(str)).to_numpy(
                    dtype=object
                ),
            }
        )[c[THREAD_ID].notna().to_numpy()].sort_values("t", kind="stable")
        m = pd.merge_asof(ans, cand, on="t", by="key", direction="backward")
        m = m[m["cand"].notna()]
        answered[m["pos"].to_numpy()] = m["cand"].to_numpy(dtype=np.int64)
    link = answered >= 0
    a_pos = np.flatnonzero(link)
    p_pos = answered[link]
    other = out[ACTOR].to_numpy(dtype=object)[a_pos] != out[ACTOR].to_numpy(dtype=object)[p_pos]
    t = pd.DataFrame({"p": p_pos[other], "t": out[TIMESTAMP].array[a_pos[other]]})
    first = t.groupby("p")["t"].min()
    fa = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    if len(first):
        fa.iloc[first.index.to_numpy()] = pd.to_datetime(first.array, utc=True)
    out["first_answer"] = fa.set_axis(out.index)
    hours = (out["first_answer"] - out[TIMESTAMP]) / pd.Timedelta(hours=1)
    out["hours_to_answer"] = hours.fillna(np.inf).clip(lower=0.0).to_numpy(dtype=float)
    return out
