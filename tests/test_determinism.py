"""The same input, options and seed give identical tables and byte-identical files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import connectana as ca
from connectana.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _run_twice(tmp_path: Path, args: list[str], name: str) -> tuple[bytes, bytes]:
    key = tmp_path / "k.key"
    if not key.exists():
        key.write_text("00" * 32 + "\n")
        key.chmod(0o600)
    out = []
    for run in ("a", "b"):
        target = tmp_path / run / name
        assert main([*args, "--out", str(target), "--key-file", str(key)]) == 0
        files = sorted(target.rglob("*")) if target.is_dir() else [target]
        out.append(b"".join(f.read_bytes() for f in files if f.is_file()))
    return out[0], out[1]


def test_exports_are_byte_identical(tmp_path, capsys):
    base = ["export", str(SAMPLE / "forum_posts.csv"), "--format", "table", "--roster",
            str(SAMPLE / "roster.csv")]  # fmt: skip
    for to, name in (("gexf", "n.gexf"), ("graphml", "n.graphml"), ("csv", "tables")):
        a, b = _run_twice(tmp_path, [*base, "--to", to], name)
        assert a == b and len(a) > 1000, to


def test_report_and_ingest_are_byte_identical(tmp_path, capsys):
    a, b = _run_twice(
        tmp_path,
        [
            "report",
            str(SAMPLE / "forum_posts.csv"),
            "--format",
            "table",
            "--roster",
            str(SAMPLE / "roster.csv"),
            "--start",
            "2026-01-12T00:00Z",
        ],  # fmt: skip
        "report",
    )
    assert a == b
    a, b = _run_twice(
        tmp_path,
        ["ingest", str(SAMPLE / "moodle_forum_export.csv"), "--format", "moodle_forum"],
        "ev.parquet",
    )
    assert a == b


def test_seeded_results_are_identical():
    ev = ca.read_events(SAMPLE / "forum_posts.csv")
    people = ca.read_people(SAMPLE / "roster.csv")
    net = ca.build_network(ev, people=people)
    for _ in range(2):
        c1 = ca.centrality(net, measures=["betweenness", "pagerank"], pivots=20, seed=3)
        c2 = ca.centrality(net, measures=["betweenness", "pagerank"], pivots=20, seed=3)
        pd.testing.assert_frame_equal(c1, c2)
    m1 = ca.communities(net, method="louvain", seed=7)
    m2 = ca.communities(net, method="louvain", seed=7)
    pd.testing.assert_series_equal(m1, m2)
    g1 = ca.growth(ev, people=people, seed=1)
    g2 = ca.growth(ev, people=people, seed=1)
    pd.testing.assert_frame_equal(g1, g2)
