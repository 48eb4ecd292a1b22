"""Packaging contracts: a light import, one environment for pip and conda."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# conda-forge name -> PyPI name, where they differ
CONDA_TO_PYPI = {"python-igraph": "igraph", "matplotlib-base": "matplotlib"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower()


def test_import_is_light():
    code = (
        "import sys, connectana as ca; "
        "heavy = [m for m in ('igraph', 'matplotlib', 'networkx', 'lxml', 'feedparser', 'scipy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_names_exist():
    import connectana as ca

    for name in ("read_events", "validate_events", "build_network", "Network", "ConnectanaError"):
        assert hasattr(ca, name)
    with pytest.raises(AttributeError):
        ca.no_such_thing  # noqa: B018


def test_environment_yml_matches_pyproject():
    tomllib = pytest.importorskip("tomllib")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in pyproject["dependencies"]}
    for extra in pyproject["optional-dependencies"].values():
        pip_names |= {_name(r) for r in extra}
    conda_names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^  - ([A-Za-z0-9_.\-]+)", line)
        if m and m.group(1) not in ("python", "pip"):
            n = _name(m.group(1))
            conda_names.add(CONDA_TO_PYPI.get(n, n))
    assert conda_names == pip_names


def test_errors_are_connectana_errors():
    import connectana as ca

    for cls in (ca.InputError, ca.SchemaError, ca.TimestampError, ca.FormatError):
        assert issubclass(cls, ca.ConnectanaError)
    err = ca.InputError(
        "bad value", file="f.csv", row=3, field="time", found="x", expected="a date"
    )
    assert str(err) == "file 'f.csv', row 3, field 'time': bad value; found 'x'; expected a date"
