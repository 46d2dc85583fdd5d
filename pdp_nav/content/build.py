"""Building the model from schema-valid documents, and merging a département's overlay into it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

from ..core.conditions import parse_condition
from ..core.legal import from_data
from ..core.model import (
    Channel,
    Confidence,
    Contact,
    Dispositif,
    Option,
    Outcome,
    PlanCase,
    PlanSpec,
    Question,
    Source,
    Tree,
)
from .document import Document
from .files import Sources, is_placeholder


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def build_tree(sources: Sources) -> Tree:
    """Build the model from schema-valid documents (references are not checked here)."""
    arbre = sources.docs["arbre"].data
    questions = {
        qid: Question(qid, q["text"], q["help"], tuple(
            Option(o["id"], o["label"], o["next"], o.get("help", "")) for o in q["options"]))
        for qid, q in arbre["questions"].items()
    }
    outcomes = {
        oid: Outcome(oid, o["title"], o["text"], tuple(o.get("first", ())), o.get("allow_empty", False))
        for oid, o in arbre["outcomes"].items()
    }
    dispositifs = {
        did: Dispositif(
            id=did, name=d["name"], summary=d["summary"], for_whom=d["for_whom"],
            conditions=d["conditions"], decides=d["decides"], next_step=d["next_step"],
            contacts=tuple(c if isinstance(c, str) else c["id"] for c in d["contacts"]),
            legal=tuple(ref for item in d["legal"] for ref in from_data(item)),
            sources=tuple(Source(s) if isinstance(s, str) else Source(s["title"], s.get("url", ""))
                          for s in d["sources"]),
            checked=_date(d["checked"]), confidence=Confidence(d["confidence"]),
            to_confirm=d.get("to_confirm", ""), when=parse_condition(d["when"], ("dispositifs", did, "when")),
            category=d.get("category", ""), departements=tuple(d.get("departements", ())),
            contact_when=tuple((c["id"], parse_condition(c["when"], ("dispositifs", did, "contacts", i, "when")))
                               for i, c in enumerate(d["contacts"]) if isinstance(c, dict)),
            aliases=tuple(d.get("aliases", ())), plan=_plan(d.get("plan"), did))
        for did, d in sources.docs["catalogue"].data["dispositifs"].items()
    }
    contacts = {
        cid: Contact(cid, c["name"], c["description"], c["scope"],
                     tuple(Channel(ch["kind"], ch["value"], ch.get("note", "")) for ch in c["channels"]))
        for cid, c in sources.docs["contacts"].data["contacts"].items()
    }
    digest = hashlib.sha256("".join(d.digest for d in sources.docs.values()).encode()).hexdigest()
    meta = arbre["tree"]
    return Tree(meta["id"], meta["version"], meta["title"], meta["root"],
                questions, outcomes, dispositifs, contacts, digest=digest)


def _filled_channels(raw: list[dict[str, str]]) -> tuple[Channel, ...]:
    """The overlay channels a doctor may see: an unfilled value is left out, an unfilled note dropped."""
    return tuple(Channel(ch["kind"], ch["value"], "" if is_placeholder(ch.get("note", "")) else ch.get("note", ""))
                 for ch in raw if not is_placeholder(ch["value"]))


def _plan(data: dict[str, Any] | None, did: str) -> PlanSpec | None:
    """The ``plan:`` block of dispositif ``did`` (None when absent: defaults apply)."""
    if data is None:
        return None
    cases = tuple(PlanCase(parse_condition(c["if"], ("dispositifs", did, "plan", "cases", i, "if")),
                           c.get("when", ""), c.get("priority"), c.get("key_fact", ""))
                  for i, c in enumerate(data.get("cases", ())))
    return PlanSpec(data["short"], data["when"], data["priority"], data.get("key_fact", ""),
                    data.get("who", ""), cases)


def apply_overlay(tree: Tree, doc: Document) -> Tree:
    """Return ``tree`` with the local contacts of one département overlay merged in.

    Nothing unfilled reaches a doctor (issue #14): a placeholder channel is left out (the
    national channels and directories stay), a placeholder name or description falls back to
    the national one.
    """
    data = doc.data
    dep = data["departement"]
    contacts = dict(tree.contacts)
    local: dict[str, list[str]] = {k: list(v) for k, v in tree.local_contacts.items()}
    for cid, c in data["contacts"].items():
        channels = _filled_channels(c.get("channels", ()))
        text = {key: c[key] for key in ("name", "description") if key in c and not is_placeholder(c[key])}
        base = contacts.get(cid)
        if base is None:
            contacts[cid] = Contact(cid, text.get("name", cid), text.get("description", ""), "departemental",
                                    channels, departement=dep)
        else:
            contacts[cid] = replace(base, name=text.get("name", base.name),
                                    description=text.get("description", base.description),
                                    channels=channels + base.channels, departement=dep)
        for did in c.get("dispositifs", ()):
            local.setdefault(did, []).append(cid)
    digest = hashlib.sha256((tree.digest + doc.digest).encode()).hexdigest()
    return replace(tree, contacts=contacts, departement=dep, digest=digest,
                   local_contacts={k: tuple(v) for k, v in local.items()})
