"""Helpers of the hostile-input suite.

Each hostile input is read in a fresh Python process under a memory cap
(``resource.setrlimit(RLIMIT_AS)``) and a timeout: the run must end in a
:class:`~connectana.errors.ConnectanaError` or a result — never a
``MemoryError``, an abort (``std::bad_alloc``) or a hang. Bombs are built in
milliseconds: deflate output after a full flush does not depend on what came
before, so one compressed block of 1 MiB is repeated.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Address-space cap of the child process: importing pandas, pyarrow and igraph
#: already reserves about 1.5 GB of (mostly unused) virtual memory.
MEMORY_CAP = 2560 << 20
MIB = 1 << 20

_RUNNER = """
import json, resource, sys, traceback
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
try:
    from connectana.errors import ConnectanaError
    result = None
{body}
    print(json.dumps({{"outcome": "result", "result": result}}))
except ConnectanaError as exc:
    print(json.dumps({{"outcome": "error", "type": type(exc).__name__, "message": str(exc)}}))
"""


def run_capped(body: str, *, cap: int = MEMORY_CAP, timeout: float = 60) -> dict:
    """Run ``body`` (sets ``result``, JSON-serialisable) in a capped child.

    Returns ``{"outcome": "result", "result": ...}`` or ``{"outcome": "error",
    "type": ..., "message": ...}`` for a ConnectanaError; anything else (another
    exception, a signal, a timeout) fails the calling test with the child's stderr.
    """
    code = _RUNNER.format(cap=cap, body=textwrap.indent(textwrap.dedent(body), "    "))
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("PYTHONWARNINGS", None)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hostile input: no answer within {timeout} s (a hang)")
    if proc.returncode != 0:
        pytest.fail(
            f"hostile input: the process ended with status {proc.returncode} "
            f"(MemoryError, abort or crash):\n{proc.stderr[-3000:]}"
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def deflate_repeat(
    prefix: bytes, chunk: bytes, n: int, suffix: bytes = b"", *, crc: bool = False
) -> tuple[bytes, int]:
    """Raw deflate data of ``prefix + chunk * n + suffix`` and its CRC-32,
    without compressing ``chunk`` n times.

    The CRC (checked by gzip and zip only at the end of the data) is computed
    only with ``crc=True``: a reader must stop long before the end of a bomb,
    and one that reads to the end fails the test on its message anyway.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    c.compress(chunk)
    again = c.flush(zlib.Z_FULL_FLUSH)
    assert again == block  # steady state: one block stands for every repeat
    tail = c.compress(suffix) + c.flush()
    value = 0
    if crc:
        value = zlib.crc32(prefix)
        for _ in range(n):
            value = zlib.crc32(chunk, value)
        value = zlib.crc32(suffix, value)
    return head + block * n + tail, value


def gzip_bomb(
    path: Path, prefix: bytes, chunk: bytes, n: int, suffix: bytes = b"", *, crc: bool = False
) -> Path:
    """A one-member gzip file of ``prefix + chunk * n + suffix``."""
    data, crc = deflate_repeat(prefix, chunk, n, suffix, crc=crc)
    size = len(prefix) + len(chunk) * n + len(suffix)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    path.write_bytes(header + data + struct.pack("<II", crc, size & 0xFFFFFFFF))
    return path


def zip_bomb(path: Path, members: dict[str, tuple]) -> Path:
    """A zip archive (deflate, sizes declared truthfully) whose members are
    ``prefix + chunk * n + suffix`` for ``name: (prefix, chunk, n[, suffix])``
    (CRCs computed for members under 64 MiB)."""
    out = bytearray()
    central = bytearray()
    for name, (prefix, chunk, n, *rest) in members.items():
        suffix = rest[0] if rest else b""
        size = len(prefix) + len(chunk) * n + len(suffix)
        data, crc = deflate_repeat(prefix, chunk, n, suffix, crc=size < 64 << 20)
        assert size < 1 << 32
        fname = name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(fname), 0
        )
        out += fname + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(data),
            size,
            len(fname),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += fname
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0
    )
    path.write_bytes(bytes(out + central + end))
    return path


def tar_header(name: str, size: int) -> bytes:
    """A ustar header for a regular file."""
    import tarfile

    info = tarfile.TarInfo(name)
    info.size = size
    return info.tobuf(format=tarfile.USTAR_FORMAT)


@pytest.fixture(scope="session")
def capped():
    """:func:`run_capped`."""
    return run_capped


@pytest.fixture(scope="session")
def bombs():
    """The bomb builders: ``gzip_bomb``, ``zip_bomb``, ``tar_header``."""
    import types

    return types.SimpleNamespace(gzip_bomb=gzip_bomb, zip_bomb=zip_bomb, tar_header=tar_header)
