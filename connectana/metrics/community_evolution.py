"""Communities over time: communities of consecutive snapshots matched by Jaccard overlap."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .snapshots import SnapshotGraphs, SnapshotOptions, leiden, undirected

__all__ = ["community_evolution", "match_step", "CommunityEvolution"]


class CommunityEvolution(NamedTuple):
    """Result of :func:`community_evolution`: named, and still unpacks as a pair.

    Attributes
    ----------
    membership : DataFrame
        ``period, person, community`` (see :func:`community_evolution`).
    changes : DataFrame
        ``period, event, community, before, after, size_before, size_after,
        jaccard``: one row per birth, death, split, merge, growth, contraction
        or continuation.
    """

    membership: pd.DataFrame
    changes: pd.DataFrame

    def _repr_html_(self) -> str:
        from ..display import result_html

        counts = self.changes["event"].value_counts() if len(self.changes) else pd.Series()
        sizes = self.membership.groupby("period", sort=False)["community"].nunique()
        return result_html(
            "CommunityEvolution",
            [
                ("communities per period", sizes.rename("communities")),
                ("changes, by kind", counts.rename("changes")),
                ("changes", self.changes),
            ],
            note="result.membership: every person's community per period; "
            "result.changes: every change",
        )


def community_evolution(
    events: pd.DataFrame,
    ties: str = "reply",
    *,
    freq: str = "W",
    window: str = "cumulative",
    periods: int | None = None,
    half_life: float | None = None,
    min_weight: float = 0.5,
    start: Any = None,
    threshold: float = 0.3,
    min_size: int = 2,
    people: pd.DataFrame | None = None,
    seed: int = 0,
    directed: bool | None = None,
    **tie_options: Any,
) -> CommunityEvolution:
    """Communities of consecutive snapshots matched by Jaccard overlap.

    Parameters are those of :func:`growth`, plus ``threshold`` (the Jaccard
    overlap |A ∩ B| / |A ∪ B| from which community A of one snapshot and B of
    the next are linked) and ``min_size`` (smaller groups, such as isolates,
    are not communities).

    Returns
    -------
    CommunityEvolution
        A named pair (``result.membership``, ``result.changes``) that also
        unpacks as ``membership, changes = community_evolution(...)``:
    membership : DataFrame
        ``period, person, community``: the tracked community label of every
        person who belongs to a community in the period.
    events : DataFrame
        ``period, event, community, before, after, size_before, size_after,
        jaccard``, one row per event (see Notes).

    Notes
    -----
    Each snapshot's communities come from Leiden (modularity, weighted,
    undirected, ``seed``). For consecutive periods, A (before) and B (after)
    are linked when J(A, B) >= ``threshold``. With succ(A) the linked B's
    and pred(B) the linked A's:

    - ``death``: succ(A) is empty; ``birth``: pred(B) is empty (every
      community of the first period is a birth);
    - ``split``: A with two or more successors; ``merge``: B with two or
      more predecessors;
    - when succ(A) = {B} and pred(B) = {A}: ``growth`` if |B| > |A|,
      ``contraction`` if |B| < |A|, else ``continuation``.

    Labels: B keeps A's label when A is B's best predecessor and B is A's
    best successor (highest J; ties go to the larger community, then to the
    one holding the smallest node code); every other B gets a new label
    (labels count up from 0 in order of appearance). ``before``/``after``
    list the labels involved; ``jaccard`` is J(A, B) for one-to-one events
    and the highest J of the links for splits and merges.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.growth import community_evolution
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c", "c"],
    ...     "target": ["a", "a", "b"], "action": "reply",
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09"], utc=True)}))
    >>> members, changes = community_evolution(ev)
    >>> changes[["period", "event", "community"]].astype(str).values.tolist()
    [['2024-01-01/2024-01-07', 'birth', '0'], ['2024-01-08/2024-01-14', 'continuation', '0']]
    """
    spec = SnapshotOptions.of(locals())
    if not 0 < threshold <= 1:
        raise ParameterError(f"threshold must be in (0, 1], not {threshold!r}")
    prep = spec.prepare(events, ties)
    member_parts: list[pd.DataFrame] = []
    rows: list[dict] = []
    prev: list[tuple[int, frozenset]] = []  # (label, members)
    next_label = 0
    graphs = SnapshotGraphs(prep, window)
    for snap in spec.snapshots(prep):
        label_p = prep.labels[snap.p]
        g = undirected(graphs(snap))
        memb = np.asarray(leiden(g, seed) if g.vcount() else [], dtype=np.int64)
        groups = [snap.nodes[memb == c] for c in np.unique(memb)]
        groups = [x for x in groups if len(x) >= min_size]
        groups.sort(key=lambda x: (-len(x), int(x.min())))
        cur = [frozenset(x.tolist()) for x in groups]
        labels, new_rows, next_label = match_step(label_p, prev, cur, threshold, next_label)
        rows.extend(new_rows)
        for lab, x in zip(labels, groups, strict=True):
            member_parts.append(
                pd.DataFrame(
                    {
                        "period": [label_p] * len(x),
                        "person": prep.names[x].astype(str),
                        "community": lab,
                    }
                )
            )
        prev = list(zip(labels, cur, strict=True))
    membership = (
        pd.concat(member_parts, ignore_index=True)
        if member_parts
        else pd.DataFrame(columns=["period", "person", "community"])
    )
    columns = [
        "period",
        "event",
        "community",
        "before",
        "after",
        "size_before",
        "size_after",
        "jaccard",
    ]
    return CommunityEvolution(membership, pd.DataFrame(rows, columns=columns))


def match_step(
    period: Any,
    prev: list[tuple[int, frozenset]],
    cur: list[frozenset],
    threshold: float,
    next_label: int,
) -> tuple[list[int], list[dict], int]:
    """Match one period's communities to the previous ones (rules: community_evolution).

    ``prev`` holds (label, members) of the previous period, ``cur`` the members of
    this period's communities, both ordered by decreasing size then smallest
    member. Returns the labels of ``cur``, the event rows and the next free label.
    """
    label_p = period
    rows: list[dict] = []
    jac = np.zeros((len(prev), len(cur)))
    for i, (_, a) in enumerate(prev):
        for j, b in enumerate(cur):
            inter = len(a & b)
            if inter:
                jac[i, j] = inter / len(a | b)
    linked = jac >= threshold
    if len(prev) and len(cur):
        best_succ = [int(np.argmax(jac[i])) if linked[i].any() else -1 for i in range(len(prev))]
    else:
        best_succ = [-1] * len(prev)
    labels: list[int] = []
    for j in range(len(cur)):
        col = jac[:, j] if len(prev) else np.zeros(0)
        i = int(np.argmax(col)) if len(col) and linked[:, j].any() else -1
        if i >= 0 and best_succ[i] == j:
            labels.append(prev[i][0])
        else:
            labels.append(next_label)
            next_label += 1
    for i, (la, a) in enumerate(prev):
        succ = np.flatnonzero(linked[i])
        if len(succ) == 0:
            rows.append(_event(label_p, "death", la, [la], [], len(a), 0, float("nan")))
        elif len(succ) >= 2:
            rows.append(
                _event(
                    label_p,
                    "split",
                    la,
                    [la],
                    [labels[j] for j in succ],
                    len(a),
                    sum(len(cur[j]) for j in succ),
                    float(jac[i, succ].max()),
                )
            )
        else:
            j = int(succ[0])
            if linked[:, j].sum() == 1:
                kind = (
                    "growth"
                    if len(cur[j]) > len(a)
                    else "contraction"
                    if len(cur[j]) < len(a)
                    else "continuation"
                )
                rows.append(
                    _event(
                        label_p,
                        kind,
                        labels[j],
                        [la],
                        [labels[j]],
                        len(a),
                        len(cur[j]),
                        float(jac[i, j]),
                    )
                )
    for j, b in enumerate(cur):
        pred = np.flatnonzero(linked[:, j]) if len(prev) else np.zeros(0, dtype=np.int64)
        if len(pred) == 0:
            rows.append(
                _event(label_p, "birth", labels[j], [], [labels[j]], 0, len(b), float("nan"))
            )
        elif len(pred) >= 2:
            rows.append(
                _event(
                    label_p,
                    "merge",
                    labels[j],
                    [prev[i][0] for i in pred],
                    [labels[j]],
                    sum(len(prev[i][1]) for i in pred),
                    len(b),
                    float(jac[pred, j].max()),
                )
            )
    return labels, rows, next_label


def _event(period, kind, community, before, after, size_before, size_after, jaccard) -> dict:
    return {
        "period": period,
        "event": kind,
        "community": int(community),
        "before": [int(x) for x in before],
        "after": [int(x) for x in after],
        "size_before": int(size_before),
        "size_after": int(size_after),
        "jaccard": jaccard,
    }
