"""Answers files (question id -> option id) and their strict replay on a tree."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from .engine import Navigation, NavigationError, replay
from .errors import MAX_REPORTED, InputError, Problem, at_most, shown
from .model import Question, Tree
from .yamlio import Document, read_yaml

MAX_BYTES = 1024 * 1024
"""Largest answers file: a path of a few dozen questions takes a few hundred bytes (issue #11)."""


def read_answers(path: Path) -> tuple[dict[str, str], Document, tuple[Any, ...]]:
    """Read an answers file: a mapping, or a scenario whose ``answers:`` holds the mapping.

    Returns:
        The answers, the document (for positions) and the path of the mapping inside it.

    Raises:
        InputError: not readable, or not a mapping of texts. A pipe (``-a /dev/stdin``) is
            read, up to :data:`MAX_BYTES` like a file.
    """
    doc = read_yaml(path, MAX_BYTES, streams=True)
    data = doc.data
    base: tuple[Any, ...] = ()
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data, base = data["answers"], ("answers",)
    if data is None:
        raise InputError(Problem(doc.loc(), (
            "fichier de réponses vide : écrivez une ligne « question: option » par question")))
    if not isinstance(data, dict):
        raise InputError(Problem(doc.loc(base), (
            "un fichier de réponses est un dictionnaire « question: option » (ou un scénario avec « answers: »)")))
    problems = list(doc.problems)
    answers: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            problems.append(Problem(doc.loc((*base, key)), (
                f"la réponse à « {key} » doit être un identifiant d'option (texte), pas « {doc.shown((*base, key), value)} »"
                + (" — mettez-la entre guillemets : YAML lit oui/non/yes/no comme des booléens"
                   if isinstance(value, bool) else ""))))
        else:
            answers[key] = str(value)
    if problems:
        raise InputError(at_most(problems, doc.loc(base)))
    return answers, doc, base


def resolve(tree: Tree, answers: dict[str, str], doc: Document, base: tuple[Any, ...] = ()) -> Navigation:
    """Replay ``answers`` from the root; every answer must be used and the path complete.

    Raises:
        InputError: unknown question or option, an answer off the path, or a missing answer —
            each with its position in ``doc``.
    """
    unknown = [qid for qid, oid in answers.items()
               if qid not in tree.questions or tree.questions[qid].option(oid) is None]
    if unknown:  # the messages (and their close matches) of the first ones only: there may be 10^5
        problems = [_unknown(tree, qid, answers[qid], doc, base) for qid in unknown[:MAX_REPORTED]]
        raise InputError(at_most(problems, doc.loc(base), len(unknown)))
    try:
        state, left = replay(tree, answers)
    except NavigationError as exc:  # pragma: no cover - options were checked above
        raise InputError(Problem(doc.loc(base), str(exc))) from None
    unused = list(left)
    trail = " → ".join(f"{s.question.id}={s.option.id}" for s in state.steps) or tree.root
    problems = [Problem(doc.loc((*base, qid), key=True), (
        f"la question « {qid} » n'est pas posée sur ce parcours ({trail}) : supprimez cette réponse "
        "ou corrigez une réponse précédente"), rule="off-path") for qid in unused[:MAX_REPORTED]]
    if not state.done and state.question is not None:
        q = state.question
        valid = ", ".join(o.id for o in q.options)
        problems.append(Problem(doc.loc(base), (
            f"réponse manquante pour la question « {q.id} » (« {q.text} ») : ajoutez « {q.id}: <option> » "
            f"(options : {valid})"), rule="missing-answer"))
    if problems:
        raise InputError(at_most(problems, doc.loc(base), len(problems) + len(unused[MAX_REPORTED:])))
    return state


def _unknown(tree: Tree, qid: str, oid: str, doc: Document, base: tuple[Any, ...]) -> Problem:
    """The problem of an answer whose question or option is not in ``tree``."""
    question: Question | None = tree.questions.get(qid)
    if question is None:
        kind = "est une issue, pas une question" if qid in tree.outcomes else "n'existe pas dans l'arbre"
        close = difflib.get_close_matches(qid, list(tree.questions), n=1)
        hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        return Problem(doc.loc((*base, qid), key=True), (
            f"la question « {shown(qid)} » {kind} (version {tree.version}){hint}"), rule="unknown-question")
    valid = ", ".join(o.id for o in question.options)
    return Problem(doc.loc((*base, qid)), (
        f"la question « {qid} » n'a pas d'option « {shown(oid)} » (options : {valid})"), rule="unknown-option")
