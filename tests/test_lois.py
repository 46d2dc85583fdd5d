"""`pdp-nav lois`: citations checked against an extract of the real codes, an article shown,
a catalogue converted to structured references (issue #16)."""

from __future__ import annotations

import json
import os
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
                     "L6323-17-2 sera abrogé le 01/01/2027 : prévoyez le texte qui le remplace, ou signalez la date "
                     "sur la fiche (« until: 2027-01-01 »)")
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
        assert len(list((tmp_path / "cache" / "legi-index").glob("legi-*.index"))) == 3  # one per code
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


VALID_V2 = (CATALOGUE.replace("format_version: 1", "format_version: 2")
            .replace('legal: ["C. trav., art. R4624-34"]', "legal: [{code: travail, article: R4624-56}]")
            .replace('legal: ["C. trav., art. L4624-2-4", "C. trav., art. R4624-29"]',
                     "legal: [{code: travail, article: L4624-2-4}, {code: travail, article: R4624-29}]")
            .replace('legal: ["C. trav., art. R4624-31"]', "legal: [{code: travail, article: R4624-31}]")
            .replace('legal: ["C. trav., art. L5214-3-1"]', "legal: [{code: travail, article: L5212-13}]"))
"""A format-2 catalogue citing only articles of the fixture that are in force, changed before « checked »."""


def with_until(until: str, article: str = "L6323-17-2") -> str:
    """VALID_V2 where « cap-emploi-maintien » cites ``article`` with ``until``."""
    return VALID_V2.replace("{code: travail, article: L5212-13}",
                            f"{{code: travail, article: {article}, until: {until}}}")


class TestUntil:
    """« until » on a reference: the card says the article ends that day, and the check holds it to that date.

    L6323-17-2 is ``ABROGE_DIFF`` in the fixture, in force until 01/01/2027; R4624-56 has no end date.
    """

    @staticmethod
    def findings(tmp_path: Path, catalogue: str, today: str, codes: Path = CODES) -> list[str]:
        import datetime as dt

        from pdp_nav.laws.citations import check_citations
        from pdp_nav.laws.codes import read_codes

        report = check_citations(write_tree(tmp_path, catalogue=catalogue), read_codes(codes),
                                 dt.date.fromisoformat(today))
        assert report.checked == 5
        return [f"{f.problem.severity.value} {f.problem.rule}: {f.problem.message}" for f in report.findings]

    @pytest.mark.parametrize("today", ["2026-11-29", "2026-12-31"])
    def test_no_warning_before_the_date(self, tmp_path: Path, today: str) -> None:
        """Without « until » the same article warns (TestVerifier); with it, the card says it: nothing to say."""
        assert self.findings(tmp_path, with_until("2027-01-01"), today) == []

    @pytest.mark.parametrize("today", ["2027-01-01", "2031-06-30"])
    def test_a_warning_not_an_error_after_the_date(self, tmp_path: Path, today: str) -> None:
        assert self.findings(tmp_path, with_until("2027-01-01"), today) == [
            "avertissement repealed-announced: dispositif « cap-emploi-maintien » : C. trav., art. L6323-17-2 est "
            "abrogé depuis le 01/01/2027 ; la fiche le signale : remplacez la citation dès que le texte qui le "
            "remplace est connu"]

    def test_the_calendar_alone_does_not_fail_the_command(self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
        """After the date, « lois verifier » still exits 0 on a card that announces the repeal."""
        monkeypatch.setenv("PDP_NAV_TODAY", "2027-02-01")
        catalogue = with_until("2027-01-01")
        tree = write_tree(tmp_path, catalogue=catalogue)
        assert cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", str(CODES)) == (0, (
            f"tree/catalogue.yaml:{line_of(catalogue, 'until:')}:13: avertissement : dispositif "
            "« cap-emploi-maintien » : C. trav., art. L6323-17-2 est abrogé depuis le 01/01/2027 ; la fiche le "
            "signale : remplacez la citation dès que le texte qui le remplace est connu\n"
            f"5 article(s) vérifié(s) dans {ALL_CODES} : 0 erreur(s), 1 avertissement(s) ; 0 référence(s) hors de "
            "ces codes non vérifiée(s) (décrets, lois, autres codes).\n"), "")

    @pytest.mark.parametrize("today", ["2026-11-29", "2028-06-01"])
    def test_another_date_is_an_error(self, tmp_path: Path, today: str) -> None:
        assert self.findings(tmp_path, with_until("2028-01-01"), today) == [
            "erreur wrong-until: dispositif « cap-emploi-maintien » : la fiche dit C. trav., art. L6323-17-2 abrogé "
            f"à compter du 01/01/2028 (« until ») mais le {TRAVAIL} le donne abrogé à compter du 01/01/2027 : "
            "écrivez « until: 2027-01-01 »"]

    def test_an_article_without_end_date_is_an_error(self, tmp_path: Path) -> None:
        assert self.findings(tmp_path, with_until("2027-01-01", "R4624-56"), "2026-11-29") == [
            "erreur wrong-until: dispositif « cap-emploi-maintien » : la fiche dit C. trav., art. R4624-56 abrogé "
            f"à compter du 01/01/2027 (« until ») mais le {TRAVAIL} n'indique aucune date d'abrogation : "
            "retirez « until »"]

    def test_once_the_codes_say_repealed(self, tmp_path: Path) -> None:
        """A later package gives the article ``ABROGE`` with the same end date: still the announced repeal."""
        root = json.loads(TRAVAIL_FILE.read_bytes())
        stack = [root]
        while stack:
            node = stack.pop()
            if node.get("type") == "article" and node["data"]["num"] == "L6323-17-2":
                assert node["data"]["etat"] == "ABROGE_DIFF"
                node["data"]["etat"] = "ABROGE"
            stack.extend(node.get("children", ()))
        later = tmp_path / "later"
        (later / "data").mkdir(parents=True)
        (later / "data" / TRAVAIL_FILE.name).write_text(json.dumps(root, ensure_ascii=False), encoding="utf-8")
        assert [f.split(":")[0] for f in self.findings(tmp_path, with_until("2027-01-01"), "2027-02-01", later)] \
            == ["avertissement repealed-announced"]
        assert [f.split(":")[0] for f in self.findings(tmp_path, VALID_V2.replace("L5212-13", "L6323-17-2"),
                                                       "2027-02-01", later)] == ["erreur repealed"]

    def test_every_output_shows_it(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Card, text, Markdown, HTML summary, Rich, JSON (with « until » in ISO, in its schema), catalogue, page."""
        import io

        from rich.console import Console

        from pdp_nav.core.engine import replay
        from pdp_nav.export.html import page_data
        from pdp_nav.ui.render import print_result
        from pdp_nav.views.printable import result_html
        from pdp_nav.views.summary import result_dict, result_markdown, result_text

        shown = "C. trav., art. L6323-17-2 (abrogé à compter du 1er janvier 2027)"
        tree_dir = write_tree(tmp_path, catalogue=with_until("2027-01-01"))
        tree = load_tree(tree_dir)
        result = replay(tree, {"phase": "reprise", "rqth": "oui"})[0].result()
        rich = Console(file=io.StringIO(), width=200, color_system=None)
        print_result(result, rich, detail=True)
        for text in (result_text(result, width=200, detail=True), result_markdown(result, detail=True),
                     result_html(result), rich.file.getvalue()):  # type: ignore[attr-defined]
            assert shown in text.replace("\u00a0", " ")
        ref = {"label": shown, "url": "https://www.legifrance.gouv.fr/search/code?tab_selection=code&query="
               "Code+du+travail+L6323-17-2", "code": "travail", "article": "L6323-17-2", "until": "2027-01-01"}
        data = result_dict(result)
        output_validator("result").validate(data)
        (cap,) = [d for d in data["dispositifs"] if d["id"] == "cap-emploi-maintien"]
        assert (cap["legal"], cap["legal_refs"]) == ([shown], [ref])
        page = json.loads(json.dumps(page_data(tree)))
        output_validator("page-data").validate(page)
        assert [d["legal_refs"] for d in page["dispositifs"] if d["id"] == "cap-emploi-maintien"] == [[ref]]
        code, out, _ = cli(capsys, "catalogue", "--arbre", str(tree_dir))
        output_validator("catalogue").validate(json.loads(out))
        refs = [d["legal_refs"] for d in json.loads(out)["dispositifs"] if d["legal"] == [shown]]
        assert (code, refs) == (0, [[ref]])

    def test_convertir_keeps_it(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Adding the Légifrance id rewrites the reference with « until » kept, in ISO, before the id."""
        path = write(tmp_path / "catalogue.yaml", with_until("2027-01-01"))
        assert cli(capsys, "lois", "convertir", str(path), "--codes", str(CODES))[0] == 0
        assert ("    legal:\n      - {code: travail, article: L6323-17-2, until: 2027-01-01, "
                "legiarti: LEGIARTI000047452262}\n" in path.read_text(encoding="utf-8"))


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

    @pytest.mark.parametrize("article", ["", "  ", "-", "."])
    def test_no_article_asks_for_one(self, capsys: pytest.CaptureFixture[str], article: str) -> None:
        assert cli(capsys, "lois", "montrer", article, "--codes", str(CODES)) == (2, "", (
            "indiquez le numéro d'un article, par exemple : pdp-nav lois montrer R4624-29\n"))

    def test_a_hostile_article_is_echoed_harmless(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = cli(capsys, "lois", "montrer", "R1\x1b[2J" + "x" * 300, "--codes", str(CODES))
        assert code == 2 and "\x1b" not in err and "\\x1b" in err and "x" * 100 not in err


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

    def test_until_in_the_label_and_the_data(self) -> None:
        """« until » reads from text or a date, shows after the note, and goes back out in ISO."""
        import datetime as dt

        from pdp_nav.core.legal import from_data, ref_data

        (ref,) = from_data({"code": "travail", "article": "L6323-17-2", "until": "2027-01-01", "note": "ancienneté"})
        assert ref.until == dt.date(2027, 1, 1)
        assert from_data({"code": "travail", "article": "L6323-17-2", "until": dt.date(2027, 1, 1),
                          "note": "ancienneté"}) == (ref,)
        assert label(ref) == "C. trav., art. L6323-17-2 (ancienneté) (abrogé à compter du 1er janvier 2027)"
        assert ref_data(ref) == {"code": "travail", "article": "L6323-17-2", "note": "ancienneté",
                                 "until": "2027-01-01"}
        (later,) = from_data({"code": "securite_sociale", "article": "L323-3", "until": "2028-03-15"})
        assert label(later) == "CSS, art. L323-3 (abrogé à compter du 15 mars 2028)"


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
    ('legal: ["C. trav., art. R4624-31"]', "legal: [{code: travail, article: R4624-31, until: 2027-13-01}]", 48,
     "le dispositif « visite-reprise » : référence légale n° 1 : date d'abrogation « 2027-13-01 » invalide : "
     "écrivez « until: » avec la date AAAA-MM-JJ à compter de laquelle l'article n'est plus en vigueur"),
    ('legal: ["C. trav., art. R4624-31"]', "legal: [{code: travail, article: R4624-31, until: bientôt}]", 48,
     "le dispositif « visite-reprise » : référence légale n° 1 : date d'abrogation « bientôt » invalide : "
     "écrivez « until: » avec la date AAAA-MM-JJ à compter de laquelle l'article n'est plus en vigueur"),
    ('legal: ["C. trav., art. R4624-31"]', 'legal: [{text: loi, number: "2025-989", until: 2027-01-01}]', 45,
     "le dispositif « visite-reprise » : référence légale n° 1 : « until » ne s'emploie qu'avec un article d'un "
     "code ({code: travail, article: …, until: AAAA-MM-JJ})"),
]


@pytest.mark.parametrize(("old", "new", "column", "message"), BAD_V2,
                         ids=["string", "code", "article", "key", "kinds", "until-day", "until-text", "until-on-text"])
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


# --- The code reader and its cached index (issue #16, speed) -----------------------------------

TRAVAIL_FILE = CODES / "data" / "LEGITEXT000006072050.json"


def json_texts(root: dict) -> dict[str, str]:
    """Article number -> text, as the straightforward json reader picks them (the last article first)."""
    texts: dict[str, str] = {}
    states: dict[str, str] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.get("type") == "article":
            a = node["data"]
            num = a.get("num") or ""
            if states.get(num) not in ("VIGUEUR", "VIGUEUR_DIFF"):
                texts[num], states[num] = a.get("texteHtml") or a.get("texte") or "", a.get("etat", "")
        else:
            stack.extend(node.get("children", ()))
    return texts


def assert_fast_equals_json(raw: bytes) -> None:
    """The fast scan of ``raw`` gives json.load's metadata and rows, and finds the same texts."""
    from pdp_nav.laws import codes

    fast = codes._fast_rows(raw)
    assert fast is not None  # read by the scan, not by its json fallback
    root = json.loads(raw)
    meta, rows = codes._rows(root)
    assert fast[0] == meta
    assert {n: r[:5] for n, r in fast[1].items()} == {n: r[:5] for n, r in rows.items()}
    texts = json_texts(root)
    for num, row in fast[1].items():
        assert row[5] == (codes.TEXT_IN_FILE if texts[num] else codes.TEXT_NONE)
        if texts[num]:
            at = codes._text_offset(raw, num, row[0])
            assert at is not None and json.loads(codes._STRING_RE.match(raw, at)[0]) == texts[num], num


def reorder(node: object) -> object:
    """The same data with the keys of every "data" object in reverse order (articleVersions last)."""
    if isinstance(node, list):
        return [reorder(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {k: ({kk: v[kk] for kk in sorted(v, reverse=True)} if k == "data" else reorder(v)) for k, v in node.items()}


def article(num: str, state: str, text: str, start: int = 1648684800000, **extra: object) -> dict:
    return {"type": "article", "data": {
        "articleVersions": [{"id": f"LEGIARTI{num}", "etat": "MODIFIE", "dateDebut": 1, "dateFin": 2}],
        "id": f"LEGIARTI-{num}-{state}", "etat": state, "dateDebut": start, "dateFin": 32472144000000,
        "num": num, "texte": text, "texteHtml": f"<p>{text}</p>" if text else "", **extra}}


def code_file(articles: list[dict], **dumps: object) -> bytes:
    root = {"data": {"title": "Code du travail", "dateDebutVersion": "2026-03-27"}, "type": "code",
            "children": [{"type": "section", "data": {"id": "LEGISCTA1", "etat": "VIGUEUR", "dateDebut": "2008-05-01"},
                          "children": articles}]}
    return json.dumps(root, ensure_ascii=False, **dumps).encode()  # type: ignore[arg-type]


class TestCodeReader:
    def test_fast_reader_equals_json_on_the_fixture(self) -> None:
        """Each fixture file, and the same data compact, indented, keys sorted: the scan equals json.load."""
        for path in sorted((CODES / "data").glob("*.json")):
            raw = path.read_bytes()
            assert_fast_equals_json(raw)
            root = json.loads(raw)
            for layout in ({"separators": (",", ":")}, {"indent": 2}, {"indent": "\t"}):
                assert_fast_equals_json(json.dumps(root, ensure_ascii=False, **layout).encode())  # type: ignore[arg-type]
            assert_fast_equals_json(json.dumps(reorder(root), indent=2).encode())


    def test_duplicates_escapes_and_tricky_texts(self) -> None:
        """The article in force wins over a repealed one with its number, in either order; texts that look
        like keys, escapes, an empty texteHtml and a null text read as json reads them."""
        tricky = 'il dit : \\"num\\": \\"X\\", "data": {"id": "faux"} [ ] { } \\\\'
        raw = code_file([
            article("L1", "ABROGE", "ancien"), article("L1", "VIGUEUR", "nouveau"),
            article("L2", "VIGUEUR", "garde"), article("L2", "ABROGE", "perd"),
            article("L3", "VIGUEUR", tricky, lienModifications=[{"articleId": "x", "textTitle": "Loi ] } {"}]),
            {**article("L4", "VIGUEUR", "texte seul"), "data": {**article("L4", "VIGUEUR", "x")["data"],
                                                                 "texteHtml": "", "texte": "texte seul"}},
            {**article("L5", "VIGUEUR", ""), "data": {**article("L5", "VIGUEUR", "")["data"], "texteHtml": None}},
            {"type": "article", "data": {"id": "LEGIARTI6", "num": None, "etat": "VIGUEUR", "dateDebut": None}},
            article("L7", "ABROGE", "premier", start=86_400_000), article("L7", "ABROGE", "second", start=172_800_000),
            article("L8", "VIGUEUR", "premier", start=86_400_000),
            article("L8", "VIGUEUR_DIFF", "second", start=172_800_000),
        ], indent=1)
        assert_fast_equals_json(raw)
        from pdp_nav.laws import codes

        rows = codes._fast_rows(raw)[1]  # type: ignore[index]
        assert (rows["L1"][1], rows["L2"][1], rows[""][0]) == ("VIGUEUR", "VIGUEUR", "LEGIARTI6")
        # two repealed: the first in the file; two in force: the last in the file (the json reader's order)
        assert (rows["L7"][2], rows["L8"][2]) == ("1970-01-02", "1970-01-03")

    @pytest.mark.parametrize("raw", [
        b'{"type": "code", "data": {"title": "Code du travail"}, "children": []}',  # "data" not first
        b'{"data": {"title": "x"}, "children": [{"type": "article", "data": {"num": "L1", "id": ["L"]}}]}',
        b'{"data": {"title": "x"}, "children": [{"type": "article", "data": {"id": "L", "x": {"y": 1}}}]}',
    ], ids=["root-order", "id-not-scalar", "nested-object"])
    def test_a_layout_the_scan_does_not_know_goes_to_json(self, raw: bytes) -> None:
        from pdp_nav.laws import codes

        assert codes._fast_rows(raw) is None

    def test_json_fallback_gives_the_same_check_and_text(self, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
        """A code file the scan cannot read (its "data" after "type") is read by json: same report, same text."""
        root = json.loads(TRAVAIL_FILE.read_bytes())
        moved = {"type": root["type"], "children": root["children"], "data": root["data"]}
        other = tmp_path / "other"
        (other / "data").mkdir(parents=True)
        for path in (CODES / "data").glob("*.json"):
            (other / "data" / path.name).write_bytes(path.read_bytes())
        (other / "data" / TRAVAIL_FILE.name).write_text(json.dumps(moved, ensure_ascii=False), encoding="utf-8")
        tree = write_tree(tmp_path, catalogue=CHECKED)
        assert cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", str(other)) == (
            1, expected_report(tree, False), "")
        expected = cli(capsys, "lois", "montrer", "R4624-29", "--codes", str(CODES))
        assert cli(capsys, "lois", "montrer", "R4624-29", "--codes", str(other)) == expected


class TestCodeIndexCache:
    """The index is kept like the compiled tree cache: keyed by the file's stamp, checksummed, atomic,
    ignored when stale or damaged, never read through a link nor from a directory others can write."""

    @pytest.fixture()
    def copy(self, tmp_path: Path) -> Path:
        folder = tmp_path / "codes" / "data"
        folder.mkdir(parents=True)
        target = folder / TRAVAIL_FILE.name
        target.write_bytes(TRAVAIL_FILE.read_bytes())
        return target

    @staticmethod
    def scans(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
        from pdp_nav.laws import codes

        seen: list[Path] = []
        real = codes._scan

        def counting(path: Path):  # noqa: ANN202
            seen.append(path)
            return real(path)

        monkeypatch.setattr(codes, "_scan", counting)
        return seen

    @staticmethod
    def articles(code) -> dict:  # noqa: ANN001
        return {num: code.article(num) for num in list(code.rows)}

    @staticmethod
    def entry(tmp_path: Path) -> Path:
        (found,) = (tmp_path / "cache" / "legi-index").glob("legi-*.index")
        return found

    def test_second_read_uses_the_index(self, copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from pdp_nav.laws.codes import read_code

        seen = self.scans(monkeypatch)
        first = read_code("travail", copy)
        second = read_code("travail", copy)
        assert (len(seen), second.title, second.date) == (1, first.title, first.date)
        assert self.articles(second) == self.articles(first) and len(first.rows) == 6

    def test_a_null_state_and_many_ids_come_back_from_the_index(self, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
        """Rows are packed in the index: a null state (9 articles of the real CSS) and the ids come back as read."""
        from pdp_nav.laws.codes import read_code

        path = tmp_path / "code.json"
        path.write_bytes(code_file([{**article("D1", "VIGUEUR", "x"), "data": {**article("D1", "x", "x")["data"],
                                                                              "etat": None}},
                                    article("D2", "VIGUEUR", "y")], indent=1))
        first = read_code("securite_sociale", path)
        seen = self.scans(monkeypatch)
        second = read_code("securite_sociale", path)
        assert (len(seen), self.articles(second)) == (0, self.articles(first))
        assert second.article("D1").state is None  # type: ignore[union-attr]
        assert second.article("D2").ids == ("LEGIARTI-D2-VIGUEUR", "LEGIARTID2")  # type: ignore[union-attr]

    def test_a_changed_code_file_is_scanned_again(self, copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A new version of the package (same npm date, other content) is not read from the old index."""
        from pdp_nav.laws.codes import read_code

        read_code("travail", copy)
        seen = self.scans(monkeypatch)
        text = copy.read_text(encoding="utf-8").replace('"dateDebutVersion": "2026-03-27"',
                                                        '"dateDebutVersion": "2026-04-01"')
        copy.write_text(text, encoding="utf-8")
        os.utime(copy, (0, 0))
        assert (read_code("travail", copy).date, len(seen)) == ("2026-04-01", 1)

    @pytest.mark.parametrize("damage", ["truncated", "flipped", "other-format", "empty"])
    def test_a_damaged_index_is_ignored(self, tmp_path: Path, copy: Path, monkeypatch: pytest.MonkeyPatch,
                                        damage: str) -> None:
        from pdp_nav.laws.codes import read_code

        good = self.articles(read_code("travail", copy))
        entry = self.entry(tmp_path)
        raw = entry.read_bytes()
        entry.write_bytes({"truncated": raw[: len(raw) // 2], "flipped": raw.replace(b"VIGUEUR", b"VIGUEUX", 1),
                           "other-format": raw.replace(b" 3 ", b" 2 ", 1), "empty": b""}[damage])
        seen = self.scans(monkeypatch)
        assert (self.articles(read_code("travail", copy)), len(seen)) == (good, 1)
        assert self.articles(read_code("travail", copy)) == good and len(seen) == 1  # rewritten whole

    @pytest.mark.parametrize("forged", [["LEGIARTI1", "VIGUEUR", "2026-03-31", "", [], 0], "LEGIARTI1\tVIGUEUR",
                                        "LEGIARTI1\tVIGUEUR\t2026-99-99\t\t\t0", "LEGIARTI1\tVIGUEUR\t\t\t\tx"],
                             ids=["list", "fields", "date", "text"])
    def test_a_forged_row_is_not_trusted(self, tmp_path: Path, copy: Path, forged: object) -> None:
        """An entry whose checksum holds but whose row is not one pdp-nav writes: the code is read again."""
        import hashlib

        from pdp_nav.laws.codes import MAGIC, INDEX_FORMAT, read_code

        good = read_code("travail", copy).article("R4624-29")
        entry = self.entry(tmp_path)
        payload = json.loads(entry.read_bytes().partition(b"\n")[2])
        payload["articles"]["R4624-29"] = forged
        body = json.dumps(payload).encode()
        entry.write_bytes(b" ".join((MAGIC, str(INDEX_FORMAT).encode(), hashlib.sha256(body).hexdigest().encode()))
                          + b"\n" + body)
        assert read_code("travail", copy).article("R4624-29") == good

    def test_a_link_is_not_followed(self, tmp_path: Path, copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from pdp_nav.laws.codes import read_code

        read_code("travail", copy)
        entry = self.entry(tmp_path)
        planted = tmp_path / "planted.index"
        entry.rename(planted)
        entry.symlink_to(planted)
        seen = self.scans(monkeypatch)
        read_code("travail", copy)
        assert len(seen) == 1
        assert not entry.is_symlink()  # replaced by a new file, the link's target untouched
        assert planted.is_file()

    def test_a_directory_others_can_write_is_not_used(self, tmp_path: Path, copy: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
        """The index is not read from (nor written to) it; the warning travels as data, for the CLI to show."""
        from pdp_nav.content import cache
        from pdp_nav.errors import PdpNavWarning
        from pdp_nav.laws.codes import read_code

        monkeypatch.setattr(cache, "_warned", set())
        read_code("travail", copy)
        folder = tmp_path / "cache" / "legi-index"
        folder.chmod(0o777)
        seen = self.scans(monkeypatch)
        with pytest.warns(PdpNavWarning, match="modifiable par d'autres utilisateurs"):
            read_code("travail", copy)
        assert len(seen) == 1

    def test_no_cache_directory_is_no_error(self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
        """A cache path that is a file, or the cache turned off: the check runs the same, nothing written."""
        tree = write_tree(tmp_path, catalogue=CHECKED)
        for env, value in (("PDP_NAV_CACHE_DIR", str(write(tmp_path / "a-file", "x"))), ("PDP_NAV_NO_CACHE", "1")):
            monkeypatch.setenv(env, value)
            assert cli(capsys, "lois", "verifier", "--arbre", str(tree), "--codes", str(CODES)) == (
                1, expected_report(tree, False), "")
            assert cli(capsys, "lois", "montrer", "R4624-29", "--codes", str(CODES))[0] == 0
