"""Discourse forum JSON (topic pages, posts lists) into Events.

Reads the JSON the Discourse API returns: a topic (``GET /t/{id}.json``, posts
under ``post_stream.posts``), a topic's posts (``GET /t/{id}/posts.json``), the
latest posts (``GET /posts.json``, under ``latest_posts``) or a single post
(``GET /posts/{id}.json``) — one file, or a folder of such files read together.
"""

from __future__ import annotations

import os
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
    as_int,
    check_on_error,
    get,
    input_files,
    load_json,
    text_or_none,
)
from .memory import Located, json_value, memory_label
from .structured import discourse_resources
from .timestamps import parse_timestamps

__all__ = ["read_discourse", "parse_discourse"]

#: post_type values: 1 regular, 2 moderator action, 3 small action, 4 whisper.
SYSTEM_POST_TYPES = (2, 3)
WHISPER_POST_TYPE = 4
BOT_USERNAMES = ("system", "discobot")


def _is_response(doc: Any) -> bool:
    """A whole API response (not a post)."""
    return isinstance(doc, dict) and (
        isinstance(doc.get("post_stream"), dict) or isinstance(doc.get("latest_posts"), list)
    )


def _posts_of(doc: Any, path: Any) -> tuple[list, Any]:
    """The posts of one API response and the topic's category (if stated)."""
    if isinstance(doc, dict):
        if isinstance(doc.get("post_stream"), dict):
            posts = doc["post_stream"].get("posts")
            if posts is not None and not isinstance(posts, list):
                raise FormatError(
                    "'post_stream.posts' is not a list",
                    file=path,
                    field="post_stream.posts",
                    found=type(posts).__name__,
                    expected="a list of posts",
                )
            return list(posts or []), text_or_none(doc.get("category_id"))
        if isinstance(doc.get("latest_posts"), list):
            return doc["latest_posts"], None
        if "post_number" in doc and "topic_id" in doc:
            return [doc], None
    elif isinstance(doc, list) and all(isinstance(p, dict) and "post_number" in p for p in doc):
        return doc, None
    keys = sorted(doc)[:8] if isinstance(doc, dict) else type(doc).__name__
    raise FormatError(
        "not a Discourse topic, posts list or post",
        file=path,
        found=keys,
        expected="'post_stream.posts', 'latest_posts' or a post with 'post_number'",
    )


def _checked(p: Any) -> dict:
    """The post with its ids and numbers checked and normalised (``_id``, ``_topic``,
    ``_number``, ``_to``, ``_user``, ``_username``); raises BadRecord."""
    if not isinstance(p, dict):
        raise BadRecord("post is not a JSON object", found=type(p).__name__)
    for key in ("id", "topic_id", "post_number", "created_at"):
        if p.get(key) is None:
            raise BadRecord("post lacks a required field", field=key)
    if p.get("user_id") is None and not p.get("username"):
        raise BadRecord("post has no author", field="user_id")
    out = dict(p)
    out["_id"] = as_id(p["id"], field="id")
    out["_topic"] = as_id(p["topic_id"], field="topic_id")
    for key, name in (("id", "_id"), ("topic_id", "_topic")):
        if out[name] is None:
            raise BadRecord("post lacks a required field", field=key)
    for key, name in (("post_number", "_number"), ("reply_to_post_number", "_to")):
        try:
            out[name] = as_int(p.get(key), field=key)
        except BadRecord:
            raise BadRecord(
                "post number is not an integer", field=key, found=p[key], expected="an integer"
            ) from None
    out["_user"] = as_id(p.get("user_id"), field="user_id")
    out["_username"] = as_id(p.get("username"), field="username")
    if out["_user"] is None and out["_username"] is None:
        raise BadRecord("post has no author", field="user_id")
    out["_category"] = as_id(p.get("category_id"), field="category_id")
    return out


def _check_stream(doc: Any, items: list, path: Any, report: IngestReport) -> None:
    """Discourse sends only the first ~20 posts of a topic: say when some are missing."""
    stream = get(doc, "post_stream", "stream")
    if not isinstance(stream, list):
        return
    have = {text_or_none(p.get("id")) for p in items if isinstance(p, dict)}
    missing = [i for i in stream if text_or_none(i) not in have]
    if missing:
        report.notes["posts in stream but not in file"] += len(missing)
        report.messages.append(
            f"{Path(path).name}: topic {doc.get('id')} lists {len(stream)} posts but the file holds "
            f"{len(stream) - len(missing)}; fetch the others with "
            f"/t/{doc.get('id')}/posts.json?post_ids[]=... and read them together"
        )


def _role(post: dict) -> str:
    if post.get("admin"):
        return "instructor"
    if post.get("moderator") or post.get("staff"):
        return "ta"
    return "student"


def _is_bot(post: dict) -> bool:
    uid = post["_user"]
    if uid is not None and uid.startswith("-") and uid[1:].isdigit():
        return True
    return (post["_username"] or "").lower() in BOT_USERNAMES


def read_discourse(path: str | os.PathLike, **options: Any) -> pd.DataFrame:
    """Read Discourse API JSON files (topics, posts lists, posts) into Events.

    *load* (each file's JSON) → *parse* (:func:`parse_discourse`, which
    documents ``**options``) → :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        A JSON file (``/t/{id}.json``, ``/t/{id}/posts.json``,
        ``/posts.json`` or ``/posts/{id}.json``) or a folder of such files,
        read together (a post seen twice is kept once).
    **options
        ``whispers``, ``on_error``, ``keep_text``, ``extract`` (see
        :func:`parse_discourse`).

    Returns
    -------
    DataFrame
        Events (platform ``discourse``); ``attrs["ingest"]`` is the report.

    Examples
    --------
    >>> import json, pathlib, tempfile, connectana as ca
    >>> posts = [{"id": 10, "topic_id": 5, "post_number": 1, "user_id": 1,
    ...           "created_at": "2024-01-01T10:00:00Z"},
    ...          {"id": 11, "topic_id": 5, "post_number": 2, "user_id": 2,
    ...           "reply_to_post_number": 1, "created_at": "2024-01-01T11:00:00Z"}]
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.json"
    >>> _ = p.write_text(json.dumps({"id": 5, "post_stream": {"posts": posts}}))
    >>> ev = ca.read_events(p, format="discourse")
    >>> ev[["actor", "action", "parent_id", "target"]].values.tolist()
    [['1', 'post', <NA>, <NA>], ['2', 'reply', '10', '1']]
    """
    check_on_error(options.get("on_error", "raise"))
    files = input_files(Path(path), suffixes=(".json",))
    docs = Located(
        (str(f), 1, load_json(f, expected="a Discourse API JSON response")) for f in files
    )
    return parse_discourse(docs, source=str(path), **options)


def parse_discourse(
    data: Any,
    *,
    source: str | None = None,
    whispers: bool = False,
    on_error: str = "raise",
    keep_text: bool = False,
    extract: Any = (),
) -> pd.DataFrame:
    """Parse Discourse API JSON (topics, posts lists, posts; loaded) into Events.

    Parameters
    ----------
    data : dict, list or DataFrame
        One loaded API response (``/t/{id}.json``, ``/t/{id}/posts.json``,
        ``/posts.json`` or ``/posts/{id}.json``), a list of posts, or a list
        of such responses (read together: a post seen twice is kept once);
        a DataFrame is read as a list of posts.
    source : str, optional
        The name errors and the report give the input (default
        ``<in-memory ...>``).
    whispers : bool
        Keep whispers (``post_type`` 4, visible only to staff). Default: set
        aside as ``"whisper"``.
    on_error : {"raise", "skip"}
        ``"raise"``: a post without an id, a post number, a topic, an author
        or a readable ``created_at``, or with an id or number of the wrong
        type (an object, a fraction), is an
        :class:`~connectana.errors.InputError` naming the file, the record and
        the field. ``"skip"`` sets such posts aside (reason ``"invalid
        record"``). A file that is not UTF-8 JSON is a
        :class:`~connectana.errors.FormatError` whatever ``on_error``.
    keep_text : bool
        Keep the post text (``raw`` when present, else the ``cooked`` HTML).
    extract : bool or iterable of str
        Set by ``read_events(..., extract=...)``: also read each post's
        ``link_counts`` (:func:`connectana.io.structured.discourse_resources`).

    Returns
    -------
    DataFrame
        Events (platform ``discourse``); ``attrs["ingest"]`` is the report.

    Notes
    -----
    - ``post_number`` 1 is the topic's opening ``post``; every other post is a
      ``reply``. ``object_id`` = ``event_id`` = the post id, ``thread_id`` =
      the topic id, ``context`` = ``category:<id>`` when the response states
      the category.
    - ``reply_to_post_number`` is a post *number* within the topic: it is
      mapped through (topic id, post number) → post id to give ``parent_id``;
      ``target`` is that post's author (also when the parent post is set
      aside, as long as its author is a person). A reply without
      ``reply_to_post_number`` answers the topic in general: ``parent_id``
      stays empty (the tie rule decides; counted in notes as ``"reply without
      reply_to_post_number"``). A number not found among the posts read
      (Discourse truncates ``post_stream``) is noted ``"reply_to_post_number
      not in data"``; the target then comes from ``reply_to_user.username``
      when that user's id is known from another post. Posts listed in a
      topic's ``stream`` but absent from the file are counted in notes (and
      a message says how to fetch them).
    - Actor = ``user_id`` as a string (``username`` only when the id is
      absent, noted).
    - Set aside, in this order of checks: ``"deleted"`` (``deleted_at`` or
      ``user_deleted``), ``"system post"`` (``post_type`` 2 or 3),
      ``"bot"`` (negative user ids — ``system`` -1, ``discobot`` -2 — or those
      usernames), ``"whisper"`` (``post_type`` 4, unless ``whispers=True``),
      ``"duplicate"`` (a post id seen before).
    - ``role``: ``admin`` → instructor, ``moderator`` or ``staff`` → ta,
      anyone else → student.

    Examples
    --------
    >>> from connectana.io.discourse import parse_discourse
    >>> post = {"id": 10, "topic_id": 5, "post_number": 1, "user_id": 1,
    ...         "created_at": "2024-01-01T10:00:00Z"}
    >>> parse_discourse(post)[["actor", "action", "thread_id"]].values.tolist()
    [['1', 'post', '5']]
    """
    check_on_error(on_error)
    if source is None:
        source = memory_label(data)
    if not isinstance(data, Located):
        data = json_value(data)
        many = isinstance(data, list) and data and all(_is_response(d) for d in data)
        data = Located((source, i, d) for i, d in enumerate(data if many else [data], start=1))
    report = IngestReport(source=source, format="discourse")
    report.options["whispers"] = whispers

    # 1. every post of every document, checked
    posts: list[dict] = []
    for f, _, doc in data:
        items, category = _posts_of(doc, f)
        _check_stream(doc, items, f, report)
        report.read += len(items)
        rows = []
        for i, p in enumerate(items, start=1):
            try:
                row = _checked(p)
            except BadRecord as bad:
                if on_error == "raise":
                    raise InputError(
                        bad.reason,
                        file=f,
                        row=i,
                        field=bad.field,
                        found=bad.found,
                        expected=bad.expected,
                    ) from None
                report.set_aside_record("invalid record", {"file": Path(f).name, "record": i})
                continue
            if row["_category"] is None:
                row["_category"] = category
            rows.append(dict(row, _file=Path(f).name, _record=i))
        if rows:
            stamps = parse_timestamps(
                pd.Series([r["created_at"] for r in rows], dtype=object),
                file=f,
                field="created_at",
                on_error=on_error,
            )
            for r, t in zip(rows, stamps, strict=True):
                if pd.isna(t):
                    report.set_aside_record(
                        "invalid record", {"file": Path(f).name, "record": r["_record"]}
                    )
                    continue
                r["_time"] = t
                posts.append(r)

    # 2. (topic, post_number) -> post, over everything read
    by_number: dict[tuple[str, int], dict] = {}
    user_by_name: dict[str, str] = {}
    for p in posts:
        by_number.setdefault((p["_topic"], p["_number"]), p)
        if p["_user"] is not None and p["_username"] is not None:
            user_by_name.setdefault(p["_username"], p["_user"])

    # 3. classify and build the rows
    seen: set[str] = set()
    out = []
    for p in posts:
        pid = p["_id"]
        where = {"file": p["_file"], "record": p["_record"], "id": pid}
        ptype = p.get("post_type", 1)
        if p.get("deleted_at") or p.get("user_deleted"):
            reason = "deleted"
        elif ptype in SYSTEM_POST_TYPES:
            reason = "system post"
        elif _is_bot(p):
            reason = "bot"
        elif ptype == WHISPER_POST_TYPE and not whispers:
            reason = "whisper"
        elif pid in seen:
            reason = "duplicate"
        else:
            reason = None
        if reason:
            report.set_aside_record(reason, where)
            continue
        seen.add(pid)
        if p["_user"] is not None:
            actor = p["_user"]
        else:
            actor = p["_username"]
            report.notes["actor from username"] += 1
        topic = p["_topic"]
        number = p["_number"]
        parent = target = None
        if number == 1:
            action = "post"
        else:
            action = "reply"
            to = p["_to"]
            if to is None:
                report.notes["reply without reply_to_post_number"] += 1
            else:
                parent_post = by_number.get((topic, to))
                if parent_post is not None:
                    parent = parent_post["_id"]
                    if parent_post["_user"] is not None and not _is_bot(parent_post):
                        target = parent_post["_user"]
                else:
                    report.notes["reply_to_post_number not in data"] += 1
                    name = text_or_none(get(p, "reply_to_user", "username"))
                    target = user_by_name.get(name) if name else None
        if p.get("hidden"):
            report.notes["hidden post kept"] += 1
        category = p["_category"]
        out.append(
            {
                EVENT_ID: pid,
                TIMESTAMP: p["_time"],
                ACTOR: actor,
                ACTION: action,
                OBJECT_ID: pid,
                PARENT_ID: parent,
                THREAD_ID: topic,
                TARGET: target,
                CONTEXT: None if category is None else f"category:{category}",
                ROLE: _role(p),
                TEXT: next(
                    (t for t in (p.get("raw"), p.get("cooked")) if isinstance(t, str)), None
                ),
            }
        )
        if extract:
            out[-1][RESOURCES] = discourse_resources(p)
    columns = [EVENT_ID, TIMESTAMP, ACTOR, ACTION, OBJECT_ID, PARENT_ID, THREAD_ID, TARGET]
    columns += [CONTEXT, ROLE, TEXT] + ([RESOURCES] if extract else [])
    df = pd.DataFrame(out, columns=columns)
    df[TIMESTAMP] = pd.to_datetime(df[TIMESTAMP], utc=True)
    return make_events(df, platform="discourse", report=report, keep_text=keep_text)
