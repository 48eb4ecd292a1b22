"""Raw logs to a network on a local Dask cluster vs one process.

``python -m benchmarks.dask_read --lines 10000000 --files 20`` writes the synthetic Open edX
tracking log of ``benchmarks.tracking`` (unless present), splits it into ``files`` gzip files
(consecutive slices, like daily logs), then measures, each in a fresh subprocess:

- **single**: ``read_events(whole_log, format="edx_tracking")`` then ``build_network`` (the
  streaming single-process read);
- **dask**: ``read_events(files, format="edx_tracking", engine="dask", out=...)`` on a
  ``LocalCluster`` of 2 single-thread workers, then ``build_network`` on the Dask Events.

It prints JSON: seconds, the peak resident memory of the process (single) or of the client
and of each worker (dask), events kept, ties, and whether the two networks are equal.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .tracking import DATA, write_tracking_log


def split(log: Path, files: int) -> list[Path]:
    folder = log.parent / f"{log.name.split('.')[0]}_{files}files"
    paths = [folder / f"tracking.log-{i:03d}.gz" for i in range(files)]
    if all(p.exists() for p in paths):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(log, "rt", encoding="utf-8") as f:
        total = sum(1 for _ in f)
    per = -(-total // files)
    with gzip.open(log, "rt", encoding="utf-8") as f:
        for p in paths:
            with gzip.open(p, "wt", compresslevel=1, encoding="utf-8") as out:
                for _ in range(per):
                    line = f.readline()
                    if not line:
                        break
                    out.write(line)
    return paths


_SINGLE = """
import json, resource, sys, time
import connectana as ca
t0 = time.perf_counter()
ev = ca.read_events(sys.argv[1], format="edx_tracking")
t1 = time.perf_counter()
net = ca.build_network(ev)
t2 = time.perf_counter()
net.edges[["source", "target", "weight"]].to_parquet(sys.argv[2])
print(json.dumps({"read_s": round(t1 - t0, 1), "network_s": round(t2 - t1, 1),
    "kept": len(ev), "ties": len(net.edges),
    "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""

_DASK = """
import json, resource, sys, time
from distributed import Client, LocalCluster
import connectana as ca
from connectana.engines.dask_read import ingest_report
files, out, edges = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                  dashboard_address=None) as cluster, Client(cluster) as client:
    t0 = time.perf_counter()
    ev = ca.read_events(files, format="edx_tracking", engine="dask", out=out)
    t1 = time.perf_counter()
    net = ca.build_network(ev.drop(columns=["week"]))
    t2 = time.perf_counter()
    workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
net.edges[["source", "target", "weight"]].to_parquet(edges)
print(json.dumps({"read_s": round(t1 - t0, 1), "network_s": round(t2 - t1, 1),
    "kept": ingest_report(out).kept, "ties": len(net.edges),
    "resolved_across_files": ingest_report(out).options["resolved_across_files"],
    "client_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "worker_peak_mb": sorted(round(v) for v in workers.values())}))
"""


def run(script: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lines", type=int, default=10_000_000)
    p.add_argument("--files", type=int, default=20)
    a = p.parse_args()
    import pandas as pd

    log = write_tracking_log(a.lines, folder=DATA)
    parts = split(log, a.files)
    with tempfile.TemporaryDirectory() as tmp:
        single = run(_SINGLE, str(log), f"{tmp}/single.parquet")
        dask = run(_DASK, ",".join(map(str, parts)), f"{tmp}/ds", f"{tmp}/dask.parquet")
        a_edges = pd.read_parquet(f"{tmp}/single.parquet").reset_index(drop=True)
        b_edges = pd.read_parquet(f"{tmp}/dask.parquet").reset_index(drop=True)
        equal = a_edges.astype(str).equals(b_edges.astype(str))
    print(
        json.dumps(
            {
                "lines": a.lines,
                "files": a.files,
                "single": single,
                "dask": dask,
                "networks_equal": equal,
            }
        )
    )


if __name__ == "__main__":
    main()
