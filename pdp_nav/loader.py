"""Reading a tree directory: files, JSON Schema checks with positions, and the model.

A tree directory holds ``arbre.yaml`` (questions and outcomes), ``catalogue.yaml``
(dispositifs), ``contacts.yaml`` and optional ``departements/NN.yaml`` overlays.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from .conditions import parse_condition
from .errors import InputError, Location, Problem, TreeInvalidError, display_path
from .model import (
    Channel, Confidence, Contact, Dispositif, Option, Outcome, Question, Source, Tree,
)
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


# --- JSON Schema, with French messages -------------------------------------------------

@cache
def _validators() -> dict[str, Any]:
    import jsonschema  # lazy: only cold loads and `validate` pay for it
    from referencing import Registry, Resource

    schemas = {
        p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in (data_dir() / "schema").glob("*.schema.json")
    }
    registry: Registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    by_id = {s["$id"]: s for s in schemas.values()}
    return {
        name: jsonschema.Draft202012Validator(_inline_refs(schema, schema["$id"], by_id, ()), registry=registry)
        for name, schema in schemas.items()
    }


def _inline_refs(node: Any, base: str, by_id: dict[str, Any], seen: tuple[str, ...]) -> Any:
    """``node`` with each plain ``$ref`` replaced by what it points to (recursive ones kept, absolute).

    jsonschema resolves a ``$ref`` (URL join, registry lookup) every time it meets it: checking
    1,000 scenario files was spent mostly there (issue #7). Errors are reported the same way.
    """
    if isinstance(node, list):
        return [_inline_refs(v, base, by_id, seen) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        from urllib.parse import urldefrag, urljoin

        target = urljoin(base, ref)
        doc_id, fragment = urldefrag(target)
        if target not in seen and set(node) <= {"$ref", "description"} and doc_id in by_id \
                and fragment.startswith("/"):
            resolved: Any = by_id[doc_id]
            for part in fragment.lstrip("/").split("/"):
                resolved = resolved[part.replace("~1", "/").replace("~0", "~")]
            return _inline_refs(resolved, doc_id, by_id, (*seen, target))
        return {**{k: _inline_refs(v, base, by_id, seen) for k, v in node.items()}, "$ref": target}
    return {k: (v if k in ("$id", "$defs") else _inline_refs(v, base, by_id, seen)) for k, v in node.items()}


def _plain(value: Any) -> Any:
    """Dates as ISO strings, so that JSON Schema sees what a JSON document would hold."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_TYPES = {"object": "un dictionnaire (clé: valeur)", "array": "une liste", "string": "un texte",
          "boolean": "true ou false", "integer": "un nombre entier"}
_MISSING = {
    "legal": ("missing-legal", "n'a pas de référence légale : ajoutez « legal: » avec le ou les articles "
              "(code du travail, code de la sécurité sociale…)"),
    "sources": ("missing-source", "n'a pas de source : ajoutez « sources: » (page officielle, texte…)"),
    "checked": ("missing-checked", "n'a pas de date de vérification : ajoutez « checked: AAAA-MM-JJ »"),
}


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "un dictionnaire"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, float)):
        return "un nombre"
    if value is None:
        return "une valeur vide"
    return "un texte"


def _what(path: tuple[Any, ...]) -> str:
    """A French name for the element at ``path``, e.g. « dispositif « crpe » »."""
    kinds = {"questions": "la question", "outcomes": "l'issue", "dispositifs": "le dispositif",
             "contacts": "le contact", "answers": "les réponses", "expect": "les attentes"}
    for i in range(len(path) - 1, -1, -1):
        if path[i] in kinds and i + 1 < len(path) and isinstance(path[i + 1], str):
            return f"{kinds[path[i]]} « {path[i + 1]} »"
    return "le fichier"


def schema_problems(doc: Document, schema: str) -> list[Problem]:
    """Check ``doc`` against ``trees/schema/<schema>.schema.json``; French messages."""
    validator = _validators()[schema]
    problems = []
    for err in sorted(validator.iter_errors(_plain(doc.data)), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(_schema_problem(doc, err))
    return problems


def _schema_problem(doc: Document, err: Any) -> Problem:
    path = tuple(err.absolute_path)
    kind, value, schema = err.validator, err.instance, err.schema
    where = doc.loc(path)
    what = _what(path)
    field_name = str(path[-1]) if path else ""
    rule = "schema"
    if kind == "required":
        where = doc.loc(path, key=True)
        # jsonschema yields one error per missing key, named only in its message
        named = err.message.removesuffix(" is a required property")
        missing = named[1:-1] if named != err.message and named[:1] in "'\"" else next(
            k for k in err.validator_value if k not in value)
        if missing in _MISSING and path[:1] == ("dispositifs",):
            rule, text = _MISSING[missing]
            message = f"{what} {text}"
        else:
            message = f"{what} : clé obligatoire « {missing} » manquante"
    elif kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        unknown = [k for k in value if k not in allowed]
        key = unknown[0]
        where = doc.loc((*path, key), key=True)
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" : vouliez-vous dire « {close[0]} » ?" if close else f" (clés possibles : {', '.join(allowed)})"
        message = f"clé inconnue « {key} » dans {what}{hint}"
        rule = "unknown-key"
    elif kind == "type":
        expected = _TYPES.get(err.validator_value, err.validator_value)
        message = f"« {field_name} » doit être {expected}, pas {_type_name(value)}"
        if not path:  # the whole document
            message = (f"le fichier doit contenir {expected}, pas {_type_name(value)} : "
                       "il commence par « format_version: 1 » suivi de ses sections")
        rule = "wrong-type"
    elif kind in ("const", "enum"):
        allowed = [err.validator_value] if kind == "const" else err.validator_value
        message = (f"valeur « {value} » non permise pour « {field_name} » : attendu "
                   + " ou ".join(f"« {a} »" for a in allowed))
    elif kind == "pattern" and field_name == "checked":
        message = f"{what} : date « {value} » invalide, écrivez-la AAAA-MM-JJ"
    elif kind == "pattern" or (kind == "not" and isinstance(value, str)):
        message = (f"identifiant « {value} » invalide : lettres minuscules sans accents, chiffres, "
                   "« - » et « _ » uniquement (et ni « all », ni « any », ni « not »)")
        rule = "bad-id"
        if path and isinstance(value, str) and value == path[-1]:
            where = doc.loc(path, key=True)
    elif kind == "minLength":
        message = f"« {field_name} » est vide dans {what} : écrivez le texte"
    elif kind in ("minItems", "minProperties"):
        message = f"« {field_name} » est vide dans {what} : au moins un élément attendu"
        if field_name in ("legal", "sources") and path[:1] == ("dispositifs",):
            rule, text = _MISSING[field_name]
            message = f"{what} {text}"
    elif "when" in path:  # anything wrong inside an eligibility condition
        message = (f"condition invalide dans {what} : écrivez true, ou un dictionnaire "
                   "« question: option » / « question: [options] », avec all, any ou not")
        rule = "bad-condition"
    elif kind == "oneOf":
        message = f"« {field_name} » invalide dans {what} : un texte, ou title (et url commençant par http)"
    elif kind == "maxLength":
        message = f"« {field_name} » trop long dans {what}"
    else:  # pragma: no cover - every keyword used in our schemas is handled above
        message = f"valeur invalide dans {what} ({err.message})"
    return Problem(where, message, rule=rule)


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
    return sources, unreadable


def _check_top(doc: Document, schema: str) -> list[Problem]:
    if doc.data is None:
        return [Problem(doc.loc(), "fichier vide : il doit contenir « format_version: 1 » et ses sections")]
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
            contacts=tuple(d["contacts"]), legal=tuple(d["legal"]),
            sources=tuple(Source(s) if isinstance(s, str) else Source(s["title"], s.get("url", ""))
                          for s in d["sources"]),
            checked=_date(d["checked"]), confidence=Confidence(d["confidence"]),
            to_confirm=d.get("to_confirm", ""), when=parse_condition(d["when"], ("dispositifs", did, "when")),
            category=d.get("category", ""))
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


def apply_overlay(tree: Tree, doc: Document) -> Tree:
    """Return ``tree`` with the local contacts of one département overlay merged in."""
    data = doc.data
    dep = data["departement"]
    contacts = dict(tree.contacts)
    local: dict[str, list[str]] = {k: list(v) for k, v in tree.local_contacts.items()}
    for cid, c in data["contacts"].items():
        channels = tuple(Channel(ch["kind"], ch["value"], ch.get("note", "")) for ch in c.get("channels", ()))
        base = contacts.get(cid)
        if base is None:
            contacts[cid] = Contact(cid, c.get("name", cid), c.get("description", ""), "departemental",
                                    channels, departement=dep)
        else:
            contacts[cid] = replace(base, name=c.get("name", base.name),
                                    description=c.get("description", base.description),
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
        problems += _check_top(sources.docs[role], role)
    for dep, doc in sources.overlays.items():
        found = _check_top(doc, "departement")
        if any(p.rule != "duplicate-key" for p in found):
            sources.invalid_overlays.add(dep)
        problems += found
        if doc.data and isinstance(doc.data, dict) and doc.data.get("departement") not in (None, dep):
            problems.append(Problem(doc.loc(("departement",)), (
                f"le fichier {dep}.yaml déclare le département « {doc.data.get('departement')} » : "
                f"renommez le fichier ou corrigez « departement: \"{dep}\" »"), rule="overlay-name"))
    main_files = {d.file for d in sources.docs.values()}
    structural = [p for p in problems if p.rule != "duplicate-key" and p.location.file in main_files]
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
    if departement:
        tree = apply_overlay(tree, overlay_doc(sources, tree_dir, departement))
    return tree


def _load_checked(tree_dir: Path) -> tuple[Sources, Tree]:
    """Read, schema-check and lint ``tree_dir``; raise unless it is valid."""
    from .lint import lint  # the linter builds on this module

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


def overlay_doc(sources: Sources, tree_dir: Path, departement: str) -> Document:
    """The overlay document of ``departement``, or a French error listing the available ones."""
    dep = departement.strip().upper().zfill(2)
    if dep not in sources.overlays:
        available = ", ".join(sorted(sources.overlays)) or "aucune"
        raise InputError(Problem(Location(display_path(tree_dir / "departements")), (
            f"aucune surcouche pour le département « {departement} » (disponibles : {available}) : "
            f"créez departements/{dep}.yaml ou choisissez un autre département")))
    return sources.overlays[dep]
