"""Finding dispositifs by what doctors call them: id, name, short name or alias, without accents or case."""

from __future__ import annotations

import re
import unicodedata

from .model import Dispositif, Tree


def normal(text: str) -> str:
    """« Mi-temps thérapeutique » → « mi temps therapeutique »: no accents, case, punctuation."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.casefold()).split())


def names(d: Dispositif) -> tuple[str, ...]:
    """What a dispositif is called: id, name, short name and aliases, normalised."""
    return tuple(dict.fromkeys(normal(n) for n in (d.id, d.name, d.plan_spec().short, *d.aliases)))


def find(tree: Tree, query: str) -> list[Dispositif]:
    """The dispositifs called exactly ``query``; else those whose names contain all its words."""
    q = normal(query)
    exact = [d for d in tree.dispositifs.values() if q and q in names(d)]
    return exact or search(tree, query, summaries=False)


def search(tree: Tree, query: str, *, summaries: bool = True) -> list[Dispositif]:
    """The dispositifs whose names, aliases (and ``summaries``) contain every word of ``query``."""
    words = normal(query).split()
    found = []
    for d in tree.dispositifs.values():
        text = " ".join(names(d) + ((normal(d.summary),) if summaries else ()))
        padded = f" {text} "
        if words and all(f" {w}" in padded for w in words):  # a word, or the start of one
            found.append(d)
    return found
