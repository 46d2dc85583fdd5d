"""Property-based tests: random valid trees and random answer sequences keep the engine's invariants."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdp_nav.core.engine import Navigation, fit_mask, iter_paths, replay, walk, walk_fits
from pdp_nav.errors import TreeInvalidError
from pdp_nav.content.load import load_tree

LEGAL = {"legal": ["C. trav., art. L4624-3"], "sources": ["test"], "checked": "2026-11-01",
         "confidence": "high", "summary": "s", "for_whom": "f", "conditions": "c", "decides": "d",
         "next_step": "n", "contacts": ["spst"]}


@st.composite
def trees(draw: st.DrawFn) -> dict:
    """A random acyclic tree: question i only leads to questions after it, or to an outcome."""
    n = draw(st.integers(1, 7))
    outcomes = [f"o{k}" for k in range(draw(st.integers(1, 3)))]
    questions = {}
    for i in range(n):
        width = draw(st.integers(2, 3))
        targets = [f"q{j}" for j in range(i + 1, n)] + outcomes
        questions[f"q{i}"] = {"text": f"Question {i} ?", "help": "Aide.", "options": [
            {"id": f"r{k}", "label": f"Réponse {k}", "next": draw(st.sampled_from(targets))}
            for k in range(width)]}
    atoms = [(q, f"r{k}") for q in questions for k in range(2)]
    dispositifs = {}
    for d in range(draw(st.integers(1, 4))):
        chosen = draw(st.lists(st.sampled_from(atoms), min_size=1, max_size=3))
        kind = draw(st.sampled_from(["all", "any", "not"]))
        parts = [{q: o} for q, o in chosen]
        when = {"not": {"any": parts}} if kind == "not" else {kind: parts}
        dispositifs[f"d{d}"] = {"name": f"Dispositif {d}", **LEGAL, "when": when}
    if draw(st.booleans()):
        dispositifs["socle"] = {"name": "Socle", **LEGAL, "when": True}
    return {
        "arbre": {"format_version": 1, "tree": {"id": "t", "version": "1", "title": "T", "root": "q0"},
                  "questions": questions,
                  "outcomes": {o: {"title": o, "text": "Issue."} for o in outcomes}},
        "catalogue": {"format_version": 1, "dispositifs": dispositifs},
        "contacts": {"format_version": 1, "contacts": {"spst": {
            "name": "SPST", "description": "Service.", "scope": "departemental", "channels": []}}},
    }


class NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter: 3× faster
    """pdp-nav refuses YAML aliases: write shared values out in full."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def load(files: dict):
    """Load the generated tree through the real loader; None when the linter rejects it."""
    with tempfile.TemporaryDirectory() as where:  # the tree is read whole: its files can go
        root = Path(where)
        for name, data in files.items():
            text = yaml.dump(data, Dumper=NoAliasDumper, allow_unicode=True)
            (root / f"{name}.yaml").write_text(text, encoding="utf-8")
        try:
            return load_tree(root)
        except TreeInvalidError as exc:
            # only the expected lint findings on random trees: unreachable nodes, empty paths
            assert {p.rule for p in exc.problems} <= {"unreachable", "empty-path"}, exc.message
            return None


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@SETTINGS
@given(trees(), st.lists(st.integers(0, 2), max_size=10))
def test_random_walks_keep_invariants(files: dict, picks: list[int]) -> None:
    tree = load(files)
    if tree is None:
        return
    state = Navigation(tree)
    for pick in picks:
        if state.done:
            break
        low, high = state.remaining()
        options = state.question.options
        after = state.answer(options[pick % len(options)].id)
        assert after.back() == state                       # back undoes answer exactly
        assert after.remaining()[0] >= low - 1 and after.remaining()[1] <= high - 1
        assert replay(tree, after.answers)[0] == after      # replay reaches the same state
        revised, dropped = after.revise(after.steps[-1].question.id, after.steps[-1].option.id)
        assert revised == after and dropped == ()           # re-giving an answer changes nothing
        state = after
    if state.done:
        assert state.result().proposals                    # every complete path proposes something


@pytest.mark.slow
@SETTINGS
@given(trees())
def test_every_path_of_a_valid_tree_proposes_a_dispositif(files: dict) -> None:
    tree = load(files)
    if tree is None:
        return
    for path in iter_paths(tree):
        state, unused = replay(tree, path.answers)
        assert state.done and not unused and state.outcome is path.outcome
        assert state.result().proposals


@SETTINGS
@given(trees())
def test_the_walk_with_bits_gives_each_path_its_fit_mask(files: dict) -> None:
    """``walk_fits`` (siblings share the bits of the conditions that do not read their last
    question) gives every path, in the same order, the bits ``fit_mask`` gives it alone."""
    tree = load(files)
    if tree is None:
        return
    alone = [(list(steps), dict(answers), outcome, fit_mask(tree, answers)) for steps, answers, outcome in walk(tree)]
    tree.memo.clear()  # from an empty memo too, as a fresh tree
    assert [(list(steps), dict(answers), outcome, fit) for steps, answers, outcome, fit in walk_fits(tree)] == alone
