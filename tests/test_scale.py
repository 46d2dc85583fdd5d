"""Large trees: the benchmark generator gives valid trees; fast path results equal the explained ones."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from pdp_nav.core import engine
from pdp_nav.content.load import load_tree
from pdp_nav.validate import check

from .helpers import big_dag_tree

ROOT = Path(__file__).resolve().parent.parent


def _gen():
    spec = importlib.util.spec_from_file_location("pdp_nav_bench_gen", ROOT / "benchmarks" / "gen.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _gen()


@pytest.mark.parametrize("nodes", [100, 400])
def test_generated_wide_trees_are_valid(nodes: int, tmp_path: Path) -> None:
    """The benchmark trees pass every check, so the timings measure real work."""
    tree_dir = gen.write_wide_tree(tmp_path / "t", nodes)
    report = check(tree_dir, dt.date.today())
    assert report.problems == [] and not report.unreadable
    tree = load_tree(tree_dir)
    assert abs(len(tree.questions) + len(tree.outcomes) - nodes) <= 3


def test_generated_layered_tree_has_width_power_layers_paths(tmp_path: Path) -> None:
    tree_dir = gen.write_layered_tree(tmp_path / "t", layers=5, width=3)
    assert check(tree_dir, dt.date.today()).problems == []
    assert sum(1 for _ in engine.iter_paths(load_tree(tree_dir))) == 3 ** 5
    with pytest.raises(ValueError):
        gen.write_layered_tree(tmp_path / "small", layers=3)


@pytest.mark.parametrize("memo_size", [1, 7, 4096])
def test_memoised_proposals_equal_the_explained_result(memo_size: int, tmp_path: Path, tree_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """proposed_ids (memoised, the tables emptied when full) gives evaluate()'s ids on every path.

    The DAG leaves its middle question uncited (the memo on the cited answers is used); the
    other trees cite every question (it is left out).
    """
    monkeypatch.setattr(engine, "_PROPOSED_MEMO", memo_size)
    dag = big_dag_tree(tmp_path / "dag", 3, 3)
    for directory in (tree_dir, gen.write_layered_tree(tmp_path / "l", layers=4, width=4), dag):
        tree = load_tree(directory)
        for _ in range(2):  # the second pass is served from the memo
            for path in engine.iter_paths(tree):
                state, _ = engine.replay(tree, path.answers)
                expected = tuple(state.result().dispositif_ids)
                assert engine.proposed_ids(tree, path.answers, path.outcome) == expected
        _, table, _, made = tree.memo["proposed"]  # the first memo is left out when every question is cited
        assert (table is None or len(table) <= memo_size) and len(made) <= memo_size
        assert (table is not None) == (directory == dag)


def test_outcome_order_applies_to_memoised_results(tree_dir: Path) -> None:
    """Two outcomes reached with the same cited answers keep their own « first » order."""
    tree = load_tree(tree_dir)
    answers = {"phase": "reprise", "rqth": "oui"}
    plain = engine.Outcome("autre", "Autre", "…")
    assert engine.proposed_ids(tree, answers, tree.outcomes["synthese"]) == ("cap-emploi-maintien", "visite-reprise")
    assert engine.proposed_ids(tree, answers, plain) == ("visite-reprise", "cap-emploi-maintien")


def _errors(validator, data) -> list[tuple[str, list, str]]:
    return sorted((e.validator, list(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(data))


@pytest.mark.parametrize("schema, data", [
    ("scenario", {"format_version": 2, "title": "", "answers": {"Bad Id": "x", "all": 3}, "expect": {
        "outcome": "É", "present": ["ok", "not ok"], "extra": 1}}),
    ("arbre", {"format_version": 1, "tree": {"id": "any", "root": 3}, "questions": {"q": {
        "text": "", "help": 1, "options": [{"id": "a", "label": "A", "next": "Z Z"}]}}, "outcomes": []}),
    ("catalogue", {"format_version": 1, "dispositifs": {"d": {
        "name": "D", "legal": [], "sources": [{"title": "t", "url": "ftp://x"}, 3], "checked": "hier",
        "confidence": "sure", "when": {"all": [{"not": {"q": [1]}}, {"any": "x"}], "q2": {"a": "b"}}}}}),
    ("contacts", {"format_version": 1, "contacts": {"c": {"name": "C", "channels": [{"kind": "fax"}]}}}),
    ("departement", {"format_version": 1, "departement": 56, "contacts": {"X": {}}}),
])
def test_inlined_schemas_report_the_same_errors(schema: str, data: dict) -> None:
    """Inlining $refs (for speed) changes no error: same keywords, paths and messages."""
    import json

    import jsonschema
    from referencing import Registry, Resource

    from pdp_nav.content.files import data_dir
    from pdp_nav.content.schema import _validators

    originals = {p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
                 for p in (data_dir() / "schema").glob("*.schema.json")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in originals.values())
    reference = jsonschema.Draft202012Validator(originals[schema], registry=registry,
                                                 format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    found = _errors(_validators()[schema], data)
    assert found == _errors(reference, data) and len(found) >= 3
