"""Resources in messages: links, hashtags, shared files and mentions.

Connectivism's network holds people *and* the resources and ideas they share.
This module pulls resources out of message text (and out of the structured
fields some platforms give) while the text is still there, normalises them and
keeps them in the Events table's ``resources`` column, so that the text itself
can be dropped as usual.

Where the resources live
------------------------
``read_events(..., extract=("urls", "hashtags"))`` adds a ``resources`` column
(``string``) to the Events: for each event, its resources as
newline-separated ``kind:resource`` tokens (NA when none), each resource once
per event, in the order found. A plain column travels with its rows: it
survives filtering, sorting, :func:`connectana.concat_events`, Parquet/CSV round
trips and :func:`connectana.pseudonymize` (which pseudonymises the personal
part of profile links, see below). :func:`resources` turns it into a long
table.

Kinds
-----
``url``
    A link to an outside resource (a normalised absolute http(s) URL).
``internal``
    A link to the course platform itself (another post of the same forum): a
    relative link, a link whose host is one of the platform's hosts (the
    reader knows them: the blog's ``base_blog_url``, ``*.slack.com``, the
    Mastodon instance; ``internal_hosts=`` adds more) or a link the platform
    marks internal (Discourse ``link_counts``).
``hashtag``
    ``#word`` (a letter first, then letters, digits, ``_`` or ``-``),
    case-folded, stored without the ``#``.
``file``
    A file shared with the message (Slack ``files``): its id.
``mention``
    A link to a person's profile page (see *Personal links*), or, with
    ``extract=("mentions",)``, an ``@name`` written in a message (stored as
    ``@name``: not after a letter, digit or one of ``_.@/<&+=:-``, so neither
    an e-mail address nor Slack's ``<@U1>``; a Mastodon remote account keeps its
    ``@instance``; :data:`BROADCAST_MENTIONS` are left out). Mentions of people
    by the platform's own records are ``mention`` events already (Slack,
    Mastodon: the reader's ``mentions=True``); their texts are then not searched
    for ``@name``, and :func:`resources` lists those events with this kind too.

URL normalisation
-----------------
Links are normalised by :func:`connectana.urls.normalize_url` and classed by
:func:`connectana.urls.classify_url` (rules there).

Finding them in text
--------------------
HTML (a message with markup) is parsed with lxml: every ``<a href>`` is a
link (Mastodon's hashtag and mention anchors excepted: the tag is found in the
text, the person is a ``mention`` event), then URLs and hashtags are looked for
in the visible text. Images (``<img src>``) are not resources. In plain text,
Markdown and Slack mrkdwn (``<https://x|label>``), a URL starts with
``http://``, ``https://`` or ``www.`` and runs to the next space, quote or
angle bracket, closing punctuation (``.,;:!?)]``) excluded. A hashtag is not
preceded by a letter, digit, ``&``, ``/`` or ``#`` (so ``C#``, ``&#39;`` and
URL fragments are not tags).

Personal links and names
------------------------
A link ending with its personal segment (:func:`connectana.urls.personal_segments`:
``mastodon.social/@ann``, ``/u/ann`` on the platform) is a profile page: kind
``mention``, never with a query. :func:`connectana.pseudonymize` replaces every
personal segment by the keyed pseudonym of that segment
(``https://mastodon.social/@P-1A2B3C4D``), and an ``@name`` mention by the
keyed pseudonym of the name (``mention:@P-1A2B3C4D``): the same rule as actors.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd

from .errors import ParameterError, SchemaError
from .events import (
    ACTION,
    ACTOR,
    CONTEXT,
    EVENT_ID,
    PLATFORM,
    STRING,
    TARGET,
    TEXT,
    THREAD_ID,
    TIMESTAMP,
)
from .urls import classify_url, normalize_parts, normalize_url, personal_segments, url_kind

__all__ = [
    "RESOURCES",
    "RESOURCE_KINDS",
    "EXTRACTABLE",
    "BROADCAST_MENTIONS",
    "find_resources",
    "extract_resources",
    "add_resources",
    "resources",
    "pseudonymize_resources",
    "resource_tokens",
    "require_resources",
    "personal_ids",
]

#: The Events column holding each event's resources.
RESOURCES = "resources"
#: Kinds of resources, as stored and as listed by :func:`resources`.
RESOURCE_KINDS: tuple[str, ...] = ("url", "internal", "hashtag", "file", "mention")
#: What ``extract=`` may ask for, and the kinds each gives.
EXTRACTABLE: dict[str, tuple[str, ...]] = {
    "urls": ("url", "internal", "mention"),
    "hashtags": ("hashtag",),
    "files": ("file",),
    "mentions": ("mention",),
}
#: ``@name`` words that address everybody, not a person: not mentions.
BROADCAST_MENTIONS: frozenset[str] = frozenset({"all", "channel", "everyone", "here"})
_SEP = "\n"
_GLUED = re.compile("(?i)(?:www|https?)$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING = ".,;:!?)]}*_~'\""
_BLOCKS = (
    "p", "div", "br", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "td", "th", "blockquote", "pre", "table", "ul", "ol", "dl", "hr",
)  # fmt: skip
_CANDIDATE = r"(?i)https?://|www\.|#\pL|href"
_CANDIDATE_MENTIONS = _CANDIDATE + r"|@"
# the same patterns for RE2 (pyarrow): \pL letters, \pN digits of any script
_URL_RE2 = r"(?i:https?://|www\.)[^\s<>\"'|`]+"
_SLACK_LINK_RE2 = r"(?i)<(https?://[^|>\s]+)(?:\|[^>]*)?>"
_TAG_RE2 = r"(?:^|[^\pL\pN_&/#])#(\pL[\pL\pN_-]*)"
_HTML = r"(?i)<a\s|&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);"
# texts needing _markup: markup, entities, or the marker characters of _all_matches
_SPECIAL = "[<&\x1e\x1f]"
_MARKERS = "[\x1e\x1f]"
# every URL (group 1) and hashtag (group 2) in text order, in one pass
# @name: not after a letter, digit or one of _.@/<&+=:- (so no e-mail address, no Slack
# <@U1>); a Mastodon remote account keeps its @instance
_MENTION_RE2 = r"(?:^|[^\pL\pN_.@/<&+=:-])@([\pL\pN_][\pL\pN_.-]*(?:@[\pL\pN-]+(?:\.[\pL\pN-]+)+)?)"
_FIND = f"({_URL_RE2})|{_TAG_RE2}"
_FIND_MENTIONS = f"({_URL_RE2})|{_TAG_RE2}|{_MENTION_RE2}"
# the same when a hashtag runs into a URL ("#tagwww.x.org", "#xhttps://..."): a
# hashtag written against a URL (groups 1 and 2), a URL (3), a hashtag (4); slower,
# used only for the texts where _FIND finds a hashtag ending in "www" or "http(s)"
_FIND_GLUED = (
    r"(?:^|[^\pL\pN_&/#])#(\pL[\pL\pN_-]*?)?(" + _URL_RE2 + r")"
    r"|(" + _URL_RE2 + r")"
    r"|" + _TAG_RE2
)
_FIND_GLUED_MENTIONS = _FIND_GLUED + r"|" + _MENTION_RE2  # the mention: group 5


def _strip_trailing(url: str) -> str:
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # a balanced parenthesis belongs to the URL (Wikipedia titles)
        url = url[:-1]
    return url


def _html(text: str) -> tuple[list[str], str]:
    """(hrefs of the anchors, visible text) of an HTML fragment, parsed by lxml."""
    import lxml.html
    from lxml.etree import ParserError

    text = _CONTROL.sub(" ", text)  # lxml takes no control characters
    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (ParserError, ValueError):
        return [], text
    hrefs = []
    for a in root.iter("a"):
        href = a.get("href")
        classes = (a.get("class") or "").split()
        if href and "hashtag" not in classes and "mention" not in classes:
            hrefs.append(href)
    for el in root.iter(*_BLOCKS):  # block elements end a word: "<dt>#tag</dt><dd>Next"
        el.tail = "\n" + (el.tail or "")
    return hrefs, root.text_content()


def _markup(sub: Any) -> tuple[Any, list[int], list[str]]:
    """The visible text of messages with markup (those :data:`_SPECIAL` finds), with
    the ``href`` of their anchors: (texts, href rows, hrefs). Slack links
    ``<https://x|label>`` become the bare URL; HTML messages (with ``<a`` or an
    entity) are parsed by lxml one at a time; other tags become a space; the marker
    characters of :func:`_all_matches` become spaces."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sub = pc.replace_substring_regex(sub, _MARKERS, " ")
    sub = pc.replace_substring_regex(sub, _SLACK_LINK_RE2, " \\1 ")
    html = np.flatnonzero(
        pc.fill_null(pc.match_substring_regex(sub, _HTML), False).to_numpy(zero_copy_only=False)
    )
    href_rows: list[int] = []
    hrefs: list[str] = []
    if len(html):
        replaced = np.asarray(sub.to_pylist(), dtype=object)
        shown = []
        for j in html:
            links, seen = _html(replaced[j])
            href_rows += [int(j)] * len(links)
            hrefs += links
            shown.append(seen)
        replaced[html] = shown
        sub = pa.array(replaced, type=pa.large_string())
        sub = pc.replace_substring_regex(sub, _MARKERS, " ")  # entities such as &#31;
    # markup left (HTML without links or entities) becomes a space
    sub = pc.replace_substring_regex(sub, "<[^>]*>", " ")
    return sub, href_rows, hrefs


def _all_matches(arr: Any, pattern: str, fields: Sequence[str]) -> tuple[np.ndarray, list]:
    """Every match of ``pattern`` in ``arr``: its rows and, for each of ``fields``
    (replacement strings such as ``"\\1"`` or ``"\\2\\3"``), the arrays of
    their values, one element per match in text order, found by RE2 in pyarrow
    (no Python loop over the texts)."""
    import pyarrow.compute as pc

    # each match becomes U+001F field U+001E field U+001E ... (no text holds those:
    # _scan made them spaces); the pieces after each U+001F are the matches
    marked = pc.replace_substring_regex(arr, pattern, "\x1f" + "".join(f + "\x1e" for f in fields))
    pieces = pc.list_slice(pc.split_pattern(marked, "\x1f"), 1)
    rows = pc.list_parent_indices(pieces).to_numpy().astype(np.int64)
    split = pc.split_pattern(pc.list_flatten(pieces), "\x1e", max_splits=len(fields))
    return rows, [pc.list_element(split, i) for i in range(len(fields))]


def _glued_rows(rows: np.ndarray, tags: Any) -> np.ndarray:
    """Rows where :data:`_FIND` found a hashtag that may run into a URL (it ends in
    ``www``, ``http`` or ``https``): those need :data:`_FIND_GLUED`. Looked up
    among the distinct hashtags."""
    codes, uniq = pd.factorize(pd.Series(tags, dtype=STRING).array, use_na_sentinel=True)
    suspect = [i for i, t in enumerate(uniq) if _GLUED.search(t)]
    if not suspect:
        return np.array([], np.int64)
    return np.unique(rows[np.isin(codes, suspect)])


def _scan(
    texts: Sequence[Any],
    kinds: Sequence[str],
    url_query: bool,
    hosts: tuple,
    mentions: bool = False,
) -> pd.DataFrame:
    """Resources of many texts: columns ``row`` (position in ``texts``), ``seq``
    (order within the text) and ``token`` (categorical).

    One RE2 pass (pyarrow) picks the texts that may hold a resource; of those,
    only the ones with markup or marker characters go through :func:`_markup`;
    one more RE2 pass (:data:`_FIND`) marks every URL and hashtag of the visible
    texts in text order (the few texts where a hashtag may run into a URL,
    ``#tagwww.x.org``, are scanned again with :data:`_FIND_GLUED`, which finds
    both); each distinct link is normalised once, each distinct hashtag
    case-folded once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(texts, type=pa.large_string()) if not isinstance(texts, pa.Array) else texts
    empty = pd.DataFrame(
        {
            "row": np.array([], np.int64),
            "seq": np.array([], np.int64),
            "token": pd.Categorical([]),
        }
    )
    cand = pc.match_substring_regex(arr, _CANDIDATE_MENTIONS if mentions else _CANDIDATE)
    cand = pc.fill_null(cand, False)
    cidx = np.flatnonzero(cand.to_numpy(zero_copy_only=False))
    if not len(cidx):
        return empty
    sub = arr if len(cidx) == len(arr) else arr.take(pa.array(cidx))
    sub = sub.cast(pa.large_string())
    special = pc.match_substring_regex(sub, _SPECIAL).to_numpy(zero_copy_only=False)
    order = None  # position in sub of each text scanned (None: the same)
    href_rows: Any = np.array([], np.int64)
    hrefs: list[str] = []
    if special.any():
        sidx, pidx = np.flatnonzero(special), np.flatnonzero(~special)
        shown, local_rows, hrefs = _markup(sub.take(pa.array(sidx)))
        order = np.concatenate([pidx, sidx])
        sub = pa.concat_arrays([sub.take(pa.array(pidx)), shown])
        href_rows = sidx[np.asarray(local_rows, np.int64)]
    want_links = any(k in kinds for k in ("url", "internal", "mention"))
    fields = ["\\1", "\\2"] + (["\\3"] if mentions else [])
    rows, found = _all_matches(sub, _FIND_MENTIONS if mentions else _FIND, fields)
    glued = _glued_rows(rows, found[1])
    if len(glued):  # rare: those texts again with the slower pattern
        fields = ["\\2\\3", "\\1\\4"] + (["\\5"] if mentions else [])
        pattern = _FIND_GLUED_MENTIONS if mentions else _FIND_GLUED
        rows_g, found_g = _all_matches(sub.take(pa.array(glued)), pattern, fields)
        others = pa.array(~np.isin(rows, glued))
        rows = np.concatenate([rows[others.to_numpy(zero_copy_only=False)], glued[rows_g]])
        o = pa.array(np.argsort(rows, kind="stable"))
        rows = rows[o.to_numpy()]
        found = [
            pa.concat_arrays([f.filter(others), g]).take(o)
            for f, g in zip(found, found_g, strict=True)
        ]
    links, tags = found[0], found[1]
    if order is not None:
        rows = order[rows]
    frames = []
    if want_links:
        is_link = pc.greater(pc.binary_length(links), 0).to_numpy(zero_copy_only=False)
        links = pa.concat_arrays(
            [pa.array(hrefs, pa.large_string()), links.filter(pa.array(is_link))]
        )
        link_rows = np.concatenate([href_rows, rows[is_link]])
        codes, uniq = pd.factorize(pd.Series(links, dtype=STRING).array, use_na_sentinel=True)
        cache = [_link_token(u, url_query, hosts) for u in uniq]
        cache = [c if c is not None and c.split(":", 1)[0] in kinds else None for c in cache]
        frames.append((link_rows, np.arange(len(link_rows)), codes, cache))
    if "hashtag" in kinds:
        is_tag = pc.greater(pc.binary_length(tags), 0).to_numpy(zero_copy_only=False)
        codes, uniq = pd.factorize(
            pd.Series(tags.filter(pa.array(is_tag)), dtype=STRING).array, use_na_sentinel=True
        )
        cache = [f"hashtag:{t.rstrip('-_').casefold()}" for t in uniq]
        tag_rows = rows[is_tag]
        frames.append((tag_rows, np.arange(len(tag_rows)) + 10**12, codes, cache))  # after links
    if mentions:
        names = found[2]
        is_name = pc.greater(pc.binary_length(names), 0).to_numpy(zero_copy_only=False)
        codes, uniq = pd.factorize(
            pd.Series(names.filter(pa.array(is_name)), dtype=STRING).array, use_na_sentinel=True
        )
        cache = [_mention_token(t) for t in uniq]
        name_rows = rows[is_name]
        frames.append((name_rows, np.arange(len(name_rows)) + 2 * 10**12, codes, cache))
    if not frames:
        return empty
    # one vocabulary of tokens (several links can normalise to one token)
    vocab = pd.unique(
        pd.Series([t for _, _, _, c in frames for t in c if t is not None], dtype=object)
    )
    where = {t: i for i, t in enumerate(vocab)}
    codes_all = []
    for _, _, codes, cache in frames:
        m = np.array([where.get(t, -1) if t is not None else -1 for t in cache] + [-1], np.int64)
        codes_all.append(m[codes])  # codes of -1 (none) pick the last: -1
    row = np.concatenate([f[0] for f in frames]).astype(np.int64)
    seq = np.concatenate([f[1] for f in frames]).astype(np.int64)
    code = np.concatenate(codes_all)
    keep = code >= 0  # not http(s), or a kind not asked for
    row, seq, code = cidx[row[keep]], seq[keep], code[keep]
    o = np.lexsort((seq, row))
    token = pd.Categorical.from_codes(code[o], categories=pd.Index(vocab, dtype=object))
    return pd.DataFrame({"row": row[o], "seq": seq[o], "token": token})


def _mention_token(name: str) -> str | None:
    """``mention:@name`` of an ``@name`` found in text (trailing ``.`` and ``-`` taken
    off), or None for a broadcast word (:data:`BROADCAST_MENTIONS`)."""
    name = name.rstrip(".-")
    if not name or name.casefold() in BROADCAST_MENTIONS:
        return None
    return f"mention:@{name}"


def _link_token(link: str, url_query: bool, hosts: tuple) -> str | None:
    """``kind:url`` of one link as written (trailing punctuation of text taken off)."""
    found = normalize_parts(_strip_trailing(link), url_query)
    if found is None:
        return None
    u, host, path = found
    kind = url_kind(host, path, hosts)
    if kind == "mention" and url_query:
        u = normalize_url(_strip_trailing(link)) or u
    return f"{kind}:{u}"


def find_resources(
    text: str,
    *,
    kinds: Sequence[str] = ("url", "internal", "mention", "hashtag"),
    url_query: bool = False,
    internal_hosts: Iterable[str] = (),
    mentions: bool = False,
) -> list[str]:
    """The resources of one message as ``kind:resource`` tokens (each once, in order:
    the links, the hashtags, then with ``mentions=True`` the ``@name`` mentions as
    ``mention:@name``). The same code as :func:`extract_resources`.

    Examples
    --------
    >>> from connectana.extract import find_resources
    >>> find_resources('See <a href="https://Example.org/a/">this</a> #MOOC, and www.x.org.')
    ['url:https://example.org/a', 'url:http://x.org', 'hashtag:mooc']
    >>> find_resources("slack says <https://a.org/b?utm_source=s|a link> in C#")
    ['url:https://a.org/b']
    >>> find_resources("@ann, mail bob@uni.edu or @here", mentions=True)
    ['mention:@ann']
    """
    found = _scan([text], kinds, url_query, tuple(internal_hosts), mentions)
    return list(dict.fromkeys(found["token"]))


def _request(extract: Iterable[str] | bool) -> tuple[str, ...]:
    """The names of ``extract=`` (``True``: all), checked."""
    if extract is True:
        extract = tuple(EXTRACTABLE)
    elif isinstance(extract, str):
        extract = (extract,)
    extract = tuple(extract)
    for e in extract:
        if e not in EXTRACTABLE:
            raise ParameterError(f"extract= takes some of {sorted(EXTRACTABLE)}, not {e!r}")
    return extract


def _kinds(extract: Iterable[str] | bool) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for e in _request(extract) for k in EXTRACTABLE[e]))


def _structured(raw: Any, kinds: Sequence[str], url_query: bool, hosts: tuple) -> list[str]:
    """Tokens from a reader's structured resources: a list of (kind, value) pairs."""
    out = []
    if not isinstance(raw, (list, tuple)):
        return out
    for kind, value in raw:
        if not isinstance(value, str) or not value.strip():
            continue
        if kind in ("url", "internal"):
            u = normalize_url(value, query=url_query)
            if u is None:
                continue
            k = classify_url(u, hosts)
            kind = "internal" if kind == "internal" and k == "url" else k
            if kind == "mention":
                u = normalize_url(value) or u
            value = u
        elif kind == "hashtag":
            value = value.lstrip("#").casefold()
        else:
            value = " ".join(value.split())
        if kind in kinds:
            out.append(f"{kind}:{value}")
    return out


def add_resources(
    records: pd.DataFrame,
    *,
    extract: Iterable[str] | bool = ("urls", "hashtags"),
    url_query: bool = False,
    internal_hosts: Iterable[str] = (),
    report: Any = None,
) -> pd.DataFrame:
    """The ``resources`` column of a reader's records, made while their ``text`` is
    there (the text is left for :func:`connectana.make_events` to drop).

    Readers call this on their raw records, before :func:`connectana.make_events`:
    the text is scanned once and never carried through sorting and target
    resolution. ``records`` may also hold a ``resources`` column of ``(kind,
    value)`` lists from structured fields. Parameters as :func:`extract_resources`;
    ``report`` gives the platform's hosts (``options["platform_hosts"]``) and
    records the options.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.extract import add_resources
    >>> add_resources(pd.DataFrame({"text": ["#LAK https://x.org/a/", None]}))["resources"].tolist()
    ['url:https://x.org/a\\nhashtag:lak', <NA>]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = _kinds(extract)
    # @name in text, unless the reader made mention events from the platform's own
    # mention records (Slack <@U1>, Mastodon mentions: report.options["mentions"])
    mentions = "mentions" in _request(extract)
    if report is not None and report.options.get("mentions"):
        mentions = False
    hosts = [h.lower().removeprefix("www.") for h in internal_hosts]
    if report is not None:
        hosts += list(report.options.get("platform_hosts", ()))
    hosts_t = tuple(dict.fromkeys(hosts))
    n = len(records)
    frames = []
    if RESOURCES in records.columns:  # a reader's structured fields: first in each event
        raw = records[RESOURCES].to_numpy(dtype=object)
        rows, toks = [], []
        for i in np.flatnonzero([isinstance(r, (list, tuple)) and len(r) > 0 for r in raw]):
            found = _structured(raw[i], kinds, url_query, hosts_t)
            rows += [int(i)] * len(found)
            toks += found
        frames.append(pd.DataFrame({"row": rows, "seq": -1, "token": toks}))
    text_kinds = [k for k in kinds if k != "file"]
    if TEXT not in records.columns and RESOURCES not in records.columns and n:
        warnings.warn(
            "extract= was given but these records carry no message text (no 'text' column) "
            "and no structured resources: the resources column is empty",
            stacklevel=3,
        )
    if TEXT in records.columns and text_kinds and n:
        arr = pa.array(records[TEXT].astype(STRING).array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        frames.append(_scan(arr, text_kinds, url_query, hosts_t, mentions))
    joined = pa.nulls(n, pa.large_string())
    if frames:
        if len(frames) == 1:  # _scan's rows come sorted
            found = frames[0]
        else:
            found = pd.concat(frames, ignore_index=True).astype({"row": np.int64})
            found = found.sort_values(["row", "seq"], kind="stable")
        token = found["token"]
        if isinstance(token.dtype, pd.CategoricalDtype):  # one int64 key per (row, token)
            key = found["row"].to_numpy() * len(token.cat.categories) + token.cat.codes.to_numpy()
            repeated = pd.Series(key).duplicated(keep="first").to_numpy()
        else:
            repeated = found.duplicated(["row", "token"], keep="first").to_numpy()
        found = found[~repeated]
        if len(found):
            rows = found["row"].to_numpy()
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            offsets = pa.array(np.r_[starts, len(rows)].astype(np.int32))
            token = found["token"]
            if isinstance(token.dtype, pd.CategoricalDtype):  # _scan's: each token once
                vocab = token.cat.categories.to_numpy(dtype=object)
                values = pa.array(vocab, pa.large_string()).take(token.cat.codes.to_numpy())
            else:
                values = pa.array(token.to_numpy(dtype=object), pa.large_string())
            per_event = pc.binary_join(
                pa.ListArray.from_arrays(offsets, values), pa.scalar(_SEP, pa.large_string())
            )
            where = np.full(n, -1, dtype=np.int64)
            where[rows[starts]] = np.arange(len(starts))
            joined = per_event.take(pa.array(where, mask=where < 0))
    out = records.drop(columns=[c for c in (RESOURCES,) if c in records.columns])
    out[RESOURCES] = pd.Series(joined, index=out.index, dtype=STRING)
    if report is not None and not report.frozen:  # a finished report: the caller evolves it
        report.options["extract"] = list(kinds)
        report.options["url_query"] = url_query
    return out


def extract_resources(
    events: pd.DataFrame,
    *,
    extract: Iterable[str] | bool = ("urls", "hashtags"),
    url_query: bool = False,
    internal_hosts: Iterable[str] = (),
    keep_text: bool = False,
) -> pd.DataFrame:
    """Add the ``resources`` column to Events read with their text; drop the text.

    ``read_events(..., extract=...)`` calls this on the reader's output; call it
    yourself on Events made with ``keep_text=True``. Resources come from the
    ``text`` column and from a ``resources`` column of ``(kind, value)`` lists
    that readers fill from structured fields (Slack files and attachments,
    Discourse ``link_counts``, WordPress pingbacks, Mastodon tags). The hosts
    the reader recorded as the platform's (``attrs["ingest"].options
    ["platform_hosts"]``) count as internal, with ``internal_hosts``.

    Parameters
    ----------
    events : DataFrame
        Events with a ``text`` column (missing text: no resources from text).
    extract : iterable of str or True
        Some of ``"urls"`` (kinds url, internal, mention), ``"hashtags"`` and
        ``"files"``; ``True`` for all.
    url_query : bool
        Keep URL queries (minus tracking parameters).
    internal_hosts : iterable of str
        More hosts of the course platform.
    keep_text : bool
        Keep the ``text`` column.

    Returns
    -------
    DataFrame
        A copy with the ``resources`` column (NA where an event has none);
        ``attrs["ingest"].notes["events with resources"]`` counts them.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.extract import extract_resources
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b"],
    ...     "text": ["read https://x.org/p?id=1 #LAK", "no link"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)}),
    ...     keep_text=True)
    >>> extract_resources(ev)["resources"].tolist()
    ['url:https://x.org/p\\nhashtag:lak', <NA>]
    """
    report = events.attrs.get("ingest")
    out = add_resources(
        events,
        extract=extract,
        url_query=url_query,
        internal_hosts=internal_hosts,
        report=report,
    )
    if TEXT in out.columns and not keep_text:
        out = out.drop(columns=TEXT)
    out.attrs = dict(events.attrs)
    if report is not None:  # the events' report is frozen: the result carries a new one
        out.attrs["ingest"] = report.evolve(
            notes={"events with resources": int(out[RESOURCES].notna().sum())},
            options={"extract": list(_kinds(extract)), "url_query": url_query},
        )
    return out


def require_resources(events: pd.DataFrame) -> None:
    """Raise :class:`~connectana.errors.SchemaError` when ``events`` have no
    ``resources`` column (they were read without ``extract=``): a resource
    network or diffusion of such Events would be silently empty."""
    if RESOURCES not in events.columns:
        raise SchemaError(
            "these Events have no resources column (they were read without extract=)",
            field=RESOURCES,
            expected="Events read with read_events(..., extract=('urls', 'hashtags'))",
        )


def resource_tokens(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, resource token): columns ``row`` (position of the
    event) and ``token`` (``kind:resource``), built by pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if RESOURCES not in events.columns or not len(events):
        return pd.DataFrame({"row": np.array([], dtype=np.int64), "token": pd.array([], STRING)})
    arr = pa.array(events[RESOURCES].astype(STRING).array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    lists = pc.split_pattern(arr, _SEP)
    rows = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    flat = pc.list_flatten(lists)
    return pd.DataFrame({"row": rows, "token": pd.Series(flat, dtype=STRING).array})


def resources(
    events: pd.DataFrame, *, kinds: Sequence[str] | None = None, mentions: bool = True
) -> pd.DataFrame:
    """The long table of resources: one row per (event, resource).

    Parameters
    ----------
    events : DataFrame
        Events read with ``extract=`` (the ``resources`` column), or any Events
        (then only ``mention`` events are listed).
    kinds : sequence of str, optional
        Keep these kinds only (default all of :data:`RESOURCE_KINDS`).
    mentions : bool
        Also list ``mention`` events (the person mentioned, ``target``, as the
        resource, kind ``mention``).

    Returns
    -------
    DataFrame
        Columns ``event_id, actor, timestamp, kind, resource, host, thread_id,
        context, platform``, in event order. ``resource`` is the normalised
        URL, the case-folded hashtag (without ``#``), the file id or the person
        mentioned; ``host`` is the URL's host (NA for the others).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b"], "thread_id": ["t", "t"],
    ...     "text": ["see https://www.x.org/a/ #LAK", "me too #lak"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)}),
    ...     keep_text=True)
    >>> from connectana.extract import extract_resources
    >>> ca.resources(extract_resources(ev))[["actor", "kind", "resource", "host"]].values.tolist()
    [['a', 'url', 'https://x.org/a', 'x.org'], ['a', 'hashtag', 'lak', <NA>], ['b', 'hashtag', 'lak', <NA>]]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = tuple(RESOURCE_KINDS if kinds is None else kinds)
    bad = [k for k in kinds if k not in RESOURCE_KINDS]
    if bad:
        raise ParameterError(f"unknown resource kind(s) {bad}; kinds are {list(RESOURCE_KINDS)}")
    tok = resource_tokens(events)
    parts = pc.split_pattern(pa.array(tok["token"].array), ":", max_splits=1)
    kind = pc.list_element(parts, 0) if len(tok) else pa.array([], pa.string())
    value = pc.list_element(parts, 1) if len(tok) else pa.array([], pa.string())
    rows = tok["row"].to_numpy()
    cols = [EVENT_ID, ACTOR, TIMESTAMP, THREAD_ID, CONTEXT, PLATFORM]
    base = events[cols].take(rows).reset_index(drop=True)
    table = base.assign(
        kind=pd.Series(kind, dtype=STRING).array,
        resource=pd.Series(value, dtype=STRING).array,
        _order=rows,
    )
    if mentions and "mention" in kinds:
        m = np.flatnonzero(((events[ACTION] == "mention") & events[TARGET].notna()).to_numpy())
        if len(m):
            extra = events[cols].take(m).reset_index(drop=True)
            extra["kind"] = pd.array(["mention"] * len(m), dtype=STRING)
            extra["resource"] = events[TARGET].take(m).astype(STRING).to_numpy()
            extra["_order"] = m
            table = pd.concat([table, extra], ignore_index=True)
    table = table[table["kind"].isin(kinds).to_numpy()]
    table = table.sort_values("_order", kind="stable").drop(columns="_order")
    is_link = table["kind"].isin(["url", "internal", "mention"]).to_numpy()
    host = pd.Series(pd.NA, index=table.index, dtype=STRING)
    if is_link.any():
        h = pc.extract_regex(
            pa.array(table["resource"].astype(STRING).array).cast(pa.string()),
            r"^[a-z]+://(?P<host>\[[^\]]+\]|[^/:?]+)",
        )
        hosts = pd.Series(pc.struct_field(h, [0]), dtype=STRING).to_numpy()
        host[is_link] = hosts[is_link]
    table["host"] = host
    out_cols = [
        EVENT_ID,
        ACTOR,
        TIMESTAMP,
        "kind",
        "resource",
        "host",
        THREAD_ID,
        CONTEXT,
        PLATFORM,
    ]
    return table[out_cols].reset_index(drop=True)


def pseudonymize_resources(values: pd.Series, pseudonym: Callable[[str], str]) -> pd.Series:
    """Replace ``@name`` mentions and the personal segments of links in a ``resources`` column.

    ``pseudonym`` maps a person's id (the segment without ``@``) to its
    pseudonym. Used by :func:`connectana.pseudonymize`.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.extract import pseudonymize_resources
    >>> col = pd.Series(["mention:https://m.social/@ann\\ninternal:/users/7/posts", "mention:@bob"])
    >>> pseudonymize_resources(col, lambda s: "P-" + s.upper()).tolist()
    ['mention:https://m.social/@P-ANN\\ninternal:/users/P-7/posts', 'mention:@P-BOB']
    """

    def one(token: str) -> str:
        kind, _, value = token.partition(":")
        if kind == "mention" and _is_name(value):  # @name written in a message
            return f"mention:@{pseudonym(value[1:])}"
        if kind not in ("url", "internal", "mention") or "/" not in value:
            return token
        parts = urlsplit(value)
        segs = parts.path.split("/")
        for i in personal_segments(parts.path, kind != "url"):
            s = segs[i]
            segs[i] = "@" + pseudonym(s[1:]) if s.startswith("@") else pseudonym(s)
        path = "/".join(segs)
        return f"{kind}:" + urlunsplit(parts._replace(path=path))

    def cell(v: Any) -> Any:
        if not isinstance(v, str):
            return v
        return _SEP.join(one(t) for t in v.split(_SEP))

    return pd.Series(
        pd.array([cell(v) for v in values.to_numpy(dtype=object)], dtype=STRING),
        index=values.index,
        name=values.name,
    )


def _is_name(value: str) -> bool:
    """A mention written ``@name`` (not a profile link)."""
    return value.startswith("@") and "/" not in value


def personal_ids(values: pd.Series) -> list[str]:
    """The person ids named in a ``resources`` column: ``@name`` mentions and the
    personal segments of links."""
    out = []
    for v in values.dropna().to_numpy(dtype=object):
        for token in str(v).split(_SEP):
            kind, _, value = token.partition(":")
            if kind == "mention" and _is_name(value):
                out.append(value[1:])
            elif kind in ("url", "internal", "mention") and "/" in value:
                path = urlsplit(value).path
                segs = path.split("/")
                personal = personal_segments(path, kind != "url")
                out += [segs[i].removeprefix("@") for i in personal]
    return out
