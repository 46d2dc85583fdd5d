"""The tree as a Mermaid flowchart or a Graphviz DOT graph, with French labels escaped.

Questions are boxes, outcomes are styled apart (stadium shape and green in Mermaid,
double green box in DOT). Each label is built as a list of lines and escaped once,
for the target language, at the end.
"""

from __future__ import annotations

import textwrap
from collections import Counter

from ..core.engine import iter_paths, proposed_ids
from ..core.model import Tree
from ..system.textsafe import printable
from . import FORMAT_VERSION

FORMATS = ("mermaid", "dot")
WRAP = 32
"""DOT does not wrap labels: lines longer than this are folded."""


def outcome_dispositifs(tree: Tree) -> dict[str, list[str]]:
    """For each outcome, the lines listing the dispositifs proposed on the paths that end there.

    A dispositif proposed on only some of those paths is marked « (selon le parcours) ».
    This walks every path once (lazily).
    """
    paths: Counter[str] = Counter()
    proposed: dict[str, Counter[str]] = {oid: Counter() for oid in tree.outcomes}
    for path in iter_paths(tree):
        paths[path.outcome.id] += 1
        proposed[path.outcome.id].update(proposed_ids(tree, path.answers, path.outcome))
    lines: dict[str, list[str]] = {}
    for oid, counts in proposed.items():
        ordered = [did for did in tree.dispositifs if did in counts]
        first = [did for did in tree.outcomes[oid].first if did in counts]
        ordered = first + [did for did in ordered if did not in first]
        lines[oid] = [f"• {tree.dispositifs[did].name}"
                      + ("" if counts[did] == paths[oid] else " (selon le parcours)") for did in ordered]
        if not ordered:
            lines[oid] = ["• aucun dispositif"]
    return lines


def _lines(text: str) -> list[str]:
    """Non-blank lines of ``text``: any line break (a lone CR too) splits, controls are shown as ``\\x1b``."""
    return [printable(line).strip() for line in text.splitlines() if line.strip()]


def _heading(tree: Tree) -> list[str]:
    """Comment lines (without the comment marker) naming the format and the tree."""
    title = " ".join(_lines(tree.title))
    return [f"pdp-nav graph — format_version {FORMAT_VERSION}",
            f"Arbre « {title} » ({tree.id}), version {' '.join(_lines(tree.version))}"]


def _labels(tree: Tree, with_dispositifs: bool) -> dict[str, list[str]]:
    labels = {qid: _lines(q.text) for qid, q in tree.questions.items()}
    extra = outcome_dispositifs(tree) if with_dispositifs else {}
    for oid, o in tree.outcomes.items():
        labels[oid] = _lines(o.title) + ([""] + extra[oid] if with_dispositifs else [])
    return labels


# --- Mermaid ---------------------------------------------------------------------------

_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;",
                     "|": "#124;", "`": "#96;", "\\": "#92;", "%": "#37;"}
"""``%`` too: Mermaid applies a ``%%{init: …}%%`` directive wherever it stands, even in a label."""


def mermaid_text(lines: list[str]) -> str:
    """A quoted Mermaid label: entity codes for characters Mermaid reads, ``<br/>`` between lines."""
    escaped = ["".join(_MERMAID_ENTITIES.get(ch, ch) for ch in line) for line in lines]
    return '"' + "<br/>".join(escaped) + '"'


def mermaid(tree: Tree, *, with_dispositifs: bool = False) -> str:
    """The tree as a Mermaid flowchart (top-down).

    Node ids are generated (``Q1``…, ``I1``…) so that no tree id can clash with a Mermaid
    keyword such as ``end`` or start an « o »/« x » edge; the tree ids stay in the comments.
    """
    ids = {qid: f"Q{n}" for n, qid in enumerate(tree.questions, 1)}
    ids |= {oid: f"I{n}" for n, oid in enumerate(tree.outcomes, 1)}
    labels = _labels(tree, with_dispositifs)
    out = [f"%% {line.replace('%', '#37;')}" for line in _heading(tree)] + ["flowchart TD"]
    for qid in tree.questions:
        out.append(f"    %% question {qid}")
        out.append(f"    {ids[qid]}[{mermaid_text(labels[qid])}]")
    for oid in tree.outcomes:
        out.append(f"    %% issue {oid}")
        out.append(f"    {ids[oid]}([{mermaid_text(labels[oid])}])")
    for qid, q in tree.questions.items():
        for o in q.options:
            out.append(f"    {ids[qid]} -->|{mermaid_text(_lines(o.label))}| {ids[o.next]}")
    out += ["    classDef question fill:#eef3fb,stroke:#2b5797,color:#111111",
            "    classDef outcome fill:#e6f4ea,stroke:#1e7b34,stroke-width:3px,color:#111111",
            f"    class {','.join(ids[q] for q in tree.questions)} question",
            f"    class {','.join(ids[o] for o in tree.outcomes)} outcome"]
    return "\n".join(out) + "\n"


# --- Graphviz DOT ----------------------------------------------------------------------

def dot_string(value: str) -> str:
    """A DOT quoted string; backslashes doubled so that ``\\N`` or ``\\G`` are never expanded."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_KEEP_TOGETHER = {"« ": "«\u00a0", " »": "\u00a0»", " ?": "\u00a0?", " !": "\u00a0!", " :": "\u00a0:", " ;": "\u00a0;"}
"""French spaces that must not become line breaks when a DOT label is folded."""


def dot_label(lines: list[str], width: int = WRAP) -> str:
    """A DOT label: each line folded at ``width``, lines joined with ``\\n`` (centred)."""
    for plain, tied in _KEEP_TOGETHER.items():
        lines = [line.replace(plain, tied) for line in lines]
    folded = [part for line in lines for part in (textwrap.wrap(line, width, break_on_hyphens=False) or [""])]
    return dot_string("\n".join(folded)).replace("\n", "\\n")


def dot(tree: Tree, *, with_dispositifs: bool = False) -> str:
    """The tree as a Graphviz digraph (render with ``dot -Tsvg``)."""
    labels = _labels(tree, with_dispositifs)
    title = f"{' '.join(_lines(tree.title))} — version {' '.join(_lines(tree.version))}"
    out = [f"// {line}" for line in _heading(tree)]
    out += [f"digraph {dot_string(tree.id)} {{",
            f'    graph [rankdir=TB, charset="UTF-8", fontname="Helvetica", labelloc=t, '
            f"label={dot_string(title)}];",
            '    node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", '
            'fillcolor="#eef3fb", color="#2b5797"];',
            '    edge [fontname="Helvetica", fontsize=10, color="#555555"];']
    for qid in tree.questions:
        out.append(f"    {dot_string(qid)} [label={dot_label(labels[qid])}, "
                   f"tooltip={dot_string('question ' + qid)}];")
    for oid in tree.outcomes:
        out.append(f"    {dot_string(oid)} [label={dot_label(labels[oid])}, "
                   f'tooltip={dot_string("issue " + oid)}, style="filled,bold", fillcolor="#e6f4ea", '
                   'color="#1e7b34", peripheries=2];')
    for qid, q in tree.questions.items():
        for o in q.options:
            out.append(f"    {dot_string(qid)} -> {dot_string(o.next)} "
                       f"[label={dot_label(_lines(o.label), 24)}];")
    out.append("}")
    return "\n".join(out) + "\n"


RENDERERS = {"mermaid": mermaid, "dot": dot}
