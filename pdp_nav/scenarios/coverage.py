"""What a set of scenarios covers of a tree, and how a trainee's path compares with a scenario's.

Pure module: ``scenario check --coverage`` and ``scenario quiz`` display what it computes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..core.engine import Result
from ..core.model import Tree
from .cases import Check


@dataclass(frozen=True)
class Category:
    """One kind of tree element and those no scenario reaches."""

    key: str
    """``questions``, ``options``, ``outcomes`` or ``dispositifs`` (stable, for scripts)."""
    label: str
    total: int
    missing: tuple[str, ...]

    @property
    def covered(self) -> int:
        return self.total - len(self.missing)


@dataclass(frozen=True)
class Coverage:
    categories: tuple[Category, ...]
    scenarios: int
    """How many scenarios were replayed to compute it (invalid ones do not count)."""

    @property
    def percent(self) -> float:
        total = sum(c.total for c in self.categories)
        return 100.0 * sum(c.covered for c in self.categories) / total if total else 100.0


def coverage(tree: Tree, checks: Iterable[Check]) -> Coverage:
    """Which questions, options, outcomes and dispositifs the replayed scenarios reach."""
    reached: dict[str, set[str]] = {"questions": set(), "options": set(), "outcomes": set(), "dispositifs": set()}
    count = 0
    for c in checks:
        if c.result is None:
            continue
        count += 1
        for step in c.result.steps:
            reached["questions"].add(step.question.id)
            reached["options"].add(f"{step.question.id}.{step.option.id}")
        reached["outcomes"].add(c.result.outcome.id)
        reached["dispositifs"].update(c.result.dispositif_ids)
    universe = {
        "questions": list(tree.questions),
        "options": [f"{q.id}.{o.id}" for q in tree.questions.values() for o in q.options],
        "outcomes": list(tree.outcomes),
        "dispositifs": list(tree.dispositifs),
    }
    labels = {"questions": "questions", "options": "options", "outcomes": "issues", "dispositifs": "dispositifs"}
    return Coverage(tuple(
        Category(key, labels[key], len(ids), tuple(i for i in ids if i not in reached[key]))
        for key, ids in universe.items()), count)


@dataclass(frozen=True)
class AnswerRow:
    """One question of the trainee's or the reference path (or both)."""

    question: str
    text: str
    given: str | None
    """The trainee's option label, None when the trainee's path did not ask it."""
    expected: str | None
    """The reference option label, None when the reference path does not ask it."""

    @property
    def same(self) -> bool:
        return self.given == self.expected


@dataclass(frozen=True)
class QuizComparison:
    rows: tuple[AnswerRow, ...]
    same_outcome: bool
    missed: tuple[str, ...]
    """Dispositif ids of the reference result the trainee's result lacks."""
    added: tuple[str, ...]
    """Dispositif ids in the trainee's result but not in the reference."""

    @property
    def score(self) -> tuple[int, int]:
        """Answers identical to the reference, out of the questions of either path."""
        return sum(1 for r in self.rows if r.same), len(self.rows)

    @property
    def perfect(self) -> bool:
        return self.same_outcome and not self.missed and not self.added and all(r.same for r in self.rows)


def compare_paths(trainee: Result, reference: Result) -> QuizComparison:
    """Question by question (reference order, then questions only the trainee met), and the results."""
    given = {s.question.id: s for s in trainee.steps}
    expected = {s.question.id: s for s in reference.steps}
    order = list(dict.fromkeys([*expected, *given]))
    rows = []
    for qid in order:
        step = expected.get(qid) or given[qid]
        rows.append(AnswerRow(
            qid, step.question.text,
            given[qid].option.label if qid in given else None,
            expected[qid].option.label if qid in expected else None))
    mine, ref = trainee.dispositif_ids, reference.dispositif_ids
    return QuizComparison(tuple(rows), trainee.outcome.id == reference.outcome.id,
                          tuple(d for d in ref if d not in mine), tuple(d for d in mine if d not in ref))
