"""Regenerate the networkDynamic/tsna reference outputs in this folder.

    python tests/data/temporal/make_references.py  R_LIBRARY

R_LIBRARY is a private R library holding networkDynamic and tsna installed from their
public sources (see PROVENANCE.md). The synthetic cases (spells drawn with a fixed seed) are
written to ``cases/``; the DLT2 cases are built from ../shared/real_data (not copied here:
only the R outputs are kept). Output: ``references.csv.gz``.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

import connectana as ca  # noqa: E402


def synthetic_cases() -> dict[str, tuple[pd.DataFrame, dict]]:
    """Small generated temporal networks that exercise every rule of tsna's search."""
    rng = np.random.default_rng(20261130)
    cases = {}
    # instants on integer times: chains within one instant, isolates, several components
    n, m = 30, 150
    s = rng.integers(1, 28, m)
    t = rng.integers(1, 28, m)
    keep = s != t
    on = rng.integers(0, 41, m).astype(float)
    cases["points_directed"] = (
        pd.DataFrame({"tail": s[keep], "head": t[keep], "onset": on[keep], "terminus": on[keep]}),
        {
            "n": n,
            "directed": True,
            "sources": "1 2 7 15",
            "steps": "0 1",
            "windows": "NA:NA 5:30",
            "interval": 5,
        },
    )
    # intervals and instants, overlapping and touching spells of one edge, untimed edges
    n, m = 25, 70
    a = rng.integers(1, 24, m)
    b = rng.integers(1, 24, m)
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    on = rng.integers(0, 31, keep.sum()).astype(float)
    dur = rng.choice([0, 0, 1, 2, 3, 6], keep.sum()).astype(float)
    tab = pd.DataFrame({"tail": lo, "head": hi, "onset": on, "terminus": on + dur})
    extra = pd.DataFrame(
        {
            "tail": [1, 1, 1, 2],
            "head": [2, 2, 2, 5],
            "onset": [3.0, 5.0, 5.0, np.nan],
            "terminus": [5.0, 5.0, 8.0, np.nan],
        }
    )
    cases["intervals_undirected"] = (
        pd.concat([tab, extra], ignore_index=True),
        {
            "n": n,
            "directed": False,
            "sources": "1 4 9",
            "steps": "0 0.5 2",
            "windows": "NA:NA 3:20",
            "interval": 4,
        },
    )
    # small times with fractions: waiting + step compared with absolute termini
    n, m = 12, 40
    s = rng.integers(1, 13, m)
    t = rng.integers(1, 13, m)
    keep = s != t
    on = np.round(rng.uniform(0, 5, m), 2)
    dur = np.where(rng.random(m) < 0.5, 0.0, np.round(rng.uniform(0, 2, m), 2))
    cases["small_times_directed"] = (
        pd.DataFrame(
            {"tail": s[keep], "head": t[keep], "onset": on[keep], "terminus": on[keep] + dur[keep]}
        ),
        {
            "n": n,
            "directed": True,
            "sources": "1 2 3 4 5 6",
            "steps": "0 0.5 1.5",
            "windows": "NA:NA 1:4",
            "interval": 1,
        },
    )
    return cases


def dlt2_spells(rule: str) -> pd.DataFrame:
    folder = ROOT.parent / "shared" / "real_data" / "mooc_ed_dlt2"
    ev = ca.read_events(folder / "DLT2 Edgelist.csv", tz="UTC")
    return ca.temporal_spells(ev, rule=rule)


def as_case(sp: pd.DataFrame) -> pd.DataFrame:
    pos = {v: i + 1 for i, v in enumerate(sp.attrs["nodes"])}
    return pd.DataFrame(
        {
            "tail": sp["source"].map(pos),
            "head": sp["target"].map(pos),
            "onset": sp["onset"],
            "terminus": sp["terminus"],
        }
    )


def main(rlib: str) -> None:
    cases_dir = HERE / "cases"
    shutil.rmtree(cases_dir, ignore_errors=True)
    for name, (spells, meta) in synthetic_cases().items():
        d = cases_dir / name
        d.mkdir(parents=True)
        spells.to_csv(d / "spells.csv", index=False)
        pd.DataFrame([meta]).to_csv(d / "case.csv", index=False)
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "cases"
        shutil.copytree(cases_dir, run)
        for rule in ("instant", "thread"):
            sp = dlt2_spells(rule)
            d = run / f"dlt2_{rule}"
            d.mkdir()
            as_case(sp).to_csv(d / "spells.csv", index=False)
            meta = {
                "n": len(sp.attrs["nodes"]),
                "directed": True,
                "sources": "1 5 40 200",
                "steps": "0",
                "windows": "NA:NA 10:60",
                "interval": 7,
            }
            pd.DataFrame([meta]).to_csv(d / "case.csv", index=False)
        env = dict(os.environ, R_LIBS=rlib)
        csv = Path(tmp) / "references.csv"
        subprocess.run(
            ["Rscript", str(HERE / "make_references.R"), str(run), str(csv)], check=True, env=env
        )
        with open(csv, "rb") as src, gzip.open(HERE / "references.csv.gz", "wb", 9) as dst:
            shutil.copyfileobj(src, dst)


if __name__ == "__main__":
    main(sys.argv[1])
