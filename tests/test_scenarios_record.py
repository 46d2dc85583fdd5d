"""The files ``scenario record`` writes, and the quiz comparison, without a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdp_nav.core.engine import replay
from pdp_nav.content.load import load_tree
from pdp_nav.scenarios.coverage import compare_paths
from pdp_nav.scenarios.report import scenario_yaml
from pdp_nav.scenarios.cases import parse, run
from pdp_nav.content.yamlio import parse_yaml

from .helpers import ARBRE, CATALOGUE, OVERLAY, write_tree


def result_of(tree_dir: Path, departement: str | None = None, **answers: str):  # -> Result
    tree = load_tree(tree_dir, departement)
    state, unused = replay(tree, answers)
    assert not unused and state.done
    return state.result()


def round_trip(text: str, tree_dir: Path, departement: str | None = None):  # -> Check
    """Read a written scenario back and run it, as ``scenario check`` would."""
    scenario = parse(parse_yaml(text, "nouveau.yaml"))
    return run(scenario, lambda dep: load_tree(tree_dir, dep or None))


def test_ids_that_yaml_would_misread_are_quoted(tmp_path: Path) -> None:
    """Option ids such as « no » or « 1 » are quoted so that the file reads back as the same ids."""
    arbre = ARBRE.replace("id: oui", "id: 'yes'").replace("id: non", "id: 'no'").replace(
        "id: plus_30", "id: '31'")
    catalogue = CATALOGUE.replace("rqth: oui", "rqth: 'yes'").replace("duree_arret: plus_30", "duree_arret: '31'")
    tree_dir = write_tree(tmp_path, arbre=arbre, catalogue=catalogue)
    result = result_of(tree_dir, phase="arret", duree_arret="31", rqth="no")
    text = scenario_yaml(result, 'Titre avec « guillemets » et "apostrophes" : oui')
    assert text.splitlines()[1] == 'title: "Titre avec « guillemets » et \\"apostrophes\\" : oui"'
    assert '  duree_arret: "31"  #' in text and '  rqth: "no"  #' in text
    check = round_trip(text, tree_dir)
    assert (check.problems, check.mismatches) == ((), ())
    assert check.scenario is not None and check.scenario.answers == {"phase": "arret", "duree_arret": "31",
                                                                      "rqth": "no"}


def test_departement_is_recorded(tmp_path: Path) -> None:
    tree_dir = write_tree(tmp_path, overlays={"56": OVERLAY})
    text = scenario_yaml(result_of(tree_dir, "56", phase="reprise", rqth="oui"), "Reprise dans le Morbihan")
    assert text.splitlines()[3] == 'departement: "56"'
    check = round_trip(text, tree_dir)
    assert (check.problems, check.mismatches, check.tree_version) == ((), (), "1.0")


def test_empty_result_and_commented_expectations(tmp_path: Path) -> None:
    """A path with no dispositif writes « present: [] »; the commented suggestions pass once uncommented."""
    catalogue = CATALOGUE.replace("      any:\n        - phase: en_poste\n        - duree_arret: moins_30\n",
                                  "      duree_arret: moins_30\n")
    arbre = ARBRE.replace('    text: "La visite à la demande permet d\'agir tôt."',
                          '    text: "Rien à proposer."\n    allow_empty: true')
    tree_dir = write_tree(tmp_path, arbre=arbre, catalogue=catalogue)
    text = scenario_yaml(result_of(tree_dir, phase="en_poste"), "Rien")
    assert "  present: []  # aucun dispositif proposé sur ce parcours\n" in text
    assert "  # contacts:" not in text and "  # first:" not in text
    uncommented = text.replace("  # absent:", "  absent:")
    check = round_trip(uncommented, tree_dir)
    assert (check.problems, check.mismatches) == ((), ())
    assert check.scenario is not None and len(check.scenario.expect.absent) == 4


class TestQuizComparison:
    def test_identical(self, tree_dir: Path) -> None:
        ref = result_of(tree_dir, phase="arret", duree_arret="plus_30", rqth="oui")
        cmp = compare_paths(ref, ref)
        assert (cmp.score, cmp.same_outcome, cmp.missed, cmp.added, cmp.perfect) == ((3, 3), True, (), (), True)

    def test_questions_of_either_path_in_reference_order(self, tree_dir: Path) -> None:
        """Questions only the trainee met come after the reference's ones; missed and added dispositifs."""
        ref = result_of(tree_dir, phase="arret", duree_arret="moins_30")
        mine = result_of(tree_dir, phase="reprise", rqth="oui")
        cmp = compare_paths(mine, ref)
        assert [(r.question, r.given, r.expected, r.same) for r in cmp.rows] == [
            ("phase", "À la reprise", "Pendant l'arrêt", False),
            ("duree_arret", None, "30 jours ou moins", False),
            ("rqth", "Oui", None, False),
        ]
        assert (cmp.score, cmp.same_outcome, cmp.perfect) == ((0, 3), False, False)
        assert (cmp.missed, cmp.added) == (("visite-demande",), ("cap-emploi-maintien", "visite-reprise"))

    @pytest.mark.parametrize("rqth", ["oui", "non"])
    def test_perfect_only_when_every_answer_matches(self, tree_dir: Path, rqth: str) -> None:
        ref = result_of(tree_dir, phase="arret", duree_arret="plus_30", rqth="non")
        mine = result_of(tree_dir, phase="arret", duree_arret="plus_30", rqth=rqth)
        assert compare_paths(mine, ref).perfect is (rqth == "non")
