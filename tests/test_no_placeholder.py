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
from pdp_nav.content import cache
from pdp_nav.core.engine import available_here, replay
from pdp_nav.export.html import build_html
from pdp_nav.content.load import load_tree
from pdp_nav.views.plan import result_cards
from pdp_nav.views.summary import result_dict, result_markdown, result_text, summary_text
from pdp_nav.views.printable import result_html

from .helpers import SHIPPED, path_classes, shipped_tree_or_skip

NOW = dt.datetime(2026, 11, 23, 10, 0)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory, shipped_cache: Path | None) -> tuple[Path, Path]:
    """The shipped tree, plus a 75 overlay just made by `departement creer`: every field unfilled.

    With the cache directory the tests of this module share (the copy with its new overlay is a
    new tree for the cache: its cold load checks it whole, lint walking its 10^5 paths, so it is
    done once). Before the overlay, the copy holds the shipped tree's files: its cache entry is
    the shipped tree's (:func:`conftest.shipped_cache`, the same files and code).
    """
    target = tmp_path_factory.mktemp("placeholders") / "trees"
    cache_home = tmp_path_factory.mktemp("placeholders-cache")
    shutil.copytree(shipped_tree_or_skip(), target, ignore=shutil.ignore_patterns("scenarios"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_CACHE_HOME", str(cache_home))
        entry, copy = cache.entry_path(SHIPPED), cache.entry_path(target)
        if shipped_cache is not None and entry is not None and copy is not None:
            entry = shipped_cache / entry.name  # the shipped tree's, for the copy: `departement creer` loads it warm
            copy.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copyfile(entry, copy)
            copy.chmod(0o600)
        assert main(["departement", "creer", "75", "--arbre", str(target)]) == 0
        load_tree(target)  # cached for the tests below
    assert "À COMPLÉTER" in (target / "departements" / "75.yaml").read_text(encoding="utf-8")
    return target, cache_home


@pytest.fixture
def placeholders(trees: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tree of :func:`trees`, read from the module's cache directory."""
    target, cache_home = trees
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    return target


def outputs(result, cards=None) -> str:  # noqa: ANN001 - an engine Result, (number, Card) pairs
    """Every rendering of one result a doctor can see: terminal, accessible/.txt, .md, .html, .json.

    The terminal draws the plan and every card (``--detail``), as the accessible mode and
    ``run --detail`` write them; the .txt summary is the one saved for a medical file. With
    ``cards``, the terminal draws the plan, then only these cards (each as ``print_result``
    draws it: a card is drawn from itself and its number alone).
    """
    from pdp_nav.ui.render import console, dispositif_card, print_result

    screen = console()
    screen.file = io.StringIO()
    print_result(result, screen, detail=cards is None)
    for n, card in cards or ():
        screen.print(dispositif_card(card, n))
    return "\n".join((screen.file.getvalue(), result_text(result, detail=True), summary_text(result, generated=NOW),
                      result_markdown(result, generated=NOW), result_html(result, generated=NOW),
                      json.dumps(result_dict(result, generated=NOW), ensure_ascii=False)))


class Shows:
    """What each dispositif shows on a path, for :func:`covering_answers` (see there)."""

    def __init__(self, tree, national=None) -> None:  # noqa: ANN001 - Trees
        self.tree, self.national = tree, national
        self.dispositifs = list(tree.dispositifs.values())
        self.index = {d.id: i for i, d in enumerate(self.dispositifs)}
        self.changed = {cid for cid, c in tree.contacts.items()
                        if national is not None and national.contacts.get(cid) != c}
        self.reads = [tuple(dict.fromkeys(a.node for _, c in d.contact_when for a in c.atoms()))
                      for d in self.dispositifs]
        self.known: dict[tuple, frozenset] = {}

    def __call__(self, i: int, answers: dict[str, str]) -> frozenset:
        """What dispositif ``i`` shows on ``answers``: it depends on the answers its contacts read."""
        key = (i, *map(answers.get, self.reads[i]))
        found = self.known.get(key)
        if found is None:
            tree, d = self.tree, self.dispositifs[i]
            if self.national is None:
                found = frozenset((d.id, cid) for cid in ("", *tree.contacts_of(d, answers)))
            elif not available_here(tree, d):
                found = frozenset()
            else:
                local = tree.local_contacts.get(d.id, ())
                found = frozenset((*((d.id, cid) for cid in ("", *tree.contacts_of(d, answers))
                                     if d.departements or cid in local),
                                   *(("contact", cid) for cid in tree.contacts_of(d, answers) if cid in self.changed)))
            self.known[key] = found
        return found


def covering_answers(tree, national=None) -> list[dict[str, str]]:  # noqa: ANN001 - Trees
    """Answers of a few paths that, together, reach every outcome and show every dispositif with
    each of its contacts (conditional ones included), ignoring which département is set.

    With ``national`` (the same tree without its overlay), only what ``tree``'s overlay changes:
    every contact it changes (with some dispositif), each local contact it adds to a dispositif
    (with that dispositif), each local dispositif available there with each of its contacts,
    and at least one path.

    Every path is in one class of ``helpers.path_classes``: its outcome, the dispositifs that fit
    (territory aside: ``engine.fit_mask``, the one eligibility rule) and the answers conditional
    contacts read are those of the class, so the classes show every (outcome) and (dispositif,
    contact) pair any path shows. Classes that differ only in what shows nothing (the outcome
    with ``national``, the answers plan cases alone read) are looked at once. Paths are chosen
    greedily for the most pairs not yet shown per card to draw (each is rendered in every
    format, and the cards are most of the cost).
    """
    shows = Shows(tree, national)
    reads = tuple(dict.fromkeys(node for nodes in shows.reads for node in nodes))
    bits = {}
    seen = set()
    found: dict[frozenset, tuple[dict[str, str], int]] = {}
    for (oid, fit, *_), (answers, _) in path_classes(tree).classes.items():
        what = (national is None and oid, fit, *map(answers.get, reads))
        if what in seen:
            continue
        seen.add(what)
        here = bits.get(fit)
        if here is None:
            here = bits[fit] = [i for i in range(len(shows.dispositifs)) if fit >> i & 1]
        keys = frozenset({("outcome", oid) if national is None else ("a path",)}).union(
            *(shows(i, answers) for i in here))
        if keys not in found or len(here) < found[keys][1]:
            found[keys] = (answers, len(here))
    chosen, left = [], set().union(*found)
    while left:
        best = max(found, key=lambda keys: len(keys & left) / (found[keys][1] + 3))  # 3: the plan and the rest
        chosen.append(found[best][0])
        left -= best
    return chosen


@pytest.mark.slow
def test_no_placeholder_on_any_path(placeholders: Path) -> None:
    """Every path, with no département, every shipped overlay and an overlay left entirely unfilled.

    Why this covers every output of the 103,950 paths × 6 départements without rendering each:
    every output builds its contact rows from ``tree.contacts`` (the overlay already applied)
    and its cards from the catalogue. So (1) every field of every contact of each loaded tree is
    checked: any contact any path shows is one of them; (2) without a département, a set of
    paths that together reach every outcome and show every dispositif with each of its contacts
    (conditional ones included) is rendered in every format — terminal, accessible text,
    Markdown, HTML summary, JSON — so each renderer meets every card and contact it can show;
    with a département, an overlay changes only contacts (their fields, and local contacts it
    adds to a dispositif whatever the answers) and which local dispositifs are available: a set
    of paths that shows every contact the overlay changes (a contact is drawn from its fields
    alone, whichever card lists it), each local contact with the dispositif it is added to, and
    every local dispositif available there with its contacts, is rendered in every format
    (:func:`covering_answers` with ``national``); the rest is drawn from the same data as
    without a département;
    (3) the HTML export holds the whole tree.

    The terminal, the slowest, draws every card of one path of each tree (the one with the
    fewest) and the plan of every path, but of the other cards only the fewest (chosen
    greedily) that show the rest of what the sample's cards show (:class:`Shows`: its
    (dispositif, contact) pairs, or with a département what its overlay changes): a card is
    drawn from its dispositif and its contacts, so the terminal still draws every pair; the
    other formats render every card of every path of the sample.
    """
    trees = placeholders
    national = load_tree(trees)
    for departement in (None, "22", "29", "35", "56", "75"):
        tree = load_tree(trees, departement)
        sample = covering_answers(tree, None if departement is None else national)
        for contact in tree.contacts.values():
            fields = [contact.name, contact.description] + [f"{c.value} {c.note}" for c in contact.channels]
            assert not [f for f in fields if "COMPLÉTER" in f.upper()], contact
        shown, shows, drawn = set(), Shows(tree, None if departement is None else national), set()
        results = [replay(tree, answers)[0].result() for answers in sample]
        cards = [[(card, shows(shows.index[card.id], r.answers)) for card in result_cards(r)] for r in results]
        whole = min(range(len(results)), key=lambda n: len(cards[n]))  # drawn with every card
        left = set().union(*(keys for each in cards for _, keys in each)).difference(*(k for _, k in cards[whole]))
        candidates = [(n, k, keys) for n, each in enumerate(cards) for k, (_, keys) in enumerate(each, 1)]
        while left:  # the fewest other cards (greedily) that show the rest
            n, k, keys = max(candidates, key=lambda c: len(c[2] & left))
            drawn.add((n, k))
            left -= keys
        for n, result in enumerate(results):
            shown |= {(p.dispositif.id, u.contact.id) for u in result.contacts for p in result.proposals
                      if p.dispositif.id in u.dispositifs}
            draw = None if n == whole else [(k, card) for k, (card, _) in enumerate(cards[n], 1) if (n, k) in drawn]
            assert "COMPLÉTER" not in outputs(result, draw).upper(), (departement, result.answers)
        assert "COMPLÉTER" not in build_html(tree).upper(), departement
        local = {(did, cid) for did, cids in tree.local_contacts.items() for cid in cids
                 if tree.dispositifs[did].departements in ((), (departement,)) or departement in
                 tree.dispositifs[did].departements}
        assert local <= shown, departement


@pytest.mark.slow
def test_unfilled_overlay_keeps_the_national_channels(placeholders: Path) -> None:
    """An unfilled local contact shows the national channel and directory instead, tagged with its département."""
    national, local = load_tree(placeholders).contacts["cpam"], load_tree(placeholders, "75").contacts["cpam"]
    assert dataclasses.replace(local, departement="") == national and local.departement == "75"
