"""The command line: builds the Typer app and turns every error into a French message and an exit code."""

from __future__ import annotations

import functools
import os
import sys

import typer

from . import __version__
from .errors import ExitCode, Interrupted, PdpNavError

MODULES = ("navigate", "core", "scenario", "export", "fiche")
"""The modules of :mod:`pdp_nav.commands`, each registering its commands with ``register(app)``."""
COMMAND_MODULES = {
    "navigate": "navigate", "run": "core", "validate": "core", "scenario": "scenario",
    "paths": "export", "graph": "export", "catalogue": "export", "diff": "export", "export": "export",
    "fiche": "fiche", "cherche": "fiche",
}
"""The module of each command: ``pdp-nav run …`` only builds the commands of ``core``, which
keeps the other modules' imports and Typer's per-command set-up out of its start-up (issue #7).
A command missing here still works: all of them are then built."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pdp-nav {__version__}")
        raise typer.Exit()


def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Affiche la version et quitte."),
    debug: bool = typer.Option(False, "--debug", help="Affiche le détail technique des erreurs internes."),
    no_cache: bool = typer.Option(False, "--no-cache", help=(
        "Relit et revérifie l'arbre sans utiliser ni écrire le cache compilé "
        "(aussi : PDP_NAV_NO_CACHE=1).")),
) -> None:
    """Navigateur PDP : sans commande, lance la navigation interactive."""
    if debug:
        os.environ["PDP_NAV_DEBUG"] = "1"
    if no_cache:
        os.environ["PDP_NAV_NO_CACHE"] = "1"
    if ctx.invoked_subcommand is None:
        from .commands import navigate

        navigate.start(ctx)


@functools.cache
def build_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """The Typer app with the commands of ``modules`` (all of them by default), built once."""
    new = typer.Typer(
        name="pdp-nav",
        help=("Navigateur des dispositifs de prévention de la désinsertion professionnelle (PDP) "
              "pour les médecins du travail. Sans commande : navigation interactive."),
        add_completion=False,
        subcommand_metavar="COMMANDE [ARGUMENTS]...",
        pretty_exceptions_enable=False,
        no_args_is_help=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    new.callback(invoke_without_command=True)(_root)
    for name in modules:
        # __import__ rather than importlib, so that `python -X importtime` shows these imports
        __import__(f"{__package__}.commands.{name}", fromlist=["register"]).register(new)
    return new


def __getattr__(name: str) -> typer.Typer:
    """``pdp_nav.cli.app``: the complete app (built on first use)."""
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app_for(args: list[str]) -> typer.Typer:
    """Only the commands of the invoked one's module (the root options are all flags)."""
    command = next((a for a in args if not a.startswith("-")), None)
    module = COMMAND_MODULES.get(command or "")
    return build_app((module,)) if module else build_app()


ROOT_OPTIONS = frozenset({"--version", "--debug", "--no-cache", "-h", "--help"})


def _default_to_navigate(args: list[str]) -> list[str]:
    """``pdp-nav -d 56 --accessible`` means ``pdp-nav navigate -d 56 --accessible``."""
    for i, arg in enumerate(args):
        if arg in ROOT_OPTIONS:
            continue
        return [*args[:i], "navigate", *args[i:]] if arg.startswith("-") else args
    return args


def _err(message: str) -> None:
    typer.echo(message, err=True)


def script() -> int:
    """Entry point of the ``pdp-nav`` script and of ``python -m pdp_nav``: :func:`main`, then exit.

    ``gc.freeze()`` spares the interpreter's last garbage collection over every object of
    the run, about a tenth of a short command's time (issue #7): files are closed and
    written by then, and the memory goes back to the system anyway.
    """
    code = main()
    import gc

    gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; the one place where exceptions become exit codes."""
    args = _default_to_navigate(list(sys.argv[1:] if argv is None else argv))
    if "-h" in args or "--help" in args:
        from .help_fr import install

        install()  # Typer's help chrome in French; imports Rich, so only for help
    try:
        result = _app_for(args)(args=args, prog_name="pdp-nav", standalone_mode=False)
    except PdpNavError as exc:
        _err(str(exc))
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt, EOFError):
        _err(f"\n{Interrupted()}")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # the reader (head, less…) went away: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.OK)
    except Exception as exc:
        if type(exc).__name__ == "Exit" and hasattr(exc, "exit_code"):
            return int(exc.exit_code)
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            # Typer's (vendored) click usage errors: unknown option, bad value…
            _err(_french_usage(exc))
            return int(ExitCode.INVALID_INPUT)
        if os.environ.get("PDP_NAV_DEBUG"):
            raise
        _err("Erreur interne de pdp-nav (un bogue) : relancez avec --debug et signalez le message obtenu.")
        return int(ExitCode.BUG)
    if result == ExitCode.INTERRUPTED:
        # Typer turns a bare KeyboardInterrupt into a silent exit 130: say it in French
        _err(f"\n{Interrupted()}")
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


def _french_usage(exc: Exception) -> str:
    """Click's usage errors, in French."""
    text = exc.format_message()  # type: ignore[attr-defined]
    replacements = [
        ("No such option:", "Option inconnue :"),
        ("No such command", "Commande inconnue"),
        ("Missing argument", "Argument manquant"),
        ("Missing option", "Option manquante"),
        ("Invalid value for", "Valeur invalide pour"),
        ("is not one of", "ne fait pas partie de"),
        ("does not exist", "n'existe pas"),
        ("Got unexpected extra argument", "Argument inattendu"),
        ("Got unexpected extra arguments", "Arguments inattendus"),
        ("requires an argument", "demande une valeur"),
        ("Did you mean", "Vouliez-vous dire"),
        ("Option", "Option"),
        # path checks of Typer (--output is a directory, --arbre is a file…)
        ("File '", "Fichier '"), ("Directory '", "Dossier '"), ("Path '", "Chemin '"),
        ("is a directory.", "est un dossier : indiquez un fichier."),
        ("is a file.", "est un fichier : indiquez un dossier."),
        ("is not readable.", "n'est pas lisible."), ("is not writable.", "n'est pas modifiable."),
    ]
    for en, fr in replacements:
        text = text.replace(en, fr)
    ctx = getattr(exc, "ctx", None)
    hint = f"\nAide : {ctx.command_path} --help" if ctx is not None else "\nAide : pdp-nav --help"
    return f"Erreur : {text}{hint}"
