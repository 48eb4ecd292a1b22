"""Any tabular file (CSV, Excel, Parquet, JSON lines) mapped onto the Events schema.

Typical inputs: an edge list (``Sender,Receiver,Timestamp``), a post table
(``post_id,parent_id,thread_id,author,created``) or an LMS log
(``user,resource,time``). Columns are mapped with ``columns={schema: file}``;
without a mapping, exact well-known header names are recognised (the mapping
used is recorded in the ingest report).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FormatError, InputError, SchemaError
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
    make_events,
    numbered_ids,
)
from ..extract import add_resources
from ._common import check_on_error, check_zip_sizes, decode_text, read_bytes
from .timestamps import parse_timestamps

__all__ = ["read_table", "read_tabular_file", "SYNONYMS", "ACTION_SYNONYMS"]

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

_NA_VALUES = ["", "NA", "N/A", "NULL", "null", "NaN", "nan", "None", "$@NULL@$", "-"]


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
        raise InputError("file is empty", file=path, expected="a header row and data rows")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            if zipfile.is_zipfile(path):  # xlsx/ods are zip archives: refuse a bomb first
                with zipfile.ZipFile(path) as z:
                    check_zip_sizes(z, file=path)
            df = pd.read_excel(path, sheet_name=sheet, dtype=str, na_values=_NA_VALUES)
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


def _decode_csv(path: Path, encoding: str | None) -> str:
    """The text of a CSV file: ``encoding`` if given, else UTF-8 (a BOM says
    UTF-8/16/32), else Windows-1252 (Excel's default on Windows) when the
    bytes are valid in it; otherwise a FormatError naming line and byte offset."""
    data = read_bytes(path)
    if encoding is not None:
        try:
            return data.decode(encoding)
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
            raise ValueError(f"unknown encoding {encoding!r}") from None
    try:
        return decode_text(data, file=path)
    except FormatError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        raise


# What ``dtype=str`` gives in this pandas: pandas 3's Arrow-backed ``str``, or object.
_TEXT = pd.Series([""], dtype=str).dtype


def _read_csv(path: Path, *, sep: str | None, encoding: str | None) -> pd.DataFrame:
    if encoding is None or codecs.lookup(encoding).name == "utf-8":
        fast = _read_csv_arrow(path, sep)
        if fast is not None:
            return fast
    text = _decode_csv(path, encoding).lstrip("\ufeff")
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
    try:
        return pd.read_csv(io.StringIO(text), **kwargs)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise FormatError(
            f"cannot read as a table: {exc}".strip(),
            file=path,
            row=int(m.group(1)) if m else None,
            expected="a delimited text table with the same number of fields on every row",
        ) from None


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


def _map_columns(df: pd.DataFrame, columns: Mapping[str, str] | None, path: Any) -> dict[str, str]:
    """schema column -> file column."""
    mapping: dict[str, str] = {}
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    if columns:
        for schema_col, file_col in columns.items():
            if schema_col not in known:
                raise SchemaError(
                    f"columns= maps unknown schema column {schema_col!r}",
                    file=path,
                    expected=f"keys among {sorted(known)}",
                )
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
    for schema_col, names in SYNONYMS.items():
        if schema_col in mapping:
            continue
        for n in names:
            c = by_norm.get(n)
            if c is not None and c not in used:
                mapping[schema_col] = c
                used.add(c)
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
    return mapping


def read_table(
    path: str | os.PathLike,
    *,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
    sheet: str | int | None = 0,
    encoding: str | None = None,
    dayfirst: bool | None = None,
    time_format: str | None = None,
    tz: str | None = None,
    unit: str | None = None,
    action: str | None = None,
    platform: str = "table",
    extra: Sequence[str] = (),
    keep_text: bool = False,
    on_error: str = "raise",
    extract: Any = (),
    url_query: bool = False,
    internal_hosts: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a tabular file of interactions into Events.

    Parameters
    ----------
    path : path-like
        CSV/TSV/TXT (separator sniffed), Excel, Parquet or JSON lines.
    columns : mapping, optional
        Schema column → file column, e.g. ``{"actor": "Sender", "target":
        "Reciever", "timestamp": "Timestamp"}``. Unmapped schema columns are
        looked up among well-known header names (:data:`SYNONYMS`).
    sep, sheet, encoding : optional
        Passed to the file reading (``sep=None`` sniffs the separator).
    dayfirst, time_format, tz, unit : optional
        How to read timestamps (see
        :func:`connectana.io.timestamps.parse_timestamps`): an ambiguous
        column without these options is an error naming the option to give.
    action : str, optional
        The action of every row when the file has no action column (e.g.
        ``"view"`` for an LMS log). Without it: ``reply`` when the row has a
        target or a parent, else ``post``.
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
        timestamp or an unknown action, counting them by reason.

    Returns
    -------
    DataFrame
        A valid Events table; ``attrs["ingest"]`` holds the ingest report.

    Examples
    --------
    >>> import connectana as ca, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "edges.csv"
    >>> _ = p.write_text("Sender,Receiver,Timestamp\\n1,2,9/27/13\\n2,1,9/28/13\\n")
    >>> ev = ca.read_events(p, tz="UTC")
    >>> ev[["actor", "target", "action"]].values.tolist()
    [['1', '2', 'reply'], ['2', '1', 'reply']]
    """
    check_on_error(on_error)
    raw = read_tabular_file(path, sep=sep, sheet=sheet, encoding=encoding)
    report = IngestReport(source=str(path), format="table", read=len(raw))
    if len(raw) == 0:
        raise InputError("file has a header but no data rows", file=path)
    mapping = _map_columns(raw, columns, path)
    report.options["columns"] = dict(mapping)
    for c in extra:
        if c not in raw.columns:
            raise SchemaError(f"extra column {c!r} is not in the file", file=path, field=c)

    df = pd.DataFrame({schema: raw[col] for schema, col in mapping.items()})
    # Rows are numbered from 1 over the data rows (the header is row 0).
    keep = np.ones(len(df), dtype=bool)

    actor = df[ACTOR].astype("string").str.strip()
    no_actor = actor.isna() | (actor == "")
    no_actor = no_actor.fillna(True).to_numpy()
    if no_actor.any():
        if on_error == "raise":
            i = int(np.flatnonzero(no_actor)[0])
            raise InputError(
                "row has no actor",
                file=path,
                row=i + 1,
                field=mapping[ACTOR],
                found=raw.iloc[i, :].get(mapping[ACTOR]),
            )
        report.set_aside_record("missing actor", n=int(no_actor.sum()))
        for i in np.flatnonzero(no_actor)[:100]:
            report.records.append({"record": int(i) + 1, "reason": "missing actor"})
        keep &= ~no_actor
    df[ACTOR] = actor

    tinfo: dict = {}
    ts = parse_timestamps(
        df[TIMESTAMP],
        file=path,
        field=mapping[TIMESTAMP],
        dayfirst=dayfirst,
        time_format=time_format,
        tz=tz,
        unit=unit,
        on_error=on_error,
        info=tinfo,
    )
    report.options["timestamp"] = tinfo
    bad_ts = keep & ts.isna().to_numpy()
    if bad_ts.any():
        if on_error == "raise":
            i = int(np.flatnonzero(bad_ts)[0])
            raise InputError(
                "row has no timestamp",
                file=path,
                row=i + 1,
                field=mapping[TIMESTAMP],
                found=raw[mapping[TIMESTAMP]].iloc[i],
            )
        report.set_aside["unparseable timestamp"] += int(bad_ts.sum())
        for i in np.flatnonzero(bad_ts)[:100]:
            report.records.append({"record": int(i) + 1, "reason": "unparseable timestamp"})
        keep &= ~bad_ts
    df[TIMESTAMP] = ts

    if ACTION in df.columns:
        act = df[ACTION].astype("string").str.strip().str.lower()
        act = act.map(lambda a: ACTION_SYNONYMS.get(a, a) if isinstance(a, str) else a)
        bad_act = keep & ~act.isin(ACTIONS).to_numpy()
        if bad_act.any():
            if on_error == "raise":
                i = int(np.flatnonzero(bad_act)[0])
                raise InputError(
                    "unknown action",
                    file=path,
                    row=i + 1,
                    field=mapping[ACTION],
                    found=raw[mapping[ACTION]].iloc[i],
                    expected=f"one of {list(ACTIONS)}",
                )
            report.set_aside["unknown action"] += int(bad_act.sum())
            keep &= ~bad_act
        df[ACTION] = act
    elif action is not None:
        if action not in ACTIONS:
            raise ValueError(f"action={action!r} is not one of {list(ACTIONS)}")
        df[ACTION] = action

    if EVENT_ID in df.columns:
        eid = df[EVENT_ID].astype("string")
        dup = keep & eid.duplicated(keep="first").fillna(False).to_numpy()
        if dup.any():
            if on_error == "raise":
                i = int(np.flatnonzero(dup)[0])
                raise InputError(
                    "event id repeats an earlier row",
                    file=path,
                    row=i + 1,
                    field=mapping[EVENT_ID],
                    found=eid.iloc[i],
                )
            report.set_aside["duplicate"] += int(dup.sum())
            keep &= ~dup
    else:
        df[EVENT_ID] = numbered_ids("r", len(df), df.index)

    if extract and TEXT in df.columns:  # before the text goes (connectana.extract)
        df = add_resources(
            df, extract=extract, url_query=url_query, internal_hosts=internal_hosts, report=report
        )
    if TEXT in df.columns and not keep_text:
        df = df.drop(columns=TEXT)
    for c in extra:
        df[c] = raw[c]
    df = df[keep]
    return make_events(df, platform=platform, report=report, keep_text=keep_text)
