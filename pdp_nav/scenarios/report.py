"""Layouts of a ``scenario check`` run (text, JSON, JUnit XML) and of a newly recorded scenario.

Pure functions returning strings or plain data; the commands print or write them.
The JSON layout is versioned by ``FORMAT_VERSION`` (bump it on any incompatible change).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..core.engine import Result
from ..core.model import Tree
from ..errors import Problem
from ..system.textsafe import printable, xml_text
from ..views.summary import tree_dict
from .cases import Check, Status
from .coverage import Coverage

FORMAT_VERSION = 1
INDENT = "    "
_MISSING_WORD = {"questions": "jamais posées", "options": "jamais choisies",
                 "outcomes": "jamais atteintes", "dispositifs": "jamais proposés"}


def percent(value: float) -> str:
    """``77,8 %``, ``100 %``: one decimal, French comma, no trailing ``,0``."""
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text} %"


def headline(check: Check) -> str:
    """The one line of a scenario: ✓/⚠/✗, file and title; ⚠ for a passed scenario still unfinished."""
    mark = ("⚠" if check.warnings else "✓") if check.status is Status.PASSED else "✗"
    line = f"{mark} {check.file}"
    if check.title:
        line += f" — {check.title}"
    if check.status is Status.INVALID:
        line += " : fichier invalide"
    elif check.warnings and check.status is Status.PASSED:
        line += " : à compléter"
    return line


def obtained(result: Result) -> str:
    """What came out, in one line: outcome and proposed dispositifs."""
    got = ", ".join(result.dispositif_ids) or "aucun"
    return f"obtenu : issue « {result.outcome.id} » ({result.outcome.title}) ; dispositifs proposés : {got}"


def version_line(check: Check) -> str:
    return (f"⚠ scénario {check.version_note} : l'arbre a changé depuis, mettez à jour le scénario "
            "(réponses, attentes, tree_version)") if check.version_note else ""


def details(check: Check) -> list[str]:
    """The lines under a failed, invalid or unfinished scenario (none for a passed, finished one)."""
    lines = [str(p) for p in (*check.problems, *check.warnings)]
    lines += [f"- {m.message}" for m in check.mismatches]
    if check.mismatches and check.result is not None:
        lines.append(obtained(check.result))
    if note := version_line(check):
        lines.append(note)
    return lines


def counts(checks: Sequence[Check]) -> dict[str, int]:
    return {s.value: sum(1 for c in checks if c.status is s) for s in Status}


def text_report(checks: Sequence[Check]) -> list[str]:
    """One line per scenario, the details of each failure, then the totals."""
    lines = []
    for check in checks:
        lines.append(headline(check))
        lines += [INDENT + d for d in details(check)]
    n = counts(checks)
    todo = sum(1 for c in checks if c.warnings)
    lines.append(f"{len(checks)} scénario(s) : {n['passed']} réussi(s), {n['failed']} en échec, "
                 f"{n['invalid']} invalide(s)" + (f", {todo} à compléter." if todo else "."))
    return [printable(line, newlines=False) for line in lines]  # titles are data (issue #11)


def coverage_lines(cov: Coverage, minimum: float | None) -> list[str]:
    """The coverage table, and the verdict when a minimum is set."""
    lines = [f"Couverture de l'arbre par {cov.scenarios} scénario(s) rejoué(s) :"]
    for c in cov.categories:
        share = percent(100.0 * c.covered / c.total) if c.total else percent(100.0)
        line = f"{INDENT}{c.label} : {c.covered}/{c.total} ({share})"
        if c.missing:
            line += f" ; {_MISSING_WORD[c.key]} : {', '.join(c.missing)}"
        lines.append(line)
    total = sum(c.total for c in cov.categories)
    covered = sum(c.covered for c in cov.categories)
    lines.append(f"{INDENT}ensemble : {covered}/{total} ({percent(cov.percent)})")
    if minimum is not None:
        lines.append(coverage_verdict(cov, minimum))
    return lines


def coverage_verdict(cov: Coverage, minimum: float) -> str:
    if below(cov, minimum):
        return (f"Couverture {percent(cov.percent)} inférieure au seuil de {percent(minimum)} : ajoutez des "
                "scénarios qui passent par les éléments jamais atteints ci-dessus.")
    return f"Couverture {percent(cov.percent)} : seuil de {percent(minimum)} atteint."


def below(cov: Coverage, minimum: float) -> bool:
    # compare at the displayed precision, so that « 80 % » never fails a threshold of 80
    return round(cov.percent, 1) < minimum


def _problem_dict(p: Problem) -> dict[str, Any]:
    return {"file": p.location.file, "line": p.location.line, "column": p.location.column,
            "severity": "error" if p.is_error else "warning", "rule": p.rule, "message": p.message}


def check_dict(check: Check) -> dict[str, Any]:
    s, r = check.scenario, check.result
    return {
        "file": check.file,
        "title": check.title or None,
        "status": check.status.value,
        "tree_version": {"scenario": (s.tree_version or None) if s else None, "tree": check.tree_version or None},
        "version_note": check.version_note or None,
        "outcome": r.outcome.id if r else None,
        "dispositifs": list(r.dispositif_ids) if r else None,
        "contacts": [u.contact.id for u in r.contacts] if r else None,
        "mismatches": [{"kind": m.kind, "expected": list(m.expected), "actual": list(m.actual),
                        "message": m.message} for m in check.mismatches],
        "problems": [_problem_dict(p) for p in check.problems],
        "warnings": [_problem_dict(p) for p in check.warnings],
    }


def coverage_dict(cov: Coverage, minimum: float | None) -> dict[str, Any]:
    return {
        "scenarios": cov.scenarios,
        "percent": round(cov.percent, 1),
        "minimum": minimum,
        "ok": None if minimum is None else not below(cov, minimum),
        "categories": {c.key: {"total": c.total, "covered": c.covered, "missing": list(c.missing)}
                       for c in cov.categories},
    }


def json_report(tree: Tree, checks: Sequence[Check], cov: Coverage | None, minimum: float | None) -> str:
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "kind": "pdp-nav-scenario-check",
        "tree": tree_dict(tree),
        "scenarios": [check_dict(c) for c in checks],
        "counts": counts(checks),
        "coverage": coverage_dict(cov, minimum) if cov is not None else None,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def junit_xml(tree: Tree, checks: Sequence[Check], cov: Coverage | None, minimum: float | None,
              strict: bool = False) -> str:
    """A JUnit XML report: one test case per scenario (and one for the coverage threshold).

    An unfinished scenario that passes keeps its warnings in ``system-out``; with ``strict``
    it is a failure.
    """
    from xml.etree import ElementTree as ET  # start-up: only --junit writes XML

    n = counts(checks)
    suite = ET.Element("testsuite", name="pdp-nav scenarios", tests=str(len(checks)),
                       failures=str(n["failed"]), errors=str(n["invalid"]), skipped="0")
    props = ET.SubElement(suite, "properties")
    for name, value in (("tree_id", tree.id), ("tree_version", tree.version), ("tree_digest", tree.digest)):
        ET.SubElement(props, "property", name=name, value=value)
    for check in checks:
        case = ET.SubElement(suite, "testcase", classname=check.file, name=check.title or check.file,
                             file=check.file)
        if check.status is Status.FAILED:
            node = ET.SubElement(case, "failure", type="scenario-mismatch",
                                 message="; ".join(m.message for m in check.mismatches))
            node.text = "\n".join(details(check))
        elif check.status is Status.INVALID:
            node = ET.SubElement(case, "error", type="invalid-scenario", message="fichier de scénario invalide")
            node.text = "\n".join(details(check))
        elif check.warnings and strict:
            node = ET.SubElement(case, "failure", type="unfinished-scenario", message="scénario à compléter")
            node.text = "\n".join(details(check))
            suite.set("failures", str(int(suite.get("failures", "0")) + 1))
        elif check.warnings:
            ET.SubElement(case, "system-out").text = "\n".join(details(check))
    if cov is not None and minimum is not None:
        case = ET.SubElement(suite, "testcase", classname="coverage", name="couverture des scénarios")
        suite.set("tests", str(len(checks) + 1))
        if below(cov, minimum):
            suite.set("failures", str(int(suite.get("failures", "0")) + 1))
            node = ET.SubElement(case, "failure", type="coverage", message=coverage_verdict(cov, minimum))
            node.text = "\n".join(coverage_lines(cov, minimum))
    root = ET.Element("testsuites", name="pdp-nav scenario check", tests=suite.get("tests", "0"),
                      failures=suite.get("failures", "0"), errors=suite.get("errors", "0"))
    root.append(suite)
    for node in root.iter():  # data may hold characters XML 1.0 forbids (issue #11)
        node.attrib.update((key, xml_text(value)) for key, value in node.attrib.items())
        node.text = node.text and xml_text(node.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- A new scenario file (``scenario record``) -----------------------------------------

CASE_PLACEHOLDER = ("À COMPLÉTER : décrivez la situation telle que vous la lirez au groupe "
                    "(sans donnée d'identité).")


def _plain_id(value: str) -> str:
    """An id as a YAML scalar: plain when YAML reads it back as this text, quoted otherwise (no, 1…)."""
    import yaml  # start-up: only scenario record writes YAML

    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
    return value if tag == "tag:yaml.org,2002:str" else json.dumps(value)


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def scenario_yaml(result: Result, title: str) -> str:
    """The scenario file of a recorded path: answers, outcome and proposed dispositifs.

    Labels are written as comments only (scenarios refer to ids, never to labels). The
    absent/contacts/first expectations are suggested in comments for the trainer to keep.
    """
    tree = result.tree
    lines = ["format_version: 1", f"title: {_text(title)}", f"tree_version: {_text(tree.version)}"]
    if tree.departement:
        lines.append(f"departement: {_text(tree.departement)}")
    lines += ["case: |", f"  {CASE_PLACEHOLDER}", "answers:"]
    lines += [f"  {_plain_id(s.question.id)}: {_plain_id(s.option.id)}  "
              f"# {_comment(s.question.text)} → {_comment(s.option.label)}" for s in result.steps]
    lines += ["expect:", f"  outcome: {_plain_id(result.outcome.id)}  # {_comment(result.outcome.title)}"]
    if result.proposals:
        lines.append("  present:")
        lines += [f"    - {_plain_id(p.dispositif.id)}  # {_comment(p.dispositif.name)}" for p in result.proposals]
    else:
        lines.append("  present: []  # aucun dispositif proposé sur ce parcours")
    ids = ", ".join(_plain_id(e.dispositif.id) for e in result.exclusions)
    contacts = ", ".join(_plain_id(u.contact.id) for u in result.contacts)
    first = ", ".join(_plain_id(d) for d in result.dispositif_ids[:2])
    lines.append("  # À décommenter et ajuster si le cas doit aussi les vérifier :")
    if ids:
        lines.append(f"  # absent: [{ids}]")
    if contacts:
        lines.append(f"  # contacts: [{contacts}]")
    if first:
        lines.append(f"  # first: [{first}]")
    return "\n".join(lines) + "\n"
