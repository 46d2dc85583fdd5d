"""Errors the user can meet, their French messages, and the exit codes they map to."""

from __future__ import annotations

import enum
import errno
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .system.textsafe import printable  # a message quoting data is shown, never obeyed by a terminal


class ExitCode(enum.IntEnum):
    """Process exit codes, set in exactly one place (``cli.main``)."""

    OK = 0
    CHECKS_FAILED = 1
    """Validation found errors, or a scenario did not give what it expects."""
    INVALID_INPUT = 2
    """A file could not be read or used (syntax, unknown ids, unwritable output…)."""
    BUG = 70
    """An unexpected internal error (EX_SOFTWARE): a bug to report."""
    INTERRUPTED = 130
    """Ctrl-C or Ctrl-D."""
    SIGNALLED = 128
    """Plus the signal number: stopped by SIGHUP (129) or SIGTERM (143), like a shell reports it."""


class Severity(enum.Enum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a file; line and column count from 1, 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about an input file, with where it is and what to change."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR
    rule: str = ""
    """Short stable name of the check (``dangling-next``, ``cycle``…), for scripts."""

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "avertissement : "

        return printable(f"{self.location}: {prefix}{self.message}", newlines=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def display_path(path: Path | str) -> str:
    """Return ``path`` relative to the current directory when possible, for messages.

    The last component is kept as written: a message about a symbolic link names the link, not
    the file it points to (issue #11: a link pointing nowhere was reported under its target's name).
    """
    p = Path(path)
    try:
        full = p.parent.resolve() / p.name if p.name not in ("", "..") else p.resolve()
        return str(full.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python < 3.13)
        return str(p)


_OS_REASONS = {
    errno.ENOENT: "chemin introuvable : le dossier n'existe pas",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "disque plein",
    getattr(errno, "EDQUOT", -1): "quota de disque dépassé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ELOOP: "trop de liens symboliques",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EFBIG: "fichier trop gros pour ce système de fichiers",
    errno.ETXTBSY: "fichier occupé",
    errno.EBUSY: "fichier occupé",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in French (``strerror`` is English in most locales)."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


MAX_REPORTED = 20
"""Most problems listed for one input file; the others are counted (issue #11)."""


def at_most(problems: list[Problem], where: Location, total: int | None = None) -> list[Problem]:
    """The first :data:`MAX_REPORTED` of ``problems``, then one line counting the others.

    ``total`` is the number of problems when only the first ones were built.
    """
    rest = (len(problems) if total is None else total) - MAX_REPORTED
    if rest <= 0:
        return problems
    return [*problems[:MAX_REPORTED], Problem(where, (
        f"… et {rest} autre(s) problème(s) non affiché(s) : corrigez d'abord ceux ci-dessus, puis relancez"))]


class PdpNavError(Exception):
    """Base class of every error shown to the user as a French message (never a traceback)."""

    exit_code: ExitCode = ExitCode.INVALID_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class PdpNavWarning(UserWarning):
    """A French notice that does not stop the command (a cache directory refused…).

    Core and content code never print: they raise it with :func:`warnings.warn`, and the CLI
    (``cli.main``) shows it on stderr as « avertissement : … ».
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(PdpNavError):
    """An input file that cannot be read or used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TreeInvalidError(InputError):
    """The tree directory has errors: it cannot be navigated until they are fixed."""


class OutputError(PdpNavError):
    """An output file could not be written; nothing was left half-written."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(
            f"{display_path(path)}: impossible d'écrire le fichier ({reason}) ; "
            "aucun fichier partiel n'a été laissé. Choisissez un autre chemin ou libérez de la place."
        )


class UsageError(PdpNavError):
    """A command-line usage mistake that Typer itself does not catch."""


class Interrupted(PdpNavError):
    """The user pressed Ctrl-C or Ctrl-D."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self) -> None:
        super().__init__("Interrompu : aucune donnée n'a été enregistrée. À bientôt.")


class StreamError(PdpNavError):
    """Standard output or input is closed or cannot be written (disk full…)."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what} : {reason}. Redirigez-la vers un fichier ou un terminal utilisable "
                         "(par exemple > resultat.txt), ou utilisez --output FICHIER quand la commande le propose.")


class Terminated(BaseException):
    """The process received SIGTERM or SIGHUP: unwinds like Ctrl-C (temporary files removed).

    A :class:`BaseException`, like :class:`KeyboardInterrupt`, so that no ``except Exception`` swallows it.
    """

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.exit_code = int(ExitCode.SIGNALLED) + signum
        self.message = f"Arrêté par le signal {name} : aucun fichier n'a été laissé à moitié écrit."


SHOWN_MAX = 80
"""Longest value quoted whole in a message; longer ones are cut with « … »."""


def _items(start: str, items: Iterator[str], end: str, limit: int | None) -> str:
    """``start``, the ``items`` separated by commas, ``end``; only as far as :func:`shown` shows
    it once longer than its limit (a list of 150,000 numbers is not written out to show 80)."""
    limit = SHOWN_MAX if limit is None else limit
    text = start
    for n, item in enumerate(items):
        text += ", " + item if n else item
        if len(text) > limit >= 1:  # cut by shown at limit - 1 characters: the rest is not shown
            return text
    return text + end


def shown(value: object, limit: int | None = None) -> str:
    """``value`` as a user would have written it in YAML (never a Python repr), cut at SHOWN_MAX."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, dict):
        text = _items("{", (f"{shown(k)}: {shown(v)}" for k, v in value.items()), "}", limit)
    elif isinstance(value, (list, tuple)):
        text = _items("[", (shown(v) for v in value), "]", limit)
    else:
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    text = text.replace("\r", "⏎").replace("\n", "⏎")
    limit = SHOWN_MAX if limit is None else limit
    return text if len(text) <= limit else text[: limit - 1] + "…"
