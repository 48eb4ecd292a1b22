"""Regenerate ``references.csv``: R igraph's communities of the DLT2 forum.

    python tests/data/igraph_communities/make_references.py

Builds three networks of the real DLT2 forum (../shared/real_data, not copied here) with
connectana, hands their nodes and edges to R igraph (``graph_from_data_frame``) and keeps
R's memberships and modularities (see ``PROVENANCE.md``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

import connectana as ca  # noqa: E402

#: case -> (build_network options, R methods)
CASES = {
    "dlt2_directed": ({}, "walktrap infomap"),
    "dlt2_multi": ({"multi": True}, "walktrap"),
    "dlt2_undirected": ({"directed": False}, "walktrap fast_greedy"),
}


def network(case: str, folder: Path):
    ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
    return ca.build_network(ev, **CASES[case][0])


def main() -> None:
    folder = ROOT.parent / "shared" / "real_data" / "mooc_ed_dlt2"
    with tempfile.TemporaryDirectory() as tmp:
        for case, (_, methods) in CASES.items():
            net = network(case, folder)
            d = Path(tmp) / case
            d.mkdir()
            pd.DataFrame({"name": net.nodes.index.astype(str)}).to_csv(d / "nodes.csv", index=False)
            net.edges[["source", "target", "weight"]].astype({"weight": float}).to_csv(
                d / "edges.csv", index=False
            )
            pd.DataFrame([{"directed": net.directed, "methods": methods}]).to_csv(
                d / "case.csv", index=False
            )
        subprocess.run(
            ["Rscript", str(HERE / "make_references.R"), tmp, str(HERE / "references.csv")],
            check=True,
        )


if __name__ == "__main__":
    main()
