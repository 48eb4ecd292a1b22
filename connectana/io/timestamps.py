"""Timestamp parsing shared by every reader: explicit, or proven, never guessed.

:func:`parse_timestamps` turns a column of raw values into tz-aware UTC
timestamps. It accepts ISO 8601 (with or without offsets), epoch seconds or
milliseconds, and local formats such as ``4/4/13 16:32`` or ``23/01/23, 12:09``.
When the order of day and month cannot be proven from the data (no day above
12 anywhere), or when times carry no offset and no ``tz`` is given, it raises a
:class:`~connectana.errors.TimestampError` that names the option to give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import TimestampError

__all__ = ["NS_MAX", "NS_MIN", "localize_wall_times", "parse_timestamps", "to_utc_ns"]

_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")
_LOCAL = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})"
    r"(?P<rest>(,?\s+|T)\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp][Mm])?)?$"
)

# Plausible epochs: 1990-01-01 .. 2100-01-01
_SEC_RANGE = (631_152_000, 4_102_444_800)


#: The range of ``datetime64[ns]``, the unit of the Events table (1677-09-21 .. 2262-04-11).
NS_MIN = pd.Timestamp.min.tz_localize("UTC")
NS_MAX = pd.Timestamp.max.tz_localize("UTC")


def to_utc_ns(times: pd.Series) -> pd.Series:
    """Tz-aware times as ``datetime64[ns, UTC]``; times outside its range
    (1677-09-21 .. 2262-04-11) become NaT instead of overflowing.

    pandas parses into coarser units (``s``, ``us``) that hold years such as
    2424 or 9999; the Events table cannot. Callers treat the NaT like any
    unparseable time (an error naming the row, or a record set aside).

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.io.timestamps import to_utc_ns
    >>> t = pd.to_datetime(pd.Series(["2024-01-01T00:00Z", "2424-01-01T00:00Z"]), utc=True)
    >>> to_utc_ns(t).tolist()
    [Timestamp('2024-01-01 00:00:00+0000', tz='UTC'), NaT]
    """
    times = times.dt.tz_convert("UTC")
    if times.dtype != "datetime64[ns, UTC]":
        inside = ((times >= NS_MIN) & (times <= NS_MAX)).to_numpy()
        times = times.where(inside)
    return times.astype("datetime64[ns, UTC]")


def _first_row(mask: np.ndarray, row_offset: int) -> int | None:
    """The row (``row_offset``-based) of the first True of ``mask``, None if none."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) + row_offset if len(hits) else None


def _fail_row(values: pd.Series, bad: np.ndarray) -> tuple[int, Any]:
    i = int(np.flatnonzero(bad)[0])
    return i, values.iloc[i]


def parse_timestamps(
    values: pd.Series | Sequence[Any],
    *,
    file: Any = None,
    field: str | None = None,
    dayfirst: bool | None = None,
    time_format: str | None = None,
    tz: str | None = None,
    unit: str | None = None,
    row_offset: int = 1,
    on_error: str = "raise",
    info: dict | None = None,
) -> pd.Series:
    """Parse raw timestamps into ``datetime64[ns, UTC]``.

    Parameters
    ----------
    values : Series or sequence
        Raw values (strings or numbers). Missing values stay missing (NaT).
    file, field : optional
        Named in error messages.
    dayfirst : bool, optional
        For local formats like ``04/05/13``: True reads day/month, False
        month/day. Without it the order must be provable from the data (a
        first number above 12 proves day-first, a second number above 12
        proves month-first); otherwise it is an error.
    time_format : str, optional
        An explicit ``strptime`` format; wins over detection.
    tz : str, optional
        Zone of timestamps written without an offset (``"UTC"``,
        ``"Europe/Madrid"``). Timestamps with an offset are converted from it.
    unit : {"s", "ms", "us", "ns"}, optional
        For numeric epochs. Without it, the unit is inferred only when every
        value is a plausible date (1990–2100) in exactly one of ``s``/``ms``.
    row_offset : int
        Added to the 0-based position to name a row in messages (1: data rows
        counted from 1).
    on_error : {"raise", "skip", "mask"}
        With ``"skip"``, unparseable values become NaT (the caller sets those
        rows aside); the format must still be determinable. ``"mask"`` is for
        the values of JSON records, which need not share one format: each
        value is read on its own (a number: epoch in ``unit``, default
        ``"ms"``; a string: ISO 8601 with an offset, or local to ``tz``);
        nothing is raised: unparseable or out-of-range values and values of
        another type are NaT and flagged in ``info["bad"]``, strings without
        an offset when no ``tz`` is given are NaT and flagged in
        ``info["no_offset"]`` (boolean arrays by position).
    info : dict, optional
        Receives what was detected (``kind``, ``format``, ``unit``...).

    Returns
    -------
    Series of dtype ``datetime64[ns, UTC]`` with the index of ``values``.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.io.timestamps import parse_timestamps
    >>> parse_timestamps(pd.Series(["9/27/13", "10/1/13"]), tz="UTC").dt.day.tolist()
    [27, 1]
    >>> parse_timestamps(pd.Series([1380268800, 1380355200])).dt.day.tolist()
    [27, 28]
    >>> info = {}
    >>> t = parse_timestamps(["2024-01-01T00:00:00Z", 1e20, "2024-01-01", [1]], on_error="mask",
    ...                      info=info)
    >>> t.dt.year.tolist(), info["bad"].tolist(), info["no_offset"].tolist()
    ([2024.0, nan, nan, nan], [False, True, False, True], [False, False, True, False])
    """
    info = {} if info is None else info
    if on_error == "mask":
        return _parse_each(list(values), tz=tz, unit=unit or "ms", info=info)
    if not isinstance(values, pd.Series):
        values = pd.Series(values, dtype=object)
    ctx = {"file": file, "field": field}
    present = values.notna().to_numpy().copy()
    textual = values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
    if textual and time_format is None and unit is None and present.any():
        # the common machine-written shape, before any other work on the column
        fast = _utc_z_fast(values, present)
        if fast is not None:
            info["kind"] = "iso8601"
            return fast
    if textual:
        as_str = values.astype("string").str.strip()
        present &= (as_str != "").fillna(False).to_numpy()
    else:
        as_str = None
    if not present.any():
        info["kind"] = "empty"
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")

    if isinstance(values.dtype, pd.DatetimeTZDtype):
        info["kind"] = "datetime"
        return to_utc_ns(values)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return _localize(values, tz, ctx, values, info, on_error, row_offset)

    numeric = None
    majority = None
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numeric = values.astype("float64")
    else:
        sample = as_str[present]
        if on_error == "skip":
            # a few broken values must not decide the format of the whole column
            majority = _majority_kind(sample)
        if majority == "epoch" or sample.str.fullmatch(_NUMERIC.pattern).fillna(False).all():
            numeric = pd.to_numeric(as_str.where(present), errors="coerce")

    if numeric is not None:
        return _parse_epoch(numeric, present, unit, ctx, row_offset, info, on_error, values)

    if time_format is not None:
        try:
            parsed = pd.to_datetime(as_str.where(present), format=time_format, errors="coerce")
        except ValueError as exc:
            raise TimestampError(
                f"time_format cannot be used ({exc})",
                found=time_format,
                expected="strptime codes such as '%d/%m/%Y %H:%M'",
                **ctx,
            ) from None
        info.update(kind="format", format=time_format)
        bad = present & parsed.isna().to_numpy()
        if bad.any() and on_error == "raise":
            i, v = _fail_row(values, bad)
            raise TimestampError(
                "timestamp does not match the given time_format",
                row=i + row_offset,
                found=v,
                expected=f"format {time_format!r}",
                **ctx,
            )
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            return to_utc_ns(parsed)
        return _localize(parsed, tz, ctx, values, info, on_error, row_offset)

    sample = as_str[present]
    first = sample.iloc[0]
    if majority in ("iso", "local"):
        pattern = _ISO if majority == "iso" else _LOCAL
        first = sample[sample.str.match(pattern.pattern).fillna(False)].iloc[0]
    if _ISO.match(first):
        return _parse_iso(as_str, present, tz, ctx, row_offset, on_error, values, info)
    if _LOCAL.match(first):
        return _parse_local(as_str, present, dayfirst, tz, ctx, row_offset, on_error, values, info)
    # Anything else (RFC 2822 dates in feeds, "Tuesday, 3 December 2024, 5:09 PM", ...)
    # is parsed only when the caller says how.
    raise TimestampError(
        "timestamp is in a format that is not recognised without options",
        row=int(np.flatnonzero(present)[0]) + row_offset,
        found=first,
        expected="ISO 8601, epoch seconds/milliseconds, or D/M/Y-like dates; "
        "otherwise pass time_format='...' (strptime codes) and tz='...'",
        **ctx,
    )


def _majority_kind(sample: pd.Series) -> str | None:
    """The kind most values look like (``epoch``, ``iso``, ``local``); None if none."""
    counts = {
        "epoch": int(sample.str.fullmatch(_NUMERIC.pattern).fillna(False).sum()),
        "iso": int(sample.str.match(_ISO.pattern).fillna(False).sum()),
        "local": int(sample.str.match(_LOCAL.pattern).fillna(False).sum()),
    }
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _parse_epoch(numeric, present, unit, ctx, row_offset, info, on_error, values):
    vals = numeric.to_numpy(dtype="float64")
    ok = present & ~np.isnan(vals)
    if unit is None:
        v = vals[ok]
        lo, hi = _SEC_RANGE
        fits = {
            u: (v >= lo * scale) & (v < hi * scale)
            for u, scale in (("s", 1), ("ms", 1e3), ("us", 1e6), ("ns", 1e9))
        }
        units = [u for u, f in fits.items() if f.all()]
        if len(units) != 1 and on_error == "skip":
            # the unit most values are plausible in (the ranges do not overlap); the
            # values implausible in it are set aside
            best = max(fits, key=lambda u: int(fits[u].sum()))
            if fits[best].any():
                units = [best]
                implausible = np.flatnonzero(ok)[~fits[best]]
                numeric = numeric.copy()
                numeric.iloc[implausible] = np.nan
        if len(units) != 1:
            raise TimestampError(
                "numeric timestamps whose unit cannot be told from their size",
                row=_first_row(ok, row_offset),
                found=float(v[0]) if len(v) else None,
                expected="unit='s' or unit='ms' (or 'us', 'ns')",
                **ctx,
            )
        unit = units[0]
    info.update(kind="epoch", unit=unit)
    # beyond 1e19 (any unit) is out of range; keep pandas from overflowing on it
    numeric = numeric.where(numeric.abs() < 1e19)
    out = to_utc_ns(pd.to_datetime(numeric, unit=unit, utc=True, errors="coerce"))
    _check_bad(out, ok, values, ctx, row_offset, on_error, f"a time in epoch {unit} (1677-2262)")
    return out


def _localize(naive: pd.Series, tz, ctx, values, info, on_error="raise", row_offset=1):
    if tz is None:
        raise TimestampError(
            "timestamps carry no UTC offset and no time zone was given",
            row=_first_row(values.notna().to_numpy(), row_offset),
            found=values.dropna().iloc[0] if values.notna().any() else None,
            expected="tz='UTC' or the zone the export was written in (e.g. tz='Europe/Madrid')",
            **ctx,
        )
    info["tz"] = tz
    utc, unresolved = localize_wall_times(naive, tz)
    if unresolved.any():
        info["ambiguous_unresolved"] = int(unresolved.sum())
        if on_error == "raise":
            label = naive.index[np.flatnonzero(unresolved)[0]]
            i = int(values.index.get_indexer([label])[0])
            raise TimestampError(
                f"local time occurs twice in {tz} (clocks go back that night) and the order "
                "of the rows does not tell which of the two it is",
                row=i + row_offset,
                found=values.iloc[i],
                expected="rows in time order around the change, or on_error='skip' to set "
                "such rows aside",
                **ctx,
            )
    return utc


def localize_wall_times(naive: pd.Series, tz: str) -> tuple[pd.Series, np.ndarray]:
    """Wall-clock times of zone ``tz`` as ``datetime64[ns, UTC]``, and the rows left NaT
    because their time occurs twice (the hour repeated when clocks go back).

    Times skipped when clocks go forward are moved forward by the gap. A time of the
    repeated hour is told from the order of the rows, as a log is written: when the
    unambiguous times run in one direction (oldest or newest first) and, on that
    night, the ambiguous ones step back exactly once in time order, those before the
    step are the first pass (summer time) and those after it the second (standard
    time). Otherwise they are NaT and flagged.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.io.timestamps import localize_wall_times
    >>> wall = pd.to_datetime(pd.Series(["2023-10-29 01:50", "2023-10-29 02:20",
    ...     "2023-10-29 02:40", "2023-10-29 02:10", "2023-10-29 03:05"]))
    >>> utc, unresolved = localize_wall_times(wall, "Europe/Madrid")
    >>> [t.strftime("%H:%M") for t in utc], unresolved.tolist()
    (['23:50', '00:20', '00:40', '01:10', '02:05'], [False, False, False, False, False])
    >>> utc, unresolved = localize_wall_times(wall.iloc[[1, 4]], "Europe/Madrid")
    >>> unresolved.tolist()
    [True, False]
    """
    local = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    ambiguous = (local.isna() & naive.notna()).to_numpy()
    if not ambiguous.any():
        return to_utc_ns(local), ambiguous
    is_dst = _dst_from_order(naive, local, ambiguous)
    settled = is_dst >= 0
    if settled.any():
        rows = np.flatnonzero(settled)
        tried = local.copy()
        tried.iloc[rows] = naive.iloc[rows].dt.tz_localize(tz, ambiguous=is_dst[rows] == 1)
        times = tried.dropna()
        if times.is_monotonic_increasing or times.is_monotonic_decreasing:
            local = tried
        else:  # the rows are not in time order after all: nothing is settled
            settled[:] = False
    return to_utc_ns(local), ambiguous & ~settled


def _dst_from_order(naive: pd.Series, local: pd.Series, ambiguous: np.ndarray) -> np.ndarray:
    """1 (summer time), 0 (standard time) or -1 (unknown) for each ambiguous row."""
    out = np.full(len(naive), -1, dtype=np.int8)
    known = local[~ambiguous].dropna()
    if len(known) >= 2 and known.is_monotonic_increasing:
        newest_first = False
    elif len(known) >= 2 and known.is_monotonic_decreasing:
        newest_first = True
    else:
        return out  # rows not in time order: nothing to go by
    pos = np.flatnonzero(ambiguous)
    if newest_first:
        pos = pos[::-1]
    wall = naive.to_numpy(dtype="datetime64[ns]")[pos]
    night = wall.astype("datetime64[D]")
    for d in np.unique(night):
        p, w = pos[night == d], wall[night == d]
        steps = np.diff(w.astype(np.int64))
        back = np.flatnonzero(steps < 0)
        if len(back) == 1:
            k = int(back[0]) + 1
            out[p[:k]] = 1
            out[p[k:]] = 0
    return out


def _utc_z_fast(as_str: pd.Series, present: np.ndarray) -> pd.Series | None:
    """All present values exactly ``YYYY-MM-DDTHH:MM:SSZ``: parsed by pyarrow, else None.

    The common shape of machine-written exports; a million values parse in a few
    hundredths of a second instead of going through the regular expressions below.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(as_str.where(present).astype("string[pyarrow]"))
    except (TypeError, ValueError, pa.ArrowException):
        return None  # objects that are not all text
    fast = pc.strptime(arr, format="%Y-%m-%dT%H:%M:%SZ", unit="s", error_is_null=True)
    if fast.null_count != int((~present).sum()):
        return None
    seconds = pd.Series(fast.cast(pa.int64()).to_numpy(zero_copy_only=False), index=as_str.index)
    lo, hi = NS_MIN.timestamp(), NS_MAX.timestamp()
    if ((seconds < lo) | (seconds > hi)).any():
        return None  # out of the nanosecond range: the general path names the row
    return pd.to_datetime(seconds, unit="s", utc=True).astype("datetime64[ns, UTC]")


def _parse_iso(as_str, present, tz, ctx, row_offset, on_error, values, info):
    fast = _utc_z_fast(as_str, present)
    if fast is not None:
        info["kind"] = "iso8601"
        return fast
    # Values that are not ISO 8601 at all are unparseable (checked below), not "naive".
    given = present
    present = present & as_str.str.match(_ISO.pattern).fillna(False).to_numpy()
    has_offset = as_str[present].str.contains(_OFFSET.pattern, regex=True).fillna(False)
    info["kind"] = "iso8601"
    if has_offset.all():
        parsed = pd.to_datetime(as_str.where(present), format="ISO8601", utc=True, errors="coerce")
        parsed = to_utc_ns(parsed)
    elif not has_offset.any():
        if tz is None:
            _localize(pd.Series(dtype="datetime64[ns]"), tz, ctx, values, info)
        parsed = pd.to_datetime(as_str.where(present), format="ISO8601", errors="coerce")
        parsed = _localize(parsed, tz, ctx, values, info, on_error, row_offset)
    else:
        # a mix: timestamps without an offset are in tz
        if tz is None:
            i = int(np.flatnonzero(present)[np.flatnonzero(~has_offset.to_numpy())[0]])
            raise TimestampError(
                "some timestamps carry a UTC offset and some do not",
                row=i + row_offset,
                found=values.iloc[i],
                expected="tz='...' for the ones without an offset",
                **ctx,
            )
        parsed = pd.Series(pd.NaT, index=as_str.index, dtype="datetime64[ns, UTC]")
        idx = as_str[present].index
        with_off = idx[has_offset.to_numpy()]
        without = idx[~has_offset.to_numpy()]
        parsed[with_off] = to_utc_ns(
            pd.to_datetime(as_str[with_off], format="ISO8601", utc=True, errors="coerce")
        )
        naive = pd.to_datetime(as_str[without], format="ISO8601", errors="coerce")
        parsed[without] = _localize(naive, tz, ctx, values, info, on_error, row_offset)
    parsed = parsed.astype("datetime64[ns, UTC]")
    _check_bad(parsed, given, values, ctx, row_offset, on_error, "an ISO 8601 timestamp")
    return parsed


def _parse_local(as_str, present, dayfirst, tz, ctx, row_offset, on_error, values, info):
    parts = as_str[present].str.extract(_LOCAL.pattern)
    a = pd.to_numeric(parts["a"], errors="coerce")
    b = pd.to_numeric(parts["b"], errors="coerce")
    if dayfirst is None:
        day_first_proof = bool((a > 12).any())
        month_first_proof = bool((b > 12).any())
        if day_first_proof == month_first_proof:
            raise TimestampError(
                "dates like this can be read day-first or month-first and the data "
                "do not tell which"
                if not day_first_proof
                else "dates have days above 12 in both the first and the second place",
                row=_first_row(present, row_offset),
                found=as_str[present].iloc[0],
                expected="dayfirst=True (23/01/23) or dayfirst=False (01/23/23)",
                **ctx,
            )
        dayfirst = day_first_proof
        info["dayfirst_inferred"] = True
    info.update(kind="local", dayfirst=dayfirst)
    sep = parts["sep"].dropna().iloc[0]
    year = "%Y" if parts["y"].str.len().max() == 4 else "%y"
    date_fmt = f"%d{sep}%m{sep}{year}" if dayfirst else f"%m{sep}%d{sep}{year}"
    rest = parts["rest"].dropna()
    candidates = [date_fmt]
    if len(rest):
        r = rest.iloc[0]
        lead = ", " if r.startswith(",") else ("T" if r.startswith("T") else " ")
        ampm = re.search(r"[AaPp][Mm]$", r) is not None
        clock = "%I:%M" if ampm else "%H:%M"
        secs = r.count(":") == 2
        fmt = date_fmt + lead + clock + (":%S" if secs else "") + (" %p" if ampm else "")
        candidates = [fmt, fmt.replace(" %p", "%p"), date_fmt]
    best = None
    for fmt in candidates:
        parsed = pd.to_datetime(as_str.where(present), format=fmt, errors="coerce")
        n_ok = int(parsed.notna().sum())
        if best is None or n_ok > best[0]:
            best = (n_ok, fmt, parsed)
    n_ok, fmt, parsed = best
    # rows with and without a time part: parse the remainder with the date-only format
    if n_ok < present.sum() and fmt != date_fmt:
        rest_parsed = pd.to_datetime(as_str.where(present), format=date_fmt, errors="coerce")
        parsed = parsed.fillna(rest_parsed)
    info["format"] = fmt
    localized = _localize(parsed, tz, ctx, values, info, on_error, row_offset)
    _check_bad(localized, present, values, ctx, row_offset, on_error, f"a date like {fmt!r}")
    return localized


def _check_bad(parsed, present, values, ctx, row_offset, on_error, expected):
    bad = present & parsed.isna().to_numpy()
    if bad.any() and on_error == "raise":
        i, v = _fail_row(values, bad)
        raise TimestampError(
            "unparseable timestamp", row=i + row_offset, found=v, expected=expected, **ctx
        )


def _parse_each(values: list[Any], *, tz: str | None, unit: str, info: dict) -> pd.Series:
    """``on_error="mask"``: each JSON value read on its own type (see parse_timestamps)."""
    n = len(values)
    out = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    no_offset = np.zeros(n, bool)
    info.update(kind="records", unit=unit, no_offset=no_offset, bad=np.zeros(n, bool))
    if n == 0:
        return out
    raw = pd.Series(values, dtype=object)
    is_num = np.array(
        [isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e19 for v in values]
    )
    is_str = np.array([isinstance(v, str) for v in values])
    if is_num.any():
        nums = pd.to_numeric(raw[is_num], errors="coerce").astype("float64")
        out[is_num] = to_utc_ns(pd.to_datetime(nums, unit=unit, utc=True, errors="coerce"))
    if is_str.any():
        s = raw[is_str].astype(str).str.strip()
        has_off = s.str.contains(_OFFSET.pattern, regex=True).to_numpy()
        with_off = s[has_off]
        if len(with_off):
            out[with_off.index] = to_utc_ns(
                pd.to_datetime(with_off, format="ISO8601", utc=True, errors="coerce")
            )
        naive = s[~has_off]
        if len(naive):
            if tz is None:
                no_offset[naive.index.to_numpy()] = True
            else:
                local = pd.to_datetime(naive, format="ISO8601", errors="coerce")
                out[naive.index] = localize_wall_times(local, tz)[0]
    info["bad"] = out.isna().to_numpy() & ~no_offset
    return out
