"""Reading a tree directory: files, their checks (:mod:`pdp_nav.schema`, lint), and the model.

A tree directory holds ``arbre.yaml`` (questions and outcomes), ``catalogue.yaml``
(dispositifs), ``contacts.yaml`` and optional ``departements/NN.yaml`` overlays.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .conditions import parse_condition
from .errors import InputError, Location, Problem, TreeInvalidError, display_path
from .legal import from_data
from .model import (
    Channel, Confidence, Contact, Dispositif, Option, Outcome, PlanCase, PlanSpec, Question, Source, Tree,
)
from .textsafe import TEXT_RULES, text_problems
from .yamlio import Document, read_yaml

FILES = {"arbre": "arbre.yaml", "catalogue": "catalogue.yaml", "contacts": "contacts.yaml"}
PLACEHOLDER = "À COMPLÉTER"


def data_dir() -> Path:
    """The ``trees/`` directory shipped with pdp-nav (inside the wheel, or the checkout)."""
    here = Path(__file__).resolve().parent
    bundled = here / "trees"
    return bundled if bundled.is_dir() else here.parent / "trees"


def default_tree_dir() -> Path:
    """``./trees`` when the current directory holds a tree, else the shipped one."""
    local = Path("trees")
    return local if (local / FILES["arbre"]).is_file() else data_dir()


@dataclass
class Sources:
    """The documents a tree was read from, to locate problems; keyed by role."""

    docs: dict[str, Document] = field(default_factory=dict)
    overlays: dict[str, Document] = field(default_factory=dict)
    invalid_overlays: set[str] = field(default_factory=set)
    """Overlays whose structure is wrong: reported, then left out of the later checks."""

    def loc(self, role: str, *path: Any, key: bool = False) -> Location:
        doc = self.docs.get(role) or self.overlays.get(role)
        return doc.loc(path, key=key) if doc else Location(role)


# --- Building the model ----------------------------------------------------------------

def _read_docs(tree_dir: Path) -> tuple[Sources, list[Problem]]:
    sources, unreadable = Sources(), []
    if not tree_dir.is_dir():
        raise InputError(Problem(Location(display_path(tree_dir)), (
            "dossier d'arbre introuvable : indiquez le dossier qui contient arbre.yaml, catalogue.yaml "
            "et contacts.yaml")))
    for role, name in FILES.items():
        try:
            sources.docs[role] = read_yaml(tree_dir / name)
        except InputError as exc:
            unreadable.extend(exc.problems)
    for path in sorted((tree_dir / "departements").glob("*.yaml")):
        try:
            sources.overlays[path.stem] = read_yaml(path)
        except InputError as exc:
            unreadable.extend(exc.problems)
    unreadable += [  # it would be silently ignored
        Problem(Location(display_path(path)), (
            f"surcouche ignorée : renommez le fichier en {path.stem}.yaml (seuls les fichiers .yaml sont lus)"))
        for path in sorted((tree_dir / "departements").glob("*.yml"))]
    return sources, unreadable


def _check_top(doc: Document, schema: str) -> list[Problem]:
    if doc.data is None:
        return [Problem(doc.loc(), "fichier vide : il doit contenir « format_version: 1 » et ses sections")]
    from .schema import schema_problems  # jsonschema only for a cold load

    return list(doc.problems) + schema_problems(doc, schema)


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


def is_placeholder(text: str) -> bool:
    """True for a value the local team has not filled yet (« À COMPLÉTER », any case or accents)."""
    return _plain(PLACEHOLDER) in _plain(text)


def _plain(text: str) -> str:
    return text.upper().replace("É", "E").replace("À", "A")


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


@dataclass
class Loaded:
    """What reading a tree directory gave: the tree (if buildable) and every problem."""

    tree: Tree | None
    sources: Sources
    problems: list[Problem]
    unreadable: bool
    """True when a file could not even be parsed (exit code 2 for ``validate``)."""


def read_tree(tree_dir: Path) -> Loaded:
    """Read and schema-check ``tree_dir``; build the tree when the structure allows."""
    sources, unreadable = _read_docs(tree_dir)
    if unreadable:
        return Loaded(None, sources, unreadable, True)
    problems: list[Problem] = []
    for role in FILES:
        problems += _check_top(sources.docs[role], role) + text_problems(sources.docs[role])
    for dep, doc in sources.overlays.items():
        problems += text_problems(doc)
        found = _check_top(doc, "departement")
        if any(p.rule != "duplicate-key" for p in found):
            sources.invalid_overlays.add(dep)
        problems += found
        if doc.data and isinstance(doc.data, dict) and doc.data.get("departement") not in (None, dep):
            problems.append(Problem(doc.loc(("departement",)), (
                f"le fichier {dep}.yaml déclare le département « {doc.data.get('departement')} » : "
                f"renommez le fichier ou corrigez « departement: \"{dep}\" »"), rule="overlay-name"))
    main_files = {d.file for d in sources.docs.values()}
    structural = [p for p in problems if p.rule not in ("duplicate-key", *TEXT_RULES) and p.location.file in main_files]
    tree = None if structural else build_tree(sources)
    return Loaded(tree, sources, problems, False)


def load_tree(tree_dir: Path | None = None, departement: str | None = None) -> Tree:
    """Load a valid tree, with the overlay of ``departement`` applied.

    Raises:
        InputError: a file cannot be read.
        TreeInvalidError: the tree has errors (all of them are in the exception).
    """
    from . import cache  # a tree already checked is rebuilt from its compiled cache

    tree_dir = tree_dir or default_tree_dir()
    warm = cache.load(tree_dir)
    if warm is None:
        sources, tree = _load_checked(tree_dir)
        cache.store(tree_dir, sources)
    else:
        sources, tree = warm
    overlay = overlay_doc(sources, departement) if departement else None
    return apply_overlay(tree, overlay) if overlay else tree


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a tree is read and checked (issue #11).

    Reading a tree builds hundreds of thousands of small dicts, lists and tuples that hold no
    reference cycle, and every collection pass walked them all again: more than half the time of
    `validate` on a 20,000-question tree. Nothing is lost: the collector runs again afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_checked(tree_dir: Path) -> tuple[Sources, Tree]:
    """Read, schema-check and lint ``tree_dir``; raise unless it is valid."""
    from .lint import lint  # the linter builds on this module

    with gc_paused():
        loaded = read_tree(tree_dir)
        problems = loaded.problems
        if loaded.tree is not None:
            problems = problems + lint(loaded.tree, loaded.sources)
    errors = [p for p in problems if p.is_error]
    if loaded.unreadable:
        raise InputError(errors)
    if errors or loaded.tree is None:
        raise TreeInvalidError(errors)
    return loaded.sources, loaded.tree


def overlay_doc(sources: Sources, departement: str) -> Document | None:
    """The overlay of ``departement`` (a code or a name, any spelling), None when it has none.

    Raises:
        InputError: ``departement`` is not a French département (one line with the valid forms).
    """
    from .departements import code, invalid_message

    dep = code(departement)
    if dep is None:
        raise InputError(Problem(Location("--departement (ou PDP_NAV_DEPARTEMENT)"), invalid_message(departement)))
    return sources.overlays.get(dep)
