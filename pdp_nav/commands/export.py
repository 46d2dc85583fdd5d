"""Exports for scripts and for sharing (issue #6): ``paths``, ``graph``, ``catalogue``,
``export html`` and ``diff``. Formats are documented in ``docs/formats.md``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import typer

from ..errors import ExitCode
from ..ui.help_fr import Command, Group
from .common import Departement, Output, TreeDir, check_output, choice, emit, load, need_subcommand, today

export_app = typer.Typer(
    name="export", cls=Group, add_completion=False, subcommand_metavar="COMMANDE [ARGUMENTS]...",
    help="Exporte l'arbre pour le partager (page HTML hors ligne).")


@export_app.callback(invoke_without_command=True)
def _export(ctx: typer.Context) -> None:
    """Exporte l'arbre pour le partager (page HTML hors ligne)."""
    need_subcommand(ctx, "indiquez quoi exporter, par exemple : pdp-nav export html --output pdp.html")


def register(app: typer.Typer) -> None:
    app.command("paths", cls=Command)(paths)
    app.command("graph", cls=Command)(graph)
    app.command("catalogue", cls=Command)(catalogue)
    app.command("diff", cls=Command)(diff)
    export_app.command("html", cls=Command)(html)
    app.add_typer(export_app, name="export")


@contextlib.contextmanager
def _sink(output: Path | None) -> Iterator[IO[str]]:
    """Standard output, or a file that appears only once it is completely written."""
    if output is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from ..system.atomic import atomic_open  # start-up: a command imports only what it runs

    with atomic_open(output) as handle:
        yield handle


def _written(output: Path | None, what: str) -> None:
    if output is not None:
        from ..errors import display_path  # start-up: a command imports only what it runs

        typer.echo(f"{what} dans {display_path(output)}.", err=True)


def paths(
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="FORMAT",
        help="jsonl (une ligne par parcours), json, csv, csv-excel (Excel français : « ; », UTF-8 avec BOM) "
             "ou markdown.")] = "jsonl",
    phase: Annotated[str | None, typer.Option(
        "--phase", show_default=False, metavar="OPTION",
        help="Ne garde que les parcours dont la première réponse est cette option (ex. arret).")] = None,
    dispositif: Annotated[list[str] | None, typer.Option(
        "--dispositif", show_default=False, metavar="ID",
        help="Ne garde que les parcours qui proposent ce dispositif (répétable : tous à la fois).")] = None,
    start: Annotated[str | None, typer.Option(
        "--from", show_default=False, metavar="NŒUD",
        help="Part de cette question au lieu de la racine (les questions d'avant sont considérées "
             "comme non posées).")] = None,
    tree_dir: TreeDir = None,
    departement: Departement = None,
    output: Output = None,
) -> int:
    """Liste tous les parcours, de la première question à une issue, avec les dispositifs et contacts.

    Chaque parcours donne, pour chaque question, son identifiant, son texte, l'option choisie
    et son libellé ; puis l'issue, les dispositifs proposés et les contacts. Le format jsonl
    est produit au fil de l'eau : la mémoire ne dépend pas du nombre de parcours.
    """
    from ..export.paths import FORMATS, WRITERS, select  # start-up: a command imports only what it runs

    choice(fmt, FORMATS, "--format")
    check_output(output, "--output", tree_dir)
    tree = load(tree_dir, departement)
    selection = select(tree, start=start, phase=phase, dispositifs=dispositif or ())
    with _sink(output) as handle:
        count = WRITERS[fmt](tree, selection, handle)
    if count == 0:
        typer.echo("Aucun parcours ne correspond à ces filtres.", err=True)
    _written(output, f"{count} parcours écrit" + ("s" if count > 1 else ""))
    return ExitCode.OK


def graph(
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="FORMAT", help="mermaid ou dot (Graphviz).")] = "mermaid",
    with_dispositifs: Annotated[bool, typer.Option(
        "--dispositifs", help="Liste sur chaque issue les dispositifs proposés (parcourt tous les chemins).")] = False,
    tree_dir: TreeDir = None,
    output: Output = None,
) -> int:
    """Dessine l'arbre : organigramme Mermaid ou graphe Graphviz (dot -Tsvg pour l'image)."""
    from ..export.graph import FORMATS, RENDERERS  # start-up: a command imports only what it runs

    choice(fmt, FORMATS, "--format")
    check_output(output, "--output", tree_dir)
    tree = load(tree_dir, None)
    emit(RENDERERS[fmt](tree, with_dispositifs=with_dispositifs), output)
    _written(output, "Graphe écrit")
    return ExitCode.OK


def catalogue(
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="FORMAT",
        help="json, csv, csv-excel (Excel français : « ; », UTF-8 avec BOM) ou markdown.")] = "json",
    table: Annotated[str | None, typer.Option(
        "--table", show_default=False, metavar="TABLE",
        help="Pour les formats csv et csv-excel : dispositifs (par défaut) ou contacts.")] = None,
    tree_dir: TreeDir = None,
    departement: Departement = None,
    output: Output = None,
) -> int:
    """Exporte le catalogue : chaque dispositif (tous les champs, fiabilité, à confirmer) et les contacts."""
    from ..errors import UsageError  # start-up: a command imports only what it runs
    from ..export import catalogue as cat

    choice(fmt, cat.FORMATS, "--format")
    if table is not None and not fmt.startswith("csv"):
        raise UsageError("--table ne s'applique qu'aux formats csv et csv-excel : json et markdown contiennent "
                         "les deux listes")
    check_output(output, "--output", tree_dir)
    tree = load(tree_dir, departement)
    if fmt == "json":
        text = cat.catalogue_json(tree)
    elif fmt == "csv":
        text = cat.catalogue_csv(tree, table or "dispositifs")
    elif fmt == "csv-excel":
        text = cat.catalogue_csv_excel(tree, table or "dispositifs")
    else:
        text = cat.catalogue_markdown(tree)
    emit(text, output)
    _written(output, "Catalogue écrit")
    return ExitCode.OK


def html(
    output: Annotated[Path, typer.Option(
        "--output", "-o", dir_okay=False, show_default=False, metavar="FICHIER",
        help="Fichier HTML à écrire (atomiquement), ex. pdp.html.")],
    tree_dir: TreeDir = None,
    departement: Departement = None,
) -> int:
    """Écrit une page HTML autonome, utilisable hors ligne, pour parcourir l'arbre à la souris.

    Un seul fichier, sans connexion ni ressource externe : questions, retour en arrière,
    fiches des dispositifs proposés, contacts ; imprimable.
    """
    from ..errors import display_path  # start-up: a command imports only what it runs
    from ..export.html import build_html
    from ..system.atomic import write_atomic

    check_output(output, "--output", tree_dir)
    tree = load(tree_dir, departement)
    write_atomic(output, build_html(tree, today()))
    typer.echo(f"Page écrite dans {display_path(output)} : ouvrez-la dans un navigateur "
               "(elle fonctionne hors ligne).", err=True)
    return ExitCode.OK


def diff(
    old_dir: Annotated[Path, typer.Argument(
        help="Dossier de l'ancienne version de l'arbre.", show_default=False, metavar="ANCIEN")],
    new_dir: Annotated[Path, typer.Argument(
        help="Dossier de la nouvelle version de l'arbre.", show_default=False, metavar="NOUVEAU")],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text ou json.")] = "text",
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="Code de sortie 1 s'il y a des différences (pour l'intégration continue).")] = False,
    detail: Annotated[bool, typer.Option(
        "--detail", help="Liste aussi chaque parcours dont le résultat change (avant → après).")] = False,
    output: Output = None,
) -> int:
    """Compare deux versions de l'arbre, regroupé par cause.

    Questions, options, issues, dispositifs et contacts ajoutés, retirés ou modifiés ; pour
    chaque dispositif, combien de parcours le gagnent ou le perdent et un exemple ; puis le
    nombre de parcours qui changent (--detail : chacun, avant → après ; le JSON a tout).
    Avec --exit-code : code de sortie 1 s'il y a des différences.
    """
    import json  # start-up: a command imports only what it runs

    from ..export.diff import diff_trees  # start-up: a command imports only what it runs

    choice(fmt, ("text", "json"), "--format")
    check_output(output, "--output", old_dir, new_dir)
    old, new = load(old_dir, None), load(new_dir, None)
    data = diff_trees(old, new)
    if fmt == "json":
        emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
    else:
        from ..export.diff_text import diff_text  # start-up: a command imports only what it runs

        emit(diff_text(data, old, new, detail), output)
    _written(output, "Comparaison écrite")
    return ExitCode.CHECKS_FAILED if exit_code and not data["identical"] else ExitCode.OK
