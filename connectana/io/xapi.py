"""xAPI statements (from an LRS export or an emitter's output) as Events.

Accepted inputs: a JSON array of statements, JSON lines (one statement, array
or LRS response per line), a single statement, an LRS response
``{"statements": [...], "more": "..."}``, a ``.gz`` of any of these, a folder
of such files, or a list of files.

People are identified by their inverse functional identifier, normalised into
one key; e-mail addresses are never kept (``mbox`` is hashed the way xAPI
defines ``mbox_sha1sum``), and display names (``actor.name``) are never read.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..events import (
    ACTION,
    ACTIONS,
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
)
from .common import (
    BadRecord,
    check_on_error,
    file_labels,
    input_files,
    iter_json,
    raise_or_skip,
    source_name,
    text_or_none,
)
from .memory import Located, located, memory_label
from .timestamps import parse_timestamps

__all__ = ["read_xapi", "parse_xapi", "actor_key", "VERB_ACTIONS"]

PLATFORM = "xapi"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"

#: Last segment of a verb IRI (lower case) → action. ``answered`` on an
#: assessment interaction is not a reply (see :func:`read_xapi`). Reviewed
#: against ADL's verb vocabulary (answered, asked, commented, responded,
#: shared, experienced), Activity Streams 1.0 (``activitystrea.ms/create``,
#: ``post``, ``update``, ``delete``, ``like``, ``favorite``, ``share``), Moodle's
#: logstore_xapi (create, replied, viewed, delete) and Open edX
#: event-routing-backends (acrossx ``posted``/``edited``, tincan ``viewed``,
#: dod-isd ``deleted``, openedx ``voted``); anything else (attempted,
#: completed, launched, reported, ...) is ``other``.
VERB_ACTIONS: dict[str, str] = {
    "replied": "reply",
    "responded": "reply",
    "answered": "reply",
    "reply": "reply",
    "commented": "comment",
    "posted": "post",
    "post": "post",
    "create": "post",
    "created": "post",
    "asked": "post",
    "authored": "post",
    "shared": "share",
    "share": "share",
    "viewed": "view",
    "experienced": "view",
    "accessed": "view",
    "read": "view",
    "liked": "react",
    "like": "react",
    "voted": "react",
    "upvoted": "react",
    "downvoted": "react",
    "disliked": "react",
    "favorited": "react",
    "edited": "edit",
    "updated": "edit",
    "modified": "edit",
    "update": "edit",
    "deleted": "delete",
    "delete": "delete",
    "removed": "delete",
    "favorite": "react",
}
_THREAD_TYPES = ("/discussion", "/thread", "/forum-topic")
_INTERACTION_TYPES = ("/cmi.interaction", "/question", "/assessment")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def actor_key(agent: Any) -> str | None:
    """One key for an xAPI Agent/Group, whatever identifier it carries.

    ``mbox`` → ``mbox_sha1sum:<sha1 of the mailto IRI>`` (the same key as
    the agent's ``mbox_sha1sum``, so no address is kept); ``mbox_sha1sum``
    → ``mbox_sha1sum:<hex>``; ``openid`` → ``openid:<uri>``; ``account`` →
    ``<homePage>|<name>`` (an account name that is an e-mail address is
    replaced by ``sha1:<hex>``). ``name`` is never used. None when the
    agent has no identifier (an anonymous group).

    Examples
    --------
    >>> from connectana.io.xapi import actor_key
    >>> actor_key({"mbox": "mailto:ann@example.org", "name": "Ann"})
    'mbox_sha1sum:6168d27d1f76f1fd61099f4e24f911dbae8314dc'
    >>> actor_key({"account": {"homePage": "https://lms.example", "name": "42"}})
    'https://lms.example|42'
    """
    if not isinstance(agent, dict):
        return None
    mbox = text_or_none(agent.get("mbox"))
    if mbox is not None:
        if not mbox.lower().startswith("mailto:"):
            mbox = "mailto:" + mbox
        return "mbox_sha1sum:" + _sha1(mbox)
    sha = text_or_none(agent.get("mbox_sha1sum"))
    if sha is not None:
        return "mbox_sha1sum:" + sha.lower()
    openid = text_or_none(agent.get("openid"))
    if openid is not None:
        return "openid:" + openid
    account = agent.get("account")
    if isinstance(account, dict):
        home = text_or_none(account.get("homePage")) or ""
        name = text_or_none(account.get("name"))
        if name is not None:
            if _EMAIL.fullmatch(name):
                name = "sha1:" + _sha1(name)
            return f"{home}|{name}"
    return None


def _activities(context: dict, kind: str) -> list[dict]:
    acts = context.get("contextActivities")
    value = acts.get(kind) if isinstance(acts, dict) else None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return []
    return [a for a in value if isinstance(a, dict) and text_or_none(a.get("id"))]


def _atype(activity: dict) -> str:
    t = (
        activity.get("definition", {}).get("type")
        if isinstance(activity.get("definition"), dict)
        else None
    )
    return t if isinstance(t, str) else ""


def _first_lang(value: Any) -> str | None:
    if isinstance(value, dict):
        for v in value.values():
            if isinstance(v, str):
                return v
    return None


def _verb_action(verb_id: str, obj: dict, verbs: Mapping[str, str] | None) -> str:
    if verbs and verb_id in verbs:
        return verbs[verb_id]
    word = re.split(r"[/#]", verb_id.rstrip("/"))[-1].lower()
    action = VERB_ACTIONS.get(word, "other")
    if word == "answered" and _atype(obj).endswith(_INTERACTION_TYPES):
        action = "other"  # a quiz answer, not a forum answer
    return action


def _statement(stmt: Any, verbs: Mapping[str, str] | None) -> dict:
    """The fields of one statement (raises _Bad)."""
    if not isinstance(stmt, dict) or "verb" not in stmt or "actor" not in stmt:
        raise BadRecord(
            "record is not an xAPI statement",
            field="verb" if isinstance(stmt, dict) and "actor" in stmt else "actor",
            found=sorted(stmt)[:6] if isinstance(stmt, dict) else type(stmt).__name__,
            expected="a statement with actor, verb and object",
            aside="not a statement",
        )
    verb_id = text_or_none(stmt["verb"].get("id")) if isinstance(stmt["verb"], dict) else None
    if verb_id is None:
        raise BadRecord(
            "statement has no verb id",
            field="verb.id",
            found=stmt["verb"],
            expected="a verb IRI",
            aside="not a statement",
        )
    obj = stmt.get("object") if isinstance(stmt.get("object"), dict) else {}
    otype = obj.get("objectType") or "Activity"
    oid = text_or_none(obj.get("id"))
    sid = text_or_none(stmt.get("id"))
    if verb_id == VOIDED:
        if otype != "StatementRef" or oid is None:
            raise BadRecord(
                "voiding statement does not reference a statement",
                field="object",
                found=obj,
                expected='{"objectType": "StatementRef", "id": ...}',
                aside="not a statement",
            )
        return {"_void": oid, "_id": sid}
    actor = actor_key(stmt["actor"])
    if actor is None:
        raise BadRecord(
            "statement actor has no identifier",
            field="actor",
            found=sorted(stmt["actor"]) if isinstance(stmt["actor"], dict) else None,
            expected="mbox, mbox_sha1sum, openid or account",
            aside="missing actor",
        )
    context = stmt.get("context") if isinstance(stmt.get("context"), dict) else {}
    time, stored = stmt.get("timestamp"), False
    if text_or_none(time) is None and text_or_none(stmt.get("stored")) is not None:
        time, stored = stmt.get("stored"), True
    parent = _activities(context, "parent")
    grouping = _activities(context, "grouping")
    category = _activities(context, "category")
    # the thread: a discussion/thread of the context, else a coarser 'forum-topic' of the
    # context -- unless the object is itself a discussion: logstore_xapi groups a viewed
    # discussion under its forum as a 'forum-topic', and the discussion is the thread
    ctx = grouping + parent
    thread = next((a["id"] for a in ctx if _atype(a).endswith(_THREAD_TYPES[:2])), None)
    if thread is None:
        thread = next((a["id"] for a in ctx if _atype(a).endswith(_THREAD_TYPES)), None)
        if thread is not None and oid is not None and _atype(obj).endswith(_THREAD_TYPES[:2]):
            thread = oid
    course = next(
        (a["id"] for a in parent + grouping + category if _atype(a).endswith("/course")), None
    )
    ctx_ref = context.get("statement")
    ctx_ref = text_or_none(ctx_ref.get("id")) if isinstance(ctx_ref, dict) else None
    result = stmt.get("result") if isinstance(stmt.get("result"), dict) else {}
    text = result.get("response") if isinstance(result.get("response"), str) else None
    if text is None and isinstance(obj.get("definition"), dict):
        text = _first_lang(obj["definition"].get("description"))
    instructor = actor_key(context.get("instructor"))
    return {
        "_id": sid,
        "_void": None,
        ACTOR: actor,
        "_verb": verb_id,
        ACTION: _verb_action(verb_id, obj, verbs),
        "_otype": otype,
        "_oid": oid,
        "_oagent": actor_key(obj) if otype in ("Agent", "Group") else None,
        "_thread": thread,
        "_parents": [a["id"] for a in parent + grouping if not _atype(a).endswith("/course")],
        "_ctxref": ctx_ref,
        CONTEXT: course or text_or_none(context.get("platform")),
        ROLE: "instructor" if instructor is not None and instructor == actor else None,
        TEXT: text,
        "_time": time,
        "_stored": stored,
    }


def read_xapi(
    path: str | os.PathLike | Sequence[str | os.PathLike], **options: Any
) -> pd.DataFrame:
    """Read xAPI statements into Events.

    *load* → *parse* (:func:`parse_xapi`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like or list of path-likes
        A statements file (JSON array, JSON lines, one statement, or an LRS
        response ``{"statements": [...], "more": ...}``; ``.gz`` read
        transparently), a folder of ``.json``/``.jsonl``/``.ndjson`` files or
        a list of files.
    **options
        ``on_error``, ``keep_text``, ``verbs``, ``tz``, ``default_timestamp`` (see
        :func:`parse_xapi`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import json, pathlib, tempfile, connectana as ca
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "lrs.json"
    >>> ann = {"account": {"homePage": "https://lms", "name": "ann"}}
    >>> bob = {"mbox": "mailto:bob@example.org", "name": "Bob"}
    >>> post = {"id": "s1", "actor": ann, "verb": {"id": "http://activitystrea.ms/create"},
    ...         "object": {"id": "https://lms/post/1"}, "timestamp": "2024-01-01T10:00:00Z"}
    >>> reply = {"id": "s2", "actor": bob,
    ...          "verb": {"id": "http://adlnet.gov/expapi/verbs/commented"},
    ...          "object": {"objectType": "StatementRef", "id": "s1"},
    ...          "timestamp": "2024-01-01T12:00:00+02:00"}
    >>> _ = p.write_text(json.dumps({"statements": [post, reply], "more": ""}))
    >>> ev = ca.read_events(p, format="xapi")
    >>> ev[["action", "target"]].values.tolist()
    [['post', <NA>], ['comment', 'https://lms|ann']]
    >>> ev["actor"].str.startswith("mbox_sha1sum:").tolist()
    [False, True]
    """
    on_error = options.get("on_error", "raise")
    check_on_error(on_error)
    files = input_files(path, suffixes=(".json", ".jsonl", ".ndjson"))
    report = IngestReport(source=source_name(path), format="xapi")
    lines = Located(
        ((str(f), n, value) for f in files for n, value in iter_json(f, report, on_error)),
        dict(zip(map(str, files), file_labels(files), strict=True)),
    )
    return parse_xapi(lines, source=source_name(path), report=report, **options)


def parse_xapi(
    data: Any,
    *,
    source: str | None = None,
    report: IngestReport | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
    verbs: Mapping[str, str] | None = None,
    tz: str | None = None,
    default_timestamp: Any = None,
) -> pd.DataFrame:
    """Parse xAPI statements into Events.

    Parameters
    ----------
    data : list, dict or DataFrame
        Loaded statements: a list of statements (record *n* is the *n*-th), an
        LRS response ``{"statements": [...], "more": ...}`` or one statement;
        a DataFrame is read as a list of statements.
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    report : IngestReport, optional
        The report the load step already counted in (given by the reader).
    on_error : {"raise", "skip"}
        ``"raise"``: a broken JSON line (not JSON, or not UTF-8) or a record
        that is not a usable statement is an
        :class:`~connectana.errors.InputError` naming the file, the line
        (JSON lines) or record number (documents) and the field. ``"skip"``:
        set aside and counted by reason. A document that cannot be decoded or
        parsed at all is a :class:`~connectana.errors.FormatError` whatever
        ``on_error``.
    keep_text : bool
        Keep ``result.response`` (else the object's description) as ``text``.
    verbs : mapping, optional
        Verb IRI → action, checked before :data:`VERB_ACTIONS`.
    tz : str, optional
        Zone of timestamps written without an offset (else an error).
    default_timestamp : timestamp-like, optional
        Time given to statements with neither ``timestamp`` nor ``stored``
        (statements as an emitter writes them before an LRS stores them, e.g.
        Moodle logstore_xapi's fixtures); counted as ``timestamp defaulted``.
        Without it such statements are set aside as ``missing timestamp``
        whatever ``on_error`` (a legitimate statement is no error), with a
        warning and a message naming this option.

    Returns
    -------
    DataFrame
        Events (platform ``xapi``; ``event_id`` = the statement id, else
        ``<file>:<line or record>``); ``attrs["ingest"]`` holds the report.

    Notes
    -----
    **Actors.** :func:`actor_key` normalises mbox / mbox_sha1sum / openid /
    account into one key; ``name`` is never read and ``mbox`` is hashed.

    **Verbs.** The last segment of the verb IRI is looked up in
    :data:`VERB_ACTIONS` (replied/responded/answered → ``reply``, commented →
    ``comment``, posted/create/asked/authored → ``post``, shared → ``share``,
    viewed/experienced → ``view``, liked/voted → ``react``, ...; anything else
    → ``other``). A ``post`` whose context names a thread (a grouping or
    parent activity of type ``.../discussion``, ``.../forum-topic`` or
    ``.../thread``) other than its object is a contribution to that thread
    and is read as ``reply`` (Open edX posts threads, responses and comments
    with the same verb).

    **Voiding.** A statement with verb ``.../voided`` removes the statement it
    references: both are set aside (``voiding statement``, ``voided``); a
    reference to a statement not read is counted as ``voided statement not
    found``.

    **Reply targets**, in this order, for ``reply``/``comment`` events (in
    time order): (1) ``context.statement`` references the answered statement:
    target = its actor; (2) the object is a StatementRef: target = the
    referenced statement's actor; (3) the object is an activity that an
    earlier ``post``, reply or comment created (the emitter's object is the
    *parent*, e.g. ADL ``commented`` on a post): ``parent_id`` = that activity
    and target = its author; (4) otherwise the object is the *new* post and
    the parent is only in ``contextActivities`` (Moodle logstore_xapi
    ``replied``: object ``discuss.php?d=1#p1``, parent ``discuss.php?d=1``;
    Open edX ``posted``: object ``.../comments/<id>``, grouping
    ``.../threads/<id>``): the target stays empty and is counted as ``no
    reply target`` — build the network with a fallback (``fallback="star"``)
    or another tie definition. Referenced statements that were not read are
    counted as ``parent missing``. ``react``/``share``/``view``/``edit``/
    ``delete`` events address their object (``object_id``); their target is
    the object's author when known. Whatever the verb, an object that is an
    Agent or Group is the target.

    ``thread_id``: the thread-typed context activity; else, for a ``post``,
    the object, for a reply or comment the first parent/grouping activity
    that is not a course (or the referenced statement's thread). ``context``: the
    course-typed context activity, else ``context.platform``. ``role`` is
    ``instructor`` when ``context.instructor`` is the actor, else empty.
    Statements without ``timestamp`` use ``stored`` (counted as ``timestamp
    from stored``). An LRS response with a non-empty ``more`` link is a
    partial export: counted as ``more pages not read`` and warned about.

    Examples
    --------
    >>> from connectana.io.xapi import parse_xapi
    >>> stmt = {"id": "s1", "actor": {"account": {"homePage": "https://lms", "name": "ann"}},
    ...         "verb": {"id": "http://adlnet.gov/expapi/verbs/commented"},
    ...         "object": {"id": "https://lms/forum/1"}, "timestamp": "2024-01-01T10:00:00Z"}
    >>> parse_xapi([stmt])[["event_id", "actor", "action"]].values.tolist()
    [['s1', 'https://lms|ann', 'comment']]
    """
    check_on_error(on_error)
    if verbs:
        wrong = {k: v for k, v in verbs.items() if v not in ACTIONS}
        if wrong:
            raise ParameterError(f"verbs maps to action(s) outside {list(ACTIONS)}: {wrong}")
    source = memory_label(data) if source is None else source
    if report is None:
        report = IngestReport(source=source, format="xapi")
    report.options.update(tz=tz, default_timestamp=default_timestamp)
    data = located(data, source)
    rows: list[dict] = []
    voids: list[tuple[str, str]] = []  # (voided id, voiding event id)
    k, last = 0, None
    for f, lineno, value in data:
        if f != last:  # statements of a document are numbered within each file
            k, last = 0, f
        label = data.label(f)
        for stmt in _statements(value, report):
            k += 1
            row_no = k if _is_document(value) else lineno
            report.read += 1
            try:
                row = _statement(stmt, verbs)
            except BadRecord as bad:
                raise_or_skip(bad, on_error=on_error, report=report, file=f, row=row_no)
                continue
            eid = row["_id"] or f"{label}:{row_no}"
            if row["_void"] is not None:
                report.set_aside_record("voiding statement", eid)
                voids.append((row["_void"], eid))
                continue
            row[EVENT_ID] = eid
            row["_where"] = (f, row_no)
            rows.append(row)
    rows = _drop_duplicates(rows, report)
    rows = _apply_voids(rows, voids, report)
    times = _times(rows, report, on_error=on_error, tz=tz, default=default_timestamp)
    keep = times.notna().to_numpy()
    rows = [r for r, ok in zip(rows, keep, strict=True) if ok]
    times = times[keep].reset_index(drop=True)
    order = np.argsort(times.to_numpy(), kind="stable")
    rows = [rows[i] for i in order]
    times = times.iloc[order].reset_index(drop=True)
    _resolve_xapi(rows, report)
    cols = (EVENT_ID, ACTOR, ACTION, OBJECT_ID, PARENT_ID, THREAD_ID, TARGET, CONTEXT, ROLE, TEXT)
    df = pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in cols})
    df[TIMESTAMP] = times.astype("datetime64[ns, UTC]")
    return make_events(df, platform=PLATFORM, report=report, resolve=False, keep_text=keep_text)


def _is_document(value: Any) -> bool:
    return isinstance(value, list) or (isinstance(value, dict) and "statements" in value)


def _statements(value: Any, report: IngestReport) -> list:
    """The statements of one JSON value: a list, an LRS response or one."""
    if isinstance(value, list):
        out = []
        for v in value:
            out.extend(_statements(v, report) if _is_document(v) else [v])
        return out
    if isinstance(value, dict) and "statements" in value and "verb" not in value:
        more = text_or_none(value.get("more"))
        if more:
            report.notes["more pages not read"] += 1
            msg = (
                f"the LRS response links more statements ({more}): this export is one "
                "page; fetch the following pages to read them all"
            )
            report.messages.append(msg)
            warnings.warn(msg, stacklevel=4)
        stmts = value["statements"]
        return list(stmts) if isinstance(stmts, list) else [stmts]
    return [value]


def _drop_duplicates(rows: list[dict], report: IngestReport) -> list[dict]:
    seen: set[str] = set()
    out = []
    for r in rows:
        if r[EVENT_ID] in seen:
            report.set_aside_record("duplicate id", r[EVENT_ID])
            continue
        seen.add(r[EVENT_ID])
        out.append(r)
    return out


def _apply_voids(
    rows: list[dict], voids: list[tuple[str, str]], report: IngestReport
) -> list[dict]:
    if not voids:
        return rows
    voided = {v for v, _ in voids}
    ids = {r[EVENT_ID] for r in rows}
    missing = len(voided - ids)
    if missing:
        report.notes["voided statement not found"] += missing
    out = []
    for r in rows:
        if r[EVENT_ID] in voided:
            report.set_aside_record("voided", r[EVENT_ID])
        else:
            out.append(r)
    return out


def _times(
    rows: list[dict], report: IngestReport, *, on_error: str, tz: str | None, default: Any
) -> pd.Series:
    raw = [r["_time"] for r in rows]
    info: dict = {}
    times = parse_timestamps(raw, tz=tz, on_error="mask", info=info)
    bad, no_off = info["bad"], info["no_offset"]
    n_stored = sum(1 for r, b in zip(rows, bad | no_off, strict=True) if r["_stored"] and not b)
    if n_stored:
        report.notes["timestamp from stored"] += n_stored
    missing = np.array([text_or_none(v) is None for v in raw], dtype=bool)
    if default is not None and missing.any():
        when = pd.Timestamp(default)
        if when.tzinfo is None:
            raise ParameterError("default_timestamp must carry a time zone (e.g. '...Z')")
        times[missing] = when.tz_convert("UTC")
        report.notes["timestamp defaulted"] += int(missing.sum())
        bad = bad & ~missing
    for i in np.flatnonzero(bad | no_off):
        f, row_no = rows[i]["_where"]
        if missing[i]:
            # as an emitter writes a statement before an LRS stores it: a legitimate
            # statement, set aside (not an error) and said below
            err = BadRecord(
                "statement has neither timestamp nor stored",
                field="timestamp",
                expected="an ISO 8601 time (or default_timestamp=...)",
                aside="missing timestamp",
                fatal=False,
            )
        elif no_off[i]:
            err = BadRecord(
                "timestamp has no UTC offset and no tz was given",
                field="timestamp",
                found=raw[i],
                expected="an offset, or tz='...'",
                aside="bad timestamp",
            )
        else:
            err = BadRecord(
                "unparseable timestamp",
                field="timestamp",
                found=raw[i],
                expected="an ISO 8601 time",
                aside="bad timestamp",
            )
        raise_or_skip(err, on_error=on_error, report=report, file=f, row=row_no)
        times[i] = pd.NaT
    n_missing = int((missing & bad).sum())
    if n_missing:
        msg = (
            f"{n_missing} statement(s) have neither timestamp nor stored (statements as an "
            "emitter writes them, before an LRS stores them) and are set aside as 'missing "
            "timestamp'; give default_timestamp='...Z' to keep them"
        )
        report.messages.append(msg)
        warnings.warn(msg, UserWarning, stacklevel=4)
    return times


def _resolve_xapi(rows: list[dict], report: IngestReport) -> None:
    """Fill object, parent, thread and target of each row (rows in time order)."""
    by_id = {r[EVENT_ID]: r for r in rows}
    author: dict[str, str] = {}
    notes = report.notes
    for r in rows:
        action, oid, otype = r[ACTION], r["_oid"], r["_otype"]
        activity = oid if otype == "Activity" else None
        ref_id = oid if otype == "StatementRef" else None
        thread = r["_thread"]
        if action == "post" and thread is not None and thread != activity:
            action = r[ACTION] = "reply"
            notes["post in a thread read as reply"] += 1
        r[OBJECT_ID] = activity
        if action == "post":
            r[THREAD_ID] = thread or activity
            if activity is not None:
                author.setdefault(activity, r[ACTOR])
            continue
        r[THREAD_ID] = thread
        if action in ("reply", "comment"):
            r[THREAD_ID] = thread or next(iter(r["_parents"]), None)
            ref_id = r["_ctxref"] or ref_id
            if r["_oagent"] is not None:  # answering a person directly
                r[TARGET] = r["_oagent"]
            elif ref_id is not None:
                ref = by_id.get(ref_id)
                if ref is None:
                    r[PARENT_ID] = f"statement:{ref_id}"
                    notes["parent missing"] += 1
                else:
                    r[TARGET] = ref[ACTOR]
                    r[PARENT_ID] = ref.get(OBJECT_ID) or ref.get("_oid") or f"statement:{ref_id}"
                    if r[THREAD_ID] is None:
                        r[THREAD_ID] = ref.get(THREAD_ID)
                    notes["target from statement reference"] += 1
                if activity is not None:
                    author.setdefault(activity, r[ACTOR])
            elif activity is not None and activity in author:
                r[OBJECT_ID] = None
                r[PARENT_ID] = activity
                r[TARGET] = author[activity]
                notes["target from object author"] += 1
            else:
                if activity is not None:
                    author.setdefault(activity, r[ACTOR])
                notes["no reply target"] += 1
            continue
        # react, share, view, edit, delete, other: the object addressed
        if r["_oagent"] is not None:
            r[TARGET] = r["_oagent"]
        elif ref_id is not None and ref_id in by_id:
            r[TARGET] = by_id[ref_id][ACTOR]
        elif activity is not None:
            r[TARGET] = author.get(activity)
