"""People and identity across platforms: rosters, alias tables, combined Events.

A course often runs on several platforms at once (a forum, blogs, a chat). The
same person then appears under a different id on each, and two different
people may share an id (user ``12`` of the forum is not user ``12`` of the
chat). This module reads rosters (:func:`read_people`), resolves identities
through an *alias table* (:func:`apply_aliases`) and concatenates Events
tables from several platforms into one (:func:`concat_events`).

Alias table
-----------
A DataFrame or a tabular file with the columns ``person`` (the id to use),
``platform`` (as in the Events ``platform`` column) and ``platform_id`` (the
id on that platform), one row per (platform, id)::

    person,platform,platform_id
    ann,forum,12
    ann,blog,ann.smith
    bob,forum,7

Identity rules (applied to ``actor`` and ``target``, in this order)
-------------------------------------------------------------------
1. **Anonymous markers** (``anonymous=``; by default :data:`ANONYMOUS`: ``"0"``
   for Coursera's user 0 and Moodle's guest, ``"anonymous"``, ``"guest"``,
   ``"-"``, ``""``...) never stand for one person. An anonymous *actor* becomes
   ``anonymous:<platform>:<event_id>``: one node per anonymous contribution. An
   anonymous *target* becomes the id of the anonymous contribution it answers
   (the event whose ``object_id`` is the row's ``parent_id``) when that
   event is in the data, else ``anonymous:<platform>:<event_id>:target``. So
   anonymous people can never merge into one hub. The numbers are counted in
   the ingest report's notes (``anonymous actor made unique``,
   ``anonymous target made unique``).
2. **Aliases**: an id whose (platform, id) is in the alias table becomes the
   alias table's ``person``.
3. **Every other id** becomes ``<platform>:<id>`` (when an alias table is
   given): two platforms' ``"12"`` never merge by accident. List an id in the
   alias table to merge it with another platform's.

Without an alias table, :func:`concat_events` keeps ids as they are (apart
from rule 1) and counts the ids that appear on more than one platform — they
are treated as the same person — in the report's notes
(``ids shared across platforms``).

The module is over 800 lines: one topic, identities (rosters, alias tables, their validation
and overlap checks, identity merge across platforms), whose rules depend on each other.
"""

from __future__ import annotations

import os
import re
import warnings
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, ParameterError, SchemaError
from .events import (
    ACTOR,
    EVENT_ID,
    OBJECT_ID,
    OPTIONAL_COLUMNS,
    PARENT_ID,
    PLATFORM,
    REQUIRED_COLUMNS,
    TARGET,
    TIMESTAMP,
    IngestReport,
    make_people,
    validate_events,
)

__all__ = [
    "ANONYMOUS",
    "ALIAS_COLUMNS",
    "read_people",
    "read_aliases",
    "apply_aliases",
    "concat_events",
    "as_people",
    "person_column",
    "roster_overlap",
    "alias_overlap",
    "PERSON_COLUMNS",
    "UNMATCHED_WARN_SHARE",
    "RosterMismatchWarning",
]

STRING = pd.StringDtype("pyarrow")
TIME = pd.DatetimeTZDtype("ns", "UTC")

#: Ids that mark an anonymous or unknown person on some platform (compared
#: after stripping white space): Coursera's user_id 0, Moodle's guest (0 and
#: ``-``), anonymous posting modes and empty ids.
ANONYMOUS: tuple[str, ...] = (
    "0",
    "-",
    "",
    "anonymous",
    "Anonymous",
    "ANONYMOUS",
    "anon",
    "guest",
    "Guest",
)

#: Columns of an alias table.
ALIAS_COLUMNS: tuple[str, str, str] = ("person", "platform", "platform_id")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def _looks_personal(values: pd.Series) -> bool:
    """True when some value holds an e-mail address or an IPv4 address."""
    text = values.dropna().astype(str)
    if text.empty:
        return False
    return bool(text.str.contains(_EMAIL).any() or text.str.contains(_IPV4).any())


def read_people(
    path: str | os.PathLike,
    *,
    person: str | None = None,
    role: str | None = "role",
    group: str | None = "group",
    display_name: str | None = "display_name",
    role_map: Mapping[Any, str] | None = None,
    default_role: str = "student",
    **read_options: Any,
) -> pd.DataFrame:
    """Read a roster file into a People table (one row per person).

    Parameters
    ----------
    path : path-like
        A CSV/TSV, Excel, Parquet or JSON-lines file, read with
        :func:`connectana.io.table.read_tabular_file` (every cell as text).
    person : str, optional
        The file's id column. By default ``person``, else the one column named
        like an id (``id``, ``uid``, ``user_id``, ``username``, ``actor``...:
        :func:`person_column`); none or several is a ``SchemaError`` naming the
        columns.
    role, group, display_name : str
        The file's columns holding each field (see
        :func:`connectana.make_people`).
    role_map : mapping, optional
        Raw role value → normalised role, checked before the known role words.
    default_role : str
        Role of people whose role cell is empty (or of everyone when the file
        has no role column).
    **read_options
        ``sep``, ``sheet``, ``encoding`` for reading the file.

    Returns
    -------
    DataFrame
        Indexed by ``person``; columns ``role``, ``group``, ``display_name`` and
        the file's other columns, except columns holding e-mail or IP addresses,
        which are dropped with a warning (their names are in
        ``attrs["dropped_columns"]``).

    Raises
    ------
    InputError
        Naming the file (and the field, row and value) when the file cannot be
        read or the roster is not valid (no person column, a person listed
        twice or without an id).

    Examples
    --------
    >>> import connectana as ca, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = p.write_text("person,role,group\\n12,editingteacher,A\\n7,student,B\\n")
    >>> ca.read_people(p)[["role", "group"]].values.tolist()
    [['instructor', 'A'], ['student', 'B']]
    """
    from .io.table import read_tabular_file

    table = read_tabular_file(path, **read_options)
    if person is None:
        person = person_column(list(table.columns), file=path)
    try:
        people = make_people(
            table,
            person=person,
            role=role,
            group=group,
            display_name=display_name,
            role_map=role_map,
            default_role=default_role,
        )
    except InputError as exc:
        raise type(exc)(
            exc.reason,
            file=path,
            row=exc.row,
            field=exc.field,
            found=exc.found,
            expected=exc.expected,
        ) from exc
    dropped = [
        c
        for c in people.columns
        if c not in ("role", "group", "display_name") and _looks_personal(people[c])
    ]
    if dropped:
        warnings.warn(
            f"{path}: column(s) {dropped} hold e-mail or IP addresses and were not kept",
            UserWarning,
            stacklevel=2,
        )
        people = people.drop(columns=dropped)
    people.attrs["dropped_columns"] = dropped
    people.attrs["source"] = str(path)
    return people


def read_aliases(
    aliases: pd.DataFrame | str | os.PathLike,
    *,
    on_conflict: str = "raise",
    **read_options: Any,
) -> pd.DataFrame:
    """Read and check an alias table (person, platform, platform_id).

    Cells are read as text and stripped; repeated identical rows are dropped.
    A (platform, platform_id) listed for two different people is a conflict:
    ``on_conflict="raise"`` raises, ``"first"`` keeps the row listed first.

    Returns
    -------
    DataFrame
        Columns ``person, platform, platform_id`` (strings), one row per
        (platform, platform_id).

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.people import read_aliases
    >>> read_aliases(pd.DataFrame({"person": ["ann", "ann"], "platform": ["forum", "blog"],
    ...     "platform_id": [12, "ann.s"]})).values.tolist()
    [['ann', 'forum', '12'], ['ann', 'blog', 'ann.s']]
    """
    if on_conflict not in ("raise", "first"):
        raise ParameterError("on_conflict must be 'raise' or 'first'")
    file = None
    if isinstance(aliases, pd.DataFrame):
        table = aliases
    else:
        from .io.table import read_tabular_file

        file = Path(aliases)
        table = read_tabular_file(file, **read_options)
    missing = [c for c in ALIAS_COLUMNS if c not in table.columns]
    if missing:
        raise SchemaError(
            "alias table lacks column(s) " + ", ".join(missing),
            file=file,
            field=missing[0],
            found=list(map(str, table.columns)),
            expected="columns person, platform, platform_id",
        )
    out = pd.DataFrame(
        {c: [None if _isna(v) else str(v).strip() for v in table[c]] for c in ALIAS_COLUMNS}
    )
    for c in ALIAS_COLUMNS:
        empty = out[c].isna() | (out[c] == "")
        if c != "platform_id" and empty.any():
            row = int(np.flatnonzero(empty.to_numpy())[0]) + 1
            raise InputError("alias table row has no value", file=file, row=row, field=c)
        if c == "platform_id" and out[c].isna().any():
            row = int(np.flatnonzero(out[c].isna().to_numpy())[0]) + 1
            raise InputError("alias table row has no value", file=file, row=row, field=c)
    out = out.drop_duplicates()
    clash = out.duplicated(["platform", "platform_id"], keep="first")
    if clash.any():
        if on_conflict == "raise":
            i = int(np.flatnonzero(clash.to_numpy())[0])
            row = out.iloc[i]
            first = out[
                (out["platform"] == row["platform"]) & (out["platform_id"] == row["platform_id"])
            ]["person"].iloc[0]
            raise InputError(
                f"alias table gives {row['platform']} id {row['platform_id']!r} to two people",
                file=file,
                row=int(out.index[i]) + 1,
                field="person",
                found=[first, row["person"]],
                expected="one person per (platform, platform_id), or on_conflict='first'",
            )
        out = out[~clash.to_numpy()]
    out = out.reset_index(drop=True).astype(STRING)
    out.attrs["conflicts_dropped"] = int(clash.sum())
    return out


# --------------------------------------------------------------------------- #
# Rosters where they enter: one rule for the id column, overlap with the events
# --------------------------------------------------------------------------- #
#: Column names (compared lower-case, without spaces, ``_`` or ``-``) taken as a
#: roster's id column when there is no ``person`` column, in this order.
PERSON_COLUMNS: tuple[str, ...] = (
    "person",
    "personid",
    "id",
    "uid",
    "userid",
    "user",
    "username",
    "actor",
    "studentid",
    "learnerid",
    "participantid",
    "memberid",
    "accountid",
    "authorid",
    "login",
)

#: Above this share of the people acting in the events who are not in the roster
#: (or not in the alias table), a :class:`RosterMismatchWarning` is issued; when
#: none of them is, an :class:`~connectana.errors.InputError` is raised.
UNMATCHED_WARN_SHARE: float = 0.2


class RosterMismatchWarning(UserWarning):
    """Many people in the events are not in the roster (or alias table): the ids
    probably differ (platform ids vs the roster's own ids)."""


def _norm_name(name: Any) -> str:
    return re.sub(r"[\s_\-.]", "", str(name).lower())


def person_column(columns: Sequence[Any], *, file: Any = None) -> Any:
    """The roster column holding each person's id.

    ``person`` when present; otherwise the one column whose name (lower-case,
    without spaces, ``_``, ``-`` or ``.``) is in :data:`PERSON_COLUMNS`
    (``id``, ``uid``, ``user_id``, ``username``, ``actor``...).

    Raises
    ------
    SchemaError
        Naming the columns when none or several of them could be the id.

    Examples
    --------
    >>> from connectana.people import person_column
    >>> person_column(["uid", "facilitator", "group"])
    'uid'
    """
    if "person" in columns:
        return "person"
    found = [c for c in columns if _norm_name(c) in PERSON_COLUMNS]
    if len(found) == 1:
        return found[0]
    names = [str(c) for c in columns]
    if not found:
        raise SchemaError(
            "roster has no id column",
            file=file,
            found=names,
            expected="a column named person (or id, uid, user_id, username, actor...), "
            "or name it: make_people(table, person=COLUMN) / read_people(path, person=COLUMN)",
        )
    raise SchemaError(
        f"roster has several possible id columns {[str(c) for c in found]}",
        file=file,
        found=names,
        expected="one of them named: make_people(table, person=COLUMN) / "
        "read_people(path, person=COLUMN)",
    )


def as_people(people: Any, *, name: str = "people") -> pd.DataFrame | None:
    """A People table from what a user passes as ``people=``.

    * ``None`` → ``None``;
    * a path → :func:`read_people`;
    * a People table (indexed by ``person``, as :func:`connectana.make_people`
      makes) → itself;
    * another DataFrame → :func:`connectana.make_people` on it, the id column
      found by :func:`person_column` (the same rule as :func:`read_people`);
      a named, non-default index is taken as the ids; a plain ``0..n-1``
      index never is;
    * a list, Series or Index of ids → a roster of students.

    Raises
    ------
    SchemaError
        When the id column cannot be found (naming the columns) or ``people``
        is of another type.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.people import as_people
    >>> roster = pd.DataFrame({"uid": [7, 12], "role": ["teacher", "student"]})
    >>> as_people(roster)["role"].to_dict()
    {'7': 'instructor', '12': 'student'}
    """
    if people is None:
        return None
    if isinstance(people, (str, os.PathLike)):
        return read_people(people)
    if isinstance(people, pd.DataFrame):
        if people.index.name == "person":
            return people
        if "person" not in people.columns and people.index.name is not None:
            if not isinstance(people.index, pd.RangeIndex):
                table = people.reset_index()
                return make_people(table, person=people.index.name)
        return make_people(people, person=person_column(list(people.columns)))
    if isinstance(people, (pd.Series, pd.Index, list, tuple, np.ndarray)):
        return make_people(pd.Series(people).tolist())
    raise SchemaError(
        f"{name} must be a People table, a DataFrame, a path or a list of ids",
        found=type(people).__name__,
        expected="make_people(...), read_people(path) or a roster DataFrame",
    )


def roster_overlap(
    events: pd.DataFrame,
    ids: pd.DataFrame | Collection[Any],
    *,
    what: str = "roster",
    fix: str = "map the platform's ids onto the roster's with an alias table "
    "(ca.apply_aliases(events, ALIASES) or concat_events(..., aliases=); CLI: --aliases FILE), "
    "or name the roster's id column (person=)",
    stacklevel: int = 3,
) -> dict:
    """How many of the people acting in ``events`` are in ``ids`` (a People table,
    whose file the error names when it was read from one, or a collection of ids);
    warn or raise when the ids do not seem to be the same ones.

    The measure is over distinct actors: ``unmatched_share`` = actors not in
    ``ids`` / actors. Above :data:`UNMATCHED_WARN_SHARE` (0.2) a
    :class:`RosterMismatchWarning` gives the counts, examples and ``fix``; when
    no actor at all is in ``ids`` an :class:`~connectana.errors.InputError`
    is raised (the network would join nobody to the roster: learners without
    ties, staff share 0).

    Returns
    -------
    dict
        ``actors``, ``matched``, ``unmatched``, ``unmatched_share``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.people import roster_overlap
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c", "d", "e"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 5, utc=True)}))
    >>> roster_overlap(ev, ["a", "b", "c", "d", "e", "f"])["unmatched_share"]
    0.0
    """
    file = None
    if isinstance(ids, pd.DataFrame):  # a People table: its ids, and its file if read from one
        file = ids.attrs.get("source")
        ids = ids.index
    actors = pd.Index(events[ACTOR].dropna().astype(str).unique())
    known = pd.Index([str(x) for x in ids])
    return _overlap(actors, known, what=what, fix=fix, stacklevel=stacklevel + 1, file=file)


def _overlap(
    actors: pd.Index,
    known: pd.Index,
    *,
    what: str,
    fix: str,
    stacklevel: int,
    consequence: str = "they appear without the roster's roles and groups",
    file: Any = None,
) -> dict:
    inside = actors.isin(known)
    n, matched = len(actors), int(inside.sum())
    out = {
        "actors": n,
        "matched": matched,
        "unmatched": n - matched,
        "unmatched_share": round((n - matched) / n, 4) if n else 0.0,
    }
    if n == 0 or len(known) == 0:
        return out
    examples = ", ".join(repr(x) for x in actors[~inside][:3])
    if matched == 0:
        raise InputError(
            f"none of the {n} people in the events is in the {what} "
            f"(events: {examples}; {what}: {', '.join(repr(x) for x in known[:3])}): "
            "the ids are not the same ones",
            file=file,
            expected=fix,
        )
    if out["unmatched_share"] > UNMATCHED_WARN_SHARE:
        warnings.warn(
            f"{n - matched} of the {n} people in the events ({out['unmatched_share']:.0%}) "
            f"are not in the {what} (e.g. {examples}); {consequence}. If the ids differ: {fix}",
            RosterMismatchWarning,
            stacklevel=stacklevel,
        )
    return out


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _draft_report(report: IngestReport | None, n: int) -> IngestReport:
    """A changeable copy of ``report`` (or a new one for ``n`` events): the
    events' own report is never changed."""
    if report is None:
        return IngestReport(read=n, kept=n)
    return report.draft()


def _anonymous_sets(anonymous: Collection[str] | Mapping[str, Collection[str]] | None):
    if anonymous is None:
        return lambda platform: frozenset()
    if isinstance(anonymous, Mapping):
        table = {str(k): frozenset(str(x).strip() for x in v) for k, v in anonymous.items()}
        return lambda platform: table.get(platform, frozenset())
    common = frozenset(str(x).strip() for x in anonymous)
    return lambda platform: common


def apply_aliases(
    events: pd.DataFrame,
    aliases: pd.DataFrame | str | os.PathLike | None,
    *,
    anonymous: Collection[str] | Mapping[str, Collection[str]] | None = ANONYMOUS,
    on_conflict: str = "raise",
) -> pd.DataFrame:
    """Resolve the people in ``actor`` and ``target`` through an alias table.

    Parameters
    ----------
    events : DataFrame
        A valid Events table; every row needs a ``platform``.
    aliases : DataFrame, path or None
        Alias table (``person, platform, platform_id``; see the module notes).
        ``None``: only anonymous markers are handled, other ids stay unchanged.
    anonymous : collection of str, or mapping platform → collection, or None
        Ids that mark an anonymous person (default :data:`ANONYMOUS`); a
        mapping gives each platform its own markers; ``None`` or ``()``
        disables the rule.
    on_conflict : {"raise", "first"}
        What to do when the alias table gives one platform id to two people.

    Returns
    -------
    DataFrame
        The events with ``actor`` and ``target`` replaced; ``attrs["ingest"]``
        is a copy of the ingest report with the counts in its notes
        (``actor aliased``, ``target aliased``, ``actor prefixed with
        platform``, ``target prefixed with platform``, ``anonymous actor made
        unique``, ``anonymous target made unique``).

    Notes
    -----
    The rules, in order: (1) anonymous markers become one id per event,
    ``anonymous:<platform>:<event_id>`` (a target that answers an anonymous
    contribution present in the data gets that contribution's id; other
    anonymous targets ``anonymous:<platform>:<event_id>:target``); (2) ids in
    the alias table become its ``person``; (3) with an alias table, every other
    id becomes ``<platform>:<id>``. An alias row for an anonymous marker is an
    error (pass ``anonymous=`` without that marker if it is a real person's id).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.people import apply_aliases
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["12", "7", "0"],
    ...     "target": ["7", "12", "12"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True)}), platform="forum")
    >>> al = pd.DataFrame({"person": ["ann"], "platform": ["forum"], "platform_id": ["12"]})
    >>> apply_aliases(ev, al)[["actor", "target"]].values.tolist()
    [['ann', 'forum:7'], ['forum:7', 'ann'], ['anonymous:forum:e3', 'ann']]
    """
    validate_events(events)
    table = None if aliases is None else read_aliases(aliases, on_conflict=on_conflict)
    markers = _anonymous_sets(anonymous)
    lookup = None if table is None else _alias_lookup(table, markers)
    if lookup is not None:
        alias_overlap([events], lookup, markers)
    out = _resolve(events, lookup, markers)
    if table is not None:
        unused = set(table["platform"].astype(str)) - set(events[PLATFORM].astype(str))
        if unused:
            out.attrs["ingest"] = out.attrs["ingest"].evolve(
                messages=[
                    "alias table lists platform(s) with no events: " + ", ".join(sorted(unused))
                ]
            )
    return out


def _alias_lookup(table: pd.DataFrame, markers) -> dict[tuple[str, str], str]:
    """(platform, platform_id) -> person, refusing aliases for anonymous markers."""
    lookup: dict[tuple[str, str], str] = {}
    for person, plat, pid in table[list(ALIAS_COLUMNS)].itertuples(index=False):
        if pid in markers(plat):
            raise InputError(
                f"alias table maps the anonymous marker {pid!r} of {plat} to {person!r}",
                field="platform_id",
                found=pid,
                expected="no alias for anonymous ids (or pass anonymous= without it)",
            )
        lookup[(plat, pid)] = person
    return lookup


def alias_overlap(
    events_list: Sequence[pd.DataFrame], lookup: Mapping[tuple[str, str], str], markers
) -> dict:
    """:func:`roster_overlap` for an alias table: the share of (platform, actor)
    pairs of the events (anonymous markers left out) that the table lists."""
    pairs = pd.concat(
        [ev[[PLATFORM, ACTOR]].dropna().astype(str).drop_duplicates() for ev in events_list]
    ).drop_duplicates()
    pairs = pairs[
        [a.strip() not in markers(p) for p, a in zip(pairs[PLATFORM], pairs[ACTOR], strict=True)]
    ]
    actors = pd.Index(pairs[PLATFORM] + ":" + pairs[ACTOR].str.strip())
    known = pd.Index([f"{p}:{i}" for p, i in lookup])
    return _overlap(
        actors,
        known,
        what="alias table",
        consequence="they stay separate people named <platform>:<id>",
        fix="check that the alias table's platform names match the events' platform column "
        "and its platform_id column holds the platform's ids",
        stacklevel=4,
    )


def _resolve(
    events: pd.DataFrame, lookup: dict[tuple[str, str], str] | None, markers
) -> pd.DataFrame:
    """The identity rules of :func:`apply_aliases` on a validated table."""
    report = _draft_report(events.attrs.get("ingest"), len(events))
    out = events.copy()
    if out[PLATFORM].isna().any():
        row = int(np.flatnonzero(out[PLATFORM].isna().to_numpy())[0]) + 1
        raise SchemaError(
            "an event has no platform: identities cannot be resolved",
            row=row,
            field=PLATFORM,
            expected="a platform name on every row (e.g. make_events(..., platform='forum'))",
        )
    platform = out[PLATFORM].astype(str).to_numpy()
    event_id = out[EVENT_ID].astype(str).to_numpy()

    # Anonymous contributions, by (platform, object_id): what answers to them point to.
    anon_objects: dict[tuple[str, str], str] = {}
    objects = out[OBJECT_ID].to_numpy()
    actors = out[ACTOR].astype(str).to_numpy()
    for i in range(len(out)):
        if actors[i].strip() in markers(platform[i]) and not _isna(objects[i]):
            anon_objects.setdefault(
                (platform[i], str(objects[i])), f"anonymous:{platform[i]}:{event_id[i]}"
            )
    parents = out[PARENT_ID].to_numpy()

    for col in (ACTOR, TARGET):
        values = out[col].to_numpy(dtype=object)
        new = np.empty(len(values), dtype=object)
        n_anon = n_alias = n_prefix = 0
        for i, v in enumerate(values):
            if _isna(v):
                new[i] = pd.NA
                continue
            v = str(v)
            plat = platform[i]
            if v.strip() in markers(plat):
                n_anon += 1
                if col == ACTOR:
                    new[i] = f"anonymous:{plat}:{event_id[i]}"
                else:
                    parent = None if _isna(parents[i]) else (plat, str(parents[i]))
                    new[i] = anon_objects.get(parent, f"anonymous:{plat}:{event_id[i]}:target")
            elif lookup is None:
                new[i] = v
            elif (plat, v.strip()) in lookup:
                n_alias += 1
                new[i] = lookup[(plat, v.strip())]
            else:
                n_prefix += 1
                new[i] = f"{plat}:{v}"
        out[col] = pd.array(new, dtype=STRING)
        for what, n in (
            (f"anonymous {col} made unique", n_anon),
            (f"{col} aliased", n_alias),
            (f"{col} prefixed with platform", n_prefix),
        ):
            if n:
                report.notes[what] += n
    out.attrs = dict(events.attrs)
    out.attrs["ingest"] = report.freeze()
    return out


def concat_events(
    events_list: Sequence[pd.DataFrame],
    *,
    aliases: pd.DataFrame | str | os.PathLike | None = None,
    anonymous: Collection[str] | Mapping[str, Collection[str]] | None = ANONYMOUS,
    on_conflict: str = "raise",
) -> pd.DataFrame:
    """Concatenate Events tables from several platforms into one Events table.

    Parameters
    ----------
    events_list : sequence of DataFrame
        Valid Events tables (each row needs a ``platform``), e.g. one per
        export read with :func:`connectana.read_events`.
    aliases : DataFrame, path or None
        Alias table ``person, platform, platform_id`` resolving identities
        (see :func:`apply_aliases` and the module notes). With it, ids
        without an alias become ``<platform>:<id>``; without it, ids are kept.
    anonymous : collection of str, or mapping platform → collection, or None
        Anonymous markers, made unique per event (default :data:`ANONYMOUS`).
    on_conflict : {"raise", "first"}
        Conflicts: one platform id aliased to two people, or one event (same
        ``platform`` and ``event_id``) in two tables (e.g. overlapping
        exports). ``"raise"`` raises; ``"first"`` keeps the first (the alias
        row listed first; the event from the earlier table, the later copy
        being set aside as ``duplicate event``).

    Returns
    -------
    DataFrame
        A valid Events table, sorted by time (stable: ties keep the list
        order, then each table's order). ``attrs["ingest"]`` is one
        :class:`~connectana.events.IngestReport` adding up the inputs' reports
        (``read`` and ``set_aside`` summed, ``kept`` = rows returned, notes
        summed, messages prefixed by their source); ``options["sources"]``
        lists each input (source, format, platforms, read, kept).

    Notes
    -----
    ``event_id``: kept as is when unique over all tables; when any id occurs
    in two tables, **every** id becomes ``<platform>:<event_id>``. A table
    filtered after reading (fewer rows than its report's ``kept``) counts the
    missing rows as set aside ``removed after reading``, so that
    ``read == kept + set aside`` still holds.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> t = pd.to_datetime(["2024-01-01", "2024-01-03"], utc=True)
    >>> forum = ca.make_events(pd.DataFrame({"actor": ["12", "7"], "target": ["7", "12"],
    ...     "timestamp": t}), platform="forum")
    >>> chat = ca.make_events(pd.DataFrame({"actor": ["U1"], "target": ["U2"],
    ...     "timestamp": t[:1] + pd.Timedelta("1D")}), platform="chat")
    >>> al = pd.DataFrame({"person": ["ann", "ann", "bob"], "platform": ["forum", "chat", "forum"],
    ...     "platform_id": ["12", "U1", "7"]})
    >>> ev = ca.concat_events([forum, chat], aliases=al)
    >>> ev[["event_id", "actor", "target"]].values.tolist()
    [['forum:e1', 'ann', 'bob'], ['chat:e1', 'ann', 'chat:U2'], ['forum:e2', 'bob', 'ann']]
    >>> ev.attrs["ingest"].read, ev.attrs["ingest"].kept
    (3, 3)
    """
    if on_conflict not in ("raise", "first"):
        raise ParameterError("on_conflict must be 'raise' or 'first'")
    if isinstance(events_list, pd.DataFrame) or not len(events_list):
        raise ParameterError("concat_events needs a non-empty list of Events tables")
    table = None if aliases is None else read_aliases(aliases, on_conflict=on_conflict)
    markers = _anonymous_sets(anonymous)
    lookup = None if table is None else _alias_lookup(table, markers)
    if lookup is not None:
        alias_overlap(events_list, lookup, markers)
    combined = IngestReport(format="concat")
    sources: list[dict] = []
    parts: list[pd.DataFrame] = []
    for i, ev in enumerate(events_list):
        validate_events(ev, name=f"events table {i + 1}")
        try:
            resolved = _resolve(ev, lookup, markers)
        except InputError as exc:
            raise type(exc)(
                f"events table {i + 1}: {exc.reason}",
                file=exc.file,
                row=exc.row,
                field=exc.field,
                found=exc.found,
                expected=exc.expected,
            ) from exc
        report = resolved.attrs["ingest"]
        name = report.source or f"events table {i + 1}"
        read = report.read
        set_aside = Counter(report.set_aside)
        gap = report.kept - len(ev)
        if gap > 0:
            set_aside["removed after reading"] += gap
        elif gap < 0:
            read -= gap
            combined.notes["rows added after reading"] += -gap
        combined.read += read
        combined.set_aside.update(set_aside)
        combined.notes.update(report.notes)
        combined.messages.extend(f"{name}: {m}" for m in report.messages)
        room = IngestReport.MAX_RECORDS - len(combined.records)
        combined.records.extend({**r, "source": name} for r in report.records[: max(room, 0)])
        sources.append(
            {
                "source": name,
                "format": report.format,
                "platforms": sorted(map(str, ev[PLATFORM].dropna().unique())),
                "read": read,
                "kept": len(ev),
                "set_aside": dict(sorted(set_aside.items())),
            }
        )
        parts.append(resolved.assign(_part=i, _row=np.arange(len(resolved))))

    df = pd.concat(parts, ignore_index=True)
    key = df[PLATFORM].astype(str) + "\x00" + df[EVENT_ID].astype(str)
    dup = key.duplicated(keep="first").to_numpy()
    if dup.any():
        if on_conflict == "raise":
            i = int(np.flatnonzero(dup)[0])
            raise InputError(
                "the same event is in two tables",
                row=int(df["_row"].iloc[i]) + 1,
                field=EVENT_ID,
                found=f"{df[PLATFORM].iloc[i]} {df[EVENT_ID].iloc[i]} "
                f"(table {int(df['_part'].iloc[i]) + 1})",
                expected="distinct events, or on_conflict='first'",
            )
        idx = np.flatnonzero(dup)  # recorded like every reader's set-aside records
        shown = idx[: max(IngestReport.MAX_RECORDS - len(combined.records), 0)]
        for i in shown:
            combined.set_aside_record(
                "duplicate event",
                {"table": int(df["_part"].iloc[i]) + 1, "event_id": str(df[EVENT_ID].iloc[i])},
            )
        if len(idx) > len(shown):
            combined.set_aside_record("duplicate event", None, n=len(idx) - len(shown))
        df = df[~dup]
    prefixed = bool(df[EVENT_ID].duplicated().any())
    if prefixed:
        df[EVENT_ID] = (df[PLATFORM].astype(str) + ":" + df[EVENT_ID].astype(str)).astype(STRING)
    df = df.sort_values([TIMESTAMP, "_part", "_row"], kind="stable").drop(columns=["_part", "_row"])
    df = df.reset_index(drop=True)
    for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        if c in df.columns and c != TIMESTAMP:
            df[c] = df[c].astype(STRING)
    df[TIMESTAMP] = df[TIMESTAMP].astype(TIME)
    cols = list(REQUIRED_COLUMNS) + [c for c in OPTIONAL_COLUMNS if c in df.columns]
    df = df[cols + [c for c in df.columns if c not in cols]]

    if table is not None:
        unused = set(table["platform"].astype(str)) - set(df[PLATFORM].astype(str))
        if unused:
            combined.messages.append(
                "alias table lists platform(s) with no events: " + ", ".join(sorted(unused))
            )
    else:
        per_platform = pd.concat([df[ACTOR], df[TARGET]]).to_frame("id")
        per_platform["platform"] = pd.concat([df[PLATFORM], df[PLATFORM]]).to_numpy()
        per_platform = per_platform.dropna().drop_duplicates()
        per_platform = per_platform[~per_platform["id"].str.startswith("anonymous:")]
        shared = int((per_platform.groupby("id")["platform"].nunique() > 1).sum())
        if shared:
            combined.notes["ids shared across platforms"] += shared
            combined.messages.append(
                f"{shared} id(s) appear on more than one platform and are treated as one "
                "person each; give aliases= to say who is who"
            )
    combined.kept = len(df)
    combined.source = "; ".join(s["source"] for s in sources)
    combined.options = {
        "sources": sources,
        "event_ids": "prefixed with platform" if prefixed else "unchanged",
        "aliases": None if table is None else len(table),
        "anonymous": "made unique per event",
    }
    df.attrs = {"ingest": combined.freeze()}
    return validate_events(df)
