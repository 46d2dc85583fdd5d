"""Terminal prompts in French: the only module that imports questionary and prompt_toolkit.

Two modes share one interface:

* the default mode is a prompt_toolkit menu drawn like questionary's (arrow keys, Enter; typing a number or the first
  letters of a choice moves to it, ``o``/``n`` answer a yes/no question, ``?`` asks for help,
  ``←`` goes back when the caller offers it);
* the accessible mode (``accessible=True``) prints plain numbered lines and reads a line with
  :func:`input`: no screen redraw, nothing a screen reader cannot follow.

Ctrl-C and Ctrl-D raise :class:`pdp_nav.errors.Interrupted` in both modes, never a traceback.
SIGTERM and SIGHUP end a prompt of the default mode through its own event loop (:func:`_run`),
and no prompt asks the terminal where the cursor is (issue #11).
questionary is imported lazily, inside the prompts, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
import shutil
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import Interrupted, Terminated
from ..system import process
from ..system.textsafe import printable
from ..views.typography import NBSP, french, spans

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples

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
    if not accessible:  # French spaces that never break: no line starts with « ? » or « : » (issue #13)
        message = french(message)
        items = [replace(item, title=french(item.title)) for item in items]
    ask = _plain_select if accessible else _fancy_select
    while True:
        value = _guard(functools.partial(ask, message, items, default, on_help is not None, back), accessible)
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
        import questionary  # start-up: questionary only when a menu is drawn
        from prompt_toolkit.key_binding import KeyBindings

        bindings = KeyBindings()
        _bind_ctrl_d(bindings)
        shown = message
        if len(shown) + len(default) + 4 > _columns():  # the file name is typed on its own line, whole
            shown += "\n "
        question = questionary.text(shown, default=default, qmark="?", key_bindings=bindings,
                                    instruction="", output=_output())
        return str(_run(question.application)).strip()

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


# -- default mode (prompt_toolkit) ----------------------------------------------------------------
STYLE = {"qmark": "fg:#5f819d", "question": "bold", "answer": "fg:#FF9D00 bold", "highlighted": "bold"}
"""The colours of questionary's prompts, so that the select looks like the text prompt beside it."""


class _Menu:
    """The state of one select: rows (an item index, or None for the blank line before navigation
    items), the pointed row, the letters or digits typed so far, and the answer once given."""

    def __init__(self, items: Sequence[Item], default: Any) -> None:
        self.items = items
        self.answers = [i for i, item in enumerate(items) if item.numbered]
        extra = [i for i, item in enumerate(items) if not item.numbered]
        self.rows: list[int | None] = [*self.answers, *([None, *extra] if extra else [])]
        self.titles = {i: _cut(f"{n}. {items[i].title}") for n, i in enumerate(self.answers, 1)}
        self.titles.update((i, _cut(items[i].title)) for i in extra)
        start = next((i for i, item in enumerate(items) if default is not None and item.value == default), None)
        self.row = self.rows.index(start) if start is not None else 0
        self.typed = ""
        self.answered: int | None = None

    @property
    def pointed(self) -> int:
        return self.rows[self.row]  # type: ignore[return-value]

    def point(self, item_index: int) -> None:
        self.row = self.rows.index(item_index)

    def move(self, step: int) -> None:
        self.row = (self.row + step) % len(self.rows)
        while self.rows[self.row] is None:
            self.row = (self.row + step) % len(self.rows)

    def tokens(self) -> StyleAndTextTuples:
        """The choices as questionary draws them: « » » before the pointed one, 3 spaces otherwise."""
        tokens: StyleAndTextTuples = []
        for row, index in enumerate(self.rows):
            if row == self.row:
                tokens += [("class:pointer", " » "), ("[SetCursorPosition]", "")]
            else:
                tokens.append(("class:text", "   "))
            title = " " if index is None else wrap(self.titles[index])
            tokens += [("class:highlighted" if row == self.row else "class:text", title), ("", "\n")]
        return tokens[:-1]

    def type_key(self, key: str) -> None:
        """A digit picks an answer by number (two digits for 10 and more); letters find a title."""
        if key.isdigit():
            buffer = self.typed + key if self.typed.isdigit() else key
            if not (buffer.isdigit() and 1 <= int(buffer) <= len(self.answers)):
                buffer = key
            self.typed = buffer
            if 1 <= int(buffer) <= len(self.answers):
                self.point(self.answers[int(buffer) - 1])
            return
        titles = [item.title for item in self.items]
        buffer = self.typed + key if not self.typed.isdigit() else key
        index = match_typed(buffer, titles)
        if index is None:
            buffer, index = key, match_typed(key, titles)
        self.typed = buffer
        if index is not None:
            self.point(index)


def _fancy_select(message: str, items: Sequence[Item], default: Any, has_help: bool, back: Any) -> Any:
    from prompt_toolkit.filters import is_done  # start-up: prompt_toolkit only when a menu is drawn
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    menu = _Menu(items, default)
    yes_no = is_yes_no([items[i].title for i in menu.answers])
    hint = (YES_NO_HINT if yes_no else HINT) + ("\u00a0· ?\u00a0aide" if has_help else "")  # « ? aide » kept whole

    def question() -> StyleAndTextTuples:
        end = ("class:answer", menu.titles[menu.answered]) if menu.answered is not None else \
            ("class:instruction", f"({hint})")
        # cut at words for the terminal's width now: prompt_toolkit would cut at any character
        return list(wrap_fragments([("class:qmark", "?"), ("class:question", f" {message} "), end], _columns()))

    bindings = KeyBindings()

    @bindings.add(Keys.Down, eager=True)
    @bindings.add(Keys.ControlN, eager=True)
    def _down(event: Any) -> None:
        menu.move(1)

    @bindings.add(Keys.Up, eager=True)
    @bindings.add(Keys.ControlP, eager=True)
    def _up(event: Any) -> None:
        menu.move(-1)

    @bindings.add(Keys.ControlM, eager=True)
    def submit(event: Any) -> None:
        menu.answered = menu.pointed
        event.app.exit(result=menu.pointed)

    @bindings.add(Keys.ControlC, eager=True)
    def _interrupt(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    @bindings.add(Keys.Any)
    def _key(event: Any) -> None:
        key = event.key_sequence[0].key
        if isinstance(key, Keys) or len(key) != 1:
            return
        if key == "?" and has_help:
            event.app.erase_when_done = True
            event.app.exit(result=_HelpAsked(items[menu.pointed].value))
        elif yes_no and key.lower() in "on":
            menu.point(menu.answers[0] if key.lower() == "o" else menu.answers[1])
            submit(event)
        elif key.isdigit() or key.isalpha() or key in " '-":
            menu.type_key(key)

    if back is not None:
        @bindings.add(Keys.Left, eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=_BACK_KEY)
    _bind_ctrl_d(bindings)
    layout = Layout(HSplit([
        Window(FormattedTextControl(question), wrap_lines=True, dont_extend_height=True),
        ConditionalContainer(Window(FormattedTextControl(menu.tokens), dont_extend_height=True), filter=~is_done),
    ]))
    app = _application()
    app.layout, app.key_bindings, app.erase_when_done = layout, bindings, False
    result = _run(app)
    if isinstance(result, _HelpAsked):
        return result
    if result is _BACK_KEY:
        return back
    return items[result].value


def _application() -> Any:
    """The menus' prompt_toolkit application, made once per prompt_toolkit session (its input and
    output): each menu sets its own layout and key bindings on it, as prompt_toolkit's
    ``PromptSession`` does for its prompts; ``run`` resets the rest.

    Making one loads every default key binding of prompt_toolkit (Emacs, Vi, mouse…), about 10 ms,
    and it was made at every question: a navigation to a result and one card now runs 22 % fewer
    instructions (issue #12). A new session (a test's pipe) gets a new application.
    """
    from prompt_toolkit.application import get_app_session  # start-up: only when a menu is drawn

    return _application_of(get_app_session())


@functools.lru_cache(maxsize=1)
def _application_of(session: Any) -> Any:
    """The application of :func:`_application` for ``session`` (the last session's only)."""
    from prompt_toolkit.application import Application  # start-up: only when a menu is drawn
    from prompt_toolkit.styles import Style

    return Application(style=Style.from_dict(STYLE), output=_output())


def _output() -> Any:
    """The terminal output of a prompt, which never asks the terminal where the cursor is.

    The answer to that request (CPR) is awaited by prompt_toolkit; a terminal that never answers
    got an English warning, and a signal arriving during the wait was caught by prompt_toolkit
    (issue #11). Our prompts are as tall as their content and do not need the cursor's row.
    """
    from prompt_toolkit.output import create_output  # start-up: prompt_toolkit only when a menu is drawn

    output = create_output()
    output.enable_cpr = False  # type: ignore[attr-defined]  # Vt100_Output's public switch
    return output


def _run(app: Any) -> Any:
    """``app.run()``; SIGTERM or SIGHUP end it through its event loop, the terminal restored.

    The signal is recorded and the loop woken up (:func:`process.signals_to`); the application
    then exits with :class:`Terminated`, which ``run`` raises after putting the terminal back. A
    signal that arrives before the loop runs ends the application as soon as it starts, and one
    that arrives as it finishes is raised when ``run`` returns.
    """
    import asyncio  # start-up: an event loop only when a menu is drawn
    import contextlib

    stopped: list[Terminated] = []
    loops: list[Any] = []

    def end() -> None:
        if stopped and app.future is not None and not app.future.done():
            app.exit(exception=stopped[0])

    def receive(stop: Terminated) -> None:
        if not stopped:
            stopped.append(stop)
        if loops:
            with contextlib.suppress(RuntimeError):  # the loop is already closed: raised below
                loops[0].call_soon_threadsafe(end)

    def started() -> None:
        loops.append(asyncio.get_running_loop())
        end()

    with process.signals_to(receive):
        result = app.run(pre_run=started)
    if stopped:
        raise stopped[0]
    return result


def _cut(title: str) -> str:
    """The answered line, one line at most: prompt_toolkit takes minutes to lay out a 20 KB line.

    Cut at a word, never inside one.
    """
    if len(title) <= MAX_ANSWER_CHARS:
        return title
    head = title[:MAX_ANSWER_CHARS - 1]
    inside_a_word = not head.endswith(" ") and title[len(head)] != " "
    return (head.rsplit(" ", 1)[0] + " " if inside_a_word and " " in head else head) + "…"


def _columns() -> int:
    """The terminal's width now (prompt_toolkit's output when a prompt is running)."""
    try:
        from prompt_toolkit.application.current import get_app_or_none  # start-up: only while a menu runs

        app = get_app_or_none()
        if app is not None:
            return app.output.get_size().columns
    except Exception:  # noqa: BLE001 - no terminal to ask: the environment's width
        pass
    return shutil.get_terminal_size().columns


def wrap(title: str, width: int | None = None) -> str:
    """``title`` cut into lines that fit the terminal, continuation lines aligned after the number.

    prompt_toolkit would otherwise cut long choices at the right edge (80-column terminals).
    Lines break between words only, never at a non-breaking space (issue #13). A choice is at
    most :data:`MAX_CHOICE_LINES` lines, ending with « … » (issue #11).
    """
    width = width or _columns()
    number = title.split(" ", 1)[0] if title[:1].isdigit() else ""
    indent = 3 + (len(number) + 1 if number else 0)  # after the pointer « » » and the number
    lines = textwrap.wrap(title, max(20, width - 4), subsequent_indent=" " * (indent - 3),
                          max_lines=MAX_CHOICE_LINES, placeholder=" …",
                          break_long_words=False, break_on_hyphens=False)
    return _shown(("\n" + " " * 3).join(lines) if lines else title)


def _shown(text: str) -> str:
    """Non-breaking spaces as plain ones, once the lines are cut: prompt_toolkit would underline
    them in yellow (as Emacs does) and split the styles around them."""
    return text.replace(NBSP, " ")


def wrap_fragments(fragments: Sequence[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """prompt_toolkit's styled ``(style, text)`` fragments cut into lines of at most ``width - 1``
    characters (the last column stays free for the cursor), between words only."""
    plain = "".join(text for _, text in fragments)
    styles = [style for style, text in fragments for _ in text]
    result: list[tuple[str, str]] = []
    for n, (start, end) in enumerate(spans(plain, max(width - 1, 20))):
        if n:
            result.append(("", "\n"))
        piece_start = start
        for i in range(start + 1, end + 1):
            if i == end or styles[i] != styles[piece_start]:
                result.append((styles[piece_start], _shown(plain[piece_start:i])))
                piece_start = i
    return result


def _bind_ctrl_d(bindings: Any) -> None:
    from prompt_toolkit.keys import Keys  # start-up: prompt_toolkit only when a menu is drawn

    @bindings.add(Keys.ControlD, eager=True)
    def _eof(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")
