"""One headless Chromium per test process, driven over its DevTools pipe (fixture ``chromium``).

The offline page's JavaScript (tests/test_export_html.py) and the printed summary
(tests/test_plan_formats.py) run in it: a launch costs seconds of CPU, a page a fraction of one.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium absent : apt-get install chromium")

A4 = {"paperWidth": 210 / 25.4, "paperHeight": 297 / 25.4}
"""Page.printToPDF's paper, in inches: A4, as a French office prints (Chromium's default is Letter)."""


class Browser:
    """One headless Chromium for the whole module, driven over its DevTools pipe.

    A launch costs seconds of CPU, a page a fraction of one. The pages are loaded one after the
    other in one tab, in a browser context of its own, each after a blank page and with an emptied
    history (see :meth:`_tab`).
    """

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-pipe"]

    def __init__(self, profile: Path) -> None:
        # Chromium reads the commands on its fd 3 and writes the replies on its fd 4 (NUL-separated JSON)
        commands_in, self._commands = os.pipe()
        self._replies, replies_out = os.pipe()
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_in, replies_out)]

        def onto_3_and_4() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen([CHROMIUM, *self.FLAGS, f"--user-data-dir={profile}"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=onto_3_and_4)
        for fd in (commands_in, replies_out, *high):
            os.close(fd)
        self._buffer = b""
        self._events: list[dict] = []
        self._id = 0
        self._session: str | None = None
        profile.mkdir(parents=True, exist_ok=True)
        blank = profile / "blank.html"  # what each page follows (see _tab)
        blank.write_text("<!DOCTYPE html><title></title>", encoding="utf-8")
        self._blank = blank.as_uri()

    def send(self, method: str, session: str | None = None, timeout: float = 120, **params) -> dict:
        """Send one command and return its result (events met meanwhile are kept)."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        reply = self._next(lambda m: m.get("id") == self._id, timeout, method)
        assert "error" not in reply, (method, reply["error"])
        return reply["result"]

    def _next(self, wanted, timeout: float, what: str) -> dict:
        for i, message in enumerate(self._events):
            if wanted(message):
                return self._events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
                if "method" in message:
                    self._events.append(message)
            # a reply can be tens of MB (a self-test's DOM) and comes in pipe-sized chunks: they are
            # kept apart until the one that ends a message, so that each byte is scanned and copied once
            parts = [self._buffer]
            while True:
                left = deadline - time.monotonic()
                assert left > 0 and select.select([self._replies], [], [], left)[0], f"Chromium: no reply to {what}"
                chunk = os.read(self._replies, 1 << 20)
                assert chunk, f"Chromium ended (code {self.process.poll()}) during {what}"
                parts.append(chunk)
                if b"\0" in chunk:
                    break
            self._buffer = b"".join(parts)

    def open(self, page: Path, fragment: str) -> Callable[[], str]:
        """Start loading ``page`` + ``fragment``; the function returned waits for it and gives its DOM.

        The DOM is read once the page has loaded and, for a test hook, once the hook wrote its output
        (the browser's back button is asynchronous). Meanwhile the test may compute what it expects.
        """
        hook = "true" if fragment.startswith("#pdp-test-") else "false"
        # a hook that never writes (a broken page) fails the test after 20 s, on hook_output
        script = ("new Promise(function (done) { var start = Date.now(); (function wait() {"
                  f" if (!{hook} || document.getElementById('pdp-test-output') || Date.now() - start > 20000)"
                  " setTimeout(function () { done(document.documentElement.outerHTML); }, 0);"
                  " else setTimeout(wait, 5); })(); })")

        def dom(session: str) -> str:
            found = self.send("Runtime.evaluate", session, expression=script, awaitPromise=True, returnByValue=True)
            assert "exceptionDetails" not in found, found
            return found["result"]["value"]

        return self._tab(page.as_uri() + fragment, dom)

    def pdf(self, page: Path) -> bytes:
        """``page`` printed once loaded, on A4 (else as ``--print-to-pdf``: no header or footer)."""
        return self._tab(page.as_uri(), lambda session: base64.b64decode(
            self.send("Page.printToPDF", session, displayHeaderFooter=False, **A4)["data"]))()

    def _tab(self, url: str, read: Callable[[str], Any]) -> Callable[[], Any]:
        """Start loading ``url`` in the tab; the function returned waits for the load, then gives
        ``read(session)``.

        The tab is made once, in a browser context of its own (no storage shared with any other
        profile; the page keeps none). Each page then starts as in a new tab: after a blank page,
        with an emptied history, so that its back button never reaches an earlier page. A new tab
        and context per page cost a renderer process each: about twice the CPU (issue #12). A load
        is recognised by its navigation's id, so that a page left loading by a failed test is never
        taken for the next one.
        """
        if self._session is None:
            context = self.send("Target.createBrowserContext")["browserContextId"]
            target = self.send("Target.createTarget", url="about:blank", browserContextId=context)["targetId"]
            self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            self.send("Page.enable", self._session)
            self.send("Page.setLifecycleEventsEnabled", self._session, enabled=True)
        session = self._session

        def navigate(to: str) -> Callable[[], None]:
            started = self.send("Page.navigate", session, url=to)
            assert "errorText" not in started, (to, started)
            loader = started["loaderId"]
            return lambda: self._next(lambda m: m.get("method") == "Page.lifecycleEvent" and m.get("sessionId") == session
                                      and m["params"]["name"] == "load" and m["params"]["loaderId"] == loader,
                                      120, "loading " + to)

        navigate(self._blank)()
        self.send("Page.resetNavigationHistory", session)
        loaded = navigate(url)

        def finish() -> Any:
            try:
                loaded()
                return read(session)
            finally:
                self._events = [e for e in self._events if e.get("sessionId") not in (None, session)]

        return finish

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except AssertionError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._replies)


class Pages:
    """What the tests ask of the browser, started on first use: ``chromium(page, fragment)`` (the DOM after
    the page ran), ``chromium.open(page, fragment)`` (start it; the function returned waits for that DOM)
    and ``chromium.pdf(page)`` (the page printed on A4)."""

    def __init__(self, profiles: Callable[[], Path]) -> None:
        self._profiles = profiles
        self.browser: Browser | None = None

    def _started(self) -> Browser:
        if self.browser is None:
            self.browser = Browser(self._profiles())
        return self.browser

    def open(self, page: Path, fragment: str) -> Callable[[], str]:
        return self._started().open(page, fragment)

    def __call__(self, page: Path, fragment: str) -> str:
        return self.open(page, fragment)()

    def pdf(self, page: Path) -> bytes:
        return self._started().pdf(page)

    def close(self) -> None:
        if self.browser is not None:
            self.browser.close()
