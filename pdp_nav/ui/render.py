"""Terminal display with Rich (the only module that imports it): the plan, cards and problems."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..core.engine import Result
from ..errors import Problem
from ..system.textsafe import printable
from ..views.plan import TO_CONFIRM, Card, Plan, meta_line, plan_lines, result_cards, result_plan
from ..views.typography import fit, french, spans
from ..views.wording import NOTICE


class Prose:
    """Text for people, cut into lines at the width Rich gives it, between words only.

    Rich breaks lines at any white space, the non-breaking ones included: « ? » or « : »
    would start a line and « » lose their space. This renderable applies French spacing
    (:func:`pdp_nav.typography.french`) and cuts the lines itself, so it works in a panel,
    a table cell or on its own at any width (issue #13). Only a word longer than a whole
    line is left to Rich, which folds it.
    """

    def __init__(self, text: Text, hang: int = 0) -> None:
        self.text = Text(french(text.plain), style=text.style, spans=text.spans, end=text.end,
                         overflow="fold")
        self.hang = hang
        """Indentation of the continuation lines (a bullet's text under its first word)."""

    def lines(self, width: int) -> Text:
        """The text with its line breaks for ``width`` columns."""
        plain = self.text.plain
        out = Text(style=self.text.style, end=self.text.end, overflow="fold")
        for n, (a, b) in enumerate(spans(plain, width, self.hang)):
            if n:
                out.append("\n")
                if self.hang and plain[a - 1:a] != "\n":  # a continuation, not a new paragraph
                    out.append(" " * self.hang)
            out.append_text(self.text[a:b])
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        words = [len(w) for w in plain.replace("\n", " ").split(" ")]
        longest = max((len(line) for line in plain.split("\n")), default=0)
        return Measurement(min(max(words, default=0), options.max_width), min(longest, options.max_width))


def _text(value: str, style: str = "") -> Text:
    """Data text for Rich: control and bidi characters shown, never sent to the terminal (issue #11)."""
    return Text(printable(value), style=style)


def prose(value: str, style: str = "", hang: int = 0) -> Prose:
    """Data text for people (:class:`Prose`), control and bidi characters shown (issue #11)."""
    return Prose(_text(value, style), hang)


def _title(value: str) -> str:
    """A panel title from data: one line, markup-escaped, control characters shown."""
    return escape(printable(value, newlines=False))


def console(stderr: bool = False) -> Console:
    """A console for stdout (results) or stderr (diagnostics); honours NO_COLOR."""
    return Console(stderr=stderr, highlight=False, soft_wrap=False,
                   no_color=bool(os.environ.get("NO_COLOR")) or None,
                   file=sys.stderr if stderr else sys.stdout)


def _links(links: tuple[tuple[str, str], ...]) -> Text:
    """One reference a line, its Légifrance link written out (and clickable where the terminal can)."""
    text = Text()
    for n, (name, url) in enumerate(links):
        text.append(("\n" if n else "") + printable(name), style=f"link {url}" if url else "")
        if url:
            text.append(f" <{url}>", style=f"dim link {url}")
    return text


class CardView:
    """One card drawn for the width Rich gives it: its title is cut at a word, never inside one."""

    def __init__(self, card: Card, number: int | None = None) -> None:
        self.card = card
        self.number = number

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        card = self.card
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")  # long addresses are folded, never cut
        for field in card.fields:
            grid.add_row(field.label, Prose(_links(field.links)) if field.links
                         else prose(field.text, "bold yellow" if field.warning else ""))
        if card.why:
            grid.add_row(card.why_title, prose(card.why, "italic"))
        if card.contacts:
            grid.add_row("Qui contacter", prose("\n".join(card.contacts)))
        title = f"{self.number}. {card.name}" if self.number else card.name
        room = max(options.max_width - 10, 10)  # the corners and the border around the title
        # a title too long for the border is cut at a word: the full name then opens the card
        parts: list = [prose(card.name, "bold"), grid] if len(title) > room else [grid]
        yield Panel(Group(*parts), title=_title(french(fit(title, room))), title_align="left",
                    border_style="cyan")


def dispositif_card(card: Card, number: int | None = None) -> CardView:
    """One card: its fields (:func:`pdp_nav.views.plan.card`), why, and whom to contact."""
    return CardView(card, number)


def plan_text(plan: Plan, width: int) -> Text:
    """The plan's lines (:func:`pdp_nav.views.plan.plan_lines`, never wider than ``width``), styled."""
    headings = {g.title for g in plan.groups} | {"Qui contacter"}
    text = Text()
    for n, line in enumerate(plan_lines(plan, width)):
        style = "bold green" if n == 0 else "bold cyan" if line in headings else ""
        part = _text(line + "\n", style)
        part.highlight_words([TO_CONFIRM], "bold yellow")
        text.append_text(part)
    return text


def print_result(result: Result, out: Console, *, detail: bool = False) -> None:
    """The result screen: the plan, then with ``detail`` every card."""
    out.print(plan_text(result_plan(result), out.width), end="", no_wrap=True, crop=False)
    if detail:
        for n, c in enumerate(result_cards(result), 1):
            out.print(dispositif_card(c, n))
        out.print(prose(f"{meta_line(result.tree)}. {NOTICE}", "dim"))


def print_problems(problems: Iterable[Problem], out: Console) -> None:
    for p in problems:
        style = "red" if p.is_error else "yellow"
        out.print(prose(str(p), style, hang=2))
