"""Optional compute engines under the same API (see ``docs/architecture.md``).

An engine sits below :mod:`connectana.network` and the metrics: it aggregates
events or computes on graphs and hands back plain tables; it never imports the
modules that call it. :mod:`connectana.engines.dask` aggregates events held in a
Dask DataFrame (``build_network`` and ``growth`` dispatch to it).
"""
