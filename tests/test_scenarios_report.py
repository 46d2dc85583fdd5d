"""``scenario check --coverage/--min-coverage/--junit``, and the scenarios checked by ``pdp-nav validate``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from pdp_nav.cli import main

from .helpers import SCENARIO, line_of, output_validator, write_scenario, write_tree
from .test_scenarios import WRONG, check

COVERAGE = """\
Couverture de l'arbre par 1 scénario(s) rejoué(s) :
    questions : 3/3 (100 %)
    options : 3/7 (42,9 %) ; jamais choisies : phase.en_poste, phase.reprise, duree_arret.moins_30, rqth.non
    issues : 1/3 (33,3 %) ; jamais atteintes : en_poste_prevention, arret_court
    dispositifs : 2/4 (50 %) ; jamais proposés : visite-demande, visite-reprise
    ensemble : 9/17 (52,9 %)
"""

EN_POSTE = """\
format_version: 1
title: "En poste"
case: "Salarié en poste."
answers: {phase: en_poste}
expect: {outcome: en_poste_prevention, present: [visite-demande]}
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path)


UNFINISHED = SCENARIO.replace('title: "Arrêt long avec RQTH"', 'title: "À COMPLÉTER : Arrêt long"').replace(
    "  Salariée en arrêt", "  À COMPLÉTER : Salariée en arrêt")


class TestUnfinished:
    """`scenario check` does not print a silent ✓ for a scenario still being written (issue #17)."""

    def test_placeholders_are_warned_and_pass_unless_strict(self, tree: Path, capsys) -> None:
        """« À COMPLÉTER » in the title and the case: ⚠, the places to complete, exit 0; exit 1 with --strict."""
        write_scenario(tree, text=UNFINISHED)
        assert check(capsys, "--arbre", "tree") == (0, (
            "⚠ tree/scenarios/arret.yaml — À COMPLÉTER : Arrêt long : à compléter\n"
            "    tree/scenarios/arret.yaml:2:8: avertissement : le titre du scénario est encore « À COMPLÉTER » : "
            "donnez un titre\n"
            "    tree/scenarios/arret.yaml:4:7: avertissement : le cas du scénario est encore « À COMPLÉTER » : "
            "décrivez la situation lue au groupe\n"
            "1 scénario(s) : 1 réussi(s), 0 en échec, 0 invalide(s), 1 à compléter.\n"), "")
        assert check(capsys, "--arbre", "tree", "--strict")[0] == 1

    def test_empty_case_and_no_expectation(self, tree: Path, capsys) -> None:
        """A blank case and an empty expect are warned at their place, in the JSON report too."""
        text = SCENARIO.replace("case: |\n  Salariée en arrêt depuis 45 jours, RQTH obtenue.\n", 'case: " "\n')
        write_scenario(tree, text=text[:text.index("expect:")] + "expect: {}\n")
        code, out, _ = check(capsys, "--arbre", "tree", "--format", "json")
        data = json.loads(out)
        output_validator("scenario-check").validate(data)
        assert code == 0
        assert [(w["line"], w["rule"], w["message"]) for w in data["scenarios"][0]["warnings"]] == [
            (4, "empty-case", "le cas du scénario est vide : décrivez la situation lue au groupe"),
            (9, "no-expectation", "le scénario n'attend rien : ajoutez au moins « outcome » ou « present » sous "
                                  "« expect », sans quoi il réussit toujours"),
        ]

    def test_junit_keeps_warnings_and_fails_them_with_strict(self, tree: Path, capsys) -> None:
        """JUnit: warnings in system-out; with --strict the unfinished scenario is a failure."""
        write_scenario(tree, text=UNFINISHED)
        assert check(capsys, "--arbre", "tree", "--junit", "r.xml")[0] == 0
        case = ET.parse("r.xml").getroot().find("testsuite/testcase")
        assert case is not None and [c.tag for c in case] == ["system-out"]
        assert check(capsys, "--arbre", "tree", "--junit", "r.xml", "--strict")[0] == 1
        root = ET.parse("r.xml").getroot()
        failure = root.find("testsuite/testcase/failure")
        assert (root.get("failures"), failure is not None and failure.get("type")) == ("1", "unfinished-scenario")


class TestCoverage:
    def test_coverage_lists_what_no_scenario_reaches(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--coverage: per kind, how many are reached and which are not; the exit code is unchanged."""
        write_scenario(tree)
        code, out, _ = check(capsys, "--arbre", "tree", "--coverage")
        assert code == 0
        assert out == ("✓ tree/scenarios/arret.yaml — Arrêt long avec RQTH\n"
                       "1 scénario(s) : 1 réussi(s), 0 en échec, 0 invalide(s).\n\n" + COVERAGE)

    def test_below_the_threshold_fails(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        write_scenario(tree)
        code, out, _ = check(capsys, "--arbre", "tree", "--min-coverage", "60")
        assert code == 1
        assert out.endswith(COVERAGE + "Couverture 52,9 % inférieure au seuil de 60 % : ajoutez des scénarios "
                            "qui passent par les éléments jamais atteints ci-dessus.\n")

    def test_reaching_the_threshold_passes(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A second scenario raises the coverage; invalid scenarios do not count."""
        write_scenario(tree)
        write_scenario(tree, "poste.yaml", EN_POSTE)
        code, out, _ = check(capsys, "--arbre", "tree", "--min-coverage", "70.5")
        assert code == 0
        assert out.splitlines()[-2:] == ["    ensemble : 12/17 (70,6 %)",
                                         "Couverture 70,6 % : seuil de 70,5 % atteint."]

    def test_threshold_out_of_range(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        write_scenario(tree)
        assert check(capsys, "--arbre", "tree", "--min-coverage", "150") == (
            2, "", "--min-coverage 150 : indiquez un pourcentage entre 0 et 100\n")

    def test_failing_scenarios_still_count_invalid_ones_do_not(self, tree: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
        write_scenario(tree, "a.yaml", WRONG)
        write_scenario(tree, "b.yaml", EN_POSTE.replace("en_poste}", "en_post}"))
        code, out, _ = check(capsys, "--arbre", "tree", "--coverage", "--format", "json")
        data = json.loads(out)
        assert code == 2
        assert data["coverage"] == {
            "scenarios": 1, "percent": 52.9, "minimum": None, "ok": None,
            "categories": {
                "questions": {"total": 3, "covered": 3, "missing": []},
                "options": {"total": 7, "covered": 3,
                            "missing": ["phase.en_poste", "phase.reprise", "duree_arret.moins_30", "rqth.non"]},
                "outcomes": {"total": 3, "covered": 1, "missing": ["en_poste_prevention", "arret_court"]},
                "dispositifs": {"total": 4, "covered": 2, "missing": ["visite-demande", "visite-reprise"]},
            }}


class TestJsonSchema:
    """The JSON report follows its published schema (docs/schema/scenario-check.schema.json)."""

    def test_documented_example_validates(self) -> None:
        docs = (Path(__file__).resolve().parent.parent / "docs" / "formats.md").read_text(encoding="utf-8")
        section = docs.split("## `pdp-nav scenario check --format json`", 1)[1]
        example = section.split("```json\n", 1)[1].split("```", 1)[0]
        output_validator("scenario-check").validate(json.loads(example))

    @pytest.mark.parametrize("options", [[], ["--coverage"], ["--min-coverage", "50"]])
    def test_real_reports_validate(self, tree: Path, capsys: pytest.CaptureFixture[str], options: list[str]) -> None:
        """Passed, failed and invalid scenarios, with and without coverage."""
        write_scenario(tree, "a.yaml")
        write_scenario(tree, "b.yaml", WRONG.replace('tree_version: "1.0"', 'tree_version: "0.9"'))
        write_scenario(tree, "c.yaml", SCENARIO.replace("rqth: oui", "rqht: oui"))
        write_scenario(tree, "d.yaml", "")
        code, out, _ = check(capsys, "--arbre", "tree", "--format", "json", *options)
        assert code == 2
        data = json.loads(out)
        output_validator("scenario-check").validate(data)
        assert [s["status"] for s in data["scenarios"]] == ["passed", "failed", "invalid", "invalid"]
        assert data["tree"]["departement"] is None


class TestJunit:
    def test_junit_report(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """One test case per scenario: failures and invalid files, plus the coverage threshold."""
        write_scenario(tree, "a.yaml")
        write_scenario(tree, "b.yaml", WRONG)
        write_scenario(tree, "c.yaml", "")
        code, _, _ = check(capsys, "--arbre", "tree", "--junit", "rapport.xml", "--min-coverage", "90")
        assert code == 2
        root = ET.parse("rapport.xml").getroot()
        assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == ("testsuites", "4", "2", "1")
        suite = root.find("testsuite")
        assert suite is not None
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert (props["tree_id"], props["tree_version"]) == ("mini", "1.0")
        cases = suite.findall("testcase")
        assert [(c.get("classname"), c.get("name")) for c in cases] == [
            ("tree/scenarios/a.yaml", "Arrêt long avec RQTH"),
            ("tree/scenarios/b.yaml", "Attentes fausses"),
            ("tree/scenarios/c.yaml", "tree/scenarios/c.yaml"),
            ("coverage", "couverture des scénarios"),
        ]
        assert list(cases[0]) == []
        failure = cases[1].find("failure")
        assert failure is not None and failure.text is not None
        assert failure.text.splitlines()[0] == (
            "- issue attendue « arret_court » (Arrêt court), obtenue « synthese » (Préparer le maintien)")
        error = cases[2].find("error")
        assert error is not None and error.get("type") == "invalid-scenario"
        assert error.text == ("tree/scenarios/c.yaml:1:1: fichier vide : un scénario contient format_version, "
                              "title, case, answers et expect")
        coverage = cases[3].find("failure")
        assert coverage is not None and coverage.get("message", "").startswith("Couverture 52,9 % inférieure")

    def test_unwritable_junit_leaves_nothing(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An output folder that does not exist: French error, exit 2, no partial file."""
        write_scenario(tree)
        code, out, err = check(capsys, "--arbre", "tree", "--junit", "absent/rapport.xml")
        assert (code, out) == (2, "")
        assert err == ("absent/rapport.xml: impossible d'écrire le fichier (chemin introuvable : le dossier "
                       "n'existe pas) ; aucun "
                       "fichier partiel n'a été laissé. Choisissez un autre chemin ou libérez de la place.\n")

    def test_junit_replaces_atomically(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An existing report is replaced whole, and no temporary file is left beside it."""
        write_scenario(tree)
        Path("rapport.xml").write_text("ancien", encoding="utf-8")
        assert check(capsys, "--arbre", "tree", "--junit", "rapport.xml")[0] == 0
        assert ET.parse("rapport.xml").getroot().get("tests") == "1"
        assert sorted(os.listdir(".")) == ["rapport.xml", "tree"]


class TestValidate:
    """``pdp-nav validate`` also checks ``<tree>/scenarios`` (ids and answers, not the expectations)."""

    def test_valid_scenarios_are_counted(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        write_scenario(tree)
        write_scenario(tree, "faux.yaml", WRONG)  # wrong expectations are for `scenario check`
        assert main(["validate", "tree"]) == 0
        assert capsys.readouterr().out == (
            "Arbre valide : 3 questions, 3 issues, 4 dispositifs, 2 contacts, 0 surcouche(s) départementale(s), "
            "2 scénario(s).\n")

    def test_broken_scenarios_are_errors(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Unknown question, option off the path, unknown dispositif: each located; exit 1."""
        text = (SCENARIO.replace("  phase: arret", "  phase: reprise").replace("contacts: [spst, cap-emploi]",
                "contacts: [spst, capemploi]").replace('tree_version: "1.0"', 'tree_version: "0.8"'))
        write_scenario(tree, text=text)
        write_scenario(tree, "b.yaml", SCENARIO.replace("rqth: oui", "rqth: si"))
        assert main(["validate", "tree"]) == 1
        assert capsys.readouterr().out == (
            "tree/scenarios/arret.yaml:3:15: avertissement : scénario écrit pour la version 0.8 de l'arbre, arbre "
            "actuel 1.0 : mettez-le à jour\n"
            f"tree/scenarios/arret.yaml:{line_of(text, 'duree_arret')}:3: la question « duree_arret » n'est pas "
            "posée sur ce parcours (phase=reprise → rqth=oui) : supprimez cette réponse ou corrigez une réponse "
            "précédente\n"
            f"tree/scenarios/arret.yaml:{line_of(text, 'contacts:')}:20: le contact « capemploi » n'existe pas dans "
            "contacts.yaml (version 1.0) : vouliez-vous dire « cap-emploi » ?\n"
            f"tree/scenarios/b.yaml:{line_of(SCENARIO, 'rqth: oui')}:9: la question « rqth » n'a pas d'option "
            "« si » (options : oui, non)\n"
            "3 erreur(s), 1 avertissement(s).\n")

    def test_unreadable_scenario_exits_2(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        write_scenario(tree, text="title: [\n")
        assert main(["validate", "tree"]) == 2
        out = capsys.readouterr().out
        assert out.startswith("tree/scenarios/arret.yaml:2:1: erreur de syntaxe YAML")
        assert out.endswith("1 erreur(s) de lecture : corrigez-les puis relancez la vérification.\n")

    def test_placeholder_case_is_a_warning(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A recorded scenario whose case was not written yet is flagged for the trainer."""
        write_scenario(tree, text=SCENARIO.replace("  Salariée en arrêt", "  À COMPLÉTER : Salariée en arrêt"))
        assert main(["validate", "tree"]) == 0
        assert capsys.readouterr().out.splitlines()[0] == (
            "tree/scenarios/arret.yaml:4:7: avertissement : le cas du scénario est encore « À COMPLÉTER » : "
            "décrivez la situation lue au groupe")
        assert main(["validate", "--strict", "tree"]) == 1

    def test_scenario_departement_uses_the_overlay(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
        from .helpers import OVERLAY

        monkeypatch.chdir(tmp_path)
        tree = write_tree(tmp_path, overlays={"56": OVERLAY})
        text = SCENARIO.replace("case: |", 'departement: "99"\ncase: |')
        write_scenario(tree, text=text)
        write_scenario(tree, "ok.yaml", SCENARIO.replace("case: |", 'departement: "56"\ncase: |'))
        assert main(["validate", "tree"]) == 1
        assert capsys.readouterr().out.splitlines()[1] == (
            f"tree/scenarios/arret.yaml:{line_of(text, 'departement')}:14: département « 99 » inconnu : indiquez "
            "un numéro de 01 à 95, 2A, 2B ou de 971 à 976 (ex. 56, 056, 2a, 974), ou un nom (ex. morbihan, "
            "« Côtes-d'Armor »)")

    def test_broken_tree_does_not_crash_the_scenario_check(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
        """A scenario that follows a dangling « next » is reported, next to the tree's own error."""
        from .helpers import ARBRE

        monkeypatch.chdir(tmp_path)
        tree = write_tree(tmp_path, arbre=ARBRE.replace("next: arret_court", "next: nulle_part"))
        text = SCENARIO.replace("duree_arret: plus_30", "duree_arret: moins_30").replace("  rqth: oui\n", "")
        write_scenario(tree, text=text)
        assert main(["validate", "tree"]) == 1
        assert capsys.readouterr().out.splitlines()[1:] == [
            f"tree/scenarios/arret.yaml:{line_of(text, 'phase: arret')}:3: le parcours s'arrête sur « nulle_part », "
            "qui n'est ni une question ni une issue de l'arbre : corrigez l'arbre",
            "2 erreur(s), 0 avertissement(s).",
        ]
