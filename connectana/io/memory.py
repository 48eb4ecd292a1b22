"""In-memory input for every reader: a loaded API response, parsed JSON records,
XML bytes or a DataFrame, read exactly as the same data in a file would be.

:func:`read_events` accepts, besides a path, the value a user already holds:

* ``format="table"``: a DataFrame (read by :func:`connectana.io.table.parse_table`
  directly, without a file);
* the JSON formats (``canvas_discussion``, ``canvas_events``, ``discourse``,
  ``edx_forum``, ``edx_tracking``, ``mastodon``, ``xapi``): the parsed JSON — a
  dict (one document, e.g. a ``/context`` or ``/view`` response) or a list (of
  records: statements, events, documents, statuses);
* ``moodle_forum``/``moodle_log``: a DataFrame of the export's columns, or the
  forum export's JSON rows;
* ``wordpress``/``feed``: the XML as ``bytes``.

The value is written to a private temporary file in the format's own shape
(JSON lines for the line-oriented formats) and read by the format's reader, so
in-memory input takes the very same checks as a file. The ingest report's
``source`` and every error's ``file`` say ``<in-memory ...>`` instead of the
temporary path. What a reader takes from a file *name* is then ``memory``: the
Canvas topic id when the ``/view`` response does not hold it (give the topic's
JSON with its ``id``), and the ``file:line`` event ids of tracking logs
(``memory.jsonl:<n>``). ``slack`` and ``moodle_backup`` (folders and archives) need the
export itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError

__all__ = ["is_in_memory", "read_in_memory", "LINE_FORMATS"]

#: Formats read line by line (JSON lines): a list is written one record a line.
LINE_FORMATS = frozenset({"edx_forum", "edx_tracking", "canvas_events", "xapi"})
_TABLE_FORMATS = frozenset({"moodle_forum", "moodle_log"})
_NEEDS_FILES = frozenset({"slack", "moodle_backup"})


def is_in_memory(value: Any) -> bool:
    """True for input that is not a path or a list of paths."""
    if isinstance(value, (str, os.PathLike)):
        return False
    if (
        isinstance(value, (list, tuple))
        and value
        and all(isinstance(v, (str, os.PathLike)) for v in value)
    ):
        return False
    return True


def _label(value: Any) -> str:
    if isinstance(value, pd.DataFrame):
        return f"<in-memory DataFrame, {len(value)} rows>"
    if isinstance(value, (list, tuple)):
        return f"<in-memory list, {len(value)} records>"
    return f"<in-memory {type(value).__name__}>"


def _write(value: Any, format: str, folder: Path) -> Path:
    if format in _NEEDS_FILES:
        raise InputError(
            f"the {format} reader needs the export's files",
            file=_label(value),
            expected="a path to the export (folder or archive)",
        )
    if isinstance(value, (bytes, bytearray)):
        path = folder / "memory.xml"
        path.write_bytes(bytes(value))
        return path
    if isinstance(value, pd.DataFrame):
        if format in _TABLE_FORMATS:
            path = folder / "memory.csv"
            value.to_csv(path, index=False)
            return path
        value = json.loads(value.to_json(orient="records", date_format="iso"))
    if isinstance(value, (dict, list, tuple)):
        try:
            if isinstance(value, (list, tuple)) and format in LINE_FORMATS:
                path = folder / "memory.jsonl"
                text = "".join(json.dumps(v, default=str) + "\n" for v in value)
            else:
                path = folder / "memory.json"
                text = json.dumps(value, default=str)
        except (TypeError, ValueError, RecursionError) as exc:
            raise InputError(
                f"in-memory input cannot be read as JSON ({exc})",
                file=_label(value),
                expected="parsed JSON: dicts, lists, strings, numbers",
            ) from None
        path.write_text(text, encoding="utf-8")
        return path
    raise InputError(
        f"cannot read a {type(value).__name__}",
        file=_label(value),
        expected="a path, a DataFrame, parsed JSON (dict or list) or XML bytes",
    )


@contextlib.contextmanager
def _spooled(value: Any, format: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="connectana-"))
    try:
        yield _write(value, format, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_in_memory(
    reader: Callable[..., pd.DataFrame], value: Any, format: str, **options: Any
) -> pd.DataFrame:
    """Read ``value`` (not a path) with ``reader`` (see the module docstring).

    Examples
    --------
    >>> import connectana as ca
    >>> statuses = [{"id": "1", "created_at": "2024-01-01T10:00:00Z",
    ...              "account": {"id": "7", "acct": "ann"}},
    ...             {"id": "2", "created_at": "2024-01-01T11:00:00Z", "in_reply_to_id": "1",
    ...              "in_reply_to_account_id": "7", "account": {"id": "9", "acct": "bob"}}]
    >>> ev = ca.read_events(statuses, format="mastodon")
    >>> ev[["actor", "target"]].values.tolist(), ev.attrs["ingest"].source
    ([['7', <NA>], ['9', '7']], '<in-memory list, 2 records>')
    """
    label = _label(value)
    with _spooled(value, format) as path:
        try:
            events = reader(path, **options)
        except InputError as exc:  # name the input, not the temporary file
            if exc.file is not None and str(path) in exc.file:
                exc.file = exc.file.replace(str(path), label)
                exc.args = (exc._message(), *exc.args[1:])
            raise
    report = events.attrs.get("ingest")
    if report is not None:
        events.attrs["ingest"] = report.evolve(source=label)
    return events
