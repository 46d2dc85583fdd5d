"""Small real trees written into tmp_path, and helpers to run the CLI in-process."""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path
from typing import Any, NamedTuple

ARBRE = """\
format_version: 1
tree:
  id: mini
  version: "1.0"
  title: "Mini-arbre PDP"
  root: phase
questions:
  phase:
    text: "Où en est la personne ?"
    help: "La phase du parcours détermine les visites possibles."
    options:
      - id: en_poste
        label: "En poste, sans arrêt"
        next: en_poste_prevention
      - id: arret
        label: "Pendant l'arrêt"
        next: duree_arret
      - id: reprise
        label: "À la reprise"
        next: rqth
  duree_arret:
    text: "Depuis combien de temps dure l'arrêt ?"
    help: "Au-delà de 30 jours, la visite de pré-reprise est possible."
    options:
      - id: moins_30
        label: "30 jours ou moins"
        next: arret_court
      - id: plus_30
        label: "Plus de 30 jours"
        next: rqth
  rqth:
    text: "La personne a-t-elle une RQTH ?"
    help: "La RQTH ouvre l'accompagnement de Cap emploi."
    options:
      - id: oui
        label: "Oui"
        next: synthese
      - id: non
        label: "Non"
        next: synthese
outcomes:
  en_poste_prevention:
    title: "Prévenir pendant l'activité"
    text: "La visite à la demande permet d'agir tôt."
  arret_court:
    title: "Arrêt court"
    text: "Pas de pré-reprise avant 30 jours d'arrêt."
  synthese:
    title: "Préparer le maintien"
    text: "Mobiliser les acteurs du maintien."
    first: [cap-emploi-maintien]
"""

CATALOGUE = """\
format_version: 1
dispositifs:
  visite-demande:
    name: "Visite à la demande"
    summary: "Examen par le médecin du travail à tout moment."
    for_whom: "Tout salarié suivi par un SPST."
    conditions: "Sans condition de durée."
    decides: "Le salarié, l'employeur ou le médecin du travail."
    next_step: "Recevoir le salarié et proposer des mesures."
    contacts: [spst]
    legal: ["C. trav., art. R4624-34"]
    sources: ["travail-emploi.gouv.fr"]
    checked: 2026-11-01
    confidence: high
    when:
      any:
        - phase: en_poste
        - duree_arret: moins_30
  visite-pre-reprise:
    name: "Visite de pré-reprise"
    summary: "Examen pendant l'arrêt pour préparer le retour."
    for_whom: "Salarié en arrêt de plus de 30 jours."
    conditions: "Arrêt de plus de 30 jours."
    decides: "Le salarié, le médecin traitant, le médecin-conseil ou le médecin du travail."
    next_step: "Organiser la visite."
    contacts: [spst]
    legal: ["C. trav., art. L4624-2-4", "C. trav., art. R4624-29"]
    sources: [{title: "Code du travail", url: "https://www.legifrance.gouv.fr/"}]
    checked: 2026-11-01
    confidence: high
    when:
      duree_arret: plus_30
  visite-reprise:
    name: "Visite de reprise"
    summary: "Examen au retour."
    for_whom: "Salarié après un arrêt long."
    conditions: "Dans les 8 jours de la reprise."
    decides: "L'employeur l'organise."
    next_step: "Vérifier la compatibilité du poste."
    contacts: [spst]
    legal: ["C. trav., art. R4624-31"]
    sources: ["travail-emploi.gouv.fr"]
    checked: 2026-11-01
    confidence: high
    when:
      phase: reprise
  cap-emploi-maintien:
    name: "Cap emploi — maintien"
    summary: "Accompagnement du maintien des travailleurs handicapés."
    for_whom: "Bénéficiaires de l'obligation d'emploi."
    conditions: "RQTH obtenue ou en cours."
    decides: "Cap emploi."
    next_step: "Orienter vers Cap emploi."
    contacts: [cap-emploi]
    legal: ["C. trav., art. L5214-3-1"]
    sources: ["capemploi.info"]
    checked: 2026-11-01
    confidence: medium
    to_confirm: "À confirmer auprès du Cap emploi du département."
    when:
      rqth: oui
      not:
        phase: en_poste
"""

LOCAL_DISPOSITIFS = """\
  kerpape-bilan:
    name: "Bilan de Kerpape"
    summary: "Bilan local."
    for_whom: "Salariés du Morbihan."
    conditions: "Aucune."
    decides: "Le centre."
    next_step: "Orienter."
    contacts: [spst]
    legal: ["Pas de base légale propre identifiée"]
    sources: ["seed 004"]
    checked: 2026-11-01
    confidence: low
    to_confirm: "Existence actuelle à confirmer localement."
    departements: ["56"]
    when:
      phase: arret
  etm:
    name: "Équipe technique de maintien"
    summary: "Dispositif breton."
    for_whom: "Salariés."
    conditions: "Aucune."
    decides: "L'équipe."
    next_step: "Orienter."
    contacts: [spst]
    legal: ["Pas de base légale propre identifiée"]
    sources: ["seed 004"]
    checked: 2026-11-01
    confidence: low
    to_confirm: "Existence actuelle à confirmer localement."
    departements: ["22", "29", "35"]
    when: true
"""
"""Two local dispositifs to append to CATALOGUE: one of the 56, one of three other départements."""

CONTACTS = """\
format_version: 1
contacts:
  spst:
    name: "Service de prévention et de santé au travail"
    description: "Le SPST auquel adhère l'employeur."
    scope: departemental
    channels:
      - {kind: autre, value: "Coordonnées auprès de l'employeur"}
  cap-emploi:
    name: "Cap emploi"
    description: "Organisme de placement spécialisé."
    scope: departemental
    channels: []
"""

CONDITIONAL_CONTACTS = CATALOGUE.replace(
    '    next_step: "Organiser la visite."\n    contacts: [spst]\n',
    '    next_step: "Organiser la visite."\n'
    '    contacts: [spst, {id: cap-emploi, when: {rqth: oui}}, {id: spst-bis, when: {not: {rqth: oui}}}]\n')
"""CATALOGUE where the pré-reprise shows Cap emploi only with an RQTH, and another contact without."""
CONDITIONAL_CONTACTS_CONTACTS = CONTACTS + """\
  spst-bis:
    name: "Cellule PDP du SPST"
    description: "La cellule de prévention de la désinsertion professionnelle."
    scope: departemental
    channels: []
"""

OVERLAY = """\
format_version: 1
departement: "56"
name: Morbihan
contacts:
  cap-emploi:
    name: "Cap emploi 56"
    channels:
      - {kind: telephone, value: "À COMPLÉTER"}
    checked: 2026-11-01
"""


def write_tree(root: Path, *, arbre: str = ARBRE, catalogue: str = CATALOGUE,
               contacts: str = CONTACTS, overlays: dict[str, str] | None = None) -> Path:
    """Write a tree directory under ``root`` and return its path."""
    tree = root / "tree"
    (tree / "departements").mkdir(parents=True, exist_ok=True)
    (tree / "arbre.yaml").write_text(arbre, encoding="utf-8")
    (tree / "catalogue.yaml").write_text(catalogue, encoding="utf-8")
    (tree / "contacts.yaml").write_text(contacts, encoding="utf-8")
    for dep, text in (overlays or {}).items():
        (tree / "departements" / f"{dep}.yaml").write_text(text, encoding="utf-8")
    return tree


REPO = Path(__file__).resolve().parent.parent
"""This checkout."""
SHIPPED = REPO / "trees"


def shipped_tree_complete() -> bool:
    """Whether trees/ holds its three files (``files.FILES``: arbre, catalogue, contacts)."""
    from pdp_nav.content.files import FILES

    return all((SHIPPED / name).is_file() for name in FILES.values())


def shipped_tree_or_skip() -> Path:
    """The shipped trees/ directory; skips the test while its content is not all there."""
    import pytest

    if not shipped_tree_complete():
        pytest.skip("le contenu de trees/ (arbre, catalogue, contacts) n'est pas encore complet")
    return SHIPPED


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the ``nth`` line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


SCENARIO = """\
format_version: 1
title: "Arrêt long avec RQTH"
tree_version: "1.0"
case: |
  Salariée en arrêt depuis 45 jours, RQTH obtenue.
answers:
  phase: arret
  duree_arret: plus_30
  rqth: oui
expect:
  outcome: synthese
  present: [visite-pre-reprise, cap-emploi-maintien]
  absent: [visite-reprise]
  contacts: [spst, cap-emploi]
  first: [cap-emploi-maintien]
"""
"""A scenario of the helper tree (ARBRE) that passes: phase=arret, duree_arret=plus_30, rqth=oui."""


def write_scenario(tree: Path, name: str = "arret.yaml", text: str = SCENARIO) -> Path:
    """Write a scenario into ``tree/scenarios/`` and return its path."""
    folder = tree / "scenarios"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def big_dag_tree(root: Path, depth: int, width: int) -> Path:
    """Write a valid tree with ``width ** depth`` paths: ``depth`` questions in a row, each with
    ``width`` options all leading to the next one (the last ones to ``width`` outcomes).

    The sub-trees are shared, so the files stay tiny while the number of paths explodes:
    what path exports must stream. Three dispositifs (``true``, an atom, ``not``/``any``)
    keep every path non-empty.
    """
    qids = [f"q{i}" for i in range(1, depth + 1)]
    lines = ["format_version: 1", "tree:", "  id: dag", '  version: "1.0"',
             f'  title: "DAG {depth}×{width}"', f"  root: {qids[0]}", "questions:"]
    for i, qid in enumerate(qids):
        lines += [f"  {qid}:", f'    text: "Question {i + 1} ?"', '    help: "Aide."', "    options:"]
        for k in range(1, width + 1):
            target = qids[i + 1] if i + 1 < depth else f"fin{k}"
            lines += [f"      - id: r{k}", f'        label: "Réponse {k}"', f"        next: {target}"]
    lines.append("outcomes:")
    for k in range(1, width + 1):
        lines += [f"  fin{k}:", f'    title: "Issue {k}"', '    text: "Fin du parcours."']
    whens = {"toujours": "true", "premier": f"{{{qids[0]}: r1}}",
             "sauf-dernier": f"{{any: [{{not: {{{qids[-1]}: r1}}}}, {{{qids[0]}: r2}}]}}"}
    catalogue = ["format_version: 1", "dispositifs:"]
    for did, when in whens.items():
        catalogue += [f"  {did}:", f'    name: "Dispositif {did}"', '    summary: "Résumé."',
                      '    for_whom: "Tous."', '    conditions: "Aucune."', '    decides: "Le médecin."',
                      '    next_step: "Orienter."', "    contacts: [spst]", '    legal: ["C. trav., art. L4624-1"]',
                      '    sources: ["travail-emploi.gouv.fr"]', "    checked: 2026-11-01",
                      "    confidence: high", f"    when: {when}"]
    return write_tree(root, arbre="\n".join(lines) + "\n", catalogue="\n".join(catalogue) + "\n")


@functools.cache
def output_validator(name: str):  # -> jsonschema.Draft202012Validator
    """The validator of a published output schema, ``docs/schema/<name>.schema.json`` (made once
    per process: a validator keeps no state between documents)."""
    import json

    import jsonschema

    path = REPO / "docs" / "schema" / f"{name}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def invoke(capsys, *args: object) -> tuple[int, str, str]:
    """Run ``pdp-nav ARGS`` in-process: exit code, stdout and stderr (``capsys``: pytest's fixture)."""
    from pdp_nav.cli import main

    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


class PathClasses(NamedTuple):
    """Every root-to-outcome path of a tree, grouped by what its result is made of (:func:`path_classes`)."""

    nodes: tuple[str, ...]
    """The questions read beside eligibility: by conditional contacts and by plan cases."""
    classes: dict[tuple[Any, ...], tuple[dict[str, str], int]]
    """(outcome id, ``engine.fit_mask`` of the answers, answers to :attr:`nodes`) -> the answers
    of the first path of that class (depth first) and the number of paths in it."""
    sample: tuple[tuple[dict[str, str], tuple[Any, ...]], ...]
    """One path in 97 (the first included), with the key of its class: to check the grouping."""
    count: int
    """The number of paths."""


_CLASSES: dict[str, PathClasses] = {}


def path_classes(tree) -> PathClasses:  # noqa: ANN001 - a Tree
    """The paths of ``tree`` grouped by class (see :class:`PathClasses`), walked once per process.

    What a path's result holds — its outcome, the dispositifs proposed in any département (the
    ones that fit, territory aside, kept if available there), their contacts (conditional ones
    read :attr:`PathClasses.nodes`), the plan (plan cases read them too) — depends only on its
    class, so a property of the result checked on one path of each class holds for every path.
    The grouping depends on the routing and the catalogue's conditions only, the same with every
    overlay: the walk is shared by the département variants of a tree (memoised on them).
    """
    from pdp_nav.core.engine import walk_fits

    nodes = tuple(dict.fromkeys(
        a.node for d in tree.dispositifs.values()
        for cond in (*(c for _, c in d.contact_when), *(case.condition for case in d.plan_spec().cases))
        for a in cond.atoms()))
    structure = repr((tree.root, tree.questions, tree.outcomes,
                      [(d.when, d.contact_when, d.plan_spec().cases) for d in tree.dispositifs.values()]))
    found = _CLASSES.get(structure)
    if found is None:
        first: dict[tuple[Any, ...], dict[str, str]] = {}
        counts: dict[tuple[Any, ...], int] = {}
        sample = []
        count = 0
        for count, (_, answers, outcome, fit) in enumerate(walk_fits(tree), 1):  # fit: engine.fit_mask
            key = (outcome.id, fit, *map(answers.get, nodes))
            if key in counts:
                counts[key] += 1
            else:
                first[key], counts[key] = dict(answers), 1
            if count % 97 == 1:
                sample.append((dict(answers), key))
        found = _CLASSES[structure] = PathClasses(
            nodes, {key: (answers, counts[key]) for key, answers in first.items()}, tuple(sample), count)
    return found
