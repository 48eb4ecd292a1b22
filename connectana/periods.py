"""Periods: the one definition of how a course's time is cut into periods.

Every result by period (:func:`connectana.growth`, :func:`connectana.person_growth`,
:func:`connectana.engagement`, the Dask engine, the interactive view) uses
:func:`make_periods` and nothing else, so that "week 3" is the same week
everywhere.

The rule
--------
- Without ``start``: **calendar periods** of the pandas frequency ``freq`` in
  UTC (``"W"`` = weeks Monday to Sunday, ``"D"``, ``"M"``, ...), labelled by
  ``pandas.Period`` (``2024-01-01/2024-01-07``), from the period of the
  first time to the period of the last one.
- With ``start`` (a tz-aware timestamp): **course periods** of fixed length
  ``freq`` (``"W"`` = 7 days, ``"D"``, ``"14D"``) from ``start``, numbered
  1, 2, ... . **Events before ``start`` are kept**: they fall in periods
  0, -1, -2, ... (period 0 is the one just before the course). Nothing is
  ever dropped, so the last cumulative period of a growth table holds every
  event, as the static network does. The labels run from the lower of the
  first event's period and 1, to the higher of the last event's period and
  1 (period 1 is always there). To leave earlier activity out, filter the
  events first (``build_network(..., start=)`` does that for a network).

Periods are half-open: ``[start, end)``; ``ends`` are exclusive.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["Periods", "make_periods", "period_keys", "period_length", "course_start"]


def course_start(start: Any, *, name: str = "start") -> pd.Timestamp | None:
    """``start`` as a UTC timestamp (None stays None); a naive time is an error.

    Examples
    --------
    >>> course_start("2024-01-08T00:00+01:00")
    Timestamp('2024-01-07 23:00:00+0000', tz='UTC')
    """
    if start is None:
        return None
    t0 = pd.Timestamp(start)
    if t0.tzinfo is None:
        raise InputError(f"{name}={start!r} has no time zone; give e.g. '2024-01-01T00:00Z'")
    return t0.tz_convert("UTC")


def period_length(freq: str) -> pd.Timedelta:
    """The fixed length of a course period (``"W"`` = 7 days, ``"D"``, ``"14D"``, ``"12h"``).

    Examples
    --------
    >>> period_length("2W")
    Timedelta('14 days 00:00:00')
    """
    from pandas.tseries.frequencies import to_offset
    from pandas.tseries.offsets import Week

    try:
        off = to_offset(freq)
        length = pd.Timedelta(days=7 * off.n) if isinstance(off, Week) else pd.Timedelta(off)
    except (ValueError, TypeError):
        length = None
    if length is None or length <= pd.Timedelta(0):
        raise InputError(
            f"with start=, freq must be a fixed length such as 'W', 'D' or '14D', not {freq!r}"
        )
    return length


def _ns(times: Any) -> np.ndarray:
    return pd.DatetimeIndex(times).tz_convert("UTC").as_unit("ns").asi8


def period_keys(times: Any, *, freq: str = "W", start: Any = None) -> np.ndarray:
    """An integer key per time, increasing with time: the period each time falls in.

    With ``start``, the key is the course period number (1 = the first period,
    0 and below before ``start``); without, the ``pandas.Period`` ordinal.
    Useful to aggregate by period without building the labels (the Dask engine
    does so partition by partition).

    Examples
    --------
    >>> t = pd.to_datetime(["2024-01-07", "2024-01-08", "2024-01-15"], utc=True)
    >>> period_keys(t, start="2024-01-08T00:00Z").tolist()
    [0, 1, 2]
    """
    t0 = course_start(start)
    if t0 is None:
        naive = pd.DatetimeIndex(times).tz_convert("UTC").tz_localize(None)
        return np.asarray(naive.to_period(freq).asi8, dtype=np.int64)
    ns = _ns(times) - t0.as_unit("ns").value
    return np.floor_divide(ns, period_length(freq).value) + 1


@dataclasses.dataclass(frozen=True, eq=False)
class Periods:
    """Consecutive periods covering some times (see the module docstring for the rule).

    Attributes
    ----------
    freq : str
    start : Timestamp or None
        The course start (UTC) for course periods; None for calendar periods.
    labels : Index
        ``PeriodIndex`` (calendar) or integer ``Index`` of course period
        numbers, named ``period``.
    starts, ends : DatetimeIndex
        First instant (UTC) and exclusive end of each period.
    """

    freq: str
    start: pd.Timestamp | None
    labels: pd.Index
    starts: pd.DatetimeIndex
    ends: pd.DatetimeIndex
    first_key: int

    def __len__(self) -> int:
        return len(self.labels)

    def position(self, times: Any) -> np.ndarray:
        """Position (0-based) of each time's period; -1 for a time outside every period."""
        if len(times) == 0:
            return np.zeros(0, dtype=np.int64)
        keys = period_keys(times, freq=self.freq, start=self.start)
        pos = keys - self.first_key
        return np.where((pos >= 0) & (pos < len(self)), pos, -1).astype(np.int64)

    def text(self, positions: Any) -> np.ndarray:
        """Display text of the periods at ``positions``: ``2024-01-01/2024-01-07``
        (calendar) or ``week 03`` / ``period 03`` (course periods of 7 days / other)."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.start is None:
            return np.array([str(self.labels[p]) for p in positions], dtype=object)
        word = "week" if period_length(self.freq) == pd.Timedelta(days=7) else "period"
        return np.array(
            [f"{word} {int(self.labels[p]):02d}" for p in positions],
            dtype=object,
        )


def make_periods(times: Any, *, freq: str = "W", start: Any = None) -> Periods:
    """The periods covering ``times`` under the one rule (module docstring).

    Parameters
    ----------
    times : array-like of tz-aware timestamps
    freq : str
        Calendar frequency (without ``start``) or fixed period length (with it).
    start : timestamp-like, optional
        Course start, tz-aware.

    Examples
    --------
    >>> t = pd.to_datetime(["2024-01-05", "2024-01-09", "2024-01-20"], utc=True)
    >>> p = make_periods(t, start="2024-01-08T00:00Z")
    >>> p.labels.tolist(), p.position(t).tolist()
    ([0, 1, 2], [0, 1, 2])
    >>> make_periods(t).labels.astype(str).tolist()
    ['2024-01-01/2024-01-07', '2024-01-08/2024-01-14', '2024-01-15/2024-01-21']
    """
    t0 = course_start(start)
    if t0 is None:
        naive = pd.DatetimeIndex(times).tz_convert("UTC").tz_localize(None)
        per = naive.to_period(freq)
        if len(per):
            labels = pd.period_range(per.min(), per.max(), freq=per.freq, name="period")
        else:
            labels = pd.PeriodIndex([], freq=pd.Period("2024-01-01", freq).freq, name="period")
        starts = pd.DatetimeIndex(labels.start_time).tz_localize("UTC").as_unit("ns")
        ends = pd.DatetimeIndex((labels + 1).start_time).tz_localize("UTC").as_unit("ns")
        first = int(labels.asi8[0]) if len(labels) else 0
        return Periods(freq, None, labels, starts, ends, first)
    length = period_length(freq)
    keys = period_keys(times, freq=freq, start=t0)
    first = min(int(keys.min()), 1) if len(keys) else 1
    last = max(int(keys.max()), 1) if len(keys) else 1
    labels = pd.RangeIndex(first, last + 1, name="period")
    starts = pd.DatetimeIndex([t0 + (k - 1) * length for k in labels]).as_unit("ns")
    ends = pd.DatetimeIndex([t0 + k * length for k in labels]).as_unit("ns")
    return Periods(freq, t0, labels, starts, ends, first)
