"""Privacy by default: pseudonyms, opt-outs, small-cell suppression, scrubbing.

* :func:`pseudonymize` replaces person ids by keyed-hash pseudonyms
  (HMAC-SHA256, ``P-7F3A9C21``) in Events, People tables, Networks and
  node-indexed results, and drops the columns that identify people (display
  names, e-mail and IP columns, message text).
* :func:`load_or_create_key` keeps the secret key in a file (created once,
  permissions ``0o600``).
* :func:`exclude_people` applies opt-outs before a network is built.
* :func:`suppress_small_cells` blanks counts below ``k`` in aggregated tables.
* :func:`scrub_text` drops message text and e-mail/IP columns from Events.
* :func:`escape_formulas`, :func:`write_csv`, :func:`write_excel` — every CSV
  and Excel file the toolkit writes goes through them: text cells that a
  spreadsheet would run as a formula are prefixed with ``'``.

See ``docs/privacy.md`` for what is pseudonymised where and what is never kept.

The module is over 800 lines: one topic, what may leave the toolkit (pseudonyms, the allow-
list, opt-outs, suppression, formula escaping, safe writers); keeping every rule in one
place is what makes the threat model in ``docs/privacy.md`` checkable.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
import warnings
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .errors import InputError, ParameterError, ParameterTypeError
from .events import (
    ACTOR,
    CONTEXT,
    PERSON,
    REQUIRED_COLUMNS,
    ROLE,
    TARGET,
    TEXT,
    THREAD_ID,
    IngestReport,
)
from .extract import RESOURCES, personal_ids, pseudonymize_resources
from .network import Network

__all__ = [
    "pseudonymize",
    "pseudonym_map",
    "load_or_create_key",
    "default_key_file",
    "exclude_people",
    "suppress_small_cells",
    "scrub_text",
    "escape_formulas",
    "write_csv",
    "write_excel",
    "FORMULA_PREFIXES",
    "ALLOWED_ATTRIBUTES",
    "base_names",
    "IDENTIFYING_COLUMNS",
    "TEXT_COLUMNS",
]

STRING = pd.StringDtype("pyarrow")
T = TypeVar("T", pd.DataFrame, Network)

#: Column names (compared lower-case, spaces and dashes read as ``_``) that
#: identify a person and are dropped by :func:`pseudonymize`. Any name
#: containing ``email`` or ``mail`` or ending in ``_ip`` is dropped too.
IDENTIFYING_COLUMNS: frozenset[str] = frozenset(
    {
        "display_name",
        "name",
        "full_name",
        "fullname",
        "userfullname",
        "user_full_name",
        "relatedfullnameuser",
        "fullnameuser",
        "real_name",
        "first_name",
        "firstname",
        "last_name",
        "lastname",
        "username",
        "user_name",
        "login",
        "author_name",
        "author_login",
        "author_display_name",
        "comment_author",
        "comment_author_url",
        "mbox",
        "mbox_sha1sum",
        "ip",
        "ip_address",
        "ipaddress",
        "phone",
        "avatar_image_url",
    }
)

#: The person attributes that go with a pseudonym without being asked for
#: (:func:`pseudonymize`'s allow-list; name others with ``attributes=``).
ALLOWED_ATTRIBUTES: tuple[str, ...] = ("role", "group")
#: Node columns build_network computes (not attributes of a person): kept too.
_NODE_COLUMNS = ("kind", "in_roster", "n_events")

#: Free-text column names dropped by :func:`scrub_text` and :func:`pseudonymize`.
TEXT_COLUMNS: frozenset[str] = frozenset(
    {TEXT, "message", "body", "content", "subject", "title", "description", "raw", "cooked"}
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(
    r"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b[0-9A-Fa-f]{1,4}::[0-9A-Fa-f:]+\b"
)


def _norm(name: Any) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _identifying_name(name: Any) -> bool:
    n = _norm(name)
    return n in IDENTIFYING_COLUMNS or "email" in n or "mail" in n or n.endswith("_ip")


def _personal_values(values: pd.Series) -> bool:
    """True when some value of a text column holds an e-mail or IP address."""
    if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
        return False
    text = values.dropna()
    if text.empty:
        return False
    text = text.astype(str)
    return bool(
        text.str.contains(_EMAIL).any()
        or text.str.contains(_IPV4).any()
        or text.str.contains(_IPV6).any()
    )


# -- keys ---------------------------------------------------------------------------
def default_key_file() -> Path:
    """The local key file used when no key is given: ``$CONNECTANA_KEY_FILE`` or
    ``~/.connectana/key``. It stays on this machine and never appears in any output.

    Examples
    --------
    >>> import os
    >>> from connectana.privacy import default_key_file
    >>> os.environ["CONNECTANA_KEY_FILE"] = "/tmp/course.key"
    >>> str(default_key_file())
    '/tmp/course.key'
    >>> del os.environ["CONNECTANA_KEY_FILE"]
    """
    return Path(os.environ.get("CONNECTANA_KEY_FILE", "~/.connectana/key")).expanduser()


def load_or_create_key(path: str | os.PathLike) -> bytes:
    """Read the secret pseudonymisation key from ``path``, creating it if absent.

    A new key is 32 random bytes (:func:`secrets.token_bytes`) written as 64
    hexadecimal characters and a newline, in a file readable by its owner only
    (permissions ``0o600``). An existing file is read, never rewritten.

    Raises
    ------
    InputError
        When the file does not hold at least 32 hexadecimal characters (16
        bytes), or cannot be used at all: a folder, no permission to read it
        (or to create it), a path through a file — one error naming the file.

    Warns
    -----
    UserWarning
        When an existing key file can be read by other users.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from connectana.privacy import load_or_create_key
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "course.key"
    >>> key = load_or_create_key(p)
    >>> len(key), load_or_create_key(p) == key, oct(p.stat().st_mode & 0o777)
    (32, True, '0o600')
    """
    path = Path(path)
    try:
        return _load_or_create_key(path)
    except OSError as exc:
        raise InputError(
            f"the key file cannot be used ({_os_reason(exc)})",
            file=path,
            expected="a readable file written by load_or_create_key (or an absent file, which is "
            "created in a writable folder)",
        ) from None


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "it is a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return "a part of its path is not a folder"
    return exc.strerror or type(exc).__name__


def _load_or_create_key(path: Path) -> bytes:
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (key.hex() + "\n").encode("ascii"))
        finally:
            os.close(fd)
        os.chmod(path, 0o600)
        return key
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.warn(
            f"key file {path} can be read by other users; run chmod 600 on it",
            UserWarning,
            stacklevel=3,
        )
    with open(path, "rb") as fh:
        text = fh.read(4096).decode("ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise InputError(
            "not a connectana key file",
            file=path,
            expected="at least 32 hexadecimal characters (the file load_or_create_key writes)",
        )
    return key


def _key(key: bytes | str | None, key_file: str | os.PathLike | None) -> bytes:
    if key is not None and key_file is not None:
        raise ParameterError("give key= or key_file=, not both")
    if key_file is not None:
        return load_or_create_key(key_file)
    if key is None:
        raise ParameterError(
            "pseudonymisation needs a secret key: give key_file='course.key' (created if absent) "
            "or key=..."
        )
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or not key:
        raise ParameterError("key must be non-empty bytes or str")
    return key


def _digest(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest().upper()


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def pseudonym_map(
    ids: Iterable[Any],
    *,
    key: bytes | str | None = None,
    key_file: str | os.PathLike | None = None,
    prefix: str = "P-",
    length: int = 8,
) -> dict[str, str]:
    """Pseudonyms of ``ids``: ``{id: pseudonym}`` (missing ids are skipped).

    The pseudonym of an id is ``prefix`` + the first ``length`` characters of
    the uppercase hexadecimal HMAC-SHA256 of the id (as UTF-8 text) under
    ``key``. When two distinct ids share a pseudonym, every pseudonym is
    lengthened by one character until all are distinct (the length used is the
    same for all ids given).

    Examples
    --------
    >>> from connectana.privacy import pseudonym_map
    >>> pseudonym_map(["ann", "bob"], key=b"secret")
    {'ann': 'P-AAD4E619', 'bob': 'P-9C90819F'}
    """
    if not 1 <= length <= 64:
        raise ParameterError("length must be between 1 and 64")
    k = _key(key, key_file)
    distinct = list(dict.fromkeys(str(x) for x in ids if not _isna(x)))
    digests = {x: _digest(k, x) for x in distinct}
    n = length
    while n < 64 and len({d[:n] for d in digests.values()}) < len(digests):
        n += 1
    return {x: prefix + d[:n] for x, d in digests.items()}


# -- pseudonymize --------------------------------------------------------------------
def _droppable(table: pd.DataFrame, protected: Collection[str], keep: Collection[str]) -> list[str]:
    out = []
    for c in table.columns:
        if c in keep or c in protected:
            continue
        if _identifying_name(c) or _norm(c) in TEXT_COLUMNS or _personal_values(table[c]):
            out.append(c)
    return out


def _clean_attrs(attrs: dict) -> dict:
    """attrs without anything that could name a person (records set aside, sources)."""
    out: dict = {}
    for name, value in attrs.items():
        if isinstance(value, IngestReport):
            draft = value.draft()
            draft.records = []
            out[name] = draft.freeze()
        elif name in ("dropped_columns", "source", "people_excluded", "events_excluded"):
            out[name] = value
    return out


def _map_values(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    arr = [pd.NA if _isna(v) else mapping[str(v)] for v in values.to_numpy(dtype=object)]
    return pd.Series(pd.array(arr, dtype=STRING), index=values.index, name=values.name)


def _map_index(index: pd.Index, mapping: dict[str, str]) -> pd.Index:
    return pd.Index([mapping.get(str(v), v) for v in index], name=index.name, dtype=STRING)


def pseudonymize(
    events_or_table: T,
    *,
    key: bytes | str | None = None,
    key_file: str | os.PathLike | None = None,
    columns: Sequence[str] = (ACTOR, TARGET),
    prefix: str = "P-",
    length: int = 8,
    keep: Collection[str] = (),
    attributes: Collection[str] = (),
) -> T:
    """Replace person ids by keyed-hash pseudonyms; keep only allow-listed columns.

    Parameters
    ----------
    events_or_table : DataFrame or Network
        An Events table (ids in ``columns``), a People table or any table
        indexed by ``person`` or ``node`` (the index is pseudonymised, together
        with ``columns`` present), or a :class:`~connectana.network.Network`
        (person nodes and the edges' ``source``/``target``). The same type is
        returned.
    key : bytes or str, optional
        The secret key (a str is used as its UTF-8 bytes).
    key_file : path, optional
        File holding the key, created by :func:`load_or_create_key` if absent.
        Exactly one of ``key`` and ``key_file`` is required.
    columns : sequence of str
        Columns holding person ids (default ``actor`` and ``target``).
    prefix : str
        Put before each pseudonym.
    length : int
        Hexadecimal characters kept (lengthened for all when two ids present
        would collide, see :func:`pseudonym_map`).
    keep : collection of str
        Columns to keep although they look identifying (``thread_id`` and
        ``context`` here keep their values as they are).
    attributes : collection of str
        Further columns allowed to go with the pseudonyms (roster columns such
        as ``"cohort"``, event columns a reader added). Columns that look
        identifying are still dropped unless also in ``keep``.

    Returns
    -------
    Same type as the input
        A copy. **Allow-list**: Events keep their schema columns (text
        excepted), People tables and a Network's nodes keep
        :data:`ALLOWED_ATTRIBUTES` (``role``, ``group``; nodes also the columns
        build_network computes: ``kind``, ``in_roster``, ``n_events``), plus
        ``attributes``; every other column is dropped and counted
        (``attrs["pseudonymized"]["not_allowed"]``). In every table, also
        dropped: columns named like :data:`IDENTIFYING_COLUMNS`
        (``display_name``, ``email``, ``ip``...), free-text columns
        (:data:`TEXT_COLUMNS`) and any other text column with a value holding
        an e-mail or IP address — unless listed in ``keep``. Other tables
        (results indexed by ``node``, ``columns=`` tables) keep their other
        columns. In Events, ``thread_id`` and ``context`` values (free text
        chosen by people: channel and direct-message names, topic slugs,
        course titles) become keyed pseudonyms too, ``T-`` and ``C-`` + 8
        hexadecimal characters (same key, same value: threads still group and
        tables still join). Person ids that are e-mail addresses (an Atom
        ``<name>``, a login) are pseudonymised like any id, counted in
        ``attrs["pseudonymized"]["email_ids"]`` and warned about. The ingest report
        is kept without its set-aside records (raw data). ``attrs["pseudonymized"]``
        (``meta`` for a Network) records the method, prefix, length and the
        dropped columns; the key is never stored.

    Notes
    -----
    ``pseudonym = prefix + upper(hex(HMAC-SHA256(key, utf8(str(id)))))[:length]``.
    The same id gets the same pseudonym in every table and every run with the
    same key (unless a collision lengthened the pseudonyms of one table: the
    length used is in the output's attrs). Without the key, pseudonyms cannot
    be linked back to ids; with it, anyone can test a guessed id, so keep the
    key file private, and delete it to make the pseudonyms permanent.
    Required Events columns are never dropped: an e-mail in ``event_id`` or
    ``object_id`` gives a warning. In a ``resources`` column (Events read with
    ``extract=``), the personal segment of every profile link (``/@ann``,
    ``/u/ann``, ``/users/12``: :mod:`connectana.extract`) is replaced by the
    pseudonym of that segment — the person's pseudonym where the segment is
    their id; the column is kept unless some link still holds an e-mail or IP
    address (then it is dropped like any such column).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["ann", "bob"], "target": ["bob", "ann"],
    ...     "email": ["ann@uni.edu", "bob@uni.edu"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)}))
    >>> out = ca.pseudonymize(ev, key=b"secret")
    >>> out[["actor", "target"]].values.tolist()
    [['P-AAD4E619', 'P-9C90819F'], ['P-9C90819F', 'P-AAD4E619']]
    >>> "email" in out.columns
    False
    """
    k = _key(key, key_file)
    keep = set(keep)
    allowed = set(attributes) | keep
    if isinstance(events_or_table, Network):
        return _pseudonymize_network(events_or_table, k, prefix, length, keep, allowed)
    if not isinstance(events_or_table, pd.DataFrame):
        raise ParameterTypeError(
            f"pseudonymize takes a DataFrame or a Network, not {type(events_or_table).__name__}"
        )
    table = events_or_table
    cols = [c for c in columns if c in table.columns]
    index_ids = table.index.name in (PERSON, "node")
    if not cols and not index_ids:
        raise InputError(
            "no column of person ids to pseudonymise",
            found=list(map(str, table.columns)),
            expected=f"columns {list(columns)} or an index named 'person' or 'node'",
        )
    ids: list[Any] = []
    for c in cols:
        ids.extend(table[c].dropna().astype(str))
    if index_ids:
        ids.extend(str(x) for x in table.index)
    has_resources = RESOURCES in table.columns and bool(cols)
    if has_resources:  # people named in profile links (connectana.extract)
        ids.extend(personal_ids(table[RESOURCES]))
    mapping = pseudonym_map(ids, key=k, prefix=prefix, length=length)
    email_ids = sum(1 for x in mapping if _EMAIL.fullmatch(x.strip()))
    if email_ids:
        warnings.warn(
            f"{email_ids} person id(s) are e-mail addresses; they are pseudonymised like any id "
            "(whoever holds the key can test a guessed address: keep it private)",
            UserWarning,
            stacklevel=2,
        )
    out = table.copy()
    for c in cols:
        out[c] = _map_values(out[c], mapping)
    if has_resources:
        out[RESOURCES] = pseudonymize_resources(out[RESOURCES], mapping.__getitem__)
    is_events = ACTOR in cols and all(c in table.columns for c in REQUIRED_COLUMNS)
    if is_events:
        for c, tag in ((THREAD_ID, "T-"), (CONTEXT, "C-")):
            if c in out.columns and c not in keep:
                values = pseudonym_map(out[c].dropna().astype(str), key=k, prefix=tag, length=8)
                out[c] = _map_values(out[c], values)
    if index_ids:
        out.index = _map_index(out.index, mapping)
    protected = set(cols) | set(REQUIRED_COLUMNS)
    dropped = _droppable(out, protected, keep)
    if is_events:
        schema = set(REQUIRED_COLUMNS) | {ROLE, RESOURCES}  # Events (links pseudonymised above)
    elif index_ids and table.index.name == PERSON and not cols:
        schema = set(ALLOWED_ATTRIBUTES)  # a People table
    else:
        schema = None  # a result or another table: the drop list only
    not_allowed = []
    if schema is not None:
        not_allowed = [
            c for c in out.columns if c not in schema | allowed | protected and c not in dropped
        ]
        dropped = [c for c in out.columns if c in set(dropped) | set(not_allowed)]
    out = out.drop(columns=dropped)
    leaks = [
        c
        for c in REQUIRED_COLUMNS
        if c in out.columns and c not in cols and c not in keep and _personal_values(out[c])
    ]
    if leaks:
        warnings.warn(
            f"column(s) {leaks} hold e-mail or IP addresses and were not pseudonymised; "
            f"add them to columns= if they name people",
            UserWarning,
            stacklevel=2,
        )
    out.attrs = _clean_attrs(dict(table.attrs))
    out.attrs["pseudonymized"] = {
        "method": "HMAC-SHA256",
        "prefix": prefix,
        "length": _used_length(mapping, prefix, length),
        "columns": cols + (["index"] if index_ids else []),
        "dropped": dropped,
        "not_allowed": len(not_allowed),
        "email_ids": email_ids,
    }
    return out


def _used_length(mapping: dict[str, str], prefix: str, length: int) -> int:
    return len(next(iter(mapping.values()))) - len(prefix) if mapping else length


def _pseudonymize_network(
    net: Network, key: bytes, prefix: str, length: int, keep: set[str], allowed: set[str]
) -> Network:
    nodes = net.nodes
    is_person = (
        (nodes["kind"] == "person").fillna(False).to_numpy(dtype=bool)
        if "kind" in nodes.columns
        else np.ones(len(nodes), dtype=bool)
    )
    people = [str(x) for x in nodes.index[is_person]]
    mapping = pseudonym_map(people, key=key, prefix=prefix, length=length)
    new_nodes = nodes.copy()
    new_nodes.index = _map_index(nodes.index, mapping)
    dropped = _droppable(new_nodes, {"kind", "role", "group"}, keep)
    ok = set(ALLOWED_ATTRIBUTES) | set(_NODE_COLUMNS) | allowed
    not_allowed = [c for c in new_nodes.columns if c not in ok and c not in dropped]
    dropped = [c for c in new_nodes.columns if c in set(dropped) | set(not_allowed)]
    new_nodes = new_nodes.drop(columns=dropped)
    edges = net.edges.copy()
    for c in ("source", "target"):
        edges[c] = pd.array(
            [mapping.get(str(v), v) for v in edges[c].to_numpy(dtype=object)], dtype=STRING
        )
    meta = dict(net.meta)
    meta["pseudonymized"] = {
        "method": "HMAC-SHA256",
        "prefix": prefix,
        "length": _used_length(mapping, prefix, length),
        "dropped": dropped,
        "not_allowed": len(not_allowed),
    }
    return Network(nodes=new_nodes, edges=edges, directed=net.directed, meta=meta)


# -- opt-outs ------------------------------------------------------------------------
def exclude_people(events: pd.DataFrame, people_to_exclude: Iterable[Any]) -> pd.DataFrame:
    """Remove the events of people who opted out, and every event addressing them.

    An event is removed when its ``actor`` or its ``target`` is one of
    ``people_to_exclude`` (compared as text) — the same rule as
    ``build_network(..., exclude=...)``. Apply it to the ids as they are in
    ``events`` (after :func:`connectana.concat_events`, before
    :func:`pseudonymize`).

    Returns
    -------
    DataFrame
        The remaining events. ``attrs["people_excluded"]`` is the number of
        distinct ids given (as ``Network.meta["people_excluded"]``),
        ``attrs["events_excluded"]`` the number of events removed; the ingest
        report (a copy) counts them as set aside ``opted out`` (no record of
        them is kept), so ``read == kept + set aside`` still holds. The ids
        themselves are not stored.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.privacy import exclude_people
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c"], "target": ["b", "c", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True)}))
    >>> out = exclude_people(ev, ["a"])
    >>> out[["actor", "target"]].values.tolist(), out.attrs["events_excluded"]
    ([['b', 'c']], 2)
    """
    excluded = sorted({str(x) for x in people_to_exclude})
    gone = events[ACTOR].isin(excluded).fillna(False).to_numpy(dtype=bool, copy=True)
    if TARGET in events.columns:
        gone = gone | events[TARGET].isin(excluded).fillna(False).to_numpy(dtype=bool)
    out = events[~gone].reset_index(drop=True)
    attrs = dict(events.attrs)
    report = attrs.get("ingest")
    if isinstance(report, IngestReport):
        n_gone = int(gone.sum())
        attrs["ingest"] = report.evolve(
            set_aside={"opted out": n_gone} if n_gone else None, kept=report.kept - n_gone
        )
    attrs["people_excluded"] = len(excluded) + int(attrs.get("people_excluded", 0))
    attrs["events_excluded"] = int(gone.sum()) + int(attrs.get("events_excluded", 0))
    out.attrs = attrs
    return out


# -- small cells ---------------------------------------------------------------------
def suppress_small_cells(
    table: pd.DataFrame,
    *,
    k: int = 5,
    columns: Sequence[str] | None = None,
    marker: Any = pd.NA,
) -> pd.DataFrame:
    """Blank the counts below ``k`` in an aggregated table (small-cell suppression).

    Parameters
    ----------
    table : DataFrame
        An aggregated table (counts per week, per group, per role...).
    k : int
        Threshold: cells with ``0 < value < k`` are replaced.
    columns : sequence of str, optional
        The count columns to check. Default: every integer column (numpy or
        nullable integers; booleans and floats are not counts and are left).
    marker : scalar
        The replacement (default ``pd.NA``; e.g. ``"<5"`` for a printed table).

    Returns
    -------
    DataFrame
        A copy; checked integer columns become nullable ``Int64`` when the
        marker is NA, ``object`` for any other marker. Zeros and values ``>= k``
        are kept. ``attrs["suppressed_cells"]`` counts the cells replaced.

    Notes
    -----
    Only primary suppression: a blanked cell can still be recovered from a
    total printed beside it, so do not publish totals of suppressed columns.
    On a row-level table (one row per person), give the count columns
    (``columns=["posts", "replies"]``): suppression blanks small counts, it
    does not hide that the person is in the table — pseudonymise as well.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.privacy import suppress_small_cells
    >>> t = pd.DataFrame({"week": ["w1", "w2"], "posts": [12, 3], "people": [0, 7]})
    >>> suppress_small_cells(t, k=5).values.tolist()
    [['w1', 12, 0], ['w2', <NA>, 7]]
    """
    if columns is None:
        columns = [
            c
            for c in table.columns
            if pd.api.types.is_integer_dtype(table[c].dtype)
            and not pd.api.types.is_bool_dtype(table[c].dtype)
        ]
    else:
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise KeyError(f"columns not in the table: {missing}")
    out = table.copy()
    n = 0
    for c in columns:
        values = pd.to_numeric(out[c], errors="coerce")
        small = ((values > 0) & (values < k)).fillna(False).to_numpy(dtype=bool)
        n += int(small.sum())
        if _isna(marker):
            col = out[c].astype("Int64") if pd.api.types.is_integer_dtype(out[c].dtype) else out[c]
            if pd.api.types.is_float_dtype(col.dtype):
                col = col.copy()
                col[small] = np.nan
            else:
                col = col.copy()
                col[small] = pd.NA
        else:
            col = out[c].astype(object).copy()
            col[small] = marker
        out[c] = col
    out.attrs = dict(table.attrs)
    out.attrs["suppressed_cells"] = n
    return out


# -- text ----------------------------------------------------------------------------
def scrub_text(events: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Drop message text and every column holding e-mail or IP addresses.

    Dropped: the ``text`` column and other free-text columns
    (:data:`TEXT_COLUMNS`: ``message``, ``body``, ``subject``, ``title``...),
    columns named like an e-mail or IP column, and any other text column in
    which some value contains an e-mail address (``x@y.z``) or an IPv4/IPv6
    address. The required Events columns are never dropped; if one of them
    holds such a value a warning says so (pseudonymise it instead).

    Returns
    -------
    (DataFrame, list of str)
        The scrubbed copy (``attrs["dropped_columns"]`` lists what went) and
        the names of the dropped columns, in table order.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.privacy import scrub_text
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a"], "text": ["hi"], "host": ["10.0.0.1"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"], utc=True)}), keep_text=True)
    >>> scrub_text(ev)[1]
    ['text', 'host']
    """
    dropped = []
    for c in events.columns:
        if c in REQUIRED_COLUMNS:
            continue
        n = _norm(c)
        if n in TEXT_COLUMNS or "email" in n or n in ("ip", "ip_address", "ipaddress"):
            dropped.append(c)
        elif n.endswith("_ip") or _personal_values(events[c]):
            dropped.append(c)
    leaks = [c for c in REQUIRED_COLUMNS if c in events.columns and _personal_values(events[c])]
    if leaks:
        warnings.warn(
            f"column(s) {leaks} hold e-mail or IP addresses; pseudonymize() them",
            UserWarning,
            stacklevel=2,
        )
    out = events.drop(columns=dropped)
    out.attrs = dict(events.attrs)
    out.attrs["dropped_columns"] = dropped
    return out, dropped


# -- formula injection ---------------------------------------------------------------
#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV
#: injection"): ``=``, ``+``, ``-``, ``@``, tab and carriage return.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _escape_cell(v: Any) -> Any:
    if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(v):
        return "'" + v
    return v


def _escape_values(values: pd.Series | pd.Index) -> Any:
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        values = values.astype(object)
    elif not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
        return values  # numbers, booleans, times: never formulas, left as they are
    if isinstance(dtype, pd.StringDtype):
        # text columns repeat their values (periods, roles, people): each distinct value
        # is looked at once
        codes, distinct = pd.factorize(values)
        seen = distinct.to_numpy(dtype=object)
        shown = [_escape_cell(v) for v in seen]
        if all(a is b for a, b in zip(seen, shown, strict=True)):
            return values
        escaped = list(np.array([*shown, None], dtype=object)[codes])
    else:
        arr = values.to_numpy(dtype=object, na_value=None)
        escaped = [_escape_cell(v) for v in arr]
        if all(a is b for a, b in zip(arr, escaped, strict=True)):
            return values
    if isinstance(values, pd.Index):
        return pd.Index(escaped, name=values.name, dtype=object)
    return pd.Series(escaped, index=values.index, name=values.name, dtype=object)


def escape_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` safe to open in a spreadsheet.

    Every text cell (and column name, and index label) starting with one of
    :data:`FORMULA_PREFIXES` gets a leading apostrophe, the OWASP advice
    against CSV/formula injection: Excel, LibreOffice and Google Sheets then
    show the text instead of running it (``=HYPERLINK(...)``,
    ``=cmd|' /C calc'!A0``). Numeric, boolean and time columns are left as
    they are, so negative numbers stay numbers; a text cell that is a plain
    number (``-3``, ``+1.5e3``) is not a formula and is left too.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.privacy import escape_formulas
    >>> t = pd.DataFrame({"group": ["=1+2", "@SUM(A1)", "B", "-3"], "delta": [-1, 2, 0, -4]})
    >>> escape_formulas(t).values.tolist()
    [["'=1+2", -1], ["'@SUM(A1)", 2], ['B', 0], ['-3', -4]]
    """
    out = table.copy()
    for i in range(out.shape[1]):
        out.isetitem(i, _escape_values(out.iloc[:, i]))
    out.columns = [_escape_cell(c) for c in out.columns]
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels([_escape_values(lv) for lv in out.index.levels])
    else:
        out.index = _escape_values(out.index)
        out.index.name = _escape_cell(table.index.name)
    return out


def write_csv(
    table: pd.DataFrame, path: str | os.PathLike, *, index: bool = False, **options: Any
) -> Path:
    """Write ``table`` as CSV (``\\n`` line ends) after :func:`escape_formulas`.

    ``options`` go to :meth:`pandas.DataFrame.to_csv` (``index_label=``...).

    Examples
    --------
    >>> import pandas as pd, pathlib, tempfile
    >>> from connectana.privacy import write_csv
    >>> p = write_csv(pd.DataFrame({"name": ["=HYPERLINK(1)"], "n": [-2]}),
    ...               pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> p.read_text().splitlines()
    ['name,n', "'=HYPERLINK(1),-2"]
    """
    path = Path(path)
    options.setdefault("lineterminator", "\n")
    _times_as_text(escape_formulas(table), options).to_csv(path, index=index, **options)
    return path


def _times_as_text(table: pd.DataFrame, options: dict) -> pd.DataFrame:
    """``table`` with each time-zone-aware column that repeats its values (period starts
    and ends: one value per period) written as text, each distinct value formatted once
    by ``to_csv`` itself, so the file is the same byte for byte. pandas formats such a
    column value by value in Python: 2.5 of the 4 s of a 200k-row engagement table."""
    if "date_format" in options:
        return table
    out = table
    for i in range(table.shape[1]):
        col = table.iloc[:, i]
        if not isinstance(col.dtype, pd.DatetimeTZDtype):
            continue
        codes, distinct = pd.factorize(col)
        if 4 * len(distinct) > len(col):
            continue
        text = pd.DataFrame({"t": distinct}).to_csv(index=False, header=False, lineterminator="\n")
        shown = np.array([*text.split("\n")[:-1], options.get("na_rep", "")], dtype=object)
        if out is table:
            out = table.copy(deep=False)
        out.isetitem(i, shown[codes])
    return out


def write_excel(
    sheets: dict[str, pd.DataFrame], path: str | os.PathLike, *, index: bool = False
) -> Path:
    """Write one sheet per table (``{sheet name: table}``) as ``.xlsx``, every
    table through :func:`escape_formulas` (openpyxl would store ``=...`` text
    as a live formula)."""
    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, table in sheets.items():
            escape_formulas(table).to_excel(xl, sheet_name=name, index=index)
    return path


# -- file names ---------------------------------------------------------------------
def _source_paths(report: IngestReport) -> list[str]:
    paths = re.split(r"; |, ", str(report.source or ""))
    for s in report.options.get("sources", []) if isinstance(report.options, dict) else []:
        if isinstance(s, dict) and s.get("source"):
            paths += re.split(r"; |, ", str(s["source"]))
    return [p for p in paths if p]


def base_names(value: Any, report: IngestReport) -> Any:
    """``value`` (text, or a JSON-like dict/list) with the folders of the report's
    input files removed: ``/home/ann/course-x/forum.csv`` becomes ``forum.csv``.

    Default outputs (the report's "Data read" section, the ingest Parquet's
    metadata) carry base names at most: folder names often hold a course's or
    a person's name, and say where data lives.

    Examples
    --------
    >>> from connectana.events import IngestReport
    >>> from connectana.privacy import base_names
    >>> r = IngestReport(source="/srv/Ann Smith/forum.csv")
    >>> base_names({"source": r.source, "messages": ["/srv/Ann Smith/forum.csv: 2 rows"]}, r)
    {'source': 'forum.csv', 'messages': ['forum.csv: 2 rows']}
    """
    import json

    folders = set()
    for p in _source_paths(report):
        parent = str(Path(p).parent)
        if parent not in ("", "."):
            folders.add(parent.rstrip("/\\") + os.sep)
    text = json.dumps(value, default=str)
    for folder in sorted(folders, key=len, reverse=True):
        text = text.replace(json.dumps(folder)[1:-1], "")
    return json.loads(text)
