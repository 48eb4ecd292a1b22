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


def test_wheel_ships_the_package_data(tmp_path):
    """A plain install needs the report's style sheet and the sample course (package data)."""
    import shutil
    import zipfile

    src = tmp_path / "src"  # a copy: the build leaves build/ and *.egg-info behind
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("connectana", "sample_data"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--no-deps", "-w", str(tmp_path / "dist"), str(src)],
        check=True, capture_output=True, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("connectana-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "connectana/report.css" in names
    for f in ("forum_posts.csv", "roster.csv", "moodle_forum_export.csv"):
        assert f"connectana/sample_data/{f}" in names, f
    css = zipfile.ZipFile(wheel).read("connectana/report.css").decode()
    assert css == (ROOT / "connectana" / "report.css").read_text(encoding="utf-8")


def test_readme_quick_start_says_how_long_and_how_to_open_the_notebooks():
    """Two commands, how long each takes, how to open the notebooks; CI runs them as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\n(.*?)\n## ", text, re.S).group(1)
    commands = re.search(r"```bash\n(.*?)```", block, re.S).group(1).strip().splitlines()
    assert commands == [
        "python -m pip install -e . && python -m connectana demo --out demo_output",
        'python -m pip install -e ".[test]" && python -m pytest',
    ]
    words = " ".join(block.split())
    assert re.search(r"The first command \(about \d+ seconds\)", words)
    assert re.search(r"it takes several minutes \(about \d+ on two cores\)", words)
    assert 'python -m pip install -e ".[notebooks]"' in words
    assert "jupyter lab notebooks/" in words
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m connectana demo --out" in ci and commands[1] in ci
