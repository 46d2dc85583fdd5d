"""`pdp-nav diff`: what changed between two tree versions, for a reviewer (French text) and
for scripts (JSON, with its schema): content, field by field, and the paths whose result changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


from .helpers import ARBRE, CATALOGUE, CONTACTS, LOCAL_DISPOSITIFS, OVERLAY, invoke, output_validator, write_tree

NEW_ARBRE = (ARBRE
    .replace('text: "Où en est la personne ?"', 'text: "Où en est le salarié ?"')
    .replace('label: "Oui"', 'label: "Oui, notifiée"')
    .replace('        next: en_poste_prevention\n', '        next: synthese\n')
    .replace('''  en_poste_prevention:
    title: "Prévenir pendant l'activité"
    text: "La visite à la demande permet d'agir tôt."
''', '')
    .replace('''      - id: plus_30
        label: "Plus de 30 jours"
        next: rqth
''', '''      - id: plus_30
        label: "Plus de 30 jours"
        next: rqth
      - id: plus_90
        label: "Plus de 90 jours"
        next: synthese
''')
    .replace('title: "Arrêt court"', 'title: "Arrêt de 30 jours au plus"'))
NEW_CATALOGUE = (CATALOGUE
    .replace('legal: ["C. trav., art. R4624-31"]', 'legal: ["C. trav., art. R4624-31", "C. trav., art. R4624-32"]')
    .replace('''    checked: 2026-11-01
    confidence: high
    when:
      phase: reprise''', '''    checked: 2026-11-20
    confidence: high
    when:
      phase: reprise'''))
NEW_CATALOGUE = NEW_CATALOGUE.replace('''    when:
      duree_arret: plus_30''', '''    when:
      duree_arret: [plus_30, plus_90]''')
NEW_CATALOGUE += '''  essai-encadre:
    name: "Essai encadré"
    summary: "Tester un poste pendant l'arrêt."
    for_whom: "Salarié en arrêt."
    conditions: "14 jours."
    decides: "La CPAM."
    next_step: "Contacter le service social."
    contacts: [spst]
    legal: ["CSS, art. L323-3-1"]
    sources: ["ameli.fr"]
    checked: 2026-11-01
    confidence: high
    when:
      duree_arret: plus_90
'''
NEW_CONTACTS = CONTACTS.replace('name: "Cap emploi"', 'name: "Cap emploi (OPS)"')


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """The helper tree, and a new version of it touching every kind of element."""
    old = write_tree(tmp_path / "old")
    new = write_tree(tmp_path / "new", arbre=NEW_ARBRE, catalogue=NEW_CATALOGUE, contacts=NEW_CONTACTS)
    return old, new


def diff(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    return invoke(capsys, "diff", *args)


REPORT = """\
Différences entre l'arbre « Mini-arbre PDP » version 1.0 (ancien) et « Mini-arbre PDP » version 1.0 (nouveau)

Questions
  ~ « phase » reformulée : « Où en est la personne ? » → « Où en est le salarié ? »
  ~ « phase », option « en_poste » redirigée : « en_poste_prevention » → « synthese »
  + « duree_arret », option « plus_90 » ajoutée : « Plus de 90 jours » (mène à « synthese »)
  ~ « rqth », option « oui » reformulée : « Oui » → « Oui, notifiée »

Issues
  − « en_poste_prevention » supprimée : Prévenir pendant l'activité
  ~ « arret_court » (Arrêt de 30 jours au plus) modifiée :
      titre : « Arrêt court » → « Arrêt de 30 jours au plus »

Dispositifs
  + « essai-encadre » ajouté : Essai encadré
      parcours : 1 nouveau(x) le propose(nt)
      exemple : phase=arret, duree_arret=plus_90
                (« Pendant l'arrêt » → « Plus de 90 jours »)
  ~ « visite-pre-reprise » (Visite de pré-reprise) modifié :
      condition d'éligibilité :
        avant : « Depuis combien de temps dure l'arrêt ? » : « Plus de 30 jours »
        après : « Depuis combien de temps dure l'arrêt ? » : « Plus de 30 jours » ou « Plus de 90 jours »
      parcours : 1 nouveau(x) le propose(nt)
      exemple : phase=arret, duree_arret=plus_90
                (« Pendant l'arrêt » → « Plus de 90 jours »)
  ~ « visite-reprise » (Visite de reprise) modifié :
      base légale :
        avant : C. trav., art. R4624-31
        après : C. trav., art. R4624-31 ; C. trav., art. R4624-32
      vérifié le : « 01/11/2026 » → « 20/11/2026 »
      aucun parcours ne change pour ce dispositif

Contacts
  ~ « cap-emploi » (Cap emploi (OPS)) modifié :
      nom : « Cap emploi » → « Cap emploi (OPS) »

"""
SUMMARY = """\
Parcours : 1 sur 6 parcours communs changent de résultat (dont 1 d'issue), 1 nouveau(x), 0 disparu(s).
Le détail parcours par parcours : pdp-nav diff ANCIEN NOUVEAU --detail
"""
DETAIL = """\
Parcours dont le résultat change : 1 sur 6 parcours communs
  • phase=en_poste
      (« En poste, sans arrêt »)
      avant : issue « Prévenir pendant l'activité » — Visite à la demande
      après : issue « Préparer le maintien » — Visite à la demande
      (issue changée)

Nouveaux parcours : 1
  • phase=arret, duree_arret=plus_90
      (« Pendant l'arrêt » → « Plus de 90 jours »)
      après : issue « Préparer le maintien » — Visite de pré-reprise, Essai encadré
"""


class TestText:
    def test_report_for_a_reviewer(self, versions, capsys) -> None:
        """Every kind of change, in French; each dispositif with its effect on the paths and an example."""
        assert diff(capsys, *versions) == (0, REPORT + SUMMARY, "")

    def test_detail_lists_every_path(self, versions, capsys) -> None:
        """--detail: the paths keyed by their answers (before → after), instead of their count."""
        assert diff(capsys, *versions, "--detail") == (0, REPORT + DETAIL, "")

    def test_reverse_lists_paths_that_disappear(self, versions, capsys) -> None:
        code, out, _ = diff(capsys, versions[1], versions[0], "--detail")
        assert code == 0
        assert out.endswith(
            "Parcours qui n'existent plus : 1\n"
            "  • phase=arret, duree_arret=plus_90\n"
            "      (« Pendant l'arrêt » → « Plus de 90 jours »)\n"
            "      avant : issue « Préparer le maintien » — Visite de pré-reprise, Essai encadré\n")
        assert "  − « essai-encadre » supprimé : Essai encadré\n" in out

    def test_identical_trees(self, versions, capsys) -> None:
        old = versions[0]
        assert diff(capsys, old, old, "--exit-code") == (0, (
            "Différences entre l'arbre « Mini-arbre PDP » version 1.0 (ancien) et « Mini-arbre PDP » "
            "version 1.0 (nouveau)\n\nAucune différence : mêmes questions, mêmes dispositifs, mêmes résultats.\n"),
            "")

    def test_only_wording_changed(self, tmp_path: Path, capsys) -> None:
        """A reworded help: listed, and said to change no result."""
        old = write_tree(tmp_path / "a")
        new = write_tree(tmp_path / "b", arbre=ARBRE.replace("La RQTH ouvre", "La RQTH permet"))
        code, out, _ = diff(capsys, old, new)
        assert code == 0
        assert out.split("\n", 2)[2] == (
            "Questions\n"
            "  ~ « rqth » aide modifiée : « La RQTH ouvre l'accompagnement de Cap emploi. » → "
            "« La RQTH permet l'accompagnement de Cap emploi. »\n\n"
            "Aucun parcours ne change de résultat (6 parcours comparés).\n")

    def test_a_dispositif_made_local(self, tmp_path: Path, capsys) -> None:
        """Restricting a dispositif to a département is a field change (compared without overlay)."""
        old = write_tree(tmp_path / "a", catalogue=CATALOGUE + LOCAL_DISPOSITIFS, overlays={"56": OVERLAY})
        new = write_tree(tmp_path / "b", catalogue=CATALOGUE + LOCAL_DISPOSITIFS.replace(
            'departements: ["56"]', 'departements: ["56", "29"]'), overlays={"56": OVERLAY})
        code, out, _ = diff(capsys, old, new, "--format", "json")
        changed = json.loads(out)["dispositifs"]["changed"]
        assert [(c["id"], c["fields"]) for c in changed] == [
            ("kerpape-bilan", [{"field": "departements", "before": ["56"], "after": ["56", "29"]}])]
        code, out, _ = diff(capsys, old, new)
        assert "départements (dispositif local)" in out

    def test_exit_code_option(self, versions, capsys) -> None:
        """--exit-code: 1 when something differs (for CI), 0 otherwise."""
        code, out, _ = diff(capsys, *versions, "--exit-code")
        assert code == 1 and out == REPORT + SUMMARY


class TestJson:
    def test_layout_and_schema(self, versions, capsys) -> None:
        code, out, err = diff(capsys, *versions, "--format", "json")
        assert (code, err) == (0, "")
        data = json.loads(out)
        output_validator("diff").validate(data)
        assert (data["format_version"], data["kind"], data["identical"]) == (2, "pdp-nav-diff", False)
        assert data["effects"] == {
            "essai-encadre": {"gained": 0, "lost": 0, "new_paths": 1, "gone_paths": 0,
                              "example": {"phase": "arret", "duree_arret": "plus_90"}},
            "visite-pre-reprise": {"gained": 0, "lost": 0, "new_paths": 1, "gone_paths": 0,
                                   "example": {"phase": "arret", "duree_arret": "plus_90"}}}
        assert data["old"]["digest"] != data["new"]["digest"] and data["tree"] == []
        questions = {q["id"]: q for q in data["questions"]["changed"]}
        assert questions["phase"]["fields"] == [
            {"field": "text", "before": "Où en est la personne ?", "after": "Où en est le salarié ?"}]
        assert questions["phase"]["options"]["changed"] == [
            {"id": "en_poste", "label": "En poste, sans arrêt",
             "fields": [{"field": "next", "before": "en_poste_prevention", "after": "synthese"}]}]
        assert questions["duree_arret"]["options"]["added"] == [
            {"id": "plus_90", "label": "Plus de 90 jours", "next": "synthese"}]
        assert data["dispositifs"]["added"] == [{"id": "essai-encadre", "name": "Essai encadré"}]
        changed = {d["id"]: d["fields"] for d in data["dispositifs"]["changed"]}
        assert changed["visite-reprise"] == [
            {"field": "legal", "before": ["C. trav., art. R4624-31"],
             "after": ["C. trav., art. R4624-31", "C. trav., art. R4624-32"]},
            {"field": "checked", "before": "2026-11-01", "after": "2026-11-20"}]
        assert changed["visite-pre-reprise"] == [
            {"field": "when", "before": {"duree_arret": ["plus_30"]}, "after": {"duree_arret": ["plus_30", "plus_90"]}}]
        assert data["outcomes"]["removed"] == [{"id": "en_poste_prevention", "title": "Prévenir pendant l'activité"}]
        assert data["paths"] == {
            "complete": True,
            "changed": [{"answers": {"phase": "en_poste"},
                         "before": {"outcome": "en_poste_prevention", "dispositifs": ["visite-demande"]},
                         "after": {"outcome": "synthese", "dispositifs": ["visite-demande"]}}],
            "added": [{"answers": {"phase": "arret", "duree_arret": "plus_90"},
                       "after": {"outcome": "synthese", "dispositifs": ["visite-pre-reprise", "essai-encadre"]}}],
            "removed": [], "unchanged": 5}

    def test_option_order_is_a_change(self, tmp_path: Path, capsys) -> None:
        old = write_tree(tmp_path / "a")
        swapped = ARBRE.replace("""      - id: oui
        label: "Oui"
        next: synthese
      - id: non
        label: "Non"
        next: synthese""", """      - id: non
        label: "Non"
        next: synthese
      - id: oui
        label: "Oui"
        next: synthese""")
        new = write_tree(tmp_path / "b", arbre=swapped)
        code, out, _ = diff(capsys, old, new, "-f", "json")
        data = json.loads(out)
        assert data["questions"]["changed"][0]["fields"] == [
            {"field": "options_order", "before": ["oui", "non"], "after": ["non", "oui"]}]
        code, out, _ = diff(capsys, old, new)
        assert "  ~ « rqth » ordre des options modifié : « oui ; non » → « non ; oui »\n" in out


class TestErrors:
    def test_invalid_tree_is_reported(self, versions, tmp_path: Path, capsys) -> None:
        missing = tmp_path / "absent"
        code, out, err = diff(capsys, versions[0], missing)
        assert (code, out) == (2, "")
        assert err == (f"{missing}: dossier d'arbre introuvable : indiquez le dossier qui contient arbre.yaml, "
                       "catalogue.yaml et contacts.yaml\n")

    def test_output_file(self, versions, tmp_path: Path, capsys) -> None:
        target = tmp_path / "diff.json"
        assert diff(capsys, *versions, "-f", "json", "-o", target) == (0, "", f"Comparaison écrite dans {target}.\n")
        output_validator("diff").validate(json.loads(target.read_text(encoding="utf-8")))


def test_paths_compared_only_where_they_may_differ_give_the_full_comparison(
        versions, monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipping the paths no changed condition can affect finds exactly what evaluating every path finds."""
    from pdp_nav.export import diff as diff_module
    from pdp_nav.content.load import load_tree

    old, new = (load_tree(v) for v in versions)
    fast = diff_module._paths(old, new)
    monkeypatch.setattr(diff_module, "_suspects", lambda o, n: None)  # every path evaluated in full
    assert diff_module._paths(old, new) == fast


@pytest.mark.parametrize("edit", ["rule", "first", "rules-and-first", "catalogue-order"])
def test_versions_with_the_same_questions_walk_in_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       edit: str) -> None:
    """Two versions with the same questions (the usual review) are compared path by path in step:
    exactly what matching every path by its answers finds."""
    from pdp_nav.export import diff as diff_module
    from pdp_nav.content.load import load_tree

    catalogue, arbre = CATALOGUE, ARBRE
    if edit != "first":  # "first": only an outcome's order changes, no condition
        catalogue = CATALOGUE.replace("    when:\n      duree_arret: plus_30",
                                      "    when:\n      duree_arret: [plus_30, moins_30]")
    if edit in ("rules-and-first", "catalogue-order"):
        catalogue = catalogue.replace("    when:\n      phase: reprise", "    when:\n      phase: [reprise, arret]")
    if edit != "rule":
        arbre = ARBRE.replace("first: [cap-emploi-maintien]", "first: []")
    if edit == "catalogue-order":  # the first dispositif moved last: every path is evaluated in full
        head, _, rest = catalogue.partition("dispositifs:\n")
        first, _, others = rest.partition("  visite-pre-reprise:\n")
        catalogue = f"{head}dispositifs:\n  visite-pre-reprise:\n{others}{first}"
    old = load_tree(write_tree(tmp_path / "old"))
    new = load_tree(write_tree(tmp_path / "new", arbre=arbre, catalogue=catalogue))
    assert diff_module._same_questions(old, new)
    assert (diff_module._suspects(old, new) is None) == (edit == "catalogue-order")
    aligned = diff_module._paths(old, new)
    assert aligned["changed"]
    monkeypatch.setattr(diff_module, "_same_questions", lambda o, n: False)
    assert diff_module._paths(old, new) == aligned


def test_results_memoised_on_the_fitting_dispositifs_are_the_engines(versions) -> None:
    """The diff's results (memoised on which dispositifs fit) are exactly engine.proposed_ids, path by path."""
    from pdp_nav.core.engine import iter_paths, proposed_ids
    from pdp_nav.export.diff import _result
    from pdp_nav.content.load import load_tree

    for tree in (load_tree(v) for v in versions):
        for _ in range(2):  # the second pass from the memo
            for path in iter_paths(tree):
                assert _result(tree, path.answers, path.outcome) == {
                    "outcome": path.outcome.id, "dispositifs": list(proposed_ids(tree, path.answers, path.outcome))}
