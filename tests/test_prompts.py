"""The French prompts: keys of the arrow-key menus (fed through a prompt_toolkit pipe) and the accessible mode."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from pdp_nav.ui import prompts
from pdp_nav.errors import Interrupted
from pdp_nav.ui.prompts import Item

DOWN, LEFT, ENTER, CTRL_C, CTRL_D = "\x1b[B", "\x1b[D", "\r", "\x03", "\x04"
ITEMS = [Item("arret", "Pendant l'arrêt"), Item("reprise", "À la reprise"), Item("poste", "En poste"),
         Item("back", "← Retour", numbered=False), Item("quit", "Quitter", numbered=False)]


@pytest.fixture
def keys() -> Iterator:
    """Send keys to the menus through a pipe, output discarded (as questionary's own tests do)."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe.send_text


class TextTTY(io.StringIO):
    """Lines typed at a terminal, for the accessible mode (input() reads them)."""

    def isatty(self) -> bool:
        return True


def typed(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    monkeypatch.setattr("sys.stdin", TextTTY("".join(line + "\n" for line in lines)))


class TestMatching:
    def test_accents_case_and_arrows_are_ignored(self) -> None:
        """Typing « a la » finds « À la reprise », « ret » finds « ← Retour »."""
        titles = [item.title for item in ITEMS]
        assert prompts.match_typed("a la", titles) == 1
        assert prompts.match_typed("RET", titles) == 3
        assert prompts.match_typed("x", titles) is None
        assert prompts.match_typed("  ", titles) is None

    def test_yes_no_detection(self) -> None:
        """Only a two-way Oui/Non choice gets the o/n keys."""
        assert prompts.is_yes_no(["Oui", "Non"])
        assert prompts.is_yes_no(["Oui, reconnue", "Non, pas encore"])
        assert not prompts.is_yes_no(["Oui", "Non", "Ne sait pas"])
        assert not prompts.is_yes_no(["Non", "Oui"])


    def test_long_choices_wrap_under_their_text(self) -> None:
        """A choice longer than the terminal continues under its text, after the number."""
        title = "2. Même poste avec aménagement (matériel, organisation, horaires, temps partiel, télétravail)"
        assert prompts.wrap(title, 80) == ("2. Même poste avec aménagement (matériel, organisation, horaires, temps\n"
                                           "      partiel, télétravail)")
        assert prompts.wrap("← Retour", 80) == "← Retour"


class TestMenuKeys:
    def test_arrows_and_enter(self, keys) -> None:
        """Down then Enter chooses the second answer."""
        keys(DOWN + ENTER)
        assert prompts.select("Où ?", ITEMS) == "reprise"

    def test_number_then_enter(self, keys) -> None:
        """Typing a number moves to that answer; two digits reach the tenth and later ones."""
        keys("3" + ENTER)
        assert prompts.select("Où ?", ITEMS) == "poste"
        many = [Item(n, f"Choix {n}") for n in range(1, 13)]
        keys("12" + ENTER)
        assert prompts.select("Lequel ?", many) == 12
        keys("19" + ENTER)  # no 19th: the 9 starts again
        assert prompts.select("Lequel ?", many) == 9

    def test_first_letters_then_enter(self, keys) -> None:
        """Typing the first letters moves to the first matching choice, navigation items included."""
        keys("en" + ENTER)
        assert prompts.select("Où ?", ITEMS) == "poste"
        keys("qu" + ENTER)
        assert prompts.select("Où ?", ITEMS) == "quit"

    def test_default_is_preselected(self, keys) -> None:
        """Enter alone keeps the default answer."""
        keys(ENTER)
        assert prompts.select("Où ?", ITEMS, default="reprise") == "reprise"

    def test_o_and_n_answer_yes_no_at_once(self, keys) -> None:
        """On a Oui/Non question, « o » and « n » answer without Enter."""
        yes_no = [Item("oui", "Oui"), Item("non", "Non")]
        keys("n")
        assert prompts.select("RQTH ?", yes_no) == "non"
        keys("o")
        assert prompts.select("RQTH ?", yes_no) == "oui"
        keys("N")
        assert prompts.confirm("Remplacer ?", default=True) is False

    def test_question_mark_shows_help_and_asks_again(self, keys) -> None:
        """« ? » calls the help, then the same question comes back where the cursor was."""
        shown = []
        keys(DOWN + "?" + ENTER)
        assert prompts.select("Où ?", ITEMS, on_help=lambda: shown.append("aide")) == "reprise"
        assert shown == ["aide"]

    def test_question_mark_without_help_is_ignored(self, keys) -> None:
        """Without help to show, « ? » does nothing."""
        keys("?" + ENTER)
        assert prompts.select("Où ?", ITEMS) == "arret"

    def test_left_arrow_goes_back_when_offered(self, keys) -> None:
        """The ← key returns the back value, only when going back is possible."""
        keys(LEFT)
        assert prompts.select("Où ?", ITEMS, back="back") == "back"
        keys(LEFT + ENTER)
        assert prompts.select("Où ?", ITEMS) == "arret"

    def test_the_menus_of_a_session_share_one_application(self, keys, monkeypatch) -> None:
        """prompt_toolkit's application (its default key bindings, ~10 ms to load) is made once per
        terminal session; each menu still brings its own keys (← only where going back is
        offered), and a menu after a Ctrl-C or a help reads keys again. Another session (another
        terminal) gets its own."""
        from prompt_toolkit.application import Application

        made = []
        init = Application.__init__
        monkeypatch.setattr(Application, "__init__", lambda app, *a, **k: (made.append(app), init(app, *a, **k))[1])
        keys(LEFT)
        assert prompts.select("Où ?", ITEMS, back="back") == "back"
        keys(CTRL_C)
        with pytest.raises(Interrupted):
            prompts.select("Où ?", ITEMS, back="back")
        keys(LEFT + DOWN + "?" + ENTER)
        assert prompts.select("Où ?", ITEMS, on_help=lambda: None) == "reprise"
        keys(LEFT + ENTER)
        assert prompts.select("Où ?", ITEMS) == "arret"
        assert len(made) == 1
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            pipe.send_text("3" + ENTER)
            assert prompts.select("Où ?", ITEMS) == "poste"
        assert len(made) == 2 and made[1] is not made[0]

    @pytest.mark.parametrize("key", [CTRL_C, CTRL_D])
    def test_ctrl_c_and_ctrl_d_interrupt(self, keys, key: str) -> None:
        """Ctrl-C and Ctrl-D raise Interrupted with the French message."""
        keys(key)
        with pytest.raises(Interrupted) as caught:
            prompts.select("Où ?", ITEMS)
        assert str(caught.value) == "Interrompu : aucune donnée n'a été enregistrée. À bientôt."

    def test_text_keeps_the_default(self, keys) -> None:
        """Enter alone accepts the pre-filled text; Ctrl-D interrupts."""
        keys(ENTER)
        assert prompts.text("Fichier", default="resume.md") == "resume.md"
        keys(CTRL_D)
        with pytest.raises(Interrupted):
            prompts.text("Fichier", default="resume.md")


class TestAccessible:
    def test_numbered_lines_and_number_typed(self, monkeypatch, capsys) -> None:
        """Every choice is numbered, navigation items included; a number chooses."""
        typed(monkeypatch, "4")
        assert prompts.select("Où ?", ITEMS, accessible=True) == "back"
        assert capsys.readouterr().out == (
            "Où ?\n  1. Pendant l'arrêt\n  2. À la reprise\n  3. En poste\n  4. ← Retour\n  5. Quitter\n"
            "Votre choix (numéro de 1 à 5) : ")

    def test_wrong_input_is_explained_and_asked_again(self, monkeypatch, capsys) -> None:
        """An unknown answer gets a French hint; the first letters of a choice also work."""
        typed(monkeypatch, "9", "zz", "à la")
        assert prompts.select("Où ?", ITEMS, accessible=True) == "reprise"
        out = capsys.readouterr().out
        assert "« 9 » ne correspond à aucun choix : tapez un numéro de 1 à 5.\n" in out
        assert "« zz » ne correspond à aucun choix : tapez un numéro de 1 à 5.\n" in out

    def test_help_and_default(self, monkeypatch, capsys) -> None:
        """« ? » shows the help, Enter alone keeps the default."""
        shown = []
        typed(monkeypatch, "?", "")
        assert prompts.select("Où ?", ITEMS, default="poste", on_help=lambda: shown.append(1),
                              accessible=True) == "poste"
        assert shown == [1]
        assert "Votre choix (numéro de 1 à 5, Entrée seule : 3, ? pour l'aide) : " in capsys.readouterr().out

    def test_end_of_input_interrupts(self, monkeypatch) -> None:
        """Ctrl-D (end of input) raises Interrupted."""
        typed(monkeypatch)
        with pytest.raises(Interrupted):
            prompts.select("Où ?", ITEMS, accessible=True)

    def test_confirm_and_text(self, monkeypatch) -> None:
        """« o » confirms, an empty line keeps the default text."""
        typed(monkeypatch, "o", "", " x.html ")
        assert prompts.confirm("Remplacer ?", accessible=True) is True
        assert prompts.text("Fichier", default="r.md", accessible=True) == "r.md"
        assert prompts.text("Fichier", default="r.md", accessible=True) == "x.html"
