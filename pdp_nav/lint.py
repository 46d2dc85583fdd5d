"""Checks on a loaded tree beyond its structure: references, graph, paths, freshness."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Any

from .errors import Problem, Severity
from .loader import PLACEHOLDER, Sources
from .model import Confidence, Tree

STALE_AFTER = dt.timedelta(days=365)
"""A `checked` date older than this is a warning."""
MAX_PATHS = 200_000
"""Beyond this many paths, the per-path checks stop (and say so)."""
MAX_REPORTED_PATHS = 20


def lint(tree: Tree, sources: Sources, today: dt.date | None = None) -> list[Problem]:
    """Every problem of ``tree`` that JSON Schema cannot see, with its position."""
    today = today or dt.date.today()
    problems = _duplicates(tree, sources) + _references(tree, sources)
    graph_ok = not any(p.rule in ("dangling-root", "dangling-next") for p in problems)
    problems += _few_options(tree, sources)
    if graph_ok:
        cycles = _cycles(tree, sources)
        problems += cycles + _unreachable(tree, sources)
        if not cycles:
            problems += _paths(tree, sources)
    problems += _facts(tree, sources, today) + _overlays(tree, sources) + _plan_fields(tree, sources)
    return problems


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def _duplicates(tree: Tree, src: Sources) -> list[Problem]:
    problems = []
    for oid in tree.outcomes:
        if oid in tree.questions:
            line = src.loc("arbre", "questions", oid, key=True).line
            problems.append(Problem(src.loc("arbre", "outcomes", oid, key=True), (
                f"l'issue « {oid} » porte le même identifiant que la question « {oid} » (ligne {line}) : "
                "renommez l'une des deux"), rule="duplicate-id"))
    for qid, q in tree.questions.items():
        seen: dict[str, int] = {}
        for i, o in enumerate(q.options):
            if o.id in seen:
                line = src.loc("arbre", "questions", qid, "options", seen[o.id], "id").line
                problems.append(Problem(src.loc("arbre", "questions", qid, "options", i, "id"), (
                    f"l'option « {o.id} » apparaît deux fois dans la question « {qid} » (déjà ligne {line}) : "
                    "donnez-lui un autre identifiant"), rule="duplicate-id"))
            seen.setdefault(o.id, i)
    return problems


def _references(tree: Tree, src: Sources) -> list[Problem]:
    problems = []
    nodes = {**tree.questions, **tree.outcomes}
    if tree.root not in tree.questions:
        what = "est une issue, pas une question" if tree.root in tree.outcomes else "n'existe pas"
        problems.append(Problem(src.loc("arbre", "tree", "root"), (
            f"la racine « {tree.root} » {what}{_hint(tree.root, tree.questions)}"), rule="dangling-root"))
    for qid, q in tree.questions.items():
        for i, o in enumerate(q.options):
            if o.next not in nodes:
                problems.append(Problem(src.loc("arbre", "questions", qid, "options", i, "next"), (
                    f"l'option « {o.id} » renvoie vers le nœud « {o.next} » qui n'existe pas"
                    f"{_hint(o.next, nodes)}"), rule="dangling-next"))
    for oid, outcome in tree.outcomes.items():
        for i, did in enumerate(outcome.first):
            if did not in tree.dispositifs:
                problems.append(Problem(src.loc("arbre", "outcomes", oid, "first", i), (
                    f"l'issue « {oid} » cite le dispositif « {did} » qui n'existe pas dans le catalogue"
                    f"{_hint(did, tree.dispositifs)}"), rule="dangling-dispositif"))
    for did, d in tree.dispositifs.items():
        for i, cid in enumerate(d.contacts):
            if cid not in tree.contacts:
                problems.append(Problem(src.loc("catalogue", "dispositifs", did, "contacts", i), (
                    f"le dispositif « {did} » cite le contact « {cid} » qui n'existe pas dans contacts.yaml"
                    f"{_hint(cid, tree.contacts)}"), rule="dangling-contact"))
        for atom in d.when.atoms():
            problems += _atom_problems(tree, src, did, atom)
        for condition in (*(c for _, c in d.contact_when), *(case.condition for case in d.plan_spec().cases)):
            for atom in condition.atoms():
                problems += _atom_problems(tree, src, did, atom)
    return problems


def _plan_fields(tree: Tree, src: Sources) -> list[Problem]:
    """A dispositif without ``plan:`` still shows in the plan (category defaults), with a warning.

    Only in a catalogue that uses ``plan:``: one without any (a small test tree, an old catalogue)
    gets the category defaults silently.
    """
    if all(d.plan is None for d in tree.dispositifs.values()):
        return []
    return [Problem(src.loc("catalogue", "dispositifs", did, key=True), (
        f"le dispositif « {did} » n'a pas de bloc « plan: » : il est placé dans le plan d'action selon sa "
        f"catégorie (« {d.plan_spec().when} », priorité {d.plan_spec().priority}) ; ajoutez après « category: » "
        "un bloc « plan: {short: …, when: maintenant|reprise|ensuite, priority: N, key_fact: … } »"),
        Severity.WARNING, rule="plan-missing")
        for did, d in tree.dispositifs.items() if d.plan is None]


def _atom_problems(tree: Tree, src: Sources, did: str, atom: Any) -> list[Problem]:
    question = tree.questions.get(atom.node)
    if question is None:
        what = "est une issue, pas une question" if atom.node in tree.outcomes else "n'existe pas"
        return [Problem(src.loc("catalogue", *atom.path, key=True), (
            f"la condition du dispositif « {did} » cite la question « {atom.node} » qui {what}"
            f"{_hint(atom.node, tree.questions)}"), rule="dangling-condition")]
    problems = []
    valid = [o.id for o in question.options]
    for i, option in enumerate(atom.options):
        if option not in valid:
            path = (*atom.path, i) if len(atom.options) > 1 or _is_list(src, atom.path) else atom.path
            problems.append(Problem(src.loc("catalogue", *path), (
                f"la condition du dispositif « {did} » cite l'option « {option} », que la question "
                f"« {atom.node} » n'a pas (options : {', '.join(valid)})"), rule="dangling-condition"))
    return problems


def _is_list(src: Sources, path: tuple[Any, ...]) -> bool:
    data: Any = src.docs["catalogue"].data
    for key in path:
        data = data[key]
    return isinstance(data, list)


def _few_options(tree: Tree, src: Sources) -> list[Problem]:
    return [
        Problem(src.loc("arbre", "questions", qid, "options"), (
            f"la question « {qid} » a {len(q.options)} option(s) : il en faut au moins deux "
            "(sinon supprimez la question et reliez directement la suite)"), rule="too-few-options")
        for qid, q in tree.questions.items() if len(q.options) < 2
    ]


def _cycles(tree: Tree, src: Sources) -> list[Problem]:
    """Report each edge that closes a cycle, with the cycle spelled out (iterative DFS)."""
    problems = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in tree.questions:
        if start in state:
            continue
        path = [start]
        stack = [iter(enumerate(tree.questions[start].options))]
        state[start] = 1
        while stack:
            item = next(stack[-1], None)
            if item is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            i, option = item
            target = option.next
            if target not in tree.questions:
                continue
            if state.get(target) == 1:
                loop = " → ".join(path[path.index(target):] + [target])
                problems.append(Problem(src.loc("arbre", "questions", path[-1], "options", i, "next"), (
                    f"cycle : {loop} ; l'option « {option.id} » de « {path[-1]} » revient vers "
                    f"« {target} » : un parcours doit toujours avancer vers une issue"), rule="cycle"))
            elif target not in state:
                state[target] = 1
                path.append(target)
                stack.append(iter(enumerate(tree.questions[target].options)))
    return problems


def _unreachable(tree: Tree, src: Sources) -> list[Problem]:
    seen, todo = {tree.root}, [tree.root]
    while todo:
        q = tree.questions.get(todo.pop())
        for o in q.options if q else ():
            if o.next not in seen:
                seen.add(o.next)
                todo.append(o.next)
    problems = []
    for section, kind in (("questions", "la question"), ("outcomes", "l'issue")):
        for nid in getattr(tree, section):
            if nid not in seen:
                problems.append(Problem(src.loc("arbre", section, nid, key=True), (
                    f"{kind} « {nid} » n'est atteinte par aucun parcours depuis « {tree.root} » : "
                    "reliez-la à une option ou supprimez-la"), rule="unreachable"))
    return problems


def _paths(tree: Tree, src: Sources) -> list[Problem]:
    from .engine import iter_paths  # the engine depends on the model only

    problems, empty, reached = [], 0, set()
    count = 0
    for count, path in enumerate(iter_paths(tree), 1):
        if count > MAX_PATHS:
            problems.append(Problem(src.loc("arbre"), (
                f"plus de {MAX_PATHS} parcours : les vérifications par parcours se sont arrêtées là"),
                Severity.WARNING, rule="too-many-paths"))
            break
        answers = path.answers
        proposed = [did for did, d in tree.dispositifs.items() if d.when.matches(answers)]
        reached.update(proposed)
        if not proposed and not path.outcome.allow_empty:
            empty += 1
            if empty <= MAX_REPORTED_PATHS:
                q, o = path.steps[-1]
                i = q.options.index(o)
                trail = " → ".join(f"{q.id}={o.id}" for q, o in path.steps)
                problems.append(Problem(src.loc("arbre", "questions", q.id, "options", i, "next"), (
                    f"le parcours {trail} aboutit à l'issue « {path.outcome.id} » sans aucun dispositif : "
                    "élargissez une condition « when » du catalogue, ou écrivez « allow_empty: true » "
                    "dans l'issue si c'est voulu"), rule="empty-path"))
    if empty > MAX_REPORTED_PATHS:
        problems.append(Problem(src.loc("arbre"), (
            f"… et {empty - MAX_REPORTED_PATHS} autres parcours sans aucun dispositif"), rule="empty-path"))
    if count <= MAX_PATHS:
        for did in tree.dispositifs:
            if did not in reached:
                problems.append(Problem(src.loc("catalogue", "dispositifs", did, key=True), (
                    f"le dispositif « {did} » n'est proposé par aucun parcours : vérifiez sa condition "
                    "« when »"), Severity.WARNING, rule="unreached-dispositif"))
    return problems


def _facts(tree: Tree, src: Sources, today: dt.date) -> list[Problem]:
    problems = []
    for did, d in tree.dispositifs.items():
        where = src.loc("catalogue", "dispositifs", did, "checked")
        if d.checked > today:
            problems.append(Problem(where, (
                f"le dispositif « {did} » est daté du {d.checked.isoformat()}, dans le futur : "
                "indiquez la date réelle de vérification"), rule="future-check"))
        elif today - d.checked > STALE_AFTER:
            problems.append(Problem(where, (
                f"le dispositif « {did} » a été vérifié le {d.checked.isoformat()}, il y a plus de 12 mois : "
                "revérifiez ses règles et ses sources puis mettez « checked » à jour"),
                Severity.WARNING, rule="stale-check"))
        if d.confidence is not Confidence.HIGH and not d.to_confirm:
            problems.append(Problem(src.loc("catalogue", "dispositifs", did, "confidence"), (
                f"le dispositif « {did} » a une fiabilité « {d.confidence.value} » sans « to_confirm » : "
                "dites au médecin ce qui est à confirmer et auprès de qui"), rule="missing-to-confirm"))
    return problems


def _overlays(tree: Tree, src: Sources) -> list[Problem]:
    problems = []
    for dep, doc in src.overlays.items():
        if dep in src.invalid_overlays:
            continue  # the schema check has said what is wrong
        data = doc.data
        for cid, contact in data["contacts"].items():
            if cid not in tree.contacts:
                for key in ("name", "description"):
                    if key not in contact:
                        problems.append(Problem(doc.loc(("contacts", cid), key=True), (
                            f"le contact local « {cid} » n'existe pas au niveau national : "
                            f"donnez-lui « {key} »"), rule="overlay-contact"))
            for i, did in enumerate(contact.get("dispositifs", ())):
                if did not in tree.dispositifs:
                    problems.append(Problem(doc.loc(("contacts", cid, "dispositifs", i)), (
                        f"le contact local « {cid} » est rattaché au dispositif « {did} » qui n'existe pas"
                        f"{_hint(did, tree.dispositifs)}"), rule="dangling-dispositif"))
        problems += [
            Problem(doc.loc(path), f"à compléter par l'équipe locale : {_field_name(data, path)}",
                    Severity.WARNING, rule="to-complete")
            for path in placeholders(data)
        ]
    for did, d in tree.dispositifs.items():  # a local dispositif needs the overlay of its département
        for i, dep in enumerate(d.departements):
            if dep not in src.overlays:
                problems.append(Problem(src.loc("catalogue", "dispositifs", did, "departements", i), (
                    f"le dispositif local « {did} » est réservé au département {dep}, qui n'a pas de "
                    f"surcouche departements/{dep}.yaml : il ne sera jamais proposé ; ajoutez la surcouche "
                    "ou corrigez « departements »"), Severity.WARNING, rule="local-without-overlay"))
    return problems


def placeholders(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every text value that contains « À COMPLÉTER »."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in placeholders(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in placeholders(v, (*path, i))]
    if isinstance(data, str) and _norm(PLACEHOLDER) in _norm(data):
        return [path]
    return []


def _norm(text: str) -> str:
    return text.upper().replace("É", "E").replace("À", "A")


def _field_name(data: Any, path: tuple[Any, ...]) -> str:
    """« contact cap-emploi, telephone » for a placeholder's path."""
    parts = [f"contact « {path[1]} »"] if len(path) > 1 and path[0] == "contacts" else []
    if "channels" in path:
        channel = data
        for key in path[: path.index("channels") + 2]:
            channel = channel[key]
        parts.append(f"canal {channel.get('kind', '?')}")
    else:
        parts.append(str(path[-1]))
    return ", ".join(parts)
