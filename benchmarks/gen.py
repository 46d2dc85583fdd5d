"""Generated, valid pdp-nav trees of any size, for the benchmarks (and the tests that need volume).

Two shapes:

- :func:`write_wide_tree` — a tree of about ``nodes`` questions and outcomes (each question
  has three options, heap layout), like a national tree grown large: about ``nodes`` / 1.5
  root-to-outcome paths.
- :func:`write_layered_tree` — ``layers`` questions in a row, each with ``width`` options that
  all lead to the next question: ``width ** layers`` paths with a handful of nodes, to
  measure path exports independently of the size of the files.

Both get a catalogue of a dozen dispositifs whose conditions combine atoms, ``any``, ``all``
and ``not`` over the first questions, so every path proposes at least one dispositif and
``pdp-nav validate`` reports no error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

OPTIONS = ("a", "b", "c")

_CONTACTS = """\
format_version: 1
contacts:
  spst:
    name: "Service de prévention et de santé au travail"
    description: "Le SPST de l'employeur."
    scope: departemental
    channels:
      - {kind: autre, value: "Coordonnées auprès de l'employeur"}
  cap-emploi:
    name: "Cap emploi"
    description: "Maintien dans l'emploi des travailleurs handicapés."
    scope: departemental
    channels:
      - {kind: web, value: "https://www.capemploi.info"}
"""


def _dispositif(did: str, when: str, checked: str, contact: str = "spst") -> str:
    return f"""\
  {did}:
    name: "Dispositif {did}"
    summary: "Ce que fait le dispositif {did}."
    for_whom: "Les salariés concernés."
    conditions: "Conditions du dispositif {did}."
    decides: "Le médecin du travail."
    next_step: "Orienter la personne."
    contacts: [{contact}]
    legal: ["C. trav., art. L4624-2-4"]
    sources: ["travail-emploi.gouv.fr"]
    checked: {checked}
    confidence: high
    when: {when}
"""


def catalogue(questions: list[str], options: tuple[str, ...]) -> str:
    """A catalogue whose conditions refer to the first four ``questions`` and three ``options``.

    Question 1 to 3 must each be reached from question 0 and ``options`` be theirs.
    """
    if len(set(questions[:4])) < 4 or len(options) < 3:
        raise ValueError("at least four questions and three options are needed")
    checked = dt.date.today().isoformat()
    q = questions[:4]
    a, b, c = options[0], options[1], options[2]
    whens = [
        "true",
        f"{{{q[0]}: {a}}}",
        f"{{{q[0]}: [{a}, {b}]}}",
        f"{{not: {{{q[0]}: {a}}}}}",
        f"{{any: [{{{q[1]}: {a}}}, {{{q[2]}: {b}}}]}}",
        f"{{all: [{{{q[1]}: {b}}}, {{not: {{{q[3]}: {a}}}}}]}}",
        f"{{{q[0]}: {a}, {q[1]}: [{a}, {b}]}}",
        f"{{any: [{{{q[3]}: {b}}}, {{all: [{{{q[0]}: {b}}}, {{{q[2]}: {a}}}]}}]}}",
        f"{{{q[2]}: {b}}}",
        f"{{{q[3]}: [{a}]}}",
        f"{{not: {{any: [{{{q[1]}: {a}}}, {{{q[2]}: {a}}}]}}}}",
        f"{{{q[0]}: {c}, {q[3]}: {b}}}",
    ]
    body = "".join(_dispositif(f"disp-{i:02d}", when, checked, "cap-emploi" if i % 3 else "spst")
                   for i, when in enumerate(whens))
    return "format_version: 1\ndispositifs:\n" + body


def _arbre(tree_id: str, root: str, questions: str, outcomes: str) -> str:
    return (f'format_version: 1\ntree:\n  id: {tree_id}\n  version: "1.0"\n'
            f'  title: "Arbre généré {tree_id}"\n  root: {root}\n'
            f"questions:\n{questions}outcomes:\n{outcomes}")


def _question(qid: str, targets: list[tuple[str, str]]) -> str:
    lines = [f"  {qid}:", f'    text: "Question {qid} ?"', f'    help: "Aide de la question {qid}."',
             "    options:"]
    for oid, target in targets:
        lines += [f"      - id: {oid}", f'        label: "Réponse {oid} à {qid}"', f"        next: {target}"]
    return "\n".join(lines) + "\n"


def _outcome(oid: str) -> str:
    return f'  {oid}:\n    title: "Issue {oid}"\n    text: "Ce que le médecin retient pour {oid}."\n'


def _write(directory: Path, arbre: str, catalogue_text: str) -> Path:
    (directory / "departements").mkdir(parents=True, exist_ok=True)
    (directory / "arbre.yaml").write_text(arbre, encoding="utf-8")
    (directory / "catalogue.yaml").write_text(catalogue_text, encoding="utf-8")
    (directory / "contacts.yaml").write_text(_CONTACTS, encoding="utf-8")
    return directory


def write_wide_tree(directory: Path, nodes: int) -> Path:
    """Write a valid tree of about ``nodes`` nodes (questions + outcomes, at least 13) into ``directory``."""
    count = max(1, (nodes - 1) // 3)  # questions; a heap of fan-out 3 has 3 * count + 1 nodes
    total = 3 * count + 1

    def name(i: int) -> str:
        return f"q{i}" if i < count else f"o{i}"

    questions = "".join(
        _question(name(i), [(opt, name(3 * i + k + 1)) for k, opt in enumerate(OPTIONS)])
        for i in range(count))
    outcomes = "".join(_outcome(name(i)) for i in range(count, total))
    cited = [name(i) for i in range(min(count, 4))]
    return _write(directory, _arbre(f"large-{nodes}", "q0", questions, outcomes), catalogue(cited, OPTIONS))


def write_chain_tree(directory: Path, length: int) -> Path:
    """Write a valid chain of ``length`` questions (at least 4): each goes on to the next or ends.

    Its paths are as long as the tree is deep, the case that made `validate` quadratic (issue #11).
    """
    qids = [f"c{i}" for i in range(length)]
    questions = "".join(
        _question(qid, [(OPTIONS[0], qids[i + 1] if i + 1 < length else "fin0"),
                        *((opt, f"fin{k}") for k, opt in enumerate(OPTIONS[1:], 1))])
        for i, qid in enumerate(qids))
    outcomes = "".join(_outcome(f"fin{k}") for k in range(len(OPTIONS)))
    return _write(directory, _arbre(f"chain-{length}", "c0", questions, outcomes), catalogue(qids, OPTIONS))


def write_layered_tree(directory: Path, layers: int, width: int = 10) -> Path:
    """Write a valid tree with ``width ** layers`` paths (at least 4 layers, width 3) into ``directory``."""
    options = tuple(f"r{k}" for k in range(width))
    qids = [f"l{i}" for i in range(layers)]
    questions = "".join(
        _question(qid, [(opt, qids[i + 1] if i + 1 < layers else f"fin{k}") for k, opt in enumerate(options)])
        for i, qid in enumerate(qids))
    outcomes = "".join(_outcome(f"fin{k}") for k in range(width))
    return _write(directory, _arbre(f"layers-{layers}x{width}", "l0", questions, outcomes),
                  catalogue(qids, options))


def write_scenarios(tree_dir: Path, count: int, directory: Path | None = None) -> Path:
    """Write ``count`` reference scenarios for the tree in ``tree_dir`` (its paths, in turn).

    Each one holds the answers of a path and what pdp-nav proposes for it, so that
    ``pdp-nav scenario check`` passes; returns the scenarios directory.
    """
    from itertools import cycle, islice

    from pdp_nav.core.engine import iter_paths, replay
    from pdp_nav.content.load import load_tree

    tree = load_tree(tree_dir)
    directory = directory or tree_dir / "scenarios"
    directory.mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(islice(cycle(iter_paths(tree)), count)):
        result = replay(tree, path.answers)[0].result()
        answers = "".join(f"  {q}: {o}\n" for q, o in path.answers.items())
        present = ", ".join(result.dispositif_ids)
        contacts = ", ".join(c.contact.id for c in result.contacts)
        (directory / f"cas-{n:05d}.yaml").write_text(
            f'format_version: 1\ntitle: "Cas généré {n}"\ntree_version: "{tree.version}"\n'
            f'case: "Cas {n} du banc d\'essai."\nanswers:\n{answers}'
            f"expect:\n  outcome: {result.outcome.id}\n  present: [{present}]\n  contacts: [{contacts}]\n",
            encoding="utf-8")
    return directory
