"""Eligibility conditions of a dispositif: evaluated on the answers, and explained.

A condition in YAML is ``true`` (always) or a mapping whose entries all must hold:
``node_id: option_id`` or ``node_id: [option ids]`` (the answer to that question is one
of them), ``all: [conditions]``, ``any: [conditions]`` and ``not: condition``.
A question that was not asked on the path never satisfies an atom.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

Answers = Mapping[str, str]
KEYWORDS = frozenset({"all", "any", "not"})


@dataclass(frozen=True, slots=True)
class Reason:
    """One answer (or missing answer) that explains why a condition held or failed."""

    node: str
    option: str | None
    """The answer given on the path, None when the question was not asked."""
    expected: tuple[str, ...]
    """The options the condition asks for."""
    negated: bool = False
    """True when the condition asks for an answer *other than* ``expected``."""


@dataclass(frozen=True, slots=True)
class Atom:
    node: str
    options: tuple[str, ...]
    path: tuple[Any, ...] = ()
    """Where the atom is written in the catalogue, for error messages."""

    def matches(self, answers: Answers) -> bool:
        return answers.get(self.node) in self.options

    def explain(self, answers: Answers) -> tuple[bool, tuple[Reason, ...]]:
        given = answers.get(self.node)
        return given in self.options, (Reason(self.node, given, self.options),)

    def atoms(self) -> Iterator[Atom]:
        yield self


@dataclass(frozen=True, slots=True)
class Always:
    def matches(self, answers: Answers) -> bool:
        return True

    def explain(self, answers: Answers) -> tuple[bool, tuple[Reason, ...]]:
        return True, ()

    def atoms(self) -> Iterator[Atom]:
        return iter(())


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple[Condition, ...]

    def matches(self, answers: Answers) -> bool:
        return all(p.matches(answers) for p in self.parts)

    def explain(self, answers: Answers) -> tuple[bool, tuple[Reason, ...]]:
        held: list[Reason] = []
        for part in self.parts:
            ok, reasons = part.explain(answers)
            if not ok:  # the first failing part is why it fails
                return False, reasons
            held.extend(reasons)
        return True, tuple(held)

    def atoms(self) -> Iterator[Atom]:
        for p in self.parts:
            yield from p.atoms()


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def matches(self, answers: Answers) -> bool:
        return any(p.matches(answers) for p in self.parts)

    def explain(self, answers: Answers) -> tuple[bool, tuple[Reason, ...]]:
        failed: list[Reason] = []
        for part in self.parts:
            ok, reasons = part.explain(answers)
            if ok:  # the first part that holds is why it holds
                return True, reasons
            failed.extend(reasons)
        return False, tuple(failed)

    def atoms(self) -> Iterator[Atom]:
        for p in self.parts:
            yield from p.atoms()


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition

    def matches(self, answers: Answers) -> bool:
        return not self.part.matches(answers)

    def explain(self, answers: Answers) -> tuple[bool, tuple[Reason, ...]]:
        ok, reasons = self.part.explain(answers)
        return not ok, tuple(
            Reason(r.node, r.option, r.expected, not r.negated) for r in reasons
        )

    def atoms(self) -> Iterator[Atom]:
        return self.part.atoms()


class Condition(Protocol):
    def matches(self, answers: Answers) -> bool: ...
    def explain(self, answers: Answers) -> tuple[bool, tuple[Reason, ...]]: ...
    def atoms(self) -> Iterator[Atom]: ...


def parse_condition(data: Any, path: tuple[Any, ...] = ()) -> Condition:
    """Build a condition from schema-valid YAML data (see the module docstring)."""
    if data is True:
        return Always()
    parts: list[Condition] = []
    for key, value in data.items():
        here = (*path, key)
        if key == "all":
            parts.append(All(tuple(parse_condition(v, (*here, i)) for i, v in enumerate(value))))
        elif key == "any":
            parts.append(AnyOf(tuple(parse_condition(v, (*here, i)) for i, v in enumerate(value))))
        elif key == "not":
            parts.append(Not(parse_condition(value, here)))
        else:
            options = (value,) if isinstance(value, str) else tuple(value)
            parts.append(Atom(key, options, here))
    return parts[0] if len(parts) == 1 else All(tuple(parts))
