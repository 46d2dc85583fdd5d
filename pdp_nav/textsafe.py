"""Text from data made harmless for where it goes: a terminal, Markdown, CSV, XML (issue #11).

Tree, catalogue, scenario and answers files are data: an escape sequence (clear the screen,
set the window title, a hidden link), a bidi override that reverses a line, a Markdown heading
or a spreadsheet formula in them must be shown, never obeyed. ``validate`` refuses such
characters (:func:`text_problems`); the other functions protect every output, so that a file that
was never validated cannot inject either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import Problem
    from .yamlio import Document

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidirectional embeddings, overrides and isolates: they reorder what the reader sees."""
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}]")
_NEWLINES = re.compile(r"\r\n|[\r\n]")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MD_PUNCT = re.compile(r"([\\`*_\[\]<>|&])")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#+\-=~](?=[\s#=\-~]|$)|>|(?<=\d)[.)](?=\s|$))")
"""What would open a heading, a list, a quote or a fence at the start of a line."""
TEXT_RULES = ("control-character", "text-length")
"""The rules of :func:`text_problems`: findings that do not keep the tree from being built."""
MAX_TEXT = 4000
"""Longest text accepted by ``validate``; the shipped tree's longest is under 900 characters."""
CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet reads as a formula (OWASP « CSV injection »)."""


def unsafe_char(text: str, *, newlines: bool = True) -> str | None:
    """The first character of ``text`` that could drive a terminal, or None.

    Args:
        newlines: whether line feeds and tabs are allowed (text yes, ids and keys no).
    """
    match = (_UNSAFE if newlines else _UNSAFE_LINE).search(text)
    return match.group() if match else None


def text_problems(doc: Document) -> list[Problem]:
    """The ``validate`` rule: one error per key or text of ``doc`` holding a control or bidi character.

    Line feeds and tabs are allowed in texts, not in keys (ids). A text longer than
    :data:`MAX_TEXT` is refused too (a 20 KB label froze the prompt).
    """
    from .errors import Problem

    if _all_safe(doc.data):
        return []
    problems: list[Problem] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, child in items:
            stack.append(((*path, key), child))
            if isinstance(key, str) and (char := unsafe_char(key, newlines=False)):
                problems.append(_problem(doc, (*path, key), char, key=True))
        if isinstance(value, str) and (char := unsafe_char(value)):
            problems.append(_problem(doc, path, char))
        if isinstance(value, str) and len(value) > MAX_TEXT:
            problems.append(Problem(doc.loc(path), (
                f"texte trop long ({_count(len(value))} caractères ; maximum {_count(MAX_TEXT)}) : "
                "raccourcissez-le, les détails ont leur place dans une fiche ou une source"), rule="text-length"))
    return sorted(problems, key=lambda p: (p.location.line, p.location.column))


def _all_safe(data: Any) -> bool:
    """True when no key or text of ``data`` breaks the rules: one pass without paths (issue #11).

    The texts are searched joined together (a line feed, allowed in texts, between two), so that
    the common case costs one regular-expression scan; only a file with a finding is walked again
    with paths, to place each finding.
    """
    texts: list[str] = []
    keys: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            keys.extend(k for k in value if isinstance(k, str))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return (not _UNSAFE.search("\n".join(texts)) and not _UNSAFE_LINE.search("".join(keys))
            and all(len(t) <= MAX_TEXT for t in texts))


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")  # 20 000, as French writes it


def _problem(doc: Document, path: tuple[Any, ...], char: str, key: bool = False) -> Problem:
    from .errors import Problem

    what = ("caractère de contrôle bidirectionnel" if char in BIDI else "caractère de contrôle")
    effect = ("il inverse ou déplace le texte affiché" if char in BIDI
              else "il pourrait piloter le terminal qui l'affiche")
    where = "la clé" if key else "le texte"
    return Problem(doc.loc(path, key=key), (
        f"{what} U+{ord(char):04X} interdit dans {where} : supprimez-le ({effect})"),
        rule="control-character")


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
