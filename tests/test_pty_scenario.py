"""``scenario play``, ``quiz`` and ``record``: the installed ``pdp-nav`` driven in a real pseudo-terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pdp_nav.cli import main

from .helpers import SCENARIO, write_scenario, write_tree
from .terminal import ANSI, CTRL_C, DOWN, ENTER, LEFT, Session, needs_pdp_nav, spaced
from .test_scenarios import WRONG

pytestmark = [needs_pdp_nav, pytest.mark.slow]  # a real terminal: seconds per test


class Pty(Session):
    """``pdp-nav scenario …`` in a pty (24×100, UTF-8, no colour): the navigator tests' session."""

    def __init__(self, cwd: Path, *args: str, width: int = 100) -> None:
        super().__init__(cwd, ["scenario", *args], width=width)

    def expect(self, *texts: str) -> None:
        for text in texts:
            self.child.expect(spaced(text))

    def answer(self, keys: str) -> None:
        """Wait for the question menu, then type ``keys``."""
        self.wait()
        self.keys(keys)

    @property
    def lines(self) -> list[str]:
        """The output lines without escape sequences nor trailing spaces, as a reader sees them:
        non-breaking spaces (French typography, checked in test_typography) as spaces."""
        return [line.rstrip() for line in ANSI.sub("", self.log.getvalue()).replace("\u00a0", " ").split("\n")]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path)


def pty(tree: Path, *args: str) -> Pty:
    return Pty(tree.parent, *args, "--arbre", "tree")


PROJECTOR_CASE = """\
format_version: 1
title: "Arrêt long avec RQTH, une commerciale itinérante qui ne sait pas si elle reprendra la route"
case: |
  Commerciale itinérante de 47 ans, salariée d'un grossiste, en arrêt depuis
  8 mois pour un cancer du sein (chimiothérapie terminée, fatigue importante).

  Elle a obtenu sa RQTH.
answers: {phase: arret, duree_arret: plus_30, rqth: oui}
expect: {outcome: synthese}
"""


class TestPlay:
    def test_projector_at_80_columns(self, tmp_path: Path) -> None:
        """At 80 columns: paragraphs of the case kept and wrapped within, title cut at a word with « … »,
        French spacing, option help indented under its option."""
        from .helpers import ARBRE

        help_ = ("La visite de pré-reprise est possible dès que l'arrêt dépasse 30 jours, à la demande du "
                 "salarié, du médecin traitant ou du médecin-conseil.")
        tree = write_tree(tmp_path, arbre=ARBRE.replace(
            '        label: "Plus de 30 jours"\n', f'        label: "Plus de 30 jours"\n        help: "{help_}"\n'))
        write_scenario(tree, text=PROJECTOR_CASE)
        s = Pty(tree.parent, "play", "--no-pause", "tree/scenarios/arret.yaml", "--arbre", "tree", width=80)
        assert s.end() == 0
        assert s.lines[1:8] == [
            "╭─ Scénario : Arrêt long avec RQTH, une commerciale itinérante qui ne sait… ───╮",
            "│ Commerciale itinérante de 47 ans, salariée d'un grossiste, en arrêt depuis 8 │",
            "│ mois pour un cancer du sein (chimiothérapie terminée, fatigue importante).   │",
            "│                                                                              │",
            "│ Elle a obtenu sa RQTH.                                                       │",
            "╰──────────────────────────────────────────────────────────────────────────────╯",
            "Arbre « Mini-arbre PDP », version 1.0.",
        ]
        assert "Scénario\u00a0:" in s.log.getvalue() and "«\u00a0Mini-arbre PDP\u00a0»" in s.log.getvalue()
        start = s.lines.index("  ◉ Plus de 30 jours   ← réponse du cas")
        assert s.lines[start + 1:start + 4] == [
            "      La visite de pré-reprise est possible dès que l'arrêt dépasse 30 jours, à",
            "      la demande du salarié, du médecin traitant ou du médecin-conseil.",
            "",
        ]

    def test_guided_replay_waits_for_enter(self, tree: Path) -> None:
        """The case, then each question with help and all options (the chosen one marked), then the result."""
        write_scenario(tree)
        s = pty(tree, "play", "tree/scenarios/arret.yaml")
        s.expect("Scénario : Arrêt long avec RQTH", "Salariée en arrêt depuis 45 jours, RQTH obtenue.",
                 "Arbre « Mini-arbre PDP », version 1.0.", "Entrée : première question…")
        assert "Question 1/3" not in s.log.getvalue()  # nothing shown before Enter
        s.child.send(ENTER)
        s.expect("Question 1/3", "Entrée : question suivante…")
        assert "Question 2/3" not in s.log.getvalue()
        s.child.send(ENTER)
        s.expect("Question 2/3", "Entrée : question suivante…")
        s.child.send(ENTER)
        s.expect("Question 3/3", "Entrée : voir le résultat…")
        assert "Préparer le maintien" not in s.log.getvalue()
        s.child.send(ENTER)
        s.expect("Préparer le maintien", "Qui contacter", "✓ Résultat conforme aux attentes du scénario.")
        assert s.end() == 0
        start = s.lines.index("Question 1/3")
        assert s.lines[start:start + 6] == [
            "Question 1/3",
            "Où en est la personne ?",
            "Aide : La phase du parcours détermine les visites possibles.",
            "  ○ En poste, sans arrêt",
            "  ◉ Pendant l'arrêt   ← réponse du cas",
            "  ○ À la reprise",
        ]
        start = s.lines.index("Question 3/3")
        assert s.lines[start + 3:start + 5] == ["  ◉ Oui   ← réponse du cas", "  ○ Non"]

    def test_ctrl_c_at_a_pause_exits_130(self, tree: Path) -> None:
        write_scenario(tree)
        s = pty(tree, "play", "tree/scenarios/arret.yaml")
        s.expect("Entrée : première question…")
        s.child.send(CTRL_C)
        s.expect("Interrompu : aucune donnée n'a été enregistrée. À bientôt.")
        assert s.end() == 130
        assert "Traceback" not in s.log.getvalue()

    def test_no_pause_runs_through_and_shows_the_differences(self, tree: Path) -> None:
        """--no-pause needs no key; a scenario that fails its expectations shows why, with the version note."""
        write_scenario(tree, "faux.yaml", WRONG.replace('tree_version: "1.0"', 'tree_version: "0.9"'))
        s = pty(tree, "play", "--no-pause", "tree/scenarios/faux.yaml")
        assert s.end() == 0
        assert "Attention : scénario écrit pour la version 0.9 de l'arbre, arbre actuel 1.0." in s.lines
        assert s.screen.endswith(
            "✗ Le résultat diffère des attentes du scénario : "
            "- issue attendue « arret_court » (Arrêt court), obtenue « synthese » (Préparer le maintien) "
            "- dispositif(s) attendu(s) mais non proposé(s) : visite-reprise (Visite de reprise) "
            "- dispositif(s) proposé(s) alors que le scénario les exclut : cap-emploi-maintien (Cap emploi — "
            "maintien) "
            "- ordre des premiers dispositifs : attendu visite-pre-reprise, visite-reprise ; obtenu "
            "cap-emploi-maintien, visite-pre-reprise "
            "Scénario écrit pour la version 0.9 de l'arbre, arbre actuel 1.0 : l'écart vient peut-être de "
            "cette mise à jour.")
        assert "Entrée :" not in s.log.getvalue()

    def test_invalid_scenario_is_refused_before_anything(self, tree: Path) -> None:
        write_scenario(tree, text=SCENARIO.replace("rqth: oui", "rqth: si"))
        s = pty(tree, "play", "tree/scenarios/arret.yaml")
        s.expect("tree/scenarios/arret.yaml:9:9: la question « rqth » n'a pas d'option « si » (options : oui, non)")
        assert s.end() == 2
        assert "Scénario :" not in s.log.getvalue()


def quiz(tree: Path, *keys: str) -> list[str]:
    """Answer the helper scenario's quiz with ``keys`` (one per question); the comparison lines."""
    write_scenario(tree)
    s = pty(tree, "quiz", "tree/scenarios/arret.yaml")
    for key in keys:
        s.answer(key)
    s.expect("Comparaison avec le cas de référence")
    assert s.end() == 0
    return s.lines[s.lines.index("Comparaison avec le cas de référence"):]


class TestQuiz:
    def test_same_answers_as_the_reference(self, tree: Path) -> None:
        write_scenario(tree)
        s = pty(tree, "quiz", "tree/scenarios/arret.yaml")
        s.expect("Scénario : Arrêt long avec RQTH", "À vous : répondez aux questions comme pour ce cas.")
        assert "Pendant l'arrêt   ← réponse du cas" not in s.log.getvalue()  # the answers are not given away
        s.answer("2" + ENTER)
        s.answer(DOWN + ENTER)
        s.answer("o")
        s.expect("Comparaison avec le cas de référence")
        assert s.end() == 0
        assert s.lines[s.lines.index("Comparaison avec le cas de référence"):] == [
            "Comparaison avec le cas de référence",
            "✓ Où en est la personne ?",
            "    votre réponse : Pendant l'arrêt",
            "✓ Depuis combien de temps dure l'arrêt ?",
            "    votre réponse : Plus de 30 jours",
            "✓ La personne a-t-elle une RQTH ?",
            "    votre réponse : Oui",
            "",
            "Réponses identiques : 3/3.",
            "✓ Même issue : « Préparer le maintien ».",
            "",
            "Bravo : même parcours et même résultat que la référence.",
            "Résultat de référence : Cap emploi — maintien, Visite de pré-reprise.",
            "",
        ]

    def test_different_path_question_by_question(self, tree: Path) -> None:
        """A different answer: each question compared, the outcome, the dispositifs missed and added."""
        assert quiz(tree, "2" + ENTER, "1" + ENTER) == [
            "Comparaison avec le cas de référence",
            "✓ Où en est la personne ?",
            "    votre réponse : Pendant l'arrêt",
            "✗ Depuis combien de temps dure l'arrêt ?",
            "    votre réponse : 30 jours ou moins",
            "    référence : Plus de 30 jours",
            "✗ La personne a-t-elle une RQTH ?",
            "    votre réponse : (question non posée)",
            "    référence : Oui",
            "",
            "Réponses identiques : 1/3.",
            "✗ Issue : la vôtre « Arrêt court », celle du cas « Préparer le maintien ».",
            "Dispositifs manqués (proposés dans la référence) : Cap emploi — maintien, Visite de pré-reprise.",
            "Dispositifs en plus (absents de la référence) : Visite à la demande.",
            "",
            "Résultat de référence : Cap emploi — maintien, Visite de pré-reprise.",
            "",
        ]

    def test_going_back_during_the_quiz(self, tree: Path) -> None:
        """The navigator's « ← Retour » works: only the final path is compared."""
        write_scenario(tree)
        s = pty(tree, "quiz", "tree/scenarios/arret.yaml")
        s.answer("2" + ENTER)
        s.expect("Question 2")
        s.answer(LEFT)
        s.expect("Question 1")
        s.answer("1" + ENTER)  # « En poste » ends the path at once
        s.expect("Comparaison avec le cas de référence")
        assert s.end() == 0
        start = s.lines.index("Comparaison avec le cas de référence")
        assert s.lines[start + 1:start + 7] == [
            "✗ Où en est la personne ?",
            "    votre réponse : En poste, sans arrêt",
            "    référence : Pendant l'arrêt",
            "✗ Depuis combien de temps dure l'arrêt ?",
            "    votre réponse : (question non posée)",
            "    référence : Plus de 30 jours",
        ]
        assert "✗ Issue : la vôtre « Prévenir pendant l'activité », celle du cas « Préparer le maintien »." in s.lines

    def test_ctrl_c_exits_130(self, tree: Path) -> None:
        write_scenario(tree)
        s = pty(tree, "quiz", "tree/scenarios/arret.yaml")
        s.answer(CTRL_C)
        s.expect("Interrompu : aucune donnée n'a été enregistrée. À bientôt.")
        assert s.end() == 130


class TestRecord:
    def test_record_writes_a_scenario_that_passes_check(self, tree: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
        """The path answered becomes a scenario file (ids, outcome, dispositifs); `scenario check` passes it."""
        s = pty(tree, "record", "--title", "Arrêt long, RQTH", "tree/nouveau.yaml")
        s.expect("Enregistrement d'un scénario dans tree/nouveau.yaml : répondez aux questions du cas.")
        s.answer("2" + ENTER)
        s.answer("2" + ENTER)
        s.answer("o")
        s.expect("Scénario enregistré dans tree/nouveau.yaml")
        assert s.end() == 0
        assert s.screen.endswith(
            "Scénario enregistré dans tree/nouveau.yaml : 3 réponse(s), issue « Préparer le maintien », "
            "dispositifs attendus : Cap emploi — maintien, Visite de pré-reprise. "
            "À faire : complétez le cas (case), ajustez les attentes, puis vérifiez avec « pdp-nav scenario "
            "check tree/nouveau.yaml ».")
        assert (tree / "nouveau.yaml").read_text(encoding="utf-8") == (
            'format_version: 1\n'
            'title: "Arrêt long, RQTH"\n'
            'tree_version: "1.0"\n'
            'case: |\n'
            "  À COMPLÉTER : décrivez la situation telle que vous la lirez au groupe (sans donnée d'identité).\n"
            'answers:\n'
            "  phase: arret  # Où en est la personne ? → Pendant l'arrêt\n"
            "  duree_arret: plus_30  # Depuis combien de temps dure l'arrêt ? → Plus de 30 jours\n"
            '  rqth: oui  # La personne a-t-elle une RQTH ? → Oui\n'
            'expect:\n'
            '  outcome: synthese  # Préparer le maintien\n'
            '  present:\n'
            '    - cap-emploi-maintien  # Cap emploi — maintien\n'
            '    - visite-pre-reprise  # Visite de pré-reprise\n'
            '  # À décommenter et ajuster si le cas doit aussi les vérifier :\n'
            '  # absent: [visite-demande, visite-reprise]\n'
            '  # contacts: [cap-emploi, spst]\n'
            '  # first: [cap-emploi-maintien, visite-pre-reprise]\n')
        monkeypatch.chdir(tree.parent)
        assert main(["scenario", "check", "--arbre", "tree", "tree/nouveau.yaml"]) == 0
        assert capsys.readouterr().out == (
            "⚠ tree/nouveau.yaml — Arrêt long, RQTH : à compléter\n"
            "    tree/nouveau.yaml:4:7: avertissement : le cas du scénario est encore « À COMPLÉTER » : "
            "décrivez la situation lue au groupe\n"
            "1 scénario(s) : 1 réussi(s), 0 en échec, 0 invalide(s), 1 à compléter.\n")

    def test_accessible_mode_and_default_title(self, tree: Path) -> None:
        """Numbered lines typed on the keyboard; without --title the title is left to complete."""
        s = pty(tree, "record", "--accessible", "tree/a.yaml")
        for number in ("3", "2"):
            s.child.expect_exact("Votre choix (")
            s.child.sendline(number)
        s.expect("Scénario enregistré dans tree/a.yaml")
        assert s.end() == 0
        assert "À faire : complétez le titre (title) et le cas (case)" in s.screen
        text = (tree / "a.yaml").read_text(encoding="utf-8")
        assert text.splitlines()[1] == 'title: "À COMPLÉTER : Préparer le maintien"'
        assert "answers:\n  phase: reprise  # Où en est la personne ? → À la reprise\n  rqth: non" in text

    def test_existing_file_needs_force(self, tree: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        """An existing file is refused before any question (exit 2, untouched); --force replaces it."""
        monkeypatch.chdir(tree.parent)
        path = write_scenario(tree)
        assert main(["scenario", "record", "--arbre", "tree", "tree/scenarios/arret.yaml"]) == 2
        assert capsys.readouterr().err == ("tree/scenarios/arret.yaml existe déjà : choisissez un autre nom, ou "
                                           "ajoutez --force pour le remplacer\n")
        assert path.read_text(encoding="utf-8") == SCENARIO
        s = pty(tree, "record", "--force", "tree/scenarios/arret.yaml")
        s.answer("1" + ENTER)
        assert s.end() == 0
        assert "answers:\n  phase: en_poste" in path.read_text(encoding="utf-8")

    def test_ctrl_c_writes_nothing(self, tree: Path) -> None:
        s = pty(tree, "record", "tree/b.yaml")
        s.answer("2" + ENTER)
        s.answer(CTRL_C)
        s.expect("Interrompu : aucune donnée n'a été enregistrée. À bientôt.")
        assert s.end() == 130
        assert sorted(p.name for p in tree.iterdir()) == ["arbre.yaml", "catalogue.yaml", "contacts.yaml",
                                                          "departements"]

    @pytest.mark.parametrize(("target", "message"), [
        ("tree", "tree est un dossier : indiquez le fichier à créer (ex. tree/mon-cas.yaml)"),
        ("cas.txt", "cas.txt : un scénario s'enregistre dans un fichier .yaml (ex. cas.yaml)"),
        ("absent/cas.yaml", "absent/cas.yaml : le dossier absent n'existe pas ; créez-le d'abord"),
    ])
    def test_bad_target(self, tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                        target: str, message: str) -> None:
        monkeypatch.chdir(tree.parent)
        assert main(["scenario", "record", "--arbre", "tree", target]) == 2
        assert capsys.readouterr().err == message + "\n"


def test_no_keyboard(tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a terminal, play says to use --no-pause, quiz and record say they need one (exit 2)."""
    monkeypatch.chdir(tree.parent)
    write_scenario(tree)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["scenario", "play", "--arbre", "tree", "tree/scenarios/arret.yaml"]) == 2
    assert capsys.readouterr().err == (
        "L'entrée standard n'est pas un terminal : pdp-nav scenario play a besoin d'un clavier ; ajoutez "
        "--no-pause pour dérouler le scénario sans attendre Entrée\n")
    assert main(["scenario", "quiz", "--arbre", "tree", "tree/scenarios/arret.yaml"]) == 2
    assert capsys.readouterr().err == (
        "L'entrée standard n'est pas un terminal : pdp-nav scenario quiz a besoin d'un clavier ; lancez la "
        "commande dans un terminal\n")
    assert main(["scenario", "play", "--no-pause", "--arbre", "tree", "tree/scenarios/arret.yaml"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "✓ Résultat conforme aux attentes du scénario."
