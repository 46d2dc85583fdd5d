"""``pdp-nav departement creer`` / ``verifier``: a local team writes and checks its directory (issue #14)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pdp_nav.cli import main

from .helpers import shipped_tree_or_skip

INVALID = ("département « 20 » inconnu : indiquez un numéro de 01 à 95, 2A, 2B ou de 971 à 976 "
           "(ex. 56, 056, 2a, 974), ou un nom (ex. morbihan, « Côtes-d'Armor »)\n")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fill(text: str) -> str:
    """What a local team does in its editor: every « À COMPLÉTER » replaced by a sourced value."""
    text = re.sub(r'checked: "À COMPLÉTER[^"]*"', "checked: 2026-11-20", text)
    return re.sub(r'"À COMPLÉTER[^"]*"', '"Valeur relevée sur le site officiel"', text)


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped tree, so that the test may add an overlay to it."""
    target = tmp_path / "trees"
    shutil.copytree(shipped_tree_or_skip(), target, ignore=shutil.ignore_patterns("scenarios"))
    return target


class TestCreer:
    def test_writes_a_commented_overlay_with_every_organisation(self, shipped_copy: Path, capsys) -> None:
        """Every local organisation, every field « À COMPLÉTER » with what to put there, and where to look."""
        code, out, err = cli(capsys, "departement", "creer", "paris", "--arbre", str(shipped_copy))
        path = shipped_copy / "departements" / "75.yaml"
        assert (code, out, err) == (0, (
            f"{path} créé : remplacez chaque « À COMPLÉTER », puis lancez « pdp-nav departement verifier 75 ».\n"), "")
        text = path.read_text(encoding="utf-8")
        assert 'departement: "75"\nname: "Paris"\ncontacts:\n' in text
        for cid in ("cpam", "service-social-am", "carsat", "mdph", "cap-emploi", "msa", "france-travail", "spst",
                    "cdg-conseil-medical", "agefiph", "fiphfp"):
            assert f"\n  {cid}:\n" in text
        assert "# Où chercher : https://www.monparcourshandicap.gouv.fr" in text
        assert '- {kind: telephone, value: "À COMPLÉTER (numéro à l\'usage des professionnels' in text

    @pytest.mark.slow
    def test_the_new_overlay_is_valid_and_validate_lists_it(self, shipped_copy: Path, capsys) -> None:
        """An overlay just created: validate passes, its fields to fill are warnings with their line."""
        cli(capsys, "departement", "creer", "75", "--arbre", str(shipped_copy))
        code, out, _ = cli(capsys, "validate", str(shipped_copy))
        assert code == 0 and "75.yaml:34:34: avertissement : à compléter par l'équipe locale : contact « cpam », " \
            "canal telephone\n" in out

    def test_never_replaces_an_existing_overlay(self, shipped_copy: Path, capsys) -> None:
        path = shipped_copy / "departements" / "56.yaml"
        before = path.read_text(encoding="utf-8")
        code, out, err = cli(capsys, "departement", "creer", "056", "--arbre", str(shipped_copy))
        assert (code, out) == (2, "")
        assert err == (f"{path} existe déjà : "
                       "complétez-le avec un éditeur de texte puis vérifiez-le avec « pdp-nav departement verifier 56 » "
                       "(pour repartir de zéro, renommez-le d'abord)\n")
        assert path.read_text(encoding="utf-8") == before

    def test_invalid_code(self, shipped_copy: Path, capsys) -> None:
        assert cli(capsys, "departement", "creer", "20", "--arbre", str(shipped_copy)) == (2, "", INVALID)
        assert not (shipped_copy / "departements" / "20.yaml").exists()


class TestVerifier:
    def test_a_new_overlay_lists_what_is_missing_with_its_line(self, shipped_copy: Path, capsys) -> None:
        cli(capsys, "departement", "creer", "2a", "--arbre", str(shipped_copy))
        path = shipped_copy / "departements" / "2A.yaml"
        line = path.read_text(encoding="utf-8").splitlines().index("  cpam:") + 1
        code, out, err = cli(capsys, "departement", "verifier", "2A", "--arbre", str(shipped_copy))
        lines = out.splitlines()
        assert (code, err) == (1, "")
        assert lines[0] == (f"{path}:{line + 10}:11: avertissement : à compléter par l'équipe locale : "
                            "contact « cpam », nom")
        assert lines[1] == (f"{path}:{line + 12}:34: avertissement : à compléter par l'équipe locale : "
                            "contact « cpam », canal telephone")
        assert lines[-1] == f"{len(lines) - 1} point(s) à compléter ou corriger dans {path}."

    def test_filled_in_it_is_clean(self, shipped_copy: Path, capsys) -> None:
        """creer, then every field filled in a text editor: verifier and validate are clean."""
        cli(capsys, "departement", "creer", "974", "--arbre", str(shipped_copy))
        path = shipped_copy / "departements" / "974.yaml"
        path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
        assert cli(capsys, "departement", "verifier", "la réunion", "--arbre", str(shipped_copy)) == (0, (
            f"{path} est complet : chaque contact a ses coordonnées, ses sources et sa date.\n"), "")

    def test_a_check_date_is_needed_and_not_older_than_12_months(self, shipped_copy: Path, capsys) -> None:
        cli(capsys, "departement", "creer", "35", "--arbre", str(shipped_copy))  # refused: 35 ships
        path = shipped_copy / "departements" / "13.yaml"
        cli(capsys, "departement", "creer", "13", "--arbre", str(shipped_copy))
        text = fill(path.read_text(encoding="utf-8"))
        text = text.replace("checked: 2026-11-20", "checked: 2025-10-01", 1)
        text = text.replace("    checked: 2026-11-20\n", "", 1)
        path.write_text(text, encoding="utf-8")
        lines = text.splitlines()
        stale = next(i for i, s in enumerate(lines, 1) if "2025-10-01" in s)
        unchecked = lines.index("  service-social-am:") + 1
        assert cli(capsys, "departement", "verifier", "13", "--arbre", str(shipped_copy)) == (1, (
            f"{path}:{stale}:14: avertissement : les coordonnées du contact « cpam » ont été vérifiées le "
            "2025-10-01, il y a plus de 12 mois : revérifiez-les auprès de leur source puis mettez « checked » à jour\n"
            f"{path}:{unchecked}:3: avertissement : le contact « service-social-am » n'a pas de date de "
            "vérification : ajoutez « checked: AAAA-MM-JJ », le jour où ses coordonnées ont été vérifiées\n"
            f"2 point(s) à compléter ou corriger dans {path}.\n"), "")

    def test_no_overlay_yet(self, shipped_copy: Path, capsys) -> None:
        path = shipped_copy / "departements" / "75.yaml"
        assert cli(capsys, "departement", "verifier", "75", "--arbre", str(shipped_copy)) == (2, "", (
            f"{path} n'existe pas : créez-le avec « pdp-nav departement creer 75 »\n"))

    def test_unreadable_overlay(self, shipped_copy: Path, capsys) -> None:
        path = shipped_copy / "departements" / "75.yaml"
        path.write_text('format_version: 1\ndepartement: "75\n', encoding="utf-8")
        code, out, _ = cli(capsys, "departement", "verifier", "75", "--arbre", str(shipped_copy))
        assert code == 2 and out.startswith(f"{path}:") and out.endswith(
            "Fichier illisible : corrigez l'erreur ci-dessus puis relancez la vérification.\n")


def test_group_without_subcommand_says_what_to_do(capsys) -> None:
    """`pdp-nav departement` alone: one French line naming the subcommands, exit 2 (like `scenario`)."""
    code, out, err = cli(capsys, "departement")
    assert (code, out, err) == (2, "", "indiquez quoi faire (creer ou verifier), par exemple : "
                                       "pdp-nav departement creer 56 (aide : pdp-nav departement --help)\n")
