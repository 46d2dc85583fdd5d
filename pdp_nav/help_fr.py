"""Typer's help screens in French (panel titles, « Affiche cette aide et quitte. », usage line, types).

Typer hard-codes this chrome in English. :func:`install` replaces it; ``cli.main`` calls it only
when help is asked for, because it imports Rich (start-up speed of the scripted commands).
Every change is guarded: with another Typer version the help simply stays partly in English.
"""

from __future__ import annotations

import contextlib
from typing import Any

HELP_OPTION = "Affiche cette aide et quitte."
USAGE = "Utilisation : "
TEXTS = {
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "ERRORS_PANEL_TITLE": "Erreur",
    "DEFAULT_STRING": "[par défaut : {}]",
    "ENVVAR_STRING": "[variable d'environnement : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "DEPRECATED_STRING": "(obsolète) ",
    "ABORTED_TEXT": "Interrompu.",
    "RICH_HELP": "Aide : [blue]{command_path} {help_option}[/]",
}
TYPE_NAMES = {"path": "<chemin>", "file": "<fichier>", "directory": "<dossier>"}
"""Shown beside the arguments (the options all have a French ``metavar``)."""
_installed: list[bool] = []


def install() -> None:
    """Put the French chrome in place (once per process)."""
    if _installed:
        return
    _installed.append(True)
    with contextlib.suppress(ImportError):
        from typer import rich_utils

        for name, text in TEXTS.items():
            if hasattr(rich_utils, name):
                setattr(rich_utils, name, text)
        # the usage line is highlighted by a pattern on its English prefix
        rich_utils.OptionHighlighter.highlights = [
            h.replace("(?P<usage>Usage: )", f"(?P<usage>{USAGE})") for h in rich_utils.OptionHighlighter.highlights]
    with contextlib.suppress(ImportError, AttributeError):
        from typer._click import decorators, formatting

        _french_help_option(decorators)
        _french_usage_prefix(formatting.HelpFormatter)
    with contextlib.suppress(ImportError, AttributeError):
        from typer import models

        _french_type_names(models.TyperPath)


def _french_help_option(decorators: Any) -> None:
    english = decorators.help_option

    def help_option(param_decls: list[str]) -> Any:
        add = english(param_decls)

        def apply(command: Any) -> Any:
            command = add(command)
            command.params[-1].help = HELP_OPTION
            return command

        return apply

    decorators.help_option = help_option


def _french_usage_prefix(formatter: Any) -> None:
    english = formatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        english(self, prog, args, USAGE if prefix is None else prefix)

    formatter.write_usage = write_usage


def _french_type_names(path_type: Any) -> None:
    english = path_type.get_metavar

    def get_metavar(self: Any, *args: Any, **kwargs: Any) -> str | None:
        return english(self, *args, **kwargs) or TYPE_NAMES.get(self.name)

    path_type.get_metavar = get_metavar
