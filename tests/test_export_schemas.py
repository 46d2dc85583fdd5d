"""The published output schemas (docs/schema/): valid, documented, matching the examples of
docs/formats.md and what `run`, `validate` and the exports really write (shipped tree too)."""

from __future__ import annotations

import csv
import io
import json
import re
from itertools import islice
from pathlib import Path

import jsonschema
import pytest

from pdp_nav.cli import main
from pdp_nav.core.engine import iter_paths
from pdp_nav.export import paths as export_paths
from pdp_nav.export.catalogue import catalogue_dict
from pdp_nav.export.html import page_data
from pdp_nav.content.load import load_tree

from .helpers import ARBRE, OVERLAY, output_validator, shipped_tree_or_skip, write, write_tree

DOCS = Path(__file__).resolve().parent.parent / "docs"
SCHEMAS = sorted((DOCS / "schema").glob("*.schema.json"))
EXAMPLE = re.compile(r"<!-- schema: ([a-z-]+)(?: \((jsonl|csv)\))? -->\n```[a-z]*\n(.*?)```", re.S)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_and_documented(path: Path) -> None:
    """Each schema is valid draft 2020-12, self-contained, named by its $id, listed in formats.md."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"https://pdp-nav.example/docs/schema/{path.name}"
    assert re.search(r"Format version \d+[. ]", schema["description"])
    refs = re.findall(r'"\$ref": "([^"]+)"', path.read_text(encoding="utf-8"))
    assert all(ref.startswith("#/$defs/") for ref in refs)
    assert f"(schema/{path.name})" in (DOCS / "formats.md").read_text(encoding="utf-8")


def test_every_example_of_the_documentation_validates() -> None:
    examples = EXAMPLE.findall((DOCS / "formats.md").read_text(encoding="utf-8"))
    assert {name for name, _, _ in examples} == {
        "paths-line", "paths", "paths-csv", "catalogue", "catalogue-contacts-csv", "diff", "result", "validation"}
    for name, mode, body in examples:
        validator = output_validator(name)
        if mode == "jsonl":
            items = [json.loads(line) for line in body.splitlines()]
        elif mode == "csv":
            items = list(csv.DictReader(io.StringIO(body)))
        else:
            items = [json.loads(body)]
        for item in items:
            validator.validate(item)


def test_run_json_follows_result_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`run --format json` on every path of the helper tree, with the overlay's local contacts."""
    tree_dir = write_tree(tmp_path, overlays={"56": OVERLAY})
    validator = output_validator("result")
    for n, path in enumerate(iter_paths(load_tree(tree_dir)), 1):
        answers = write(tmp_path / f"a{n}.yaml", "".join(f"{q}: {o}\n" for q, o in path.answers.items()))
        assert main(["run", "-a", str(answers), "--arbre", str(tree_dir), "-d", "56", "-f", "json"]) == 0
        validator.validate(json.loads(capsys.readouterr().out))


def test_validate_json_follows_validation_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clean tree, a tree with warnings and a tree with errors."""
    validator = output_validator("validation")
    clean = write_tree(tmp_path / "clean")
    warned = write_tree(tmp_path / "warned", overlays={"56": OVERLAY})
    broken = write_tree(tmp_path / "broken", arbre=ARBRE.replace("next: arret_court", "next: arret_cour"))
    for tree, code in ((clean, 0), (warned, 0), (broken, 1)):
        assert main(["validate", "--format", "json", str(tree)]) == code
        data = json.loads(capsys.readouterr().out)
        validator.validate(data)
        assert (data["errors"] > 0) == (code == 1)


class Unseen:
    """A document reduced to what the schema has not checked yet at the same place.

    A top-level property whose schema is only ``"type": "array"`` and ``items`` checks each item
    alone (no ``minItems``, ``uniqueItems``, ``contains``…), and one that is only ``"type": "object"``
    with ``propertyNames``/``additionalProperties`` checks each entry alone: leaving out an item
    (an entry) equal to one already validated there does not change whether the rest is valid, and
    that item was found valid. Other properties are kept whole. The properties are read from the
    schema itself, so a constraint on a whole array added later stops its reduction.
    """

    def __init__(self, properties: dict) -> None:
        self.arrays = [k for k, s in properties.items()
                       if s.get("type") == "array" and set(s) <= {"type", "items", "description"}]
        self.maps = [k for k, s in properties.items() if s.get("type") == "object"
                     and set(s) <= {"type", "propertyNames", "additionalProperties", "description"}]
        self.seen: set[tuple[str, ...]] = set()

    def _new(self, *key: str) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def __call__(self, doc: dict) -> dict:
        out = dict(doc)
        for k in self.arrays:
            if isinstance(doc.get(k), list):
                out[k] = [x for x in doc[k] if self._new(k, json.dumps(x, sort_keys=True))]
        for k in self.maps:
            if isinstance(doc.get(k), dict):
                out[k] = {a: b for a, b in doc[k].items() if self._new(k, a, json.dumps(b, sort_keys=True))}
        return out


class TestShippedTree:
    """The real content of trees/: its exports follow the published schemas."""

    @pytest.mark.slow
    def test_paths_catalogue_and_page_data(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The catalogue and the page's data of the tree and of each département, whole; the
        paths export on one path in 97 (depth first, from the first), spread over the whole tree.

        The sample is taken from the paths the export walks (``iter_leaves``), before the ids
        proposed on each are computed: the records are the export's for those paths, numbered
        1, 2, 3… instead of 1, 98, 195…, without computing the 103,950 records of which 1 in 97
        was kept. Every path is compared with the reference records in test_export_paths.

        jsonschema sees each document through :class:`Unseen`: a département's catalogue and page
        data differ from the national ones in a few dispositifs and contacts, and the paths share
        their steps, answers and ids, so each distinct item is validated once where it stands
        (what a document keeps is still validated whole, with its top-level keys). A path line
        reduced so has only its index left that varies: it is checked to be 1, 2, 3… in order (an
        integer ≥ 1, all the schema asks), and lines equal but for it are validated once. The
        reduction keeps ``kind`` (``path``), so the line still matches the path branch of the
        schema's ``oneOf`` alone.
        """
        shipped = shipped_tree_or_skip()
        departements = sorted(p.stem for p in (shipped / "departements").glob("*.yaml"))
        validators = [output_validator("catalogue"), output_validator("page-data")]
        documents = [(v, Unseen(v.schema["properties"]), make)
                     for v, make in zip(validators, (catalogue_dict, page_data), strict=True)]
        for dep in [None, *departements]:
            tree = load_tree(shipped, dep)
            for validator, unseen, make in documents:
                validator.validate(unseen(make(tree)))
        tree = load_tree(shipped)
        sel = export_paths.select(tree)
        line = output_validator("paths-line")
        unseen = Unseen(line.schema["oneOf"][1]["properties"])
        assert set(unseen.arrays) == {"steps", "dispositifs", "contacts"} and unseen.maps == ["answers"]
        leaves = export_paths.iter_leaves
        monkeypatch.setattr(export_paths, "iter_leaves",
                            lambda *args, **kwargs: islice(leaves(*args, **kwargs), 0, None, 97))
        count, validated = 0, set()
        for count, record in enumerate(export_paths.json_records(tree, sel), 1):
            reduced = unseen({"kind": "path", **json.loads(record)})
            assert type(reduced["index"]) is int and reduced["index"] == count, record
            key = json.dumps({**reduced, "index": 1}, sort_keys=True)
            if key not in validated:
                validated.add(key)
                line.validate(reduced)
        assert count == -(-sum(1 for _ in leaves(tree, tree.root)) // 97) > 1000
