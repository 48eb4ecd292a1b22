"""Canvas LMS readers: the discussion topic "full view" and Live Events.

* :func:`read_canvas_discussion` — the JSON of
  ``GET /api/v1/courses/:course_id/discussion_topics/:topic_id/view``
  (entries nested in ``replies``), one file or a folder of them.
* :func:`read_canvas_events` — Live Events ``discussion_entry_created`` and
  ``discussion_topic_created``, in the Canvas format (``metadata`` +
  ``body``) or the IMS Caliper form, as one JSON object, an array or JSON
  lines.

People are keyed on Canvas user ids, normalised to local ids (see
:func:`local_id`). Display names and message text are dropped unless
``keep_text=True``. Each reader is *load* (``read_canvas_*``: the files) →
*parse* (``parse_canvas_*``: loaded or in-memory JSON) → ``make_events``.

The module is over 800 lines: two readers of one platform that share its id rules
(global shard-prefixed ids made local, :func:`local_id`) and time rules, each with the
real-export shapes it handles documented where it handles them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FormatError, InputError
from ..events import (
    ACTION,
    ACTOR,
    CONTEXT,
    DISPLAY_NAME,
    EVENT_ID,
    OBJECT_ID,
    PARENT_ID,
    PLATFORM,
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
    BadRecord,
    as_id,
    check_on_error,
    get,
    input_files,
    iter_json,
    load_json,
    raise_or_skip,
    set_aside_rows,
    text_or_none,
)
from .memory import Located, json_value, located, memory_label
from .timestamps import parse_timestamps

__all__ = [
    "read_canvas_discussion",
    "parse_canvas_discussion",
    "read_canvas_events",
    "parse_canvas_events",
    "local_id",
    "SHARD_FACTOR",
]

PLATFORM_NAME = "canvas"

#: Canvas global ids are ``shard_id * SHARD_FACTOR + local_id``.
SHARD_FACTOR = 10**13

_FLAT_MESSAGE = (
    "no entry answers another entry (a flat discussion): the reply rule gives no ties; "
    "pick a tie rule that infers them, e.g. build_network(ev, ties='star') or "
    "ties='copresence'"
)


def local_id(value: Any, home_shard: int | None = None) -> str | None:
    """A Canvas id as a local id string (``None`` when missing).

    Global (shard-prefixed) ids ``shard * 10**13 + local`` lose their shard
    when it is ``home_shard`` (the shard of the institution's root account,
    where local ids live) or when no home shard is known; an id of another
    shard (a user or object of another institution, as Canvas shows it in
    the home shard) keeps its global form, so that it cannot merge with the
    local id it shares digits with. URNs
    (``urn:instructure:canvas:user:21070000000098765``) lose their prefix.

    Examples
    --------
    >>> from connectana.io.canvas import local_id
    >>> local_id("21070000000098765"), local_id(98765), local_id("urn:instructure:canvas:user:5")
    ('98765', '98765', '5')
    >>> local_id("21070000000098765", home_shard=2107), local_id("30000000000098765", home_shard=2107)
    ('98765', '30000000000098765')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    s = str(value).strip()
    if s.startswith("urn:"):
        s = s.rsplit(":", 1)[-1]
    if s == "":
        return None
    if s.isascii() and s.isdigit() and len(s) <= 40:
        n = int(s)
        if home_shard is not None and n >= SHARD_FACTOR and n // SHARD_FACTOR != home_shard:
            return str(n)
        return str(n % SHARD_FACTOR)
    return s


def _entry_id(value: Any, field: str, home_shard: int | None = None) -> str | None:
    """A Canvas id field made local; BadRecord when it is not a string or an integer."""
    return local_id(as_id(value, field=field), home_shard)


def _shard(value: Any) -> int | None:
    """The shard of a global id (a user id, ``root_account_id``), None for anything else."""
    s = "" if value is None else str(value).strip().rsplit(":", 1)[-1]
    if s.isascii() and s.isdigit() and len(s) <= 40 and int(s) >= SHARD_FACTOR:
        return int(s) // SHARD_FACTOR
    return None


def _times(
    df: pd.DataFrame,
    column: str,
    keep: np.ndarray,
    path: Path,
    report: IngestReport,
    on_error: str,
    what: str,
) -> tuple[pd.Series, np.ndarray]:
    """ISO 8601 times of ``column``; rows without one are set aside (or raise).

    Canvas writes UTC times (``2019-07-03T23:12:34Z``); a time without an
    offset is read as UTC, as the Canvas API documents. Returns the times and
    the updated ``keep`` mask.
    """
    values = df[column]
    iso = values.map(lambda v: v if isinstance(v, str) and _ISO_START.match(v) else None)
    ts = parse_timestamps(
        iso.astype(object), file=path, field="created_at", tz="UTC", on_error="skip"
    )
    keep = keep & set_aside_rows(
        keep & ts.isna().to_numpy(),
        "unparseable timestamp",
        report,
        df["where"],
        on_error=on_error,
        error=lambda i: InputError(
            f"{what} has no valid created_at",
            file=path,
            row=df["where"].iloc[i],
            field="created_at",
            found=values.iloc[i],
            expected="an ISO 8601 time",
        ),
    )
    return ts, keep


_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")

# ---------------------------------------------------------------------------
# discussion topic full view


def _is_entry(e: Any) -> bool:
    """An entry of the entries API (not a view object)."""
    return isinstance(e, dict) and "view" not in e and "id" in e and "user_id" in e


def _entry_tree(e: dict) -> dict:
    """An entries-API entry as a view entry: ``recent_replies`` are its ``replies``."""
    if "replies" in e or "recent_replies" not in e:
        return e
    return dict(e, replies=e["recent_replies"])


def _topic_views(data: Any, path: Any, thread: str) -> Iterator[tuple[str, dict]]:
    """(thread id, view object) pairs of one file."""
    if isinstance(data, dict) and "view" in data:
        yield str(data.get("topic_id", thread)), data
    elif isinstance(data, dict) and isinstance(data.get("child_topics"), dict):
        for tid, view in data["child_topics"].items():
            yield from _topic_views(view, path, str(tid))
    elif isinstance(data, list) and data and all(_is_entry(e) for e in data):
        # GET .../discussion_topics/:id/entries: top-level entries, each with its first
        # replies in recent_replies (or GET .../entries/:id/replies: replies, flat)
        yield thread, {"view": [_entry_tree(e) for e in data], "_entries_api": True}
    elif isinstance(data, list):
        for i, view in enumerate(data):
            if not isinstance(view, dict) or "view" not in view:
                raise FormatError(
                    "list item is not a topic view",
                    file=path,
                    row=i + 1,
                    found=type(view).__name__,
                    expected="objects with a 'view' key",
                )
            yield str(view.get("topic_id", f"{thread}.{i + 1}")), view
    else:
        raise FormatError(
            "not a Canvas discussion view",
            file=path,
            found=sorted(data)[:8] if isinstance(data, dict) else type(data).__name__,
            expected="the JSON of /discussion_topics/:id/view (an object with 'view'), a list "
            "of them, {'child_topics': {topic_id: view}}, or the entries API's list of "
            "entries",
        )


def _walk(entries: Any, parent: Any, path: Any, where: str) -> Iterator[tuple[Any, Any]]:
    """(entry, container id) of a view tree, depth first; a malformed part is yielded
    as (BadRecord, where) for the caller to raise or set aside."""
    if entries is None:
        return
    if not isinstance(entries, list):
        if where == "view":
            raise FormatError(
                "'view' is not a list", file=path, field="view", found=type(entries).__name__
            )
        yield (
            BadRecord(
                "'replies' is not a list",
                field="replies",
                found=type(entries).__name__,
                expected="a list of entries",
                aside="invalid field",
            ),
            where,
        )
        return
    for e in entries:
        if not isinstance(e, dict) or "id" not in e:
            bad = BadRecord(
                "entry is not an object with an 'id'",
                field="id",
                found=str(e)[:60],
                aside="missing id",
            )
            yield bad, where
            continue
        yield e, parent
        yield from _walk(e.get("replies"), e["id"], path, f"replies of entry {e['id']}")


def read_canvas_discussion(path: str | os.PathLike, **options: Any) -> pd.DataFrame:
    """Read Canvas discussion topic views (``/discussion_topics/:id/view``) into Events.

    *load* → *parse* (:func:`parse_canvas_discussion`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        One JSON file, or a folder of them (one topic each).
    **options
        ``topic_id``, ``topic_author``, ``context``, ``on_error``, ``keep_text`` (see
        :func:`parse_canvas_discussion`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import connectana as ca, json, pathlib, tempfile
    >>> view = {"participants": [], "view": [{"id": 1, "user_id": 10, "parent_id": None,
    ...     "created_at": "2024-01-01T10:00:00Z", "replies": [{"id": 2, "user_id": 11,
    ...     "parent_id": 1, "created_at": "2024-01-01T11:00:00Z"}]}]}
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "topic_55.json"
    >>> _ = p.write_text(json.dumps(view))
    >>> ev = ca.read_events(p, format="canvas_discussion")
    >>> ev[["actor", "target", "thread_id"]].values.tolist()
    [['10', <NA>, '55'], ['11', '10', '55']]
    """
    check_on_error(options.get("on_error", "raise"))
    files = input_files(Path(path), suffixes=(".json", ".jsonl"))
    views = [(str(f), 1, load_json(f, expected="a Canvas discussion view (JSON)")) for f in files]
    return parse_canvas_discussion(Located(views), source=str(path), **options)


def parse_canvas_discussion(
    data: Any,
    *,
    source: str | None = None,
    topic_id: str | int | None = None,
    topic_author: str | int | None = None,
    context: str | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
) -> pd.DataFrame:
    """Parse Canvas discussion topic views (``/discussion_topics/:id/view``) into Events.

    Parameters
    ----------
    data : dict, list or DataFrame
        A loaded ``/discussion_topics/:id/view`` response, a list of them, or
        ``{"child_topics": {topic_id: view}}`` (a DataFrame: a list of views).
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    topic_id : str or int, optional
        The topic's id (``thread_id``). Default: the first number in the file
        name (``topic_123.json`` → ``123``), else ``"topic"`` (the file name
        for a folder's files).
    topic_author : str or int, optional
        User id of the topic's author: entries answering the topic itself
        (``parent_id`` null) then have this target.
    context : str, optional
        Value of the ``context`` column (e.g. the course id).
    on_error : {"raise", "skip"}
        ``"skip"`` sets aside entries without a user or a valid
        ``created_at``, with an id of the wrong type, or a malformed
        ``replies`` (instead of raising an
        :class:`~connectana.errors.InputError` naming the entry and the
        field).
    keep_text : bool
        Keep ``message`` (HTML) as ``text`` and the participants' names in a
        ``display_name`` column.

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the :class:`IngestReport`.

    Notes
    -----
    The ``view`` tree is walked depth first; an entry nested in ``replies``
    without a ``parent_id`` gets its container's id. ``new_entries`` not
    already in the view are appended (the view is a cache and can lag).
    Every entry is a ``reply`` (``event_id`` = ``object_id`` = its id,
    ``actor`` = ``user_id``); its ``target`` is the author of its parent
    entry, or ``topic_author`` for entries answering the topic. Deleted
    entries (``deleted: true``, no user) are set aside as ``deleted``; their
    replies keep their ``parent_id`` and their target stays unknown (counted
    in the report's notes). Supported layouts: one view object; a list of
    view objects (e.g. the child topics of a group discussion, thread ids
    ``<topic>.1``, ``<topic>.2``... unless an object has ``topic_id``);
    ``{"child_topics": {topic_id: view, ...}}``; or the entries API's list
    (``GET .../discussion_topics/:id/entries``: top-level entries with their
    first replies in ``recent_replies``; entries with ``has_more_replies``
    are counted and a message says how to fetch the rest). Ids are normalised with
    :func:`local_id`. Times are ISO 8601; one without an offset is read as
    UTC, as the Canvas API documents. An entry id already read in another
    view (or file) is set aside as ``duplicate``; an entry whose ``id``,
    ``user_id`` or ``parent_id`` is not a string or an integer is an
    :class:`~connectana.errors.InputError` (``on_error="skip"``: set aside as
    ``invalid field``).

    Examples
    --------
    >>> from connectana.io.canvas import parse_canvas_discussion
    >>> view = {"topic_id": 55, "view": [{"id": 1, "user_id": 10,
    ...     "created_at": "2024-01-01T10:00:00Z"}]}
    >>> parse_canvas_discussion(view)[["actor", "thread_id"]].values.tolist()
    [['10', '55']]
    """
    check_on_error(on_error)
    path = source = memory_label(data) if source is None else source
    from_files = isinstance(data, Located)
    docs = list(data) if from_files else [(source, 1, json_value(data))]
    report = IngestReport(source=source, format="canvas_discussion")
    author = local_id(topic_author)
    records: list[dict] = []
    names: dict[str, str] = {}
    taken: set[str] = set()  # entry ids of every view read
    for f, _, doc in docs:
        if topic_id is not None and len(docs) == 1:
            thread = str(topic_id)
        elif from_files:  # the topic id in the file name
            m = re.search(r"\d+", Path(f).stem)
            thread = m.group(0) if m else ("topic" if len(docs) == 1 else Path(f).stem)
        else:
            thread = "topic"
        name = Path(f).name
        for tid, view in _topic_views(doc, f, thread):
            if view.get("_entries_api"):
                report.notes["read from the entries API (recent_replies)"] += 1
                more = [
                    e.get("id")
                    for e in view["view"]
                    if isinstance(e, dict) and e.get("has_more_replies")
                ]
                if more:
                    report.notes["entry with more replies than recent_replies"] += len(more)
                    report.messages.append(
                        f"{name}: {len(more)} entries have more replies than the entries API "
                        "returns in recent_replies; fetch .../entries/:id/replies (or the "
                        "/view of the topic) and read them together"
                    )
            participants = view.get("participants")
            if participants is not None and not isinstance(participants, list):
                report.notes["'participants' is not a list (names not read)"] += 1
                participants = None
            for p in participants or []:
                pid = text_or_none(p.get("id")) if isinstance(p, dict) else None
                if pid is not None:
                    names[local_id(pid)] = text_or_none(p.get("display_name"))
            seen: set[str] = set()
            entries = list(_walk(view.get("view"), None, f, "view"))
            new = view.get("new_entries") or []
            if not isinstance(new, list):
                raise FormatError(
                    "'new_entries' is not a list",
                    file=f,
                    row=f"topic {tid}",
                    field="new_entries",
                    found=type(new).__name__,
                )
            items = entries + [(e, None) for e in new if isinstance(e, dict)]
            for k, (e, container) in enumerate(items, start=1):
                if isinstance(e, BadRecord):
                    report.read += 1
                    where = f"{name}: {container} of topic {tid}"
                    raise_or_skip(e, on_error=on_error, report=report, file=path, row=where)
                    continue
                parent = e.get("parent_id", container)
                try:
                    eid = _entry_id(e.get("id"), "id")
                    if eid is None:
                        raise BadRecord("entry has no id", field="id", aside="missing id")
                    user = _entry_id(e.get("user_id"), "user_id")
                    parent = _entry_id(container if parent is None else parent, "parent_id")
                except BadRecord as bad:
                    report.read += 1
                    where = f"{name}: entry #{k} of topic {tid}"
                    raise_or_skip(bad, on_error=on_error, report=report, file=path, row=where)
                    continue
                if eid in seen:
                    continue  # the view and new_entries overlap (the view is a cache)
                seen.add(eid)
                if eid in taken:
                    report.read += 1
                    report.set_aside_record("duplicate", f"{name}: entry {eid}")
                    continue
                taken.add(eid)
                records.append(
                    {
                        EVENT_ID: f"entry:{eid}",
                        OBJECT_ID: eid,
                        "user": user,
                        PARENT_ID: parent,
                        THREAD_ID: local_id(tid),
                        "created": e.get("created_at"),
                        "deleted": bool(e.get("deleted")),
                        TEXT: e.get("message") if isinstance(e.get("message"), str) else None,
                        "where": f"{name}: entry {eid}",
                    }
                )
    report.read += len(records)
    df = pd.DataFrame(
        records,
        columns=[
            EVENT_ID,
            OBJECT_ID,
            "user",
            PARENT_ID,
            THREAD_ID,
            "created",
            "deleted",
            TEXT,
            "where",
        ],
    )
    deleted = df["deleted"].to_numpy(dtype=bool)
    keep = set_aside_rows(deleted, "deleted", report, df["where"])
    keep &= set_aside_rows(
        keep & df["user"].isna().to_numpy(),
        "no user",
        report,
        df["where"],
        on_error=on_error,
        error=lambda i: InputError(
            "entry has no user_id",
            file=path,
            row=df["where"].iloc[i],
            field="user_id",
            expected="a user id",
        ),
    )
    ts, keep = _times(df, "created", keep, path, report, on_error, "entry")

    deleted_ids = set(df.loc[deleted, OBJECT_ID])
    to_topic = df[PARENT_ID].isna()
    rec = pd.DataFrame(
        {
            EVENT_ID: df[EVENT_ID],
            TIMESTAMP: ts,
            ACTOR: df["user"],
            ACTION: "reply",
            OBJECT_ID: df[OBJECT_ID],
            PARENT_ID: df[PARENT_ID],
            THREAD_ID: df[THREAD_ID],
            TARGET: np.where(to_topic, author, None) if author is not None else None,
            CONTEXT: context,
            PLATFORM: PLATFORM_NAME,
        }
    )
    if keep_text:
        rec[TEXT] = df[TEXT]
        rec[DISPLAY_NAME] = [names.get(u) for u in df["user"]]
    rec = rec[keep]
    n_deleted_parent = int(rec[PARENT_ID].isin(deleted_ids).sum())
    if n_deleted_parent:
        report.notes["reply to a deleted entry (target unknown)"] += n_deleted_parent
    n_topic = int(rec[PARENT_ID].isna().sum())
    if n_topic:
        if author is None:
            report.notes["reply to the topic (author unknown)"] += n_topic
            report.messages.append(
                f"{n_topic} entries answer the topic itself, whose author is not in the view: "
                "give topic_author= (the topic's user id) to tie them to the author"
            )
        else:
            report.notes["reply to the topic (topic_author)"] += n_topic
    if len(rec) and rec[PARENT_ID].isna().all():
        report.messages.append(_FLAT_MESSAGE)
    return make_events(rec, platform=PLATFORM_NAME, report=report, keep_text=keep_text)


# ---------------------------------------------------------------------------
# Live Events


def _event_records(obj: Any, where: str) -> Iterator[tuple[Any, str]]:
    """(event dict, where) pairs of one JSON value: an object, an array, a Caliper
    envelope or Instructure's documentation file with ``examples``."""
    if isinstance(obj, list):
        for i, o in enumerate(obj):
            yield from _event_records(o, f"{where}[{i}]")
    elif isinstance(obj, dict) and "examples" in obj and "payload" not in obj:
        examples = obj["examples"] if isinstance(obj["examples"], list) else []
        for i, ex in enumerate(examples):
            payload = ex.get("payload") if isinstance(ex, dict) else ex
            yield from _event_records(payload, f"{where} example {i + 1}")
    elif isinstance(obj, dict) and isinstance(obj.get("data"), list) and "sensor" in obj:
        for i, o in enumerate(obj["data"]):
            yield from _event_records(o, f"{where} data[{i}]")
    else:
        yield obj, where


_CALIPER_PARENT = re.compile(r"/entries/(\d+)/replies")


# Canvas field behind each id column (named in errors)
_EVENT_FIELDS = {
    OBJECT_ID: "discussion_entry_id",
    PARENT_ID: "parent_discussion_entry_id",
    THREAD_ID: "discussion_topic_id",
    "user": "user_id",
    CONTEXT: "context_id",
}


def _from_canvas(ev: dict) -> dict | None:
    meta = ev.get("metadata") if isinstance(ev.get("metadata"), dict) else {}
    body = ev.get("body") if isinstance(ev.get("body"), dict) else {}
    name = meta.get("event_name")
    user = body.get("user_id") or meta.get("user_id")
    role = text_or_none(meta.get("context_role"))
    ctx = meta.get("context_id")
    home = _shard(meta.get("root_account_id"))
    if name in ("discussion_entry_created", "discussion_entry_submitted"):
        eid = body.get("discussion_entry_id")
        return {
            "kind": "entry",
            OBJECT_ID: eid,
            PARENT_ID: body.get("parent_discussion_entry_id"),
            THREAD_ID: body.get("discussion_topic_id"),
            "user": user,
            "time": body.get("created_at") or meta.get("event_time"),
            "role": role,
            CONTEXT: ctx,
            TEXT: body.get("text"),
            "parent_from_url": False,
            "home": home,
        }
    if name == "discussion_topic_created":
        tid = body.get("discussion_topic_id")
        return {
            "kind": "topic",
            OBJECT_ID: None,
            PARENT_ID: None,
            THREAD_ID: tid,
            "user": user,
            "time": body.get("created_at") or meta.get("event_time") or body.get("updated_at"),
            "role": role,
            CONTEXT: body.get("context_id") or ctx,
            TEXT: body.get("body"),
            "parent_from_url": False,
            "home": home,
        }
    return None


def _from_caliper(ev: dict) -> dict | None:
    obj = ev.get("object") if isinstance(ev.get("object"), dict) else {}
    oid = text_or_none(obj.get("id")) or ""
    ext = get(ev, "extensions", "com.instructure.canvas")
    ext = ext if isinstance(ext, dict) else {}
    actor = get(ev, "actor", "id")
    roles = get(ev, "membership", "roles")
    role = text_or_none(roles[0]) if isinstance(roles, list) and roles else None
    ctx = get(ev, "group", "id")
    home = _shard(get(ev, "actor", "extensions", "com.instructure.canvas", "root_account_id"))
    if ":discussionEntry:" in oid:
        m = _CALIPER_PARENT.search(str(ext.get("request_url", "")))
        return {
            "kind": "entry",
            OBJECT_ID: oid,
            PARENT_ID: m.group(1) if m else None,
            THREAD_ID: get(obj, "isPartOf", "id"),
            "user": actor,
            "time": ev.get("eventTime"),
            "role": role,
            CONTEXT: ctx,
            TEXT: obj.get("body"),
            "parent_from_url": m is not None,
            "home": home,
        }
    if ":discussion:" in oid and ev.get("action") in ("Created", "Posted"):
        return {
            "kind": "topic",
            OBJECT_ID: None,
            PARENT_ID: None,
            THREAD_ID: oid,
            "user": actor,
            "time": ev.get("eventTime"),
            "role": role,
            CONTEXT: ctx,
            TEXT: obj.get("body"),
            "parent_from_url": False,
            "home": home,
        }
    return None


def read_canvas_events(path: str | os.PathLike, **options: Any) -> pd.DataFrame:
    """Read Canvas Live Events about discussions into Events.

    *load* → *parse* (:func:`parse_canvas_events`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        A JSON file (one event, an array of events, a Caliper envelope with
        ``data``, or Instructure's documentation file with ``examples``), a
        JSON-lines file, or a folder of such files.
    **options
        ``on_error``, ``keep_text`` (see :func:`parse_canvas_events`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import connectana as ca, json, pathlib, tempfile
    >>> e = {"metadata": {"event_name": "discussion_entry_created",
    ...      "user_id": "21070000000000007", "context_role": "StudentEnrollment"},
    ...      "body": {"discussion_entry_id": "5", "discussion_topic_id": "9",
    ...      "parent_discussion_entry_id": None, "user_id": "7",
    ...      "created_at": "2024-01-01T10:00:00Z"}}
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "events.jsonl"
    >>> _ = p.write_text(json.dumps(e) + "\\n")
    >>> ev = ca.read_events(p, format="canvas_events")
    >>> ev[["actor", "action", "thread_id", "role"]].values.tolist()
    [['7', 'reply', '9', 'student']]
    """
    on_error = options.get("on_error", "raise")
    check_on_error(on_error)
    report = IngestReport(source=str(path), format="canvas_events")
    files = input_files(Path(path), suffixes=(".json", ".jsonl"))
    lines = Located(
        (str(f), n, value) for f in files for n, value in iter_json(f, report, on_error)
    )
    return parse_canvas_events(lines, source=str(path), report=report, **options)


def parse_canvas_events(
    data: Any,
    *,
    source: str | None = None,
    report: IngestReport | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
) -> pd.DataFrame:
    """Parse Canvas Live Events about discussions into Events.

    Parameters
    ----------
    data : dict, list or DataFrame
        Loaded events: one event, a list of events, a Caliper envelope with
        ``data``, or Instructure's documentation file with ``examples``; a
        DataFrame is read as a list of events.
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    report : IngestReport, optional
        The report the load step already counted in (given by the reader).
    on_error : {"raise", "skip"}
        ``"skip"`` sets aside discussion events without a user or a valid
        time, with an id of the wrong type, and JSON lines that do not
        parse (instead of raising an error naming the line and the field).
    keep_text : bool
        Keep the entry's HTML (``body.text``, truncated by Canvas to 8192
        characters) as ``text``.

    Returns
    -------
    DataFrame
        Events with a ``role`` column; ``attrs["ingest"]`` holds the report.

    Notes
    -----
    ``discussion_entry_created`` (and ``discussion_entry_submitted``, its
    form for graded discussions, with the same body; when both come for one
    entry the second is a ``duplicate``) gives a ``reply``: ``object_id`` = the
    entry id, ``parent_id`` = ``body.parent_discussion_entry_id``,
    ``thread_id`` = the topic id, ``actor`` = the user; an entry with no
    parent answers the topic and targets the topic's author when a
    ``discussion_topic_created`` event for that topic is in the data (a
    ``post`` by ``metadata.user_id``; a ``discussion_topic_created`` without
    a user, as a course copy makes, is set aside as ``topic without a user``).
    The Caliper form (``MessageEvent``,
    object ``urn:instructure:canvas:discussionEntry:<id>``) has no
    ``replyTo``: the parent id is taken from
    ``extensions["com.instructure.canvas"].request_url``
    (``.../entries/62152/replies``) when present (counted in the notes).
    Global, shard-prefixed ids (``shard * 10**13 + local``) are normalised
    to local ids (:func:`local_id`) when they are on the shard of the event's
    ``root_account_id``; ids of another shard (users of another institution)
    keep their global form, so they never merge with a local id. ``role`` is
    ``metadata.context_role`` (Caliper: the first membership role)
    normalised by :func:`connectana.events.normalize_role`. The time is
    ``body.created_at``, else the event time (ISO 8601, UTC). Other event
    types are set aside as ``not a discussion event``; an event seen twice
    (e.g. in both formats) as ``duplicate``.

    Examples
    --------
    >>> from connectana.io.canvas import parse_canvas_events
    >>> e = {"metadata": {"event_name": "discussion_entry_created", "user_id": "7"},
    ...      "body": {"discussion_entry_id": "5", "discussion_topic_id": "9",
    ...      "user_id": "7", "created_at": "2024-01-01T10:00:00Z"}}
    >>> parse_canvas_events([e])[["actor", "action", "thread_id"]].values.tolist()
    [['7', 'reply', '9']]
    """
    check_on_error(on_error)
    path = source = memory_label(data) if source is None else source
    from_files = isinstance(data, Located)
    if report is None:
        report = IngestReport(source=source, format="canvas_events")
    if not from_files:
        data = located(data, source)
    rows: list[dict] = []
    n_global = n_foreign = 0
    for f, n, value in data:
        line = f"line {n}" if from_files else f"record {n}"
        for ev, where in _event_records(value, line):
            report.read += 1
            where = f"{Path(f).name}: {where}" if from_files else where
            rec = None
            if isinstance(ev, dict):
                rec = _from_canvas(ev) if "metadata" in ev or "body" in ev else _from_caliper(ev)
            if rec is None:
                report.set_aside_record("not a discussion event", where)
                continue
            try:
                home = rec.pop("home")
                shard = _shard(rec["user"])
                n_global += int(shard is not None)
                n_foreign += int(shard is not None and home is not None and shard != home)
                for c, field in _EVENT_FIELDS.items():
                    rec[c] = _entry_id(rec[c], field, home)
            except BadRecord as bad:
                raise_or_skip(bad, on_error=on_error, report=report, file=path, row=where)
                continue
            key = rec[OBJECT_ID] if rec["kind"] == "entry" else rec[THREAD_ID]
            rec[EVENT_ID] = f"{rec['kind']}:{key}"
            if not isinstance(rec[TEXT], str):
                rec[TEXT] = None
            rec["where"] = where
            rows.append(rec)
    cols = [
        "kind",
        EVENT_ID,
        OBJECT_ID,
        PARENT_ID,
        THREAD_ID,
        "user",
        "time",
        "role",
        CONTEXT,
        TEXT,
        "parent_from_url",
        "where",
    ]
    df = pd.DataFrame(rows, columns=cols)
    if n_global - n_foreign:
        report.notes["global user id made local"] += n_global - n_foreign
    if n_foreign:
        report.notes["user of another shard (global id kept)"] += n_foreign
    no_user = df["user"].isna().to_numpy()
    is_topic_event = (df["kind"] == "topic").to_numpy()
    # a topic made by a course copy or an import has no user: not an error, still counted
    keep = set_aside_rows(no_user & is_topic_event, "topic without a user", report, df["where"])
    keep &= set_aside_rows(
        no_user & ~is_topic_event,
        "no user",
        report,
        df["where"],
        on_error=on_error,
        error=lambda i: InputError(
            "discussion event has no user", file=path, row=df["where"].iloc[i], field="user_id"
        ),
    )
    ts, keep = _times(df, "time", keep, path, report, on_error, "discussion event")
    keep &= set_aside_rows(
        keep & df[EVENT_ID].duplicated(keep="first").to_numpy(), "duplicate", report, df["where"]
    )

    is_topic = (df["kind"] == "topic").to_numpy()
    rec = pd.DataFrame(
        {
            EVENT_ID: df[EVENT_ID],
            TIMESTAMP: ts,
            ACTOR: df["user"],
            ACTION: np.where(is_topic, "post", "reply"),
            OBJECT_ID: df[OBJECT_ID],
            PARENT_ID: df[PARENT_ID],
            THREAD_ID: df[THREAD_ID],
            TARGET: None,
            CONTEXT: df[CONTEXT],
            PLATFORM: PLATFORM_NAME,
            ROLE: [None if r is None else normalize_role(r) for r in df["role"]],
        }
    )
    if keep_text:
        rec[TEXT] = df[TEXT]
    rec = rec[keep]
    df = df[keep]
    n_url = int((df["parent_from_url"] & df[PARENT_ID].notna()).sum())
    if n_url:
        report.notes["parent id from the Caliper request_url"] += n_url
    # entries answering the topic: target = the topic's author when known
    topics = rec[rec[ACTION] == "post"].drop_duplicates(THREAD_ID).set_index(THREAD_ID)[ACTOR]
    entries = (rec[ACTION] == "reply").to_numpy()
    to_topic = entries & rec[PARENT_ID].isna().to_numpy()
    authors = rec[THREAD_ID].map(topics)
    known = to_topic & authors.notna().to_numpy()
    rec.loc[known, TARGET] = authors[known]
    if to_topic.sum() - known.sum():
        report.notes["reply to the topic (author unknown)"] += int(to_topic.sum() - known.sum())
    if known.any():
        report.notes["reply to the topic (topic_created event)"] += int(known.sum())
    if entries.any() and not (entries & rec[PARENT_ID].notna().to_numpy()).any():
        report.messages.append(_FLAT_MESSAGE)
    return make_events(rec, platform=PLATFORM_NAME, report=report, keep_text=keep_text)
