"""Start-up hygiene: each command imports only what it uses (modules, never timings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pdp_nav import cli

from .helpers import SCENARIO, write

INTERACTIVE = {"questionary", "prompt_toolkit"}
"""Only the interactive navigator and the trainers' screens may import these."""
CHECKS = {"pdp_nav.content.schema", "pdp_nav.content.lint"}
"""Only a cold (uncached) load, ``validate`` and scenario files need these (and jsonschema only to
word the errors of an invalid file)."""


def imported(*args: str, cwd: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules `python -X importtime -m pdp_nav ARGS` imported, and the finished process."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "pdp_nav", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "100"})
    return modules_of(done.stderr), done


def modules_of(importtime: str) -> set[str]:
    """The modules named in the output of ``python -X importtime``."""
    return {line.rsplit("|", 1)[1].strip() for line in importtime.splitlines()
            if line.startswith("import time:") and "|" in line}


def tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    return write(tmp_path / "answers.yaml", "phase: reprise\nrqth: oui\n")


def test_help_imports_no_prompt_nor_tree_code(tmp_path: Path) -> None:
    """`pdp-nav --help` builds every command but reads no tree and prompts nothing."""
    modules, done = imported("--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "validate" in done.stdout and "run" in done.stdout
    assert not tops(modules) & (INTERACTIVE | {"jsonschema", "pydantic"})
    assert not modules & {"pdp_nav.content.load", "pdp_nav.core.engine", "pdp_nav.content.lint", "pdp_nav.ui.render"}


def test_version_reads_no_tree(tmp_path: Path) -> None:
    modules, done = imported("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "pdp-nav 0.1.0\n")
    assert not tops(modules) & (INTERACTIVE | {"jsonschema", "pydantic", "rich"})
    assert not modules & {"pdp_nav.content.load", "pdp_nav.core.engine"}


def test_run_json_warm_imports_only_its_own_command(tree_dir: Path, answers: Path, tmp_path: Path) -> None:
    """`run --format json` on a cached tree: no Rich, no prompts, no JSON Schema, no other command."""
    args = ("run", "--answers", str(answers), "--arbre", str(tree_dir), "--format", "json")
    cold, done = imported(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert CHECKS <= cold  # the first load checks the tree (and fills the cache)
    assert "jsonschema" not in tops(cold)  # a valid tree passes the compiled schema check alone
    warm, done = imported(*args, cwd=tmp_path)
    assert done.returncode == 0 and '"kind": "pdp-nav-result"' in done.stdout
    assert not tops(warm) & (INTERACTIVE | {"rich", "jsonschema", "pydantic"})
    assert not warm & {"pdp_nav.content.schema", "pdp_nav.content.lint", "pdp_nav.ui.render", "pdp_nav.validate"}
    assert {m for m in warm if m.startswith("pdp_nav.commands.")} == {
        "pdp_nav.commands.core", "pdp_nav.commands.common"}


def test_run_text_off_a_terminal_is_plain(tree_dir: Path, answers: Path, tmp_path: Path) -> None:
    """Text to a pipe or a file is plain lines: neither Rich nor prompt libraries are imported.

    (In a terminal the same command draws the plan with Rich: ``tests/test_cli_run.py``, in a pty.)
    """
    for extra in ((), ("-o", "r.txt")):
        modules, done = imported("run", "-a", str(answers), "--arbre", str(tree_dir), *extra, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        assert not tops(modules) & (INTERACTIVE | {"rich"}) and "pdp_nav.ui.render" not in modules
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").startswith("Préparer le maintien\n")


def test_no_cache_run_checks_the_tree_every_time(tree_dir: Path, answers: Path, tmp_path: Path) -> None:
    args = ("--no-cache", "run", "-a", str(answers), "--arbre", str(tree_dir), "-f", "json")
    for _ in range(2):
        modules, done = imported(*args, cwd=tmp_path)
        assert done.returncode == 0 and CHECKS <= modules | tops(modules)


@pytest.mark.parametrize("command", [["validate", "{tree}"], ["paths", "--arbre", "{tree}"],
                                     ["scenario", "check", "--arbre", "{tree}", "{scenarios}"]])
def test_scripted_commands_never_import_prompts(command: list[str], tree_dir: Path, tmp_path: Path) -> None:
    """validate, paths and scenario check run in scripts: no questionary/prompt_toolkit, no pydantic."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    write(scenarios / "arret-long.yaml", SCENARIO)
    args = [a.format(tree=tree_dir, scenarios=scenarios) for a in command]
    imported(*args, cwd=tmp_path)  # fills the cache
    modules, done = imported(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not tops(modules) & (INTERACTIVE | {"pydantic"})
    if command[0] == "paths":
        assert not tops(modules) & {"rich", "jsonschema", "yaml"}


def test_a_warm_load_imports_no_yaml(tree_dir: Path, tmp_path: Path) -> None:
    """A tree read from the cache needs no YAML parser: PyYAML is imported to read a file only
    (the first load, an answers file, a scenario), not by navigate, paths, fiche… on a cached tree."""
    load = f"from pathlib import Path; from pdp_nav.content.load import load_tree; load_tree(Path({str(tree_dir)!r}))"
    runs = [subprocess.run([sys.executable, "-X", "importtime", "-c", load], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120) for _ in range(2)]
    cold, warm = (modules_of(run.stderr) for run in runs)
    assert [run.returncode for run in runs] == [0, 0], runs[-1].stderr[-2000:]
    assert "yaml" in cold and "pdp_nav.content.lint" in cold  # the first load reads and checks the files
    assert not warm & {"yaml", "pdp_nav.content.yamlio", "pdp_nav.content.lint"}


def test_every_fast_path_command_is_registered_by_its_module() -> None:
    """COMMAND_MODULES (which module builds which command) agrees with the complete app."""
    import typer.main

    full = typer.main.get_command(cli.build_app())
    for name, module in cli.COMMAND_MODULES.items():
        assert name in full.commands, f"{name} n'est pas une commande"  # type: ignore[attr-defined]
        slim = typer.main.get_command(cli.build_app((module,)))
        assert name in slim.commands, f"{name} n'est pas enregistrée par {module}"  # type: ignore[attr-defined]
    assert set(cli.MODULES) == set(cli.COMMAND_MODULES.values())


def test_unknown_command_still_gets_the_french_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    """A command outside the fast-path table is looked up among all commands."""
    assert cli.main(["valiate"]) == 2
    err = capsys.readouterr().err
    assert "Commande inconnue" in err and "validate" in err


def test_script_runs_main_then_skips_the_last_collection(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The `pdp-nav` entry point returns main()'s exit code and freezes the GC before exiting."""
    import gc

    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(sys, "argv", ["pdp-nav", "--version"])
    assert cli.script() == 0 and frozen == [True]
    assert capsys.readouterr().out == "pdp-nav 0.1.0\n"
    monkeypatch.setattr(sys, "argv", ["pdp-nav", "valiate"])
    assert cli.script() == 2 and frozen == [True, True]
