"""``validate`` and ``run``: the non-interactive core commands."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ExitCode, Problem, UsageError, display_path
from ..ui.help_fr import Command
from .common import Departement, Output, TreeDir, check_output, choice, emit, load, no_link_loop, today


def register(app: typer.Typer) -> None:
    app.command("validate", cls=Command)(validate)
    app.command("run", cls=Command)(run)


def validate(
    directory: Annotated[Path | None, typer.Argument(
        help="Dossier de l'arbre à vérifier (par défaut ./trees, sinon l'arbre livré avec pdp-nav).",
        show_default=False, metavar="DOSSIER")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text ou json.")] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Les avertissements comptent comme des erreurs.")] = False,
) -> int:
    """Vérifie un arbre : syntaxe, références, cycles, parcours sans dispositif, sources et dates.

    Code de sortie : 0 si tout va bien, 1 si des erreurs ont été trouvées (toutes sont
    listées), 2 si un fichier n'a pas pu être lu.
    """
    from ..content.files import data_dir, default_tree_dir  # start-up: a command imports only what it runs
    from ..validate import check

    choice(fmt, ("text", "json"), "--format")
    shipped = directory is None and default_tree_dir() == data_dir()
    directory = no_link_loop(directory, "DOSSIER") or default_tree_dir()
    report = check(directory, today())
    if shipped:  # no ./trees here: say which tree, and spare the long site-packages paths (issue #17)
        version = f", version {report.version}" if report.version else ""
        typer.echo(f"Arbre vérifié : arbre livré avec pdp-nav{version} (pas de dossier ./trees ici) ; "
                   "chemins relatifs à son dossier.", err=True)
        report.problems = [_relative(p, directory) for p in report.problems]
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
        from ..views.typography import for_reader  # cut between words on a terminal only (issue #13)

        for p in report.problems:
            typer.echo(for_reader(str(p), sys.stdout))
        if report.unreadable:
            typer.echo(f"{len(errors)} erreur(s) de lecture : corrigez-les puis relancez la vérification.")
        elif errors or warnings:
            typer.echo(f"{len(errors)} erreur(s), {len(warnings)} avertissement(s).")
        else:
            typer.echo(for_reader(f"Arbre valide : {report.summary}.", sys.stdout))
    if report.unreadable:
        return ExitCode.INVALID_INPUT
    if errors or (strict and warnings):
        return ExitCode.CHECKS_FAILED
    return ExitCode.OK


def _relative(problem: Problem, directory: Path) -> Problem:
    """``problem`` with its file named relative to ``directory``."""
    file = problem.location.file.removeprefix(f"{directory}{os.sep}")
    return dataclasses.replace(problem, location=dataclasses.replace(problem.location, file=file))


def run(
    answers: Annotated[Path, typer.Option(
        "--answers", "-a", metavar="FICHIER",
        help="Fichier de réponses YAML (question: option), scénario, ou résumé .json enregistré par le navigateur.",
        show_default=False)],
    fmt: Annotated[str | None, typer.Option("--format", "-f", metavar="FORMAT", show_default=False, help=(
        "text (le plan d'action, mis en forme dans un terminal, en texte brut dans un fichier ou un tube), "
        "json, markdown ou html. "
        "Par défaut : d'après l'extension de --output (.json, .md, .html, .txt), sinon text."))] = None,
    tree_dir: TreeDir = None,
    departement: Departement = None,
    output: Output = None,
    detail: Annotated[bool, typer.Option(
        "--detail", help="Après le plan d'action, la fiche complète de chaque dispositif.")] = False,
) -> int:
    """Rejoue un fichier de réponses sans interaction et affiche le plan d'action (--detail : et les fiches)."""
    from ..content.answers import replay_file  # start-up: a command imports only what it runs

    fmt = _run_format(fmt, output)
    check_output(output, "--output", answers, tree_dir)
    tree = load(tree_dir, departement)
    state, notes = replay_file(tree, answers)
    for line in notes:  # a summary saved with another tree version (issue #17)
        typer.echo(line, err=True)
    result = state.result()
    if fmt == "text" and output is None and sys.stdout.isatty():
        from ..ui.render import console, print_result  # the plan and cards, drawn for the terminal

        print_result(result, console(), detail=detail)
    elif fmt == "text":
        from ..views.summary import result_text  # plain lines for a pipe or a file

        emit(result_text(result, detail=detail), output)
    elif fmt == "markdown":
        from ..views.summary import result_markdown  # start-up: a command imports only what it runs

        emit(result_markdown(result, detail=detail), output)
    else:
        from ..views.printable import summary_content  # json, html

        emit(summary_content(result, fmt), output)
    return ExitCode.OK


def _run_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the one the output's extension says; refuse when they disagree."""
    from ..views.printable import FORMATS  # start-up: a command imports only what it runs

    implied = FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is None:
        return implied or "text"
    choice(fmt, ("text", "json", "markdown", "html"), "--format")
    if output is not None and implied is not None and implied != fmt:
        raise UsageError(f"--output {display_path(output)} : l'extension {output.suffix} annonce le format "
                         f"{implied}, mais --format {fmt} est demandé ; écrivez --format {implied}, ou retirez "
                         "--format, ou changez l'extension du fichier")
    return fmt
