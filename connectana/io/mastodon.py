"""Mastodon statuses (API ``Status`` entities saved as JSON) into Events."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import FormatError, InputError
from ..events import (
    ACTION,
    ACTOR,
    CONTEXT,
    EVENT_ID,
    OBJECT_ID,
    PARENT_ID,
    TARGET,
    TEXT,
    THREAD_ID,
    TIMESTAMP,
    IngestReport,
    make_events,
)
from ..extract import RESOURCES
from .common import BadRecord, as_id, check_on_error, get, load_json, text_or_none, url_host
from .memory import json_value, memory_label
from .structured import mastodon_resources
from .timestamps import parse_timestamps

__all__ = ["read_mastodon", "parse_mastodon"]

#: Keys under which a saved file may hold its array of statuses.
LIST_KEYS: tuple[str, ...] = ("statuses", "items", "data", "orderedItems", "descendants")


def _id(value: Any, field: str) -> str | None:
    """Mastodon ids are strings (64-bit); tolerate ints written by other tools.
    Raises BadRecord for other types."""
    return as_id(value, field=field)


def _checked(s: Any) -> tuple[str, str, dict]:
    """(status id, account id, normalised fields) of one status; raises BadRecord."""
    if not isinstance(s, dict):
        raise BadRecord("status is not a JSON object", found=type(s).__name__)
    account = s.get("account")
    if not isinstance(account, dict):
        raise BadRecord(
            "status lacks a required field", field="account.id", expected="a Mastodon Status entity"
        )
    sid = _id(s.get("id"), "id")
    aid = _id(account.get("id"), "account.id")
    for field, value in (("id", sid), ("account.id", aid)):
        if value is None:
            raise BadRecord(
                "status lacks a required field", field=field, expected="a Mastodon Status entity"
            )
    if not s.get("created_at"):
        raise BadRecord(
            "status lacks a required field", field="created_at", expected="a Mastodon Status entity"
        )
    reblog = s.get("reblog")
    if reblog is not None and not isinstance(reblog, dict):
        raise BadRecord("reblog is not a status", field="reblog", found=reblog)
    mentions = s.get("mentions")
    if mentions is not None and not isinstance(mentions, list):
        raise BadRecord("mentions is not a list", field="mentions", found=mentions)
    url = s.get("url") or s.get("uri")
    fields = {
        "parent": _id(s.get("in_reply_to_id"), "in_reply_to_id"),
        "parent_account": _id(s.get("in_reply_to_account_id"), "in_reply_to_account_id"),
        "original": _id(reblog.get("id"), "reblog.id") if reblog else None,
        "original_account": _id(get(reblog, "account", "id"), "reblog.account.id")
        if reblog
        else None,
        "mentions": [
            _id(m.get("id"), "mentions.id") for m in mentions or [] if isinstance(m, dict)
        ],
        "host": url_host(url),
        "acct": text_or_none(account.get("acct")),
        "bot": bool(account.get("bot")),
        "text": s.get("content") if isinstance(s.get("content"), str) else None,
    }
    return sid, aid, fields


_AP_TYPES = ("Create", "Announce")


def _note_status(activity: dict) -> dict | None:
    """One ActivityPub activity of a Mastodon account archive (``outbox.json``) as the
    Status fields this reader uses, or None when it is no status (see parse_mastodon)."""
    kind, actor = activity.get("type"), text_or_none(activity.get("actor"))
    obj = activity.get("object")
    if kind == "Create" and isinstance(obj, dict):
        author = text_or_none(obj.get("attributedTo")) or actor
        tags = obj.get("tag") if isinstance(obj.get("tag"), list) else []
        return {
            "id": obj.get("id"),
            "created_at": obj.get("published") or activity.get("published"),
            "account": {"id": author},
            "in_reply_to_id": obj.get("inReplyTo"),
            "mentions": [
                {"id": t.get("href")}
                for t in tags
                if isinstance(t, dict) and t.get("type") == "Mention"
            ],
            "url": obj.get("url") if isinstance(obj.get("url"), str) else obj.get("id"),
            "content": obj.get("content"),
            "_activitypub": True,
        }
    if kind == "Announce":
        original = obj.get("id") if isinstance(obj, dict) else obj
        return {
            "id": activity.get("id"),
            "created_at": activity.get("published"),
            "account": {"id": actor},
            "reblog": {"id": original, "account": {"id": None}},
            "url": activity.get("id"),
            "_activitypub": True,
        }
    return None


def _from_activitypub(statuses: list, report: IngestReport) -> list:
    """Statuses, with the activities of an account archive's ``outbox.json`` turned into
    Status fields; a reply's target is its parent's author when the parent is read."""
    if not any(isinstance(s, dict) and s.get("type") in _AP_TYPES for s in statuses):
        return statuses
    out = []
    for s in statuses:
        if isinstance(s, dict) and "type" in s and "account" not in s:
            st = _note_status(s)
            if st is None:  # counted in report.read by the caller
                report.set_aside_record("not a status", {"id": text_or_none(s.get("id"))})
                continue
            s = st
        out.append(s)
    author = {
        text_or_none(s.get("id")): get(s, "account", "id") for s in out if isinstance(s, dict)
    }
    unknown = 0
    for s in out:
        if isinstance(s, dict) and s.get("_activitypub") and s.get("in_reply_to_id"):
            parent = author.get(text_or_none(s["in_reply_to_id"]))
            s["in_reply_to_account_id"] = parent
            unknown += parent is None
    report.notes["ActivityPub activities read"] += sum(
        1 for s in out if isinstance(s, dict) and s.get("_activitypub")
    )
    if unknown:
        report.notes["reply to a status not in the archive (target unknown)"] += unknown
    return out


def _context_focus(ancestors: list, descendants: list) -> tuple[str, str] | None:
    """A ``/context`` response holds neither the focal status nor its id: the id is
    the parent that descendants answer but that is in neither list; the focal
    status answers the last ancestor (Mastodon lists them root first). Returns
    ``(focal id, its parent)`` when both are known."""
    known = {text_or_none(x.get("id")) for x in ancestors + descendants if isinstance(x, dict)}
    missing = [text_or_none(x.get("in_reply_to_id")) for x in descendants if isinstance(x, dict)]
    missing = [m for m in dict.fromkeys(missing) if m is not None and m not in known]
    last = ancestors[-1] if ancestors and isinstance(ancestors[-1], dict) else None
    parent = text_or_none(last.get("id")) if last is not None else None
    if len(missing) != 1 or parent is None:
        return None
    return missing[0], parent


def _statuses(doc: Any, path: Any) -> list:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if "id" in doc and isinstance(doc.get("account"), dict):  # GET /statuses/:id
            return [doc]
        parts = [doc.get("ancestors"), doc.get("descendants")]
        if all(isinstance(p, list) for p in parts):  # GET /statuses/:id/context
            return parts[0] + parts[1]
        for key in LIST_KEYS:
            if isinstance(doc.get(key), list):
                return doc[key]
    found = sorted(doc)[:8] if isinstance(doc, dict) else type(doc).__name__
    raise FormatError(
        "no array of statuses found",
        file=path,
        found=found,
        expected=f"a JSON array of Status entities, or one under a key among {list(LIST_KEYS)}",
    )


def read_mastodon(path: str | os.PathLike, **options: Any) -> pd.DataFrame:
    """Read saved Mastodon statuses (a JSON file) into Events.

    *load* (:func:`~connectana.io.common.load_json`) → *parse*
    (:func:`parse_mastodon`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        A JSON file of statuses (see :func:`parse_mastodon` for its shapes).
    **options
        ``mentions``, ``reblogs``, ``on_error``, ``keep_text``, ``extract``
        (see :func:`parse_mastodon`).

    Returns
    -------
    DataFrame
        Events (platform ``mastodon``); ``attrs["ingest"]`` is the report.

    Examples
    --------
    >>> import json, pathlib, tempfile, connectana as ca
    >>> st = [{"id": "1", "created_at": "2024-01-01T10:00:00Z", "account": {"id": "7"}},
    ...       {"id": "2", "created_at": "2024-01-01T11:00:00Z", "account": {"id": "8"},
    ...        "in_reply_to_id": "1", "in_reply_to_account_id": "7"}]
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "statuses.json"
    >>> _ = p.write_text(json.dumps(st))
    >>> ev = ca.read_events(p, format="mastodon")
    >>> ev[["actor", "action", "target", "thread_id"]].values.tolist()
    [['7', 'post', <NA>, '1'], ['8', 'reply', '7', '1']]
    """
    check_on_error(options.get("on_error", "raise"))
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    doc = load_json(path, expected="a JSON array of Mastodon statuses")
    return parse_mastodon(doc, source=str(path), **options)


def parse_mastodon(
    doc: Any,
    *,
    source: str | None = None,
    mentions: bool = True,
    reblogs: bool = True,
    on_error: str = "raise",
    keep_text: bool = False,
    extract: Any = (),
) -> pd.DataFrame:
    """Parse Mastodon statuses (API ``Status`` entities, loaded JSON) into Events.

    Parameters
    ----------
    doc : list, dict or DataFrame
        The loaded JSON: an array of statuses (a timeline, an account's statuses,
        search results), one Status (a ``GET /statuses/:id`` response), an
        object holding the array under one of :data:`LIST_KEYS`, or a
        ``/context`` response (``ancestors`` + ``descendants``; the focal
        status, which it does not hold, is inferred so that the thread stays
        one). A DataFrame is read as its rows. The ``outbox.json`` of a
        Mastodon account archive (*Preferences › Import and export › Request
        your archive*; ActivityPub ``Create`` activities of ``Note`` objects
        and ``Announce`` boosts) is read too: people are then the actors' URIs
        (``https://host/users/name``), not API account ids, so do not mix the
        two in one analysis. A reply's target is its parent's author when the
        parent is in the archive (else unknown, counted); mentions come from
        the ``Mention`` tags; other activities are set aside as ``not a
        status``.
    source : str, optional
        The name errors and the report give the input (default: a
        description of the value, ``<in-memory list, N records>``).
    mentions : bool
        Add a ``mention`` event for each account a status mentions.
    reblogs : bool
        Read reblogs (boosts) as ``share`` events; ``False`` sets them aside
        as ``"reblog"``.
    on_error : {"raise", "skip"}
        ``"raise"``: a status without an id, an account id or a readable
        ``created_at``, or with an id, ``mentions`` or ``reblog`` of the wrong
        type, is an :class:`~connectana.errors.InputError` naming the file,
        the record and the field. ``"skip"`` sets such statuses aside
        (``"invalid record"``). A file that is not UTF-8 JSON is a
        :class:`~connectana.errors.FormatError` whatever ``on_error``.
    keep_text : bool
        Keep ``content`` (HTML) and add an ``acct`` column (the account's
        ``user@domain`` handle) as display information.
    extract : bool or iterable of str
        Set by ``read_events(..., extract=...)``: also read each status's
        ``tags`` and preview ``card`` (:func:`connectana.io.structured.mastodon_resources`).

    Returns
    -------
    DataFrame
        Events (platform ``mastodon``); ``attrs["ingest"]`` is the report.

    Notes
    -----
    - Actor = ``account.id`` (a string). ``object_id`` = ``event_id`` = the
      status id; ``context`` = the host of the status ``url`` (the instance).
    - A status with ``in_reply_to_id`` is a ``reply``: ``parent_id`` = that id,
      ``target`` = ``in_reply_to_account_id`` (stated by the source, so known
      even when the parent is not in the file). Others are ``post``.
    - ``thread_id`` = the root reached by following ``in_reply_to_id`` through
      the statuses read (the last id known when the chain leaves the file).
    - A reblog is a ``share`` by the booster targeting the reblogged status's
      author, ``parent_id`` = the reblogged status's id. The embedded original
      is not read as an event of its own.
    - Mentions give ``mention`` events (``<status id>:mention:<account id>``);
      Mastodon mentions the person answered in every reply, so a reply also
      yields a mention of its target. Derived events are produced, not read:
      ``report.read`` = statuses read + mention events (notes give both).
    - Statuses by accounts flagged ``bot`` are set aside as ``"bot"``;
      duplicates (same id) as ``"duplicate"``.

    Examples
    --------
    >>> from connectana.io.mastodon import parse_mastodon
    >>> st = {"id": "1", "created_at": "2024-01-01T10:00:00Z", "account": {"id": "7"}}
    >>> parse_mastodon(st)[["actor", "action"]].values.tolist()
    [['7', 'post']]
    """
    check_on_error(on_error)
    path = source = memory_label(doc) if source is None else source
    doc = json_value(doc)
    statuses = _statuses(doc, path)
    report = IngestReport(source=source, format="mastodon")
    statuses = _from_activitypub(statuses, report)
    report.options.update(mentions=mentions, reblogs=reblogs)

    valid = []
    for i, s in enumerate(statuses, start=1):
        try:
            sid, aid, fields = _checked(s)
        except BadRecord as bad:
            if on_error == "raise":
                raise InputError(
                    bad.reason,
                    file=path,
                    row=i,
                    field=bad.field,
                    found=bad.found,
                    expected=bad.expected,
                ) from None
            report.set_aside_record("invalid record", {"record": i})
            continue
        valid.append((i, s, sid, aid, fields))
    times = parse_timestamps(
        pd.Series([s["created_at"] for _, s, _, _, _ in valid], dtype=object),
        file=path,
        field="created_at",
        on_error=on_error,
    )
    parent_of = {sid: f["parent"] for _, _, sid, _, f in valid}
    focus = None
    if (
        isinstance(doc, dict)
        and isinstance(doc.get("descendants"), list)
        and isinstance(doc.get("ancestors"), list)
    ):
        focus = _context_focus(doc["ancestors"], doc["descendants"])
    if focus is not None and focus[0] not in parent_of:
        # the focal status of a /context response is absent: its replies and its
        # ancestors are still one thread
        parent_of[focus[0]] = focus[1]
        report.options["context_focal_status"] = focus[0]
        report.messages.append(
            f"a /context response: the focal status {focus[0]} is not in it (fetch "
            "/statuses/:id to read it); its replies are kept in the ancestors' thread"
        )

    def root(sid: str) -> str:
        seen = set()
        while parent_of.get(sid) and sid not in seen:
            seen.add(sid)
            sid = parent_of[sid]
        return sid

    rows = []
    seen: set[str] = set()
    derived: Counter = Counter()
    for (i, s, sid, aid, f), t in zip(valid, times, strict=True):
        where = {"record": i, "id": sid}
        reblog = f["original"] is not None or bool(s.get("reblog"))
        if pd.isna(t):
            reason = "invalid record"
        elif f["bot"]:
            reason = "bot"
        elif sid in seen:
            reason = "duplicate"
        elif reblog and not reblogs:
            reason = "reblog"
        else:
            reason = None
        if reason:
            report.set_aside_record(reason, where)
            continue
        seen.add(sid)
        base = {TIMESTAMP: t, ACTOR: aid, CONTEXT: f["host"], "acct": f["acct"]}
        if isinstance(s.get("reblog"), dict):
            original = f["original"]
            rows.append(
                {
                    **base,
                    EVENT_ID: sid,
                    ACTION: "share",
                    OBJECT_ID: sid,
                    PARENT_ID: original,
                    THREAD_ID: root(original) if original else sid,
                    TARGET: f["original_account"],
                    TEXT: None,
                }
            )
            continue
        parent = f["parent"]
        thread = root(sid)
        rows.append(
            {
                **base,
                EVENT_ID: sid,
                ACTION: "reply" if parent else "post",
                OBJECT_ID: sid,
                PARENT_ID: parent,
                THREAD_ID: thread,
                TARGET: f["parent_account"] if parent else None,
                TEXT: f["text"],
            }
        )
        if extract:
            rows[-1][RESOURCES] = mastodon_resources(s)
        if mentions:
            for mid in f["mentions"]:
                if mid is None or f"{sid}:mention:{mid}" in seen:
                    continue
                seen.add(f"{sid}:mention:{mid}")
                derived["mention"] += 1
                rows.append(
                    {
                        **base,
                        EVENT_ID: f"{sid}:mention:{mid}",
                        ACTION: "mention",
                        OBJECT_ID: None,
                        PARENT_ID: sid,
                        THREAD_ID: thread,
                        TARGET: mid,
                        TEXT: None,
                    }
                )
    report.read = len(statuses) + derived["mention"] + report.set_aside["not a status"]
    report.notes["statuses read"] = len(statuses)
    if derived["mention"]:
        report.notes["derived mention events"] = derived["mention"]
    columns = [EVENT_ID, TIMESTAMP, ACTOR, ACTION, OBJECT_ID, PARENT_ID, THREAD_ID, TARGET]
    columns += [CONTEXT, TEXT, "acct"] + ([RESOURCES] if extract else [])
    if extract:  # links to the instances of the statuses are internal
        report.options["platform_hosts"] = sorted({r[CONTEXT] for r in rows if r[CONTEXT]})
    df = pd.DataFrame(rows, columns=columns)
    if not keep_text:
        df = df.drop(columns="acct")
    df[TIMESTAMP] = pd.to_datetime(df[TIMESTAMP], utc=True)
    return make_events(df, platform="mastodon", report=report, keep_text=keep_text)
