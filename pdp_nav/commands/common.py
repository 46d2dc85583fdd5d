"""Options and helpers shared by the subcommands (tree location, output, today)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError

TreeDir = Annotated[Path | None, typer.Option(
    "--arbre", envvar="PDP_NAV_ARBRE", show_default=False, metavar="DOSSIER",
    help="Dossier de l'arbre (arbre.yaml, catalogue.yaml, contacts.yaml). "
         "Par défaut : ./trees, sinon l'arbre livré avec pdp-nav.")]
Departement = Annotated[str | None, typer.Option(
    "--departement", "-d", envvar="PDP_NAV_DEPARTEMENT", show_default=False, metavar="CODE",
    help="Département dont afficher les contacts locaux : numéro (56, 056, 2A, 974) ou nom (morbihan). "
         "Sans annuaire local pour ce département, les contacts nationaux et les annuaires officiels sont indiqués.")]
Output = Annotated[Path | None, typer.Option(
    "--output", "-o", show_default=False, dir_okay=False, metavar="FICHIER",
    help="Écrit dans ce fichier (atomiquement) au lieu de la sortie standard.")]


def load(tree_dir: Path | None, departement: str | None):  # -> Tree
    """Load the tree (valid, overlay applied) for a command.

    A département without overlay gets the national contacts, and a note on stderr saying
    how to set up its local directory (issue #14).
    """
    from ..content.load import load_tree  # start-up: a command imports only what it runs

    tree = load_tree(no_link_loop(tree_dir, "--arbre"), departement)
    if departement and not tree.departement:
        typer.echo(no_directory_note(departement), err=True)
    return tree


def no_directory_note(departement: str) -> str:
    """« Pas d'annuaire local… » for a valid département that has no overlay."""
    from ..core.departements import code, label  # start-up: a command imports only what it runs

    dep = code(departement) or departement
    return (f"Note : aucun annuaire local n'est configuré pour le département {label(dep)} ; les contacts "
            f"nationaux et les annuaires officiels sont indiqués. Pour ajouter les contacts locaux : "
            f"pdp-nav departement creer {dep}")


def no_link_loop(path: Path | None, option: str) -> Path | None:
    """``path``, unless it is a symbolic link that loops (resolving it would never end)."""
    if path is not None and os.path.islink(path):
        try:
            path.resolve(strict=False)
        except (RuntimeError, OSError):  # RuntimeError: a loop, before Python 3.13
            raise UsageError(f"{option} {path} : lien symbolique qui boucle sur lui-même ; "
                             "indiquez le vrai dossier") from None
    return path


def today() -> dt.date:
    """Today's date; ``PDP_NAV_TODAY=AAAA-MM-JJ`` fixes it (tests, reproducible reports)."""
    value = os.environ.get("PDP_NAV_TODAY")
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"PDP_NAV_TODAY=« {value} » : écrivez une date AAAA-MM-JJ") from None


def emit(text: str, output: Path | None) -> None:
    """Print ``text`` to stdout, or write it atomically to ``output``."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    from ..system.atomic import write_atomic  # start-up: a command imports only what it runs

    write_atomic(output, text)


def check_output(output: Path | None, option: str, *inputs: Path | None) -> None:
    """Refuse an output that is one of the command's inputs: writing it would destroy it.

    ``inputs`` are files (an answers file…) or tree directories (``None``: the default tree),
    whose YAML files are all inputs.
    """
    if output is None:
        return
    from ..content.files import default_tree_dir  # start-up: a command imports only what it runs
    from ..errors import display_path

    target = Path(os.path.realpath(output))
    for given in inputs:
        source = Path(os.path.realpath(given or default_tree_dir()))
        inside = source.is_dir() and target.suffix in (".yaml", ".yml") and target.is_relative_to(source)
        if target == source or (inside and target.exists()):
            raise UsageError(f"{option} {output} : ce fichier est une entrée de la commande "
                             f"({display_path(given or source)}) et serait écrasé ; choisissez un autre nom de fichier")


def need_subcommand(ctx: typer.Context, what: str) -> None:
    """A group called alone (``pdp-nav export``): say what to add (``what``), exit 2."""
    if ctx.invoked_subcommand is None:
        raise UsageError(f"{what} (aide : {ctx.command_path} --help)")


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    """Check an enumerated option value, with a French message."""
    if value not in allowed:
        raise UsageError(f"{option} « {value} » inconnu : choisissez parmi {', '.join(allowed)}")
    return value
