"""A compiled yes/no check of the published JSON Schemas, run before jsonschema (issue #11).

jsonschema's generic descent (a validator object per sub-schema and per value, every keyword
looked up in a table) costs about 60 µs per YAML node: a 20,000-question tree took 5 s in it
alone. Valid files are by far the common case, so each schema is compiled once into nested
closures that only answer "valid" or "not valid"; ``schema.schema_problems`` calls jsonschema
only when the answer is "not valid", to word the errors. No check is weakened: the answer is
exact for the keywords our schemas use, and anything the closures cannot decide for certain (a
keyword they do not know, a value that is not plain JSON data, a list of non-texts to keep
unique, two containers to compare) raises :class:`Unsure`, and jsonschema decides.
``tests/test_schema_accept.py`` checks the answers against jsonschema on mutated documents.

The ``format`` values our schemas use are written here (:data:`FORMATS`), with jsonschema's own
rule: a valid file is then checked without importing jsonschema at all (about 130 ms of every
cold load). A format not in the table leaves its schema to jsonschema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urldefrag, urljoin

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default"})
_PLAIN_TYPES = (str, int, float, bool, type(None), dict, list)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _is_date(value: str) -> bool:
    """RFC 3339 ``full-date`` as jsonschema checks it: ``AAAA-MM-JJ`` in ASCII digits, a real calendar day."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


FORMATS: dict[str, Callable[[str], bool]] = {"date": _is_date}
"""The ``format`` checks compiled (the one our schemas use), each the same rule as jsonschema's:
``tests/test_schema_accept.py`` compares them on valid and invalid values."""


class Unsure(Exception):
    """The compiled check cannot decide for certain: jsonschema must."""


class Unsupported(Exception):
    """A schema uses a keyword this module does not compile: jsonschema checks it alone."""


def compile_schemas(schemas: dict[str, Any],
                    formats: dict[str, Callable[[str], bool]] = FORMATS) -> dict[str, Check]:
    """One check per schema (by name), or none for a schema that uses an unsupported keyword or format.

    Args:
        schemas: the published schemas by name, each with its absolute ``$id``.
        formats: the check of each ``format`` value, the same rule as jsonschema's (:data:`FORMATS`).
    """
    compiler = _Compiler({s["$id"]: s for s in schemas.values()}, formats)
    checks = {}
    for name, schema in schemas.items():
        try:
            checks[name] = compiler.ref(schema["$id"])
            compiler.finish()
        except Unsupported:
            compiler.drop()
    return checks


def is_valid(check: Check, value: Any) -> bool | None:
    """``check(value)``, or None when it cannot decide (jsonschema must)."""
    try:
        return check(value)
    except Unsure:
        return None


class _Compiler:
    def __init__(self, by_id: dict[str, Any], formats: dict[str, Callable[[str], bool]]) -> None:
        self.by_id = by_id
        self.formats = formats
        self.refs: dict[str, Check] = {}
        self.pending: list[tuple[str, list[Check]]] = []

    def ref(self, target: str) -> Check:
        """The check of the sub-schema at absolute URL ``target``, compiled once (recursion allowed)."""
        if target in self.refs:
            return self.refs[target]
        cell: list[Check] = []
        self.refs[target] = lambda value: cell[0](value)  # filled below; a recursive $ref waits for it
        doc_id, fragment = urldefrag(target)
        if doc_id not in self.by_id or (fragment and not fragment.startswith("/")):
            raise Unsupported(target)
        node: Any = self.by_id[doc_id]
        for part in filter(None, fragment.split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        self.pending.append((target, cell))
        cell.append(self.schema(node, doc_id))
        self.refs[target] = cell[0]  # later users call it directly; recursive ones went through the cell
        return cell[0]

    def finish(self) -> None:
        self.pending.clear()

    def drop(self) -> None:
        """Forget what the failed schema compiled (a shared $ref may still be half-built)."""
        for target, _cell in self.pending:
            self.refs.pop(target, None)
        self.pending.clear()

    def schema(self, node: Any, base: str) -> Check:
        if node is True:
            return _always
        if node is False:
            return _never
        if not isinstance(node, dict):
            raise Unsupported(repr(node))
        checks: list[Check] = []
        for key, arg in node.items():
            if key in _ANNOTATIONS or key in ("then", "else"):
                continue
            build = getattr(self, "k_" + key.lstrip("$"), None)
            if build is None:
                raise Unsupported(key)
            checks.append(build(arg, node, base))
        return _all_of(checks)

    # -- keywords (each: the check of one keyword, given its argument) ------------------

    def k_ref(self, arg: str, node: dict[str, Any], base: str) -> Check:
        return self.ref(urljoin(base, arg))

    def k_type(self, arg: Any, node: dict[str, Any], base: str) -> Check:
        tests = [_TYPES[t] for t in ([arg] if isinstance(arg, str) else arg)]
        if len(tests) == 1:
            return tests[0]  # the common case, without a generator per value (issue #11: 680,000 values)
        return lambda value: any(test(value) for test in tests)

    def k_properties(self, arg: dict[str, Any], node: dict[str, Any], base: str) -> Check:
        if "additionalProperties" in node:
            return _always  # both keywords are checked together, in one pass over the keys
        subs = {k: self.schema(v, base) for k, v in arg.items()}

        def check(value: Any) -> bool:
            if type(value) is not dict:
                return _plain_or_unsure(value)
            return all(sub(value[k]) for k, sub in subs.items() if k in value)
        return check

    def k_additionalProperties(self, arg: Any, node: dict[str, Any], base: str) -> Check:
        if "patternProperties" in node:
            raise Unsupported("patternProperties")
        subs = {k: self.schema(v, base) for k, v in node.get("properties", {}).items()}
        other = self.schema(arg, base)
        get = subs.get

        def check(value: Any) -> bool:
            if type(value) is not dict:
                return _plain_or_unsure(value)
            for k, v in value.items():
                if not get(k, other)(v):
                    return False
            return True
        return check

    def k_propertyNames(self, arg: Any, node: dict[str, Any], base: str) -> Check:
        sub = self.schema(arg, base)
        return lambda value: all(map(sub, value)) if type(value) is dict else _plain_or_unsure(value)

    def k_required(self, arg: list[str], node: dict[str, Any], base: str) -> Check:
        return lambda value: all(k in value for k in arg) if type(value) is dict else _plain_or_unsure(value)

    def k_minProperties(self, arg: int, node: dict[str, Any], base: str) -> Check:
        return lambda value: len(value) >= arg if type(value) is dict else _plain_or_unsure(value)

    def k_items(self, arg: Any, node: dict[str, Any], base: str) -> Check:
        if "prefixItems" in node or not isinstance(arg, (dict, bool)):
            raise Unsupported("items")
        sub = self.schema(arg, base)
        return lambda value: all(map(sub, value)) if type(value) is list else _plain_or_unsure(value)

    def k_minItems(self, arg: int, node: dict[str, Any], base: str) -> Check:
        return lambda value: len(value) >= arg if type(value) is list else _plain_or_unsure(value)

    def k_uniqueItems(self, arg: bool, node: dict[str, Any], base: str) -> Check:
        def check(value: Any) -> bool:
            if not arg or type(value) is not list:
                return _plain_or_unsure(value)
            if not all(type(v) is str for v in value):
                raise Unsure  # JSON equality (1 == 1.0, True != 1, containers) is jsonschema's
            return len(set(value)) == len(value)
        return check

    def k_pattern(self, arg: str, node: dict[str, Any], base: str) -> Check:
        search = re.compile(arg).search  # what jsonschema does: re.search
        return lambda value: search(value) is not None if type(value) is str else _plain_or_unsure(value)

    def k_minLength(self, arg: int, node: dict[str, Any], base: str) -> Check:
        return lambda value: len(value) >= arg if type(value) is str else _plain_or_unsure(value)

    def k_maxLength(self, arg: int, node: dict[str, Any], base: str) -> Check:
        return lambda value: len(value) <= arg if type(value) is str else _plain_or_unsure(value)

    def k_format(self, arg: str, node: dict[str, Any], base: str) -> Check:
        if arg not in self.formats:
            raise Unsupported(f"format: {arg}")
        conforms = self.formats[arg]
        # a format only constrains texts (jsonschema: any other JSON value conforms)
        return lambda value: conforms(value) if type(value) is str else _plain_or_unsure(value)

    def k_minimum(self, arg: float, node: dict[str, Any], base: str) -> Check:
        return lambda value: value >= arg if _number(value) else _plain_or_unsure(value)

    def k_maximum(self, arg: float, node: dict[str, Any], base: str) -> Check:
        return lambda value: value <= arg if _number(value) else _plain_or_unsure(value)

    def k_const(self, arg: Any, node: dict[str, Any], base: str) -> Check:
        return lambda value: _same(value, arg)

    def k_enum(self, arg: list[Any], node: dict[str, Any], base: str) -> Check:
        return lambda value: any(_same(value, a) for a in arg)

    def k_not(self, arg: Any, node: dict[str, Any], base: str) -> Check:
        sub = self.schema(arg, base)
        return lambda value: not sub(value)

    def k_oneOf(self, arg: list[Any], node: dict[str, Any], base: str) -> Check:
        subs = [self.schema(s, base) for s in arg]
        return lambda value: sum(1 for sub in subs if sub(value)) == 1

    def k_anyOf(self, arg: list[Any], node: dict[str, Any], base: str) -> Check:
        subs = [self.schema(s, base) for s in arg]
        return lambda value: any(sub(value) for sub in subs)

    def k_allOf(self, arg: list[Any], node: dict[str, Any], base: str) -> Check:
        return _all_of([self.schema(s, base) for s in arg])

    def k_if(self, arg: Any, node: dict[str, Any], base: str) -> Check:
        test = self.schema(arg, base)
        then = self.schema(node.get("then", True), base)
        other = self.schema(node.get("else", True), base)
        return lambda value: then(value) if test(value) else other(value)


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:  # the common cases, without a generator per value (issue #11: 680,000 values)
        first, second = checks
        return lambda value: first(value) and second(value)
    if len(checks) == 3:
        first, second, third = checks
        return lambda value: first(value) and second(value) and third(value)

    def check(value: Any) -> bool:
        for each in checks:
            if not each(value):
                return False
        return True
    return check


def _always(value: Any) -> bool:
    return _plain_or_unsure(value)


def _never(value: Any) -> bool:
    return False


def _plain_or_unsure(value: Any) -> bool:
    """True for a value of a JSON type; anything else (a date, a set…) is for jsonschema to judge."""
    if type(value) not in _PLAIN_TYPES:
        raise Unsure
    return True


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def _integer(value: Any) -> bool:
    return type(value) is int or type(value) is float and value.is_integer()  # 1.0 is an integer in JSON


def _same(value: Any, expected: Any) -> bool:
    """JSON Schema equality (``const``, ``enum``): True is not 1, 1.0 is 1; containers: :class:`Unsure`."""
    _plain_or_unsure(value)
    if type(value) is bool or type(expected) is bool:
        return type(value) is type(expected) and value == expected
    if _number(value) and _number(expected):
        return bool(value == expected)
    if type(value) in (dict, list) and type(expected) in (dict, list):
        raise Unsure
    return type(value) is type(expected) and value == expected


_TYPES: dict[str, Check] = {
    "string": lambda v: type(v) is str or not _plain_or_unsure(v),
    "object": lambda v: type(v) is dict or not _plain_or_unsure(v),
    "array": lambda v: type(v) is list or not _plain_or_unsure(v),
    "boolean": lambda v: type(v) is bool or not _plain_or_unsure(v),
    "null": lambda v: v is None or not _plain_or_unsure(v),
    "number": lambda v: _number(v) or not _plain_or_unsure(v),
    "integer": lambda v: _integer(v) or not _plain_or_unsure(v),
}
