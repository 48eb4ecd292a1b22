"""Benchmarks of connectana against hand-written igraph / networkx / networkit pipelines."""
