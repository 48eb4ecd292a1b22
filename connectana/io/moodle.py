"""Moodle readers: the forum export, a course backup and the standard log report.

Three sources, from the best to the weakest for a reply network:

* :func:`read_moodle_forum` — *Forum › Export* (``mod/forum/export.php``,
  Moodle 3.8+) as CSV, JSON or Excel: every post with its ``parent``.
* :func:`read_moodle_backup` — a course backup (``.mbz`` or an extracted
  folder): ``activities/forum_*/forum.xml`` plus the course roles.
* :func:`read_moodle_log` — the standard log report download (*Reports ›
  Logs*): who did what and when, with post and discussion ids in the English
  description, but no parent post. Join it to a forum export with ``forum=``
  to recover reply targets.

Every reader keys people on the Moodle user id (never on the display name,
which two accounts may share) and drops names and message text unless
``keep_text=True`` (message text only).

The module is over 800 lines: one source family, Moodle — its forum export, course backup
(``.mbz``) and log report in five languages share their user, time and forum-join helpers.
"""

from __future__ import annotations

import io
import os
import re
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from ..errors import (
    ConnectanaError,
    FormatError,
    InputError,
    ParameterError,
    ParameterTypeError,
    SchemaError,
    TimestampError,
)
from ..events import (
    ACTION,
    ACTOR,
    CONTEXT,
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
    check_on_error,
    load_json,
    max_bytes,
    read_limited,
    read_zip_member,
    set_aside_rows,
)
from .memory import memory_label
from .table import read_tabular_file
from .timestamps import parse_timestamps

__all__ = [
    "read_moodle_forum",
    "parse_moodle_forum",
    "read_moodle_backup",
    "parse_moodle_backup",
    "read_moodle_log",
    "parse_moodle_log",
    "MOODLE_ROLES",
    "LOG_HEADERS",
    "HUMAN_DATE_FORMAT",
]

PLATFORM_NAME = "moodle"

#: strptime format of Moodle's English "human-readable dates"
#: (``Tuesday, 3 December 2024, 5:09 PM``).
HUMAN_DATE_FORMAT = "%A, %d %B %Y, %I:%M %p"

_HUMAN_DATE = re.compile(r"^[^\W\d_]+, \d{1,2} [^\W\d_]+ \d{4}, \d{1,2}:\d{2}\s*[AaPp][Mm]$")
_YEARLESS = re.compile(r"^(?P<day>\d{1,2}) (?P<month>[^\W\d_]+)\.?,? (?P<clock>\d{1,2}:\d{2})$")
_NULL = "$@NULL@$"

#: Moodle role short names (or archetypes) -> normalised role. Moodle's
#: ``teacher`` is the *non-editing* teacher, hence ``ta``.
MOODLE_ROLES: dict[str, str] = {
    "manager": "instructor",
    "coursecreator": "instructor",
    "editingteacher": "instructor",
    "teacher": "ta",
    "student": "student",
    "guest": "other",
    "user": "other",
    "frontpage": "other",
}
_ROLE_RANK = {"instructor": 3, "ta": 2, "student": 1, "other": 0}

_FORUM_REQUIRED = ("id", "discussion", "parent", "userid", "created")


# ---------------------------------------------------------------------------
# small helpers


def _cell(v: Any) -> str | None:
    """A raw cell as a stripped string, or None when missing."""
    if v is None or v is pd.NA or isinstance(v, (dict, list)):
        return None  # JSON objects and arrays are not cell values
    if isinstance(v, float):
        if not np.isfinite(v):
            return None
        if v == int(v):
            return str(int(v))
    s = str(v).strip()
    if s == "" or s == _NULL:
        return None
    return s


def _clean(s: pd.Series) -> pd.Series:
    return pd.Series([_cell(v) for v in s], index=s.index, dtype=object)


def _nonzero(s: pd.Series) -> pd.Series:
    """Ids where ``0`` means none."""
    return s.where(~s.isin(["0", "0.0"]), None)


def _check_tz(tz: str | None) -> None:
    if tz is None:
        return
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            "unknown time zone",
            field="tz",
            found=tz,
            expected="tz= an IANA time zone name such as 'Europe/London' or 'UTC'",
        ) from exc


def _parse_times(
    values: pd.Series,
    *,
    file: Any,
    field: str,
    tz: str | None,
    time_format: str | None,
    dayfirst: bool | None = None,
    year: int | None = None,
    info: dict,
) -> pd.Series:
    """Parse Moodle times; unparseable values become NaT (the caller decides).

    Unix seconds, English human-readable dates (``HUMAN_DATE_FORMAT``, need
    ``tz``), year-less log dates (``11 May, 09:44``, need ``year`` and
    ``tz``), or anything :func:`parse_timestamps` recognises.
    """
    _check_tz(tz)
    raw = _clean(values)
    present = raw.dropna()
    if time_format is None and len(present):
        first = present.iloc[0]
        if _YEARLESS.match(first):
            return _parse_yearless(raw, file=file, field=field, tz=tz, year=year, info=info)
        if _HUMAN_DATE.match(first):
            time_format = HUMAN_DATE_FORMAT
    unit = "s" if len(present) and present.str.fullmatch(r"\d+").all() else None
    return parse_timestamps(
        raw,
        file=file,
        field=field,
        dayfirst=dayfirst,
        time_format=time_format,
        tz=tz,
        unit=unit,
        on_error="skip",
        info=info,
    )


def _parse_yearless(raw, *, file, field, tz, year, info) -> pd.Series:
    """Year-less log dates (``11 May, 09:44``): ``year`` is the year of the oldest row.

    A log is written in time order (the log report lists the newest rows first); when,
    in time order, the dates step back by more than half a year (31 Dec → 1 Jan),
    the year goes up by one. Rows not in time order cannot show a New Year: every
    row then gets ``year`` and the ingest options say so.
    """
    if year is None:
        raise TimestampError(
            "dates have no year",
            file=file,
            row=int(np.flatnonzero(raw.notna().to_numpy())[0]) + 1 if raw.notna().any() else None,
            field=field,
            found=raw.dropna().iloc[0],
            expected="year=<the year of the oldest row> (and tz='...'), e.g. year=2018",
        )
    parts = raw.str.extract(_YEARLESS.pattern)

    def in_year(years: pd.Series | int) -> pd.Series:
        y = pd.Series(years, index=raw.index).astype(str)
        text = (parts["day"] + " " + parts["month"] + " " + y + " " + parts["clock"]).where(
            parts["day"].notna()
        )
        long = pd.to_datetime(text, format="%d %B %Y %H:%M", errors="coerce")
        return long.fillna(pd.to_datetime(text, format="%d %b %Y %H:%M", errors="coerce"))

    # the order of the rows in a leap year, where every day and month exists
    placed = in_year(2000).to_numpy(dtype="datetime64[ns]")
    rows = np.flatnonzero(~np.isnat(placed))
    half_year = np.timedelta64(183, "D")
    steps = np.diff(placed[rows])
    new_year_back, new_year_fwd = steps < -half_year, steps > half_year
    back = (steps < np.timedelta64(0)) & ~new_year_back
    fwd = (steps > np.timedelta64(0)) & ~new_year_fwd
    if not back.any() and not new_year_fwd.any():
        order, years_after = "oldest first", np.r_[0, np.cumsum(new_year_back)]
    elif not fwd.any() and not new_year_back.any():
        order = "newest first"
        years_after = np.r_[np.cumsum(new_year_fwd[::-1])[::-1], 0]
    else:
        order, years_after = "not in time order", np.zeros(len(rows), dtype=np.int64)
    offset = np.zeros(len(raw), dtype=np.int64)
    offset[rows] = years_after
    naive = in_year(pd.Series(int(year) + offset, index=raw.index))
    info.update(
        kind="yearless",
        year=int(year),
        format="%d %B, %H:%M",
        yearless_order=order,
        years=sorted({int(year) + int(k) for k in np.unique(offset[rows])}),
    )
    return parse_timestamps(naive, file=file, field=field, tz=tz, info=info)


def _fail_or_set_aside(
    bad: np.ndarray,
    *,
    reason: str,
    on_error: str,
    report: IngestReport,
    file: Any,
    field: str | None,
    found: pd.Series | None,
    rows: np.ndarray,
    expected: str | None = None,
    error: type[InputError] = InputError,
) -> np.ndarray:
    """:func:`set_aside_rows` with Moodle's error for the first bad row: ``error(reason)``
    naming the file, the row label, ``field`` and the value ``found``. Returns ``~bad``."""
    return set_aside_rows(
        bad,
        reason,
        report,
        rows,
        on_error=on_error,
        error=lambda i: error(
            reason,
            file=file,
            row=_row(rows[i]),
            field=field,
            found=None if found is None else found.iloc[i],
            expected=expected,
        ),
    )


def _row(v: Any) -> Any:
    """A row label as a plain Python value (numbers from numpy arrays become int)."""
    return v.item() if isinstance(v, np.generic) else v


def _norm_header(name: Any) -> str:
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    s = s.replace("\u2019", "'").lower().strip()
    return re.sub(r"\s+", " ", s)


# ---------------------------------------------------------------------------
# forum export


def _json_rows(data: Any, path: Any) -> pd.DataFrame:
    """The forum export's JSON (``[[{...}, ...]]``, sheets of records) as a table."""
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError(
            "JSON root is not a list", file=path, found=type(data).__name__, expected="[[{...}]]"
        )
    rows: list = []
    for item in data:  # the outer array holds sheets
        rows.extend(item if isinstance(item, list) else [item])
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise FormatError(
                "record is not a JSON object",
                file=path,
                row=i + 1,
                found=type(r).__name__,
                expected="{'id': ..., 'discussion': ..., ...}",
            )
    return pd.DataFrame.from_records(rows).astype(object)


def _load_forum_table(path: Path, sheet: str | int | None) -> pd.DataFrame | list:
    """The export as loaded: a table (CSV, Excel...) or the JSON value."""
    if not path.exists():
        raise InputError("file not found", file=path)
    if path.suffix.lower() == ".json":
        return load_json(path, expected="a Moodle JSON export: [[{...}, ...]]")
    if path.suffix.lower() in (".html", ".htm"):
        raise FormatError(
            "Moodle's HTML forum export is a page for reading, not a table of posts",
            file=path,
            expected="the forum exported as CSV, Excel, ODS or JSON (Forum › Export › format)",
        )
    return read_tabular_file(path, sheet=sheet)


def _forum_table(data: Any, path: Any) -> pd.DataFrame:
    """The forum export's table, columns normalised and checked."""
    if isinstance(data, pd.DataFrame):
        df = data.reset_index(drop=True)
    else:
        df = _json_rows(data, path)
    df.columns = [str(c).strip().lstrip("\ufeff").lower() for c in df.columns]
    missing = [c for c in _FORUM_REQUIRED if c not in df.columns]
    if missing:
        raise SchemaError(
            f"not a Moodle forum export: column {missing[0]!r} is missing",
            file=path,
            field=missing[0],
            found=list(df.columns),
            expected="the forum export fields " + ", ".join(_FORUM_REQUIRED),
        )
    return df


def _posts_to_events(
    df: pd.DataFrame,
    *,
    path: Any,
    report: IngestReport,
    ts: pd.Series,
    on_error: str,
    keep_text: bool,
    context: pd.Series | str | None,
    rows: np.ndarray,
    roles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Shared by the forum export and the backup: Moodle post rows -> Events."""
    post_id = _clean(df["id"])
    parent = _nonzero(_clean(df["parent"]))
    user = _nonzero(_clean(df["userid"]))
    disc = _clean(df["discussion"])
    deleted = (
        (_clean(df["deleted"]) == "1").to_numpy()
        if "deleted" in df.columns
        else np.zeros(len(df), dtype=bool)
    )
    private = (
        _nonzero(_clean(df["privatereplyto"]))
        if "privatereplyto" in df.columns
        else pd.Series(None, index=df.index, dtype=object)
    )
    keep = set_aside_rows(deleted, "deleted", report, rows)

    checks = [
        (post_id.isna().to_numpy(), "post has no id", "id", post_id, InputError),
        (user.isna().to_numpy(), "post has no user id", "userid", _clean(df["userid"]), InputError),
        (disc.isna().to_numpy(), "post has no discussion id", "discussion", disc, InputError),
        (
            ts.isna().to_numpy(),
            "unparseable timestamp",
            "created",
            _clean(df["created"]),
            TimestampError,
        ),
    ]
    for bad, reason, field, found, error in checks:
        keep &= _fail_or_set_aside(
            bad & keep,
            reason=reason,
            on_error=on_error,
            report=report,
            file=path,
            field=field,
            found=found,
            rows=rows,
            error=error,
        )
    dup = (
        keep & post_id.where(keep).duplicated(keep="first").to_numpy() & post_id.notna().to_numpy()
    )
    keep &= _fail_or_set_aside(
        dup,
        reason="duplicate post id",
        on_error=on_error,
        report=report,
        file=path,
        field="id",
        found=post_id,
        rows=rows,
    )

    deleted_ids = set(post_id[deleted].dropna())
    is_reply = parent.notna()
    rec = pd.DataFrame(
        {
            EVENT_ID: post_id,
            TIMESTAMP: ts,
            ACTOR: user,
            ACTION: np.where(is_reply, "reply", "post"),
            OBJECT_ID: post_id,
            PARENT_ID: parent,
            THREAD_ID: disc,
            TARGET: private,
            CONTEXT: context,
            PLATFORM: PLATFORM_NAME,
        }
    )
    if roles is not None:
        rec[ROLE] = [roles.get(u) if u is not None else None for u in user]
    if keep_text and "message" in df.columns:
        rec[TEXT] = df["message"].to_numpy()
    rec = rec[keep]
    n_deleted_parent = int(rec[PARENT_ID].isin(deleted_ids).sum())
    if n_deleted_parent:
        report.notes["reply to a deleted post (target unknown)"] += n_deleted_parent
    n_private = int(rec[TARGET].notna().sum())
    if n_private:
        report.notes["private reply (privatereplyto)"] += n_private
    return rec


def read_moodle_forum(
    path: str | os.PathLike, *, sheet: str | int | None = 0, **options: Any
) -> pd.DataFrame:
    """Read a Moodle forum export (*Forum › Export*) into Events.

    *load* → *parse* (:func:`parse_moodle_forum`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        The export: CSV, Excel or ODS (``sheet``), or JSON.
    sheet : str or int
        The Excel sheet to read.
    **options
        ``tz``, ``time_format``, ``context``, ``on_error``, ``keep_text`` (see
        :func:`parse_moodle_forum`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import connectana as ca, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "forum.csv"
    >>> _ = p.write_text("id,discussion,parent,userid,created\\n"
    ...                  "1,7,0,11,1700000000\\n2,7,1,12,1700000600\\n")
    >>> ev = ca.read_events(p, format="moodle_forum")
    >>> ev[["actor", "action", "target"]].values.tolist()
    [['11', 'post', <NA>], ['12', 'reply', '11']]
    """
    check_on_error(options.get("on_error", "raise"))
    path = Path(path)
    return parse_moodle_forum(_load_forum_table(path, sheet), source=str(path), **options)


def parse_moodle_forum(
    data: Any,
    *,
    source: str | None = None,
    tz: str | None = None,
    time_format: str | None = None,
    context: str | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
) -> pd.DataFrame:
    """Parse a Moodle forum export (*Forum › Export*) into Events.

    Parameters
    ----------
    data : DataFrame, list or dict
        The loaded export: a table of its columns, or its JSON (``[[{...},
        ...]]``, a list of records).
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    tz : str, optional
        Time zone of human-readable dates (``"Europe/London"``); required for
        them, ignored for Unix-second dates.
    time_format : str, optional
        strptime format of the dates when they are neither Unix seconds nor
        English human-readable dates (:data:`HUMAN_DATE_FORMAT`).
    context : str, optional
        Value of the ``context`` column (e.g. the forum's name); the export
        does not say which forum it comes from.
    on_error : {"raise", "skip"}
        ``"skip"`` sets aside posts with no id, user, discussion or a bad
        date, counting them by reason.
    keep_text : bool
        Keep the ``message`` (HTML) as ``text``.

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the :class:`IngestReport`.

    Notes
    -----
    One event per post: ``event_id`` = ``object_id`` = the post ``id``,
    ``thread_id`` = ``discussion``, ``actor`` = ``userid`` (display names are
    dropped: two accounts may share one). ``parent == 0`` is a discussion's
    first post (action ``post``); any other parent makes a ``reply`` whose
    ``parent_id`` is that post and whose ``target`` is its author.
    ``privatereplyto`` (a user id) is an explicit target. Posts with
    ``deleted = 1`` are set aside as ``deleted``; their replies are kept and
    keep their ``parent_id``, so their target is unknown (counted in the
    report's notes).

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.io.moodle import parse_moodle_forum
    >>> df = pd.DataFrame({"id": [1, 2], "discussion": [7, 7], "parent": [0, 1],
    ...                    "userid": [11, 12], "created": [1700000000, 1700000600]})
    >>> parse_moodle_forum(df)[["actor", "action", "target"]].values.tolist()
    [['11', 'post', <NA>], ['12', 'reply', '11']]
    """
    check_on_error(on_error)
    path = source = memory_label(data) if source is None else source
    df = _forum_table(data, path)
    report = IngestReport(source=source, format="moodle_forum", read=len(df))
    info: dict = {}
    ts = _parse_times(
        df["created"], file=path, field="created", tz=tz, time_format=time_format, info=info
    )
    report.options["timestamp"] = info
    rows = np.arange(1, len(df) + 1)
    rec = _posts_to_events(
        df,
        path=path,
        report=report,
        ts=ts,
        on_error=on_error,
        keep_text=keep_text,
        context=context,
        rows=rows,
    )
    if len(rec) and rec[PARENT_ID].isna().all():
        report.messages.append(
            "no post in this export answers another (every post starts a discussion): "
            "there are no reply ties"
        )
    return make_events(rec, platform=PLATFORM_NAME, report=report, keep_text=keep_text)


# ---------------------------------------------------------------------------
# course backup


_BACKUP_FILES = re.compile(
    r"^(moodle_backup\.xml|users\.xml|roles\.xml|course/roles\.xml|course/enrolments\.xml"
    r"|activities/forum_[^/]+/forum\.xml)$"
)


def _backup_members(path: Path) -> dict[str, bytes]:
    """The backup's XML files we use, by path inside the backup (the load step)."""
    out: dict[str, bytes] = {}
    if path.is_dir():
        root = path
        if not (root / "moodle_backup.xml").exists() and not (root / "activities").is_dir():
            subs = [d for d in root.iterdir() if d.is_dir() and (d / "moodle_backup.xml").exists()]
            if len(subs) == 1:
                root = subs[0]
        for f in root.rglob("*.xml"):
            name = f.relative_to(root).as_posix()
            if _BACKUP_FILES.match(name):
                out[name] = f.read_bytes()
        return out
    if not path.exists():
        raise InputError("file not found", file=path)
    with open(path, "rb") as fh:
        return _archive_members(fh, path)


def _archive_members(fh: IO[bytes], path: Any) -> dict[str, bytes]:
    """The wanted members of an archive (a binary file object), streamed: a tar
    is read once in order (members are never re-decompressed), and what is read
    stays under ``max_bytes``. A damaged archive is a FormatError naming ``path``."""
    out: dict[str, bytes] = {}
    used = 0
    try:
        start = fh.tell()
        if tarfile.is_tarfile(fh):
            fh.seek(start)
            limit = max_bytes()
            with tarfile.open(fileobj=fh, mode="r|*") as tar:
                for m in tar:
                    name = m.name.lstrip("./") if m.name.startswith("./") else m.name
                    if m.isfile() and _BACKUP_FILES.match(name):
                        member = tar.extractfile(m)
                        if member is not None:
                            data = read_limited(
                                member, file=path, member=name, used=used, limit=limit
                            )
                            used += len(data)
                            out[name] = data
            return out
        fh.seek(start)
        if zipfile.is_zipfile(fh):
            fh.seek(start)
            with zipfile.ZipFile(fh) as z:
                for name in z.namelist():
                    if _BACKUP_FILES.match(name):
                        out[name] = read_zip_member(z, name, file=path, used=used)
                        used += len(out[name])
            return out
    except ConnectanaError:
        raise  # over max_bytes, named already
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        # (zipfile raises ValueError on some damaged central directories)
        raise FormatError(
            f"the backup archive cannot be read ({exc})",
            file=path,
            expected="a complete .mbz file (gzip'd tar or zip)",
        ) from None
    raise FormatError(
        "not a Moodle backup", file=path, expected="a .mbz file (gzip'd tar or zip) or its folder"
    )


def _backup_files(data: Any, path: Any) -> Mapping[str, bytes]:
    """The members of an in-memory backup: its bytes, a binary file object, or
    the ``{member path: bytes}`` mapping the load step gives."""
    if isinstance(data, Mapping):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return _archive_members(io.BytesIO(bytes(data)), path)
    if hasattr(data, "read") and hasattr(data, "seek"):
        return _archive_members(data, path)
    raise InputError(
        f"cannot read a {type(data).__name__} as a Moodle backup",
        file=path,
        expected="the .mbz file's bytes or a binary file object opened on it",
    )


def _parse_xml(data: bytes, where: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FormatError(
            f"not well-formed XML ({getattr(exc, 'msg', exc)})",
            file=where,
            row=getattr(exc, "lineno", None),
            expected="a Moodle backup XML file",
        ) from None


def _child(el, tag: str) -> str | None:
    c = el.find(tag)
    return None if c is None else _cell(c.text)


def _moodle_role(shortname: str | None, archetype: str | None, role_map) -> str:
    for key in (shortname, archetype):
        if key is None:
            continue
        if role_map is not None and key in role_map:
            return normalize_role(key, role_map)
        if key.lower() in MOODLE_ROLES:
            return MOODLE_ROLES[key.lower()]
    return normalize_role(shortname, role_map)


def _backup_roles(files: dict[str, bytes], path: Path, role_map) -> dict[str, str]:
    """user id -> normalised role (the highest when a user has several)."""
    defs: dict[str, str] = {}
    if "roles.xml" in files:
        root = _parse_xml(files["roles.xml"], f"{path}!roles.xml")
        for r in root.iter("role"):
            rid = r.get("id")
            if rid is None:
                continue
            if role_map is not None and rid in role_map:
                defs[rid] = normalize_role(rid, role_map)
            else:
                defs[rid] = _moodle_role(_child(r, "shortname"), _child(r, "archetype"), role_map)
    pairs: list[tuple[str, str]] = []
    if "course/roles.xml" in files:
        root = _parse_xml(files["course/roles.xml"], f"{path}!course/roles.xml")
        for a in root.iter("assignment"):
            uid, rid = _child(a, "userid"), _child(a, "roleid")
            if uid and rid:
                pairs.append((uid, rid))
    if not pairs and "course/enrolments.xml" in files:
        root = _parse_xml(files["course/enrolments.xml"], f"{path}!course/enrolments.xml")
        for enrol in root.iter("enrol"):
            rid = _child(enrol, "roleid")
            for e in enrol.iter("enrolment"):
                uid = _child(e, "userid")
                if uid and rid:
                    pairs.append((uid, rid))
    roles: dict[str, str] = {}
    for uid, rid in pairs:
        role = defs.get(rid, "other")
        if uid not in roles or _ROLE_RANK[role] > _ROLE_RANK[roles[uid]]:
            roles[uid] = role
    return roles


def read_moodle_backup(path: str | os.PathLike, **options: Any) -> pd.DataFrame:
    """Read the forums of a Moodle course backup (``.mbz``) into Events.

    *load* → *parse* (:func:`parse_moodle_backup`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        A ``.mbz`` file (a gzip'd tar; older backups are zip files) or the
        folder it was extracted to.
    **options
        ``role_map``, ``on_error``, ``keep_text`` (see :func:`parse_moodle_backup`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import connectana as ca, io, pathlib, tarfile, tempfile
    >>> xml = (b"<activity moduleid='5'><forum id='1'><discussions><discussion id='9'><posts>"
    ...        b"<post id='1'><parent>0</parent><userid>3</userid><created>1700000000</created></post>"
    ...        b"<post id='2'><parent>1</parent><userid>4</userid><created>1700000060</created></post>"
    ...        b"</posts></discussion></discussions></forum></activity>")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "course.mbz"
    >>> with tarfile.open(p, "w:gz") as tar:
    ...     info = tarfile.TarInfo("activities/forum_5/forum.xml"); info.size = len(xml)
    ...     tar.addfile(info, io.BytesIO(xml))
    >>> ev = ca.read_events(p, format="moodle_backup")
    >>> ev[["actor", "target", "context"]].values.tolist()
    [['3', <NA>, 'forum_5'], ['4', '3', 'forum_5']]
    """
    check_on_error(options.get("on_error", "raise"))
    path = Path(path)
    return parse_moodle_backup(_backup_members(path), source=str(path), **options)


def parse_moodle_backup(
    data: Any,
    *,
    source: str | None = None,
    role_map: Mapping[Any, str] | None = None,
    on_error: str = "raise",
    keep_text: bool = False,
) -> pd.DataFrame:
    """Parse the forums of a Moodle course backup (``.mbz``) into Events.

    Parameters
    ----------
    data : bytes, binary file object or mapping
        The ``.mbz`` archive's bytes or a binary file object opened on it
        (read under the same ``max_bytes`` limit as a file), or the
        ``{member path: bytes}`` mapping :func:`read_moodle_backup` loads.
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    role_map : mapping, optional
        Role short name (or role id) → normalised role, checked before
        :data:`MOODLE_ROLES`.
    on_error : {"raise", "skip"}
        ``"skip"`` sets aside posts with no id, user or date.
    keep_text : bool
        Keep the post ``message`` (HTML) as ``text``.

    Returns
    -------
    DataFrame
        Events with a ``role`` column; ``attrs["ingest"]`` holds the report.

    Notes
    -----
    Posts come from ``activities/forum_<cmid>/forum.xml``
    (``discussions/discussion[@id]/posts/post[@id]`` with ``parent``,
    ``userid``, ``created``, ``message``, ``privatereplyto``) and follow the
    rules of :func:`read_moodle_forum`; ``context`` is ``forum_<cmid>``.
    Roles: course role assignments (``course/roles.xml``, else the enrolment
    methods' default roles in ``course/enrolments.xml``) named by the role
    definitions in the root ``roles.xml``; short names (else archetypes)
    map by :data:`MOODLE_ROLES` — ``editingteacher``, ``manager`` and
    ``coursecreator`` are instructors, Moodle's ``teacher`` (the
    *non-editing* teacher) is ``ta``, ``student`` is a student. A user with
    several roles gets the highest; users with none have no role. The literal
    ``$@NULL@$`` is a missing value. A backup made without user data has no
    posts: the result is empty and the report says why. Users' names and
    e-mails in ``users.xml`` are never read.

    Examples
    --------
    >>> import io, tarfile
    >>> from connectana.io.moodle import parse_moodle_backup
    >>> xml = (b"<activity moduleid='5'><forum id='1'><discussions><discussion id='9'><posts>"
    ...        b"<post id='1'><parent>0</parent><userid>3</userid><created>1700000000</created></post>"
    ...        b"</posts></discussion></discussions></forum></activity>")
    >>> buf = io.BytesIO()
    >>> with tarfile.open(fileobj=buf, mode="w:gz") as tar:
    ...     info = tarfile.TarInfo("activities/forum_5/forum.xml"); info.size = len(xml)
    ...     tar.addfile(info, io.BytesIO(xml))
    >>> parse_moodle_backup(buf.getvalue())[["actor", "context"]].values.tolist()
    [['3', 'forum_5']]
    """
    check_on_error(on_error)
    path = source = memory_label(data) if source is None else source
    files = _backup_files(data, path)
    forums = sorted(k for k in files if k.startswith("activities/forum_"))
    if "moodle_backup.xml" not in files and not forums:
        raise FormatError(
            "not a Moodle backup: neither moodle_backup.xml nor activities/forum_*/forum.xml found",
            file=path,
        )
    roles = _backup_roles(files, path, role_map)
    rows_out: list[dict] = []
    where: list[str] = []
    for name in forums:
        root = _parse_xml(files[name], f"{path}!{name}")
        cmid = root.get("moduleid") or name.split("/")[1].removeprefix("forum_")
        for disc in root.iter("discussion"):
            did = disc.get("id")
            for post in disc.iter("post"):
                rows_out.append(
                    {
                        "id": post.get("id"),
                        "discussion": did,
                        "parent": _child(post, "parent"),
                        "userid": _child(post, "userid"),
                        "created": _child(post, "created"),
                        "deleted": _child(post, "deleted"),
                        "privatereplyto": _child(post, "privatereplyto"),
                        "message": _child(post, "message"),
                        "context": f"forum_{cmid}",
                    }
                )
                where.append(f"{name} post {post.get('id')}")
    df = pd.DataFrame(
        rows_out,
        columns=[
            "id",
            "discussion",
            "parent",
            "userid",
            "created",
            "deleted",
            "privatereplyto",
            "message",
            "context",
        ],
        dtype=object,
    )
    report = IngestReport(source=source, format="moodle_backup", read=len(df))
    report.options["forums"] = len(forums)
    report.options["users_with_role"] = len(roles)
    if "users.xml" in files:
        users = _parse_xml(files["users.xml"], f"{path}!users.xml")
        report.options["users_in_backup"] = len(users.findall("user"))
    if not forums:
        report.messages.append("the backup has no forum activity")
    elif len(df) == 0:
        report.messages.append(
            "the backup's forums have no posts: it was probably made without user data "
            "(the 'users' backup setting), so there is no interaction to read"
        )
    info: dict = {}
    ts = parse_timestamps(
        _clean(df["created"]), file=path, field="created", unit="s", on_error="skip", info=info
    )
    rec = _posts_to_events(
        df,
        path=path,
        report=report,
        ts=ts,
        on_error=on_error,
        keep_text=keep_text,
        context=df["context"],
        rows=np.array(where, dtype=object),
        roles=roles,
    )
    if ROLE not in rec.columns:
        rec[ROLE] = None
    return make_events(rec, platform=PLATFORM_NAME, report=report, keep_text=keep_text)


# ---------------------------------------------------------------------------
# log report

#: Localised headers of the log report download, by language. Compared
#: without accents, case or repeated spaces.
LOG_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "course": ("Course",),
        "time": ("Time",),
        "user": ("User full name",),
        "affected": ("Affected user",),
        "context": ("Event context",),
        "component": ("Component",),
        "event": ("Event name",),
        "description": ("Description",),
        "origin": ("Origin",),
        "ip": ("IP address",),
    },
    "es": {
        "course": ("Curso",),
        "time": ("Hora", "Fecha"),
        "user": ("Nombre completo del usuario", "Nombre completo"),
        "affected": ("Usuario afectado",),
        "context": ("Contexto del evento",),
        "component": ("Componente",),
        "event": ("Nombre del evento", "Nombre evento"),
        "description": ("Descripción",),
        "origin": ("Origen",),
        "ip": ("Dirección IP",),
    },
    "pt": {
        "course": ("Curso", "Disciplina"),
        "time": ("Hora", "Data"),
        "user": ("Nome completo", "Nome completo do utilizador", "Nome completo do usuário"),
        "affected": ("Utilizador afetado", "Usuário afetado", "Utilizador afectado"),
        "context": ("Contexto do evento",),
        "component": ("Componente",),
        "event": ("Nome do evento",),
        "description": ("Descrição",),
        "origin": ("Origem",),
        "ip": ("Endereço IP", "Endereço de IP"),
    },
    "fr": {
        "course": ("Cours",),
        "time": ("Heure", "Date"),
        "user": ("Nom complet de l'utilisateur", "Nom complet"),
        "affected": ("Utilisateur concerné",),
        "context": ("Contexte de l'événement",),
        "component": ("Composant",),
        "event": ("Nom de l'événement",),
        "description": ("Description",),
        "origin": ("Origine",),
        "ip": ("Adresse IP",),
    },
    "de": {
        "course": ("Kurs",),
        "time": ("Zeit",),
        "user": ("Vollständiger Name",),
        "affected": ("Betroffene/r Nutzer/in",),
        "context": ("Ereigniskontext", "Kontext des Ereignisses"),
        "component": ("Komponente",),
        "event": ("Ereignisname", "Name des Ereignisses"),
        "description": ("Beschreibung",),
        "origin": ("Herkunft", "Ursprung"),
        "ip": ("IP-Adresse",),
    },
}
_LOG_ORDER = (
    "time",
    "user",
    "affected",
    "context",
    "component",
    "event",
    "description",
    "origin",
    "ip",
)
_LOG_REQUIRED = ("time", "user", "event", "description")

# English event name -> kind; kinds are also recognised from the description.
_EVENT_KINDS = {
    "post created": "post_created",
    "discussion created": "discussion_created",
    "discussion viewed": "discussion_viewed",
    "course module viewed": "module_viewed",
    "post updated": "post_updated",
    "discussion updated": "discussion_updated",
    "post deleted": "post_deleted",
    "discussion deleted": "discussion_deleted",
}
_DESCRIPTION_KINDS = (
    (re.compile(r"has created the post with id"), "post_created"),
    (re.compile(r"has created the discussion with id"), "discussion_created"),
    (re.compile(r"has viewed the discussion with id"), "discussion_viewed"),
    (re.compile(r"viewed the '[^']*' activity with course module id"), "module_viewed"),
    (re.compile(r"has updated the post with id"), "post_updated"),
    (re.compile(r"has updated the discussion with id"), "discussion_updated"),
    (re.compile(r"has deleted the post with id"), "post_deleted"),
    (re.compile(r"has deleted the discussion with id"), "discussion_deleted"),
)
_KIND_ACTION = {
    "post_created": "reply",
    "discussion_created": "post",
    "discussion_viewed": "view",
    "module_viewed": "view",
    "post_updated": "edit",
    "discussion_updated": "edit",
    "post_deleted": "delete",
    "discussion_deleted": "delete",
}
# which ids a row of each kind needs from its description
_KIND_NEEDS = {
    "post_created": ("post", "discussion"),
    "post_updated": ("post",),
    "post_deleted": ("post",),
    "discussion_created": ("discussion",),
    "discussion_viewed": ("discussion",),
    "discussion_updated": ("discussion",),
    "discussion_deleted": ("discussion",),
}
_ID_PATTERNS = {
    "user": re.compile(r"user with id '([^']*)'", re.IGNORECASE),
    "post": re.compile(r"\bpost with id '([^']*)'", re.IGNORECASE),
    "discussion": re.compile(r"\bdiscussion with id '([^']*)'", re.IGNORECASE),
}


def _map_log_headers(df: pd.DataFrame, path: Path, report: IngestReport) -> dict[str, str]:
    """kind ('time', 'user', ...) -> file column."""
    lookup: dict[str, tuple[str, str]] = {}
    for lang, table in LOG_HEADERS.items():
        for key, names in table.items():
            for n in names:
                lookup.setdefault(_norm_header(n), (key, lang))
    mapping: dict[str, str] = {}
    langs: set[str] = set()
    for c in df.columns:
        hit = lookup.get(_norm_header(c))
        if hit and hit[0] not in mapping:
            mapping[hit[0]] = c
            langs.add(hit[1])
    missing = [k for k in _LOG_REQUIRED if k not in mapping]
    if not missing:
        report.options["header_language"] = sorted(langs)
        return mapping
    n = df.shape[1]
    if n in (len(_LOG_ORDER), len(_LOG_ORDER) + 1):
        order = _LOG_ORDER if n == len(_LOG_ORDER) else ("course",) + _LOG_ORDER
        mapping = dict(zip(order, df.columns, strict=True))
        report.options["header_language"] = "unknown (mapped by position)"
        report.messages.append(
            f"the headers were not recognised, so the {n} columns were mapped by their position "
            f"in Moodle's standard order ({', '.join(order)}); check that this is right"
        )
        return mapping
    expected = (
        "the log report headers (e.g. Time, User full name, Event name, Description) "
        f"in one of the languages {sorted(LOG_HEADERS)}, or exactly {len(_LOG_ORDER)} columns "
        "in Moodle's order"
    )
    names = {str(c).strip().lower() for c in df.columns}
    if {"userid", "timecreated"} <= names:  # rows of the database table, not the report
        expected = (
            "the Reports › Logs download; these are rows of the table "
            "mdl_logstore_standard_log: read them with format='table', columns={'actor': "
            "'userid', 'timestamp': 'timecreated'"
            + (", 'target': 'relateduserid'" if "relateduserid" in names else "")
            + "}, unit='s', action='view' (or action_map= on its eventname column)"
        )
    raise SchemaError(
        f"not a Moodle log report: no column for {missing[0]!r}",
        file=path,
        field=missing[0],
        found=list(map(str, df.columns)),
        expected=expected,
    )


def _forum_parents(forum: Any, tz: str | None) -> pd.DataFrame:
    """post id -> (parent_id, actor, thread_id) from a forum export/backup or Events."""
    if isinstance(forum, pd.DataFrame):
        ev = forum
    else:
        p = Path(forum)
        if p.is_dir() or p.suffix.lower() == ".mbz":
            ev = read_moodle_backup(p)
        else:
            ev = read_moodle_forum(p, tz=tz)
    need = [OBJECT_ID, PARENT_ID, ACTOR, THREAD_ID]
    miss = [c for c in need if c not in ev.columns]
    if miss:
        raise SchemaError(
            "forum= must be a forum export path or Events from read_moodle_forum",
            field=miss[0],
            found=list(map(str, ev.columns)),
        )
    posts = ev.loc[ev[OBJECT_ID].notna(), need].drop_duplicates(OBJECT_ID)
    return posts.set_index(OBJECT_ID)


def read_moodle_log(
    path: str | os.PathLike,
    *,
    sep: str | None = None,
    sheet: str | int | None = 0,
    **options: Any,
) -> pd.DataFrame:
    """Read a Moodle standard log report download into Events.

    *load* → *parse* (:func:`parse_moodle_log`, which documents ``**options``) →
    :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like
        The CSV or Excel download of *Reports › Logs* (any of the headers in
        :data:`LOG_HEADERS`, with or without the leading ``Course`` column or
        a pandas index column, CR-only line endings accepted).
    sep, sheet : optional
        Passed to :func:`connectana.io.table.read_tabular_file`.
    **options
        ``tz``, ``dayfirst``, ``year``, ``time_format``, ``forum``, ``actor``, ``on_error``,
        ``keep_text`` (see :func:`parse_moodle_log`).

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import connectana as ca, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = p.write_text("Time,User full name,Affected user,Event context,Component,Event name,"
    ...     "Description,Origin,IP address\\n"
    ...     '"23/01/23, 12:09",Ann,-,Forum: F,Forum,Discussion created,'
    ...     "The user with id '5' has created the discussion with id '8' in the forum "
    ...     "with course module id '3'.,web,1.2.3.4\\n")
    >>> ev = ca.read_events(p, format="moodle_log", tz="UTC")
    >>> ev[["actor", "action", "thread_id"]].values.tolist()
    [['5', 'post', '8']]
    """
    check_on_error(options.get("on_error", "raise"))
    path = Path(path)
    return parse_moodle_log(
        read_tabular_file(path, sep=sep, sheet=sheet), source=str(path), **options
    )


def parse_moodle_log(
    data: Any,
    *,
    source: str | None = None,
    tz: str | None = None,
    dayfirst: bool | None = None,
    year: int | None = None,
    time_format: str | None = None,
    forum: Any = None,
    actor: str = "auto",
    on_error: str = "raise",
    keep_text: bool = False,
) -> pd.DataFrame:
    """Parse a Moodle standard log report download into Events.

    Parameters
    ----------
    data : DataFrame
        The loaded log (its columns as downloaded: any of the headers in
        :data:`LOG_HEADERS`, with or without the leading ``Course`` column or
        a pandas index column).
    source : str, optional
        The name errors and the report give the input (default: ``<in-memory ...>``).
    tz : str
        Time zone the times were written in (the downloading user's).
    dayfirst : bool, optional
        For dates like ``01/02/23`` whose order the data cannot prove.
    year : int, optional
        Year of the oldest row of year-less dates (``11 May, 09:44``); required
        for them. Rows after New Year (31 Dec → 1 Jan in time order, the log
        being newest or oldest first) fall in the next year.
    time_format : str, optional
        Explicit strptime format of the Time column.
    forum : path-like or DataFrame, optional
        A forum export (or backup), or Events from :func:`read_moodle_forum`:
        joins each created post to its parent, giving reply targets.
    actor : {"auto", "id", "name"}
        Who acts: the user id from the description (``"id"``) or the full
        name column (``"name"``). ``"auto"`` uses ids when every row with a
        user has one in its description, else names.
    on_error : {"raise", "skip"}
        ``"skip"`` sets aside rows with an unparseable time.
    keep_text : bool
        Keep the description as ``text``.

    Returns
    -------
    DataFrame
        Events; ``attrs["ingest"]`` holds the :class:`IngestReport`.

    Notes
    -----
    Each row is one event. Actions: *Post created* → ``reply`` (``post``
    when the joined forum says the post has no parent), *Discussion
    created* → ``post``, *Discussion viewed* and *Course module viewed* →
    ``view``, *Post/Discussion updated* → ``edit``, *Post/Discussion
    deleted* → ``delete``, anything else → ``other``. Event names are
    recognised in English, else from the description, which Moodle always
    writes in English. Post, discussion and user ids are taken from the
    description; a forum row whose needed id is not a number (obfuscated
    exports write ``'x98'``) is set aside as ``unparseable description``.
    ``thread_id`` is the discussion id, ``context`` the event context.
    Rows whose user is ``-`` (not logged in) are set aside as ``no user``.
    The log does not say which post a post answers: without ``forum=``
    created posts are replies with an unknown target (use ``ties="star"``
    or ``"copresence"``, or pass ``forum=``). Rows are written newest
    first; they are put in time order, keeping the file's order reversed
    within a minute.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.io.moodle import parse_moodle_log
    >>> log = pd.DataFrame({"Time": ["23/01/23, 12:09"], "User full name": ["Ann"],
    ...     "Affected user": ["-"], "Event context": ["Forum: F"], "Component": ["Forum"],
    ...     "Event name": ["Discussion created"], "Description": ["The user with id '5' has "
    ...     "created the discussion with id '8' in the forum with course module id '3'."],
    ...     "Origin": ["web"], "IP address": ["1.2.3.4"]})
    >>> parse_moodle_log(log, tz="UTC")[["actor", "action", "thread_id"]].values.tolist()
    [['5', 'post', '8']]
    """
    check_on_error(on_error)
    if actor not in ("auto", "id", "name"):
        raise ParameterError(f"actor must be 'auto', 'id' or 'name', not {actor!r}")
    path = source = memory_label(data) if source is None else source
    if not isinstance(data, pd.DataFrame):
        raise ParameterTypeError(f"a Moodle log is a DataFrame, not a {type(data).__name__}")
    raw = data.reset_index(drop=True)
    report = IngestReport(source=source, format="moodle_log", read=len(raw))
    cols = _map_log_headers(raw, path, report)
    report.options["columns"] = dict(cols)
    n = len(raw)
    rows = np.arange(1, n + 1)

    desc = _clean(raw[cols["description"]]).fillna("")
    name = _clean(raw[cols["user"]])
    ids = {k: desc.str.extract(p, expand=False) for k, p in _ID_PATTERNS.items()}
    numeric = {k: v.fillna("").str.fullmatch(r"\d+").to_numpy() for k, v in ids.items()}

    event_name = _clean(raw[cols["event"]]).fillna("").map(_norm_header)
    kind = event_name.map(_EVENT_KINDS)
    for pattern, k in _DESCRIPTION_KINDS:
        kind = kind.where(kind.notna() | ~desc.str.contains(pattern), k)
    action = kind.map(_KIND_ACTION).fillna("other")

    keep = set_aside_rows(name.isna().to_numpy(), "no user", report, rows)

    if actor == "auto":
        actor = "id" if numeric["user"][keep].all() else "name"
        if actor == "name":
            report.messages.append(
                "some rows with a user have no numeric user id in their description, so "
                "people are identified by the full name column (names may be shared or change)"
            )
    report.options["actor"] = "user id from the description" if actor == "id" else "user full name"
    needs_bad = np.zeros(n, dtype=bool)
    for k, needed in _KIND_NEEDS.items():
        is_k = (kind == k).to_numpy()
        for what in needed:
            needs_bad |= is_k & ~numeric[what]
    if actor == "id":
        needs_bad |= ~numeric["user"]
    needs_bad &= keep
    # obfuscated or odd descriptions are a property of the export, not an error
    keep &= set_aside_rows(needs_bad, "unparseable description", report, rows)

    info: dict = {}
    ts = _parse_times(
        raw[cols["time"]],
        file=path,
        field=cols["time"],
        tz=tz,
        time_format=time_format,
        dayfirst=dayfirst,
        year=year,
        info=info,
    )
    report.options["timestamp"] = info
    keep &= _fail_or_set_aside(
        keep & ts.isna().to_numpy(),
        reason="unparseable timestamp",
        on_error=on_error,
        report=report,
        file=path,
        field=cols["time"],
        found=_clean(raw[cols["time"]]),
        rows=rows,
        error=TimestampError,
    )

    is_forum_kind = kind.notna().to_numpy() & (kind != "module_viewed").to_numpy()
    post_kinds = kind.isin(["post_created", "post_updated", "post_deleted"]).to_numpy()
    disc_created = (kind == "discussion_created").to_numpy()
    rec = pd.DataFrame(
        {
            EVENT_ID: [f"row{r}" for r in rows],
            TIMESTAMP: ts,
            ACTOR: ids["user"] if actor == "id" else name,
            ACTION: action,
            OBJECT_ID: ids["post"].where(post_kinds),
            PARENT_ID: None,
            THREAD_ID: ids["discussion"].where(is_forum_kind),
            TARGET: None,
            CONTEXT: _clean(raw[cols["context"]]) if "context" in cols else None,
            PLATFORM: PLATFORM_NAME,
        },
        index=raw.index,
    ).astype({OBJECT_ID: object, PARENT_ID: object, THREAD_ID: object, TARGET: object})
    if CONTEXT in rec and "course" in cols:
        rec[CONTEXT] = rec[CONTEXT].fillna(_clean(raw[cols["course"]]))
    if keep_text:
        rec[TEXT] = desc
    created = (kind == "post_created").to_numpy() & keep

    if forum is None:
        if created.any():
            report.messages.append(
                "the log alone has no reply structure: a created post's parent is not logged, so "
                f"{int(created.sum())} replies have an unknown target; pass forum= (a forum "
                "export) to recover targets, or build the network with ties='star' or 'copresence'"
            )
            report.notes["reply with unknown parent"] += int(created.sum())
    else:
        posts = _forum_parents(forum, tz)
        pid = rec[OBJECT_ID]
        known = created & pid.isin(posts.index).to_numpy()
        n_unknown = int((created & ~known).sum())
        if n_unknown:
            report.notes["post not in the forum export"] += n_unknown
        n_target = 0
        for i in np.flatnonzero(known):
            parent = posts.loc[pid.iloc[i], PARENT_ID]
            if pd.isna(parent):
                rec.iat[i, rec.columns.get_loc(ACTION)] = "post"
                continue
            rec.iat[i, rec.columns.get_loc(PARENT_ID)] = parent
            if actor == "id" and parent in posts.index:
                rec.iat[i, rec.columns.get_loc(TARGET)] = posts.loc[parent, ACTOR]
                n_target += 1
        if n_target:
            report.notes["reply target from the forum export"] += n_target
        if actor != "id":
            report.messages.append(
                "people are keyed by name, so forum= gives parents only: targets are resolved "
                "from the posts created in the log itself"
            )
        # a created discussion's first post, so that replies to it resolve
        starters = posts[posts[PARENT_ID].isna()]
        first_post = pd.Series(starters.index, index=starters[THREAD_ID].to_numpy())
        first_post = first_post[~first_post.index.duplicated()]
        dc = disc_created & keep & rec[THREAD_ID].isin(first_post.index).to_numpy()
        rec.loc[dc, OBJECT_ID] = first_post.loc[rec.loc[dc, THREAD_ID]].to_numpy()

    rec = rec[keep]
    order = rec[TIMESTAMP]
    if len(order) > 1 and order.is_monotonic_decreasing and not order.is_monotonic_increasing:
        rec = rec.iloc[::-1]
        report.options["order"] = "newest first (reversed)"
    return make_events(rec, platform=PLATFORM_NAME, report=report, keep_text=keep_text)
