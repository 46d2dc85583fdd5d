"""What changed between two versions of a tree, in terms a reviewer understands.

:func:`diff_trees` compares the content (questions and their options, outcomes,
dispositifs field by field, contacts) and the results of every path, keyed by its
answers. The result is plain data in the ``pdp-nav-diff`` layout; :mod:`.diff_text`
writes it in French for a reviewer.
"""

from __future__ import annotations

from typing import Any

from ..core.engine import available_here, iter_paths, proposed_ids, walk
from ..core.legal import label
from ..core.model import Dispositif, Outcome, Tree
from ..views.summary import tree_dict
from .catalogue import condition_data

FORMAT_VERSION = 2
"""Layout of ``pdp-nav-diff``; 2 added ``effects`` (issue #16)."""

MAX_PATHS = 200_000
"""Beyond this many paths in the old tree, the comparison of results stops (and says so)."""

Key = tuple[tuple[str, str], ...]


def _question(tree: Tree, qid: str) -> dict[str, Any]:
    q = tree.questions[qid]
    return {"text": q.text, "help": q.help}


def _option_records(tree: Tree, qid: str) -> dict[str, dict[str, Any]]:
    return {o.id: {"label": o.label, "help": o.help, "next": o.next} for o in tree.questions[qid].options}


def _outcomes(tree: Tree) -> dict[str, dict[str, Any]]:
    return {oid: {"title": o.title, "text": o.text, "first": list(o.first), "allow_empty": o.allow_empty}
            for oid, o in tree.outcomes.items()}


def _contacts_data(d: Dispositif) -> list[Any]:
    """The contacts as written in the catalogue: an id, or ``{id, when}``."""
    only = dict(d.contact_when)
    return [{"id": cid, "when": condition_data(only[cid])} if cid in only else cid for cid in d.contacts]


def _dispositifs(tree: Tree) -> dict[str, dict[str, Any]]:
    return {did: {"name": d.name, "category": d.category, "summary": d.summary, "for_whom": d.for_whom,
                  "conditions": d.conditions, "decides": d.decides, "next_step": d.next_step,
                  "contacts": _contacts_data(d), "legal": [label(r) for r in d.legal],
                  "sources": [{"title": s.title, "url": s.url} for s in d.sources],
                  "checked": d.checked.isoformat(), "confidence": d.confidence.value,
                  "to_confirm": d.to_confirm or None, "when": condition_data(d.when),
                  "departements": list(d.departements)}
            for did, d in tree.dispositifs.items()}


def _contacts(tree: Tree) -> dict[str, dict[str, Any]]:
    return {cid: {"name": c.name, "description": c.description, "scope": c.scope,
                  "channels": [{"kind": ch.kind, "value": ch.value, "note": ch.note} for ch in c.channels]}
            for cid, c in tree.contacts.items()}


def _fields(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields whose value differs, in the record's order."""
    return [{"field": k, "before": before.get(k), "after": after.get(k)}
            for k in dict.fromkeys([*after, *before]) if before.get(k) != after.get(k)]


def _section(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], title: str) -> dict[str, Any]:
    """Added, removed and changed records; each names itself by ``title`` (text, name…)."""
    return {
        "added": [{"id": k, title: v[title]} for k, v in new.items() if k not in old],
        "removed": [{"id": k, title: v[title]} for k, v in old.items() if k not in new],
        "changed": [{"id": k, title: v[title], "fields": f} for k, v in new.items()
                    if k in old and (f := _fields(old[k], v))],
    }


def _questions(old: Tree, new: Tree) -> dict[str, Any]:
    section = _section({q: _question(old, q) for q in old.questions},
                       {q: _question(new, q) for q in new.questions}, "text")
    section["changed"] = []
    for qid in new.questions:
        if qid not in old.questions:
            continue
        fields = _fields(_question(old, qid), _question(new, qid))
        before, after = _option_records(old, qid), _option_records(new, qid)
        options = _section(before, after, "label")
        for o in options["added"]:
            o["next"] = after[o["id"]]["next"]
        common = [o for o in after if o in before]
        if [o for o in before if o in after] != common:
            fields.append({"field": "options_order", "before": list(before), "after": list(after)})
        if fields or any(options.values()):
            section["changed"].append({"id": qid, "text": new.questions[qid].text, "fields": fields,
                                       "options": options})
    return section


def _result(tree: Tree, answers: dict[str, str], outcome: Outcome) -> dict[str, Any]:
    """A path's result: the engine memoises it on which dispositifs fit, so the few distinct
    sets of a diff of thousands of changed paths are each ordered once (:func:`proposed_ids`)."""
    return {"outcome": outcome.id, "dispositifs": list(proposed_ids(tree, answers, outcome))}


def _suspects(old: Tree, new: Tree) -> tuple[str, ...] | None:
    """The dispositifs whose eligibility may differ between the versions, or None when all may.

    A dispositif whose condition and départements are the same in both fits the same common
    paths, so a path's result can only change through these, its outcome or that outcome's
    order: the diff evaluates a path fully only then (issue #16: two versions of the shipped
    tree in under 2 s).
    """
    common = [did for did in old.dispositifs if did in new.dispositifs]
    if common != [did for did in new.dispositifs if did in old.dispositifs]:
        return None  # the catalogue order changed: every result may be in another order
    return tuple(did for did in dict.fromkeys([*old.dispositifs, *new.dispositifs])
                 if did not in common or old.dispositifs[did].departements != new.dispositifs[did].departements
                 or condition_data(old.dispositifs[did].when) != condition_data(new.dispositifs[did].when))


def _fits(tree: Tree, did: str, answers: dict[str, str]) -> bool:
    d = tree.dispositifs.get(did)
    return d is not None and available_here(tree, d) and d.when.matches(answers)


def _may_differ(old: Tree, new: Tree, answers: dict[str, str], before: Outcome, after: Outcome,
                suspects: tuple[str, ...] | None) -> bool:
    if suspects is None or before.id != after.id or before.first != after.first:
        return True
    return any(_fits(old, did, answers) != _fits(new, did, answers) for did in suspects)


def _paths(old: Tree, new: Tree) -> dict[str, Any]:
    """Paths (keyed by their answers) whose result changed, that appeared or that disappeared."""
    suspects = _suspects(old, new)
    if _same_questions(old, new):
        return _aligned_paths(old, new, suspects)
    before: dict[Key, tuple[dict[str, str], Outcome]] = {}
    complete = True
    for n, path in enumerate(iter_paths(old), 1):
        if n > MAX_PATHS:
            complete = False
            break
        answers = path.answers
        before[tuple(sorted(answers.items()))] = (answers, path.outcome)
    changed, added, same, seen = [], [], 0, set()
    for n, path in enumerate(iter_paths(new), 1):
        if not complete and n > MAX_PATHS:
            break
        answers = path.answers
        key = tuple(sorted(answers.items()))
        seen.add(key)
        if key not in before:
            if complete:
                added.append({"answers": answers, "after": _result(new, answers, path.outcome)})
            continue
        outcome = before[key][1]
        if _may_differ(old, new, answers, outcome, path.outcome, suspects):
            results = _result(old, answers, outcome), _result(new, answers, path.outcome)
            if results[0] != results[1]:
                changed.append({"answers": answers, "before": results[0], "after": results[1]})
                continue
        same += 1
    removed = [{"answers": answers, "before": _result(old, answers, outcome)}
               for key, (answers, outcome) in before.items() if key not in seen] if complete else []
    return {"complete": complete, "changed": changed, "added": added, "removed": removed, "unchanged": same}


def _same_questions(old: Tree, new: Tree) -> bool:
    """Whether both versions have the same questions, options and links: then they have the same
    paths, in the same order (the usual review: a rule, a text or a source edited)."""
    def shape(tree: Tree) -> dict[str, tuple[tuple[str, str], ...]]:
        return {qid: tuple((o.id, o.next) for o in q.options) for qid, q in tree.questions.items()}

    return old.root == new.root and old.root in old.questions and shape(old) == shape(new)


def _aligned_paths(old: Tree, new: Tree, suspects: tuple[str, ...] | None) -> dict[str, Any]:
    """:func:`_paths` for two versions with the same questions: both walks go in step, no path is
    new or gone, and whether a path may differ depends only on its outcome and on the answers to
    the questions the suspects' conditions read, so it is decided once for each of these."""
    nodes = tuple(sorted({atom.node for tree in (old, new) for did in suspects or ()
                          if did in tree.dispositifs for atom in tree.dispositifs[did].when.atoms()}))
    verdicts: dict[tuple[str | None, ...], bool] = {}
    changed: list[dict[str, Any]] = []
    same, complete = 0, True
    for n, ((_, answers, before), (steps, _, after)) in enumerate(zip(walk(old), walk(new), strict=True), 1):
        if n > MAX_PATHS:
            complete = False
            break
        if suspects is None:
            differs = True
        else:
            key = (after.id, *map(answers.get, nodes))
            known = verdicts.get(key)
            if known is None:
                known = verdicts[key] = _may_differ(old, new, answers, before, after, suspects)
            differs = known
        if differs:
            path_answers = {q.id: o.id for q, o in steps}
            results = _result(old, path_answers, before), _result(new, path_answers, after)
            if results[0] != results[1]:
                changed.append({"answers": path_answers, "before": results[0], "after": results[1]})
                continue
        same += 1
    return {"complete": complete, "changed": changed, "added": [], "removed": [], "unchanged": same}


def _effects(paths: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """For each dispositif, how many paths gain or lose it, new or gone paths proposing it, and one example.

    The example is a path that gains or loses it when there is one, else a new or gone path.
    """
    effects: dict[str, dict[str, Any]] = {}

    def note(did: str, key: str, answers: dict[str, str]) -> None:
        e = effects.setdefault(did, {"gained": 0, "lost": 0, "new_paths": 0, "gone_paths": 0, "example": None})
        e[key] += 1
        e["example"] = e["example"] or answers

    for p in paths["changed"]:
        before, after = p["before"]["dispositifs"], p["after"]["dispositifs"]
        for did in after:
            if did not in before:
                note(did, "gained", p["answers"])
        for did in before:
            if did not in after:
                note(did, "lost", p["answers"])
    for key, side, count in (("added", "after", "new_paths"), ("removed", "before", "gone_paths")):
        for p in paths[key]:
            for did in p[side]["dispositifs"]:
                note(did, count, p["answers"])
    return effects


def diff_trees(old: Tree, new: Tree) -> dict[str, Any]:
    """Every difference between ``old`` and ``new`` (layout ``pdp-nav-diff``, ``format_version`` 2)."""
    meta = _fields({"id": old.id, "version": old.version, "title": old.title, "root": old.root},
                   {"id": new.id, "version": new.version, "title": new.title, "root": new.root})
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "kind": "pdp-nav-diff",
        "old": tree_dict(old),
        "new": tree_dict(new),
        "tree": meta,
        "questions": _questions(old, new),
        "outcomes": _section(_outcomes(old), _outcomes(new), "title"),
        "dispositifs": _section(_dispositifs(old), _dispositifs(new), "name"),
        "contacts": _section(_contacts(old), _contacts(new), "name"),
        "paths": _paths(old, new),
    }
    data["effects"] = _effects(data["paths"])
    content = sum(len(data[s][k]) for s in ("questions", "outcomes", "dispositifs", "contacts")
                  for k in ("added", "removed", "changed")) + len(meta)
    paths = data["paths"]
    data["identical"] = content == 0 and not (paths["changed"] or paths["added"] or paths["removed"])
    return data
