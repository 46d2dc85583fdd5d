"""The interactive navigator (``pdp-nav`` with no command, or ``pdp-nav navigate``)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError, UsageError, display_path
from ..ui.help_fr import Command
from .common import Departement, TreeDir

if TYPE_CHECKING:
    from ..core.engine import Navigation

NOT_A_TERMINAL = ("L'entrée standard n'est pas un terminal : la navigation interactive a besoin d'un clavier. "
                  "Pour obtenir un résultat sans interaction, écrivez les réponses dans un fichier "
                  "(question: option) et lancez : pdp-nav run --answers FICHIER")

Accessible = Annotated[bool, typer.Option(
    "--accessible", show_default=False,
    help="Mode linéaire pour lecteur d'écran : choix numérotés tapés au clavier, sans effacement d'écran "
         "(aussi avec la variable d'environnement ACCESSIBLE=1 ou « accessible = true » dans la configuration).")]
Save = Annotated[Path | None, typer.Option(
    "--save", "-s", dir_okay=False, show_default=False, metavar="FICHIER",
    help="Enregistre le résumé de chaque résultat dans ce fichier : .md (Markdown), .html (page imprimable), "
         ".txt (texte brut, à coller dans un dossier) ou .json. Aucune donnée d'identité du patient n'y figure.")]
Resume = Annotated[Path | None, typer.Option(
    "--reprendre", dir_okay=False, show_default=False, metavar="FICHIER",
    help="Reprend un cas : résumé .json enregistré par le navigateur, fichier de réponses (.yaml) ou scénario. "
         "Le navigateur s'ouvre sur le résultat, prêt à modifier une réponse.")]


def register(app: typer.Typer) -> None:
    app.command("navigate", cls=Command)(navigate)


def navigate(tree_dir: TreeDir = None, departement: Departement = None, accessible: Accessible = False,
             save: Save = None, resume: Resume = None) -> int:
    """Navigation interactive, une question à la fois, jusqu'aux dispositifs et aux contacts.

    Sur chaque question : flèches et Entrée, ou le numéro, ou les premières lettres ; o/n pour oui/non ; ? aide.

    « ← Retour », « Revenir à une question précédente… », « Recommencer », « Quitter » ; Ctrl-C quitte aussi.

    Après le résultat : modifier une réponse, voir un dispositif en détail, enregistrer un résumé.
    --reprendre rouvre un cas enregistré sur son résultat.

    Réglages par défaut : ~/.config/pdp-nav/config.toml (departement = "56", accessible = true, arbre = "…").
    """
    return run_navigator(tree_dir, departement, accessible, save, resume)


def start(ctx: typer.Context) -> None:
    """``pdp-nav`` with no command: the navigator with the defaults (environment, configuration)."""
    run_navigator(None, None, False, None)


def env_flag(name: str) -> bool:
    """True when the environment variable is set to anything but empty, 0, false, non or no."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "non", "no")


@dataclass(frozen=True)
class Settings:
    """Tree, département and display of an interactive command, by the one rule of issue #17.

    Option, then environment variable, then the configuration file: for ``navigate``,
    ``scenario record``, ``play`` and ``quiz`` alike. The non-interactive commands never read
    the configuration file, so that a script gives the same result on every machine.
    """

    tree_dir: Path | None
    departement: str | None
    accessible: bool
    departement_from_config: bool = False


def settings(tree_dir: Path | None, departement: str | None, accessible: bool) -> Settings:
    """Read the configuration file (its warnings to stderr) and apply the rule of :class:`Settings`."""
    from ..system.settings import read_config  # start-up: a command imports only what it runs

    config = read_config()
    for warning in config.warnings:
        typer.echo(str(warning), err=True)
    # an option or variable set to "" means « no local contacts », even when the file names one
    if departement is None:
        departement = os.environ.get("PDP_NAV_DEPARTEMENT")
    from_config = departement is None and config.departement is not None
    return Settings(
        tree_dir=tree_dir or _env_path("PDP_NAV_ARBRE") or config.arbre,
        departement=(config.departement if departement is None else departement) or None,
        # output piped or redirected, or TERM=dumb: no screen to redraw, so plain lines
        accessible=accessible or env_flag("ACCESSIBLE") or bool(config.accessible) or plain_terminal(),
        departement_from_config=from_config)


def run_navigator(tree_dir: Path | None, departement: str | None, accessible: bool, save: Path | None,
                  resume: Path | None = None) -> int:
    """Check the terminal and the options, load the tree, and run the session (ends by an exception)."""
    if not sys.stdin.isatty():
        raise UsageError(NOT_A_TERMINAL)
    if save is not None:
        _check_save(save)
    chosen = settings(tree_dir, departement, accessible)
    if save is not None and save.exists():
        _confirm_replace(save, chosen.accessible)
    tree = load_tree_of(chosen)
    start: Navigation | None = None
    notes: list[str] = []
    if resume is not None:  # a case saved earlier: open on its result (issue #17)
        from ..content.answers import replay_file  # start-up: a command imports only what it runs

        start, notes = replay_file(tree, resume)

    from ..ui.session import Session  # start-up: a command imports only what it runs
    from .common import today

    now = dt.datetime.now().replace(microsecond=0)
    if os.environ.get("PDP_NAV_TODAY"):
        now = dt.datetime.combine(today(), now.time())
    Session(tree, accessible=chosen.accessible, save_to=save, now=now, start=start, notes=notes).run()
    return 0


def plain_terminal() -> bool:
    """No screen to redraw: output piped or redirected, or a terminal without cursor moves (TERM=dumb)."""
    return not sys.stdout.isatty() or os.environ.get("TERM", "") == "dumb"


def _confirm_replace(save: Path, accessible: bool) -> None:
    """``--save`` names an existing file: ask, as the menu « Enregistrer un résumé… » does."""
    from ..ui.prompts import confirm  # start-up: a command imports only what it runs

    if not confirm(f"{display_path(save)} existe déjà : le remplacer ?", default=False, accessible=accessible):
        raise UsageError(f"--save {display_path(save)} : fichier conservé ; choisissez un autre nom de fichier")


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def load_tree_of(chosen: Settings):  # -> Tree
    """Load the tree of ``chosen``; a wrong département read from the configuration file says so."""
    from ..system.settings import config_path  # start-up: a command imports only what it runs
    from .common import load

    try:
        return load(chosen.tree_dir, chosen.departement)
    except InputError as exc:
        if chosen.departement_from_config:
            where = display_path(config_path() or "la configuration")
            exc.message += f"\n(département « {chosen.departement} » lu dans {where})"
        raise


def _check_save(path: Path) -> None:
    """Refuse at once a summary file that could not be written, before any question."""
    from ..views.printable import summary_format  # start-up: a command imports only what it runs

    summary_format(path)
    parent = path.expanduser().parent
    if not parent.is_dir():
        raise UsageError(f"--save {display_path(path)} : le dossier « {display_path(parent)} » n'existe pas ; "
                         "créez-le ou choisissez un autre chemin")
