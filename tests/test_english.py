"""No English from click or Typer reaches a user (issue #12, point 5): every command and command group,
with no arguments, with --help, with an unknown option and with a bad value, against the
installed (pinned) Typer. The English words are read from Typer's and its click's own message
strings, so that a new Typer release that words a message differently is caught too."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest
import typer

from pdp_nav.cli import main

SHARED = {"argument", "arguments", "option", "options", "type", "code", "variable", "information", "application",
          "action", "exception", "exceptions", "formats", "page", "original", "script", "issue", "message",
          "html", "text", "export", "true", "false", "dot"}
"""Words French shares with those messages, and values a user types (format names, true/false)."""
CODE = re.compile(r"--?[\w-]+|\S*[._/=~:]\w\S*")
"""Option names, file names, variables: what the user types, not what pdp-nav says."""


@functools.cache
def english_words() -> frozenset[str]:
    """The words of the messages in Typer's help and error code and in its vendored click."""
    root = Path(typer.__file__).parent
    files = [root / "rich_utils.py", root / "core.py",
             *(root / "_click" / n for n in ("exceptions.py", "core.py", "parser.py", "types.py", "formatting.py",
                                             "decorators.py"))]
    words: set[str] = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if isinstance(node, ast.Constant) and text.isalpha() and text.istitle():
                words.add(text.casefold())  # panel titles: "Commands", "Arguments"
            elif " " in text.strip() and "\n" not in text.strip() and len(text) < 120:
                words |= {w.casefold() for w in re.findall(r"\b[A-Za-z]{3,}\b", re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text))}
    assert {"usage", "missing", "such", "possible", "invalid", "try", "show", "commands"} <= words
    return frozenset(words - SHARED)


COMMANDS = {
    (): ["--no-cache=oui"],
    ("navigate",): ["--save", "resume.pdf"],
    ("validate",): ["--format", "pdf"],
    ("run",): ["-a", "a.yaml", "--format", "pdf"],
    ("paths",): ["--format", "pdf"],
    ("graph",): ["--format", "pdf"],
    ("catalogue",): ["--format", "pdf"],
    ("diff",): ["a", "b", "--format", "pdf"],
    ("scenario",): ["jouer"],
    ("scenario", "check"): ["--min-coverage", "abc"],
    ("scenario", "play"): ["cas.yaml", "--arbre"],
    ("scenario", "quiz"): ["cas.yaml", "--arbre"],
    ("scenario", "record"): ["cas.yaml", "--title"],
    ("export",): ["pdf"],
    ("export", "html"): ["--output"],
    ("fiche",): ["crpe", "-d", "999"],
    ("cherche",): ["emploi", "--arbre"],
    ("departement",): ["effacer"],
    ("departement", "creer"): ["999"],
    ("departement", "verifier"): ["56", "--arbre"],
    ("lois",): ["lire"],
    ("lois", "verifier"): ["--format", "pdf"],
    ("lois", "montrer"): ["--codes"],
    ("lois", "convertir"): ["--arbre"],
}
CASES = [(command, kind, extra) for command, bad in COMMANDS.items()
         for kind, extra in (("alone", []), ("--help", ["--help"]), ("unknown option", ["--formt", "csv"]),
                             ("bad value", bad))]


@pytest.mark.parametrize(("command", "kind", "extra"), CASES, ids=lambda v: " ".join(v) if isinstance(v, tuple | list) else v)
def test_no_english_word(command: tuple[str, ...], kind: str, extra: list[str], tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    if command in (("paths",), ("scenario", "check"), ("validate",)) and kind == "alone":
        pytest.skip("runs on the shipped tree: covered by their own tests")
    code = main([*command, *extra])
    out, err = capsys.readouterr()
    assert code == (0 if kind == "--help" or (kind == "alone" and command in (("graph",), ("catalogue",))) else 2), err
    shown = out + err if kind != "alone" or code != 0 else err
    found = {w for w in re.findall(r"\b[A-Za-z]{3,}\b", CODE.sub(" ", shown)) if w.casefold() in english_words()}
    assert not found, shown


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("command", [["diff"], ["scenario", "check"], ["navigate"], ["paths"]])
def test_help_paragraphs_reflow_at_any_width(command: list[str], width: int, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A docstring's line breaks do not show: each line of a paragraph but its last is nearly full."""
    monkeypatch.setenv("COLUMNS", str(width))
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    description = out.split("╭")[0].splitlines()[2:]  # after the usage line and its blank line
    for line, following in zip(description, description[1:]):
        if line.strip() and following.strip():
            next_word = following.split()[0]
            assert len(line.rstrip()) + 1 + len(next_word) > width - 2, (line, following)
    assert max(map(len, out.splitlines())) <= width


def test_every_command_is_checked_here() -> None:
    """A new command or sub-command joins COMMANDS (fiche, cherche and lois once showed click's English help)."""
    from typer.main import get_command

    from pdp_nav.cli import app

    root = get_command(app)
    paths = {()}
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        paths.add((name,))
        paths |= {(name, sub) for sub in getattr(command, "commands", {})}
    assert paths == set(COMMANDS)
