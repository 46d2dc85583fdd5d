"""Terminal display with Rich (the only module that imports it): results and problems."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .engine import Result
from .errors import Problem
from .model import Dispositif, Tree
from .summary import NOTICE, channel_text, confidence_note, describe_reason
from .textsafe import printable


def _text(value: str, style: str = "") -> Text:
    """Data text for Rich: control and bidi characters shown, never sent to the terminal."""
    return Text(printable(value), style=style)


def _title(value: str) -> str:
    """A panel title from data: one line, markup-escaped, control characters shown."""
    return escape(printable(value, newlines=False))


def console(stderr: bool = False) -> Console:
    """A console for stdout (results) or stderr (diagnostics); honours NO_COLOR."""
    return Console(stderr=stderr, highlight=False, soft_wrap=False,
                   no_color=bool(os.environ.get("NO_COLOR")) or None,
                   file=sys.stderr if stderr else sys.stdout)


def _legal(d: Dispositif) -> Text:
    """One reference a line, its Légifrance link written out (and clickable where the terminal can)."""
    from .legal import label, link

    text = Text()
    for n, ref in enumerate(d.legal):
        url = link(ref)
        text.append(("\n" if n else "") + label(ref), style=f"link {url}" if url else "")
        if url:
            text.append(f" <{url}>", style=f"dim link {url}")
    return text


def dispositif_card(tree: Tree, d: Dispositif, why: Iterable[str] = (), number: int | None = None) -> Panel:
    """One dispositif as a card: what, for whom, conditions, who decides, next step, sources."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")  # long addresses are folded, never cut
    rows = [("Pour qui", d.for_whom), ("Durée et conditions", d.conditions), ("Qui décide", d.decides),
            ("Prochaine étape", d.next_step), ("Base légale", _legal(d)),
            ("Sources", "; ".join(s.title + (f" ({s.url})" if s.url else "") for s in d.sources)
             + f" — vérifié le {d.checked.strftime('%d/%m/%Y')}")]
    for label, value in rows:
        grid.add_row(label, value if isinstance(value, Text) else _text(value))
    title = f"{number}. {d.name}" if number else d.name
    # a title longer than an 80-column border is cut: the full name then opens the card
    parts: list = [_text(d.name, "bold")] if len(title) > 70 else []
    parts += [_text(d.summary), Text(""), grid]
    if note := confidence_note(d):
        parts += [Text(""), _text("⚠ " + note, "bold yellow")]
    why = list(why)
    if why:
        parts += [Text(""), _text("Pourquoi : " + " ; ".join(why), "italic")]
    return Panel(Group(*parts), title=_title(title), title_align="left", border_style="cyan")


def contacts_table(result: Result) -> Table:
    """« Qui contacter »: every contact of the proposed dispositifs, once."""
    table = Table(title="Qui contacter", title_justify="left", show_lines=True, expand=True)
    table.add_column("Organisme", ratio=2, overflow="fold")
    table.add_column("Comment le joindre", ratio=3, overflow="fold")
    table.add_column("Pour", ratio=2, overflow="fold")
    tree = result.tree
    for use in result.contacts:
        c = use.contact
        how = "\n".join(channel_text(ch.kind, ch.value, ch.note) for ch in c.channels) or "—"
        name = c.name + (f"\n(contacts locaux {c.departement})" if c.departement else "")
        table.add_row(_text(name), _text(how), _text(", ".join(tree.dispositifs[d].name for d in use.dispositifs)))
    return table


def print_result(result: Result, out: Console, added: Iterable[str] = ()) -> None:
    """The full result screen: situation, one card per dispositif, contacts.

    ``added``: ids of dispositifs new since the previous result (their card says « nouveau »).
    """
    tree = result.tree
    out.print(Panel(_text(result.outcome.text), title=_title(result.outcome.title),
                    title_align="left", border_style="green"))
    situation = Table.grid(padding=(0, 1))
    situation.add_column(style="dim")
    situation.add_column()
    for step in result.steps:
        situation.add_row(_text(step.question.text), _text(step.option.label, "bold"))
    out.print(situation)
    out.print()
    if not result.proposals:
        out.print("Aucun dispositif ne correspond à cette situation.")
    for n, p in enumerate(result.proposals, 1):
        why = [describe_reason(tree, r, proposed=True) for r in p.reasons]
        card = dispositif_card(tree, p.dispositif, why, n)
        if p.dispositif.id in set(added):
            card.title = _title(f"{n}. {p.dispositif.name} (nouveau)")
        out.print(card)
    out.print(contacts_table(result))
    out.print(_text(f"Arbre « {tree.title} », version {tree.version}. {NOTICE}", "dim"))


def print_problems(problems: Iterable[Problem], out: Console) -> None:
    for p in problems:
        style = "red" if p.is_error else "yellow"
        out.print(_text(str(p), style))
