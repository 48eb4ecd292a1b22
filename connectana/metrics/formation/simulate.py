"""Event streams drawn from a known receiver-choice model (for checking estimates)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError
from ...events import GROUP, ROLE
from .statistics import EFFECTS, STAFF_ROLES, node_values

__all__ = ["simulate_events"]


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
    from ...events import make_people

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
            static += effects[c] * node_values(people, names, c)[None, :]
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
    from ...events import make_events

    return make_events(ev, platform="simulation"), people
