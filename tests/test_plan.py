"""The action plan: one screen for every path of the shipped tree, content-driven order."""

from __future__ import annotations

import pytest

from pdp_nav.core.engine import available_here, iter_leaves, iter_paths, proposed_ids
from pdp_nav.content.files import data_dir
from pdp_nav.content.load import load_tree
from pdp_nav.views.plan import build_plan, plan_lines

SHIPPED = data_dir()
OVERLAYS = [None, *sorted(p.stem for p in (SHIPPED / "departements").glob("*.yaml"))]


def plan_inputs(tree):
    """For each dispositif, the questions whose answers change its line of the plan beside
    whether it fits: its conditional contacts and its plan cases."""
    return {did: tuple(dict.fromkeys(a.node for cond in (*(c for _, c in d.contact_when),
                                                          *(case.condition for case in d.plan_spec().cases))
                                     for a in cond.atoms()))
            for did, d in tree.dispositifs.items()}


def leaves(tree):
    """Every path as (answers, outcome, dispositifs that fit), fast: siblings share their prefix
    (:func:`iter_leaves`), so a condition that does not read the last answer is evaluated once
    for all of them, and each condition is memoised on the few answers it reads."""
    conds = [(did, d.when, tuple(dict.fromkeys(a.node for a in d.when.atoms())), {})
             for did, d in tree.dispositifs.items() if available_here(tree, d)]
    prefix, base, shared = None, {}, {}
    for head, (question, option), outcome in iter_leaves(tree):
        if head is not prefix:
            prefix, base, shared = head, {q.id: o.id for q, o in head}, {}
        answers = {**base, question.id: option.id}
        fit = []
        for did, when, questions, memo in conds:
            if question.id in questions:
                key = tuple(map(answers.get, questions))
                ok = memo.get(key)
                if ok is None:
                    ok = memo[key] = when.matches(answers)
            else:
                ok = shared.get(did)
                if ok is None:
                    ok = shared[did] = when.matches(answers)
            if ok:
                fit.append(did)
        rank = {did: i for i, did in enumerate(outcome.first)}
        yield answers, outcome, tuple(sorted(fit, key=lambda did: rank.get(did, len(rank))))


def words(lines):
    """The words of plan lines as a reader sees them (non-breaking spaces count as spaces)."""
    return " ".join(lines).replace("\u00a0", " ").split()


@pytest.mark.parametrize("departement", OVERLAYS)
def test_every_path_fits_on_one_screen(departement):
    """For every path, with and without each overlay, the plan at 80 columns is at most 40 lines
    and at 60 columns it cuts no word; it never shows a placeholder, nor sends the doctor to the occupational health service."""
    tree = load_tree(SHIPPED, departement)
    cited = plan_inputs(tree)
    plans, lines_of = {}, {}
    for n, (answers, outcome, ids) in enumerate(leaves(tree)):
        if n % 97 == 0:
            assert ids == proposed_ids(tree, answers, outcome)
        key = (outcome.id, *((did, *map(answers.get, cited[did])) for did in ids))
        if key not in plans:
            plan = plans[key] = build_plan(tree, outcome, ids, answers)
            if plan not in lines_of:
                lines = lines_of[plan] = plan_lines(plan, 80)
                assert len(lines) <= 40 and max(map(len, lines)) <= 80, (answers, "\n".join(lines))
                narrow = plan_lines(plan, 60)  # issue #13, point 8: the same words at 60 columns, none cut
                assert max(map(len, narrow)) <= 60 and words(narrow) == words(lines), "\n".join(narrow)
                assert not any(line[:1] in "?:;!»·" for line in narrow if line), "\n".join(narrow)
                assert not any("À COMPLÉTER" in line or "SPST) de l'employeur" in line for line in lines), lines
    assert n + 1 == sum(1 for _ in iter_paths(tree)) and len(lines_of) > 100
