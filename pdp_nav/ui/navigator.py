"""The interactive question loop: one question at a time, back, jump, restart, help, change-impact.

Public interface, kept stable for the other interactive commands (trainers' replay, record):

* :func:`ask_path` asks the questions of a tree until an outcome is reached;
* :func:`pause` waits for Enter between the steps of a replay;
* :class:`Quit` (an :class:`~pdp_nav.errors.Interrupted`) is raised when the user chooses « Quitter ».

Display goes through Rich (imported lazily); prompting through :mod:`pdp_nav.ui.prompts`.
"""

from __future__ import annotations

import enum
import functools
import re
from typing import Any

from ..core.engine import Navigation, Step
from ..core.model import Question, Tree
from ..errors import ExitCode, Interrupted, PdpNavError
from ..system.textsafe import printable
from . import prompts


class Quit(Interrupted):
    """The user chose « Quitter »: a normal end (exit code 0), not an interruption."""

    exit_code = ExitCode.OK

    def __init__(self, message: str = "Navigation terminée. Aucune donnée n'a été enregistrée. À bientôt.") -> None:
        PdpNavError.__init__(self, message)


class Move(enum.Enum):
    """The navigation choices offered under every question."""

    BACK = "← Retour"
    JUMP = "Revenir à une question précédente…"
    RESTART = "Recommencer"
    QUIT = "Quitter"


def ask_path(tree: Tree, *, accessible: bool = False, start: Navigation | None = None,
             console: Any = None) -> Navigation:
    """Ask the questions of ``tree`` until an outcome is reached, and return the final state.

    Every question offers « ← Retour », « Revenir à une question précédente… » (from the
    second answer on), « Recommencer » and « Quitter », with its help on ``?``, the answers
    given so far and an honest count of the questions left. Changing an earlier answer keeps
    the later answers that still apply and names the ones dropped.

    Args:
        tree: The loaded tree.
        accessible: Plain numbered lines and :func:`input` instead of the arrow-key menus.
        start: Where to start (default: the root); returned as is when already at an outcome.
        console: A Rich console for the display (default: stdout, honouring ``NO_COLOR``).

    Returns:
        A :class:`~pdp_nav.core.engine.Navigation` whose ``done`` is true.

    Raises:
        Interrupted: Ctrl-C or Ctrl-D; :class:`Quit` (a subclass) when « Quitter » is chosen.
    """
    return Asker(tree, accessible=accessible, console=console).run(start or Navigation(tree))


def pause(message: str = "Appuyez sur Entrée pour continuer…", *, accessible: bool = False) -> None:
    """Wait for Enter (step-by-step replay); Ctrl-C or Ctrl-D raise :class:`Interrupted`."""
    prompts.pause(message, accessible=accessible)


def progress_text(low: int, high: int) -> str:
    """French progress hint from the fewest/most questions left, the current one included."""
    low, high = low - 1, high - 1
    if high <= 0:
        return "dernière question"
    if low == high:
        return f"encore {high} question{'s' if high > 1 else ''} après celle-ci"
    if low <= 0:
        return f"au plus {high} autre{'s' if high > 1 else ''} question{'s' if high > 1 else ''}"
    return f"encore {low} à {high} questions après celle-ci"


def short_label(label: str, limit: int = 40) -> str:
    """An answer for the breadcrumb: its label up to « : » or « ( », at most ``limit`` characters."""
    text = re.split(r" : | \(", label, maxsplit=1)[0].strip() or label
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def answer_text(step: Step) -> str:
    return f"« {step.question.text} » : {step.option.label}"


def is_prefix(state: Navigation, origin: Navigation | None) -> bool:
    """True when ``origin`` continues ``state`` (the user went back from ``origin``)."""
    return (origin is not None and len(origin.steps) > len(state.steps)
            and origin.steps[:len(state.steps)] == state.steps)


def describe_revision(origin: Navigation, new: Navigation, question_id: str,
                      dropped: tuple[Step, ...]) -> list[str]:
    """French lines saying what changing the answer to ``question_id`` kept and dropped."""
    before = next(s for s in origin.steps if s.question.id == question_id)
    index = origin.steps.index(before)
    after = new.steps[index]
    if after.option.id == before.option.id:
        lines = [f"Réponse inchangée : {answer_text(after)}."]
    else:
        lines = [f"Réponse modifiée : {answer_text(after)} (au lieu de « {before.option.label} »)."]
    kept = [s for s in new.steps[index + 1:] if s in origin.steps]
    if kept:
        labels = " › ".join(short_label(s.option.label) for s in kept)
        lines.append(f"Réponses conservées ({len(kept)}) : {labels}.")
    if dropped:
        lines.append("Ne s'appliquent plus, retirées : " + " ; ".join(answer_text(s) for s in dropped) + ".")
    return lines


class Screen:
    """What the navigator shows between prompts: Rich lines and panels, or plain lines."""

    def __init__(self, console: Any = None, accessible: bool = False) -> None:
        if console is None:
            from .render import console as make_console  # start-up: Rich only when something is drawn

            console = make_console()
        self.out = console
        self.accessible = accessible

    def line(self, text: str = "", style: str = "", hang: int = 0) -> None:
        """A line for people; cut between words at the terminal's width (``hang``: indentation after the first)."""
        if self.accessible:  # no hard line breaks, the terminal (or the screen reader) wraps
            from rich.text import Text  # start-up: Rich only when something is drawn

            self.out.print(Text(printable(text)), soft_wrap=True)
            return
        from .render import prose  # start-up: Rich only when something is drawn

        self.out.print(prose(text, style, hang))

    def panel(self, title: str, lines: list[str], style: str = "cyan") -> None:
        """A framed help screen; its title cut at a word, a bullet's lines under its text."""
        if self.accessible:
            self.line(title)
            for text in lines:
                self.line("  " + text)
            return
        from rich.console import Group  # start-up: Rich only when something is drawn
        from rich.markup import escape
        from rich.panel import Panel

        from ..views.typography import fit, french
        from .render import prose

        shown = fit(printable(title, newlines=False), max(self.out.width - 6, 10))
        body = Group(*(prose(text, hang=2 if text.startswith("• ") else 0) for text in lines))
        self.out.print(Panel(body, title=escape(french(shown)), title_align="left", border_style=style))


class Asker:
    """The question loop; ``origin`` is the furthest path reached before going back."""

    def __init__(self, tree: Tree, *, accessible: bool = False, console: Any = None,
                 screen: Screen | None = None) -> None:
        self.tree = tree
        self.accessible = accessible
        self.screen = screen or Screen(console, accessible)
        self.restarts = 0
        """How many times « Recommencer » was chosen (a new situation: nothing to compare with)."""

    def run(self, state: Navigation, origin: Navigation | None = None) -> Navigation:
        """Ask until an outcome; see :func:`ask_path`."""
        while not state.done:
            question = state.question
            assert question is not None  # noqa: S101 - not done means a question is current
            self.header(state)
            default = origin.steps[len(state.steps)].option.id if origin and is_prefix(state, origin) else None
            choice = prompts.select(question.text, self.items(state), default=default,
                                    on_help=functools.partial(self.help, question),
                                    back=Move.BACK if state.steps else None, accessible=self.accessible)
            if choice is Move.QUIT:
                raise Quit()
            if choice is Move.RESTART:
                state, origin = state.restart(), None
                self.restarts += 1
                self.screen.line("Nouveau parcours : toutes les réponses ont été effacées.", "bold")
            elif choice in (Move.BACK, Move.JUMP):
                target = state.back() if choice is Move.BACK else self.pick_earlier(state)
                if target is not None:
                    origin = origin if is_prefix(state, origin) else state
                    state = target
            elif is_prefix(state, origin):
                assert origin is not None  # noqa: S101 - is_prefix checked it
                state, dropped = origin.revise(question.id, choice)
                for text in describe_revision(origin, state, question.id, dropped):
                    self.screen.line(text, "yellow")
                origin = None
            else:
                state = state.answer(choice)
        return state

    def items(self, state: Navigation) -> list[prompts.Item]:
        question = state.question
        assert question is not None  # noqa: S101
        items = [prompts.Item(o.id, o.label) for o in question.options]
        moves = [Move.BACK] if state.steps else []
        moves += [Move.JUMP] if len(state.steps) >= 2 else []
        moves += [Move.RESTART] if state.steps else []
        return items + [prompts.Item(m, m.value, numbered=False) for m in (*moves, Move.QUIT)]

    def header(self, state: Navigation) -> None:
        self.screen.line()
        if state.steps:
            self.screen.line("Vos réponses : " + " › ".join(short_label(s.option.label) for s in state.steps), "dim")
        low, high = state.remaining()
        self.screen.line(f"Question {len(state.steps) + 1} · {progress_text(low, high)}", "bold cyan")

    def help(self, question: Question) -> None:
        lines = [question.help or "Pas d'aide pour cette question."]
        lines += [f"• {o.label} : {o.help}" for o in question.options if o.help]
        self.screen.panel(f"Aide — {question.text}", lines)

    def pick_earlier(self, state: Navigation) -> Navigation | None:
        """Let the user choose an earlier question to go back to (None: cancelled)."""
        items = [prompts.Item(s.question.id, f"{s.question.text} — {s.option.label}") for s in state.steps]
        items.append(prompts.Item(None, "Annuler", numbered=False))
        chosen = prompts.select("À quelle question revenir ?", items, accessible=self.accessible)
        return None if chosen is None else state.jump(chosen)
