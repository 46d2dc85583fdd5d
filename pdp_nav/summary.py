"""A result as data (the stable JSON format), as Markdown and as plain text; French wording of the reasons.

Pure functions: no printing, no Rich. The JSON layout is documented in ``docs/formats.md``
and published as ``docs/schema/result.schema.json``; bump ``FORMAT_VERSION`` on any
incompatible change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .conditions import Reason
from .engine import TERRITORY, ContactUse, Result
from .legal import json_data, label, markdown_link, text_with_link
from .model import Confidence, Contact, Dispositif, Tree
from .textsafe import markdown as _md
from .textsafe import printable

FORMAT_VERSION = 1
NOTICE = ("Document sans donnée d'identité du patient. Aide à l'orientation : les règles citées "
          "sont à vérifier auprès des organismes avant toute décision.")


def label_of(tree: Tree, question_id: str, option_id: str | None) -> str:
    q = tree.questions.get(question_id)
    o = q.option(option_id) if q and option_id else None
    return o.label if o else (option_id or "")


def question_text(tree: Tree, question_id: str) -> str:
    q = tree.questions.get(question_id)
    return q.text if q else question_id


def describe_reason(tree: Tree, reason: Reason, *, proposed: bool) -> str:
    """One French line saying how an answer made a dispositif fit, or not."""
    if reason.node == TERRITORY:
        return territory_text(reason, proposed=proposed)
    question = question_text(tree, reason.node)
    expected = " ou ".join(f"« {label_of(tree, reason.node, o)} »" for o in reason.expected)
    if reason.option is None:
        if reason.negated:
            return f"« {question} » : question non posée sur ce parcours"
        return f"« {question} » : question non posée sur ce parcours (il faudrait {expected})"
    given = f"« {label_of(tree, reason.node, reason.option)} »"
    if proposed:
        return f"« {question} » : {given}" + (" (pas " + expected + ")" if reason.negated else "")
    if reason.negated:
        return f"« {question} » : {given} exclut ce dispositif"
    return f"« {question} » : {given} (il faudrait {expected})"


def departements_text(deps: tuple[str, ...] | list[str]) -> str:
    """« du département 29 », « des départements 22, 29 et 35 »."""
    return (f"des départements {', '.join(deps[:-1])} et {deps[-1]}" if len(deps) > 1
            else f"du département {deps[0]}")


def territory_text(reason: Reason, *, proposed: bool) -> str:
    """Why a local dispositif is proposed (this département) or not (another one, or none)."""
    deps = list(reason.expected)
    names = departements_text(deps)
    if proposed:
        return f"dispositif local {names}"
    if reason.option is None:
        return (f"dispositif local {names} : indiquez le département (--departement {deps[0]}) "
                "pour qu'il soit proposé")
    return f"dispositif local {names}, pas du département {reason.option}"


def _reason_dict(tree: Tree, reason: Reason, proposed: bool) -> dict[str, Any]:
    return {
        "question": reason.node,
        "answer": reason.option,
        "expected": list(reason.expected),
        "negated": reason.negated,
        "text": describe_reason(tree, reason, proposed=proposed),
    }


def contact_dict(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "name": contact.name,
        "description": contact.description,
        "scope": contact.scope,
        "departement": contact.departement or None,
        "channels": [{"kind": c.kind, "value": c.value, "note": c.note} for c in contact.channels],
    }


def dispositif_dict(tree: Tree, d: Dispositif, answers: dict[str, str] | None = None) -> dict[str, Any]:
    """Every field of ``d``; ``contacts`` are those for ``answers`` when given (all otherwise)."""
    return {
        "id": d.id,
        "name": d.name,
        "category": d.category,
        "summary": d.summary,
        "for_whom": d.for_whom,
        "conditions": d.conditions,
        "decides": d.decides,
        "next_step": d.next_step,
        "legal": [label(r) for r in d.legal],
        "legal_refs": [json_data(r) for r in d.legal],
        "sources": [{"title": s.title, "url": s.url} for s in d.sources],
        "checked": d.checked.isoformat(),
        "confidence": d.confidence.value,
        "to_confirm": d.to_confirm or None,
        "contacts": list(tree.contacts_of(d, answers)),
        "departements": list(d.departements),
    }


def tree_dict(tree: Tree) -> dict[str, Any]:
    return {"id": tree.id, "version": tree.version, "title": tree.title,
            "digest": tree.digest, "departement": tree.departement or None}


def result_dict(result: Result, *, generated: dt.datetime | None = None) -> dict[str, Any]:
    """The result in the stable JSON layout (``format_version`` 1)."""
    tree = result.tree
    answers = result.answers
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "kind": "pdp-nav-result",
        "tree": tree_dict(tree),
        "answers": [
            {"question": s.question.id, "text": s.question.text, "answer": s.option.id, "label": s.option.label}
            for s in result.steps
        ],
        "outcome": {"id": result.outcome.id, "title": result.outcome.title, "text": result.outcome.text},
        "dispositifs": [
            {**dispositif_dict(tree, p.dispositif, answers), "why": [_reason_dict(tree, r, True) for r in p.reasons]}
            for p in result.proposals
        ],
        "not_proposed": [
            {"id": e.dispositif.id, "name": e.dispositif.name,
             "why_not": [_reason_dict(tree, r, False) for r in e.reasons]}
            for e in result.exclusions
        ],
        "contacts": [{**contact_dict(u.contact), "for": list(u.dispositifs)} for u in result.contacts],
        "notice": NOTICE,
    }
    if generated is not None:
        data["generated"] = generated.isoformat(timespec="seconds")
    return data


def confidence_note(d: Dispositif) -> str:
    """The warning shown with a dispositif whose rules are not all certain ('' when they are).

    A dispositif rated « élevée » may still name one point to confirm: it is shown too.
    """
    if d.confidence is Confidence.HIGH:
        return f"Point à confirmer — {d.to_confirm}" if d.to_confirm else ""
    return f"Fiabilité {d.confidence.label} — {d.to_confirm}"


def channel_text(kind: str, value: str, note: str) -> str:
    names = {"telephone": "Tél.", "web": "Web", "email": "Courriel", "adresse": "Adresse", "autre": ""}
    text = f"{names.get(kind, kind)} {value}".strip()
    return f"{text} ({note})" if note else text


def result_markdown(result: Result, *, generated: dt.datetime | None = None) -> str:
    """A printable summary for a medical file: answers, dispositifs, contacts, sources."""
    tree = result.tree
    lines = [f"# Orientation PDP — {_md(result.outcome.title)}", ""]
    meta = f"Arbre « {_md(tree.title)} », version {_md(tree.version)}"
    if tree.departement:
        meta += f", contacts locaux du département {_md(tree.departement)}"
    if generated:
        meta += f" — {generated.strftime('%d/%m/%Y %H:%M')}"
    lines += [f"_{meta}_", "", f"> {NOTICE}", "", "## Situation", ""]
    lines += [f"- {_md(s.question.text)} **{_md(s.option.label)}**" for s in result.steps]
    lines += ["", _md(result.outcome.text), "", "## Dispositifs proposés", ""]
    for n, p in enumerate(result.proposals, 1):
        d = p.dispositif
        lines += [f"### {n}. {_md(d.name)}", "", _md(d.summary), ""]
        for title, text in (("Pour qui", d.for_whom), ("Durée et conditions", d.conditions),
                            ("Qui décide", d.decides), ("Prochaine étape", d.next_step)):
            lines.append(f"- **{title}** : {_md(text)}")
        if note := confidence_note(d):
            lines.append(f"- **À confirmer** : {_md(note)}")
        lines.append(f"- **Base légale** : {'; '.join(markdown_link(r, _md) for r in d.legal)}")
        sources = "; ".join(s.title + (f" <{s.url}>" if s.url else "") for s in d.sources)
        lines.append(f"- **Sources** : {_md(sources)} (vérifié le {d.checked.strftime('%d/%m/%Y')})")
        why = "; ".join(describe_reason(tree, r, proposed=True) for r in p.reasons)
        lines += [f"- **Pourquoi** : {_md(why) if why else 'proposé dans toutes les situations'}", ""]
    if not result.proposals:
        lines += ["Aucun dispositif ne correspond à cette situation.", ""]
    lines += ["## Qui contacter", "", "| Organisme | Comment le joindre | Pour |", "|---|---|---|"]
    for u in result.contacts:
        how = "<br>".join(_md(channel_text(c.kind, c.value, c.note)) for c in u.contact.channels) or "—"
        names = ", ".join(_md(tree.dispositifs[d].name) for d in u.dispositifs)
        lines.append(f"| {_md(u.contact.name)} | {how} | {names} |")
    return "\n".join(lines) + "\n"


def card_lines(d: Dispositif, number: int | None = None) -> list[str]:
    """A dispositif as plain lines (accessible mode)."""
    sources = "; ".join(s.title + (f" ({s.url})" if s.url else "") for s in d.sources)
    lines = [f"Dispositif {number} : {d.name}" if number else f"Dispositif : {d.name}",
             f"  Ce que c'est : {d.summary}", f"  Pour qui : {d.for_whom}",
             f"  Durée et conditions : {d.conditions}", f"  Qui décide : {d.decides}",
             f"  Prochaine étape : {d.next_step}"]
    if note := confidence_note(d):
        lines.append(f"  Attention : {note}")
    lines += ["  Base légale :", *(f"    {text_with_link(r)}" for r in d.legal),
              f"  Sources : {sources} (vérifié le {d.checked.strftime('%d/%m/%Y')})"]
    return lines


def contact_lines(uses: tuple[ContactUse, ...], tree: Tree) -> list[str]:
    lines = ["Qui contacter :"]
    for use in uses:
        c = use.contact
        how = "; ".join(channel_text(ch.kind, ch.value, ch.note) for ch in c.channels) or "coordonnées à trouver"
        names = ", ".join(tree.dispositifs[d].name for d in use.dispositifs)
        local = f" (contacts locaux {c.departement})" if c.departement else ""
        lines.append(f"  - {c.name}{local} : {how} — pour : {names}")
    return lines if uses else ["Qui contacter : aucun contact indiqué."]


def result_lines(result: Result, *, generated: dt.datetime | None = None) -> list[str]:
    """The result as plain lines: the accessible mode, and ``run --format text`` off a terminal.

    Lines are not wrapped (a screen reader, a terminal or a medical file's editor does it);
    an empty line separates the parts.
    """
    tree = result.tree
    lines = [f"Résultat : {result.outcome.title}", result.outcome.text, "", "Vos réponses :"]
    lines += [f"  - {s.question.text} {s.option.label}" for s in result.steps]
    count = len(result.proposals)
    lines += ["", f"{count} dispositif{'s' if count > 1 else ''} proposé{'s' if count > 1 else ''}."
              if count else "Aucun dispositif ne correspond à cette situation."]
    for n, p in enumerate(result.proposals, 1):
        why = " ; ".join(describe_reason(tree, r, proposed=True) for r in p.reasons)
        lines += ["", *card_lines(p.dispositif, n), f"  Pourquoi : {why or 'proposé dans toutes les situations'}"]
    lines += ["", *contact_lines(result.contacts, tree), ""]
    meta = f"Arbre « {tree.title} », version {tree.version}"
    if tree.departement:
        meta += f", contacts locaux du département {tree.departement}"
    if generated:
        meta += f" — {generated.strftime('%d/%m/%Y %H:%M')}"
    lines.append(f"{meta}. {NOTICE}")
    return lines


def result_text(result: Result, *, generated: dt.datetime | None = None) -> str:
    """The result as plain text (:func:`result_lines`), for a pipe, a file or a medical record."""
    return printable("\n".join(result_lines(result, generated=generated))) + "\n"
