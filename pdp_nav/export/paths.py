"""Every root-to-outcome path of a tree, streamed as JSON Lines, JSON, CSV or Markdown.

Paths come lazily from :func:`pdp_nav.core.engine.iter_leaves` and are written one at a time,
so memory does not depend on how many there are (a DAG whose sub-trees are shared can
have millions). The layouts are documented in ``docs/formats.md``.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from ..core.engine import Pair, cited_questions, iter_leaves, proposed, remaining_bounds
from ..core.model import Option, Outcome, Question, Tree
from ..errors import UsageError
from ..system.textsafe import csv_row
from ..system.textsafe import markdown as _md
from ..views.summary import tree_dict
from . import EXCEL_BOM, EXCEL_DELIMITER, FORMAT_VERSION

FORMATS = ("jsonl", "json", "csv", "csv-excel", "markdown")
KIND = "pdp-nav-paths"
CSV_FIXED = ("format_version", "index", "answers", "outcome", "outcome_title", "dispositifs", "contacts")
CSV_STEP = ("question", "text", "answer", "label")


@dataclass(frozen=True, slots=True)
class Selection:
    """Which paths to export."""

    start: str
    """The node the paths start at (the root unless ``--from``)."""
    phase: str | None = None
    """Keep only the paths whose first answer is this option of the first question."""
    dispositifs: tuple[str, ...] = ()
    """Keep only the paths that propose every one of these dispositifs."""

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.start, "phase": self.phase, "dispositifs": list(self.dispositifs)}


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def select(tree: Tree, *, start: str | None = None, phase: str | None = None,
           dispositifs: tuple[str, ...] | list[str] = ()) -> Selection:
    """Check the filters against ``tree`` and return the selection.

    Raises:
        UsageError: an unknown node, option or dispositif (French message with the valid ids).
    """
    start = start or tree.root
    if tree.node(start) is None:
        nodes = [*tree.questions, *tree.outcomes]
        raise UsageError(
            f"--from « {start} » : ce nœud n'existe pas dans l'arbre{_hint(start, nodes)} ; "
            f"questions : {', '.join(tree.questions)}")
    if phase is not None:
        question = tree.questions.get(start)
        if question is None:
            raise UsageError(f"--phase : « {start} » est une issue, il n'y a pas de réponse à filtrer")
        if question.option(phase) is None:
            valid = [o.id for o in question.options]
            raise UsageError(
                f"--phase « {phase} » : la question « {start} » n'a pas cette option{_hint(phase, valid)} ; "
                f"options : {', '.join(valid)}")
    for did in dispositifs:
        if did not in tree.dispositifs:
            known = list(tree.dispositifs)
            raise UsageError(
                f"--dispositif « {did} » : dispositif inconnu{_hint(did, known)} ; "
                f"dispositifs du catalogue : {', '.join(known)}")
    return Selection(start, phase, tuple(dict.fromkeys(dispositifs)))


Leaf = tuple[tuple[Pair, ...], Pair | None, Outcome, tuple[str, ...], tuple[str, ...]]
"""A selected path: the steps before the last one, the last one, the outcome, the ids proposed
and the ids of their contacts."""


def iter_selected(tree: Tree, sel: Selection) -> Iterator[Leaf]:
    """The selected paths, lazily (see :func:`pdp_nav.core.engine.iter_leaves` for the shared prefixes)."""
    if sel.phase is None:
        leaves = iter_leaves(tree, sel.start)
    else:  # only walk below the chosen answer
        question = tree.questions[sel.start]
        option = question.option(sel.phase)
        assert option is not None  # checked by select()
        leaves = iter_leaves(tree, option.next, head=((question, option),))
    wanted = set(sel.dispositifs)
    cited = cited_questions(tree)
    last_prefix: tuple[Pair, ...] | None = None
    base: dict[str, str] = {}
    for prefix, step, outcome in leaves:
        if prefix is not last_prefix:
            base, last_prefix = {q.id: o.id for q, o in prefix}, prefix
        # the ids only depend on the cited questions: siblings that differ by an uncited one share them
        answers = {**base, step[0].id: step[1].id} if step is not None and step[0].id in cited else base
        ids, contacts = proposed(tree, answers, outcome)
        if not wanted or wanted.issubset(ids):
            yield prefix, step, outcome, ids, contacts


def records(tree: Tree, sel: Selection) -> Iterator[dict[str, Any]]:
    """One dict per selected path (the ``path`` object of the schemas), lazily.

    Siblings share their prefix (:func:`iter_selected`): its answers and steps are built once
    for all of them, and each step's dict once per option, shared by the records of the paths
    through it (read the records, do not change them in place).
    """
    made = {id(o): _step(q, o) for q in tree.questions.values() for o in q.options}
    step = made.__getitem__

    last_prefix: tuple[Pair, ...] | None = None
    head_answers: dict[str, str] = {}
    head_steps: list[dict[str, str]] = []
    for index, (prefix, last, outcome, ids, contacts) in enumerate(iter_selected(tree, sel), 1):
        if prefix is not last_prefix:
            head_answers, head_steps = {q.id: o.id for q, o in prefix}, [step(id(o)) for _, o in prefix]
            last_prefix = prefix
        if last is None:  # the path ends with its prefix
            answers, steps = dict(head_answers), list(head_steps)
        else:
            question, option = last
            answers, steps = {**head_answers, question.id: option.id}, [*head_steps, step(id(option))]
        yield {
            "index": index,
            "answers": answers,
            "steps": steps,
            "outcome": {"id": outcome.id, "title": outcome.title},
            "dispositifs": list(ids),
            "contacts": list(contacts),
        }


def json_records(tree: Tree, sel: Selection, lead: str = "") -> Iterator[str]:
    """The records of :func:`records`, compact JSON, built from cached fragments.

    Paths share their steps, so each step, outcome and list of ids is encoded once, and the
    encoded prefix of a path is reused by its siblings (they share the prefix tuple): several
    times faster than ``json.dumps`` on each record, with bounded caches. ``lead`` is written
    first in each object (e.g. ``"kind":"path",``).
    """
    steps = {id(o): (f"{_dumps(q.id)}:{_dumps(o.id)}", _dumps(_step(q, o)))
             for q in tree.questions.values() for o in q.options}
    outcomes = {oid: _dumps({"id": oid, "title": o.title}) for oid, o in tree.outcomes.items()}

    @functools.lru_cache(maxsize=1024)
    def lists(ids: tuple[str, ...], contacts: tuple[str, ...]) -> str:
        return f'"dispositifs":{_dumps(ids)},"contacts":{_dumps(contacts)}'

    last_prefix: tuple[Pair, ...] | None = None
    head_answers = head_steps = ""  # the encoded prefix, each step followed by a comma
    for index, (prefix, last, outcome, ids, contacts) in enumerate(iter_selected(tree, sel), 1):
        if prefix is not last_prefix:
            parts = [steps[id(o)] for _, o in prefix]
            head_answers, head_steps = "".join(a + "," for a, _ in parts), "".join(s + "," for _, s in parts)
            last_prefix = prefix
        if last is None:  # the path ends with its prefix: its last comma dropped
            before_answer = before_step = ""
            answer, step = head_answers[:-1], head_steps[:-1]
        else:  # the prefix and the last step written straight into the line (no copy of the prefix)
            before_answer, before_step = head_answers, head_steps
            answer, step = steps[id(last[1])]
        yield (f'{{{lead}"index":{index},"answers":{{{before_answer}{answer}}},"steps":[{before_step}{step}],'
               f'"outcome":{outcomes[outcome.id]},{lists(ids, contacts)}}}')


def _step(question: Question, option: Option) -> dict[str, str]:
    """A step of a path record (the ``step`` object of the schemas; its keys are ``CSV_STEP``)."""
    return {"question": question.id, "text": question.text, "answer": option.id, "label": option.label}


def header(tree: Tree, sel: Selection) -> dict[str, Any]:
    return {"format_version": FORMAT_VERSION, "kind": KIND, "tree": tree_dict(tree), "filters": sel.as_dict()}


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(tree: Tree, sel: Selection, out: IO[str]) -> int:
    """A header line, one line per path (``"kind": "path"``), then an end line with the count."""
    out.write(_dumps(header(tree, sel)) + "\n")
    count = 0
    for count, record in enumerate(json_records(tree, sel, '"kind":"path",'), 1):  # noqa: B007 - read after
        out.write(record + "\n")
    out.write(_dumps({"kind": "end", "count": count}) + "\n")
    return count


def write_json(tree: Tree, sel: Selection, out: IO[str]) -> int:
    """One JSON document, written path by path (it is never held whole in memory)."""
    head = json.dumps(header(tree, sel), ensure_ascii=False, indent=2)
    out.write(head[:-2] + ',\n  "paths": [')
    count = 0
    for count, record in enumerate(json_records(tree, sel), 1):
        out.write(("\n    " if count == 1 else ",\n    ") + record)
    out.write(("\n  " if count else "") + f'],\n  "count": {count}\n}}\n')
    return count


def csv_columns(tree: Tree, sel: Selection) -> list[str]:
    """The CSV header: fixed columns, then four per step up to the longest path."""
    depth = remaining_bounds(tree)[sel.start][1]
    steps = [f"step_{n}_{name}" for n in range(1, depth + 1) for name in CSV_STEP]
    return [*CSV_FIXED, *steps]


def write_csv(tree: Tree, sel: Selection, out: IO[str], delimiter: str = ",") -> int:
    """One row per path; lists of ids are joined with « ; », answers as « question=option ».

    A row is the text of its cells joined by the delimiter: csv.writer quotes each cell on its
    own. So the four cells of each step (an option of the tree) are made text once, and each row
    joins them. Written cell by cell, the 10^5 rows of the shipped tree (39 cells each) took 12 s,
    three times its JSON Lines; now half that.
    """
    columns = csv_columns(tree, sel)
    line = io.StringIO()
    # the file's own line end: csv.writer quotes a cell that holds one of its characters
    writer = csv.writer(line, lineterminator="\n", delimiter=delimiter)

    def cells(row: list[Any]) -> str:
        """``row`` as csv.writer writes it, without its line end."""
        line.seek(0)
        line.truncate()
        writer.writerow(row)
        return line.getvalue()[:-1]

    out.write(cells(columns) + "\n")
    steps = {(q.id, o.id): cells(csv_row([_step(q, o)[name] for name in CSV_STEP]))
             for q in tree.questions.values() for o in q.options}
    pad = len(columns) - len(CSV_FIXED)
    count = 0
    for count, r in enumerate(records(tree, sel), 1):  # noqa: B007 - the count is read after the loop
        parts = [cells(csv_row([FORMAT_VERSION, r["index"], ";".join(f"{q}={o}" for q, o in r["answers"].items()),
                                r["outcome"]["id"], r["outcome"]["title"], ";".join(r["dispositifs"]),
                                ";".join(r["contacts"])]))]  # formulas made text (csv_row)
        parts += [steps[step["question"], step["answer"]] for step in r["steps"]]
        out.write(delimiter.join(parts) + delimiter * (pad - len(CSV_STEP) * len(r["steps"])) + "\n")
    return count


def write_csv_excel(tree: Tree, sel: Selection, out: IO[str]) -> int:
    """The CSV for French Excel: a byte-order mark, then « ; » between cells."""
    out.write(EXCEL_BOM)
    return write_csv(tree, sel, out, EXCEL_DELIMITER)


def write_markdown(tree: Tree, sel: Selection, out: IO[str]) -> int:
    """A readable list of the paths, one section each."""
    filters = [f"depuis « {_md(sel.start)} »"]
    if sel.phase:
        filters.append(f"première réponse « {_md(sel.phase)} »")
    if sel.dispositifs:
        filters.append("proposant " + ", ".join(f"« {_md(d)} »" for d in sel.dispositifs))
    out.write(f"# Parcours de l'arbre « {_md(tree.title)} »\n\n"
              f"_Version {_md(tree.version)} — format_version {FORMAT_VERSION} — {' ; '.join(filters)}_\n")
    count = 0
    for count, r in enumerate(records(tree, sel), 1):  # noqa: B007 - the count is read after the loop
        lines = ["", f"## Parcours {count} — {_md(r['outcome']['title'])}", ""]
        lines += [f"{n}. {_md(s['text'])} → **{_md(s['label'])}** (`{s['question']}` = `{s['answer']}`)"
                  for n, s in enumerate(r["steps"], 1)]
        names = [f"{_md(tree.dispositifs[d].name)} (`{d}`)" for d in r["dispositifs"]]
        contacts = [f"{_md(tree.contacts[c].name)} (`{c}`)" for c in r["contacts"]]
        if not r["steps"]:
            lines.append("_(aucune question : le nœud de départ est une issue)_")
        lines += ["", f"- Issue : {_md(r['outcome']['title'])} (`{r['outcome']['id']}`)",
                  f"- Dispositifs : {', '.join(names) or 'aucun'}",
                  f"- Contacts : {', '.join(contacts) or 'aucun'}"]
        out.write("\n".join(lines) + "\n")
    out.write(f"\n_{count} parcours._\n")
    return count


WRITERS: dict[str, Callable[[Tree, Selection, IO[str]], int]] = {
    "jsonl": write_jsonl, "json": write_json, "csv": write_csv, "csv-excel": write_csv_excel,
    "markdown": write_markdown}
