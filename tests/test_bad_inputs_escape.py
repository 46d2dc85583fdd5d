"""Text from data never drives what shows it (issue #11): validate refuses control and bidi
characters; terminals, Markdown, CSV and JUnit outputs show them harmlessly."""

from __future__ import annotations

import io
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from rich.console import Console

from pdp_nav.content.answers import resolve
from pdp_nav.export.diff import diff_trees
from pdp_nav.export.diff_text import diff_text
from pdp_nav.export.graph import mermaid
from pdp_nav.content.load import read_tree
from pdp_nav.ui.render import print_result
from pdp_nav.views.summary import result_markdown, result_text
from pdp_nav.content.texts import text_problems
from pdp_nav.system.textsafe import markdown, printable
from pdp_nav.content.yamlio import parse_yaml

from .helpers import ARBRE, CATALOGUE, CONTACTS, SCENARIO, line_of, write, write_scenario, write_tree
from .terminal import ENTER, MENU_HINT, Session, needs_pdp_nav
from .test_bad_inputs import cli

CONTROL = ("caractère de contrôle U+001B interdit dans le texte : supprimez-le "
           "(il pourrait piloter le terminal qui l'affiche)")
BIDI = ("caractère de contrôle bidirectionnel U+202E interdit dans le texte : supprimez-le "
        "(il inverse ou déplace le texte affiché)")
C1 = CONTROL.replace("U+001B", "U+009B")

# file, text replaced, hostile text (YAML escapes), message; the column is where the value starts
REFUSED = {
    "clear screen in a title": ("arbre", '"Mini-arbre PDP"', '"Mini\\e[2J\\e[3J"', CONTROL),
    "window title in a label": ("arbre", '"Oui"', '"Oui\\e]0;pwn\\a"', CONTROL),
    "bidi override in a label": ("arbre", '"Non"', '"Non \\u202Eexe.pdf"', BIDI),
    "C1 CSI in a name": ("catalogue", '"Visite à la demande"', '"Visite \\x9b2J"', C1),
    "hidden text in a summary": ("catalogue", '"Examen pendant', '"\\e[8mcaché\\e[0m Examen pendant', CONTROL),
    "OSC 8 link in a contact": ("contacts", "name: ", 'name: "\\e]8;;https://x.invalid\\e\\\\lien\\e]8;;\\e\\\\" #',
                                CONTROL),
}


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("case", list(REFUSED))
def test_validate_refuses_control_characters(case: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each hostile text is an error at file:line:column; run refuses the tree too, and no ESC is echoed."""
    role, old, new, message = REFUSED[case]
    texts = {"arbre": ARBRE, "catalogue": CATALOGUE, "contacts": CONTACTS}
    text = texts[role].replace(old, new, 1)
    write_tree(here, **{role: text})
    line = line_of(text, new)
    column = text.splitlines()[line - 1].index(new.removeprefix("name: ")) + 1
    expected = f"tree/{role}.yaml:{line}:{column}: {message}"
    code, out, err = cli(capsys, "validate", "tree")
    assert (code, out, err) == (1, f"{expected}\n1 erreur(s), 0 avertissement(s).\n", "")
    write(here / "a.yaml", "phase: reprise\nrqth: oui\n")
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree")
    assert (code, out, err) == (2, "", f"{expected}\n")


def test_keys_refuse_even_newlines() -> None:
    """A key (an id) may not hold a line feed; its position is the key's."""
    doc = parse_yaml('a: 1\n"b\\nc": 2\n', "f.yaml")
    assert [str(p) for p in text_problems(doc)] == [
        "f.yaml:2:1: " + CONTROL.replace("U+001B", "U+000A").replace("le texte", "la clé")]


def test_newlines_and_tabs_stay_allowed_in_texts(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A text may hold line feeds and tabs (a multi-line help): no finding."""
    write_tree(here, arbre=ARBRE.replace('"La phase du parcours', '"Ligne 1\\n\\tLigne 2. La phase du parcours'))
    assert cli(capsys, "validate", "tree") == (0, "Arbre valide : 3 questions, 3 issues, 4 dispositifs, "
                                                  "2 contacts, 0 surcouche(s) départementale(s).\n", "")


def test_validate_refuses_control_characters_in_a_scenario(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """trees/scenarios/ are checked by validate: a title with ESC is an error at its position."""
    tree = write_tree(here)
    write_scenario(tree, text=SCENARIO.replace('"Arrêt long avec RQTH"', '"Arrêt\\e[2J"'))
    code, out, err = cli(capsys, "validate", "tree")
    assert (code, out, err) == (1, f"tree/scenarios/arret.yaml:2:8: {CONTROL}\n1 erreur(s), 0 avertissement(s).\n"
                                   "", "")


def test_answers_unknown_key_is_shown_not_obeyed(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown key of an answers file (never validated) is quoted with its ESC shown as \\x1b."""
    write_tree(here)
    write(here / "a.yaml", 'phase: reprise\n"x\\e]0;pwn\\a\\u202E": oui\n')
    assert cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree") == (
        2, "", "a.yaml:2:1: la question « x\\x1b]0;pwn\\x07U+202E » n'existe pas dans l'arbre (version 1.0)\n")


def test_scenario_check_shows_a_hostile_title(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """scenario check on a file outside the tree: the title's ESC and CR are shown, the line stays one line."""
    tree = write_tree(here)
    path = write(here / "s.yaml", SCENARIO.replace('"Arrêt long avec RQTH"', '"Arrêt\\e[2J\\rFAUX"'))
    code, out, err = cli(capsys, "scenario", "check", str(path), "--arbre", str(tree))
    assert (code, out.splitlines()[0]) == (0, "✓ s.yaml — Arrêt\\x1b[2J\\x0dFAUX")


def test_junit_is_well_formed_with_control_characters(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--junit: characters XML 1.0 forbids are shown as \\x01, and the file parses."""
    tree = write_tree(here)
    write_scenario(tree, text=SCENARIO.replace('"Arrêt long avec RQTH"', '"Arrêt\\x01\\e[2J\\uFFFE"'))
    code, _, _ = cli(capsys, "scenario", "check", "--arbre", "tree", "--junit", "rapport.xml")
    assert code == 0
    case = ET.parse("rapport.xml").getroot().find("testsuite/testcase")
    assert case is not None and case.get("name") == "Arrêt\\x01\\x1b[2JU+FFFE"


@pytest.fixture
def hostile_result(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A result from a tree full of escape sequences (read without validation, as a forged cache could)."""
    tree_dir = write_tree(tmp_path, arbre=ARBRE.replace('"1.0"', '"1.0 <img src=x onerror=alert(1)>"')
                          .replace('"À la reprise"', '"Reprise\\n# Titre\\n\\e[2J\\u202E"'),
                          catalogue=CATALOGUE.replace('"Visite de reprise"', '"Visite \\e]0;pwn\\a"'))
    tree = read_tree(tree_dir).tree
    assert tree is not None
    return resolve(tree, {"phase": "reprise", "rqth": "non"}, parse_yaml("phase: reprise\nrqth: non\n"))\
        .result()


def test_rich_cards_show_escapes(hostile_result) -> None:  # type: ignore[no-untyped-def]
    """The Rich result screen, plan and cards (a real terminal console), holds no ESC from the data, and shows \\x1b."""
    buffer = io.StringIO()
    print_result(hostile_result, Console(file=buffer, force_terminal=True, no_color=True, width=200), detail=True)
    shown = buffer.getvalue()
    assert "\x1b[2J" not in shown and "\x1b]0" not in shown and "\u202e" not in shown
    assert "\\x1b[2JU+202E" in shown and "Visite \\x1b]0;pwn\\x07" in shown


def test_plain_text_shows_escapes(hostile_result) -> None:  # type: ignore[no-untyped-def]
    """run off a terminal and the accessible mode: the same escapes, as text."""
    text = result_text(hostile_result, detail=True)
    assert "\x1b" not in text and "\u202e" not in text
    assert "« Reprise\n# Titre\n\\x1b[2JU+202E »" in text and "Visite \\x1b]0;pwn\\x07" in text


def test_markdown_escapes_version_html_and_headings(hostile_result) -> None:  # type: ignore[no-untyped-def]
    """Markdown: the version's HTML is escaped, the label's newlines folded, no new heading."""
    md = result_markdown(hostile_result)
    assert "_Arbre « Mini-arbre PDP », version 1.0 \\<img src=x onerror=alert(1)\\>_" in md
    assert "- Où en est la personne ? **Reprise # Titre \\\\x1b\\[2JU+202E**" in md
    assert [line for line in md.splitlines() if line.startswith("# ")] == ["# Orientation PDP — Préparer le maintien"]


MARKDOWN = {
    "html": ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
    "link": ("[clic](javascript:x)", "\\[clic\\](javascript:x)"),
    "heading": ("# Titre", "\\# Titre"),
    "list": ("- point", "\\- point"),
    "ordered list": ("1. point", "1\\. point"),
    "quote": ("> cité", "\\> cité"),
    "lines": ("a\r\nb\rc\nd", "a b c d"),
    "entity": ("&lt;", "\\&lt;"),
    "version kept": ("1.0", "1.0"),
    "negative kept": ("-1 jour", "-1 jour"),
}


@pytest.mark.parametrize("case", list(MARKDOWN))
def test_markdown_escaping(case: str) -> None:
    """One escaping function for every Markdown output: each input and what it becomes."""
    text, expected = MARKDOWN[case]
    assert markdown(text) == expected


def test_printable_keeps_text_and_shows_controls() -> None:
    """Accents, newlines and tabs stay; C0, DEL, C1 and bidi are shown."""
    assert printable("Été\n\tà\x1b\x7f\x85\u2066") == "Été\n\tà\\x1b\\x7f\\x85U+2066"
    assert printable("a\nb", newlines=False) == "a\\x0ab"


CSV_CELLS = {"=": "=HYPERLINK(\"http://x\")", "+": "+33 1 02", "-": "-2+3", "@": "@SUM(A1)", "tab": "\t=1"}


@pytest.mark.parametrize("case", list(CSV_CELLS))
def test_csv_formulas_are_neutralised(case: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """catalogue -f csv and paths -f csv: a cell starting like a formula gets a leading « ' »."""
    value = CSV_CELLS[case]
    quoted = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    write_tree(here, arbre=ARBRE.replace('"Oui"', f'"{quoted}"'),
               catalogue=CATALOGUE.replace('"Visite de reprise"', f'"{quoted}"'))
    code, out, _ = cli(capsys, "catalogue", "--arbre", "tree", "-f", "csv")
    cell = '"\'' + value.replace('"', '""') + '"' if '"' in value else "'" + value
    assert code == 0 and f",visite-reprise,{cell}," in out
    code, out, _ = cli(capsys, "paths", "--arbre", "tree", "-f", "csv")
    assert code == 0 and f",rqth,La personne a-t-elle une RQTH ?,oui,{cell}" in out


def test_graph_directive_stays_text(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """graph: a %%{init}%% label or title is entity-coded text, which Mermaid does not apply."""
    write_tree(here, arbre=ARBRE.replace('"Mini-arbre PDP"', '"Mini %%{init: {}}%%"')
               .replace('"Oui"', '"%%{init: {\\"theme\\": \\"dark\\"}}%%"'))
    code, out, _ = cli(capsys, "graph", "--arbre", "tree")
    assert code == 0 and "%%{" not in out
    assert out.splitlines()[1] == "%% Arbre « Mini #37;#37;{init: {}}#37;#37; » (mini), version 1.0"
    assert '    Q3 -->|"#37;#37;{init: {#quot;theme#quot;: #quot;dark#quot;}}#37;#37;"| I3' in out
    code, out, _ = cli(capsys, "graph", "--arbre", "tree", "-f", "dot")
    assert code == 0 and out.splitlines()[1] == "// Arbre « Mini %%{init: {}}%% » (mini), version 1.0"


def test_graph_lone_cr_is_a_line_break(tmp_path: Path) -> None:
    """A lone CR (refused by validate, but a forged cache could hold it) splits the label, never the graph."""
    tree = read_tree(write_tree(tmp_path, arbre=ARBRE.replace('"Mini-arbre PDP"', '"Mini\\rflowchart LR"')
                                .replace('"Non"', '"Non\\rpas\\e[2J"'))).tree
    assert tree is not None
    out = mermaid(tree)
    assert out.splitlines()[1] == "%% Arbre « Mini flowchart LR » (mini), version 1.0"
    assert '    Q3 -->|"Non<br/>pas#92;x1b[2J"| I3' in out


def test_validate_refuses_a_20_kb_label(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A text over 4,000 characters is an error at its position (a 20 KB label froze navigate)."""
    text = ARBRE.replace('"Oui"', '"' + "mot " * 5000 + '"')
    write_tree(here, arbre=text)
    line = line_of(text, "mot mot")
    assert cli(capsys, "validate", "tree") == (1, (
        f"tree/arbre.yaml:{line}:16: texte trop long (20 000 caractères ; maximum 4 000) : raccourcissez-le, "
        "les détails ont leur place dans une fiche ou une source\n1 erreur(s), 0 avertissement(s).\n"), "")


@needs_pdp_nav
def test_pty_scenario_play_shows_a_hostile_title(tmp_path: Path) -> None:
    """In a real terminal, scenario play shows the title's escapes as text: no clear screen, no window title."""
    tree = write_tree(tmp_path)
    write(tmp_path / "s.yaml", SCENARIO.replace('"Arrêt long avec RQTH"', '"Arrêt\\e[2J\\e]0;pwn\\a\\u202E"')
          .replace("RQTH obtenue.", "RQTH\\e[8m obtenue."))
    s = Session(tmp_path, ["scenario", "play", "--no-pause", "s.yaml", "--arbre", str(tree)])
    assert s.end() == 0
    raw = s.log.getvalue()
    assert "\x1b[2J" not in raw and "\x1b]0;" not in raw and "\u202e" not in raw and "\x1b[8m" not in raw
    assert "Scénario : Arrêt\\x1b[2J\\x1b]0;pwn\\x07U+202E" in s.screen


@needs_pdp_nav
def test_pty_long_label_does_not_freeze_navigate(tmp_path: Path) -> None:
    """A 3,900-character label (validate allows 4,000): the choice and the answered line are cut at 200
    characters, and the result comes within the session's usual timeout (a 20 KB line took minutes)."""
    tree = write_tree(tmp_path, arbre=ARBRE.replace('"En poste, sans arrêt"', '"' + "mot " * 975 + '"'))
    s = Session(tmp_path, ["navigate", "--arbre", str(tree)], width=80)
    s.wait("Question 1")
    s.keys("1" + ENTER)
    s.wait("Et maintenant ?", hint=MENU_HINT)
    s.keys("6" + ENTER)
    assert s.end() == 0
    answered = "? Où en est la personne ? 1. " + "mot " * 49 + "… "
    assert answered in s.screen and "Prévenir pendant l'activité" in s.screen.split(answered, 1)[1]


def test_diff_text_shows_escapes(tmp_path: Path) -> None:
    """diff's text report shows a changed label's escapes as text (trees read without validation)."""
    old = read_tree(write_tree(tmp_path / "old")).tree
    new = read_tree(write_tree(tmp_path / "new", arbre=ARBRE.replace('"Oui"', '"Oui\\e[2J"'))).tree
    assert old is not None and new is not None
    text = diff_text(diff_trees(old, new), old, new)
    assert "\x1b" not in text and "Oui\\x1b[2J" in text
