"""A real pseudo-terminal for the tests: the installed ``pdp-nav`` driven with pexpect."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path

import pexpect
import pytest


def _installed() -> str | None:
    """The ``pdp-nav`` of the Python running the tests (a venv's), else the one on PATH."""
    here = Path(sys.executable).parent / "pdp-nav"
    return str(here) if here.is_file() and os.access(here, os.X_OK) else shutil.which("pdp-nav")


PDP_NAV = _installed()
needs_pdp_nav = pytest.mark.skipif(PDP_NAV is None, reason="pdp-nav is not installed (pip install -e .)")

DOWN, LEFT, ENTER, CTRL_C, CTRL_D = "\x1b[B", "\x1b[D", "\r", "\x03", "\x04"
TIMEOUT = 10
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\r")
HINT = r"aide\)"
"""End of the hint of a tree question: the menu is drawn and reads keys."""
MENU_HINT = r"Entrée pour valider\)"


def terminal_signals() -> None:
    """In the child: Ctrl-C as in a terminal, even when the tests run in a background job.

    A shell without job control starts ``cmd &`` with SIGINT ignored, and the child inherits it:
    ``input()`` would then never see the Ctrl-C a test types (prompt_toolkit reads it as a key).
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Child(pexpect.spawn):
    """pexpect's ``spawn`` without its fixed sleeps, which add up over the suite, and reading all
    the output that is there at once.

    None before each ``send`` (0.05 s by default): the tests send keys once they have seen the
    prompt's text, never by time. After the end of the output, :meth:`close` waits for the
    child's own exit instead of sleeping 0.1 s then killing it if it is still there.

    Reads of up to 64 KB, not 2,000 bytes: a screen drawn at once (the plan printed, then the menu
    under it) is read at once, so that :meth:`Session.display` right after the menu's hint never
    shows the menu cut in the middle of a word (it did when the menu came just after the plan).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, maxread=65536, **kwargs)
        self.delaybeforesend = None

    def close(self, force: bool = True) -> None:
        if self.flag_eof and not self.closed:
            deadline = time.monotonic() + TIMEOUT
            while self.isalive() and time.monotonic() < deadline:
                time.sleep(0.002)
            if not self.isalive():
                self.ptyproc.delayafterclose = 0
        super().close(force)


def spaced(text: str) -> str:
    """A pattern finding ``text`` whether its spaces are ordinary or non-breaking (French typography)."""
    return "".join("[ \u00a0]" if c == " " else re.escape(c) for c in text)


class Session:
    """A running ``pdp-nav`` in a pty, with its whole output kept for the assertions."""

    def __init__(self, cwd: Path, args: list[str], *, env: dict[str, str | None] | None = None,
                 width: int = 100, height: int = 24) -> None:
        full_env = {k: v for k, v in os.environ.items() if k not in ("ACCESSIBLE", "PDP_NAV_DEPARTEMENT")}
        full_env.update(TERM="xterm", LANG="C.UTF-8", NO_COLOR="1",
                        # pexpect does not answer the cursor-position requests a real terminal answers
                        PROMPT_TOOLKIT_NO_CPR="1")
        for key, value in (env or {}).items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        self.log = io.StringIO()
        self.child = Child(PDP_NAV, args, cwd=str(cwd), env=full_env, dimensions=(height, width),
                                   encoding="utf-8", timeout=TIMEOUT, preexec_fn=terminal_signals)
        self.child.logfile_read = self.log
        self.size = (height, width)

    def wait(self, *texts: str, hint: str = HINT) -> None:
        """Wait for each text in turn (its spaces may be non-breaking ones), then for the prompt's hint."""
        for text in texts:
            self.child.expect(spaced(text))
        self.child.expect(hint)

    def keys(self, keys: str) -> None:
        self.child.send(keys)

    def end(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus

    @property
    def screen(self) -> str:
        """The output without escape sequences, spaces and line breaks collapsed."""
        return " ".join(ANSI.sub("", self.log.getvalue()).split())

    def display(self) -> list[str]:
        """What the terminal shows now (its rows, what has scrolled away is gone), via pyte."""
        import pyte

        rows, columns = self.size
        screen = pyte.Screen(columns, rows)
        pyte.Stream(screen).feed(self.log.getvalue())
        return [line.rstrip() for line in screen.display]
