"""The navigate session in-process (accessible mode): result screen, menu, detail, summaries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pdp_nav.core.engine import replay
from pdp_nav.errors import Interrupted
from pdp_nav.content.load import load_tree
from pdp_nav.ui.navigator import Quit
from pdp_nav.ui.render import console
from pdp_nav.ui.session import Session, changes

from .test_prompts import typed

NOW = dt.datetime(2026, 11, 23, 14, 30)
TO_RESULT = ("2", "2", "1")  # pendant l'arrêt, plus de 30 jours, RQTH oui
MENU = "Et maintenant ?\n  1. Modifier une réponse…\n  2. ← Retour à la dernière question\n"


@pytest.fixture
def tree(tree_dir: Path):
    return load_tree(tree_dir)


def session(tree, monkeypatch, *lines: str, save_to: Path | None = None) -> BaseException:
    """Run a session on typed lines; return how it ended (Quit or Interrupted)."""
    typed(monkeypatch, *lines)
    with pytest.raises(Interrupted) as caught:
        Session(tree, accessible=True, console=console(), save_to=save_to, now=NOW).run()
    return caught.value


PLAN = """
Préparer le maintien
Mobiliser les acteurs du maintien.

Maintenant
 1. Cap emploi — maintien\u00a0· Cap emploi\u00a0· à\u00a0confirmer
 2. Visite de pré-reprise\u00a0· vous (SPST)

Qui contacter
  - Cap emploi\u00a0(1)
"""


def test_result_screen_and_quit(tree, monkeypatch, capsys) -> None:
    """The result is the plan (uncertain actions marked, the SPST never a contact), then the menu."""
    end = session(tree, monkeypatch, *TO_RESULT, "6")
    assert isinstance(end, Quit) and str(end) == "Navigation terminée. Aucune donnée n'a été enregistrée. À bientôt."
    out = capsys.readouterr().out
    assert PLAN + "\n" + MENU in out


def test_change_an_answer_shows_added_and_removed(tree, monkeypatch, capsys) -> None:
    """« Modifier une réponse… » then another first answer: the next result says what changed."""
    session(tree, monkeypatch, *TO_RESULT, "1", "1", "3", "6")
    out = capsys.readouterr().out
    assert ("Par rapport au résultat précédent :\n  + Visite de reprise (ajouté)\n"
            "  − Visite de pré-reprise (retiré)\n") in out


def test_back_and_same_answer_gives_same_dispositifs(tree, monkeypatch, capsys) -> None:
    """Going back one question and answering the same says the dispositifs did not change."""
    session(tree, monkeypatch, *TO_RESULT, "2", "1", "6")
    assert "Par rapport au résultat précédent : mêmes dispositifs.\n" in capsys.readouterr().out


def test_restart_from_menu_forgets_the_previous_result(tree, monkeypatch, capsys) -> None:
    """After « Recommencer » a new result is not compared with the previous situation."""
    session(tree, monkeypatch, *TO_RESULT, "5", "1", "6")
    out = capsys.readouterr().out
    assert "Nouveau parcours : toutes les réponses ont été effacées.\n" in out
    assert "\nPrévenir pendant l'activité\n" in out and "Par rapport" not in out


def test_detail_of_an_action_then_back_to_the_plan(tree, monkeypatch, capsys) -> None:
    """Choosing an action opens its full card, with why and whom to contact; Entrée shows the plan again."""
    session(tree, monkeypatch, *TO_RESULT, "3", "1", "", "6")
    out = capsys.readouterr().out
    assert ("Quelle fiche ?\n  1. Cap emploi — maintien\n  2. Visite de pré-reprise\n"
            "  3. Visite à la demande (non proposé)\n  4. Visite de reprise (non proposé)\n"
            "  5. Retour au plan\n") in out
    assert ("Dispositif : Cap emploi — maintien\n  Ce que c'est : Accompagnement du maintien des travailleurs handicapés.\n"
            ) in out
    assert "  À confirmer : Fiabilité moyenne — À confirmer auprès du Cap emploi du département.\n" in out
    assert "  Qui contacter :\n    - Cap emploi : Organisme de placement spécialisé.\n" in out
    assert out.count(PLAN) == 2 and out.endswith(MENU.rstrip("\n") + "\n  3. Ouvrir la fiche d'une action…\n"
                                                 "  4. Enregistrer un résumé…\n  5. Recommencer\n  6. Quitter\n"
                                                 "Votre choix (numéro de 1 à 6) : ")


def test_detail_of_a_dispositif_not_proposed(tree, monkeypatch, capsys) -> None:
    """The detail of an excluded dispositif says which answer excluded it."""
    session(tree, monkeypatch, *TO_RESULT, "3", "3", "", "6")
    out = capsys.readouterr().out
    assert ("Dispositif : Visite à la demande\n  Ce que c'est : Examen par le médecin du travail à tout moment.\n"
            ) in out
    assert ("Pourquoi il n'est pas proposé : « Où en est la personne ? » : « Pendant l'arrêt » (il faudrait "
            "« En poste, sans arrêt ») ; « Depuis combien de temps dure l'arrêt ? » : « Plus de 30 jours » "
            "(il faudrait « 30 jours ou moins »)\n") in out


def test_save_from_menu(tree, monkeypatch, capsys, tmp_path: Path) -> None:
    """Wrong extension explained, existing file kept on « n », then saved as JSON; quitting names it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.json").write_text("{}", encoding="utf-8")
    end = session(tree, monkeypatch, *TO_RESULT, "4", "notes.doc", "old.json", "n", "annuler",
                  "4", "", "4", "fiche.json", "6")
    out = capsys.readouterr().out
    assert ("notes.doc : extension « .doc » non prise en charge pour un résumé ; terminez le nom par .md "
            "(Markdown), .html (page imprimable), .txt (texte brut) ou .json\n") in out
    assert "old.json existe déjà : le remplacer ?\n  1. Oui\n  2. Non\n" in out
    assert "Enregistrement annulé.\n" in out
    assert ("Fichier (.md, .html, .txt ou .json, ou « annuler ») [Entrée seule : resume-pdp-2026-11-23.md] : "
            ) in out
    assert "Résumé enregistré : fiche.json (JSON). Il ne contient aucune donnée d'identité du patient.\n" in out
    assert (tmp_path / "old.json").read_text(encoding="utf-8") == "{}"
    assert json.loads((tmp_path / "fiche.json").read_text(encoding="utf-8"))["generated"] == "2026-11-23T14:30:00"
    assert (tmp_path / "resume-pdp-2026-11-23.md").read_text(encoding="utf-8").startswith("# Orientation PDP")
    assert str(end) == ("Navigation terminée. Résumé enregistré : resume-pdp-2026-11-23.md, fiche.json. "
                        "À bientôt.")


def test_save_option_updates_the_file_and_survives_errors(tree, monkeypatch, capsys, tmp_path: Path) -> None:
    """--save rewrites the file at each result; Ctrl-D afterwards names the file saved."""
    target = tmp_path / "r.md"
    end = session(tree, monkeypatch, *TO_RESULT, "1", "1", "1", save_to=target)
    assert "\nPrévenir pendant l'activité\n" in capsys.readouterr().out
    assert target.read_text(encoding="utf-8").startswith("# Orientation PDP — Prévenir pendant l'activité\n")
    assert type(end) is Interrupted and str(end).startswith("Interrompu. Résumé enregistré : ")


def test_unwritable_save_is_reported_and_the_session_goes_on(tree, monkeypatch, capsys, tmp_path: Path) -> None:
    """A summary that cannot be written is an error message, not the end of the consultation."""
    session(tree, monkeypatch, *TO_RESULT, "6", save_to=tmp_path / "absent" / "r.md")
    out = capsys.readouterr().out
    assert "impossible d'écrire le fichier" in out and "aucun fichier partiel n'a été laissé" in out
    assert MENU in out


def test_changes(tree) -> None:
    """changes() lists the added and removed dispositifs in result order."""
    before = replay(tree, {"phase": "arret", "duree_arret": "plus_30", "rqth": "oui"})[0].result()
    after = replay(tree, {"phase": "reprise", "rqth": "oui"})[0].result()
    added, removed = changes(before, after)
    assert [d.id for d in added] == ["visite-reprise"] and [d.id for d in removed] == ["visite-pre-reprise"]
    assert changes(before, before) == ([], [])
