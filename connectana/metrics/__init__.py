"""Metrics of a Network: one topic per module.

- :mod:`connectana.metrics.centrality` — node-level measures (``centrality``).
- :mod:`connectana.metrics.structure` — whole-network measures (``summary``, ``ei_index``).
- :mod:`connectana.metrics.community` — community detection (``communities``,
  ``community_table``, ``modularity``, ``leiden_membership``).

The modules import igraph when they are used; this package imports nothing heavy.
"""
