"""Raw logs to networks on a Dask cluster equal the single-process path.

A synthetic Open edX tracking log is split into daily-like files; replies in later files
answer threads created in earlier ones. ``read_events(files, engine="dask")`` on a local
cluster whose two workers are capped at 600 MB each (a worker pauses at 80 %; an idle
worker with connectana imported holds about 250 MB) must give the events, ingest counts,
network, growth table and engagement table of one single-process read of the whole log.
"""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

import connectana as ca
from connectana.engines.dask_read import expand_paths, ingest_report

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

LINES = 120_000
FILES = 8
# event ids of records without an id of their own are "file:line", so they differ by design
COLUMNS = ["timestamp", "actor", "action", "object_id", "parent_id", "thread_id", "target"]


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    from benchmarks.tracking import write_tracking_log

    folder = tmp_path_factory.mktemp("logs")
    whole = write_tracking_log(LINES, folder=folder)
    with gzip.open(whole, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    size = -(-len(lines) // FILES)
    parts = []
    for i in range(FILES):
        p = folder / "days" / f"tracking.log-{i:02d}.gz"
        p.parent.mkdir(exist_ok=True)
        with gzip.open(p, "wt", encoding="utf-8") as out:
            out.writelines(lines[i * size : (i + 1) * size])
        parts.append(p)
    return whole, parts


@pytest.fixture(scope="module")
def capped_client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit="600MB",
        dashboard_address=None,
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def both(logs, capped_client, tmp_path_factory):
    whole, parts = logs
    single = ca.read_events(whole, format="edx_tracking")
    out = tmp_path_factory.mktemp("dataset")
    dask_ev = ca.read_events(parts, format="edx_tracking", engine="dask", out=out)
    return single, dask_ev, out


def _sorted(ev: pd.DataFrame) -> pd.DataFrame:
    df = ev[COLUMNS].astype({c: "string" for c in COLUMNS if c != "timestamp"})
    return df.sort_values(COLUMNS, kind="stable").reset_index(drop=True)


def test_many_files_are_read_lazily_by_week(both):
    single, dask_ev, out = both
    assert type(dask_ev).__module__.startswith("dask")
    weeks = sorted(p.name for p in (out / "events").iterdir() if p.is_dir())
    assert weeks[0].startswith("week=2024-01-01") and len(weeks) == 12
    assert len(list((out / "parts").glob("*.parquet"))) == FILES


def test_events_equal_the_single_process_read(both):
    single, dask_ev, _ = both
    got = _sorted(dask_ev.compute())
    want = _sorted(single)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # replies whose parent sits in an earlier file got their target
    assert got["target"].notna().sum() == want["target"].notna().sum() > 0


def test_ingest_counts_equal(both):
    single, _, out = both
    a, b = single.attrs["ingest"], ingest_report(out)
    assert (b.read, b.kept, dict(b.set_aside)) == (a.read, a.kept, dict(a.set_aside))
    assert b.read == b.kept + b.set_aside_total
    for note in ("parent missing", "target from parent"):
        assert b.notes.get(note, 0) == a.notes.get(note, 0)
    assert b.options["resolved_across_files"] > 0


def test_network_and_growth_equal(both):
    single, dask_ev, _ = both
    a = ca.build_network(single, "reply")
    b = ca.build_network(dask_ev.drop(columns=["week"]), "reply")
    cols = ["source", "target", "weight", "first", "last"]
    pd.testing.assert_frame_equal(
        a.edges[cols].reset_index(drop=True),
        b.edges[cols].reset_index(drop=True),
        check_dtype=False,
    )
    assert list(a.nodes.index) == list(b.nodes.index)
    ga = ca.growth(single, start="2024-01-01T00:00Z", metrics=["density"])
    gb = ca.growth(dask_ev.drop(columns=["week"]), start="2024-01-01T00:00Z", metrics=["density"])
    pd.testing.assert_frame_equal(ga, gb, check_dtype=False)


def test_engagement_equal(both):
    single, dask_ev, _ = both
    a = ca.engagement(single, names=True, start="2024-01-01T00:00Z")
    b = ca.engagement(dask_ev.drop(columns=["week"]), names=True, start="2024-01-01T00:00Z")
    pd.testing.assert_frame_equal(a, b)
    assert a["views"].sum() > 0 and a["replies_received"].sum() > 0


def test_paths_and_errors(tmp_path, logs):
    _, parts = logs
    assert expand_paths(parts[0].parent) == sorted(parts)
    assert expand_paths(str(parts[0].parent / "*.gz")) == sorted(parts)
    with pytest.raises(ca.InputError, match="no files"):
        expand_paths(str(tmp_path / "*.gz"))
    (tmp_path / "ds" / "events").mkdir(parents=True)
    with pytest.raises(ca.InputError, match="already holds a dataset"):
        ca.read_events(parts[:1], format="edx_tracking", engine="dask", out=tmp_path / "ds")


def test_object_storage_urls_through_fsspec(logs, tmp_path):
    """Files and dataset behind an fsspec URL (here ``memory://``, which lives in this
    process, so the tasks run in threads of it): listed, globbed, copied to the task's
    temporary folder, read, and the dataset and report written there."""
    import dask
    import fsspec

    from connectana.engines.dask_read import is_url

    _, parts = logs
    fs = fsspec.filesystem("memory")
    for p in parts[:3]:
        fs.pipe(f"/c6logs/{p.name}", p.read_bytes())
    with dask.config.set(scheduler="threads"):
        files = expand_paths("memory://c6logs/")
        assert (
            files
            == expand_paths("memory://c6logs/*.gz")
            == [f"memory:///c6logs/{p.name}" for p in parts[:3]]
        )
        assert all(is_url(f) for f in files)
        remote = ca.read_events(files, format="edx_tracking", engine="dask", out="memory://c6ds")
        got = _sorted(remote.compute())
        rep = ingest_report("memory://c6ds")
    local = ca.read_events(parts[:3], format="edx_tracking", engine="dask", out=tmp_path / "ds")
    pd.testing.assert_frame_equal(got, _sorted(local.compute()), check_dtype=False)
    want = ingest_report(tmp_path / "ds")
    assert (rep.read, rep.kept, rep.notes) == (want.read, want.kept, want.notes)
    assert rep.source.startswith("3 files: tracking.log-00.gz")
    assert fs.exists("/c6ds/events") and fs.exists("/c6ds/ingest.json")
    with pytest.raises(ca.InputError, match="already holds a dataset"):
        ca.read_events(files, format="edx_tracking", engine="dask", out="memory://c6ds")
    fs.rm("/c6logs", recursive=True)
    fs.rm("/c6ds", recursive=True)


def test_the_benchmark_log_files_are_slices_of_one_log(tmp_path):
    import json

    from benchmarks.tracking import write_tracking_files, write_tracking_log

    whole = gzip.open(write_tracking_log(3000, folder=tmp_path), "rt").read().splitlines()
    parts = write_tracking_files(3000, 4, folder=tmp_path)
    sliced = [gzip.open(p, "rt").read().splitlines() for p in parts]
    assert [len(x) for x in sliced] == [750] * 4
    assert sum(sliced, []) == whole
    assert write_tracking_files(3000, 4, folder=tmp_path) == parts  # kept, not rewritten
    records = [json.loads(line) for line in whole]
    times = [r["time"] for r in records]
    assert times == sorted(times) and times[0] == "2024-01-01T00:00:00.000000+00:00"
    forum = sum(r["event_type"].startswith("edx.forum.") for r in records)
    assert 0.03 < forum / len(records) < 0.07  # 5 % forum events


def test_resources_are_extracted_in_the_tasks(tmp_path):
    rows = [
        ("1", "", "ann", "2024-01-01T10:00Z", "see https://Example.org/a?utm_source=x #Graphs"),
        ("2", "1", "bob", "2024-01-02T10:00Z", "also https://example.org/a and #graphs"),
    ]
    cols = ["post_id", "parent_id", "author", "created", "text"]
    for i, r in enumerate(rows):
        pd.DataFrame([r], columns=cols).to_csv(tmp_path / f"f{i}.csv", index=False)
    pd.DataFrame(rows, columns=cols).to_csv(tmp_path / "all.csv", index=False)
    one = ca.read_events(tmp_path / "all.csv", extract=("urls", "hashtags"))
    many = ca.read_events(
        sorted(tmp_path.glob("f*.csv")),
        engine="dask",
        out=tmp_path / "ds",
        extract=("urls", "hashtags"),
    ).compute()
    want = ca.resources(one)[["actor", "kind", "resource"]].values.tolist()
    got = ca.resources(many.drop(columns=["week"]))[["actor", "kind", "resource"]].values.tolist()
    assert (
        got
        == want
        == [
            ["ann", "url", "https://example.org/a"],
            ["ann", "hashtag", "graphs"],
            ["bob", "url", "https://example.org/a"],
            ["bob", "hashtag", "graphs"],
        ]
    )
    assert many["target"].tolist()[1] == "ann"  # resolved across the two files
    assert "text" not in many.columns
