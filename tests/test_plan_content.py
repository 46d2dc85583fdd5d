"""Timing and priority are catalogue content: ``plan:`` is read, ordered, validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdp_nav.cli import main
from pdp_nav.core.engine import replay
from pdp_nav.content.load import load_tree
from pdp_nav.views.plan import plan_lines, result_plan

from .helpers import CATALOGUE, write_tree

PRE = '  visite-pre-reprise:\n    name: "Visite de pré-reprise"\n'
DEMANDE = '  visite-demande:\n    name: "Visite à la demande"\n'
CAP = '  cap-emploi-maintien:\n    name: "Cap emploi — maintien"\n'


def with_plan(pre: str, demande: str = "", cap: str = "") -> str:
    """The test catalogue with ``plan:`` lines added right after the name of some dispositifs."""
    text = CATALOGUE.replace(PRE, PRE + pre).replace(DEMANDE, DEMANDE + demande).replace(CAP, CAP + cap)
    assert PRE + pre in text
    return text


def validate(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, root: Path,
             catalogue: str) -> tuple[int, str]:
    """``pdp-nav validate tree`` from ``root`` (short paths in the messages)."""
    write_tree(root, catalogue=catalogue)
    monkeypatch.chdir(root)
    code = main(["validate", "tree"])
    return code, capsys.readouterr().out


def test_priority_and_cases_order_the_plan(tmp_path: Path) -> None:
    """The lower priority comes first; a case that holds on the answers changes when and priority."""
    catalogue = with_plan(
        '    plan: {short: "Pré-reprise", when: ensuite, priority: 40, key_fact: "arrêt > 30 jours",\n'
        "           cases: [{if: {rqth: oui}, when: maintenant, priority: 1}]}\n",
        cap='    plan: {short: "Cap emploi", when: maintenant, priority: 10, who: "Cap emploi du 56"}\n')
    tree = load_tree(write_tree(tmp_path, catalogue=catalogue))
    oui = result_plan(replay(tree, {"phase": "arret", "duree_arret": "plus_30", "rqth": "oui"})[0].result())
    assert plan_lines(oui) == ["Préparer le maintien", "Mobiliser les acteurs du maintien.", "", "Maintenant",
                               " 1. Pré-reprise — arrêt > 30 jours\u00a0· vous (SPST)",
                               " 2. Cap emploi\u00a0· Cap emploi du 56\u00a0· à\u00a0confirmer", "", "Qui contacter",
                               "  - Cap emploi\u00a0(2)"]
    non = result_plan(replay(tree, {"phase": "arret", "duree_arret": "plus_30", "rqth": "non"})[0].result())
    assert [(g.title, [a.short for a in g.actions]) for g in non.groups] == [("Ensuite, si besoin", ["Pré-reprise"])]


def test_validate_warns_about_a_missing_plan_and_checks_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Once the catalogue uses plan:, a dispositif without one is a warning; a case citing an
    unknown answer is an error, at its position."""
    catalogue = with_plan('    plan: {short: "Pré-reprise", when: maintenant, priority: 1,\n'
                          "           cases: [{if: {rqth: peut-etre}, priority: 2}]}\n")
    code, out = validate(capsys, monkeypatch, tmp_path, catalogue)
    assert code == 1
    lines = out.splitlines()
    assert ("tree/catalogue.yaml:22:32: la condition du dispositif « visite-pre-reprise » cite l'option "
            "« peut-etre », que la question « rqth » n'a pas (options : oui, non)") in lines
    assert ("tree/catalogue.yaml:3:3: avertissement : le dispositif « visite-demande » n'a pas de bloc « plan: » : "
            "il est placé dans le plan d'action selon sa catégorie (« maintenant », priorité 50) ; ajoutez après "
            "« category: » un bloc « plan: {short: …, when: maintenant|reprise|ensuite, priority: N, "
            "key_fact: … } »") in lines
    assert lines[-1] == "1 erreur(s), 3 avertissement(s)."


def test_validate_rejects_an_unknown_timing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """« when: demain » is not a timing: an error at its line and column, naming the allowed ones."""
    catalogue = with_plan('    plan: {short: "Pré-reprise", when: demain, priority: 1}\n')
    assert validate(capsys, monkeypatch, tmp_path, catalogue) == (1, (
        "tree/catalogue.yaml:21:40: valeur « demain » non permise pour « when » : attendu « maintenant » ou "
        "« reprise » ou « ensuite »\n1 erreur(s), 0 avertissement(s).\n"))
