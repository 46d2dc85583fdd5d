"""The plan on one real screen (80×40): reached in a pty, seen without scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pdp_nav.content.files import data_dir
from pdp_nav.content.load import load_tree
from pdp_nav.views.wording import french

from .terminal import ENTER, MENU_HINT, Session, needs_pdp_nav

pytestmark = needs_pdp_nav
SHIPPED = data_dir()


def answer_all(s: Session, answers: dict[str, str]) -> None:
    """Answer each question of the path by its number, as a doctor typing digits would."""
    tree = load_tree(SHIPPED)
    node = tree.root
    for n, _ in enumerate(answers, 1):
        question = tree.questions[node]
        option = question.option(answers[question.id])
        s.wait(f"Question {n}")
        s.keys(f"{question.options.index(option) + 1}" + ENTER)
        node = option.next


@pytest.mark.parametrize(("scenario", "departement", "first"), [
    ("04-arret-maladie-8mois-cancer-general.yaml", None,
     " 1. Visite de pré-reprise — arrêt > 30 jours : avant la reprise · vous (SPST)"),
    ("08-arret-lombalgie-4mois-etm-22.yaml", "22", " 1. Visite de pré-reprise"),
    ("33-fonctionnaire-arret-amenagement.yaml", None, " 1. "),
])
def test_the_plan_fits_an_80x40_terminal(tmp_path: Path, scenario: str, departement: str | None,
                                         first: str) -> None:
    """After the last answer, the headline, the first action and the contacts are all on screen."""
    data = yaml.safe_load((SHIPPED / "scenarios" / scenario).read_text(encoding="utf-8"))
    args = ["navigate", "--arbre", str(SHIPPED), *(["-d", departement] if departement else [])]
    s = Session(tmp_path, args, width=80, height=40)
    answer_all(s, data["answers"])
    s.wait("Qui contacter", "Et maintenant ?", hint=MENU_HINT)
    shown = s.display()
    title = load_tree(SHIPPED).outcomes[data["expect"]["outcome"]].title
    top = next(n for n, line in enumerate(shown) if line == french(title))
    group = shown.index("Maintenant", top)
    assert group <= top + 4 and shown[group + 1].startswith(french(first))
    assert "Qui contacter" in shown[top:]
    assert any(line.startswith("? Et maintenant ?") for line in shown[top:])
    s.keys("6" + ENTER)
    assert s.end() == 0


def test_a_card_taller_than_the_terminal_is_paged(tmp_path: Path) -> None:
    """At 80×24 the card of an action goes one screen at a time, then back to the plan."""
    data = yaml.safe_load((SHIPPED / "scenarios" / "04-arret-maladie-8mois-cancer-general.yaml")
                          .read_text(encoding="utf-8"))
    s = Session(tmp_path, ["navigate", "--arbre", str(SHIPPED)], width=80, height=24)
    answer_all(s, data["answers"])
    s.wait("Qui contacter", "Et maintenant ?", hint=MENU_HINT)
    s.keys("3" + ENTER)  # « Ouvrir la fiche d'une action… »
    s.wait("Quelle fiche ?", hint=MENU_HINT)
    s.keys("1" + ENTER)
    s.child.expect(r"Suite de la fiche \(23-44 sur \d+ lignes\) : Entrée…")
    first_screen = s.display()
    assert any(line.startswith("╭─ Visite (examen) de pré-reprise ─") for line in first_screen[:2])
    s.keys(ENTER)
    while s.child.expect([r"Suite de la fiche \(\d+-\d+ sur \d+ lignes\) : Entrée…",
                          "Entrée pour revenir au plan…"]) == 0:
        s.keys(ENTER)
    s.keys(ENTER)
    s.wait("Et maintenant ?", hint=MENU_HINT)
    s.keys("6" + ENTER)
    assert s.end() == 0
    assert "Prochaine étape" in s.screen and "Traceback" not in s.screen
