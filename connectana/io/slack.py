"""Slack workspace exports (standard export, a .zip or its unpacked folder) into Events.

Layout: ``users.json``, ``channels.json`` (and ``groups.json``, ``dms.json``,
``mpims.json`` in some export types) and one folder per channel holding one
``YYYY-MM-DD.json`` array of messages per day.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from ..errors import ConnectanaError, FormatError, InputError
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
)
from ..extract import RESOURCES
from .common import (
    BadRecord,
    as_id,
    check_on_error,
    parse_json,
    read_zip_member,
    text_or_none,
)
from .memory import json_value, memory_label
from .structured import slack_resources

__all__ = ["read_slack", "parse_slack", "SlackExport", "CONTENT_SUBTYPES"]

#: Message subtypes written by people (everything else is a system message,
#: except ``bot_message`` and ``tombstone``/``message_deleted``).
CONTENT_SUBTYPES: tuple[str, ...] = (
    "",
    "thread_broadcast",
    "file_share",
    "file_comment",
    "me_message",
    "message_replied",
)
_META = ("channels.json", "groups.json", "dms.json", "mpims.json")
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_TS = re.compile(r"^(\d+)(?:\.(\d{1,9}))?$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class _Export:
    """Uniform access to the files of an export, zipped or not."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.used = 0  # bytes decompressed from the zip so far (under max_bytes)
        if path.is_dir():
            self.zip = None
            names = [p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()]
        elif zipfile.is_zipfile(path):
            try:
                self.zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise FormatError(
                    f"the export archive cannot be read ({exc})",
                    file=path,
                    expected="a complete .zip export",
                ) from None
            names = [n for n in self.zip.namelist() if not n.endswith("/")]
        elif path.exists():
            raise FormatError(
                "not a Slack export", file=path, expected="a .zip export or its unpacked folder"
            )
        else:
            raise InputError("file not found", file=path)
        users = sorted((n for n in names if PurePosixPath(n).name == "users.json"), key=len)
        if not users:
            raise FormatError("no users.json in the export", file=path, expected="a Slack export")
        root = PurePosixPath(users[0]).parent
        self.root = "" if str(root) == "." else f"{root}/"
        self.names = [n[len(self.root) :] for n in names if n.startswith(self.root)]

    def load(self, name: str) -> Any:
        where = f"{self.path}/{name}" if self.zip is None else f"{self.path}!{name}"
        try:
            if self.zip is None:
                raw = (self.path / self.root / name).read_bytes()
            else:
                raw = read_zip_member(self.zip, self.root + name, file=self.path, used=self.used)
                self.used += len(raw)
        except ConnectanaError:
            raise  # over max_bytes, named already
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise FormatError(f"cannot read the file ({exc})", file=where) from None
        return parse_json(raw, file=where, expected="a JSON array")

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def channels(self) -> dict[str, list[str]]:
        """Folder -> its day files, in date order."""
        out: dict[str, list[str]] = {}
        for n in self.names:
            parts = n.split("/")
            if len(parts) == 2 and _DAY_FILE.match(parts[1]):
                out.setdefault(parts[0], []).append(n)
        return {k: sorted(v) for k, v in sorted(out.items())}


def _ts_time(ts: str) -> pd.Timestamp | None:
    m = _TS.match(ts)
    if not m:
        return None
    seconds = int(m.group(1)) if len(m.group(1)) <= 12 else None
    if seconds is None or seconds > 9_223_372_035:  # beyond datetime64[ns] (2262)
        return None
    ns = seconds * 1_000_000_000 + int((m.group(2) or "0").ljust(9, "0"))
    return pd.Timestamp(ns, unit="ns", tz="UTC")


def _file_owner(m: dict) -> str | None:
    """Who shared the file a legacy ``file_comment`` comments on."""
    f = m.get("file")
    if not isinstance(f, dict):
        return None
    try:
        return as_id(f.get("user"), field="file.user")
    except BadRecord:
        return None


def _message_fields(m: Any) -> tuple[str, pd.Timestamp, str | None, str, str | None]:
    """(ts, time, user, subtype, thread_ts) of a message; raises BadRecord."""
    if not isinstance(m, dict):
        raise BadRecord("message is not a JSON object", found=type(m).__name__)
    ts = text_or_none(m.get("ts")) or ""
    time = _ts_time(ts)
    if time is None:
        raise BadRecord(
            "message without a valid ts",
            field="ts",
            found=m.get("ts"),
            expected="ts like '1736478514.897649'",
        )
    user = as_id(m.get("user"), field="user")
    comment = m.get("comment")
    if not user and m.get("subtype") == "file_comment" and isinstance(comment, dict):
        user = as_id(comment.get("user"), field="comment.user")  # legacy: author in comment
    if not user and not m.get("bot_id"):
        raise BadRecord(
            "message without an author", field="user", found=m.get("user"), expected="a user id"
        )
    subtype = m.get("subtype") or ""
    if not isinstance(subtype, str):
        raise BadRecord("subtype is not a string", field="subtype", found=subtype)
    thread_ts = as_id(m.get("thread_ts"), field="thread_ts")
    return ts, time, user, subtype, thread_ts


def _reactions(m: dict) -> list[dict]:
    """The well-formed reactions of a message, ``{"name": str, "users": [str]}``, one per
    emoji (a reaction listed twice is merged, so derived event ids stay unique)."""
    users_of: dict[str | None, dict[str, None]] = {}
    reactions = m.get("reactions")
    for r in reactions if isinstance(reactions, list) else []:
        users = r.get("users") if isinstance(r, dict) else None
        if isinstance(users, list):
            same = users_of.setdefault(text_or_none(r.get("name")), {})
            same.update(dict.fromkeys(u for u in map(text_or_none, users) if u is not None))
    return [{"name": name, "users": list(users)} for name, users in users_of.items()]


def read_slack(path: str | os.PathLike, **options: Any) -> pd.DataFrame:
    """Read a Slack export (.zip or folder) into Events.

    *load* (the export's JSON files, under ``max_bytes``) → *parse*
    (:func:`parse_slack`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        The export's ``.zip`` or the folder it unpacks to (``users.json`` may
        sit in a sub-folder of the archive).
    **options
        ``mentions``, ``reactions``, ``on_error``, ``keep_text``, ``extract``
        (see :func:`parse_slack`).

    Returns
    -------
    DataFrame
        Events (platform ``slack``); ``attrs["ingest"]`` is the report.

    Examples
    --------
    >>> import json, pathlib, tempfile, connectana as ca
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "users.json").write_text(json.dumps([{"id": "U1"}, {"id": "U2"}]))
    >>> (d / "general").mkdir()
    >>> msgs = [{"ts": "1700000000.000100", "user": "U1", "thread_ts": "1700000000.000100"},
    ...         {"ts": "1700000060.000200", "user": "U2", "thread_ts": "1700000000.000100"}]
    >>> _ = (d / "general" / "2023-11-14.json").write_text(json.dumps(msgs))
    >>> ev = ca.read_events(d, format="slack")
    >>> ev[["actor", "action", "target"]].values.tolist()
    [['U1', 'post', <NA>], ['U2', 'reply', 'U1']]
    """
    check_on_error(options.get("on_error", "raise"))
    path = Path(path)
    export = _Export(path)
    try:
        meta = {m: export.load(m) for m in _META if m in export.names}
        channels = (
            (channel, ((day, export.load(day)) for day in days))
            for channel, days in export.channels().items()
        )
        data = SlackExport(export.load("users.json"), meta, channels, prefix=f"{path}/")
        return parse_slack(data, source=str(path), **options)
    finally:
        export.close()


class SlackExport:
    """A Slack export as its load step hands it to :func:`parse_slack`.

    ``users`` is ``users.json``; ``meta`` maps ``channels.json``,
    ``groups.json``, ``dms.json``, ``mpims.json`` (those present) to their
    JSON; ``channels`` yields ``(channel, days)`` with ``days`` an iterable of
    ``(file name, JSON array of messages)``, read lazily one channel at a
    time. ``prefix`` + a file name is how errors name a file.
    """

    def __init__(
        self,
        users: Any,
        meta: Mapping[str, Any],
        channels: Iterable[tuple[str, Iterable[tuple[str, Any]]]],
        *,
        prefix: str = "",
    ) -> None:
        self.users = users
        self.meta = dict(meta)
        self.channels = channels
        self.prefix = prefix


def _in_memory(data: Any, users: Any, dms: Any, source: str) -> SlackExport:
    if isinstance(data, pd.DataFrame):
        data = json_value(data)
    if isinstance(data, Mapping) and isinstance(data.get("messages"), list) and "ok" in data:
        data = data["messages"]  # a Web API response (conversations.history / .replies)
    if isinstance(data, (list, tuple)):
        # messages of the Web API carry their channel; an export's day file does not
        by_channel: dict[str, list] = {}
        for m in data:
            channel = text_or_none(m.get("channel")) if isinstance(m, dict) else None
            by_channel.setdefault(channel or "messages", []).append(m)
        data = by_channel
    if not isinstance(data, Mapping):
        raise InputError(
            f"cannot read a {type(data).__name__} as Slack messages",
            file=source,
            expected="a {channel: [messages]} mapping or a list of messages",
        )
    channels = []
    for channel, value in data.items():
        if isinstance(value, Mapping):  # {day: [messages]}
            days = [(f"{channel}/{d}", v) for d, v in sorted(value.items())]
        else:
            days = [(str(channel), value)]
        channels.append((str(channel), days))
    meta = {} if dms is None else {"dms.json": dms}
    return SlackExport([] if users is None else users, meta, channels, prefix=f"{source}: ")


def parse_slack(
    data: Any,
    *,
    source: str | None = None,
    users: Any = None,
    dms: Any = None,
    mentions: bool = True,
    reactions: bool = True,
    on_error: str = "raise",
    keep_text: bool = False,
    extract: Any = (),
) -> pd.DataFrame:
    """Parse Slack messages (a loaded export, or messages in memory) into Events.

    Parameters
    ----------
    data : SlackExport, mapping or list
        What :func:`read_slack` loaded from an export, or messages in memory:
        a ``{channel: [messages]}`` mapping (one channel's messages in any
        order; a channel's list may also be split by day as ``{day: [...]}``)
        or a list of messages (grouped by their ``channel`` field, as the Web
        API writes them, else channel ``messages``), or a Web API response
        (``conversations.history`` / ``conversations.replies``: ``{"ok": true,
        "messages": [...]}``).
    source : str, optional
        The name errors and the report give the input (default
        ``<in-memory ...>``).
    users : list of dict, optional
        In-memory input: the export's ``users.json`` (who is a bot, who is a
        workspace admin). Without it no one is known as a bot or staff.
    dms : list of dict, optional
        In-memory input: the export's ``dms.json`` (a one-to-one direct
        message channel's top-level messages are then ``message`` events to
        the other member).
    mentions : bool
        Add a ``mention`` event for each distinct person ``<@U…>``-mentioned
        in a kept message.
    reactions : bool
        Add a ``react`` event for each person reacting to a kept message.
    on_error : {"raise", "skip"}
        ``"raise"``: a message without a valid ``ts`` (one that fits
        1677-2262) or an author, or whose ``user``, ``subtype`` or
        ``thread_ts`` has the wrong type, is an
        :class:`~connectana.errors.InputError` naming the file, the record and
        the field. ``"skip"`` sets such messages aside (reason ``"invalid
        record"``). A file of the export that is not UTF-8 JSON is a
        :class:`~connectana.errors.FormatError` whatever ``on_error``.
    keep_text : bool
        Keep the message text (Slack mrkdwn).
    extract : bool or iterable of str
        Set by ``read_events(..., extract=...)``: also read the resources of
        the structured fields (``files``, ``attachments``, ``blocks``; see
        :func:`connectana.io.structured.slack_resources`).

    Returns
    -------
    DataFrame
        Events (platform ``slack``); ``attrs["ingest"]`` is the report.

    Notes
    -----
    - A whole channel is loaded before threading: replies sit in the day file
      of their own date, not their parent's.
    - A message with no ``thread_ts`` or with ``thread_ts == ts`` is a
      ``post``; one with ``thread_ts != ts`` is a ``reply`` whose
      ``parent_id`` is ``<channel>:<thread_ts>`` and whose ``target`` is
      ``parent_user_id`` when present, else the author of the parent (found
      among *all* messages, set aside ones included: a deleted ``tombstone``
      parent still gives its author; a bot parent gives no target). In a
      one-to-one direct-message folder (in ``dms.json`` with two members) a
      top-level message is a ``message`` to the other member. A legacy
      ``file_comment`` (author in ``comment.user``) is a ``comment`` whose
      target is the file's owner; its text is the comment, not Slack's
      "<@U…> commented on …" line.
      ``object_id`` = ``event_id`` =
      ``<channel>:<ts>`` with ``ts`` kept as the exact string; ``thread_id``
      = ``<channel>:<thread_ts or ts>``; ``context`` = the channel (folder)
      name; timestamps are the ``ts`` epoch (UTC) to the microsecond.
    - Set aside: ``"system"`` (joins, leaves, topic changes and every subtype
      not in :data:`CONTENT_SUBTYPES`), ``"bot"`` (``bot_message``, a
      ``bot_id`` without a user, or a user flagged ``is_bot``), ``"deleted"``
      (``tombstone``, ``message_deleted``), ``"duplicate"`` (same channel and
      ``ts`` seen before).
    - Derived events (produced, not read): mentions give ``mention`` events
      (``event_id`` ``<message id>:mention:<user>``, ``target`` the person
      mentioned, ``parent_id`` the message; a mention of the author, as in
      Slack's own "<@U…> uploaded a file", is counted in the notes, not
      produced), reactions give ``react`` events
      (``<message id>:react:<emoji>:<user>``, ``target`` the message's
      author, at the message's time since exports do not date reactions).
      Mentions of and reactions by bots are not produced (noted). Convention:
      ``report.read`` = messages read + derived events, so that read == kept
      + set aside holds; ``report.notes`` gives ``"messages read"``,
      ``"derived mention events"`` and ``"derived react events"``.
    - ``role``: ``instructor`` for workspace admins and owners (``is_admin``,
      ``is_owner``, ``is_primary_owner``), empty for everyone else (Slack
      does not say who is a student).

    Examples
    --------
    >>> from connectana.io.slack import parse_slack
    >>> msgs = [{"ts": "1700000000.000100", "user": "U1", "thread_ts": "1700000000.000100"},
    ...         {"ts": "1700000060.000200", "user": "U2", "thread_ts": "1700000000.000100"}]
    >>> parse_slack({"general": msgs})[["actor", "action", "target"]].values.tolist()
    [['U1', 'post', <NA>], ['U2', 'reply', 'U1']]
    """
    check_on_error(on_error)
    source = memory_label(data) if source is None else source
    if not isinstance(data, SlackExport):
        data = _in_memory(data, users, dms, source)
    prefix = data.prefix
    report = IngestReport(source=source, format="slack")
    report.options.update(mentions=mentions, reactions=reactions)
    if extract:  # links to the workspace are internal (connectana.extract)
        report.options["platform_hosts"] = ["slack.com"]

    users = data.users
    if not isinstance(users, list):
        raise FormatError("users.json is not a list of users", file=f"{prefix}users.json")
    bots = {text_or_none(u.get("id")) for u in users if isinstance(u, dict) and u.get("is_bot")}
    staff = {
        text_or_none(u.get("id"))
        for u in users
        if isinstance(u, dict)
        and (u.get("is_admin") or u.get("is_owner") or u.get("is_primary_owner"))
    }
    listed: set[str] = set()
    dm_members: dict[str, list] = {}  # 1:1 direct-message folder -> its two members
    for meta, found in data.meta.items():
        found = [] if found is None else found
        if not isinstance(found, list):
            raise FormatError(
                f"{meta} is not a list", file=f"{prefix}{meta}", found=type(found).__name__
            )
        for c in found:
            if isinstance(c, dict):
                names = [text_or_none(c.get(k)) for k in ("name", "id")]
                names = [n for n in names if n is not None]
                listed.update(names)
                members = c.get("members")
                members = (
                    [text_or_none(u) for u in members or []] if isinstance(members, list) else []
                )
                if meta == "dms.json" and len(members) == 2 and all(members):
                    dm_members.update({n: members for n in names})

    rows: list[dict] = []
    derived: Counter = Counter()
    n_messages = 0
    for channel, days in data.channels:
        if listed and channel not in listed:
            report.notes["channel folder not in channels.json"] += 1
        messages = []
        for day, arr in days:
            if not isinstance(arr, list):
                raise FormatError("day file is not a JSON array", file=f"{prefix}{day}")
            for i, m in enumerate(arr, start=1):
                messages.append((day, i, m))
        n_messages += len(messages)
        # the author of every message with a ts, kept or not (parents may be deleted)
        author = {
            text_or_none(m["ts"]): text_or_none(m.get("user"))
            for _, _, m in messages
            if isinstance(m, dict) and text_or_none(m.get("ts")) is not None
        }
        seen: set[str] = set()
        for day, i, m in messages:
            where = {"file": day, "record": i}
            try:
                ts, time, user, subtype, thread_ts = _message_fields(m)
            except BadRecord as bad:
                if on_error == "raise":
                    raise InputError(
                        bad.reason,
                        file=f"{prefix}{day}",
                        row=i,
                        field=bad.field,
                        found=bad.found,
                        expected=bad.expected,
                    ) from None
                report.set_aside_record("invalid record", where)
                continue
            where["ts"] = ts
            if subtype in ("tombstone", "message_deleted"):
                reason = "deleted"
            elif subtype == "bot_message" or not user or user in bots:
                reason = "bot"
            elif subtype not in CONTENT_SUBTYPES:
                reason = "system"
            elif ts in seen:
                reason = "duplicate"
            else:
                reason = None
            if reason:
                report.set_aside_record(reason, where)
                continue
            seen.add(ts)
            mid = f"{channel}:{ts}"
            thread_ts = thread_ts or ts
            thread = f"{channel}:{thread_ts}"
            role = "instructor" if user in staff else None
            base = {TIMESTAMP: time, ACTOR: user, THREAD_ID: thread, CONTEXT: channel, ROLE: role}
            if thread_ts != ts:
                target = text_or_none(m.get("parent_user_id")) or author.get(thread_ts)
                if thread_ts not in author:
                    report.notes["parent not in export"] += 1
                if target in bots:
                    report.notes["reply to a bot: no target"] += 1
                    target = None
                row = {EVENT_ID: mid, ACTION: "reply", PARENT_ID: f"{channel}:{thread_ts}"}
                row[TARGET] = target
            elif channel in dm_members:
                other = [u for u in dm_members[channel] if u != user]
                row = {EVENT_ID: mid, ACTION: "message", PARENT_ID: None}
                row[TARGET] = other[0] if other else user
            elif subtype == "file_comment":  # legacy: a comment on someone's file
                owner = _file_owner(m)
                row = {EVENT_ID: mid, ACTION: "comment", PARENT_ID: None}
                row[TARGET] = owner if owner != user else None
            else:
                row = {EVENT_ID: mid, ACTION: "post", PARENT_ID: None, TARGET: None}
            text = m.get("text") if isinstance(m.get("text"), str) else None
            if subtype == "file_comment" and isinstance(m.get("comment"), dict):
                said = m["comment"].get("comment")  # Slack's "<@U1> commented on ..." is not said
                text = said if isinstance(said, str) else None
            rows.append({**base, **row, OBJECT_ID: mid, TEXT: text})
            if extract:
                rows[-1][RESOURCES] = slack_resources(m)
            if mentions:
                for uid in dict.fromkeys(_MENTION.findall(text or "")):
                    if uid in bots:
                        report.notes["mention of a bot not produced"] += 1
                        continue
                    if uid == user:  # Slack's own "<@U1> uploaded a file", or naming oneself
                        report.notes["self-mention not produced"] += 1
                        continue
                    derived["mention"] += 1
                    rows.append(
                        {**base, EVENT_ID: f"{mid}:mention:{uid}", ACTION: "mention"}
                        | {OBJECT_ID: None, PARENT_ID: mid, TARGET: uid}
                    )
            if reactions:
                for r in _reactions(m):
                    for uid in dict.fromkeys(r["users"]):
                        if uid in bots:
                            report.notes["reaction by a bot not produced"] += 1
                            continue
                        derived["react"] += 1
                        rows.append(
                            {
                                **base,
                                EVENT_ID: f"{mid}:react:{r['name']}:{uid}",
                                ACTOR: uid,
                                ACTION: "react",
                                OBJECT_ID: None,
                                PARENT_ID: mid,
                                TARGET: user,
                                ROLE: "instructor" if uid in staff else None,
                            }
                        )
    report.read = n_messages + sum(derived.values())
    report.notes["messages read"] = n_messages
    for kind, n in derived.items():
        report.notes[f"derived {kind} events"] = n
    columns = [EVENT_ID, TIMESTAMP, ACTOR, ACTION, OBJECT_ID, PARENT_ID, THREAD_ID, TARGET]
    columns += [CONTEXT, ROLE, TEXT] + ([RESOURCES] if extract else [])
    df = pd.DataFrame(rows, columns=columns)
    df[TIMESTAMP] = pd.to_datetime(df[TIMESTAMP], utc=True)
    return make_events(df, platform="slack", report=report, keep_text=keep_text)
