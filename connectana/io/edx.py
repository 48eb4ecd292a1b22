"""Open edX readers: the research-package forum dump and the tracking logs.

``read_edx_forum`` reads the forum collection of an edX research data package
(``ORG-COURSE-RUN-prod.mongo``: JSON lines of ``CommentThread`` and
``Comment`` documents). ``read_edx_tracking`` reads daily tracking logs (JSON
lines, optionally gzipped; one file, a folder or a list of files), including
the processed ``{name, timestamp, data, context}`` shape written by
event-routing-backends.

Both readers stream their input line by line and keep only the fields an
Events table needs. Reply targets are resolved after everything is read, so
replies stored before their parents (in file order or in time) still resolve.
Each reader is *load* (``read_edx_*``: the files, streamed) → *parse*
(``parse_edx_*``: located or in-memory records) → ``make_events``.

The module is over 800 lines: two readers of one platform that share the Mongo id and
date rules, the anonymous-post policy and the reply resolution; each reader's options
and the platform's quirks (vote undos, repeated lines, event-routing shapes) are
documented where they are handled. Splitting it would move those shared rules into a
third module that only these two readers use.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ParameterError
from ..events import (
    ACTION,
    ACTOR,
    CONTEXT,
    EVENT_ID,
    OBJECT_ID,
    PARENT_ID,
    ROLE,
    TARGET,
    TEXT,
    THREAD_ID,
    TIMESTAMP,
    IngestReport,
    make_events,
    normalize_role,
)
from .common import (
    SKIPPED,
    BadRecord,
    check_on_error,
    file_labels,
    get,
    input_files,
    iter_json,
    raise_or_skip,
    set_aside_rows,
    source_name,
    text_or_none,
)
from .memory import Located, located, memory_label
from .timestamps import parse_timestamps

__all__ = ["read_edx_forum", "parse_edx_forum", "read_edx_tracking", "parse_edx_tracking"]

PLATFORM = "edx"
_ANONYMOUS = ("set_aside", "keep", "separate")


def _frame(cols: dict[str, list], keep: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
    return df[keep].reset_index(drop=True)


def _anonymous_flag(doc: dict) -> bool:
    return bool(doc.get("anonymous")) or bool(doc.get("anonymous_to_peers"))


def _check_anonymous(anonymous: str) -> None:
    if anonymous not in _ANONYMOUS:
        raise ParameterError(f"anonymous must be one of {list(_ANONYMOUS)}, not {anonymous!r}")


def _resolve(
    df: pd.DataFrame, report: IngestReport, *, scope: str | None, anon_parents: dict[Any, str]
) -> pd.DataFrame:
    """Fill ``target`` of reply/comment rows from ``parent_id`` → author of the
    created object (scoped by ``scope`` column if given). ``anon_parents``
    maps (scope, id) of anonymous posts set aside or kept separate to their
    target (None: unknown)."""
    n = len(df)
    scopes = df[scope].to_numpy(object) if scope else np.full(n, None, dtype=object)
    objects = df[OBJECT_ID].to_numpy(object)
    parents = df[PARENT_ID].to_numpy(object)
    actors = df[ACTOR].to_numpy(object)
    created = (df[ACTION].isin(["post", "reply", "comment"]) & df[OBJECT_ID].notna()).to_numpy()
    authors: dict[Any, str] = {}
    dups = 0
    for i in np.flatnonzero(created):
        key = (scopes[i], objects[i])
        if key in authors:
            dups += 1
        else:
            authors[key] = actors[i]
    if dups:
        report.notes["duplicate object id"] += dups
        report.messages.append(
            f"{dups} created post(s) reuse an id already created in the same course; "
            "replies to such an id are resolved to its first (earliest) creator"
        )
    need = df[ACTION].isin(["reply", "comment"]) & df[PARENT_ID].notna() & df[TARGET].isna()
    targets = df[TARGET].to_numpy(object).copy()
    n_from_parent = n_missing = n_anon = 0
    for i in np.flatnonzero(need.to_numpy()):
        key = (scopes[i], parents[i])
        if key in authors:
            targets[i] = authors[key]
            n_from_parent += 1
        elif key in anon_parents:
            targets[i] = anon_parents[key]
            n_anon += 1
        else:
            n_missing += 1
    df[TARGET] = targets
    if n_from_parent:
        report.notes["target from parent"] += n_from_parent
    if n_missing:
        report.notes["parent missing"] += n_missing
    if n_anon:
        report.notes["parent anonymous"] += n_anon
    return df


def _finish(
    cols: dict[str, list],
    keep: np.ndarray,
    times: pd.Series,
    report: IngestReport,
    *,
    scope: str | None,
    anon_parents: dict[Any, str],
    keep_text: bool,
    drop: Iterable[str] = (),
) -> pd.DataFrame:
    df = _frame(cols, keep)
    df[TIMESTAMP] = times[keep].reset_index(drop=True).astype("datetime64[ns, UTC]")
    df = df.sort_values(TIMESTAMP, kind="stable").reset_index(drop=True)
    df = _resolve(df, report, scope=scope, anon_parents=anon_parents)
    df = df.drop(columns=[c for c in drop if c in df.columns])
    return make_events(df, platform=PLATFORM, report=report, resolve=False, keep_text=keep_text)


# --------------------------------------------------------------------------- #
# Research data package forum dump (.mongo)
# --------------------------------------------------------------------------- #
def _oid(value: Any) -> str | None:
    """``{"$oid": "..."}`` or a plain string id."""
    if isinstance(value, dict):
        value = value.get("$oid")
    return text_or_none(value)


def _mongo_date(value: Any) -> Any:
    """The raw ``$date`` value: epoch ms (number or ``{"$numberLong": ...}``)
    or an ISO string."""
    if isinstance(value, dict):
        value = value.get("$date", value)
        if isinstance(value, dict):
            value = value.get("$numberLong")
            if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,20}", value.strip()):
                value = int(value)
    return value


def read_edx_forum(
    path: str | os.PathLike | Sequence[str | os.PathLike], **options: Any
) -> pd.DataFrame:
    """Read an edX research-package forum dump (``*.mongo``) into Events.

    *load* → *parse* (:func:`parse_edx_forum`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like or list of path-likes
        A ``mongoexport`` file of the forum's ``contents`` collection (JSON
        lines or a JSON array), a folder of them or a list of files.
    **options
        ``on_error``, ``keep_text``, ``actor``, ``anonymous`` (see :func:`parse_edx_forum`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import pathlib, tempfile, connectana as ca
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.mongo"
    >>> _ = p.write_text(
    ...     '{"_id": {"$oid": "b"}, "_type": "Comment", "author_username": "bo",'
    ...     ' "comment_thread_id": {"$oid": "t"}, "created_at": {"$date": 1700000060000}}\\n'
    ...     '{"_id": {"$oid": "t"}, "_type": "CommentThread", "author_username": "al",'
    ...     ' "created_at": {"$date": "2023-11-14T22:13:20Z"}}\\n')
    >>> ev = ca.read_events(p, format="edx_forum")
    >>> ev[["actor", "action", "target"]].values.tolist()
    [['al', 'post', <NA>], ['bo', 'reply', 'al']]
    """
    on_error = options.get("on_error", "raise")
    check_on_error(on_error)
    files = input_files(path, suffixes=(".mongo", ".json", ".jsonl"))
    report = IngestReport(source=source_name(path), format="edx_forum")
    lines = Located((str(f), n, doc) for f in files for n, doc in iter_json(f, report, on_error))
    return parse_edx_forum(lines, source=source_name(path), report=report, **options)


def parse_edx_forum(
    data: Any,
    *,
    source: str | None = None,
    report: IngestReport | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
    actor: str = "username",
    anonymous: str = "set_aside",
) -> pd.DataFrame:
    """Parse an edX research-package forum dump (``*.mongo``) into Events.

    Parameters
    ----------
    data : list or DataFrame
        Loaded Mongo documents (threads and comments; record *n* is the
        *n*-th), or a DataFrame of them.
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    report : IngestReport, optional
        The report the load step already counted in (given by the reader).
    on_error : {"raise", "skip"}
        ``"raise"``: a broken line (not JSON, or not UTF-8) or a post
        without id, author, date or thread is an
        :class:`~connectana.errors.InputError` naming the file, line and
        field. ``"skip"``: such records are set aside and counted. A file
        that cannot be read at all (a broken gzip stream) is a
        :class:`~connectana.errors.FormatError` whatever ``on_error``.
    keep_text : bool
        Keep the post bodies (Markdown) in a ``text`` column.
    actor : {"username", "user_id"}
        Identify people by ``author_username`` (matches the tracking logs'
        ``username``) or by ``author_id`` (``auth_user.id``).
    anonymous : {"set_aside", "keep", "separate"}
        Posts flagged ``anonymous`` or ``anonymous_to_peers``: set aside as
        ``"anonymous"`` (default; replies to them get no target and are
        counted as ``parent anonymous``), kept under their real author
        (``"keep"``: only when the study may see through the flag), or kept as
        one pseudo-person per post, ``anonymous:<post id>`` (``"separate"``),
        so anonymous posts never merge into one hub node.

    Returns
    -------
    DataFrame
        Events (platform ``edx``); ``attrs["ingest"]`` holds the report.

    Notes
    -----
    One event per document. ``CommentThread`` → ``post`` (``object_id`` =
    ``thread_id`` = its id). ``Comment`` without ``parent_id`` is a
    *response*: ``reply``, ``parent_id`` = ``thread_id`` =
    ``comment_thread_id``, target = the thread's author. ``Comment`` with
    ``parent_id`` is a *comment on a response*: ``comment``, ``parent_id`` =
    the response, target = the response's author. Targets are resolved after
    the whole file is read (children stored before parents still resolve);
    parents not in the file leave the target empty, counted as ``parent
    missing``. A comment whose ``comment_thread_id`` differs from its
    response's is counted as ``thread differs from parent's`` (its own
    thread id is kept). ``$date`` may be epoch milliseconds or an ISO string
    (UTC by the MongoDB Extended JSON definition when it has no offset).
    Documents of another ``_type`` are set aside as ``not a forum post``.
    Roles are not in this file: there is no ``role`` column (join the
    package's role tables or the tracking logs).

    Examples
    --------
    >>> from connectana.io.edx import parse_edx_forum
    >>> docs = [{"_id": {"$oid": "t1"}, "_type": "CommentThread", "author_username": "al",
    ...          "created_at": {"$date": 1704103200000}, "course_id": "c"},
    ...         {"_id": {"$oid": "c1"}, "_type": "Comment", "author_username": "bo",
    ...          "comment_thread_id": {"$oid": "t1"}, "created_at": {"$date": 1704106800000},
    ...          "course_id": "c"}]
    >>> parse_edx_forum(docs)[["actor", "action", "target"]].values.tolist()
    [['al', 'post', <NA>], ['bo', 'reply', 'al']]
    """
    check_on_error(on_error)
    _check_anonymous(anonymous)
    if actor not in ("username", "user_id"):
        raise ParameterError(f"actor must be 'username' or 'user_id', not {actor!r}")
    author_key = "author_username" if actor == "username" else "author_id"
    source = memory_label(data) if source is None else source
    if report is None:
        report = IngestReport(source=source, format="edx_forum")
    report.options.update(actor=actor, anonymous=anonymous)
    cols: dict[str, list] = {
        c: []
        for c in (EVENT_ID, ACTOR, ACTION, OBJECT_ID, PARENT_ID, THREAD_ID, TARGET, CONTEXT, TEXT)
    }
    dates: list[Any] = []
    where: list[tuple[Path, int]] = []
    anon_parents: dict[Any, str | None] = {}
    seen: set[str] = set()
    parent_thread: list[tuple[str, str, str]] = []  # (child thread, parent id)
    thread_of: dict[str, str] = {}
    for f, lineno, doc in located(data, source):
        report.read += 1
        try:
            row = _mongo_row(doc, author_key)
        except BadRecord as bad:
            if bad.aside == "not a forum post":
                report.set_aside_record(bad.aside, f"{f}:{lineno}")
                continue
            raise_or_skip(bad, on_error=on_error, report=report, file=f, row=lineno)
            continue
        eid = row[EVENT_ID]
        if eid in seen:
            raise_or_skip(
                BadRecord("post id appears twice", field="_id", found=eid, aside="duplicate id"),
                on_error=on_error,
                report=report,
                file=f,
                row=lineno,
            )
            continue
        seen.add(eid)
        thread_of[eid] = row[THREAD_ID]
        if row.pop("_anonymous"):
            if anonymous == "set_aside":
                anon_parents[(None, eid)] = None
                report.set_aside_record("anonymous", f"{f}:{lineno}")
                continue
            if anonymous == "separate":
                row[ACTOR] = f"anonymous:{eid}"
        if row[ACTION] == "comment":
            parent_thread.append((row[THREAD_ID], row[PARENT_ID]))
        for c in cols:
            cols[c].append(row.get(c))
        dates.append(row["_date"])
        where.append((f, lineno))
    differ = sum(1 for t, p in parent_thread if p in thread_of and thread_of[p] != t)
    if differ:
        report.notes["thread differs from parent's"] += differ
    info: dict = {}
    times = parse_timestamps(dates, tz="UTC", unit="ms", on_error="mask", info=info)
    bad_t = info["bad"]
    keep = set_aside_rows(
        bad_t,
        "bad timestamp",
        report,
        lambda i: f"{where[i][0]}:{where[i][1]}",
        on_error=on_error,
        error=lambda i: InputError(
            "unparseable date",
            file=where[i][0],
            row=where[i][1],
            field="created_at",
            found=dates[i],
            expected="epoch milliseconds or an ISO 8601 date",
        ),
    )
    return _finish(
        cols, keep, times, report, scope=None, anon_parents=anon_parents, keep_text=keep_text
    )


def _mongo_row(doc: Any, author_key: str) -> dict:
    if not isinstance(doc, dict):
        raise BadRecord(
            "record is not a JSON object",
            found=type(doc).__name__,
            expected="a forum document",
            aside="not a forum post",
        )
    kind = doc.get("_type")
    if kind not in ("CommentThread", "Comment"):
        raise BadRecord("not a forum post", field="_type", found=kind, aside="not a forum post")
    eid = _oid(doc.get("_id"))
    if eid is None:
        raise BadRecord(
            "post has no id",
            field="_id",
            found=doc.get("_id"),
            expected='{"$oid": "..."}',
            aside="missing id",
        )
    author = text_or_none(doc.get(author_key))
    if author is None:
        raise BadRecord(
            "post has no author",
            field=author_key,
            found=doc.get(author_key),
            expected="a user name or id",
            aside="missing actor",
        )
    date = _mongo_date(doc.get("created_at"))
    if date is None:
        raise BadRecord(
            "post has no date",
            field="created_at",
            found=doc.get("created_at"),
            expected='{"$date": ...}',
            aside="bad timestamp",
        )
    row = {
        EVENT_ID: eid,
        ACTOR: author,
        OBJECT_ID: eid,
        CONTEXT: text_or_none(doc.get("course_id")),
        TEXT: doc.get("body") if isinstance(doc.get("body"), str) else None,
        "_date": date,
        "_anonymous": _anonymous_flag(doc),
    }
    if kind == "CommentThread":
        row.update({ACTION: "post", THREAD_ID: eid})
        return row
    thread = _oid(doc.get("comment_thread_id"))
    if thread is None:
        raise BadRecord(
            "comment has no thread",
            field="comment_thread_id",
            found=doc.get("comment_thread_id"),
            expected='{"$oid": "..."}',
            aside="missing thread",
        )
    parent = _oid(doc.get("parent_id"))
    if parent is None and isinstance(doc.get("parent_ids"), list) and doc["parent_ids"]:
        parent = _oid(doc["parent_ids"][-1])
    if parent is None:
        row.update({ACTION: "reply", PARENT_ID: thread, THREAD_ID: thread})
    else:
        row.update({ACTION: "comment", PARENT_ID: parent, THREAD_ID: thread})
    return row


# --------------------------------------------------------------------------- #
# Tracking logs
# --------------------------------------------------------------------------- #
_CREATED = {"thread": "post", "response": "reply", "comment": "comment"}
_VERBS = {"voted": "react", "viewed": "view", "edited": "edit", "deleted": "delete"}
_ROLE_RANK = {"instructor": 3, "ta": 2, "student": 1}


def _role(event: dict) -> str | None:
    """The highest of the roles an event lists (instructor > ta > student)."""
    best = None
    for key in ("user_course_roles", "user_forums_roles"):
        roles = event.get(key)
        if not isinstance(roles, list):
            continue
        for r in roles:
            role = normalize_role(r)
            if role in _ROLE_RANK and (best is None or _ROLE_RANK[role] > _ROLE_RANK[best]):
                best = role
    return best


def read_edx_tracking(
    path: str | os.PathLike | Sequence[str | os.PathLike], **options: Any
) -> pd.DataFrame:
    """Read Open edX tracking logs into Events.

    *load* → *parse* (:func:`parse_edx_tracking`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like or list of path-likes
        A daily log (JSON lines, ``.gz`` read transparently), a folder of logs
        (every non-hidden file, by name) or a list of files. Files holding
        one pretty-printed event (event-routing-backends fixtures) are read
        too.
    **options
        ``on_error``, ``keep_text``, ``actor``, ``forum_only``, ``anonymous``, ``tz`` (see
        :func:`parse_edx_tracking`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import json, pathlib, tempfile, connectana as ca
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "tracking.log"
    >>> lines = [
    ...     {"username": "al", "event_type": "edx.forum.thread.created",
    ...      "time": "2024-01-01T10:00:00+00:00", "context": {"course_id": "c"},
    ...      "event": {"id": "t1", "user_course_roles": ["Instructor"]}},
    ...     {"username": "bo", "event_type": "edx.forum.response.created",
    ...      "time": "2024-01-01T11:00:00+00:00", "context": {"course_id": "c"},
    ...      "event": {"id": "r1", "discussion": {"id": "t1"}}}]
    >>> _ = p.write_text("\\n".join(json.dumps(x) for x in lines))
    >>> ev = ca.read_events(p, format="edx_tracking")
    >>> ev[["actor", "action", "target", "role"]].values.tolist()
    [['al', 'post', <NA>, 'instructor'], ['bo', 'reply', 'al', <NA>]]
    """
    on_error = options.get("on_error", "raise")
    check_on_error(on_error)
    files = input_files(path)
    skip = (lambda line: "edx.forum." not in line) if options.get("forum_only", True) else None
    report = IngestReport(source=source_name(path), format="edx_tracking")
    lines = Located(
        ((str(f), n, v) for f in files for n, v in iter_json(f, report, on_error, skip=skip)),
        dict(zip(map(str, files), file_labels(files), strict=True)),
    )
    return parse_edx_tracking(lines, source=source_name(path), report=report, **options)


def parse_edx_tracking(
    data: Any,
    *,
    source: str | None = None,
    report: IngestReport | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
    actor: str = "username",
    forum_only: bool = True,
    anonymous: str = "set_aside",
    tz: str | None = None,
) -> pd.DataFrame:
    """Parse Open edX tracking logs into Events.

    Parameters
    ----------
    data : list or DataFrame
        Loaded tracking events (record *n* is the *n*-th; its event id is
        ``memory:<n>``), or a DataFrame of them.
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    report : IngestReport, optional
        The report the load step already counted in (given by the reader).
    on_error : {"raise", "skip"}
        ``"raise"``: a broken JSON line (not JSON, or not UTF-8), or a forum
        event without the fields it needs, is an
        :class:`~connectana.errors.InputError` naming the file, the line and
        the field. ``"skip"``: set aside and counted (``unparseable``,
        ``missing actor``, ``missing id``, ``bad timestamp``...). A file that
        cannot be read at all (a broken gzip stream, a pretty-printed
        document that does not parse) is a
        :class:`~connectana.errors.FormatError` whatever ``on_error``.
    keep_text : bool
        Keep the bodies of created/edited posts (``event.body``, truncated to
        2000 characters by edX) in a ``text`` column.
    actor : {"username", "user_id"}
        Identify people by ``username`` or by ``context.user_id``.
    forum_only : bool
        ``True``: events other than ``edx.forum.*`` are set aside as ``not a
        forum event``. ``False``: they are kept, page requests (event types
        that are URL paths) as ``view`` with the path as ``object_id``, the
        rest as ``other`` with the module or page as ``object_id``.
    anonymous : {"set_aside", "keep", "separate"}
        Created posts flagged ``anonymous``/``anonymous_to_peers``; see
        :func:`read_edx_forum`.
    tz : str, optional
        Zone of ``time`` values written without a UTC offset (edX writes
        ``+00:00``; without ``tz`` such values are an error).

    Returns
    -------
    DataFrame
        Events (platform ``edx``) with a ``role`` column; ``attrs["ingest"]``
        holds the report.

    Notes
    -----
    ``event_id`` = ``<file name>:<line>`` (``<file name>:<line>.<k>`` for the
    k-th event of a JSON array). Lines starting with ``#`` (found in edX
    fixture logs) are not records: they are skipped and counted in
    ``notes["comment lines skipped"]``; blank lines are ignored. A post created
    twice by the same person at the same instant (a line repeated by overlapping
    log files) is kept once; the repeats are set aside as ``repeated line``. ``event`` may be a dict or a JSON-encoded string. With
    ``forum_only=True`` a line that does not contain ``edx.forum.`` is set
    aside as ``not a forum event`` without being parsed (forum events are a
    small share of a log, so this keeps reading fast; such a line is not
    checked for broken JSON).

    ``edx.forum.thread.created`` → ``post`` (``object_id`` = ``thread_id`` =
    ``event.id``); ``response.created`` → ``reply`` (``parent_id`` =
    ``thread_id`` = ``event.discussion.id``); ``comment.created`` →
    ``comment`` (``parent_id`` = ``event.response.id``, ``thread_id`` =
    ``event.discussion.id``). Targets of replies and comments are the authors
    of their parents, from an id → author map of the created events of all
    files read (scoped by course: the same id in two courses is two posts);
    parents created outside the logs leave the target empty (``parent
    missing``). ``*.voted`` → ``react``, ``thread.viewed`` → ``view``,
    ``*.edited`` → ``edit``, ``*.deleted`` → ``delete``, other
    ``edx.forum.*`` events → ``other``; these address ``event.id``
    (``object_id``) and take ``event.target_username`` as ``target``. A vote
    with ``undo_vote: true`` cancels the same person's latest earlier vote on
    the same object: both are set aside as ``vote undone``.

    ``role`` is the highest of ``user_course_roles`` and ``user_forums_roles``
    on the event (Instructor/Staff/Administrator → instructor, Community
    TA/Moderator → ta, Student → student), empty when the event lists none.

    Examples
    --------
    >>> from connectana.io.edx import parse_edx_tracking
    >>> event = {"username": "al", "event_type": "edx.forum.thread.created",
    ...          "time": "2024-01-01T10:00:00+00:00", "context": {"course_id": "c"},
    ...          "event": {"id": "t1"}}
    >>> parse_edx_tracking([event])[["event_id", "actor", "action"]].values.tolist()
    [['memory:1', 'al', 'post']]
    """
    check_on_error(on_error)
    _check_anonymous(anonymous)
    if actor not in ("username", "user_id"):
        raise ParameterError(f"actor must be 'username' or 'user_id', not {actor!r}")
    source = memory_label(data) if source is None else source
    if report is None:
        report = IngestReport(source=source, format="edx_tracking")
    report.options.update(actor=actor, forum_only=forum_only, anonymous=anonymous, tz=tz)
    data = located(data, source)
    cols: dict[str, list] = {
        c: []
        for c in (
            EVENT_ID,
            ACTOR,
            ACTION,
            OBJECT_ID,
            PARENT_ID,
            THREAD_ID,
            TARGET,
            CONTEXT,
            ROLE,
            TEXT,
        )
    }
    cols["_undo"] = []
    times_raw: list[Any] = []
    where: list[tuple[Path, int]] = []
    anon_rows: list[int] = []
    user_ids: dict[str, str] = {}
    for f, lineno, value in data:
        label = data.label(f)
        if value is SKIPPED:
            report.read += 1
            report.set_aside_record("not a forum event", f"{f}:{lineno}")
            continue
        records = value if isinstance(value, list) else [value]
        for k, rec in enumerate(records, start=1):
            # the line; "<line>.<k>" for the k-th event of an array
            row_no = lineno if not isinstance(value, list) else f"{lineno}.{k}"
            report.read += 1
            try:
                row = _tracking_row(rec, actor=actor, forum_only=forum_only, user_ids=user_ids)
            except BadRecord as bad:
                if bad.aside == "not a forum event":
                    report.set_aside_record("not a forum event", f"{f}:{row_no}")
                    continue
                raise_or_skip(bad, on_error=on_error, report=report, file=f, row=row_no)
                continue
            if row.pop("_anonymous"):
                anon_rows.append(len(times_raw))
            row[EVENT_ID] = f"{label}:{row_no}"
            for c in cols:
                cols[c].append(row.get(c))
            times_raw.append(row["_time"])
            where.append((f, row_no))
    info = {}
    times = parse_timestamps(times_raw, tz=tz, on_error="mask", info=info)
    bad_t, no_off = info["bad"], info["no_offset"]
    keep = set_aside_rows(
        bad_t | no_off,
        "bad timestamp",
        report,
        lambda i: f"{where[i][0]}:{where[i][1]}",
        on_error=on_error,
        error=lambda i: InputError(
            "timestamp has no UTC offset and no tz was given"
            if no_off[i]
            else "unparseable timestamp",
            file=where[i][0],
            row=where[i][1],
            field="time",
            found=times_raw[i],
            expected="tz='UTC' (or the log's zone)"
            if no_off[i]
            else "an ISO 8601 time with offset",
        ),
    )
    anon_parents: dict[Any, str | None] = {}
    for i in anon_rows:
        if not keep[i]:
            continue
        key = (cols[CONTEXT][i], cols[OBJECT_ID][i])
        if anonymous == "set_aside":
            keep[i] = False
            anon_parents[key] = None
            report.set_aside_record("anonymous", cols[EVENT_ID][i])
        elif anonymous == "separate":
            cols[ACTOR][i] = f"anonymous:{cols[OBJECT_ID][i]}"
            cols[ROLE][i] = None
    _drop_repeated_lines(cols, keep, times, report)
    _undo_votes(cols, keep, times, report)
    if actor == "user_id":
        cols[TARGET] = [user_ids.get(t) if t is not None else None for t in cols[TARGET]]
    return _finish(
        cols,
        keep,
        times,
        report,
        scope=CONTEXT,
        anon_parents=anon_parents,
        keep_text=keep_text,
        drop=["_undo"],
    )


def _drop_repeated_lines(
    cols: dict[str, list], keep: np.ndarray, times: pd.Series, report: IngestReport
) -> None:
    """A post created twice by the same person at the same instant (a log line
    repeated, e.g. by overlapping daily files) is one post: the later lines are set
    aside as ``repeated line``. The same id created at another time or by another
    person is kept (and noted as a ``duplicate object id`` when targets are resolved)."""
    ns = times.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    seen: set[tuple] = set()
    for i in np.flatnonzero(keep):
        if cols[ACTION][i] not in ("post", "reply", "comment") or cols[OBJECT_ID][i] is None:
            continue
        key = (cols[CONTEXT][i], cols[OBJECT_ID][i], cols[ACTOR][i], cols[ACTION][i], ns[i])
        if key in seen:
            keep[i] = False
            report.set_aside_record("repeated line", cols[EVENT_ID][i])
        else:
            seen.add(key)


def _undo_votes(
    cols: dict[str, list], keep: np.ndarray, times: pd.Series, report: IngestReport
) -> None:
    """Cancel each undo vote against the same person's latest earlier vote on
    the same object (both set aside as ``vote undone``)."""
    undo = np.array(cols["_undo"], dtype=object)
    is_vote = np.array([u is not None for u in undo], dtype=bool) & keep
    if not is_vote.any():
        return
    idx = np.flatnonzero(is_vote)
    order = idx[np.argsort(times.to_numpy()[idx], kind="stable")]
    stacks: dict[tuple, list[int]] = {}
    for i in order:
        key = (cols[ACTOR][i], cols[CONTEXT][i], cols[OBJECT_ID][i])
        if undo[i]:
            keep[i] = False
            report.set_aside_record("vote undone", cols[EVENT_ID][i])
            stack = stacks.get(key)
            if stack:
                j = stack.pop()
                keep[j] = False
                report.set_aside_record("vote undone", cols[EVENT_ID][j])
        else:
            stacks.setdefault(key, []).append(i)


def _tracking_row(rec: Any, *, actor: str, forum_only: bool, user_ids: dict[str, str]) -> dict:
    if not isinstance(rec, dict):
        raise BadRecord(
            "record is not a JSON object",
            found=type(rec).__name__,
            expected="a tracking-log event",
            aside="not an event",
        )
    processed = "event_type" not in rec and "data" in rec
    etype = rec.get("event_type") if not processed else rec.get("name")
    if etype is None:
        etype = rec.get("name")
    if not isinstance(etype, str) or not etype:
        raise BadRecord(
            "event has no type",
            field="event_type",
            found=etype,
            expected="an event type such as 'edx.forum.thread.created'",
            aside="not an event",
        )
    is_forum = etype.startswith("edx.forum.")
    if not is_forum and forum_only:
        raise BadRecord("not a forum event", aside="not a forum event")
    ctx = rec.get("context") if isinstance(rec.get("context"), dict) else {}
    username = text_or_none(rec.get("username")) or text_or_none(ctx.get("username"))
    user_id = text_or_none(ctx.get("user_id"))
    if username and user_id:
        user_ids.setdefault(username, user_id)
    who = username if actor == "username" else user_id
    if who is None:
        raise BadRecord(
            "event has no actor",
            field="username" if actor == "username" else "context.user_id",
            found=rec.get("username"),
            expected="the acting user",
            aside="missing actor",
            fatal=is_forum,
        )
    event = rec.get("data") if processed else rec.get("event")
    time_field = "timestamp" if processed else "time"
    row: dict[str, Any] = {
        ACTOR: who,
        CONTEXT: text_or_none(ctx.get("course_id")),
        "_time": rec.get(time_field),
        "_anonymous": False,
        "_undo": None,
    }
    if row["_time"] is None:
        raise BadRecord(
            "event has no time",
            field=time_field,
            expected="an ISO 8601 time",
            aside="bad timestamp",
        )
    if not is_forum:
        if etype.startswith("/"):
            row.update({ACTION: "view", OBJECT_ID: etype})
            return row
        if isinstance(event, str):
            try:
                event = json.loads(event) if event.strip() else {}
            except json.JSONDecodeError:
                event = {}
        obj = None
        if isinstance(event, dict):
            obj = text_or_none(event.get("id")) or text_or_none(event.get("module_id"))
        row.update({ACTION: "other", OBJECT_ID: obj or text_or_none(rec.get("page"))})
        return row
    field = "data" if processed else "event"
    if isinstance(event, str):
        try:
            event = json.loads(event)
        except json.JSONDecodeError:
            raise BadRecord(
                "forum event payload is not valid JSON",
                field=field,
                found=event,
                expected="a JSON object",
                aside="unparseable",
            ) from None
    if not isinstance(event, dict):
        raise BadRecord(
            "forum event has no payload",
            field=field,
            found=event,
            expected="a JSON object",
            aside="unparseable",
        )
    parts = etype.split(".")
    kind = parts[2] if len(parts) > 2 else ""
    verb = parts[-1]
    obj = text_or_none(event.get("id"))
    discussion = text_or_none(get(event, "discussion", "id"))
    row[ROLE] = _role(event)
    body = event.get("body")
    row[TEXT] = body if isinstance(body, str) else None
    if verb == "created" and kind in _CREATED:
        if obj is None:
            raise BadRecord(
                "created post has no id",
                field=f"{field}.id",
                found=None,
                expected="the new post's id",
                aside="missing id",
            )
        row.update({ACTION: _CREATED[kind], OBJECT_ID: obj})
        row["_anonymous"] = _anonymous_flag(event)
        if kind == "thread":
            row[THREAD_ID] = obj
        elif kind == "response":
            if discussion is None:
                raise BadRecord(
                    "response has no thread",
                    field=f"{field}.discussion.id",
                    expected="the thread's id",
                    aside="missing parent id",
                )
            row.update({PARENT_ID: discussion, THREAD_ID: discussion})
        else:
            response = text_or_none(get(event, "response", "id"))
            if response is None:
                raise BadRecord(
                    "comment has no response",
                    field=f"{field}.response.id",
                    expected="the response's id",
                    aside="missing parent id",
                )
            row.update({PARENT_ID: response, THREAD_ID: discussion})
        return row
    row[ACTION] = _VERBS.get(verb, "other")
    row[OBJECT_ID] = obj
    row[THREAD_ID] = obj if kind == "thread" else discussion
    row[TARGET] = text_or_none(event.get("target_username"))  # a username, mapped later if needed
    if verb == "voted":
        row["_undo"] = bool(event.get("undo_vote"))
    return row
