"""Plumbing shared by the readers: files, bytes to text, JSON, fields, bad records.

Every reader turns bad input into a :class:`~connectana.errors.ConnectanaError`
that names the file and, where it applies, the line or record and the field —
or, with ``on_error="skip"``, sets the bad record aside with its reason. The
helpers here do that once:

* :func:`input_files`, :func:`source_name`, :func:`file_labels` — what to read.
* :data:`DEFAULT_MAX_BYTES`, :func:`byte_limit`, :func:`max_bytes`,
  :func:`read_limited`, :func:`read_zip_member` — every decompression is
  streamed under a size limit (see "Decompression limit" below).
* :func:`read_bytes` (gunzipped when needed), :func:`decode_text`,
  :func:`read_text` — bytes to text: UTF-8 (a UTF-8 BOM is dropped), or
  UTF-16/32 when a byte-order mark says so; anything else is a
  :class:`~connectana.errors.FormatError` naming the file, the line and the
  byte offset. Encodings are never guessed.
* :func:`load_json`, :func:`parse_json` (one document) and :func:`iter_json`
  (JSON lines, streamed, or one document) — broken JSON is a ``FormatError``
  naming file and line.
* :class:`BadRecord` and :func:`raise_or_skip` — a record that cannot be used:
  an :class:`~connectana.errors.InputError` (``on_error="raise"``) or a record
  set aside under its reason (``"skip"``).
* :func:`set_aside_rows` — the same for the rows of a boolean mask (table-shaped
  readers): raise for the first one, or set them all aside under one reason.
* :func:`text_or_none`, :func:`as_id`, :func:`as_int`, :func:`get`,
  :func:`url_host` — fields of JSON records, checked for type.

Times are parsed by :func:`connectana.io.timestamps.parse_timestamps`, the one
timestamp parser (``on_error="mask"`` for the values of JSON records).

Decompression limit
-------------------
A small compressed file can expand enormously (a 1 MB gzip of zeros is 1 GB).
So nothing is ever decompressed at once: gzip files, and the members of zip
and tar archives (``.mbz`` backups, Slack exports, ``.xlsx`` workbooks), are
read in chunks, and reading stops with a :class:`~connectana.errors.FormatError`
naming the file, the member and the limit as soon as more than ``max_bytes``
decompressed bytes come out of one compressed file — for an archive, out of
the members read from it together (zip members whose declared size is already
too large are refused before reading). The limit is :data:`DEFAULT_MAX_BYTES`
(1 GiB) unless ``read_events(..., max_bytes=N)`` (or :func:`byte_limit`) says
otherwise; ``max_bytes=None`` there means the default. Lines of JSON-lines
files are held one at a time, each at most :data:`MAX_LINE_BYTES`; so peak
memory follows what is kept, not the decompressed size. Uncompressed files
are not limited (their size is what the disk shows).

The module is over 800 lines: the helpers every reader shares (decoding, streamed
decompression under a byte limit, JSON, set-aside records, ids and times), collected so that
no reader has its own copy.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import math
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from ..errors import FormatError, InputError, ParameterError
from ..events import IngestReport
from ..progress import read_reporter

__all__ = [
    "EMPTY",
    "BadRecord",
    "DEFAULT_MAX_BYTES",
    "MAX_LINE_BYTES",
    "SKIPPED",
    "byte_limit",
    "check_zip_sizes",
    "max_bytes",
    "read_limited",
    "read_zip_member",
    "as_id",
    "as_int",
    "check_on_error",
    "decode_text",
    "file_labels",
    "get",
    "input_files",
    "iter_json",
    "load_json",
    "parse_json",
    "raise_or_skip",
    "read_bytes",
    "read_text",
    "set_aside_rows",
    "source_name",
    "text_or_none",
    "url_host",
]

#: The one message every reader gives for input with no records at all.
EMPTY = "the input is empty: it holds no records"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# --------------------------------------------------------------------------- #
# Records that cannot be used
# --------------------------------------------------------------------------- #
class BadRecord(Exception):
    """A record that cannot be used.

    Raised inside a reader and turned by :func:`raise_or_skip` into an
    :class:`InputError` naming file, record and field (``on_error="raise"``)
    or into a record set aside under ``aside`` (``"skip"``). ``fatal=False``
    sets the record aside even with ``on_error="raise"``.
    """

    def __init__(
        self,
        reason: str,
        *,
        field: str | None = None,
        found: Any = None,
        expected: str | None = None,
        aside: str | None = None,
        fatal: bool = True,
    ) -> None:
        super().__init__(reason)
        self.fatal = fatal
        self.reason = reason
        self.field = field
        self.found = found
        self.expected = expected
        self.aside = aside or reason


def check_on_error(on_error: str) -> None:
    """Refuse an ``on_error`` other than ``"raise"`` or ``"skip"``."""
    if on_error not in ("raise", "skip"):
        raise ParameterError(f"on_error must be 'raise' or 'skip', not {on_error!r}")


def raise_or_skip(
    bad: BadRecord, *, on_error: str, report: IngestReport, file: Any, row: Any
) -> None:
    """Raise ``bad`` as an :class:`InputError` or set the record aside.

    Examples
    --------
    >>> from connectana.events import IngestReport
    >>> from connectana.io.common import BadRecord, raise_or_skip
    >>> r = IngestReport()
    >>> raise_or_skip(BadRecord("no id", field="id", aside="missing id"), on_error="skip",
    ...               report=r, file="a.json", row=3)
    >>> dict(r.set_aside), r.records[0]["record"]
    ({'missing id': 1}, 'a.json:3')
    """
    if on_error == "raise" and bad.fatal:
        raise InputError(
            bad.reason, file=file, row=row, field=bad.field, found=bad.found, expected=bad.expected
        )
    report.set_aside_record(bad.aside, f"{file}:{row}")


def set_aside_rows(
    mask: Any,
    reason: str,
    report: IngestReport,
    records: Sequence[Any] | pd.Series | np.ndarray | Callable[[int], Any],
    *,
    on_error: str = "skip",
    error: Callable[[int], Exception] | None = None,
) -> np.ndarray:
    """Set the rows of ``mask`` aside under ``reason``, or raise for the first one.

    With ``on_error="raise"`` and an ``error`` factory, ``error(i)`` is raised
    for the first row ``i`` of ``mask``, so that the error names the file, the
    row, the field and the value found. Otherwise every row of ``mask`` is
    counted in ``report.set_aside[reason]`` and its label recorded (see
    :meth:`~connectana.events.IngestReport.set_aside_record`). Without an
    ``error`` the rows are set aside whatever ``on_error`` (deleted posts,
    duplicates: a property of the export, not an error).

    Parameters
    ----------
    mask : array-like of bool
        The rows to set aside, by position.
    reason : str
        The reason they are counted under in the report.
    report : IngestReport
        The report to count them in.
    records : sequence, Series, array or callable
        The label recorded for row ``i``: ``records[i]`` (by position, also
        for a Series) or ``records(i)``. NumPy scalars are recorded as plain
        Python values.
    on_error : {"raise", "skip"}
        ``"raise"`` raises ``error`` for the first row when ``error`` is given.
    error : callable, optional
        ``error(i)`` builds the exception for row ``i``.

    Returns
    -------
    ndarray of bool
        ``~mask``: the rows to keep (``keep &= set_aside_rows(...)``).

    Examples
    --------
    >>> import numpy as np
    >>> from connectana.errors import InputError
    >>> from connectana.events import IngestReport
    >>> from connectana.io.common import set_aside_rows
    >>> r = IngestReport()
    >>> users = [None, "ann", None]
    >>> no_user = np.array([u is None for u in users])
    >>> def error(i):
    ...     return InputError("post has no user", file="a.csv", row=i + 1, field="user")
    >>> set_aside_rows(no_user, "no user", r, np.arange(1, 4), on_error="skip", error=error)
    array([False,  True, False])
    >>> dict(r.set_aside), r.records[1]
    ({'no user': 2}, {'record': 3, 'reason': 'no user'})
    >>> try:
    ...     set_aside_rows(no_user, "no user", r, np.arange(1, 4), on_error="raise", error=error)
    ... except InputError as err:
    ...     print(err.file, err.row, err.field)
    a.csv 1 user
    """
    mask = np.asarray(mask, dtype=bool)
    idx = np.flatnonzero(mask)
    if error is not None and on_error == "raise" and len(idx):
        raise error(int(idx[0]))
    if callable(records):
        labels: Any = (records(int(i)) for i in idx)
    elif isinstance(records, pd.Series):
        labels = records.iloc[idx]
    else:
        labels = (records[i] for i in idx)
    for label in labels:
        report.set_aside_record(reason, label.item() if isinstance(label, np.generic) else label)
    return ~mask


# --------------------------------------------------------------------------- #
# Decompression limit
# --------------------------------------------------------------------------- #
#: Default of ``max_bytes``: the most bytes one compressed file (or the
#: members read from one archive) may decompress to: 1 GiB.
DEFAULT_MAX_BYTES: int = 1 << 30
#: The longest line of a JSON-lines file held in memory: 64 MiB (a longer
#: first line is read as the start of one JSON document, under ``max_bytes``).
MAX_LINE_BYTES: int = 64 << 20
_CHUNK = 1 << 20
_MAX_BYTES: ContextVar[int | None] = ContextVar("connectana_max_bytes", default=None)


def max_bytes() -> int:
    """The decompression limit in force (:data:`DEFAULT_MAX_BYTES` unless
    :func:`byte_limit` set another)."""
    value = _MAX_BYTES.get()
    return DEFAULT_MAX_BYTES if value is None else value


@contextlib.contextmanager
def byte_limit(limit: int | None) -> Iterator[int]:
    """Set the decompression limit of the readers inside a ``with`` block.

    ``read_events(..., max_bytes=N)`` uses it; ``None`` keeps the limit in
    force (the default unless an outer block set one).

    Examples
    --------
    >>> from connectana.io.common import byte_limit, max_bytes
    >>> with byte_limit(1000):
    ...     max_bytes()
    1000
    >>> max_bytes() == 1 << 30
    True
    """
    if limit is None:
        yield max_bytes()
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ParameterError(f"max_bytes must be a positive integer (bytes), not {limit!r}")
    token = _MAX_BYTES.set(limit)
    try:
        yield limit
    finally:
        _MAX_BYTES.reset(token)


def _too_big(
    file: Any, member: str | None, limit: int, *, declared: int | None = None
) -> FormatError:
    what = f"member {member!r} " if member else ""
    size = f"declares {declared:,} bytes" if declared is not None else "decompresses to"
    more = "" if declared is not None else " more than"
    return FormatError(
        f"{what}{size}{more} the limit of {limit:,} decompressed bytes (max_bytes); "
        "a compressed file this large is refused so that it cannot exhaust memory",
        file=file,
        field=member,
        expected=f"at most {limit:,} bytes, or read_events(..., max_bytes=N) with a larger N "
        "if the file is genuine",
    )


def read_limited(
    fh: Any, *, file: Any, member: str | None = None, used: int = 0, limit: int | None = None
) -> bytes:
    """Read a (decompressing) stream to its end in chunks, stopping with a
    :class:`~connectana.errors.FormatError` naming ``file``, ``member`` and the
    limit as soon as ``used`` plus the bytes read exceed ``limit`` (default
    :func:`max_bytes`). At most ``limit`` bytes (plus one chunk) are ever held.

    Examples
    --------
    >>> import gzip, io
    >>> from connectana.errors import FormatError
    >>> from connectana.io.common import read_limited
    >>> fh = gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(b"0" * 5000)))
    >>> try:
    ...     read_limited(fh, file="a.gz", limit=4096)
    ... except FormatError as err:
    ...     print(err.reason[:44])
    decompresses to more than the limit of 4,096
    """
    limit = max_bytes() if limit is None else limit
    buf = io.BytesIO()  # getvalue() hands its buffer over: no second copy
    total = used
    while True:
        chunk = fh.read(min(_CHUNK, limit - total + 1))
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise _too_big(file, member, limit)
        buf.write(chunk)
    return buf.getvalue()


def check_zip_sizes(z: zipfile.ZipFile, names: Sequence[str] | None = None, *, file: Any) -> None:
    """Refuse a zip archive whose members (``names``, default all) declare more
    than :func:`max_bytes` together, before anything is decompressed.

    ``zipfile`` never returns more than a member's declared size, so the
    declared sizes bound what reading the members can produce.
    """
    limit = max_bytes()
    total = 0
    infos = z.infolist() if names is None else [z.getinfo(n) for n in names]
    for info in infos:
        total += info.file_size
        if total > limit:
            raise _too_big(file, info.filename, limit, declared=total)


def read_zip_member(z: zipfile.ZipFile, name: str, *, file: Any, used: int = 0) -> bytes:
    """The bytes of one zip member, refused (FormatError naming the member and
    the limit) when its declared size or what it decompresses to, plus the
    ``used`` bytes already read from the archive, exceed :func:`max_bytes`."""
    limit = max_bytes()
    info = z.getinfo(name)
    if used + info.file_size > limit:
        raise _too_big(file, name, limit, declared=info.file_size)
    with z.open(info) as fh:
        return read_limited(fh, file=file, member=name, used=used, limit=limit)


# --------------------------------------------------------------------------- #
# Files
# --------------------------------------------------------------------------- #
def input_files(
    path: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    suffixes: tuple[str, ...] | None = None,
) -> list[Path]:
    """The files to read: one file, the files of a folder, or a list of files.

    A folder gives its non-hidden files sorted by name (only those ending in
    ``suffixes`` when given; ``.gz`` is allowed on top).
    """
    if isinstance(path, (str, os.PathLike)):
        items = [Path(path)]
    else:
        items = [Path(p) for p in path]
        if not items:
            raise InputError("no files given", expected="a file, a folder or a list of files")
    files: list[Path] = []
    for p in items:
        if p.is_dir():
            found = []
            for f in sorted(p.iterdir()):
                if f.name.startswith(".") or not f.is_file():
                    continue
                name = f.name.lower().removesuffix(".gz")
                if suffixes is None or name.endswith(suffixes):
                    found.append(f)
            if not found:
                raise InputError(
                    "folder holds no file to read",
                    file=p,
                    expected=f"files ending in {', '.join(suffixes)}" if suffixes else "files",
                )
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise InputError("file not found", file=p)
    return files


def source_name(path: Any) -> str:
    """The input as the user named it, for the report."""
    if isinstance(path, (str, os.PathLike)):
        return str(path)
    return ", ".join(map(str, path))


def file_labels(files: list[Path]) -> list[str]:
    """Short names telling the files apart: name, else folder/name, else the path."""
    names = [f.name for f in files]
    if len(set(names)) == len(names):
        return names
    names = [f"{f.parent.name}/{f.name}" for f in files]
    if len(set(names)) == len(names):
        return names
    return [str(f) for f in files]


def read_bytes(path: Path) -> bytes:
    """The bytes of a file, gunzipped when it starts with the gzip magic number
    (streamed under the decompression limit, :func:`read_limited`)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
            fh.seek(0)
            if magic != b"\x1f\x8b":
                return fh.read()
            try:
                with gzip.GzipFile(fileobj=fh, mode="rb") as gz:
                    return read_limited(gz, file=path)
            except (OSError, EOFError, zlib.error) as exc:
                raise FormatError(
                    f"broken gzip file ({exc})", file=path, expected="a complete .gz file"
                ) from None
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    except IsADirectoryError:
        raise InputError("a folder was given where a file is expected", file=path) from None
    except PermissionError:
        raise InputError("file cannot be read (permission denied)", file=path) from None


# --------------------------------------------------------------------------- #
# Text
# --------------------------------------------------------------------------- #
def _undecodable(
    exc: UnicodeDecodeError, data: bytes, file: Any, *, offset: int = 0, line: int | None = None
) -> FormatError:
    pos = offset + exc.start
    if line is None:
        line = data.count(b"\n", 0, exc.start) + 1
    bad = data[exc.start : exc.start + 4]
    return FormatError(
        f"text is not UTF-8: byte 0x{data[exc.start]:02x} on line {line} (byte offset {pos}) "
        "cannot be decoded",
        file=file,
        row=line,
        found=bad,
        expected="UTF-8 text (re-save the export as UTF-8)",
    )


def decode_text(data: bytes, *, file: Any = None) -> str:
    """Decode bytes as UTF-8 (or as UTF-16/32 when a byte-order mark says so).

    A UTF-8 BOM is dropped. Bytes that are not UTF-8 raise a
    :class:`~connectana.errors.FormatError` naming the file, the line and the
    byte offset: the encoding is never guessed.

    Examples
    --------
    >>> from connectana.errors import FormatError
    >>> from connectana.io.common import decode_text
    >>> decode_text("\\ufeffhé".encode("utf-8")), decode_text("hé".encode("utf-16"))
    ('hé', 'hé')
    >>> try:
    ...     decode_text(b"ok\\nh\\xe9", file="a.json")
    ... except FormatError as err:
    ...     print(err.file, err.row, err.reason)
    a.json 2 text is not UTF-8: byte 0xe9 on line 2 (byte offset 4) cannot be decoded
    """
    encoding = "utf-8"
    for bom, enc in _BOMS:
        if data.startswith(bom):
            encoding = enc
            break
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding in ("utf-8", "utf-8-sig"):
            raise _undecodable(exc, data, file) from None
        raise FormatError(
            f"text is not {encoding.upper()} although it starts with a {encoding.upper()} "
            f"byte-order mark (byte offset {exc.start})",
            file=file,
            expected="UTF-8 text",
        ) from None


def read_text(path: Path) -> str:
    """The text of a file (gunzipped if needed), decoded by :func:`decode_text`."""
    return decode_text(read_bytes(path), file=path)


# --------------------------------------------------------------------------- #
# JSON
# --------------------------------------------------------------------------- #
def _no_constant(name: str) -> None:
    # NaN / Infinity are not JSON; tools that write them mean "no value"
    return None


def _loads(text: str) -> Any:
    return json.loads(text, parse_constant=_no_constant)


def load_json(path: Path, *, expected: str = "a JSON document") -> Any:
    """Parse a whole file as one JSON document.

    Text is decoded by :func:`read_text`. Broken JSON is a
    :class:`~connectana.errors.FormatError` naming the file, line and column.
    ``NaN``/``Infinity`` (not JSON, written by some tools for a missing
    number) are read as ``null``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from connectana.errors import FormatError
    >>> from connectana.io.common import load_json
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.json"
    >>> _ = p.write_text('{"a": [1, NaN]}')
    >>> load_json(p)
    {'a': [1, None]}
    >>> _ = p.write_text('{"a": \\n [1,')
    >>> try:
    ...     load_json(p)
    ... except FormatError as err:
    ...     print(err.row, err.reason)
    2 not valid JSON (Expecting value at line 2, column 5)
    """
    return parse_json(read_bytes(path), file=path, expected=expected)


def parse_json(data: bytes, *, file: Any, expected: str = "a JSON document") -> Any:
    """Decode (:func:`decode_text`) and parse bytes holding one JSON document,
    naming ``file`` in errors (for members of archives; see :func:`load_json`)."""
    text = decode_text(data, file=file)
    try:
        return _loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            file=file,
            row=exc.lineno,
            expected=expected,
        ) from None
    except RecursionError:
        raise FormatError("JSON nested too deeply to read", file=file, expected=expected) from None


class _Lines:
    """The lines of a file as bytes (gunzipped on the fly, under the decompression
    limit), each at most :data:`MAX_LINE_BYTES`; broken gzip is a FormatError.

    Iterating yields ``(raw, whole)``: ``whole`` is False for the first
    :data:`MAX_LINE_BYTES` of a longer line (the caller then either reads the
    rest of the file as one document with :meth:`rest`, or drops the line with
    :meth:`skip_line`). Nothing is ever decompressed twice.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lineno = 0
        self.total = 0
        self.limit = max_bytes()
        with open(path, "rb") as fh:
            magic = fh.read(4)
        self.gzip = magic[:2] == b"\x1f\x8b"
        self.utf16 = magic.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        self.data = b""
        self.raw = open(path, "rb")
        self.fh: Any = gzip.GzipFile(fileobj=self.raw, mode="rb") if self.gzip else self.raw
        # bytes of the file on disk read so far, for a progress bar (None: nobody listens)
        self.progress = read_reporter(path)
        self.next_report = _CHUNK

    def close(self) -> None:
        self.fh.close()
        self.raw.close()

    def _broken(self, exc: Exception) -> FormatError:
        return FormatError(
            f"broken gzip file after line {self.lineno} ({exc})",
            file=self.path,
            row=self.lineno + 1,
            expected="a complete .gz file",
        )

    def _count(self, n: int) -> None:
        self.total += n
        if self.gzip and self.total > self.limit:
            raise _too_big(self.path, None, self.limit)
        if self.progress is not None and (self.total >= self.next_report or not n):
            self.next_report = self.total + _CHUNK
            self.progress(self.raw.tell())

    def __iter__(self) -> Iterator[tuple[bytes, bool]]:
        if self.utf16:
            # UTF-16 text (rare): decode all of it (read_bytes: under the limit),
            # then re-encode line by line
            self.data = read_bytes(self.path)
            for line in decode_text(self.data, file=self.path).splitlines(keepends=True):
                self.lineno += 1
                yield line.encode("utf-8"), True
            return
        while True:
            try:
                raw = self.fh.readline(MAX_LINE_BYTES + 1)
            except (OSError, EOFError, zlib.error) as exc:
                raise self._broken(exc) from None
            self._count(len(raw))
            if not raw:
                return
            self.lineno += 1
            whole = len(raw) <= MAX_LINE_BYTES or raw.endswith(b"\n")
            yield raw, whole

    def skip_line(self) -> None:
        """Drop the rest of a line longer than :data:`MAX_LINE_BYTES`."""
        while True:
            try:
                raw = self.fh.readline(_CHUNK)
            except (OSError, EOFError, zlib.error) as exc:
                raise self._broken(exc) from None
            self._count(len(raw))
            if not raw or raw.endswith(b"\n"):
                return

    def rest(self) -> bytes:
        """The rest of the file (for a document read after its first lines)."""
        if self.utf16:
            return b""
        try:
            if self.gzip:
                data = read_limited(self.fh, file=self.path, used=self.total, limit=self.limit)
            else:
                data = self.fh.read()
        except (OSError, EOFError, zlib.error) as exc:
            raise self._broken(exc) from None
        if self.progress is not None:
            self.progress(self.raw.tell())
        return data


#: Yielded by :func:`iter_json` for lines its ``skip`` test set aside unparsed.
SKIPPED = object()


def iter_json(
    path: Path,
    report: IngestReport,
    on_error: str,
    skip: Callable[[str], bool] | None = None,
) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, value)`` for each JSON value of a file.

    JSON lines (one value per line) are streamed (``.gz`` read transparently);
    blank lines are ignored and lines starting with ``#`` are skipped (counted
    in ``report.notes["comment lines skipped"]``, not as records); NUL bytes
    at the start of a line (a log cut at a crash, or pre-allocated) are dropped
    and the line read (``notes["NUL bytes before a line skipped"]``). A file whose
    first line is not a whole JSON value (a pretty-printed document) is parsed
    as one document and yielded as ``(1, value)``; such a document that does
    not parse is a :class:`~connectana.errors.FormatError`, whatever
    ``on_error``. In JSON lines, a line that is not UTF-8 or not valid JSON is
    one record read and set aside as ``unparseable`` (``on_error="skip"``) or
    a ``FormatError`` naming the file and line. Lines for which ``skip(line)``
    is true are yielded as ``(line, SKIPPED)`` without being parsed (a fast
    pre-filter for huge logs). ``NaN``/``Infinity`` are read as ``null``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from connectana.events import IngestReport
    >>> from connectana.io.common import iter_json
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = p.write_bytes(b'{"a": 1}\\n{"a": \\n{"a": "\\xe9"}\\n[2]\\n')
    >>> r = IngestReport()
    >>> list(iter_json(p, r, "skip")), dict(r.set_aside), r.read
    ([(1, {'a': 1}), (4, [2])], {'unparseable': 2}, 2)
    """
    lines = _Lines(path)
    try:
        yield from _iter_json_lines(lines, path, report, on_error, skip)
    finally:
        lines.close()


def _iter_json_lines(
    lines: _Lines,
    path: Path,
    report: IngestReport,
    on_error: str,
    skip: Callable[[str], bool] | None,
) -> Iterator[tuple[int, Any]]:
    first = None
    offset = 0
    head: list[bytes] = []  # what was read before the first value (a document's start)
    for raw, whole in lines:
        lineno = lines.lineno
        start = offset
        offset += len(raw)
        if first is None and not lines.utf16:
            head.append(raw)
        if not whole:
            if first is None:
                break  # one huge line: the start of a (minified) document
            report.read += 1
            lines.skip_line()
            if on_error == "raise":
                raise FormatError(
                    f"line {lineno} is longer than {MAX_LINE_BYTES:,} bytes",
                    file=path,
                    row=lineno,
                    expected="one JSON value per line",
                )
            report.set_aside_record("unparseable", f"{path}:{lineno}")
            continue
        if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        if raw.startswith(b"\x00"):  # a log cut at a crash, or pre-allocated: NULs, then lines
            raw = raw.lstrip(b"\x00")
            report.notes["NUL bytes before a line skipped"] += 1
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            looks = raw.decode("utf-8", errors="replace").strip()
            if first is None and not looks.endswith(("}", "]")):
                first = lineno
                break  # maybe a document: decoded (and reported) as a whole below
            first = lineno
            report.read += 1
            if on_error == "raise":
                raise _undecodable(exc, raw, path, offset=start, line=lineno) from None
            report.set_aside_record("unparseable", f"{path}:{lineno}")
            continue
        if not text:
            continue
        if text.startswith("#"):
            report.notes["comment lines skipped"] += 1
            continue
        if skip is not None and first is not None and skip(text):
            yield lineno, SKIPPED
            continue
        try:
            value = _loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            if first is None and not text.endswith(("}", "]")):
                first = lineno
                break  # a pretty-printed document: parse the whole file below
            report.read += 1
            if on_error == "raise":
                what = (
                    f"{exc.msg} at column {exc.colno}"
                    if isinstance(exc, json.JSONDecodeError)
                    else "nested too deeply"
                )
                raise FormatError(
                    f"line {lineno} is not valid JSON ({what})",
                    file=path,
                    row=lineno,
                    found=text,
                    expected="one JSON value per line",
                ) from None
            report.set_aside_record("unparseable", f"{path}:{lineno}")
            first = lineno
            continue
        first = lineno
        head = []
        yield lineno, value
    else:
        return
    # A document: the lines already read and the rest of the stream, never
    # decompressed a second time (UTF-16 text was decoded whole by _Lines).
    if lines.utf16:
        data = lines.data
    else:
        start_bytes = b"".join(head)
        if start_bytes.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] not in (b"{", b"["):
            # not the start of a JSON document: the error is in these bytes already
            # (a bomb of zeros is refused here, without reading the rest)
            parse_json(
                start_bytes, file=path, expected="a JSON document or one JSON value per line"
            )
        data = start_bytes + lines.rest()
    yield 1, parse_json(data, file=path, expected="a JSON document or one JSON value per line")


# --------------------------------------------------------------------------- #
# Fields of JSON records
# --------------------------------------------------------------------------- #
def get(d: Any, *keys: str) -> Any:
    """``d[k1][k2]...``, or None when a level is missing or not a dict.

    Examples
    --------
    >>> from connectana.io.common import get
    >>> get({"a": {"b": 1}}, "a", "b"), get({"a": [1]}, "a", "b")
    (1, None)
    """
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def text_or_none(value: Any) -> str | None:
    """A non-empty id or name as a string; None for missing, empty or
    structured values (dict, list, bool) and non-finite numbers.

    Examples
    --------
    >>> from connectana.io.common import text_or_none
    >>> text_or_none(" ann "), text_or_none(7), text_or_none({"a": 1}), text_or_none("")
    ('ann', '7', None, None)
    """
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    s = str(value).strip()
    return s or None


def as_id(value: Any, *, field: str) -> str | None:
    """An id field as a string: strings and integers as written, integral
    floats without ``.0``; None when missing or empty.

    Raises
    ------
    BadRecord
        For any other type (object, array, boolean, fractional number),
        naming ``field``.

    Examples
    --------
    >>> from connectana.io.common import as_id
    >>> as_id(12, field="id"), as_id("a1", field="id"), as_id(3.0, field="id"), as_id("", field="id")
    ('12', 'a1', '3', None)
    >>> as_id([1], field="id")
    Traceback (most recent call last):
    ...
    connectana.io.common.BadRecord: id is not a string or an integer
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    raise BadRecord(
        f"{field} is not a string or an integer",
        field=field,
        found=value,
        expected="an id (string or integer)",
        aside="invalid field",
    )


def as_int(value: Any, *, field: str) -> int | None:
    """An integer field (``3``, ``3.0`` or ``"3"``); None when missing.

    Raises
    ------
    BadRecord
        For anything else, naming ``field``.

    Examples
    --------
    >>> from connectana.io.common import as_int
    >>> as_int("3", field="n"), as_int(3.0, field="n"), as_int(None, field="n")
    (3, 3, None)
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,30}\s*", value):
        return int(value)
    raise BadRecord(
        f"{field} is not an integer",
        field=field,
        found=value,
        expected="an integer",
        aside="invalid field",
    )


def url_host(url: Any) -> str | None:
    """The host of a URL, or None (also for a malformed URL such as a broken
    IPv6 literal, on which :func:`urllib.parse.urlsplit` raises).

    Examples
    --------
    >>> from connectana.io.common import url_host
    >>> url_host("https://mastodon.social/@a/1"), url_host("http://[::1"), url_host(None)
    ('mastodon.social', None, None)
    """
    if not isinstance(url, str) or not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
