"""Readers: one module per source family, one entry point.

``read_events(path, format=NAME, ...)`` looks ``NAME`` up in :data:`READERS`
and calls that reader; a value already in memory goes to the format's parse
step in :data:`PARSERS`. Every reader is *load* → *parse* → ``make_events``:
``read_X(path, **options)`` loads the file and calls ``parse_X(loaded,
**options)`` (see :mod:`connectana.io.memory`). Readers are imported only when
used, so adding one does not slow ``import connectana``.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..errors import InputError, ParameterError
from .common import DEFAULT_MAX_BYTES, EMPTY

__all__ = [
    "READERS",
    "PARSERS",
    "read_events",
    "get_reader",
    "get_parser",
    "reader_options",
    "DEFAULT_MAX_BYTES",
]

#: Format name -> "module:function" of its reader.
READERS: dict[str, str] = {
    "table": "connectana.io.table:read_table",
    "moodle_forum": "connectana.io.moodle:read_moodle_forum",
    "moodle_backup": "connectana.io.moodle:read_moodle_backup",
    "moodle_log": "connectana.io.moodle:read_moodle_log",
    "canvas_discussion": "connectana.io.canvas:read_canvas_discussion",
    "canvas_events": "connectana.io.canvas:read_canvas_events",
    "edx_forum": "connectana.io.edx:read_edx_forum",
    "edx_tracking": "connectana.io.edx:read_edx_tracking",
    "discourse": "connectana.io.discourse:read_discourse",
    "wordpress": "connectana.io.wordpress:read_wordpress",
    "feed": "connectana.io.wordpress:read_feed",
    "slack": "connectana.io.slack:read_slack",
    "xapi": "connectana.io.xapi:read_xapi",
    "mastodon": "connectana.io.mastodon:read_mastodon",
}


#: Format name -> "module:function" of its parse step (in-memory input).
PARSERS: dict[str, str] = {
    "table": "connectana.io.table:parse_table",
    "moodle_forum": "connectana.io.moodle:parse_moodle_forum",
    "moodle_backup": "connectana.io.moodle:parse_moodle_backup",
    "moodle_log": "connectana.io.moodle:parse_moodle_log",
    "canvas_discussion": "connectana.io.canvas:parse_canvas_discussion",
    "canvas_events": "connectana.io.canvas:parse_canvas_events",
    "edx_forum": "connectana.io.edx:parse_edx_forum",
    "edx_tracking": "connectana.io.edx:parse_edx_tracking",
    "discourse": "connectana.io.discourse:parse_discourse",
    "wordpress": "connectana.io.wordpress:parse_wordpress",
    "feed": "connectana.io.wordpress:parse_feed",
    "slack": "connectana.io.slack:parse_slack",
    "xapi": "connectana.io.xapi:parse_xapi",
    "mastodon": "connectana.io.mastodon:parse_mastodon",
}


def _lookup(table: dict[str, str], format: str):
    try:
        spec = table[format]
    except KeyError:
        raise ParameterError(
            f"unknown format {format!r}; known formats: {', '.join(sorted(READERS))}"
        ) from None
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)


def get_reader(format: str):
    """The reader function registered for ``format`` (reads a path)."""
    return _lookup(READERS, format)


def get_parser(format: str):
    """The parse step registered for ``format`` (reads a value in memory)."""
    return _lookup(PARSERS, format)


def reader_options(format: str) -> frozenset[str]:
    """The keyword options ``read_events(..., format=format)`` passes on: those of
    the reader and of its parse step.

    Examples
    --------
    >>> from connectana.io import reader_options
    >>> sorted(reader_options("mastodon"))
    ['extract', 'keep_text', 'mentions', 'on_error', 'reblogs', 'source']
    """
    names: set[str] = set()
    for func in (get_reader(format), get_parser(format)):
        params = list(inspect.signature(func).parameters.values())[1:]  # not the input
        names.update(p.name for p in params if p.kind is p.KEYWORD_ONLY)
    return frozenset(names)


def read_events(
    path: Any,
    format: str = "table",
    *,
    engine: str = "pandas",
    max_bytes: int | None = None,
    extract: Iterable[str] | bool = (),
    url_query: bool = False,
    internal_hosts: Iterable[str] = (),
    **options: Any,
) -> pd.DataFrame:
    """Read an export file into a canonical Events table.

    Parameters
    ----------
    path : path-like, DataFrame, dict, list or bytes
        The file (or folder / zip, for formats that come as several files), or
        the data already in memory, read by the format's parse step
        (:data:`PARSERS`): a DataFrame (tables, Moodle exports), the parsed
        JSON of the JSON formats (a dict or a list of records), a Slack
        ``{channel: [messages]}`` mapping, XML bytes, a Moodle backup's bytes
        (:mod:`connectana.io.memory`).
    format : str
        A key of :data:`READERS`: ``"table"`` (CSV, Excel, Parquet, JSON
        lines, see :func:`connectana.io.table.read_table`) or a platform's
        export format.
    max_bytes : int, optional
        The most bytes one compressed input (a ``.gz`` file, or the members
        read from one zip/tar archive such as a ``.mbz`` backup or a Slack
        export) may decompress to; more is a
        :class:`~connectana.errors.FormatError` naming the file, the member and
        the limit, raised before memory runs out. Default
        :data:`connectana.io.common.DEFAULT_MAX_BYTES` (1 GiB); raise it for a
        genuine larger export. Decompression is always streamed.
    engine : {"pandas", "dask"}
        ``"dask"``: ``path`` is a list, glob pattern or folder of files, each read by
        the reader in a Dask task; reply targets are resolved across files and the
        Events are written to ``out=FOLDER`` as a Parquet dataset by week, returned
        as a lazy Dask DataFrame (see :mod:`connectana.engines.dask_read`; the
        ingest report is ``connectana.engines.dask_read.ingest_report(FOLDER)``).
    extract : iterable of str or True
        Pull resources out of the messages while their text is read: some of
        ``"urls"``, ``"hashtags"``, ``"files"`` (``True``: all). They go to the
        ``resources`` column (see :mod:`connectana.extract`); the text is still
        dropped unless ``keep_text=True``.
    url_query : bool
        With ``extract``: keep URL query strings (minus tracking parameters).
    internal_hosts : iterable of str
        With ``extract``: more host names of the course platform (links to
        them are ``internal``).
    **options
        Passed to the reader (``columns=``, ``on_error=``, ``tz=``, ...).

    Returns
    -------
    DataFrame
        Valid Events; ``attrs["ingest"]`` holds the :class:`IngestReport`.

    Raises
    ------
    InputError
        For input with no records at all (an empty file, a header alone, an
        empty JSON array), from every reader, with the message :data:`EMPTY
        <connectana.io.common.EMPTY>`; input whose records are all set aside
        gives 0 events and a report saying why.
    """
    if engine == "dask":  # each file is read by this function in a Dask task
        from ..engines.dask_read import read_events_dask

        if extract:
            options.update(extract=extract, url_query=url_query, internal_hosts=internal_hosts)
        return read_events_dask(path, format, max_bytes=max_bytes, **options)
    if engine != "pandas":
        raise ParameterError(f"engine must be 'pandas' or 'dask', not {engine!r}")
    from .common import byte_limit
    from .memory import is_in_memory

    reader = get_parser(format) if is_in_memory(path) else get_reader(format)
    with byte_limit(max_bytes):
        in_reader = False  # the reader extracts resources itself, before dropping the text
        if extract:
            from ..extract import RESOURCES, extract_resources

            params = reader_options(format)
            if "url_query" in params:
                options.update(extract=extract, url_query=url_query, internal_hosts=internal_hosts)
                in_reader = True
            else:
                keep_text = bool(options.pop("keep_text", False))
                if "keep_text" in params:
                    options["keep_text"] = True
                if "extract" in params:  # the reader adds resources from structured fields
                    options["extract"] = extract
        events = reader(path, **options)
        if in_reader:
            report = events.attrs.get("ingest")
            if report is not None and RESOURCES in events.columns:
                n = int(events[RESOURCES].notna().sum())
                events.attrs["ingest"] = report.evolve(notes={"events with resources": n})
            extract = ()  # done
    report = events.attrs.get("ingest")
    if report is not None and report.read == 0:  # one answer for empty input, every reader
        raise InputError(EMPTY, file=report.source or path, expected="at least one record")
    if not extract:
        return events
    return extract_resources(
        events,
        extract=extract,
        url_query=url_query,
        internal_hosts=internal_hosts,
        keep_text=keep_text,
    )
