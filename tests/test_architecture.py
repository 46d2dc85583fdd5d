"""The layout shows the design (issue #12): no import cycle, layers that only look down, a module map kept whole."""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pdp_nav"
CONTRIBUTING = PACKAGE.parent / "CONTRIBUTING.md"

LAYERS: dict[str, set[str]] = {
    # part of pdp_nav -> the parts it may import (itself always)
    "system": {"errors"},
    "errors": {"system"},  # errors quotes data through system.textsafe, which imports nothing of ours
    "core": {"errors"},
    "content": {"errors", "system", "core", "__init__"},
    "laws": {"errors", "system", "core", "content", "__init__"},
    "views": {"errors", "system", "core"},
    "scenarios": {"errors", "system", "core", "content", "views"},
    "validate": {"errors", "core", "content", "scenarios"},
    "export": {"errors", "system", "core", "content", "views", "__init__"},
    "ui": {"errors", "system", "core", "views", "scenarios"},
    "commands": {"errors", "system", "core", "content", "laws", "views", "scenarios", "validate", "export", "ui"},
    "cli": {"errors", "system", "views", "ui", "commands", "__init__"},
    "__main__": {"cli"},
    "__init__": set(),
}
"""Who may import whom: the core imports nothing from ui/, views/, commands/ or export/."""

THIRD_PARTY: dict[str, set[str]] = {
    # library -> the only parts of pdp_nav that import it
    "rich": {"ui"},
    "questionary": {"ui.prompts"},
    "prompt_toolkit": {"ui.prompts"},
    "typer": {"cli", "commands", "ui.help_fr"},
    "click": set(),  # only through typer (Typer's own copy), in ui.help_fr
    "jsonschema": {"content.schema"},
    "referencing": {"content.schema"},
    "yaml": {"content.yamlio", "scenarios.report", "laws.convert"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


@functools.cache  # several tests read the same imports: each module is parsed once per run
def _imports(name: str) -> tuple[tuple[str, int, bool], ...]:
    """(imported module, line, inside a function) for every import of ``name`` run at some point."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue  # annotations only, never executed
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                for alias in child.names:
                    full = f"{target}.{alias.name}"
                    found.append((full if full in MODULES else target, child.lineno, in_function))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return tuple(found)


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@functools.cache  # made by the first test that needs it, not by every worker's collection
def graph() -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports."""
    return {name: {m for m, _, _ in _imports(name) if m in MODULES and m != name} for name in MODULES}


def test_the_import_graph_has_no_cycle() -> None:
    """Imports inside functions count too: a cycle closed by a late import is still a cycle."""
    done: set[str] = set()

    def walk(name: str, stack: list[str]) -> None:
        if name in stack:
            pytest.fail("cycle d'imports : " + " -> ".join([*stack[stack.index(name):], name]))
        if name in done:
            return
        for dep in sorted(graph()[name]):
            walk(dep, [*stack, name])
        done.add(name)

    for name in sorted(graph()):
        walk(name, [])


def test_each_part_imports_only_the_layers_below() -> None:
    wrong = [f"{name} imports {dep}" for name, deps in graph().items() for dep in sorted(deps)
             if _part(dep) != _part(name) and _part(dep) not in LAYERS[_part(name)]]
    assert not wrong
    assert set(LAYERS) == {_part(name) for name in MODULES}, "a new part of pdp_nav needs its row in LAYERS"


def test_the_core_is_pure() -> None:
    """The core imports only the standard library and the errors module."""
    for name in (n for n in MODULES if _part(n) == "core"):
        outside = {m.split(".")[0] for m, _, _ in _imports(name)} - {"pdp_nav", "__future__"}
        assert all(m in sys.stdlib_module_names for m in outside), (name, outside)


def test_each_library_is_imported_in_one_place() -> None:
    wrong = []
    for name in MODULES:
        where = name.removeprefix("pdp_nav.")
        for module, line, _ in _imports(name):
            allowed = THIRD_PARTY.get(module.split(".")[0])
            if allowed is not None and not any(where == a or where.startswith(a + ".") for a in allowed):
                wrong.append(f"{MODULES[name].relative_to(PACKAGE.parent)}:{line}: {module}")
    assert not wrong


def test_every_import_inside_a_function_says_why() -> None:
    """An import is at the top of its module, unless start-up needs it late.

    The reason is a comment on the first line of each block of such imports (or the line above).
    """
    missing = []
    for path in MODULES.values():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                for body in (getattr(node, field, None) for field in ("body", "orelse", "finalbody", "handlers")):
                    if not isinstance(body, list):
                        continue
                    for before, stmt in zip([None, *body], body, strict=False):
                        if (isinstance(stmt, (ast.Import, ast.ImportFrom)) and not isinstance(before, (ast.Import, ast.ImportFrom))
                                and "#" not in lines[stmt.lineno - 1] and not lines[stmt.lineno - 2].lstrip().startswith("#")):
                            missing.append(f"{path.relative_to(PACKAGE.parent)}:{stmt.lineno}: {lines[stmt.lineno - 1].strip()}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("part", sorted({_part(n) for n in MODULES if "." in n.removeprefix("pdp_nav.")}))
def test_each_package_imports_on_its_own(part: str) -> None:
    """In a fresh interpreter, every module of a package imports without help from the rest."""
    names = [n for n in MODULES if _part(n) == part]
    code = "import importlib\nfor n in %r:\n    importlib.import_module(n)\n" % names
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_contributing_maps_every_module() -> None:
    """CONTRIBUTING.md's module map names every module of the package, and only those."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    named = set(re.findall(r"`(pdp_nav/[\w/]+\.(?:py|js|css|html))`", text))
    files = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*")
             if p.suffix in (".py", ".js", ".css", ".html") and p.name != "__init__.py"
             and "__pycache__" not in p.parts and "trees" not in p.relative_to(PACKAGE).parts}
    assert sorted(files - named) == [], "modules missing from CONTRIBUTING.md's map"
    assert sorted(named - files) == [], "CONTRIBUTING.md names modules that do not exist"
