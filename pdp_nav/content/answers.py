"""Answers files (question id -> option id) and their strict replay on a tree."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from ..core.engine import Navigation, NavigationError, Result, replay, step_table
from ..core.model import Question, Tree
from ..errors import MAX_REPORTED, InputError, Problem, Severity, at_most, shown
from .document import Document
from .yamlio import read_yaml

MAX_BYTES = 1024 * 1024
"""Largest answers file: a path of a few dozen questions takes a few hundred bytes (issue #11)."""

RESULT_KIND = "pdp-nav-result"
"""The ``kind`` of a summary saved as ``.json`` by the navigator: its answers can be replayed."""
EXPECTED = ("indiquez un fichier de réponses « question: option », un scénario, ou un résumé .json "
            "enregistré par le navigateur")
KINDS = {"pdp-nav-validation": "un rapport de validation", "pdp-nav-catalogue": "un export du catalogue",
         "pdp-nav-paths": "un export des parcours", "pdp-nav-scenario-check": "un rapport de scenario check",
         "pdp-nav-diff": "une comparaison d'arbres"}


def read_answers(path: Path) -> tuple[dict[str, str], Document, tuple[Any, ...]]:
    """Read an answers file: a mapping, or a scenario whose ``answers:`` holds the mapping.

    Returns:
        The answers, the document (for positions) and the path of the mapping inside it.

    Raises:
        InputError: not readable, or not a mapping of texts. A pipe (``-a /dev/stdin``) is
            read, up to :data:`MAX_BYTES` like a file.
    """
    doc = read_yaml(path, MAX_BYTES, streams=True)  # JSON is YAML: a saved summary reads the same way
    data = doc.data
    base: tuple[Any, ...] = ()
    if isinstance(data, dict) and "kind" in data:
        data = _summary_answers(doc)
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data, base = data["answers"], ("answers",)
    if data is None:
        raise InputError(Problem(doc.loc(), (
            "fichier de réponses vide : écrivez une ligne « question: option » par question")))
    if not isinstance(data, dict):
        raise InputError(Problem(doc.loc(base), (
            "un fichier de réponses est un dictionnaire « question: option » (ou un scénario avec « answers: »)")))
    nested = next((k for k, v in data.items() if isinstance(v, (dict, list))), None)
    if nested is not None and "format_version" in data:  # a tree or other pdp-nav file, not answers
        raise InputError(Problem(doc.loc((*base, nested)), (
            f"ce fichier n'est pas un fichier de réponses (« {shown(nested, 40)} » contient une liste ou un "
            f"dictionnaire) : {EXPECTED}")))
    problems = list(doc.problems)
    answers: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            problems.append(Problem(doc.loc((*base, key)), (
                f"la réponse à « {key} » doit être un identifiant d'option (texte), "
                f"pas « {doc.shown((*base, key), value)} »"
                + (" — mettez-la entre guillemets : YAML lit oui/non/yes/no comme des booléens"
                   if isinstance(value, bool) else ""))))
        else:
            answers[key] = str(value)
    if problems:
        raise InputError(at_most(problems, doc.loc(base)))
    return answers, doc, base


def _summary_answers(doc: Document) -> dict[str, Any]:
    """The answers of a saved summary as ``{"answers": {question: option}}``; any other ``kind`` is refused.

    The positions of each answer are recorded under ``("answers", question)``, so that the
    messages of :func:`resolve` point into the summary's list.
    """
    kind, items = doc.data.get("kind"), doc.data.get("answers")
    if kind != RESULT_KIND or not isinstance(items, list):
        what = KINDS.get(kind, f"un fichier « {shown(kind, 40)} »") if isinstance(kind, str) else "un fichier"
        raise InputError(Problem(doc.loc(("kind",)), f"c'est {what}, pas un fichier de réponses : {EXPECTED}"))
    answers = {}
    for i, item in enumerate(items):
        if not (isinstance(item, dict) and isinstance(item.get("question"), str)
                and isinstance(item.get("answer"), str)):
            raise InputError(Problem(doc.loc(("answers", i)), (
                "résumé modifié ou abîmé : chaque réponse y est {\"question\": …, \"answer\": …} ; "
                "enregistrez de nouveau le résumé depuis le navigateur")))
        answers[item["question"]] = item["answer"]
        for marks, field in ((doc.marks, "answer"), (doc.key_marks, "question")):
            loc = doc.loc(("answers", i, field))
            marks[("answers", item["question"])] = (loc.line, loc.column)
    return {"answers": answers}


def resolve(tree: Tree, answers: dict[str, str], doc: Document, base: tuple[Any, ...] = ()) -> Navigation:
    """Replay ``answers`` from the root; every answer must be used and the path complete.

    Raises:
        InputError: unknown question or option, an answer off the path, or a missing answer —
            each with its position in ``doc``.
    """
    table = step_table(tree)
    unknown = [qid for qid, oid in answers.items() if oid not in table.get(qid, ())]
    if unknown:  # the messages (and their close matches) of the first ones only: there may be 10^5
        problems = [_unknown(tree, qid, answers[qid], doc, base) for qid in unknown[:MAX_REPORTED]]
        raise InputError(at_most(problems, doc.loc(base), len(unknown)))
    try:
        state, left = replay(tree, answers)
    except NavigationError as exc:  # pragma: no cover - options were checked above
        raise InputError(Problem(doc.loc(base), str(exc))) from None
    unused = list(left)
    trail = (" → ".join(f"{s.question.id}={s.option.id}" for s in state.steps) or tree.root) if unused else ""
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


def replay_file(tree: Tree, path: Path) -> tuple[Navigation, list[str]]:
    """Read answers (a file of answers, a scenario or a saved summary) and replay them on ``tree``.

    Returns:
        The final state, and French lines saying what ``tree`` proposes differently when the
        summary was saved with another version of it (empty otherwise).

    Raises:
        InputError: see :func:`read_answers` and :func:`resolve`; when the summary came from
            another version of the tree, a last line says so.
    """
    given, doc, base = read_answers(path)
    saved = _saved_version(doc)
    try:
        state = resolve(tree, given, doc, base)
    except InputError as exc:
        if saved and saved != tree.version:
            raise InputError([*exc.problems, Problem(doc.loc(("tree", "version")), (
                f"résumé enregistré avec la version {saved} de l'arbre, version actuelle {tree.version} : "
                "reprenez le cas en répondant de nouveau (pdp-nav navigate)"), Severity.WARNING)]) from None
        raise
    return state, version_notes(doc, state.result())


def _saved_version(doc: Document) -> str:
    """The tree version a saved summary was made with ('' for other files)."""
    data = doc.data
    tree = data.get("tree") if isinstance(data, dict) and data.get("kind") == RESULT_KIND else None
    version = tree.get("version") if isinstance(tree, dict) else None
    return shown(version, 40) if isinstance(version, str) else ""


def version_notes(doc: Document, result: Result) -> list[str]:
    """What ``result`` proposes differently from a summary saved with another tree version ([] if same)."""
    saved = _saved_version(doc)
    if not saved or saved == result.tree.version:
        return []
    before = {d["id"]: d.get("name") for d in doc.data.get("dispositifs") or [] if isinstance(d, dict) and "id" in d}
    added = [f"  + {p.dispositif.name} (ajouté)" for p in result.proposals if p.dispositif.id not in before]
    removed = [f"  − {shown(name if isinstance(name, str) else did)} (retiré)"
               for did, name in before.items() if did not in result.dispositif_ids]
    lines = [f"Résumé enregistré avec la version {saved} de l'arbre ; version actuelle {result.tree.version}."]
    if not added and not removed:
        return [*lines, "La nouvelle version propose les mêmes dispositifs."]
    return [*lines, "Ce que la nouvelle version propose autrement :", *added, *removed]


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
