"""Stored notebook outputs: nothing from the machine that ran them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# absolute paths of a POSIX or Windows machine (home folders, temp folders, checkouts)
ABSOLUTE = re.compile(
    r"(?<![\w.])(/(home|root|tmp|work|Users|var|private|opt|mnt|srv)/[\w.-]+"
    r"|[A-Za-z]:\\\\(Users|Temp|Windows)\b)"
)


def _outputs(nb: dict) -> list[str]:
    texts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            texts.append("".join(out.get("text", "")))
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    texts.append(value if isinstance(value, str) else json.dumps(value))
            texts.append("".join(out.get("traceback", [])))
    return texts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_absolute_paths_in_stored_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = sorted({m.group(0) for text in _outputs(nb) for m in ABSOLUTE.finditer(text)})
    assert not found, f"{path.name} stores absolute paths: {found[:5]}"


def test_the_pattern_finds_absolute_paths():
    assert ABSOLUTE.search("Ingest report — table: /work/main/sample_data/forum_posts.csv")
    assert ABSOLUTE.search(r"C:\\Users\\ann\\course.csv")
    assert not ABSOLUTE.search("Ingest report — table: ../sample_data/forum_posts.csv")
    assert not ABSOLUTE.search("2024/01/07 and 1/2 of the ties")
