"""Decompression bombs: every reader stops at the decompression limit.

Each bomb expands to 1.5 GiB (more than the child's free address space) from
a few megabytes. Read with ``max_bytes=64 MiB``, every reader must end in a
FormatError naming the file, the member and the limit; before the limit
existed each of these ended in MemoryError (issue #15). All cases are read in
one capped child process (one import of the library for the whole module).
"""

from __future__ import annotations

import json

import pytest

MIB = 1 << 20
N = 1536  # 1.5 GiB in 1 MiB chunks
LIMIT = 64 * MIB
ZEROS = b"\0" * MIB
SPACES = b" " * MIB
LINE = (
    json.dumps(
        {
            "username": "ann",
            "event_type": "edx.forum.thread.created",
            "time": "2024-01-01T00:00:00Z",
            "event": {"id": "t1"},
            "context": {"course_id": "c"},
        }
    ).encode()
    + b"\n"
)
LINES = LINE * (MIB // len(LINE))
FORUM = "activities/forum_1/forum.xml"


def _cases(folder, bombs):
    """name -> (file, format, max_bytes or None, extra code, member named, limit named)."""
    g, z, tar = bombs.gzip_bomb, bombs.zip_bomb, bombs.tar_header
    c = {}
    c["edx-zeros-one-line"] = (g(folder / "a.log.gz", b"", ZEROS, N), "edx_tracking", LIMIT)
    c["edx-document-of-spaces"] = (
        g(folder / "b.log.gz", b"[\n", SPACES, N, b"]"),
        "edx_tracking",
        LIMIT,
    )
    c["edx-long-second-line"] = (g(folder / "c.log.gz", LINE, ZEROS, N), "edx_tracking", LIMIT)
    c["edx-many-lines"] = (g(folder / "d.log.gz", b"", LINES, N), "edx_tracking", LIMIT)
    c["edx-forum-default-limit"] = (
        g(folder / "e.mongo.gz", b"[\n", SPACES, N, b"]"),
        "edx_forum",
        None,  # the default, lowered to 32 MiB in the child
    )
    head = tar("moodle_backup.xml", 0) + tar(FORUM, N * MIB)
    c["mbz-tar"] = (g(folder / "f.mbz", head, SPACES, N, b"\0" * 1024), "moodle_backup", LIMIT)
    c["mbz-zip"] = (
        z(folder / "g.mbz", {"moodle_backup.xml": (b"<x/>", b"", 0), FORUM: (b"<a>", SPACES, N)}),
        "moodle_backup",
        LIMIT,
    )
    c["slack-zip"] = (
        z(
            folder / "h.zip",
            {
                "users.json": (b"[]", b"", 0),
                "channels.json": (b'[{"name": "general"}]', b"", 0),
                "general/2024-01-01.json": (b"[", SPACES, N, b"]"),
            },
        ),
        "slack",
        LIMIT,
    )
    days = {f"general/2024-01-{d:02d}.json": (b"[", SPACES, 2, b"]") for d in range(1, 29)}
    c["slack-members-together"] = (
        z(folder / "i.zip", {"users.json": (b"[]", b"", 0), **days}),
        "slack",
        16 * MIB,
    )
    c["table-csv-gz"] = (g(folder / "j.csv.gz", b"actor,timestamp\n", ZEROS, N), "table", LIMIT)
    c["table-jsonl-gz"] = (g(folder / "k.jsonl.gz", b"", ZEROS, N), "table", LIMIT)
    c["table-xlsx"] = (
        z(folder / "l.xlsx", {"xl/worksheets/sheet1.xml": (b"<", SPACES, N)}),
        "table",
        LIMIT,
    )
    c["edx-not-json-first-line"] = (
        g(folder / "m.log.gz", b"not json\n", ZEROS, N),
        "edx_tracking",
        1 << 40,  # no limit would help: refused at the first line
    )
    c["edx-genuine-64-mib"] = (
        g(folder / "n.log.gz", b"", LINES, 16, crc=True),
        "edx_tracking",
        128 * MIB,
    )
    return c


MEMBERS = {
    "mbz-tar": FORUM,
    "mbz-zip": FORUM,
    "slack-zip": "general/2024-01-01.json",
    "table-xlsx": "xl/worksheets/sheet1.xml",
}


def _run_all(folder, bombs, capped) -> dict:
    cases = _cases(folder, bombs)
    for path, *_ in cases.values():
        assert path.stat().st_size < 8 * MIB  # a few megabytes each
    spec = {k: (str(p), fmt, lim) for k, (p, fmt, lim) in cases.items()}
    body = f"""
import connectana as ca
from connectana.io import common
common.DEFAULT_MAX_BYTES = {32 * MIB}
result = {{}}
for name, (path, fmt, limit) in {spec!r}.items():
    try:
        ev = ca.read_events(path, format=fmt, max_bytes=limit, on_error="skip")
        result[name] = {{"outcome": "result", "read": ev.attrs["ingest"].read}}
    except ConnectanaError as exc:
        result[name] = {{"outcome": "error", "type": type(exc).__name__, "message": str(exc)}}
"""
    return capped(body, timeout=120)["result"]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, bombs, capped) -> dict:
    return _run_all(tmp_path_factory.mktemp("bombs"), bombs, capped)


REFUSED = [
    ("edx-zeros-one-line", LIMIT),
    ("edx-document-of-spaces", LIMIT),
    ("edx-long-second-line", LIMIT),
    ("edx-many-lines", LIMIT),
    ("edx-forum-default-limit", 32 * MIB),
    ("mbz-tar", LIMIT),
    ("mbz-zip", LIMIT),
    ("slack-zip", LIMIT),
    ("slack-members-together", 16 * MIB),
    ("table-csv-gz", LIMIT),
    ("table-jsonl-gz", LIMIT),
    ("table-xlsx", LIMIT),
]


@pytest.mark.parametrize(("case", "limit"), REFUSED, ids=[c for c, _ in REFUSED])
def test_bomb_is_refused_at_the_limit(outcomes, case, limit):
    out = outcomes[case]
    assert out["outcome"] == "error", out
    assert out["type"] == "FormatError"
    assert f"{limit:,}" in out["message"] and "max_bytes" in out["message"], out["message"]
    if case in MEMBERS:
        assert MEMBERS[case] in out["message"]


def test_non_json_first_line_is_refused_without_reading_the_rest(outcomes):
    # 1.5 GiB of zeros after a first line that is no JSON, with no effective limit:
    # the old reader decompressed the whole file again, at once
    out = outcomes["edx-not-json-first-line"]
    assert out["outcome"] == "error" and out["type"] == "FormatError", out
    assert "not valid JSON" in out["message"]


def test_genuine_gzip_within_the_limit_is_read(outcomes):
    # 16 MiB of genuine lines under a 128 MiB limit: streamed one line at a time
    assert outcomes["edx-genuine-64-mib"] == {
        "outcome": "result",
        "read": 16 * (MIB // len(LINE)),
    }
