"""Typography for people at 60 and 80 columns (issue #13, point 8): no word cut at the end of a
line, non-breaking spaces before « ? : ; ! » and inside « », in prompts, help screens, cards and errors."""

from __future__ import annotations

import io
import re
import sys

import pytest
from rich.console import Console

from pdp_nav import cli
from pdp_nav.ui import prompts
from pdp_nav.content.files import data_dir
from pdp_nav.content.load import load_tree
from pdp_nav.ui.navigator import Asker, Screen
from pdp_nav.views.plan import card
from pdp_nav.ui.render import dispositif_card, prose
from pdp_nav.views.typography import NBSP, block, fit, french, spans, wrap

SHIPPED = data_dir()
WIDTHS = (60, 80)
BADLY_SPACED = re.compile(r"(?:^|[ │])[?:;!»]|«(?: |$)")
"""A line starting with « ? : ; ! » or « », an ordinary space before them, or after « (what Rich
did with the YAML's texts)."""
BADLY_CUT = re.compile(r"^(?!\? aide\))[?:;!»]|«$")
"""Where the spaces are shown as ordinary ones (prompt_toolkit's), a line starting with « ? : ; ! »
or « », or ending with « (« ? aide », the name of a key, may start a line)."""


def words(text: str) -> list[str]:
    """The words of ``text`` as a reader sees them: non-breaking spaces count as spaces."""
    return text.replace(NBSP, " ").split()


def assert_typeset(lines: list[str], source: str, width: int, *, nbsp: bool = True) -> None:
    """``lines`` fit ``width``, hold the words of ``source`` in order, none cut, and space
    French punctuation with non-breaking spaces (``nbsp``: still in the text; else only the
    places where the lines were cut are checked)."""
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
    assert words("\n".join(lines)) == words(source), "\n".join(lines)
    bad = BADLY_SPACED if nbsp else BADLY_CUT
    assert not [line for line in lines if bad.search(line.strip())], "\n".join(lines)


def draw(renderable, width: int) -> list[str]:
    out = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    out.print(renderable)
    return out.file.getvalue().splitlines()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def tree():
    return load_tree(SHIPPED)


class TestWrapping:
    def test_the_checks_can_fail(self) -> None:
        """A word cut in two, or « : » starting a line, is caught by the checks used below."""
        with pytest.raises(AssertionError):
            assert_typeset(["La personne travaille-t-elle en", "core ?"], "La personne travaille-t-elle encore ?", 60)
        with pytest.raises(AssertionError):
            assert_typeset(["Où en est la personne", ": la phase"], "Où en est la personne : la phase", 60)
        with pytest.raises(AssertionError):
            assert_typeset(["« reprise »"], "« reprise »", 60)

    def test_spans_break_at_ordinary_spaces_only(self) -> None:
        """Lines break between words, never at a non-breaking space; a word too long stays whole."""
        text = french("Une question très longue : vraiment ?\n« ok »")
        cut = [text[a:b] for a, b in spans(text, 14)]
        assert cut == ["Une question", "très longue\u00a0:", "vraiment\u00a0?", "«\u00a0ok\u00a0»"]
        item = french("  - un point : deux")
        assert [item[a:b] for a, b in spans(item, 12)] == ["  - un", "point\u00a0: deux"]
        long = "anticonstitutionnellement x"
        assert [long[a:b] for a, b in spans(long, 10)] == ["anticonstitutionnellement", "x"]

    def test_a_phone_label_stays_with_its_number(self) -> None:
        """« Tél. » never ends a line and leaves « 3646 » to the next one (a contact line of the plan)."""
        line = "Assurance Maladie service social · Tél. 3646 · actions 2, 3"
        assert wrap(line, 39) == ["Assurance Maladie service social\u00a0·", "Tél.\u00a03646\u00a0· actions 2, 3"]
        assert french("Tél. 3646") == "Tél.\u00a03646" and french("Autel. x") == "Autel. x"

    def test_fit_cuts_at_a_word(self) -> None:
        assert fit("Aide — Quelle est l'origine de l'arrêt ?", 25) == "Aide — Quelle est…"
        assert fit("court", 25) == "court"

    def test_error_block_keeps_words_and_indents_continuations(self) -> None:
        message = ("trees/arbre.yaml:12:3: la question « phase » renvoie vers « xx » qui n'existe pas : "
                   "corrigez next ou ajoutez la question\n  visite-pre-reprise — Visite de pré-reprise")
        lines = block(message, 50).split("\n")
        assert_typeset(lines, french(message), 50)
        assert lines[1].startswith("  ") and lines[-1] == "  visite-pre-reprise — Visite de pré-reprise"


class TestPrompts:
    @pytest.mark.parametrize("width", WIDTHS)
    def test_every_question_line_of_the_tree(self, tree, width: int) -> None:
        """The question, its hint (with « ? aide ») and the answered line are cut between words."""
        for q in tree.questions.values():
            for end in (f"({prompts.HINT}\u00a0· ?\u00a0aide)", q.options[0].label):
                fragments = [("q", "?"), ("m", f" {french(q.text)} "), ("a", french(end))]
                shown = "".join(text for _, text in prompts.wrap_fragments(fragments, width))
                lines = shown.split("\n")
                assert lines[0].startswith("? ")  # the question mark of the prompt, then the question
                assert_typeset([lines[0][2:], *lines[1:]], f"{q.text} {end}", width - 1, nbsp=False)
                assert NBSP not in shown  # handed to prompt_toolkit as plain spaces, once cut

    @pytest.mark.parametrize("width", WIDTHS)
    def test_every_option_label_of_the_tree(self, tree, width: int) -> None:
        """Each choice, numbered, fits after the pointer and keeps its words whole."""
        for q in tree.questions.values():
            for n, o in enumerate(q.options, 1):
                title = french(f"{n}. {o.label}")
                lines = prompts.wrap(title, width).split("\n")
                assert len(" » " + lines[0]) <= width
                assert_typeset(lines, f"{n}. {o.label}", width - 3, nbsp=False)

    @pytest.mark.parametrize("width", WIDTHS)
    def test_every_help_screen_of_the_tree(self, tree, width: int) -> None:
        """The « ? » screen of each question: French spaces kept, no word cut, bullets hang."""
        for q in tree.questions.values():
            out = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
            Asker(tree, screen=Screen(out)).help(q)
            lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
            body = [line[2:-2] for line in lines[1:-1]]
            source = [q.help or "Pas d'aide pour cette question."]
            source += [f"• {o.label} : {o.help}" for o in q.options if o.help]
            assert_typeset(body, "\n".join(source), width - 4)
            title = lines[0].strip("╭─╮ ")
            assert len(lines[0]) == width and words(f"Aide — {q.text}")[:len(words(title))][:-1] == words(title)[:-1]


    def test_a_huge_answer_is_cut_at_a_word(self) -> None:
        """The answered line of a 4,000-character label stops at 200 characters, between words."""
        cut = prompts._cut("1. " + "mots " * 975)
        assert len(cut) <= prompts.MAX_ANSWER_CHARS and cut.endswith(" mots …")


class TestCards:
    @pytest.mark.parametrize("width", WIDTHS)
    def test_every_card_of_the_catalogue(self, tree, width: int) -> None:
        """Every card at 60 and 80 columns: lines fit, French spaces are kept (Rich would break at
        them), and every word on screen is a word of the card (none cut), long addresses apart."""
        for d in tree.dispositifs.values():
            c = card(tree, d, why=["« Phase » : « Pendant l'arrêt »"])
            lines = draw(dispositif_card(c, 12), width)
            assert all(len(line) == width for line in lines[1:-1]), "\n".join(lines)
            assert not [line for line in lines if BADLY_SPACED.search(line)], "\n".join(lines)
            source = " ".join([f"12. {c.name}", c.why_title, c.why, "Qui contacter", *c.contacts,
                               *(f"{f.label} {f.text}" for f in c.fields),
                               *(f"{name} <{url}>" for f in c.fields for name, url in f.links)])
            known = set(words(source)) | {"…"}
            column = width - 4 - max(len(label) for label in (*(f.label for f in c.fields), c.why_title)) - 1
            folded = [w for w in known if len(w) > column]  # an address longer than the column is folded
            shown = words(re.sub(r"[│╭╮╰╯─]", " ", "\n".join(lines)))
            cut = [w for w in shown if w not in known and not any(w in f for f in folded)
                   and not (w.endswith("…") and any(k.startswith(w[:-1]) for k in known))]
            assert not cut, (d.id, width, cut)

    def test_a_long_title_is_cut_at_a_word(self, tree) -> None:
        """At 60 columns a long name is cut at a word in the border, then shown whole inside."""
        d = max(tree.dispositifs.values(), key=lambda d: len(d.name))
        lines = draw(dispositif_card(card(tree, d), 3), 60)
        title = lines[0].strip("╭─╮ ")
        assert title.endswith("…") and f"3. {d.name}".startswith(title[:-1])
        assert " ".join(words(d.name)) in " ".join(words(" ".join(line.strip("│ ") for line in lines[1:4])))


class TestMessages:
    def test_screen_lines_keep_their_french_spaces(self) -> None:
        """A navigator line (a revision, an error while saving) is cut between words at 60 columns."""
        text = ("Réponse modifiée : « Quelle est l'origine de l'arrêt ? » : Maladie professionnelle reconnue "
                "par la caisse (au lieu de « Accident du travail ou maladie professionnelle déclaré »).")
        for width in WIDTHS:
            out = Console(file=io.StringIO(), width=width, color_system=None)
            Screen(out).line(text, "yellow")
            assert_typeset(out.file.getvalue().splitlines(), text, width)  # type: ignore[attr-defined]
            assert "«\u00a0Quelle" in out.file.getvalue() and "l'arrêt\u00a0?\u00a0»" in out.file.getvalue()  # type: ignore[attr-defined]

    def test_prose_hangs_under_a_bullet(self) -> None:
        lines = draw(prose("• Un texte assez long pour tenir sur deux lignes au moins", hang=2), 30)
        assert lines == ["• Un texte assez long pour", "  tenir sur deux lignes au", "  moins"]

    @pytest.mark.parametrize("width", WIDTHS)
    def test_an_error_on_a_terminal_is_typeset(self, capsys, monkeypatch, width: int) -> None:
        """On a terminal, the exit boundary's message is cut between words, with French spaces."""
        monkeypatch.setenv("COLUMNS", str(width))
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        query = "maintien dans l'emploi des travailleurs handicapés en milieu ordinaire"
        assert cli.main(["fiche", query]) == 2
        err = capsys.readouterr().err
        expected = (f"aucun dispositif ne s'appelle « {query} » : cherchez par mots-clés avec "
                    f"« pdp-nav cherche {query} »")
        assert_typeset(err.splitlines(), expected, width - 1)
        assert "appelle «\u00a0maintien" in err and "ordinaire\u00a0»\u00a0:" in err

    def test_an_error_off_a_terminal_is_left_for_scripts(self, capsys) -> None:
        """In a pipe or a log, the message is one line with ordinary spaces, as before."""
        assert cli.main(["fiche", "zzz"]) == 2
        assert capsys.readouterr().err == ("aucun dispositif ne s'appelle « zzz » : cherchez par mots-clés "
                                           "avec « pdp-nav cherche zzz »\n")

    def test_plan_lines_wrap_the_other_dispositifs(self) -> None:
        """An entry of « Autres dispositifs possibles » too long for a line wraps, never overflows;
        a short one stays whole on its line."""
        from pdp_nav.core.model import Confidence
        from pdp_nav.views.plan import Action, Plan, plan_lines

        names = ["Temps partiel thérapeutique", "Accompagnement très long d'un organisme au nom interminable ici",
                 "RQTH"]
        others = tuple(Action(n, f"d{n}", name, "ensuite", 5, "", "", Confidence.HIGH, False)
                       for n, name in enumerate(names, 8))
        lines = plan_lines(Plan("Titre", "Message.", (), others, ()), 60)
        assert_typeset(lines, "Titre Message. Aucun dispositif ne correspond à cette situation. "
                       "Autres dispositifs possibles (3) : 8. Temps partiel thérapeutique · 9. " + names[1]
                       + " · 10. RQTH", 60)
        assert any("8.\u00a0Temps\u00a0partiel\u00a0thérapeutique" in line for line in lines)

    def test_validate_problems_on_a_terminal(self, tmp_path, capsys, monkeypatch) -> None:
        """``validate`` on a terminal cuts each problem between words, under its position; in a
        pipe the ``file:line:column: message`` lines stay whole, for editors and scripts."""
        from .helpers import ARBRE, write_tree

        write_tree(tmp_path, arbre=ARBRE.replace("next: arret_court", "next: reprise_poste"))
        monkeypatch.chdir(tmp_path)
        assert cli.main(["validate", "tree"]) == 1
        piped = capsys.readouterr().out.splitlines()
        assert any(line.endswith("renvoie vers le nœud « reprise_poste » qui n'existe pas") for line in piped)
        monkeypatch.setenv("COLUMNS", "60")
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        assert cli.main(["validate", "tree"]) == 1
        shown = capsys.readouterr().out.splitlines()
        problem = next(line for line in piped if "reprise_poste" in line)
        start = next(n for n, line in enumerate(shown) if line.startswith(problem.split(" ", 1)[0]))
        block_lines = [shown[start], *(line for line in shown[start + 1:start + 4] if line.startswith("  "))]
        assert_typeset(block_lines, french(problem), 59)
