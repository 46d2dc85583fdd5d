"""A département's local directory (``departements/NN.yaml``): the commented template, and what is still missing.

Pure module: ``departement creer`` and ``departement verifier`` print and write (issue #14).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from ..core.departements import NAMES
from ..core.model import Contact, Tree
from ..errors import InputError, Problem
from .files import PLACEHOLDER
from .lint import overlay_problems
from .load import read_tree

LOCAL_ORGANISATIONS = (
    "cpam", "service-social-am", "service-medical-am", "carsat", "mdph", "cap-emploi", "msa",
    "france-travail", "spst", "cdg-conseil-medical", "agefiph", "fiphfp", "transitions-pro", "cep",
    "reseau-maintien-local",
)
"""The contacts of ``contacts.yaml`` that have a local office, in the order of the template."""

CHANNELS = (
    ("telephone", "numéro à l'usage des professionnels si l'organisme en publie un, ex. « 02 XX XX XX XX »"),
    ("adresse", "adresse postale publiée par l'organisme, ex. « 1 rue …, 56000 Vannes »"),
    ("email", "adresse électronique publiée pour les professionnels, ex. « maintien@… »"),
    ("web", "page officielle de l'organisme local, ex. « https://… »"),
)

HEADER = """\
# yaml-language-server: $schema=../schema/departement.schema.json
#
# Annuaire local du département {label}, créé par « pdp-nav departement creer {dep} ».
#
# Comment le remplir (une dizaine de minutes, avec un éditeur de texte) :
#   1. Pour chaque organisme, remplacez chaque « À COMPLÉTER (…) », guillemets compris, par la
#      valeur entre guillemets : ce qui est entre parenthèses dit quoi mettre, avec un exemple.
#   2. Une valeur que vous ne pouvez pas sourcer : supprimez la ligne. Rien de ce qui reste
#      « À COMPLÉTER » n'est montré aux médecins : ils voient alors le canal national et
#      l'annuaire officiel de l'organisme (indiqués en commentaire « Où chercher »).
#   3. Indiquez la page officielle où vous avez lu les coordonnées (sources) et la date du jour
#      (checked: AAAA-MM-JJ) ; pdp-nav validate signale les dates de plus de 12 mois.
#   4. Un organisme sans antenne dans le département : supprimez tout son bloc.
#   5. Vérifiez : pdp-nav departement verifier {dep}  (liste ce qui reste, avec le numéro de ligne).
#
# N'inventez aucun numéro, aucune adresse, aucun nom de personne.
format_version: 1
departement: "{dep}"
name: {name}
contacts:
"""

NEW_CONTACT_EXAMPLE = """
  # Un organisme local sans équivalent national (équipe Comète, PRITH, programme local…) :
  # retirez les « # » du bloc ci-dessous et remplissez-le. « dispositifs » : les dispositifs du
  # catalogue auxquels il est rattaché (identifiants de catalogue.yaml).
  # exemple-local:
  #   name: "Nom de l'organisme"
  #   description: "Ce qu'il fait pour le maintien en emploi, en une ou deux phrases."
  #   channels:
  #     - {kind: web, value: "https://…"}
  #   sources: ["Page officielle de l'organisme"]
  #   checked: 2026-01-31
  #   dispositifs: [comete-france]
"""


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: str = "    ") -> list[str]:
    return textwrap.wrap(text, 96, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}#   ")


def _block(contact: Contact) -> list[str]:
    where = " ; ".join(ch.value + (f" — {ch.note}" if ch.note else "") for ch in contact.channels)
    lines = [f"  {contact.id}:", *_comment(f"{contact.name}. Rôle : {contact.description}")]
    lines += _comment(f"Où chercher : {where or 'site officiel de l’organisme'}")
    lines.append("    name: " + _quoted(f"{PLACEHOLDER} (nom de l'organisme dans le département)"))
    lines.append("    channels:")
    lines += [f"      - {{kind: {kind}, value: {_quoted(f'{PLACEHOLDER} ({what})')}}}" for kind, what in CHANNELS]
    lines.append("    sources: [" + _quoted(f"{PLACEHOLDER} (page officielle où vous avez lu ces coordonnées)") + "]")
    lines.append("    checked: " + _quoted(f"{PLACEHOLDER} (date de vérification, AAAA-MM-JJ)"))
    return lines


def template(tree: Tree, dep: str) -> str:
    """The commented overlay of ``dep``: every local organisation, every field to fill."""
    lines = [HEADER.format(dep=dep, label=f"{dep} ({NAMES[dep]})", name=_quoted(NAMES[dep])).rstrip("\n")]
    for cid in LOCAL_ORGANISATIONS:
        if cid in tree.contacts:
            lines += ["", *_block(tree.contacts[cid])]
    return "\n".join(lines) + "\n" + NEW_CONTACT_EXAMPLE


def contacts_tree(tree_dir: Path) -> Tree:
    """The tree read and schema-checked, without the (slower) lint: the template only needs its contacts.

    Raises:
        InputError: a file cannot be read, or the tree cannot be built (its problems attached).
    """
    loaded = read_tree(tree_dir)
    if loaded.tree is None:
        raise InputError([p for p in loaded.problems if p.is_error])
    return loaded.tree


def overlay_path(tree_dir: Path, dep: str) -> Path:
    return tree_dir / "departements" / f"{dep}.yaml"


def missing(tree_dir: Path, dep: str, today: dt.date) -> tuple[list[Problem], bool]:
    """What is wrong or still to fill in the overlay of ``dep``, and whether it could not be read.

    Only this overlay's problems are kept; the rest of the tree is ``validate``'s business.
    """
    loaded = read_tree(tree_dir)
    doc = loaded.sources.overlays.get(dep)
    if doc is None:  # unreadable: its problems say why
        return [p for p in loaded.problems if Path(p.location.file).name == f"{dep}.yaml"], True
    if loaded.unreadable:  # another file could not be read, so nothing was checked: say which (issue #11)
        return list(loaded.problems), True
    problems = [p for p in loaded.problems if p.location.file == doc.file]
    if loaded.tree is not None and dep not in loaded.sources.invalid_overlays:
        problems += overlay_problems(loaded.tree, doc, today)
    return sorted(problems, key=lambda p: (p.location.line, p.location.column)), False
