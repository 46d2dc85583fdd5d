"""The action plan: one screen for every path of the shipped tree, content-driven order."""

from __future__ import annotations

import pytest

from pdp_nav.engine import available_here, iter_paths, proposed_ids
from pdp_nav.loader import data_dir, load_tree
from pdp_nav.plan import build_plan, plan_lines

SHIPPED = data_dir()
OVERLAYS = [None, *sorted(p.stem for p in (SHIPPED / "departements").glob("*.yaml"))]


def plan_inputs(tree):
    """The questions whose answers change a plan beside which dispositifs fit: conditional
    contacts and plan cases."""
    return tuple(dict.fromkeys(a.node for d in tree.dispositifs.values()
                               for cond in (*(c for _, c in d.contact_when),
                                            *(case.condition for case in d.plan_spec().cases))
                               for a in cond.atoms()))


def fitting(tree):
    """Which dispositifs fit, each condition memoised on the few answers it reads (the
    28,000 paths of the shipped tree share them); checked against the engine below."""
    conds = [(did, d.when, tuple(dict.fromkeys(a.node for a in d.when.atoms())), {})
             for did, d in tree.dispositifs.items() if available_here(tree, d)]

    def ids(answers, outcome):
        fit = []
        for did, when, questions, memo in conds:
            key = tuple(map(answers.get, questions))
            ok = memo.get(key)
            if ok is None:
                ok = memo[key] = when.matches(answers)
            if ok:
                fit.append(did)
        rank = {did: i for i, did in enumerate(outcome.first)}
        return tuple(sorted(fit, key=lambda did: rank.get(did, len(rank))))
    return ids


@pytest.mark.parametrize("departement", OVERLAYS)
def test_every_path_fits_on_one_screen(departement):
    """For every path, with and without each overlay, the plan at 80 columns is at most 40 lines."""
    tree = load_tree(SHIPPED, departement)
    cited, ids_of = plan_inputs(tree), fitting(tree)
    plans, lines_of = {}, {}
    for n, path in enumerate(iter_paths(tree)):
        answers = path.answers
        ids = ids_of(answers, path.outcome)
        if n % 97 == 0:
            assert ids == proposed_ids(tree, answers, path.outcome)
        key = (path.outcome.id, ids, tuple(map(answers.get, cited)))
        if key not in plans:
            plan = plans[key] = build_plan(tree, path.outcome, ids, answers)
            if plan not in lines_of:
                lines = lines_of[plan] = plan_lines(plan, 80)
                assert len(lines) <= 40 and max(map(len, lines)) <= 80, (answers, "\n".join(lines))
    assert len(lines_of) > 100
