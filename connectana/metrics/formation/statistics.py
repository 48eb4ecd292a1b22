"""The statistics of the formation model, from time-sorted records.

Every statistic (see :mod:`connectana.metrics.formation` for the formulas) is a
count or a decayed sum of *records* with a key (a person, a dyad, or the two ends
of a two-path) strictly before a time rank. Records are sorted once by
``key * width + rank``; a statistic for any number of rows is then two
``numpy.searchsorted`` calls. Nothing is rebuilt per event.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ...errors import InputError

__all__ = [
    "EFFECTS",
    "DEFAULT_EFFECTS",
    "STAFF_ROLES",
    "MAX_RECORDS",
    "Records",
    "EventHistory",
    "node_values",
]

EFFECTS: tuple[str, ...] = (
    "inertia",
    "reciprocity",
    "transitivity",
    "shared_partners",
    "popularity",
    "receiver_activity",
    "same_group",
    "to_staff",
    "recency",
)
#: Effects fitted when ``effects=None`` (they need no roster).
DEFAULT_EFFECTS: tuple[str, ...] = (
    "inertia",
    "reciprocity",
    "transitivity",
    "shared_partners",
    "popularity",
    "receiver_activity",
)
#: Roles counted by ``to_staff``.
STAFF_ROLES: tuple[str, ...] = ("instructor", "ta")

#: Largest number of two-path records built before giving up with an error.
MAX_RECORDS = 50_000_000


class Records:
    """Time-stamped records keyed by an integer (a person or a dyad), queried as
    "how many (or what decayed sum) with this key strictly before rank ρ".

    Records are sorted once by the code ``key * width + rank``; a query is two
    ``searchsorted`` calls. ``keep_days`` keeps each record's time (for recency and
    decay), which costs an argsort instead of a sort.
    """

    def __init__(self, keys, ranks, days, *, n_keys: int, lam=None, keep_days=False):
        keys = np.asarray(keys, dtype=np.int64)
        ranks = np.asarray(ranks, dtype=np.int64)
        self.width = int(ranks.max()) + 2 if len(ranks) else 2
        self.ukeys = None
        if n_keys * self.width >= 2**62:  # codes would overflow: number the keys present
            self.ukeys, keys = np.unique(keys, return_inverse=True)
        codes = keys * self.width + ranks
        self.lam = lam
        self.days = self.decayed = None
        if keep_days or lam is not None:
            order = np.argsort(codes, kind="stable")
            self.codes = codes[order]
            self.days = np.asarray(days, dtype=float)[order]
            if lam is not None and len(codes):
                self.decayed = _decayed_prefix(self.codes // self.width, self.days, lam)
        else:
            self.codes = np.sort(codes)

    def __len__(self) -> int:
        return len(self.codes)

    def locate(
        self, keys: np.ndarray, ranks: np.ndarray, order=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(number of records with the key and rank < ranks, index of the last one or -1).

        ``order`` (optional) is ``argsort(keys)``, shared by queries with the same keys.
        """
        keys = np.asarray(keys, dtype=np.int64)
        found = np.ones(len(keys), dtype=bool)
        if self.ukeys is not None:
            pos = np.searchsorted(self.ukeys, keys)
            pos = np.minimum(pos, max(len(self.ukeys) - 1, 0))
            found = (self.ukeys[pos] == keys) if len(self.ukeys) else ~found
            keys = pos
        base = keys * self.width
        # sorted needles make searchsorted walk the codes in order (much faster)
        if order is None:
            order = np.argsort(base, kind="stable")
        lo = np.empty(len(base), dtype=np.int64)
        hi = np.empty(len(base), dtype=np.int64)
        lo[order] = np.searchsorted(self.codes, base[order], "left")
        top = base + np.minimum(ranks, self.width - 1)
        hi[order] = np.searchsorted(self.codes, top[order], "left")
        n = np.where(found, hi - lo, 0)
        last = np.where(n > 0, hi - 1, -1)
        return n, last

    def value(self, keys, ranks, days, *, count: bool, order=None) -> np.ndarray:
        n, last = self.locate(keys, ranks, order)
        if self.decayed is None:
            return n.astype(float) if count else (n > 0).astype(float)
        out = np.zeros(len(n))
        ok = last >= 0
        out[ok] = self.decayed[last[ok]] * np.exp(-self.lam * (days[ok] - self.days[last[ok]]))
        return out


def _decayed_prefix(keyid: np.ndarray, days: np.ndarray, lam: float) -> np.ndarray:
    """D_i = Σ_{records i' ≤ i of the same key} exp(-lam (days_i - days_i')), for records
    sorted by (key, time)."""
    first = np.r_[True, keyid[1:] != keyid[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(keyid)), 0))
    x = lam * (days - days[start])
    if len(x) == 0 or x.max() < 600:
        cs = pd.Series(np.exp(x)).groupby(keyid).cumsum().to_numpy()
        return cs * np.exp(-x)
    out = np.empty(len(x))  # spans of over ~870 half-lives: the plain recurrence
    prev_k, prev_d, acc = -1, 0.0, 0.0
    for i, (k, d) in enumerate(zip(keyid.tolist(), days.tolist(), strict=True)):
        acc = 1.0 if k != prev_k else acc * math.exp(-lam * (d - prev_d)) + 1.0
        out[i] = acc
        prev_k, prev_d = k, d
    return out


class EventHistory:
    """The interactions as records, ready to answer statistic queries for any rows."""

    def __init__(self, src, dst, ranks, days, n_people, *, stat, half_life, effects):
        self.n = n = n_people
        self.stat = stat
        lam = None if half_life is None else math.log(2) / half_life
        src = src.astype(np.int64)
        dst = dst.astype(np.int64)
        self.dyad = Records(src * n + dst, ranks, days, n_keys=n * n, lam=lam, keep_days=True)
        self.into = Records(dst, ranks, days, n_keys=n, lam=lam)
        self.out = Records(src, ranks, days, n_keys=n, lam=lam)
        self.records = {"events": len(src)}
        if "transitivity" in effects or "shared_partners" in effects:
            occ = _occurrences(src, dst, ranks, days, first_only=stat == "indicator")
            for kind in ("transitivity", "shared_partners"):
                if kind in effects:
                    a, b, r, d = _two_paths(occ, kind)
                    rec = Records(a * n + b, r, d, n_keys=n * n, lam=lam)
                    setattr(self, kind, rec)
                    self.records[kind] = len(rec)

    def _keys(self, kind, s, j):
        """Query keys of one kind ("sj", "js", "j") and their sort order, computed once."""
        cache = self.__dict__.setdefault("_cache", {})
        if kind not in cache:
            keys = {"sj": lambda: s * self.n + j, "js": lambda: j * self.n + s, "j": lambda: j}
            k = keys[kind]()
            cache[kind] = (k, np.argsort(k, kind="stable"))
        return cache[kind]

    def statistic(self, name, s, j, ranks, days) -> np.ndarray:
        """One statistic for rows (s, j) at ranks/days; every call of one EventHistory must
        pass the same rows (query keys are cached)."""
        count = self.stat == "count"
        if name == "inertia":
            k, o = self._keys("sj", s, j)
            return self.dyad.value(k, ranks, days, count=count, order=o)
        if name == "reciprocity":
            k, o = self._keys("js", s, j)
            return self.dyad.value(k, ranks, days, count=count, order=o)
        if name in ("transitivity", "shared_partners"):
            k, o = self._keys("sj", s, j)
            return getattr(self, name).value(k, ranks, days, count=count, order=o)
        if name in ("popularity", "receiver_activity"):
            k, o = self._keys("j", s, j)
            rec = self.into if name == "popularity" else self.out
            return np.log1p(rec.value(k, ranks, days, count=True, order=o))
        if name == "recency":
            k, o = self._keys("js", s, j)
            _, last = self.dyad.locate(k, ranks, o)
            out = np.zeros(len(s))
            ok = last >= 0
            out[ok] = 1.0 / (1.0 + (days[ok] - self.dyad.days[last[ok]]))
            return out
        raise KeyError(name)


def _occurrences(src, dst, ranks, days, *, first_only: bool) -> dict[str, np.ndarray]:
    """Each interaction with its level m: the m-th a → b of the dyad (time order)."""
    order = np.lexsort((ranks, dst, src))
    s, d, r, t = src[order], dst[order], ranks[order], days[order]
    new = np.r_[True, (s[1:] != s[:-1]) | (d[1:] != d[:-1])]
    idx = np.arange(len(s))
    m = idx - np.maximum.accumulate(np.where(new, idx, 0)) + 1
    occ = {"a": s, "b": d, "m": m, "rank": r, "days": t}
    if first_only:
        occ = {k: v[m == 1] for k, v in occ.items()}
    return occ


def _two_paths(occ: dict[str, np.ndarray], kind: str):
    """Two-path records (x, y, rank, days): the level-m x → k with the level-m k → y
    (transitivity) or y → k (shared partners), formed at the later of the two."""
    levels = int(occ["m"].max()) + 1 if len(occ["m"]) else 1
    left_key = occ["b"] * levels + occ["m"]  # x → k, joined on (k, m)
    right_k = occ["a"] if kind == "transitivity" else occ["b"]
    right_y = occ["b"] if kind == "transitivity" else occ["a"]
    right_key = right_k * levels + occ["m"]
    ro = np.argsort(right_key, kind="stable")
    rs = right_key[ro]
    lo = np.searchsorted(rs, left_key, "left")
    cnt = np.searchsorted(rs, left_key, "right") - lo
    size = int(cnt.sum())
    if size > MAX_RECORDS:
        raise InputError(
            f"{kind} needs {size:,} two-path records (a few people both send and receive "
            "very many interactions)",
            field=kind,
            expected=f"at most {MAX_RECORDS:,}: use stat='indicator', a shorter window "
            "(start=, end=), or leave this effect out",
        )
    li = np.repeat(np.arange(len(left_key)), cnt)
    ri = ro[np.repeat(lo - np.cumsum(cnt) + cnt, cnt) + np.arange(size)]
    x = occ["a"][li]
    y = right_y[ri]
    keep = x != y
    x, y, li, ri = x[keep], y[keep], li[keep], ri[keep]
    rank = np.maximum(occ["rank"][li], occ["rank"][ri])
    day = np.maximum(occ["days"][li], occ["days"][ri])
    return x, y, rank, day


def node_values(people: pd.DataFrame, names: pd.Index, column: str) -> np.ndarray:
    vals = pd.to_numeric(people[column].reindex(names), errors="coerce")
    bad = vals.isna()
    if bad.any():
        raise InputError(
            "covariate must be numeric and known for every person of the risk set",
            field=column,
            found=list(names[bad.to_numpy()][:5]),
            expected="a number per person (fill or drop the missing ones)",
        )
    return vals.to_numpy(float)
