"""The question loop (ask_path) in-process, in accessible mode: answers typed as numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdp_nav.core.engine import Navigation, replay
from pdp_nav.errors import ExitCode, Interrupted
from pdp_nav.content.load import load_tree
from pdp_nav.ui.navigator import Quit, ask_path, describe_revision, pause, progress_text, short_label
from pdp_nav.ui.render import console

from .test_prompts import typed


@pytest.fixture
def tree(tree_dir: Path):
    return load_tree(tree_dir)


def ask(tree, monkeypatch, *lines: str, start: Navigation | None = None) -> Navigation:
    typed(monkeypatch, *lines)
    return ask_path(tree, accessible=True, start=start, console=console())


class TestProgress:
    @pytest.mark.parametrize(("low", "high", "text"), [
        (1, 1, "dernière question"),
        (2, 2, "encore 1 question après celle-ci"),
        (3, 3, "encore 2 questions après celle-ci"),
        (1, 3, "au plus 2 autres questions"),
        (1, 2, "au plus 1 autre question"),
        (3, 5, "encore 2 à 4 questions après celle-ci"),
    ])
    def test_wording(self, low: int, high: int, text: str) -> None:
        """The hint counts the questions after this one, as a range when branches differ."""
        assert progress_text(low, high) == text


class TestShortLabel:
    @pytest.mark.parametrize(("label", "short"), [
        ("Pendant l'arrêt de travail : préparer la reprise", "Pendant l'arrêt de travail"),
        ("Salarié du régime général (secteur privé, y compris intérimaire)", "Salarié du régime général"),
        ("Oui", "Oui"),
        ("Lésion cérébrale acquise, traumatisme grave ou atteinte nécessitant une rééducation",
         "Lésion cérébrale acquise, traumatisme g…"),
    ])
    def test_breadcrumb_labels(self, label: str, short: str) -> None:
        """The breadcrumb keeps an answer's label up to « : » or « ( », 40 characters at most."""
        assert short_label(label) == short


class TestAskPath:
    def test_walks_to_an_outcome_with_breadcrumb_and_progress(self, tree, monkeypatch, capsys) -> None:
        """Numbers answer; every question shows the answers so far and what is left."""
        state = ask(tree, monkeypatch, "2", "2", "1")
        assert state.done and state.answers == {"phase": "arret", "duree_arret": "plus_30", "rqth": "oui"}
        out = capsys.readouterr().out
        assert "Question 1 · au plus 2 autres questions\nOù en est la personne ?\n" in out
        assert "Vos réponses : Pendant l'arrêt\nQuestion 2 · au plus 1 autre question\n" in out
        assert ("Vos réponses : Pendant l'arrêt › Plus de 30 jours\nQuestion 3 · dernière question\n"
                "La personne a-t-elle une RQTH ?\n  1. Oui\n  2. Non\n  3. ← Retour\n"
                "  4. Revenir à une question précédente…\n  5. Recommencer\n  6. Quitter\n") in out

    def test_first_question_offers_only_quit(self, tree, monkeypatch, capsys) -> None:
        """Nothing to go back to or restart on the first question."""
        ask(tree, monkeypatch, "1")
        assert "  3. À la reprise\n  4. Quitter\nVotre choix" in capsys.readouterr().out

    def test_help_on_question_mark(self, tree, monkeypatch, capsys) -> None:
        """« ? » shows the question's help, then asks again."""
        ask(tree, monkeypatch, "?", "1")
        assert "Aide — Où en est la personne ?\n  La phase du parcours détermine les visites possibles.\n" in (
            capsys.readouterr().out)

    def test_back_and_same_answer_keeps_going(self, tree, monkeypatch, capsys) -> None:
        """Going back and giving the same answer says so and goes on from there."""
        state = ask(tree, monkeypatch, "2", "3", "", "1")
        assert state.answers == {"phase": "arret", "duree_arret": "moins_30"}
        out = capsys.readouterr().out
        assert "Votre choix (numéro de 1 à 4, Entrée seule : 2, ? pour l'aide) : " in out
        assert "Réponse inchangée : « Où en est la personne ? » : Pendant l'arrêt.\n" in out

    def test_jump_back_and_change_names_dropped_answers(self, tree, monkeypatch, capsys) -> None:
        """From the breadcrumb, back to the first question; the later answer no longer applies."""
        state = ask(tree, monkeypatch, "2", "2", "4", "1", "1")
        assert state.answers == {"phase": "en_poste"} and state.outcome.id == "en_poste_prevention"
        out = capsys.readouterr().out
        assert ("À quelle question revenir ?\n  1. Où en est la personne ? — Pendant l'arrêt\n"
                "  2. Depuis combien de temps dure l'arrêt ? — Plus de 30 jours\n  3. Annuler\n") in out
        assert ("Réponse modifiée : « Où en est la personne ? » : En poste, sans arrêt (au lieu de "
                "« Pendant l'arrêt »).\nNe s'appliquent plus, retirées : « Depuis combien de temps dure "
                "l'arrêt ? » : Plus de 30 jours.\n") in out

    def test_jump_cancelled(self, tree, monkeypatch) -> None:
        """« Annuler » in the breadcrumb list comes back to the same question."""
        state = ask(tree, monkeypatch, "2", "2", "4", "3", "2")
        assert state.answers == {"phase": "arret", "duree_arret": "plus_30", "rqth": "non"}

    def test_restart_clears_the_answers(self, tree, monkeypatch, capsys) -> None:
        """« Recommencer » starts again from the first question."""
        state = ask(tree, monkeypatch, "2", "4", "1")
        assert state.answers == {"phase": "en_poste"}
        assert "Nouveau parcours : toutes les réponses ont été effacées.\n\nQuestion 1 ·" in capsys.readouterr().out

    def test_quit_is_a_normal_end(self, tree, monkeypatch) -> None:
        """« Quitter » raises Quit, an Interrupted with exit code 0 and a French message."""
        with pytest.raises(Quit) as caught:
            ask(tree, monkeypatch, "4")
        assert isinstance(caught.value, Interrupted) and caught.value.exit_code is ExitCode.OK
        assert str(caught.value) == "Navigation terminée. Aucune donnée n'a été enregistrée. À bientôt."

    def test_end_of_input_interrupts(self, tree, monkeypatch) -> None:
        """Ctrl-D raises Interrupted (exit code 130)."""
        with pytest.raises(Interrupted) as caught:
            ask(tree, monkeypatch, "2")
        assert caught.value.exit_code is ExitCode.INTERRUPTED

    def test_start_state(self, tree, monkeypatch, capsys) -> None:
        """A start state is continued; a finished one is returned as is, without a prompt."""
        middle = Navigation(tree).answer("reprise")
        assert ask(tree, monkeypatch, "2", start=middle).answers == {"phase": "reprise", "rqth": "non"}
        done, _ = replay(tree, {"phase": "en_poste"})
        capsys.readouterr()
        assert ask(tree, monkeypatch, start=done) is done
        assert capsys.readouterr().out == ""

    def test_pause_waits_for_enter(self, monkeypatch, capsys) -> None:
        """pause() prints its message and returns on Enter; Ctrl-D interrupts."""
        typed(monkeypatch, "")
        pause(accessible=True)
        assert capsys.readouterr().out == "Appuyez sur Entrée pour continuer… "
        with pytest.raises(Interrupted):
            pause("Suite ?")


class TestRevision:
    def test_kept_and_dropped_are_named(self, tree) -> None:
        """Changing the first answer keeps the RQTH answer and drops the arrêt duration."""
        origin, _ = replay(tree, {"phase": "arret", "duree_arret": "plus_30", "rqth": "oui"})
        new, dropped = origin.revise("phase", "reprise")
        assert describe_revision(origin, new, "phase", dropped) == [
            "Réponse modifiée : « Où en est la personne ? » : À la reprise (au lieu de « Pendant l'arrêt »).",
            "Réponses conservées (1) : Oui.",
            "Ne s'appliquent plus, retirées : « Depuis combien de temps dure l'arrêt ? » : Plus de 30 jours.",
        ]
