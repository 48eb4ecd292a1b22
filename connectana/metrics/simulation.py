"""Simulated forums with known propensities, to validate intervals and fairness audits.

:func:`propensity_forum` draws a threaded forum in which each student's
expected number of answers per week is known, so an indicator's interval can
be checked against the truth (coverage), and in which a bias (a group answered
less often, late joiners) can be planted and then recovered by
:func:`connectana.fairness`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..events import make_events, make_people

__all__ = ["propensity_forum"]


def propensity_forum(
    *,
    n_students: int = 60,
    weeks: int = 10,
    threads_per_week: int = 6,
    propensity: Sequence[float] | None = None,
    groups: Sequence[str] = ("A", "B"),
    answer_bias: float = 1.0,
    late_share: float = 0.0,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A threaded forum whose students' propensities are known.

    Parameters
    ----------
    n_students : int
        Students ``s000``, ``s001``, ...; one instructor ``T`` opens every
        thread.
    weeks : int
        Course weeks, Monday 2024-01-01 onwards.
    threads_per_week : int
        Threads the instructor opens each Monday 09:00 UTC.
    propensity : sequence of float, optional
        Expected answers per week of each student (default: uniform on
        [1, 4], drawn from ``seed``).
    groups : sequence of str
        Group labels, assigned in turn (``s000`` → first group, ...).
    answer_bias : float
        Relative chance that a contribution by a student of the *last* group
        is chosen as the parent of a new answer (1: no bias; 0.5: half as
        likely as anyone else's).
    late_share : float
        Share of students (the last ones) who join in week ``weeks // 2 + 1``
        instead of week 1.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    events, people, truth : DataFrame
        The Events table, the People table (``role``, ``group``, ``late``),
        and per student ``propensity``, ``first_week``, ``weeks_present`` and
        ``expected_answers`` (= propensity × weeks present: the expected value
        of ``replies_given`` and of ``posts``).

    Notes
    -----
    Each week, each student present writes Poisson(propensity) answers, each
    in a thread of that week chosen uniformly, at a uniform time within the
    week after the opening post; in time order, each answer's parent is drawn
    among the thread's earlier contributions by other people, weight 1 each
    (``answer_bias`` for the last group's contributions). Answers never
    answer their own author, so every answer is a reply tie.

    Examples
    --------
    >>> from connectana.metrics.simulation import propensity_forum
    >>> ev, people, truth = propensity_forum(n_students=5, weeks=2, seed=1)
    >>> len(people), truth["weeks_present"].tolist()
    (6, [2, 2, 2, 2, 2])
    """
    rng = np.random.default_rng(seed)
    ids = [f"s{i:03d}" for i in range(n_students)]
    lam = (
        np.asarray(propensity, dtype=float)
        if propensity is not None
        else rng.uniform(1.0, 4.0, n_students)
    )
    grp = [groups[i % len(groups)] for i in range(n_students)]
    n_late = int(round(late_share * n_students))
    late = np.arange(n_students) >= n_students - n_late
    first = np.where(late, weeks // 2 + 1, 1)
    t0 = pd.Timestamp("2024-01-01T00:00Z")
    rows = []
    author_group = {"T": None, **dict(zip(ids, grp, strict=True))}
    biased = groups[-1]
    for w in range(weeks):
        opened = t0 + pd.Timedelta(days=7 * w, hours=9)
        threads = []
        for k in range(threads_per_week):
            tid = f"w{w}t{k}"
            threads.append(tid)
            rows.append((f"{tid}-0", None, tid, "T", "post", opened))
        posts: dict[str, list[tuple[pd.Timestamp, str]]] = {t: [] for t in threads}
        for i, s in enumerate(ids):
            if w + 1 < first[i]:
                continue
            for _ in range(rng.poisson(lam[i])):
                t = threads[rng.integers(threads_per_week)]
                when = opened + pd.Timedelta(seconds=float(rng.uniform(60, 6.5 * 86400)))
                posts[t].append((when, s))
        for t in threads:
            earlier = [(f"{t}-0", "T")]
            for j, (when, s) in enumerate(sorted(posts[t])):
                cand = [(o, a) for o, a in earlier if a != s]
                wts = np.array([answer_bias if author_group[a] == biased else 1.0 for _, a in cand])
                parent = cand[rng.choice(len(cand), p=wts / wts.sum())][0]
                oid = f"{t}-{j + 1}"
                rows.append((oid, parent, t, s, "reply", when))
                earlier.append((oid, s))
    df = pd.DataFrame(
        rows, columns=["object_id", "parent_id", "thread_id", "actor", "action", "timestamp"]
    )
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    events = make_events(df.sort_values("timestamp", kind="stable"), platform="sim")
    people = make_people(
        pd.DataFrame(
            {
                "person": ["T", *ids],
                "role": ["instructor"] + ["student"] * n_students,
                "group": [None, *grp],
                "late": [False, *late.tolist()],
            }
        )
    )
    present = weeks - first + 1
    truth = pd.DataFrame(
        {
            "propensity": lam,
            "first_week": first,
            "weeks_present": present,
            "expected_answers": lam * present,
        },
        index=pd.Index(ids, name="person"),
    )
    return events, people, truth
