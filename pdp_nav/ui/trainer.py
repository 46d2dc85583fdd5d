"""What the trainers' commands show in the terminal: the case, replayed steps, quiz comparison.

A display module: it prints through the navigator's :class:`~pdp_nav.ui.navigator.Screen`
(Rich, or plain lines in accessible mode). Imported lazily by ``commands/scenario.py``.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.engine import Result, Step
from ..core.model import Tree
from ..scenarios.cases import Check, Scenario
from ..scenarios.coverage import QuizComparison
from .navigator import Screen

CHOSEN = "◉"
OTHER = "○"


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a ``case: |`` text, one line each, a blank line between them.

    The line breaks inside a paragraph are those of the YAML file, not of the screen: the
    terminal (or the panel) wraps each paragraph to its own width (issue #17).
    """
    lines: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines += [""] * bool(lines) + [" ".join(block.split())]
    return lines


def intro(screen: Screen, scenario: Scenario, tree: Tree, check: Check | None = None) -> None:
    """The title and the case, as the trainer reads it aloud."""
    screen.line()
    # the panel's top border holds the title: Screen.panel cuts it at a word with « … », never silently
    screen.panel(f"Scénario : {scenario.title}", paragraphs(scenario.case), "magenta")
    line = f"Arbre « {tree.title} », version {tree.version}"
    if tree.departement:
        line += f", contacts locaux du département {tree.departement}"
    screen.line(line + ".", "dim")
    if check is not None and check.version_note:
        screen.line(f"Attention : scénario {check.version_note}.", "yellow")


def step(screen: Screen, number: int, total: int, s: Step) -> None:
    """One replayed question: its help, every option, the chosen one highlighted."""
    screen.line()
    screen.line(f"Question {number}/{total}", "bold cyan")
    screen.line(s.question.text, "bold")
    if s.question.help:
        screen.line(f"Aide : {s.question.help}", "italic")
    for option in s.question.options:
        if option.id == s.option.id:
            screen.line(f"  {CHOSEN} {option.label}   ← réponse du cas", "bold reverse green")
            if option.help:
                indented(screen, option.help, "green")
        else:
            screen.line(f"  {OTHER} {option.label}", "dim")


def indented(screen: Screen, text: str, style: str, indent: int = 6) -> None:
    """``text`` wrapped under the option it explains, every line indented (accessible: one plain line)."""
    if screen.accessible:
        screen.line(" " * indent + text)
        return
    from rich.padding import Padding  # start-up: Rich only when something is drawn

    from .render import prose

    screen.out.print(Padding(prose(text, style), (0, 0, 0, indent)))


def expectations(screen: Screen, check: Check) -> None:
    """Whether the result matches what the scenario expects, and the differences if not."""
    screen.line()
    if not check.mismatches:
        screen.line("✓ Résultat conforme aux attentes du scénario.", "bold green")
        return
    screen.line("✗ Le résultat diffère des attentes du scénario :", "bold yellow")
    for m in check.mismatches:
        screen.line(f"  - {m.message}", "yellow")
    if check.version_note:
        screen.line(f"  Scénario {check.version_note} : l'écart vient peut-être de cette mise à jour.", "yellow")


def _names(tree: Tree, ids: tuple[str, ...]) -> str:
    return ", ".join(tree.dispositifs[d].name for d in ids)


def comparison(screen: Screen, cmp: QuizComparison, mine: Result, reference: Result) -> None:
    """The trainee's answers next to the reference, question by question, then the results."""
    tree = reference.tree
    screen.line()
    screen.line("Comparaison avec le cas de référence", "bold cyan")
    for row in cmp.rows:
        given = row.given if row.given is not None else "(question non posée)"
        expected = row.expected if row.expected is not None else "(question non posée)"
        mark, style = ("✓", "green") if row.same else ("✗", "red")
        screen.line(f"{mark} {row.text}", f"bold {style}")
        screen.line(f"    votre réponse : {given}", style)
        if not row.same:
            screen.line(f"    référence : {expected}", "bold")
    same, total = cmp.score
    screen.line()
    screen.line(f"Réponses identiques : {same}/{total}.", "bold")
    if cmp.same_outcome:
        screen.line(f"✓ Même issue : « {reference.outcome.title} ».", "green")
    else:
        screen.line(f"✗ Issue : la vôtre « {mine.outcome.title} », celle du cas « {reference.outcome.title} ».",
                    "red")
    if cmp.missed:
        screen.line(f"Dispositifs manqués (proposés dans la référence) : {_names(tree, cmp.missed)}.", "red")
    if cmp.added:
        screen.line(f"Dispositifs en plus (absents de la référence) : {_names(tree, cmp.added)}.", "yellow")
    screen.line()
    if cmp.perfect:
        screen.line("Bravo : même parcours et même résultat que la référence.", "bold green")
    reference_names = _names(tree, reference.dispositif_ids) or "aucun"
    screen.line(f"Résultat de référence : {reference_names}.", "bold")


def recorded(screen: Screen, path: str, result: Result, title_given: bool) -> None:
    """What ``scenario record`` wrote and what the trainer should do next."""
    names = _names(result.tree, result.dispositif_ids) or "aucun"
    screen.line()
    screen.line(f"Scénario enregistré dans {path} : {len(result.steps)} réponse(s), issue "
                f"« {result.outcome.title} », dispositifs attendus : {names}.", "bold green")
    todo = "le cas (case)" if title_given else "le titre (title) et le cas (case)"
    screen.line(f"À faire : complétez {todo}, ajustez les attentes, puis vérifiez avec "
                f"« pdp-nav scenario check {path} ».")


def make_screen(accessible: bool = False, console: Any = None) -> Screen:
    return Screen(console, accessible)
