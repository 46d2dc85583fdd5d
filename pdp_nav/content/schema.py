"""JSON Schema checks of the YAML files, with French messages placed at file:line:column.

The schemas are the published ones (``trees/schema/*.schema.json``, shipped as
``pdp_nav/trees/schema``). A valid file is recognised by the compiled check
(``schema_accept``); jsonschema is imported only to word the errors of an invalid one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from functools import cache
from typing import Any
from urllib.parse import urldefrag, urljoin

from ..core.legal import item_problem
from ..errors import Problem, shown
from .document import Document
from .files import data_dir


@cache
def _schemas() -> dict[str, Any]:
    """The published schemas by name (``arbre``, ``catalogue``…)."""
    return {
        p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in (data_dir() / "schema").glob("*.schema.json")
    }


@cache
def _accept_checks() -> dict[str, Any]:
    """The compiled yes/no checks (``schema_accept``)."""
    from .schema_accept import compile_schemas  # start-up: compiled on a cold load only

    return compile_schemas(_schemas())


@cache
def _validators() -> dict[str, Any]:
    import jsonschema  # start-up: only the errors of an invalid file are worded by jsonschema
    from referencing import Registry, Resource

    schemas = _schemas()
    registry: Registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    by_id = {s["$id"]: s for s in schemas.values()}
    return {
        # the format checker makes `checked: 2026-13-45` an error: only real calendar dates
        name: jsonschema.Draft202012Validator(_inline_refs(schema, schema["$id"], by_id, ()), registry=registry,
                                              format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
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
    """Check ``doc`` against ``trees/schema/<schema>.schema.json``; French messages.

    A valid file is recognised by the compiled check (``schema_accept``); jsonschema, whose
    generic descent is much slower, only runs to word the errors of an invalid one.
    """
    from .schema_accept import is_valid  # start-up: compiled on a cold load only

    check = _accept_checks().get(schema)
    if check is not None and is_valid(check, doc.data):
        return []
    validator = _validators()[schema]
    problems = []
    for err in sorted(validator.iter_errors(_plain(doc.data)), key=lambda e: list(map(str, e.absolute_path))):
        problem = _schema_problem(doc, err)
        if problem not in problems:  # a wrong legal reference can fail several keywords
            problems.append(problem)
    return problems


def _schema_problem(doc: Document, err: Any) -> Problem:
    path = tuple(err.absolute_path)
    kind, value, schema = err.validator, err.instance, err.schema
    where = doc.loc(path)
    what = _what(path)
    field_name = str(path[-1]) if path else ""
    if len(path) > 1 and isinstance(path[-1], int) and isinstance(path[-2], str):
        field_name = f"{path[-2]} n° {path[-1] + 1}"  # « aliases n° 2 », not « 1 » (issue #11)
    rule = "schema"
    if len(path) > 3 and path[0] == "dispositifs" and path[2] == "legal":
        key, text = item_problem(doc.data["dispositifs"][path[1]]["legal"][path[3]], doc.data["format_version"])
        return Problem(doc.loc(path[:4] + key, key=bool(key)),
                       f"{what} : référence légale n° {path[3] + 1} : {text}", rule="bad-legal")
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
        message = f"clé inconnue « {shown(key)} » dans {what}{hint}"
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
        message = (f"valeur « {doc.shown(path, value)} » non permise pour « {field_name} » : attendu "
                   + " ou ".join(f"« {a} »" for a in allowed))
    elif kind in ("pattern", "format") and field_name == "checked":
        message = f"{what} : date « {doc.shown(path, value)} » invalide, écrivez une date réelle AAAA-MM-JJ"
    elif kind == "pattern" and (field_name == "departement" or "departements" in path):
        message = (f"code de département « {doc.shown(path, value)} » invalide : écrivez son numéro entre guillemets, "
                   "par exemple \"56\", \"2A\" ou \"974\"")
        rule = "bad-departement"
    elif kind == "pattern" or (kind == "not" and isinstance(value, str)):
        message = (f"identifiant « {doc.shown(path, value)} » invalide : lettres minuscules sans accents, chiffres, "
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
    elif kind == "oneOf" and len(path) > 1 and path[-2] == "contacts":
        message = (f"contact n° {int(path[-1]) + 1} invalide dans {what} : écrivez son identifiant, ou "
                   "{id: identifiant, when: condition} pour un contact montré seulement dans certaines situations")
        rule = "bad-contact"
    elif kind == "oneOf":
        message = f"« {field_name} » invalide dans {what} : un texte, ou title (et url commençant par http)"
    elif kind == "maxLength":
        message = f"« {field_name} » trop long dans {what}"
    else:  # pragma: no cover - every keyword used in our schemas is handled above
        message = f"valeur invalide dans {what} ({err.message})"
    return Problem(where, message, rule=rule)
