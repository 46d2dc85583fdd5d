"""The pure engine: moves, DAG merges, results with why / why not, path enumeration."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdp_nav.core.engine import Navigation, NavigationError, iter_paths, proposed, proposed_ids, replay
from pdp_nav.content.load import load_tree
from pdp_nav.views.summary import describe_reason

from .helpers import (CATALOGUE, CONDITIONAL_CONTACTS, CONDITIONAL_CONTACTS_CONTACTS, LOCAL_DISPOSITIFS, OVERLAY,
                      write_tree)


@pytest.fixture
def tree(tree_dir: Path):
    return load_tree(tree_dir)


def walk(tree, *options: str) -> Navigation:
    state = Navigation(tree)
    for option in options:
        state = state.answer(option)
    return state


class TestMoves:
    def test_starts_at_root(self, tree) -> None:
        """A new navigation asks the root question with no answers."""
        state = Navigation(tree)
        assert state.question.id == "phase" and state.answers == {} and not state.done

    def test_answer_moves_to_next_question(self, tree) -> None:
        state = walk(tree, "arret")
        assert state.question.id == "duree_arret"
        assert state.answers == {"phase": "arret"}

    def test_unknown_option_is_refused(self, tree) -> None:
        """The message lists the options that exist."""
        with pytest.raises(NavigationError) as info:
            Navigation(tree).answer("apres")
        assert str(info.value) == ("la question « phase » n'a pas d'option « apres » "
                                   "(options : en_poste, arret, reprise)")

    def test_no_answer_after_the_end(self, tree) -> None:
        with pytest.raises(NavigationError, match="le parcours est terminé"):
            walk(tree, "en_poste").answer("oui")

    def test_back_undoes_any_number_of_steps(self, tree) -> None:
        full = walk(tree, "arret", "plus_30", "oui")
        assert full.done
        assert full.back() == walk(tree, "arret", "plus_30")
        assert full.back(3) == Navigation(tree)
        with pytest.raises(NavigationError, match="impossible de revenir de 4 question"):
            full.back(4)

    def test_jump_to_an_earlier_question(self, tree) -> None:
        state = walk(tree, "arret", "plus_30", "oui").jump("duree_arret")
        assert state.question.id == "duree_arret" and state.answers == {"phase": "arret"}
        with pytest.raises(NavigationError, match="la question « rqth » n'a pas été posée"):
            walk(tree, "arret").jump("rqth")

    def test_restart(self, tree) -> None:
        assert walk(tree, "reprise", "non").restart() == Navigation(tree)

    def test_states_are_immutable(self, tree) -> None:
        """Moves return new states; the old one is unchanged (back = undo, exactly)."""
        first = walk(tree, "arret")
        first.answer("plus_30")
        assert first.answers == {"phase": "arret"}


class TestRevise:
    def test_keeps_later_answers_that_still_apply(self, tree) -> None:
        """Changing phase arret → reprise keeps the RQTH answer: rqth is asked on both branches (DAG)."""
        state, dropped = walk(tree, "arret", "plus_30", "oui").revise("phase", "reprise")
        assert state.answers == {"phase": "reprise", "rqth": "oui"} and state.done
        assert [(s.question.id, s.option.id) for s in dropped] == [("duree_arret", "plus_30")]

    def test_drops_answers_no_longer_on_the_path(self, tree) -> None:
        state, dropped = walk(tree, "arret", "plus_30", "non").revise("duree_arret", "moins_30")
        assert state.answers == {"phase": "arret", "duree_arret": "moins_30"}
        assert [s.question.id for s in dropped] == ["rqth"]

    def test_stops_at_the_first_new_question(self, tree) -> None:
        state, dropped = walk(tree, "en_poste").revise("phase", "arret")
        assert state.question.id == "duree_arret" and dropped == ()


class TestDagMerges:
    def test_shared_question_reached_by_two_paths(self, tree) -> None:
        """rqth is reached from « arret / plus de 30 jours » and from « reprise »."""
        a, b = walk(tree, "arret", "plus_30"), walk(tree, "reprise")
        assert a.question is b.question
        assert a.remaining() == b.remaining() == (1, 1)

    def test_results_differ_by_earlier_answers(self, tree) -> None:
        a = walk(tree, "arret", "plus_30", "oui").result()
        b = walk(tree, "reprise", "oui").result()
        assert a.outcome is b.outcome
        assert a.dispositif_ids == ("cap-emploi-maintien", "visite-pre-reprise")
        assert b.dispositif_ids == ("cap-emploi-maintien", "visite-reprise")

    def test_remaining_bounds_from_root(self, tree) -> None:
        """Honest progress: 1 question at least (en poste), 3 at most (arrêt > 30 j → RQTH)."""
        assert Navigation(tree).remaining() == (1, 3)
        assert walk(tree, "en_poste").remaining() == (0, 0)


class TestResult:
    def test_result_before_the_end_is_refused(self, tree) -> None:
        with pytest.raises(NavigationError, match="le parcours n'est pas terminé"):
            walk(tree, "arret").result()

    def test_why_a_dispositif_is_proposed(self, tree) -> None:
        result = walk(tree, "arret", "plus_30", "non").result()
        (proposal,) = result.proposals
        assert proposal.dispositif.id == "visite-pre-reprise"
        assert [describe_reason(tree, r, proposed=True) for r in proposal.reasons] == [
            "« Depuis combien de temps dure l'arrêt ? » : « Plus de 30 jours »"]

    def test_why_not_names_the_excluding_answer(self, tree) -> None:
        result = walk(tree, "arret", "plus_30", "non").result()
        why_not = {e.dispositif.id: [describe_reason(tree, r, proposed=False) for r in e.reasons]
                   for e in result.exclusions}
        assert why_not == {
            "visite-demande": [
                "« Où en est la personne ? » : « Pendant l'arrêt » (il faudrait « En poste, sans arrêt »)",
                "« Depuis combien de temps dure l'arrêt ? » : « Plus de 30 jours » (il faudrait « 30 jours ou "
                "moins »)"],
            "visite-reprise": [
                "« Où en est la personne ? » : « Pendant l'arrêt » (il faudrait « À la reprise »)"],
            "cap-emploi-maintien": [
                "« La personne a-t-elle une RQTH ? » : « Non » (il faudrait « Oui »)"],
        }

    def test_why_not_for_an_unasked_question(self, tree) -> None:
        result = walk(tree, "en_poste").result()
        exclusion = next(e for e in result.exclusions if e.dispositif.id == "visite-pre-reprise")
        assert [describe_reason(tree, r, proposed=False) for r in exclusion.reasons] == [
            "« Depuis combien de temps dure l'arrêt ? » : question non posée sur ce parcours "
            "(il faudrait « Plus de 30 jours »)"]

    def test_negated_condition_explained(self, tree) -> None:
        """cap-emploi-maintien requires « not phase: en_poste »; the reason says so."""
        result = walk(tree, "reprise", "oui").result()
        proposal = result.proposals[0]
        assert [describe_reason(tree, r, proposed=True) for r in proposal.reasons] == [
            "« La personne a-t-elle une RQTH ? » : « Oui »",
            "« Où en est la personne ? » : « À la reprise » (pas « En poste, sans arrêt »)"]

    def test_outcome_first_orders_the_proposals(self, tree) -> None:
        """« first: [cap-emploi-maintien] » puts it before catalogue order."""
        result = walk(tree, "reprise", "oui").result()
        assert result.dispositif_ids[0] == "cap-emploi-maintien"

    def test_contacts_are_merged(self, tree) -> None:
        result = walk(tree, "reprise", "oui").result()
        assert [(u.contact.id, u.dispositifs) for u in result.contacts] == [
            ("cap-emploi", ("cap-emploi-maintien",)), ("spst", ("visite-reprise",))]


def test_overlay_contacts_come_first(tmp_path: Path) -> None:
    """Local names and contacts come first; a channel still « À COMPLÉTER » is never shown."""
    from .helpers import OVERLAY, write_tree

    tree = load_tree(write_tree(tmp_path, overlays={"56": OVERLAY + (
        "  kerpape:\n    name: \"Kerpape\"\n    description: \"Centre.\"\n    dispositifs: [visite-reprise]\n")}),
        "56")
    result = walk(tree, "reprise", "oui").result()
    cap = next(u.contact for u in result.contacts if u.contact.id == "cap-emploi")
    assert cap.name == "Cap emploi 56" and cap.departement == "56"
    assert cap.channels == ()
    assert [u.contact.id for u in result.contacts] == ["cap-emploi", "kerpape", "spst"]


def test_replay_reports_unused_answers(tree) -> None:
    state, unused = replay(tree, {"phase": "en_poste", "rqth": "oui"})
    assert state.done and unused == {"rqth": "oui"}


def test_iter_paths_lists_every_path(tree) -> None:
    paths = [(p.answers, p.outcome.id) for p in iter_paths(tree)]
    assert paths == [
        ({"phase": "en_poste"}, "en_poste_prevention"),
        ({"phase": "arret", "duree_arret": "moins_30"}, "arret_court"),
        ({"phase": "arret", "duree_arret": "plus_30", "rqth": "oui"}, "synthese"),
        ({"phase": "arret", "duree_arret": "plus_30", "rqth": "non"}, "synthese"),
        ({"phase": "reprise", "rqth": "oui"}, "synthese"),
        ({"phase": "reprise", "rqth": "non"}, "synthese"),
    ]
    assert [(p.answers) for p in iter_paths(tree, "rqth")] == [{"rqth": "oui"}, {"rqth": "non"}]


def test_proposed_ids_matches_full_evaluation(tree) -> None:
    for path in iter_paths(tree):
        state, _ = replay(tree, path.answers)
        assert proposed_ids(tree, path.answers, path.outcome) == tuple(state.result().dispositif_ids)


class TestLocalDispositifs:
    """``departements``: a local dispositif is proposed only with one of its départements."""

    @pytest.fixture
    def local_dir(self, tmp_path: Path) -> Path:
        overlay29 = OVERLAY.replace('departement: "56"\nname: Morbihan', 'departement: "29"\nname: Finistère')
        return write_tree(tmp_path, catalogue=CATALOGUE + LOCAL_DISPOSITIFS,
                          overlays={"56": OVERLAY, "29": overlay29})

    def result(self, local_dir: Path, departement: str | None, answers: dict[str, str]):
        return replay(load_tree(local_dir, departement), answers)[0].result()

    def test_without_a_departement_neither_is_proposed_and_the_reason_says_why(self, local_dir) -> None:
        result = self.result(local_dir, None, {"phase": "arret", "duree_arret": "moins_30"})
        assert "kerpape-bilan" not in result.dispositif_ids and "etm" not in result.dispositif_ids
        why_not = {e.dispositif.id: [describe_reason(result.tree, r, proposed=False) for r in e.reasons]
                   for e in result.exclusions}
        assert why_not["kerpape-bilan"] == [
            "dispositif local du département 56 : indiquez le département (--departement 56) pour qu'il soit proposé"]
        assert why_not["etm"] == ["dispositif local des départements 22, 29 et 35 : indiquez le département "
                                  "(--departement 22) pour qu'il soit proposé"]

    def test_with_its_departement_it_is_proposed_first_reason_local(self, local_dir) -> None:
        result = self.result(local_dir, "56", {"phase": "arret", "duree_arret": "moins_30"})
        proposal = next(p for p in result.proposals if p.dispositif.id == "kerpape-bilan")
        assert [describe_reason(result.tree, r, proposed=True) for r in proposal.reasons] == [
            "dispositif local du département 56", "« Où en est la personne ? » : « Pendant l'arrêt »"]
        exclusion = next(e for e in result.exclusions if e.dispositif.id == "etm")
        assert [describe_reason(result.tree, r, proposed=False) for r in exclusion.reasons] == [
            "dispositif local des départements 22, 29 et 35, pas du département 56"]

    def test_its_own_condition_still_applies(self, local_dir) -> None:
        """Kerpape in the 56 but not at work: excluded by its condition, not by the territory."""
        result = self.result(local_dir, "56", {"phase": "en_poste"})
        exclusion = next(e for e in result.exclusions if e.dispositif.id == "kerpape-bilan")
        assert [describe_reason(result.tree, r, proposed=False) for r in exclusion.reasons] == [
            "« Où en est la personne ? » : « En poste, sans arrêt » (il faudrait « Pendant l'arrêt »)"]
        assert "etm" not in result.dispositif_ids
        assert "etm" in self.result(local_dir, "29", {"phase": "en_poste"}).dispositif_ids

    @pytest.mark.parametrize("departement", [None, "56", "29"])
    def test_fast_path_agrees(self, local_dir, departement: str | None) -> None:
        tree = load_tree(local_dir, departement)
        for path in iter_paths(tree):
            expected = tuple(replay(tree, path.answers)[0].result().dispositif_ids)
            assert proposed_ids(tree, path.answers, path.outcome) == expected


class TestConditionalContacts:
    """``contacts: [{id, when}]``: a contact shown only in the situations where its condition holds."""

    @pytest.fixture
    def tree(self, tmp_path: Path):
        return load_tree(write_tree(tmp_path, catalogue=CONDITIONAL_CONTACTS, contacts=CONDITIONAL_CONTACTS_CONTACTS))

    def contacts(self, tree, answers: dict[str, str]) -> list[tuple[str, tuple[str, ...]]]:
        result = replay(tree, answers)[0].result()
        return [(u.contact.id, u.dispositifs) for u in result.contacts]

    def test_shown_only_when_the_condition_holds(self, tree) -> None:
        assert self.contacts(tree, {"phase": "arret", "duree_arret": "plus_30", "rqth": "oui"}) == [
            ("cap-emploi", ("cap-emploi-maintien", "visite-pre-reprise")), ("spst", ("visite-pre-reprise",))]
        assert self.contacts(tree, {"phase": "arret", "duree_arret": "plus_30", "rqth": "non"}) == [
            ("spst", ("visite-pre-reprise",)), ("spst-bis", ("visite-pre-reprise",))]

    def test_the_catalogue_lists_them_all(self, tree) -> None:
        assert tree.contacts_of(tree.dispositifs["visite-pre-reprise"]) == ("spst", "cap-emploi", "spst-bis")

    def test_fast_path_agrees(self, tree) -> None:
        for path in iter_paths(tree):
            result = replay(tree, path.answers)[0].result()
            assert proposed(tree, path.answers, path.outcome) == (
                tuple(result.dispositif_ids), tuple(u.contact.id for u in result.contacts))
