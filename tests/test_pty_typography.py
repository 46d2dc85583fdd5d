"""No word cut on a real 60×40 or 80×40 screen: questions, help, the plan, an error (issue #13, point 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import pdp_nav
from pdp_nav.content.files import data_dir
from pdp_nav.content.load import load_tree

from .terminal import CTRL_C, ENTER, MENU_HINT, Session, needs_pdp_nav

pytestmark = needs_pdp_nav
SHIPPED = data_dir()
WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
"""A word as a reader sees it: letters and digits, with the apostrophes, dots and hyphens inside it."""


def vocabulary() -> set[str]:
    """Every word the program can show: those of the shipped tree and of the program's own messages."""
    texts = [p.read_text(encoding="utf-8") for p in SHIPPED.glob("*.yaml")]
    texts += [p.read_text(encoding="utf-8") for p in Path(pdp_nav.__file__).parent.rglob("*.py")]
    return {w for text in texts for w in WORD.findall(text)}


def cut_words(rows: list[str], known: set[str]) -> list[str]:
    """The words on screen that are no word of the program: pieces of a word cut at a line's end."""
    return [w for row in rows for w in WORD.findall(row) if w not in known and not w.isdigit()]


def test_the_check_sees_a_cut_word() -> None:
    """A word cut at the right edge leaves pieces that are no words: the check can fail."""
    known = vocabulary()
    assert cut_words(["? Où en est la personne dans son parcours ? (↑↓ ou numéro, E", "ntrée pour valider)"],
                     known) == ["ntrée"]
    assert cut_words(["? Où en est la personne dans son parcours ? (↑↓ ou numéro,", "Entrée pour valider)"],
                     known) == []


@pytest.mark.parametrize("width", [60, 80])
def test_questions_help_plan_and_errors_cut_no_word(tmp_path: Path, width: int) -> None:
    """Two questions with their help, the plan, a file that cannot be written and Ctrl-C, on a
    60×40 and an 80×40 terminal: every word on screen is whole."""
    known = vocabulary() | {"inexistant", "resume.md"}
    tree = load_tree(SHIPPED)
    data = yaml.safe_load((SHIPPED / "scenarios" / "04-arret-maladie-8mois-cancer-general.yaml")
                          .read_text(encoding="utf-8"))
    s = Session(tmp_path, ["navigate", "--arbre", str(SHIPPED)], width=width, height=40)
    node, seen = tree.root, {}
    for n, _ in enumerate(data["answers"], 1):
        question = tree.questions[node]
        option = question.option(data["answers"][question.id])
        s.wait(f"Question {n}")
        if n <= 2:
            s.keys("?")
            s.wait("Aide")
            seen[f"aide {n}"] = s.display()
        s.keys(f"{question.options.index(option) + 1}" + ENTER)
        node = option.next
    s.wait("Qui contacter", "Et maintenant ?", hint=MENU_HINT)
    seen["plan"] = s.display()
    s.keys("4" + ENTER)  # « Enregistrer un résumé… » into a folder that does not exist
    s.child.expect_exact("resume-pdp-")
    s.keys("\x15" + "inexistant/resume.md" + ENTER)
    s.wait("impossible", "Et maintenant ?", hint=MENU_HINT)
    seen["erreur"] = s.display()
    s.keys(CTRL_C)
    assert s.end() == 130
    seen["fin"] = s.display()
    for moment, rows in seen.items():
        assert not cut_words(rows, known), (moment, cut_words(rows, known), "\n".join(rows))
    assert any(row.startswith("? Où en est la personne") for row in seen["aide 1"])
    assert "aucun fichier partiel" in " ".join(" ".join(seen["erreur"]).split())
    assert "Interrompu" in " ".join(seen["fin"]) and "Traceback" not in s.screen
