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
    """Every path as (answers, outcome, dispositifs that fit in the outcome's order), fast.

    Conditions are grouped by the questions they read, and each group's result is memoised on
    the answers to those questions (as ``engine.fit_mask`` does). Siblings (:func:`iter_leaves`)
    share their prefix, so the groups that do not read the last question are looked up once for
    all of them. The test compares the result with the engine and with the conditions evaluated
    one by one.
    """
    dispositifs = [d for d in tree.dispositifs.values() if available_here(tree, d)]
    by_nodes: dict[tuple[str, ...], list[int]] = {}
    for i, d in enumerate(dispositifs):
        by_nodes.setdefault(tuple(sorted({a.node for a in d.when.atoms()})), []).append(i)
    groups = [(nodes, members, {}) for nodes, members in by_nodes.items()]

    def bits(group, answers):  # noqa: ANN001, ANN202
        nodes, members, known = group
        key = tuple(map(answers.get, nodes))
        found = known.get(key)
        if found is None:
            found = known[key] = sum(1 << i for i in members if dispositifs[i].when.matches(answers))
        return found

    prefix, base, shared, reading, ordered = None, {}, 0, [], {}
    for head, (question, option), outcome in iter_leaves(tree):
        if head is not prefix:
            prefix, base = head, {q.id: o.id for q, o in head}
            reading = [g for g in groups if question.id in g[0]]
            shared = 0
            for g in groups:
                if question.id not in g[0]:
                    shared |= bits(g, base)
        answers = {**base, question.id: option.id}
        mask = shared
        for g in reading:
            mask |= bits(g, answers)
        ids = ordered.get((mask, outcome.id))
        if ids is None:
            rank = {did: i for i, did in enumerate(outcome.first)}
            fit = [d.id for i, d in enumerate(dispositifs) if mask >> i & 1]
            ids = ordered[(mask, outcome.id)] = tuple(sorted(fit, key=lambda did: rank.get(did, len(rank))))
        yield answers, outcome, ids


def words(lines):
    """The words of plan lines as a reader sees them (non-breaking spaces count as spaces)."""
    return " ".join(lines).replace("\u00a0", " ").split()


def one_by_one(tree, answers, outcome):
    """The dispositifs that fit, each condition evaluated on its own (no memo), in the outcome's order."""
    rank = {did: i for i, did in enumerate(outcome.first)}
    fit = [did for did, d in tree.dispositifs.items() if available_here(tree, d) and d.when.matches(answers)]
    return tuple(sorted(fit, key=lambda did: rank.get(did, len(rank))))


@pytest.mark.slow
@pytest.mark.parametrize("departement", OVERLAYS)
def test_every_path_fits_on_one_screen(departement):
    """For every path, with and without each overlay, the plan at 80 columns is at most 40 lines
    and at 60 columns it cuts no word; it never shows a placeholder, nor sends the doctor to the
    occupational health service.

    A plan depends only on the outcome, the dispositifs that fit and, for each, the answers its
    plan line reads (:func:`plan_inputs`): paths that agree on those share one plan, which is
    built and drawn once, so every path's plan is checked. Which dispositifs fit (:func:`leaves`)
    is compared with the engine's (``proposed_ids``) and with the conditions evaluated one by
    one (:func:`one_by_one`) on one path in 97 and on a path of every outcome and dispositif.
    """
    tree = load_tree(SHIPPED, departement)
    cited = plan_inputs(tree)
    plans, lines_of, checked, read_by = {}, {}, set(), {}
    for n, (answers, outcome, ids) in enumerate(leaves(tree)):
        if n % 97 == 0 or not checked.issuperset((outcome.id, *ids)):
            checked.update((outcome.id, *ids))
            assert ids == proposed_ids(tree, answers, outcome) == one_by_one(tree, answers, outcome), answers
        nodes = read_by.get(ids)
        if nodes is None:  # the answers each dispositif's line reads, one after the other
            nodes = read_by[ids] = tuple(node for did in ids for node in cited[did])
        key = (outcome.id, ids, *map(answers.get, nodes))
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
