"""Terminal prompts in French: the only module that imports questionary and prompt_toolkit.

Two modes share one interface:

* the default mode uses questionary (arrow keys, Enter; typing a number or the first
  letters of a choice moves to it, ``o``/``n`` answer a yes/no question, ``?`` asks for help,
  ``←`` goes back when the caller offers it);
* the accessible mode (``accessible=True``) prints plain numbered lines and reads a line with
  :func:`input`: no screen redraw, nothing a screen reader cannot follow.

Ctrl-C and Ctrl-D raise :class:`pdp_nav.errors.Interrupted` in both modes, never a traceback.
questionary is imported lazily, inside the prompts, so importing this module costs nothing.
"""

from __future__ import annotations

import shutil
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .errors import Interrupted
from .textsafe import printable

HINT = "↑↓ ou numéro, Entrée pour valider"
YES_NO_HINT = "o/n, ou ↑↓ et Entrée"
MAX_CHOICE_LINES = 6
MAX_ANSWER_CHARS = 200
"""Longest choice shown in the default mode: a 20 KB label (hundreds of lines) froze the prompt."""


@dataclass(frozen=True, slots=True)
class Item:
    """One choice of a :func:`select`."""

    value: Any
    title: str
    numbered: bool = True
    """Answers are numbered in both modes; navigation items (« ← Retour »…) only in accessible mode."""


@dataclass(frozen=True, slots=True)
class _HelpAsked:
    """Returned by a prompt when the user asks for help; ``pointed`` is where the cursor was."""

    pointed: Any


_BACK_KEY = object()


def normalize(text: str) -> str:
    """Lower-case ``text`` without accents or leading symbols, for type-ahead matching."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return plain.casefold().lstrip("←→ .-–—•").strip()


def match_typed(typed: str, titles: Sequence[str]) -> int | None:
    """Index of the first title starting with ``typed`` (accents and case ignored), else None."""
    key = normalize(typed)
    if not key:
        return None
    for index, title in enumerate(titles):
        if normalize(title).startswith(key):
            return index
    return None


def is_yes_no(titles: Sequence[str]) -> bool:
    """True for a two-way « Oui » / « Non » choice, answered with the ``o`` and ``n`` keys."""
    return len(titles) == 2 and normalize(titles[0]).startswith("oui") and normalize(titles[1]).startswith("non")


def select(message: str, items: Sequence[Item], *, default: Any = None, on_help: Callable[[], None] | None = None,
           back: Any = None, accessible: bool = False) -> Any:
    """Ask for one of ``items`` and return its value.

    Args:
        message: The question.
        items: The choices, answers first (numbered), then navigation items.
        default: Value of the item selected at first (Enter alone keeps it in accessible mode).
        on_help: Called when the user asks for help (``?``); the question is then asked again.
        back: Value returned by the ``←`` key (default mode), when going back is possible.
        accessible: Plain numbered lines read with :func:`input`.

    Raises:
        Interrupted: Ctrl-C or Ctrl-D.
    """
    # data text is shown, never obeyed by the terminal (issue #11)
    message = printable(message, newlines=False)
    items = [replace(item, title=printable(item.title, newlines=False)) for item in items]
    ask = _plain_select if accessible else _fancy_select
    while True:
        value = _guard(lambda: ask(message, items, default, on_help is not None, back), accessible)
        if not isinstance(value, _HelpAsked) or on_help is None:
            return value
        on_help()
        default = value.pointed


def confirm(message: str, *, default: bool = False, accessible: bool = False) -> bool:
    """A yes/no question answered with ``o`` or ``n`` (or the arrows and Enter)."""
    return bool(select(message, [Item(True, "Oui"), Item(False, "Non")], default=default, accessible=accessible))


def text(message: str, *, default: str = "", accessible: bool = False) -> str:
    """A line of free text (a file name…), ``default`` pre-filled; surrounding spaces removed."""
    def ask() -> str:
        if accessible:
            shown = f" [Entrée seule : {default}]" if default else ""
            return input(f"{message}{shown} : ").strip() or default
        import questionary
        from prompt_toolkit.key_binding import KeyBindings

        bindings = KeyBindings()
        _bind_ctrl_d(bindings)
        question = questionary.text(message, default=default, qmark="?", key_bindings=bindings,
                                    instruction="")
        return str(question.unsafe_ask()).strip()

    return _guard(ask, accessible)


def pause(message: str = "Appuyez sur Entrée pour continuer…", *, accessible: bool = False) -> None:
    """Wait until the user presses Enter (step-by-step replay)."""
    _guard(lambda: input(message + " "), accessible)


def _guard(ask: Callable[[], Any], accessible: bool) -> Any:
    """Run a prompt; Ctrl-C and Ctrl-D become :class:`Interrupted` (one clean line, no traceback)."""
    try:
        return ask()
    except (KeyboardInterrupt, EOFError):
        if accessible:
            print()
        raise Interrupted() from None


# -- accessible mode --------------------------------------------------------------------------
def _plain_select(message: str, items: Sequence[Item], default: Any, has_help: bool, back: Any) -> Any:
    print(message)
    titles = [item.title for item in items]
    for number, title in enumerate(titles, 1):
        print(f"  {number}. {title}")
    default_number = None if default is None else next(
        (n for n, item in enumerate(items, 1) if item.value == default), None)
    hint = f"numéro de 1 à {len(items)}"
    if default_number is not None:
        hint += f", Entrée seule : {default_number}"
    if has_help:
        hint += ", ? pour l'aide"
    while True:
        typed = input(f"Votre choix ({hint}) : ").strip()
        if not typed and default_number is not None:
            return items[default_number - 1].value
        if typed == "?" and has_help:
            return _HelpAsked(default)
        if typed.isdigit() and 1 <= int(typed) <= len(items):
            return items[int(typed) - 1].value
        index = match_typed(typed, titles) if typed and not typed.isdigit() else None
        if index is not None:
            return items[index].value
        print(f"« {typed} » ne correspond à aucun choix : tapez un numéro de 1 à {len(items)}"
              + (" ou ? pour l'aide." if has_help else "."))


# -- default mode (questionary) ------------------------------------------------------------------
def _fancy_select(message: str, items: Sequence[Item], default: Any, has_help: bool, back: Any) -> Any:
    import questionary
    from prompt_toolkit.keys import Keys
    from questionary.prompts.common import InquirerControl

    answers = [i for i, item in enumerate(items) if item.numbered]
    flat = {i: _cut(f"{n}. {items[i].title}") for n, i in enumerate(answers, 1)}
    choices: list[Any] = [questionary.Choice(wrap(flat[i]), value=i) for i in answers]
    extra = [i for i, item in enumerate(items) if not item.numbered]
    if extra:
        choices.append(questionary.Separator(" "))
        choices += [questionary.Choice(wrap(items[i].title), value=i) for i in extra]
    flat.update((i, _cut(items[i].title)) for i in extra)
    start = None if default is None else next((i for i, item in enumerate(items) if item.value == default), None)
    yes_no = is_yes_no([items[i].title for i in answers])
    hint = YES_NO_HINT if yes_no else HINT
    hint += " · ? aide" if has_help else ""
    question = questionary.select(message, choices=choices, default=start, qmark="?", instruction=f"({hint})",
                                  use_jk_keys=False, show_description=False)
    app = question.application
    control = next(w.content for w in app.layout.find_all_windows() if isinstance(w.content, InquirerControl))
    position = {choice.value: index for index, choice in enumerate(control.choices)}
    typed = {"text": ""}

    def point(item_index: int) -> None:
        control.pointed_at = position[item_index]

    def on_key(event: Any) -> None:
        key = event.key_sequence[0].key
        if isinstance(key, Keys) or len(key) != 1:
            return
        if key == "?" and has_help:
            app.erase_when_done = True
            event.app.exit(result=_HelpAsked(items[control.get_pointed_at().value].value))
        elif yes_no and key.lower() in "on":
            chosen = answers[0] if key.lower() == "o" else answers[1]
            point(chosen)
            submit(event)
        elif key.isdigit():
            buffer = typed["text"] + key if typed["text"].isdigit() else key
            if not (buffer.isdigit() and 1 <= int(buffer) <= len(answers)):
                buffer = key
            typed["text"] = buffer
            if 1 <= int(buffer) <= len(answers):
                point(answers[int(buffer) - 1])
        elif key.isalpha() or key in " '-":
            plain = [items[i].title for i in range(len(items))]
            buffer = typed["text"] + key if not typed["text"].isdigit() else key
            index = match_typed(buffer, plain)
            if index is None:
                buffer, index = key, match_typed(key, plain)
            typed["text"] = buffer
            if index is not None:
                point(index)

    def submit(event: Any) -> None:
        # the answered line shows the title unwrapped
        choice = control.get_pointed_at()
        choice.title = flat[choice.value]
        control.is_answered = True
        event.app.exit(result=choice.value)

    bindings = app.key_bindings
    bindings.add(Keys.ControlM, eager=True)(submit)
    bindings.add(Keys.Any)(on_key)
    if back is not None:
        @bindings.add(Keys.Left, eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=_BACK_KEY)
    _bind_ctrl_d(bindings)
    result = question.unsafe_ask()
    if isinstance(result, _HelpAsked):
        return result
    if result is _BACK_KEY:
        return back
    return items[result].value


def _cut(title: str) -> str:
    """The answered line, one line at most: prompt_toolkit takes minutes to lay out a 20 KB line."""
    return title if len(title) <= MAX_ANSWER_CHARS else title[:MAX_ANSWER_CHARS - 1] + "…"


def wrap(title: str, width: int | None = None) -> str:
    """``title`` cut into lines that fit the terminal, continuation lines aligned after the number.

    prompt_toolkit would otherwise cut long choices at the right edge (80-column terminals).
    A choice is at most :data:`MAX_CHOICE_LINES` lines, ending with « … » (issue #11).
    """
    width = width or shutil.get_terminal_size().columns
    number = title.split(" ", 1)[0] if title[:1].isdigit() else ""
    indent = 3 + (len(number) + 1 if number else 0)  # after the pointer « » » and the number
    lines = textwrap.wrap(title, max(20, width - 4), subsequent_indent=" " * (indent - 3),
                          max_lines=MAX_CHOICE_LINES, placeholder=" …")
    return ("\n" + " " * 3).join(lines) if lines else title


def _bind_ctrl_d(bindings: Any) -> None:
    from prompt_toolkit.keys import Keys

    @bindings.add(Keys.ControlD, eager=True)
    def _eof(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")
