"""Why ties form: receiver-choice relational event models.

Growth tables show *that* a network forms; a relational event model asks *why*:
does a learner answer those who answered them (reciprocity), keep talking to the
same people (inertia), close triangles (transitivity), go where the attention
already is (popularity), stay inside the study group, orbit the staff?

The model is the receiver-choice step of the dynamic network actor model
(DyNAM; Stadtfeld & Block 2017), which is also Butts' (2008) relational event
model conditioned on the sender. Each interaction ``s → r`` at time ``t`` is a
choice of ``r`` among the people at risk of being chosen by ``s`` at ``t``::

    P(r | s, t) = exp(β · x(s, r, t)) / Σ_{j ∈ R(s, t)} exp(β · x(s, j, t))

where ``x(s, j, t)`` are statistics of the history *strictly before* ``t``
(events at the same instant are not history). With ``controls=c`` the
denominator runs over ``r`` and ``c`` alternatives drawn uniformly without
replacement from the risk set (case–control sampling; Vu et al. 2015, Lerner &
Lomi 2020): the conditional logit on the sampled sets estimates the same β.
``controls=None`` uses the whole risk set (the exact likelihood).

Statistics (``stat="indicator"`` unless said; ``n(a, b)`` = number of ``a → b``
interactions before ``t``; with ``stat="count"`` the dyadic statistics are the
counts; with ``half_life=h`` every event or two-path formation counts
``2^(-(t - time)/h)`` instead of 1, *decayed sums*):

================== =====================================================================
``inertia``        ``1[n(s, j) > 0]``; count: ``n(s, j)``
``reciprocity``    ``1[n(j, s) > 0]``; count: ``n(j, s)``
``transitivity``   ``1[∃k: n(s, k) > 0 and n(k, j) > 0]``; count: ``Σ_k min(n(s,k), n(k,j))``
``shared_partners````1[∃k: n(s, k) > 0 and n(j, k) > 0]``; count: ``Σ_k min(n(s,k), n(j,k))``
``popularity``     ``log(1 + Σ_a n(a, j))`` (interactions ``j`` received)
``receiver_activity`` ``log(1 + Σ_b n(j, b))`` (interactions ``j`` sent)
``same_group``     ``1`` if ``s`` and ``j`` have the same non-empty roster ``group``
``to_staff``       ``1`` if ``j``'s roster role is ``instructor`` or ``ta``
``recency``        ``1 / (1 + days since j → s last happened)``, 0 if never
covariate ``c``    ``j``'s value of the roster column ``c`` (``covariates=["c"]``)
================== =====================================================================

Every statistic is computed for all rows at once from time-sorted records
(``numpy.searchsorted`` over ``(dyad, time)`` codes): nothing is rebuilt per
event. The counted transitive and shared-partner statistic counts each
*level* of a two-path: the m-th ``s → k`` with the m-th ``k → j`` forms a
record at the later of the two times, so ``Σ_k min(n(s,k), n(k,j))`` records
exist at ``t``; decay applies to those records from the time they formed.

:func:`simulate_events` draws event streams from this model (dense,
sequential, for small populations) so that estimates can be checked against
known parameters. See ``docs/formation.md`` for the assumptions, the limits and
how the arguments map onto R's relevent, goldfish, remstats/remstimate and
eventnet.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..events import ACTOR, GROUP, ROLE, TARGET, TIMESTAMP
from ..ties import interactions

__all__ = [
    "EFFECTS",
    "DEFAULT_EFFECTS",
    "STAFF_ROLES",
    "formation_model",
    "formation_statistics",
    "conditional_logit",
    "simulate_events",
]

#: Every built-in effect, in the order used in results.
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

_DYADIC = ("inertia", "reciprocity", "transitivity", "shared_partners")
_NS_PER_DAY = 86_400 * 10**9
#: Largest number of two-path records built before giving up with an error.
MAX_RECORDS = 50_000_000
#: Largest number of rows (cases + alternatives) of an exact (controls=None) design.
MAX_ROWS = 40_000_000


# ---------------------------------------------------------------------------------------------
# Time-sorted records and their queries
# ---------------------------------------------------------------------------------------------


class _Records:
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


class _History:
    """The interactions as records, ready to answer statistic queries for any rows."""

    def __init__(self, src, dst, ranks, days, n_people, *, stat, half_life, effects):
        self.n = n = n_people
        self.stat = stat
        lam = None if half_life is None else math.log(2) / half_life
        src = src.astype(np.int64)
        dst = dst.astype(np.int64)
        self.dyad = _Records(src * n + dst, ranks, days, n_keys=n * n, lam=lam, keep_days=True)
        self.into = _Records(dst, ranks, days, n_keys=n, lam=lam)
        self.out = _Records(src, ranks, days, n_keys=n, lam=lam)
        self.records = {"events": len(src)}
        if "transitivity" in effects or "shared_partners" in effects:
            occ = _occurrences(src, dst, ranks, days, first_only=stat == "indicator")
            for kind in ("transitivity", "shared_partners"):
                if kind in effects:
                    a, b, r, d = _two_paths(occ, kind)
                    rec = _Records(a * n + b, r, d, n_keys=n * n, lam=lam)
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
        """One statistic for rows (s, j) at ranks/days; every call of one _History must
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


# ---------------------------------------------------------------------------------------------
# Input: interactions, people, risk sets
# ---------------------------------------------------------------------------------------------


def _utc(value: Any, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    t = pd.Timestamp(value)
    if t.tzinfo is None:
        raise InputError(
            f"{name}={value!r} has no time zone", field=name, expected="e.g. '2024-01-01T00:00Z'"
        )
    return t.tz_convert("UTC")


def _check_effects(effects, covariates, people) -> list[str]:
    effects = list(DEFAULT_EFFECTS if effects is None else effects)
    unknown = [e for e in effects if e not in EFFECTS]
    if unknown:
        raise InputError(
            "unknown effect(s)", field="effects", found=unknown, expected=f"some of {EFFECTS}"
        )
    if len(set(effects)) != len(effects):
        raise InputError("an effect is listed twice", field="effects", found=effects)
    covariates = list(covariates or [])
    for c in covariates:
        if c in EFFECTS:
            raise InputError(
                "a covariate has the name of a built-in effect", field="covariates", found=c
            )
    needs = [e for e in effects if e in ("same_group", "to_staff")] + covariates
    if needs and people is None:
        raise InputError(
            f"{needs} need a roster", field="people", expected="people=ca.read_people(...)"
        )
    for e, col in (("same_group", GROUP), ("to_staff", ROLE)):
        if e in effects and col not in people.columns:
            raise InputError(f"{e} needs the roster column {col!r}", field=col)
    for c in covariates:
        if c not in people.columns:
            raise InputError(
                "covariate not in the roster", field=c, found=list(map(str, people.columns))
            )
    if not effects and not covariates:
        raise InputError("no effect to fit", field="effects")
    return effects + covariates


def _node_values(people: pd.DataFrame, names: pd.Index, column: str) -> np.ndarray:
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


def _prepare(events, ties, people, start, end, set_aside) -> tuple:
    """Interactions as integer arrays; the person index; first-seen times."""
    inter = interactions(events, ties)
    src_names = inter["source"].to_numpy(dtype=object)
    dst_names = inter["target"].to_numpy(dtype=object)
    ns = pd.DatetimeIndex(inter["time"]).asi8
    if people is not None:
        names = pd.Index(people.index.astype(str), name="person")
    else:
        ev_people = pd.concat([events[ACTOR], events[TARGET]]).dropna().astype(str)
        names = pd.Index(pd.unique(ev_people), name="person")
        names = names.union(pd.Index(pd.unique(np.r_[src_names, dst_names]))).astype(str)
    s = names.get_indexer(src_names)
    r = names.get_indexer(dst_names)
    unknown = (s < 0) | (r < 0)
    loops = (s == r) & ~unknown
    if unknown.any():
        set_aside["not_in_roster"] = int(unknown.sum())
        missing = pd.unique(np.r_[src_names[s < 0], dst_names[r < 0]])
        warnings.warn(
            f"formation_model: {int(unknown.sum())} interactions involve people not in the "
            f"roster (e.g. {list(missing[:3])}); they are set aside "
            "(attrs['set_aside']['not_in_roster']). Pass a complete roster to keep them.",
            stacklevel=4,
        )
    if loops.any():
        set_aside["self_loops"] = int(loops.sum())
    keep = ~unknown & ~loops
    s, r, ns = s[keep], r[keep], ns[keep]
    order = np.argsort(ns, kind="stable")
    s, r, ns = s[order], r[order], ns[order]
    t0, t1 = _utc(start, "start"), _utc(end, "end")
    # first time each person is seen: acting in any event, or in an interaction
    ev_ns = pd.DatetimeIndex(events[TIMESTAMP]).asi8
    ev_who = names.get_indexer(events[ACTOR].astype(str).to_numpy(dtype=object))
    seen = np.full(len(names), np.iinfo(np.int64).max, dtype=np.int64)
    ok = ev_who >= 0
    np.minimum.at(seen, ev_who[ok], ev_ns[ok])
    np.minimum.at(seen, s, ns)
    np.minimum.at(seen, r, ns)
    return s, r, ns, names, seen, t0, t1


def _sample(rng, pool_size, excl_a, excl_b, controls) -> tuple[np.ndarray, np.ndarray]:
    """For each case i, ``min(controls, pool_size_i - excluded)`` distinct positions in
    ``[0, pool_size_i)`` avoiding excl_a[i] and excl_b[i] (-1: none), uniformly without
    replacement. Returns (case index, position) arrays."""
    lo = np.minimum(excl_a, excl_b)
    hi = np.maximum(excl_a, excl_b)
    n_excl = (lo >= 0).astype(np.int64) + (hi >= 0)
    avail = pool_size - n_excl
    take = np.minimum(avail, controls)
    cases, draws = [], []
    small = avail <= 4 * controls
    # small pools: a random permutation of each pool
    idx = np.flatnonzero(small & (take > 0))
    if len(idx):
        width = int(avail[idx].max())
        keys = rng.random((len(idx), width))
        keys[np.arange(width)[None, :] >= avail[idx][:, None]] = np.inf
        perm = np.argsort(keys, axis=1)[:, : int(take[idx].max())]
        keep = np.arange(perm.shape[1])[None, :] < take[idx][:, None]
        cases.append(np.broadcast_to(idx[:, None], perm.shape)[keep])
        draws.append(perm[keep])
    # large pools: iid draws, duplicates redrawn until none (uniform over subsets)
    idx = np.flatnonzero(~small & (take > 0))
    if len(idx):
        a = avail[idx][:, None]
        x = np.floor(rng.random((len(idx), controls)) * a).astype(np.int64)
        while True:
            xs = np.sort(x, axis=1)
            dup_sorted = np.zeros_like(xs, dtype=bool)
            dup_sorted[:, 1:] = xs[:, 1:] == xs[:, :-1]
            if not dup_sorted.any():
                break
            x = xs
            redo = np.flatnonzero(dup_sorted.ravel())
            rows = redo // controls
            x.ravel()[redo] = np.floor(rng.random(len(redo)) * avail[idx][rows]).astype(np.int64)
        cases.append(np.repeat(idx, controls))
        draws.append(x.ravel())
    case = np.concatenate(cases) if cases else np.zeros(0, np.int64)
    pos = np.concatenate(draws) if draws else np.zeros(0, np.int64)
    # map [0, avail) onto the pool positions, skipping the excluded ones (ascending)
    lo_c, hi_c = lo[case], hi[case]
    pos = pos + ((lo_c >= 0) & (pos >= lo_c))
    pos = pos + ((hi_c >= 0) & (pos >= hi_c))
    order = np.argsort(case, kind="stable")
    return case[order], pos[order]


def _design(s, r, ns, names, seen, t0, t1, *, risk_set, controls, rng, set_aside):
    """Cases (chosen receivers) and their alternatives as row arrays, grouped by case."""
    n = len(names)
    focal = np.ones(len(s), dtype=bool)
    if t0 is not None:
        focal &= ns >= t0.value
    if t1 is not None:
        focal &= ns < t1.value
    case_ev = np.flatnonzero(focal)
    if risk_set == "all":
        pool = np.arange(n)
        where = np.arange(n)
        size = np.full(len(case_ev), n, dtype=np.int64)
    elif risk_set == "active":
        pool = np.argsort(seen, kind="stable")
        where = np.empty(n, dtype=np.int64)
        where[pool] = np.arange(n)
        size = np.searchsorted(seen[pool], ns[case_ev], "left").astype(np.int64)
    else:
        raise InputError(
            "unknown risk set", field="risk_set", found=risk_set, expected="'all' or 'active'"
        )
    cs, cr = s[case_ev], r[case_ev]
    pos_r = where[cr]
    pos_s = where[cs]
    ok = pos_r < size  # the receiver must be at risk
    if (~ok).any():
        set_aside["receiver_not_at_risk"] = int((~ok).sum())
    case_ev, cs, cr, pos_r, pos_s, size = (x[ok] for x in (case_ev, cs, cr, pos_r, pos_s, size))
    excl_s = np.where(pos_s < size, pos_s, -1)
    if controls is None:
        total = int(size.sum())
        if total > MAX_ROWS:
            raise InputError(
                f"the full risk set needs {total:,} rows",
                field="controls",
                expected=f"at most {MAX_ROWS:,}: sample alternatives with controls=20",
            )
        case = np.repeat(np.arange(len(case_ev)), size)
        starts = np.r_[0, np.cumsum(size)[:-1]]
        alt = np.arange(total) - np.repeat(starts, size)
        keep = (alt != excl_s[case]) & (alt != pos_r[case])
        case, alt = case[keep], alt[keep]
    else:
        case, alt = _sample(rng, size, excl_s, pos_r, int(controls))
    # rows: the chosen receiver first in each case, then its alternatives
    n_alt = np.bincount(case, minlength=len(case_ev))
    has_alt = n_alt > 0
    if (~has_alt).any():
        set_aside["no_alternative"] = int((~has_alt).sum())
    keep_case = np.flatnonzero(has_alt)
    remap = np.full(len(case_ev), -1)
    remap[keep_case] = np.arange(len(keep_case))
    case = remap[case]
    sel = case >= 0
    case, alt = case[sel], alt[sel]
    g = len(keep_case)
    sizes = n_alt[keep_case] + 1
    starts = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    rows = int(sizes.sum())
    cand = np.empty(rows, dtype=np.int64)
    cand[starts] = cr[keep_case]
    other = np.ones(rows, dtype=bool)
    other[starts] = False
    cand[other] = pool[alt]
    group = np.repeat(np.arange(g), sizes)
    chosen = ~other
    return case_ev[keep_case], group, starts, cand, chosen


# ---------------------------------------------------------------------------------------------
# Conditional logistic regression
# ---------------------------------------------------------------------------------------------


def conditional_logit(
    X: np.ndarray,
    chosen: np.ndarray,
    starts: np.ndarray,
    *,
    maxiter: int = 100,
    tol: float = 1e-10,
) -> dict:
    """Fit a conditional logit by Newton–Raphson with the exact Hessian.

    Parameters
    ----------
    X : array (rows, k)
        Statistics, rows grouped by case (contiguous).
    chosen : bool array (rows,)
        Exactly one True per case.
    starts : int array (cases,)
        First row of each case.
    maxiter, tol
        Stop when the largest Newton step is below ``tol`` or after ``maxiter`` steps.

    Returns
    -------
    dict
        ``params``, ``cov`` (inverse observed information), ``loglik``, ``iterations``,
        ``converged``.

    Notes
    -----
    Log-likelihood ``ℓ(β) = Σ_cases [β·x_chosen − log Σ_j exp(β·x_j)]``; gradient
    ``Σ (x_chosen − x̄)``, with ``x̄`` the choice-probability-weighted mean of the
    case; Hessian ``−Σ_cases Σ_j p_j (x_j − x̄)(x_j − x̄)ᵀ``. Each step is halved until
    the log-likelihood does not decrease.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [0.0], [1.0], [0.0], [0.0], [1.0]])
    >>> fit = conditional_logit(X, np.array([1, 0, 1, 0, 1, 0], bool), np.array([0, 2, 4]))
    >>> round(float(fit["params"][0]), 4), fit["converged"]   # log(2/1)
    (0.6931, True)
    """
    X = np.asarray(X, dtype=float)
    chosen = np.asarray(chosen, dtype=bool)
    starts = np.asarray(starts, dtype=np.int64)
    rows, k = X.shape
    sizes = np.diff(np.r_[starts, rows])
    grp = np.repeat(np.arange(len(starts)), sizes)
    x_chosen = X[chosen].sum(axis=0)

    equal = len(starts) > 0 and bool((sizes == sizes[0]).all())
    X3 = X.reshape(len(starts), int(sizes[0]), k) if equal else None

    def evaluate(beta, second: bool):
        eta = X @ beta
        if equal:  # cases of one size (sampled alternatives): plain reshapes, no reduceat
            eta2 = eta.reshape(X3.shape[:2])
            m = eta2.max(axis=1)
            e = np.exp(eta2 - m[:, None])
            tot = e.sum(axis=1)
        else:
            m = np.maximum.reduceat(eta, starts)
            e = np.exp(eta - m[grp])
            tot = np.add.reduceat(e, starts)
        ll = float(eta[chosen].sum() - (m + np.log(tot)).sum())
        if not second:
            return ll, None, None
        if equal:
            p = (e / tot[:, None]).ravel()
            xp = X * p[:, None]
            xbar = xp.reshape(X3.shape).sum(axis=1)
        else:
            xp = X * (e / tot[grp])[:, None]
            xbar = np.add.reduceat(xp, starts)
        grad = x_chosen - xbar.sum(axis=0)
        info = xp.T @ X - xbar.T @ xbar
        return ll, grad, info

    beta = np.zeros(k)
    ll, grad, info = evaluate(beta, True)
    converged = False
    iterations = 0
    while iterations < maxiter:
        iterations += 1
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        t = 1.0
        ll_new, grad_new, info_new = evaluate(beta + step, True)  # the full step, usually kept
        while ll_new < ll - 1e-12 * abs(ll) and t >= 1e-10:  # else halve it
            t /= 2
            ll_new, _, _ = evaluate(beta + t * step, False)
        beta = beta + t * step
        if t == 1.0:
            ll, grad, info = ll_new, grad_new, info_new
        else:
            ll, grad, info = evaluate(beta, True)
        if np.max(np.abs(t * step)) < tol or np.max(np.abs(grad)) < tol:
            converged = True
            break
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.nan)
    return {
        "params": beta,
        "cov": cov,
        "loglik": ll,
        "iterations": iterations,
        "converged": converged,
    }


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


def _build(
    events,
    ties,
    effects,
    people,
    controls,
    seed,
    risk_set,
    start,
    end,
    half_life,
    stat,
    covariates,
):
    if stat not in ("indicator", "count"):
        raise InputError(
            "unknown stat", field="stat", found=stat, expected="'indicator' or 'count'"
        )
    if half_life is not None:
        if not half_life > 0:
            raise InputError(
                "half_life must be positive (days)", field="half_life", found=half_life
            )
        if stat != "count":
            raise InputError(
                "half_life makes every statistic a decayed sum",
                field="stat",
                found=stat,
                expected="stat='count' with half_life=",
            )
    if controls is not None and (int(controls) != controls or controls < 1):
        raise InputError(
            "controls must be a positive integer or None", field="controls", found=controls
        )
    if ties == "bipartite":
        raise InputError(
            "a formation model chooses people: a two-mode tie rule has objects as receivers",
            field="ties",
            found=ties,
            expected="a person-to-person rule such as 'reply', 'star' or 'mention'",
        )
    names_eff = _check_effects(effects, covariates, people)
    set_aside: dict[str, int] = {}
    s, r, ns, names, seen, t0, t1 = _prepare(events, ties, people, start, end, set_aside)
    rng = np.random.default_rng(seed)
    case_ev, group, starts, cand, chosen = _design(
        s,
        r,
        ns,
        names,
        seen,
        t0,
        t1,
        risk_set=risk_set,
        controls=controls,
        rng=rng,
        set_aside=set_aside,
    )
    _, rank_all = np.unique(ns, return_inverse=True)
    rank_all = rank_all.astype(np.int64)
    days_all = (ns - (ns[0] if len(ns) else 0)) / _NS_PER_DAY
    # history: every interaction before the last case (later ones are never history)
    last = int(rank_all[case_ev].max()) if len(case_ev) else -1
    h = rank_all < last
    hist = _History(
        s[h],
        r[h],
        rank_all[h],
        days_all[h],
        len(names),
        stat=stat,
        half_life=half_life,
        effects=names_eff,
    )
    row_s = s[case_ev][group].astype(np.int64)
    row_rank = rank_all[case_ev][group]
    row_days = days_all[case_ev][group]
    cols = {}
    for e in names_eff:
        if e in ("same_group", "to_staff") or e not in EFFECTS:
            continue
        cols[e] = hist.statistic(e, row_s, cand, row_rank, row_days)
    if "same_group" in names_eff:
        grp = people[GROUP].reindex(names).astype(object)
        code = pd.factorize(grp.where(grp.notna() & (grp.astype(str) != ""), None))[0]
        cols["same_group"] = ((code[row_s] == code[cand]) & (code[cand] >= 0)).astype(float)
    if "to_staff" in names_eff:
        staff = people[ROLE].reindex(names).isin(STAFF_ROLES).to_numpy()
        cols["to_staff"] = staff[cand].astype(float)
    for c in names_eff:
        if c not in EFFECTS:
            cols[c] = _node_values(people, names, c)[cand]
    X = np.column_stack([cols[e] for e in names_eff]) if len(cand) else np.zeros((0, 0))
    info = {
        "names": names,
        "case_ev": case_ev,
        "group": group,
        "starts": starts,
        "cand": cand,
        "chosen": chosen,
        "s": s,
        "r": r,
        "ns": ns,
        "set_aside": set_aside,
        "records": hist.records,
        "effects": names_eff,
    }
    return X, info


def formation_statistics(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    effects: Sequence[str] | None = None,
    people: pd.DataFrame | None = None,
    controls: int | None = 20,
    seed: int = 0,
    risk_set: str = "all",
    start: Any = None,
    end: Any = None,
    half_life: float | None = None,
    stat: str = "indicator",
    covariates: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The design table of :func:`formation_model`: one row per case or alternative.

    Parameters are those of :func:`formation_model`.

    Returns
    -------
    DataFrame
        Columns ``case`` (0, 1, ... in time order), ``time``, ``sender``, ``receiver``
        (the candidate), ``chosen`` (True for the receiver actually chosen, first in each
        case) and one column per effect. ``attrs["set_aside"]`` counts the interactions
        left out (self-loops, people not in the roster, receivers not at risk).

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a"], "target": ["b", "a", "c"],
    ...     "action": "reply", "object_id": ["1", "2", "3"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True)}))
    >>> tab = formation_statistics(ev, effects=["inertia", "reciprocity"], controls=None)
    >>> tab[tab["case"] == 1][["sender", "receiver", "chosen", "inertia", "reciprocity"]]
      sender receiver  chosen  inertia  reciprocity
    2      b        a    True      0.0          1.0
    3      b        c   False      0.0          0.0
    """
    X, info = _build(
        events,
        ties,
        effects,
        people,
        controls,
        seed,
        risk_set,
        start,
        end,
        half_life,
        stat,
        covariates,
    )
    names = info["names"]
    case_ev = info["case_ev"]
    g = info["group"]
    out = pd.DataFrame(
        {
            "case": g,
            "time": pd.to_datetime(info["ns"][case_ev][g], utc=True),
            "sender": names[info["s"][case_ev][g]],
            "receiver": names[info["cand"]],
            "chosen": info["chosen"],
        }
    )
    for i, e in enumerate(info["effects"]):
        out[e] = X[:, i] if len(X) else np.zeros(0)
    out.attrs["set_aside"] = info["set_aside"]
    return out


def formation_model(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    effects: Sequence[str] | None = None,
    people: pd.DataFrame | None = None,
    controls: int | None = 20,
    seed: int = 0,
    risk_set: str = "all",
    start: Any = None,
    end: Any = None,
    half_life: float | None = None,
    stat: str = "indicator",
    covariates: Sequence[str] | None = None,
    solver: str = "newton",
) -> pd.DataFrame:
    """Why ties form: a receiver-choice relational event model fitted to the interactions.

    Each interaction ``s → r`` at time ``t`` (from the tie definition ``ties``) is a
    choice of ``r`` among the people at risk; the effects' coefficients say how much each
    statistic of the history before ``t`` raises the odds of being chosen (module
    documentation and ``docs/formation.md`` give every formula).

    Parameters
    ----------
    events : DataFrame
        Events (:func:`connectana.make_events`, :func:`connectana.read_events`).
    ties : str
        Tie definition giving the interactions (:mod:`connectana.ties`); directed ones
        make sense here (``reply``, ``star``, ``mention``, ...).
    effects : list of str, optional
        Some of :data:`EFFECTS`; default :data:`DEFAULT_EFFECTS`.
    people : DataFrame, optional
        Roster (:func:`connectana.read_people`): the ``all`` risk set, ``group`` for
        ``same_group``, ``role`` for ``to_staff``, columns for ``covariates``.
        Interactions of people not in it are set aside (counted, with a warning).
    controls : int or None
        Alternatives sampled per case without replacement from the risk set (fewer when
        the risk set is smaller). ``None``: the whole risk set (exact likelihood).
    seed : int
        Seed of the sampling of alternatives.
    risk_set : {"all", "active"}
        ``all``: everyone of the roster (else everyone in ``events``, as actor or target)
        but the sender; ``active``: those of them seen (acting in ``events`` or in an
        interaction) strictly before ``t``. Cases whose receiver is not at risk are set
        aside and counted.
    start, end : timestamp-like (tz-aware), optional
        Model the interactions with ``start <= t < end``; everything before ``t`` is
        still history.
    half_life : float, optional
        Days: past events (and two-path formations) count ``2^(-age/half_life)``.
        Needs ``stat="count"``.
    stat : {"indicator", "count"}
        Dyadic statistics (inertia, reciprocity, transitivity, shared partners) as
        indicators or counts.
    covariates : list of str, optional
        Numeric roster columns entered as the candidate receiver's value.
    solver : {"newton", "statsmodels"}
        Newton–Raphson of :func:`conditional_logit` (fast), or statsmodels'
        ``ConditionalLogit`` (slow on large designs; a cross-check).

    Returns
    -------
    DataFrame
        Indexed by effect: ``estimate``, ``std_error``, ``z``, ``p_value`` (two-sided,
        normal), ``ci_low``, ``ci_high`` (95 %), ``odds_ratio`` (``exp(estimate)``).
        ``attrs``: ``events`` (cases fitted), ``set_aside``, ``controls``,
        ``rows``, ``risk_set``, ``ties``, ``stat``, ``half_life``, ``start``, ``end``,
        ``log_likelihood``, ``iterations``, ``converged``, ``records`` (sizes of the
        history tables).

    Warns
    -----
    UserWarning
        When the fit does not converge (an effect separates chosen from alternatives:
        its estimate is running off to infinity), or interactions are set aside
        because people are not in the roster.

    Notes
    -----
    Conditional logit: ``P(r | s, t) = exp(β·x(s,r,t)) / Σ_{j∈C} exp(β·x(s,j,t))``
    with ``C`` the receiver and its sampled alternatives (or the whole risk set). Uniform
    sampling of alternatives leaves the conditional likelihood's estimates consistent
    (McFadden 1978; Vu et al. 2015; Lerner & Lomi 2020); standard errors come from the
    inverse of the observed information of the sampled likelihood. Butts (2008),
    Stadtfeld & Block (2017).

    Examples
    --------
    >>> from connectana.metrics.formation import simulate_events
    >>> ev, people = simulate_events(20, n_events=400, effects={"reciprocity": 2.0}, seed=1)
    >>> res = formation_model(ev, effects=["reciprocity"], people=people, controls=None)
    >>> bool(res.loc["reciprocity", "ci_low"] < 2.0 < res.loc["reciprocity", "ci_high"])
    True
    >>> res.attrs["events"], res.attrs["converged"]
    (400, True)
    """
    X, info = _build(
        events,
        ties,
        effects,
        people,
        controls,
        seed,
        risk_set,
        start,
        end,
        half_life,
        stat,
        covariates,
    )
    names_eff = info["effects"]
    starts = info["starts"]
    if len(starts) == 0:
        raise InputError(
            "no interaction to model",
            field="events",
            expected=f"{ties!r} interactions in the window, with alternatives",
        )
    spread = np.maximum.reduceat(X, starts) - np.minimum.reduceat(X, starts)
    flat = ~(spread > 0).any(axis=0)
    if flat.any():
        raise InputError(
            "effect(s) take the same value for every alternative of every case, so they "
            "cannot explain a choice",
            field="effects",
            found=[names_eff[i] for i in np.flatnonzero(flat)],
            expected="leave them out (or check the roster columns they use)",
        )
    if solver == "newton":
        fit = conditional_logit(X, info["chosen"], starts)
    elif solver == "statsmodels":
        fit = _statsmodels_fit(X, info["chosen"], info["group"])
    else:
        raise InputError(
            "unknown solver", field="solver", found=solver, expected="'newton' or 'statsmodels'"
        )
    if not fit["converged"]:
        warnings.warn(
            "formation_model did not converge: an effect may separate the chosen receivers "
            "from the alternatives (estimates running off); read the estimates with care",
            stacklevel=2,
        )
    beta = fit["params"]
    se = np.sqrt(np.diag(fit["cov"]))
    z = beta / se
    q = NormalDist().inv_cdf(0.975)
    p = np.array([math.erfc(abs(v) / math.sqrt(2)) if np.isfinite(v) else np.nan for v in z])
    out = pd.DataFrame(
        {
            "estimate": beta,
            "std_error": se,
            "z": z,
            "p_value": p,
            "ci_low": beta - q * se,
            "ci_high": beta + q * se,
            "odds_ratio": np.exp(beta),
        },
        index=pd.Index(names_eff, name="effect"),
    )
    out.attrs.update(
        {
            "events": len(starts),
            "set_aside": info["set_aside"],
            "controls": controls,
            "rows": len(X),
            "risk_set": risk_set,
            "ties": ties,
            "stat": stat,
            "half_life": half_life,
            "start": None if start is None else str(_utc(start, "start")),
            "end": None if end is None else str(_utc(end, "end")),
            "log_likelihood": fit["loglik"],
            "iterations": fit["iterations"],
            "converged": bool(fit["converged"]),
            "records": info["records"],
            "solver": solver,
        }
    )
    return out


def _statsmodels_fit(X, chosen, group) -> dict:
    from statsmodels.discrete.conditional_models import ConditionalLogit

    model = ConditionalLogit(chosen.astype(float), X, groups=group)
    res = model.fit(disp=0, method="newton", maxiter=100)
    params = np.asarray(res.params)
    return {
        "params": params,
        "cov": np.asarray(res.cov_params()),
        "loglik": float(res.llf),
        "iterations": None,  # statsmodels' conditional results do not report them
        "converged": bool(np.max(np.abs(model.score(params))) < 1e-4),
    }


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------


def simulate_events(
    people: int | pd.DataFrame = 30,
    *,
    n_events: int = 500,
    effects: Mapping[str, float] | None = None,
    stat: str = "indicator",
    half_life: float | None = None,
    n_groups: int = 3,
    n_staff: int = 2,
    days: float = 84.0,
    start: Any = "2026-01-12T00:00Z",
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw an event stream from a known receiver-choice model.

    Senders are drawn uniformly; at each event the sender chooses a receiver among
    everyone else (risk set ``all``) with probability ``∝ exp(Σ β_e x_e)``, the
    statistics ``x_e`` as in :func:`formation_model` (same ``stat``/``half_life``),
    from dense matrices updated after each event. Times are distinct and uniform over
    ``days`` days from ``start``. Meant for checking estimates against known values
    (dense: a few hundred people at most).

    Parameters
    ----------
    people : int or DataFrame
        A number of people (a roster is made: ``p000``, ... with ``n_staff``
        instructors first and the rest students in ``n_groups`` groups ``G1``, ...
        round-robin), or a roster with ``role`` and ``group``.
    n_events : int
        Number of interactions.
    effects : dict
        Effect name (or roster covariate column) → coefficient β.
    stat, half_life
        As in :func:`formation_model`.
    seed : int
        Seed of everything random.

    Returns
    -------
    (events, people)
        An Events table of ``reply`` events (``actor`` → ``target``) and the roster.

    Examples
    --------
    >>> ev, people = simulate_events(10, n_events=5, effects={"inertia": 1.0}, seed=0)
    >>> len(ev), sorted(people["role"].unique())
    (5, ['instructor', 'student'])
    """
    from ..events import make_people

    effects = dict(effects or {})
    rng = np.random.default_rng(seed)
    if isinstance(people, int | np.integer):
        n = int(people)
        ids = [f"p{i:03d}" for i in range(n)]
        role = ["instructor" if i < n_staff else "student" for i in range(n)]
        grp = ["" if i < n_staff else f"G{(i - n_staff) % n_groups + 1}" for i in range(n)]
        people = make_people(pd.DataFrame({"person": ids, "role": role, "group": grp}))
    names = pd.Index(people.index.astype(str))
    n = len(names)
    if stat not in ("indicator", "count") or (half_life is not None and stat != "count"):
        raise InputError(
            "stat must be 'indicator' or 'count' ('count' with half_life)", field="stat", found=stat
        )
    unknown = [e for e in effects if e not in EFFECTS and e not in people.columns]
    if unknown:
        raise InputError("unknown effect", field="effects", found=unknown)
    static = np.zeros((n, n))
    if "same_group" in effects:
        g = people[GROUP].astype(object).where(people[GROUP].notna(), "").astype(str).to_numpy()
        static += effects["same_group"] * ((g[:, None] == g[None, :]) & (g[None, :] != ""))
    if "to_staff" in effects:
        static += effects["to_staff"] * people[ROLE].isin(STAFF_ROLES).to_numpy()[None, :]
    for c in effects:
        if c not in EFFECTS:
            static += effects[c] * _node_values(people, names, c)[None, :]
    lam = 0.0 if half_life is None else math.log(2) / half_life
    secs = np.sort(rng.choice(int(days * 86_400), size=n_events, replace=False))
    t_days = secs / 86_400.0
    C = np.zeros((n, n))  # counts (levels)
    W = np.zeros((n, n))  # counts or decayed sums
    T2 = np.zeros((n, n))  # two-path records
    SP = np.zeros((n, n))  # shared-partner records
    last = np.full((n, n), np.nan)  # last time of a → b
    src = np.empty(n_events, dtype=np.int64)
    dst = np.empty(n_events, dtype=np.int64)
    prev = 0.0
    everyone = np.arange(n)
    for i in range(n_events):
        t = t_days[i]
        if lam:
            f = math.exp(-lam * (t - prev))
            W *= f
            T2 *= f
            SP *= f
        prev = t
        s = int(rng.integers(n))
        ind = stat == "indicator"
        eta = static[s].copy()
        for e, b in effects.items():
            if e == "inertia":
                eta += b * ((W[s] > 0) if ind else W[s])
            elif e == "reciprocity":
                eta += b * ((W[:, s] > 0) if ind else W[:, s])
            elif e == "transitivity":
                eta += b * ((T2[s] > 0) if ind else T2[s])
            elif e == "shared_partners":
                eta += b * ((SP[s] > 0) if ind else SP[s])
            elif e == "popularity":
                eta += b * np.log1p(W.sum(axis=0))
            elif e == "receiver_activity":
                eta += b * np.log1p(W.sum(axis=1))
            elif e == "recency":
                ago = t - last[:, s]
                eta += b * np.where(np.isnan(ago), 0.0, 1.0 / (1.0 + np.nan_to_num(ago)))
        eta[s] = -np.inf
        p = np.exp(eta - eta[everyone != s].max())
        r = int(rng.choice(n, p=p / p.sum()))
        src[i], dst[i] = s, r
        m = C[s, r] + 1
        C[s, r] = m
        W[s, r] += 1.0
        last[s, r] = t
        if not ind or m == 1:
            # two-paths s → r → k and k → s → r reaching level m; s, k both → r at level m
            T2[s] += C[r] >= m
            T2[:, r] += C[:, s] >= m
            both = C[:, r] >= m
            both[s] = False
            SP[s] += both
            SP[:, s] += both
    ts = pd.Timestamp(start) + pd.to_timedelta(secs, unit="s")
    ev = pd.DataFrame(
        {
            "object_id": [f"m{i + 1}" for i in range(n_events)],
            "actor": names[src],
            "target": names[dst],
            "action": "reply",
            "timestamp": ts,
        }
    )
    from ..events import make_events

    return make_events(ev, platform="simulation"), people
