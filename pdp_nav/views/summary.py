"""A result as data (the stable JSON format), as Markdown and as plain text; French wording of the reasons.

Pure functions: no printing, no Rich. The JSON layout is documented in ``docs/formats.md``
and published as ``docs/schema/result.schema.json``; bump ``FORMAT_VERSION`` on any
incompatible change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core.conditions import Reason
from ..core.engine import Result
from ..core.legal import json_data, label
from ..core.model import Contact, Dispositif, Tree
from ..system.textsafe import printable
from .plan import Card, meta_line, plan_dict, plan_lines, result_cards, result_plan
from .wording import (  # noqa: F401 (re-exported: the wording of every output)
    NOTICE,
    _md,
    channel_text,
    confidence_note,
    departements_text,
    describe_reason,
    label_of,
    question_text,
    territory_text,
    wrap,
)

FORMAT_VERSION = 2


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
    """The result in the stable JSON layout (``format_version`` 2: with ``plan``)."""
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
        "plan": plan_dict(result_plan(result)),
        "notice": NOTICE,
    }
    if generated is not None:
        data["generated"] = generated.isoformat(timespec="seconds")
    return data


def _meta(tree: Tree, generated: dt.datetime | None) -> str:
    return meta_line(tree) + (f" — {generated.strftime('%d/%m/%Y %H:%M')}" if generated else "")


def result_markdown(result: Result, *, generated: dt.datetime | None = None, detail: bool = False) -> str:
    """A summary for a medical file, in the structure of the plain text one: the plan, the
    situation, the tree; with ``detail``, every card after it."""
    plan = result_plan(result)
    lines = [f"# Orientation PDP — {_md(plan.title)}", "", f"_{_md(_meta(result.tree, generated))}_", "",
             _md(plan.message)]
    if not plan.groups:
        lines += ["", "Aucun dispositif ne correspond à cette situation."]
    for group in plan.groups:
        lines += ["", f"## {group.title}", ""]
        lines += [f"- **{a.number}.** {_md(a.line)}" for a in group.actions]
    if plan.others:
        lines += ["", f"## Autres dispositifs possibles ({len(plan.others)})", "",
                  " · ".join(f"{a.number}. {_md(a.short)}" for a in plan.others)]
    if plan.contacts:
        lines += ["", "## Qui contacter", ""] + [f"- {_md(c.line)}" for c in plan.contacts]
    lines += ["", "## Situation", ""] + [f"- {_md(s.question.text)} **{_md(s.option.label)}**" for s in result.steps]
    lines += ["", f"> {NOTICE}"]
    if detail:
        lines += ["", "## Fiches des dispositifs"]
        for n, c in enumerate(result_cards(result), 1):
            lines += ["", f"### {n}. {_md(c.name)}", ""]
            lines += [f"- **{f.label}** : {_links_md(f.links) if f.links else _md(f.text)}" for f in c.fields]
            lines.append(f"- **{c.why_title}** : {_md(c.why)}")
    return "\n".join(lines) + "\n"


def _links_md(links: tuple[tuple[str, str], ...]) -> str:
    """Each reference as a Markdown link to its page (the legal references: Légifrance, issue #16)."""
    return "; ".join(f"[{_md(label)}]({url})" if url else _md(label) for label, url in links)


def card_lines(card: Card, number: int | None = None) -> list[str]:
    """A card as plain lines (accessible mode, ``--detail`` in a pipe, ``fiche``), not wrapped."""
    lines = [f"Dispositif {number} : {card.name}" if number else f"Dispositif : {card.name}"]
    for f in card.fields:
        if f.links:  # one reference a line, its link after it
            lines += [f"  {f.label} :", *(f"    {name} <{url}>" if url else f"    {name}" for name, url in f.links)]
        else:
            lines.append(f"  {f.label} : {f.text}")
    if card.why:
        lines.append(f"  {card.why_title} : {card.why}")
    if card.contacts:
        lines += ["  Qui contacter :", *(f"    - {c}" for c in card.contacts)]
    return lines


TEXT_WIDTH = 100
"""Width of the ``.txt`` summary: pasted as is in a dossier médical en santé au travail."""


def result_lines(result: Result, *, width: int = 80, detail: bool = False) -> list[str]:
    """The result on one screen: the plan in lines of at most ``width`` characters (the
    accessible mode, ``run`` off a terminal); ``detail`` adds every card after it."""
    lines = plan_lines(result_plan(result), width)
    if detail:
        for n, c in enumerate(result_cards(result), 1):
            lines += ["", *card_lines(c, n)]
    return lines


def summary_lines(result: Result, *, generated: dt.datetime | None = None, width: int = TEXT_WIDTH) -> list[str]:
    """The ``.txt`` summary for a medical file: the plan, the situation, the tree and the notice."""
    lines = plan_lines(result_plan(result), width)
    lines += ["", "Situation :"]
    for s in result.steps:
        lines += wrap(f"{s.question.text} {s.option.label}", width, "  - ", "    ")
    return lines + ["", *wrap(f"{_meta(result.tree, generated)}. {NOTICE}", width)]


def result_text(result: Result, *, width: int = 80, detail: bool = False) -> str:
    """The result as plain text (:func:`result_lines`), for a pipe or a file."""
    return printable("\n".join(result_lines(result, width=width, detail=detail))) + "\n"


def summary_text(result: Result, *, generated: dt.datetime | None = None) -> str:
    """The ``.txt`` summary (:func:`summary_lines`): at most 60 lines of at most 100 characters."""
    return printable("\n".join(summary_lines(result, generated=generated))) + "\n"
