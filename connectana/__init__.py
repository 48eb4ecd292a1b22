"""connectana: learning networks from online-course interaction logs.

The data flow is read → Events → Network → metrics → plots, reports, exports::

    import connectana as ca
    ev = ca.read_events("forum.csv", format="table", tz="UTC")
    net = ca.build_network(ev, ties="reply")
    ca.summary(net)

``import connectana`` is light: pandas and numpy only. igraph, matplotlib and
the readers' parsers are imported where they are used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import (
    ConnectanaError,
    EngineError,
    FormatError,
    InputError,
    ParameterError,
    ParameterTypeError,
    SchemaError,
    TimestampError,
)
from .events import IngestReport, make_events, make_people, resolve_targets, validate_events
from .io import read_events
from .network import Network, build_network, project

__version__ = "0.1.0"

# Public names defined in modules that import heavier libraries: loaded on first use.
_LAZY = {
    "read_people": "connectana.people",
    "concat_events": "connectana.people",
    "centrality": "connectana.metrics.centrality",
    "summary": "connectana.metrics.structure",
    "communities": "connectana.metrics.community",
    "community_table": "connectana.metrics.community",
    "modularity": "connectana.metrics.community",
    "ei_index": "connectana.metrics.structure",
    "isolated_learners": "connectana.metrics.roles",
    "network_pattern": "connectana.metrics.roles",
    "brokers": "connectana.metrics.roles",
    "null_model_test": "connectana.metrics.nullmodels",
    "write_report": "connectana.report",
    "analyze": "connectana.analysis",
    "Analysis": "connectana.analysis",
    "growth": "connectana.metrics.growth",
    "person_growth": "connectana.metrics.person_growth",
    "newcomer_integration": "connectana.metrics.person_growth",
    "community_evolution": "connectana.metrics.community_evolution",
    "snapshot_edges": "connectana.metrics.growth",
    "to_gexf": "connectana.export",
    "to_graphml": "connectana.export",
    "spells": "connectana.export",
    "relational_events": "connectana.export",
    "write_tables": "connectana.export",
    "staff_dependence": "connectana.metrics.roles",
    "engagement": "connectana.metrics.engagement",
    "compare_ties": "connectana.metrics.sensitivity",
    "evidence_sheet": "connectana.metrics.evidence",
    "fairness": "connectana.metrics.fairness",
    "apply_aliases": "connectana.people",
    "read_aliases": "connectana.people",
    "pseudonymize": "connectana.privacy",
    "resources": "connectana.extract",
    "extract_resources": "connectana.extract",
    "resource_diffusion": "connectana.metrics.resources",
    "resource_growth": "connectana.metrics.resources",
    "pseudonym_map": "connectana.privacy",
    "load_or_create_key": "connectana.privacy",
    "exclude_people": "connectana.privacy",
    "suppress_small_cells": "connectana.privacy",
    "scrub_text": "connectana.privacy",
    "temporal_spells": "connectana.temporal",
    "temporal_paths": "connectana.temporal",
    "temporal_density": "connectana.temporal",
    "temporal_stats": "connectana.temporal",
    "reachability": "connectana.temporal",
    "read_edgelist": "connectana.io.edgelist",
    "formation_model": "connectana.metrics.formation",
    "formation_statistics": "connectana.metrics.formation",
}

__all__ = [
    "ConnectanaError",
    "EngineError",
    "FormatError",
    "InputError",
    "SchemaError",
    "TimestampError",
    "ParameterError",
    "ParameterTypeError",
    "IngestReport",
    "make_events",
    "make_people",
    "resolve_targets",
    "validate_events",
    "read_events",
    "Network",
    "build_network",
    "project",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'connectana' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
