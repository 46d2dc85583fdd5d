"""`pdp-nav run --answers`: every path replays; bad answers files are clear errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pdp_nav.cli import main
from pdp_nav.core.engine import iter_leaves
from pdp_nav.content.load import load_tree

from .helpers import (CATALOGUE, LOCAL_DISPOSITIFS, OVERLAY, output_validator, path_classes, shipped_tree_or_skip,
                      write, write_tree)
from .terminal import ANSI, Session, needs_pdp_nav

TREES = Path(__file__).resolve().parent.parent / "trees"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["run", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_result_layout(tree_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The documented, stable JSON layout: ids, labels, dispositifs, contacts, explanations."""
    answers = write(tmp_path / "a.yaml", "phase: reprise\nrqth: oui\n")
    code, out, err = run(capsys, "--answers", str(answers), "--arbre", str(tree_dir), "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == ["format_version", "kind", "tree", "answers", "outcome", "dispositifs",
                          "not_proposed", "contacts", "plan", "notice"]
    assert data["format_version"] == 2 and data["kind"] == "pdp-nav-result"
    assert data["tree"]["id"] == "mini" and data["tree"]["version"] == "1.0"
    assert data["answers"] == [
        {"question": "phase", "text": "Où en est la personne ?", "answer": "reprise", "label": "À la reprise"},
        {"question": "rqth", "text": "La personne a-t-elle une RQTH ?", "answer": "oui", "label": "Oui"}]
    assert data["outcome"]["id"] == "synthese"
    assert [d["id"] for d in data["dispositifs"]] == ["cap-emploi-maintien", "visite-reprise"]
    first = data["dispositifs"][0]
    assert first["confidence"] == "medium" and first["to_confirm"].startswith("À confirmer")
    assert first["why"][0] == {"question": "rqth", "answer": "oui", "expected": ["oui"], "negated": False,
                               "text": "« La personne a-t-elle une RQTH ? » : « Oui »"}
    assert {d["id"] for d in data["not_proposed"]} == {"visite-demande", "visite-pre-reprise"}
    assert [(c["id"], c["for"]) for c in data["contacts"]] == [
        ("cap-emploi", ["cap-emploi-maintien"]), ("spst", ["visite-reprise"])]
    plan = data["plan"]
    assert [(a["number"], a["id"], a["to_confirm"]) for g in plan["groups"] for a in g["actions"]] == [
        (1, "cap-emploi-maintien", True), (2, "visite-reprise", False)]
    assert plan["contacts"] == [{"id": "cap-emploi", "name": "Cap emploi", "how": "", "actions": [1],
                                 "line": "Cap emploi · action 1"}]


PLAIN = """\
Préparer le maintien
Mobiliser les acteurs du maintien.

Maintenant
 1. Visite de pré-reprise\u00a0· vous (SPST)
"""
CARD = """
Dispositif 1 : Visite de pré-reprise
  Ce que c'est : Examen pendant l'arrêt pour préparer le retour.
  Pour qui : Salarié en arrêt de plus de 30 jours.
  Durée et conditions : Arrêt de plus de 30 jours.
  Qui décide : Le salarié, le médecin traitant, le médecin-conseil ou le médecin du travail.
  Prochaine étape : Organiser la visite.
  Base légale :
    C. trav., art. L4624-2-4 <https://www.legifrance.gouv.fr/search/code?tab_selection=code&query=Code+du+travail+L4624-2-4>
    C. trav., art. R4624-29 <https://www.legifrance.gouv.fr/search/code?tab_selection=code&query=Code+du+travail+R4624-29>
  Sources : Code du travail (https://www.legifrance.gouv.fr/) (vérifié le 01/11/2026)
  Pourquoi : « Depuis combien de temps dure l'arrêt ? » : « Plus de 30 jours »
"""


def test_text_off_a_terminal_is_plain_lines(tree_dir: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """To a pipe or a file: the plan in plain lines, the same text in both; --detail adds the cards
    (the SPST, which is the user, is never a contact to call)."""
    answers = write(tmp_path / "a.yaml", "phase: arret\nduree_arret: plus_30\nrqth: non\n")
    assert run(capsys, "-a", str(answers), "--arbre", str(tree_dir)) == (0, PLAIN, "")
    target = tmp_path / "resultat.txt"
    assert run(capsys, "-a", str(answers), "--arbre", str(tree_dir), "-o", str(target)) == (0, "", "")
    assert target.read_text(encoding="utf-8") == PLAIN
    assert run(capsys, "-a", str(answers), "--arbre", str(tree_dir), "--detail") == (0, PLAIN + CARD, "")


@needs_pdp_nav
def test_text_in_a_terminal_draws_the_plan_then_cards(tree_dir: Path, tmp_path: Path) -> None:
    """In a real terminal: the plan; with --detail, then a Rich card per dispositif."""
    answers = write(tmp_path / "a.yaml", "phase: arret\nduree_arret: plus_30\nrqth: non\n")
    s = Session(tmp_path, ["run", "-a", str(answers), "--arbre", str(tree_dir)], width=90)
    assert s.end() == 0
    assert ANSI.sub("", s.log.getvalue()) == PLAIN
    s = Session(tmp_path, ["run", "-a", str(answers), "--arbre", str(tree_dir), "--detail"], width=90)
    assert s.end() == 0
    lines = ANSI.sub("", s.log.getvalue()).splitlines()
    assert lines[:5] == PLAIN.splitlines()
    assert lines[5].startswith("╭─ 1. Visite de pré-reprise ─") and lines[5].endswith("╮") and len(lines[5]) == 90
    assert any(line.startswith("│ Base légale") and "C. trav., art. L4624-2-4" in line for line in lines[5:])
    assert not any("Service de prévention" in line for line in lines)


def test_a_point_to_confirm_is_shown_even_when_the_rating_is_high(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A « high » dispositif may name one uncertain point: text, Markdown and JSON all carry it."""
    catalogue = CATALOGUE.replace(
        '    legal: ["C. trav., art. R4624-31"]\n    sources: ["travail-emploi.gouv.fr"]\n'
        "    checked: 2026-11-01\n    confidence: high\n",
        '    legal: ["C. trav., art. R4624-31"]\n    sources: ["travail-emploi.gouv.fr"]\n'
        "    checked: 2026-11-01\n    confidence: high\n"
        '    to_confirm: "Seuils pour les salariés agricoles : à confirmer auprès de la MSA."\n')
    assert catalogue != CATALOGUE
    tree = write_tree(tmp_path, catalogue=catalogue)
    answers = write(tmp_path / "a.yaml", "phase: reprise\nrqth: non\n")
    code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree))
    assert code == 0
    assert " 1. Visite de reprise\u00a0· vous (SPST)\u00a0· à\u00a0confirmer\n" in out
    code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree), "--detail")
    assert "  À confirmer : Point à confirmer — Seuils pour les salariés agricoles : à confirmer auprès de la MSA.\n" in out
    code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree), "-f", "markdown", "--detail")
    assert "- **À confirmer** : Point à confirmer — Seuils pour les salariés agricoles" in out
    code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree), "-f", "json")
    visite = json.loads(out)["dispositifs"][0]
    assert (visite["confidence"], visite["to_confirm"]) == (
        "high", "Seuils pour les salariés agricoles : à confirmer auprès de la MSA.")


def test_local_dispositif_in_the_json_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The territory reason follows the published schema: « @departement », the overlay, its départements."""
    tree = write_tree(tmp_path, catalogue=CATALOGUE + LOCAL_DISPOSITIFS, overlays={"56": OVERLAY})
    answers = write(tmp_path / "a.yaml", "phase: arret\nduree_arret: moins_30\n")
    for departement, proposed in ((None, False), ("56", True)):
        extra = ("-d", departement) if departement else ()
        code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree), "-f", "json", *extra)
        data = json.loads(out)
        output_validator("result").validate(data)
        found = {d["id"]: d for d in data["dispositifs"] + data["not_proposed"]}
        reasons = found["kerpape-bilan"]["why" if proposed else "why_not"]
        assert reasons[0] == {
            "question": "@departement", "answer": departement, "expected": ["56"], "negated": False,
            "text": "dispositif local du département 56" if proposed else
            "dispositif local du département 56 : indiquez le département (--departement 56) pour qu'il soit proposé"}
        if proposed:
            assert found["kerpape-bilan"]["departements"] == ["56"]


def test_markdown(tree_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write(tmp_path / "a.yaml", "phase: arret\nduree_arret: plus_30\nrqth: non\n")
    code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree_dir), "-f", "markdown")
    assert code == 0 and out.startswith("# Orientation PDP — Préparer le maintien\n")
    assert "## Maintenant\n\n- **1.** Visite de pré-reprise · vous (SPST)\n" in out and "###" not in out
    code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree_dir), "-f", "markdown", "--detail")
    assert "### 1. Visite de pré-reprise\n\n- **Ce que c'est** : Examen pendant l'arrêt" in out
    search = "https://www.legifrance.gouv.fr/search/code?tab_selection=code&query=Code+du+travail+"
    assert (f"- **Base légale** : [C. trav., art. L4624-2-4]({search}L4624-2-4); "
            f"[C. trav., art. R4624-29]({search}R4624-29)\n") in out  # each reference links to Légifrance


def test_scenario_file_is_accepted(tree_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = write(tmp_path / "s.yaml", """\
        format_version: 1
        title: "Reprise avec RQTH"
        case: "Salarié qui reprend."
        answers:
          phase: reprise
          rqth: oui
        expect:
          present: [visite-reprise]
        """)
    code, out, _ = run(capsys, "-a", str(scenario), "--arbre", str(tree_dir), "-f", "json")
    assert code == 0 and json.loads(out)["outcome"]["id"] == "synthese"


def test_output_file(tree_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write(tmp_path / "a.yaml", "phase: en_poste\n")
    target = tmp_path / "resultat.md"
    code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree_dir), "-f", "markdown", "-o", str(target))
    assert (code, out) == (0, "")
    assert "Visite à la demande" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


EXPECTED = ("indiquez un fichier de réponses « question: option », un scénario, ou un résumé .json enregistré "
            "par le navigateur")


@pytest.mark.parametrize(("answers", "message"), [
    ("phase: arret\nduree: plus_30\n",
     "a.yaml:2:1: la question « duree » n'existe pas dans l'arbre (version 1.0) "
     "(vouliez-vous dire « duree_arret » ?)"),
    ("phase: apres\n",
     "a.yaml:1:8: la question « phase » n'a pas d'option « apres » (options : en_poste, arret, reprise)"),
    ("phase: arret\n",
     "a.yaml:1:1: réponse manquante pour la question « duree_arret » (« Depuis combien de temps dure "
     "l'arrêt ? ») : ajoutez « duree_arret: <option> » (options : moins_30, plus_30)"),
    ("phase: en_poste\nrqth: oui\n",
     "a.yaml:2:1: la question « rqth » n'est pas posée sur ce parcours (phase=en_poste) : supprimez cette "
     "réponse ou corrigez une réponse précédente"),
    ("phase: reprise\nrqth: yes\n",
     "a.yaml:2:7: la réponse à « rqth » doit être un identifiant d'option (texte), pas « yes » — mettez-la "
     "entre guillemets : YAML lit oui/non/yes/no comme des booléens"),
    ("synthese: oui\n",
     "a.yaml:1:1: la question « synthese » est une issue, pas une question (version 1.0)"),
    ("- phase\n",
     "a.yaml:1:1: un fichier de réponses est un dictionnaire « question: option » (ou un scénario avec "
     "« answers: »)"),
    ("", "a.yaml:1:1: fichier de réponses vide : écrivez une ligne « question: option » par question"),
    ('{"kind": "pdp-nav-validation", "problems": []}',
     "a.yaml:1:10: c'est un rapport de validation, pas un fichier de réponses : " + EXPECTED),
    ('{"kind": "' + "x" * 500 + '"}',
     "a.yaml:1:10: c'est un fichier « " + "x" * 39 + "… », pas un fichier de réponses : " + EXPECTED),
    ("format_version: 1\ntree:\n  id: mini\n",
     "a.yaml:3:3: ce fichier n'est pas un fichier de réponses (« tree » contient une liste ou un dictionnaire) : "
     + EXPECTED),
    ('{"kind": "pdp-nav-result", "answers": [{"question": "phase", "answer": ["' + "y" * 500 + '"]}]}',
     "a.yaml:1:40: résumé modifié ou abîmé : chaque réponse y est {\"question\": …, \"answer\": …} ; "
     "enregistrez de nouveau le résumé depuis le navigateur"),
])
def test_bad_answers(tree_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str], answers: str, message: str) -> None:
    """Each mistake in an answers file: exit 2, the file position and what to change."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(answers, encoding="utf-8")
    code, out, err = run(capsys, "-a", "a.yaml", "--arbre", str(tree_dir))
    assert (code, out) == (2, "")
    assert err == message + "\n"


class TestSavedSummary:
    """A summary saved as .json by the navigator reopens the case (issue #17)."""

    @pytest.fixture
    def summary(self, tree_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
        answers = write(tmp_path / "a.yaml", "phase: arret\nduree_arret: plus_30\nrqth: non\n")
        code, out, _ = run(capsys, "-a", str(answers), "--arbre", str(tree_dir), "-f", "json")
        assert code == 0
        return json.loads(out)

    def test_its_answers_replay(self, summary: dict, tree_dir: Path, tmp_path: Path, capsys) -> None:
        """run --answers on a saved summary gives the same result, with no note when the tree is the same."""
        saved = write(tmp_path / "cas.json", json.dumps(summary, ensure_ascii=False, indent=2))
        assert run(capsys, "-a", str(saved), "--arbre", str(tree_dir)) == (0, PLAIN, "")

    def test_another_tree_version_says_what_changed(self, summary: dict, tree_dir: Path, tmp_path: Path,
                                                    capsys) -> None:
        """Saved with another version: the versions, then the dispositifs added and removed since."""
        summary["tree"]["version"] = "0.9"
        summary["dispositifs"] = [{"id": "ancien", "name": "Ancien dispositif"}]
        saved = write(tmp_path / "cas.json", json.dumps(summary))
        assert run(capsys, "-a", str(saved), "--arbre", str(tree_dir)) == (0, PLAIN, (
            "Résumé enregistré avec la version 0.9 de l'arbre ; version actuelle 1.0.\n"
            "Ce que la nouvelle version propose autrement :\n"
            "  + Visite de pré-reprise (ajouté)\n"
            "  − Ancien dispositif (retiré)\n"))

    def test_a_question_gone_in_the_new_version(self, summary: dict, tree_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, capsys) -> None:
        """A question that no longer exists is located in the summary, and the version change is named."""
        summary["tree"]["version"] = "0.9"
        summary["answers"][1]["question"] = "duree"
        monkeypatch.chdir(tmp_path)
        write(tmp_path / "cas.json", json.dumps(summary, indent=2))
        code, out, err = run(capsys, "-a", "cas.json", "--arbre", str(tree_dir))
        assert (code, out) == (2, "")
        assert err == (
            "cas.json:19:19: la question « duree » n'existe pas dans l'arbre (version 1.0) "
            "(vouliez-vous dire « duree_arret » ?)\n"
            "cas.json:6:16: avertissement : résumé enregistré avec la version 0.9 de l'arbre, version actuelle 1.0 : "
            "reprenez le cas en répondant de nouveau (pdp-nav navigate)\n")


def test_invalid_tree_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .helpers import ARBRE, write_tree

    tree = write_tree(tmp_path, arbre=ARBRE.replace("next: arret_court", "next: ailleurs"))
    answers = write(tmp_path / "a.yaml", "phase: en_poste\n")
    code, out, err = run(capsys, "-a", str(answers), "--arbre", str(tree))
    assert (code, out) == (2, "")
    assert "l'option « moins_30 » renvoie vers le nœud « ailleurs » qui n'existe pas" in err


def test_unknown_format(tree_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write(tmp_path / "a.yaml", "phase: en_poste\n")
    code, _, err = run(capsys, "-a", str(answers), "--arbre", str(tree_dir), "-f", "pdf")
    assert code == 2 and err == "--format « pdf » inconnu : choisissez parmi text, json, markdown, html\n"


def test_unknown_departement(tree_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write(tmp_path / "a.yaml", "phase: en_poste\n")
    code, _, err = run(capsys, "-a", str(answers), "--arbre", str(tree_dir), "-d", "99")
    assert (code, err) == (2, (
        "--departement (ou PDP_NAV_DEPARTEMENT): département « 99 » inconnu : indiquez un numéro de 01 à 95, "
        "2A, 2B ou de 971 à 976 (ex. 56, 056, 2a, 974), ou un nom (ex. morbihan, « Côtes-d'Armor »)\n"))


@pytest.mark.slow
def test_every_path_of_the_shipped_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every root-to-outcome path of trees/ replays as an answers file and proposes a dispositif.

    Why it fails if any path breaks it, without building the full result of each of the 10^5:
    - every line an answers file of a path can hold (« question: option », one per option of
      each question) is read back as itself by the YAML reader;
    - every path goes through the same resolution as `run` (answers.resolve) and must end at
      its outcome;
    - what `run` proposes is exactly what the one eligibility rule (engine.fitting, as the bits
      of fit_mask & place_mask) gives, which must not be empty. Every path is in one class of
      ``helpers.path_classes``, whose key holds that fit_mask (computed for every path by the
      walk): no class empty means no path empty. The equality is checked on a sample holding a
      class of every outcome, a class proposing each dispositif and one class in 97: the full
      result there, and the conditions evaluated one by one (no memo), each equal to
      engine.fitting; and the grouping on one path in 97 (its full result, and the conditions one
      by one, equal to its class's bits);
    - an evenly spread sample of 40 paths also goes through the whole command line, JSON
      output included. Loading the tree does not depend on the path: the first run loads it
      (from the cache, as any run), the next ones are given that same tree.
    """
    from pdp_nav.content.answers import resolve
    from pdp_nav.content.yamlio import parse_yaml
    from pdp_nav.core.engine import available_here, fitting, place_mask, walk

    trees = shipped_tree_or_skip()
    tree = load_tree(trees)
    for question in tree.questions.values():
        for option in question.options:
            line = f"{question.id}: {option.id}\n"
            assert parse_yaml(line, "p.yaml").data == {question.id: option.id}, line
    doc = parse_yaml("", "p.yaml")
    table = path_classes(tree)
    step = max(1, table.count // 40)
    count, spread = 0, []
    for count, (_, answers, outcome) in enumerate(walk(tree), 1):
        assert resolve(tree, answers, doc).outcome is outcome, answers
        if count % step == 1 % step:  # the paths 1, 1 + step, 1 + 2 × step… (depth first)
            spread.append((dict(answers), outcome))
    here = place_mask(tree)

    def one_by_one(answers: dict[str, str]) -> tuple[str, ...]:
        return tuple(did for did, d in tree.dispositifs.items() if available_here(tree, d) and d.when.matches(answers))

    sample, outcomes, proposed = [], set(), 0
    for n, ((oid, fit, *_), (answers, _)) in enumerate(table.classes.items()):
        fit &= here  # the bits of engine.fitting
        assert fit, answers
        if fit & ~proposed or oid not in outcomes or n % 97 == 0:
            outcomes.add(oid)
            proposed |= fit
            sample.append((answers, tree.outcomes[oid]))
    assert count == table.count == sum(1 for _ in iter_leaves(tree)) > 100_000
    assert outcomes == set(tree.outcomes) and proposed == here
    for answers, outcome in sample:
        result = resolve(tree, answers, doc).result()
        fit = fitting(tree, answers)
        assert result.outcome is outcome and result.proposals, answers
        assert sorted(result.dispositif_ids) == sorted(fit), answers
        assert fit == one_by_one(answers), answers
    for answers, (oid, fit, *_) in table.sample:  # paths, each in the class the walk gave it
        fit &= here
        assert fitting(tree, answers) == one_by_one(answers) == tuple(
            did for i, did in enumerate(tree.dispositifs) if fit >> i & 1), answers
        result = resolve(tree, answers, doc).result()
        assert result.outcome.id == oid and sorted(result.dispositif_ids) == sorted(one_by_one(answers)), answers
    loaded: dict[tuple[Any, ...], Any] = {}

    def load_once(*args: Any) -> Any:  # the first run loads the tree (from the cache), the next ones reuse it
        if args not in loaded:
            loaded[args] = load_tree(*args)
        return loaded[args]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pdp_nav.content.load.load_tree", load_once)
        for n, (answers, outcome) in enumerate(spread):
            file = tmp_path / f"p{n}.yaml"
            file.write_text("".join(f"{q}: {o}\n" for q, o in answers.items()), encoding="utf-8")
            code, out, err = run(capsys, "-a", str(file), "--arbre", str(trees), "-f", "json")
            assert (code, err) == (0, ""), (answers, err)
            data = json.loads(out)
            assert data["outcome"]["id"] == outcome.id and data["dispositifs"], answers
    assert len(loaded) == 1
