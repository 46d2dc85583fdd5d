"""No « À COMPLÉTER » ever reaches a doctor, whatever the path and the département (issue #14)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from pdp_nav.cli import main
from pdp_nav.core.engine import fit_mask, replay, walk
from pdp_nav.export.html import build_html
from pdp_nav.content.load import load_tree
from pdp_nav.views.summary import result_dict, result_markdown, result_text, summary_text
from pdp_nav.views.printable import result_html

from .helpers import shipped_tree_or_skip

NOW = dt.datetime(2026, 11, 23, 10, 0)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped tree, plus a 75 overlay just made by `departement creer`: every field unfilled."""
    target = tmp_path_factory.mktemp("placeholders") / "trees"
    shutil.copytree(shipped_tree_or_skip(), target, ignore=shutil.ignore_patterns("scenarios"))
    assert main(["departement", "creer", "75", "--arbre", str(target)]) == 0
    assert "À COMPLÉTER" in (target / "departements" / "75.yaml").read_text(encoding="utf-8")
    return target


def outputs(result) -> str:  # noqa: ANN001 - an engine Result
    """Every rendering of one result a doctor can see: terminal, accessible/.txt, .md, .html, .json.

    The terminal draws the plan and every card (``--detail``), as the accessible mode and
    ``run --detail`` write them; the .txt summary is the one saved for a medical file.
    """
    from pdp_nav.ui.render import console, print_result

    screen = console()
    screen.file = io.StringIO()
    print_result(result, screen, detail=True)
    return "\n".join((screen.file.getvalue(), result_text(result, detail=True), summary_text(result, generated=NOW),
                      result_markdown(result, generated=NOW), result_html(result, generated=NOW),
                      json.dumps(result_dict(result, generated=NOW), ensure_ascii=False)))


def covering_answers(tree) -> list[dict[str, str]]:  # noqa: ANN001 - a Tree
    """Answers of a few paths that, together, reach every outcome and show every dispositif with
    each of its contacts (conditional ones included), ignoring which département is set.

    Which dispositifs fit is read from the one eligibility rule (``engine.fit_mask``, territory
    aside, memoised on the answers each condition cites); contacts are looked at on a path only
    for the dispositifs that fit there and still have a pair (dispositif, contact) not shown.
    The walk stops once every pair that the catalogue lists has been shown, else it goes
    through every path; then the fewest of the paths found that still show every pair are kept.
    """
    dispositifs = list(tree.dispositifs.values())
    pairs = [{(d.id, cid) for cid in ("", *tree.contacts_of(d))} for d in dispositifs]
    wanted: dict[tuple[str, ...], dict[str, str]] = {}
    done = 0  # the dispositifs whose every pair is in wanted, as bits
    possible = len(tree.outcomes) + sum(map(len, pairs))
    for _, answers, outcome in walk(tree):
        if ("outcome", outcome.id) not in wanted:
            wanted[("outcome", outcome.id)] = dict(answers)
        mask = fit_mask(tree, answers) & ~done
        for i, d in enumerate(dispositifs):
            if mask >> i & 1:
                for cid in ("", *tree.contacts_of(d, answers)):
                    if (d.id, cid) not in wanted:
                        wanted[(d.id, cid)] = dict(answers)
                if pairs[i] <= wanted.keys():
                    done |= 1 << i
        if len(wanted) == possible:
            break
    # fewest of these paths that still show every pair (greedy): each is rendered in every format
    covers = {}
    for key, answers in wanted.items():
        covers.setdefault(tuple(answers.items()), set()).add(key)
    for answers in map(dict, covers):
        outcome = replay(tree, answers)[0].outcome
        mask = fit_mask(tree, answers)
        covers[tuple(answers.items())] |= {("outcome", outcome.id)} | {
            (d.id, cid) for i, d in enumerate(dispositifs) if mask >> i & 1
            for cid in ("", *tree.contacts_of(d, answers))}
    chosen, left = [], set(wanted)
    while left:
        best = max(covers, key=lambda a: len(covers[a] & left))
        chosen.append(dict(best))
        left -= covers.pop(best)
    return chosen


@pytest.mark.slow
def test_no_placeholder_on_any_path(trees: Path) -> None:
    """Every path, with no département, every shipped overlay and an overlay left entirely unfilled.

    Why this covers every output of the 28,704 paths × 6 départements without rendering each:
    every output builds its contact rows from ``tree.contacts`` (the overlay already applied)
    and its cards from the catalogue. So (1) every field of every contact of each loaded tree is
    checked: any contact any path shows is one of them; (2) a set of paths that together reach
    every outcome and show every dispositif with each of its contacts (conditional ones
    included; an overlay adds its local contacts to a dispositif whatever the answers) is
    rendered in every format — terminal, accessible text, Markdown, HTML summary, JSON — so each
    renderer meets every card and contact it can show; (3) the HTML export holds the whole tree.
    """
    national = load_tree(trees)
    sample = covering_answers(national)
    for departement in (None, "22", "29", "35", "56", "75"):
        tree = load_tree(trees, departement)
        for contact in tree.contacts.values():
            fields = [contact.name, contact.description] + [f"{c.value} {c.note}" for c in contact.channels]
            assert not [f for f in fields if "COMPLÉTER" in f.upper()], contact
        shown = set()
        for answers in sample:
            result = replay(tree, answers)[0].result()
            shown |= {(p.dispositif.id, u.contact.id) for u in result.contacts for p in result.proposals
                      if p.dispositif.id in u.dispositifs}
            assert "COMPLÉTER" not in outputs(result).upper(), (departement, answers)
        assert "COMPLÉTER" not in build_html(tree).upper(), departement
        local = {(did, cid) for did, cids in tree.local_contacts.items() for cid in cids
                 if tree.dispositifs[did].departements in ((), (departement,)) or departement in
                 tree.dispositifs[did].departements}
        assert local <= shown, departement


@pytest.mark.slow
def test_unfilled_overlay_keeps_the_national_channels(trees: Path) -> None:
    """An unfilled local contact shows the national channel and directory instead, tagged with its département."""
    national, local = load_tree(trees).contacts["cpam"], load_tree(trees, "75").contacts["cpam"]
    assert dataclasses.replace(local, departement="") == national and local.departement == "75"
