"""Peer engagement for assessment: one row per student × period.

:func:`engagement` turns Events into a table an assessment team can defend:
posts, replies given and received, distinct peers, the share of ties with
students, reciprocated and cross-group ties, active weeks, response latency and
a centrality percentile — each with its exact definition and a caveat
(:func:`engagement_caveats`, ``docs/instructor_measures.md``). Ids are
pseudonymised unless names are asked for; small counts can be suppressed.
:func:`write_engagement` exports the table to CSV or Excel.
"""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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
from ..network import build_network
from ..periods import Periods, make_periods
from ..ties import CONTRIBUTION_ACTIONS, DEFAULT_MAX_TIES, TWO_MODE, interactions, natural_direction
from .roles import STAFF_ROLES

__all__ = ["INDICATORS", "COUNT_COLUMNS", "engagement", "engagement_caveats", "write_engagement"]

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
    "centrality_percentile": (
        "Percentile rank of the student's degree (interactions sent plus received in the "
        "period under the tie definition) among all students in the table for that period: "
        "100 × (students with a lower degree + half of those with an equal degree, the "
        "student included) / students.",
        "Relative to this cohort and period; equal degrees share a rank (all zero gives 50). "
        "Degree rewards volume; see compare_ties for how the tie definition moves it.",
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


def _latency(
    events: pd.DataFrame,
    sid: dict[str, int],
    per: Periods,
    shape: tuple[int, int],
) -> np.ndarray:
    """Median hours from parent post to answer, per student × period (NaN: none)."""
    out = np.full(shape, np.nan)
    answers = events[events[ACTION].isin(REPLY_ACTIONS) & events[PARENT_ID].notna()]
    if answers.empty:
        return out
    posts = events[events[OBJECT_ID].notna()]
    # the parent: the first post with that id on the same platform
    pos = key_positions(
        [answers[PLATFORM], answers[PARENT_ID]], [posts[PLATFORM], posts[OBJECT_ID]]
    )
    found = pos >= 0
    a = answers[found]
    par = posts.iloc[pos[found]]
    hours = (a[TIMESTAMP].to_numpy() - par[TIMESTAMP].to_numpy()) / np.timedelta64(1, "h")
    other = a[ACTOR].astype(str).to_numpy() != par[ACTOR].astype(str).to_numpy()
    d = pd.DataFrame(
        {
            "s": a[ACTOR].astype(str).map(sid).to_numpy(dtype=float),
            "p": per.position(a[TIMESTAMP]),
            "h": hours.astype(float),
        }
    )
    d = d[other & (d["p"].to_numpy() >= 0) & d["s"].notna().to_numpy() & (d["h"] >= 0).to_numpy()]
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


def engagement(
    events: pd.DataFrame,
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
    events : DataFrame
        A valid Events table.
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
    validate_events(events)
    directed = natural_direction(ties)
    if ties in TWO_MODE:
        raise ValueError(f"engagement needs a person-to-person tie definition, not {ties!r}")
    net = build_network(events, ties, people=people)
    nodes = net.nodes[net.nodes["kind"] == "person"]
    role = nodes[ROLE].astype(object).where(nodes[ROLE].notna(), None)
    wanted = {str(r).lower() for r in staff_roles}
    is_staff = np.array([r is not None and str(r).lower() in wanted for r in role], dtype=bool)
    students = nodes.index[~is_staff].astype(str)
    group = nodes[GROUP].astype(object).where(nodes[GROUP].notna(), None)
    group.index = group.index.astype(str)
    staff_ids = set(nodes.index[is_staff].astype(str))

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
    actor_code = ev[ACTOR].astype(str).map(sid).to_numpy(dtype=float)
    in_scope = (ev_pos >= 0) & ~np.isnan(actor_code)
    a_code = actor_code[in_scope].astype(np.int64)
    a_pos = ev_pos[in_scope]
    contrib = ev[ACTION].isin(CONTRIBUTION_ACTIONS).to_numpy()[in_scope]
    posts = grid()
    np.add.at(posts, (a_code[contrib], a_pos[contrib]), 1)
    weeks = (
        pd.DatetimeIndex(ev[TIMESTAMP][in_scope])
        .tz_convert("UTC")
        .tz_localize(None)
        .to_period("W-SUN")
    )
    act = pd.DataFrame({"s": a_code, "p": a_pos, "w": weeks.asi8}).drop_duplicates()
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
    inter = interactions(events, ties, max_ties=max_ties)
    inter = inter[(inter["source"] != inter["target"]).to_numpy()]
    i_pos = per.position(inter["time"])
    inter = inter.assign(p=i_pos)[i_pos >= 0]
    src = inter["source"].astype(str).to_numpy(dtype=object)
    dst = inter["target"].astype(str).to_numpy(dtype=object)
    p_arr = inter["p"].to_numpy()
    # each interaction seen from both ends: (person, other, period, sent?)
    sides = pd.DataFrame(
        {
            "person": np.concatenate([src, dst]),
            "other": np.concatenate([dst, src]),
            "p": np.concatenate([p_arr, p_arr]),
            "sent": np.concatenate([np.ones(len(src), bool), np.zeros(len(src), bool)]),
        }
    )
    sides["s"] = sides["person"].map(sid)
    sides = sides[sides["s"].notna()].astype({"s": np.int64})

    def count(mask: pd.Series | np.ndarray, distinct: bool) -> np.ndarray:
        out = grid()
        d = sides[mask]
        if distinct:
            d = d.drop_duplicates(["s", "p", "other"])
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
        dirs = sides.groupby(["s", "p", "other"])["sent"].agg(["any", "all"])
        both = dirs[dirs["any"] & ~dirs["all"]].reset_index()
        recip = grid()
        np.add.at(recip, (both["s"].to_numpy(), both["p"].to_numpy()), 1)
    distinct = sides.drop_duplicates(["s", "p", "other"])
    staff_peer = distinct["other"].isin(staff_ids).to_numpy()
    staff_peers = grid()
    np.add.at(
        staff_peers, (distinct["s"].to_numpy()[staff_peer], distinct["p"].to_numpy()[staff_peer]), 1
    )
    own_group = np.array([group.get(s) for s in students], dtype=object)
    other_group = distinct["other"].map(group).to_numpy(dtype=object)
    mine = own_group[distinct["s"].to_numpy()]
    cross = np.array(
        [
            # peers with no group (staff, people outside the roster) are not "another group"
            not pd.isna(a) and not pd.isna(b) and a != b
            for a, b in zip(mine, other_group, strict=True)
        ],
        dtype=bool,
    )
    cross_group = grid()
    np.add.at(cross_group, (distinct["s"].to_numpy()[cross], distinct["p"].to_numpy()[cross]), 1)

    # response latency ----------------------------------------------------------
    latency = _latency(events, sid, per, shape)

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
    pct = np.zeros(shape)
    for j in range(n_p):
        pct[:, j] = _pct_rank(degree[:, j].astype(float))
    has_group = np.array([g is not None for g in own_group], dtype=bool)
    table = pd.DataFrame(
        {
            "person": np.asarray(students, dtype=object)[s_idx],
            "role": role.to_numpy(dtype=object)[~is_staff][s_idx],
            "group": own_group[s_idx],
            "period": np.asarray(labels, dtype=object)[p_idx],
            "period_start": starts[p_idx],
            "period_end": ends[p_idx],
            "posts": counts(posts),
            "replies_given": counts(given, directed),
            "replies_received": counts(received, directed),
            "peers_replied_to": counts(peers_to, directed),
            "peers_heard_from": counts(peers_from, directed),
            "peers": counts(peers),
            "student_tie_share": flat(share),
            "reciprocated_ties": counts(recip, directed),
            "cross_group_ties": counts(cross_group, has_group[s_idx]),
            "active_weeks": counts(active_weeks),
            "active_weeks_to_date": counts(to_date),
            "median_response_hours": flat(latency),
            "centrality_percentile": flat(pct),
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
        table["person"] = pd.array(
            [mapping[x] for x in table["person"].to_numpy(dtype=object)],
            dtype=pd.StringDtype("pyarrow"),
        )
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
        raise ValueError(f"write_engagement writes .csv or .xlsx files, not {path.name!r}")
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
