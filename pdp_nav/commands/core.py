"""``validate`` and ``run``: the non-interactive core commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import ExitCode
from .common import Departement, Output, TreeDir, choice, emit, load, today


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("run")(run)


def validate(
    directory: Annotated[Optional[Path], typer.Argument(
        help="Dossier de l'arbre à vérifier (par défaut ./trees).", show_default=False, metavar="DOSSIER")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text ou json.")] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Les avertissements comptent comme des erreurs.")] = False,
) -> int:
    """Vérifie un arbre : syntaxe, références, cycles, parcours sans dispositif, sources et dates.

    Code de sortie : 0 si tout va bien, 1 si des erreurs ont été trouvées (toutes sont
    listées), 2 si un fichier n'a pas pu être lu.
    """
    from ..loader import default_tree_dir
    from ..validate import check

    choice(fmt, ("text", "json"), "--format")
    directory = directory or default_tree_dir()
    report = check(directory, today())
    errors = [p for p in report.problems if p.is_error]
    warnings = [p for p in report.problems if not p.is_error]
    if fmt == "json":
        emit(json.dumps({
            "format_version": 1, "kind": "pdp-nav-validation", "directory": str(directory),
            "problems": [{"file": p.location.file, "line": p.location.line, "column": p.location.column,
                          "severity": "error" if p.is_error else "warning", "rule": p.rule,
                          "message": p.message} for p in report.problems],
            "errors": len(errors), "warnings": len(warnings)}, ensure_ascii=False, indent=2), None)
    else:
        for p in report.problems:
            typer.echo(str(p))
        if report.unreadable:
            typer.echo(f"{len(errors)} erreur(s) de lecture : corrigez-les puis relancez la vérification.")
        elif errors or warnings:
            typer.echo(f"{len(errors)} erreur(s), {len(warnings)} avertissement(s).")
        else:
            typer.echo(f"Arbre valide : {report.summary}.")
    if report.unreadable:
        return ExitCode.INVALID_INPUT
    if errors or (strict and warnings):
        return ExitCode.CHECKS_FAILED
    return ExitCode.OK


def run(
    answers: Annotated[Path, typer.Option(
        "--answers", "-a", metavar="FICHIER", help="Fichier de réponses YAML (question: option) ou scénario.",
        show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text (le plan d'action, mis en forme dans un terminal, en texte brut dans un fichier ou un tube), json ou markdown.")] = "text",
    tree_dir: TreeDir = None,
    departement: Departement = None,
    output: Output = None,
    detail: Annotated[bool, typer.Option("--detail", help="Après le plan d'action, la fiche complète de chaque dispositif.")] = False,
) -> int:
    """Rejoue un fichier de réponses sans interaction et affiche le plan d'action (--detail : et les fiches)."""
    from ..answers import read_answers, resolve

    choice(fmt, ("text", "json", "markdown"), "--format")
    given, doc, base = read_answers(answers)
    tree = load(tree_dir, departement)
    result = resolve(tree, given, doc, base).result()
    if fmt == "json":
        from ..summary import result_dict

        emit(json.dumps(result_dict(result), ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "markdown":
        from ..summary import result_markdown

        emit(result_markdown(result, detail=detail), output)
    elif output is None and sys.stdout.isatty():
        from ..render import console, print_result  # the plan and cards, drawn for the terminal

        print_result(result, console(), detail=detail)
    else:
        from ..summary import result_text  # plain lines for a pipe or a file

        emit(result_text(result, detail=detail), output)
    return ExitCode.OK
