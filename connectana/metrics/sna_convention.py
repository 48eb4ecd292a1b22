"""R sna's whole-network definitions: ``summary(net, convention="sna")``.

The statnet package ``sna`` (Butts) reads a network as its sociomatrix. A network
object without edge values, as most analyses hand it over, is binary: a tie is present
or not, whatever the number of interactions, and loops are ignored (sna's default
``diag = FALSE``). This module computes sna's defaults on that binary matrix of the
network's distinct ties, ``gmode = "digraph"`` for a directed computation and
``"graph"`` for an undirected one (a→b or b→a makes the undirected tie). Keys carry
the suffix ``_sna``: one name, one number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..measures import SNA_CALLS, network_values

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["SNA_SUMMARY_KEYS", "sna_summary"]

#: The keys ``summary(..., convention="sna")`` returns (with the suffix ``_sna``), and sna's
#: call (registry entries ``<key>_sna``, :mod:`connectana.measures`).
SNA_SUMMARY_KEYS = SNA_CALLS


def sna_summary(net: Network, *, directed: bool | None = None) -> pd.Series:
    """Density, reciprocity and Freeman centralisations as R's sna computes them.

    Called by ``ca.summary(net, convention="sna")``.

    Parameters
    ----------
    net : Network
    directed : bool, optional
        Default ``net.directed``: sna's ``mode = "digraph"``; ``False``:
        ``mode = "graph"`` on the symmetrised matrix.

    Returns
    -------
    Series
        The keys of :data:`SNA_SUMMARY_KEYS` with the suffix ``_sna``.

    Notes
    -----
    Each key is the registry's measure of that name (:mod:`connectana.measures`).
    ``A`` is the binary adjacency matrix of the distinct ties between different
    nodes, ``n`` nodes, ``L`` ties (ordered pairs when directed).

    - ``density``: ``gden``: L / n(n−1) directed, L / (n(n−1)/2) undirected;
    - ``reciprocity``: ``grecip`` (``measure = "dyadic"``): (M + N) / (M + A + N)
      over the dyad census (mutual, asymmetric, null): the share of *all* pairs
      that are symmetric, null pairs included; 1 when undirected;
    - ``centralization_degree``: Σ (max − d_v) / max possible, d = in + out ties
      (``cmode = "freeman"``), maximum (n−1)(2(n−1)−2) directed; undirected d =
      ties, maximum (n−1)(n−2);
    - ``centralization_betweenness``: Σ (max − b_v) / ((n−1)²(n−2)) with directed
      betweenness (÷ 2 undirected: undirected betweenness over (n−1)²(n−2)/2);
    - ``centralization_closeness``: closeness c_v = (n−1) / Σ_u d(v, u), which is 0
      when v cannot reach every other node (sna sums infinite distances: on a
      forum network with isolates every node scores 0, and so does the
      centralisation); divided by (n−1)(1 − 1/n) directed, (n−1)(n−2)/(2n−3)
      undirected.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["b", "c", "d", "b"],
    ...     "target": ["a", "a", "a", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> s = ca.summary(ca.build_network(ev), convention="sna")
    >>> round(s["density_sna"], 4), s["reciprocity_sna"], s["centralization_degree_sna"]
    (0.25, 0.5, 0.5)
    """
    view = net.view(directed=directed, weight=None)  # distinct ties, binary
    values = network_values(view, [f"{k}_sna" for k in SNA_SUMMARY_KEYS])
    s = pd.Series(values, dtype=object)
    s.attrs = {"convention": "sna", "directed": view.directed}
    return s
