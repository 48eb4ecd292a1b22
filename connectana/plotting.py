"""Figures from results (matplotlib). Every function takes results, accepts ``ax=``
and returns the Axes it drew on; none recomputes a metric it is not given.

Person labels are pseudonyms unless ``labels="names"`` is asked for: the ids
are hashed with the key of :func:`connectana.privacy.pseudonym_map` (pass
``key=`` or ``key_file=``; by default the local key file
``~/.connectana/key``, or ``$CONNECTANA_KEY_FILE``, is used and created once).
A network that was pseudonymised already (``meta["pseudonymized"]``) is
labelled with its ids as they are.

The module is a little over 800 lines: one topic, the figures; each figure function is
short, and they share one colour and layout vocabulary that would be scattered by a split.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import ParameterError
from .network import Network

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "sociogram",
    "network_layout",
    "plot_growth",
    "plot_centrality_distribution",
    "plot_engagement_heatmap",
    "plot_community_evolution",
    "plot_staff_removal",
    "plot_growth_strip",
    "plot_resource_spread",
    "ROLE_MARKERS",
    "ROLE_COLORS",
    "MAX_DRAWN_TIES",
    "STRIP_DRAWN_TIES",
    "strongest_ties",
]

#: A sociogram draws at most this many ties: above, its strongest (largest weight),
#: and the title says how many of how many. Drawing every one of 800k ties takes minutes
#: and shows a grey disc; the strongest 50,000 show the structure.
MAX_DRAWN_TIES = 50_000
#: Each panel of :func:`plot_growth_strip` (a ninth of a sociogram's area) draws at most
#: this many of the ties formed by then, the strongest.
STRIP_DRAWN_TIES = 5_000

#: Marker per role: instructors squares, TAs triangles, students circles.
ROLE_MARKERS = {"instructor": "s", "ta": "^", "student": "o", "other": "D", "unknown": "o"}
ROLE_COLORS = {
    "instructor": "#d62728",
    "ta": "#ff7f0e",
    "student": "#1f77b4",
    "other": "#7f7f7f",
    "unknown": "#9edae5",
}
_PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
]


def pyplot():
    """matplotlib's pyplot, on the Agg backend outside a notebook unless MPLBACKEND is set."""
    import matplotlib

    if not os.environ.get("MPLBACKEND") and not _in_notebook():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython

        return get_ipython() is not None
    except ImportError:
        return False


def _axes(ax, figsize=(7, 6)):
    if ax is not None:
        return ax
    plt = pyplot()
    _, ax = plt.subplots(figsize=figsize)
    return ax


def person_labels(
    ids: Sequence[Any],
    *,
    labels: str | Mapping[Any, str] | None = "pseudonyms",
    names: Mapping[Any, str] | None = None,
    key: bytes | str | None = None,
    key_file: str | os.PathLike | None = None,
    pseudonymized: bool = False,
) -> dict[str, str]:
    """Labels for person ids: pseudonyms (default), ``"names"`` or a mapping."""
    ids = [str(i) for i in ids]
    if labels is None:
        return {}
    if isinstance(labels, Mapping):
        return {i: str(labels.get(i, "")) for i in ids}
    if labels == "names":
        names = names or {}
        return {i: str(names.get(i)) if names.get(i) is not None else i for i in ids}
    if labels == "pseudonyms":
        if pseudonymized:
            return {i: i for i in ids}
        from .privacy import default_key_file, pseudonym_map

        if key is None and key_file is None:
            key_file = default_key_file()
        return pseudonym_map(ids, key=key, key_file=key_file, prefix="S-", length=4)
    raise ParameterError("labels must be 'pseudonyms', 'names', None or a mapping")


def network_layout(net: Network, *, layout: str = "auto", seed: int = 0) -> np.ndarray:
    """Node positions (n × 2), deterministic for a seed.

    ``auto`` picks Fruchterman–Reingold (``fr``, 500 iterations), computing
    every pair's repulsion up to 1,000 connected nodes and, above, only that
    of nearby nodes (igraph's grid variant, ``fr_grid``: 1.4 s for 17k nodes
    and 80k ties, where DrL takes 100 s). Isolates are placed on a ring around
    the drawing so they stay visible without crowding it. ``fr_grid``, ``drl``
    (DrL), ``kk`` (Kamada–Kawai) and ``circle`` can be asked for.
    """
    import random

    import igraph as ig

    g = net.to_igraph().as_undirected(mode="collapse", combine_edges="sum")
    n = g.vcount()
    if n == 0:
        return np.zeros((0, 2))
    rng = random.Random(seed)
    init = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    ig.set_random_number_generator(random.Random(seed))
    try:
        deg = np.array(g.degree())
        connected = np.flatnonzero(deg > 0)
        if layout == "auto":
            layout = "fr" if len(connected) <= 1000 else "fr_grid"
        pos = np.zeros((n, 2))
        if len(connected):
            sub = g.induced_subgraph(connected.tolist())
            # the grid variant needs the nodes spread over a square of side sqrt(n), as
            # igraph places them, else every node starts in one grid cell (4 min, not 2 s)
            spread = np.sqrt(len(connected)) / 2 if layout == "fr_grid" else 1.0
            sub_init = [[spread * x, spread * y] for x, y in (init[i] for i in connected)]
            if layout in ("fr", "fr_grid"):
                lay = sub.layout_fruchterman_reingold(
                    seed=sub_init, niter=500, grid=layout == "fr_grid"
                )
            elif layout == "drl":
                lay = sub.layout_drl(seed=sub_init)
            elif layout == "kk":
                lay = sub.layout_kamada_kawai(seed=sub_init)
            elif layout == "circle":
                lay = sub.layout_circle()
            else:
                raise ParameterError(
                    "layout must be 'auto', 'fr', 'fr_grid', 'drl', 'kk' or 'circle'"
                )
            xy = np.asarray(lay.coords, dtype=float)
            xy -= np.median(xy, axis=0)
            # Robust scale: the central 90% fills the unit disc; outliers are pulled in
            # radially (smoothly) so a few far nodes do not crush the core.
            r = np.hypot(xy[:, 0], xy[:, 1])
            scale = np.quantile(r, 0.9) if len(r) > 1 else 1.0
            scale = scale or 1.0
            r_scaled = r / scale
            squashed = np.where(r_scaled <= 1, r_scaled, 1 + 0.15 * (1 - np.exp(-(r_scaled - 1))))
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = np.where(r > 0, squashed / np.where(r > 0, r, 1), 0)
            pos[connected] = xy * factor[:, None]
        iso = np.flatnonzero(deg == 0)
        if len(iso):
            angles = np.linspace(0, 2 * np.pi, len(iso), endpoint=False)
            r = 1.25 if len(connected) else 1.0
            pos[iso] = np.column_stack([r * np.cos(angles), r * np.sin(angles)])
        return pos
    finally:
        ig.set_random_number_generator(random)


def strongest_ties(weight: np.ndarray, limit: int | None) -> np.ndarray:
    """Positions of the ``limit`` ties of largest ``weight`` (ties of equal weight in
    their order), in increasing order; all positions when ``limit`` is None or not
    exceeded.

    Examples
    --------
    >>> strongest_ties(np.array([1.0, 5.0, 2.0, 5.0]), 2).tolist()
    [1, 3]
    """
    weight = np.asarray(weight, dtype=float)
    if limit is None or len(weight) <= limit:
        return np.arange(len(weight))
    return np.sort(np.argsort(-weight, kind="stable")[:limit])


#: Communities named in a sociogram's colour legend (the largest ones).
_LEGEND_GROUPS = 8


def _place_labels(ax: Axes, xy: np.ndarray, texts: Sequence[str], *, fontsize: float) -> None:
    """Annotate points without overlapping labels.

    Each label (largest node first) takes the first of eight positions around
    its point whose box overlaps no label already placed; a label with no free
    position is left out rather than drawn over another one.
    """
    fig = ax.figure
    ax.apply_aspect()
    scale = fig.dpi / 72.0
    char_w, height = 0.6 * fontsize * scale, 1.5 * fontsize * scale
    placed: list[tuple[float, float, float, float]] = []
    offsets = [(4, 4), (4, -12), (-4, 4), (-4, -12), (0, 10), (0, -18), (10, -4), (-10, -4)]
    points = ax.transData.transform(xy) if len(xy) else np.zeros((0, 2))
    for (px, py), text in zip(points, texts, strict=True):
        if not text:
            continue
        w = char_w * len(text) + 4
        for dx, dy in offsets:
            ha = "left" if dx >= 0 else "right"
            x0 = px + dx * scale if ha == "left" else px + dx * scale - w
            y0 = py + dy * scale
            box = (x0, y0, x0 + w, y0 + height)
            if all(
                box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in placed
            ):
                placed.append(box)
                ax.annotate(
                    text,
                    ax.transData.inverted().transform((px, py)),
                    xytext=(dx, dy),
                    textcoords="offset points",
                    ha=ha,
                    fontsize=fontsize,
                    zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                )
                break


def sociogram(
    net: Network,
    *,
    size: pd.Series | None = None,
    color: str | pd.Series | None = "role",
    membership: pd.Series | None = None,
    layout: str | np.ndarray = "auto",
    seed: int = 0,
    labels: str | Mapping[Any, str] | None = "pseudonyms",
    top_labels: int = 8,
    key: bytes | str | None = None,
    key_file: str | os.PathLike | None = None,
    title: str | None = None,
    max_ties: int | None = MAX_DRAWN_TIES,
    ax: Axes | None = None,
) -> Axes:
    """Draw the network: colours by community or role, shapes by role, size by a measure.

    Parameters
    ----------
    net : Network
    size : Series, optional
        A node measure (e.g. a column of :func:`connectana.centrality`), indexed
        by node; marker area grows linearly with it. Default: degree.
    color : {"role", "community"} or Series
        ``"community"`` needs ``membership`` (from :func:`connectana.communities`).
    membership : Series, optional
        Community label per node.
    layout : str or array
        See :func:`network_layout`, or precomputed positions (n × 2).
    labels : {"pseudonyms", "names", None} or mapping
        Labels of the ``top_labels`` largest nodes. Names only when asked for.
    max_ties : int or None
        Draw at most this many ties (edges), the strongest (:func:`strongest_ties`);
        the default title then says "strongest k of m ties drawn". None: all.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = _axes(ax, (8, 8))
    n = net.n_nodes
    pos = (
        network_layout(net, layout=layout, seed=seed)
        if isinstance(layout, str)
        else np.asarray(layout)
    )
    ids = net.nodes.index.astype(str)
    if size is None:  # igraph's degree: edges at each node, a self-loop twice
        src, dst = net.edge_codes() if len(net.edges) else (np.zeros(0, int), np.zeros(0, int))
        size_vals = (np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)).astype(float)
        size_name = "degree"
    else:
        size_vals = pd.Series(size).reindex(net.nodes.index).fillna(0).to_numpy(dtype=float)
        size_name = getattr(size, "name", None) or "size"
    smax = size_vals.max() if n and size_vals.max() > 0 else 1.0
    base = 600.0 / max(np.sqrt(n), 1.0)
    areas = 8 + base * 6 * size_vals / smax

    # edges (the strongest max_ties of them)
    drawn = 0
    if len(net.edges):
        from matplotlib.collections import LineCollection

        src, dst = net.edge_codes()
        w = net.edges["weight"].to_numpy(dtype=float)
        w_max = w.max()
        pick = strongest_ties(w, max_ties)
        src, dst, w = src[pick], dst[pick], w[pick]
        drawn = len(pick)
        segs = np.stack([pos[src], pos[dst]], axis=1)
        alpha = 0.5 if len(w) < 500 else max(0.04, 0.5 * np.sqrt(500 / len(w)))
        lw = 0.4 + 1.6 * np.log1p(w) / np.log1p(w_max)
        ax.add_collection(
            LineCollection(segs, colors="#555555", linewidths=lw, alpha=alpha, zorder=1)
        )

    roles = (
        net.nodes["role"].fillna("unknown").astype(str).to_numpy()
        if "role" in net.nodes.columns
        else np.array(["unknown"] * n)
    )
    if "kind" in net.nodes.columns:
        # object nodes of two-mode networks (threads, resources...) show their kind
        kind = net.nodes["kind"].fillna("person").astype(str).to_numpy()
        roles = np.where(kind == "person", roles, kind)
    if isinstance(color, pd.Series):
        membership, color = color, "community"
    if color == "community":
        if membership is None:
            raise ParameterError(
                "color='community' needs membership= (from connectana.communities)"
            )
        comm = pd.Series(membership).reindex(net.nodes.index)
        codes = comm.fillna(-1).astype(int).to_numpy()
        # singletons (isolates, mostly) in grey: colour is for groups
        counts = pd.Series(codes).value_counts()
        codes = np.where(pd.Series(codes).map(counts).to_numpy() > 1, codes, -1)
        colors = np.array(
            [_PALETTE[c % len(_PALETTE)] if c >= 0 else "#cccccc" for c in codes], dtype=object
        )
    elif color == "role":
        colors = np.array([ROLE_COLORS.get(r, "#b0b0b0") for r in roles], dtype=object)
    else:
        colors = np.array(["#1f77b4"] * n, dtype=object)

    from matplotlib.lines import Line2D

    for role in sorted(set(roles)):
        m = roles == role
        ax.scatter(
            pos[m, 0],
            pos[m, 1],
            s=areas[m],
            c=list(colors[m]),
            marker=ROLE_MARKERS.get(role, "h"),
            edgecolors="white",
            linewidths=0.5,
            zorder=2,
        )
    if labels is not None and top_labels and n:
        order = np.argsort(-size_vals, kind="stable")[: min(top_labels, n)]
        names = net.nodes["display_name"].to_dict() if "display_name" in net.nodes.columns else {}
        lab = person_labels(
            [ids[i] for i in order],
            labels=labels,
            names={str(k): v for k, v in names.items() if not pd.isna(v)},
            key=key,
            key_file=key_file,
            pseudonymized=bool(net.meta.get("pseudonymized")),
        )
        ax.set_xlim(-1.4, 1.4)
        ax.set_ylim(-1.4, 1.4)
        ax.set_aspect("equal")
        _place_labels(ax, pos[order], [lab.get(ids[i], "") for i in order], fontsize=7)
    handles = [
        Line2D(
            [],
            [],
            marker=ROLE_MARKERS.get(r, "h"),
            ls="",
            color="#444444" if color != "role" else ROLE_COLORS.get(r, "#b0b0b0"),
            label=r,
        )
        for r in sorted(set(roles))
    ]
    role_legend = ax.legend(
        handles=handles, loc="lower left", fontsize=8, frameon=False, title="role / kind"
    )
    if color == "community":
        ax.add_artist(role_legend)
        groups = pd.Series(codes[codes >= 0]).value_counts()
        shown = groups.index[:_LEGEND_GROUPS]
        ghandles = [
            Line2D([], [], marker="o", ls="", color=_PALETTE[c % len(_PALETTE)],
                   label=f"group {rank} ({groups[c]} people)")
            for rank, c in enumerate(shown, start=1)
        ]  # fmt: skip
        if len(groups) > len(shown):
            ghandles.append(
                Line2D([], [], ls="", label=f"… {len(groups) - len(shown)} smaller groups")
            )
        if (codes < 0).any():
            ghandles.append(
                Line2D([], [], marker="o", ls="", color="#cccccc", label="alone (no group)")
            )
        ax.legend(handles=ghandles, loc="lower right", fontsize=8, frameon=False, title="community")
    ax.set_aspect("equal")
    ax.set_xlim(-1.4, 1.4)
    ax.set_ylim(-1.4, 1.4)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    excluded = net.meta.get("people_excluded", 0)
    default_title = (
        f"{net.meta.get('ties', '')} network: {n} nodes, {net.n_ties} ties (size: {size_name})"
    )
    note = (
        f"\nstrongest {drawn:,} of {len(net.edges):,} ties drawn" if drawn < len(net.edges) else ""
    )
    if excluded:
        default_title += f"; {excluded} opted out"
    ax.set_title((title or default_title) + note, fontsize=10)
    return ax


def plot_growth(
    growth: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    axes: Sequence[Axes] | None = None,
    ncols: int = 3,
    xlabel: str = "period",
) -> np.ndarray:
    """Small multiples: one panel per growth column, periods on the x axis.

    Parameters
    ----------
    growth : DataFrame
        From :func:`connectana.growth` (one row per period).
    columns : sequence of str, optional
        Default: nodes, ties, density, reciprocity, transitivity and
        largest-component share when present.
    xlabel : str
        Label of every x axis (e.g. ``"course week"``).

    Returns
    -------
    ndarray of Axes
    """
    if columns is None:
        wanted = [
            "nodes",
            "ties",
            "density",
            "reciprocity",
            "transitivity",
            "largest_component_share",
            "modularity",
            "active",
            "newcomers",
        ]
        columns = [c for c in wanted if c in growth.columns][:9]
    columns = list(columns)
    if axes is None:
        plt = pyplot()
        nrows = int(np.ceil(len(columns) / ncols))
        fig, axs = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 2.5 * nrows), squeeze=False)
        axes = axs.ravel()
        for extra in axes[len(columns) :]:
            extra.set_visible(False)
    axes = np.asarray(axes, dtype=object).ravel()
    x = np.arange(len(growth))
    ticks = [str(p) for p in growth.index]
    for ax, col in zip(axes, columns, strict=False):
        ax.plot(x, growth[col].to_numpy(dtype=float), marker="o", ms=3, color="#1f77b4")
        ax.set_title(col.replace("_", " "), fontsize=9)
        step = max(1, len(x) // 6)
        ax.set_xticks(x[::step])
        ax.set_xticklabels(ticks[::step], fontsize=7, rotation=30, ha="right")
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(alpha=0.3)
        ax.set_xlabel(xlabel, fontsize=8)
    axes[0].figure.tight_layout()
    return axes[: len(columns)]


def _utc_naive(times: pd.Series) -> np.ndarray:
    """Times as naive UTC ``datetime64`` values, NaT kept."""
    return pd.to_datetime(pd.Series(times), utc=True).dt.tz_localize(None).to_numpy()


def plot_growth_strip(
    net: Network,
    periods: pd.DataFrame,
    *,
    first_seen: pd.Series,
    layout: np.ndarray,
    max_panels: int = 12,
    ncols: int = 4,
    period_name: str = "period",
    max_ties: int | None = STRIP_DRAWN_TIES,
    axes: Sequence[Axes] | None = None,
) -> np.ndarray:
    """How the network grew: one small drawing per period, everyone in a fixed place.

    Panel *p* draws the ties formed up to the end of period *p* (edges whose
    ``first`` interaction is before the period's ``end``) on the positions of
    ``layout`` (the whole network's, so people keep their place from panel
    to panel). People who had taken part by then are blue; **newcomers** (first
    event within the period) are orange with a dark ring; people not yet
    there are faint grey dots.

    Parameters
    ----------
    net : Network
        The whole course's network (its edges carry ``first``).
    periods : DataFrame
        One row per period with ``start`` and ``end`` (as
        :func:`connectana.growth` returns), indexed by period label.
    first_seen : Series
        Time of each person's first event, indexed by node id.
    layout : ndarray
        Positions of ``net``'s nodes (:func:`network_layout`).
    max_panels : int
        At most this many panels; with more periods, evenly spaced ones
        (always the last) are drawn.
    period_name : str
        Word for a period in the panel titles (e.g. ``"week"``).
    max_ties : int or None
        Each panel draws at most this many of the ties formed by then, the
        strongest (largest weight in the whole network; :func:`strongest_ties`);
        the legend says so when it happens. None: all. The panel titles count
        every tie.

    Returns
    -------
    ndarray of Axes
    """
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    rows = list(range(len(periods)))
    if len(rows) > max_panels:
        rows = sorted({int(round(x)) for x in np.linspace(0, len(rows) - 1, max_panels)})
    if axes is None:
        plt = pyplot()
        nrows = max(1, int(np.ceil(len(rows) / ncols)))
        _, axs = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 2.7 * nrows), squeeze=False)
        axes = axs.ravel()
        for extra in axes[len(rows) :]:
            extra.set_visible(False)
    axes = np.asarray(axes, dtype=object).ravel()
    pos = np.asarray(layout, dtype=float)
    ids = net.nodes.index.astype(str)
    # naive UTC datetime64 throughout (to_numpy() of a tz-aware column would give an object
    # array of Timestamps: seconds per figure at 800k ties)
    seen = _utc_naive(pd.Series(first_seen).reindex(ids))
    known = ~np.isnat(seen)
    src, dst = net.edge_codes() if len(net.edges) else (np.array([], int), np.array([], int))
    f = (
        _utc_naive(net.edges["first"])
        if "first" in net.edges.columns
        else np.full(len(src), np.datetime64("NaT", "ns"))
    )
    s = seen[known]
    weight = net.edges["weight"].to_numpy(dtype=float) if len(src) else np.zeros(0)
    by_weight = np.argsort(-weight, kind="stable")  # the strongest first (strongest_ties)
    capped = False
    for ax, r in zip(axes, rows, strict=False):
        row = periods.iloc[r]
        t0 = pd.Timestamp(row["start"]).tz_convert("UTC").tz_localize(None).to_datetime64()
        t1 = pd.Timestamp(row["end"]).tz_convert("UTC").tz_localize(None).to_datetime64()
        here = np.zeros(len(ids), dtype=bool)
        new = np.zeros(len(ids), dtype=bool)
        here[known] = s < t1
        new[known] = (s >= t0) & (s < t1)
        formed = f < t1
        if formed.any():
            pick = by_weight[formed[by_weight]]
            if max_ties is not None and len(pick) > max_ties:
                pick, capped = pick[:max_ties], True
            pick = np.sort(pick)
            segs = np.stack([pos[src[pick]], pos[dst[pick]]], axis=1)
            ax.add_collection(
                LineCollection(segs, colors="#777777", linewidths=0.4, alpha=0.35, zorder=1)
            )
        ax.scatter(*pos[~here].T, s=3, c="#dddddd", zorder=2, linewidths=0)
        ax.scatter(*pos[here & ~new].T, s=9, c="#1f77b4", zorder=3, linewidths=0)
        ax.scatter(*pos[new].T, s=22, c="#ff7f0e", edgecolors="#7f3b08", linewidths=0.6, zorder=4)
        ax.set_title(
            f"{period_name} {periods.index[r]}: {int(formed.sum())} ties, +{int(new.sum())} new",
            fontsize=8,
        )
        ax.set_aspect("equal")
        ax.set_xlim(-1.4, 1.4)
        ax.set_ylim(-1.4, 1.4)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#dddddd")
    handles = [
        Line2D([], [], marker="o", ls="", color="#1f77b4", label="taken part by then"),
        Line2D([], [], marker="o", ls="", color="#ff7f0e", mec="#7f3b08", label="newcomer"),
        Line2D([], [], marker="o", ls="", color="#dddddd", label="not yet"),
    ]
    if capped:
        handles.append(Line2D([], [], ls="", label=f"strongest {max_ties:,} ties per panel drawn"))
    fig = axes[0].figure
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return axes[: len(rows)]


def plot_centrality_distribution(
    centrality: pd.DataFrame,
    measure: str,
    *,
    by: pd.Series | None = None,
    bins: int = 30,
    log: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Histogram of one measure, optionally split by a grouping (e.g. role)."""
    ax = _axes(ax, (6, 4))
    values = centrality[measure].astype(float)
    if by is None:
        ax.hist(values.dropna(), bins=bins, color="#1f77b4", alpha=0.8)
    else:
        groups = pd.Series(by).reindex(values.index).fillna("unknown")
        edges = np.histogram_bin_edges(values.dropna(), bins=bins)
        for name, part in values.groupby(groups):
            ax.hist(
                part.dropna(),
                bins=edges,
                alpha=0.6,
                label=f"{name} (n={len(part)})",
                color=ROLE_COLORS.get(str(name)),
            )
        ax.legend(fontsize=8, frameon=False)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(measure)
    ax.set_ylabel("people")
    ax.set_title(f"Distribution of {measure}", fontsize=10)
    return ax


def plot_engagement_heatmap(
    table: pd.DataFrame,
    value: str,
    *,
    person: str = "person",
    period: str = "period",
    labels: str | Mapping[Any, str] | None = "pseudonyms",
    key: bytes | str | None = None,
    key_file: str | os.PathLike | None = None,
    pseudonymized: bool = False,
    max_people: int = 60,
    ax: Axes | None = None,
) -> Axes:
    """Student × period heatmap of one engagement indicator.

    ``table`` is long (one row per person and period, as
    :func:`connectana.engagement` returns); the ``max_people`` most engaged
    people (by the indicator's total) are shown, rows sorted by total.
    """
    wide = table.pivot_table(
        index=person, columns=period, values=value, aggfunc="sum", fill_value=0
    )
    wide = wide.loc[wide.sum(axis=1).sort_values(ascending=False, kind="stable").index[:max_people]]
    ax = _axes(ax, (min(12, 2.5 + 0.5 * wide.shape[1]), min(16, 1.5 + 0.25 * len(wide))))
    im = ax.imshow(
        wide.to_numpy(dtype=float), aspect="auto", cmap="viridis", interpolation="nearest"
    )
    lab = person_labels(
        wide.index, labels=labels, key=key, key_file=key_file, pseudonymized=pseudonymized
    )
    ax.set_yticks(range(len(wide)))
    ax.set_yticklabels([lab.get(str(i), "") for i in wide.index], fontsize=9)
    ax.set_xticks(range(wide.shape[1]))
    ax.set_xticklabels(
        [_short_period(c) for c in wide.columns], fontsize=9, rotation=45, ha="right"
    )
    ax.set_xlabel(period)
    ax.set_ylabel(person)
    ax.set_title(value.replace("_", " "), fontsize=10)
    ax.figure.colorbar(im, ax=ax, fraction=0.03)
    return ax


def _short_period(label: Any) -> str:
    """'2026-01-12T00:00:00+00:00/2026-01-19T...' -> '2026-01-12'; others unchanged."""
    text = str(label)
    if "/" in text and "T" in text:
        return text.split("/", 1)[0][:10]
    return text


#: Distinct colours of the largest communities in :func:`plot_community_evolution`.
_EVOLUTION_COLORS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
]


def plot_community_evolution(
    membership: pd.DataFrame,
    *,
    period: str = "period",
    node: str = "node",
    community: str = "community",
    min_size: int = 2,
    top: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Alluvial diagram: communities per period as stacked blocks, flows of members.

    ``membership`` is long: one row per (period, node, community), e.g. from
    :func:`connectana.metrics.growth.community_evolution`. The ``top``
    largest communities (by members summed over periods, at most 10) get
    distinct colours, named in the legend and drawn from the bottom up in that
    order; every other community (and any smaller than ``min_size`` in a
    period) is pooled as "other" in grey on top, so the flows that matter do
    not cross a tangle of small ones.
    """
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MPath

    top = max(0, min(top, len(_EVOLUTION_COLORS)))
    ax = _axes(ax, (10, 5))
    m = membership[[period, node, community]].copy()
    m[community] = m[community].astype(str)
    sizes = m.groupby([period, community]).size()
    small = sizes[sizes < min_size].index
    if len(small):
        key_idx = pd.MultiIndex.from_frame(m[[period, community]])
        m.loc[key_idx.isin(small), community] = "other"
    totals = m.loc[m[community] != "other", community].value_counts()
    ranked = sorted(totals.index, key=lambda c: (-totals[c], c))[:top]
    m.loc[~m[community].isin(ranked), community] = "other"
    colors = {c: _EVOLUTION_COLORS[i] for i, c in enumerate(ranked)}
    colors["other"] = "#c7c7c7"
    rank = {c: i for i, c in enumerate(ranked)}
    periods = list(dict.fromkeys(m[period]))
    blocks: dict[tuple, tuple[float, float]] = {}
    total = max(m.groupby(period).size().max(), 1)
    gap = 0.02 * total
    width = 0.3
    for x, p in enumerate(periods):
        counts = m[m[period] == p][community].value_counts()
        order = sorted(counts.index, key=lambda c: rank.get(c, len(rank)))
        y = 0.0
        for c in order:
            h = counts[c]
            blocks[(p, c)] = (y, h)
            ax.add_patch(Rectangle((x - width / 2, y), width, h, color=colors[c], zorder=2))
            y += h + gap
    for x in range(len(periods) - 1):
        a, b = periods[x], periods[x + 1]
        ma = m[m[period] == a].set_index(node)[community]
        mb = m[m[period] == b].set_index(node)[community]
        both = pd.concat([ma.rename("a"), mb.rename("b")], axis=1, join="inner")
        flows = both.groupby(["a", "b"]).size()
        flows = flows.sort_index(key=lambda idx: idx.map(lambda c: rank.get(c, len(rank))))
        out_off = {k: 0.0 for k in ma.unique()}
        in_off = {k: 0.0 for k in mb.unique()}
        for (ca_, cb), f in flows.items():
            y0 = blocks[(a, ca_)][0] + out_off[ca_]
            y1 = blocks[(b, cb)][0] + in_off[cb]
            out_off[ca_] += f
            in_off[cb] += f
            x0, x1 = x + width / 2, x + 1 - width / 2
            xm = (x0 + x1) / 2
            verts = [
                (x0, y0),
                (xm, y0),
                (xm, y1),
                (x1, y1),
                (x1, y1 + f),
                (xm, y1 + f),
                (xm, y0 + f),
                (x0, y0 + f),
                (x0, y0),
            ]
            codes = [MPath.MOVETO] + [MPath.CURVE4] * 3 + [MPath.LINETO] + [MPath.CURVE4] * 3
            codes += [MPath.CLOSEPOLY]
            alpha = 0.45 if ca_ != "other" else 0.25
            ax.add_patch(
                PathPatch(MPath(verts, codes), color=colors[ca_], alpha=alpha, lw=0, zorder=1)
            )
    ax.set_xlim(-0.6, len(periods) - 0.4)
    ymax = max((y + h for y, h in blocks.values()), default=1)
    ax.set_ylim(0, ymax * 1.02)
    ax.set_xticks(range(len(periods)))
    ax.set_xticklabels([_short_period(p) for p in periods], fontsize=8, rotation=30, ha="right")
    ax.set_xlabel(period)
    ax.set_ylabel("members")
    ax.set_title("Community evolution", fontsize=10)
    from matplotlib.patches import Patch

    handles = [
        Patch(color=colors[c], label=f"community {c} ({totals[c]} member-periods)") for c in ranked
    ]
    if (m[community] == "other").any():
        handles.append(Patch(color=colors["other"], label="other communities"))
    ax.legend(
        handles=handles, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1)
    )
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return ax


def hash_label(label: str) -> int:
    """A stable small integer for a label (colours that do not change between runs)."""
    import zlib

    return zlib.crc32(str(label).encode("utf-8"))


def plot_staff_removal(
    full: Network,
    without_staff: Network,
    *,
    seed: int = 0,
    labels: str | Mapping[Any, str] | None = None,
    axes: Sequence[Axes] | None = None,
    layout: np.ndarray | None = None,
) -> np.ndarray:
    """The network before and after removing staff, side by side, same positions
    (``layout``: positions of ``full``'s nodes, default :func:`network_layout`)."""
    if axes is None:
        plt = pyplot()
        _, axs = plt.subplots(1, 2, figsize=(12, 6))
        axes = axs
    pos = network_layout(full, seed=seed) if layout is None else np.asarray(layout)
    keep = full.nodes.index.get_indexer(without_staff.nodes.index)
    sociogram(full, layout=pos, labels=labels, ax=axes[0], title=f"With staff: {full.n_ties} ties")
    sociogram(
        without_staff,
        layout=pos[keep],
        labels=labels,
        ax=axes[1],
        title=f"Without staff: {without_staff.n_ties} ties",
    )
    return np.asarray(axes)


def plot_resource_spread(
    resources: pd.DataFrame, *, top: int = 12, label: Callable[[str], str] | None = None, ax=None
):
    """How far the most shared resources travelled: one bar per resource.

    Parameters
    ----------
    resources : DataFrame
        ``resource_diffusion(ev).resources`` (columns ``adopters``,
        ``exposed_adopters``, ``size``).
    top : int
        Show the ``top`` largest cascades.
    label : callable, optional
        Resource id → text on the axis (default: the id, shortened to 45
        characters).

    Returns
    -------
    Axes
        Bars: adopters who had been exposed (dark) and the others (light);
        the introducer is not counted.
    """
    ax = _axes(ax, figsize=(7, 0.35 * min(top, len(resources)) + 1.2))
    t = resources.sort_values("size", ascending=False, kind="stable").head(top).iloc[::-1]
    names = [
        (label(str(r)) if label else str(r)[:44] + ("…" if len(str(r)) > 45 else ""))
        for r in t.index
    ]
    y = np.arange(len(t))
    exposed = t["exposed_adopters"].to_numpy(dtype=float)
    other = t["adopters"].to_numpy(dtype=float) - exposed
    ax.barh(y, exposed, color="#1f77b4", label="adopted after exposure")
    ax.barh(y, other, left=exposed, color="#aec7e8", label="adopted, not exposed")
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=7)
    ax.set_xlabel("people who shared it after its introducer")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return ax
