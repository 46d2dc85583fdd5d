"""Every format says the same thing: same actions, same order, same « à confirmer » points and cards."""

from __future__ import annotations

import functools
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pdp_nav.content.answers import read_answers, resolve
from pdp_nav.content.files import data_dir
from pdp_nav.content.load import load_tree
from pdp_nav.views.plan import result_plan
from pdp_nav.views.printable import result_html
from pdp_nav.views.summary import result_dict, result_markdown, result_text, summary_text
from pdp_nav.views.wording import confidence_note

from .chromium import CHROMIUM

SHIPPED = data_dir()
CASES = [("04-arret-maladie-8mois-cancer-general.yaml", None), ("08-arret-lombalgie-4mois-etm-22.yaml", "22"),
         ("27-exploitant-arret-adaptation-rqth.yaml", None), ("34-fonctionnaire-reprise-reclassement-ppr.yaml", None)]


@functools.cache
def shipped(departement: str | None):
    """The shipped tree with ``departement``'s overlay, loaded once per process (a Tree is immutable)."""
    return load_tree(SHIPPED, departement)


def result_of(scenario: str, departement: str | None):
    given, doc, base = read_answers(SHIPPED / "scenarios" / scenario)
    return resolve(shipped(departement), given, doc, base).result()


def flat(text: str) -> str:
    """Whitespace (non-breaking spaces included) collapsed, Markdown emphasis and escapes removed."""
    return " ".join(re.sub(r"\*\*|\\(?=[\\`*_\[\]<>|])", "", text).split())


def rich(result, detail: bool) -> str:
    from rich.console import Console

    from pdp_nav.ui.render import print_result

    out = Console(file=io.StringIO(), width=80, color_system=None, highlight=False)
    print_result(result, out, detail=detail)
    return re.sub("[│╭╮╰╯─]", " ", out.file.getvalue())  # the box drawing around cards


def in_order(text: str, fragments: list[str]) -> bool:
    at = -1
    for fragment in fragments:
        at = text.find(fragment, at + 1)
        if at < 0:
            return False
    return True


@pytest.mark.parametrize(("scenario", "departement"), CASES)
def test_every_format_shows_the_same_plan(scenario: str, departement: str | None) -> None:
    """Text, accessible lines, Rich, Markdown, HTML and JSON: the same numbered actions in the
    same order, the same uncertain ones, then the same cards with the same points to confirm."""
    result = result_of(scenario, departement)
    plan = result_plan(result)
    main = [a for g in plan.groups for a in g.actions]
    actions = [f"{a.number}. {a.short}" for a in plan.actions]
    uncertain = sum(a.to_confirm for a in main)
    page = result_html(result)
    plans = {
        "text": flat(result_text(result)), "txt": flat(summary_text(result)), "rich": flat(rich(result, False)),
        "markdown": flat(result_markdown(result)),
        "html": flat(html.unescape(re.sub(r"<[^>]+>", " ", page.split('<div class="cards">')[0]))),
    }
    for name, text in plans.items():
        assert in_order(text, [flat(plan.title), *actions]), name
        assert text.count("· à confirmer") == uncertain, name
    data = json.loads(json.dumps(result_dict(result)))["plan"]
    assert [f"{a['number']}. {a['short']}" for g in data["groups"] for a in g["actions"]] + [
        f"{a['number']}. {a['short']}" for a in data["others"]] == actions
    assert sum(a["to_confirm"] for g in data["groups"] for a in g["actions"]) == uncertain

    cards = [f"{n}. {result.tree.dispositifs[a.id].name}" for n, a in enumerate(plan.actions, 1)]
    notes = sum(bool(confidence_note(result.tree.dispositifs[a.id])) for a in plan.actions)
    details = {
        "rich": flat(rich(result, True)), "markdown": flat(result_markdown(result, detail=True)),
        "html": flat(html.unescape(re.sub(r"<[^>]+>", " ", page.split('<div class="cards">')[1]))),
        "text": re.sub(r"\bDispositif (\d+) : ", r"\1. ", flat(result_text(result, detail=True))),
    }
    for name, text in details.items():
        # a Rich card title longer than the border is cut: the full name opens the card
        assert in_order(text, [c.split(". ", 1)[1] for c in cards] if name == "rich" else cards), name
        assert len(re.findall(r"À confirmer(?: :)? (?:Fiabilité|Point à confirmer)", text)) == notes, name


PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(CHROMIUM is None or PDFTOTEXT is None,
                    reason="Chromium et pdftotext absents : apt-get install chromium poppler-utils")
@pytest.mark.parametrize(("scenario", "departement"), CASES[:2])
def test_printed_html_summary_has_the_plan_on_page_one(chromium, tmp_path: Path, scenario: str,
                                                       departement: str | None) -> None:
    """Printed to A4 by headless Chromium: the whole plan and its contacts on page 1, the cards after."""
    result = result_of(scenario, departement)
    page = tmp_path / "resume.html"
    page.write_text(result_html(result), encoding="utf-8")
    pdf = tmp_path / "resume.pdf"
    pdf.write_bytes(chromium.pdf(page))

    def text(first: int) -> str:
        done = subprocess.run([PDFTOTEXT, "-f", str(first), "-l", str(first), str(pdf), "-"],
                              capture_output=True, timeout=60, check=True)
        return flat(done.stdout.decode("utf-8"))

    plan = result_plan(result)
    one = text(1)
    assert in_order(one, [flat(plan.title), *(f"{a.number}. {a.short}" for a in plan.actions), "Qui contacter",
                          *(flat(c.name) for c in plan.contacts), "Situation"])
    assert "Fiches des dispositifs" not in one and text(2).startswith("Fiches des dispositifs")


@pytest.mark.slow
@pytest.mark.parametrize("departement", [None, "22", "29", "35", "56"])
def test_text_summary_fits_a_medical_file(departement: str | None) -> None:
    """Every reference case: the .txt summary has at most 60 lines of at most 100 characters, and
    the Markdown one the same parts in the same order."""
    from pdp_nav.views.summary import summary_lines

    for scenario in sorted((SHIPPED / "scenarios").glob("*.yaml")):
        result = result_of(scenario.name, departement)
        lines = summary_lines(result)
        assert len(lines) <= 60 and max(map(len, lines)) <= 100, (scenario.name, "\n".join(lines))
        markdown = result_markdown(result)
        parts = ["Qui contacter", "Situation"] if result_plan(result).contacts else ["Situation"]
        assert in_order(markdown, parts) and in_order("\n".join(lines), parts), scenario.name


@pytest.mark.parametrize(("scenario", "departement"), CASES)
def test_plan_typography_at_60_and_80_columns(scenario: str, departement: str | None) -> None:
    """At 60 and 80 columns no line is too wide and no word is cut (the same words in the same
    order), and « ? : ; ! » and the inside of « » are held by non-breaking spaces."""
    from pdp_nav.views.plan import plan_lines

    plan = result_plan(result_of(scenario, departement))
    narrow, wide = plan_lines(plan, 60), plan_lines(plan, 80)
    assert max(map(len, narrow)) <= 60 and max(map(len, wide)) <= 80
    assert flat("\n".join(narrow)) == flat("\n".join(wide))
    for line in narrow + wide:
        assert not re.search(r" [?:;!»]|« ", line), line
        assert not re.match(r"\s*[?:;!»·]", line), line
