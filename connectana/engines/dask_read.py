"""Raw logs to Events on a Dask cluster: many files read in parallel, targets resolved globally.

``ca.read_events(paths, format=..., engine="dask", out=FOLDER)`` is the entry point. An
institution's logs come as many files (daily Open edX tracking logs, Moodle log stores, one
export per course); this module reads them without any single machine holding them all:

1. **Read** — one Dask task per file runs the ordinary reader of ``format`` (the same code as
   ``read_events(path)``), which resolves reply targets *within* the file, and writes the file's
   Events to ``FOLDER/parts/part-NNNNN.parquet``. The task returns only the file's ingest
   report and its *object index* (``platform, object_id, actor`` of the rows that created an
   object: a few bytes per forum post).
2. **Resolve** — a reply whose parent sits in another file (yesterday's log) still has no
   target. The object indexes are joined into one (first creation wins, in time order, as the
   pandas path's lookup) and broadcast to every partition: a hash join on
   ``(platform, parent_id) = (platform, object_id)`` that fills the target. Parents found
   nowhere are counted exactly as ``make_events`` counts them (``parent missing``).
3. **Write** — the resolved Events are written as a Parquet dataset partitioned by course week
   (``FOLDER/events/week=YYYY-MM-DD/``) and read back lazily: the Dask DataFrame returned.
   ``build_network``, ``growth`` and ``compare_ties`` take it as they are.

The combined ingest report (read = kept + set aside over the whole dataset; notes summed, the
``parent missing`` count corrected for parents found in other files) is written to
``FOLDER/ingest.json``; :func:`ingest_report` loads it.

What is computed where: the readers and the target join run in the workers, one file or one
partition at a time; the client holds the per-file reports and the object index (one row per
created object — for a tracking log about one event in twenty). Repeated records across
files (overlapping log rotations) are not deduplicated across files: each file's own repeats
are, as the reader does.
"""

from __future__ import annotations

import glob
import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..events import (
    ACTOR,
    OBJECT_ID,
    PARENT_ID,
    PLATFORM,
    TARGET,
    TIMESTAMP,
    IngestReport,
    key_positions,
)
from ..periods import course_start, period_keys

__all__ = ["expand_paths", "ingest_report", "is_url", "read_events_dask"]

_FILE = "_file"
_ROW = "_row"
_WEEK = "week"
_TEXT = pd.StringDtype("pyarrow")


def is_url(path: Any) -> bool:
    """Whether ``path`` names a file through an fsspec protocol (``s3://``, ``gs://``, ...).

    Examples
    --------
    >>> is_url("s3://bucket/logs/"), is_url("/data/logs"), is_url("C:/data")
    (True, False, False)
    """
    return isinstance(path, str) and "://" in path


def _fs(path: str | os.PathLike) -> tuple[Any, str]:
    """The fsspec file system of ``path`` and the path within it."""
    from fsspec.core import url_to_fs

    return url_to_fs(str(path))


def expand_paths(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
) -> list[Path | str]:
    """The files named by a list, a glob pattern or a folder, sorted by name.

    Local paths come back as :class:`~pathlib.Path`; object-storage URLs (``s3://...``,
    any fsspec protocol whose package is installed) as URL strings, listed and globbed
    through fsspec.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ("b.log", "a.log"):
    ...     _ = (d / n).write_text("")
    >>> [p.name for p in expand_paths(d)], [p.name for p in expand_paths(str(d / "*.log"))]
    (['a.log', 'b.log'], ['a.log', 'b.log'])
    """
    if is_url(paths):
        fs, root = _fs(paths)
        if fs.isdir(root):
            found = [x["name"] for x in fs.ls(root, detail=True) if x["type"] == "file"]
            found = [x for x in found if not x.rsplit("/", 1)[-1].startswith(".")]
        else:
            found = fs.glob(root)
        files: list[Path | str] = sorted(fs.unstrip_protocol(x) for x in found)
    elif isinstance(paths, (str, os.PathLike)):
        p = Path(paths)
        if p.is_dir():
            files = sorted(x for x in p.iterdir() if x.is_file() and not x.name.startswith("."))
        else:
            files = sorted(Path(x) for x in glob.glob(str(paths)))
    else:
        files = [x if is_url(x) else Path(x) for x in paths]
    if not files:
        raise InputError("no files to read", file=str(paths), expected="a list, a glob or a folder")
    missing = [f for f in files if not (_fs(f)[0].exists(_fs(f)[1]) if is_url(f) else f.exists())]
    if missing:
        raise InputError("file not found", file=missing[0])
    return files


def _name(path: Path | str) -> str:
    return path.name if isinstance(path, Path) else str(path).rstrip("/").rsplit("/", 1)[-1]


def _read_file(i: int, path: Path | str, format: str, options: dict, parts: str) -> dict:
    """One task: read one file, write its Events, return its report and object index.

    A file in object storage is copied to the worker's temporary folder first (same
    name, so that the reader sees its suffix) and removed after the read."""
    import tempfile

    from ..io import read_events

    if is_url(path):
        fs, where = _fs(path)
        with tempfile.TemporaryDirectory() as tmp:
            local = Path(tmp) / _name(path)
            fs.get(where, str(local))
            ev = read_events(local, format=format, **options)
    else:
        ev = read_events(path, format=format, **options)
    report = ev.attrs.get("ingest")
    ev = ev.copy()
    ev.attrs = {}
    ev[_FILE] = np.int64(i)
    ev[_ROW] = np.arange(len(ev), dtype=np.int64)
    ev.to_parquet(f"{parts}/part-{i:05d}.parquet", index=False)
    has_obj = ev[OBJECT_ID].notna().to_numpy()
    objects = ev.loc[has_obj, [PLATFORM, OBJECT_ID, ACTOR, TIMESTAMP, _FILE, _ROW]]
    pending = (ev[TARGET].isna() & ev[PARENT_ID].notna()).to_numpy()
    return {
        "report": _report_dict(report),
        "objects": objects.reset_index(drop=True),
        "pending": int(pending.sum()),
    }


def _report_dict(report: IngestReport | None) -> dict:
    if report is None:
        return {"read": 0, "kept": 0, "set_aside": {}, "notes": {}, "messages": [], "records": []}
    d = report.to_dict()
    d["records"] = list(report.records)
    return d


def _fill_targets(part: pd.DataFrame, objects: pd.DataFrame) -> pd.DataFrame:
    """Fill the targets of replies whose parent is in the object index (one partition)."""
    need = (part[TARGET].isna() & part[PARENT_ID].notna()).to_numpy()
    if not need.any() or not len(objects):
        return part
    pos = key_positions(
        [part.loc[need, PLATFORM].fillna(""), part.loc[need, PARENT_ID]],
        [objects[PLATFORM].fillna(""), objects[OBJECT_ID]],
    )
    found = pos >= 0
    rows = np.flatnonzero(need)[found]
    part = part.copy()
    target = part[TARGET].array.copy()
    target[rows] = objects[ACTOR].array.take(pos[found])
    part[TARGET] = target
    return part


def _with_week(part: pd.DataFrame, start: Any) -> pd.DataFrame:
    """Add ``week``: the first day of the event's course week (calendar week without start)."""
    origin = course_start(start, name="start")
    times = pd.DatetimeIndex(part[TIMESTAMP])
    if origin is None:
        first = times.tz_localize(None).to_period("W").start_time
    else:
        keys = period_keys(times, freq="W", start=origin)
        first = origin.tz_localize(None) + pd.to_timedelta((keys - 1) * 7, unit="D")
    week = pd.array(first.strftime("%Y-%m-%d"), dtype=_TEXT)
    return part.assign(**{_WEEK: pd.Series(week, index=part.index)})


def read_events_dask(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    format: str = "table",
    *,
    out: str | os.PathLike,
    start: Any = None,
    **options: Any,
) -> Any:
    """Read many files into a Dask Events DataFrame, reply targets resolved across files.

    Parameters
    ----------
    paths : list of paths, glob pattern or folder
        The files, each a complete file of ``format`` (e.g. one day of tracking log):
        local or shared-disk paths, or object-storage URLs (``s3://bucket/logs/*.gz``:
        any fsspec protocol whose package, e.g. ``s3fs``, is installed on the client and
        the workers; each worker copies its file to its temporary folder to read it).
    format : str
        The reader (:data:`connectana.io.READERS`).
    out : path or URL
        Folder for the dataset (created; a local path every worker can reach, e.g. a
        shared disk, or an object-storage URL): ``parts/`` (per-file Events), ``events/`` (the
        resolved Events, one folder per week) and ``ingest.json``. Must not hold an earlier
        dataset.
    start : timestamp-like, optional
        Course start: weeks are course weeks from it (:mod:`connectana.periods`); default
        calendar weeks from Monday.
    **options
        The reader's options (``tz=``, ``on_error=``, ...).

    Returns
    -------
    dask.dataframe.DataFrame
        Events (columns and dtypes of the Events table, plus ``week``), read lazily from
        ``out/events``; partitions in week order. The computation runs on the current
        ``distributed.Client`` if there is one, else on Dask's default scheduler.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd, connectana as ca
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "day1.csv").write_text("post_id,parent_id,author,created\\n1,,ann,2024-01-01T10:00Z\\n")
    >>> _ = (d / "day2.csv").write_text("post_id,parent_id,author,created\\n2,1,bob,2024-01-02T10:00Z\\n")
    >>> ev = ca.read_events(sorted(d.glob("*.csv")), engine="dask", out=d / "ds")
    >>> ev.compute()[["actor", "target"]].values.tolist()  # bob's parent is in the other file
    [['ann', <NA>], ['bob', 'ann']]
    >>> ingest_report(d / "ds").notes["target from parent"]
    1
    """
    import dask
    import dask.dataframe as dd

    files = expand_paths(paths)
    out = str(out).rstrip("/")
    fs, root = _fs(out)
    if fs.exists(f"{root}/ingest.json") or fs.exists(f"{root}/events"):
        raise InputError(
            "the output folder already holds a dataset", file=out, expected="a new or empty folder"
        )
    parts = f"{out}/parts"
    fs.makedirs(f"{root}/parts", exist_ok=True)
    tasks = [dask.delayed(_read_file)(i, f, format, options, parts) for i, f in enumerate(files)]
    results = dask.compute(*tasks)

    objects = pd.concat([r["objects"] for r in results], ignore_index=True)
    # first creation of each object in time order (file order, then row, breaks ties), as
    # the pandas lookup on the time-sorted table finds it
    objects = objects.sort_values([TIMESTAMP, _FILE, _ROW], kind="stable")
    objects = objects.drop_duplicates([PLATFORM, OBJECT_ID], keep="first").reset_index(drop=True)
    pending = sum(r["pending"] for r in results)

    ev = dd.read_parquet(parts, split_row_groups=False)
    meta = ev._meta
    ev = ev.map_partitions(_fill_targets, objects, meta=meta)
    ev = ev.map_partitions(_with_week, start, meta=meta.assign(**{_WEEK: pd.Series(dtype=_TEXT)}))
    events_dir = f"{out}/events"
    ev.to_parquet(events_dir, partition_on=[_WEEK], write_index=False)
    written = dd.read_parquet(events_dir, columns=[TARGET, PARENT_ID])
    still = int((written[TARGET].isna() & ~written[PARENT_ID].isna()).sum().compute())
    found = pending - still

    report = _combine_reports(results, files, format, found, pending)
    with fs.open(f"{root}/ingest.json", "w", encoding="utf-8") as f:
        f.write(json.dumps(report, default=str, indent=1))
    result = dd.read_parquet(events_dir)
    return result.drop(columns=[_FILE, _ROW])


def _combine_reports(
    results: Sequence[dict], files: Sequence[Path | str], format: str, found: int, pending: int
) -> dict:
    read = kept = 0
    set_aside: Counter = Counter()
    notes: Counter = Counter()
    messages: list[str] = []
    records: list = []
    for r in results:
        rep = r["report"]
        read += rep["read"]
        kept += rep["kept"]
        set_aside.update(rep["set_aside"])
        notes.update(rep["notes"])
        messages.extend(m for m in rep["messages"] if m not in messages)
        records.extend(rep["records"][: max(0, IngestReport.MAX_RECORDS - len(records))])
    if found:
        notes["parent missing"] -= found
        notes["target from parent"] += found
        if notes["parent missing"] <= 0:
            del notes["parent missing"]
    return {
        "source": f"{len(files)} files: {_name(files[0])} ... {_name(files[-1])}"
        if len(files) > 1
        else _name(files[0]),
        "format": format,
        "read": read,
        "kept": kept,
        "set_aside": dict(set_aside),
        "notes": dict(notes),
        "messages": messages,
        "records": records,
        "options": {"files": len(files), "resolved_across_files": found, "pending": pending},
    }


def ingest_report(out: str | os.PathLike) -> IngestReport:
    """The combined ingest report of a dataset written by :func:`read_events_dask`."""
    fs, root = _fs(str(out).rstrip("/"))
    if not fs.exists(f"{root}/ingest.json"):
        raise InputError(
            "no ingest report here",
            file=f"{out}/ingest.json",
            expected="a folder written by read_events(engine='dask')",
        )
    with fs.open(f"{root}/ingest.json", "r", encoding="utf-8") as f:
        d = json.loads(f.read())
    return IngestReport(
        source=d["source"],
        format=d["format"],
        read=d["read"],
        kept=d["kept"],
        set_aside=Counter(d["set_aside"]),
        notes=Counter(d["notes"]),
        messages=list(d["messages"]),
        records=list(d["records"]),
        options=dict(d["options"]),
    )
