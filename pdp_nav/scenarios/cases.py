"""Trainers' reference scenarios: reading them, replaying them on a tree, checking what they expect.

A scenario file (``trees/scenarios/*.yaml``, see ``trees/README.md``) holds a case, the
answers (question id -> option id) and the expected result. Pure module: nothing here
prints or prompts; the report layouts live in ``report.py``.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.answers import resolve
from ..content.build import apply_overlay
from ..content.document import Document
from ..content.files import PLACEHOLDER, overlay_doc
from ..content.texts import text_problems
from ..content.yamlio import read_yaml
from ..core.engine import Navigation, Result
from ..core.model import Tree
from ..errors import InputError, Location, Problem, Severity, display_path

SUFFIXES = (".yaml", ".yml")
TreeFor = Callable[[str], Tree]
"""Gives the tree to replay a scenario on, for its département ('' for none); may raise InputError."""


@dataclass(frozen=True)
class Expect:
    """What a scenario expects from its result (every part is optional)."""

    outcome: str = ""
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    first: tuple[str, ...] = ()
    """Exact order of the first proposed dispositifs."""
    absent_contacts: tuple[str, ...] = ()
    """Contacts the result must not show."""


@dataclass(frozen=True)
class Scenario:
    file: str
    """The path as shown in messages."""
    doc: Document
    title: str
    case: str
    tree_version: str
    departement: str
    answers: dict[str, str]
    expect: Expect


class Status(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    INVALID = "invalid"


@dataclass(frozen=True)
class Mismatch:
    """One difference between what a scenario expects and what the tree gives."""

    kind: str
    """``outcome``, ``missing``, ``unexpected``, ``order``, ``missing-contact`` or ``unexpected-contact``
    (stable, for scripts)."""
    expected: tuple[str, ...]
    actual: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Check:
    """The outcome of running one scenario file."""

    file: str
    scenario: Scenario | None = None
    result: Result | None = None
    mismatches: tuple[Mismatch, ...] = ()
    problems: tuple[Problem, ...] = ()
    unreadable: bool = False
    """The file is not even readable YAML (``validate`` exits 2)."""
    tree_version: str = ""
    """Version of the tree it was run on ('' when no tree was reached)."""

    @property
    def status(self) -> Status:
        if self.problems or self.result is None:
            return Status.INVALID
        return Status.FAILED if self.mismatches else Status.PASSED

    @property
    def title(self) -> str:
        return self.scenario.title if self.scenario else ""

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """What is left to write in a readable scenario (see :func:`unfinished`)."""
        return tuple(unfinished(self.scenario)) if self.scenario else ()

    @property
    def version_note(self) -> str:
        """« écrit pour la version X… » when the scenario names another tree version, else ''."""
        written = self.scenario.tree_version if self.scenario else ""
        if not written or not self.tree_version or written == self.tree_version:
            return ""
        return f"écrit pour la version {written} de l'arbre, arbre actuel {self.tree_version}"


# --- Finding and reading files ---------------------------------------------------------

def find(paths: Iterable[Path]) -> list[Path]:
    """The scenario files named by ``paths``: files as given, folders searched recursively.

    Raises:
        InputError: a path does not exist.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.suffix in SUFFIXES and p.is_file() and not any(
                        part.startswith(".") for part in p.relative_to(path).parts):
                    found[p] = None
        elif path.is_file():
            found[path] = None
        else:
            raise InputError(Problem(Location(display_path(path)), (
                "fichier ou dossier de scénarios introuvable : vérifiez le chemin")))
    return list(found)


def parse(doc: Document) -> Scenario:
    """Check ``doc`` against the scenario schema and build the :class:`Scenario`.

    Raises:
        InputError: every schema problem, with its position.
    """
    from ..content.schema import schema_problems  # jsonschema is loaded lazily

    data = doc.data
    if data is None:
        raise InputError(Problem(doc.loc(), (
            "fichier vide : un scénario contient format_version, title, case, answers et expect")))
    if not isinstance(data, dict):
        raise InputError(Problem(doc.loc(), (
            "un scénario est un dictionnaire avec format_version, title, case, answers et expect")))
    answers = data.get("answers")
    booleans = [k for k, v in answers.items() if isinstance(v, bool)] if isinstance(answers, dict) else []
    problems = [Problem(doc.loc(("answers", k)), (
        f"la réponse à « {k} » est lue comme un booléen par YAML : mettez l'identifiant d'option "
        "entre guillemets (ex. \"no\")"), rule="wrong-type") for k in booleans]
    hidden = {doc.loc(("answers", k)) for k in booleans}
    problems += [p for p in schema_problems(doc, "scenario") if p.location not in hidden]
    problems += doc.problems
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.location.line, p.location.column)))
    expect = data["expect"]
    return Scenario(
        file=doc.file, doc=doc, title=data["title"], case=data["case"],
        tree_version=data.get("tree_version", ""), departement=data.get("departement", ""),
        answers=dict(data["answers"]),
        expect=Expect(expect.get("outcome", ""), *(tuple(expect.get(k, ())) for k in
                                                    ("present", "absent", "contacts", "first", "absent_contacts"))))


def read(path: Path) -> Scenario:
    """Read and schema-check one scenario file.

    Raises:
        InputError: unreadable YAML or a schema problem, with file, line and column.
    """
    return parse(read_yaml(path))


def unfinished(scenario: Scenario) -> list[Problem]:
    """Warnings for a scenario still being written: a placeholder, an empty case, no expectation.

    Such a scenario replays, but a trainer must not take its ✓ for a checked case (issue #17).
    """
    doc, found = scenario.doc, []
    for key, text, what in (("title", scenario.title, "le titre du scénario"),
                            ("case", scenario.case, "le cas du scénario")):
        if PLACEHOLDER in text:
            found.append(Problem(doc.loc((key,)), (
                f"{what} est encore « {PLACEHOLDER} » : "
                + ("donnez un titre" if key == "title" else "décrivez la situation lue au groupe")),
                Severity.WARNING, "placeholder"))
    if not scenario.case.strip():
        found.append(Problem(doc.loc(("case",)), (
            "le cas du scénario est vide : décrivez la situation lue au groupe"), Severity.WARNING, "empty-case"))
    if not any(getattr(scenario.expect, f.name) for f in dataclasses.fields(Expect)):
        found.append(Problem(doc.loc(("expect",)), (
            "le scénario n'attend rien : ajoutez au moins « outcome » ou « present » sous « expect », "
            "sans quoi il réussit toujours"), Severity.WARNING, "no-expectation"))
    return found


# --- Replaying on a tree ---------------------------------------------------------------

def _unknown(doc: Document, path: tuple[Any, ...], value: str, known: Iterable[str], message: str) -> Problem:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f" : vouliez-vous dire « {close[0]} » ?" if close else ""
    return Problem(doc.loc(path), message + hint, rule="unknown-id")


def reference_problems(scenario: Scenario, tree: Tree) -> list[Problem]:
    """Ids in ``expect`` that the tree does not know, and contradictory expectations."""
    doc, e, v = scenario.doc, scenario.expect, f"(version {tree.version})"
    problems = []
    if e.outcome and e.outcome not in tree.outcomes:
        problems.append(_unknown(doc, ("expect", "outcome"), e.outcome, tree.outcomes,
                                 f"l'issue « {e.outcome} » n'existe pas dans l'arbre {v}"))
    for key in ("present", "absent", "first"):
        for i, did in enumerate(getattr(e, key)):
            if did not in tree.dispositifs:
                problems.append(_unknown(doc, ("expect", key, i), did, tree.dispositifs,
                                         f"le dispositif « {did} » n'existe pas dans le catalogue {v}"))
    local = f"ni dans les contacts du département {tree.departement} " if tree.departement else ""
    for key in ("contacts", "absent_contacts"):
        for i, cid in enumerate(getattr(e, key)):
            if cid not in tree.contacts:
                problems.append(_unknown(doc, ("expect", key, i), cid, tree.contacts,
                                         f"le contact « {cid} » n'existe pas dans contacts.yaml {local}{v}"))
    for i, cid in enumerate(e.absent_contacts):
        if cid in e.contacts:
            problems.append(Problem(doc.loc(("expect", "absent_contacts", i)), (
                f"le contact « {cid} » est à la fois attendu et exclu : retirez-le de « contacts » "
                "ou de « absent_contacts »"), rule="contradiction"))
    for i, did in enumerate(e.absent):
        if did in e.present or did in e.first:
            problems.append(Problem(doc.loc(("expect", "absent", i)), (
                f"le dispositif « {did} » est à la fois attendu et exclu : retirez-le de « present »/« first » "
                "ou de « absent »"), rule="contradiction"))
    return problems


def replay(scenario: Scenario, tree: Tree) -> tuple[Navigation | None, list[Problem]]:
    """Replay the answers strictly (see ``answers.resolve``) and check the ids of ``expect``."""
    problems = reference_problems(scenario, tree)
    try:
        state = resolve(tree, scenario.answers, scenario.doc, ("answers",))
    except InputError as exc:
        return None, sorted([*exc.problems, *problems], key=lambda p: (p.location.line, p.location.column))
    return state, problems


def tree_of(scenario: Scenario, tree_for: TreeFor) -> tuple[Tree | None, list[Problem]]:
    """The tree for the scenario's département; an unknown département is located in the scenario."""
    try:
        return tree_for(scenario.departement), []
    except InputError as exc:
        where = scenario.doc.loc(("departement",))
        return None, [Problem(where, p.message, rule="unknown-departement") for p in exc.problems]


def run(scenario: Scenario, tree_for: TreeFor) -> Check:
    """Replay ``scenario`` and compare its result with what it expects."""
    tree, problems = tree_of(scenario, tree_for)
    if tree is None:
        return Check(scenario.file, scenario, problems=tuple(problems))
    state, problems = replay(scenario, tree)
    if state is not None and not state.done:  # a broken tree (dangling « next »), seen by `validate`
        problems.append(Problem(scenario.doc.loc(("answers",)), (
            f"le parcours s'arrête sur « {state.current_id} », qui n'est ni une question ni une issue de "
            "l'arbre : corrigez l'arbre"), rule="broken-path"))
    if state is None or problems:
        return Check(scenario.file, scenario, problems=tuple(problems), tree_version=tree.version)
    result = state.result()
    return Check(scenario.file, scenario, result, tuple(compare(scenario.expect, result)),
                 tree_version=tree.version)


def run_file(path: Path, tree_for: TreeFor) -> Check:
    """Read and run one file; an unreadable or invalid file gives an INVALID check (never raises)."""
    try:
        doc = read_yaml(path)
    except InputError as exc:
        return Check(display_path(path), problems=tuple(exc.problems), unreadable=True)
    try:
        scenario = parse(doc)
    except InputError as exc:
        return Check(doc.file, problems=tuple(exc.problems))
    return run(scenario, tree_for)


# --- Comparing -------------------------------------------------------------------------

def _named(ids: Iterable[str], names: dict[str, Any]) -> str:
    return ", ".join(f"{i} ({names[i].name})" if i in names else i for i in ids)


def compare(expect: Expect, result: Result) -> list[Mismatch]:
    """Every difference between ``expect`` and ``result``, in a fixed order, worded in French."""
    tree, got = result.tree, result.dispositif_ids
    out: list[Mismatch] = []
    if expect.outcome and expect.outcome != result.outcome.id:
        want = tree.outcomes.get(expect.outcome)
        out.append(Mismatch("outcome", (expect.outcome,), (result.outcome.id,), (
            f"issue attendue « {expect.outcome} »" + (f" ({want.title})" if want else "")
            + f", obtenue « {result.outcome.id} » ({result.outcome.title})")))
    if missing := tuple(d for d in dict.fromkeys((*expect.present, *expect.first)) if d not in got):
        out.append(Mismatch("missing", missing, got, (
            f"dispositif(s) attendu(s) mais non proposé(s) : {_named(missing, tree.dispositifs)}")))
    if unexpected := tuple(d for d in expect.absent if d in got):
        out.append(Mismatch("unexpected", unexpected, got, (
            f"dispositif(s) proposé(s) alors que le scénario les exclut : {_named(unexpected, tree.dispositifs)}")))
    head = got[:len(expect.first)]
    if expect.first and head != expect.first:
        out.append(Mismatch("order", expect.first, head, (
            f"ordre des premiers dispositifs : attendu {', '.join(expect.first)} ; "
            f"obtenu {', '.join(head) or 'aucun'}")))
    contacts = {u.contact.id for u in result.contacts}
    if missing_contacts := tuple(c for c in expect.contacts if c not in contacts):
        out.append(Mismatch("missing-contact", missing_contacts, tuple(u.contact.id for u in result.contacts), (
            f"contact(s) attendu(s) absent(s) du résultat : {_named(missing_contacts, tree.contacts)}")))
    if shown := tuple(c for c in expect.absent_contacts if c in contacts):
        out.append(Mismatch("unexpected-contact", shown, tuple(u.contact.id for u in result.contacts), (
            f"contact(s) montré(s) alors que le scénario les exclut : {_named(shown, tree.contacts)}")))
    return out


def run_all(paths: Iterable[Path], tree_for: TreeFor) -> list[Check]:
    """Run every scenario file found under ``paths`` (see :func:`find`)."""
    return [run_file(p, tree_for) for p in find(paths)]


# --- ``pdp-nav validate`` ------------------------------------------------------------------

def folder_problems(folder: Path, tree_for: TreeFor) -> tuple[list[Problem], bool, int]:
    """The problems of every scenario under ``folder`` (schema, ids, answers off the path…).

    Expectations are not compared here (that is ``scenario check``); an unfinished scenario
    (placeholder of ``scenario record``, empty case, no expectation) gets a warning.

    Returns:
        The problems, whether a file could not even be read, and the number of files.
    """
    if not folder.is_dir():
        return [], False, 0
    problems, unreadable = [], False
    checks = run_all([folder], tree_for)
    for check in checks:
        problems += [*check.problems, *(text_problems(check.scenario.doc) if check.scenario else [])]
        unreadable = unreadable or check.unreadable
        if check.problems and check.version_note:
            problems.append(Problem(check.scenario.doc.loc(("tree_version",)), (  # type: ignore[union-attr]
                f"scénario {check.version_note} : mettez-le à jour"), Severity.WARNING, "scenario-version"))
        problems += check.warnings
    return problems, unreadable, len(checks)


def overlay_tree_for(tree: Tree, sources: Any, tree_dir: Path) -> TreeFor:
    """A :data:`TreeFor` applying the overlays already read by ``load.read_tree``."""
    def get(departement: str) -> Tree:
        overlay = overlay_doc(sources, departement) if departement else None
        return apply_overlay(tree, overlay) if overlay else tree

    return get
