"""Checks on a loaded tree beyond its structure: references, graph, paths, freshness."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from ..core.departements import code
from ..core.engine import place_mask, walk_fits
from ..core.model import Confidence, Tree
from ..errors import Problem, Severity
from .files import Sources, is_placeholder

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
    problems += (_facts(tree, sources, today) + _overlays(tree, sources, today) + _source_domains(sources)
                 + _plan_fields(tree, sources))
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
        problems += _labels(q, src)
        seen: dict[str, int] = {}
        for i, o in enumerate(q.options):
            if o.id in seen:
                line = src.loc("arbre", "questions", qid, "options", seen[o.id], "id").line
                problems.append(Problem(src.loc("arbre", "questions", qid, "options", i, "id"), (
                    f"l'option « {o.id} » apparaît deux fois dans la question « {qid} » (déjà ligne {line}) : "
                    "donnez-lui un autre identifiant"), rule="duplicate-id"))
            seen.setdefault(o.id, i)
    return problems


def _labels(question: Any, src: Sources) -> list[Problem]:
    """Blank (or invisible) option labels, and two options of a question that read the same."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, o in enumerate(question.options):
        label = o.label
        if not label.isprintable():  # only then can it hold format or control characters (Cf, Cc)
            label = "".join(c for c in label if unicodedata.category(c) not in ("Cf", "Cc"))
        visible = " ".join(label.split()).casefold()
        if visible and visible not in seen:
            seen[visible] = i
            continue
        where = src.loc("arbre", "questions", question.id, "options", i, "label")
        if not visible:
            problems.append(Problem(where, (
                f"l'option « {o.id} » de la question « {question.id} » a un libellé vide ou invisible : "
                "écrivez le texte de la réponse"), rule="blank-label"))
        elif visible in seen:
            first = question.options[seen[visible]]
            line = src.loc("arbre", "questions", question.id, "options", seen[visible], "label").line
            problems.append(Problem(where, (
                f"l'option « {o.id} » a le même libellé que l'option « {first.id} » (ligne {line}) dans la "
                f"question « {question.id} » : deux réponses doivent se distinguer"), rule="duplicate-label"))
        seen.setdefault(visible, i)
    return problems


def _references(tree: Tree, src: Sources) -> list[Problem]:
    problems = []
    nodes = {**tree.questions, **tree.outcomes}
    if tree.root not in tree.questions:
        what = "est une issue, pas une question" if tree.root in tree.outcomes else "n'existe pas"
        problems.append(Problem(src.loc("arbre", "tree", "root"), (
            f"la racine « {tree.root} » {what}{_hint(tree.root, tree.questions)}"), rule="dangling-root"))
    # (where, who cites, the id cited, the ids that exist, where they are, rule)
    cited: list[tuple[tuple[Any, ...], str, str, Mapping[str, Any], str, str]] = [
        *((("arbre", "questions", qid, "options", i, "next"), f"l'option « {o.id} » renvoie vers le nœud",
           o.next, nodes, "", "dangling-next") for qid, q in tree.questions.items() for i, o in enumerate(q.options)),
        *((("arbre", "outcomes", oid, "first", i), f"l'issue « {oid} » cite le dispositif", did, tree.dispositifs,
           " dans le catalogue", "dangling-dispositif")
          for oid, outcome in tree.outcomes.items() for i, did in enumerate(outcome.first)),
        *((("catalogue", "dispositifs", did, "contacts", i), f"le dispositif « {did} » cite le contact", cid,
           tree.contacts, " dans contacts.yaml", "dangling-contact")
          for did, d in tree.dispositifs.items() for i, cid in enumerate(d.contacts)),
    ]
    problems += [Problem(src.loc(*where), f"{who} « {target} » qui n'existe pas{place}{_hint(target, known)}",
                         rule=rule) for where, who, target, known, place, rule in cited if target not in known]
    for did, d in tree.dispositifs.items():
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
    """Paths that end with no dispositif, without a département or in one that has an overlay."""
    places = ["", *sorted(src.overlays)]  # "": no département chosen (national dispositifs only)
    masks = [place_mask(tree, dep) for dep in places]
    anywhere = 0
    for m in masks:
        anywhere |= m
    problems, empty, reached = [], 0, 0
    count = 0
    lacking_for: dict[int, list[str]] = {}  # paths share their bits: 100,000 paths, 5,000 masks
    # fit: the one eligibility rule (fit_mask), as bits
    for count, (steps, _, outcome, fit) in enumerate(walk_fits(tree), 1):
        if count > MAX_PATHS:
            problems.append(Problem(src.loc("arbre"), (
                f"plus de {MAX_PATHS} parcours : les vérifications par parcours se sont arrêtées là"),
                Severity.WARNING, rule="too-many-paths"))
            break
        reached |= fit & anywhere
        lacking = lacking_for.get(fit)
        if lacking is None:
            lacking = lacking_for[fit] = [dep for dep, m in zip(places, masks, strict=True) if not fit & m]
        if lacking and not outcome.allow_empty:
            empty += 1
            if empty <= MAX_REPORTED_PATHS:
                q, o = steps[-1]
                trail = " → ".join(f"{q.id}={o.id}" for q, o in steps)
                problems.append(Problem(src.loc("arbre", "questions", q.id, "options", q.options.index(o), "next"), (
                    f"le parcours {trail} aboutit à l'issue « {outcome.id} » sans aucun dispositif"
                    f"{_places(lacking) if len(lacking) < len(places) else ''} : élargissez une condition "
                    "« when » du catalogue, ou écrivez « allow_empty: true » dans l'issue si c'est voulu"),
                    rule="empty-path"))
    if empty > MAX_REPORTED_PATHS:
        problems.append(Problem(src.loc("arbre"), (
            f"… et {empty - MAX_REPORTED_PATHS} autres parcours sans aucun dispositif"), rule="empty-path"))
    if count <= MAX_PATHS:
        for i, (did, d) in enumerate(tree.dispositifs.items()):
            unusable = d.departements and not set(d.departements) & set(src.overlays)  # said by _overlays
            if not reached >> i & 1 and not unusable:
                problems.append(Problem(src.loc("catalogue", "dispositifs", did, key=True), (
                    f"le dispositif « {did} » n'est proposé par aucun parcours : vérifiez sa condition "
                    "« when »"), Severity.WARNING, rule="unreached-dispositif"))
    return problems


def _places(departements: list[str]) -> str:
    """« sans département choisi » and/or « dans le(s) département(s) 22, 29 »."""
    named = [d for d in departements if d]
    parts = ["sans département choisi"] if "" in departements else []
    if named:
        parts.append(f"dans le{'s' if len(named) > 1 else ''} département{'s' if len(named) > 1 else ''} "
                     + ", ".join(named))
    return " (" + " ni ".join(parts) + ")"


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


_DOMAIN = re.compile(r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\w-])")
"""A lower-case host name written in a source (``ameli.fr``, ``www.legifrance.gouv.fr``)."""


def _source_domains(src: Sources) -> list[Problem]:
    """Warn on a source whose web domain is not in the catalogue's ``source_domains`` list (issue #15).

    A listed domain also accepts its subdomains (``gouv.fr`` accepts ``travail-emploi.gouv.fr``).
    Without a ``source_domains`` list, every domain is accepted.
    """
    data = src.docs["catalogue"].data
    accepted = [d.lower().removeprefix("www.") for d in data.get("source_domains") or ()]
    if not accepted:
        return []
    problems = []
    for did, d in data["dispositifs"].items():
        for i, source in enumerate(d["sources"]):
            text = " ".join(source.values()) if isinstance(source, dict) else source
            for host in dict.fromkeys(m.removeprefix("www.") for m in _DOMAIN.findall(text)):
                if not any(host == a or host.endswith("." + a) for a in accepted):
                    problems.append(Problem(src.loc("catalogue", "dispositifs", did, "sources", i), (
                        f"le dispositif « {did} » cite une source hors des domaines acceptés : « {host} » ; "
                        "remplacez-la par une source officielle, ou ajoutez son domaine à « source_domains » "
                        "s'il est officiel"), Severity.WARNING, rule="unofficial-source"))
    return problems


def _overlays(tree: Tree, src: Sources, today: dt.date) -> list[Problem]:
    contacts = src.docs.get("contacts")
    problems = _contact_dates(contacts, today, required=False) if contacts else []
    for dep, doc in src.overlays.items():
        if dep not in src.invalid_overlays:  # otherwise the schema check has said what is wrong
            problems += overlay_problems(tree, doc, today)
    for did, d in tree.dispositifs.items():  # a local dispositif needs the overlay of its département
        for i, dep in enumerate(d.departements):
            if dep not in src.overlays:
                problems.append(Problem(src.loc("catalogue", "dispositifs", did, "departements", i), (
                    f"le dispositif local « {did} » est réservé au département {dep}, qui n'a pas de "
                    f"surcouche departements/{dep}.yaml : il ne sera jamais proposé ; ajoutez la surcouche "
                    "ou corrigez « departements »"), Severity.WARNING, rule="local-without-overlay"))
    return problems


def overlay_problems(tree: Tree, doc: Any, today: dt.date) -> list[Problem]:
    """What is wrong or still to fill in one schema-valid overlay (``departement verifier``)."""
    problems = []
    data = doc.data
    if code(data["departement"]) != data["departement"]:
        problems.append(Problem(doc.loc(("departement",)), (
            f"département « {data['departement']} » inconnu : écrivez un code de 01 à 95, 2A, 2B ou de 971 à 976, "
            "et nommez le fichier de la même façon (ex. departement: \"56\" dans 56.yaml)"), rule="bad-departement"))
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
    return problems + _contact_dates(doc, today)


def _contact_dates(doc: Any, today: dt.date, required: bool = True) -> list[Problem]:
    """A contact's ``checked`` date is not more than 12 months old; ``required``: a local contact
    with filled channels must have one."""
    problems = []
    for cid, contact in doc.data["contacts"].items():
        filled = any(not is_placeholder(ch["value"]) for ch in contact.get("channels", ()))
        checked = contact.get("checked")
        if checked is None:
            if filled and required:
                problems.append(Problem(doc.loc(("contacts", cid), key=True), (
                    f"le contact « {cid} » n'a pas de date de vérification : ajoutez « checked: AAAA-MM-JJ », "
                    "le jour où ses coordonnées ont été vérifiées"), Severity.WARNING, rule="unchecked-contact"))
            continue
        if is_placeholder(str(checked)):
            continue  # listed with the other fields to fill
        date = checked if isinstance(checked, dt.date) else dt.date.fromisoformat(str(checked))
        if today - date > STALE_AFTER:
            problems.append(Problem(doc.loc(("contacts", cid, "checked")), (
                f"les coordonnées du contact « {cid} » ont été vérifiées le {date.isoformat()}, il y a plus "
                "de 12 mois : revérifiez-les auprès de leur source puis mettez « checked » à jour"),
                Severity.WARNING, rule="stale-contact"))
    return problems


def placeholders(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every text value that contains « À COMPLÉTER »."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in placeholders(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in placeholders(v, (*path, i))]
    if isinstance(data, str) and is_placeholder(data):
        return [path]
    return []


FIELD_NAMES = {"name": "nom", "description": "description", "checked": "date de vérification (checked)",
               "sources": "sources", "note": "note"}


def _field_name(data: Any, path: tuple[Any, ...]) -> str:
    """« contact cap-emploi, canal telephone » for a placeholder's path."""
    parts = [f"contact « {path[1]} »"] if len(path) > 1 and path[0] == "contacts" else []
    if "channels" in path:
        channel = data
        for key in path[: path.index("channels") + 2]:
            channel = channel[key]
        parts.append(f"canal {channel.get('kind', '?')}")
    else:
        key = next((k for k in reversed(path) if isinstance(k, str)), "")
        parts.append(FIELD_NAMES.get(key, key))
    return ", ".join(parts)
