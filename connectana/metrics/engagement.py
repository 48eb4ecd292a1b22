"""Peer engagement for assessment: one row per student × period.

:func:`engagement` turns Events into a table an assessment team can defend:
posts, replies given and received, distinct peers, the share of ties with
students, reciprocated and cross-group ties, active weeks, response latency and
a centrality percentile — each with its exact definition and a caveat
(:func:`engagement_caveats`, ``docs/instructor_measures.md``). Ids are
pseudonymised unless names are asked for; small counts can be suppressed.
:func:`write_engagement` exports the table to CSV or Excel.
:func:`engagement_inputs` prepares the period-independent part once, so that
several period schemes (weeks, the whole course) are tabulated from one preparation.

The module is over 800 lines because each of its 26 indicators carries its definition
and caveat here (:data:`INDICATORS`, a third of the file), next to the one function
that computes them all from shared intermediate tables.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engines import dask as dask_engine
from ..errors import ParameterError
from ..events import (
    ACTION,
    ACTOR,
    DISPLAY_NAME,
    GROUP,
    OBJECT_ID,
    PARENT_ID,
    PLATFORM,
    REPLY_ACTIONS,
    ROLE,
    TIMESTAMP,
    key_positions,
    validate_events,
)
from ..network import Network, build_network
from ..periods import Periods, make_periods
from ..ties import CONTRIBUTION_ACTIONS, DEFAULT_MAX_TIES, TWO_MODE, interactions, natural_direction
from .roles import STAFF_ROLES
from .threads import contribution_table, data_completeness, require

__all__ = [
    "INDICATORS",
    "COUNT_COLUMNS",
    "EngagementInputs",
    "engagement",
    "engagement_inputs",
    "engagement_caveats",
    "write_engagement",
]

#: Count columns (the ones small-cell suppression blanks).
COUNT_COLUMNS: tuple[str, ...] = (
    "posts",
    "replies_given",
    "replies_received",
    "peers_replied_to",
    "peers_heard_from",
    "peers",
    "reciprocated_ties",
    "cross_group_ties",
    "learner_replies_received",
    "learner_peers_replied_to",
    "learner_peers_heard_from",
    "learner_peers",
    "reciprocated_ties_to_date",
    "own_thread_posts",
    "others_thread_posts",
    "views",
    "active_weeks",
    "active_weeks_to_date",
)

#: indicator -> (definition, caveat). The order is the order of the table's columns.
INDICATORS: dict[str, tuple[str, str]] = {
    "posts": (
        "Contributions the student wrote in the period: events with action post, reply, "
        "comment or message.",
        "Counts volume, not quality; a long reflective post and a one-word answer count the "
        "same. Platforms that split or merge messages change the count.",
    ),
    "replies_given": (
        "Interactions the student sent to another person in the period under the tie "
        "definition (reply: answers addressed to someone else; self-replies excluded). "
        "NaN for undirected tie definitions.",
        "Depends on the tie definition and on whether the platform records whom an answer "
        "addresses; answers with an unknown target are not counted (see the network's "
        "unresolved_replies).",
    ),
    "replies_received": (
        "Interactions other people sent to the student in the period under the tie "
        "definition. NaN for undirected tie definitions.",
        "Reflects how others behave, not only the student: a clear question gets more "
        "answers than a good summary. Do not grade a student on it alone.",
    ),
    "peers_replied_to": (
        "Distinct people (students or staff) the student sent at least one interaction to "
        "in the period. NaN for undirected tie definitions.",
        "Breadth, not depth: one exchange counts as much as a long dialogue.",
    ),
    "peers_heard_from": (
        "Distinct people who sent the student at least one interaction in the period. NaN "
        "for undirected tie definitions.",
        "Depends on others' activity and on thread placement (early posts get more answers).",
    ),
    "peers": (
        "Distinct people the student is tied to in the period, in either direction.",
        "Under shared-thread (copresence) definitions everyone in a busy thread is a peer, "
        "whether or not they read each other.",
    ),
    "student_tie_share": (
        "Share of the student's distinct peers in the period whose role is not staff "
        "(instructor, TA); people of unknown role count as students. NaN with no peers.",
        "Needs a roster with roles; without one every peer counts as a student and the "
        "share is 1. A low share can mean a course design that routes questions to staff.",
    ),
    "reciprocated_ties": (
        "Peers with interactions in both directions (student to peer and peer to student) "
        "within the period. NaN for undirected tie definitions.",
        "Exchanges that span two periods are not reciprocated within either period.",
    ),
    "learner_replies_received": (
        "Interactions other students (not staff) sent to the student in the period under the "
        "tie definition. NaN for undirected tie definitions.",
        "Staff answers are left out so that a facilitator's welcome round does not count as "
        "peer engagement; still reflects others' behaviour.",
    ),
    "learner_peers_replied_to": (
        "Distinct other students (not staff) the student sent at least one interaction to in "
        "the period. NaN for undirected tie definitions.",
        "Breadth, not depth. Unknown roles count as students: without a roster staff are "
        "counted too.",
    ),
    "learner_peers_heard_from": (
        "Distinct other students (not staff) who sent the student at least one interaction "
        "in the period. NaN for undirected tie definitions.",
        "Depends on others' activity and on thread placement.",
    ),
    "learner_peers": (
        "Distinct other students (not staff) tied to the student in the period, in either "
        "direction: the number of learner interlocutors.",
        "Under shared-thread definitions everyone in a busy thread counts.",
    ),
    "learner_partner_entropy": (
        "Shannon entropy, in bits, of the student's interactions (sent plus received) over "
        "their distinct learner partners in the period: 0 with one partner, log2(k) when "
        "spread evenly over k partners. NaN with no learner partner.",
        "Diversity of interlocutors, not of ideas; small numbers of interactions give coarse "
        "values.",
    ),
    "reciprocated_ties_to_date": (
        "Peers (staff included) with interactions in both directions from the first period "
        "to the end of this one: exchanges that span periods count once both sides exist. NaN "
        "for undirected tie definitions.",
        "Cumulative: it never decreases. Compare with reciprocated_ties to see how much of "
        "the dialogue a period cut splits.",
    ),
    "own_thread_posts": (
        "Contributions in the period in threads the student started (the author of the "
        "thread's first post).",
        "Refused (empty) when the log has no opening posts; threads without one are left out.",
    ),
    "others_thread_posts": (
        "Contributions in the period in threads someone else started.",
        "Refused (empty) when the log has no opening posts; threads without one are left out.",
    ),
    "max_thread_depth": (
        "Deepest reply level among the student's contributions in the period: an opening "
        "post is 0, an answer to it 1, an answer to that answer 2, ... NA when none of the "
        "student's contributions has a known depth.",
        "Refused (empty) when the log has no parent ids; deep threads also reflect the "
        "platform's threading (flat forums give 1).",
    ),
    "answered_share": (
        "Share of the student's contributions in the period that another person answered "
        "by the end of the log (answer linked by parent id, or by target within the thread). "
        "NaN with no contribution.",
        "Contributions near the end of the log had less time to be answered; reflects "
        "others' behaviour, not only the student's.",
    ),
    "median_hours_to_answer": (
        "Lower median (the smallest value with at least half of the values at or below it), "
        "over the student's contributions in the period, of the hours until another person "
        "first answered, never-answered contributions counted as infinitely late: inf when "
        "more than half were never answered. NaN with no contribution.",
        "Never answered is reported (inf), not dropped. Day-only timestamps give multiples "
        "of 24 h.",
    ),
    "views": (
        "View (read) events by the student in the period: the listening side of "
        "participation (Wise et al.).",
        "Refused (empty) when the log records no views; a view is a page load, not reading.",
    ),
    "cross_group_ties": (
        "Distinct peers in the period whose group is known and differs from the student's "
        "group. NaN when the student's group is unknown.",
        "Only meaningful when groups are recorded (a roster group column) and the course "
        "lets groups meet; zero is expected when groups are sealed.",
    ),
    "active_weeks": (
        "Distinct calendar weeks (Monday to Sunday, UTC) inside the period in which the "
        "student has at least one event of any action.",
        "Counts any recorded event, views and reactions included when the log has them; "
        "with freq='W' it is 0 or 1.",
    ),
    "active_weeks_to_date": (
        "Distinct calendar weeks (Monday to Sunday, UTC) from the first period's start to "
        "the end of this period in which the student has at least one event.",
        "Cumulative: it never decreases, so compare students within a period, not periods.",
    ),
    "median_response_hours": (
        "Median, over the student's answers in the period (reply, comment or message with a "
        "parent post found in the data, written by someone else), of the hours between the "
        "parent post and the answer. NaN with no such answer.",
        "Depends on timestamp precision (day-only dates give multiples of 24 h), on when the "
        "student could log in and on notifications; fast is not the same as good.",
    ),
    "joined": (
        "True from the period of the student's first event on (roster members without any "
        "event: from the first period).",
        "A student who only viewed counts as joined when the log records views.",
    ),
    "centrality_percentile": (
        "Percentile rank of the student's degree (interactions sent plus received in the "
        "period under the tie definition) among the students who had joined by that period: "
        "0 for a silent student (degree 0); otherwise 100 × (joined students with a lower "
        "degree + half of those with an equal degree, the student included) / joined "
        "students. NaN before the student joined.",
        "Relative to this cohort and period, and mostly volume (degree counts staff replies "
        "too). Weekly ranks are unstable: use evidence_sheet for intervals and stability.",
    ),
}


def engagement_caveats() -> pd.DataFrame:
    """The definition and caveat of each indicator of :func:`engagement`.

    Returns
    -------
    DataFrame
        Indexed by ``indicator``, columns ``definition`` and ``caveat``.

    Examples
    --------
    >>> from connectana.metrics.engagement import engagement_caveats
    >>> engagement_caveats().index[:3].tolist()
    ['posts', 'replies_given', 'replies_received']
    """
    out = pd.DataFrame.from_dict(INDICATORS, orient="index", columns=["definition", "caveat"])
    out.index.name = "indicator"
    return out


def _utc(times: pd.Series) -> np.ndarray:
    """Times as naive UTC ``datetime64`` values (``to_numpy()`` of a tz-aware column gives
    an object array of Timestamps, whose arithmetic runs in Python)."""
    return pd.DatetimeIndex(times).tz_convert("UTC").tz_localize(None).to_numpy()


def _answer_latencies(events: pd.DataFrame) -> pd.DataFrame:
    """Answers with their parent post found (same platform), written by someone else:
    ``actor`` (str), ``timestamp`` (of the answer) and ``hours`` since the parent."""
    answers = events[events[ACTION].isin(REPLY_ACTIONS) & events[PARENT_ID].notna()]
    if answers.empty:
        return pd.DataFrame({ACTOR: [], TIMESTAMP: pd.to_datetime([], utc=True), "hours": []})
    posts = events[events[OBJECT_ID].notna()]
    # the parent: the first post with that id on the same platform
    pos = key_positions(
        [answers[PLATFORM], answers[PARENT_ID]], [posts[PLATFORM], posts[OBJECT_ID]]
    )
    found = pos >= 0
    a = answers[found]
    par = posts.iloc[pos[found]]
    hours = (_utc(a[TIMESTAMP]) - _utc(par[TIMESTAMP])) / np.timedelta64(1, "h")
    actor = a[ACTOR].astype(str).to_numpy(dtype=object)
    other = actor != par[ACTOR].astype(str).to_numpy(dtype=object)
    keep = other & (hours >= 0)
    return pd.DataFrame(
        {ACTOR: actor[keep], TIMESTAMP: a[TIMESTAMP].array[keep], "hours": hours[keep]}
    )


def _latency(
    answers: pd.DataFrame,
    sid: dict[str, int],
    per: Periods,
    shape: tuple[int, int],
) -> np.ndarray:
    """Median hours from parent post to answer, per student × period (NaN: none)."""
    out = np.full(shape, np.nan)
    if answers.empty:
        return out
    d = pd.DataFrame(
        {
            "s": answers[ACTOR].map(sid).to_numpy(dtype=float),
            "p": per.position(answers[TIMESTAMP]),
            "h": answers["hours"].to_numpy(dtype=float),
        }
    )
    d = d[(d["p"].to_numpy() >= 0) & d["s"].notna().to_numpy()]
    med = d.groupby(["s", "p"])["h"].median()
    if len(med):
        out[med.index.get_level_values(0).astype(np.int64), med.index.get_level_values(1)] = (
            med.to_numpy()
        )
    return out


def _pct_rank(values: np.ndarray) -> np.ndarray:
    """100 × (values lower + half the values equal, self included) / n."""
    n = len(values)
    if n == 0:
        return np.zeros(0)
    s = np.sort(values)
    below = np.searchsorted(s, values, side="left")
    equal = np.searchsorted(s, values, side="right") - below
    return 100.0 * (below + 0.5 * equal) / n


@dataclasses.dataclass(frozen=True, eq=False)
class EngagementInputs:
    """What :func:`engagement` derives from the events whatever the periods.

    Build it with :func:`engagement_inputs` and give it to :func:`engagement` in place
    of the events to tabulate several period schemes (weeks, the whole course) while
    the network, the interactions, the contribution table and the answer latencies
    are made once. Attributes: the options (``events``, ``ties``, ``people``,
    ``staff_roles``, ``max_ties``, ``directed``, ``completeness``), the person
    ``nodes`` with ``role``, ``is_staff``, ``students``, ``group``, ``staff_ids``,
    and the derived tables ``actor_codes`` (each event's student position, NaN
    for others), ``event_weeks`` (each event's calendar week, Monday to Sunday),
    ``is_contribution``, ``is_view``, ``sides`` (every interaction, self-ties dropped,
    seen from both ends: ``s`` the student, ``o`` the other end coded in id order,
    ``sent``, ``staff`` (the other end is staff), ``ogroup`` (its group), ``time``),
    ``contributions`` (:func:`connectana.metrics.threads.contribution_table`) with
    ``contribution_codes`` (their student positions), and ``answers`` (answers with
    their parent found, by someone else: ``actor, timestamp, hours``).
    """

    events: pd.DataFrame
    ties: str
    people: pd.DataFrame | None
    staff_roles: tuple[str, ...]
    max_ties: int | None
    directed: bool
    completeness: Any
    nodes: pd.DataFrame
    role: pd.Series
    is_staff: np.ndarray
    students: pd.Index
    group: pd.Series
    staff_ids: frozenset
    actor_codes: np.ndarray
    event_weeks: np.ndarray
    is_contribution: np.ndarray
    is_view: np.ndarray
    sides: pd.DataFrame
    contributions: pd.DataFrame
    contribution_codes: np.ndarray
    answers: pd.DataFrame


def engagement_inputs(
    events: pd.DataFrame,
    *,
    ties: str = "reply",
    people: pd.DataFrame | None = None,
    staff_roles: Sequence[str] = STAFF_ROLES,
    max_ties: int | None = DEFAULT_MAX_TIES,
    network: Network | None = None,
    _stacklevel: int = 2,
) -> EngagementInputs:
    """The period-independent part of :func:`engagement`, computed once.

    Parameters
    ----------
    events, ties, people, staff_roles, max_ties
        As for :func:`engagement`.
    network : Network, optional
        ``build_network(events, ties, people=people)`` when it is built already
        (the analysis has it); built here otherwise.

    Returns
    -------
    EngagementInputs
        Give it to :func:`engagement` as ``events`` (without ``ties``,
        ``people``, ``staff_roles``, ``max_ties``: it carries them).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.engagement import engagement, engagement_inputs
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a"],
    ...     "target": [None, "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09"], utc=True)}))
    >>> inputs = engagement_inputs(ev)
    >>> weekly = engagement(inputs, names=True)
    >>> whole = engagement(inputs, freq="14D", start="2024-01-01T00:00Z", names=True)
    >>> weekly["replies_given"].tolist(), whole["replies_given"].tolist()
    ([0, 1, 1, 0], [1, 1])
    """
    validate_events(events)
    directed = natural_direction(ties)
    if ties in TWO_MODE:
        raise ParameterError(f"engagement needs a person-to-person tie definition, not {ties!r}")
    completeness = data_completeness(events)
    require(completeness, ties)
    if "posts" in completeness.partial:
        shown = [m for m in completeness.messages() if not m.startswith("views:")]
        warnings.warn(
            "engagement(): this log cannot support every indicator: "
            + "; ".join(shown)
            + ". table.attrs['completeness'] keeps this list.",
            UserWarning,
            stacklevel=_stacklevel,
        )
    net = build_network(events, ties, people=people) if network is None else network
    nodes = net.nodes[net.nodes["kind"] == "person"]
    role = nodes[ROLE].astype(object).where(nodes[ROLE].notna(), None)
    wanted = {str(r).lower() for r in staff_roles}
    is_staff = np.array([r is not None and str(r).lower() in wanted for r in role], dtype=bool)
    students = nodes.index[~is_staff].astype(str)
    group = nodes[GROUP].astype(object).where(nodes[GROUP].notna(), None)
    group.index = group.index.astype(str)
    staff_ids = frozenset(nodes.index[is_staff].astype(str))
    sid = {s: i for i, s in enumerate(students)}

    inter = interactions(events, ties, max_ties=max_ties)
    inter = inter[(inter["source"] != inter["target"]).to_numpy()]
    src = inter["source"].astype(str).to_numpy(dtype=object)
    dst = inter["target"].astype(str).to_numpy(dtype=object)
    times = pd.concat([inter["time"], inter["time"]], ignore_index=True).array
    sides = pd.DataFrame(
        {
            "person": np.concatenate([src, dst]),
            "other": np.concatenate([dst, src]),
            "time": times,
            "sent": np.concatenate([np.ones(len(src), bool), np.zeros(len(src), bool)]),
        }
    )
    sides["s"] = sides["person"].map(sid)
    sides = sides[sides["s"].notna()].astype({"s": np.int64})
    # the other end as integer codes in the order of the ids, so that grouping by it is
    # fast and visits the partners in the same order as grouping by the ids would
    sides["o"] = pd.factorize(sides["other"], sort=True)[0]
    sides["staff"] = sides["other"].isin(staff_ids).to_numpy()
    sides["ogroup"] = sides["other"].map(group).to_numpy(dtype=object)
    # the numbers per side, without the ids (filtering text columns is the slow part)
    sides = sides[["s", "o", "sent", "staff", "ogroup", "time"]]
    contributions = contribution_table(events)
    weeks = pd.DatetimeIndex(events[TIMESTAMP]).tz_convert("UTC").tz_localize(None)
    return EngagementInputs(
        events=events,
        ties=ties,
        people=people,
        staff_roles=tuple(staff_roles),
        max_ties=max_ties,
        directed=directed,
        completeness=completeness,
        nodes=nodes,
        role=role,
        is_staff=is_staff,
        students=students,
        group=group,
        staff_ids=staff_ids,
        actor_codes=events[ACTOR].astype(str).map(sid).to_numpy(dtype=float),
        event_weeks=weeks.to_period("W-SUN").asi8,
        is_contribution=events[ACTION].isin(CONTRIBUTION_ACTIONS).to_numpy(dtype=bool),
        is_view=events[ACTION].eq("view").to_numpy(dtype=bool),
        sides=sides,
        contributions=contributions,
        contribution_codes=contributions[ACTOR].map(sid).to_numpy(dtype=float),
        answers=_answer_latencies(events),
    )


def engagement(
    events: pd.DataFrame | EngagementInputs,
    *,
    ties: str = "reply",
    people: pd.DataFrame | None = None,
    freq: str = "W",
    start: Any = None,
    staff_roles: Sequence[str] = STAFF_ROLES,
    suppress_k: int | None = None,
    names: bool = False,
    key: bytes | str | None = None,
    key_file: str | os.PathLike | None = None,
    max_ties: int | None = DEFAULT_MAX_TIES,
) -> pd.DataFrame:
    """Peer-engagement indicators per student and period.

    Parameters
    ----------
    events : DataFrame, Dask Events or EngagementInputs
        A valid Events table; or Dask Events (see :mod:`connectana.engines.dask`):
        the views and other clicks are counted in Dask, the contributions brought
        back (:func:`connectana.engines.dask.engagement_events`); or
        :func:`engagement_inputs` of an Events table (to tabulate several period
        schemes from one preparation). Same result.
    ties : str
        Tie definition (see :mod:`connectana.ties`); default ``reply``.
    people : DataFrame, optional
        A People table (:func:`connectana.make_people`): roles (who is staff),
        groups, and the students who never posted (they get rows of zeros).
    freq : str
        Period length, a pandas frequency (``"W"``: weeks Monday–Sunday,
        ``"D"``, ``"M"``...).
    start : timestamp-like, optional
        With ``start``, periods are consecutive windows of fixed length
        ``freq`` from ``start`` (tz-aware) instead of calendar periods,
        numbered 1, 2, ...; events before ``start`` fall in periods 0, -1, ...
        (the one rule of :mod:`connectana.periods`, as in :func:`connectana.growth`).
    staff_roles : sequence of str
        Roles that are not students (they get no rows but count as peers).
    suppress_k : int, optional
        Small-cell suppression: counts ``0 < value < suppress_k`` in
        :data:`COUNT_COLUMNS` become NA
        (:func:`connectana.privacy.suppress_small_cells`).
    names : bool
        ``False`` (default): the ``person`` column holds pseudonyms
        (:func:`connectana.privacy.pseudonym_map`, HMAC-SHA256) and no display
        name is kept. ``True``: real ids, plus ``display_name`` when the
        roster has one.
    key, key_file : optional
        The pseudonymisation key (see :func:`connectana.pseudonymize`). Give
        ``key_file`` to get the same pseudonyms in every export; without
        either, a random key is used for this call only (the pseudonyms cannot
        be linked to other tables) and a warning says so.
    max_ties : int or None
        ``copresence``: more interactions than this is a
        :class:`~connectana.errors.TieLimitError`
        (:func:`connectana.ties.interactions`).

    Returns
    -------
    DataFrame
        One row per student × period, students in node order, columns
        ``person, role, group, period, period_start, period_end`` then the
        indicators of :data:`INDICATORS`, in that order. ``attrs`` record the
        options (``ties``, ``freq``, ``start``, ``pseudonymized``,
        ``suppress_k``).

    Notes
    -----
    Students are the person nodes of ``build_network(events, ties,
    people=people)`` whose role is not in ``staff_roles`` (unknown roles
    count as students). Interactions are made once from all events with
    :func:`connectana.ties.interactions` (so a reply's thread starter is known
    even when the thread began in an earlier period), self-ties dropped, and
    each interaction falls in the period of its time. Every indicator's exact
    definition and caveat is in :data:`INDICATORS` and
    :func:`engagement_caveats`.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a"],
    ...     "target": [None, "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09"], utc=True)}))
    >>> t = ca.engagement(ev, names=True)
    >>> t[["person", "period", "posts", "replies_given", "replies_received"]].values.tolist()
    [['a', '2024-01-01/2024-01-07', 1, 0, 1], ['a', '2024-01-08/2024-01-14', 1, 1, 0], ['b', '2024-01-01/2024-01-07', 1, 1, 0], ['b', '2024-01-08/2024-01-14', 0, 0, 1]]
    """
    more_views = None
    if dask_engine.is_dask(events):  # clicks summarised in Dask (connectana/engines/dask.py)
        events, more_views = dask_engine.engagement_events(events, freq=freq, start=start)
    if isinstance(events, EngagementInputs):
        inputs = events
        clash = [
            name
            for name, differs in (
                ("ties", ties != "reply" and ties != inputs.ties),
                ("people", people is not None and people is not inputs.people),
                ("max_ties", max_ties != DEFAULT_MAX_TIES and max_ties != inputs.max_ties),
                ("staff_roles", list(staff_roles) != list(inputs.staff_roles)),
            )
            if differs
        ]
        if clash:
            raise ParameterError(
                f"engagement(): {', '.join(clash)} given with EngagementInputs, which carry their "
                "own; give them to engagement_inputs() instead"
            )
    else:
        inputs = engagement_inputs(
            events,
            ties=ties,
            people=people,
            staff_roles=staff_roles,
            max_ties=max_ties,
            _stacklevel=3,
        )
    events, ties, directed = inputs.events, inputs.ties, inputs.directed
    completeness, staff_roles = inputs.completeness, inputs.staff_roles
    nodes, role, is_staff = inputs.nodes, inputs.role, inputs.is_staff
    students, group = inputs.students, inputs.group

    per = make_periods(events[TIMESTAMP], freq=freq, start=start)
    starts, ends = per.starts, per.ends
    labels = [str(x) for x in per.labels] if per.start is None else list(per.labels)
    n_p = len(labels)
    sid = {s: i for i, s in enumerate(students)}
    n_s = len(students)
    shape = (n_s, n_p)

    def grid() -> np.ndarray:
        return np.zeros(shape, dtype=np.int64)

    # posts and active weeks --------------------------------------------------
    ev = events
    ev_pos = per.position(ev[TIMESTAMP])
    actor_code = inputs.actor_codes
    in_scope = (ev_pos >= 0) & ~np.isnan(actor_code)
    a_code = actor_code[in_scope].astype(np.int64)
    a_pos = ev_pos[in_scope]
    contrib = inputs.is_contribution[in_scope]
    posts = grid()
    np.add.at(posts, (a_code[contrib], a_pos[contrib]), 1)
    act = pd.DataFrame({"s": a_code, "p": a_pos, "w": inputs.event_weeks[in_scope]})
    act = act.drop_duplicates()
    active_weeks = grid()
    if len(act):
        per_period = act.groupby(["s", "p"]).size()
        active_weeks[per_period.index.get_level_values(0), per_period.index.get_level_values(1)] = (
            per_period.to_numpy()
        )
    to_date = grid()
    first_week = act.sort_values("p").drop_duplicates(["s", "w"])  # week's first period
    if len(first_week):
        new = grid()
        np.add.at(new, (first_week["s"].to_numpy(), first_week["p"].to_numpy()), 1)
        to_date = np.cumsum(new, axis=1)

    # ties --------------------------------------------------------------------
    # each interaction seen from both ends: (person, other, period, sent?)
    sides = inputs.sides
    s_pos = per.position(sides["time"])
    sides = sides.assign(p=s_pos)[s_pos >= 0].drop(columns="time")

    def count(mask: pd.Series | np.ndarray, distinct: bool) -> np.ndarray:
        out = grid()
        d = sides[mask]
        if distinct:
            d = d.drop_duplicates(["s", "p", "o"])
        np.add.at(out, (d["s"].to_numpy(), d["p"].to_numpy()), 1)
        return out

    sent = sides["sent"].to_numpy()
    all_rows = np.ones(len(sides), dtype=bool)
    degree = count(all_rows, False)
    peers = count(all_rows, True)
    given = received = peers_to = peers_from = recip = None
    if directed:
        given, received = count(sent, False), count(~sent, False)
        peers_to, peers_from = count(sent, True), count(~sent, True)
        dirs = sides.groupby(["s", "p", "o"])["sent"].agg(["any", "all"])
        both = dirs[dirs["any"] & ~dirs["all"]].reset_index()
        recip = grid()
        np.add.at(recip, (both["s"].to_numpy(), both["p"].to_numpy()), 1)
    distinct = sides.drop_duplicates(["s", "p", "o"])
    staff_peer = distinct["staff"].to_numpy(dtype=bool)
    staff_peers = grid()
    np.add.at(
        staff_peers, (distinct["s"].to_numpy()[staff_peer], distinct["p"].to_numpy()[staff_peer]), 1
    )
    own_group = group.reindex(students).to_numpy(dtype=object)
    other_group = distinct["ogroup"].to_numpy(dtype=object)
    mine = own_group[distinct["s"].to_numpy()]
    # peers with no group (staff, people outside the roster) are not "another group"
    known = ~pd.isna(mine) & ~pd.isna(other_group)
    cross = np.zeros(len(distinct), dtype=bool)
    cross[known] = mine[known] != other_group[known]
    cross_group = grid()
    np.add.at(cross_group, (distinct["s"].to_numpy()[cross], distinct["p"].to_numpy()[cross]), 1)

    # learner-only counts (staff apart) -----------------------------------------
    learner_other = ~sides["staff"].to_numpy(dtype=bool)
    l_received = l_peers_to = l_peers_from = None
    if directed:
        l_received = count(~sent & learner_other, False)
        l_peers_to = count(sent & learner_other, True)
        l_peers_from = count(~sent & learner_other, True)
    l_peers = count(learner_other, True)
    entropy = np.full(shape, np.nan)
    per_partner = sides[learner_other].groupby(["s", "p", "o"]).size()
    if len(per_partner):
        tot = per_partner.groupby(level=[0, 1]).transform("sum")
        q = (per_partner / tot).to_numpy(dtype=float)
        h = pd.Series(-q * np.log2(q), index=per_partner.index).groupby(level=[0, 1]).sum()
        entropy[h.index.get_level_values(0), h.index.get_level_values(1)] = h.to_numpy() + 0.0

    # reciprocity across periods: a pair counts from the period both sides exist
    recip_to_date = None
    if directed:
        firsts = sides.groupby(["s", "o", "sent"])["p"].min().unstack("sent")
        if True in firsts.columns and False in firsts.columns:
            both_sides = firsts.dropna()
            since = both_sides.max(axis=1).astype(np.int64)
            new_pairs = grid()
            np.add.at(new_pairs, (since.index.get_level_values(0).to_numpy(), since.to_numpy()), 1)
            recip_to_date = np.cumsum(new_pairs, axis=1)
        else:
            recip_to_date = grid()

    # thread position, depth, being answered ----------------------------------------
    # the columns used here only (filtering the id columns is most of the cost)
    contrib = inputs.contributions[[TIMESTAMP, "own_thread", "depth", "hours_to_answer"]]
    c_s = inputs.contribution_codes
    c_p = per.position(contrib[TIMESTAMP])
    keep = ~np.isnan(c_s) & (c_p >= 0)
    contrib = contrib[keep].assign(s=c_s[keep].astype(np.int64), p=c_p[keep])
    own_posts, others_posts = grid(), grid()
    own = contrib["own_thread"]
    for arr, mask in ((own_posts, own.eq(True)), (others_posts, own.eq(False))):
        m = mask.fillna(False).to_numpy(dtype=bool)
        np.add.at(arr, (contrib["s"].to_numpy()[m], contrib["p"].to_numpy()[m]), 1)
    depth = np.full(shape, -1, dtype=np.int64)
    d = contrib[contrib["depth"].notna()]
    if len(d):
        mx = d.groupby(["s", "p"])["depth"].max()
        depth[mx.index.get_level_values(0), mx.index.get_level_values(1)] = mx.to_numpy()
    answered = np.full(shape, np.nan)
    to_answer = np.full(shape, np.nan)
    if len(contrib):
        # per student x period: share answered, and the lower median ("inverted_cdf": the
        # ceil(k/2)-th smallest of k values) of the hours until answered
        cell = contrib["s"].to_numpy() * n_p + contrib["p"].to_numpy()
        hours = contrib["hours_to_answer"].to_numpy(dtype=float)
        order = np.lexsort((hours, cell))
        cells, first, size = np.unique(cell[order], return_index=True, return_counts=True)
        ix = (cells // n_p, cells % n_p)
        answered[ix] = np.add.reduceat(np.isfinite(hours[order]), first) / size
        to_answer[ix] = hours[order][first + (size + 1) // 2 - 1]

    # listening -----------------------------------------------------------------------
    views = grid()
    is_view = inputs.is_view[in_scope]
    np.add.at(views, (a_code[is_view], a_pos[is_view]), 1)
    if more_views is not None:  # Dask events: the views counted in the workers
        v_s = more_views[ACTOR].map(sid).to_numpy(dtype=float)
        v_p = per.position(more_views[TIMESTAMP])
        ok = ~np.isnan(v_s) & (v_p >= 0)
        np.add.at(views, (v_s[ok].astype(np.int64), v_p[ok]), more_views["views"].to_numpy()[ok])

    # joining and percentile ------------------------------------------------------------
    first_p = np.full(n_s, 0, dtype=np.int64)
    if len(a_code):
        fp = pd.Series(a_pos).groupby(a_code).min()
        first_p[fp.index.to_numpy()] = fp.to_numpy()
    joined = np.arange(n_p)[None, :] >= first_p[:, None]

    # response latency ----------------------------------------------------------
    latency = _latency(inputs.answers, sid, per, shape)

    # assemble --------------------------------------------------------------------
    s_idx = np.repeat(np.arange(n_s), n_p)
    p_idx = np.tile(np.arange(n_p), n_s)

    def flat(a: np.ndarray) -> np.ndarray:
        return a[s_idx, p_idx]

    def counts(a: np.ndarray | None, defined: np.ndarray | bool = True) -> pd.array:
        out = pd.array(flat(a) if a is not None else np.zeros(n_s * n_p, np.int64), dtype="Int64")
        out[~np.broadcast_to(np.asarray(defined, dtype=bool), (n_s * n_p,))] = pd.NA
        return out

    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(peers > 0, 1 - staff_peers / np.maximum(peers, 1), np.nan)
    pct = np.full(shape, np.nan)
    for j in range(n_p):
        inside = joined[:, j]
        pct[inside, j] = _pct_rank(degree[inside, j].astype(float))
    pct[joined & (degree == 0)] = 0.0
    has_group = np.array([g is not None for g in own_group], dtype=bool)
    values: dict[str, Any] = {
        "posts": counts(posts),
        "replies_given": counts(given, directed),
        "replies_received": counts(received, directed),
        "peers_replied_to": counts(peers_to, directed),
        "peers_heard_from": counts(peers_from, directed),
        "peers": counts(peers),
        "student_tie_share": flat(share),
        "reciprocated_ties": counts(recip, directed),
        "learner_replies_received": counts(l_received, directed),
        "learner_peers_replied_to": counts(l_peers_to, directed),
        "learner_peers_heard_from": counts(l_peers_from, directed),
        "learner_peers": counts(l_peers),
        "learner_partner_entropy": flat(entropy),
        "reciprocated_ties_to_date": counts(recip_to_date, directed),
        "own_thread_posts": counts(own_posts),
        "others_thread_posts": counts(others_posts),
        "max_thread_depth": counts(np.maximum(depth, 0), flat(depth) >= 0),
        "answered_share": flat(answered),
        "median_hours_to_answer": flat(to_answer),
        "views": counts(views),
        "cross_group_ties": counts(cross_group, has_group[s_idx]),
        "active_weeks": counts(active_weeks),
        "active_weeks_to_date": counts(to_date),
        "median_response_hours": flat(latency),
        "joined": flat(joined),
        "centrality_percentile": flat(pct),
    }
    refused = [k for k in values if k in completeness.unsupported]
    for k in refused:
        values[k] = (
            pd.array([pd.NA] * (n_s * n_p), dtype=values[k].dtype)
            if isinstance(values[k], pd.api.extensions.ExtensionArray)
            else np.full(n_s * n_p, np.nan)
        )
    table = pd.DataFrame(
        {
            "person": np.asarray(students, dtype=object)[s_idx],
            "role": role.to_numpy(dtype=object)[~is_staff][s_idx],
            "group": own_group[s_idx],
            "period": np.asarray(labels, dtype=object)[p_idx],
            "period_start": starts[p_idx],
            "period_end": ends[p_idx],
            **{k: values[k] for k in INDICATORS},
        }
    )
    for c in ("role", "group", "person") + (("period",) if start is None else ()):
        table[c] = table[c].astype(pd.StringDtype("pyarrow"))
    if start is not None:
        table["period"] = table["period"].astype(np.int64)

    attrs: dict[str, Any] = {
        "ties": ties,
        "freq": freq,
        "start": None if start is None else str(start),
        "staff_roles": list(staff_roles),
        "pseudonymized": not names,
        "suppress_k": suppress_k,
        "completeness": completeness.messages(),
    }
    if names:
        if DISPLAY_NAME in nodes.columns and nodes[DISPLAY_NAME].notna().any():
            dn = nodes[DISPLAY_NAME]
            dn.index = dn.index.astype(str)
            table.insert(1, "display_name", dn.reindex(table["person"].to_numpy()).to_numpy())
    else:
        from ..privacy import pseudonym_map

        if key is None and key_file is None:
            warnings.warn(
                "engagement(): no pseudonymisation key given, so a random one was used: the "
                "pseudonyms are stable within this table only. Give key_file='course.key' for "
                "pseudonyms that match other exports, or names=True for real ids.",
                UserWarning,
                stacklevel=2,
            )
            key = secrets.token_bytes(32)
        mapping = pseudonym_map(students, key=key, key_file=key_file)
        shown = np.array([mapping[x] for x in students], dtype=object)
        table["person"] = pd.array(shown[s_idx], dtype=pd.StringDtype("pyarrow"))
    if suppress_k is not None:
        from ..privacy import suppress_small_cells

        cols = [c for c in COUNT_COLUMNS if pd.api.types.is_integer_dtype(table[c].dtype)]
        table = suppress_small_cells(table, k=suppress_k, columns=cols)
    table.attrs.update(attrs)
    return table


def write_engagement(table: pd.DataFrame, path: str | os.PathLike, *, caveats: bool = True) -> Path:
    """Write an :func:`engagement` table to ``.csv`` or ``.xlsx``.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`engagement` (any DataFrame works).
    path : path
        Ends in ``.csv`` (UTF-8, comma-separated, no index) or ``.xlsx``
        (sheet ``engagement``; with ``caveats`` a second sheet ``caveats``
        holding :func:`engagement_caveats`).
    caveats : bool
        Excel only: add the ``caveats`` sheet.

    Returns
    -------
    Path
        The file written.

    Notes
    -----
    Times are written in UTC: ISO 8601 with ``+00:00`` in CSV, as naive UTC
    date-times in Excel (which cannot store a time zone). Suppressed cells
    (NA) are empty. The table is written as given: pseudonymise and suppress
    with :func:`engagement`'s ``names`` and ``suppress_k`` first.

    Examples
    --------
    >>> import pathlib, tempfile, pandas as pd
    >>> from connectana.metrics.engagement import write_engagement
    >>> p = write_engagement(pd.DataFrame({"person": ["P-1"], "posts": [3]}),
    ...                      pathlib.Path(tempfile.mkdtemp()) / "e.csv")
    >>> p.read_text().splitlines()
    ['person,posts', 'P-1,3']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"write_engagement writes .csv or .xlsx files, not {path.name!r}")
    out = table.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            utc = out[c].dt.tz_convert("UTC")
            out[c] = (
                utc.dt.tz_localize(None)
                if suffix == ".xlsx"
                else utc.map(lambda t: t.isoformat() if not pd.isna(t) else "")
            )
    from ..privacy import write_csv, write_excel  # formula-leading text escaped

    if suffix == ".csv":
        return write_csv(out, path, lineterminator=os.linesep)
    sheets = {"engagement": out}
    if caveats:
        sheets["caveats"] = engagement_caveats().reset_index()
    return write_excel(sheets, path)
