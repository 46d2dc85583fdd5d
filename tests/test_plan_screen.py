"""The plan on one real screen (80×40): reached in a pty, seen without scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pdp_nav.loader import data_dir, load_tree

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
    top = next(n for n, line in enumerate(shown) if line == title.replace(" :", "\u00a0:"))
    group = shown.index("Maintenant", top)
    assert group <= top + 4 and shown[group + 1].startswith(first.replace(" :", "\u00a0:"))
    assert "Qui contacter" in shown[top:]
    assert any(line.startswith("? Et maintenant ?") for line in shown[top:])
    s.keys("6" + ENTER)
    assert s.end() == 0
