"""The result as one neutral view: a prioritized action plan, and the card of each dispositif.

Every output (terminal, plain text, accessible mode, Markdown, HTML, JSON, the offline page)
renders this view and reads the card fields from :func:`card`, never from the dispositif: one
place says what a card shows (issue 12, point 4). Timing, priority and short names are
content (``plan:`` in the catalogue, see ``trees/README.md``). Pure: no printing, no Rich.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from ..core.engine import Result
from ..core.legal import label, link, text_with_link
from ..core.model import WHEN, Confidence, Dispositif, Outcome, Tree
from .typography import wrapped
from .wording import NBSP, channel_text, confidence_note, describe_reason, wrap

MAIN = 7
"""Actions in the main view; the others are listed as « Autres dispositifs possibles »."""
SELF = "spst"
"""The contact that is the user: the occupational health service never contacts itself."""
GROUPS = {"maintenant": "Maintenant", "reprise": "À la reprise", "ensuite": "Ensuite, si besoin"}
TO_CONFIRM = "à\u00a0confirmer"
"""The mark of an uncertain action (never cut at the end of a line)."""
HEADLINE = 160
"""Characters of the key message under the title: two lines at 80 columns."""
_REACH = ("telephone", "web", "email")
"""Channels short enough for one line of « Qui contacter », in order of preference."""


@dataclass(frozen=True, slots=True)
class Action:
    """One line of the plan: a proposed dispositif, when, why now, who."""

    number: int
    id: str
    short: str
    when: str
    priority: int
    key_fact: str
    who: str
    confidence: Confidence
    to_confirm: bool
    """True when something about it is uncertain (shown as « à confirmer »)."""

    @property
    def line(self) -> str:
        """« Pré-reprise — arrêt de plus de 30 jours · vous (SPST) · à confirmer »."""
        text = self.short + (f" — {self.key_fact}" if self.key_fact else "")
        return " · ".join(filter(None, (text, self.who, TO_CONFIRM if self.to_confirm else "")))


@dataclass(frozen=True, slots=True)
class Group:
    when: str
    title: str
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class ContactLine:
    """One organisation of « Qui contacter »: how to reach it, and for which actions."""

    id: str
    name: str
    how: str
    actions: tuple[int, ...]

    @property
    def line(self) -> str:
        """« Carsat · Tél. 3646 · actions 2, 3 » (the JSON ``line``)."""
        return self.joined(" ")

    def joined(self, space: str) -> str:
        """:attr:`line` with ``space`` after « action(s) »: a non-breaking one keeps the numbers
        with the word on screen (issue #13)."""
        used = ("action" if len(self.actions) == 1 else "actions") + space
        return " · ".join(filter(None, (self.name, self.how, used + f",{NBSP}".join(map(str, self.actions)))))


@dataclass(frozen=True, slots=True)
class Plan:
    title: str
    message: str
    """The key message: at most two lines at 80 columns."""
    groups: tuple[Group, ...]
    others: tuple[Action, ...]
    contacts: tuple[ContactLine, ...]

    @property
    def actions(self) -> tuple[Action, ...]:
        """Every action, by number: the main view, then the others."""
        return (*(a for g in self.groups for a in g.actions), *self.others)


LEGAL = "Base légale"
"""The label of the legal references in a card."""


class Field(NamedTuple):
    """One field of a card. Renderers read these attributes; none of them tests a label."""

    label: str
    text: str
    """The whole field as plain text (links written out in angle brackets)."""
    links: tuple[tuple[str, str], ...] = ()
    """For a list of references: (label, link or "") of each, for the outputs that make links
    and show one a line (the legal references, issue #16)."""
    warning: bool = False
    """Something to confirm: the terminal highlights it."""


@dataclass(frozen=True, slots=True)
class Card:
    """Everything about one dispositif: the only list of card fields."""

    id: str
    name: str
    fields: tuple[Field, ...]
    """In display order, « À confirmer » included when something is uncertain."""
    why_title: str
    why: str
    contacts: tuple[str, ...]
    """« Organisme : how to reach it », the SPST itself left out."""


def key_message(outcome: Outcome) -> str:
    """The first sentence of the outcome's text, cut at a word to fit two lines of 80 columns."""
    return _key_message(outcome.text)


@functools.lru_cache(maxsize=256)
def _key_message(text: str) -> str:  # plans of the same outcome repeat it
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    if len(wrap(first, 80)) <= 2:
        return first
    words = first[:HEADLINE].split(" ")
    while len(words) > 1 and len(wrap(" ".join(words) + "…", 80)) > 2:
        words.pop()
    return " ".join(words).rstrip(",;:( ") + "…"


def contact_name(tree: Tree, contact_id: str) -> str:
    """A contact's name without its parenthesis: « Service social de l'Assurance Maladie »."""
    return tree.contacts[contact_id].name.split(" (")[0].strip()


def reach(tree: Tree, contact_id: str) -> str:
    """The shortest way to reach a contact (telephone, then web, then email), '' if none."""
    channels = [c for c in tree.contacts[contact_id].channels
                if c.kind in _REACH and "À COMPLÉTER" not in c.value and c.value.strip()]
    if not channels:
        return ""
    best = min(channels, key=lambda c: _REACH.index(c.kind))
    value = best.value.removeprefix("https://").removeprefix("http://").rstrip("/")
    return channel_text(best.kind, value, "")


def _contacts(tree: Tree, d: Dispositif, answers: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(c for c in tree.contacts_of(d, answers) if c in tree.contacts)


class _Entry(NamedTuple):
    """A dispositif's action for some answers (numbered 0), with what ranks it, its contacts
    and its numbered copies (filled by :func:`_numbered`)."""

    priority: int
    when: int
    """The rank of ``action.when`` in :data:`WHEN`."""
    action: Action
    contacts: tuple[str, ...]
    copies: dict[int, Action]


class _Memo(NamedTuple):
    """What the plans of a tree share, memoised on it (``tree.memo["plan"]``)."""

    reads: dict[str, tuple[str, ...]]
    """By dispositif: the questions its line of the plan reads beside whether it fits, its
    conditional contacts and its plan cases (:func:`_reads`)."""
    actions: dict[tuple[str | None, ...], _Entry]
    """By dispositif id and answers to its ``reads``: the only ones its action depends on,
    shared by thousands of paths."""
    contacts: dict[tuple[str, tuple[int, ...]], ContactLine]
    """By contact and action numbers: its line of « Qui contacter »."""


def _memo(tree: Tree) -> _Memo:
    found = tree.memo.get("plan")
    if found is None:
        found = tree.memo["plan"] = _Memo({}, {}, {})
    return found


def _reads(d: Dispositif) -> tuple[str, ...]:
    """The questions ``d``'s line of the plan reads beside whether it fits: its conditional
    contacts and its plan cases."""
    conditions = (*(c for _, c in d.contact_when), *(case.condition for case in d.plan_spec().cases))
    return tuple(dict.fromkeys(a.node for cond in conditions for a in cond.atoms()))


def _action(tree: Tree, d: Dispositif, answers: Mapping[str, str]) -> _Entry:
    """The entry of ``d`` for ``answers`` (see :class:`_Entry`)."""
    spec = d.plan_spec()
    when, priority, key_fact = spec.when, spec.priority, spec.key_fact
    case = next((c for c in spec.cases if c.condition.matches(answers)), None)
    if case is not None:
        when, priority = case.when or when, case.priority or priority
        key_fact = case.key_fact or key_fact
    contacts = _contacts(tree, d, answers)
    who = spec.who or ("" if not contacts else "vous (SPST)" if contacts[0] == SELF
                       else contact_name(tree, contacts[0]))
    uncertain = d.confidence is not Confidence.HIGH or bool(d.to_confirm)
    action = Action(0, d.id, spec.short, when, priority, key_fact, who, d.confidence, uncertain)
    return _Entry(priority, WHEN.index(when), action, contacts, {})


def _numbered(entry: _Entry, number: int) -> Action:
    """The action of an entry numbered ``number`` (made once per number)."""
    found = entry.copies.get(number)
    if found is None:
        found = entry.copies[number] = replace(entry.action, number=number)
    return found


def build_plan(tree: Tree, outcome: Outcome, dispositif_ids: Sequence[str],
               answers: Mapping[str, str]) -> Plan:
    """The plan for ``outcome`` with the proposed ``dispositif_ids`` (in result order).

    The :data:`MAIN` most important actions (priority, then result order) are grouped by
    when they happen; the others follow; « Qui contacter » lists only the contacts of the
    main actions. Depends on nothing else than the arguments (callers may memoise).
    """
    memo = _memo(tree)
    ranked = []
    for did in dispositif_ids:
        reads = memo.reads.get(did)
        if reads is None:
            reads = memo.reads[did] = _reads(tree.dispositifs[did])
        key = (did, *map(answers.get, reads))
        entry = memo.actions.get(key)
        if entry is None:
            entry = memo.actions[key] = _action(tree, tree.dispositifs[did], answers)
        ranked.append(entry)
    ranked.sort(key=_BY_PRIORITY)  # stable: result order among equals
    main = sorted(ranked[:MAIN], key=_BY_WHEN)
    main_n = [_numbered(entry, n) for n, entry in enumerate(main, 1)]
    others = tuple(_numbered(entry, n) for n, entry in enumerate(ranked[MAIN:], len(main) + 1))
    by_when: dict[str, list[Action]] = {}
    for a in main_n:
        by_when.setdefault(a.when, []).append(a)
    groups = tuple(Group(w, GROUPS[w], tuple(by_when[w])) for w in WHEN if w in by_when)
    uses: dict[str, list[int]] = {}
    for n, entry in enumerate(main, 1):
        for cid in entry.contacts:
            if cid != SELF:
                uses.setdefault(cid, []).append(n)
    lines = []
    for cid, ns in uses.items():
        numbers = tuple(ns)
        line = memo.contacts.get((cid, numbers))
        if line is None:
            line = memo.contacts[(cid, numbers)] = ContactLine(cid, contact_name(tree, cid), reach(tree, cid), numbers)
        lines.append(line)
    return Plan(outcome.title, key_message(outcome), groups, others, tuple(lines))


_BY_PRIORITY = operator.attrgetter("priority")
_BY_WHEN = operator.attrgetter("when")


def result_plan(result: Result) -> Plan:
    """The plan of an engine result."""
    return build_plan(result.tree, result.outcome, result.dispositif_ids, result.answers)


def card(tree: Tree, d: Dispositif, *, answers: Mapping[str, str] | None = None,
         why: Sequence[str] | None = None, proposed: bool = True) -> Card:
    """The card of ``d``: its fields, the reasons (``why``; None outside a result) and its
    contacts for ``answers`` (all of them without)."""
    sources = "; ".join(s.title + (f" ({s.url})" if s.url else "") for s in d.sources)
    fields = [Field("Ce que c'est", d.summary), Field("Pour qui", d.for_whom),
              Field("Durée et conditions", d.conditions), Field("Qui décide", d.decides),
              Field("Prochaine étape", d.next_step)]
    if note := confidence_note(d):
        fields.append(Field("À confirmer", note, warning=True))
    fields += [Field(LEGAL, "; ".join(text_with_link(r) for r in d.legal), tuple((label(r), link(r)) for r in d.legal)),
               Field("Sources", f"{sources} (vérifié le {d.checked.strftime('%d/%m/%Y')})")]
    contacts = tuple(f"{contact_name(tree, c)} : {reach(tree, c) or tree.contacts[c].description}"
                     for c in (tree.contacts_of(d, answers) if answers is not None else d.contacts)
                     if c in tree.contacts and c != SELF)
    if why is None:
        return Card(d.id, d.name, tuple(fields), "", "", contacts)
    if proposed:
        return Card(d.id, d.name, tuple(fields), "Pourquoi", " ; ".join(why) or "proposé dans toutes les situations",
                    contacts)
    return Card(d.id, d.name, tuple(fields), "Pourquoi il n'est pas proposé", " ; ".join(why), contacts)


def result_cards(result: Result) -> tuple[Card, ...]:
    """The cards of the proposed dispositifs, in plan order (action numbers)."""
    tree, answers = result.tree, result.answers
    reasons = {p.dispositif.id: p.reasons for p in result.proposals}
    return tuple(card(tree, tree.dispositifs[a.id], answers=answers,
                      why=[describe_reason(tree, r, proposed=True) for r in reasons[a.id]])
                 for a in result_plan(result).actions)


def plan_dict(plan: Plan) -> dict[str, Any]:
    """The plan in the JSON result (``plan``, format_version 2)."""
    def action(a: Action) -> dict[str, Any]:
        return {"number": a.number, "id": a.id, "short": a.short, "when": a.when, "priority": a.priority,
                "key_fact": a.key_fact, "who": a.who, "confidence": a.confidence.value, "to_confirm": a.to_confirm,
                "line": a.line}
    return {"title": plan.title, "message": plan.message,
            "groups": [{"when": g.when, "title": g.title, "actions": [action(a) for a in g.actions]}
                       for g in plan.groups],
            "others": [action(a) for a in plan.others],
            "contacts": [{"id": c.id, "name": c.name, "how": c.how, "actions": list(c.actions), "line": c.line}
                         for c in plan.contacts]}


def meta_line(tree: Tree) -> str:
    """Tree, version and local contacts: which content the plan comes from."""
    meta = f"Arbre « {tree.title} », version {tree.version}"
    return meta + (f", contacts locaux du département {tree.departement}" if tree.departement else "")


def plan_lines(plan: Plan, width: int = 80, *, others: bool = True) -> list[str]:
    """The plan as plain lines of at most ``width`` characters (no word is ever cut).

    The terminal, the accessible mode, ``run`` in a pipe and the ``.txt`` summary print these:
    the lines of :func:`plan_blocks`, one block after the other.
    """
    return [line for block in plan_blocks(plan, width, others=others) for line in block]


def plan_blocks(plan: Plan, width: int = 80, *, others: bool = True) -> list[tuple[str, ...]]:
    """The lines of :func:`plan_lines` in blocks, each drawn from one part of the plan alone:
    the title and message (with the line saying that nothing fits when no group), then each
    group, the other dispositifs, the title of « Qui contacter », each contact that says how to
    reach it, and those known without (with whether others came before). Each block is memoised
    by its part: plans that share a group or a contact draw it once."""
    blocks = [_head_block(plan.title, plan.message, not plan.groups, width)]
    blocks += [_group_block(group, width) for group in plan.groups]
    if plan.others and others:
        blocks.append(_others_block(tuple(f"{a.number}. {a.short}" for a in plan.others), width))
    if plan.contacts:
        blocks.append(("", "Qui contacter"))
        blocks += [_contact_block(c, width) for c in plan.contacts if c.how]
        if known := tuple(c for c in plan.contacts if not c.how):  # the employer, the médecin traitant…
            blocks.append(_known_block(known, len(known) < len(plan.contacts), width))
    return blocks


@functools.lru_cache(maxsize=1024)
def _head_block(title: str, message: str, empty: bool, width: int) -> tuple[str, ...]:
    lines = (*wrapped(title, width, "", ""), *wrapped(message, width, "", ""))
    if empty:
        lines += ("", *wrapped("Aucun dispositif ne correspond à cette situation.", width, "", ""))
    return lines


@functools.lru_cache(maxsize=16384)
def _group_block(group: Group, width: int) -> tuple[str, ...]:
    lines: tuple[str, ...] = ("", group.title)
    for a in group.actions:
        lines += wrapped(a.line, width, f"{a.number:>2}. ", "    ")
    return lines


@functools.lru_cache(maxsize=4096)
def _others_block(entries: tuple[str, ...], width: int) -> tuple[str, ...]:
    # each entry kept whole on its line: its spaces do not break
    # (one longer than a line keeps its ordinary spaces: it wraps rather than overflow)
    text = " · ".join(entry.replace(" ", NBSP) if len(entry) <= width - 6 else entry for entry in entries)
    return ("", *wrapped(f"Autres dispositifs possibles ({len(entries)}) : {text}", width, "", "    "))


@functools.lru_cache(maxsize=4096)
def _contact_block(contact: ContactLine, width: int) -> tuple[str, ...]:
    return wrapped(contact.joined(NBSP), width, "  - ", "    ")


@functools.lru_cache(maxsize=4096)
def _known_block(known: tuple[ContactLine, ...], also: bool, width: int) -> tuple[str, ...]:
    return wrapped(("Aussi : " if also else "") + " · ".join(f"{c.name}{NBSP}({f',{NBSP}'.join(map(str, c.actions))})"
                                                            for c in known), width, "  - ", "    ")
