"""A result as data (the stable JSON format), as Markdown and as plain text; French wording of the reasons.

Pure functions: no printing, no Rich. The JSON layout is documented in ``docs/formats.md``
and published as ``docs/schema/result.schema.json``; bump ``FORMAT_VERSION`` on any
incompatible change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .conditions import Reason
from .engine import ContactUse, Result
from .model import Contact, Dispositif, Tree
from .wording import (  # noqa: F401 (re-exported: the wording of every output)
    NOTICE, _md, channel_text, confidence_note, departements_text, describe_reason, label_of, question_text,
    territory_text,
)

FORMAT_VERSION = 1


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
        "legal": list(d.legal),
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


def result_markdown(result: Result, *, generated: dt.datetime | None = None) -> str:
    """A printable summary for a medical file: answers, dispositifs, contacts, sources."""
    tree = result.tree
    lines = [f"# Orientation PDP — {_md(result.outcome.title)}", ""]
    meta = f"Arbre « {_md(tree.title)} », version {tree.version}"
    if tree.departement:
        meta += f", contacts locaux du département {tree.departement}"
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
        lines.append(f"- **Base légale** : {_md('; '.join(d.legal))}")
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
    lines += [f"  Base légale : {'; '.join(d.legal)}",
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
    return "\n".join(result_lines(result, generated=generated)) + "\n"
