"""One eligibility rule (issue #12, point 3): the engine, its memo and the linter agree, by département."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from pdp_nav.core import engine
from pdp_nav.content.load import load_tree
from pdp_nav.validate import check

from .helpers import CATALOGUE, LOCAL_DISPOSITIFS, OVERLAY, write_tree

TODAY = dt.date(2026, 11, 23)
NO_CAP_EMPLOI = OVERLAY.replace("À COMPLÉTER", "02 97 00 00 00")


def test_memo_of_the_base_tree_is_not_served_for_a_departement(tmp_path: Path) -> None:
    """A result memoised without département is not reused once the 56 overlay is applied."""
    base = load_tree(write_tree(tmp_path, catalogue=CATALOGUE + LOCAL_DISPOSITIFS, overlays={"56": NO_CAP_EMPLOI}))
    outcome = next(iter(base.outcomes.values()))
    answers = {"phase": "arret"}
    assert "kerpape-bilan" not in engine.proposed_ids(base, answers, outcome)
    morbihan = dataclasses.replace(base, departement="56")
    assert engine.proposed_ids(morbihan, answers, outcome) == engine.fitting(morbihan, answers) == ("kerpape-bilan",)


def test_a_path_empty_in_a_departement_with_an_overlay_is_reported(tmp_path: Path) -> None:
    """Every dispositif local to the 56: each path is empty without département and in the 22."""
    catalogue = CATALOGUE.replace("    when:", '    departements: ["56"]\n    when:')
    overlays = {"56": NO_CAP_EMPLOI, "22": NO_CAP_EMPLOI.replace('"56"', '"22"').replace("Morbihan", "Côtes-d'Armor")}
    tree = write_tree(tmp_path, catalogue=catalogue, overlays=overlays)
    found = [str(p).replace(f"{tree}/", "") for p in check(tree, TODAY).problems if p.rule == "empty-path"]
    assert found[0] == (
        "arbre.yaml:14:15: le parcours phase=en_poste aboutit à l'issue « en_poste_prevention » sans aucun "
        "dispositif (sans département choisi ni dans le département 22) : élargissez une condition « when » du "
        "catalogue, ou écrivez « allow_empty: true » dans l'issue si c'est voulu")
    assert not [p for p in check(write_tree(tmp_path / "ok", catalogue=CATALOGUE, overlays=overlays), TODAY).problems
                if p.rule == "empty-path"]
