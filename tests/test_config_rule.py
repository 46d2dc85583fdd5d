"""One rule for the configuration file (issue #17): the interactive commands read it, the others never do.

The configuration names a tree directory that does not exist and an unknown département: an
interactive command must fail on that directory (it used the file), a non-interactive one must
succeed on ./trees (it ignored the file, as a script needs).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pdp_nav.cli import main

from .helpers import SCENARIO, write_scenario, write_tree
from .terminal import Session, needs_pdp_nav

SCENARIO_FILE = "trees/scenarios/arret.yaml"
TREE_MISSING = ("arbre-de-la-config: dossier d'arbre introuvable : indiquez le dossier qui contient arbre.yaml, "
                "catalogue.yaml et contacts.yaml")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """./trees (with one scenario) in the current directory, and a configuration naming another tree."""
    write_tree(tmp_path).rename(tmp_path / "trees")
    write_scenario(tmp_path / "trees", text=SCENARIO)
    config = tmp_path / "config.toml"
    config.write_text(f'arbre = "{tmp_path / "arbre-de-la-config"}"\ndepartement = "99"\n', encoding="utf-8")
    monkeypatch.setenv("PDP_NAV_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@needs_pdp_nav
@pytest.mark.parametrize(("args", "departement"), [
    (["navigate"], True),
    (["scenario", "record", "nouveau.yaml"], True),
    (["scenario", "play", SCENARIO_FILE], False),  # a scenario names its own département
    (["scenario", "quiz", SCENARIO_FILE], False),
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_interactive_commands_use_the_configured_tree(workdir: Path, args: list[str], departement: bool) -> None:
    """navigate, scenario record, play and quiz take the tree (and département) of the configuration file."""
    s = Session(workdir, args, env={"PDP_NAV_CONFIG": str(workdir / "config.toml")})
    assert s.end() == 2
    assert s.screen == TREE_MISSING + (" (département « 99 » lu dans config.toml)" if departement else "")


@pytest.mark.parametrize("args", [
    ["run", "-a", SCENARIO_FILE, "-f", "json"],
    ["validate"],
    ["paths"],
    ["graph"],
    ["catalogue"],
    ["diff", "trees", "trees"],
    ["export", "html", "-o", "page.html"],
    ["scenario", "check"],
], ids=" ".join)
def test_non_interactive_commands_ignore_the_file(workdir: Path, capsys, args: list[str]) -> None:
    """run, validate, paths, graph, catalogue, diff, export and scenario check: flags and environment only."""
    code = main(args)
    _, err = capsys.readouterr()
    assert code == 0, err  # the configured tree and département would be exit 2
    assert "config" not in err


@pytest.mark.parametrize("how", ["option", "environment"])
def test_option_and_environment_win_over_the_file(workdir: Path, monkeypatch, capsys, how: str) -> None:
    """--arbre, then PDP_NAV_ARBRE, then the file: scenario play --no-pause needs no keyboard."""
    args = ["scenario", "play", "--no-pause", SCENARIO_FILE]
    if how == "option":
        args += ["--arbre", "trees"]
    else:
        monkeypatch.setenv("PDP_NAV_ARBRE", "trees")
    assert main(args) == 0
    assert "Arbre « Mini-arbre PDP », version 1.0." in capsys.readouterr().out
