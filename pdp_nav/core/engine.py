"""The pure navigation engine: state, answers, going back, results and their reasons.

Nothing here prints, prompts or reads files. The interactive navigator, scenario replay
and the exports all walk the tree through this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from ..errors import PdpNavError
from .conditions import Reason
from .model import Contact, Dispositif, Option, Outcome, Question, Tree


class NavigationError(PdpNavError):
    """An answer or move that the tree does not allow (unknown option, nothing to go back to…)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One answered question."""

    question: Question
    option: Option


@dataclass(frozen=True, slots=True)
class Proposal:
    """A dispositif that fits, with the answers that made it fit."""

    dispositif: Dispositif
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A dispositif that does not fit, with the answer (or unasked question) that excluded it."""

    dispositif: Dispositif
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class ContactUse:
    """A contact to call, and the proposed dispositifs it is there for."""

    contact: Contact
    dispositifs: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    tree: Tree
    steps: tuple[Step, ...]
    outcome: Outcome
    proposals: tuple[Proposal, ...]
    exclusions: tuple[Exclusion, ...]
    contacts: tuple[ContactUse, ...]

    @property
    def dispositif_ids(self) -> tuple[str, ...]:
        return tuple(p.dispositif.id for p in self.proposals)

    @property
    def answers(self) -> dict[str, str]:
        """Question id -> option id, in the order asked."""
        return answers_of(self.steps)


def answers_of(steps: Iterable[Step]) -> dict[str, str]:
    """Question id -> option id of answered ``steps``, in order."""
    return {s.question.id: s.option.id for s in steps}


@dataclass(frozen=True)
class Navigation:
    """An immutable navigation state; every move returns a new state."""

    tree: Tree
    steps: tuple[Step, ...] = ()

    # -- where we are ------------------------------------------------------------------
    @property
    def current_id(self) -> str:
        return self.steps[-1].option.next if self.steps else self.tree.root

    @property
    def question(self) -> Question | None:
        """The question to answer now, None once an outcome is reached."""
        return self.tree.questions.get(self.current_id)

    @property
    def outcome(self) -> Outcome | None:
        return self.tree.outcomes.get(self.current_id)

    @property
    def done(self) -> bool:
        return self.current_id in self.tree.outcomes

    @property
    def answers(self) -> dict[str, str]:
        """Question id -> option id, in the order asked."""
        return answers_of(self.steps)

    def remaining(self) -> tuple[int, int]:
        """Fewest and most questions left before an outcome (0, 0 when done)."""
        return remaining_bounds(self.tree)[self.current_id]

    # -- moves -------------------------------------------------------------------------
    def answer(self, option_id: str) -> Navigation:
        question = self.question
        if question is None:
            raise NavigationError("le parcours est terminé : revenez en arrière pour changer une réponse")
        option = question.option(option_id)
        if option is None:
            raise _unknown_option(question, option_id)
        return Navigation(self.tree, (*self.steps, Step(question, option)))

    def back(self, count: int = 1) -> Navigation:
        if count < 1 or count > len(self.steps):
            raise NavigationError(
                f"impossible de revenir de {count} question(s) : {len(self.steps)} réponse(s) donnée(s)")
        return Navigation(self.tree, self.steps[:-count])

    def jump(self, question_id: str) -> Navigation:
        """Go back to an earlier question of the path (its answer and later ones are undone)."""
        for index, step in enumerate(self.steps):
            if step.question.id == question_id:
                return Navigation(self.tree, self.steps[:index])
        raise NavigationError(f"la question « {question_id} » n'a pas été posée sur ce parcours")

    def restart(self) -> Navigation:
        return Navigation(self.tree)

    def revise(self, question_id: str, option_id: str) -> tuple[Navigation, tuple[Step, ...]]:
        """Change an earlier answer, keeping the later answers that still apply.

        Returns:
            The new state, and the later steps dropped because their question is no longer
            on the path.
        """
        before = self.jump(question_id)
        later = answers_of(self.steps[len(before.steps) + 1:])
        state, unused = follow(before.answer(option_id), later)
        dropped = tuple(s for s in self.steps if s.question.id in unused)
        return state, dropped

    # -- the result --------------------------------------------------------------------
    def result(self) -> Result:
        outcome = self.outcome
        if outcome is None:
            raise NavigationError("le parcours n'est pas terminé : répondez aux questions restantes")
        return evaluate(self.tree, self.steps, outcome)


def _unknown_option(question: Question, option_id: str) -> NavigationError:
    valid = ", ".join(o.id for o in question.options)
    return NavigationError(f"la question « {question.id} » n'a pas d'option « {option_id} » (options : {valid})")


def follow(state: Navigation, answers: Mapping[str, str]) -> tuple[Navigation, dict[str, str]]:
    """Answer from ``state`` with ``answers`` (question id -> option id) as far as they go.

    Returns:
        The state reached (at the first question without an answer, or an outcome) and
        the answers that were not used because their question is not on the path.

    Raises:
        NavigationError: an answer names an option its question does not have.
    """
    pending = dict(answers)
    tree, steps = state.tree, list(state.steps)
    node = state.current_id
    table = step_table(tree)
    # the moves of :meth:`Navigation.answer`, without a state built at each step (replaying every
    # path of a tree is ~2 times faster), each step taken from the tree's table (~2 times again)
    while (choices := table.get(node)) is not None and node in pending:
        option_id = pending.pop(node)
        step = choices.get(option_id)
        if step is None:
            raise _unknown_option(tree.questions[node], option_id)
        steps.append(step)
        node = step.option.next
    if len(steps) != len(state.steps):
        state = Navigation(tree, tuple(steps))
    return state, pending


def step_table(tree: Tree) -> dict[str, dict[str, Step]]:
    """Question id -> option id -> the :class:`Step` that answers it (memoised on the tree).

    A step is immutable: a replay takes it from here instead of building it again (and instead
    of looking its option up among the question's).
    """
    table = tree.memo.get("steps")
    if table is None:
        table = tree.memo["steps"] = {qid: {o.id: Step(q, o) for o in q.options} for qid, q in tree.questions.items()}
    return table


def replay(tree: Tree, answers: Mapping[str, str]) -> tuple[Navigation, dict[str, str]]:
    """Start from the root and follow ``answers`` (see :func:`follow`)."""
    return follow(Navigation(tree), answers)


TERRITORY = "@departement"
"""The ``node`` of the :class:`Reason` that says a local dispositif is (or is not) of this
département; no question id can be written like that."""


def available_here(tree: Tree, dispositif: Dispositif, departement: str | None = None) -> bool:
    """False for a local dispositif of other départements than ``departement`` (default: the
    tree's overlay, or none)."""
    dep = tree.departement if departement is None else departement
    return not dispositif.departements or dep in dispositif.departements


def fitting(tree: Tree, answers: Mapping[str, str], departement: str | None = None) -> tuple[str, ...]:
    """The ids of the dispositifs that fit ``answers`` in ``departement``, in catalogue order.

    The one eligibility rule: :func:`evaluate`, :func:`proposed` and the linter all ask it.
    ``departement`` defaults to the tree's overlay ("" for none: national dispositifs only).
    """
    mask = fit_mask(tree, answers) & place_mask(tree, departement)
    return tuple(did for i, did in enumerate(tree.dispositifs) if mask >> i & 1)


def fit_mask(tree: Tree, answers: Mapping[str, str]) -> int:
    """The dispositifs whose condition holds on ``answers`` (territory aside), as bits in catalogue order.

    Conditions are grouped by the questions they read; each group's result is memoised on the
    answers to those questions, so a walk over every path stays fast (issue #11). The answers
    the conditions read are looked up once, and each group takes its key from them with an
    ``itemgetter`` (C code): about 5 times faster than a key built per group from ``answers``.
    """
    read, groups, always = _when_groups(tree)
    values = list(map(answers.get, read))
    mask = always
    for key_of, members, known, _ in groups:
        key = key_of(values)
        bits = known.get(key)
        mask |= _group_bits(tree, members, known, key, answers) if bits is None else bits
    return mask


def _group_bits(tree: Tree, members: tuple[int, ...], known: dict[Any, int], key: Any,
                answers: Mapping[str, str]) -> int:
    """The bits of a group's dispositifs whose condition holds on ``answers``, kept in the group's
    memo under ``key`` (the answers to its questions): what :func:`fit_mask` and :func:`walk_fits`
    compute when the memo does not have it yet."""
    dispositifs = tuple(tree.dispositifs.values())
    bits = known[key] = sum(1 << i for i in members if dispositifs[i].when.matches(answers))
    return bits


_Group = tuple[Callable[[list[str | None]], Any], tuple[int, ...], dict[Any, int], tuple[int, ...]]
"""A group of :func:`_when_groups`: the key of its answers, its dispositifs, its memo, and the
positions of the questions it reads among those any condition reads."""


def _when_groups(tree: Tree) -> tuple[tuple[str, ...], list[_Group], int]:
    """The dispositifs' conditions grouped by the questions they read (memoised on the tree).

    Returns the questions any condition reads, the groups (each with an ``itemgetter`` that
    takes the answers to its questions from the answers to those, the indexes of its
    dispositifs, the memo of its bits by those answers and the positions of its questions),
    and the bits of the conditions that read no question (``true``), which hold on any answers.
    """
    memo = tree.memo.get("when")
    if memo is None:
        reads = {i: frozenset(a.node for a in d.when.atoms()) for i, d in enumerate(tree.dispositifs.values())}
        # a condition whose questions are all read by a wider one joins its group: the wider key
        # decides it too, and there are fewer keys to take per path (32 groups become 8 in trees/)
        widest = [s for s in set(reads.values()) if not any(s < t for t in reads.values())]
        by_nodes: dict[tuple[str, ...], list[int]] = {}
        for i, nodes in reads.items():
            group = min((t for t in widest if nodes <= t), key=lambda t: (len(t), sorted(t)))
            by_nodes.setdefault(tuple(sorted(group)), []).append(i)
        read = tuple(dict.fromkeys(node for nodes in by_nodes for node in nodes))
        at = {node: n for n, node in enumerate(read)}
        dispositifs = tuple(tree.dispositifs.values())
        always = sum(1 << i for i in by_nodes.pop((), ()) if dispositifs[i].when.matches({}))
        groups: list[_Group] = [(itemgetter(*(at[node] for node in nodes)), tuple(members), {},
                                 tuple(at[node] for node in nodes))
                                for nodes, members in by_nodes.items()]
        memo = tree.memo["when"] = (read, groups, always)
    return memo


def place_mask(tree: Tree, departement: str | None = None) -> int:
    """The dispositifs available in ``departement`` (see :func:`available_here`), as bits."""
    key = f"place:{tree.departement if departement is None else departement}"
    mask = tree.memo.get(key)
    if mask is None:
        mask = tree.memo[key] = sum(1 << i for i, d in enumerate(tree.dispositifs.values())
                                    if available_here(tree, d, departement))
    return mask


def evaluate(tree: Tree, steps: tuple[Step, ...], outcome: Outcome) -> Result:
    """Which dispositifs fit at ``outcome`` given ``steps``, and why; and which do not.

    A local dispositif (``departements``) is only proposed with one of its départements; its
    first reason says so (:data:`TERRITORY`).
    """
    answers = answers_of(steps)
    fit = set(fitting(tree, answers))
    proposals: list[Proposal] = []
    exclusions: list[Exclusion] = []
    for dispositif in tree.dispositifs.values():
        local = (Reason(TERRITORY, tree.departement or None, dispositif.departements),) \
            if dispositif.departements else ()
        if not available_here(tree, dispositif):
            exclusions.append(Exclusion(dispositif, local))
            continue
        ok = dispositif.id in fit
        reasons = dispositif.when.explain(answers)[1]
        if ok:
            reasons = (*local, *reasons)
        if ok:
            proposals.append(Proposal(dispositif, reasons))
        else:
            exclusions.append(Exclusion(dispositif, reasons))
    rank = {did: i for i, did in enumerate(outcome.first)}
    proposals.sort(key=lambda p: rank.get(p.dispositif.id, len(rank)))  # stable: catalogue order after
    uses = _contact_uses(tree, [p.dispositif for p in proposals], answers)
    contacts = tuple(ContactUse(tree.contacts[cid], tuple(dids)) for cid, dids in uses.items())
    return Result(tree, steps, outcome, tuple(proposals), tuple(exclusions), contacts)


def _contact_uses(tree: Tree, dispositifs: Iterable[Dispositif],
                  answers: Mapping[str, str]) -> dict[str, list[str]]:
    """Contact id -> ids of the ``dispositifs`` it is shown for, in order of first use."""
    uses: dict[str, list[str]] = {}
    for d in dispositifs:
        for cid in tree.contacts_of(d, answers):
            if cid in tree.contacts:
                uses.setdefault(cid, []).append(d.id)
    return uses


_PROPOSED_MEMO = 4096
"""Results kept by :func:`proposed_ids`; the table is emptied when full (memory stays flat)."""


def cited_questions(tree: Tree) -> dict[str, None]:
    """The ids of the questions the conditions cite (eligibility, conditional contacts), in order.

    Which dispositifs fit, and which of their contacts are shown, depend on the answers to
    these questions only (memoised).
    """
    cited = tree.memo.get("cited")
    if cited is None:
        atoms = [a for d in tree.dispositifs.values()
                 for cond in (d.when, *(c for _, c in d.contact_when)) for a in cond.atoms()]
        cited = tree.memo["cited"] = dict.fromkeys(a.node for a in atoms)
    return cited


def proposed_ids(tree: Tree, answers: Mapping[str, str], outcome: Outcome) -> tuple[str, ...]:
    """The ids :func:`evaluate` would propose, in order, without building explanations (fast)."""
    return proposed(tree, answers, outcome)[0]


def proposed(tree: Tree, answers: Mapping[str, str],
             outcome: Outcome) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ids and the contact ids :func:`evaluate` would give, in order, without explanations.

    Conditions only look at the answers to the questions they cite, so the result is memoised
    on those answers, for each outcome that sets an order: the paths of an export share most
    of them (issue #7). When every question is cited somewhere, few paths share those answers;
    the result is then also memoised on what it is made of: the dispositifs that fit
    (:func:`fit_mask`, itself memoised per condition), the outcome's order and the answers the
    conditional contacts read, which thousands of paths share. The first memo is then left out:
    no two paths have the same answers to every question, so it never helped a walk and cost more
    than half of each call (``trees/``).
    """
    memo = tree.memo.get("proposed")
    if memo is None:
        read = dict.fromkeys(a.node for d in tree.dispositifs.values() for _, c in d.contact_when for a in c.atoms())
        cited_ids = tuple(cited_questions(tree))
        table: dict[tuple[str | None, ...], dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] | None = \
            None if set(tree.questions) <= set(cited_ids) else {}
        made: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        memo = tree.memo["proposed"] = (cited_ids, table, tuple(read), made)
    cited, table, nodes, made = memo
    order = outcome.id if outcome.first else ""
    if table is None:
        ordered = None
        found = None
    else:
        key = tuple(map(answers.get, cited))
        ordered = table.get(key)
        if ordered is None:
            if len(table) >= _PROPOSED_MEMO:
                table.clear()
            ordered = table[key] = {}
        found = ordered.get(order)
    if found is None:
        mask = fit_mask(tree, answers) & place_mask(tree)
        parts = (mask, order, *map(answers.get, nodes))
        found = made.get(parts)
        if found is None:
            if len(made) >= _PROPOSED_MEMO:
                made.clear()
            ids = tuple(did for i, did in enumerate(tree.dispositifs) if mask >> i & 1)
            if outcome.first:
                rank = {did: i for i, did in enumerate(outcome.first)}
                ids = tuple(sorted(ids, key=lambda did: rank.get(did, len(rank))))
            found = made[parts] = (ids, tuple(_contact_uses(tree, (tree.dispositifs[did] for did in ids), answers)))
        if ordered is not None:
            ordered[order] = found
    return found


def remaining_bounds(tree: Tree) -> dict[str, tuple[int, int]]:
    """For every node id: fewest and most questions between it and an outcome (memoised)."""
    memo = tree.memo.get("remaining")
    if memo is None:
        memo = {oid: (0, 0) for oid in tree.outcomes}
        for qid in _postorder(tree):
            q = tree.questions[qid]
            below = [memo[o.next] for o in q.options if o.next in memo]
            memo[qid] = (1 + min(b[0] for b in below), 1 + max(b[1] for b in below)) if below else (1, 1)
        tree.memo["remaining"] = memo
    return memo


def _postorder(tree: Tree) -> list[str]:
    """Question ids, each after every question it leads to (iterative; the tree is acyclic)."""
    order, seen = [], set()
    for start in tree.questions:
        if start in seen:
            continue
        stack = [(start, iter(tree.questions[start].options))]
        seen.add(start)
        while stack:
            node, children = stack[-1]
            child = next((o.next for o in children), None)
            if child is None:
                stack.pop()
                order.append(node)
            elif child in tree.questions and child not in seen:
                seen.add(child)
                stack.append((child, iter(tree.questions[child].options)))
    return order


Pair = tuple[Question, Option]
"""A question and the option taken: the steps of a :class:`Path`."""


@dataclass(frozen=True, slots=True)
class Path:
    """One root-to-outcome path, as (question, option) steps."""

    steps: tuple[Pair, ...]
    outcome: Outcome

    @property
    def answers(self) -> dict[str, str]:
        return {q.id: o.id for q, o in self.steps}


def iter_paths(tree: Tree, start: str | None = None) -> Iterator[Path]:
    """Every path from ``start`` (default the root) to an outcome, depth first, lazily.

    Memory stays proportional to the depth of the tree, whatever the number of paths.
    """
    for prefix, last, outcome in iter_leaves(tree, start):
        yield Path(prefix if last is None else (*prefix, last), outcome)


def iter_leaves(tree: Tree, start: str | None = None,
                head: tuple[Pair, ...] = ()) -> Iterator[tuple[tuple[Pair, ...], Pair | None, Outcome]]:
    """The paths of :func:`iter_paths` as ``(prefix, last step, outcome)``, ``head`` before each.

    Paths that differ only by their last step (siblings, consecutive depth first) share the
    very same ``prefix`` tuple, so a caller can reuse what it derived from it (checked with
    ``is``): the path exports do. ``last`` is None only when ``start`` is an outcome.
    """
    start = start or tree.root
    if start in tree.outcomes:
        yield head, None, tree.outcomes[start]
        return
    prefix, parent = head, 0
    for steps, _, question, option, outcome, visit in _depth_first(tree, start):
        if visit != parent:  # a new visit of a question: its prefix is built once for its leaves
            prefix, parent = (*head, *steps), visit
        yield prefix, (question, option), outcome


def walk(tree: Tree) -> Iterator[tuple[list[Pair], dict[str, str], Outcome]]:
    """Every path of :func:`iter_paths`, as one list of steps and one answers dict updated in place.

    Each yielded pair is only valid until the next one. No tuple is built per path, so time and
    memory stay linear in the tree size plus the number of paths, whatever their length: the
    linter walks a 20,000-question chain in about a second (issue #11).
    """
    for steps, answers, question, option, outcome, _ in _depth_first(tree, tree.root):
        steps.append((question, option))
        answers[question.id] = option.id
        yield steps, answers, outcome
        steps.pop()
        del answers[question.id]


def walk_fits(tree: Tree) -> Iterator[tuple[list[Pair], dict[str, str], Outcome, int]]:
    """Every path of :func:`walk`, with its :func:`fit_mask` (the same groups, the same memo).

    The paths that differ only by their last answer (siblings, one after the other) share the
    bits of the groups that do not read the question of that answer: they are taken once, on the
    first of them, and only the groups that read it are looked up again for the others: the
    shipped tree's 100,000 paths in about 0.5 s instead of 0.7 s (the linter's walk, the tests').
    """
    read, groups, always = _when_groups(tree)
    at = {node: n for n, node in enumerate(read)}

    def bits(group: _Group, values: list[str | None], answers: dict[str, str]) -> int:
        key_of, members, known, _ = group
        key = key_of(values)
        found = known.get(key)
        return _group_bits(tree, members, known, key, answers) if found is None else found

    visiting, shared, pos = 0, 0, None
    values: list[str | None] = []
    own: list[_Group] = []
    for steps, answers, question, option, outcome, visit in _depth_first(tree, tree.root):
        steps.append((question, option))
        answers[question.id] = option.id
        if visit != visiting:  # the first path of these siblings
            visiting, pos = visit, at.get(question.id)
            values = list(map(answers.get, read))
            shared, own = always, []
            for group in groups:
                if pos in group[3]:
                    own.append(group)
                else:
                    shared |= bits(group, values, answers)
        elif pos is not None:
            values[pos] = option.id
        mask = shared
        for key_of, members, known, _ in own:  # bits(), inlined: this runs for every path
            key = key_of(values)
            found = known.get(key)
            mask |= _group_bits(tree, members, known, key, answers) if found is None else found
        yield steps, answers, outcome, mask
        steps.pop()
        del answers[question.id]


def _depth_first(tree: Tree, start: str) -> Iterator[
        tuple[list[Pair], dict[str, str], Question, Option, Outcome, int]]:
    """The one walk of the paths below question ``start``: depth first, without recursion.

    Yields, for each leaf, the steps and answers that lead to its question (updated in place:
    valid until the next item), the question, the option that ends the path, the outcome,
    and the number of the current visit of that question: leaves under one visit (siblings)
    can share what is derived from the steps.
    """
    questions, outcomes = tree.questions, tree.outcomes
    steps: list[Pair] = []
    answers: dict[str, str] = {}
    asked = [questions[start]]
    stack = [iter(asked[0].options)]
    entered = 1
    visits = [entered]  # the number of each question being visited, innermost last
    while stack:
        option = next(stack[-1], None)
        if option is None:
            stack.pop()
            asked.pop()
            visits.pop()
            if steps:
                del answers[steps.pop()[0].id]
            continue
        if option.next in outcomes:
            yield steps, answers, asked[-1], option, outcomes[option.next], visits[-1]
        elif option.next in questions:
            steps.append((asked[-1], option))
            answers[asked[-1].id] = option.id
            asked.append(questions[option.next])
            stack.append(iter(asked[-1].options))
            entered += 1
            visits.append(entered)
