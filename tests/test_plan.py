"""The action plan: one screen for every path of the shipped tree, content-driven order."""

from __future__ import annotations

import re

import pytest

from pdp_nav.content.files import data_dir
from pdp_nav.content.load import load_tree
from pdp_nav.core.engine import available_here, place_mask, proposed_ids, replay
from pdp_nav.views.plan import build_plan, plan_lines

from .helpers import path_classes

SHIPPED = data_dir()
OVERLAYS = [None, *sorted(p.stem for p in (SHIPPED / "departements").glob("*.yaml"))]


def plan_inputs(tree):
    """For each dispositif, the questions whose answers change its line of the plan beside
    whether it fits: its conditional contacts and its plan cases."""
    return {did: tuple(dict.fromkeys(a.node for cond in (*(c for _, c in d.contact_when),
                                                          *(case.condition for case in d.plan_spec().cases))
                                     for a in cond.atoms()))
            for did, d in tree.dispositifs.items()}


def words(lines):
    """The words of plan lines as a reader sees them (non-breaking spaces count as spaces:
    ``str.split`` cuts at them too)."""
    return " ".join(lines).split()


def one_by_one(tree, answers, outcome):
    """The dispositifs that fit, each condition evaluated on its own (no memo), in the outcome's order."""
    rank = {did: i for i, did in enumerate(outcome.first)}
    fit = [did for did, d in tree.dispositifs.items() if available_here(tree, d) and d.when.matches(answers)]
    return tuple(sorted(fit, key=lambda did: rank.get(did, len(rank))))


def in_order(tree, mask, outcome):
    """The ids of the dispositifs of ``mask`` (bits in catalogue order), in the outcome's order."""
    rank = {did: i for i, did in enumerate(outcome.first)}
    fit = [did for i, did in enumerate(tree.dispositifs) if mask >> i & 1]
    return tuple(sorted(fit, key=lambda did: rank.get(did, len(rank))))


CHECKED_PLANS: dict = {}
"""Plans already drawn and checked, by value (plan_lines depends on nothing else), each with the
départements that have it: a plan hashes its whole content, once per class key."""
STARTS_A_LINE = re.compile(r"^[?:;!»·]", re.MULTILINE)
"""What no line may start with (a plan line holds no line break: ``^`` is a line's start)."""


@pytest.mark.slow
@pytest.mark.parametrize("departement", OVERLAYS)
def test_every_path_fits_on_one_screen(departement):
    """For every path, with and without each overlay, the plan at 80 columns is at most 40 lines
    and at 60 columns it cuts no word; it never shows a placeholder, nor sends the doctor to the
    occupational health service.

    Why every path is covered: a plan depends only on the outcome, the dispositifs proposed and,
    for each, the answers its plan line reads (:func:`plan_inputs`). Every path is in one class
    of ``helpers.path_classes`` (outcome, dispositifs that fit territory aside, answers read by
    conditional contacts and plan cases), which fixes all three: one path per class gives the
    plan of every path of its class, and each distinct plan is drawn and checked once (a plan
    checked for another département is the same value, drawn the same). The dispositifs of a
    class are compared with the engine's (``proposed_ids``) and with the conditions evaluated
    one by one (:func:`one_by_one`) on a class in 97 and a class of every outcome and
    dispositif; the grouping itself on one path in 97 (the class the walk put it in).
    """
    tree = load_tree(SHIPPED, departement)
    table = path_classes(tree)
    cited = plan_inputs(tree)
    here = place_mask(tree)
    plans, checked, read_by, ordered = {}, set(), {}, {}
    for n, ((oid, fit, *_), (answers, _)) in enumerate(table.classes.items()):
        outcome = tree.outcomes[oid]
        ids = ordered.get((oid, fit))
        if ids is None:
            ids = ordered[(oid, fit)] = in_order(tree, fit & here, outcome)
        if n % 97 == 0 or not checked.issuperset((outcome.id, *ids)):
            checked.update((outcome.id, *ids))
            assert ids == proposed_ids(tree, answers, outcome) == one_by_one(tree, answers, outcome), answers
        nodes = read_by.get(ids)
        if nodes is None:  # the answers each dispositif's line reads, one after the other
            nodes = read_by[ids] = tuple(node for did in ids for node in cited[did])
        key = (outcome.id, ids, *map(answers.get, nodes))
        if key not in plans:
            plan = plans[key] = build_plan(tree, outcome, ids, answers)
            having = CHECKED_PLANS.setdefault(plan, set())
            if not having:
                lines = plan_lines(plan, 80)
                text = "\n".join(lines)
                assert len(lines) <= 40 and max(map(len, lines)) <= 80, (answers, text)
                assert "À COMPLÉTER" not in text and "SPST) de l'employeur" not in text, text
                narrow = plan_lines(plan, 60)  # issue #13, point 8: the same words at 60 columns, none cut
                assert max(map(len, narrow)) <= 60 and words(narrow) == words(lines), "\n".join(narrow)
                assert not STARTS_A_LINE.search("\n".join(narrow)), "\n".join(narrow)
            having.add(departement)
    for answers, (oid, fit, *_) in table.sample:  # paths, each in the class the walk gave it
        outcome = replay(tree, answers)[0].outcome
        assert outcome.id == oid and one_by_one(tree, answers, outcome) == in_order(tree, fit & here, outcome), answers
    distinct = sum(departement in having for having in CHECKED_PLANS.values())
    assert sum(count for _, count in table.classes.values()) == table.count > 100_000 and distinct > 100
