"""A hostile process environment never crashes pdp-nav (issue #11, points 4, 8, 9, 12): a locale that
cannot encode French, output files that are inputs, read-only or of another format, symbolic link
loops, closed or full standard streams, a reader that goes away, SIGTERM and SIGHUP, TERM=dumb.
Each case: the exact French message and the exit code, on the installed ``pdp-nav`` wherever the
process matters (locale, streams, signals, terminal); most output-file decisions run in process."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pexpect
import pytest

from pdp_nav.content.cache import write_entry
from pdp_nav.errors import Terminated
from pdp_nav.system import process
from pdp_nav.system.atomic import write_atomic
from pdp_nav.cli import main

from .helpers import big_dag_tree, write, write_tree
from .terminal import DOWN, ENTER, PDP_NAV, Child, Session, needs_pdp_nav, terminal_signals

pytestmark = needs_pdp_nav
ANSWERS = "phase: reprise\nrqth: oui\n"
NOTHING_LEFT = (" ; aucun fichier partiel n'a été laissé. Choisissez un autre chemin ou libérez de la place.\n")
STREAM_HINT = (". Redirigez-la vers un fichier ou un terminal utilisable (par exemple > resultat.txt), ou "
               "utilisez --output FICHIER quand la commande le propose.\n")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path)
    write(tmp_path / "a.yaml", ANSWERS)
    return tmp_path


def shell(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``command`` in sh, with the installed pdp-nav; output decoded as the locale asked encodes it."""
    return subprocess.run(["sh", "-c", command], cwd=cwd, capture_output=True, timeout=120,
                          env={**os.environ, "PDP_NAV_CACHE_DIR": str(cwd / ".cache"), **env,
                               "PATH": f"{Path(PDP_NAV or 'pdp-nav').parent}{os.pathsep}{os.environ.get('PATH', '')}"},
                          text=True, encoding=env.get("PYTHONIOENCODING", "utf-8"))


# -- locale ------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["run -a a.yaml --arbre tree", "graph --arbre tree",
                                     "catalogue --arbre tree -f markdown", "validate tree", "--help"])
def test_latin1_output_degrades_instead_of_crashing(here: Path, command: str) -> None:
    done = shell(f"pdp-nav {command}", here, PYTHONIOENCODING="latin-1")
    assert (done.returncode, done.stderr) == (0, "")
    assert "é" in done.stdout or "Arbre valide" in done.stdout  # Latin-1 letters stay what they are
    assert "\ufffd" not in done.stdout


def test_what_the_locale_cannot_encode_is_transliterated() -> None:
    """Typography Latin-1 lacks becomes its plain form; a letter loses its accent; the rest is ?."""
    text = "«Oui» → ’ … — ✓ č 中"
    assert text.encode("latin-1", errors=process.TRANSLITERATE) == '«Oui» -> \' ... - v c ?'.encode("latin-1")


def test_latin1_navigate_reaches_the_result(tmp_path: Path, tree_dir: Path) -> None:
    """The whole navigation under a Latin-1 locale: questions, result, « Quitter », exit 0."""
    env = {**os.environ, "TERM": "xterm", "PYTHONIOENCODING": "latin-1", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = Child(PDP_NAV, ["navigate", "--arbre", str(tree_dir)], env=env, cwd=str(tmp_path),
                          dimensions=(24, 100), timeout=15, preexec_fn=terminal_signals)  # bytes: the output is Latin-1
    for question, keys in (("Question 1", "2\r"), ("Question 2", "\x1b[B\r"), ("Question 3", "o")):
        child.expect_exact(question.encode())
        child.expect(rb"aide\)")
        child.send(keys)
    child.expect(rb"Et maintenant[ \xa0]\?")  # French spacing: non-breaking before « ? »
    child.expect(rb"valider\)")
    child.send("6\r")
    child.expect_exact("Navigation terminée.".encode("latin-1"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


# -- output files --------------------------------------------------------------------------------
OUTPUT_CASES = {  # the shell commands that set the case up, the command, its exit code and message
    "output is the answers file": (
        "", "run -a a.yaml --arbre tree -o a.yaml", 2,
        "--output a.yaml : ce fichier est une entrée de la commande (a.yaml) et serait écrasé ; "
        "choisissez un autre nom de fichier\n"),
    "output is a tree file": (
        "", "catalogue --arbre tree -o tree/catalogue.yaml", 2,
        "--output tree/catalogue.yaml : ce fichier est une entrée de la commande (tree) et serait écrasé ; "
        "choisissez un autre nom de fichier\n"),
    "output through a link to the answers": (
        "ln -s a.yaml link.yaml", "run -a a.yaml --arbre tree -o link.yaml", 2,
        "--output link.yaml : ce fichier est une entrée de la commande (a.yaml) et serait écrasé ; "
        "choisissez un autre nom de fichier\n"),
    "extension says markdown": (
        "", "run -a a.yaml --arbre tree -f text -o r.md", 2,
        "--output r.md : l'extension .md annonce le format markdown, mais --format text est demandé ; "
        "écrivez --format markdown, ou retirez --format, ou changez l'extension du fichier\n"),
    "read-only file": (
        "echo old > r.txt && chmod 444 r.txt", "run -a a.yaml --arbre tree -o r.txt", 2,
        "r.txt: impossible d'écrire le fichier (fichier en lecture seule : rendez-le modifiable (chmod u+w) "
        "pour le remplacer)" + NOTHING_LEFT),
    "symbolic link loop as output": (
        "ln -s loop loop", "run -a a.yaml --arbre tree -o loop", 2,
        "loop: impossible d'écrire le fichier (trop de liens symboliques)" + NOTHING_LEFT),
    "symbolic link loop as tree": (
        "ln -s loop loop", "graph --arbre loop", 2,
        "--arbre loop : lien symbolique qui boucle sur lui-même ; indiquez le vrai dossier\n"),
    "symbolic link loop to validate": (
        "ln -s loop loop", "validate loop", 2,
        "DOSSIER loop : lien symbolique qui boucle sur lui-même ; indiquez le vrai dossier\n"),
    "symbolic link loop as answers": (
        "ln -s loop loop", "run -a loop --arbre tree", 2, None),
}


INSTALLED = ("output is the answers file", "read-only file")
"""Cases run on the installed command (exit code and stderr as a shell sees them); the others run in
process: what they check is pdp-nav's own decision and message, not the process around it."""


@pytest.mark.parametrize("case", OUTPUT_CASES)
def test_output_file_cases(here: Path, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    setup, command, code, message = OUTPUT_CASES[case]
    before = {p.name: p.read_bytes() for p in [here / "a.yaml", *(here / "tree").iterdir()] if p.is_file()}
    if setup:
        subprocess.run(["sh", "-c", setup], cwd=here, check=True)
    if case in INSTALLED:
        done = shell(f"pdp-nav {command}", here)
        returncode, stderr = done.returncode, done.stderr
    else:
        returncode, stderr = main(command.split()), capsys.readouterr().err
    assert returncode == code, stderr
    if message is None:  # the reading side's own French message: only no crash is ours
        assert stderr.startswith("loop") and "Erreur interne" not in stderr, stderr
    else:
        assert stderr == message
    after = {p.name: p.read_bytes() for p in [here / "a.yaml", *(here / "tree").iterdir()] if p.is_file()}
    assert after == before
    assert not [p for p in here.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_a_replaced_file_keeps_its_mode(here: Path, mode: int) -> None:
    target = write(here / "r.txt", "old\n")
    target.chmod(mode)
    assert main(["run", "-a", "a.yaml", "--arbre", "tree", "-o", "r.txt"]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_text(encoding="utf-8").startswith("Préparer le maintien\n")


@pytest.mark.parametrize(("name", "start"), [("r.md", "# "), ("r.html", "<!DOCTYPE html>"), ("r.json", "{"),
                                             ("r.txt", "Préparer le maintien\n")])
def test_run_writes_the_format_the_extension_says(here: Path, name: str, start: str) -> None:
    assert main(["run", "-a", "a.yaml", "--arbre", "tree", "-o", name]) == 0
    assert (here / name).read_text(encoding="utf-8").startswith(start)


# -- standard streams ----------------------------------------------------------------------------
STREAM_CASES = {
    "stdout to /dev/full": ("pdp-nav paths --arbre tree > /dev/full", 2,
                            "La sortie standard ne peut pas être écrite : disque plein" + STREAM_HINT),
    "stdout closed": ("pdp-nav graph --arbre tree >&-", 2,
                      "La sortie standard est fermée : pdp-nav n'a nulle part où écrire" + STREAM_HINT),
    "stdin closed": ("pdp-nav navigate --arbre tree <&-", 2,
                     "L'entrée standard n'est pas un terminal : la navigation interactive a besoin d'un clavier. "
                     "Pour obtenir un résultat sans interaction, écrivez les réponses dans un fichier "
                     "(question: option) et lancez : pdp-nav run --answers FICHIER\n"),
    "paths | head": ("pdp-nav paths --arbre tree | head -c 10 >/dev/null; exit $(($? + 0))", 0, ""),
}


@pytest.mark.parametrize("case", STREAM_CASES)
def test_stream_cases(here: Path, case: str) -> None:
    command, code, message = STREAM_CASES[case]
    done = shell(command, here)
    assert (done.returncode, done.stderr) == (code, message)


@pytest.mark.parametrize("command", ["paths --arbre tree", "--help", "validate tree", "catalogue --arbre tree"])
def test_a_reader_that_goes_away_is_not_an_error(here: Path, command: str) -> None:
    """`pdp-nav … | head`: exit 0 (documented), no traceback, no « Exception ignored »."""
    proc = subprocess.Popen([PDP_NAV, *command.split()], cwd=here, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PDP_NAV_CACHE_DIR": str(here / ".cache")})
    assert proc.stdout is not None and proc.stdout.read(1)
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err.decode()) == (0, "")


# -- signals ------------------------------------------------------------------------------------
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_paths_output_removes_the_temporary_file(tmp_path: Path, signum: int) -> None:
    tree = big_dag_tree(tmp_path, 6, 10)  # a million paths: still writing when the signal comes
    proc = subprocess.Popen([PDP_NAV, "paths", "--arbre", str(tree), "-o", "out.jsonl"], cwd=tmp_path,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PDP_NAV_CACHE_DIR": str(tmp_path / ".cache")})
    try:
        deadline = time.monotonic() + 60
        while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    name = signal.Signals(signum).name
    assert (proc.returncode, err) == (128 + signum, f"Arrêté par le signal {name} : aucun fichier n'a été "
                                                    "laissé à moitié écrit.\n")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".cache")) == ["tree"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("write", [lambda path: write_atomic(path, "contenu"), lambda path: write_entry(path, b"x")],
                         ids=["output file", "cache entry"])
def test_a_signal_as_the_temporary_file_is_created_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   signum: int, write: Any) -> None:
    """The worst moment: the signal comes as soon as the temporary file exists, before its name
    is known to the clean-up. It is held until then, so the file is still removed (an output
    file, and an entry of the cache)."""
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        made = real_mkstemp(*args, **kwargs)
        os.kill(os.getpid(), signum)  # its handler runs at once unless the signal is held
        return made

    def stop(number: int, frame: Any) -> None:
        raise Terminated(number, signal.Signals(number).name)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    previous = signal.signal(signum, stop)
    try:
        with pytest.raises(Terminated):
            write(tmp_path / "out.txt")
    finally:
        signal.signal(signum, previous)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_navigate_restores_the_terminal(tmp_path: Path, tree_dir: Path, signum: int) -> None:
    s = Session(tmp_path, ["navigate", "--arbre", str(tree_dir)])
    before = s.child.ptyproc.getecho()  # cooked mode: the terminal echoes
    s.wait("Question 1")
    assert not s.child.ptyproc.getecho()  # the prompt put it in raw mode
    s.child.kill(signum)
    s.child.expect_exact(f"Arrêté par le signal {signal.Signals(signum).name}")
    s.child.expect(pexpect.EOF)
    assert s.child.ptyproc.getecho() == before
    s.child.close()
    assert s.child.exitstatus == 128 + signum


SIGNAL_MOMENTS = {  # when the signal is sent: seconds after the start, or a point of the prompt
    "at once": 0.0, "after 0.05 s": 0.05, "after 0.2 s": 0.2, "after 0.5 s": 0.5,
    "first drawing": "?", "question drawn": "hint", "redraw after a key": "key", "second question": "next",
}


@pytest.mark.parametrize("moment", list(SIGNAL_MOMENTS))
def test_sigterm_at_any_moment_of_navigate_ends_it_cleanly(tmp_path: Path, tree_dir: Path, moment: str) -> None:
    """Start-up, the prompt's first drawing, a redraw: always a prompt end, the terminal restored, no English.

    The terminal here never answers a cursor-position request (CPR), and none is sent: its wait,
    and a signal raised inside prompt_toolkit's loop, once gave « Press ENTER to continue… ».
    """
    s = Session(tmp_path, ["navigate", "--arbre", str(tree_dir)], env={"PROMPT_TOOLKIT_NO_CPR": None})
    before = s.child.ptyproc.getecho()
    when = SIGNAL_MOMENTS[moment]
    if isinstance(when, float):
        time.sleep(when)
    elif when == "?":
        s.child.expect_exact("?")
    else:
        s.wait("Question 1")
        if when in ("key", "next"):
            s.keys(DOWN if when == "key" else ENTER)
        if when == "next":
            s.child.expect_exact("?")
    s.child.kill(signal.SIGTERM)
    s.child.expect(pexpect.EOF, timeout=15)  # promptly: no question left waiting for Enter
    assert s.child.ptyproc.getecho() == before
    s.child.close()
    out = s.log.getvalue()
    assert "\x1b[6n" not in out and "Press ENTER" not in out and "Traceback" not in out and "WARNING" not in out
    if s.child.signalstatus is not None:  # killed before Python installed pdp-nav's handler: nothing shown
        assert (s.child.signalstatus, s.screen) == (signal.SIGTERM, "")
    else:
        assert s.child.exitstatus == 143
        assert s.screen.endswith("Arrêté par le signal SIGTERM : aucun fichier n'a été laissé à moitié écrit.")


# -- terminal ------------------------------------------------------------------------------------
def test_term_dumb_gets_numbered_lines(tmp_path: Path, tree_dir: Path) -> None:
    """TERM=dumb cannot move the cursor: the numbered mode, as for a pipe."""
    s = Session(tmp_path, ["navigate", "--arbre", str(tree_dir)], env={"TERM": "dumb"})
    s.wait("Question 1", hint=r"Votre choix \(numéro de 1 à \d+")
    s.keys("\x04")
    assert s.end() == 130
    assert "\x1b[" not in s.log.getvalue().replace("\x1b[?25h", "")


def test_save_to_an_existing_file_asks_first(tmp_path: Path, tree_dir: Path) -> None:
    """--save FILE that exists: the question of the menu « Enregistrer un résumé… »; Non keeps it."""
    kept = write(tmp_path / "resume.md", "mine\n")
    s = Session(tmp_path, ["navigate", "--arbre", str(tree_dir), "--save", "resume.md"])
    s.wait("resume.md existe déjà : le remplacer ?", hint=r"o/n")
    s.keys("n")
    assert s.end() == 2
    assert "--save resume.md : fichier conservé ; choisissez un autre nom de fichier" in s.screen
    assert kept.read_text() == "mine\n"
    s = Session(tmp_path, ["navigate", "--arbre", str(tree_dir), "--save", "resume.md"])
    s.wait("resume.md existe déjà : le remplacer ?", hint=r"o/n")
    s.keys("o")
    s.wait("Question 1")
    s.child.kill(signal.SIGTERM)
    assert s.end() == 143
