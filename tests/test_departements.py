"""Département codes and names (issue #14): every spelling a doctor may type gives one code."""

from __future__ import annotations

import pytest

from pdp_nav.core.departements import NAMES, code, label


@pytest.mark.parametrize(("text", "expected"), [
    ("56", "56"), ("056", "56"), (" 56 ", "56"), ("1", "01"), ("01", "01"), ("2a", "2A"), ("2B", "2B"),
    ("02a", "2A"), ("974", "974"), ("976", "976"), ("morbihan", "56"), ("MORBIHAN", "56"),
    ("Côtes-d'Armor", "22"), ("cotes d armor", "22"), ("finistere", "29"), ("Ille et Vilaine", "35"),
    ("la réunion", "974"), ("Réunion", "974"), ("corse du sud", "2A"), ("paris", "75"),
])
def test_accepted_spellings(text: str, expected: str) -> None:
    """Codes with or without a leading zero, any case, names without accents or hyphens."""
    assert code(text) == expected


@pytest.mark.parametrize("text", ["", "0", "20", "96", "99", "100", "970", "977", "2C", "bretagne", "56x"])
def test_not_a_departement(text: str) -> None:
    """Corsica is 2A or 2B, never 20; a region or an unknown number is refused."""
    assert code(text) is None


def test_every_name_and_code_round_trips() -> None:
    """The table has the 101 départements (and 975); each name and code gives back its code."""
    assert len(NAMES) == 102 and len({n.lower() for n in NAMES.values()}) == 102
    for dep, name in NAMES.items():
        assert code(name) == dep and code(dep) == dep
    assert label("2A") == "2A (Corse-du-Sud)"
