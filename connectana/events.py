"""The canonical Events table, the People table and the ingest report.

Every reader returns an *Events* table: one row per interaction, with the
columns below and fixed dtypes. ``validate_events`` checks a table against the
schema; ``make_events`` turns a reader's raw records into a valid table
(filling optional columns, fixing dtypes, resolving reply targets) and attaches
the ingest report to ``df.attrs["ingest"]``.

Columns
-------
event_id   str      unique id of the event (the source's id where it has one)
timestamp  datetime64[ns, UTC]
actor      str      the person acting (never missing in kept events)
action     str      one of :data:`ACTIONS`
object_id  str|NA   the object the event created (a post's id), if any
parent_id  str|NA   the object this event answers (the parent post), if any
thread_id  str|NA   the thread / discussion / topic / channel
target     str|NA   the person addressed (filled by readers where the source
                    says so, else from ``parent_id`` by :func:`resolve_targets`)
context    str|NA   course, forum, blog or channel the event belongs to
platform   str      the platform the event came from (``moodle``, ``slack``...)
text       str      optional: message text, kept only with ``keep_text=True``
role       str      optional: role of the actor as the source states it

The module is over 800 lines: it is the spine — the Events schema, its validation, target
resolution and the ingest report — and every other module relies on these definitions being
in one place.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .errors import ParameterTypeError, SchemaError, TimestampError

__all__ = [
    "EVENT_ID",
    "TIMESTAMP",
    "ACTOR",
    "ACTION",
    "OBJECT_ID",
    "PARENT_ID",
    "THREAD_ID",
    "TARGET",
    "CONTEXT",
    "PLATFORM",
    "TEXT",
    "ROLE",
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "ACTIONS",
    "REPLY_ACTIONS",
    "ROLES",
    "IngestReport",
    "FrozenCounter",
    "validate_events",
    "make_events",
    "resolve_targets",
    "thread_structure",
    "parent_links",
    "key_positions",
    "arrow_keys",
    "empty_events",
    "normalize_role",
    "make_people",
    "PERSON",
    "GROUP",
    "DISPLAY_NAME",
]

EVENT_ID = "event_id"
TIMESTAMP = "timestamp"
ACTOR = "actor"
ACTION = "action"
OBJECT_ID = "object_id"
PARENT_ID = "parent_id"
THREAD_ID = "thread_id"
TARGET = "target"
CONTEXT = "context"
PLATFORM = "platform"
TEXT = "text"
ROLE = "role"

REQUIRED_COLUMNS: tuple[str, ...] = (
    EVENT_ID,
    TIMESTAMP,
    ACTOR,
    ACTION,
    OBJECT_ID,
    PARENT_ID,
    THREAD_ID,
    TARGET,
    CONTEXT,
    PLATFORM,
)
OPTIONAL_COLUMNS: tuple[str, ...] = (TEXT, ROLE)

#: The action vocabulary. ``post`` starts a thread (or a blog post, a channel
#: message); ``reply`` answers a post inside a thread; ``comment`` comments on a
#: blog post or a response; ``message`` is a direct message; ``mention``,
#: ``react`` and ``share`` address a person or a post without answering it;
#: ``view`` is reading; ``edit``/``delete`` change an existing object; anything
#: else is ``other``.
ACTIONS: tuple[str, ...] = (
    "post",
    "reply",
    "comment",
    "message",
    "mention",
    "react",
    "share",
    "view",
    "edit",
    "delete",
    "other",
)
#: Actions that answer someone: the ones the ``reply`` tie definition uses.
REPLY_ACTIONS: tuple[str, ...] = ("reply", "comment", "message")

#: Normalised roles.
ROLES: tuple[str, ...] = ("instructor", "ta", "student", "other")

# People table columns
PERSON = "person"
GROUP = "group"
DISPLAY_NAME = "display_name"

STRING = pd.StringDtype("pyarrow")
TIME = pd.DatetimeTZDtype("ns", "UTC")


class FrozenCounter(Counter):
    """A :class:`~collections.Counter` that cannot change (the counts of a
    finished :class:`IngestReport`). Reading a missing key gives 0, as in any
    Counter; every way of changing it raises ``TypeError``.

    Examples
    --------
    >>> from connectana.events import FrozenCounter
    >>> c = FrozenCounter({"deleted": 2})
    >>> c["deleted"], c["other"]
    (2, 0)
    >>> c["deleted"] += 1
    Traceback (most recent call last):
    ...
    connectana.errors.ParameterTypeError: the counts of a finished ingest report cannot change; make a new report with IngestReport.evolve()
    """

    def __init__(self, counts: Mapping[str, int] | None = None) -> None:
        dict.update(self, counts or {})

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise ParameterTypeError(
            "the counts of a finished ingest report cannot change; "
            "make a new report with IngestReport.evolve()"
        )

    __setitem__ = __delitem__ = update = subtract = clear = _refuse  # type: ignore[assignment]
    pop = popitem = setdefault = _refuse  # type: ignore[assignment]
    __iadd__ = __isub__ = __ior__ = __iand__ = _refuse  # type: ignore[assignment]

    def __reduce__(self):
        return (FrozenCounter, (dict(self),))

    def __copy__(self) -> FrozenCounter:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenCounter:
        return self


@dataclasses.dataclass(eq=False)
class IngestReport:
    """What a read did: records read, events kept, records set aside and why.

    The invariant ``read == kept + set_aside_total`` always holds for a report
    made by a connectana reader. ``notes`` counts things that did not remove a
    record but that a user should know (replies whose parent is missing, a
    format without reply structure, ...).

    A reader fills its report while it reads; :func:`make_events` then
    *freezes* it (:meth:`freeze`): the counts become a :class:`FrozenCounter`,
    the lists tuples, the options a read-only mapping, and any assignment
    raises. A frozen report is never copied: pandas deep-copies
    ``DataFrame.attrs`` into every frame derived from the events, and a frozen
    report's ``copy``/``deepcopy`` is the report itself, so carrying 10,000
    set-aside records costs nothing. Steps that change the counts after the
    read (:func:`~connectana.concat_events`, aliases, opt-outs) make a new
    report with :meth:`evolve`.

    Attributes
    ----------
    source : str
        The file or files read.
    format : str
        The reader used.
    read : int
        Records read (rows, JSON records, messages, ...).
    kept : int
        Events produced.
    set_aside : Counter
        Records set aside, by reason.
    notes : Counter
        Counted observations that did not set a record aside.
    messages : list of str
        Plain-language remarks (e.g. "this export has no reply structure").
    records : list of dict
        One entry per record set aside: ``{"record": ..., "reason": ...}``
        (kept up to ``MAX_RECORDS`` entries; the counts are always complete).
        Every reader records its set-aside rows through
        :meth:`set_aside_record`, so :meth:`write_set_aside` sees them all.
    options : dict
        Options the reader used or inferred (column mapping, timestamp format).

    Examples
    --------
    >>> from connectana.events import IngestReport
    >>> r = IngestReport(source="a.csv", read=3, kept=2)
    >>> r.set_aside_record("no user", "a.csv:2")
    >>> r = r.freeze()
    >>> r.kept = 1
    Traceback (most recent call last):
    ...
    AttributeError: a finished ingest report cannot change (kept); make a new one with IngestReport.evolve()
    >>> r2 = r.evolve(kept=1, set_aside={"opted out": 1})
    >>> r2.balanced, dict(r2.set_aside), r.kept
    (True, {'no user': 1, 'opted out': 1}, 2)
    """

    source: str = ""
    format: str = ""
    read: int = 0
    kept: int = 0
    set_aside: Counter = dataclasses.field(default_factory=Counter)
    notes: Counter = dataclasses.field(default_factory=Counter)
    messages: list = dataclasses.field(default_factory=list)
    records: list = dataclasses.field(default_factory=list)
    options: dict = dataclasses.field(default_factory=dict)

    MAX_RECORDS = 10_000

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_frozen", False):
            raise AttributeError(
                f"a finished ingest report cannot change ({name}); "
                "make a new one with IngestReport.evolve()"
            )
        object.__setattr__(self, name, value)

    @property
    def frozen(self) -> bool:
        """True once the read is finished (see :meth:`freeze`)."""
        return self.__dict__.get("_frozen", False)

    def freeze(self) -> IngestReport:
        """Make this report unchangeable (in place) and return it."""
        if not self.frozen:
            object.__setattr__(self, "set_aside", FrozenCounter(self.set_aside))
            object.__setattr__(self, "notes", FrozenCounter(self.notes))
            object.__setattr__(self, "messages", tuple(self.messages))
            object.__setattr__(self, "records", tuple(self.records))
            object.__setattr__(self, "options", MappingProxyType(dict(self.options)))
            object.__setattr__(self, "_frozen", True)
        return self

    def draft(self) -> IngestReport:
        """A new, changeable copy of this report (for a step that adds to the
        counts before it freezes its result)."""
        return IngestReport(
            source=self.source,
            format=self.format,
            read=self.read,
            kept=self.kept,
            set_aside=Counter(self.set_aside),
            notes=Counter(self.notes),
            messages=list(self.messages),
            records=list(self.records),
            options=dict(self.options),
        )

    def evolve(
        self,
        *,
        set_aside: Mapping[str, int] | None = None,
        notes: Mapping[str, int] | None = None,
        messages: Iterable[str] = (),
        records: Iterable[dict] = (),
        options: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> IngestReport:
        """A new frozen report: this one with counts *added* (``set_aside``,
        ``notes``), ``messages``/``records`` appended (records up to
        ``MAX_RECORDS``), ``options`` merged and the other ``fields``
        (``read``, ``kept``, ``source``, ``format``) replaced."""
        unknown = set(fields) - {"source", "format", "read", "kept"}
        if unknown:
            raise ParameterTypeError(
                f"IngestReport.evolve() got unknown field(s) {sorted(unknown)}"
            )
        out = self.draft()
        for name, value in fields.items():
            setattr(out, name, value)
        out.set_aside.update(set_aside or {})
        out.notes.update(notes or {})
        out.messages.extend(messages)
        room = max(self.MAX_RECORDS - len(out.records), 0)
        out.records.extend(list(records)[:room])
        out.options.update(options or {})
        return out.freeze()

    def __copy__(self) -> IngestReport:
        return self if self.frozen else self.draft()

    def __deepcopy__(self, memo: dict) -> IngestReport:
        if self.frozen:
            return self  # unchangeable: sharing is safe, and pandas copies attrs a lot
        import copy

        out = self.draft()
        out.records = copy.deepcopy(out.records, memo)
        out.options = copy.deepcopy(out.options, memo)
        return out

    def __reduce__(self):
        d = self.draft()
        state = {f.name: getattr(d, f.name) for f in dataclasses.fields(d)}
        return (_rebuild_report, (state, self.frozen))

    def set_aside_record(self, reason: str, record: Any = None, n: int = 1) -> None:
        """Count ``n`` records set aside for ``reason`` (and remember which)."""
        self.set_aside[reason] += n
        if record is not None and len(self.records) < self.MAX_RECORDS:
            self.records.append({"record": record, "reason": reason})

    @property
    def set_aside_total(self) -> int:
        return int(sum(self.set_aside.values()))

    @property
    def balanced(self) -> bool:
        """True when read == kept + set aside."""
        return self.read == self.kept + self.set_aside_total

    def set_aside_table(self) -> pd.DataFrame:
        """The records set aside, one row each, for inspection or export."""
        return pd.DataFrame(self.records, columns=["record", "reason"])

    def write_set_aside(self, path: str | os.PathLike) -> Path:
        """Write the records set aside (record, reason) to a CSV file for inspection.

        A record that is a mapping or a list (a parsed JSON object, a table
        row) is written as JSON (``json.dumps``, keys in record order, values
        that JSON lacks such as timestamps as text), so it can be read back
        with ``json.loads``; a raw line of text is written as it is.
        """
        import json

        from .privacy import write_csv  # formula-leading text escaped

        def as_json(record):
            if isinstance(record, (dict, list, tuple)):
                return json.dumps(record, ensure_ascii=False, default=str)
            return record

        table = self.set_aside_table()
        table["record"] = table["record"].map(as_json)
        return write_csv(table, path)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "format": self.format,
            "read": self.read,
            "kept": self.kept,
            "set_aside": dict(sorted(self.set_aside.items())),
            "notes": dict(sorted(self.notes.items())),
            "messages": list(self.messages),
            "options": dict(self.options),
        }

    def __str__(self) -> str:
        lines = [
            f"Ingest report — {self.format or 'events'}: {self.source}",
            f"  records read : {self.read}",
            f"  events kept  : {self.kept}",
            f"  set aside    : {self.set_aside_total}",
        ]
        for reason, n in sorted(self.set_aside.items()):
            lines.append(f"    {reason}: {n}")
        if self.notes:
            lines.append("  notes:")
            for what, n in sorted(self.notes.items()):
                lines.append(f"    {what}: {n}")
        for m in self.messages:
            lines.append(f"  ! {m}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"


def _rebuild_report(state: dict, frozen: bool) -> IngestReport:
    report = IngestReport(**state)
    return report.freeze() if frozen else report


def empty_events() -> pd.DataFrame:
    """An Events table with no rows and the right dtypes."""
    cols = {c: pd.Series([], dtype=STRING) for c in REQUIRED_COLUMNS}
    cols[TIMESTAMP] = pd.Series([], dtype=TIME)
    return pd.DataFrame(cols)[list(REQUIRED_COLUMNS)]


def validate_events(df: pd.DataFrame, *, name: str = "events") -> pd.DataFrame:
    """Check that ``df`` is a valid Events table; return it unchanged.

    Raises
    ------
    SchemaError
        Naming every missing column, every column of the wrong dtype, every
        action outside :data:`ACTIONS` and missing actors or timestamps.

    Examples
    --------
    >>> import connectana as ca, pandas as pd
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a"], "target": ["b"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"], utc=True)}))
    >>> ca.validate_events(ev) is ev
    True
    """
    if not isinstance(df, pd.DataFrame):
        if type(df).__name__ == "Network":
            static = getattr(df, "meta", {}).get("timed") is False
            raise SchemaError(
                f"{name} must be an Events table, not a Network"
                + (": this network was read from a static edge list and has no times" if static
                   else ": pass the Events the network was built from"),
                found="Network",
                expected="Events (read_events); growth, formation models and temporal "
                "paths need the time of every interaction",
            )  # fmt: skip
        raise SchemaError(
            f"{name} must be a pandas DataFrame", found=type(df).__name__, expected="DataFrame"
        )
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        problems.append("missing column(s) " + ", ".join(repr(c) for c in missing))
    for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        if c not in df.columns or c in missing:
            continue
        dtype = df[c].dtype
        if c == TIMESTAMP:
            if not (isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC"):
                problems.append(
                    f"column 'timestamp' has dtype {dtype}, expected datetime64[ns, UTC]"
                )
        elif not (pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype)):
            problems.append(f"column {c!r} has dtype {dtype}, expected string")
    if not missing:
        if df[ACTOR].isna().any():
            row = int(np.flatnonzero(df[ACTOR].isna().to_numpy())[0]) + 1
            problems.append(f"column 'actor' is missing in row {row}")
        if TIMESTAMP not in missing and df[TIMESTAMP].isna().any():
            row = int(np.flatnonzero(df[TIMESTAMP].isna().to_numpy())[0]) + 1
            problems.append(f"column 'timestamp' is missing in row {row}")
        bad = ~df[ACTION].isin(ACTIONS)
        if bad.any():
            values = sorted(map(str, pd.unique(df.loc[bad, ACTION])))[:5]
            problems.append(
                f"column 'action' has value(s) {values} outside the vocabulary {list(ACTIONS)}"
            )
        if df[EVENT_ID].duplicated().any():
            dup = df.loc[df[EVENT_ID].duplicated(), EVENT_ID].iloc[0]
            problems.append(f"column 'event_id' is not unique (e.g. {dup!r})")
    if problems:
        raise SchemaError(f"{name} is not a valid Events table: " + "; ".join(problems))
    return df


def _reply_or_post(answered: np.ndarray, index: pd.Index) -> pd.Series:
    """``reply`` where ``answered``, else ``post`` (built by pyarrow: no Python strings)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pc.if_else(pa.array(answered), "reply", "post").cast(pa.large_string())
    return pd.Series(values, index=index, dtype=STRING)


def numbered_ids(prefix: str, n: int, index: pd.Index | None = None) -> pd.Series:
    """``prefix1``, ``prefix2``, ... ``prefix<n>`` as an Arrow string Series (built by
    pyarrow: a million ids without a million Python strings).

    Examples
    --------
    >>> from connectana.events import numbered_ids
    >>> numbered_ids("r", 3).tolist()
    ['r1', 'r2', 'r3']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.large_string())
    empty = pa.scalar("", pa.large_string())
    ids = pc.binary_join_element_wise(pa.scalar(prefix, pa.large_string()), numbers, empty)
    return pd.Series(ids, index=index, dtype=STRING)


def _as_string(s: pd.Series) -> pd.Series:
    if s.dtype == STRING:
        return s
    if pd.api.types.is_float_dtype(s.dtype):
        # ids read as floats because of missing values: 12.0 -> "12"
        as_int = s.dropna()
        if (as_int == np.floor(as_int)).all():
            return s.astype("Int64").astype(STRING)
    return s.astype(STRING)


def make_events(
    records: pd.DataFrame,
    *,
    platform: str | None = None,
    report: IngestReport | None = None,
    resolve: bool = True,
    keep_text: bool = False,
    sort: bool = True,
) -> pd.DataFrame:
    """Turn a reader's raw records into a valid Events table.

    Fills missing optional columns with NA, derives ``action`` when absent
    (``reply`` when the row has a target or a parent, else ``post``), makes
    ``event_id`` when absent (``e1``, ``e2``, ... in input order), fixes the
    dtypes, drops ``text`` unless ``keep_text``, resolves reply targets from
    parents (:func:`resolve_targets`), sorts by time (stable, so ties keep the
    file order) and attaches ``report`` as ``attrs["ingest"]``.

    Parameters
    ----------
    records : DataFrame
        Columns named as the schema; ``actor`` and ``timestamp`` are required.
    platform : str, optional
        Fills ``platform`` where it is missing.
    report : IngestReport, optional
        The reader's report: updated (``kept``, resolution notes), frozen
        (:meth:`IngestReport.freeze`) and attached. A report that is already
        frozen is not changed: a new one is attached.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> raw = pd.DataFrame({"object_id": ["p1", "p2"], "parent_id": [None, "p1"],
    ...     "actor": ["ann", "bob"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)})
    >>> ev = ca.make_events(raw, platform="forum")
    >>> ev[["actor", "action", "target"]].values.tolist()
    [['ann', 'post', <NA>], ['bob', 'reply', 'ann']]
    """
    df = records.copy()
    if ACTOR not in df.columns or TIMESTAMP not in df.columns:
        missing = [c for c in (ACTOR, TIMESTAMP) if c not in df.columns]
        raise SchemaError(
            "cannot make events without column(s) " + ", ".join(missing),
            field=missing[0],
            found=list(map(str, df.columns)),
        )
    n = len(df)
    for c in REQUIRED_COLUMNS:
        if c not in df.columns:
            df[c] = pd.Series(pd.NA, index=df.index, dtype=STRING)
    if records.get(EVENT_ID) is None:
        df[EVENT_ID] = numbered_ids("e", n, df.index)
    if platform is not None:
        df[PLATFORM] = df[PLATFORM].fillna(platform) if n else df[PLATFORM]
    for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        if c in df.columns and c != TIMESTAMP:
            df[c] = _as_string(df[c])
    if records.get(ACTION) is None:
        answered = df[TARGET].notna() | df[PARENT_ID].notna()
        df[ACTION] = _reply_or_post(answered.to_numpy(dtype=bool), df.index)
    ts = df[TIMESTAMP]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        raise SchemaError(
            "timestamps must be timezone-aware before making events",
            field=TIMESTAMP,
            found=str(ts.dtype),
            expected="datetime64[ns, UTC]",
        )
    ts = ts.dt.tz_convert("UTC")
    lo, hi = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    outside = (ts.notna() & ((ts < lo) | (ts > hi))).to_numpy()
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise TimestampError(
            "timestamp outside the years 1677-2262 that the Events table holds",
            row=i + 1,
            field=TIMESTAMP,
            found=str(ts.iloc[i]),
        )
    df[TIMESTAMP] = ts.astype(TIME)
    if TEXT in df.columns and not keep_text:
        df = df.drop(columns=TEXT)
    cols = list(REQUIRED_COLUMNS) + [c for c in OPTIONAL_COLUMNS if c in df.columns]
    extra = [c for c in df.columns if c not in cols]
    df = df[cols + extra]
    if sort and n:
        df = df.sort_values(TIMESTAMP, kind="stable")
    df = df.reset_index(drop=True)
    if report is None:
        report = IngestReport(read=n)
    elif report.frozen:
        report = report.draft()
    links = parent_links(df)
    if resolve:
        df = resolve_targets(df, report=report, links=links)
    for what, n in thread_structure(df, links=links).items():
        if what not in report.notes:  # a reader that counted it itself knows its scope better
            report.notes[what] = n
    report.kept = len(df)
    df.attrs["ingest"] = report.freeze()
    return df


def thread_structure(
    events: pd.DataFrame, *, links: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[str, int]:
    """Counts of broken reply structure, for the ingest report's notes.

    ``duplicate object id``: posts, replies, comments or messages whose
    (platform, ``object_id``) repeats an earlier one's (replies to it find the
    first one); ``self-parent``: events
    whose ``parent_id`` is their own ``object_id``; ``parent cycle``: events on
    a cycle of parent links longer than one (a → b → a), which no thread can
    hold. Only the counts that are not zero are returned. ``links`` is
    :func:`parent_links` of ``events`` when the caller has it.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.events import thread_structure
    >>> ev = pd.DataFrame({"platform": "f", "object_id": ["1", "2", "3", "3", "4"],
    ...                    "parent_id": ["2", "1", None, "3", None]})
    >>> thread_structure(ev)
    {'duplicate object id': 1, 'self-parent': 1, 'parent cycle': 2}
    """
    out: dict[str, int] = {}
    has_obj = events[OBJECT_ID].notna().to_numpy(dtype=bool, copy=True)
    if ACTION in events.columns:  # views, edits and reactions name an object they did not make
        has_obj &= events[ACTION].isin(["post", "reply", "comment", "message"]).to_numpy(bool)
    if not has_obj.any():
        return out
    by = [] if events[PLATFORM].nunique(dropna=False) <= 1 else [PLATFORM]
    obj_rows = np.flatnonzero(has_obj)
    import pyarrow.compute as pc

    keys = arrow_keys([events[c].iloc[obj_rows] for c in [*by, OBJECT_ID]])
    dup = len(obj_rows) - len(pc.unique(keys))
    if dup:
        out["duplicate object id"] = dup
    rows, parent_row = parent_links(events) if links is None else links
    same = events[PARENT_ID].iloc[rows].astype(STRING) == events[OBJECT_ID].iloc[rows].astype(
        STRING
    )
    selfp = same.fillna(False).to_numpy(dtype=bool) | (parent_row == rows)
    if selfp.any():
        out["self-parent"] = int(selfp.sum())
    found = (parent_row >= 0) & ~selfp
    child, parent = rows[found], parent_row[found]
    # a cycle needs a link to a later (or equal) row: none in the usual time-ordered export
    if not (parent >= child).any():
        return out
    import igraph as ig

    g = ig.Graph(n=len(events), edges=np.column_stack([child, parent]).tolist(), directed=True)
    sizes = np.array(g.connected_components(mode="strong").sizes())
    on_cycle = int(sizes[sizes > 1].sum())
    if on_cycle:
        out["parent cycle"] = on_cycle
    return out


def resolve_targets(
    events: pd.DataFrame,
    *,
    report: IngestReport | None = None,
    links: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Fill ``target`` from ``parent_id``: the author of the parent object.

    ``links`` is :func:`parent_links` of ``events`` when the caller has it.

    For every event with a ``parent_id`` and no ``target``, the target becomes
    the ``actor`` of the event whose ``object_id`` equals that ``parent_id``
    (on the same platform). Parents not present in the data are counted in the
    report's notes as ``parent missing``; the event is kept with no target.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"object_id": ["1", "2", "3"],
    ...     "parent_id": [None, "1", "9"], "actor": ["a", "b", "c"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True)}))
    >>> ev["target"].tolist()
    [<NA>, 'a', <NA>]
    >>> ev.attrs["ingest"].notes["parent missing"]
    1
    """
    need = (events[TARGET].isna() & events[PARENT_ID].notna()).to_numpy()
    if not need.any():
        return events
    rows, parent_row = parent_links(events) if links is None else links
    pick = need[rows]
    found = parent_row[pick] >= 0
    source_row = np.full(len(events), -1, dtype=np.int64)
    source_row[rows[pick]] = parent_row[pick]
    filled = events[ACTOR].array.take(source_row, allow_fill=True)
    out = events.copy()
    out[TARGET] = out[TARGET].where(source_row < 0, pd.Series(filled, index=events.index))
    if report is not None:
        n_missing = int((~found).sum())
        counts = {"target from parent": int(found.sum())}
        if n_missing:
            counts["parent missing"] = n_missing
        if report.frozen:  # a finished report: the result carries a new one
            out.attrs["ingest"] = report.evolve(notes=counts)
        else:
            report.notes.update(counts)
    return out


def parent_links(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The rows with a ``parent_id`` and, for each, the row of its parent: the first
    event whose ``object_id`` is that id on the same platform (-1 when there is none).

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.events import parent_links
    >>> ev = pd.DataFrame({"platform": "f", "object_id": ["1", "2", None],
    ...                    "parent_id": [None, "1", "7"]})
    >>> [a.tolist() for a in parent_links(ev)]
    [[1, 2], [0, -1]]
    """
    rows = np.flatnonzero(events[PARENT_ID].notna().to_numpy())
    if not len(rows):
        return rows, rows.copy()
    obj_rows = np.flatnonzero(events[OBJECT_ID].notna().to_numpy())
    if not len(obj_rows):
        return rows, np.full(len(rows), -1, dtype=np.int64)
    # ids are looked up per platform; with one platform the ids alone are the key
    by = [] if events[PLATFORM].nunique(dropna=False) <= 1 else [PLATFORM]
    pos = key_positions(
        [events[c].iloc[rows] for c in [*by, PARENT_ID]],
        [events[c].iloc[obj_rows] for c in [*by, OBJECT_ID]],
    )
    return rows, np.where(pos >= 0, obj_rows[np.maximum(pos, 0)], -1)


def arrow_keys(columns: Sequence[pd.Series]) -> Any:
    """One pyarrow string array of keys made of one or more text columns (missing
    values as ``""``, parts joined by the unit separator U+001F, which does not
    occur in ids or names): the key :func:`key_positions` compares."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = []
    for c in columns:
        arr = pa.array(c.astype(STRING).array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        parts.append(arr.cast(pa.large_string()).fill_null(""))
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, pa.scalar("\x1f", pa.large_string()))


def key_positions(keys: Sequence[pd.Series], table: Sequence[pd.Series]) -> np.ndarray:
    """For each row of ``keys``, the position of the first row of ``table`` with the
    same key (-1 when there is none), a key being one or more text columns compared as
    a whole (missing values compare equal to each other). pyarrow does the lookup: a
    million ids are never turned into Python objects.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.events import key_positions
    >>> platform = pd.Series(["forum", "blog", "forum"])
    >>> ids = pd.Series(["1", "1", "2"])
    >>> key_positions([pd.Series(["blog", "forum", "blog"]), pd.Series(["1", "2", "2"])],
    ...               [platform, ids]).tolist()
    [1, 2, -1]
    """
    import pyarrow.compute as pc

    pos = pc.index_in(arrow_keys(keys), value_set=arrow_keys(table))
    return pos.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


_ROLE_WORDS = {
    "instructor": "instructor",
    "teacher": "instructor",
    "editingteacher": "instructor",
    "editing teacher": "instructor",
    "facilitator": "instructor",
    "staff": "instructor",
    "course staff": "instructor",
    "coursera staff": "instructor",
    "administrator": "instructor",
    "admin": "instructor",
    "manager": "instructor",
    "coursecreator": "instructor",
    "owner": "instructor",
    "professor": "instructor",
    "lecturer": "instructor",
    "teacherenrollment": "instructor",
    "designerenrollment": "instructor",
    "ta": "ta",
    "teaching assistant": "ta",
    "tutor": "ta",
    "community ta": "ta",
    "community_ta": "ta",
    "moderator": "ta",
    "group moderator": "ta",
    "non-editing teacher": "ta",
    "noneditingteacher": "ta",
    "taenrollment": "ta",
    "student": "student",
    "learner": "student",
    "participant": "student",
    "member": "student",
    "studentenrollment": "student",
}


def normalize_role(value: Any, mapping: Mapping[Any, str] | None = None) -> str:
    """Map a platform's role name onto instructor / ta / student / other.

    ``mapping`` (checked first) maps raw values to normalised roles. Known
    words (Moodle ``editingteacher``, edX ``Community TA``, Canvas
    ``TaEnrollment``, ``facilitator``, ...) are recognised case-insensitively;
    anything else, a missing value included, is ``other``.

    Examples
    --------
    >>> from connectana.events import normalize_role
    >>> [normalize_role(r) for r in ["editingteacher", "Community TA", "Learner", "bot"]]
    ['instructor', 'ta', 'student', 'other']
    """
    if mapping is not None and value in mapping:
        role = mapping[value]
        if role not in ROLES:
            raise SchemaError(
                f"role mapping gives {role!r} for {value!r}",
                field=ROLE,
                found=role,
                expected=f"one of {list(ROLES)}",
            )
        return role
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "other"
    return _ROLE_WORDS.get(str(value).strip().lower().replace("-", " ").replace("  ", " "), "other")


def make_people(
    table: pd.DataFrame | Iterable[str],
    *,
    person: str = PERSON,
    role: str | None = ROLE,
    group: str | None = GROUP,
    display_name: str | None = DISPLAY_NAME,
    role_map: Mapping[Any, str] | None = None,
    default_role: str = "student",
) -> pd.DataFrame:
    """Make a People table: one row per person, indexed by person id.

    Columns ``role`` (normalised to :data:`ROLES`), ``group``,
    ``display_name`` and every other column of ``table`` as an attribute (a
    file column whose name clashes with these is kept as ``attr_<name>``).

    Parameters
    ----------
    table : DataFrame or iterable of ids
        A roster. An iterable of ids makes a roster of ``default_role`` people.
    person, role, group, display_name : str
        Columns of ``table`` holding each field (``role=None``: everyone gets
        ``default_role``). Missing optional columns are left empty.
    role_map : mapping, optional
        Raw role value → normalised role, checked before the known words
        (e.g. ``{1: "instructor", 0: "student"}`` for a facilitator flag).
    default_role : str
        Role of people whose role column is empty.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> roster = pd.DataFrame({"uid": [1, 2], "facilitator": [1, 0]})
    >>> ca.make_people(roster, person="uid", role="facilitator",
    ...                role_map={1: "instructor", 0: "student"})["role"].tolist()
    ['instructor', 'student']
    """
    if not isinstance(table, pd.DataFrame):
        table = pd.DataFrame({person: list(table)})
    if person not in table.columns:
        raise SchemaError(
            "roster has no person column",
            field=person,
            found=list(map(str, table.columns)),
            expected="a column naming each person",
        )
    ids = _as_string(table[person])
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0]) + 1
        raise SchemaError("roster has a person with no id", row=row, field=person)
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].iloc[0]
        raise SchemaError("roster lists a person twice", field=person, found=dup)
    out = pd.DataFrame(index=pd.Index(ids.to_numpy(), name=PERSON, dtype=STRING))
    if role is not None and role in table.columns:
        raw = table[role].to_numpy()
        roles = [
            default_role
            if (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)))
            and not (role_map and v in role_map)
            else normalize_role(v, role_map)
            for v in raw
        ]
    else:
        roles = [default_role] * len(table)
    out[ROLE] = pd.array(roles, dtype=STRING)
    for name, col in ((GROUP, group), (DISPLAY_NAME, display_name)):
        if col is not None and col in table.columns:
            out[name] = _as_string(table[col]).to_numpy()
        else:
            out[name] = pd.array([pd.NA] * len(table), dtype=STRING)
    used = {person, role, group, display_name}
    for c in table.columns:
        if c in used:
            continue
        name = f"attr_{c}" if c in (ROLE, GROUP, DISPLAY_NAME, PERSON, "kind") else c
        out[name] = table[c].to_numpy()
    return out
