"""Loading a tree directory: its files read, checked (schema, lint) and built, or rebuilt from the cache."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..core.model import Tree
from ..errors import InputError, Problem, TreeInvalidError
from . import cache
from .build import apply_overlay, build_tree
from .document import Document
from .files import FILES, Sources, default_tree_dir, overlay_doc, read_sources
from .texts import TEXT_RULES, text_problems


def _check_top(doc: Document, schema: str) -> list[Problem]:
    if doc.data is None:
        return [Problem(doc.loc(), "fichier vide : il doit contenir « format_version: 1 » et ses sections")]
    from .schema import schema_problems  # start-up: schemas are checked on a cold load only

    return list(doc.problems) + schema_problems(doc, schema)


@dataclass
class Loaded:
    """What reading a tree directory gave: the tree (if buildable) and every problem."""

    tree: Tree | None
    sources: Sources
    problems: list[Problem]
    unreadable: bool
    """True when a file could not even be parsed (exit code 2 for ``validate``)."""


def read_tree(tree_dir: Path) -> Loaded:
    """Read and schema-check ``tree_dir``; build the tree when the structure allows."""
    sources, unreadable = read_sources(tree_dir)
    if unreadable:
        return Loaded(None, sources, unreadable, True)
    problems: list[Problem] = []
    for role in FILES:
        problems += _check_top(sources.docs[role], role) + text_problems(sources.docs[role])
    for dep, doc in sources.overlays.items():
        problems += text_problems(doc)
        found = _check_top(doc, "departement")
        if any(p.rule != "duplicate-key" for p in found):
            sources.invalid_overlays.add(dep)
        problems += found
        if doc.data and isinstance(doc.data, dict) and doc.data.get("departement") not in (None, dep):
            problems.append(Problem(doc.loc(("departement",)), (
                f"le fichier {dep}.yaml déclare le département « {doc.data.get('departement')} » : "
                f"renommez le fichier ou corrigez « departement: \"{dep}\" »"), rule="overlay-name"))
    main_files = {d.file for d in sources.docs.values()}
    structural = [p for p in problems if p.rule not in ("duplicate-key", *TEXT_RULES) and p.location.file in main_files]
    tree = None if structural else build_tree(sources)
    return Loaded(tree, sources, problems, False)


def load_tree(tree_dir: Path | None = None, departement: str | None = None) -> Tree:
    """Load a valid tree, with the overlay of ``departement`` applied.

    Raises:
        InputError: a file cannot be read.
        TreeInvalidError: the tree has errors (all of them are in the exception).
    """

    tree_dir = tree_dir or default_tree_dir()
    warm = cache.load(tree_dir)
    if warm is None:
        sources, tree = _load_checked(tree_dir)
        cache.store(tree_dir, sources)
    else:
        sources, tree = warm
    overlay = overlay_doc(sources, departement) if departement else None
    return apply_overlay(tree, overlay) if overlay else tree


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a tree is read and checked (issue #11).

    Reading a tree builds hundreds of thousands of small dicts, lists and tuples that hold no
    reference cycle, and every collection pass walked them all again: more than half the time of
    `validate` on a 20,000-question tree. Nothing is lost: the collector runs again afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_checked(tree_dir: Path) -> tuple[Sources, Tree]:
    """Read, schema-check and lint ``tree_dir``; raise unless it is valid."""
    from .lint import lint  # start-up: a warm load (from the cache) never imports the linter

    with gc_paused():
        loaded = read_tree(tree_dir)
        problems = loaded.problems
        if loaded.tree is not None:
            problems = problems + lint(loaded.tree, loaded.sources)
    errors = [p for p in problems if p.is_error]
    if loaded.unreadable:
        raise InputError(errors)
    if errors or loaded.tree is None:
        raise TreeInvalidError(errors)
    return loaded.sources, loaded.tree
