"""Every package imported directly is declared, and constraints-floors.txt pins the declared floors."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
DECLARED = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["test"]]
IMPORT_NAMES = {"yaml": "pyyaml"}
"""Import name -> distribution name, where they differ."""


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imported() -> set[str]:
    found = set()
    for path in [*ROOT.joinpath("pdp_nav").rglob("*.py"), *ROOT.joinpath("tests").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {IMPORT_NAMES.get(m, m).lower().replace("_", "-") for m in found
            if m not in sys.stdlib_module_names and m not in ("pdp_nav", "tests")}


def test_every_imported_package_is_declared() -> None:
    assert _imported() - {_name(r) for r in DECLARED} == set()


def _version(text: str) -> tuple[int, ...]:
    parts = [int(x) for x in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def test_floors_file_pins_the_declared_floors() -> None:
    """Raising a floor in pyproject.toml means raising it where .ci/run tests it, and back."""
    floors = {_name(r): _version(re.search(r">=([0-9.]+)", r).group(1)) for r in DECLARED}  # type: ignore[union-attr]
    lines = (ROOT / "constraints-floors.txt").read_text(encoding="utf-8").splitlines()
    pinned = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    assert {_name(k): _version(v) for k, v in pinned.items()} == floors
