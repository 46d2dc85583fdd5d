"""``fiche`` and ``cherche``: a dispositif's card without walking the tree."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import ExitCode, UsageError
from ..help_fr import Command
from .common import Departement, TreeDir, emit, load


def register(app: typer.Typer) -> None:
    app.command("fiche", cls=Command)(fiche)
    app.command("cherche", cls=Command)(cherche)


def fiche(
    name: Annotated[list[str], typer.Argument(
        help="Identifiant, nom ou autre nom du dispositif (sans accents ni majuscules : « mi-temps "
             "therapeutique », « sameth »).", show_default=False, metavar="NOM")],
    tree_dir: TreeDir = None,
    departement: Departement = None,
) -> int:
    """Affiche la fiche complète d'un dispositif : ce que c'est, pour qui, conditions, contacts, sources."""
    from ..lookup import find
    from ..plan import card

    query = " ".join(name)
    tree = load(tree_dir, departement)
    found = find(tree, query)
    if not found:
        raise UsageError(f"aucun dispositif ne s'appelle « {query} » : cherchez par mots-clés avec "
                         f"« pdp-nav cherche {query} »")
    if len(found) > 1:
        listed = "\n".join(f"  {d.id} — {d.name}" for d in found)
        raise UsageError(f"plusieurs dispositifs correspondent à « {query} » : donnez l'identifiant de "
                         f"l'un d'eux (pdp-nav fiche IDENTIFIANT)\n{listed}")
    show_card(card(tree, found[0]))
    return ExitCode.OK


def show_card(c) -> None:  # c: plan.Card
    """The card as a Rich panel in a terminal, as plain lines otherwise."""
    if sys.stdout.isatty():
        from ..render import console, dispositif_card

        console().print(dispositif_card(c))
    else:
        from ..summary import card_lines

        emit("\n".join(card_lines(c)) + "\n", None)


def cherche(
    words: Annotated[list[str], typer.Argument(
        help="Mots à chercher dans les noms, autres noms et résumés (sans accents ni majuscules).",
        show_default=False, metavar="MOTS")],
    tree_dir: TreeDir = None,
    departement: Departement = None,
) -> int:
    """Liste les dispositifs dont le nom, un autre nom ou le résumé contient tous les mots donnés."""
    from ..lookup import search

    query = " ".join(words)
    found = search(load(tree_dir, departement), query)
    if not found:
        emit(f"Aucun dispositif ne contient « {query} ». Essayez moins de mots ou un autre nom.\n", None)
        return ExitCode.OK
    lines = [f"{len(found)} dispositif{'s' if len(found) > 1 else ''} pour « {query} » "
             "(pdp-nav fiche IDENTIFIANT pour la fiche) :"]
    lines += [f"  {d.id} — {d.name}" for d in found]
    emit("\n".join(lines) + "\n", None)
    return ExitCode.OK
