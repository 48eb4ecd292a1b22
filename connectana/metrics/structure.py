"""Whole-network measures: :func:`summary` and :func:`ei_index`.

Every value is computed on the network's distinct ties between two different
nodes (multi-edges collapsed, self-loops set aside and counted), unweighted:
distances are numbers of hops. The definitions are in :func:`summary`'s Notes
and in ``docs/metrics.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .centrality import _graph, _resolve_directed, tie_table

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["TRIAD_TYPES", "ei_index", "summary"]

#: The 16 MAN triad types, in the standard (Holland & Leinhardt; igraph, networkx) order.
TRIAD_TYPES = (
    "003",
    "012",
    "102",
    "021D",
    "021U",
    "021C",
    "111D",
    "111U",
    "030T",
    "030C",
    "201",
    "120D",
    "120U",
    "120C",
    "210",
    "300",
)


def summary(
    net: Network,
    *,
    directed: bool | None = None,
    attribute: str | Sequence[str] | None = None,
    distances: bool = True,
    triads: bool = True,
) -> pd.Series:
    """Whole-network description, one value per snake_case key.

    Parameters
    ----------
    net : Network
    directed : bool, optional
        Default ``net.directed``. ``False`` on a directed network describes its
        undirected version (a→b and b→a merged).
    attribute : str or list of str, optional
        Column(s) of ``net.nodes`` (``"role"``, ``"group"``, …): adds
        ``assortativity_<attribute>`` and ``ei_index_<attribute>`` for each.
    distances : bool
        Compute ``diameter``, ``mean_distance`` and ``global_efficiency``
        (default). They need a shortest-path search from every node, the one
        part of the summary that grows as nodes × ties (minutes at 20k
        people); ``False`` leaves them out.
    triads : bool
        Compute the 16 ``triad_<type>`` counts of a directed network (default);
        the census visits every connected triple (half a minute at 20k
        people); ``False`` leaves them out.

    Returns
    -------
    Series
        dtype object (counts stay integers). ``print(ca.summary(net))`` or
        ``.to_string()`` gives a readable block; in a notebook the Series shows
        as a table. ``attrs["network"]`` is the network's repr.

    Notes
    -----
    ``n`` nodes; ``L`` distinct ties between two different nodes (ordered pairs
    when directed); ``P = n(n-1)`` possible ties when directed, ``n(n-1)/2``
    when not. Keys:

    - ``nodes``; ``interactions`` (all interactions, including kept
      self-loops); ``ties`` (``L``); ``self_loops`` (self-ties found when the
      network was built, ``meta["self_loops"]``); ``self_loops_kept`` (those
      present in the network: non-zero only with ``loops=True``; every other
      key ignores them); ``isolates`` (nodes with no tie to another node).
    - ``density`` = ``L / P``; ``density_multi`` = interactions between two
      different nodes / ``P`` (mean interactions per possible tie; can exceed 1).
    - directed only: ``reciprocity`` = share of ties whose reverse exists
      (``2 M / L``); ``dyad_reciprocity`` = ``M / (M + A)``; ``mutual_dyads``
      ``M``, ``asymmetric_dyads`` ``A``, ``null_dyads`` (igraph
      ``dyad_census``); ``triad_<type>`` for the 16 MAN types (igraph
      ``triad_census``; ``triad_030T`` is the transitive triad).
    - ``transitivity``: 3 × triangles / connected triples of the undirected
      graph; ``average_clustering``: mean local clustering (0 for nodes with
      fewer than 2 neighbours).
    - ``weak_components``, ``strong_components`` (equal when undirected),
      ``largest_component_share`` (nodes in the largest weak component / n).
    - ``diameter`` (longest finite shortest path, in hops, following
      direction when directed), ``mean_distance`` (mean over ordered reachable
      pairs), ``global_efficiency`` (mean of ``1 / d(u, v)`` over all ordered
      pairs ``u != v``, 0 when unreachable; Latora & Marchiori 2001).
    - Freeman degree centralisation on distinct ties,
      ``sum_v (max - d_v) / T``: ``centralization_in`` and
      ``centralization_out`` with ``T = (n-1)^2`` (directed only),
      ``centralization_all`` with ``T = 2(n-1)(n-2)`` (directed, in + out ties)
      or ``(n-1)(n-2)`` (undirected) — igraph's ``centralization_degree``
      maxima without loops. A star scores 1.
    - ``assortativity_degree``: Pearson correlation of degrees at the two ends
      of a tie (directed: out-degree of the source, in-degree of the target;
      Newman 2003; igraph ``assortativity_degree``).
    - ``assortativity_<attribute>``: Newman's nominal assortativity over ties
      whose both ends have a value (igraph ``assortativity_nominal``);
      ``ei_index_<attribute>``: see :func:`ei_index`.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "a", "c"],
    ...     "target": ["b", "a", "c", "c"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> s = ca.summary(ca.build_network(ev))
    >>> s[["nodes", "ties", "self_loops", "mutual_dyads", "reciprocity"]].tolist()
    [3, 3, 1, 1, 0.6666666666666666]
    """
    directed = _resolve_directed(net, directed)
    n = net.n_nodes
    all_ties = tie_table(net, directed=directed, weight=None)
    loop = (all_ties["s"] == all_ties["t"]).to_numpy()
    ties = all_ties[~loop]
    g = _graph(n, ties, directed)
    u = g.as_undirected(mode="collapse") if directed else g
    L = len(ties)
    P = n * (n - 1) / (1 if directed else 2)

    out: dict[str, Any] = {
        "nodes": n,
        "interactions": _num(all_ties["interactions"].sum()),
        "ties": L,
        "self_loops": int(net.meta.get("self_loops", _num(all_ties["interactions"][loop].sum()))),
        "self_loops_kept": _num(all_ties["interactions"][loop].sum()),
        "isolates": int((np.array(u.degree()) == 0).sum()) if n else 0,
        "density": L / P if P else np.nan,
        "density_multi": ties["interactions"].sum() / P if P else np.nan,
    }
    if directed:
        mutual, asym, null = (int(x) for x in g.dyad_census())
        out["reciprocity"] = 2 * mutual / L if L else np.nan
        out["dyad_reciprocity"] = mutual / (mutual + asym) if L else np.nan
        out["mutual_dyads"] = mutual
        out["asymmetric_dyads"] = asym
        out["null_dyads"] = null
        if triads:
            counts = list(g.triad_census()) if n >= 3 else [0] * 16
            out.update({f"triad_{k}": int(v) for k, v in zip(TRIAD_TYPES, counts, strict=True)})
    out["transitivity"] = u.transitivity_undirected() if n else np.nan
    out["average_clustering"] = u.transitivity_avglocal_undirected(mode="zero") if n else np.nan
    weak = g.connected_components(mode="weak").sizes() if n else [0]
    strong = g.connected_components(mode="strong").sizes() if n else [0]
    out["weak_components"] = len(weak) if n else 0
    out["strong_components"] = len(strong) if n else 0
    out["largest_component_share"] = max(weak) / n if n else np.nan
    if distances:
        out["diameter"] = int(g.diameter(directed=directed, unconn=True)) if L else 0
        out["mean_distance"] = (
            g.average_path_length(directed=directed, unconn=True) if L else np.nan
        )
        if n > 1:
            harmonic = g.harmonic_centrality(mode="out", normalized=True)
            out["global_efficiency"] = float(np.mean(harmonic))
        else:
            out["global_efficiency"] = np.nan
    deg_in = np.array(g.degree(mode="in"), dtype=float)
    deg_out = np.array(g.degree(mode="out"), dtype=float)
    deg_all = np.array(g.degree(mode="all"), dtype=float)
    if directed:
        out["centralization_in"] = _freeman(deg_in, (n - 1) ** 2)
        out["centralization_out"] = _freeman(deg_out, (n - 1) ** 2)
        out["centralization_all"] = _freeman(deg_all, 2 * (n - 1) * (n - 2))
    else:
        out["centralization_all"] = _freeman(deg_all, (n - 1) * (n - 2))
    out["assortativity_degree"] = g.assortativity_degree(directed=directed) if L else np.nan
    for name in [attribute] if isinstance(attribute, str) else list(attribute or []):
        out[f"assortativity_{name}"] = _nominal_assortativity(net, g, name, directed)
        out[f"ei_index_{name}"] = ei_index(net, name, directed=directed)
    result = pd.Series(out, dtype=object, name="value")
    result.index.name = "measure"
    result.attrs["network"] = repr(net)
    result.attrs["directed"] = directed
    return result


def ei_index(
    net: Network,
    groups: str | pd.Series | Mapping = "group",
    *,
    weight: str | None = None,
    directed: bool | None = None,
) -> float:
    """Krackhardt & Stern's E-I index of a grouping.

    Parameters
    ----------
    net : Network
    groups : str, Series or mapping
        A column of ``net.nodes`` (default ``"group"``), or a node → group
        mapping (e.g. the Series returned by ``ca.communities``).
    weight : str, optional
        Count each tie's ``weight`` (e.g. ``"weight"``: interactions) instead of 1.
    directed : bool, optional
        Default ``net.directed``; ``False`` merges a→b and b→a into one tie.

    Returns
    -------
    float
        ``(E - I) / (E + I)`` where ``E`` counts ties between groups and ``I``
        ties within a group: -1 all ties inside groups, +1 all across. Ties with
        an end of unknown group and self-loops are left out; NaN when no tie
        remains.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c"],
    ...     "target": ["b", "c", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True)}))
    >>> from connectana.metrics.structure import ei_index
    >>> ei_index(ca.build_network(ev), {"a": "x", "b": "x", "c": "y"})
    0.3333333333333333
    """
    if isinstance(groups, str):
        if groups not in net.nodes.columns:
            raise ValueError(
                f"groups={groups!r} is not a column of net.nodes; found {list(net.nodes.columns)}"
            )
        labels = net.nodes[groups]
    else:
        labels = pd.Series(groups)
        labels.index = labels.index.astype(str)
        labels = labels.reindex(net.nodes.index.astype(str))
    codes = pd.factorize(labels.astype(object))[0]  # -1: unknown group
    ties = tie_table(net, directed=directed, weight=weight, loops=False)
    gs, gt = codes[ties["s"].to_numpy()], codes[ties["t"].to_numpy()]
    known = (gs >= 0) & (gt >= 0)
    w = ties["w"].to_numpy()[known]
    same = gs[known] == gt[known]
    internal, external = w[same].sum(), w[~same].sum()
    total = internal + external
    return float((external - internal) / total) if total else float("nan")


# -- helpers -----------------------------------------------------------------------------------
def _num(x: Any) -> int | float:
    x = float(x)
    return int(x) if x.is_integer() else x


def _freeman(deg: np.ndarray, tmax: float) -> float:
    if len(deg) < 3 or tmax <= 0:
        return float("nan")
    return float((deg.max() - deg).sum() / tmax)


def _nominal_assortativity(net: Network, g, attribute: str, directed: bool) -> float:
    if attribute not in net.nodes.columns:
        raise ValueError(
            f"attribute={attribute!r} is not a column of net.nodes; found {list(net.nodes.columns)}"
        )
    values = net.nodes[attribute]
    known = np.flatnonzero(pd.notna(values).to_numpy())
    sub = g.induced_subgraph(known.tolist())
    if sub.ecount() == 0:
        return float("nan")
    types = pd.factorize(values.iloc[known].astype(str))[0].tolist()
    return float(sub.assortativity_nominal(types, directed=directed))
