"""The compiled yes/no schema check answers exactly as jsonschema does (issue #11)."""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pdp_nav.content import schema
from pdp_nav.content.files import data_dir
from pdp_nav.content.schema_accept import FORMATS, compile_schemas, is_valid
from pdp_nav.content.yamlio import read_yaml

TREES = data_dir()
FILES = {
    "arbre": [TREES / "arbre.yaml"],
    "catalogue": [TREES / "catalogue.yaml"],
    "contacts": [TREES / "contacts.yaml"],
    "departement": sorted((TREES / "departements").glob("*.yaml")),
    "scenario": sorted((TREES / "scenarios").glob("*.yaml"))[:6],
}
REPLACEMENTS: list[Any] = [
    None, "", "x", "Deux mots", "a\n", "ALL", "all", "2026-13-45", "2026-11-29", "56", "2a", "R4624-29",
    "https://x.fr", "ftp://x", 0, 1, 100, -3, 1.5, True, False, [], ["x"], ["x", "x"], [1], {}, {"x": "y"},
    {"id": "x", "when": True}, {"title": "T"}, "é" * 81,
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _mutants(documents: list[Any], rng: random.Random, count: int) -> Iterator[Any]:
    """``count`` copies of the ``documents`` in turn, each with one value replaced, one key
    removed or one key added."""
    paths = [[p for p in _paths(data) if p] for data in documents]
    for n in range(count):
        data = documents[n % len(documents)]
        path = rng.choice(paths[n % len(documents)])
        mutant = parent = copy.copy(data)  # only the containers on the path are copied
        for part in path[:-1]:
            parent[part] = copy.copy(parent[part])
            parent = parent[part]
        what = rng.random()
        if what < 0.15 and isinstance(parent, dict):
            del parent[path[-1]]
        elif what < 0.25 and isinstance(parent, dict):
            parent[rng.choice(["zz", "id", "when", "url", "title", "if"])] = rng.choice(REPLACEMENTS)
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(REPLACEMENTS))
        yield mutant


COLLECTIONS = {"arbre": ("questions", "outcomes"), "catalogue": ("dispositifs",), "contacts": ("contacts",)}
"""The top-level mappings of items (by id) that the mutated documents share out."""


def _shares(data: dict[str, Any], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """``data`` as documents that each keep every top-level key and one item in k of each of
    ``keys`` (the items r, r + k, r + 2k…), k as large as leaves at least 2 items in each:
    together they hold every item; each is valid when ``data`` is (the schemas relate no two
    items: only ``minProperties``, which 2 items meet)."""
    if not keys:
        return [data]
    k = min(len(data[key]) for key in keys) // 2
    return [{**data, **{key: dict(list(data[key].items())[r::k]) for key in keys}} for r in range(k)]


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_compiled_check_agrees_with_jsonschema_on_mutated_documents(name: str) -> None:
    """On the shipped files and hundreds of one-change mutants, valid means exactly: no jsonschema error.

    The mutants of a file with many items (questions, outcomes, dispositifs, contacts) are made
    from shares of it (:func:`_shares`), in turn: each mutant holds 2 or 3 items of each kind,
    so both checks judge a mutated item beside untouched ones, and every item of the file is
    mutated (the whole catalogue, where one dispositif in 6 was), while jsonschema reads a
    fraction of the file per mutant (it took 12 ms a mutant on one sixth of the catalogue).
    The whole file with its last item of each kind spoilt shows that no item goes unchecked.
    """
    check = schema._accept_checks()[name]
    reference = schema._validators()[name]  # the same errors as the published schemas: test_scale.py
    rng = random.Random(f"schema-accept-{name}")
    decided = invalid = 0
    for path in FILES[name]:
        data = read_yaml(path).data
        assert is_valid(check, data) is True and reference.is_valid(data), path
        for key in COLLECTIONS.get(name, ()):  # the last item of a whole mapping is checked too
            spoilt = {**data, key: {**data[key], list(data[key])[-1]: []}}
            assert is_valid(check, spoilt) is False and not reference.is_valid(spoilt), (path, key)
        shares = _shares(data, COLLECTIONS.get(name, ()))
        assert all(is_valid(check, share) is True and reference.is_valid(share) for share in shares), path
        for mutant in _mutants(shares, rng, 240 // len(FILES[name])):
            answer = is_valid(check, mutant)
            if answer is None:
                continue
            decided += 1
            invalid += not answer
            assert answer == reference.is_valid(mutant), json.dumps(mutant, ensure_ascii=False)[:300]
    assert decided >= 180 and invalid >= 60  # the mutants do reach both answers


def test_values_that_are_not_json_data_are_left_to_jsonschema() -> None:
    """A date object (not JSON data) gets « cannot say »: jsonschema judges it."""
    import datetime as dt

    checks = schema._accept_checks()
    data = read_yaml(TREES / "catalogue.yaml").data
    dated = copy.deepcopy(data)
    next(iter(dated["dispositifs"].values()))["checked"] = dt.date(2026, 11, 29)
    assert is_valid(checks["catalogue"], dated) is None


def test_a_schema_with_an_unknown_keyword_is_not_compiled() -> None:
    """A keyword the compiler does not know leaves that schema to jsonschema alone."""
    schemas = {"a": {"$id": "https://x/a.json", "type": "object", "dependentRequired": {"x": ["y"]}},
               "b": {"$id": "https://x/b.json", "type": "object", "properties": {"y": {"$ref": "a.json"}}}}
    assert compile_schemas(schemas) == {}
    assert compile_schemas({"c": {"$id": "https://x/c.json", "$dynamicRef": "#x"}}) == {}


DATES = ["2026-11-29", "2024-02-29", "2025-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-01-00",
         "0000-01-01", "0001-01-01", "9999-12-31", "2026-1-01", "26-01-01", "20260101", "2026-W01-1",
         "2026-11-29\n", " 2026-11-29", "2026-11-29T10:00", "2026/11/29", "２０２６-１１-２９", "2026-11-2٩",
         "", "x", "2026-11-29 "]


def test_the_compiled_formats_are_jsonschemas_own() -> None:
    """Each compiled ``format`` gives jsonschema's answer, on real days, impossible days and near misses
    (a valid file is then checked without importing jsonschema); an unknown format is not compiled."""
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert set(FORMATS) == {"date"}  # the only format the published schemas use: see below
    used = {f for s in schema._schemas().values() for f in re.findall(r'"format": "([^"]+)"', json.dumps(s))}
    assert used <= set(FORMATS)
    for name, conforms in FORMATS.items():
        answers = {value: conforms(value) for value in DATES}
        assert answers == {value: checker.conforms(value, name) for value in DATES}
        assert True in answers.values() and False in answers.values()
    dated = {"$id": "https://x/d.json", "type": "object", "properties": {"d": {"format": "date"}}}
    check = compile_schemas({"d": dated})["d"]
    assert [check({"d": v}) for v in ("2026-11-29", "2026-02-30", 20261129, None)] == [True, False, True, True]
    assert compile_schemas({"e": {**dated, "properties": {"d": {"format": "email"}}}}) == {}


def test_an_invalid_file_still_gets_every_french_message(tmp_path: Path) -> None:
    """The fast check only says « not valid »: the messages still come from jsonschema's errors."""
    from pdp_nav.content.yamlio import parse_yaml

    doc = parse_yaml("format_version: 1\ntree: {id: t, version: '1', title: T, root: q}\n"
                     "questions: {q: {text: Q, options: [{id: 'A', label: A, next: f}], extra: 1}}\n"
                     "outcomes: {f: {title: F}}\n", "arbre.yaml")
    assert [str(p) for p in schema.schema_problems(doc, "arbre")] == [str(p) for p in _slow(doc, "arbre")]
    assert len(schema.schema_problems(doc, "arbre")) >= 2


def _slow(doc: Any, name: str) -> list[Any]:
    saved = schema._accept_checks
    schema._accept_checks = lambda: {}  # type: ignore[assignment]
    try:
        return schema.schema_problems(doc, name)
    finally:
        schema._accept_checks = saved  # type: ignore[assignment]
