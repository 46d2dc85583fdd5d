"""`pdp-nav export html`: one offline page; clicked through in headless Chromium, where its
JavaScript must give exactly the results (and reasons) of the Python engine on every path."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from pdp_nav.cli import main
from pdp_nav.content.load import load_tree
from pdp_nav.core.engine import replay, walk
from pdp_nav.export.html import build_html, script_json
from pdp_nav.views.summary import result_dict

from .chromium import needs_chromium
from .helpers import (
    ARBRE,
    CATALOGUE,
    CONDITIONAL_CONTACTS,
    CONDITIONAL_CONTACTS_CONTACTS,
    LOCAL_DISPOSITIFS,
    OVERLAY,
    output_validator,
    shipped_tree_or_skip,
    write_tree,
)

EXTRA = """\
  toujours:
    name: "Information générale"
    summary: "Toujours utile."
    for_whom: "Tous."
    conditions: "Aucune."
    decides: "Personne."
    next_step: "Informer."
    contacts: [spst]
    legal: ["C. trav., art. L4624-1"]
    sources: ["travail-emploi.gouv.fr"]
    checked: 2026-11-01
    confidence: low
    to_confirm: "Vérifier auprès du SPST."
    when: true
  combinaison:
    name: "Combinaison « any / all / not »"
    summary: "Pour tester l'évaluation."
    for_whom: "Tous."
    conditions: "Complexes."
    decides: "Le médecin."
    next_step: "Orienter."
    contacts: [cap-emploi]
    legal: ["C. trav., art. L4624-1"]
    sources: ["travail-emploi.gouv.fr"]
    checked: 2026-11-01
    confidence: high
    when:
      any:
        - all: [{phase: arret}, {rqth: [oui, non]}]
        - not: {any: [{phase: en_poste}, {rqth: oui}]}
  non-posee:
    name: "Sauf arrêt court"
    summary: "Une négation sur une question parfois non posée."
    for_whom: "Tous."
    conditions: "Pas d'arrêt court."
    decides: "Le médecin."
    next_step: "Orienter."
    contacts: [spst]
    legal: ["C. trav., art. L4624-1"]
    sources: ["travail-emploi.gouv.fr"]
    checked: 2026-11-01
    confidence: high
    when:
      not: {duree_arret: moins_30}
"""
LOCAL = OVERLAY + """\
  kerpape:
    name: "Centre de Kerpape"
    description: "Équipe locale."
    channels: [{kind: web, value: "https://example.org"}, {kind: email, value: "contact@example.org"}]
    dispositifs: [visite-reprise, toujours]
"""


@pytest.fixture
def rich_tree(tmp_path: Path):
    """The helper tree with conditions of every kind and a local contact, overlay 56 applied."""
    return load_tree(write_tree(tmp_path, catalogue=CATALOGUE + EXTRA, overlays={"56": LOCAL}), "56")


def hook_output(dom: str):
    """What the page's test hook wrote, its long texts put back in place (see ``testOutput`` in page.js)."""
    found = re.search(r'<pre id="pdp-test-output" hidden="(?:hidden)?">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    written = json.loads(html.unescape(found.group(1)))
    strings = written["strings"]

    def expand(value):
        if isinstance(value, str):
            return strings[int(value[1:])] if value.startswith("\0") else value
        if isinstance(value, list):
            return [expand(v) for v in value]
        if isinstance(value, dict):
            return {k: expand(v) for k, v in value.items()}
        return value

    return expand(written["value"])


def section(dom: str) -> str:
    return re.search(r'<main id="pdp-main"[^>]*>(.*)</main>', dom, re.S).group(1)


class TestPage:
    def test_self_contained(self, rich_tree, tmp_path: Path) -> None:
        """No external asset, no request possible (CSP), data embedded as JSON, print CSS."""
        page = build_html(rich_tree)
        assert page.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")
        assert "default-src 'none'" in page
        assert not re.search(r"<link|\ssrc=|url\(|@import|\bfetch\(|XMLHttpRequest", page)
        assert page.count("<script") == 2 and '<script type="application/json" id="pdp-data">' in page
        assert "@media print" in page and ".controls, .no-print" in page

    def test_embedded_data_follows_its_schema(self, rich_tree) -> None:
        data = re.search(r'id="pdp-data">(.*?)</script>', build_html(rich_tree), re.S).group(1)
        parsed = json.loads(data)
        output_validator("page-data").validate(parsed)
        assert [d["id"] for d in parsed["dispositifs"]][-3:] == ["toujours", "combinaison", "non-posee"]
        assert parsed["tree"]["departement"] == "56"

    def test_script_end_cannot_escape_the_data(self) -> None:
        text = script_json({"label": "</script><script>alert(1)</script> <!-- & \u2028"})
        assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
        assert json.loads(text) == {"label": "</script><script>alert(1)</script> <!-- & \u2028"}

    def test_cli_writes_the_page(self, tree_dir: Path, tmp_path: Path, capsys) -> None:
        target = tmp_path / "pdp.html"
        assert main(["export", "html", "--arbre", str(tree_dir), "-o", str(target)]) == 0
        assert capsys.readouterr().err == (f"Page écrite dans {target} : ouvrez-la dans un navigateur "
                                           "(elle fonctionne hors ligne).\n")
        page = target.read_text(encoding="utf-8")
        assert "Page produite par pdp-nav" in page and " le 29/11/2026, arbre « Mini-arbre PDP »" in page

    def test_cli_needs_an_output(self, tree_dir: Path, capsys) -> None:
        assert main(["export", "html", "--arbre", str(tree_dir)]) == 2
        assert capsys.readouterr().err == ("Erreur : Option manquante '--output' / '-o'.\n"
                                           "Aide : pdp-nav export html --help\n")

    def test_export_alone_says_what_to_do(self, capsys) -> None:
        assert main(["export"]) == 2
        assert capsys.readouterr().err == ("indiquez quoi exporter, par exemple : pdp-nav export html "
                                           "--output pdp.html (aide : pdp-nav export --help)\n")


@needs_chromium
@pytest.mark.slow
class TestInChromium:
    @staticmethod
    def python_results(tree, every: int = 1) -> list[dict]:
        """What the page's self-test computes, computed by the Python engine."""
        expected = []
        for i, (_, answers, _) in enumerate(walk(tree)):  # the paths of iter_paths, without a tuple each
            if i % every:
                continue
            data = result_dict(replay(tree, dict(answers))[0].result())
            expected.append({
                "answers": [[a["question"], a["answer"]] for a in data["answers"]],
                "outcome": data["outcome"]["id"],
                "dispositifs": [{"id": d["id"], "why": [r["text"] for r in d["why"]]} for d in data["dispositifs"]],
                "not_proposed": [{"id": d["id"], "why_not": [r["text"] for r in d["why_not"]]}
                                 for d in data["not_proposed"]],
                "contacts": [{"id": c["id"], "for": c["for"]} for c in data["contacts"]],
                "plan": [[a["number"], a["id"], a["when"], a["line"]]
                         for a in [*(a for g in data["plan"]["groups"] for a in g["actions"]), *data["plan"]["others"]]]
                + [c["line"] for c in data["plan"]["contacts"]],
            })
        return expected

    def test_each_page_starts_as_in_a_new_tab(self, chromium, tmp_path: Path) -> None:
        """The pages share one tab (tests/chromium.py), yet each starts with a history of its own
        (a blank page, then itself: its back button reaches no earlier page), and a page left
        loading by a failed test is never taken for the next one."""
        page = tmp_path / "history.html"
        page.write_text("<!DOCTYPE html><title>x</title><script>document.title = 'entrées ' + history.length"
                        " + ' ' + location.hash</script>", encoding="utf-8")
        assert "<title>entrées 2 #a</title>" in chromium(page, "#a")
        left = tmp_path / "left.html"
        left.write_text("<!DOCTYPE html><title>abandonnée</title>", encoding="utf-8")
        chromium.open(left, "")  # never read, as when a test fails before reading its page
        assert "<title>entrées 2 #b</title>" in chromium(page, "#b")

    def test_javascript_equals_python_on_every_path(self, chromium, rich_tree, tmp_path: Path) -> None:
        """Same paths in the same order; same dispositifs, order, reasons, exclusions and contacts."""
        page = tmp_path / "page.html"
        page.write_text(build_html(rich_tree), encoding="utf-8")
        from_js = hook_output(chromium(page, "#pdp-test-all"))
        expected = self.python_results(rich_tree)
        assert len(expected) == 6
        assert from_js == expected

    def test_javascript_equals_python_on_the_shipped_tree(self, chromium, tmp_path: Path) -> None:
        """The real content (local dispositifs, conditional contacts), Finistère: one path in 97."""
        tree = load_tree(shipped_tree_or_skip(), "29")
        page = tmp_path / "page.html"
        page.write_text(build_html(tree), encoding="utf-8")
        in_chromium = chromium.open(page, "#pdp-test-every=97")  # the browser computes while Python does
        expected = self.python_results(tree, 97)
        from_js = hook_output(in_chromium())
        assert len(expected) > 250 and from_js == expected

    @pytest.mark.parametrize("departement", [None, "56"])
    def test_local_dispositifs_and_conditional_contacts_in_javascript(self, chromium, departement: str | None,
                                                                      tmp_path: Path) -> None:
        """A page made for a département proposes its local dispositifs, and says why not for the others;
        a conditional contact is shown only where its condition holds."""
        tree = load_tree(write_tree(tmp_path, catalogue=CONDITIONAL_CONTACTS + LOCAL_DISPOSITIFS,
                                    contacts=CONDITIONAL_CONTACTS_CONTACTS, overlays={"56": OVERLAY}), departement)
        page = tmp_path / "page.html"
        page.write_text(build_html(tree), encoding="utf-8")
        from_js = hook_output(chromium(page, "#pdp-test-all"))
        assert from_js == self.python_results(tree)
        arret = from_js[1]
        assert ("kerpape-bilan" in [d["id"] for d in arret["dispositifs"]]) == (departement == "56")
        assert any("dispositif local des départements 22, 29 et 35" in why
                   for d in arret["not_proposed"] for why in d["why_not"])
        by_answers = {tuple(map(tuple, r["answers"])): [c["id"] for c in r["contacts"]] for r in from_js}
        assert "spst-bis" in by_answers[(("phase", "arret"), ("duree_arret", "plus_30"), ("rqth", "non"))]
        assert "spst-bis" not in by_answers[(("phase", "arret"), ("duree_arret", "plus_30"), ("rqth", "oui"))]
        dom = chromium(page, "#reponses=phase:arret,duree_arret:plus_30,rqth:non")
        card = re.search(r'<article class="card" data-dispositif="visite-pre-reprise">(.*?)</article>', dom).group(1)
        assert card.endswith("<dt>Contacts</dt><dd>Service de prévention et de santé au travail, Cellule PDP du "
                             "SPST</dd></dl>")

    def test_click_through_to_an_outcome(self, chromium, rich_tree, tmp_path: Path) -> None:
        """Real clicks on the answer buttons lead to the cards, the warning and the merged contacts."""
        page = tmp_path / "page.html"
        page.write_text(build_html(rich_tree), encoding="utf-8")
        dom = chromium(page, "#pdp-test-click=phase:arret,duree_arret:plus_30,rqth:oui")
        assert hook_output(dom) == ["clic phase:arret", "clic duree_arret:plus_30", "clic rqth:oui",
                                    "adresse #reponses=phase:arret,duree_arret:plus_30,rqth:oui"]
        main_part = section(dom)
        assert ('<section class="outcome" data-outcome="synthese" data-dispositifs="cap-emploi-maintien '
                'visite-pre-reprise toujours combinaison non-posee" data-contacts="cap-emploi spst kerpape">'
                ) in main_part
        assert '<h2 tabindex="-1">Préparer le maintien</h2>' in main_part
        card = re.search(r'<article class="card" data-dispositif="cap-emploi-maintien">(.*?)</article>',
                         main_part).group(1)
        assert card == (
            "<h4>1. Cap emploi — maintien</h4><p class=\"summary\">Accompagnement du maintien des travailleurs "
            "handicapés.</p><dl><dt>Ce que c'est</dt><dd>Accompagnement du maintien des travailleurs handicapés."
            "</dd><dt>Pour qui</dt><dd>Bénéficiaires de l'obligation d'emploi.</dd>"
            "<dt>Durée et conditions</dt><dd>RQTH obtenue ou en cours.</dd><dt>Qui décide</dt><dd>Cap emploi.</dd>"
            "<dt>Prochaine étape</dt><dd>Orienter vers Cap emploi.</dd><dt>À confirmer</dt><dd>Fiabilité moyenne "
            "— À confirmer auprès du Cap emploi du département.</dd><dt>Base légale</dt><dd><ul><li><a href=\""
            "https://www.legifrance.gouv.fr/search/code?tab_selection=code&amp;query=Code+du+travail+L5214-3-1\" "
            "rel=\"noopener noreferrer\">C. trav., art. L5214-3-1</a></li></ul></dd><dt>Sources</dt><dd>capemploi.info (vérifié le 01/11/2026)</dd>"
            "<dt>Pourquoi</dt><dd><ul><li>« La personne a-t-elle une "
            "RQTH ? » : « Oui »</li><li>« Où en est la personne ? » : « Pendant l'arrêt » (pas « En poste, sans "
            "arrêt »)</li></ul></dd><dt>Contacts</dt><dd>Cap emploi 56</dd></dl>")
        assert ('<h3>Maintenant</h3><ul class="actions" data-when="maintenant"><li><button type="button" '
                'class="action" data-action="cap-emploi-maintien">1. Cap emploi — maintien · Cap emploi 56 · '
                'à\u00a0confirmer</button></li>') in main_part.replace("&nbsp;", "\u00a0")
        assert "Code du travail (https://www.legifrance.gouv.fr/)" in main_part
        assert ('<li class="contact" data-contact="kerpape"><strong>Centre de Kerpape</strong> (département 56)'
                '<p>Équipe locale.</p><ul class="channels"><li class="channel">Web <a href="https://example.org" '
                'rel="noopener noreferrer">https://example.org</a></li><li class="channel">Courriel <a '
                'href="mailto:contact@example.org" rel="noopener noreferrer">contact@example.org</a></li></ul>'
                '<p class="for">Pour : Information générale</p></li>') in main_part
        crumbs = re.findall(r'data-crumb="([a-z_]+)"', dom)
        assert crumbs == ["phase", "duree_arret", "rqth"]
        assert '<button type="button" id="pdp-back">← Retour</button>' in dom

    def test_back_breadcrumb_and_restart(self, chromium, rich_tree, tmp_path: Path) -> None:
        """Back undoes one answer; a breadcrumb entry goes back to that question; restart empties all."""
        page = tmp_path / "page.html"
        page.write_text(build_html(rich_tree), encoding="utf-8")
        clicks = "phase:arret,duree_arret:plus_30,back,duree_arret:moins_30,crumb:phase,phase:reprise,rqth:non"
        dom = chromium(page, "#pdp-test-click=" + clicks)
        assert hook_output(dom) == [f"clic {c}" for c in clicks.split(",")] + ["adresse #reponses=phase:reprise,rqth:non"]
        assert 'data-outcome="synthese" data-dispositifs="visite-reprise toujours combinaison non-posee"' in dom
        assert re.findall(r'data-crumb="([a-z_]+)"', dom) == ["phase", "rqth"]
        dom = chromium(page, "#pdp-test-click=phase:en_poste,restart,back")
        assert hook_output(dom) == ["clic phase:en_poste", "clic restart", "ERREUR pas de bouton pour back",
                                    "adresse "]
        assert '<section class="question" data-node="phase">' in dom
        assert '<button type="button" id="pdp-back" disabled="">← Retour</button>' in dom
        assert '<nav id="pdp-trail" aria-label="Réponses données" hidden="">' in dom

    def test_browser_back_button_goes_back_one_answer(self, chromium, rich_tree, tmp_path: Path) -> None:
        """Each answer is a history entry: the browser's back button undoes them one by one."""
        page = tmp_path / "page.html"
        page.write_text(build_html(rich_tree), encoding="utf-8")
        clicks = "phase:arret,duree_arret:plus_30,rqth:oui,navigateur-retour,navigateur-retour,duree_arret:moins_30"
        dom = chromium(page, "#pdp-test-click=" + clicks)
        assert hook_output(dom) == [
            "clic phase:arret", "clic duree_arret:plus_30", "clic rqth:oui", "retour du navigateur",
            "retour du navigateur", "clic duree_arret:moins_30", "adresse #reponses=phase:arret,duree_arret:moins_30"]
        assert '<section class="outcome" data-outcome="arret_court"' in dom
        assert re.findall(r'data-crumb="([a-z_]+)"', dom) == ["phase", "duree_arret"]

    def test_point_to_confirm_on_a_high_rating(self, chromium, tmp_path: Path) -> None:
        """The page, like the terminal, shows the point to confirm of a dispositif rated « élevée »."""
        high = '    checked: 2026-11-01\n    confidence: high\n    when:\n      phase: reprise\n'
        assert high in CATALOGUE
        catalogue = CATALOGUE.replace(high, high.replace(
            "confidence: high\n", 'confidence: high\n    to_confirm: "Seuils agricoles : à confirmer auprès de la MSA."\n'))
        page = tmp_path / "page.html"
        page.write_text(build_html(load_tree(write_tree(tmp_path, catalogue=catalogue))), encoding="utf-8")
        dom = chromium(page, "#reponses=phase:reprise,rqth:non")
        card = re.search(r'<article class="card" data-dispositif="visite-reprise">(.*?)</article>', dom).group(1)
        assert ("<dt>À confirmer</dt><dd>Point à confirmer — Seuils agricoles : à confirmer auprès de "
                "la MSA.</dd>") in card

    def test_clicking_an_action_opens_its_card(self, chromium, rich_tree, tmp_path: Path) -> None:
        """The plan's actions are buttons: a click opens that card (and only that one)."""
        page = tmp_path / "page.html"
        page.write_text(build_html(rich_tree), encoding="utf-8")
        dom = chromium(page, "#pdp-test-click=phase:arret,duree_arret:plus_30,rqth:oui,action:visite-pre-reprise")
        assert hook_output(dom)[-2:] == ["clic action:visite-pre-reprise",
                                         "adresse #reponses=phase:arret,duree_arret:plus_30,rqth:oui"]
        opened = re.findall(r'<details class="fiche" id="fiche-([a-z-]+)" open="">', dom)
        assert opened == ["visite-pre-reprise"]
        assert '<details class="fiche" id="fiche-cap-emploi-maintien"><summary>1. Cap emploi — maintien' in dom

    def test_keyboard_digits_choose_an_answer(self, chromium, rich_tree, tmp_path: Path) -> None:
        """Typing 2 then 1 answers « Pendant l'arrêt » then « 30 jours ou moins »."""
        page = tmp_path / "page.html"
        page.write_text(build_html(rich_tree), encoding="utf-8")
        dom = chromium(page, "#pdp-test-click=key:2,key:1")
        assert hook_output(dom) == ["touche 2", "touche 1", "adresse #reponses=phase:arret,duree_arret:moins_30"]
        assert '<section class="outcome" data-outcome="arret_court"' in dom

    def test_question_screen_and_link_to_a_situation(self, chromium, rich_tree, tmp_path: Path) -> None:
        """#reponses=… opens a situation; a question shows its help, options and the questions left."""
        page = tmp_path / "page.html"
        page.write_text(build_html(rich_tree), encoding="utf-8")
        dom = chromium(page, "#reponses=phase:arret")
        assert section(dom) == (
            '<section class="question" data-node="duree_arret"><p class="progress">Question 2 · encore 1 à 2 '
            'questions, celle-ci comprise</p><h2 tabindex="-1">Depuis combien de temps dure l\'arrêt ?</h2>'
            '<p class="help">Au-delà de 30 jours, la visite de pré-reprise est possible.</p><div id="pdp-options" '
            'class="options" role="group" aria-label="Réponses possibles"><button type="button" class="option" '
            'data-question="duree_arret" data-option="moins_30"><span class="key" aria-hidden="true">1</span>'
            '<span class="label">30 jours ou moins</span></button><button type="button" class="option" '
            'data-question="duree_arret" data-option="plus_30"><span class="key" aria-hidden="true">2</span>'
            '<span class="label">Plus de 30 jours</span></button></div></section>')

    def test_damaged_link_shows_a_message_and_the_first_question(self, chromium, rich_tree, tmp_path: Path) -> None:
        """A #reponses= hash with a bad %-escape: a French message and the tree's start, not a blank page."""
        page = tmp_path / "page.html"
        page.write_text(build_html(rich_tree), encoding="utf-8")
        dom = chromium(page, "#reponses=phase:arret,%E0")
        assert ('<p id="pdp-link-notice" class="warning" role="alert">Lien abîmé : les réponses écrites après '
                '« #reponses= » dans l\'adresse sont illisibles. Reprenez depuis la première question ci-dessous, '
                'ou recopiez le lien en entier.</p><main id="pdp-main"') in dom
        assert section(dom).startswith('<section class="question" data-node="phase">')

    def test_hostile_text_is_shown_as_text(self, chromium, tmp_path: Path) -> None:
        """A label holding </script> and HTML neither breaks the page nor becomes markup."""
        hostile = '</script><script>document.title=\\"pirate\\"</script><b>gras</b>'
        tree = load_tree(write_tree(tmp_path, arbre=ARBRE.replace('"En poste, sans arrêt"', f'"{hostile}"')))
        page = tmp_path / "page.html"
        page.write_text(build_html(tree), encoding="utf-8")
        dom = chromium(page, "#pdp-test-click=phase:en_poste")
        assert hook_output(dom) == ["clic phase:en_poste", "adresse #reponses=phase:en_poste"]
        assert "<title>Mini-arbre PDP</title>" in dom
        assert ("<strong>&lt;/script&gt;&lt;script&gt;document.title=\"pirate\"&lt;/script&gt;&lt;b&gt;gras"
                "&lt;/b&gt;</strong>") in dom
