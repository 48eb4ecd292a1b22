"""WordPress exports (WXR) and blog feeds (RSS 2.0 / Atom) into Events.

cMOOC blogs: posts, comments, threaded replies and the pingbacks/trackbacks
that link one blog to another. :func:`read_wordpress` reads a WXR export
(WordPress eXtended RSS, versions 1.0–1.2); :func:`read_feed` reads harvested
RSS/Atom post and comment feeds (local files only — nothing is fetched).
Each is *load* (the file's bytes) → *parse* (``parse_wordpress`` /
``parse_feed``: the XML as bytes) → ``make_events``.

The module is over 800 lines: two readers of one source family (a blog's own export and
its feeds) that share the person rules (``normalize_name``, e-mails hashed, never kept)
and the thread rules for comments and pingbacks.
"""

from __future__ import annotations

import calendar
import difflib
import hashlib
import html
import os
import re
import warnings
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from ..errors import FormatError, InputError, ParameterError, TimestampError
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
from .common import check_on_error, read_bytes, set_aside_rows, url_host
from .memory import Located, memory_label
from .timestamps import NS_MAX, NS_MIN, parse_timestamps

__all__ = ["read_wordpress", "parse_wordpress", "read_feed", "parse_feed", "normalize_name"]

_ZERO_DATE = "0000-00-00 00:00:00"
_PING_TYPES = ("pingback", "trackback", "webmention")
_COMMENT_TYPES = ("", "comment", "review")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_COMMENT_ANCHOR = re.compile(r"#comment-\d+$")
_THREAD_NS = "http://purl.org/syndication/thread/1.0"
_FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".feed")
_EMAIL = re.compile(r"\S+@\S+")


def normalize_name(name: Any) -> str:
    """Entity-decode, collapse whitespace and lower-case a display name.

    Examples
    --------
    >>> from connectana.io.wordpress import normalize_name
    >>> normalize_name("  Ping 1 &laquo; What&#8217;s  UP ")
    'ping 1 « what’s up'
    """
    return " ".join(html.unescape(str(name or "")).split()).lower()


def _sha1(text: str) -> str:
    return hashlib.sha1(text.strip().lower().encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- WXR


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: Any, name: str) -> list:
    return [c for c in el if _local(c) == name]


def _text(el: Any, name: str) -> str:
    """Text of the first child called ``name`` (any namespace), stripped; '' if none."""
    for c in el:
        if _local(c) == name:
            return (c.text or "").strip()
    return ""


def _parse_xml(data: bytes, path: Any) -> Any:
    from lxml import etree

    if not isinstance(data, (bytes, bytearray)):
        raise InputError(
            f"cannot read a {type(data).__name__} as XML", file=path, expected="the XML as bytes"
        )
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(bytes(data), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise FormatError(
            f"broken XML: {exc.msg if hasattr(exc, 'msg') else exc}",
            file=path,
            row=line or None,
            expected="well-formed XML",
        ) from None
    if root is None:
        raise FormatError("no XML element in the file", file=path, expected="<rss><channel>")
    return root


def read_wordpress(path: str | os.PathLike, **options: Any) -> pd.DataFrame:
    """Read a WordPress export (WXR 1.0, 1.1 or 1.2) into Events.

    *load* → *parse* (:func:`parse_wordpress`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        The ``.xml`` export (Tools → Export in WordPress).
    **options
        ``post_types``, ``include_unapproved``, ``pings``, ``identity``, ``tz``,
        ``on_error``, ``keep_text``, ``extract`` (see :func:`parse_wordpress`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import pathlib, tempfile, connectana as ca
    >>> xml = '''<rss xmlns:wp="http://wordpress.org/export/1.2/"
    ...   xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
    ... <wp:base_site_url>http://blog.example</wp:base_site_url>
    ... <item><dc:creator>ann</dc:creator><wp:post_id>1</wp:post_id>
    ... <wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt>
    ... <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
    ... <wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author>Bob</wp:comment_author>
    ... <wp:comment_date_gmt>2024-01-02 10:00:00</wp:comment_date_gmt>
    ... <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    ... <wp:comment_user_id>0</wp:comment_user_id></wp:comment></item></channel></rss>'''
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "blog.xml"
    >>> _ = p.write_text(xml)
    >>> ev = ca.read_events(p, format="wordpress")
    >>> ev[["event_id", "actor", "action", "target"]].values.tolist()
    [['post:1', 'ann', 'post', <NA>], ['comment:5', 'guest:bob', 'comment', 'ann']]
    """
    check_on_error(options.get("on_error", "raise"))
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    return parse_wordpress(read_bytes(path), source=str(path), **options)


def parse_wordpress(
    data: Any,
    *,
    source: str | None = None,
    post_types: tuple[str, ...] = ("post", "page"),
    include_unapproved: bool = False,
    pings: bool = True,
    identity: str = "account",
    tz: str | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
    extract: Any = (),
) -> pd.DataFrame:
    """Parse a WordPress export (WXR 1.0, 1.1 or 1.2) into Events.

    Parameters
    ----------
    data : bytes
        The export's XML (the bytes of the ``.xml`` file).
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    post_types : tuple of str
        Item types read as posts (``post`` and ``page``: both take comments).
        Other items (attachments, menu items, ...) are set aside as
        ``"other item type"``.
    include_unapproved : bool
        Keep comments held for moderation (``comment_approved`` 0). Spam and
        trash are always set aside.
    pings : bool
        Turn pingbacks/trackbacks into ``share`` events (default) or set them
        aside as ``"ping"``.
    identity : {"account", "name"}
        How commenters are identified (see Notes).
    tz : str, optional
        Zone of the local ``post_date``/``comment_date``, used only when the
        ``*_gmt`` date is missing (``0000-00-00 00:00:00``).
    on_error : {"raise", "skip"}
        ``"skip"`` sets aside items and comments without a usable date or
        author (reason ``"invalid record"``).
    keep_text : bool
        Keep post and comment content (HTML).
    extract : bool or iterable of str
        Set by ``read_events(..., extract=...)``: a pingback or trackback also
        shares the link of the citing post (``comment_author_url``), and links
        to the blog itself (host of ``wp:base_blog_url``) are ``internal``.

    Returns
    -------
    DataFrame
        Events (platform ``wordpress``); ``attrs["ingest"]`` is the report.

    Notes
    -----
    - Namespaces are matched on local names, so WXR 1.0/1.1/1.2 over http or
      https (WordPress.com) read alike.
    - Each published item of ``post_types`` is a ``post`` by its
      ``dc:creator`` (login); ``object_id`` = ``event_id`` = ``thread_id`` =
      ``post:<wp:post_id>``. Other statuses (draft, future, private, ...) are
      set aside as ``"unpublished"``, with their comments (``"on item set
      aside"``).
    - Each comment is a ``comment`` whose ``parent_id`` is the post, or a
      ``reply`` whose ``parent_id`` is ``comment:<comment_parent>`` when that
      is not 0; ``object_id`` = ``event_id`` = ``comment:<comment_id>``;
      ``thread_id`` = the post.
    - Commenter identity with ``identity="account"``: a ``comment_user_id``
      above 0 is the account; it is the author login when ``wp:author_id``
      says so or when a comment of that account carries an author's e-mail,
      else ``user:<id>``. A guest (user id 0) whose e-mail is an author's is
      that author; any other guest is ``guest:<name>:<h>`` where ``name`` is
      :func:`normalize_name` of ``comment_author`` and ``h`` the first 12 hex
      digits of the SHA-1 of the lower-cased e-mail (``guest:<name>`` without
      an e-mail). ``identity="name"`` ignores user ids (guest keys for all but
      authors recognised by e-mail). E-mails and IPs are never kept.
    - Pingbacks/trackbacks are ``share`` events by ``site:<host>`` (host of
      ``comment_author_url``) targeting the post's author: cross-blog ties.
    - Dates are ``*_gmt``; a zero GMT date falls back to the local date in
      ``tz`` (noted ``"local date used"``); without ``tz`` that is an error.
    - ``context`` = ``wp:base_blog_url`` (the blog), else ``wp:base_site_url``
      (on WordPress.com every blog has ``https://wordpress.com/`` there).
    - A post or comment whose id was already read (exported twice) is set
      aside as ``"duplicate"``; the first one is kept.

    Examples
    --------
    >>> from connectana.io.wordpress import parse_wordpress
    >>> xml = b'''<rss xmlns:wp="http://wordpress.org/export/1.2/"
    ...   xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
    ... <item><dc:creator>ann</dc:creator><wp:post_id>1</wp:post_id>
    ... <wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt>
    ... <wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
    ... </channel></rss>'''
    >>> parse_wordpress(xml)[["event_id", "actor", "action"]].values.tolist()
    [['post:1', 'ann', 'post']]
    """
    check_on_error(on_error)
    if identity not in ("account", "name"):
        raise ParameterError("identity must be 'account' or 'name'")
    path = source = memory_label(data) if source is None else source
    root = _parse_xml(data, path)
    channel = root[0] if _local(root) == "rss" and len(root) else None
    if channel is None or _local(channel) != "channel":
        raise FormatError(
            "not a WordPress export", file=path, found=_local(root), expected="<rss><channel>"
        )
    report = IngestReport(source=source, format="wordpress")
    report.options.update(
        post_types=list(post_types),
        include_unapproved=include_unapproved,
        pings=pings,
        identity=identity,
        tz=tz,
        wxr_version=_text(channel, "wxr_version") or None,
    )
    context = _text(channel, "base_blog_url") or _text(channel, "base_site_url") or None
    if extract and url_host(_text(channel, "base_blog_url")):
        report.options["platform_hosts"] = [url_host(_text(channel, "base_blog_url"))]

    # authors: e-mail hash -> login, author id -> login (e-mails are hashed at once)
    login_by_mail: dict[str, str] = {}
    login_by_id: dict[str, str] = {}
    logins: set[str] = set()
    for a in _children(channel, "author"):
        login = _text(a, "author_login")
        if not login:
            continue
        logins.add(login)
        if _text(a, "author_email"):
            login_by_mail[_sha1(_text(a, "author_email"))] = login
        if _text(a, "author_id"):
            login_by_id[_text(a, "author_id")] = login
    items = _children(channel, "item")
    if identity == "account":
        for item in items:
            for c in _children(item, "comment"):
                uid = _text(c, "comment_user_id")
                mail = _sha1(_text(c, "comment_author_email"))
                if uid not in ("", "0") and mail in login_by_mail:
                    login_by_id.setdefault(uid, login_by_mail[mail])

    def commenter(c: Any) -> str:
        uid = _text(c, "comment_user_id")
        mail = _text(c, "comment_author_email")
        if identity == "account" and uid not in ("", "0"):
            return login_by_id.get(uid, f"user:{uid}")
        if mail and _sha1(mail) in login_by_mail:
            return login_by_mail[_sha1(mail)]
        name = normalize_name(_text(c, "comment_author"))
        return f"guest:{name}:{_sha1(mail)[:12]}" if mail else f"guest:{name}"

    rows: list[dict] = []
    unlisted: Counter = Counter()  # dc:creator values that are no wp:author login

    def when(el: Any, prefix: str, record: str) -> tuple | None:
        """(date string, zone, where) to parse later, or None when there is no usable date."""
        gmt = _text(el, f"{prefix}_gmt")
        value, zone = gmt, "UTC"
        if not gmt or gmt == _ZERO_DATE:
            value, zone = _text(el, prefix), tz
            if value and value != _ZERO_DATE:
                report.notes["local date used"] += 1
                if zone is None:
                    if on_error == "skip":
                        return None
                    raise InputError(
                        f"{prefix}_gmt is missing and the local {prefix} has no time zone",
                        file=path,
                        row=record,
                        field=f"{prefix}_gmt",
                        found=gmt or None,
                        expected="tz='...' (the blog's time zone) to read the local date",
                    )
        if not value or value == _ZERO_DATE:
            if on_error == "skip":
                return None
            raise InputError(
                "no date", file=path, row=record, field=f"{prefix}_gmt", found=gmt or None
            )
        return value, zone, (record, f"{prefix}_gmt" if zone == "UTC" else prefix)

    for n, item in enumerate(items, start=1):
        post_id = _text(item, "post_id")
        record = f"item {n} (post_id {post_id or '?'})"
        comments = _children(item, "comment")
        report.read += 1 + len(comments)
        ptype = _text(item, "post_type") or "post"
        status = _text(item, "status")
        author = _text(item, "creator")
        reason = None
        if ptype not in post_types:
            reason = "other item type"
        elif status != "publish":
            reason = "unpublished"
        elif not post_id or not author:
            if on_error == "raise":
                field = "post_id" if not post_id else "dc:creator"
                raise InputError("item has no " + field, file=path, row=record, field=field)
            reason = "invalid record"
        if reason is None:
            t = when(item, "post_date", record)
            if t is None:
                reason = "invalid record"
        if reason:
            report.set_aside_record(reason, {"item": n, "post_id": post_id})
            if comments:
                report.set_aside_record("on item set aside", {"item": n}, n=len(comments))
            continue
        if logins and author not in logins:  # a typo in the export, or an unlisted author
            unlisted[author] += 1
        post = f"post:{post_id}"
        rows.append(
            {
                EVENT_ID: post,
                TIMESTAMP: t,
                ACTOR: author,
                ACTION: "post",
                OBJECT_ID: post,
                PARENT_ID: None,
                THREAD_ID: post,
                TARGET: None,
                TEXT: next((c.text for c in item if c.tag == f"{{{_CONTENT_NS}}}encoded"), None),
            }
        )
        for c in comments:
            cid = _text(c, "comment_id")
            where = {"item": n, "comment_id": cid}
            crecord = f"{record} comment {cid or '?'}"
            approved = _text(c, "comment_approved") or "1"
            ctype = _text(c, "comment_type")
            if approved == "spam":
                reason = "spam"
            elif approved in ("trash", "post-trashed"):
                reason = "trash"
            elif approved != "1" and not include_unapproved:
                reason = "unapproved"
            elif ctype in _PING_TYPES and not pings:
                reason = "ping"
            elif ctype not in _PING_TYPES + _COMMENT_TYPES:
                reason = "other comment type"
            elif not cid:
                if on_error == "raise":
                    raise InputError("comment has no comment_id", file=path, row=crecord)
                reason = "invalid record"
            else:
                reason = None
            t = None
            if reason is None:
                t = when(c, "comment_date", crecord)
                reason = "invalid record" if t is None else None
            if reason:
                report.set_aside_record(reason, where)
                continue
            row = {
                EVENT_ID: f"comment:{cid}",
                TIMESTAMP: t,
                OBJECT_ID: f"comment:{cid}",
                THREAD_ID: post,
                TEXT: _text(c, "comment_content") or None,
            }
            if ctype in _PING_TYPES:
                url = _text(c, "comment_author_url")
                host = url_host(url)
                row.update(
                    {
                        ACTOR: f"site:{host or normalize_name(_text(c, 'comment_author'))}",
                        ACTION: "share",
                        PARENT_ID: post,
                        TARGET: author,
                    }
                )
                report.notes["pings as share"] += 1
                if extract and url:
                    row[RESOURCES] = [("url", url)]
            else:
                parent = _text(c, "comment_parent")
                reply = parent not in ("", "0")
                row.update(
                    {
                        ACTOR: commenter(c),
                        ACTION: "reply" if reply else "comment",
                        PARENT_ID: f"comment:{parent}" if reply else post,
                        TARGET: None,
                    }
                )
            if approved != "1":
                report.notes["unapproved comment kept"] += 1
            rows.append(row)
    rows = _drop_duplicates(rows, report)
    rows = _parse_dates(rows, path, report, on_error)
    if unlisted:
        report.notes["post by a dc:creator that is no wp:author"] += sum(unlisted.values())
        named = []
        for who in sorted(unlisted)[:5]:
            near = difflib.get_close_matches(who, sorted(logins), n=1)
            named.append(f"{who!r}" + (f" (a typo of {near[0]!r}?)" if near else ""))
        msg = (
            f"{len(unlisted)} post author(s) in dc:creator are not among the export's wp:author "
            f"logins and count as people of their own: {', '.join(named)}; fix the export or "
            "merge them with an alias table"
        )
        report.messages.append(msg)
        warnings.warn(f"{path}: {msg}", UserWarning, stacklevel=3)
    return _finish(rows, "wordpress", report, keep_text, context)


def _drop_duplicates(rows: list[dict], report: IngestReport) -> list[dict]:
    """Keep the first of rows with the same event id (a post or comment exported twice)."""
    seen: set[str] = set()
    out = []
    for r in rows:
        if r[EVENT_ID] in seen:
            report.set_aside_record("duplicate", {"id": r[EVENT_ID]})
            continue
        seen.add(r[EVENT_ID])
        out.append(r)
    return out


def _parse_dates(rows: list[dict], path: Any, report: IngestReport, on_error: str) -> list[dict]:
    """Parse the rows' (date, zone, where) in one go per zone (fast on big exports)."""
    zones = {r[TIMESTAMP][1] for r in rows}
    for zone in zones:
        idx = [i for i, r in enumerate(rows) if r[TIMESTAMP][1] == zone]
        values = pd.Series([rows[i][TIMESTAMP][0] for i in idx], dtype=object)
        try:
            parsed = parse_timestamps(values, tz=zone, on_error="skip")
        except TimestampError as exc:
            record, field = None, "dates"
            if isinstance(exc.row, int) and 0 < exc.row <= len(idx):  # the item or comment
                record, field = rows[idx[exc.row - 1]][TIMESTAMP][2]
            raise TimestampError(
                exc.reason,
                file=path,
                row=record,
                field=field,
                found=exc.found,
                expected=exc.expected,
            ) from exc
        for i, t in zip(idx, parsed, strict=True):
            rows[i]["_time"] = t

    def unparseable(i: int) -> TimestampError:
        value, _, (record, field) = rows[i][TIMESTAMP]
        return TimestampError(
            "unparseable date",
            file=path,
            row=record,
            field=field,
            found=value,
            expected="YYYY-MM-DD HH:MM:SS",
        )

    keep = set_aside_rows(
        [pd.isna(r["_time"]) for r in rows],
        "invalid record",
        report,
        lambda i: {"id": rows[i][EVENT_ID]},
        on_error=on_error,
        error=unparseable,
    )
    out = [r for r, k in zip(rows, keep, strict=True) if k]
    for r in out:
        r[TIMESTAMP] = r.pop("_time")
    return out


def _finish(
    rows: list[dict], platform: str, report: IngestReport, keep_text: bool, context: Any = None
) -> pd.DataFrame:
    columns = [EVENT_ID, TIMESTAMP, ACTOR, ACTION, OBJECT_ID, PARENT_ID, THREAD_ID, TARGET]
    columns += [CONTEXT, TEXT] + ([RESOURCES] if any(RESOURCES in r for r in rows) else [])
    df = pd.DataFrame(rows, columns=columns)
    if context is not None:
        df[CONTEXT] = context
    df[TIMESTAMP] = pd.to_datetime(df[TIMESTAMP], utc=True)
    return make_events(df, platform=platform, report=report, keep_text=keep_text)


# --------------------------------------------------------------------------- feeds


def _feed_files(source: str | os.PathLike) -> list[Path]:
    text = os.fspath(source)
    if re.match(r"^[a-z][a-z0-9+.-]*://", str(text), flags=re.I):
        raise InputError(
            "feeds are read from local files only; URLs are not fetched",
            file=text,
            expected="a saved feed file or a folder of them",
        )
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _FEED_SUFFIXES)
        if not files:
            raise InputError(
                "folder holds no feed files", file=path, expected=f"files ending {_FEED_SUFFIXES}"
            )
        return files
    if not path.exists():
        raise InputError("file not found", file=path)
    return [path]


def _parse_feed(data: bytes, f: Any, on_error: str, report: IngestReport) -> Any:
    import xml.sax

    import feedparser

    try:
        if not isinstance(data, (bytes, bytearray)):
            raise InputError(
                f"cannot read a {type(data).__name__} as a feed",
                file=f,
                expected="the feed's XML as bytes",
            )
        d = feedparser.parse(bytes(data))
    except (UnicodeError, LookupError, ValueError) as exc:
        # feedparser is lenient but fails on some broken encoding declarations
        raise FormatError(
            f"the feed cannot be decoded ({exc})",
            file=f,
            expected="a well-formed RSS or Atom feed (UTF-8 or a declared encoding)",
        ) from None
    exc = d.get("bozo_exception")
    if d.get("bozo") and isinstance(exc, xml.sax.SAXException):
        line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else None
        if on_error == "raise" or not d.entries:
            raise FormatError(
                f"broken feed XML: {exc.getMessage() if hasattr(exc, 'getMessage') else exc}",
                file=f,
                row=line or None,
                expected="a well-formed RSS or Atom feed",
            )
        report.messages.append(f"{Path(f).name}: broken XML, entries recovered by feedparser")
        report.notes["feed read with recovery"] += 1
    if not d.get("version") and not d.entries:
        raise FormatError("not an RSS or Atom feed", file=f, expected="an RSS 2.0 or Atom feed")
    return d


def _person(source: Any) -> str | None:
    """A feed entry's (or feed's) author as a key, never keeping an e-mail."""
    detail = source.get("author_detail") or {}
    name = normalize_name(detail.get("name") or _EMAIL.sub("", source.get("author") or ""))
    name = name.strip("() ")
    if name:
        return name
    if detail.get("email"):
        return f"mail:{_sha1(detail['email'])[:12]}"
    return None


def _entry_time(e: Any) -> pd.Timestamp | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        st = e.get(key)
        if st:
            if not 1678 <= st.tm_year <= 2261:
                return None  # beyond the range of the Events table (1677-2262)
            t = pd.Timestamp(calendar.timegm(st), unit="s", tz="UTC")
            return t if NS_MIN <= t <= NS_MAX else None
    return None


def read_feed(path: str | os.PathLike, **options: Any) -> pd.DataFrame:
    """Read saved RSS 2.0 / Atom blog feeds (posts and comments) into Events.

    *load* → *parse* (:func:`parse_feed`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        A saved RSS/Atom file or a folder of them (URLs are not fetched).
    **options
        ``on_error``, ``keep_text`` (see :func:`parse_feed`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import pathlib, tempfile, connectana as ca
    >>> rss = '''<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
    ... <title>Comments for Blog</title><link>http://blog.example</link>
    ... <item><title>By: Bob</title><link>http://blog.example/p1/#comment-7</link>
    ... <dc:creator>Bob</dc:creator><guid isPermaLink="false">http://blog.example/?p=1#comment-7</guid>
    ... <pubDate>Tue, 02 Jan 2024 10:00:00 +0000</pubDate></item></channel></rss>'''
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "comments.rss"
    >>> _ = p.write_text(rss)
    >>> ev = ca.read_events(p, format="feed")
    >>> ev[["actor", "action", "parent_id"]].values.tolist()
    [['bob', 'comment', 'http://blog.example/p1/']]
    """
    check_on_error(options.get("on_error", "raise"))
    files = _feed_files(path)
    feeds = Located((str(f), 1, read_bytes(f)) for f in files)
    return parse_feed(feeds, source=str(Path(path)), **options)


def parse_feed(
    data: Any,
    *,
    source: str | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
) -> pd.DataFrame:
    """Parse saved RSS 2.0 / Atom blog feeds (posts and comments) into Events.

    Parameters
    ----------
    data : bytes
        One feed's XML (the bytes of the file).
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    on_error : {"raise", "skip"}
        ``"raise"``: broken XML or an entry without a date or author is an
        error. ``"skip"``: feedparser's recovery is accepted (noted) and such
        entries are set aside as ``"invalid record"``.
    keep_text : bool
        Keep entry content (HTML).

    Returns
    -------
    DataFrame
        Events (platform ``feed``); ``attrs["ingest"]`` is the report.

    Notes
    -----
    - An entry is a comment when it carries RFC 4685 ``thr:in-reply-to`` or
      its link ends in ``#comment-N``; otherwise it is a ``post`` (thread =
      itself) by the entry's author, else the feed's author.
    - ``object_id`` = ``event_id`` = the entry's id (``guid``/``atom:id``),
      else its link. Entries seen twice (overlapping snapshots) are set aside
      as ``"duplicate"``.
    - Atom ``thr:in-reply-to``: ``ref`` is the parent's id, ``href`` its link;
      the parent is the entry with that id, else the one with that link, else
      ``ref`` as is (``parent missing`` unless that entry was read). A parent
      that is a comment makes the entry a ``reply``, a parent that is a post a
      ``comment``.
    - RSS 2.0 comment feeds state no parent: the entry is a ``comment`` on the
      post whose link is the comment link minus ``#comment-N`` (noted
      ``"parent from link (post level only)"``) — replies to comments cannot
      be told apart there.
    - ``thread_id`` is the post at the root (followed through parents read).
    - Actors are display names normalised by :func:`normalize_name` (feeds
      carry no account ids). An RSS ``<author>`` e-mail is never kept: the
      name beside it is used, or ``mail:<h>`` (first 12 hex digits of the
      SHA-1 of the lower-cased address) when there is no name. ``context`` = the site: the feed's
      link (a comments feed's "Comments on: X" link is its post's link, so the
      site is taken as the scheme and host of that link).

    Examples
    --------
    >>> from connectana.io.wordpress import parse_feed
    >>> rss = b'''<rss version="2.0"><channel><link>http://blog.example/</link>
    ... <item><link>http://blog.example/p1/</link><dc:creator
    ...  xmlns:dc="http://purl.org/dc/elements/1.1/">ann</dc:creator>
    ... <pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate></item></channel></rss>'''
    >>> parse_feed(rss)[["actor", "action"]].values.tolist()
    [['ann', 'post']]
    """
    check_on_error(on_error)
    source = memory_label(data) if source is None else source
    feeds = data if isinstance(data, Located) else Located([(source, 1, data)])
    report = IngestReport(source=source, format="feed")

    entries: list[dict] = []
    for f, _, raw in feeds:
        d = _parse_feed(raw, f, on_error, report)
        prefix = next((p for p, uri in d.namespaces.items() if uri == _THREAD_NS), "thr")
        feed_author = _person(d.feed)
        link = d.feed.get("link") or ""
        try:
            parts = urlsplit(link)
            site = f"{parts.scheme}://{parts.netloc}" if parts.netloc else (link or None)
        except ValueError:  # a malformed URL (e.g. a broken IPv6 literal)
            site = link or None
        for i, e in enumerate(d.entries, start=1):
            report.read += 1
            elink = (e.get("link") or "").strip()
            eid = (e.get("id") or "").strip() or elink
            actor = _person(e) or feed_author
            t = _entry_time(e)
            if not eid or not actor or t is None:
                field = "id/link" if not eid else ("author" if not actor else "date")
                if on_error == "raise":
                    found = eid or None
                    if field == "date":
                        found = e.get("published") or e.get("updated") or None
                    raise InputError(
                        f"feed entry has no {field}"
                        if field != "date"
                        else "feed entry has no date between 1677 and 2262",
                        file=f,
                        row=f"entry {i}",
                        field=field,
                        found=found,
                    )
                report.set_aside_record("invalid record", {"file": Path(f).name, "entry": i})
                continue
            thr = e.get(f"{prefix}_in-reply-to")
            content = e.get("content") or [{}]
            entries.append(
                {
                    "id": eid,
                    "link": elink,
                    "actor": actor,
                    "time": t,
                    "thr": thr if isinstance(thr, dict) else None,
                    "comment": bool(thr) or bool(_COMMENT_ANCHOR.search(elink)),
                    "site": site,
                    "text": content[0].get("value") or e.get("summary"),
                    "where": {"file": Path(f).name, "entry": i},
                }
            )

    by_link = {}
    for en in entries:
        if en["link"]:
            by_link.setdefault(en["link"], en["id"])
    ids = {en["id"] for en in entries}
    parent_of: dict[str, str | None] = {}
    for en in entries:
        parent = None
        if en["comment"]:
            thr = en["thr"]
            if thr:
                ref, href = (thr.get("ref") or "").strip(), (thr.get("href") or "").strip()
                parent = ref if ref in ids else by_link.get(href, ref or href or None)
            else:
                post_link = _COMMENT_ANCHOR.sub("", en["link"])
                parent = by_link.get(post_link, post_link)
                report.notes["parent from link (post level only)"] += 1
        parent_of.setdefault(en["id"], parent)
    is_comment = {en["id"]: en["comment"] for en in entries}

    def root(eid: str) -> str:
        seen = set()
        while parent_of.get(eid) and eid not in seen:
            seen.add(eid)
            eid = parent_of[eid]
        return eid

    rows = []
    seen: set[str] = set()
    for en in entries:
        if en["id"] in seen:
            report.set_aside_record("duplicate", en["where"])
            continue
        seen.add(en["id"])
        parent = parent_of[en["id"]] if en["comment"] else None
        if not en["comment"]:
            action = "post"
        elif is_comment.get(parent, False):
            action = "reply"
        else:
            action = "comment"
        rows.append(
            {
                EVENT_ID: en["id"],
                TIMESTAMP: en["time"],
                ACTOR: en["actor"],
                ACTION: action,
                OBJECT_ID: en["id"],
                PARENT_ID: parent,
                THREAD_ID: root(en["id"]),
                TARGET: None,
                CONTEXT: en["site"],
                TEXT: en["text"],
            }
        )
    return _finish(rows, "feed", report, keep_text)
