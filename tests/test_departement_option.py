"""Every département works with every command: ``-d 75``, ``2A``, ``974``, ``056``, ``morbihan``, ``PDP_NAV_DEPARTEMENT`` (issue #14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pdp_nav.cli import main

from .helpers import OVERLAY, write, write_tree
from .terminal import Session, needs_pdp_nav

NOTE = ("Note : aucun annuaire local n'est configuré pour le département {} ; les contacts nationaux et "
        "les annuaires officiels sont indiqués. Pour ajouter les contacts locaux : pdp-nav departement creer {}\n")
WITHOUT_OVERLAY = [("75", "75 (Paris)", "75"), ("2A", "2A (Corse-du-Sud)", "2A"), ("974", "974 (La Réunion)", "974")]
WITH_OVERLAY = ["056", "morbihan", "56", "Morbihan"]
INVALID = ("--departement (ou PDP_NAV_DEPARTEMENT): département « 20 » inconnu : indiquez un numéro de 01 à 95, "
           "2A, 2B ou de 971 à 976 (ex. 56, 056, 2a, 974), ou un nom (ex. morbihan, « Côtes-d'Armor »)\n")


@pytest.fixture
def tree56(tmp_path: Path) -> Path:
    """The small test tree with its Morbihan overlay (Cap emploi 56)."""
    return write_tree(tmp_path, overlays={"56": OVERLAY})


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    return write(tmp_path / "a.yaml", "phase: reprise\nrqth: oui\n")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def commands(tree: Path, answers: Path, tmp_path: Path) -> dict[str, list[str]]:
    return {"run": ["run", "-a", str(answers), "--arbre", str(tree), "-f", "json"],
            "paths": ["paths", "--arbre", str(tree), "--format", "jsonl"],
            "export html": ["export", "html", "-o", str(tmp_path / "page.html"), "--arbre", str(tree)]}


def written(command: str, tmp_path: Path) -> str:
    """What a command says on stderr when it went well (only the export names its file)."""
    if command != "export html":
        return ""
    return f"Page écrite dans {tmp_path / 'page.html'} : ouvrez-la dans un navigateur (elle fonctionne hors ligne).\n"


@pytest.mark.parametrize("command", ["run", "paths", "export html"])
@pytest.mark.parametrize(("given", "label", "dep"), WITHOUT_OVERLAY)
def test_departement_without_overlay(tree56: Path, answers: Path, tmp_path: Path, capsys, command: str,
                                     given: str, label: str, dep: str) -> None:
    """National contacts, and one note saying no local directory is set up and how to add one."""
    code, out, err = cli(capsys, *commands(tree56, answers, tmp_path)[command], "-d", given)
    assert (code, err) == (0, NOTE.format(label, dep) + written(command, tmp_path))
    if command == "run":
        data = json.loads(out)
        assert data["tree"]["departement"] is None
        assert [c["name"] for c in data["contacts"]][:1] == ["Cap emploi"]


@pytest.mark.parametrize("command", ["run", "paths", "export html"])
@pytest.mark.parametrize("given", WITH_OVERLAY)
def test_departement_with_overlay_any_spelling(tree56: Path, answers: Path, tmp_path: Path, capsys,
                                              command: str, given: str) -> None:
    """056, morbihan, Morbihan: the 56 overlay, no note."""
    code, out, err = cli(capsys, *commands(tree56, answers, tmp_path)[command], "-d", given)
    assert (code, err) == (0, written(command, tmp_path))
    if command == "run":
        assert json.loads(out)["contacts"][0]["name"] == "Cap emploi 56"
    if command == "export html":
        assert '"departement":"56"' in (tmp_path / "page.html").read_text(encoding="utf-8").replace(": ", ":")


@pytest.mark.parametrize("command", ["run", "paths", "export html"])
def test_environment_variable(tree56: Path, answers: Path, tmp_path: Path, capsys,
                              monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """PDP_NAV_DEPARTEMENT=75 in a shell profile no longer breaks any command."""
    monkeypatch.setenv("PDP_NAV_DEPARTEMENT", "75")
    code, _, err = cli(capsys, *commands(tree56, answers, tmp_path)[command])
    assert (code, err) == (0, NOTE.format("75 (Paris)", "75") + written(command, tmp_path))


@pytest.mark.parametrize("command", ["run", "paths", "export html"])
def test_invalid_departement(tree56: Path, answers: Path, tmp_path: Path, capsys, command: str) -> None:
    """One French line listing the valid forms, exit 2, no file written."""
    assert cli(capsys, *commands(tree56, answers, tmp_path)[command], "-d", "20") == (2, "", INVALID)
    assert not (tmp_path / "page.html").exists()


def test_config_file_departement_by_name(tree56: Path, answers: Path, tmp_path: Path, capsys,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``departement = "morbihan"`` in the configuration file of the navigator is read like -d."""
    from pdp_nav.commands.navigate import load_tree_of, settings

    config = write(tmp_path / "config.toml", 'departement = "morbihan"\n')
    monkeypatch.setenv("PDP_NAV_CONFIG", str(config))
    tree = load_tree_of(settings(tree56, None, False))
    assert tree.departement == "56" and capsys.readouterr().err == ""


@needs_pdp_nav
@pytest.mark.parametrize(("args", "env", "note"), [
    (["-d", "75"], None, NOTE.format("75 (Paris)", "75")),
    (["-d", "2A"], None, NOTE.format("2A (Corse-du-Sud)", "2A")),
    (["-d", "974"], None, NOTE.format("974 (La Réunion)", "974")),
    ([], {"PDP_NAV_DEPARTEMENT": "75"}, NOTE.format("75 (Paris)", "75")),
    (["-d", "056"], None, ""),
    (["-d", "morbihan"], None, ""),
])
def test_navigate_in_a_terminal(tree56: Path, tmp_path: Path, args: list[str], env: dict | None, note: str) -> None:
    """The navigator starts with any département; without overlay the note comes first, then question 1."""
    s = Session(tmp_path, ["navigate", "--arbre", str(tree56), *args], env=env)
    s.wait("Question 1")
    s.keys("\x03")
    assert s.end() == 130
    screen = s.screen
    assert " ".join(note.split()) in screen and "Question 1" in screen
    assert ("aucun annuaire local" in screen) == bool(note)


@needs_pdp_nav
def test_navigate_result_shows_local_contacts_for_056(tree56: Path, tmp_path: Path) -> None:
    """``-d 056``: the plan's « Qui contacter » names the Morbihan contact, with no « À COMPLÉTER »."""
    s = Session(tmp_path, ["navigate", "--arbre", str(tree56), "-d", "056", "--accessible"])
    s.child.expect_exact("Question 1")
    s.child.expect_exact("Votre choix")
    s.keys("3\r")
    s.child.expect_exact("Question 2")
    s.child.expect_exact("Votre choix")
    s.keys("1\r")
    s.child.expect_exact("Qui contacter")
    s.child.expect_exact("Votre choix")
    s.keys("\x03")
    s.end()
    assert "Cap emploi 56" in s.screen and "COMPLÉTER" not in s.screen  # the local name, never a placeholder
