"""Terminal display with Rich (the only module that imports it): the plan, cards and problems."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..core.engine import Result
from ..errors import Problem
from ..system.textsafe import printable
from ..views.plan import LEGAL, TO_CONFIRM, Card, Plan, meta_line, plan_lines, result_cards, result_plan
from ..views.wording import NOTICE


def _text(value: str, style: str = "") -> Text:
    """Data text for Rich: control and bidi characters shown, never sent to the terminal (issue #11)."""
    return Text(printable(value), style=style)


def _title(value: str) -> str:
    """A panel title from data: one line, markup-escaped, control characters shown."""
    return escape(printable(value, newlines=False))


def console(stderr: bool = False) -> Console:
    """A console for stdout (results) or stderr (diagnostics); honours NO_COLOR."""
    return Console(stderr=stderr, highlight=False, soft_wrap=False,
                   no_color=bool(os.environ.get("NO_COLOR")) or None,
                   file=sys.stderr if stderr else sys.stdout)


def _legal(card: Card) -> Text:
    """One reference a line, its Légifrance link written out (and clickable where the terminal can)."""
    text = Text()
    for n, (name, url) in enumerate(card.legal):
        text.append(("\n" if n else "") + printable(name), style=f"link {url}" if url else "")
        if url:
            text.append(f" <{url}>", style=f"dim link {url}")
    return text


def dispositif_card(card: Card, number: int | None = None) -> Panel:
    """One card: its fields (:func:`pdp_nav.views.plan.card`), why, and whom to contact."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")  # long addresses are folded, never cut
    for label, value in card.fields:
        if label == LEGAL and card.legal:
            grid.add_row(label, _legal(card))
        else:
            grid.add_row(label, _text(value, "bold yellow" if label == "À confirmer" else ""))
    if card.why:
        grid.add_row(card.why_title, _text(card.why, "italic"))
    if card.contacts:
        grid.add_row("Qui contacter", _text("\n".join(card.contacts)))
    title = f"{number}. {card.name}" if number else card.name
    # a title longer than an 80-column border is cut: the full name then opens the card
    parts: list = [_text(card.name, "bold"), grid] if len(title) > 70 else [grid]
    return Panel(Group(*parts), title=_title(title), title_align="left", border_style="cyan")


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
        out.print(_text(f"{meta_line(result.tree)}. {NOTICE}", "dim"))


def print_problems(problems: Iterable[Problem], out: Console) -> None:
    for p in problems:
        style = "red" if p.is_error else "yellow"
        out.print(_text(str(p), style))
