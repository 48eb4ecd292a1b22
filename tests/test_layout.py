"""The layout contract: no private name crosses a module boundary, and a long module says why.

- A name that starts with one underscore (``_x``, not ``__x__``) is private to its
  module: another module of ``connectana`` may neither import it (``from .m import _x``)
  nor reach it through an imported module (``import connectana.m as m; m._x``, ``from .
  import m; m._x``). Make it public or move it.
- A module over :data:`MAX_LINES` lines states the reason in its docstring, in a sentence
  of the shape ``The module is over 800 lines: <reason>`` (also ``a little over 800
  lines because <reason>``, ``longer than most (...): <reason>``, ``... on purpose:``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import connectana

PACKAGE = Path(connectana.__file__).resolve().parent
MAX_LINES = 800
REASON = re.compile(
    r"[Tt]he module is [^.]*?(?:800 lines|longer than)[^.]*?(?::|because|on purpose)\s*(\S.{19,})",
    re.S,
)


def _modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _absolute(module: str, node: ast.ImportFrom, path: Path) -> str:
    """The dotted name an ``import from`` refers to, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def crossings(module: str, path: Path) -> list[str]:
    """Private names of other connectana modules used by ``module`` (file ``path``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> connectana module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(module, node, path)
            if not source.startswith("connectana"):
                continue
            for a in node.names:
                if f"{source}.{a.name}" in MODULES:  # a module imported from its package
                    aliases[a.asname or a.name] = f"{source}.{a.name}"
                elif _private(a.name) and source != module:
                    found.append(f"{module}:{node.lineno} from {source} import {a.name}")
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("connectana"):
                    aliases[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0]
                    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            target = _dotted(node.value, aliases)
            if target and target in MODULES and target != module:
                found.append(f"{module}:{node.lineno} {target}.{node.attr}")
    return found


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The module an expression like ``m`` or ``connectana.io.m`` names, if any."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def lacks_reason(text: str) -> bool:
    """True when the module ``text`` is over :data:`MAX_LINES` lines and its docstring
    gives no reason for it."""
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines <= MAX_LINES:
        return False
    return not REASON.search(ast.get_docstring(ast.parse(text)) or "")


def test_no_private_name_crosses_a_module_boundary():
    found = [c for module, path in MODULES.items() for c in crossings(module, path)]
    assert not found, "private names used across modules (make them public or move them):\n" + (
        "\n".join(found)
    )


def test_every_long_module_says_why():
    found = [
        str(path.relative_to(PACKAGE.parent))
        for path in MODULES.values()
        if lacks_reason(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"modules over {MAX_LINES} lines without a reason in their docstring: {found}"


# -- the checks themselves catch what they should -------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from .timestamps import _NS_MAX, parse_timestamps\n",
            ["from connectana.io.timestamps import _NS_MAX"],
        ),
        (
            "from . import common\nx = common._private_helper\n",
            ["connectana.io.common._private_helper"],
        ),
        ("import connectana.io.common as c\nc._x()\n", ["connectana.io.common._x"]),
        ("from ..measures import _num\n", ["from connectana.measures import _num"]),
        ("from .common import EMPTY\nfrom . import common\ncommon.EMPTY\n", []),
        ("from .timestamps import __doc__\nimport pandas as pd\npd._libs\n", []),
    ],
)
def test_crossings_are_found(tmp_path, source, expected):
    path = tmp_path / "wordpress.py"
    path.write_text(source)
    found = crossings("connectana.io.wordpress", path)
    assert [f.split(" ", 1)[1] for f in found] == expected


def test_a_long_module_needs_its_reason():
    body = "x = 1\n" * (MAX_LINES + 1)
    assert lacks_reason('"""Something."""\n' + body)
    assert lacks_reason('"""Something.\n\nThe module is over 800 lines."""\n' + body)
    assert not lacks_reason(
        '"""Something.\n\nThe module is over 800 lines: one topic, the readers of one '
        'platform, kept together."""\n' + body
    )
    assert not lacks_reason(
        '"""The module is longer than most (one topic, temporal networks): the spells, '
        'paths and reachability share one search."""\n' + body
    )
    assert not lacks_reason('"""Short."""\nx = 1\n')
