"""Bad inputs never crash: a French message naming the file and position, a non-zero exit code
(2 = unusable input; `validate` says 1 when it could read everything but found errors), never a
traceback, nothing half-written."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from pdp_nav.content import cache
from pdp_nav.cli import main

from .helpers import ARBRE, CATALOGUE, OVERLAY, SCENARIO, write, write_tree

ANSWERS = "phase: reprise\nrqth: oui\n"
READ_ERROR = "1 erreur(s) de lecture : corrigez-les puis relancez la vérification."
HUGE = 50 * 1024 * 1024


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "Erreur interne" not in err, out + err
    return code, out, err


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in tmp_path, so that messages show short relative paths (tree/arbre.yaml)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _huge() -> bytes:
    line = b"# " + b"x" * 1021 + b"\n"
    return b"format_version: 1\n" + line * (HUGE // len(line) + 1)


# content of the file -> position and message (empty and 50 MB files: tests of their own)
UNREADABLE = {
    "binary": (b"format_version: 1\n\x00\x01\x02\xff", "2:1: fichier binaire (octet nul) : un fichier texte YAML "
               "en UTF-8 est attendu"),
    "invalid utf-8": ("format_version: 1\ntree: caf\xe9\n".encode("latin-1"),
                      "2:10: encodage invalide (octet 0xe9) : enregistrez le fichier en UTF-8"),
    "syntax error": (b"format_version: 1\ntree: [phase, rqth\nquestions: {}\n",
                     "3:10: erreur de syntaxe YAML : le crochet « [ » ouvert ligne 2, colonne 7 n'est pas refermé : "
                     "ajoutez « ] » ou une « , » entre deux éléments"),
    "tab indentation": (b"format_version: 1\ntree:\n\tid: x\n",
                        "3:1: erreur de syntaxe YAML : tabulation : indentez avec des espaces"),
    "control character": ("format_version: 1\ntree: \u00e9t\u00e9\x07\n".encode(),
                          "2:10: caractère de contrôle interdit (U+0007) : supprimez-le "
                          "(il vient souvent d'un copier-coller)"),
    "python tag": (b"format_version: 1\ntree: !!python/object/apply:os.system ['touch PWNED']\n",
                   "2:7: balise YAML « !!python/object/apply:os.system » refusée : seules les données simples "
                   "(texte, nombres, listes, dictionnaires, dates) sont acceptées"),
    "python name tag": (b"format_version: 1\ntree: !!python/name:os.system\n",
                        "2:7: balise YAML « !!python/name:os.system » refusée : seules les données simples "
                        "(texte, nombres, listes, dictionnaires, dates) sont acceptées"),
    "billion laughs": (b"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                       b"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       b"d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
                       "2:8: alias YAML « *a » refusé : pdp-nav n'accepte ni ancres ni alias, recopiez la valeur"),
    "deep flow nesting": (b"format_version: 1\ntree: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
                          "2:70: imbrication trop profonde (plus de 64 niveaux) : simplifiez la structure"),
    "deep block nesting": (("format_version: 1\n" + "".join(f"{' ' * i}k{i}:\n" for i in range(200))).encode(),
                           "66:65: imbrication trop profonde (plus de 64 niveaux) : simplifiez la structure"),
    "two documents": (b"format_version: 1\n---\nformat_version: 1\n",
                      "2:1: plusieurs documents YAML (« --- ») dans un même fichier : n'en gardez qu'un"),
}
CASES = list(UNREADABLE)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ["arbre", "catalogue", "contacts", "departements/56"])
def test_unreadable_tree_file(case: str, role: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each tree file, whatever is wrong with its bytes: file:line:column and what to do, exit 2."""
    data, message = UNREADABLE[case]
    tree = write_tree(here)
    (tree / f"{role}.yaml").write_bytes(data)
    write(here / "a.yaml", ANSWERS)
    expected = f"tree/{role}.yaml:{message}"
    code, out, _ = cli(capsys, "validate", "tree")
    assert (code, out) == (2, f"{expected}\n{READ_ERROR}\n")
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-f", "json")
    assert (code, out, err) == (2, "", expected + "\n")
    assert not (here / "PWNED").exists()


@pytest.mark.parametrize("case", CASES)
def test_unreadable_answers_file(case: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, message = UNREADABLE[case]
    write_tree(here)
    (here / "a.yaml").write_bytes(data)
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree")
    assert (code, out, err) == (2, "", f"a.yaml:{message}\n")
    assert not (here / "PWNED").exists()


def test_huge_files(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 50 MB file is refused before being read, as a tree file or as answers (at most 1 MB)."""
    tree = write_tree(here)
    huge = _huge()
    (tree / "catalogue.yaml").write_bytes(huge)
    (here / "a.yaml").write_bytes(huge)
    size = len(huge) / 1_048_576
    refused = ("fichier trop volumineux ({:.1f} Mo ; maximum {} Mo) : est-ce bien un fichier pdp-nav ? "
               "Vérifiez le chemin")
    code, out, _ = cli(capsys, "validate", "tree")
    assert (code, out) == (2, f"tree/catalogue.yaml: {refused.format(size, 10)}\n{READ_ERROR}\n")
    (tree / "catalogue.yaml").write_text(CATALOGUE, encoding="utf-8")
    assert cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree") == (2, "", f"a.yaml: {refused.format(size, 1)}\n")


def test_empty_files(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty tree file is an error of content (validate: 1); empty answers cannot be used (2)."""
    tree = write_tree(here)
    (tree / "contacts.yaml").write_text("", encoding="utf-8")
    write(here / "a.yaml", ANSWERS)
    empty = "tree/contacts.yaml:1:1: fichier vide : il doit contenir « format_version: 1 » et ses sections"
    assert cli(capsys, "validate", "tree") == (1, f"{empty}\n1 erreur(s), 0 avertissement(s).\n", "")
    assert cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree") == (2, "", empty + "\n")
    (tree / "contacts.yaml").write_text(write_tree(here / "ok").joinpath("contacts.yaml").read_text("utf-8"))
    (here / "a.yaml").write_text("# rien\n", encoding="utf-8")
    assert cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree") == (
        2, "", "a.yaml:1:1: fichier de réponses vide : écrivez une ligne « question: option » par question\n")


ID_RULE = ("invalide : lettres minuscules sans accents, chiffres, « - » et « _ » uniquement "
           "(et ni « all », ni « any », ni « not »)")

# (change to arbre.yaml, expected first line of `validate`)
CONTENT = {
    "whole file is a list": (lambda a: "- phase\n- rqth\n",
                             "1:1: le fichier doit contenir un dictionnaire (clé: valeur), pas une liste : il commence "
                             "par « format_version: 1 » suivi de ses sections"),
    "wrong type": (lambda a: a.replace("  root: phase", "  root: [phase]"),
                   "6:9: « root » doit être un texte, pas une liste"),
    "options as text": (lambda a: a.replace("    options:\n      - id: en_poste", "    options: en_poste\n    o:\n"
                                            "      - id: en_poste"),
                        "11:14: « options » doit être une liste, pas un texte"),
    "accented id": (lambda a: a.replace("  rqth:\n", "  rqth_é:\n"), f"8:3: identifiant « rqth_é » {ID_RULE}"),
    "id with a space": (lambda a: a.replace("  rqth:\n", '  "r q":\n'), f"8:3: identifiant « r q » {ID_RULE}"),
    "path-like id": (lambda a: a.replace("next: arret_court", "next: ../../etc/passwd"),
                     f"27:15: identifiant « ../../etc/passwd » {ID_RULE}"),
    "emoji id": (lambda a: a.replace("      - id: oui\n", '      - id: "o😀"\n'), f"35:13: identifiant « o😀 » {ID_RULE}"),
    "reserved id": (lambda a: a.replace("  rqth:\n", "  all:\n").replace("next: rqth", "next: all"),
                    f"8:3: identifiant « all » {ID_RULE}"),
    "cycle": (lambda a: a.replace("        next: synthese\n      - id: non", "        next: phase\n      - id: non"),
              "37:15: cycle : phase → duree_arret → rqth → phase ; l'option « oui » de « rqth » revient vers « phase » : "
              "un parcours doit toujours avancer vers une issue"),
    "self-loop": (lambda a: a.replace("        next: synthese\n      - id: non", "        next: rqth\n      - id: non"),
                  "37:15: cycle : rqth → rqth ; l'option « oui » de « rqth » revient vers « rqth » : un parcours doit "
                  "toujours avancer vers une issue"),
    "dangling reference": (lambda a: a.replace("next: arret_court", "next: arret_cour"),
                           "27:15: l'option « moins_30 » renvoie vers le nœud « arret_cour » qui n'existe pas "
                           "(vouliez-vous dire « arret_court » ?)"),
    "duplicate key": (lambda a: a.replace("  rqth:\n", "  duree_arret:\n    text: x\n    help: y\n    options: []\n"
                                          "  rqth:\n"),
                      "31:3: clé « duree_arret » en double (déjà définie ligne 21) : YAML ne garderait que la dernière ; "
                      "supprimez ou renommez l'une des deux"),
}


@pytest.mark.parametrize("case", list(CONTENT))
def test_bad_tree_content(case: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate lists the error (exit 1, or 2 if the file cannot be read); run refuses the tree (exit 2)."""
    change, message = CONTENT[case]
    tree = write_tree(here, arbre=change(ARBRE))
    write(here / "a.yaml", ANSWERS)
    expected = f"tree/arbre.yaml:{message}"
    code, out, _ = cli(capsys, "validate", "tree")
    assert out.splitlines()[0] == expected
    assert code == 1
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", str(tree.relative_to(here)), "-f", "json")
    assert (code, out) == (2, "") and expected in err.splitlines()


@pytest.mark.parametrize("answers, message", [
    ("phase: reprise\nrqht: oui\n", "a.yaml:2:1: la question « rqht » n'existe pas dans l'arbre (version 1.0) "
                                    "(vouliez-vous dire « rqth » ?)"),
    ("phase: repris\nrqth: oui\n", "a.yaml:1:8: la question « phase » n'a pas d'option « repris » "
                                   "(options : en_poste, arret, reprise)"),
    ("phase: reprise\nsynthese: oui\nrqth: oui\n", "a.yaml:2:1: la question « synthese » est une issue, pas une "
                                                    "question (version 1.0)"),
    ("- phase\n- reprise\n", "a.yaml:1:1: un fichier de réponses est un dictionnaire « question: option » "
                             "(ou un scénario avec « answers: »)"),
    ("phase: reprise\nrqth: yes\n", "a.yaml:2:7: la réponse à « rqth » doit être un identifiant d'option (texte), "
                                    "pas « yes » — mettez-la entre guillemets : YAML lit oui/non/yes/no comme des booléens"),
])
def test_answers_with_unknown_ids(answers: str, message: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(here)
    write(here / "a.yaml", answers)
    assert cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree") == (2, "", message + "\n")


@pytest.mark.parametrize(("file", "message"), [
    ("tree/arbre.yaml", "tree/arbre.yaml:3:3: ce fichier n'est pas un fichier de réponses (« tree » contient une "
                        "liste ou un dictionnaire)"),
    ("tree/catalogue.yaml", "tree/catalogue.yaml:3:3: ce fichier n'est pas un fichier de réponses "
                            "(« dispositifs » contient une liste ou un dictionnaire)"),
])
def test_a_tree_file_given_as_answers(file: str, message: str, here: Path, capsys) -> None:
    """A file of the tree given to run --answers: one French line saying what it is not and what to give."""
    write_tree(here)
    assert cli(capsys, "run", "-a", file, "--arbre", "tree") == (2, "", message + (
        " : indiquez un fichier de réponses « question: option », un scénario, ou un résumé .json enregistré par "
        "le navigateur\n"))


def test_scenario_for_another_tree(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario written for another tree: its unknown question is named, with the versions."""
    write_tree(here)
    other = SCENARIO.replace("  phase: arret\n", "  situation: arret\n").replace('"1.0"', '"9.9"')
    (here / "scenarios").mkdir()
    write(here / "scenarios" / "autre.yaml", other)
    unknown = "scenarios/autre.yaml:7:3: la question « situation » n'existe pas dans l'arbre (version 1.0)"
    assert cli(capsys, "run", "-a", "scenarios/autre.yaml", "--arbre", "tree") == (2, "", unknown + "\n")
    code, out, _ = cli(capsys, "scenario", "check", "--arbre", "tree", "scenarios")
    assert code == 2 and f"    {unknown}\n" in out
    assert "scénario écrit pour la version 9.9 de l'arbre, arbre actuel 1.0" in out


# --- output files ----------------------------------------------------------------------

NOTHING_LEFT = " ; aucun fichier partiel n'a été laissé. Choisissez un autre chemin ou libérez de la place.\n"


@pytest.mark.parametrize("target, reason", [
    ("absent/r.md", "chemin introuvable : le dossier n'existe pas"),
    ("a.yaml/r.md", "un élément du chemin n'est pas un dossier"),
])
def test_unwritable_output(target: str, reason: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-f", "markdown", "-o", target)
    assert (code, out, err) == (2, "", f"{target}: impossible d'écrire le fichier ({reason}){NOTHING_LEFT}")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes in a read-only directory")
def test_read_only_directory(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    (here / "ro").mkdir()
    (here / "ro").chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, _, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-o", "ro/r.txt")
    finally:
        (here / "ro").chmod(stat.S_IRWXU)
    assert (code, err) == (2, f"ro/r.txt: impossible d'écrire le fichier (permission refusée){NOTHING_LEFT}")
    assert list((here / "ro").iterdir()) == []


def test_output_is_a_directory(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-o", "tree")
    assert (code, out) == (2, "")
    assert err == ("Erreur : Valeur invalide pour '--output' / '-o': Fichier 'tree' est un dossier : indiquez un "
                   "fichier.\nAide : pdp-nav run --help\n")


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_full_disk_on_save_keeps_the_old_file(failing: str, here: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC while saving: French message, exit 2, the previous file intact, no temporary file."""
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    write(here / "r.md", "ancien résumé\n")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if failing == "write":  # the temporary file's writes fail, as on a full disk
        fdopen = os.fdopen

        def full_file(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            handle = fdopen(*args, **kwargs)  # type: ignore[arg-type]
            handle.write = full
            return handle

        monkeypatch.setattr(os, "fdopen", full_file)
    else:
        monkeypatch.setattr(os, "fsync", full)
    monkeypatch.setenv("PDP_NAV_NO_CACHE", "1")  # only the output file is written
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-f", "markdown", "-o", "r.md")
    monkeypatch.undo()
    assert (code, out, err) == (2, "", f"r.md: impossible d'écrire le fichier (disque plein){NOTHING_LEFT}")
    assert (here / "r.md").read_text(encoding="utf-8") == "ancien résumé\n"
    assert sorted(p.name for p in here.iterdir()) == ["a.yaml", "r.md", "tree"]


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="no /dev/full here")
def test_dev_full_is_written_not_replaced(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A device given as --output is written to (and reports the full disk), never replaced by a file."""
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    code, _, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-f", "markdown", "-o", "/dev/full")
    assert (code, err) == (2, f"/dev/full: impossible d'écrire le fichier (disque plein){NOTHING_LEFT}")
    assert Path("/dev/full").is_char_device()


def test_dev_null_and_symlinks_as_output(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """/dev/null stays a device; a link to a file keeps being a link, its target gets the content."""
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    if Path("/dev/null").is_char_device():
        assert cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-f", "json", "-o", "/dev/null")[0] == 0
        assert Path("/dev/null").is_char_device()
    write(here / "real.json", "{}\n")
    (here / "link.json").symlink_to("real.json")
    assert cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-f", "json", "-o", "link.json")[0] == 0
    assert (here / "link.json").is_symlink()
    assert json.loads((here / "real.json").read_text(encoding="utf-8"))["kind"] == "pdp-nav-result"


# --- the compiled cache ----------------------------------------------------------------

def test_corrupted_cache_is_rebuilt(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Garbage in the cache entry: the same result as before, and a sound entry again."""
    tree = write_tree(here)
    write(here / "a.yaml", ANSWERS)
    args = ("run", "-a", "a.yaml", "--arbre", "tree", "-f", "json")
    code, expected, _ = cli(capsys, *args)
    entry = cache.entry_path(tree)
    assert code == 0 and entry is not None and entry.is_file()
    for damage in (b"", b"pdp-nav-cache 1 0000\n{}", os.urandom(10_000), entry.read_bytes()[:-100]):
        entry.write_bytes(damage)
        assert cli(capsys, *args) == (0, expected, "")
        assert cache.load(tree) is not None


def _run_many(args: list[str], count: int, cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    procs = [subprocess.Popen([sys.executable, "-m", "pdp_nav", *args], cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(count)]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=120), *p.communicate()) for p in procs]


@pytest.mark.slow
def test_concurrent_runs_share_the_cache_safely(here: Path) -> None:
    """Runs started together on a cold cache, while another writer keeps damaging the entry:
    every run answers right, and the entry ends up sound."""
    tree = write_tree(here)
    write(here / "a.yaml", ANSWERS)
    args = ["run", "-a", "a.yaml", "--arbre", "tree", "-f", "json"]
    entry = cache.entry_path(tree)
    assert entry is not None
    stop = threading.Event()

    def vandal() -> None:
        while not stop.is_set():
            if entry.is_file():
                raw = entry.read_bytes()
                tmp = entry.with_suffix(".vandal")
                tmp.write_bytes(raw[: len(raw) // 2])
                os.replace(tmp, entry)
            stop.wait(0.005)

    first = _run_many(args, 6, here)
    thread = threading.Thread(target=vandal)
    thread.start()
    try:
        second = _run_many(args, 6, here)
    finally:
        stop.set()
        thread.join()
    outputs = {p.stdout for p in first + second}
    assert [p.returncode for p in first + second] == [0] * 12, [p.stderr for p in first + second]
    assert len(outputs) == 1 and json.loads(outputs.pop())["kind"] == "pdp-nav-result"
    assert all(p.stderr == "" for p in first + second)
    _run_many(args, 1, here)
    assert cache.load(tree) is not None
    assert not [p for p in entry.parent.iterdir() if p.name.endswith(".tmp")]


# -- fiche, cherche and departement (issue #11, the sweep of the 2026.12 commands) -----------------
def _link(name: str, target: str) -> Callable[[Path], None]:
    def plant(tree: Path) -> None:
        (tree / "departements" / name).symlink_to(target)
    return plant


def _fifo(name: str) -> Callable[[Path], None]:
    return lambda tree: os.mkfifo(tree / "departements" / name)


LONG = "a" * 300_000
LINK = ("tree/departements/58.yaml est un lien symbolique : pdp-nav n'écrit pas à travers un lien ; "
        "supprimez le lien, puis relancez\n")
UNREADABLE_OVERLAY = "Fichier illisible : corrigez l'erreur ci-dessus puis relancez la vérification.\n"
# case -> (arguments, what is planted in the tree, exit code, stdout, stderr)
COMMANDS = {
    "fiche of no letter": (["fiche", "«»"], None, 2, "", "indiquez le nom d'un dispositif (des lettres ou des "
                           "chiffres), par exemple : pdp-nav fiche crpe\n"),
    "fiche of blanks": (["fiche", "  "], None, 2, "", "indiquez le nom d'un dispositif (des lettres ou des "
                        "chiffres), par exemple : pdp-nav fiche crpe\n"),
    "cherche of nothing": (["cherche", ""], None, 2, "", "indiquez au moins un mot à chercher (des lettres ou "
                           "des chiffres), par exemple : pdp-nav cherche emploi\n"),
    "cherche echoing an escape": (["cherche", "x\x1b[2Jy"], None, 0,
                                  "Aucun dispositif ne contient « x\\x1b[2Jy ». Essayez moins de mots ou un autre "
                                  "nom.\n", ""),
    "fiche of a 300 KB name": (["fiche", LONG], None, 2, "", f"aucun dispositif ne s'appelle « {LONG[:79]}… » : "
                               f"cherchez par mots-clés avec « pdp-nav cherche {LONG[:79]}… »\n"),
    "creer through a link to nowhere": (["departement", "creer", "58"], _link("58.yaml", "../../nowhere"), 2,
                                        "", LINK),
    "creer through a link to a file": (["departement", "creer", "58"], _link("58.yaml", "../../victim"), 2, "",
                                       LINK),
    "verifier of a FIFO": (["departement", "verifier", "59"], _fifo("59.yaml"), 2,
                           "tree/departements/59.yaml: c'est un tube (FIFO), pas un fichier ordinaire : indiquez "
                           "un fichier\n" + UNREADABLE_OVERLAY, ""),
    "verifier while another overlay is a link to nowhere": (
        ["departement", "verifier", "56"], _link("58.yaml", "../../nowhere"), 2,
        "tree/departements/58.yaml: fichier introuvable : vérifiez le chemin\n" + UNREADABLE_OVERLAY, ""),
}


@pytest.mark.parametrize("case", list(COMMANDS))
def test_lookup_and_overlay_commands_refuse_bad_input(case: str, here: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """fiche, cherche and departement: the exact French words and exit code; nothing written through a link."""
    args, plant, code, out, err = COMMANDS[case]
    tree = write_tree(here, overlays={"56": OVERLAY})
    victim = write(here / "victim", "secret\n")
    if plant:
        plant(tree)
    assert cli(capsys, *args, "--arbre", "tree") == (code, out, err)
    assert victim.read_text() == "secret\n" and not (here / "nowhere").exists()
