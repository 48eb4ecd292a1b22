"""Time the instructor report end to end: ``connectana report`` on a benchmark forum.

``python -m benchmarks.report`` (default: the 1M-post forum) runs, in a fresh process,
``connectana report benchmarks/data/forum_1M.csv --format table --out DIR --start
2024-01-01T00:00Z`` and prints the wall clock, the CPU seconds of the process and its
peak resident memory, with the load average before and after (the machine may be
shared). ``--profile FILE`` runs it under cProfile (CPU time) and prints where the time
goes, by the report's stages. ``benchmarks.run`` calls :func:`measure_report` for the
"instructor report" row of its targets table. Target (#16): at most 30 s on 1M posts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate import SIZES, write_forum

__all__ = ["measure_report", "STAGES"]

ROOT = Path(__file__).resolve().parent.parent

#: Functions whose cumulative CPU time the profile summary shows (``folder/file:function``),
#: in report order; indented rows are parts of the row above them.
STAGES = {
    "read_events": ["io/__init__.py:read_events"],
    "analyze": ["connectana/analysis.py:analyze"],
    "  build_network": ["connectana/network.py:build_network"],
    "  summary": ["metrics/structure.py:summary"],
    "  network_pattern": ["metrics/roles.py:network_pattern"],
    "  staff_dependence": ["metrics/roles.py:staff_dependence"],
    "  communities": ["metrics/community.py:communities"],
    "  growth": ["metrics/growth.py:growth"],
    "  engagement (both tables)": [
        "metrics/engagement.py:engagement_inputs",
        "metrics/engagement.py:engagement",
    ],
    "render_report": ["connectana/report.py:render_report"],
    "  layout (fr_grid)": ["connectana/plotting.py:network_layout"],
    "  growth section (strip, charts)": ["connectana/report.py:_growth_section"],
    "  staff section (two sociograms)": ["connectana/report.py:_staff_section"],
    "  community section (sociogram)": ["connectana/report.py:_community_section"],
    "  engagement section": ["connectana/report.py:_engagement_section"],
    "  CSV files": ["connectana/privacy.py:write_csv"],
}

_CODE = """
import resource, runpy, sys
sys.argv = ["connectana", *sys.argv[1:]]
prof = None
if sys.argv[1] == "--profile-to":
    import cProfile, time
    out = sys.argv[2]
    del sys.argv[1:3]
    prof = cProfile.Profile(time.process_time)
    prof.enable()
try:
    runpy.run_module("connectana", run_name="__main__", alter_sys=True)
finally:
    if prof is not None:
        prof.disable()
        prof.dump_stats(out)
    use = resource.getrusage(resource.RUSAGE_SELF)
    print(f"PEAK_MB {use.ru_maxrss / 1024} CPU_S {use.ru_utime + use.ru_stime}", file=sys.stderr)
"""


def _env() -> dict[str, str]:
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return dict(os.environ, PYTHONPATH=path, OMP_NUM_THREADS="1")


def measure_report(
    size: str = "1M", *, data: Path | None = None, profile: Path | None = None
) -> dict:
    """Run ``connectana report`` once on the forum of ``size`` in its own process.

    Returns ``size``, ``seconds`` (wall clock), ``cpu`` (user + system seconds of the
    process), ``peak_mb`` and ``load`` (1-minute load average before and after).
    With ``profile``, the run is under cProfile (slower) and its stats go to that file.
    """
    csv = write_forum(size, folder=data)
    out = Path(tempfile.mkdtemp(prefix="connectana-report-"))
    args = ["report", str(csv), "--format", "table", "--out", str(out / "report")]
    args += ["--start", "2024-01-01T00:00Z"]
    if profile is not None:
        args = ["--profile-to", str(profile), *args]
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CODE, *args], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"report on {csv.name} failed:\n{proc.stderr[-3000:]}")
    words = proc.stderr.rsplit("PEAK_MB", 1)[1].split()
    return {
        "size": size,
        "seconds": seconds,
        "peak_mb": float(words[0]),
        "cpu": float(words[2]),
        "load": [round(load0, 2), round(os.getloadavg()[0], 2)],
    }


def stage_times(profile: Path) -> dict[str, float]:
    """Cumulative CPU seconds of each :data:`STAGES` row in a cProfile file (0 when absent)."""
    import pstats

    stats = pstats.Stats(str(profile)).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    cum: dict[str, float] = {}
    for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items():
        key = f"{'/'.join(Path(file).parts[-2:])}:{name}"
        cum[key] = cum.get(key, 0.0) + ct
    return {label: sum(cum.get(k, 0.0) for k in keys) for label, keys in STAGES.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="time `connectana report` on a benchmark forum")
    parser.add_argument("--size", default="1M", choices=list(SIZES))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--profile", default=None, help="also run once under cProfile, to FILE")
    args = parser.parse_args(argv)
    runs = [measure_report(args.size) for _ in range(args.repeats)]
    for r in runs:
        print(json.dumps(r))
    if args.profile:
        r = measure_report(args.size, profile=Path(args.profile))
        print(json.dumps({"profiled": r}))
        for label, sec in stage_times(Path(args.profile)).items():
            print(f"{label:<36} {sec:8.2f} s CPU")


if __name__ == "__main__":
    main()
