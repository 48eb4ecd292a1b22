"""Tie-definition sensitivity: do the findings survive another tie definition?

Published work on tie definitions (Fincham, Gašević & Pardo 2018, and the
studies cited in :mod:`connectana.ties`) shows that they change who appears
central; one study found about a third of posters positioned differently in
reply and shared-thread networks. :func:`compare_ties` shows it for a user's
own course: whole-network figures side by side, rank
correlations of node measures, overlap of the top-k people and the share of
people who keep their quartile. :func:`plot_compare_ties` draws it.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..engines.dask import is_dask
from ..errors import ParameterError
from ..events import validate_events
from ..network import build_network
from ..ties import DEFAULT_MAX_TIES, TWO_MODE
from .centrality import centrality
from .structure import summary

if TYPE_CHECKING:  # pragma: no cover
    import matplotlib.axes

__all__ = ["TieComparison", "compare_ties", "quartiles", "plot_compare_ties"]


@dataclasses.dataclass
class TieComparison:
    """Result of :func:`compare_ties`.

    Attributes
    ----------
    summary : DataFrame
        One row per tie definition, one column per key of
        :func:`connectana.metrics.structure.summary` (keys a definition lacks,
        e.g. ``reciprocity`` when undirected, are NaN).
    values : dict of str → DataFrame
        Per measure: people × tie definitions, the node measure's values.
    spearman, kendall : dict of str → DataFrame
        Per measure: tie definitions × tie definitions correlation matrices.
    top_k : dict of str → DataFrame
        Per measure: Jaccard overlap of the top-k people, definitions × definitions.
    same_quartile : DataFrame
        Measures × (``all`` and one column per pair ``"a vs b"``): share of
        people in the same quartile, among the people not at zero under every
        definition.
    top_k_size : int
    per_student : dict of str → DataFrame
        Per measure, one row per person: ``<tie>_rank`` (1 = highest value;
        equal values share the best rank) and ``<tie>_quartile`` under each
        definition, ``quartile_moves`` (highest − lowest quartile),
        ``flagged`` (the person changes quartile between definitions) and
        ``zero_everywhere``.
    left_out : Series
        Per measure, the people at zero under every definition, left out of
        ``same_quartile`` (they agree trivially and inflate agreement).
    """

    summary: pd.DataFrame
    values: dict
    spearman: dict
    kendall: dict
    top_k: dict
    same_quartile: pd.DataFrame
    top_k_size: int = 10
    per_student: dict = dataclasses.field(default_factory=dict)
    left_out: pd.Series = dataclasses.field(default_factory=lambda: pd.Series(dtype=np.int64))

    def _repr_html_(self) -> str:
        from ..display import result_html

        parts = [("summary, per tie definition", self.summary)]
        parts.append(("share of people in the same quartile", self.same_quartile))
        parts += [(f"Spearman correlation, {m}", df) for m, df in self.spearman.items()]
        return result_html(
            "TieComparison",
            parts,
            note="also .kendall, .top_k (Jaccard of the top-k) and .values (per person)",
        )

    def __repr__(self) -> str:
        lines = ["TieComparison", "same quartile:", self.same_quartile.round(3).to_string()]
        for m, df in self.spearman.items():
            lines += [f"Spearman, {m}:", df.round(3).to_string()]
        return "\n".join(lines)


def quartiles(values: pd.Series) -> pd.Series:
    """Quartile (1–4) of each value: ``ceil(4 × r / n)``, ``r`` the maximum rank.

    Equal values share the highest rank of their group, so they always share a
    quartile (many people with 0 all sit in the quartile of the last of them).

    Examples
    --------
    >>> import pandas as pd
    >>> from connectana.metrics.sensitivity import quartiles
    >>> quartiles(pd.Series([0, 0, 0, 5, 7, 9, 9, 12])).tolist()
    [2, 2, 2, 2, 3, 4, 4, 4]
    """
    n = len(values)
    r = values.rank(method="max").to_numpy(dtype=float)
    return pd.Series(np.ceil(4 * r / n).astype(np.int64), index=values.index)


def _top(values: pd.Series, k: int) -> set:
    """The k largest values; ties at the cut go to the earlier node (node order)."""
    order = np.lexsort((np.arange(len(values)), -values.to_numpy(dtype=float)))
    return set(values.index[order[:k]])


def compare_ties(
    events: pd.DataFrame,
    ties: Sequence[str] = ("reply", "star", "copresence"),
    measures: Sequence[str] = ("degree", "betweenness", "pagerank"),
    *,
    people: pd.DataFrame | None = None,
    top_k: int = 10,
    seed: int = 0,
    directed: bool | None = None,
    max_ties: int | None = DEFAULT_MAX_TIES,
) -> TieComparison:
    """Compare networks of the same events under several tie definitions.

    Parameters
    ----------
    events : DataFrame
        A valid Events table.
    ties : sequence of str
        Tie definitions (at least two; see :mod:`connectana.ties`).
    measures : sequence of str
        Node measures of :func:`connectana.metrics.centrality.centrality`.
    people : DataFrame, optional
        A roster: its people are in every network (with 0 when silent).
    top_k : int
        Size of the top group compared.
    seed : int
        Passed to :func:`~connectana.metrics.centrality.centrality` (only
        sampled measures use it).
    directed : bool, optional
        Passed to ``centrality``: default each network's own direction
        (``reply``/``star`` directed, ``copresence`` undirected); ``False``
        compares every definition as undirected.
    max_ties : int or None
        Passed to :func:`~connectana.network.build_network`: ``copresence``
        stops with a :class:`~connectana.errors.TieLimitError` above it
        (default :data:`connectana.ties.DEFAULT_MAX_TIES`).

    Returns
    -------
    TieComparison

    Notes
    -----
    Each network is ``build_network(events, ties=t, people=people)`` with its
    defaults (self-loops removed, weights = interactions); measures are
    ``centrality(net, measures, seed=seed, directed=directed)``. People are
    the union of the networks' person nodes; a person absent from a network
    gets 0 there.

    - ``spearman``: Spearman's rho (``scipy.stats.spearmanr``), ``kendall``:
      Kendall's tau-b (``scipy.stats.kendalltau``), over all people; NaN when
      a measure is constant under one definition.
    - ``top_k``: Jaccard index ``|A ∩ B| / |A ∪ B|`` of the ``top_k`` people
      (highest values; ties at the cut broken by node order).
    - ``same_quartile``: share of people whose quartile (:func:`quartiles`)
      is the same under both definitions (pair columns) or under all of them
      (``all``), among the people *not at zero under every definition*
      (their number is in ``left_out``; quartiles are computed among the
      others).
    - ``per_student``: per measure, each person's rank and quartile under
      every definition and whether they change quartile (``flagged``);
      people at zero everywhere have no quartile.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"object_id": ["1", "2", "3", "4"],
    ...     "parent_id": [None, "1", "2", "1"], "thread_id": ["t"] * 4,
    ...     "actor": ["a", "b", "c", "d"],
    ...     "timestamp": pd.to_datetime(["2024-01-0%d" % d for d in (1, 2, 3, 4)], utc=True)}))
    >>> r = ca.compare_ties(ev, ["reply", "star"], ["in_degree"], top_k=1)
    >>> r.values["in_degree"].values.tolist()
    [[2.0, 3.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    >>> round(float(r.spearman["in_degree"].loc["reply", "star"]), 15)
    0.816496580927726
    """
    from scipy import stats as st

    if not is_dask(events):  # Dask events: each network is aggregated in Dask
        validate_events(events)
    ties = list(ties)
    measures = [measures] if isinstance(measures, str) else list(measures)
    if len(ties) < 2:
        raise ParameterError("compare_ties needs at least two tie definitions")
    if len(set(ties)) != len(ties):
        raise ParameterError(f"tie definitions repeat: {ties}")
    two_mode = [t for t in ties if t in TWO_MODE]
    if two_mode:
        raise ParameterError(f"compare_ties compares person networks; {two_mode} are two-mode")
    if top_k < 1:
        raise ParameterError("top_k must be at least 1")

    summaries = {}
    per_tie: dict[str, pd.DataFrame] = {}
    order: list[str] = []
    for t in ties:
        net = build_network(events, t, people=people, max_ties=max_ties)
        summaries[t] = summary(net)
        c = centrality(net, measures, seed=seed, directed=directed)
        person = (net.nodes["kind"] == "person").fillna(False).to_numpy(dtype=bool)
        c = c[person]
        c.index = c.index.astype(str)
        per_tie[t] = c
        order += [x for x in c.index if x not in set(order)]
    idx = pd.Index(order, name="person")
    values = {
        m: pd.DataFrame(
            {t: per_tie[t][m].reindex(idx).fillna(0.0).astype(float) for t in ties}, index=idx
        )
        for m in measures
    }
    summary_df = pd.concat(list(summaries.values()), axis=1, keys=ties, sort=False).T
    summary_df.index.name = "ties"

    spearman, kendall, top = {}, {}, {}
    pairs = list(itertools.combinations(ties, 2))
    same = {}
    left_out: dict[str, int] = {}
    per_student: dict[str, pd.DataFrame] = {}
    for m in measures:
        v = values[m]
        sp = pd.DataFrame(np.eye(len(ties)), index=ties, columns=ties)
        kd = sp.copy()
        jac = sp.copy()
        for a, b in pairs:
            x, y = v[a].to_numpy(), v[b].to_numpy()
            const = np.ptp(x) == 0 or np.ptp(y) == 0
            rho = np.nan if const else float(st.spearmanr(x, y).statistic)
            tau = np.nan if const else float(st.kendalltau(x, y).statistic)
            ta, tb = _top(v[a], top_k), _top(v[b], top_k)
            j = len(ta & tb) / len(ta | tb) if ta | tb else np.nan
            sp.loc[a, b] = sp.loc[b, a] = rho
            kd.loc[a, b] = kd.loc[b, a] = tau
            jac.loc[a, b] = jac.loc[b, a] = j
        for df in (sp, kd, jac):
            df.index.name = "ties"
        spearman[m], kendall[m], top[m] = sp, kd, jac
        zero = (v == 0).all(axis=1)
        left_out[m] = int(zero.sum())
        q = pd.DataFrame({t: quartiles(v.loc[~zero, t]) for t in ties})
        row = {"all": float((q.nunique(axis=1) == 1).mean()) if len(q) else np.nan}
        for a, b in pairs:
            row[f"{a} vs {b}"] = float((q[a] == q[b]).mean()) if len(q) else np.nan
        same[m] = row
        table = pd.DataFrame(index=idx)
        for t in ties:
            table[f"{t}_rank"] = v[t].rank(method="min", ascending=False).astype(np.int64)
        for t in ties:
            table[f"{t}_quartile"] = q[t].reindex(idx).astype("Int64")
        qs = table[[f"{t}_quartile" for t in ties]]
        table["quartile_moves"] = (qs.max(axis=1) - qs.min(axis=1)).astype("Int64")
        table["flagged"] = (table["quartile_moves"] > 0).fillna(False).astype(bool)
        table["zero_everywhere"] = zero.to_numpy()
        per_student[m] = table
    same_df = pd.DataFrame(same).T
    same_df.index.name = "measure"
    return TieComparison(
        summary=summary_df,
        values=values,
        spearman=spearman,
        kendall=kendall,
        top_k=top,
        same_quartile=same_df,
        top_k_size=top_k,
        per_student=per_student,
        left_out=pd.Series(left_out, dtype=np.int64, name="zero_everywhere"),
    )


def plot_compare_ties(result: TieComparison, ax: Any = None) -> matplotlib.axes.Axes:
    """Bar chart of a :func:`compare_ties` result: agreement between tie definitions.

    For each pair of definitions (x axis) and each measure (bar colour): the
    Spearman correlation (bar) and the share of people in the same quartile
    (black dot on the bar). A low bar or a low dot means the two definitions
    rank people differently.

    Parameters
    ----------
    result : TieComparison
    ax : matplotlib Axes, optional
        Drawn on a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.sensitivity import plot_compare_ties
    >>> ev = ca.make_events(pd.DataFrame({"object_id": ["1", "2", "3", "4"],
    ...     "parent_id": [None, "1", "2", "1"], "thread_id": ["t"] * 4,
    ...     "actor": ["a", "b", "c", "d"],
    ...     "timestamp": pd.to_datetime(["2024-01-0%d" % d for d in (1, 2, 3, 4)], utc=True)}))
    >>> ax = plot_compare_ties(ca.compare_ties(ev, ["reply", "star"], ["degree"]))
    >>> ax.get_ylabel()
    'agreement'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    measures = list(result.spearman)
    pairs = [c for c in result.same_quartile.columns if c != "all"]
    width = 0.8 / max(len(measures), 1)
    x = np.arange(len(pairs))
    for i, m in enumerate(measures):
        sp = result.spearman[m]
        rho = [sp.loc[p.split(" vs ")[0], p.split(" vs ")[1]] for p in pairs]
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(pos, np.nan_to_num(rho, nan=0.0), width * 0.9, label=f"{m}: Spearman ρ")
        ax.plot(
            pos,
            result.same_quartile.loc[m, pairs].to_numpy(dtype=float),
            "o",
            color="black",
            markersize=5,
            label="same quartile (share)" if i == 0 else None,
        )
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(pairs)
    ax.set_ylim(min(-0.05, ax.get_ylim()[0]), 1.05)
    ax.set_ylabel("agreement")
    ax.set_title("Does the tie definition change who is central?")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
