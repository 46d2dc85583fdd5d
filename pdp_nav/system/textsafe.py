"""Text from data made harmless for where it goes: a terminal, Markdown, CSV, XML (issue #11).

Tree, catalogue, scenario and answers files are data: an escape sequence (clear the screen,
set the window title, a hidden link), a bidi override that reverses a line, a Markdown heading
or a spreadsheet formula in them must be shown, never obeyed. ``validate`` refuses such
characters (:func:`pdp_nav.content.texts.text_problems`); these functions protect every output, so that a file that
was never validated cannot inject either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidirectional embeddings, overrides and isolates: they reorder what the reader sees."""
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}]")
_NEWLINES = re.compile(r"\r\n|[\r\n]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0 does not allow in a document: every character outside tab, line feed, carriage return,
U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF (written as this set, not as the complement of
those: a complement over all of Unicode took 9 ms to compile at each start of pdp-nav)."""
_MD_PUNCT = re.compile(r"([\\`*_\[\]<>|&])")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#+\-=~](?=[\s#=\-~]|$)|>|(?<=\d)[.)](?=\s|$))")
"""What would open a heading, a list, a quote or a fence at the start of a line."""
CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet reads as a formula (OWASP « CSV injection »)."""


def unsafe_char(text: str, *, newlines: bool = True) -> str | None:
    """The first character of ``text`` that could drive a terminal, or None.

    Args:
        newlines: whether line feeds and tabs are allowed (text yes, ids and keys no).
    """
    match = (_UNSAFE if newlines else _UNSAFE_LINE).search(text)
    return match.group() if match else None


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"U+{ord(char):04X}"


def printable(text: str, *, newlines: bool = True) -> str:
    """``text`` with every control or bidi character shown as ``\\x1b`` or ``U+202E``.

    Args:
        newlines: keep line feeds and tabs (False for a one-line title or message part).
    """
    return (_UNSAFE if newlines else _UNSAFE_LINE).sub(_shown, text)


def markdown(text: str) -> str:
    """``text`` as one line of Markdown that shows as written: no markup, no HTML, no heading."""
    text = _MD_PUNCT.sub(r"\\\1", printable(_NEWLINES.sub(" ", text)))
    return _MD_LINE_START.sub(r"\1\\\2", text)


def csv_row(row: Iterable[object]) -> list[object]:
    """A CSV row a spreadsheet shows as text: a ``'`` before each cell that would be a formula."""
    return ["'" + cell if isinstance(cell, str) and cell.startswith(CSV_FORMULA) else cell for cell in row]


def xml_text(text: str) -> str:
    """:func:`printable` ``text`` without the characters XML 1.0 forbids (ElementTree escapes the rest)."""
    return _NOT_XML.sub(_shown, printable(text))
