"""``scenario check|play|quiz|record``: the trainers' reference cases (issue #5)."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ExitCode, InputError, Location, Problem, Severity, UsageError, display_path
from ..ui.help_fr import Command, Group
from .common import Departement, TreeDir, check_output, choice, emit, load, need_subcommand
from .navigate import Accessible, load_tree_of, settings

ScenarioFile = Annotated[Path, typer.Argument(
    help="Fichier de scénario (YAML).", show_default=False, metavar="SCÉNARIO")]


def register(app: typer.Typer) -> None:
    sub = typer.Typer(
        name="scenario", cls=Group, add_completion=False, subcommand_metavar="COMMANDE [ARGUMENTS]...",
        invoke_without_command=True, callback=_group,
        help="Scénarios de formation : vérifier les cas de référence, les rejouer en salle, "
             "faire répondre un stagiaire, enregistrer un nouveau cas.")
    sub.command("check", cls=Command)(check)
    sub.command("play", cls=Command)(play)
    sub.command("quiz", cls=Command)(quiz)
    sub.command("record", cls=Command)(record)
    app.add_typer(sub, name="scenario")


def _group(ctx: typer.Context) -> None:
    """Scénarios de formation."""
    need_subcommand(ctx, "indiquez quoi faire (check, play, quiz ou record), par exemple : pdp-nav scenario check")


def _trees(tree_dir: Path | None) -> Any:
    """The tree and, lazily and once each, its variants with a département overlay."""
    base = load(tree_dir, None)

    @cache
    def tree_for(departement: str) -> Any:
        return load(tree_dir, departement) if departement else base

    return base, tree_for


def check(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Fichiers ou dossiers de scénarios (par défaut : le dossier scenarios/ de l'arbre).",
        show_default=False, metavar="CHEMIN...")] = None,
    tree_dir: TreeDir = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text ou json.")] = "text",
    junit: Annotated[Path | None, typer.Option(
        "--junit", dir_okay=False, show_default=False, metavar="FICHIER",
        help="Écrit aussi un rapport JUnit XML dans ce fichier (intégration continue).")] = None,
    show_coverage: Annotated[bool, typer.Option(
        "--coverage", help="Liste les questions, options, issues et dispositifs qu'aucun scénario n'atteint.")] = False,
    min_coverage: Annotated[float | None, typer.Option(
        "--min-coverage", metavar="PCT", show_default=False,
        help="Échoue (code 1) si la couverture d'ensemble est inférieure à PCT % (implique --coverage).")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict",
        help="Un scénario à compléter (« À COMPLÉTER », cas vide, aucune attente) compte comme un échec.")] = False,
) -> int:
    """Rejoue chaque scénario et compare le résultat avec ses attentes.

    Un scénario inachevé (« À COMPLÉTER », cas vide, aucune attente) est signalé par ⚠ ;
    il n'échoue qu'avec --strict.

    Code de sortie : 0 si tous les scénarios passent, 1 si l'un échoue (ou si la couverture
    est sous le seuil, ou s'il en reste à compléter avec --strict), 2 si un fichier est invalide
    (position et correction indiquées).
    """
    from ..content.files import default_tree_dir  # start-up: a command imports only what it runs
    from ..scenarios.cases import Status, run_all
    from ..scenarios.coverage import coverage
    from ..scenarios.report import below, coverage_lines, json_report, junit_xml, text_report

    choice(fmt, ("text", "json"), "--format")
    if min_coverage is not None and not 0 <= min_coverage <= 100:
        raise UsageError(f"--min-coverage {min_coverage:g} : indiquez un pourcentage entre 0 et 100")
    tree_dir = tree_dir or default_tree_dir()
    check_output(junit, "--junit", tree_dir, *(paths or ()))
    base, tree_for = _trees(tree_dir)
    if not paths:
        folder = tree_dir / "scenarios"
        if not folder.is_dir():
            raise InputError(Problem(Location(display_path(folder)), (
                "dossier de scénarios introuvable : créez-le (pdp-nav scenario record) ou indiquez "
                "des fichiers de scénario")))
        paths = [folder]
    checks = run_all(paths, tree_for)
    if not checks:
        raise InputError(Problem(Location(", ".join(display_path(p) for p in paths)), (
            "aucun scénario trouvé (fichiers .yaml) : indiquez un fichier ou un dossier qui en contient")))
    cov = coverage(base, checks) if show_coverage or min_coverage is not None else None
    if junit is not None:
        from ..system.atomic import write_atomic  # start-up: a command imports only what it runs

        write_atomic(junit, junit_xml(base, checks, cov, min_coverage, strict))
    if fmt == "json":
        emit(json_report(base, checks, cov, min_coverage), None)
    else:
        lines = text_report(checks)
        if cov is not None:
            lines += ["", *coverage_lines(cov, min_coverage)]
        emit("\n".join(lines) + "\n", None)
    statuses = {c.status for c in checks}
    if Status.INVALID in statuses:
        return ExitCode.INVALID_INPUT
    if Status.FAILED in statuses or (cov is not None and min_coverage is not None and below(cov, min_coverage)) \
            or (strict and any(c.warnings for c in checks)):
        return ExitCode.CHECKS_FAILED
    return ExitCode.OK


def _replayed(file: Path, tree_dir: Path | None) -> Any:
    """Read ``file``, replay it on the tree; an invalid scenario is an error (exit 2)."""
    from ..scenarios.cases import read, run  # start-up: a command imports only what it runs

    scenario = read(file)
    _, tree_for = _trees(tree_dir)
    result = run(scenario, tree_for)
    if result.problems:
        problems = list(result.problems)
        if result.version_note:
            problems.append(Problem(scenario.doc.loc(("tree_version",)), (
                f"scénario {result.version_note} : mettez-le à jour"), Severity.WARNING))
        raise InputError(problems)
    return scenario, result, tree_for(scenario.departement)


def _need_keyboard(command: str) -> None:
    """Refuse a standard input that is not a terminal, saying what to do instead."""
    if not sys.stdin.isatty():
        hint = ("ajoutez --no-pause pour dérouler le scénario sans attendre Entrée" if command == "play"
                else "lancez la commande dans un terminal")
        raise UsageError(f"L'entrée standard n'est pas un terminal : pdp-nav scenario {command} a besoin "
                         f"d'un clavier ; {hint}")


def play(
    file: ScenarioFile,
    no_pause: Annotated[bool, typer.Option("--no-pause", help="Déroule tout sans attendre Entrée.")] = False,
    tree_dir: TreeDir = None,
    accessible: Accessible = False,
) -> int:
    """Rejoue un scénario en salle, question par question, puis montre le résultat.

    Affiche le cas, puis chaque question avec son aide, toutes ses options et la réponse du
    cas en évidence, en attendant Entrée entre les étapes (--no-pause pour tout dérouler).
    """
    from ..ui import trainer as screens  # start-up: a command imports only what it runs
    from ..ui.navigator import pause
    from ..ui.render import print_result

    chosen = settings(tree_dir, None, accessible)  # the scenario names its own département
    scenario, check_, tree = _replayed(file, chosen.tree_dir)
    if not no_pause:
        _need_keyboard("play")
    accessible = chosen.accessible
    screen = screens.make_screen(accessible)
    screens.intro(screen, scenario, tree, check_)
    steps = check_.result.steps
    for number, s in enumerate(steps, 1):
        if not no_pause:
            pause("Entrée : question suivante…" if number > 1 else "Entrée : première question…",
                  accessible=accessible)
        screens.step(screen, number, len(steps), s)
    if not no_pause:
        pause("Entrée : voir le résultat…", accessible=accessible)
    screen.line()
    print_result(check_.result, screen.out)
    screens.expectations(screen, check_)
    return ExitCode.OK


def quiz(
    file: ScenarioFile,
    tree_dir: TreeDir = None,
    accessible: Accessible = False,
) -> int:
    """Fait répondre un stagiaire au cas, puis compare avec la référence.

    Affiche le cas, pose les questions, puis compare le parcours et le résultat du stagiaire
    avec ceux du scénario, question par question, avec les dispositifs manqués ou en plus.
    """
    from ..scenarios.coverage import compare_paths  # start-up: a command imports only what it runs
    from ..ui import trainer as screens
    from ..ui.navigator import ask_path

    chosen = settings(tree_dir, None, accessible)  # the scenario names its own département
    scenario, check_, tree = _replayed(file, chosen.tree_dir)
    _need_keyboard("quiz")
    accessible = chosen.accessible
    screen = screens.make_screen(accessible)
    screens.intro(screen, scenario, tree)
    screen.line("À vous : répondez aux questions comme pour ce cas.", "bold")
    mine = ask_path(tree, accessible=accessible, console=screen.out).result()
    screens.comparison(screen, compare_paths(mine, check_.result), mine, check_.result)
    return ExitCode.OK


def record(
    file: ScenarioFile,
    title: Annotated[str | None, typer.Option(
        "--title", "-t", show_default=False, metavar="TITRE",
        help="Titre du scénario (sinon : à compléter dans le fichier).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Remplace le fichier s'il existe déjà.")] = False,
    tree_dir: TreeDir = None,
    departement: Departement = None,
    accessible: Accessible = False,
) -> int:
    """Enregistre un parcours répondu au clavier comme nouveau scénario.

    Les réponses, l'issue, la version de l'arbre et les dispositifs attendus sont remplis
    d'après le résultat ; le fichier passe « pdp-nav scenario check » tel quel, marqué ⚠ à
    compléter. Il reste au formateur à écrire le cas (case) et, si besoin, les attentes
    absent/contacts/first.
    """
    from ..scenarios.cases import SUFFIXES  # start-up: a command imports only what it runs
    from ..scenarios.report import scenario_yaml
    from ..system.atomic import write_atomic
    from ..ui import trainer as screens
    from ..ui.navigator import ask_path

    name = display_path(file)
    if file.is_dir():
        raise UsageError(f"{name} est un dossier : indiquez le fichier à créer (ex. {name}/mon-cas.yaml)")
    if file.suffix not in SUFFIXES:
        raise UsageError(f"{name} : un scénario s'enregistre dans un fichier .yaml (ex. {file.stem}.yaml)")
    if file.exists() and not force:
        raise UsageError(f"{name} existe déjà : choisissez un autre nom, ou ajoutez --force pour le remplacer")
    if not file.parent.is_dir():
        raise UsageError(f"{name} : le dossier {display_path(file.parent)} n'existe pas ; créez-le d'abord")
    if title is not None and not title.strip():
        raise UsageError("--title est vide : donnez un titre au scénario, ou retirez l'option")
    chosen = settings(tree_dir, departement, accessible)
    tree = load_tree_of(chosen)
    _need_keyboard("record")
    accessible = chosen.accessible
    screen = screens.make_screen(accessible)
    screen.line(f"Enregistrement d'un scénario dans {name} : répondez aux questions du cas.", "bold")
    result = ask_path(tree, accessible=accessible, console=screen.out).result()
    text = scenario_yaml(result, title.strip() if title else f"À COMPLÉTER : {result.outcome.title}")
    write_atomic(file, text)
    screens.recorded(screen, name, result, title is not None)
    return ExitCode.OK
