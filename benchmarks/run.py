"""Run the benchmarks: every pipeline, every size, several times; check; write the table.

``python -m benchmarks.run`` generates the forums (``benchmarks/data/``), runs each
pipeline of :mod:`benchmarks.pipelines` in its own subprocess (so each peak memory
is clean) ``--repeats`` times, checks that the pipelines computed the same numbers,
and writes the medians, ratios and peaks to ``benchmarks/results/results.json`` and
into ``benchmarks/README.md`` (between the ``results`` markers).

``python -m benchmarks.run --sizes 10k --repeats 1 --no-readme`` is the CI smoke run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .generate import SIZES, write_forum
from .pipelines import PIPELINES, Result
from .report import measure_report

__all__ = ["run", "check_equal", "run_one"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STAGES = ["read", "ties", "centrality", "communities", "growth"]
#: (pipeline, size) pairs skipped by default, with the reason written in the table.
SKIP = {
    ("networkx", "1M"): "not repeated (one run takes over 20 min). A single run on the same "
    "machine (2026-11-28 16:10 UTC, load ~1): read 0.93 s, ties 5.3 s, centrality 402 s, "
    "communities 26 s, growth 862 s, total 1,296 s, peak 1,282 MB",
}
MARK_START = "<!-- results:start -->"
MARK_END = "<!-- results:end -->"


def run_one(name: str, csv: Path, out: Path | None) -> dict:
    """Run one pipeline in this process; return times and peak memory (MB)."""
    import resource

    from .pipelines import LAST_CPU

    times, result = PIPELINES[name](csv)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    if out is not None:
        with open(out, "wb") as f:
            pickle.dump(result, f)
    return {"times": times, "cpu": dict(LAST_CPU), "peak_mb": peak_mb}


def _env() -> dict[str, str]:
    """The environment of every measured process: this checkout first on the path, and one
    OpenMP thread. igraph's PageRank (PRPACK) uses OpenMP; on a loaded shared machine its
    threads wait for each other and one call took 12 times as long (8.1 s against 0.68 s
    on a 20k-node graph at load 20 on 2 cores). Every pipeline is single-threaded anyway
    (networkit is set to one thread)."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return dict(os.environ, PYTHONPATH=path, OMP_NUM_THREADS="1")


def _subprocess(name: str, csv: Path, out: Path | None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.run", "--one", name, str(csv)]
    if out is not None:
        cmd += ["--result", str(out)]
    env = _env()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{name} on {csv.name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_equal(results: dict[str, Result]) -> dict[str, float]:
    """Assert that the pipelines computed the same numbers; return the largest gaps.

    Tie and interaction counts, node sets, weighted in/out degrees and the snapshot
    node/tie/component counts must be equal; density and transitivity equal to
    1e-12 (relative); PageRank within 1e-7 of connectana's (networkx stops at its
    own tolerance); betweenness equal to the igraph script's when both number the
    nodes alike (same pivots).
    """
    base_name = "connectana" if "connectana" in results else next(iter(results))
    base = results[base_name]
    bt = base.node_table()
    gaps: dict[str, float] = {}
    for name, r in results.items():
        if name == base_name:
            continue
        where = f"{name} vs {base_name}"
        assert r.n_ties == base.n_ties, f"{where}: ties {r.n_ties} != {base.n_ties}"
        assert r.n_interactions == base.n_interactions, f"{where}: interactions differ"
        t = r.node_table()
        assert t.index.equals(bt.index), f"{where}: node sets differ"
        for col in ("in_degree", "out_degree"):
            assert np.array_equal(t[col].to_numpy(float), bt[col].to_numpy(float)), (
                f"{where}: {col} differs"
            )
        gap = float(np.abs(t["pagerank"] - bt["pagerank"]).max())
        gaps[f"pagerank {name}"] = gap
        assert gap <= 1e-7, f"{where}: pagerank differs by {gap}"
        if name == "igraph" and np.array_equal(r.nodes, base.nodes):
            assert np.allclose(t["betweenness"], bt["betweenness"], rtol=1e-9, atol=1e-15), (
                f"{where}: betweenness from the same pivots differs"
            )
        if r.snapshots is not None and base.snapshots is not None:
            a = r.snapshots.set_index("week")
            b = base.snapshots.set_index("week")
            for col in ("nodes", "ties", "weak_components"):
                assert (a[col].to_numpy() == b[col].to_numpy()).all(), f"{where}: snapshot {col}"
            for col in ("density", "transitivity"):
                assert np.allclose(a[col], b[col], rtol=1e-12, atol=0), f"{where}: snapshot {col}"
    return gaps


def _median_cpu(runs: list[dict]) -> dict[str, float] | None:
    """Medians of the CPU seconds per stage and in total over the runs that recorded them."""
    have = [{"times": r["cpu"]} for r in runs if r.get("cpu")]
    return _median_times(have) if have else None


def _median_times(runs: list[dict]) -> dict[str, float]:
    stages = runs[0]["times"].keys()
    med = {s: statistics.median(r["times"][s] for r in runs) for s in stages}
    med["total"] = statistics.median(sum(r["times"].values()) for r in runs)
    return med


def run(
    sizes: list[str],
    *,
    repeats: int = 3,
    pipelines: list[str] | None = None,
    data: Path | None = None,
    raw: Path | None = None,
    include_skipped: bool = False,
    tracking_lines: int | None = None,
) -> dict:
    """Run the benchmarks; return the results (see the module docstring).

    ``tracking_lines``: also read a synthetic edX tracking log of that many lines
    (:mod:`benchmarks.tracking`, one run).
    """
    pipelines = pipelines or list(PIPELINES)
    raw = raw or Path(tempfile.mkdtemp(prefix="connectana-bench-"))
    raw.mkdir(parents=True, exist_ok=True)
    out: dict = {"sizes": {}, "machine": _machine(), "repeats": repeats}
    for size in sizes:
        csv = write_forum(size, folder=data)
        entry: dict = {"posts": SIZES[size], "pipelines": {}, "skipped": {}}
        results: dict[str, Result] = {}
        todo = []
        for name in pipelines:
            if (name, size) in SKIP and not include_skipped:
                entry["skipped"][name] = SKIP[(name, size)]
            else:
                todo.append(name)
        # interleaved: round i runs every pipeline once, so that the load of a shared
        # machine falls on all of them alike and the ratios stay meaningful
        all_runs: dict[str, list[dict]] = {name: [] for name in todo}
        for i in range(repeats):
            for name in todo:
                res_path = raw / f"{size}_{name}.pkl" if i == 0 else None
                all_runs[name].append(_subprocess(name, csv, res_path))
                print(
                    f"{size} {name} run {i + 1}: {all_runs[name][-1]}", file=sys.stderr, flush=True
                )
        for name in todo:
            runs = all_runs[name]
            with open(raw / f"{size}_{name}.pkl", "rb") as f:
                results[name] = pickle.load(f)
            entry["pipelines"][name] = {
                "median": _median_times(runs),
                "cpu_median": _median_cpu(runs),
                "peak_mb": max(r["peak_mb"] for r in runs),
                "runs": runs,
            }
        entry["communities"] = {
            name: {"modularity": r.modularity, "n": r.n_communities}
            for name, r in results.items()
            if r.modularity is not None
        }
        entry["gaps"] = check_equal(results)
        entry["checked"] = sorted(results)
        out["sizes"][size] = entry
    out["machine"]["load_after_pipelines"] = [round(x, 2) for x in os.getloadavg()]
    if tracking_lines:
        from .tracking import measure, write_tracking_log

        log = write_tracking_log(tracking_lines, folder=data)
        out["tracking"] = measure(log)
        print(f"tracking log: {out['tracking']}", file=sys.stderr, flush=True)
    return out


def _machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    import igraph
    import networkx

    info = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_before": [round(x, 2) for x in load],
        "pandas": pd.__version__,
        "igraph": igraph.__version__,
        "networkx": networkx.__version__,
    }
    try:
        import networkit

        info["networkit"] = networkit.__version__
    except ImportError:  # pragma: no cover
        pass
    return info


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover
        pass
    return platform.processor() or "unknown"


# -- the table -----------------------------------------------------------------------------
def table(results: dict) -> str:
    """Markdown tables of the results."""
    lines = []
    m = results["machine"]
    lines.append(
        f"Run {m['date']} on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB), "
        f"Python {m['python']}, pandas {m['pandas']}, igraph {m['igraph']}, networkx "
        f"{m['networkx']}, networkit {m.get('networkit', '-')}; load average (1, 5, 15 min) "
        f"before the run {m['load_before']}, after the pipelines "
        f"{m.get('load_after_pipelines', '?')}. Medians of {results['repeats']} runs, seconds; peak = "
        "largest resident set of the pipeline's process (MB)."
    )
    for size, entry in results["sizes"].items():
        lines += ["", f"### {size} posts", ""]
        head = ["pipeline", *STAGES, "total", "× connectana", "CPU s", "× connectana (CPU)"]
        head.append("peak MB")
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        base = entry["pipelines"].get("connectana", {})
        ca_total = base.get("median", {}).get("total")
        ca_cpu = (base.get("cpu_median") or {}).get("total")
        for name, p in entry["pipelines"].items():
            med, cpu = p["median"], p.get("cpu_median")
            cells = [f"{med[s]:.2f}" if s in med else "–" for s in STAGES]
            ratio = f"{med['total'] / ca_total:.2f}" if ca_total else "–"
            c = f"{cpu['total']:.2f}" if cpu else "–"
            c_ratio = f"{cpu['total'] / ca_cpu:.2f}" if cpu and ca_cpu else "–"
            lines.append(
                f"| {name} | " + " | ".join(cells) + f" | {med['total']:.2f} | {ratio} | "
                f"{c} | {c_ratio} | {p['peak_mb']:.0f} |"
            )
        for name, why in entry["skipped"].items():
            lines.append(f"| {name} | {why} |" + " |" * (len(head) - 2))
        lines.append("")
        lines.append(
            "Checked equal: "
            + ", ".join(entry["checked"])
            + " (ties, interactions, node sets, weighted degrees, snapshot metrics; "
            + "largest PageRank gap "
            + ", ".join(f"{k.split()[1]} {v:.1e}" for k, v in entry["gaps"].items())
            + ")."
        )
        if entry.get("communities"):
            lines.append(
                "Modularity of the communities found (weighted, undirected): "
                + ", ".join(
                    f"{k} {v['modularity']:.3f} ({v['n']} communities)"
                    for k, v in entry["communities"].items()
                )
                + "."
            )
    rows = targets(results)
    if rows:
        lines += [
            "",
            "### Targets",
            "",
            "Judged on CPU seconds (the process's, all threads) where every pipeline of the "
            "size has them, else on wall-clock medians; ratios within one interleaved run.",
            "",
            "| target | goal | measured | verdict |",
        ]
        lines.append("|---|---|---|---|")
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    trk = results.get("tracking")
    if trk:
        lines += [
            "",
            f"Tracking log: {trk['lines']:,} lines ({trk['gzip_mb']:.0f} MB gzip) read by "
            f"`read_events(format='edx_tracking')` in {trk['seconds']:.1f} s (one run), "
            f"peak {trk['peak_mb']:.0f} MB; {trk['kept']:,} forum events kept, "
            f"{trk['replies']:,} with a reply target.",
        ]
    return "\n".join(lines)


def targets(results: dict) -> list[tuple[str, str, str, str]]:
    """(target, goal, measured, verdict) for each target the run can judge."""
    rows = []
    sizes = results["sizes"]

    def total(size: str, name: str) -> float | None:
        """CPU seconds when the run has them for every pipeline of the size, else wall clock."""
        pipes = sizes.get(size, {}).get("pipelines", {})
        p = pipes.get(name)
        if not p:
            return None
        if all(x.get("cpu_median") for x in pipes.values()):
            return p["cpu_median"]["total"]
        return p["median"]["total"]

    def q(size: str, name: str) -> float | None:
        c = sizes.get(size, {}).get("communities", {}).get(name)
        return c["modularity"] if c else None

    def verdict(ok: bool, how: str) -> str:
        return "met" if ok else f"missed ({how})"

    for size in ("1M", "100k"):
        ca, ig = total(size, "connectana"), total(size, "igraph")
        if ca and ig:
            r = ca / ig
            rows.append(
                (
                    f"{size} posts: connectana (defaults) vs igraph script (igraph's defaults)",
                    "≤ 0.5×",
                    f"{r:.2f}× ({ca:.1f} s vs {ig:.1f} s)",
                    verdict(r <= 0.5, f"{r / 0.5:.1f}× the allowed time"),
                )
            )
        qa, qi = q(size, "connectana"), q(size, "igraph")
        if qa is not None and qi is not None:
            rows.append(
                (
                    f"{size} posts: connectana's modularity vs the igraph script's",
                    "≥ script − 0.002",
                    f"{qa:.4f} vs {qi:.4f} ({qa - qi:+.4f})",
                    verdict(qa >= qi - 0.002, f"{qi - 0.002 - qa:.4f} short"),
                )
            )
        st = total(size, "igraph-until-stable")
        qs = q(size, "igraph-until-stable")
        if ca and st and qa is not None and qs is not None:
            rows.append(
                (
                    f"{size} posts: reference, igraph script with Leiden until stable",
                    "–",
                    f"connectana {ca / st:.2f}× its time; modularity {qa:.4f} vs {qs:.4f}",
                    "reference",
                )
            )
    ca, ig = total("10k", "connectana"), total("10k", "igraph")
    if ca and ig:
        r = ca / ig
        rows.append(
            (
                "10k posts: connectana no slower than the igraph script",
                "≤ 1×",
                f"{r:.2f}× ({ca:.2f} s vs {ig:.2f} s)",
                verdict(r <= 1, f"{r:.2f}× the script's time"),
            )
        )
    nk, ig = total("1M", "connectana+networkit"), total("1M", "igraph")
    if nk and ig:
        r = nk / ig
        rows.append(
            (
                '1M posts: connectana with `communities(engine="networkit")` vs igraph script',
                "≤ 0.5×",
                f"{r:.2f}× ({nk:.1f} s vs {ig:.1f} s)",
                verdict(r <= 0.5, f"{r / 0.5:.1f}× the allowed time"),
            )
        )
    nx_size = next(
        (k for k, e in sizes.items() if k.startswith("100k") and "networkx" in e["pipelines"]),
        "100k",
    )
    ca, nx = total(nx_size, "connectana"), total(nx_size, "networkx")
    if ca and nx:
        r = nx / ca
        rows.append(
            (
                "100k posts: connectana faster than networkx script",
                "≥ 20×",
                f"{r:.1f}× ({ca:.1f} s vs {nx:.1f} s)",
                verdict(r >= 20, f"{20 / r:.1f}× short"),
            )
        )
    rep = results.get("report")
    if rep:
        rows.append(
            (
                f"instructor report on {rep['size']} posts (`connectana report`)",
                "≤ 30 s",
                f"{rep['seconds']:.1f} s wall clock, {rep.get('cpu', float('nan')):.1f} s CPU, "
                f"peak {rep['peak_mb']:.0f} MB (one run)",
                verdict(
                    rep.get("cpu", rep["seconds"]) <= 30,
                    f"{rep.get('cpu', rep['seconds']) / 30:.1f}× the allowed time",
                ),
            )
        )
    big = "1M" if "1M" in sizes else None
    if big and "floor" in sizes[big]["pipelines"] and "connectana" in sizes[big]["pipelines"]:
        ca_read = sizes[big]["pipelines"]["connectana"]["median"]["read"]
        pa_read = sizes[big]["pipelines"]["floor"]["median"]["read"]
        r = ca_read / pa_read
        rows.append(
            (
                "1M-row CSV into Events vs pyarrow.csv.read_csv",
                "≤ 1.5×",
                f"{r:.1f}× ({ca_read:.2f} s vs {pa_read:.2f} s)",
                verdict(r <= 1.5, f"{r / 1.5:.0f}× the allowed time"),
            )
        )
        peak = sizes[big]["pipelines"]["connectana"]["peak_mb"]
        rows.append(
            (
                "1M posts: peak memory of the connectana pipeline",
                "< 2 GB",
                f"{peak / 1024:.2f} GB",
                verdict(peak < 2048, f"{peak / 2048:.1f}× the budget"),
            )
        )
    trk = results.get("tracking")
    if trk:
        rows.append(
            (
                f"{trk['lines']:,}-event tracking log (gzip JSON lines) streamed",
                "peak < 4 GB",
                f"{trk['peak_mb'] / 1024:.2f} GB, {trk['seconds']:.1f} s, "
                f"{trk['kept']:,} forum events kept",
                verdict(trk["peak_mb"] < 4096, f"{trk['peak_mb'] / 4096:.1f}× the budget"),
            )
        )
    return rows


def write_readme(results: dict, readme: Path) -> None:
    text = readme.read_text() if readme.exists() else f"{MARK_START}\n{MARK_END}\n"
    head, rest = text.split(MARK_START, 1)
    _, tail = rest.split(MARK_END, 1)
    readme.write_text(f"{head}{MARK_START}\n{table(results)}\n{MARK_END}{tail}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="connectana benchmarks")
    parser.add_argument("--sizes", nargs="*", default=list(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pipelines", nargs="*", default=None)
    parser.add_argument("--include-skipped", action="store_true")
    parser.add_argument(
        "--tracking-lines",
        type=int,
        default=10_000_000,
        help="lines of the synthetic edX tracking log read once (0: skip)",
    )
    parser.add_argument(
        "--report-size",
        default="1M",
        help="time `connectana report` once on the forum of this size ('' to skip)",
    )
    parser.add_argument("--no-readme", action="store_true", help="do not update README.md")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    parser.add_argument("--one", nargs=2, metavar=("PIPELINE", "CSV"), help=argparse.SUPPRESS)
    parser.add_argument("--result", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        name, csv = args.one
        print(json.dumps(run_one(name, Path(csv), Path(args.result) if args.result else None)))
        return
    for s in args.sizes:
        if s not in SIZES:
            parser.error(f"unknown size {s!r}; choose from {list(SIZES)}")
    results = run(
        args.sizes,
        repeats=args.repeats,
        pipelines=args.pipelines,
        raw=HERE / "results" / "raw",
        include_skipped=args.include_skipped,
        tracking_lines=args.tracking_lines,
    )
    if args.report_size:
        results["report"] = measure_report(args.report_size)
        print(f"report: {results['report']}", file=sys.stderr, flush=True)
    print(table(results))
    if args.json:
        Path(args.json).write_text(
            json.dumps(json.loads(json.dumps(results, default=float)), indent=1)
        )
    if not args.no_readme:
        (HERE / "results").mkdir(exist_ok=True)
        slim = json.loads(json.dumps(results, default=float))
        (HERE / "results" / "results.json").write_text(json.dumps(slim, indent=1))
        write_readme(results, HERE / "README.md")


if __name__ == "__main__":
    main()
