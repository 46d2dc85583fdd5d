"""The citation check: every article a catalogue cites, against the consolidated codes (issue #16).

An article that does not exist or is no longer in force is an error; one whose current version
started after the dispositif's ``checked`` date (the text changed since someone read it), one
that will be repealed, and a stored Légifrance id that is not the article's, are warnings.

A reference with ``until`` (the card says the article ends that day) must give the article's
end date, or it is an error; with it, no warning before the date and a warning, not an error,
after it: the calendar alone never fails the check of a card that already says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.files import FILES
from ..content.load import load_tree
from ..content.yamlio import read_yaml
from ..core.legal import CODES, from_data, label
from ..core.model import LegalRef
from ..errors import Problem, Severity
from .codes import Code


@dataclass
class Finding:
    problem: Problem
    dispositif: str
    reference: str


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    """Articles looked up in a code."""
    unchecked: int = 0
    """References the codes cannot check: texts, titles, codes the package does not hold."""
    codes: list[str] = field(default_factory=list)
    """The codes used, with the date of their consolidated version."""

    @property
    def errors(self) -> int:
        return sum(f.problem.is_error for f in self.findings)


def _fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _article_problems(ref: LegalRef, num: str, code: Code, checked: dt.date,
                      today: dt.date) -> Iterator[tuple[Severity, str, str]]:
    name = f"{CODES[ref.code][0]}, art. {num}"
    article = code.article(num)
    if article is None:
        yield Severity.ERROR, "missing", (
            f"{name} n'existe pas dans le {code.version} : corrigez le numéro "
            "(« pdp-nav lois montrer » affiche un article)")
        return
    if ref.until is not None and ref.until != article.end:
        yield Severity.ERROR, "wrong-until", (
            f"la fiche dit {name} abrogé à compter du {_fr(ref.until)} (« until ») mais le {code.version} "
            + (f"le donne abrogé à compter du {_fr(article.end)} : écrivez « until: {article.end.isoformat()} »"
               if article.end else "n'indique aucune date d'abrogation : retirez « until »"))
        return
    if article.repealed(today):
        when = f" depuis le {_fr(article.end)}" if article.end else ""
        if ref.until is not None:  # the repeal the card announces (until is the article's end date)
            yield Severity.WARNING, "repealed-announced", (
                f"{name} est abrogé{when} ; la fiche le signale : remplacez la citation dès que le texte qui "
                "le remplace est connu")
            return
        yield Severity.ERROR, "repealed", (
            f"{name} n'est plus en vigueur (abrogé{when}) : citez le texte qui le remplace")
        return
    if article.end is not None and ref.until is None:
        yield Severity.WARNING, "repeal-ahead", (
            f"{name} sera abrogé le {_fr(article.end)} : prévoyez le texte qui le remplace, ou signalez la date "
            f"sur la fiche (« until: {article.end.isoformat()} »)")
    if article.start > checked:
        yield Severity.WARNING, "changed", (
            f"{name} a changé le {_fr(article.start)}, après la vérification du {_fr(checked)} : relisez-le "
            f"(pdp-nav lois montrer {num} --code {ref.code}) puis mettez à jour « checked »")
    if num == ref.article and ref.legiarti and ref.legiarti not in article.ids:
        yield Severity.WARNING, "wrong-legiarti", (
            f"l'identifiant Légifrance {ref.legiarti} n'est pas celui de {name} ({article.id}) : "
            "corrigez-le ou relancez « pdp-nav lois convertir --codes »")


def check_citations(tree_dir: Path, codes: dict[str, Code], today: dt.date) -> CheckReport:
    """Check every article cited by the catalogue of ``tree_dir`` against ``codes``.

    Raises:
        InputError: the tree cannot be read, or is not valid (all its errors inside).
    """
    tree = load_tree(tree_dir)  # a valid tree (from the compiled cache once checked)
    doc = read_yaml(tree_dir / FILES["catalogue"])  # for the lines and columns
    report = CheckReport(codes=[c.version for c in codes.values()])
    for did, data in doc.data["dispositifs"].items():
        checked = tree.dispositifs[did].checked
        for i, item in enumerate(data["legal"]):
            where = doc.loc(("dispositifs", did, "legal", i))
            for ref in from_data(item):
                code = codes.get(ref.code)
                if code is None:
                    report.unchecked += 1
                    continue
                for num in dict.fromkeys(n for n in (ref.article, ref.to) if n):
                    report.checked += 1
                    for severity, rule, message in _article_problems(ref, num, code, checked, today):
                        problem = Problem(where, f"dispositif « {did} » : {message}", severity, rule)
                        report.findings.append(Finding(problem, did, label(ref)))
    return report


def report_text(report: CheckReport) -> str:
    """The findings, then a French summary line."""
    lines = [str(f.problem) for f in report.findings]
    codes = ", ".join(report.codes)
    warnings = len(report.findings) - report.errors
    lines.append(f"{report.checked} article(s) vérifié(s) dans {codes} : {report.errors} erreur(s), "
                 f"{warnings} avertissement(s) ; {report.unchecked} référence(s) hors de ces codes non "
                 "vérifiée(s) (décrets, lois, autres codes).")
    return "\n".join(lines) + "\n"


def report_data(report: CheckReport) -> dict[str, Any]:
    """The report in the ``pdp-nav-citations`` JSON layout (``docs/schema/citations.schema.json``)."""
    return {
        "format_version": 1, "kind": "pdp-nav-citations",
        "codes": report.codes,
        "checked": report.checked, "unchecked": report.unchecked, "errors": report.errors,
        "warnings": len(report.findings) - report.errors,
        "findings": [{"file": f.problem.location.file, "line": f.problem.location.line,
                      "column": f.problem.location.column, "dispositif": f.dispositif,
                      "reference": f.reference, "severity": f.problem.severity.value,
                      "rule": f.problem.rule, "message": f.problem.message} for f in report.findings],
    }
