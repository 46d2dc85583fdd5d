"""The whole check of a tree directory, as run by ``pdp-nav validate``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .content.lint import lint
from .content.load import gc_paused, read_tree
from .errors import InputError, Problem
from .scenarios.cases import folder_problems, overlay_tree_for


@dataclass
class Report:
    problems: list[Problem]
    unreadable: bool
    summary: str = ""
    version: str = ""
    """The tree's version ('' when it could not be read)."""


def check(tree_dir: Path, today: dt.date | None = None) -> Report:
    """Read, schema-check and lint ``tree_dir`` (overlays included); never raises on bad content."""
    with gc_paused():
        return _check(tree_dir, today)


def _check(tree_dir: Path, today: dt.date | None) -> Report:
    try:
        loaded = read_tree(tree_dir)
    except InputError as exc:
        return Report(exc.problems, True)
    problems = list(loaded.problems)
    summary = ""
    if loaded.tree is not None:
        problems += lint(loaded.tree, loaded.sources, today)
        t = loaded.tree
        summary = (f"{len(t.questions)} questions, {len(t.outcomes)} issues, {len(t.dispositifs)} dispositifs, "
                   f"{len(t.contacts)} contacts, {len(loaded.sources.overlays)} surcouche(s) départementale(s)")
        # the reference scenarios of trees/scenarios/ must still fit the tree (issue #5)
        found, unreadable, count = folder_problems(
            tree_dir / "scenarios", overlay_tree_for(t, loaded.sources, tree_dir))
        problems += found
        loaded.unreadable = loaded.unreadable or unreadable
        summary += f", {count} scénario(s)" if count else ""
    problems.sort(key=lambda p: (p.location.file, p.location.line, p.location.column))
    return Report(problems, loaded.unreadable, summary, loaded.tree.version if loaded.tree else "")
