"""`pdp-nav lois`: citations checked against an extract of the real codes, an article shown,
a catalogue converted to structured references (issue #16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pdp_nav.core.legal import label, link, parse_citation
from pdp_nav.content.load import load_tree

from .helpers import CATALOGUE, line_of, output_validator, write, write_tree

CODES = Path(__file__).resolve().parent / "fixtures" / "legi-data"
"""An extract of the real package (see its README.md)."""
TRAVAIL = "Code du travail du 27/03/2026"
ALL_CODES = (f"{TRAVAIL}, Code de la sécurité sociale du 14/03/2026, "
             "Code rural et de la pêche maritime du 27/03/2026")
CHECKED = (CATALOGUE
           .replace('legal: ["C. trav., art. R4624-34"]', 'legal: ["C. trav., art. D4624-47"]')
           .replace('legal: ["C. trav., art. L5214-3-1"]', 'legal: ["C. trav., art. L6323-17-2", "CSS, art. L323-3-1"]')
           .replace('legal: ["C. trav., art. R4624-31"]\n    sources: ["travail-emploi.gouv.fr"]\n    checked: 2026-11-01',
                    'legal: ["C. trav., art. R4624-31", "Décret n° 2022-372 du 16 mars 2022"]\n'
                    '    sources: ["travail-emploi.gouv.fr"]\n    checked: 2022-01-01'))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_NAV_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PDP_NAV_TODAY", "2026-11-29")
    monkeypatch.delenv("PDP_NAV_CODES", raising=False)
    monkeypatch.chdir(tmp_path)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from pdp_nav.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def expected_report(tree: Path, today_repealed: bool) -> str:
    where = "tree/catalogue.yaml"
    missing = line_of(CHECKED, "D4624-47")
    repeal = line_of(CHECKED, "L6323-17-2")
    reprise = line_of(CHECKED, '"C. trav., art. R4624-31", "Décret')
    lines = [
        f"{where}:{missing}:13: dispositif « visite-demande » : C. trav., art. D4624-47 n'existe pas dans le "
        f"{TRAVAIL} : corrigez le numéro (« pdp-nav lois montrer » affiche un article)",
        f"{where}:{reprise}:13: avertissement : dispositif « visite-reprise » : C. trav., art. R4624-31 a changé "
        "le 28/04/2022, après la vérification du 01/01/2022 : relisez-le (pdp-nav lois montrer R4624-31 --code "
        "travail) puis mettez à jour « checked »",
    ]
    if today_repealed:
        lines.append(f"{where}:{repeal}:13: dispositif « cap-emploi-maintien » : C. trav., art. L6323-17-2 n'est "
                     "plus en vigueur (abrogé depuis le 01/01/2027) : citez le texte qui le remplace")
    else:
        lines.append(f"{where}:{repeal}:13: avertissement : dispositif « cap-emploi-maintien » : C. trav., art. "
                     "L6323-17-2 sera abrogé le 01/01/2027 : prévoyez le texte qui le remplace")
    errors, warnings = (2, 1) if today_repealed else (1, 2)
    lines.append(f"6 article(s) vérifié(s) dans {ALL_CODES} : {errors} erreur(s), {warnings} avertissement(s) ; "
                 "1 référence(s) hors de ces codes non vérifiée(s) (décrets, lois, autres codes).")
    return "\n".join(lines) + "\n"


class TestVerifier:
    def test_missing_changed_and_repeal_ahead(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing article is an error (exit 1); a text changed since « checked » and a repeal ahead warn."""
        tree = write_tree(tmp_path, catalogue=CHECKED)
        assert cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", str(CODES)) == (
            1, expected_report(tree, False), "")

    def test_repealed_once_its_end_date_is_past(self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        """L6323-17-2 (ABROGE_DIFF, ends 01/01/2027) is an error after that date."""
        monkeypatch.setenv("PDP_NAV_TODAY", "2027-02-01")
        tree = write_tree(tmp_path, catalogue=CHECKED)
        assert cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", str(CODES)) == (
            1, expected_report(tree, True), "")

    def test_json_and_the_cached_index_give_the_same(self, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
        """JSON follows its schema; the second run (from the cached index) finds the same."""
        tree = write_tree(tmp_path, catalogue=CHECKED)
        runs = [cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", str(CODES), "--format", "json")
                for _ in range(2)]
        assert runs[0] == runs[1]
        assert len(list((tmp_path / "cache" / "legi-index").glob("*.json"))) == 6  # index + texts, 3 codes
        code, out, _ = runs[0]
        data = json.loads(out)
        output_validator("citations").validate(data)
        assert (code, data["errors"], data["warnings"], data["checked"], data["unchecked"]) == (1, 1, 2, 6, 1)
        assert data["findings"][0] == {
            "file": "tree/catalogue.yaml", "line": line_of(CHECKED, "D4624-47"), "column": 13,
            "dispositif": "visite-demande", "reference": "C. trav., art. D4624-47", "severity": "erreur",
            "rule": "missing", "message": data["findings"][0]["message"]}

    def test_a_tree_citing_only_valid_articles_exits_0(self, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
        tree = write_tree(tmp_path, catalogue=CATALOGUE.replace("R4624-34", "R4624-56")
                          .replace("L5214-3-1", "L5212-13"))
        code, out, err = cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", str(CODES))
        assert (code, out, err) == (0, f"5 article(s) vérifié(s) dans {ALL_CODES} : 0 erreur(s), 0 avertissement(s) ; "
                                       "0 référence(s) hors de ces codes non vérifiée(s) (décrets, lois, autres "
                                       "codes).\n", "")

    def test_no_codes_says_how_to_get_them(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        tree = write_tree(tmp_path)
        assert cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", str(tmp_path)) == (2, "", (
            ".: aucun code trouvé (fichiers data/LEGITEXT….json du paquet @socialgouv/legi-data) : "
            "téléchargez-les avec « scripts/fetch-codes » (npm pack @socialgouv/legi-data@2.513.0) ou indiquez "
            "le dossier du paquet avec --codes DOSSIER\n"))


def test_lois_alone_says_what_to_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "lois") == (2, "", (
        "indiquez une commande, par exemple : pdp-nav lois verifier (aide : pdp-nav lois --help)\n"))


def test_a_file_that_is_not_a_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A JSON file under a code's name that is not a code: exit 2, what to do."""
    (tmp_path / "data").mkdir()
    write(tmp_path / "data" / "LEGITEXT000006072050.json", '{"data": {}, "children": [{"type": "article"}]}')
    tree = write_tree(tmp_path)
    assert cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", ".") == (2, "", (
        "data/LEGITEXT000006072050.json: fichier de code inattendu (ce n'est pas un code de "
        "@socialgouv/legi-data) : indiquez le dossier du paquet téléchargé par scripts/fetch-codes\n"))


class TestMontrer:
    def test_prints_the_text_in_force(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert cli(capsys, "lois", "montrer", "R4624-29", "--codes", str(CODES)) == (0, (
            f"C. trav., art. R4624-29 — {TRAVAIL}\n"
            "en vigueur, version du 31/03/2022 — https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000045371016\n"
            "\nEn vue de favoriser le maintien dans l'emploi, les travailleurs en arrêt de travail d'une durée de "
            "plus de trente jours peuvent bénéficier d'une visite de préreprise.\n"), "")

    def test_an_article_in_two_codes_needs_code(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert cli(capsys, "lois", "montrer", "L323-3", "--codes", str(CODES)) == (2, "", (
            "l'article L323-3 existe dans plusieurs codes : précisez --code securite_sociale ou --code rural\n"))
        code, out, _ = cli(capsys, "lois", "montrer", "L323-3", "--code", "rural", "--codes", str(CODES))
        assert (code, out.splitlines()[0]) == (0, "C. rur., art. L323-3 — Code rural et de la pêche maritime du 27/03/2026")

    def test_unknown_article_and_code(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert cli(capsys, "lois", "montrer", "D4624-47", "--code", "travail", "--codes", str(CODES)) == (2, "", (
            f"article « D4624-47 » introuvable dans le {TRAVAIL} : vérifiez le numéro (par exemple R4624-29)\n"))
        assert cli(capsys, "lois", "montrer", "R1", "--code", "penal", "--codes", str(CODES)) == (2, "", (
            "--code « penal » inconnu : choisissez parmi travail, securite_sociale, rural, action_sociale, "
            "fonction_publique\n"))


OLD = """\
# the catalogue (a comment that must stay)
format_version: 1
dispositifs:
  iti:
    name: "ITI"
    legal: ["CSS, art. L433-1", "CSS, art. D433-2 à D433-8", "C. trav., art. R4624-56"]
    # a comment between keys
    sources: ["x"]
  visite:
    name: "Visite"
    legal:
      - "C. trav., art. L4624-2-4 et R4624-29"
      - "CSS, art. L215-1 4° (service social des Carsat)"
      - "Décret n° 2022-372 du 16 mars 2022"
      - "Loi n° 2021-1018 du 2 août 2021, art. 22"
      - "Instruction DGT du 26 avril 2022"
    checked: 2026-11-23
"""
NEW = """\
# the catalogue (a comment that must stay)
format_version: 2
dispositifs:
  iti:
    name: "ITI"
    legal:
      - {code: securite_sociale, article: L433-1}
      - {code: securite_sociale, article: D433-2, to: D433-8}
      - {code: travail, article: R4624-56, legiarti: LEGIARTI000033740751}
    # a comment between keys
    sources: ["x"]
  visite:
    name: "Visite"
    legal:
      - {code: travail, article: L4624-2-4, legiarti: LEGIARTI000043891306}
      - {code: travail, article: R4624-29, legiarti: LEGIARTI000045371016}
      - {code: securite_sociale, article: L215-1, detail: "4°", note: "service social des Carsat"}
      - {text: decret, number: "2022-372", date: 2022-03-16}
      - {article: "22", text: loi, number: "2021-1018", date: 2021-08-02}
      - {title: "Instruction DGT du 26 avril 2022"}
    checked: 2026-11-23
"""


class TestConvertir:
    def test_rewrites_the_references_and_keeps_the_comments(self, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
        path = write(tmp_path / "catalogue.yaml", OLD)
        code, out, err = cli(capsys, "lois", "convertir", str(path), "--codes", str(CODES))
        assert (code, err) == (0, "")
        assert path.read_text(encoding="utf-8") == NEW
        assert out == (
            f"9 référence(s) écrite(s) en format 2 dans {path.name}, 3 identifiant(s) Légifrance ajouté(s).\n"
            "1 référence(s) gardée(s) en texte libre (title) : relisez-les et écrivez-les en {code, article} ou "
            "{text, number, date} quand c'est possible :\n"
            f"  {path.name}:16: Instruction DGT du 26 avril 2022\n"
            "2 article(s) absent(s) des codes (aucun identifiant) : « pdp-nav lois verifier » les signale :\n"
            f"  {path.name}:6: CSS, art. L433-1\n"
            f"  {path.name}:13: CSS, art. L215-1 4° (service social des Carsat)\n")
        # a second run changes nothing
        assert cli(capsys, "lois", "convertir", str(path), "--codes", str(CODES))[0] == 0
        assert path.read_text(encoding="utf-8") == NEW

    def test_the_converted_shipped_like_tree_loads_the_same(self, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
        """A format-1 tree and its conversion give the same references (labels and links)."""
        old = write_tree(tmp_path / "old", catalogue=CHECKED)
        new = write_tree(tmp_path / "new", catalogue=CHECKED)
        assert cli(capsys, "lois", "convertir", str(new / "catalogue.yaml"))[0] == 0
        assert "format_version: 2" in (new / "catalogue.yaml").read_text(encoding="utf-8")
        before, after = load_tree(old), load_tree(new)
        assert {d: v.legal for d, v in before.dispositifs.items()} == {d: v.legal for d, v in after.dispositifs.items()}

    def test_not_a_catalogue(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = write(tmp_path / "arbre.yaml", "format_version: 1\nquestions: {}\n")
        assert cli(capsys, "lois", "convertir", str(path)) == (2, "", (
            "arbre.yaml: ce fichier n'est pas un catalogue (pas de « dispositifs: ») : indiquez le catalogue.yaml "
            "d'un arbre\n"))


class TestReferences:
    def test_labels_and_links(self) -> None:
        """An article with its id links to article_lc; without, to a Légifrance search; a title to nothing."""
        refs = parse_citation("C. trav., art. L4624-4 et R4624-42 (contestation)")
        assert [label(r) for r in refs] == ["C. trav., art. L4624-4", "C. trav., art. R4624-42 (contestation)"]
        assert link(refs[0]) == ("https://www.legifrance.gouv.fr/search/code?tab_selection=code&"
                                 "query=Code+du+travail+L4624-4")
        texts = parse_citation("Décrets n° 2021-997 (FPE), n° 2021-996 (FPH) et n° 2021-1462 (FPT)")
        assert [(r.text, r.number, r.note) for r in texts] == [
            ("decret", "2021-997", "FPE"), ("decret", "2021-996", "FPH"), ("decret", "2021-1462", "FPT")]
        (title,) = parse_citation("Pas de base légale propre identifiée (organisation locale)")
        assert (title.title, link(title)) == ("Pas de base légale propre identifiée (organisation locale)", "")


BAD_V2 = [
    ('legal: ["C. trav., art. R4624-31"]', 'legal: ["C. trav., art. R4624-31"]', 13,
     "le dispositif « visite-reprise » : référence légale n° 1 : référence en texte libre « C. trav., art. "
     "R4624-31 » : en format 2, écrivez {code: travail, article: R4624-29}, {text: decret, number: \"2022-372\", "
     "date: 2022-03-16} ou {title: \"…\"} ; « pdp-nav lois convertir catalogue.yaml » convertit tout le fichier"),
    ('legal: ["C. trav., art. R4624-31"]', "legal: [{code: trav, article: R4624-31}]", 14,
     "le dispositif « visite-reprise » : référence légale n° 1 : code « trav » inconnu : écrivez travail, "
     "securite_sociale, rural, action_sociale, fonction_publique"),
    ('legal: ["C. trav., art. R4624-31"]', "legal: [{code: travail, article: R.4624-31}]", 29,
     "le dispositif « visite-reprise » : référence légale n° 1 : article « R.4624-31 » invalide : écrivez-le "
     "comme Légifrance, lettre et numéro sans point ni espace (par exemple R4624-29)"),
    ('legal: ["C. trav., art. R4624-31"]', "legal: [{code: travail, artcle: R4624-31}]", 29,
     "le dispositif « visite-reprise » : référence légale n° 1 : clé inconnue « artcle » dans une référence "
     "légale : vouliez-vous dire « article » ?"),
    ('legal: ["C. trav., art. R4624-31"]', 'legal: [{code: travail, article: R4624-31, title: "x"}]', 13,
     "le dispositif « visite-reprise » : référence légale n° 1 : une référence légale est soit un article, soit "
     "un texte, soit un titre : écrivez {code: travail, article: R4624-29}, {text: decret, number: \"2022-372\", "
     "date: 2022-03-16} ou {title: \"…\"} (ici : code, title ensemble)"),
]


@pytest.mark.parametrize(("old", "new", "column", "message"), BAD_V2, ids=["string", "code", "article", "key", "kinds"])
def test_bad_reference_in_format_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   old: str, new: str, column: int, message: str) -> None:
    """Each mistake in a structured reference: exit 1, the French message at file:line:column."""
    catalogue = CATALOGUE.replace("format_version: 1", "format_version: 2").replace(
        'legal: ["C. trav., art. R4624-34"]', "legal: [{code: travail, article: R4624-34}]").replace(
        'legal: ["C. trav., art. L4624-2-4", "C. trav., art. R4624-29"]',
        "legal: [{code: travail, article: L4624-2-4}, {code: travail, article: R4624-29}]").replace(
        'legal: ["C. trav., art. L5214-3-1"]', "legal: [{code: travail, article: L5214-3-1}]").replace(old, new)
    tree = write_tree(tmp_path, catalogue=catalogue)
    code, out, err = cli(capsys, "validate", str(tree))
    line = line_of(catalogue, new)
    assert (code, out.splitlines()[0]) == (1, f"tree/catalogue.yaml:{line}:{column}: {message}")


class TestCards:
    def test_terminal_card_links_each_reference(self, tmp_path: Path) -> None:
        """The Rich card shows each reference with its Légifrance address, and makes the label a link."""
        import io
        import re

        from rich.console import Console

        from pdp_nav.views.plan import card as card_of
        from pdp_nav.ui.render import dispositif_card

        catalogue = CATALOGUE.replace(
            'legal: ["C. trav., art. L4624-2-4", "C. trav., art. R4624-29"]',
            'legal: ["C. trav., art. R4624-29", "Décret n° 2022-372 du 16 mars 2022", "Pas de base légale propre"]')
        tree = load_tree(write_tree(tmp_path, catalogue=catalogue))
        card = dispositif_card(card_of(tree, tree.dispositifs["visite-pre-reprise"]))
        coloured = Console(file=io.StringIO(), width=100, color_system="standard", force_terminal=True)
        coloured.print(card)
        assert "\x1b]8;" in coloured.file.getvalue()  # type: ignore[attr-defined]  # OSC 8 hyperlinks
        plain = Console(file=io.StringIO(), width=100, color_system=None)
        plain.print(card)
        compact = re.sub(r"[\s│]", "", plain.file.getvalue())  # type: ignore[attr-defined]
        assert ("BaselégaleC.trav.,art.R4624-29<https://www.legifrance.gouv.fr/search/code?tab_selection=code&query="
                "Code+du+travail+R4624-29>Décretn°2022-372du16mars2022<https://www.legifrance.gouv.fr/search/all?"
                "tab_selection=all&query=D%C3%A9cret+n%C2%B0+2022-372+du+16+mars+2022>Pasdebaselégalepropre"
                "Sources") in compact
