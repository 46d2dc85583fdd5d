"""``fiche`` and ``cherche``: a dispositif's card by id, name or alias, without accents or case."""

from __future__ import annotations

import pytest

from pdp_nav.cli import main
from pdp_nav.content.files import data_dir

SHIPPED = str(data_dir())


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--arbre", SHIPPED])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("query", "name"), [
    (["tpt-salarie"], "Temps partiel thérapeutique (maladie, salariés)"),
    (["mi-temps", "thérapeutique"], "Temps partiel thérapeutique (maladie, salariés)"),
    (["MI TEMPS THERAPEUTIQUE"], "Temps partiel thérapeutique (maladie, salariés)"),
    (["sameth"], "Cap emploi — accompagnement au maintien dans l'emploi (ex-Sameth)"),
    (["Prereprise"], "Visite (examen) de pré-reprise"),
    (["visite (examen) de pré-reprise"], "Visite (examen) de pré-reprise"),
])
def test_fiche_finds_by_id_name_or_alias(capsys: pytest.CaptureFixture[str], query: list[str], name: str) -> None:
    """An id, a name or an alias, with or without accents and capitals, prints that one card."""
    code, out, err = cli(capsys, "fiche", *query)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Dispositif : {name}"
    assert [line.split(" : ")[0] for line in lines[1:6]] == [
        "  Ce que c'est", "  Pour qui", "  Durée et conditions", "  Qui décide", "  Prochaine étape"]
    assert "Pourquoi" not in out and "SPST) de l'employeur" not in out


def test_fiche_ambiguous_lists_the_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    """Several dispositifs match: exit 2, each id and name, and how to choose one."""
    code, out, err = cli(capsys, "fiche", "temps", "partiel")
    assert (code, out) == (2, "")
    assert err.startswith("plusieurs dispositifs correspondent à « temps partiel » : donnez l'identifiant de "
                          "l'un d'eux (pdp-nav fiche IDENTIFIANT)\n  tpt-salarie — Temps partiel thérapeutique "
                          "(maladie, salariés)\n")


def test_fiche_unknown_says_how_to_search(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "fiche", "zzz")
    assert (code, out, err) == (2, "", "aucun dispositif ne s'appelle « zzz » : cherchez par mots-clés avec "
                                       "« pdp-nav cherche zzz »\n")


def test_cherche_names_aliases_and_summaries(capsys: pytest.CaptureFixture[str]) -> None:
    """Words are searched in names, aliases and summaries, accents and case ignored."""
    assert cli(capsys, "cherche", "ERGONOMIQUE") == (0, (
        "2 dispositifs pour « ERGONOMIQUE » (pdp-nav fiche IDENTIFIANT pour la fiche) :\n"
        "  agefiph-appuis-etudes — Prestations d'appui par type de handicap et études ergonomiques (EPAAST)\n"
        "  fiphfp-aides — Aides du FIPHFP (fonction publique)\n"), "")
    code, out, _ = cli(capsys, "cherche", "sameth")
    assert code == 0 and "  cap-emploi-maintien — Cap emploi" in out
    assert cli(capsys, "cherche", "licorne") == (
        0, "Aucun dispositif ne contient « licorne ». Essayez moins de mots ou un autre nom.\n", "")
