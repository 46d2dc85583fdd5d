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
        grid.add_row(label, value if isinstance(value, Text) else Text(value))
    title = f"{number}. {d.name}" if number else d.name
    # a title longer than an 80-column border is cut: the full name then opens the card
    parts: list = [Text(d.name, style="bold")] if len(title) > 70 else []
    parts += [Text(d.summary), Text(""), grid]
    if note := confidence_note(d):
        parts += [Text(""), Text("⚠ " + note, style="bold yellow")]
    why = list(why)
    if why:
        parts += [Text(""), Text("Pourquoi : " + " ; ".join(why), style="italic")]
    return Panel(Group(*parts), title=escape(title), title_align="left", border_style="cyan")


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
        table.add_row(Text(name), Text(how), Text(", ".join(tree.dispositifs[d].name for d in use.dispositifs)))
    return table


def print_result(result: Result, out: Console, added: Iterable[str] = ()) -> None:
    """The full result screen: situation, one card per dispositif, contacts.

    ``added``: ids of dispositifs new since the previous result (their card says « nouveau »).
    """
    tree = result.tree
    out.print(Panel(Text(result.outcome.text), title=escape(result.outcome.title),
                    title_align="left", border_style="green"))
    situation = Table.grid(padding=(0, 1))
    situation.add_column(style="dim")
    situation.add_column()
    for step in result.steps:
        situation.add_row(Text(step.question.text), Text(step.option.label, style="bold"))
    out.print(situation)
    out.print()
    if not result.proposals:
        out.print("Aucun dispositif ne correspond à cette situation.")
    for n, p in enumerate(result.proposals, 1):
        why = [describe_reason(tree, r, proposed=True) for r in p.reasons]
        card = dispositif_card(tree, p.dispositif, why, n)
        if p.dispositif.id in set(added):
            card.title = escape(f"{n}. {p.dispositif.name} (nouveau)")
        out.print(card)
    out.print(contacts_table(result))
    out.print(Text(f"Arbre « {tree.title} », version {tree.version}. {NOTICE}", style="dim"))


def print_problems(problems: Iterable[Problem], out: Console) -> None:
    for p in problems:
        style = "red" if p.is_error else "yellow"
        out.print(Text(str(p), style=style))
