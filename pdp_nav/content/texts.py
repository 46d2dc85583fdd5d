"""The ``validate`` rule on every text of a file: no control or bidi character, no oversized text (issue #11)."""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from ..system.textsafe import BIDI, unsafe_char
from .document import Document

TEXT_RULES = ("control-character", "text-length")
"""The rules of :func:`text_problems`: findings that do not keep the tree from being built."""
MAX_TEXT = 4000
"""Longest text accepted by ``validate``; the shipped tree's longest is under 900 characters."""


def text_problems(doc: Document) -> list[Problem]:
    """The ``validate`` rule: one error per key or text of ``doc`` holding a control or bidi character.

    Line feeds and tabs are allowed in texts, not in keys (ids). A text longer than
    :data:`MAX_TEXT` is refused too (a 20 KB label froze the prompt).
    """
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
    return (unsafe_char("\n".join(texts)) is None and unsafe_char("".join(keys), newlines=False) is None
            and all(len(t) <= MAX_TEXT for t in texts))


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")  # 20 000, as French writes it


def _problem(doc: Document, path: tuple[Any, ...], char: str, key: bool = False) -> Problem:
    what = ("caractère de contrôle bidirectionnel" if char in BIDI else "caractère de contrôle")
    effect = ("il inverse ou déplace le texte affiché" if char in BIDI
              else "il pourrait piloter le terminal qui l'affiche")
    where = "la clé" if key else "le texte"
    return Problem(doc.loc(path, key=key), (
        f"{what} U+{ord(char):04X} interdit dans {where} : supprimez-le ({effect})"),
        rule="control-character")
