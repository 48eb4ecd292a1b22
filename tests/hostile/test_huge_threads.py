"""Quadratic tie definitions on huge threads: a clear error, never an abort.

One thread of 5,000 posts by 5,000 people gives 12.5 million copresence
pairs; before issue #15 the self-join built 25 million rows and the process
aborted (``std::bad_alloc``). Now the pairs are counted first and the default
``max_ties`` stops it with a TieLimitError, in the library and in the CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

N = 5000
ROOT = Path(__file__).resolve().parents[2]


def _write_thread(path: Path) -> Path:
    rows = ["event_id,actor,thread_id,timestamp"]
    rows += [
        f"e{i},p{i},big,2024-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"
        for i in range(N)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_huge_thread_copresence_is_refused_under_a_memory_cap(tmp_path, capped):
    csv = _write_thread(tmp_path / "thread.csv")
    out = capped(
        f"""
import connectana as ca
ev = ca.read_events({str(csv)!r})
try:
    ca.build_network(ev, "copresence")
except ca.errors.TieLimitError as exc:
    result = {{"count": exc.count, "max_ties": exc.max_ties, "message": str(exc)}}
net = ca.build_network(ev, "limited_copresence")
result["limited"] = len(net.edges)
"""
    )
    assert out["outcome"] == "result", out
    res = out["result"]
    assert res["count"] == N * (N - 1) // 2 and res["max_ties"] == 2_000_000
    assert "limited_copresence" in res["message"]
    # the suggested definition works: each post ties to its 3 predecessors
    assert res["limited"] == 3 * N - 6


def test_huge_thread_cli_report_ends_quickly_with_status_2(tmp_path):
    csv = _write_thread(tmp_path / "thread.csv")
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    cmd = [sys.executable, "-m", "connectana", "report", str(csv), "--format", "table"]
    cmd += ["--ties", "copresence", "--out", str(tmp_path / "out")]
    cmd += ["--key-file", str(tmp_path / "k.key")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2, proc.stderr
    assert "connectana: error:" in proc.stderr and "limited_copresence" in proc.stderr
    assert "12,497,500" in proc.stderr
