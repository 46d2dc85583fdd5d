"""French typography for people at 60 or 80 columns: non-breaking spaces, and lines that never cut a word.

Stdlib only, so the prompts, the Rich display and the error boundary can all use it without
slowing a command's start-up. Machine-readable outputs (JSON, CSV, paths, graphs) never go
through it: typography is for people, not for scripts (issue #13, point 8).
"""

from __future__ import annotations

import functools
import re
import shutil
import textwrap
from typing import Any

NBSP = "\u00a0"
_BEFORE = tuple((" " + mark, NBSP + mark) for mark in "?:;!»·›")
"""The space before each of these marks becomes a non-breaking one (each a plain replacement:
a space is never a mark, so no replacement makes or hides a pair for another)."""
_TEL = re.compile(r"\bTél\. ")
"""After the « Tél. » of a contact line: a line never ends with « Tél. » alone."""


def french(text: str) -> str:
    """French typography: a non-breaking space before « ? : ; ! », inside « » and before the
    « · » or « › » that separate the parts of a line, so no line starts with them, and after
    « Tél. », so that a line never ends with it and leaves its number to the next (URLs such as
    ``https://`` keep their colon: it has no space before it).

    The result has the length of ``text``: character offsets (styles in a Rich text) still hold.
    """
    if " " not in text:
        return text
    for pair in _BEFORE:
        text = text.replace(*pair)
    return _TEL.sub("Tél." + NBSP, text.replace("« ", "«" + NBSP))


@functools.lru_cache(maxsize=16384)
def wrapped(text: str, width: int, indent: str, hang: str) -> tuple[str, ...]:
    """The lines of :func:`wrap` (``hang`` given), as one tuple shared by every call with the
    same arguments: memoised, since a result view draws the same lines again and again."""
    return tuple(textwrap.wrap(french(text), width, initial_indent=indent, subsequent_indent=hang,
                               break_long_words=False, break_on_hyphens=False)) or (indent.rstrip(),)


def wrap(text: str, width: int, indent: str = "", hang: str | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` characters, never breaking a word (a word longer
    than a line stays whole), with French non-breaking spaces (:func:`french`)."""
    return list(wrapped(text, width, indent, indent if hang is None else hang))


def spans(text: str, width: int, hang: int = 0, first: int = 0) -> list[tuple[int, int]]:
    """Where to cut ``text`` into lines of at most ``width`` characters: (start, end) offsets.

    Lines break only at ordinary spaces and at the line breaks of ``text``: never inside a
    word, nor at a non-breaking space. A line's leading spaces are kept, those at a break dropped; a word longer than
    a line stays whole on its own line. ``first`` characters are already used on the first
    line (a prompt's « ? »), ``hang`` on the next ones (their indentation, added by the caller).
    Unlike :func:`wrap`, it keeps offsets, so a styled text can be cut at them.
    """
    result: list[tuple[int, int]] = []
    used = first
    offset = 0
    for paragraph in text.split("\n"):
        start = end = None
        for word in re.finditer(r"[^ ]+", paragraph):
            a, b = offset + word.start(), offset + word.end()
            if start is None:  # the paragraph's own indentation is kept
                start, end = offset, b
            elif used + (b - start) <= width:
                end = b
            else:
                result.append((start, end))  # type: ignore[arg-type]
                used, start, end = hang, a, b
        result.append((start, end) if start is not None else (offset, offset))  # type: ignore[arg-type]
        used = hang
        offset += len(paragraph) + 1
    return result


def fit(text: str, width: int) -> str:
    """``text`` cut at a word to at most ``width`` characters, « … » ending it when cut."""
    if len(text) <= width:
        return text
    cut = text[:max(width - 1, 1)]
    head = cut.rsplit(" ", 1)[0] if " " in cut.strip() else cut
    return head.rstrip(" ,;:(–—-") + "…"


def block(text: str, width: int, hang: int = 2) -> str:
    """A message of several lines for a terminal ``width`` columns wide: each line cut between
    words (:func:`wrap`), its continuation lines indented by ``hang`` more than its own start."""
    lines: list[str] = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        lead = " " * (len(line) - len(body))
        lines += wrap(body, width, lead, lead + " " * hang) if body.strip() else [line.rstrip()]
    return "\n".join(lines)


def for_reader(text: str, stream: Any) -> str:
    """``text`` as :func:`block` cuts it when ``stream`` is a terminal (a person reads it), else
    as is: a pipe, a log or an editor parsing ``file:line:column`` gets the plain message."""
    try:
        if not stream.isatty():
            return text
    except (AttributeError, ValueError):  # no stream, or a closed one
        return text
    return block(text, shutil.get_terminal_size().columns - 1)
