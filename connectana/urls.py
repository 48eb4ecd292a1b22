"""Links as resources: URL normalisation, and whether a link names a person.

One topic, used by :mod:`connectana.extract` (links found in messages and in
platforms' structured fields) and by :func:`connectana.pseudonymize` (the
personal part of profile links).

URL normalisation (:func:`normalize_url`)
-----------------------------------------
Scheme and host lower-cased; a leading ``www.`` removed from the host
(``www.example.org`` and ``example.org`` name the same resource; no other
sub-domain is touched); user name and password removed; default ports (80 for
http, 443 for https) removed; fragment removed; the query removed — queries
can hold personal data (``url_query=True`` keeps it, minus tracking
parameters: ``utm_*``, ``fbclid``, ``gclid`` and the others of
:data:`TRACKING_PARAMETERS`); trailing slashes removed (the site root is
``https://example.org``); spaces and other unsafe characters of the path
percent-encoded. ``http`` and ``https`` stay different. The query parameters
that *are* the resource on a few hosts stay (:data:`CONTENT_PARAMETERS`:
YouTube's ``v`` and ``list``). Links that are not
http(s) (``mailto:``, ``javascript:``, ``tel:``, ...) are not resources and are
not kept.

Kinds of link (:func:`classify_url`)
------------------------------------
``internal`` (a relative link, or one to a host of the course platform),
``mention`` (a profile page: the link ends with its personal segment) or
``url`` (an outside resource). A *personal segment* is a path segment starting
with ``@`` anywhere (``mastodon.social/@ann``, ``medium.com/@ann/post``), and, in a
link to the course platform itself, the segment after one of
:data:`PROFILE_SEGMENTS` (``/u/ann``, ``/users/12``, ``/author/ann``, ...) —
elsewhere on the web such paths are mostly documentation
(``gephi.org/users/quick-start``). See :func:`personal_segments`.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

__all__ = [
    "TRACKING_PARAMETERS",
    "CONTENT_PARAMETERS",
    "PROFILE_SEGMENTS",
    "normalize_url",
    "normalize_parts",
    "classify_url",
    "url_kind",
    "personal_segments",
]

#: Query parameters removed from URLs kept with ``url_query=True`` (``utm_*`` too).
TRACKING_PARAMETERS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "si",
        "ref_src",
        "ref_url",
    }
)
#: Query parameters that name the resource itself on some hosts: kept by default.
CONTENT_PARAMETERS: dict[str, tuple[str, ...]] = {
    "youtube.com": ("v", "list"),
    "m.youtube.com": ("v", "list"),
}
#: Path segments after which the next segment names a person.
PROFILE_SEGMENTS: frozenset[str] = frozenset(
    {
        "u",
        "user",
        "users",
        "profile",
        "profiles",
        "author",
        "authors",
        "people",
        "member",
        "members",
    }
)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str, *, query: bool = False) -> str | None:
    """The normalised form of a link, or None when it is not an http(s) link.

    Relative links (``/t/topic/12``) are returned as their normalised path
    (they point to the platform itself). See the module documentation for the
    rules.

    Parameters
    ----------
    url : str
        The link as written.
    query : bool
        Keep the query string (minus tracking parameters).

    Examples
    --------
    >>> from connectana.urls import normalize_url
    >>> normalize_url("HTTPS://WWW.Example.org:443/a/b/?utm_source=x&id=3#part")
    'https://example.org/a/b'
    >>> normalize_url("https://example.org/a?utm_source=x&id=3", query=True)
    'https://example.org/a?id=3'
    >>> normalize_url("www.example.org"), normalize_url("mailto:ann@uni.edu")
    ('http://example.org', None)
    """
    found = normalize_parts(url, query)
    return None if found is None else found[0]


def normalize_parts(url: str, query: bool) -> tuple[str, str | None, str] | None:
    """(normalised link, its host or None when relative, its path) or None: the work
    of :func:`normalize_url`, with the parts :func:`classify_url` needs."""
    url = url.strip()
    if url[:4].lower() == "www.":
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in ("http", "https"):
        if scheme or parts.netloc or not parts.path.startswith("/"):
            return None  # mailto:, javascript:, a bare word or a relative "x/y" fragment
    if host.startswith("www."):
        host = host[4:]
    if scheme and not host:
        return None
    netloc = host
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~").rstrip("/")
    q = ""
    if parts.query:
        if not query and host in CONTENT_PARAMETERS:
            keep = CONTENT_PARAMETERS[host]
            q = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k in keep])
        elif query:
            pairs = [
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not (k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMETERS)
            ]
            q = urlencode(pairs)
    if not scheme:
        path = path or "/"
        return path + (f"?{q}" if q else ""), None, path
    return urlunsplit((scheme, netloc, path, q, "")), host, path


def personal_segments(path: str, on_platform: bool) -> list[int]:
    """Positions (in ``path.split("/")``) of the segments naming a person: ``@handle``
    anywhere; on the course platform also the segment after a :data:`PROFILE_SEGMENTS`
    word (off the platform ``/users/quick-start`` is documentation, not a person)."""
    segs = path.split("/")
    out = []
    for i, s in enumerate(segs):
        if s.startswith("@") and len(s) > 1:
            out.append(i)
        elif on_platform and i > 0 and segs[i - 1].lower() in PROFILE_SEGMENTS and s:
            out.append(i)
    return out


def classify_url(url: str, internal_hosts: Iterable[str] = ()) -> str:
    """The kind of a normalised link: ``mention``, ``internal`` or ``url``.

    ``internal_hosts`` are host names (``www.`` removed) of the platform; a
    link to one of them or to one of its sub-domains, or a relative link, is
    ``internal``. A link ending with a personal segment is a profile:
    ``mention``.

    Examples
    --------
    >>> from connectana.urls import classify_url
    >>> classify_url("https://mastodon.social/@ann"), classify_url("/t/topic/3")
    ('mention', 'internal')
    >>> classify_url("https://team.slack.com/archives/C1", ["slack.com"])
    'internal'
    >>> classify_url("/u/ann"), classify_url("https://gephi.org/users/quick-start")
    ('mention', 'url')
    """
    parts = urlsplit(url)
    return url_kind(parts.hostname, parts.path, tuple(internal_hosts))


def url_kind(host: str | None, path: str, internal_hosts: tuple) -> str:
    internal = host is None or any(host == h or host.endswith("." + h) for h in internal_hosts)
    segs = personal_segments(path, internal)
    if segs and segs[-1] == path.count("/"):
        return "mention"
    return "internal" if internal else "url"
