"""Fairness audit of an evidence sheet: do indicators differ by group, joining time or attribute?

:func:`fairness` compares each indicator of :func:`connectana.evidence_sheet`,
per week since the student joined, across the levels of each attribute
(group, late joining, any roster column), with a permutation test and Holm's
correction across the tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["FAIRNESS_INDICATORS", "fairness"]

#: Indicators audited by default (each divided by ``weeks_since_joined``).
FAIRNESS_INDICATORS: tuple[str, ...] = (
    "posts",
    "replies_given",
    "learner_replies_received",
    "learner_peers",
    "answered_share",
)

_RATES = ("answered_share", "learner_partner_entropy", "active_week_share")


def fairness(
    evidence: pd.DataFrame,
    by: Sequence[str] = ("group", "late_joiner"),
    *,
    indicators: Sequence[str] = FAIRNESS_INDICATORS,
    people: pd.DataFrame | None = None,
    late_after: int = 2,
    n_perm: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Indicators by group with permutation tests.

    Parameters
    ----------
    evidence : DataFrame
        The output of :func:`connectana.evidence_sheet`.
    by : sequence of str
        Attributes to compare: columns of ``evidence`` (``group``, ``role``),
        ``late_joiner`` (``first_week > late_after``), or columns of
        ``people`` (matched on ``person``: build the sheet with
        ``names=True``, or give ``people`` indexed by the sheet's pseudonyms).
    indicators : sequence of str
        Sheet columns to audit. Counts are divided by ``weeks_since_joined``
        (``<name>_per_week``); shares and entropies are compared as they are.
    people : DataFrame, optional
        Extra attributes per person (a People table or any table with a
        ``person`` column or index).
    late_after : int
        A student is a late joiner when their first week is after this one.
    n_perm : int
        Permutations per test.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    DataFrame
        One row per attribute × indicator: ``attribute``, ``indicator``,
        ``levels`` (level: students), ``means`` (level: mean), ``gap``
        (highest − lowest level mean), ``p`` and ``p_holm``. ``attrs["means"]``
        holds the tidy table (attribute, indicator, level, students, mean).

    Notes
    -----
    Students with a missing attribute, or a missing indicator (e.g.
    ``answered_share`` without contributions), are left out of that test.
    The statistic is the gap between the highest and lowest level means; the
    permutation p-value is ``(1 + #{gap_perm >= gap}) / (n_perm + 1)``, the
    levels shuffled among the students ``n_perm`` times (one generator seeded
    by ``seed`` for all tests). ``p_holm`` applies Holm's correction across
    all the rows. A gap says the indicator differs between groups; it does
    not say why (a group answered less often, or a group that posts less):
    read it with the caveats of each indicator.

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.metrics.fairness import fairness
    >>> ev = pd.DataFrame({"person": list("abcdef"), "group": list("AAABBB"),
    ...     "first_week": [1] * 6, "weeks_since_joined": [2] * 6,
    ...     "posts": [4, 6, 8, 0, 2, 2]})
    >>> f = fairness(ev, by=["group"], indicators=["posts"], n_perm=200)
    >>> f[["indicator", "means", "gap"]].values.tolist()
    [['posts_per_week', 'A: 3; B: 0.667', 2.3333333333333335]]
    """
    from statsmodels.stats.multitest import multipletests

    sheet = evidence.copy()
    if "late_joiner" in by and "late_joiner" not in sheet.columns:
        sheet["late_joiner"] = np.where(sheet["first_week"] > late_after, "late", "on time")
    if people is not None:
        extra = people.copy()
        if "person" in extra.columns:
            extra = extra.set_index("person")
        extra.index = extra.index.astype(str)
        for col in by:
            if col not in sheet.columns and col in extra.columns:
                sheet[col] = sheet["person"].astype(str).map(extra[col]).to_numpy()
    missing = [c for c in by if c not in sheet.columns]
    if missing:
        raise ParameterError(
            f"fairness: no attribute {missing} in the evidence sheet; give people= with those "
            "columns (matched on person: build the sheet with names=True)"
        )
    rng = np.random.default_rng(seed)
    rows, tidy = [], []
    for attr in by:
        for ind in indicators:
            if ind not in sheet.columns:
                raise ParameterError(f"fairness: the evidence sheet has no column {ind!r}")
            x = pd.to_numeric(sheet[ind], errors="coerce").astype(float)
            name = ind
            if ind not in _RATES:
                x = x / sheet["weeks_since_joined"].astype(float)
                name = f"{ind}_per_week"
            lev = sheet[attr].astype(object)
            ok = x.notna().to_numpy() & lev.notna().to_numpy()
            xv, lv = x.to_numpy()[ok], lev.astype(str).to_numpy()[ok]
            codes, levels = pd.factorize(lv, sort=True)
            if len(levels) < 2:
                continue
            counts = np.bincount(codes, minlength=len(levels))

            k = len(levels)

            def gap(c: np.ndarray, xv=xv, k=k, counts=counts) -> float:
                m = np.bincount(c, weights=xv, minlength=k) / counts
                return float(m.max() - m.min())

            means = np.bincount(codes, weights=xv, minlength=len(levels)) / counts
            observed = float(means.max() - means.min())
            perm = np.array([gap(rng.permutation(codes)) for _ in range(n_perm)])
            p = (1 + int((perm >= observed - 1e-12).sum())) / (n_perm + 1)
            rows.append(
                {
                    "attribute": attr,
                    "indicator": name,
                    "levels": "; ".join(
                        f"{lv_}: {n}" for lv_, n in zip(levels, counts, strict=True)
                    ),
                    "means": "; ".join(
                        f"{lv_}: {m:.3g}" for lv_, m in zip(levels, means, strict=True)
                    ),
                    "gap": observed,
                    "p": p,
                }
            )
            tidy += [
                {"attribute": attr, "indicator": name, "level": lv_, "students": n, "mean": m}
                for lv_, n, m in zip(levels, counts, means, strict=True)
            ]
    out = pd.DataFrame(rows, columns=["attribute", "indicator", "levels", "means", "gap", "p"])
    out["p_holm"] = multipletests(out["p"], method="holm")[1] if len(out) else []
    out.attrs["means"] = pd.DataFrame(tidy)
    out.attrs.update({"n_perm": n_perm, "seed": seed, "late_after": late_after})
    return out
