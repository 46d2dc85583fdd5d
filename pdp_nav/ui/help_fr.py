"""Help screens and command-line mistakes in French, on Typer's and click's public API.

Typer and click speak English. Every command and group is built with :class:`Command` or
:class:`Group` (``cls=``), whose ``format_help`` draws the help in French with Rich, paragraphs
reflowed to the terminal's width. :func:`error_message` words click's usage errors in French
from their type and attributes. click's exception classes are the one import from Typer's
vendored click (``typer._click``): it is isolated here, and ``tests/test_english.py`` runs
every command against the pinned Typer versions and fails on any English word.
"""

from __future__ import annotations

import inspect
import io
import re
import shutil
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

HELP_OPTION = "Affiche cette aide et quitte."
USAGE = "Utilisation : "


class _French:
    """The French ``format_help`` shared by commands and groups."""

    def format_help(self, ctx: Any, formatter: Any) -> None:  # click's signature: a Context, a HelpFormatter
        formatter.write(help_screen(ctx, self))


class Command(_French, TyperCommand):
    """A command whose help is French."""


class Group(_French, TyperGroup):
    """A command group whose help is French."""


def paragraphs(text: str | None) -> list[str]:
    """A docstring's paragraphs, each on one line, so that the screen reflows them at any width."""
    blocks = re.split(r"\n\s*\n", inspect.cleandoc(text or ""))
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks if block.strip()]


def usage_line(ctx: typer.Context, command: Any) -> str:
    pieces = ["[OPTIONS]"]
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            name = param.metavar or param.name.upper()
            pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, TyperGroup):
        pieces.append(command.subcommand_metavar or "COMMANDE [ARGUMENTS]...")
    return f"{USAGE}{ctx.command_path} {' '.join(pieces)}"


def _notes(param: Any) -> str:
    notes = []
    if param.param_type_name == "option" and not param.is_flag and param.show_default is not False \
            and param.default not in (None, False, (), []):
        notes.append(f"[par défaut : {param.default}]")
    if param.envvar:
        notes.append(f"[variable d'environnement : {param.envvar}]")
    if param.required:
        notes.append("[obligatoire]")
    return " ".join(notes)


def _rows(ctx: typer.Context, command: Any, kind: str) -> list[tuple[str, str, str, str]]:
    help_option = command.get_help_option(ctx)
    rows = []
    for param in command.get_params(ctx):
        if param.param_type_name != kind or getattr(param, "hidden", False):
            continue
        text = HELP_OPTION if param is help_option else " ".join(paragraphs(getattr(param, "help", None)))
        text = "\n".join(filter(None, [text, _notes(param)]))
        if kind == "argument":
            rows.append((param.metavar or param.name.upper(), "", "", text))
            continue
        longs = [o for o in param.opts if o.startswith("--")] + list(param.secondary_opts)
        shorts = [o for o in param.opts if not o.startswith("--")]
        metavar = "" if param.is_flag else (param.metavar or "")
        rows.append((" / ".join(longs), " ".join(shorts), metavar, text))
    return rows


def help_screen(ctx: typer.Context, command: Any) -> str:
    """The help of ``command``: usage, description, arguments, options, subcommands."""
    from rich import box  # start-up: Rich only when a help screen is drawn
    from rich.console import Console
    from rich.console import Group as Stack
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    width = shutil.get_terminal_size().columns
    out = Console(file=io.StringIO(), width=width, color_system=None, highlight=False, emoji=False)
    blocks: list[Any] = [Text(usage_line(ctx, command)), Text("")]
    blocks += [Text(p + "\n") for p in paragraphs(command.help)]
    sections = [("Arguments", _rows(ctx, command, "argument")), ("Options", _rows(ctx, command, "option"))]
    if isinstance(command, TyperGroup):
        subcommands = [(name, command.get_command(ctx, name)) for name in command.list_commands(ctx)]
        sections.append(("Commandes", [(name, "", "", (paragraphs(sub.help) or [""])[0])
                                       for name, sub in subcommands if sub is not None and not sub.hidden]))
    out.print(Padding(Stack(*blocks), (0, 1)))
    for title, rows in sections:
        if not rows:
            continue
        table = Table.grid(padding=(0, 2))
        for column in range(4):
            table.add_column(ratio=1 if column == 3 else None, no_wrap=column < 3)
        for row in rows:
            table.add_row(*map(Text, row))  # Text: « [par défaut : …] » is not Rich markup
        out.print(Panel(table, title=title, title_align="left", box=box.ROUNDED, border_style="dim"))
    return out.file.getvalue()  # type: ignore[attr-defined]


# -- click's usage errors, in French ---------------------------------------------------------
def _did_you_mean(name: str, close: str | None) -> str:
    return f"commande inconnue « {name} »" + (f" ; vouliez-vous dire {close.replace(chr(39), '')} ?" if close else "")


_MESSAGES: list[tuple[str, Any]] = [
    (r"No such command '(.*?)'\.(?: Did you mean (.*)\?)?", _did_you_mean),
    (r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)", "argument en trop : {0} ; retirez-le"),
    (r"Option '(.*)' requires an argument\.", "l'option {0} demande une valeur"),
    (r"Option '(.*)' requires (\d+) arguments\.", "l'option {0} demande {1} valeurs"),
    (r"Option '(.*)' does not take a value\.", "l'option {0} ne prend pas de valeur"),
    (r"'(.*)' is not a valid (?:integer|float)(?: range)?\.", "« {0} » n'est pas un nombre"),
    (r"'(.*)' is not a valid boolean\.", "« {0} » n'est pas oui ou non (true, false)"),
    (r"(File|Directory|Path) '(.*)' is a directory\.", "Fichier '{1}' est un dossier : indiquez un fichier"),
    (r"(File|Directory|Path) '(.*)' is a file\.", "Fichier '{1}' est un fichier : indiquez un dossier"),
    (r"(File|Directory|Path) '(.*)' does not exist\.", "'{1}' n'existe pas : vérifiez le chemin"),
]
"""click's English messages that carry no attribute to build the French one from."""


def _french(message: str) -> str:
    for pattern, french in _MESSAGES:
        found = re.fullmatch(pattern, message.strip())
        if found:
            return french(*found.groups()) if callable(french) else french.format(*found.groups())
    return message


def error_message(exc: Exception) -> str:
    """The French message of one of click's usage errors (``typer.TyperException``)."""
    from typer._click import exceptions as click  # Typer's private copy of click: isolated here, tested

    ctx: Any = getattr(exc, "ctx", None)
    if isinstance(exc, click.NoSuchOption):
        close = sorted(exc.possibilities or ())
        text = f"option inconnue : {exc.option_name}" + (f" (options proches : {', '.join(close)})" if close else "")
    elif isinstance(exc, click.MissingParameter) and exc.param is not None:
        kind = "argument manquant" if exc.param.param_type_name == "argument" else "option manquante"
        text = f"{kind} {exc.param.get_error_hint(ctx)}"
    elif isinstance(exc, click.BadParameter):
        hint = exc.param.get_error_hint(ctx) if exc.param is not None else exc.param_hint or "un paramètre"
        text = f"valeur invalide pour {hint}: {_french(exc.message)}"
    else:
        text = _french(getattr(exc, "message", str(exc)))
    path = ctx.command_path if ctx is not None else "pdp-nav"
    end = "" if text.endswith(("?", ".")) else "."
    return f"Erreur : {text[:1].upper()}{text[1:]}{end}\nAide : {path} --help"
