"""Progress of long runs: a bar for each long read and the stages, on a terminal only."""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import connectana as ca
from connectana.progress import Progress, read_progress

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="module")
def statements(tmp_path_factory) -> Path:
    """The sample course's xAPI statements as JSON lines (1,000 KB: read in several steps)."""
    docs = json.loads((SAMPLE / "xapi_statements.json").read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("xapi") / "statements.jsonl"
    lines = "".join(json.dumps(d) + "\n" for d in docs)
    path.write_text(lines * 2, encoding="utf-8")  # two copies: a little over 1 MiB
    assert path.stat().st_size > 1 << 20
    return path


def _calls(path: Path) -> list[tuple[str, int, int]]:
    seen: list[tuple[str, int, int]] = []
    with read_progress(lambda p, done, size: seen.append((p.name, done, size))):
        ca.read_events(path, format="xapi")
    return seen


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_a_streamed_read_reports_the_bytes_read(statements, tmp_path, compressed):
    path = statements
    if compressed:
        path = tmp_path / "statements.jsonl.gz"
        path.write_bytes(gzip.compress(statements.read_bytes()))
    seen = _calls(path)
    size = path.stat().st_size
    assert {(name, total) for name, _, total in seen} == {(path.name, size)}
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and done[-1] == size  # increasing, to the whole file
    if not compressed:  # a report per MiB read: one on the way, one at the end
        assert len(done) >= 2 and 0 < done[0] < size


def test_nothing_listens_outside_the_block(statements):
    from connectana.progress import read_reporter

    assert read_reporter(statements) is None


def _terminal():
    """A pseudo-terminal of 100 × 30 characters: (reader fd, writer as a text stream)."""
    master, slave = os.openpty()
    _size(slave)
    return master, os.fdopen(slave, "w", buffering=1)


def _size(fd: int) -> None:
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))


def _drain(fd: int) -> str:
    import select

    chunks = []
    while select.select([fd], [], [], 0.1)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_the_cli_shows_a_bar_on_a_terminal(statements, tmp_path, monkeypatch, capsys):
    from connectana import cli

    master, terminal = _terminal()
    try:
        monkeypatch.setattr(sys, "stderr", terminal)
        # the bar of a read longer than bar_delay: every read here, so that the test is short
        monkeypatch.setattr(cli, "Progress", functools.partial(Progress, bar_delay=0))
        out = tmp_path / "e.parquet"
        assert cli.main(["ingest", str(statements), "--format", "xapi", "--out", str(out)]) == 0
        terminal.flush()
        shown = _drain(master)
    finally:
        terminal.close()
        os.close(master)
    assert "reading statements.jsonl (xapi)…" in shown  # the stage line
    size = statements.stat().st_size / 1024 / 1024
    assert re.search(r"reading statements\.jsonl: 100%\|[^\n]*\| " + f"{size:.2f}M/{size:.2f}M",
                     shown), shown  # fmt: skip
    assert "statements.jsonl" not in capsys.readouterr().err  # all of it went to the terminal


def test_the_cli_shows_nothing_when_not_a_terminal(statements, tmp_path, monkeypatch, capsys):
    from connectana import cli

    monkeypatch.setattr(cli, "Progress", functools.partial(Progress, bar_delay=0))
    out = tmp_path / "e.parquet"
    assert cli.main(["ingest", str(statements), "--format", "xapi", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "%|" not in err and " s] " not in err and "reading" not in err


def test_stages_follow_the_real_terminal_test(tmp_path):
    """No forcing: the command itself finds that stderr is a terminal (or a pipe)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    args = [sys.executable, "-m", "connectana", "ingest", str(SAMPLE / "forum_posts.csv"),
            "--format", "table"]  # fmt: skip
    master, slave = os.openpty()
    _size(slave)
    try:
        proc = subprocess.run([*args, "--out", str(tmp_path / "a.parquet")], stderr=slave,
                              stdout=subprocess.PIPE, env=env, cwd=tmp_path, timeout=300)  # fmt: skip
        shown = _drain(master)
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 0
    assert re.search(r"\[\s*\d+\.\d s\] reading forum_posts\.csv \(table\)…", shown), shown
    piped = subprocess.run([*args, "--out", str(tmp_path / "b.parquet")], capture_output=True,
                           text=True, env=env, cwd=tmp_path, timeout=300)  # fmt: skip
    assert piped.returncode == 0 and "reading" not in piped.stderr
    assert " s] " not in piped.stderr and "%|" not in piped.stderr
