"""Each lint rule: a broken tree gives the exact French message at the exact place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pdp_nav.cli import main
from pdp_nav.validate import check

from .helpers import (ARBRE, CATALOGUE, CONDITIONAL_CONTACTS, CONDITIONAL_CONTACTS_CONTACTS, LOCAL_DISPOSITIFS,
                      OVERLAY, line_of, shipped_tree_or_skip, write_tree)

TODAY = dt.date(2026, 11, 23)


def problems(tmp_path: Path, **files: str) -> list[str]:
    """The problems of a tree where ``files`` replace the defaults, as strings relative to the tree dir."""
    tree = write_tree(tmp_path, **files)
    report = check(tree, TODAY)
    return [str(p).replace(str(tree) + "/", "") for p in report.problems]


def test_valid_tree_is_clean(tmp_path: Path) -> None:
    """The helper tree passes every check."""
    assert problems(tmp_path) == []


def test_yaml_syntax_error_is_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A syntax error names file, line and column, and `validate` exits 2."""
    tree = write_tree(tmp_path, arbre=ARBRE.replace('  title: "Mini-arbre PDP"', '  title: Mini: arbre'))
    assert main(["validate", str(tree)]) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"{tree}/arbre.yaml:5:14: erreur de syntaxe YAML : « : » inattendu (une valeur "
                          "contient-elle « : » sans guillemets ?)\n")


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    """A misspelt key is reported at the key, with the closest known key."""
    arbre = ARBRE.replace("    help: \"La RQTH", "    hepl: \"La RQTH")
    assert problems(tmp_path, arbre=arbre) == [
        f"arbre.yaml:{line_of(arbre, '  rqth:')}:3: la question « rqth » : clé obligatoire « help » manquante",
        f"arbre.yaml:{line_of(arbre, 'hepl')}:5: clé inconnue « hepl » dans la question « rqth » : "
        "vouliez-vous dire « help » ?",
    ]


def test_wrong_type(tmp_path: Path) -> None:
    """A list where a text is expected is a type error at the value."""
    arbre = ARBRE.replace('    text: "Depuis combien', '    text: ["Depuis combien').replace(
        "l'arrêt ?\"\n", "l'arrêt ?\"]\n", 1)
    assert problems(tmp_path, arbre=arbre) == [
        f"arbre.yaml:{line_of(arbre, 'Depuis combien')}:11: « text » doit être un texte, pas une liste",
    ]


def test_duplicate_key(tmp_path: Path) -> None:
    """YAML would silently keep the last duplicate key: it is an error."""
    catalogue = CATALOGUE.replace("    confidence: high\n    when:\n      phase: reprise",
                                  "    confidence: high\n    confidence: low\n    when:\n      phase: reprise")
    line = line_of(catalogue, "confidence: low")
    assert problems(tmp_path, catalogue=catalogue) == [
        f"catalogue.yaml:{line}:5: clé « confidence » en double (déjà définie ligne {line - 1}) : YAML ne "
        "garderait que la dernière ; supprimez ou renommez l'une des deux",
    ]


def test_duplicate_option_id(tmp_path: Path) -> None:
    arbre = ARBRE.replace("      - id: non\n", "      - id: oui\n")
    assert problems(tmp_path, arbre=arbre) == [
        f"arbre.yaml:{line_of(arbre, '- id: oui', 2)}:13: l'option « oui » apparaît deux fois dans la "
        f"question « rqth » (déjà ligne {line_of(arbre, '- id: oui')}) : donnez-lui un autre identifiant",
    ]


def test_outcome_sharing_a_question_id(tmp_path: Path) -> None:
    arbre = ARBRE.replace("  arret_court:\n    title", "  rqth:\n    title").replace(
        "next: arret_court", "next: synthese")
    assert f"arbre.yaml:{line_of(arbre, '  rqth:', 2)}:3: l'issue « rqth » porte le même identifiant que " \
        f"la question « rqth » (ligne {line_of(arbre, '  rqth:')}) : renommez l'une des deux" in problems(
            tmp_path, arbre=arbre)


def test_dangling_next(tmp_path: Path) -> None:
    """The example of the issue: an option leading to a node that does not exist."""
    arbre = ARBRE.replace("next: arret_court", "next: reprise_poste")
    assert problems(tmp_path, arbre=arbre)[0] == (
        f"arbre.yaml:{line_of(arbre, 'reprise_poste')}:15: l'option « moins_30 » renvoie vers le nœud "
        "« reprise_poste » qui n'existe pas")


def test_dangling_next_hint(tmp_path: Path) -> None:
    arbre = ARBRE.replace("next: arret_court", "next: arret_cour")
    assert problems(tmp_path, arbre=arbre)[0].endswith(
        "l'option « moins_30 » renvoie vers le nœud « arret_cour » qui n'existe pas "
        "(vouliez-vous dire « arret_court » ?)")


def test_dangling_root(tmp_path: Path) -> None:
    arbre = ARBRE.replace("root: phase", "root: phases")
    assert problems(tmp_path, arbre=arbre)[0] == (
        "arbre.yaml:6:9: la racine « phases » n'existe pas (vouliez-vous dire « phase » ?)")


def test_dangling_contact(tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace("contacts: [cap-emploi]", "contacts: [cap-emplois]")
    assert problems(tmp_path, catalogue=catalogue) == [
        f"catalogue.yaml:{line_of(catalogue, 'cap-emplois')}:16: le dispositif « cap-emploi-maintien » cite "
        "le contact « cap-emplois » qui n'existe pas dans contacts.yaml (vouliez-vous dire « cap-emploi » ?)",
    ]


def test_dangling_dispositif_in_outcome(tmp_path: Path) -> None:
    arbre = ARBRE.replace("first: [cap-emploi-maintien]", "first: [cap-emploi]")
    assert problems(tmp_path, arbre=arbre) == [
        f"arbre.yaml:{line_of(arbre, 'first:')}:13: l'issue « synthese » cite le dispositif « cap-emploi » "
        "qui n'existe pas dans le catalogue (vouliez-vous dire « cap-emploi-maintien » ?)",
    ]


def test_condition_on_unknown_question_and_option(tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace("      duree_arret: plus_30", "      duree: plus_30").replace(
        "      phase: reprise", "      phase: [reprise, apres]")
    found = problems(tmp_path, catalogue=catalogue)
    assert [
        f"catalogue.yaml:{line_of(catalogue, 'duree: plus_30')}:7: la condition du dispositif "
        "« visite-pre-reprise » cite la question « duree » qui n'existe pas (vouliez-vous dire "
        "« duree_arret » ?)",
    ] == [p for p in found if "« duree »" in p]
    assert (f"catalogue.yaml:{line_of(catalogue, '[reprise, apres]')}:24: la condition du dispositif "
            "« visite-reprise » cite l'option « apres », que la question « phase » n'a pas "
            "(options : en_poste, arret, reprise)") in found


def test_cycle(tmp_path: Path) -> None:
    """An option going back to an earlier question is a cycle, spelled out."""
    arbre = ARBRE.replace("        next: synthese\n      - id: non", "        next: duree_arret\n      - id: non")
    assert problems(tmp_path, arbre=arbre) == [
        f"arbre.yaml:{line_of(arbre, 'next: duree_arret', 2)}:15: cycle : duree_arret → rqth → duree_arret ; "
        "l'option « oui » de « rqth » revient vers « duree_arret » : un parcours doit toujours avancer "
        "vers une issue",
    ]


def test_self_loop(tmp_path: Path) -> None:
    arbre = ARBRE.replace("        next: synthese\n      - id: non", "        next: rqth\n      - id: non")
    assert problems(tmp_path, arbre=arbre)[0].endswith(
        "cycle : rqth → rqth ; l'option « oui » de « rqth » revient vers « rqth » : un parcours doit "
        "toujours avancer vers une issue")


def test_unreachable_question(tmp_path: Path) -> None:
    arbre = ARBRE.replace("outcomes:\n", (
        "  orpheline:\n    text: \"Question isolée ?\"\n    help: \"Aide.\"\n    options:\n"
        "      - {id: a, label: A, next: synthese}\n      - {id: b, label: B, next: synthese}\noutcomes:\n"))
    assert problems(tmp_path, arbre=arbre) == [
        f"arbre.yaml:{line_of(arbre, 'orpheline:')}:3: la question « orpheline » n'est atteinte par aucun "
        "parcours depuis « phase » : reliez-la à une option ou supprimez-la",
    ]


def test_question_with_one_option(tmp_path: Path) -> None:
    arbre = ARBRE.replace("      - id: non\n        label: \"Non\"\n        next: synthese\n", "")
    assert problems(tmp_path, arbre=arbre) == [
        f"arbre.yaml:{line_of(arbre, '- id: oui')}:7: la question « rqth » a 1 option(s) : il en faut au "
        "moins deux (sinon supprimez la question et reliez directement la suite)",
    ]


def test_path_without_dispositif(tmp_path: Path) -> None:
    """A path whose answers satisfy no condition is an error, unless the outcome allows it."""
    catalogue = CATALOGUE.replace("        - duree_arret: moins_30\n", "")
    assert problems(tmp_path, catalogue=catalogue) == [
        f"arbre.yaml:{line_of(ARBRE, 'next: arret_court')}:15: le parcours phase=arret → duree_arret=moins_30 "
        "aboutit à l'issue « arret_court » sans aucun dispositif : élargissez une condition « when » du "
        "catalogue, ou écrivez « allow_empty: true » dans l'issue si c'est voulu",
    ]
    allowed = ARBRE.replace("    text: \"Pas de pré-reprise avant 30 jours d'arrêt.\"\n",
                            "    text: \"Pas de pré-reprise avant 30 jours d'arrêt.\"\n    allow_empty: true\n")
    assert problems(tmp_path, arbre=allowed, catalogue=catalogue) == []


def test_dispositif_never_proposed_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = CATALOGUE.replace("      phase: reprise", "      all:\n        - phase: reprise\n"
                                  "        - phase: en_poste").replace(
        "        - phase: en_poste\n        - duree_arret: moins_30\n",
        "        - phase: [en_poste, reprise]\n        - duree_arret: moins_30\n")
    assert problems(tmp_path, catalogue=catalogue) == [
        f"catalogue.yaml:{line_of(catalogue, 'visite-reprise:')}:3: avertissement : le dispositif "
        "« visite-reprise » n'est proposé par aucun parcours : vérifiez sa condition « when »",
    ]
    tree = tmp_path / "tree"
    assert main(["validate", str(tree)]) == 0
    assert main(["validate", "--strict", str(tree)]) == 1


@pytest.mark.parametrize(("key", "expected"), [
    ("legal", "n'a pas de référence légale : ajoutez « legal: » avec le ou les articles (code du travail, "
              "code de la sécurité sociale…)"),
    ("sources", "n'a pas de source : ajoutez « sources: » (page officielle, texte…)"),
    ("checked", "n'a pas de date de vérification : ajoutez « checked: AAAA-MM-JJ »"),
])
def test_missing_provenance(tmp_path: Path, key: str, expected: str) -> None:
    """Legal reference, source and date checked are mandatory for every dispositif."""
    lines = CATALOGUE.splitlines(keepends=True)
    start = line_of(CATALOGUE, "visite-reprise:")
    index = next(i for i in range(start, len(lines)) if lines[i].startswith(f"    {key}:"))
    catalogue = "".join(lines[:index] + lines[index + 1:])
    assert problems(tmp_path, catalogue=catalogue) == [
        f"catalogue.yaml:{start}:3: le dispositif « visite-reprise » {expected}",
    ]


def test_empty_legal_list(tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace('legal: ["C. trav., art. R4624-31"]', "legal: []")
    assert problems(tmp_path, catalogue=catalogue) == [
        f"catalogue.yaml:{line_of(catalogue, 'legal: []')}:12: le dispositif « visite-reprise » n'a pas de "
        "référence légale : ajoutez « legal: » avec le ou les articles (code du travail, code de la "
        "sécurité sociale…)",
    ]


def test_stale_check_is_a_warning(tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace("checked: 2026-11-01\n    confidence: high\n    when:\n      phase: reprise",
                                  "checked: 2025-10-01\n    confidence: high\n    when:\n      phase: reprise")
    assert problems(tmp_path, catalogue=catalogue) == [
        f"catalogue.yaml:{line_of(catalogue, '2025-10-01')}:14: avertissement : le dispositif "
        "« visite-reprise » a été vérifié le 2025-10-01, il y a plus de 12 mois : revérifiez ses règles "
        "et ses sources puis mettez « checked » à jour",
    ]


def test_source_outside_the_accepted_domains_is_a_warning(tmp_path: Path) -> None:
    """With `source_domains`, a source on another domain is a warning naming the dispositif (issue #15);
    a subdomain of an accepted domain (travail-emploi.gouv.fr under gouv.fr) is accepted."""
    catalogue = CATALOGUE.replace("format_version: 1\n", "format_version: 1\nsource_domains: [gouv.fr, ameli.fr]\n", 1)
    assert problems(tmp_path, catalogue=catalogue) == [
        f"catalogue.yaml:{line_of(catalogue, 'capemploi.info')}:15: avertissement : le dispositif "
        "« cap-emploi-maintien » cite une source hors des domaines acceptés : « capemploi.info » ; "
        "remplacez-la par une source officielle, ou ajoutez son domaine à « source_domains » s'il est officiel",
    ]


def test_source_domains_must_be_domain_names(tmp_path: Path) -> None:
    """A `source_domains` entry that is not a domain name is a schema error at its position."""
    catalogue = CATALOGUE.replace("format_version: 1\n", "format_version: 1\nsource_domains: [Légifrance]\n", 1)
    [problem] = problems(tmp_path, catalogue=catalogue)
    assert problem.startswith("catalogue.yaml:2:18: ") and "« Légifrance » invalide" in problem


def test_future_check_date(tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace("checked: 2026-11-01\n    confidence: high\n    when:\n      phase: reprise",
                                  "checked: 2027-01-01\n    confidence: high\n    when:\n      phase: reprise")
    assert problems(tmp_path, catalogue=catalogue)[0].endswith(
        "le dispositif « visite-reprise » est daté du 2027-01-01, dans le futur : indiquez la date réelle de "
        "vérification")


def test_uncertain_rule_needs_to_confirm(tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace("    to_confirm: \"À confirmer auprès du Cap emploi du département.\"\n", "")
    assert problems(tmp_path, catalogue=catalogue) == [
        f"catalogue.yaml:{line_of(catalogue, 'confidence: medium')}:17: le dispositif « cap-emploi-maintien » "
        "a une fiabilité « medium » sans « to_confirm » : dites au médecin ce qui est à confirmer et auprès "
        "de qui",
    ]


def test_bad_id(tmp_path: Path) -> None:
    arbre = ARBRE.replace("      - id: oui\n", "      - id: Oui!\n")
    assert problems(tmp_path, arbre=arbre) == [
        f"arbre.yaml:{line_of(arbre, 'Oui!')}:13: identifiant « Oui! » invalide : lettres minuscules sans "
        "accents, chiffres, « - » et « _ » uniquement (et ni « all », ni « any », ni « not »)",
    ]


def test_overlay_placeholders_and_references(tmp_path: Path) -> None:
    """Fields left « À COMPLÉTER » are listed (warnings); unknown dispositifs are errors."""
    overlay = OVERLAY + ("  kerpape:\n    name: \"Kerpape\"\n    description: \"Centre de rééducation.\"\n"
                         "    channels: [{kind: adresse, value: \"À COMPLÉTER\"}]\n"
                         "    dispositifs: [comete]\n")
    assert problems(tmp_path, overlays={"56": overlay}) == [
        "departements/56.yaml:8:34: avertissement : à compléter par l'équipe locale : contact « cap-emploi », "
        "canal telephone",
        "departements/56.yaml:13:39: avertissement : à compléter par l'équipe locale : contact « kerpape », "
        "canal adresse",
        "departements/56.yaml:14:19: le contact local « kerpape » est rattaché au dispositif « comete » qui "
        "n'existe pas",
    ]


def test_conditional_contact_is_checked_like_a_condition(tmp_path: Path) -> None:
    """A contact's condition citing an unknown question or option: error at that place."""
    catalogue = CONDITIONAL_CONTACTS.replace("{id: cap-emploi, when: {rqth: oui}}", "{id: cap-emploi, when: {rqt: oui}}")
    catalogue = catalogue.replace("{id: spst-bis, when: {not: {rqth: oui}}}", "{id: spst-bis, when: {not: {rqth: peut-etre}}}")
    line = line_of(catalogue, "rqt: oui")
    found = problems(tmp_path, catalogue=catalogue, contacts=CONDITIONAL_CONTACTS_CONTACTS)
    assert found == [
        f"catalogue.yaml:{line}:{catalogue.splitlines()[line - 1].index('rqt:') + 1}: la condition du dispositif "
        "« visite-pre-reprise » cite la question « rqt » qui n'existe pas (vouliez-vous dire « rqth » ?)",
        f"catalogue.yaml:{line}:{catalogue.splitlines()[line - 1].index('peut-etre') + 1}: la condition du dispositif "
        "« visite-pre-reprise » cite l'option « peut-etre », que la question « rqth » n'a pas (options : oui, non)"]
    assert problems(tmp_path / "ok", catalogue=CONDITIONAL_CONTACTS, contacts=CONDITIONAL_CONTACTS_CONTACTS) == []


def test_malformed_conditional_contact_says_how_to_write_it(tmp_path: Path) -> None:
    catalogue = CONDITIONAL_CONTACTS.replace("{id: cap-emploi, when: {rqth: oui}}", "{id: cap-emploi}")
    line = line_of(catalogue, "{id: cap-emploi}")
    column = catalogue.splitlines()[line - 1].index("{id: cap-emploi}") + 1
    assert problems(tmp_path, catalogue=catalogue, contacts=CONDITIONAL_CONTACTS_CONTACTS) == [
        f"catalogue.yaml:{line}:{column}: contact n° 2 invalide dans le dispositif « visite-pre-reprise » : écrivez "
        "son identifiant, ou {id: identifiant, when: condition} pour un contact montré seulement dans certaines "
        "situations"]


def test_local_dispositif_needs_the_overlay_of_its_departement(tmp_path: Path) -> None:
    """A local dispositif of a département without overlay could never be proposed: warning, placed."""
    catalogue = CATALOGUE + LOCAL_DISPOSITIFS
    line = line_of(catalogue, 'departements: ["22"')
    assert problems(tmp_path, catalogue=catalogue, overlays={"56": OVERLAY.replace("À COMPLÉTER", "02 97 00 00 00")}) == [
        f"catalogue.yaml:{line}:{col}: avertissement : le dispositif local "
        f"« etm » est réservé au département {dep}, qui n'a pas de surcouche departements/{dep}.yaml : il ne "
        "sera jamais proposé ; ajoutez la surcouche ou corrigez « departements »"
        for dep, col in (("22", 20), ("29", 26), ("35", 32))]


def test_local_dispositif_departements_are_checked(tmp_path: Path) -> None:
    catalogue = CATALOGUE + LOCAL_DISPOSITIFS.replace('departements: ["56"]', 'departements: ["Morbihan"]')
    found = problems(tmp_path, catalogue=catalogue, overlays={"56": OVERLAY})
    line = line_of(catalogue, 'departements: ["Morbihan')
    assert found == [f"catalogue.yaml:{line}:20: code de département "
                     "« Morbihan » invalide : écrivez son numéro entre guillemets, par exemple \"56\", \"2A\" ou \"974\""]


def test_overlay_file_name_must_match(tmp_path: Path) -> None:
    assert problems(tmp_path, overlays={"29": OVERLAY}) == [
        "departements/29.yaml:2:14: le fichier 29.yaml déclare le département « 56 » : renommez le fichier "
        "ou corrigez « departement: \"29\" »",
        "departements/29.yaml:8:34: avertissement : à compléter par l'équipe locale : contact « cap-emploi », "
        "canal telephone",
    ]


def test_all_errors_are_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate prints every error, not only the first, and exits 1."""
    arbre = ARBRE.replace("next: arret_court", "next: nulle_part").replace("root: phase", "root: debut")
    catalogue = CATALOGUE.replace("contacts: [cap-emploi]", "contacts: [inconnu]")
    tree = write_tree(tmp_path, arbre=arbre, catalogue=catalogue)
    assert main(["validate", str(tree)]) == 1
    out = capsys.readouterr().out
    assert "« debut » n'existe pas" in out and "« nulle_part »" in out and "« inconnu »" in out
    assert out.rstrip().endswith("3 erreur(s), 0 avertissement(s).")


def test_missing_file_is_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = write_tree(tmp_path)
    (tree / "contacts.yaml").unlink()
    assert main(["validate", str(tree)]) == 2
    assert "contacts.yaml: fichier introuvable : vérifiez le chemin" in capsys.readouterr().out


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    arbre = ARBRE.replace("next: arret_court", "next: nulle_part")
    tree = write_tree(tmp_path, arbre=arbre)
    assert main(["validate", "--format", "json", str(tree)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 1 and data["problems"][0]["rule"] == "dangling-next"
    assert data["problems"][0]["line"] == line_of(arbre, "nulle_part")


@pytest.mark.slow
def test_shipped_tree_is_valid(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`pdp-nav validate trees/` exits 0 on the shipped content, checked against the real date
    (the shipped cards are dated when they were last checked, after the tests' fixed "today")."""
    monkeypatch.delenv("PDP_NAV_TODAY")
    trees = shipped_tree_or_skip()
    assert main(["validate", str(trees)]) == 0, capsys.readouterr().out


def test_overlay_of_a_departement_that_does_not_exist(tmp_path: Path) -> None:
    """departements/99.yaml: « 99 » passes the schema's pattern but is no département (error, placed)."""
    overlay = OVERLAY.replace('departement: "56"', 'departement: "99"').replace("À COMPLÉTER", "02 97 00 00 00")
    assert problems(tmp_path, overlays={"99": overlay}) == [
        "departements/99.yaml:2:14: département « 99 » inconnu : écrivez un code de 01 à 95, 2A, 2B ou de 971 "
        "à 976, et nommez le fichier de la même façon (ex. departement: \"56\" dans 56.yaml)"]


def test_no_argument_outside_a_checkout_names_the_shipped_tree(tmp_path: Path, monkeypatch, capsys) -> None:
    """With no ./trees, validate says once it checks the shipped tree and prints paths relative to it."""
    import shutil

    import pdp_nav.content.files

    shipped = write_tree(tmp_path)
    shutil.copytree(pdp_nav.content.files.data_dir() / "schema", shipped / "schema")  # the schemas are read from there
    monkeypatch.setattr(pdp_nav.content.files, "data_dir", lambda: shipped)
    (tmp_path / "ailleurs").mkdir()
    monkeypatch.chdir(tmp_path / "ailleurs")
    monkeypatch.setenv("PDP_NAV_TODAY", "2030-01-01")
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert err == ("Arbre vérifié : arbre livré avec pdp-nav, version 1.0 (pas de dossier ./trees ici) ; "
                   "chemins relatifs à son dossier.\n")
    assert out.splitlines()[0].startswith("catalogue.yaml:")
    assert str(shipped) not in out
