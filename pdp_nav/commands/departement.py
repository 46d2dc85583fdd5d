"""``departement creer`` and ``departement verifier``: a local team writes and checks its directory (issue #14)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ExitCode, UsageError, display_path
from ..ui.help_fr import Command, Group
from .common import TreeDir, need_subcommand, today

Code = Annotated[str, typer.Argument(
    metavar="DEPARTEMENT", show_default=False,
    help="Numéro (56, 056, 2A, 974) ou nom (morbihan) du département.")]


def register(app: typer.Typer) -> None:
    sub = typer.Typer(
        name="departement", cls=Group, add_completion=False, invoke_without_command=True, callback=_group,
        subcommand_metavar="COMMANDE [ARGUMENTS]...",
        help="Annuaire local d'un département : créer le fichier à remplir, vérifier ce qui manque.")
    sub.command("creer", cls=Command)(creer)
    sub.command("verifier", cls=Command)(verifier)
    app.add_typer(sub, name="departement")


def _group(ctx: typer.Context) -> None:
    """Annuaire local d'un département."""
    need_subcommand(ctx, "indiquez quoi faire (creer ou verifier), par exemple : pdp-nav departement creer 56")


def _code(text: str) -> str:
    from ..core.departements import code, invalid_message  # start-up: a command imports only what it runs

    dep = code(text)
    if dep is None:
        raise UsageError(invalid_message(text))
    return dep


def _tree_dir(tree_dir: Path | None) -> Path:
    from ..content.files import default_tree_dir  # start-up: a command imports only what it runs

    return tree_dir or default_tree_dir()


def creer(departement: Code, tree_dir: TreeDir = None) -> int:
    """Crée departements/NN.yaml : chaque organisme local, chaque champ à remplir, avec un exemple.

    Le fichier est commenté en français : une équipe locale le remplit avec un éditeur de
    texte, puis le vérifie avec « pdp-nav departement verifier NN ». Un fichier existant
    n'est jamais remplacé.
    """
    from ..content.overlays import (  # start-up: a command imports only what it runs
        contacts_tree,
        overlay_path,
        template,
    )
    from ..system.atomic import write_atomic

    dep = _code(departement)
    directory = _tree_dir(tree_dir)
    path = overlay_path(directory, dep)
    if path.is_symlink():  # even one pointing nowhere: pdp-nav never writes through a link (issue #11)
        raise UsageError(f"{display_path(path)} est un lien symbolique : pdp-nav n'écrit pas à travers un lien ; "
                         "supprimez le lien, puis relancez")
    if path.exists():
        raise UsageError(f"{display_path(path)} existe déjà : complétez-le avec un éditeur de texte puis "
                         f"vérifiez-le avec « pdp-nav departement verifier {dep} » (pour repartir de zéro, "
                         "renommez-le d'abord)")
    text = template(contacts_tree(directory), dep)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    typer.echo(f"{display_path(path)} créé : remplacez chaque « À COMPLÉTER », puis lancez "
               f"« pdp-nav departement verifier {dep} ».")
    return ExitCode.OK


def verifier(departement: Code, tree_dir: TreeDir = None) -> int:
    """Liste ce qui manque dans departements/NN.yaml, avec fichier:ligne:colonne.

    Code de sortie : 0 si l'annuaire est complet, 1 s'il reste des champs à remplir ou à
    corriger, 2 si le fichier n'existe pas ou ne peut pas être lu.
    """
    from ..content.overlays import missing, overlay_path  # start-up: a command imports only what it runs

    dep = _code(departement)
    directory = _tree_dir(tree_dir)
    path = overlay_path(directory, dep)
    if not path.exists() and not path.is_symlink():  # a FIFO or a link is refused by the reading, with its reason
        raise UsageError(f"{display_path(path)} n'existe pas : créez-le avec « pdp-nav departement creer {dep} »")
    problems, unreadable = missing(directory, dep, today())
    for p in problems:
        typer.echo(str(p))
    if unreadable:
        typer.echo("Fichier illisible : corrigez l'erreur ci-dessus puis relancez la vérification.")
        return ExitCode.INVALID_INPUT
    if problems:
        typer.echo(f"{len(problems)} point(s) à compléter ou corriger dans {display_path(path)}.")
        return ExitCode.CHECKS_FAILED
    typer.echo(f"{display_path(path)} est complet : chaque contact a ses coordonnées, ses sources et sa date.")
    return ExitCode.OK
