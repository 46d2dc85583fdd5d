"""The installed ``pdp-nav`` driven in a real pseudo-terminal with pexpect, as a doctor would use it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .helpers import OVERLAY, write_tree
from .terminal import (ANSI, CTRL_C, CTRL_D, DOWN, ENTER, LEFT, MENU_HINT, PDP_NAV, TIMEOUT, Session,
                       needs_pdp_nav)

pytestmark = [needs_pdp_nav, pytest.mark.slow]  # a real terminal: seconds per test


@pytest.fixture
def start(tmp_path: Path, tree_dir: Path):
    def run(*args: str, env: dict[str, str | None] | None = None, width: int = 100,
            tree: Path = tree_dir) -> Session:
        return Session(tmp_path, ["navigate", "--arbre", str(tree), *args], env=env, width=width)
    return run


def reach_result(s: Session) -> None:
    """Pendant l'arrêt (number), plus de 30 jours (arrow), RQTH oui (o key)."""
    s.wait("Question 1")
    s.keys("2" + ENTER)
    s.wait("Question 2")
    s.keys(DOWN + ENTER)
    s.wait("Question 3")
    s.keys("o")
    s.wait("Qui contacter", "Et maintenant ?", hint=MENU_HINT)


def test_full_path_to_result_then_quit(start) -> None:
    """Three answers lead to the plan; an action opens its card, Entrée goes back to the plan; « Quitter » exits 0."""
    s = start()
    reach_result(s)
    s.keys("3" + ENTER)  # « Ouvrir la fiche d'une action… »
    s.wait("Quelle fiche ?", hint=MENU_HINT)
    s.keys("2" + ENTER)
    s.wait("Prochaine étape", "Entrée pour revenir au plan…", hint="")
    s.keys(ENTER)
    s.wait("Préparer le maintien", "Et maintenant ?", hint=MENU_HINT)
    s.keys("6" + ENTER)
    assert s.end() == 0
    screen = s.screen
    assert "Question 1 · au plus 2 autres questions" in screen
    assert "Vos réponses : Pendant l'arrêt › Plus de 30 jours Question 3 · dernière question" in screen
    assert "? La personne a-t-elle une RQTH ? (o/n, ou ↑↓ et Entrée · ? aide)" in screen
    assert ("Préparer le maintien Mobiliser les acteurs du maintien. Maintenant "
            "1. Cap emploi — maintien · Cap emploi · à confirmer 2. Visite de pré-reprise · vous (SPST) "
            "Qui contacter - Cap emploi (1) ? Et maintenant ?") in screen
    assert "│ Pourquoi « Depuis combien de temps dure l'arrêt ? » : « Plus de 30 jours »" in screen
    assert "Prochaine étape Organiser la visite." in screen
    assert "Navigation terminée. Aucune donnée n'a été enregistrée. À bientôt." in screen
    assert "Traceback" not in screen


def test_back_three_questions_and_take_another_branch(start) -> None:
    """From the result, back three questions, another first answer: dropped answers named, result diff."""
    s = start()
    reach_result(s)
    s.keys("2" + ENTER)  # « ← Retour à la dernière question »
    s.wait("Question 3")
    s.keys(LEFT)  # the ← key
    s.wait("Question 2")
    s.keys(DOWN + ENTER)  # the « ← Retour » item, just under the previous answer
    s.wait("Question 1")
    s.keys("3" + ENTER)  # À la reprise
    s.wait("Par rapport au résultat précédent", "Et maintenant ?", hint=MENU_HINT)
    s.keys(CTRL_D)
    assert s.end() == 130
    screen = s.screen
    assert ("Réponse modifiée : « Où en est la personne ? » : À la reprise (au lieu de « Pendant l'arrêt »). "
            "Réponses conservées (1) : Oui. "
            "Ne s'appliquent plus, retirées : « Depuis combien de temps dure l'arrêt ? » : Plus de 30 jours.") in screen
    assert ("Par rapport au résultat précédent : + Visite de reprise (ajouté) − Visite de pré-reprise (retiré)"
            in screen)
    assert screen.endswith("Interrompu : aucune donnée n'a été enregistrée. À bientôt.")


def test_jump_from_breadcrumb_and_help(start) -> None:
    """« ? » shows the help; the breadcrumb list goes straight back to the first question."""
    s = start()
    s.wait("Question 1")
    s.keys("pen" + ENTER)  # first letters: Pendant l'arrêt
    s.wait("Question 2")
    s.keys("?")
    s.wait("Au-delà de 30 jours, la visite de pré-reprise est possible.")
    s.keys("plus" + ENTER)
    s.wait("Question 3")
    s.keys("rev" + ENTER)  # « Revenir à une question précédente… »
    s.wait("À quelle question revenir ?", hint=MENU_HINT)
    s.keys("1" + ENTER)
    s.wait("Question 1")
    s.keys("1" + ENTER)  # En poste: the duration no longer applies
    s.wait("Prévenir pendant l'activité", "Et maintenant ?", hint=MENU_HINT)
    s.keys(CTRL_C)
    assert s.end() == 130
    screen = s.screen
    assert ("Ne s'appliquent plus, retirées : « Depuis combien de temps dure l'arrêt ? » : Plus de 30 jours."
            in screen)
    assert "Par rapport au résultat précédent" not in screen


def test_restart_during_questions_and_from_result(start) -> None:
    """« Recommencer » empties the answers; after a restart there is nothing to compare with."""
    s = start()
    s.wait("Question 1")
    s.keys("2" + ENTER)
    s.wait("Question 2")
    s.keys("rec" + ENTER)
    s.wait("Nouveau parcours : toutes les réponses ont été effacées.", "Question 1")
    s.keys("1" + ENTER)
    s.wait("Et maintenant ?", hint=MENU_HINT)
    s.keys("5" + ENTER)
    s.wait("Nouveau parcours", "Question 1")
    s.keys("3" + ENTER)
    s.wait("Question 2")
    s.keys("n")
    s.wait("Visite de reprise", "Et maintenant ?", hint=MENU_HINT)
    s.keys("6" + ENTER)
    assert s.end() == 0
    assert "Par rapport au résultat précédent" not in s.screen


def test_ctrl_c_on_first_question(start) -> None:
    """Ctrl-C leaves with one French line and code 130, no traceback."""
    s = start()
    s.wait("Question 1")
    s.keys(CTRL_C)
    assert s.end() == 130
    assert s.screen.endswith("Interrompu : aucune donnée n'a été enregistrée. À bientôt.")
    assert "Traceback" not in s.screen


def test_save_from_menu(start, tmp_path: Path) -> None:
    """The menu saves Markdown under the proposed name, then HTML; an existing file is replaced on « o »."""
    s = start()
    reach_result(s)
    s.keys("4" + ENTER)
    s.child.expect_exact("resume-pdp-2026-11-29.md")
    s.keys(ENTER)
    s.wait("Résumé enregistré : resume-pdp-2026-11-29.md (Markdown).", "Et maintenant ?", hint=MENU_HINT)
    s.keys("4" + ENTER)
    s.child.expect_exact("resume-pdp-2026-11-29.md")
    s.keys("\x15" + "resume-pdp-2026-11-29.md" + ENTER)  # Ctrl-U empties the line
    s.wait("existe déjà : le remplacer ?", hint=r"o/n")
    s.keys("n")
    s.child.expect_exact("Fichier (")  # the new prompt, in raw mode (the answered question names the file too)
    s.child.expect_exact("resume-pdp-2026-11-29.md")
    s.keys("\x15" + "fiche.html" + ENTER)
    s.wait("Résumé enregistré : fiche.html (HTML).", "Et maintenant ?", hint=MENU_HINT)
    s.keys("6" + ENTER)
    assert s.end() == 0
    assert s.screen.endswith(
        "Navigation terminée. Résumé enregistré : resume-pdp-2026-11-29.md, fiche.html. À bientôt.")
    markdown = (tmp_path / "resume-pdp-2026-11-29.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Orientation PDP — Préparer le maintien\n\n_Arbre « Mini-arbre PDP », "
                               "version 1.0 — 29/11/2026 ")
    assert "- La personne a-t-elle une RQTH ? **Oui**" in markdown
    assert "- **2.** Visite de pré-reprise · vous (SPST)" in markdown and "## Qui contacter" in markdown
    page = (tmp_path / "fiche.html").read_text(encoding="utf-8")
    assert "<h3>1. Cap emploi — maintien</h3>" in page and "Service de prévention" not in page


def test_save_option_json(start, tmp_path: Path) -> None:
    """--save writes the summary as soon as the result is shown."""
    s = start("--save", "sortie.json")
    reach_result(s)
    s.keys("6" + ENTER)
    assert s.end() == 0
    assert "Résumé enregistré : sortie.json (JSON). Il ne contient aucune donnée d'identité du patient." in s.screen
    data = json.loads((tmp_path / "sortie.json").read_text(encoding="utf-8"))
    assert [a["answer"] for a in data["answers"]] == ["arret", "plus_30", "oui"]
    assert [d["id"] for d in data["dispositifs"]] == ["cap-emploi-maintien", "visite-pre-reprise"]
    assert data["tree"]["version"] == "1.0" and data["generated"].startswith("2026-11-29T")


@pytest.mark.parametrize("args", [["navigate"], []])
def test_stdin_not_a_terminal(tree_dir: Path, args: list[str]) -> None:
    """Without a terminal, navigate says to use pdp-nav run --answers and exits 2."""
    done = subprocess.run([PDP_NAV, *args], input="", capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "PDP_NAV_ARBRE": str(tree_dir)})
    assert done.returncode == 2
    assert done.stderr == (
        "L'entrée standard n'est pas un terminal : la navigation interactive a besoin d'un clavier. "
        "Pour obtenir un résultat sans interaction, écrivez les réponses dans un fichier (question: option) "
        "et lancez : pdp-nav run --answers FICHIER\n")
    assert done.stdout == ""


def test_accessible_mode_with_numbers(tmp_path: Path, tree_dir: Path) -> None:
    """ACCESSIBLE=1 and bare pdp-nav: numbered plain lines, numbers typed, no redraw."""
    s = Session(tmp_path, [], env={"ACCESSIBLE": "1", "PDP_NAV_ARBRE": str(tree_dir)}, width=80)
    for answer in ("2", "?", "7", "2", "1"):
        s.child.expect_exact("Votre choix (")
        s.child.sendline(answer)
    s.child.expect_exact("Votre choix (")
    s.child.sendline("6")
    assert s.end() == 0
    out = ANSI.sub("", s.log.getvalue())
    assert ("Question 1 · au plus 2 autres questions\nOù en est la personne ?\n  1. En poste, sans arrêt\n"
            "  2. Pendant l'arrêt\n  3. À la reprise\n  4. Quitter\n") in out
    assert "Aide — Depuis combien de temps dure l'arrêt ?\n" in out
    assert "« 7 » ne correspond à aucun choix : tapez un numéro de 1 à 5 ou ? pour l'aide.\n" in out
    assert "Maintenant\n 1. Cap emploi — maintien\u00a0· Cap emploi\u00a0· à\u00a0confirmer\n" in out
    assert "─" not in out and "\x1b[" not in s.log.getvalue().split("Question 1")[1]


def test_colours_at_80_columns_with_departement(start, tmp_path: Path) -> None:
    """Colours on, 80 columns, local contacts: accents intact, the overlay's name in « Qui contacter »."""
    tree = write_tree(tmp_path / "local", overlays={"56": OVERLAY})
    s = start("--departement", "56", env={"NO_COLOR": None}, width=80, tree=tree)
    reach_result(s)
    s.keys("6" + ENTER)
    assert s.end() == 0
    assert "\x1b[" in s.log.getvalue()
    screen = s.screen
    assert "Qui contacter - Cap emploi 56 (1)" in screen
    assert "Où en est la personne ?" in screen and "Préparer le maintien" in screen
    assert "Traceback" not in screen


def test_reopen_a_saved_summary_on_its_result(start, tree_dir: Path, tmp_path: Path, capsys) -> None:
    """navigate --reprendre: the result of the saved case at once, what the new version changed, then
    « Modifier une réponse… » to change one answer."""
    from pdp_nav.cli import main

    (tmp_path / "a.yaml").write_text("phase: arret\nduree_arret: plus_30\nrqth: non\n", encoding="utf-8")
    assert main(["run", "-a", str(tmp_path / "a.yaml"), "--arbre", str(tree_dir), "-f", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    summary["tree"]["version"] = "0.9"
    summary["dispositifs"] = []
    (tmp_path / "cas.json").write_text(json.dumps(summary), encoding="utf-8")
    s = start("--reprendre", "cas.json")
    s.wait("Maintenant", "Et maintenant ?", hint=MENU_HINT)  # the plan of the saved case
    s.keys("1" + ENTER)  # « Modifier une réponse… »
    s.wait("À quelle question revenir ?", hint=MENU_HINT)
    s.keys("3" + ENTER)  # the RQTH question
    s.wait("Question 3", "La personne a-t-elle une RQTH ?")
    s.keys("o")
    s.wait("Par rapport au résultat précédent", "Et maintenant ?", hint=MENU_HINT)
    s.keys(CTRL_D)
    assert s.end() == 130
    screen = s.screen
    assert "Question 1" not in screen
    assert ("Résumé enregistré avec la version 0.9 de l'arbre ; version actuelle 1.0. Ce que la nouvelle "
            "version propose autrement : + Visite de pré-reprise (ajouté)") in screen
    assert "Par rapport au résultat précédent : + Cap emploi — maintien (ajouté)" in screen
