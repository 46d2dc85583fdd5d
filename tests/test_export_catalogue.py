"""`pdp-nav catalogue`: dispositifs (every field, confidence, to confirm) and contacts, as JSON,
CSV or Markdown, with the département overlay applied on request."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pdp_nav.export.catalogue import condition_text
from pdp_nav.content.load import load_tree

from .helpers import (CONDITIONAL_CONTACTS, CONDITIONAL_CONTACTS_CONTACTS, LOCAL_DISPOSITIFS, OVERLAY, invoke,
                      output_validator, write_tree)


@pytest.fixture
def tree56(tmp_path: Path) -> Path:
    return write_tree(tmp_path, overlays={"56": OVERLAY})


def catalogue(capsys: pytest.CaptureFixture[str], tree: Path, *args: str) -> tuple[int, str, str]:
    return invoke(capsys, "catalogue", "--arbre", tree, *args)


class TestJson:
    def test_every_field_of_every_dispositif(self, tree_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = catalogue(capsys, tree_dir)
        assert (code, err) == (0, "")
        data = json.loads(out)
        output_validator("catalogue").validate(data)
        assert (data["format_version"], data["kind"]) == (1, "pdp-nav-catalogue")
        assert [d["id"] for d in data["dispositifs"]] == [
            "visite-demande", "visite-pre-reprise", "visite-reprise", "cap-emploi-maintien"]
        cap = data["dispositifs"][3]
        assert cap == {
            "id": "cap-emploi-maintien", "name": "Cap emploi — maintien", "category": "",
            "summary": "Accompagnement du maintien des travailleurs handicapés.",
            "for_whom": "Bénéficiaires de l'obligation d'emploi.", "conditions": "RQTH obtenue ou en cours.",
            "decides": "Cap emploi.", "next_step": "Orienter vers Cap emploi.",
            "legal": ["C. trav., art. L5214-3-1"],
            "legal_refs": [{"label": "C. trav., art. L5214-3-1", "url": f"{SEARCH}L5214-3-1", "code": "travail",
                            "article": "L5214-3-1"}], "sources": [{"title": "capemploi.info", "url": ""}],
            "checked": "2026-11-01", "confidence": "medium",
            "to_confirm": "À confirmer auprès du Cap emploi du département.", "contacts": ["cap-emploi"],
            "departements": [], "confidence_label": "moyenne", "when": {"all": [{"rqth": ["oui"]}, {"not": {"phase": ["en_poste"]}}]},
            "when_text": "« La personne a-t-elle une RQTH ? » : « Oui » ET NON (« Où en est la personne ? » : "
                         "« En poste, sans arrêt »)", "contact_when": []}
        assert data["dispositifs"][0]["to_confirm"] is None
        assert data["contacts"] == [
            {"id": "spst", "name": "Service de prévention et de santé au travail",
             "description": "Le SPST auquel adhère l'employeur.", "scope": "departemental", "departement": None,
             "channels": [{"kind": "autre", "value": "Coordonnées auprès de l'employeur", "note": ""}],
             "dispositifs": ["visite-demande", "visite-pre-reprise", "visite-reprise"]},
            {"id": "cap-emploi", "name": "Cap emploi", "description": "Organisme de placement spécialisé.",
             "scope": "departemental", "departement": None, "channels": [], "dispositifs": ["cap-emploi-maintien"]}]

    def test_departement_overlay(self, tree56: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--departement: local names first, an unfilled channel left out; the tree says which département."""
        code, out, _ = catalogue(capsys, tree56, "--departement", "56")
        data = json.loads(out)
        output_validator("catalogue").validate(data)
        assert code == 0 and data["tree"]["departement"] == "56"
        cap = data["contacts"][1]
        assert (cap["name"], cap["departement"], cap["channels"]) == (
            "Cap emploi 56", "56", [])

    def test_condition_text_nesting(self, tree_dir: Path) -> None:
        """any inside all is bracketed; `true` reads « toujours proposé »."""
        from pdp_nav.core.conditions import parse_condition

        tree = load_tree(tree_dir)
        cond = parse_condition({"rqth": "oui", "any": [{"phase": ["arret", "reprise"]}, {"duree_arret": "plus_30"}]})
        assert condition_text(tree, cond) == (
            "« La personne a-t-elle une RQTH ? » : « Oui » ET (« Où en est la personne ? » : « Pendant l'arrêt » "
            "ou « À la reprise » OU « Depuis combien de temps dure l'arrêt ? » : « Plus de 30 jours »)")
        assert condition_text(tree, parse_condition(True)) == "toujours proposé"


class TestCsv:
    def test_dispositifs_table(self, tree_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = catalogue(capsys, tree_dir, "--format", "csv")
        assert (code, err) == (0, "")
        rows = list(csv.DictReader(io.StringIO(out)))
        validator = output_validator("catalogue-dispositifs-csv")
        for row in rows:
            validator.validate(row)
        assert out.splitlines()[0] == ("format_version,id,name,category,summary,for_whom,conditions,decides,"
                                       "next_step,legal,sources,checked,confidence,to_confirm,contacts,when,departements")
        pre = rows[1]
        assert pre["legal"] == "C. trav., art. L4624-2-4\nC. trav., art. R4624-29"
        assert pre["sources"] == "Code du travail <https://www.legifrance.gouv.fr/>"
        assert (pre["checked"], pre["confidence"], pre["to_confirm"], pre["contacts"]) == (
            "2026-11-01", "high", "", "spst")
        assert rows[3]["to_confirm"] == "À confirmer auprès du Cap emploi du département."

    def test_contacts_table(self, tree56: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = catalogue(capsys, tree56, "--format", "csv", "--table", "contacts", "-d", "56")
        assert code == 0
        assert out == (
            "format_version,id,name,description,scope,departement,channels,dispositifs\n"
            "1,spst,Service de prévention et de santé au travail,Le SPST auquel adhère l'employeur.,"
            "departemental,,Coordonnées auprès de l'employeur,visite-demande;visite-pre-reprise;visite-reprise\n"
            "1,cap-emploi,Cap emploi 56,Organisme de placement spécialisé.,departemental,56,,"
            "cap-emploi-maintien\n")
        validator = output_validator("catalogue-contacts-csv")
        for row in csv.DictReader(io.StringIO(out)):
            validator.validate(row)


    @pytest.mark.parametrize("table", ["dispositifs", "contacts"])
    def test_csv_excel_same_rows_with_bom_and_semicolons(self, tree56: Path, capsys, table: str) -> None:
        """csv-excel: the csv table, after a byte-order mark, with « ; » between cells (French Excel)."""
        _, plain, _ = catalogue(capsys, tree56, "-f", "csv", "--table", table, "-d", "56")
        code, out, err = catalogue(capsys, tree56, "-f", "csv-excel", "--table", table, "-d", "56")
        assert (code, err) == (0, "")
        assert out.startswith("\ufeffformat_version;id;name;")
        assert list(csv.reader(io.StringIO(out[1:]), delimiter=";")) == list(csv.reader(io.StringIO(plain)))


SEARCH = "https://www.legifrance.gouv.fr/search/code?tab_selection=code&query=Code+du+travail+"


class TestMarkdown:
    def test_sections(self, tree56: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = catalogue(capsys, tree56, "--format", "markdown", "-d", "56")
        assert code == 0
        assert out.startswith("# Catalogue de l'arbre « Mini-arbre PDP »\n\n"
                              "_Version 1.0 — format_version 1 — contacts locaux du département 56_\n\n"
                              "## Dispositifs\n\n### Visite à la demande (`visite-demande`)\n")
        block = out.split("### Cap emploi — maintien (`cap-emploi-maintien`)\n")[1].split("\n## Contacts")[0]
        assert block == (
            "\nAccompagnement du maintien des travailleurs handicapés.\n\n"
            "- **Pour qui** : Bénéficiaires de l'obligation d'emploi.\n"
            "- **Durée et conditions** : RQTH obtenue ou en cours.\n"
            "- **Qui décide** : Cap emploi.\n"
            "- **Prochaine étape** : Orienter vers Cap emploi.\n"
            "- **Proposé quand** : « La personne a-t-elle une RQTH ? » : « Oui » ET NON "
            "(« Où en est la personne ? » : « En poste, sans arrêt »)\n"
            f"- **Base légale** : [C. trav., art. L5214-3-1]({SEARCH}L5214-3-1)\n"
            "- **Sources** : capemploi.info\n"
            "- **Vérifié le** : 01/11/2026\n"
            "- **Fiabilité** : moyenne\n"
            "- **À confirmer** : À confirmer auprès du Cap emploi du département.\n"
            "- **Contacts** : Cap emploi 56 (`cap-emploi`)\n")
        assert out.endswith("### Cap emploi 56 (`cap-emploi`)\n\nOrganisme de placement spécialisé.\n\n"
                            "- **Portée** : départementale, département 56\n"
                            "- **Pour** : Cap emploi — maintien (`cap-emploi-maintien`)\n")


class TestConditionalContactsAndLocal:
    def test_json_and_markdown_say_when_a_contact_is_shown(self, tmp_path: Path, capsys) -> None:
        tree = write_tree(tmp_path, catalogue=CONDITIONAL_CONTACTS + LOCAL_DISPOSITIFS,
                          contacts=CONDITIONAL_CONTACTS_CONTACTS, overlays={"56": OVERLAY})
        code, out, _ = catalogue(capsys, tree)
        data = json.loads(out)
        output_validator("catalogue").validate(data)
        pre = next(d for d in data["dispositifs"] if d["id"] == "visite-pre-reprise")
        assert pre["contacts"] == ["spst", "cap-emploi", "spst-bis"]
        assert pre["contact_when"] == [
            {"id": "cap-emploi", "when": {"rqth": ["oui"]},
             "when_text": "« La personne a-t-elle une RQTH ? » : « Oui »"},
            {"id": "spst-bis", "when": {"not": {"rqth": ["oui"]}},
             "when_text": "NON (« La personne a-t-elle une RQTH ? » : « Oui »)"}]
        assert next(d for d in data["dispositifs"] if d["id"] == "etm")["departements"] == ["22", "29", "35"]
        code, out, _ = catalogue(capsys, tree, "--format", "markdown")
        assert ("- **Contacts** : Service de prévention et de santé au travail (`spst`), Cap emploi (`cap-emploi`) "
                "si « La personne a-t-elle une RQTH ? » : « Oui », Cellule PDP du SPST (`spst-bis`) si NON "
                "(« La personne a-t-elle une RQTH ? » : « Oui »)\n") in out
        assert "- **Dispositif local** : proposé seulement avec l'un des départements 22, 29 et 35\n" in out
        assert "- **Dispositif local** : proposé seulement avec le département 56\n" in out
        code, out, _ = catalogue(capsys, tree, "--format", "csv")
        row = next(r for r in csv.DictReader(io.StringIO(out)) if r["id"] == "etm")
        assert row["departements"] == "22;29;35"


class TestErrors:
    def test_table_only_for_csv(self, tree_dir: Path, capsys) -> None:
        assert catalogue(capsys, tree_dir, "--table", "contacts") == (
            2, "", "--table ne s'applique qu'aux formats csv et csv-excel : json et markdown contiennent les deux "
               "listes\n")

    def test_unknown_table(self, tree_dir: Path, capsys) -> None:
        assert catalogue(capsys, tree_dir, "-f", "csv", "--table", "organismes") == (
            2, "", "--table « organismes » inconnu : choisissez parmi dispositifs, contacts\n")

    def test_departement_without_overlay(self, tree_dir: Path, capsys) -> None:
        """A département without overlay: the national contacts, and a note saying how to add its own."""
        code, out, err = catalogue(capsys, tree_dir, "-d", "29")
        assert (code, json.loads(out)["tree"]["departement"]) == (0, None)
        assert err == ("Note : aucun annuaire local n'est configuré pour le département 29 (Finistère) ; les "
                       "contacts nationaux et les annuaires officiels sont indiqués. Pour ajouter les contacts "
                       "locaux : pdp-nav departement creer 29\n")

    def test_output_file(self, tree_dir: Path, tmp_path: Path, capsys) -> None:
        target = tmp_path / "catalogue.json"
        assert catalogue(capsys, tree_dir, "-o", str(target)) == (0, "", f"Catalogue écrit dans {target}.\n")
        output_validator("catalogue").validate(json.loads(target.read_text(encoding="utf-8")))
