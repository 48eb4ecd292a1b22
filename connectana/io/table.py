"""Any tabular file (CSV, Excel, Parquet, JSON lines) mapped onto the Events schema.

Typical inputs: an edge list (``Sender,Receiver,Timestamp``), a post table
(``post_id,parent_id,thread_id,author,created``) or an LMS log
(``user,resource,time``). Columns are mapped with ``columns={schema: file}``;
without a mapping, exact well-known header names are recognised (the mapping
used is recorded in the ingest report).

The module is over 800 lines: one reader, but the plain table is the format users bring most
often, and its column mapping, auto-detection messages and two CSV engines (which must give
the same table) belong together.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FormatError, InputError, ParameterError, ParameterTypeError, SchemaError
from ..events import (
    ACTION,
    ACTIONS,
    ACTOR,
    CONTEXT,
    EVENT_ID,
    OBJECT_ID,
    OPTIONAL_COLUMNS,
    PARENT_ID,
    PLATFORM,
    REQUIRED_COLUMNS,
    ROLE,
    TARGET,
    TEXT,
    THREAD_ID,
    TIMESTAMP,
    IngestReport,
    arrow_keys,
    make_events,
    numbered_ids,
)
from ..extract import add_resources
from .common import (
    EMPTY,
    check_on_error,
    check_zip_sizes,
    decode_text,
    read_bytes,
    set_aside_rows,
)
from .memory import memory_label
from .timestamps import parse_timestamps

__all__ = [
    "read_table",
    "parse_table",
    "read_tabular_file",
    "platform_hint",
    "SYNONYMS",
    "ACTION_SYNONYMS",
    "PLATFORM_HEADERS",
    "FormatHintWarning",
    "EncodingFallbackWarning",
]

#: Header names recognised without a ``columns`` mapping (compared lower-case,
#: with spaces and dashes read as underscores).
SYNONYMS: dict[str, tuple[str, ...]] = {
    EVENT_ID: ("event_id",),
    TIMESTAMP: (
        "timestamp",
        "time",
        "datetime",
        "date",
        "created",
        "created_at",
        "post_time",
        "post_timestamp",
    ),
    ACTOR: (
        "actor",
        "sender",
        "source",
        "from",
        "author",
        "author_id",
        "post_author_id",
        "user",
        "user_id",
        "userid",
        "username",
    ),
    ACTION: ("action",),
    OBJECT_ID: ("object_id", "post_id", "comment_id", "commentid", "message_id", "resource"),
    # not plain "parent": exports use it for parent categories (DLT2) as often as for posts
    PARENT_ID: ("parent_id", "parent_post_id", "post_parent_id", "reply_to", "in_reply_to"),
    THREAD_ID: ("thread_id", "thread", "discussion_id", "discussionid", "topic_id"),
    TARGET: ("target", "receiver", "reciever", "recipient", "to"),
    CONTEXT: ("context", "course", "course_id", "forum", "forum_id"),
    PLATFORM: ("platform",),
    TEXT: ("text", "message", "body"),
    ROLE: ("role", "user_role", "user_type"),
}

#: Raw action words mapped onto the vocabulary.
ACTION_SYNONYMS: dict[str, str] = {
    "posted": "post",
    "created": "post",
    "create": "post",
    "start": "post",
    "thread": "post",
    "replied": "reply",
    "response": "reply",
    "responded": "reply",
    "answer": "reply",
    "answered": "reply",
    "commented": "comment",
    "mentioned": "mention",
    "like": "react",
    "liked": "react",
    "reaction": "react",
    "vote": "react",
    "voted": "react",
    "shared": "share",
    "viewed": "view",
    "read": "view",
    "edited": "edit",
    "updated": "edit",
    "deleted": "delete",
    "dm": "message",
}

#: Cells read as missing: common spellings, Moodle's ``$@NULL@$``, and ``\N`` (the NULL of
#: MySQL ``SELECT ... INTO OUTFILE`` / ``mysqldump --tab`` and PostgreSQL ``COPY`` dumps,
#: e.g. of ``mdl_logstore_standard_log``: read as a person it made one "\N" the target
#: of every event without a related user).
_NA_VALUES = ["", "NA", "N/A", "NULL", "null", "NaN", "nan", "None", "$@NULL@$", "-", "\\N"]


def _norm(name: Any) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def read_tabular_file(
    path: str | os.PathLike,
    *,
    sep: str | None = None,
    sheet: str | int | None = 0,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read a CSV/TSV, Excel, Parquet or JSON-lines file with every cell as text.

    Handles a UTF-8 BOM, CR-only line endings (Excel re-saves), ``;``/tab/
    whitespace separators (sniffed when ``sep`` is None) and a leading pandas
    index column (an unnamed first column counting 0, 1, 2, ...), which is
    dropped. Missing cells are NA; ``-`` and ``$@NULL@$`` are read as missing.

    Text files are read as ``encoding`` when given; otherwise as UTF-8 (a
    byte-order mark may say UTF-16/32), else as Windows-1252 (Excel's default
    on Windows) when every byte is valid in it. Otherwise, or when the rows do
    not parse, a :class:`~connectana.errors.FormatError` names the file and
    the line.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    if path.stat().st_size == 0:
        raise InputError(EMPTY, file=path, expected="a header row and data rows")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            if zipfile.is_zipfile(path):  # xlsx/ods are zip archives: refuse a bomb first
                with zipfile.ZipFile(path) as z:
                    check_zip_sizes(z, file=path)
            df = _read_excel(path, sheet)
        elif suffix in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        elif suffix in (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz") or suffix == ".json":
            data = io.BytesIO(read_bytes(path))  # gunzipped under the decompression limit
            df = pd.read_json(data, lines=suffix != ".json", dtype=False)
        else:
            df = _read_csv(path, sep=sep, encoding=encoding)
    except (InputError, FileNotFoundError):
        raise
    except pd.errors.EmptyDataError as exc:
        raise InputError(
            "file has no data", file=path, expected="a header row and data rows"
        ) from exc
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError, OSError) as exc:
        raise FormatError(f"cannot read as a table: {exc}", file=path) from exc
    df = _drop_index_column(df)
    df.columns = [str(c).strip() for c in df.columns]
    return df


class EncodingFallbackWarning(UserWarning):
    """A text file that is not UTF-8 was decoded as Windows-1252."""


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """An Excel/ODS sheet, every cell as text; a damaged workbook (not a zip, a
    missing part) is a FormatError naming the file."""
    import zipfile

    try:
        return pd.read_excel(path, sheet_name=sheet, dtype=str, na_values=_NA_VALUES)
    except ValueError as exc:
        if "Worksheet" in str(exc) or "sheet" in str(exc).lower():
            raise SchemaError(f"no such sheet ({exc})", file=path, found=sheet) from None
        raise FormatError(
            f"not a readable spreadsheet ({exc})", file=path, expected="an .xlsx/.ods workbook"
        ) from None
    except ImportError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, TypeError, AttributeError) as exc:
        raise FormatError(
            f"not a readable spreadsheet ({type(exc).__name__}: {exc})",
            file=path,
            expected="an intact .xlsx/.ods workbook (re-save it from Excel)",
        ) from None
    except Exception as exc:  # openpyxl/odf raise their own types for damaged parts
        raise FormatError(
            f"not a readable spreadsheet ({type(exc).__name__}: {exc})",
            file=path,
            expected="an intact .xlsx/.ods workbook (re-save it from Excel)",
        ) from None


def _decode_csv(path: Path, encoding: str | None) -> tuple[str, str]:
    """The text of a CSV file and the encoding used: ``encoding`` if given, else
    UTF-8 (a BOM says UTF-8/16/32), else Windows-1252 (Excel's default on Windows)
    when the bytes are valid in it, with an :class:`EncodingFallbackWarning`;
    otherwise a FormatError naming line and byte offset."""
    data = read_bytes(path)
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise FormatError(
                f"text is not {encoding}: byte offset {exc.start} on line {line} cannot be decoded",
                file=path,
                row=line,
                found=data[exc.start : exc.start + 4],
                expected=f"{encoding} text, or another encoding='...'",
            ) from None
        except LookupError:
            raise ParameterError(f"unknown encoding {encoding!r}") from None
    try:
        return decode_text(data, file=path), "utf-8"
    except FormatError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise exc from None
        warnings.warn(
            f"{path}: not UTF-8 ({exc.reason}); decoded as Windows-1252 (Excel's default). "
            "If names look wrong, give encoding='...' (e.g. 'latin-1', 'mac-roman')",
            EncodingFallbackWarning,
            stacklevel=5,
        )
        return text, "cp1252"


# What ``dtype=str`` gives in this pandas: pandas 3's Arrow-backed ``str``, or object.
_TEXT = pd.Series([""], dtype=str).dtype


def _read_csv(path: Path, *, sep: str | None, encoding: str | None) -> pd.DataFrame:
    if encoding is None or codecs.lookup(encoding).name == "utf-8":
        fast = _read_csv_arrow(path, sep)
        if fast is not None:
            return fast
    text, used = _decode_csv(path, encoding)
    text = text.lstrip("\ufeff")
    head = text[:65536]
    first = head.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
    if sep is None:
        counts = {c: first.count(c) for c in (",", ";", "\t", "|")}
        best = max(counts, key=counts.get)
        if counts[best] == 0:
            sep = r"\s+" if len(first.split()) > 1 else ","
        else:
            sep = best
        if sep == ",":
            try:
                sep = csv.Sniffer().sniff(head[:8192], delimiters=",;\t|").delimiter
            except csv.Error:
                pass
    kwargs: dict[str, Any] = dict(
        sep=sep,
        dtype=str,
        keep_default_na=False,
        na_values=_NA_VALUES,
        skip_blank_lines=True,
    )
    if sep == r"\s+":
        kwargs.update(engine="python")
    if "\r" in head and "\n" not in head:
        # CR-only line endings (classic Mac / Excel re-saves): normalise
        text = text.replace("\r", "\n")
    if len(sep) == 1 and _ragged(text, sep, path):
        kwargs.update(index_col=False)  # empty trailing fields only: drop them
    try:
        df = pd.read_csv(io.StringIO(text), **kwargs)
        if used == "cp1252":
            df.attrs["encoding"] = "cp1252"  # read_table puts it in the ingest report
        return df
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise FormatError(
            f"cannot read as a table: {exc}".strip(),
            file=path,
            row=int(m.group(1)) if m else None,
            expected="a delimited text table with the same number of fields on every row",
        ) from None


def _ragged(text: str, sep: str, path: Path) -> bool:
    """Refuse a row with more fields than the header (pandas would shift the
    columns, taking the first one as an index): a FormatError naming the line and
    the field counts. True when the only extra fields are empty (a trailing
    separator on each row), which are dropped."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        return _check_fields(rows, sep, path)
    except csv.Error:
        return False  # not plain CSV (NUL bytes, stray CRs): pandas reads it or names the line


def _check_fields(rows: Any, sep: str, path: Path) -> bool:
    header = next(rows, None)
    if header is None:
        return False
    trailing = False
    for row in rows:
        if len(row) <= len(header):
            continue
        if all(not f.strip() for f in row[len(header) :]):
            trailing = True
            continue
        raise FormatError(
            f"line {rows.line_num} has {len(row)} fields but the header has {len(header)}",
            file=path,
            row=rows.line_num,
            found=row[len(header) :][:3],
            expected="as many fields on every row as in the header (quote fields that "
            f"contain {sep!r})",
        )
    return trailing


def _read_csv_arrow(path: Path, sep: str | None) -> pd.DataFrame | None:
    """The common case, read by Arrow's CSV parser: a UTF-8 file with a one-character
    separator and a one-line header of distinct names.

    Gives the same table as the pandas parser below (every cell text, the same
    missing values, blank lines skipped, quoted fields across lines) in a fraction
    of the time. Returns None when the file is not such a file or Arrow cannot
    parse it (bad UTF-8, a row with the wrong number of fields...): the pandas
    parser then reads it, decodes other encodings and names the line at fault.
    """
    if not isinstance(_TEXT, pd.StringDtype):
        return None  # pandas < 3: text columns are objects; the pandas parser makes them
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = read_bytes(path)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE) or data[:2] in (
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
    ):
        return None
    head = data[:65536]
    if b"\r" in head and b"\n" not in head:
        return None  # CR-only line ends (old Excel for Mac): the pandas path normalises them
    try:
        first = head.splitlines()[0].decode("utf-8") if head.strip() else ""
    except UnicodeDecodeError:
        return None
    if first.count('"') % 2:
        return None  # a header with a line break inside quotes
    if sep is None:
        counts = {c: first.count(c) for c in (",", ";", "\t", "|")}
        sep = max(counts, key=counts.get)
        if counts[sep] == 0:
            return None  # one column or whitespace-separated: the pandas path decides
        if sep == ",":
            try:
                sample = head[:8192].decode("utf-8", "ignore")
                sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                pass
    if len(sep) != 1 or sep == '"':
        return None
    names = next(csv.reader([first], delimiter=sep), [])
    # an empty name is "Unnamed: <i>", as pandas names it (a saved pandas index)
    names = [n if n != "" else f"Unnamed: {i}" for i, n in enumerate(names)]
    if not names or len(set(names)) != len(names):
        return None  # repeated names: pandas renames them ("a", "a.1")
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=_NA_VALUES,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    if table.column_names != names:
        return None
    return table.to_pandas(types_mapper={pa.string(): _TEXT}.get)


def _drop_index_column(df: pd.DataFrame) -> pd.DataFrame:
    if df.shape[1] < 2 or len(df) == 0:
        return df
    name = str(df.columns[0])
    if name == "" or name.startswith("Unnamed: 0"):
        col = pd.to_numeric(df.iloc[:, 0], errors="coerce")
        if col.notna().all() and (col.to_numpy() == np.arange(len(df)) + col.iloc[0]).all():
            return df.iloc[:, 1:]
    return df


def _map_columns(
    df: pd.DataFrame, columns: Mapping[str, str | None] | None, path: Any
) -> tuple[dict[str, str], list[str]]:
    """schema column -> file column, and the schema columns recognised by name.

    ``columns`` wins: a schema column mapped to ``None`` is left unmapped (not
    recognised by name either)."""
    mapping: dict[str, str] = {}
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    off: set[str] = set()
    if columns:
        for schema_col, file_col in columns.items():
            if schema_col not in known:
                raise SchemaError(
                    f"columns= maps unknown schema column {schema_col!r}",
                    file=path,
                    field=schema_col,
                    expected=f"keys among {sorted(known)}",
                )
            if file_col is None:
                off.add(schema_col)
                continue
            if file_col not in df.columns:
                raise SchemaError(
                    f"column {file_col!r} (given for {schema_col!r}) is not in the file",
                    file=path,
                    field=file_col,
                    found=list(df.columns),
                )
            mapping[schema_col] = file_col
    by_norm: dict[str, str] = {}
    for c in df.columns:
        by_norm.setdefault(_norm(c), c)
    used = set(mapping.values())
    auto: list[str] = []
    for schema_col, names in SYNONYMS.items():
        if schema_col in mapping or schema_col in off:
            continue
        for n in names:
            c = by_norm.get(n)
            if c is not None and c not in used:
                mapping[schema_col] = c
                used.add(c)
                auto.append(schema_col)
                break
    for required in (ACTOR, TIMESTAMP):
        if required not in mapping:
            raise SchemaError(
                f"no column for {required!r} was found",
                file=path,
                field=required,
                found=list(df.columns),
                expected=f"a column named one of {list(SYNONYMS[required])}, "
                f"or columns={{'{required}': '<your column>'}}",
            )
    return mapping, auto


#: Column sets that mark a platform's own export: read as a plain table, their
#: reply structure would be lost (format name, columns, what would be lost).
PLATFORM_HEADERS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("moodle_forum", frozenset({"discussion", "parent", "userid", "created"}),
     "the parent/discussion columns (who answers whom)"),
    ("moodle_log", frozenset({"event_name", "description", "time"}),
     "the forum events named in the descriptions"),
    ("moodle_log", frozenset({"eventname", "component", "timecreated", "userid"}),
     "the forum events"),
    ("edx_forum", frozenset({"_type", "comment_thread_id"}),
     "threads, responses and comments"),
    ("edx_tracking", frozenset({"event_type", "event", "context"}), "the forum events"),
    ("xapi", frozenset({"actor", "verb", "object"}), "the statements' verbs and objects"),
    ("mastodon", frozenset({"in_reply_to_id", "account"}), "the replies"),
    ("canvas_events", frozenset({"metadata", "body"}), "the discussion events"),
    ("slack", frozenset({"ts", "user", "text"}), "threads and mentions"),
    ("discourse", frozenset({"post_number", "topic_id"}), "reply_to_post_number"),
)  # fmt: skip


class FormatHintWarning(UserWarning):
    """A table whose columns are a platform's own export: read it with that format."""


def platform_hint(columns: Sequence[Any]) -> tuple[str, str] | None:
    """``(format, what a plain table read loses)`` when the columns are those of
    a platform export connectana has a reader for (:data:`PLATFORM_HEADERS`).

    Examples
    --------
    >>> from connectana.io.table import platform_hint
    >>> platform_hint(["id", "discussion", "parent", "userid", "created", "message"])[0]
    'moodle_forum'
    """
    names = {_norm(c) for c in columns}
    for fmt, needed, lost in PLATFORM_HEADERS:
        if needed <= names:
            return fmt, lost
    return None


def _match_share(values: pd.Series, pool: pd.Series) -> float:
    """Share of the distinct ``values`` (a sample of 5,000 rows of them when there
    are more) found among ``pool``'s values. pyarrow hashes the small sample and
    scans the pool once: no Python string per row."""
    import pyarrow.compute as pc

    vals = values.dropna()
    if len(vals) > 5000:  # an estimate is enough to tell a wrong mapping
        vals = vals.sample(5000, random_state=0)
    sample = pc.unique(arrow_keys([vals]))
    if len(sample) == 0:
        return 0.0
    pool_keys = arrow_keys([pool.dropna()])
    found = pc.unique(pc.filter(pool_keys, pc.is_in(pool_keys, value_set=sample)))
    return len(found) / len(sample)


def _check_parent_ids(
    raw: pd.DataFrame, mapping: dict[str, str], report: IngestReport, source: str
) -> None:
    """Parent ids must point at the column mapped to ``object_id``.

    When fewer than half of the distinct parent ids are object ids: with no
    ``object_id`` column and an ``event_id`` column that holds them, the event
    ids are used as object ids (said in the report); otherwise, when another
    column holds at least 80 % of them, a warning names
    ``columns={"object_id": that column}``.
    """
    if PARENT_ID not in mapping:
        return
    parents = raw[mapping[PARENT_ID]]
    parents = parents[~parents.astype("string").str.strip().isin(["", "0"]).fillna(True)]
    if parents.empty:
        return
    if OBJECT_ID in mapping and _match_share(parents, raw[mapping[OBJECT_ID]]) >= 0.5:
        return
    if OBJECT_ID not in mapping and EVENT_ID in mapping:
        if _match_share(parents, raw[mapping[EVENT_ID]]) >= 0.5:
            mapping[OBJECT_ID] = mapping[EVENT_ID]
            report.options["object_id_from"] = EVENT_ID
            report.messages.append(
                f"parent ids match the event_id column {mapping[EVENT_ID]!r}: it is used as "
                "object_id too"
            )
            return
    shares = {
        c: _match_share(parents, raw[c])
        for c in raw.columns
        if c != mapping[PARENT_ID] and c != mapping.get(OBJECT_ID)
    }
    best = max(shares, key=shares.get, default=None)
    if best is None or shares[best] < 0.8:
        return
    now = f"the object_id column {mapping[OBJECT_ID]!r}" if OBJECT_ID in mapping else "no column"
    msg = (
        f"{shares[best]:.0%} of the parent ids ({mapping[PARENT_ID]!r}) are values of column "
        f"{best!r}, but object_id is {now}: replies will not find their parents. "
        f"Give columns={{'object_id': {best!r}, ...}}"
    )
    report.messages.append(msg)
    warnings.warn(f"{source}: {msg}", FormatHintWarning, stacklevel=4)


def _actions(
    values: pd.Series, action_map: Mapping[Any, str] | None, report: IngestReport
) -> pd.Series:
    """Raw action values onto the vocabulary: ``action_map`` first (keys compared
    stripped and lower-case), then the vocabulary itself and
    :data:`ACTION_SYNONYMS`. With ``action_map``, anything else is ``other``
    (counted in the report's notes); without, it stays as written (then refused)."""
    act = values.astype("string").str.strip()
    low = act.str.lower()
    out = low.map(lambda a: ACTION_SYNONYMS.get(a, a) if isinstance(a, str) else a)
    if action_map is None:
        return out
    bad = {k: v for k, v in action_map.items() if v not in ACTIONS}
    if bad:
        raise SchemaError(
            f"action_map maps onto value(s) outside the vocabulary: {bad}",
            expected=f"values among {list(ACTIONS)}",
        )
    amap = {str(k).strip().lower(): v for k, v in action_map.items()}
    mapped = low.map(lambda a: amap.get(a) if isinstance(a, str) else None).astype("string")
    out = mapped.fillna(out.where(out.isin(ACTIONS)))
    unmapped = out.isna() & act.notna()
    if unmapped.any():
        report.notes["action not in action_map (-> other)"] += int(unmapped.sum())
        out = out.where(~unmapped, "other")
    return out


def read_table(
    path: str | os.PathLike | pd.DataFrame,
    *,
    sep: str | None = None,
    sheet: str | int | None = 0,
    encoding: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Read a table of interactions (a file or a DataFrame) into Events.

    *load* (:func:`read_tabular_file`, or the DataFrame as given) →
    *parse* (:func:`parse_table`) → :func:`~connectana.make_events`.

    Parameters
    ----------
    path : path-like or DataFrame
        CSV/TSV/TXT (separator sniffed), Excel, Parquet or JSON lines; or a
        DataFrame already in memory (its index is ignored).
    columns : mapping, optional
        Schema column → file column, e.g. ``{"actor": "Sender", "target":
        "Reciever", "timestamp": "Timestamp"}``. Unmapped schema columns are
        looked up among well-known header names (:data:`SYNONYMS`; the report
        lists those in ``options["auto_columns"]``); ``None`` leaves a schema
        column unmapped (``{"action": None}`` ignores a column named Action).
    sep, sheet, encoding : optional
        Passed to the file reading (``sep=None`` sniffs the separator). A file
        that is not UTF-8 is read as Windows-1252 with a warning and a note in
        the report, unless ``encoding`` is given.
    **options
        How to parse, passed to :func:`parse_table`: ``columns``, ``dayfirst``,
        ``time_format``, ``tz``, ``unit``, ``action``, ``action_map``,
        ``platform``, ``extra``, ``keep_text``, ``on_error``, ``extract``,
        ``url_query``, ``internal_hosts``, documented here.
    dayfirst, time_format, tz, unit : optional
        How to read timestamps (see
        :func:`connectana.io.timestamps.parse_timestamps`): an ambiguous
        column without these options is an error naming the option to give.
    action : str, optional
        The action of every row (e.g. ``"view"`` for an LMS log). It wins over
        an action column found by name. Without either: ``reply`` when the row
        has a target or a parent, else ``post``.
    action_map : mapping, optional
        Raw value of the action column → action (``{"Forum": "post",
        "Assignment": "other"}``), checked before the known words; with it,
        unmapped values become ``other`` (counted in the report's notes).
        Without it, a value outside the vocabulary is an error (or, with
        ``on_error="skip"``, a row set aside as ``unknown action``).
    platform : str
        Value of the ``platform`` column when the file has none.
    extra : sequence of str
        File columns to carry along unchanged (every other column is dropped:
        titles and descriptions may hold personal data).
    keep_text : bool
        Keep the message text column (dropped by default).
    extract, url_query, internal_hosts
        Resources pulled out of the text column before it is dropped (see
        :func:`connectana.read_events` and :mod:`connectana.extract`).
    on_error : {"raise", "skip"}
        ``"skip"`` sets aside rows with a missing actor, an unparseable
        timestamp, an unknown action or a repeated event id, counting them by
        reason (every one recorded: ``write_set_aside`` lists them all).

    Returns
    -------
    DataFrame
        A valid Events table; ``attrs["ingest"]`` holds the ingest report.

    Notes
    -----
    Parent ids are looked up among the object ids. When fewer than half of
    them are found and ``object_id`` is not mapped, the ``event_id`` column is
    used as ``object_id`` if it holds them (the report says so); when another
    column holds them, a :class:`FormatHintWarning` names
    ``columns={"object_id": ...}``. Columns of a platform's own export
    (:data:`PLATFORM_HEADERS`, e.g. Moodle's ``discussion``/``parent``) give a
    :class:`FormatHintWarning` naming the ``format=`` to use.

    Examples
    --------
    >>> import connectana as ca, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "edges.csv"
    >>> _ = p.write_text("Sender,Receiver,Timestamp\\n1,2,9/27/13\\n2,1,9/28/13\\n")
    >>> ev = ca.read_events(p, tz="UTC")
    >>> ev[["actor", "target", "action"]].values.tolist()
    [['1', '2', 'reply'], ['2', '1', 'reply']]
    >>> import pandas as pd
    >>> log = pd.DataFrame({"user": ["a", "b"], "Action": ["Forum", "Quiz"],
    ...     "time": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)})
    >>> ca.read_events(log, action_map={"Forum": "view"})["action"].tolist()
    ['view', 'other']
    """
    check_on_error(options.get("on_error", "raise"))
    if isinstance(path, pd.DataFrame):
        return parse_table(path, **options)
    raw = read_tabular_file(path, sep=sep, sheet=sheet, encoding=encoding)
    return parse_table(raw, source=str(path), **options)


def parse_table(
    raw: pd.DataFrame,
    *,
    source: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    dayfirst: bool | None = None,
    time_format: str | None = None,
    tz: str | None = None,
    unit: str | None = None,
    action: str | None = None,
    action_map: Mapping[Any, str] | None = None,
    platform: str = "table",
    extra: Sequence[str] = (),
    keep_text: bool = False,
    on_error: str = "raise",
    extract: Any = (),
    url_query: bool = False,
    internal_hosts: Sequence[str] = (),
) -> pd.DataFrame:
    """The *parse* step of :func:`read_table`: a loaded table (its index is
    ignored; rows are numbered from 1 and ``source`` names it in errors, by
    default ``<in-memory DataFrame, N rows>``) into Events. Options as in
    :func:`read_table`.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.io.table import parse_table
    >>> df = pd.DataFrame({"from": ["a"], "to": ["b"], "time": ["2024-01-01T10:00Z"]})
    >>> parse_table(df, columns={"actor": "from", "target": "to"})[["actor", "target"]].values
    array([['a', 'b']], dtype=object)
    """
    check_on_error(on_error)
    if not isinstance(raw, pd.DataFrame):
        raise ParameterTypeError(f"a table is a DataFrame, not a {type(raw).__name__}")
    attrs = dict(raw.attrs)
    source = memory_label(raw) if source is None else source
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c).strip() for c in raw.columns]
    raw.attrs = attrs
    report = IngestReport(source=source, format="table", read=len(raw))
    if len(raw) == 0:
        raise InputError(EMPTY, file=source, expected="a header row and data rows")
    if raw.attrs.get("encoding") == "cp1252":
        report.options["encoding"] = "cp1252"
        report.messages.append(
            "the file is not UTF-8: read as Windows-1252 (give encoding= if names look wrong)"
        )
    hint = platform_hint(list(raw.columns))
    if hint is not None:
        fmt, lost = hint
        msg = (
            f"the columns are those of a {fmt} export: read it with format={fmt!r}; "
            f"as a plain table, {lost} are not used"
        )
        report.messages.append(msg)
        warnings.warn(f"{source}: {msg}", FormatHintWarning, stacklevel=3)
    mapping, auto = _map_columns(raw, columns, source)
    if action is not None:
        if action not in ACTIONS:
            raise SchemaError(
                f"action={action!r} is not an action",
                file=source,
                field=ACTION,
                found=action,
                expected=f"one of {ACTIONS}",
            )
        if ACTION in mapping:
            report.messages.append(
                f"action={action!r} given: the column {mapping.pop(ACTION)!r} is not used"
            )
            if ACTION in auto:
                auto.remove(ACTION)
    _check_parent_ids(raw, mapping, report, source)
    report.options["columns"] = dict(mapping)
    report.options["auto_columns"] = {c: mapping[c] for c in auto if c in mapping}
    if auto:
        report.messages.append(
            "columns recognised by name: "
            + ", ".join(f"{c} <- {mapping[c]!r}" for c in auto if c in mapping)
            + " (override with columns={schema: column}, or None to leave one unmapped)"
        )
    for c in extra:
        if c not in raw.columns:
            raise SchemaError(f"extra column {c!r} is not in the file", file=source, field=c)

    df = pd.DataFrame({schema: raw[col] for schema, col in mapping.items()})
    rows = np.arange(1, len(df) + 1)  # data rows numbered from 1 (the header is row 0)

    def error(reason: str, schema_col: str, expected: str | None = None):
        def make(i: int) -> InputError:
            return InputError(
                reason,
                file=source,
                row=i + 1,
                field=mapping.get(schema_col, schema_col),
                found=raw[mapping[schema_col]].iloc[i] if schema_col in mapping else None,
                expected=expected,
            )

        return make

    # one set-aside path for every reason: set_aside_rows records each row
    actor = df[ACTOR].astype("string").str.strip()
    no_actor = (actor.isna() | (actor == "")).fillna(True).to_numpy()
    keep = set_aside_rows(
        no_actor, "missing actor", report, rows, on_error=on_error,
        error=error("row has no actor", ACTOR),
    )  # fmt: skip
    df[ACTOR] = actor

    tinfo: dict = {}
    ts = parse_timestamps(
        df[TIMESTAMP],
        file=source,
        field=mapping[TIMESTAMP],
        dayfirst=dayfirst,
        time_format=time_format,
        tz=tz,
        unit=unit,
        on_error=on_error,
        info=tinfo,
    )
    report.options["timestamp"] = tinfo
    keep &= set_aside_rows(
        keep & ts.isna().to_numpy(), "unparseable timestamp", report, rows, on_error=on_error,
        error=error("row has no timestamp", TIMESTAMP),
    )  # fmt: skip
    df[TIMESTAMP] = ts

    if action is not None:
        df[ACTION] = action
    elif ACTION in df.columns:
        act = _actions(df[ACTION], action_map, report)
        keep &= set_aside_rows(
            keep & ~act.isin(ACTIONS).fillna(False).to_numpy(), "unknown action", report, rows,
            on_error=on_error,
            error=error(
                "unknown action", ACTION,
                f"one of {list(ACTIONS)}; map the column's values with action_map="
                "{'<value>': '<action>', ...} (the rest become 'other'), give action= for "
                "every row, or columns={'action': None} to ignore the column",
            ),
        )  # fmt: skip
        df[ACTION] = act

    if EVENT_ID in df.columns:
        eid = df[EVENT_ID].astype("string")
        keep &= set_aside_rows(
            keep & eid.duplicated(keep="first").fillna(False).to_numpy(), "duplicate", report,
            rows, on_error=on_error, error=error("event id repeats an earlier row", EVENT_ID),
        )  # fmt: skip
    else:
        df[EVENT_ID] = numbered_ids("r", len(df), df.index)

    if extract:  # before the text goes (connectana.extract); no text: an empty column, a warning
        df = add_resources(
            df, extract=extract, url_query=url_query, internal_hosts=internal_hosts, report=report
        )
    if TEXT in df.columns and not keep_text:
        df = df.drop(columns=TEXT)
    for c in extra:
        df[c] = raw[c]
    df = df[keep]
    return make_events(df, platform=platform, report=report, keep_text=keep_text)
