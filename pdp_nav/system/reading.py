"""Reading an input file with a size limit that holds whatever the file is (issue #11).

A FIFO, a device or ``/dev/zero`` must not hang a command or fill the memory: the kind of file
is checked before and after opening it, and never more than the limit is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError, Location, Problem, display_path, os_reason

MAX_BYTES = 10 * 1024 * 1024
"""Largest file read; real trees are a few hundred kilobytes."""


_NOT_FILES = ((stat.S_ISFIFO, "un tube (FIFO)"), (stat.S_ISCHR, "un périphérique"),
              (stat.S_ISBLK, "un périphérique"), (stat.S_ISSOCK, "une socket"), (stat.S_ISLNK, "un lien symbolique"))


def read_bounded(path: Path, limit: int = MAX_BYTES, *, streams: bool = False, follow: bool = True) -> bytes:
    """The bytes of ``path``: never more than ``limit`` are read, whatever ``stat`` says (issue #11).

    Args:
        path: the file to read.
        limit: largest size accepted, in bytes.
        streams: also read a pipe, terminal or device (an answers file from ``/dev/stdin``);
            otherwise one is refused without being opened (opening a FIFO waits for a writer).
        follow: False refuses a symbolic link (cache entries).

    Raises:
        InputError: missing, a directory, not a regular file, larger than ``limit``, unreadable.
    """
    name = display_path(path)
    try:
        _check_kind(os.stat(path, follow_symlinks=follow), streams)
        flags = os.O_RDONLY | os.O_CLOEXEC | (0 if streams else os.O_NONBLOCK) | (0 if follow else os.O_NOFOLLOW)
        fd = os.open(path, flags)
        try:
            info = os.fstat(fd)
            _check_kind(info, streams)  # the same file as the one checked, even if it was swapped meanwhile
            regular = stat.S_ISREG(info.st_mode)
            if regular and info.st_size > limit:
                raise _TooBig(f"{info.st_size / 1_048_576:.1f} Mo")
            raw = _read_at_most(fd, limit + 1, info.st_size + 1 if regular else 1 << 16)
        finally:
            os.close(fd)
        if len(raw) > limit:
            raise _TooBig(f"plus de {limit / 1_048_576:.0f} Mo")
    except _TooBig as big:
        raise InputError(Problem(Location(name), (
            f"fichier trop volumineux ({big} ; maximum {limit / 1_048_576:.0f} Mo) : "
            "est-ce bien un fichier pdp-nav ? Vérifiez le chemin"))) from None
    except _NotAFile as kind:
        raise InputError(Problem(Location(name), (
            f"c'est {kind}, pas un fichier ordinaire : indiquez un fichier"))) from None
    except FileNotFoundError:
        raise InputError(Problem(Location(name), "fichier introuvable : vérifiez le chemin")) from None
    except IsADirectoryError:
        raise InputError(Problem(Location(name), "c'est un dossier : indiquez un fichier")) from None
    except OSError as exc:
        raise InputError(Problem(Location(name), f"lecture impossible ({os_reason(exc)})")) from None
    return raw


def _check_kind(info: os.stat_result, streams: bool) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError
    if not streams or stat.S_ISLNK(info.st_mode):
        for test, kind in _NOT_FILES:
            if test(info.st_mode):
                raise _NotAFile(kind)


def _read_at_most(fd: int, count: int, chunk: int) -> bytes:
    """Up to ``count`` bytes from ``fd``, in reads of ``chunk`` bytes (the file's size when known)."""
    parts = []
    while count > 0 and (part := os.read(fd, min(count, max(chunk, 1 << 16)))):
        parts.append(part)
        count -= len(part)
    return b"".join(parts)


class _TooBig(Exception):
    """The file is larger than the limit (the text says by how much)."""


class _NotAFile(Exception):
    """A pipe, device, socket or link where a regular file is expected."""
