"""Whole-network measures: :func:`summary` and :func:`ei_index`.

Every value is computed on the network's distinct ties between two different
nodes (multi-edges collapsed, self-loops set aside and counted), unweighted:
distances are numbers of hops. Each key is a whole-network measure of the
registry (:mod:`connectana.measures`), computed on the network's memoised
binary view; the definitions are in :func:`summary`'s Notes, in
``connectana.measures.measure_table()`` and in ``docs/metrics.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..measures import NETWORK_MEASURES, TRIAD_TYPES, network_values
from .centrality import tie_table

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["TRIAD_TYPES", "SUMMARY_KEYS", "ei_index", "summary"]

#: The keys of :func:`summary`, in order (registry names, :mod:`connectana.measures`);
#: directed-only keys are left out for an undirected computation.
SUMMARY_KEYS: tuple[str, ...] = (
    "nodes",
    "interactions",
    "ties",
    "self_loops",
    "self_loops_kept",
    "isolates",
    "density",
    "density_multi",
    "reciprocity",
    "dyad_reciprocity",
    "mutual_dyads",
    "asymmetric_dyads",
    "null_dyads",
    *(f"triad_{k}" for k in TRIAD_TYPES),
    "transitivity",
    "average_clustering",
    "weak_components",
    "strong_components",
    "largest_component_share",
    "diameter",
    "mean_distance",
    "global_efficiency",
    "centralization_in",
    "centralization_out",
    "centralization_all",
    "assortativity_degree",
)
_DISTANCES = {"diameter", "mean_distance", "global_efficiency"}


def summary(
    net: Network,
    *,
    directed: bool | None = None,
    attribute: str | Sequence[str] | None = None,
    distances: bool = True,
    triads: bool = True,
    convention: str = "connectana",
    weight: str | None = "weight",
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
    convention : {"connectana", "igraph", "sna"}
        ``"connectana"`` (default): the keys below. ``"igraph"``: the values R
        igraph's defaults give on the network as built (multi-edges and loops
        counted, ``weight`` read as lengths), keys ``<key>_igraph``
        (:func:`connectana.metrics.igraph_convention.igraph_summary`).
        ``"sna"``: R sna's ``gden``, ``grecip`` and ``centralization`` on the
        binary distinct-tie matrix, keys ``<key>_sna``
        (:func:`connectana.metrics.sna_convention.sna_summary`). ``attribute``,
        ``distances`` and ``triads`` apply to the default convention only.
    weight : str or None
        ``convention="igraph"`` only: the edge column read as R's ``weight``
        attribute (default ``"weight"``); None: hops. The default convention's
        distances are always hops.

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
    if convention == "igraph":
        from .igraph_convention import igraph_summary

        return igraph_summary(net, directed=directed, weight=weight)
    if convention == "sna":
        from .sna_convention import sna_summary

        return sna_summary(net, directed=directed)
    if convention != "connectana":
        raise ParameterError(
            f"convention must be 'connectana', 'igraph' or 'sna', found {convention!r}"
        )
    view = net.view(directed=directed, weight=None)
    directed = view.directed
    names = [
        k
        for k in SUMMARY_KEYS
        if (directed or not NETWORK_MEASURES[k].directed_only)
        and (distances or k not in _DISTANCES)
        and (triads or not k.startswith("triad_"))
    ]
    out: dict[str, Any] = network_values(view, names, self_loops=net.meta.get("self_loops"))
    g = view.graph
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
            raise ParameterError(
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
def _nominal_assortativity(net: Network, g, attribute: str, directed: bool) -> float:
    if attribute not in net.nodes.columns:
        raise ParameterError(
            f"attribute={attribute!r} is not a column of net.nodes; found {list(net.nodes.columns)}"
        )
    values = net.nodes[attribute]
    known = np.flatnonzero(pd.notna(values).to_numpy())
    sub = g.induced_subgraph(known.tolist())
    if sub.ecount() == 0:
        return float("nan")
    types = pd.factorize(values.iloc[known].astype(str))[0].tolist()
    return float(sub.assortativity_nominal(types, directed=directed))
