"""Raw logs to a network on a local Dask cluster vs one process.

``python -m benchmarks.dask_read --lines 10000000 --files 20`` writes the synthetic Open edX
tracking log of ``benchmarks.tracking`` directly as ``files`` consecutive gzip slices (like
daily logs), once: they are kept in a temporary folder and reused (``--folder`` to choose
it). Then it measures, each in a fresh subprocess:

- **single**: ``read_events(files, format="edx_tracking")`` in one process (the streaming
  single-process read: one file after the other), then ``build_network`` and
  ``engagement``;
- **dask**: ``read_events(files, format="edx_tracking", engine="dask", out=...)`` on a
  ``LocalCluster`` of 2 single-thread workers (each file parsed in a task, targets resolved
  across files, Parquet by week), then ``build_network`` and ``engagement`` on the Dask
  Events.

It prints JSON: seconds per stage, the peak resident memory of the process (single) or of
the client and of each worker (dask), events kept, ties, and whether the two networks and
the two engagement tables are equal.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .tracking import write_tracking_files

_SINGLE = """
import json, resource, sys, time, warnings
import connectana as ca
warnings.simplefilter("ignore")
t0 = time.perf_counter()
ev = ca.read_events(sys.argv[1].split(","), format="edx_tracking")
t1 = time.perf_counter()
net = ca.build_network(ev)
t2 = time.perf_counter()
eng = ca.engagement(ev, names=True)
t3 = time.perf_counter()
net.edges[["source", "target", "weight"]].to_parquet(sys.argv[2])
eng.to_parquet(sys.argv[3])
print(json.dumps({"read_s": round(t1 - t0, 1), "network_s": round(t2 - t1, 1),
    "engagement_s": round(t3 - t2, 1),
    "kept": len(ev), "ties": len(net.edges),
    "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""

_DASK = """
import json, resource, sys, time, warnings
from distributed import Client, LocalCluster
import connectana as ca
from connectana.engines.dask_read import ingest_report
warnings.simplefilter("ignore")
files, out, edges, table = sys.argv[1].split(","), sys.argv[2], sys.argv[3], sys.argv[4]
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                  dashboard_address=None) as cluster, Client(cluster) as client:
    t0 = time.perf_counter()
    ev = ca.read_events(files, format="edx_tracking", engine="dask", out=out)
    t1 = time.perf_counter()
    net = ca.build_network(ev.drop(columns=["week"]))
    t2 = time.perf_counter()
    eng = ca.engagement(ev.drop(columns=["week"]), names=True)
    t3 = time.perf_counter()
    workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
net.edges[["source", "target", "weight"]].to_parquet(edges)
eng.to_parquet(table)
print(json.dumps({"read_s": round(t1 - t0, 1), "network_s": round(t2 - t1, 1),
    "engagement_s": round(t3 - t2, 1),
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
    p.add_argument("--folder", type=Path, default=None, help="where the log files are kept")
    a = p.parse_args()
    import pandas as pd

    t0 = time.perf_counter()
    parts = write_tracking_files(a.lines, a.files, folder=a.folder)
    written = time.perf_counter() - t0
    files = ",".join(map(str, parts))
    with tempfile.TemporaryDirectory() as tmp:
        single = run(_SINGLE, files, f"{tmp}/single.parquet", f"{tmp}/single_eng.parquet")
        dask = run(_DASK, files, f"{tmp}/ds", f"{tmp}/dask.parquet", f"{tmp}/dask_eng.parquet")
        same = {}
        for name in ("", "_eng"):
            a_t = pd.read_parquet(f"{tmp}/single{name}.parquet").reset_index(drop=True)
            b_t = pd.read_parquet(f"{tmp}/dask{name}.parquet").reset_index(drop=True)
            same[name] = a_t.astype(str).equals(b_t.astype(str))
    print(
        json.dumps(
            {
                "lines": a.lines,
                "files": a.files,
                "log_written_s": round(written, 1),
                "single": single,
                "dask": dask,
                "networks_equal": same[""],
                "engagement_equal": same["_eng"],
            }
        )
    )


if __name__ == "__main__":
    main()
