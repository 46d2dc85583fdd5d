"""What a command needs from its process: usable standard streams, SIGTERM/SIGHUP, the terminal.

:func:`guarded` wraps every command (``cli.main``):

* a closed standard input or error becomes ``/dev/null`` (a file opened later must not take
  their descriptor); a closed standard output is refused with a French message;
* output that the locale cannot encode (``LANG=fr_FR.ISO-8859-1``) degrades: « » become ",
  ’ becomes ', an arrow ->, anything else ? ; it never stops the command;
* SIGTERM and SIGHUP raise :class:`Terminated`, which unwinds like Ctrl-C: temporary files are
  removed by ``atomic_open``, and the terminal is put back as it was (raw mode, hidden cursor).
  While a prompt's event loop runs, the signal is handed to it instead (:func:`signals_to`).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import signal
import sys
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import StreamError, Terminated

STREAM_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)})
"""Errors of a write to standard output (no file name): a full disk, a closed descriptor…"""
SIGNALS = (signal.SIGTERM, signal.SIGHUP)
TRANSLITERATE = "pdp-nav-transliterate"
"""The codec error handler that writes « » as " (and so on) where the locale lacks them."""
_PLAIN = {"«": '"', "»": '"', "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "–": "-", "—": "-",
          "−": "-", "•": "*", "·": ".", "›": ">", "‹": "<", "←": "<-", "→": "->", "↑": "^", "↓": "v",
          "✓": "v", "✗": "x", "\u00a0": " ", "\u202f": " "}


def _transliterate(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start:exc.end]
    return "".join(_PLAIN.get(c) or _ascii(c) for c in text), exc.end


def _ascii(char: str) -> str:
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain or "?"


codecs.register_error(TRANSLITERATE, _transliterate)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Streams checked and made tolerant, signals caught, terminal restored (see the module)."""
    closed_stdout = _reopen_closed_streams()
    for stream in (sys.stdout, sys.stderr):
        _tolerate_encoding(stream)
    if closed_stdout:
        raise StreamError("La sortie standard est fermée", "pdp-nav n'a nulle part où écrire")
    terminal = _terminal_state()
    previous = {}
    for signum in SIGNALS:
        with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread
            previous[signum] = signal.signal(signum, _stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _restore_terminal(terminal)


_receivers: list[Callable[[Terminated], None]] = []


@contextlib.contextmanager
def signals_to(receive: Callable[[Terminated], None]) -> Iterator[None]:
    """Hand SIGTERM and SIGHUP to ``receive`` instead of raising them where the program stands.

    Raised inside a prompt_toolkit event loop (a callback, the wait for the terminal's answer
    about the cursor position), the exception was caught by prompt_toolkit, which printed it and
    waited for « Press ENTER to continue… » (issue #11). ``receive`` must only record the signal
    and wake the loop up, which then ends the prompt with the exception.
    """
    _receivers.append(receive)
    try:
        yield
    finally:
        _receivers.remove(receive)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP that arrive during the block take effect when it ends.

    For the few instructions that create a temporary file and record its name: raised in
    between, the signal's exception left the file behind. A Python handler of ours records the
    signal (whichever thread the system delivered it to, Python runs handlers in the main one);
    at the end the previous handler runs, or the default action is taken. An ignored signal stays
    ignored; outside the main thread the block runs as it is.
    """
    caught: list[int] = []
    previous: dict[signal.Signals, Any] = {}
    for signum in (signal.SIGINT, *SIGNALS):
        with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            handler = previous[signal.Signals(caught[0])]
            if callable(handler):
                handler(caught[0], None)  # raises Terminated, KeyboardInterrupt…
            else:  # SIG_DFL, or a handler set outside Python: as if it came now
                os.kill(os.getpid(), caught[0])


def _stop(signum: int, frame: Any) -> None:
    stop = Terminated(signum, signal.Signals(signum).name)
    if _receivers:
        _receivers[-1](stop)
        return
    raise stop


def _reopen_closed_streams() -> bool:
    """``/dev/null`` in place of a closed stdin, stdout or stderr; True if stdout was closed."""
    closed_stdout = sys.stdout is None
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
    return closed_stdout


def _tolerate_encoding(stream: Any) -> None:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    with contextlib.suppress(LookupError, AttributeError, ValueError):
        if codecs.lookup(encoding).name != "utf-8":
            stream.reconfigure(errors=TRANSLITERATE)


def silence_stdout() -> None:
    """Send what is left of standard output to ``/dev/null`` (its reader is gone, or its disk full),
    so that Python's last flush does not print « Exception ignored »."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _terminal_state() -> list[Any] | None:
    with contextlib.suppress(ImportError, OSError, ValueError, AttributeError):
        import termios  # inside the suppress: a platform without termios has no terminal to restore

        if sys.stdin.isatty():
            return termios.tcgetattr(sys.stdin.fileno())
    return None


def _restore_terminal(state: list[Any] | None) -> None:
    """The terminal modes of the start (a prompt stopped by a signal leaves raw mode), cursor shown."""
    if state is None:
        return
    import termios  # only reached with a saved state, i.e. where the import above worked

    with contextlib.suppress(OSError, ValueError):
        if termios.tcgetattr(sys.stdin.fileno()) == state:
            return
        termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, state)
        if sys.stdout.isatty():
            sys.stdout.write("\x1b[?25h")
            sys.stdout.flush()
