"""Session summaries: format by extension, the printable HTML page, escaping of data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pdp_nav.core.engine import replay
from pdp_nav.errors import UsageError
from pdp_nav.content.load import load_tree
from pdp_nav.views.printable import result_html, summary_content, summary_format, write_summary

from .helpers import ARBRE, CATALOGUE, OVERLAY, write_tree

NOW = dt.datetime(2026, 11, 23, 9, 5)
PATH = {"phase": "arret", "duree_arret": "plus_30", "rqth": "oui"}


def result_of(tree_dir: Path, departement: str | None = None):
    return replay(load_tree(tree_dir, departement), PATH)[0].result()


class TestFormat:
    @pytest.mark.parametrize(("name", "fmt"), [("a.md", "markdown"), ("a.MARKDOWN", "markdown"),
                                                ("a.html", "html"), ("a.htm", "html"), ("a.json", "json"), ("a.TXT", "text")])
    def test_by_extension(self, name: str, fmt: str) -> None:
        """The extension chooses the format, whatever its case."""
        assert summary_format(Path(name)) == fmt

    def test_unknown_extension(self) -> None:
        """Another extension is refused with the ones that work."""
        with pytest.raises(UsageError) as caught:
            summary_format(Path("resume"))
        assert str(caught.value) == ("resume : extension « (aucune) » non prise en charge pour un résumé ; "
                                     "terminez le nom par .md (Markdown), .html (page imprimable), .txt (texte brut) ou .json")

    def test_four_formats_written(self, tree_dir: Path, tmp_path: Path) -> None:
        """write_summary writes each format atomically and returns it."""
        result = result_of(tree_dir)
        for name, fmt in (("r.md", "markdown"), ("r.html", "html"), ("r.json", "json"), ("r.txt", "text")):
            assert write_summary(tmp_path / name, result, generated=NOW) == fmt
            assert (tmp_path / name).read_text(encoding="utf-8") == summary_content(result, fmt, generated=NOW)
        data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        assert data["kind"] == "pdp-nav-result" and data["generated"] == "2026-11-23T09:05:00"
        text = (tmp_path / "r.txt").read_text(encoding="utf-8")
        assert text.startswith("Préparer le maintien\nMobiliser les acteurs du maintien.\n\nMaintenant\n")
        assert "\n\nSituation :\n  - Où en est la personne\u00a0? Pendant l'arrêt\n" in text
        assert "Arbre «\u00a0Mini-arbre PDP\u00a0», version 1.0 — 23/11/2026 09:05. Document sans donnée" in text


class TestHtml:
    def test_content(self, tmp_path: Path) -> None:
        """The plan (actions link to their cards), the situation, then every card after a page break."""
        page = result_html(result_of(write_tree(tmp_path, overlays={"56": OVERLAY}), "56"), generated=NOW)
        assert page.startswith('<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">')
        assert ('<p class="meta">Arbre « Mini-arbre PDP », version 1.0, contacts locaux du département 56 '
                '— 23/11/2026 09:05</p>') in page
        assert "<li>La personne a-t-elle une RQTH ? <strong>Oui</strong></li>" in page
        assert ('<li>1. <a href="#cap-emploi-maintien">Cap emploi — maintien · Cap emploi 56 · à\u00a0confirmer'
                '</a></li>') in page
        assert "<h2>Qui contacter</h2>\n<ul>\n<li>Cap emploi 56 · action 1</li>\n</ul>" in page
        assert "<dt>À confirmer</dt><dd>Fiabilité moyenne — À confirmer auprès du Cap emploi du département.</dd>" in page
        for label in ("Ce que c&#x27;est", "Pour qui", "Durée et conditions", "Qui décide", "Prochaine étape",
                      "Base légale", "Sources", "Pourquoi"):
            assert page.count(f"<dt>{label}</dt>") == 2
        assert page.count("<dt>Qui contacter</dt>") == 1  # the SPST (pré-reprise) is the user, not a contact
        assert ('Code du travail (<a href="https://www.legifrance.gouv.fr/">https://www.legifrance.gouv.fr/</a>) '
                "(vérifié le 01/11/2026)") in page
        assert page.index("</main>") < page.index('<div class="cards">') and ".cards { break-before: page; }" in page
        assert "À COMPLÉTER" not in page
        assert ('<dt>Base légale</dt><dd><a href="https://www.legifrance.gouv.fr/search/code?tab_selection=code&amp;'
                'query=Code+du+travail+L5214-3-1">C. trav., art. L5214-3-1</a></dd>') in page  # a link per reference
        assert "Document sans donnée d&#x27;identité du patient." in page
        assert "@media print" in page

    def test_data_is_escaped(self, tmp_path: Path) -> None:
        """Markup in labels and addresses is shown as text, never run."""
        arbre = ARBRE.replace('label: "Oui"', 'label: "Oui <script>alert(1)</script>"')
        catalogue = CATALOGUE.replace('sources: ["capemploi.info"]',
                                      """sources: [{title: "Piège", url: 'https://x.fr/?q="><script>'}]""")
        page = result_html(result_of(write_tree(tmp_path, arbre=arbre, catalogue=catalogue)))
        assert "<script>" not in page
        assert "<strong>Oui &lt;script&gt;alert(1)&lt;/script&gt;</strong>" in page
        assert 'Piège (<a href="https://x.fr/?q=">https://x.fr/?q=</a>&quot;&gt;&lt;script&gt;)' in page
