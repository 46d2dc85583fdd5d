"""``fiche`` and ``cherche``: a dispositif's card without walking the tree."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import ExitCode, UsageError, shown
from ..system.textsafe import printable
from ..ui.help_fr import Command
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
    from ..core.lookup import find  # start-up: a command imports only what it runs
    from ..views.plan import card

    query = _query(name, "le nom d'un dispositif (des lettres ou des chiffres), par exemple : pdp-nav fiche crpe")
    tree = load(tree_dir, departement)
    found = find(tree, query)
    if not found:
        raise UsageError(f"aucun dispositif ne s'appelle « {shown(query)} » : cherchez par mots-clés avec "
                         f"« pdp-nav cherche {shown(query)} »")
    if len(found) > 1:
        listed = "\n".join(f"  {d.id} — {d.name}" for d in found)
        raise UsageError(f"plusieurs dispositifs correspondent à « {shown(query)} » : donnez l'identifiant de "
                         f"l'un d'eux (pdp-nav fiche IDENTIFIANT)\n{listed}")
    show_card(card(tree, found[0]))
    return ExitCode.OK


def _query(words: list[str], wanted: str) -> str:
    """The words given, joined; refused when they hold no letter or digit to look for."""
    from ..core.lookup import normal  # start-up: a command imports only what it runs

    query = " ".join(words)
    if not normal(query):
        raise UsageError(f"indiquez {wanted}")
    return query


def show_card(c) -> None:  # c: plan.Card
    """The card as a Rich panel in a terminal, as plain lines otherwise."""
    if sys.stdout.isatty():
        from ..ui.render import console, dispositif_card  # start-up: a command imports only what it runs

        console().print(dispositif_card(c))
    else:
        from ..views.summary import card_lines  # start-up: a command imports only what it runs

        emit("\n".join(card_lines(c)) + "\n", None)


def cherche(
    words: Annotated[list[str], typer.Argument(
        help="Mots à chercher dans les noms, autres noms et résumés (sans accents ni majuscules).",
        show_default=False, metavar="MOTS")],
    tree_dir: TreeDir = None,
    departement: Departement = None,
) -> int:
    """Liste les dispositifs dont le nom, un autre nom ou le résumé contient tous les mots donnés."""
    from ..core.lookup import search  # start-up: a command imports only what it runs

    query = _query(words, "au moins un mot à chercher (des lettres ou des chiffres), par exemple : "
                          "pdp-nav cherche emploi")
    found = search(load(tree_dir, departement), query)
    said = printable(shown(query), newlines=False)  # the query is echoed cut, and never drives the terminal
    if not found:
        emit(f"Aucun dispositif ne contient « {said} ». Essayez moins de mots ou un autre nom.\n", None)
        return ExitCode.OK
    lines = [f"{len(found)} dispositif{'s' if len(found) > 1 else ''} pour « {said} » "
             "(pdp-nav fiche IDENTIFIANT pour la fiche) :"]
    lines += [f"  {d.id} — {d.name}" for d in found]
    emit("\n".join(lines) + "\n", None)
    return ExitCode.OK
