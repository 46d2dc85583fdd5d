"""Output files that are either fully written or not at all."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import OutputError, os_reason
from .process import signals_deferred


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO[str]]:
    """Open a temporary file beside ``path``; it replaces ``path`` only if the block succeeds.

    On any error, Ctrl-C included, the temporary file is removed and ``path`` is untouched.

    A replaced file keeps its permissions (and, for root, its owner); a read-only file is
    refused rather than replaced.

    A device, pipe or terminal (``/dev/stdout``, ``/dev/null``…) is written directly: it
    cannot be replaced, and must not be (as root, replacing would delete the device). A
    symbolic link is followed: the file it points to is replaced, the link stays.

    Raises:
        OutputError: the directory is missing or not writable, or the disk is full.
    """
    path = Path(path)
    try:
        target = os.stat(path)
    except FileNotFoundError:
        target = None
    except OSError as exc:
        raise OutputError(path, os_reason(exc)) from None
    if target is not None and stat.S_ISDIR(target.st_mode):
        raise OutputError(path, "c'est un dossier : indiquez un nom de fichier")
    if target is not None and not stat.S_ISREG(target.st_mode):
        with _open_stream(path, mode) as handle:
            yield handle
        return
    if target is not None and not target.st_mode & stat.S_IWUSR:
        raise OutputError(path, "fichier en lecture seule : rendez-le modifiable (chmod u+w) pour le remplacer")
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        with temporary_beside(path) as (fd, tmp):
            _keep_mode(fd, target)
            with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(path, os_reason(exc)) from None


@contextlib.contextmanager
def temporary_beside(path: Path) -> Iterator[tuple[int, str]]:
    """A new file beside ``path`` (``O_EXCL``, no link followed, mode 0600): its descriptor and
    name, for the block to fill and move into place. Removed if the block fails, Ctrl-C and
    SIGTERM included: it is created and named with the signals deferred, so no signal can come
    between the two."""
    tmp = ""
    try:
        with signals_deferred():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
        yield fd, tmp
    except BaseException:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


@contextlib.contextmanager
def _open_stream(path: Path, mode: str) -> Iterator[IO[str]]:
    """Write straight to a device or pipe, with the same French errors."""
    try:
        with open(path, mode, encoding=None if "b" in mode else "utf-8") as handle:
            yield handle
            handle.flush()
    except OSError as exc:
        raise OutputError(path, os_reason(exc)) from None


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path, "wb" if isinstance(content, bytes) else "w") as handle:
        handle.write(content)  # type: ignore[arg-type]


def _keep_mode(fd: int, replaced: os.stat_result | None) -> None:
    """The permissions of the replaced file, or those of a new file (mkstemp makes 0600)."""
    if replaced is None:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    os.fchmod(fd, stat.S_IMODE(replaced.st_mode))
    if os.geteuid() == 0:
        with contextlib.suppress(OSError):
            os.fchown(fd, replaced.st_uid, replaced.st_gid)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

