"""The command line: builds the Typer app and turns every error into a French message and an exit code."""

from __future__ import annotations

import functools
import os
import sys
import warnings
from typing import cast

import typer

from . import __version__
from .errors import ExitCode, Interrupted, PdpNavError, PdpNavWarning, StreamError, Terminated, os_reason
from .system import process
from .ui.help_fr import Group

MODULES = ("navigate", "core", "scenario", "export", "departement", "lois", "fiche")
"""The modules of :mod:`pdp_nav.commands`, each registering its commands with ``register(app)``."""
COMMAND_MODULES = {
    "navigate": "navigate", "run": "core", "validate": "core", "scenario": "scenario",
    "paths": "export", "graph": "export", "catalogue": "export", "diff": "export", "export": "export",
    "departement": "departement",
    "lois": "lois",
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
        from .commands import navigate  # start-up: only the invoked command's module is built

        navigate.start(ctx)


@functools.cache
def build_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """The Typer app with the commands of ``modules`` (all of them by default), built once."""
    new = typer.Typer(
        name="pdp-nav",
        cls=Group,
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


def _modules_for(args: list[str]) -> tuple[str, ...]:
    """Only the invoked command's module (the root options are all flags); all of them without one."""
    command = next((a for a in args if not a.startswith("-")), None)
    module = COMMAND_MODULES.get(command or "")
    return (module,) if module else MODULES


@functools.cache
def build_command(modules: tuple[str, ...] = MODULES) -> Group:
    """The Click command of :func:`build_app`, built once per process.

    Building it reads every command's signature (about 10 ms): a program that calls :func:`main`
    more than once (the tests, a script) pays it once per set of modules.
    """
    from typer.main import get_command  # start-up: imported by the first call, inside main's guard

    return cast(Group, get_command(build_app(modules)))  # the app's cls: a Group, whatever the modules


ROOT_OPTIONS = frozenset({"--version", "--debug", "--no-cache", "-h", "--help"})


def _default_to_navigate(args: list[str]) -> list[str]:
    """``pdp-nav -d 56 --accessible`` means ``pdp-nav navigate -d 56 --accessible``."""
    for i, arg in enumerate(args):
        if arg in ROOT_OPTIONS:
            continue
        return [*args[:i], "navigate", *args[i:]] if arg.startswith("-") else args
    return args


def _err(message: str) -> None:
    from .system.textsafe import printable  # a message quoting data never drives the terminal (issue #11)
    from .views.typography import for_reader  # a person reads it: French spacing, no word cut (issue #13)

    typer.echo(for_reader(printable(message), sys.stderr), err=True)


def script() -> int:
    """Entry point of the ``pdp-nav`` script and of ``python -m pdp_nav``: :func:`main`, then exit.

    ``gc.freeze()`` spares the interpreter's last garbage collection over every object of
    the run, about a tenth of a short command's time (issue #7): files are closed and
    written by then, and the memory goes back to the system anyway.
    """
    code = main()
    import gc  # one use, at exit (see above)

    gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every exception becomes an exit code and a French line in :func:`exit_code_for`."""
    args = _default_to_navigate(list(sys.argv[1:] if argv is None else argv))
    try:
        with process.guarded(), warnings.catch_warnings():
            _show_notices()
            command = build_command(_modules_for(args))  # after the guard that restores the streams
            with command.make_context("pdp-nav", args) as ctx:
                result = command.invoke(ctx)
            sys.stdout.flush()  # a full disk or a closed pipe shows here, not after we are gone
    except BaseException as exc:  # noqa: BLE001 - the exit boundary: everything ends here
        return exit_code_for(exc)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


def _show_notices() -> None:
    """Show each :class:`PdpNavWarning` raised during the command as a French line on stderr.

    Core and content code never print (the cache's refused directory, issue #11): they warn, and
    only this layer writes. Other warnings keep Python's handling.
    """
    default = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
        if isinstance(message, PdpNavWarning):
            _err(f"avertissement : {message.message}")
        else:
            default(message, category, *args, **kwargs)  # type: ignore[arg-type]

    warnings.simplefilter("always", PdpNavWarning)  # the cache already says each thing once
    warnings.showwarning = show


def exit_code_for(exc: BaseException) -> int:
    """The exit code of ``exc``, after its French message on stderr: the one exit boundary.

    A closed pipe downstream (``pdp-nav paths | head``) is not an error of ours: exit 0 quietly,
    like other Unix tools that stop writing when nobody reads.
    """
    if isinstance(exc, typer.Exit):  # --help, --version
        return int(exc.exit_code)
    if isinstance(exc, BrokenPipeError):
        process.silence_stdout()
        return int(ExitCode.OK)
    if isinstance(exc, OSError) and exc.filename is None and exc.errno in process.STREAM_ERRNOS:
        process.silence_stdout()
        exc = StreamError("La sortie standard ne peut pas être écrite", os_reason(exc))
    if isinstance(exc, (KeyboardInterrupt, EOFError, typer.Abort)):
        exc = Interrupted()
        if sys.stderr.isatty():
            _err("")  # leave the line where the terminal echoed ^C
    if isinstance(exc, (PdpNavError, Terminated)):
        _err(exc.message)
        return int(exc.exit_code)
    if isinstance(exc, typer.TyperException):  # click's usage errors: unknown option, missing value…
        from .ui.help_fr import error_message  # start-up: only a usage error needs the French wording

        _err(error_message(exc))
        return int(ExitCode.INVALID_INPUT)
    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else int(ExitCode.BUG)
    if os.environ.get("PDP_NAV_DEBUG"):
        import traceback  # only with PDP_NAV_DEBUG

        traceback.print_exception(exc)
    _err("Erreur interne de pdp-nav (un bogue) : relancez avec --debug et signalez le message obtenu.")
    return int(ExitCode.BUG)
