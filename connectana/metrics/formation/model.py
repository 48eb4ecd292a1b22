"""The formation model: interactions, risk sets, case–control sampling, the design
table (:func:`formation_statistics`) and the fit (:func:`formation_model`)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError
from ...events import ACTOR, GROUP, ROLE, TARGET, TIMESTAMP
from ...ties import TWO_MODE, interactions
from .clogit import conditional_logit, statsmodels_fit
from .statistics import DEFAULT_EFFECTS, EFFECTS, STAFF_ROLES, EventHistory, node_values

__all__ = ["formation_model", "formation_statistics", "MAX_ROWS"]

_NS_PER_DAY = 86_400 * 10**9
#: Largest number of rows (cases + alternatives) of an exact (controls=None) design.
MAX_ROWS = 40_000_000


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
    if ties in TWO_MODE:  # the registry's two-mode definitions (connectana.ties.TIES)
        raise InputError(
            "a formation model chooses people: a two-mode tie rule has objects as receivers",
            field="ties",
            found=ties,
            expected="a person-to-person rule such as 'reply', 'star' or 'mention'",
        )
    if people is not None and people.index.name != "person" and "person" in people.columns:
        people = people.set_index("person")  # a roster with the ids in a column
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
    hist = EventHistory(
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
            cols[c] = node_values(people, names, c)[cand]
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
        fit = statsmodels_fit(X, info["chosen"], info["group"])
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
