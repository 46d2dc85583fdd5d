"""A tree diff (:func:`pdp_nav.export.diff.diff_trees`) written in French for a reviewer."""

from __future__ import annotations

from typing import Any

from ..core.conditions import parse_condition
from ..core.model import Tree
from ..system.textsafe import printable
from ..views.summary import channel_text, label_of
from .catalogue import condition_text
from .diff import MAX_PATHS

FIELDS = {
    "id": "identifiant", "version": "version", "title": "titre", "root": "première question",
    "text": "texte", "help": "aide", "label": "libellé", "next": "mène à", "options_order": "ordre des options",
    "first": "dispositifs en tête", "allow_empty": "issue sans dispositif permise",
    "name": "nom", "category": "catégorie", "summary": "résumé", "for_whom": "pour qui",
    "conditions": "durée et conditions", "decides": "qui décide", "next_step": "prochaine étape",
    "contacts": "contacts", "legal": "base légale", "sources": "sources", "checked": "vérifié le",
    "confidence": "fiabilité", "to_confirm": "à confirmer", "when": "condition d'éligibilité",
    "description": "description", "scope": "portée", "channels": "moyens de contact",
    "departements": "départements (dispositif local)",
}
CONFIDENCE = {"high": "élevée", "medium": "moyenne", "low": "faible"}


def _value(tree: Tree, field: str, value: Any) -> str:
    """A field value as a reviewer reads it."""
    if value is None or value == "" or value == []:
        return "(vide)"
    if field == "when":
        return condition_text(tree, parse_condition(value))
    if field == "checked":
        year, month, day = str(value).split("-")
        return f"{day}/{month}/{year}"
    if field == "confidence":
        return CONFIDENCE.get(value, value)
    if field == "allow_empty":
        return "oui" if value else "non"
    if field == "sources":
        return " ; ".join(s["title"] + (f" <{s['url']}>" if s["url"] else "") for s in value)
    if field == "channels":
        return " ; ".join(channel_text(c["kind"], c["value"], c["note"]) for c in value)
    if isinstance(value, list):
        return " ; ".join(map(str, value))
    return str(value)


def _change(old: Tree, new: Tree, f: dict[str, Any]) -> str:
    """« before » → « after », each read in its own tree."""
    return f"« {_value(old, f['field'], f['before'])} » → « {_value(new, f['field'], f['after'])} »"


def _field_lines(old: Tree, new: Tree, fields: list[dict[str, Any]], indent: str) -> list[str]:
    """One line per field, or « avant »/« après » lines when the values are long or conditions."""
    lines = []
    for f in fields:
        name = FIELDS.get(f["field"], f["field"])
        before, after = _value(old, f["field"], f["before"]), _value(new, f["field"], f["after"])
        if f["field"] == "when" or len(before) + len(after) > 70:
            lines += [f"{indent}{name} :", f"{indent}  avant : {before}", f"{indent}  après : {after}"]
        else:
            lines.append(f"{indent}{name} : « {before} » → « {after} »")
    return lines


def _section(title: str, data: dict[str, Any], name: str, noun: tuple[str, str, str],
             old: Tree, new: Tree, effects: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Lines for one kind of element; ``noun``: French participles (added, removed, changed).

    With ``effects`` (dispositifs), each one is followed by what it does to the paths, and a
    dispositif whose paths change only because the tree changed gets its own entry: the
    changes are grouped by cause (issue #16).
    """
    after = effects or {}
    lines: list[str] = []
    for e in data["added"]:
        lines += [f"+ « {e['id']} » {noun[0]} : {e[name]}", *_effect_lines(new, after.get(e["id"]), False)]
    for e in data["removed"]:
        lines += [f"− « {e['id']} » {noun[1]} : {e[name]}", *_effect_lines(old, after.get(e["id"]), False)]
    for e in data["changed"]:
        lines.append(f"~ « {e['id']} » ({e[name]}) {noun[2]} :")
        lines += _field_lines(old, new, e["fields"], "    ")
        lines += _effect_lines(new, after.get(e["id"]), effects is not None)
    listed = {e["id"] for kind in ("added", "removed", "changed") for e in data[kind]}
    for did, effect in after.items():
        if did not in listed and (effect["gained"] or effect["lost"]):
            lines.append(f"~ « {did} » ({new.dispositifs[did].name}) proposé ailleurs (l'arbre a changé) :")
            lines += _effect_lines(new, effect, False)
    return [title, *("  " + line for line in lines), ""] if lines else []


def _effect_lines(tree: Tree, effect: dict[str, Any] | None, say_none: bool) -> list[str]:
    """« parcours : le gagnent 3, le perdent 1 » and one example path."""
    if effect is None:
        return ["    aucun parcours ne change pour ce dispositif"] if say_none else []
    counts = [(effect["gained"], "le gagnent"), (effect["lost"], "le perdent"),
              (effect["new_paths"], "nouveau(x) le propose(nt)"), (effect["gone_paths"], "disparu(s) le proposai(en)t")]
    parts = [f"{n} {text}" for n, text in counts if n]
    return [f"    parcours : {', '.join(parts)}", f"    exemple : {_answers(tree, effect['example'], ' ' * 16)}"]


def _questions(data: dict[str, Any], old: Tree, new: Tree) -> list[str]:
    lines = [f"+ « {e['id']} » ajoutée : {e['text']}" for e in data["added"]]
    lines += [f"− « {e['id']} » supprimée : {e['text']}" for e in data["removed"]]
    for e in data["changed"]:
        qid = e["id"]
        for f in e["fields"]:
            verb = {"text": "reformulée", "help": "aide modifiée",
                    "options_order": "ordre des options modifié"}[f["field"]]
            lines.append(f"~ « {qid} » {verb} : {_change(old, new, f)}")
        options = e["options"]
        lines += [f"+ « {qid} », option « {o['id']} » ajoutée : « {o['label']} » (mène à « {o['next']} »)"
                  for o in options["added"]]
        lines += [f"− « {qid} », option « {o['id']} » supprimée : « {o['label']} »" for o in options["removed"]]
        for o in options["changed"]:
            for f in o["fields"]:
                verb = {"label": "reformulée", "next": "redirigée", "help": "aide modifiée"}[f["field"]]
                lines.append(f"~ « {qid} », option « {o['id']} » {verb} : « {f['before'] or '(vide)'} » "
                             f"→ « {f['after'] or '(vide)'} »")
    return ["Questions", *("  " + line for line in lines), ""] if lines else []


def _answers(tree: Tree, answers: dict[str, str], indent: str = "      ") -> str:
    ids = ", ".join(f"{q}={o}" for q, o in answers.items())
    labels = " → ".join(f"« {label_of(tree, q, o)} »" for q, o in answers.items() if q in tree.questions)
    return f"{ids}\n{indent}({labels})"


def _result(tree: Tree, result: dict[str, Any]) -> str:
    outcome = tree.outcomes[result["outcome"]].title
    names = ", ".join(tree.dispositifs[d].name for d in result["dispositifs"]) or "aucun dispositif"
    return f"issue « {outcome} » — {names}"


def _paths(data: dict[str, Any], old: Tree, new: Tree) -> list[str]:
    lines: list[str] = []
    total = len(data["changed"]) + data["unchanged"]
    if data["changed"]:
        lines.append(f"Parcours dont le résultat change : {len(data['changed'])} sur {total} parcours communs")
        for p in data["changed"]:
            before, after = p["before"]["dispositifs"], p["after"]["dispositifs"]
            gone = [old.dispositifs[d].name for d in before if d not in after]
            came = [new.dispositifs[d].name for d in after if d not in before]
            delta = [f"+ {n}" for n in came] + [f"− {n}" for n in gone]
            if not delta and before != after:
                delta = ["ordre des dispositifs changé"]
            if p["before"]["outcome"] != p["after"]["outcome"]:
                delta.insert(0, "issue changée")
            lines += [f"  • {_answers(new, p['answers'])}",
                      f"      avant : {_result(old, p['before'])}",
                      f"      après : {_result(new, p['after'])}",
                      f"      ({' ; '.join(delta)})"]
        lines.append("")
    for key, title, tree, side in (("removed", "Parcours qui n'existent plus", old, "before"),
                                   ("added", "Nouveaux parcours", new, "after")):
        if data[key]:
            lines.append(f"{title} : {len(data[key])}")
            for p in data[key]:
                word = "avant" if side == "before" else "après"
                lines += [f"  • {_answers(tree, p['answers'])}", f"      {word} : {_result(tree, p[side])}"]
            lines.append("")
    if not data["complete"]:
        count = f"{MAX_PATHS:,}".replace(",", " ")
        lines += [f"Plus de {count} parcours : seuls les premiers ont été comparés ; les parcours "
                  "ajoutés ou supprimés ne sont pas listés.", ""]
    return lines


def _paths_summary(data: dict[str, Any]) -> list[str]:
    """How many paths change, appear or disappear, and how to see them one by one."""
    changed, total = len(data["changed"]), len(data["changed"]) + data["unchanged"]
    outcome = sum(p["before"]["outcome"] != p["after"]["outcome"] for p in data["changed"])
    line = f"Parcours : {changed} sur {total} parcours communs changent de résultat"
    line += f" (dont {outcome} d'issue)" if outcome else ""
    line += f", {len(data['added'])} nouveau(x), {len(data['removed'])} disparu(s)."
    return [line, "Le détail parcours par parcours : pdp-nav diff ANCIEN NOUVEAU --detail", ""]


def diff_text(data: dict[str, Any], old: Tree, new: Tree, detail: bool = False) -> str:
    """The French report of a diff, for a reviewer: changes grouped by cause, then (``detail``) every path.

    Control characters from the trees are shown, never obeyed.
    """
    head = (f"Différences entre l'arbre « {old.title} » version {old.version} (ancien) "
            f"et « {new.title} » version {new.version} (nouveau)")
    if data["identical"]:
        return printable(f"{head}\n\nAucune différence : mêmes questions, mêmes dispositifs, mêmes résultats.\n")
    lines = [head, ""]
    if data["tree"]:
        lines += ["Arbre", *_field_lines(old, new, data["tree"], "  ~ "), ""]
    lines += _questions(data["questions"], old, new)
    lines += _section("Issues", data["outcomes"], "title", ("ajoutée", "supprimée", "modifiée"), old, new)
    lines += _section("Dispositifs", data["dispositifs"], "name", ("ajouté", "supprimé", "modifié"), old, new,
                      data["effects"])
    lines += _section("Contacts", data["contacts"], "name", ("ajouté", "supprimé", "modifié"), old, new)
    paths = data["paths"]
    if paths["changed"] or paths["added"] or paths["removed"]:
        lines += _paths(paths, old, new) if detail else _paths_summary(paths)
    else:
        lines += [f"Aucun parcours ne change de résultat ({paths['unchanged']} parcours comparés).", ""]
    return printable("\n".join(lines))
