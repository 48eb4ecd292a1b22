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

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = ["SNA_SUMMARY_KEYS", "sna_summary"]

#: The keys ``summary(..., convention="sna")`` returns (with the suffix ``_sna``), and sna's call.
SNA_SUMMARY_KEYS = {
    "density": "gden(A)",
    "reciprocity": "grecip(A)",
    "centralization_degree": "centralization(A, degree)",
    "centralization_betweenness": "centralization(A, betweenness)",
    "centralization_closeness": "centralization(A, closeness)",
}


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
    directed = view.directed
    n = net.n_nodes
    g = view.graph  # loop-free, one edge per distinct tie
    L = g.ecount()
    pairs = n * (n - 1) / (1 if directed else 2)
    nan = float("nan")
    if directed:
        mutual, asym, null = g.dyad_census()
        recip = (mutual + null) / (mutual + asym + null) if n > 1 else nan
        deg = np.array(g.degree(mode="all"), dtype=float)
        deg_max = (n - 1) * (2 * (n - 1) - 2)
        btw_max = (n - 1) ** 2 * (n - 2)
        clo_max = (n - 1) * (1 - 1 / n) if n else nan
    else:
        recip = 1.0 if n > 1 else nan
        deg = np.array(g.degree(), dtype=float)
        deg_max = (n - 1) * (n - 2)
        btw_max = (n - 1) ** 2 * (n - 2) / 2
        clo_max = (n - 2) * (n - 1) / (2 * n - 3) if n > 1 else nan
    btw = np.array(g.betweenness(directed=directed), dtype=float)
    d = np.array(g.distances(mode="out"), dtype=float).reshape(n, n)
    with np.errstate(divide="ignore"):
        clo = (n - 1) / d.sum(axis=1)  # the diagonal is 0; an unreachable node makes it inf

    def centralization(c: np.ndarray, top: float) -> float:
        if n == 0 or not top:
            return nan
        return float((c.max() - c).sum() / top)

    values = {
        "density": L / pairs if pairs else nan,
        "reciprocity": recip,
        "centralization_degree": centralization(deg, deg_max),
        "centralization_betweenness": centralization(btw, btw_max),
        "centralization_closeness": centralization(clo, clo_max),
    }
    s = pd.Series({f"{k}_sna": v for k, v in values.items()}, dtype=object)
    s.attrs = {"convention": "sna", "directed": directed}
    return s
