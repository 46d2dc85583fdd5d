"""The action plan: one screen for every path of the shipped tree, content-driven order."""

from __future__ import annotations

import functools
import re

import pytest

from pdp_nav.content.files import data_dir
from pdp_nav.content.load import load_tree
from pdp_nav.core.engine import available_here, place_mask, proposed_ids, replay
from pdp_nav.views.plan import build_plan, plan_blocks, plan_lines

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
    ids, fit = list(tree.dispositifs), []
    while mask:  # one turn per bit set
        low = mask & -mask
        fit.append(ids[low.bit_length() - 1])
        mask ^= low
    return tuple(sorted(fit, key=ranks(outcome.first)))


@functools.cache
def ranks(first):
    """The rank of a dispositif id in an outcome's ``first`` (those not in it after them, as
    they come): a sort key."""
    rank = {did: i for i, did in enumerate(first)}
    return lambda did: rank.get(did, len(rank))


CHECKED_BLOCKS: set = set()
"""Blocks of plan lines already checked (:func:`check_block`), each at 80 columns with the same
block at 60: a block is drawn from one part of a plan alone, so a block met again, in another plan
or another département's, is the same lines."""
STARTS_A_LINE = re.compile(r"^[?:;!»·]", re.MULTILINE)
"""What no line may start with (a plan line holds no line break: ``^`` is a line's start)."""


def check_block(wide, narrow):
    """One block of :func:`~pdp_nav.views.plan.plan_blocks` at 80 (``wide``) and 60 columns
    (``narrow``): no line too wide, no placeholder, no SPST sent to itself, the same words at
    60 columns and no line there starting with what must not start one."""
    text = "\n".join(wide)
    assert max(map(len, wide)) <= 80, text
    assert "À COMPLÉTER" not in text and "SPST) de l'employeur" not in text, text
    # issue #13, point 8: the same words at 60 columns, none cut
    assert max(map(len, narrow)) <= 60 and words(narrow) == words(wide), "\n".join(narrow)
    assert not STARTS_A_LINE.search("\n".join(narrow)), "\n".join(narrow)


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
    plan of every path of its class. Each distinct plan is drawn and its lines are counted; the
    other checks read lines, and run once per distinct block of lines: ``plan_lines`` is the
    blocks of ``plan_blocks`` one after the other (asserted on a plan in 97), at 80 and 60
    columns the same blocks (title and message, each group, the others, each contact). A line
    too wide, a placeholder or a forbidden start is in one block, and the words of a plan are
    those of its blocks in turn: if they differ at 60 columns, they differ in a pair of blocks.
    The checks of a pair read nothing else, so a pair already checked (``CHECKED_BLOCKS``, for
    this plan, another or another département's) passes again. The dispositifs of a
    class are compared with the engine's (``proposed_ids``) and with the conditions evaluated
    one by one (:func:`one_by_one`) on a class in 97 and a class of every outcome and
    dispositif; the grouping itself on one path in 97 (the class the walk put it in).
    """
    tree = load_tree(SHIPPED, departement)
    table = path_classes(tree)
    cited = plan_inputs(tree)
    here = place_mask(tree)
    plans, drawn, checked, read_by, ordered = set(), set(), set(), {}, {}
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
            plans.add(key)
            plan = build_plan(tree, outcome, ids, answers)
            wide, narrow = plan_blocks(plan, 80), plan_blocks(plan, 60)
            assert sum(map(len, wide)) <= 40, (answers, "\n".join(plan_lines(plan, 80)))
            for pair in zip(wide, narrow, strict=True):
                if pair not in CHECKED_BLOCKS:
                    check_block(*pair)
                    CHECKED_BLOCKS.add(pair)
            if n % 97 == 0:  # plan_lines is its blocks, one after the other
                assert plan_lines(plan, 80) == [line for block in wide for line in block], answers
                assert plan_lines(plan, 60) == [line for block in narrow for line in block], answers
            drawn.add(tuple(wide))
    for answers, (oid, fit, *_) in table.sample:  # paths, each in the class the walk gave it
        outcome = replay(tree, answers)[0].outcome
        assert outcome.id == oid and one_by_one(tree, answers, outcome) == in_order(tree, fit & here, outcome), answers
    assert sum(count for _, count in table.classes.values()) == table.count > 100_000 and len(drawn) > 100
