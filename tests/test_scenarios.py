"""``pdp-nav scenario check``: one line per scenario, readable diffs, invalid files located, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdp_nav.cli import main

from .helpers import OVERLAY, SCENARIO, line_of, write_scenario, write_tree

WRONG = SCENARIO.replace('title: "Arrêt long avec RQTH"', 'title: "Attentes fausses"').replace(
    "  outcome: synthese\n  present: [visite-pre-reprise, cap-emploi-maintien]\n  absent: [visite-reprise]\n"
    "  contacts: [spst, cap-emploi]\n  first: [cap-emploi-maintien]\n",
    "  outcome: arret_court\n  present: [visite-reprise, visite-pre-reprise]\n  absent: [cap-emploi-maintien]\n"
    "  contacts: [spst]\n  first: [visite-pre-reprise, visite-reprise]\n")
"""The helper scenario with every kind of wrong expectation (its path and result are unchanged)."""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The helper tree, with the current directory above it so that messages show short paths."""
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path)


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scenario", "check", *args])
    out, err = capsys.readouterr()
    return code, out, err


class TestPassing:
    def test_passing_scenario(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A scenario that gets what it expects: one ✓ line, the totals, exit 0."""
        write_scenario(tree)
        assert check(capsys, "--arbre", "tree") == (0, (
            "✓ tree/scenarios/arret.yaml — Arrêt long avec RQTH\n"
            "1 scénario(s) : 1 réussi(s), 0 en échec, 0 invalide(s).\n"), "")

    def test_folders_are_searched_recursively_in_order(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Sub-folders are searched, files sorted, hidden files and other suffixes ignored."""
        write_scenario(tree, "b.yaml")
        (tree / "scenarios" / "theme").mkdir()
        (tree / "scenarios" / "theme" / "a.yml").write_text(SCENARIO, encoding="utf-8")
        write_scenario(tree, ".brouillon.yaml", "pas: [un scénario")
        write_scenario(tree, "notes.txt", "rien")
        code, out, _ = check(capsys, "--arbre", "tree")
        assert code == 0
        assert out.splitlines()[:2] == ["✓ tree/scenarios/b.yaml — Arrêt long avec RQTH",
                                        "✓ tree/scenarios/theme/a.yml — Arrêt long avec RQTH"]

    def test_explicit_files_and_folders(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Paths given on the command line replace the default folder; a file named twice runs once."""
        path = write_scenario(tree)
        other = tree.parent / "autres"
        other.mkdir()
        (other / "x.yaml").write_text(SCENARIO, encoding="utf-8")
        code, out, _ = check(capsys, "--arbre", "tree", str(path), "autres", str(path))
        assert code == 0
        assert out == ("✓ tree/scenarios/arret.yaml — Arrêt long avec RQTH\n"
                       "✓ autres/x.yaml — Arrêt long avec RQTH\n"
                       "2 scénario(s) : 2 réussi(s), 0 en échec, 0 invalide(s).\n")

    def test_other_tree_version_passing_is_not_mentioned(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A scenario written for another version that still passes needs no note."""
        write_scenario(tree, text=SCENARIO.replace('tree_version: "1.0"', 'tree_version: "0.9"'))
        code, out, _ = check(capsys, "--arbre", "tree")
        assert (code, out.splitlines()[0]) == (0, "✓ tree/scenarios/arret.yaml — Arrêt long avec RQTH")


class TestFailing:
    def test_wrong_expectations_give_a_readable_diff(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Wrong outcome, missing, unexpected, order and contacts: each said, then what came out; exit 1."""
        write_scenario(tree)
        write_scenario(tree, "faux.yaml", WRONG)
        assert check(capsys, "--arbre", "tree") == (1, (
            "✓ tree/scenarios/arret.yaml — Arrêt long avec RQTH\n"
            "✗ tree/scenarios/faux.yaml — Attentes fausses\n"
            "    - issue attendue « arret_court » (Arrêt court), obtenue « synthese » (Préparer le maintien)\n"
            "    - dispositif(s) attendu(s) mais non proposé(s) : visite-reprise (Visite de reprise)\n"
            "    - dispositif(s) proposé(s) alors que le scénario les exclut : cap-emploi-maintien "
            "(Cap emploi — maintien)\n"
            "    - ordre des premiers dispositifs : attendu visite-pre-reprise, visite-reprise ; "
            "obtenu cap-emploi-maintien, visite-pre-reprise\n"
            "    obtenu : issue « synthese » (Préparer le maintien) ; dispositifs proposés : "
            "cap-emploi-maintien, visite-pre-reprise\n"
            "2 scénario(s) : 1 réussi(s), 1 en échec, 0 invalide(s).\n"), "")

    def test_missing_contact(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A contact expected but not in the result is named with its name."""
        text = SCENARIO.replace("rqth: oui", "rqth: non").replace(
            "  present: [visite-pre-reprise, cap-emploi-maintien]\n", "  present: [visite-pre-reprise]\n").replace(
            "  first: [cap-emploi-maintien]\n", "")
        write_scenario(tree, text=text)
        code, out, _ = check(capsys, "--arbre", "tree")
        assert code == 1
        assert out.splitlines()[1:3] == [
            "    - contact(s) attendu(s) absent(s) du résultat : cap-emploi (Cap emploi)",
            "    obtenu : issue « synthese » (Préparer le maintien) ; dispositifs proposés : visite-pre-reprise",
        ]

    def test_contact_that_must_not_be_shown(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """absent_contacts: a contact shown anyway is a failure, named; not shown, the scenario passes."""
        write_scenario(tree, text=SCENARIO.replace("  contacts: [spst, cap-emploi]\n",
                                                   "  contacts: [spst]\n  absent_contacts: [cap-emploi]\n"))
        code, out, _ = check(capsys, "--arbre", "tree")
        assert code == 1
        assert out.splitlines()[1] == (
            "    - contact(s) montré(s) alors que le scénario les exclut : cap-emploi (Cap emploi)")
        text = SCENARIO.replace("rqth: oui", "rqth: non").replace(
            "  present: [visite-pre-reprise, cap-emploi-maintien]\n", "  present: [visite-pre-reprise]\n").replace(
            "  first: [cap-emploi-maintien]\n", "").replace(
            "  contacts: [spst, cap-emploi]\n", "  contacts: [spst]\n  absent_contacts: [cap-emploi]\n")
        write_scenario(tree, text=text)
        code, out, _ = check(capsys, "--arbre", "tree", "--format", "json")
        assert code == 0, out

    def test_failure_names_the_tree_version_it_was_written_for(self, tree: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
        """A failing scenario written for another tree version says so."""
        write_scenario(tree, text=WRONG.replace('tree_version: "1.0"', 'tree_version: "0.9"'))
        code, out, _ = check(capsys, "--arbre", "tree")
        assert code == 1
        assert out.splitlines()[-2] == (
            "    ⚠ scénario écrit pour la version 0.9 de l'arbre, arbre actuel 1.0 : l'arbre a changé depuis, "
            "mettez à jour le scénario (réponses, attentes, tree_version)")

    def test_json_format(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--format json: versioned layout with status, mismatches and counts."""
        import json

        write_scenario(tree)
        write_scenario(tree, "faux.yaml", WRONG.replace('tree_version: "1.0"', 'tree_version: "0.9"'))
        code, out, _ = check(capsys, "--arbre", "tree", "--format", "json")
        data = json.loads(out)
        assert code == 1
        assert (data["format_version"], data["kind"]) == (1, "pdp-nav-scenario-check")
        assert data["tree"]["version"] == "1.0"
        assert data["counts"] == {"passed": 1, "failed": 1, "invalid": 0}
        assert data["coverage"] is None
        passed, failed = data["scenarios"]
        assert passed == {
            "file": "tree/scenarios/arret.yaml", "title": "Arrêt long avec RQTH", "status": "passed",
            "tree_version": {"scenario": "1.0", "tree": "1.0"}, "version_note": None,
            "outcome": "synthese", "dispositifs": ["cap-emploi-maintien", "visite-pre-reprise"],
            "contacts": ["cap-emploi", "spst"], "mismatches": [], "problems": [], "warnings": []}
        assert failed["version_note"] == "écrit pour la version 0.9 de l'arbre, arbre actuel 1.0"
        assert [(m["kind"], m["expected"], m["actual"]) for m in failed["mismatches"]] == [
            ("outcome", ["arret_court"], ["synthese"]),
            ("missing", ["visite-reprise"], ["cap-emploi-maintien", "visite-pre-reprise"]),
            ("unexpected", ["cap-emploi-maintien"], ["cap-emploi-maintien", "visite-pre-reprise"]),
            ("order", ["visite-pre-reprise", "visite-reprise"], ["cap-emploi-maintien", "visite-pre-reprise"]),
        ]


class TestInvalid:
    @pytest.mark.parametrize(("old", "new", "needle", "column", "message"), [
        ("  rqth: oui", "  rqht: oui", "rqht:", 3,
         "la question « rqht » n'existe pas dans l'arbre (version 1.0) (vouliez-vous dire « rqth » ?)"),
        ("  rqth: oui", "  rqth: peut_etre", "peut_etre", 9,
         "la question « rqth » n'a pas d'option « peut_etre » (options : oui, non)"),
        ("  outcome: synthese", "  outcome: synthse", "synthse", 12,
         "l'issue « synthse » n'existe pas dans l'arbre (version 1.0) : vouliez-vous dire « synthese » ?"),
        ("  absent: [visite-reprise]", "  absent: [visite-reprse]", "visite-reprse", 12,
         "le dispositif « visite-reprse » n'existe pas dans le catalogue (version 1.0) : "
         "vouliez-vous dire « visite-reprise » ?"),
        ("  contacts: [spst, cap-emploi]", "  contacts: [spst, mdph]", "mdph", 20,
         "le contact « mdph » n'existe pas dans contacts.yaml (version 1.0)"),
        ("  contacts: [spst, cap-emploi]", "  contacts: [spst, cap-emploi]\n  absent_contacts: [cap-emploi]",
         "absent_contacts:", 21, "le contact « cap-emploi » est à la fois attendu et exclu : retirez-le de "
         "« contacts » ou de « absent_contacts »"),
        ("  contacts: [spst, cap-emploi]", "  absent_contacts: [cap-emplo]", "absent_contacts:", 21,
         "le contact « cap-emplo » n'existe pas dans contacts.yaml (version 1.0) : vouliez-vous dire « cap-emploi » ?"),
        ("  absent: [visite-reprise]", "  absent: [cap-emploi-maintien]", "absent:", 12,
         "le dispositif « cap-emploi-maintien » est à la fois attendu et exclu : retirez-le de "
         "« present »/« first » ou de « absent »"),
        ('title: "Arrêt long avec RQTH"', 'titre: "Arrêt long avec RQTH"', "titre:", 1,
         "clé inconnue « titre » dans le fichier : vouliez-vous dire « title » ?"),
        ("  rqth: oui", "  rqth: no", "rqth: no", 9,
         "la réponse à « rqth » est lue comme un booléen par YAML : mettez l'identifiant d'option "
         "entre guillemets (ex. \"no\")"),
    ])
    def test_located_problem(self, tree: Path, capsys: pytest.CaptureFixture[str], old: str, new: str,
                             needle: str, column: int, message: str) -> None:
        """A scenario referring to what the tree does not have names it, with line and column; exit 2."""
        text = SCENARIO.replace(old, new)
        assert text != SCENARIO
        write_scenario(tree, text=text)
        code, out, _ = check(capsys, "--arbre", "tree")
        lines = out.splitlines()
        assert code == 2
        assert lines[0].startswith("✗ tree/scenarios/arret.yaml")
        assert lines[0].endswith(" : fichier invalide")
        assert f"    tree/scenarios/arret.yaml:{line_of(text, needle)}:{column}: {message}" in lines[1:]
        assert lines[-1] == "1 scénario(s) : 0 réussi(s), 0 en échec, 1 invalide(s)."

    def test_answer_off_the_path_and_tree_version(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An answer to a question the path does not ask, in a scenario for an older tree version."""
        text = SCENARIO.replace("  duree_arret: plus_30\n", "  duree_arret: moins_30\n").replace(
            'tree_version: "1.0"', 'tree_version: "0.9"')
        write_scenario(tree, text=text)
        assert check(capsys, "--arbre", "tree") == (2, (
            "✗ tree/scenarios/arret.yaml — Arrêt long avec RQTH : fichier invalide\n"
            f"    tree/scenarios/arret.yaml:{line_of(text, 'rqth: oui')}:3: la question « rqth » n'est pas posée "
            "sur ce parcours (phase=arret → duree_arret=moins_30) : supprimez cette réponse ou corrigez une "
            "réponse précédente\n"
            "    ⚠ scénario écrit pour la version 0.9 de l'arbre, arbre actuel 1.0 : l'arbre a changé depuis, "
            "mettez à jour le scénario (réponses, attentes, tree_version)\n"
            "1 scénario(s) : 0 réussi(s), 0 en échec, 1 invalide(s).\n"), "")

    def test_missing_answer(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        write_scenario(tree, text=SCENARIO.replace("  rqth: oui\n", ""))
        code, out, _ = check(capsys, "--arbre", "tree")
        assert code == 2
        assert out.splitlines()[1] == (
            f"    tree/scenarios/arret.yaml:{line_of(SCENARIO, 'phase: arret')}:3: réponse manquante pour la "
            "question « rqth » (« La personne a-t-elle une RQTH ? ») : ajoutez « rqth: <option> » "
            "(options : oui, non)")

    def test_schema_problems_all_at_once(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Missing keys and wrong types are all listed, with positions."""
        write_scenario(tree, text='format_version: 1\ntitle: "T"\ntree_version: 1.1\nanswers: {phase: arret}\n')
        assert check(capsys, "--arbre", "tree") == (2, (
            "✗ tree/scenarios/arret.yaml : fichier invalide\n"
            "    tree/scenarios/arret.yaml:1:1: le fichier : clé obligatoire « case » manquante\n"
            "    tree/scenarios/arret.yaml:1:1: le fichier : clé obligatoire « expect » manquante\n"
            "    tree/scenarios/arret.yaml:3:15: « tree_version » doit être un texte, pas un nombre\n"
            "1 scénario(s) : 0 réussi(s), 0 en échec, 1 invalide(s).\n"), "")

    @pytest.mark.parametrize(("text", "message"), [
        ("", "1:1: fichier vide : un scénario contient format_version, title, case, answers et expect"),
        ("- a\n- b\n", "1:1: un scénario est un dictionnaire avec format_version, title, case, answers et expect"),
        ("title: a: b\n", "1:9: erreur de syntaxe YAML : « : » inattendu (une valeur contient-elle « : » sans "
                          "guillemets ?)"),
    ])
    def test_unreadable_or_not_a_mapping(self, tree: Path, capsys: pytest.CaptureFixture[str], text: str,
                                         message: str) -> None:
        write_scenario(tree, text=text)
        code, out, _ = check(capsys, "--arbre", "tree")
        lines = out.splitlines()
        assert (code, lines[0]) == (2, "✗ tree/scenarios/arret.yaml : fichier invalide")
        assert lines[1].startswith(f"    tree/scenarios/arret.yaml:{message}")  # the parser's own words vary

    def test_invalid_file_among_others(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An invalid file does not stop the others; invalid beats failed for the exit code."""
        write_scenario(tree, "a.yaml", WRONG)
        write_scenario(tree, "b.yaml", "")
        write_scenario(tree, "c.yaml")
        code, out, _ = check(capsys, "--arbre", "tree")
        assert code == 2
        assert out.splitlines()[-1] == "3 scénario(s) : 1 réussi(s), 1 en échec, 1 invalide(s)."

    def test_unknown_departement(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A scenario naming a département that does not exist: its line, and the valid forms."""
        text = SCENARIO.replace("case: |", 'departement: "99"\ncase: |')
        write_scenario(tree, text=text)
        code, out, _ = check(capsys, "--arbre", "tree")
        assert code == 2
        assert out.splitlines()[1] == (
            f"    tree/scenarios/arret.yaml:{line_of(text, 'departement')}:14: département « 99 » inconnu : "
            "indiquez un numéro de 01 à 95, 2A, 2B ou de 971 à 976 (ex. 56, 056, 2a, 974), ou un nom "
            "(ex. morbihan, « Côtes-d'Armor »)")


def test_departement_overlay_contacts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario with a département is run with that overlay: its local contacts can be expected."""
    monkeypatch.chdir(tmp_path)
    overlay = OVERLAY + ('  kerpape:\n    name: "Centre de Kerpape"\n    description: "Rééducation."\n'
                         '    channels: [{kind: autre, value: "À COMPLÉTER"}]\n'
                         '    dispositifs: [visite-pre-reprise]\n')
    tree = write_tree(tmp_path, overlays={"56": overlay})
    write_scenario(tree, text=SCENARIO.replace("case: |", 'departement: "56"\ncase: |').replace(
        "contacts: [spst, cap-emploi]", "contacts: [kerpape, cap-emploi]"))
    write_scenario(tree, "national.yaml", SCENARIO.replace("contacts: [spst, cap-emploi]", "contacts: [kerpape]"))
    code, out, _ = check(capsys, "--arbre", "tree")
    assert code == 2
    assert out.splitlines()[:3] == [
        "✓ tree/scenarios/arret.yaml — Arrêt long avec RQTH",
        "✗ tree/scenarios/national.yaml — Arrêt long avec RQTH : fichier invalide",
        f"    tree/scenarios/national.yaml:{line_of(SCENARIO, 'contacts:')}:14: le contact « kerpape » n'existe "
        "pas dans contacts.yaml (version 1.0)",
    ]


class TestUsage:
    def test_no_scenario_folder(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert check(capsys, "--arbre", "tree") == (2, "", (
            "tree/scenarios: dossier de scénarios introuvable : créez-le (pdp-nav scenario record) ou "
            "indiquez des fichiers de scénario\n"))

    def test_empty_folder(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (tree / "scenarios").mkdir()
        assert check(capsys, "--arbre", "tree") == (2, "", (
            "tree/scenarios: aucun scénario trouvé (fichiers .yaml) : indiquez un fichier ou un dossier qui "
            "en contient\n"))

    def test_missing_path(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert check(capsys, "--arbre", "tree", "absent.yaml") == (2, "", (
            "absent.yaml: fichier ou dossier de scénarios introuvable : vérifiez le chemin\n"))

    def test_bad_format(self, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
        write_scenario(tree)
        assert check(capsys, "--arbre", "tree", "--format", "xml") == (2, "", (
            "--format « xml » inconnu : choisissez parmi text, json\n"))

    def test_invalid_tree_is_reported_first(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
        """Scenarios cannot be checked against a broken tree: its errors are shown, exit 2."""
        from .helpers import ARBRE

        monkeypatch.chdir(tmp_path)
        tree = write_tree(tmp_path, arbre=ARBRE.replace("next: arret_court", "next: arret_cour"))
        write_scenario(tree)
        code, out, err = check(capsys, "--arbre", "tree")
        assert (code, out) == (2, "")
        assert "« arret_cour »" in err.splitlines()[0]

    def test_group_without_command_says_what_to_add(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Like ``pdp-nav export``: a group alone is a usage mistake (exit 2), in French."""
        assert main(["scenario"]) == 2
        assert capsys.readouterr() == ("", "indiquez quoi faire (check, play, quiz ou record), par exemple : "
                                           "pdp-nav scenario check (aide : pdp-nav scenario --help)\n")
