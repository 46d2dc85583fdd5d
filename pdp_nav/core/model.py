"""The immutable domain model: questions route, dispositifs and contacts hold the facts."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .conditions import Condition


class Confidence(enum.Enum):
    """How sure the fact sheet is of a dispositif's rules (``facts.md`` ratings)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return {"high": "élevée", "medium": "moyenne", "low": "faible"}[self.value]


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    next: str
    """Id of the question or outcome this answer leads to."""
    help: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    help: str
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option | None:
        for o in self.options:  # a loop, not next() over a generator: asked for every step of every path
            if o.id == option_id:
                return o
        return None


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a path ends: a named situation; the dispositifs come from their conditions."""

    id: str
    title: str
    text: str
    first: tuple[str, ...] = ()
    """Dispositifs to list first, in this order, when they are proposed here."""
    allow_empty: bool = False
    """True for a deliberate « aucun dispositif » ending (otherwise a lint error)."""


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class LegalRef:
    """A legal reference: an article of a code, a text (décret, loi…), or a free title.

    Exactly one kind is set: ``code`` + ``article``, ``text`` (with ``number``/``date``), or
    ``title``. Labels and Légifrance links are built by :mod:`pdp_nav.core.legal`.
    """

    code: str = ""
    """``travail``, ``securite_sociale``, ``rural``, ``action_sociale``, ``fonction_publique``."""
    article: str = ""
    """Article number as Légifrance writes it (``R4624-29``); for a text, its article (``22``)."""
    to: str = ""
    """Last article of a range (« art. D323-6 à D323-6-7 »)."""
    text: str = ""
    """Kind of text: ``decret``, ``loi``, ``ordonnance``, ``arrete``, ``circulaire``, ``instruction``."""
    number: str = ""
    date: dt.date | None = None
    title: str = ""
    """A reference that is neither an article nor a numbered text, written out."""
    detail: str = ""
    """Part of the article (« 4° », « et suivants »), shown right after it."""
    note: str = ""
    """Why it is cited, shown in brackets."""
    until: dt.date | None = None
    """The day the cited article stops being in force (a repeal already published); the label says so."""
    legiarti: str = ""
    """Légifrance id of the article (``LEGIARTI…``), for a direct link; filled by ``lois convertir``."""
    url: str = ""
    """Link of a text or title (a JORF page…)."""


@dataclass(frozen=True, slots=True)
class Channel:
    """One way to reach a contact: telephone, web, email, address or other."""

    kind: str
    value: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: str
    description: str
    scope: str
    """``national``, ``regional`` or ``departemental`` (local details in an overlay)."""
    channels: tuple[Channel, ...] = ()
    departement: str = ""
    """Set when the details come from a département overlay."""


WHEN = ("maintenant", "reprise", "ensuite")
"""When an action of the plan happens, in plan order (``plan.when`` in the catalogue)."""


@dataclass(frozen=True, slots=True)
class PlanCase:
    """A change of timing or priority that holds only on some answers (``plan.cases``)."""

    condition: Condition
    when: str = ""
    priority: int | None = None
    key_fact: str = ""


@dataclass(frozen=True, slots=True)
class PlanSpec:
    """How a dispositif shows in the action plan: content, not code (``plan:`` in the catalogue)."""

    short: str
    """Short name, for one line of the plan."""
    when: str
    """``maintenant``, ``reprise`` or ``ensuite`` (:data:`WHEN`)."""
    priority: int
    """1 first; the most important actions make the main view."""
    key_fact: str = ""
    """The one fact that makes it apply now: a deadline or a threshold."""
    who: str = ""
    """Who acts or whom to call ('' : the first contact, or the SPST itself)."""
    cases: tuple[PlanCase, ...] = ()
    given: bool = True
    """False when the catalogue has no ``plan:`` and the defaults of the category apply."""


CATEGORY_PLAN = {
    "visite": ("maintenant", 20), "accompagnement": ("maintenant", 30), "remobilisation": ("maintenant", 40),
    "local": ("maintenant", 45), "fonction-publique": ("maintenant", 35), "amenagement": ("reprise", 30),
    "reprise-progressive": ("reprise", 35), "inaptitude": ("ensuite", 50), "handicap": ("ensuite", 55),
    "reconversion": ("ensuite", 60), "specialise": ("ensuite", 60), "revenu": ("ensuite", 70),
    "aide-financiere": ("ensuite", 70),
}
"""Timing and priority of a dispositif whose catalogue entry has no ``plan:`` yet."""


@dataclass(frozen=True, slots=True)
class Dispositif:
    id: str
    name: str
    summary: str
    """What it is."""
    for_whom: str
    conditions: str
    """Durations, thresholds and conditions, in prose."""
    decides: str
    """Who prescribes or decides."""
    next_step: str
    """What the médecin du travail does next."""
    contacts: tuple[str, ...]
    legal: tuple[LegalRef, ...]
    sources: tuple[Source, ...]
    checked: dt.date
    confidence: Confidence
    to_confirm: str
    """What to confirm and with whom, required when confidence is not high."""
    when: Condition
    category: str = ""
    departements: tuple[str, ...] = ()
    """A local dispositif: only proposed when the tree is used with one of these départements."""
    contact_when: tuple[tuple[str, Condition], ...] = ()
    """Contacts of ``contacts`` shown only when their condition holds on the answers."""
    aliases: tuple[str, ...] = ()
    """Other names doctors use (« Sameth », « mi-temps thérapeutique »), for ``fiche`` and ``cherche``."""
    plan: PlanSpec | None = None
    """How it shows in the action plan (None: defaults from ``category``, see :meth:`plan_spec`)."""

    def plan_spec(self) -> PlanSpec:
        """The catalogue's ``plan:``, or defaults derived from the category."""
        if self.plan is not None:
            return self.plan
        when, priority = CATEGORY_PLAN.get(self.category, ("maintenant", 50))
        return PlanSpec(self.name, when, priority, given=False)


@dataclass(frozen=True)
class Tree:
    """A loaded tree directory: routing, catalogue and contacts (with an overlay applied)."""

    id: str
    version: str
    title: str
    root: str
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]
    dispositifs: dict[str, Dispositif]
    contacts: dict[str, Contact]
    digest: str = ""
    """sha256 of the tree files' content, to tell two versions apart."""
    departement: str = ""
    local_contacts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Dispositif id -> ids of local contacts an overlay attaches to it."""
    memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)
    """Derived data computed once per tree (remaining-question bounds…). Not an init field, so
    ``dataclasses.replace`` (an overlay applied) starts a new, empty memo: a result memoised for
    the base tree is never served for a département."""

    def node(self, node_id: str) -> Question | Outcome | None:
        return self.questions.get(node_id) or self.outcomes.get(node_id)

    def contacts_of(self, dispositif: Dispositif, answers: Mapping[str, str] | None = None) -> tuple[str, ...]:
        """The contacts of ``dispositif``: local ones (overlay) first, then the catalogue's.

        With ``answers``, a conditional contact is kept only if its condition holds; without,
        all are listed (the catalogue).
        """
        extra = self.local_contacts.get(dispositif.id, ())
        ids = dispositif.contacts
        if answers is not None and dispositif.contact_when:
            hidden = {cid for cid, cond in dispositif.contact_when if not cond.matches(answers)}
            ids = tuple(cid for cid in ids if cid not in hidden)
        return tuple(dict.fromkeys((*extra, *ids)))
