"""Hostile files, cache directories and environments (issue #11): a French message and an exit
code, or the command carrying on without the cache; never a hang, a crash, or a file of someone
else's overwritten or deleted."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pdp_nav.content import cache
from pdp_nav.system import settings as config
from pdp_nav.errors import InputError

from .helpers import OVERLAY, write, write_tree
from .test_bad_inputs import ANSWERS, READ_ERROR, cli, here  # noqa: F401 - `here` is a fixture

pytestmark = pytest.mark.cold_cache  # the cache's own tests: no entry seeded (conftest)

RUN = ("run", "-a", "a.yaml", "--arbre", "tree", "-f", "json")
NOT_A_FILE = "c'est {}, pas un fichier ordinaire : indiquez un fichier"
TOO_BIG = "fichier trop volumineux (plus de 1 Mo ; maximum 1 Mo) : est-ce bien un fichier pdp-nav ? Vérifiez le chemin"


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees the cache warnings again (they are shown once per process)."""
    monkeypatch.setattr(cache, "_warned", set())


# --- inputs that are not regular files, or too big ----------------------------------------

def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to("/dev/zero")


# tree file, how it is replaced -> the message of `run` (validate says the same, exit 2)
TREE_FILES = {
    "FIFO as an overlay": ("departements/56.yaml", _fifo, NOT_A_FILE.format("un tube (FIFO)")),
    "FIFO as arbre.yaml": ("arbre.yaml", _fifo, NOT_A_FILE.format("un tube (FIFO)")),
    "/dev/zero as an overlay": ("departements/56.yaml", _dev_zero, NOT_A_FILE.format("un périphérique")),
    "/dev/zero as catalogue.yaml": ("catalogue.yaml", _dev_zero, NOT_A_FILE.format("un périphérique")),
}


@pytest.mark.skipif(not Path("/dev/zero").is_char_device(), reason="no /dev/zero here")
@pytest.mark.parametrize("case", list(TREE_FILES))
def test_tree_file_that_is_not_a_file(case: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A FIFO or device among the tree files is refused without being opened (no hang), exit 2."""
    name, plant, message = TREE_FILES[case]
    tree = write_tree(here, overlays={"56": OVERLAY})
    plant(tree / name)
    write(here / "a.yaml", ANSWERS)
    expected = f"tree/{name}: {message}"
    assert cli(capsys, *RUN) == (2, "", expected + "\n")
    assert cli(capsys, "validate", "tree") == (2, f"{expected}\n{READ_ERROR}\n", "")


def _many_answers(count: int) -> str:
    return "".join(f"q{i}: a\n" for i in range(count))


# answers file content -> exit code, stderr (the lines of it that are checked: first, last, count)
ANSWER_FILES = {
    "1,000 unknown answers": (
        _many_answers(1000), ["a.yaml:1:1: la question « q0 » n'existe pas dans l'arbre (version 1.0)",
                              "a.yaml:1:1: … et 980 autre(s) problème(s) non affiché(s) : corrigez d'abord ceux "
                              "ci-dessus, puis relancez"], 21),
    "a 500 KB option": (
        "phase: " + "x" * 500_000 + "\n", [
            "a.yaml:1:8: la question « phase » n'a pas d'option « " + "x" * 79 + "… » "
            "(options : en_poste, arret, reprise)"], 1),
    "a 500 KB question": (
        '? "' + "k" * 500_000 + '"\n: oui\n', [
            "a.yaml:1:3: la question « " + "k" * 79 + "… » n'existe pas dans l'arbre (version 1.0)"], 1),
    "a 500 KB list as an answer": (
        "phase: [" + "1, " * 150_000 + "1]\n", [
            "a.yaml:1:8: la réponse à « phase » doit être un identifiant d'option (texte), pas « [" + "1, " * 26
            + "… »"], 1),
    "2 MB of answers": (_many_answers(200_000), [f"a.yaml: {TOO_BIG}".replace("plus de 1 Mo", "2.0 Mo")], 1),
}


@pytest.mark.parametrize("case", list(ANSWER_FILES))
def test_answers_bounded(case: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Long values are quoted on 80 characters, at most 20 problems are listed, 1 MB at most is read."""
    text, lines, count = ANSWER_FILES[case]
    write_tree(here)
    write(here / "a.yaml", text)
    code, out, err = cli(capsys, *RUN)
    got = err.splitlines()
    assert (code, out, len(got)) == (2, "", count), err[:2000]
    assert [got[0], got[-1]][: len(lines)] == lines


def _pipe(args: list[str], data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "pdp_nav", *args], input=data, cwd=cwd,
                          capture_output=True, timeout=120)


def test_answers_from_a_pipe_are_read_and_bounded(here: Path) -> None:
    """`-a /dev/stdin` reads answers from a pipe; `yes | pdp-nav run -a /dev/stdin` stops at 1 MB, exit 2."""
    write_tree(here)
    args = ["run", "-a", "/dev/stdin", "--arbre", "tree", "-f", "json"]
    done = _pipe(args, ANSWERS.encode(), here)
    assert (done.returncode, done.stderr) == (0, b"")
    assert json.loads(done.stdout)["kind"] == "pdp-nav-result"
    done = _pipe(args, b"y\n" * 5_000_000, here)
    assert (done.returncode, done.stdout, done.stderr.decode()) == (2, b"", f"/dev/stdin: {TOO_BIG}\n")


@pytest.mark.skipif(not Path("/dev/zero").is_char_device(), reason="no /dev/zero here")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_device_as_answers(device: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An endless device given as answers is read up to 1 MB, then refused (no hang, no MemoryError)."""
    write_tree(here)
    assert cli(capsys, "run", "-a", device, "--arbre", "tree") == (2, "", f"{device}: {TOO_BIG}\n")


# configuration file -> message of read_config
CONFIGS: dict[str, tuple[Callable[[Path], None], str]] = {
    "FIFO": (_fifo, NOT_A_FILE.format("un tube (FIFO)")),
    "/dev/zero": (_dev_zero, NOT_A_FILE.format("un périphérique")),
    "2 MB value": (lambda p: write(p, 'departement = "' + "5" * 2_000_000 + '"\nlangue = "' + "x" * 200 + '"\n'),
                   TOO_BIG.replace("plus de 1 Mo", "1.9 Mo")),
    "long wrong value": (lambda p: write(p, 'accessible = "' + "o" * 500 + '"\n'),
                         "1:1: « accessible » : valeur « " + "o" * 79 + "… » invalide, attendu : true ou false"),
}


@pytest.mark.skipif(not Path("/dev/zero").is_char_device(), reason="no /dev/zero here")
@pytest.mark.parametrize("case", list(CONFIGS))
def test_bad_configuration_files(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The configuration file is bounded like any input: no FIFO or device, 1 MB, short quotes."""
    plant, message = CONFIGS[case]
    path = tmp_path / "config.toml"
    plant(path)
    monkeypatch.setenv("PDP_NAV_CONFIG", str(path))
    with pytest.raises(InputError) as caught:
        config.read_config()
    separator = "" if message[0].isdigit() else " "
    assert str(caught.value) == f"{path}:{separator}{message}"


# --- the cache directory and its entries -----------------------------------------------

@pytest.fixture
def shared(here: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache directory in /tmp, where another user could reach it."""
    directory = Path(tempfile.mkdtemp(prefix="pdp-nav-shared-"))
    monkeypatch.setenv("PDP_NAV_CACHE_DIR", str(directory))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def warning(directory: Path, why: str) -> str:
    return f"avertissement : le dossier de cache {directory} {why} ; pdp-nav continue sans cache.\n"


def writable_by_others(directory: Path, mode: str) -> str:
    return warning(directory, f"est modifiable par d'autres utilisateurs (droits {mode}) : faites « chmod go-w "
                              f"{directory} » ou choisissez un autre dossier avec PDP_NAV_CACHE_DIR")


@pytest.mark.parametrize("mode", [0o1777, 0o777, 0o770, 0o702])
def test_cache_directory_writable_by_others_is_not_used(mode: int, shared: Path, here: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Warned once on stderr, the command succeeds, nothing is read from or written to the directory."""
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    shared.chmod(mode)
    code, out, err = cli(capsys, *RUN)
    assert (code, err) == (0, writable_by_others(shared, f"{mode:o}"))
    assert json.loads(out)["kind"] == "pdp-nav-result"
    assert cli(capsys, *RUN) == (0, out, "")  # once per process
    assert list(shared.iterdir()) == []


def test_the_cache_warns_as_data_and_never_prints(shared: Path, here: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The refused directory is a PdpNavWarning carrying the French text; only the CLI writes it."""
    from pdp_nav.errors import PdpNavWarning

    write_tree(here)
    shared.chmod(0o777)
    with pytest.warns(PdpNavWarning) as caught:
        assert cache.load(here / "tree") is None
    assert capsys.readouterr() == ("", "")
    assert [f"avertissement : {w.message}\n" for w in caught] == [writable_by_others(shared, "777")]


def _as_nobody(*command: str) -> None:
    """Run ``command`` as the user ``nobody`` (uid 65534), or skip where that is not allowed."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("a second user needs root")
    try:
        subprocess.run(command, user=65534, group=65534, check=True, capture_output=True, timeout=30)
    except (PermissionError, OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot act as a second user here: {exc}")


def test_cross_user_link_never_overwrites_the_victims_file(shared: Path, here: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Another user plants a link at the (predictable) entry of a shared sticky directory, aimed
    at the victim's ~/.bashrc: the victim's runs never write through it, before or after the
    directory is made private."""
    tree = write_tree(here)
    write(here / "a.yaml", ANSWERS)
    bashrc = write(here / "bashrc", "alias ls='ls --color'\n")
    shared.chmod(0o1777)
    entry = cache.entry_path(tree)
    assert entry is not None and entry.parent == shared
    _as_nobody("ln", "-s", str(bashrc), str(entry))
    assert entry.is_symlink() and entry.lstat().st_uid == 65534
    code, out, err = cli(capsys, *RUN)
    assert (code, err) == (0, writable_by_others(shared, "1777"))
    assert bashrc.read_text(encoding="utf-8") == "alias ls='ls --color'\n" and entry.is_symlink()
    shared.chmod(0o700)  # the victim heeds the warning; the planted link is still there
    assert cli(capsys, *RUN) == (0, out, "")
    assert bashrc.read_text(encoding="utf-8") == "alias ls='ls --color'\n"
    assert not entry.is_symlink() and entry.stat().st_uid == os.geteuid()
    assert cache.load(tree) is not None


def test_cache_directory_of_another_user_is_not_used(shared: Path, here: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """PDP_NAV_CACHE_DIR pointing at a directory of someone else: warned, not used."""
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    shared.chmod(0o1777)
    theirs = shared / "theirs"
    _as_nobody("mkdir", "-m", "755", str(theirs))
    monkeypatch.setenv("PDP_NAV_CACHE_DIR", str(theirs))
    code, _, err = cli(capsys, *RUN)
    assert (code, err) == (0, warning(theirs, "appartient à un autre utilisateur : choisissez un dossier à vous "
                                              "avec PDP_NAV_CACHE_DIR"))
    assert list(theirs.iterdir()) == []


def _link_to(target: Path) -> Callable[[Path, Path], None]:
    return lambda entry, here: entry.symlink_to(target)


# how the entry slot is planted -> it must be ignored, the target untouched
PLANTED: dict[str, Callable[[Path, Path], None]] = {
    "link to a file": lambda entry, here: entry.symlink_to(write(here / "victim", "précieux\n")),
    "link to a good entry": lambda entry, here: entry.symlink_to(here / "good-entry"),
    "FIFO": lambda entry, here: os.mkfifo(entry),
    "link to a FIFO": lambda entry, here: (os.mkfifo(here / "fifo"), entry.symlink_to(here / "fifo")),
    "link to /dev/zero": lambda entry, here: entry.symlink_to("/dev/zero"),
    "dangling link": lambda entry, here: entry.symlink_to(here / "nowhere"),
}


@pytest.mark.parametrize("case", list(PLANTED))
def test_planted_entry_is_never_followed(case: str, shared: Path, here: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever stands at the entry's name is never followed nor opened if not a regular file:
    the command answers (no hang), and the entry is replaced by a real one."""
    tree = write_tree(here)
    write(here / "a.yaml", ANSWERS)
    code, expected, _ = cli(capsys, *RUN)
    entry = cache.entry_path(tree)
    assert code == 0 and entry is not None
    os.replace(entry, here / "good-entry")
    PLANTED[case](entry, here)
    assert cache.load(tree) is None
    assert cli(capsys, *RUN) == (0, expected, "")
    assert stat.S_ISREG(entry.lstat().st_mode) and cache.load(tree) is not None
    if case == "link to a file":
        assert (here / "victim").read_text(encoding="utf-8") == "précieux\n"


def forge(entry: Path, change: Callable[[dict], None]) -> None:
    """Rewrite the entry's data, with a right checksum and key: what only a forger would do."""
    payload = json.loads(entry.read_bytes().partition(b"\n")[2])
    change(payload["files"])
    body = json.dumps(payload).encode()
    entry.write_bytes(b"pdp-nav-cache 1 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def _question(files: dict, qid: str = "rqth") -> dict:
    return files["arbre"]["data"]["questions"][qid]


FORGED: dict[str, Callable[[dict], None]] = {
    "cycle": lambda f: _question(f)["options"][0].update(next="phase"),
    "self-loop": lambda f: _question(f)["options"][0].update(next="rqth"),
    "dangling next": lambda f: _question(f)["options"][0].update(next="nulle_part"),
    "missing root": lambda f: f["arbre"]["data"]["tree"].update(root="absent"),
    "text as a list": lambda f: _question(f).update(text=["a", "b"]),
    "option id as a number": lambda f: _question(f)["options"][0].update(id=7),
    "unknown contact": lambda f: f["catalogue"]["data"]["dispositifs"]["visite-demande"].update(contacts=["x"]),
    "unknown dispositif first": lambda f: next(iter(f["arbre"]["data"]["outcomes"].values())).update(first=["x"]),
    "overlay contacts as a list": lambda f: f["departements/56"]["data"].update(contacts=[1, 2]),
}


@pytest.mark.parametrize("case", list(FORGED))
def test_forged_entry_falls_back_to_a_cold_load(case: str, here: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """An entry with a right checksum but a tree the checks would refuse: `paths` and `run`
    give the true tree's output, without looping or crashing."""
    tree = write_tree(here, overlays={"56": OVERLAY})
    write(here / "a.yaml", ANSWERS)
    paths = ("paths", "--arbre", "tree", "-f", "jsonl")
    run = (*RUN, "-d", "56")
    expected = [cli(capsys, *args) for args in (paths, run)]
    assert [e[0] for e in expected] == [0, 0]
    entry = cache.entry_path(tree)
    assert entry is not None
    forge(entry, FORGED[case])
    assert cache.load(tree) is None
    assert [cli(capsys, *args) for args in (paths, run)] == expected


# name, content, age in days -> whether pruning removes it
SLOT = "0123456789abcdef" * 2
OWN = b"pdp-nav-cache 1 0\n{}"
PRUNE = {
    "old entry of pdp-nav": (f"pdp-nav-{SLOT}.cache", OWN, 100, True),
    "old temporary file of pdp-nav": (f".pdp-nav-{SLOT}.cache.k3_9x.tmp", OWN, 100, True),
    "recent entry of pdp-nav": (f"pdp-nav-{SLOT}.cache", OWN, 10, False),
    "old user's JSON": ("notes.json", b'{"a": 1}', 100, False),
    "old JSON named like a former entry": (f"{SLOT}.json", OWN, 100, False),
    "entry name, other content": (f"pdp-nav-{SLOT}.cache", b"mes notes\n", 100, False),
    "entry name, other suffix": (f"pdp-nav-{SLOT}.cache.bak", OWN, 100, False),
}


@pytest.mark.parametrize("case", list(PRUNE))
def test_pruning_removes_only_old_entries_of_pdp_nav(case: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an old regular file named like an entry and starting with pdp-nav's header is removed."""
    name, content, days, removed = PRUNE[case]
    root = tmp_path / "cache"
    root.mkdir(mode=0o700)
    monkeypatch.setenv("PDP_NAV_CACHE_DIR", str(root))
    path = root / name
    path.write_bytes(content)
    past = dt.datetime.now().timestamp() - days * 86_400
    os.utime(path, (past, past))
    from pdp_nav.content import load

    tree = write_tree(tmp_path)
    load.load_tree(tree)
    assert path.exists() is not removed
    assert cache.load(tree) is not None  # the entry just written


def test_pruning_never_follows_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old link or directory named like an entry stays, and so does what the link points to."""
    root = tmp_path / "cache"
    root.mkdir(mode=0o700)
    monkeypatch.setenv("PDP_NAV_CACHE_DIR", str(root))
    target = tmp_path / "theirs"
    target.write_bytes(OWN)
    link, folder = root / f"pdp-nav-{SLOT}.cache", root / f"pdp-nav-{SLOT[::-1]}.cache"
    link.symlink_to(target)
    folder.mkdir()
    past = dt.datetime.now().timestamp() - 100 * 86_400
    for path in (target, folder):
        os.utime(path, (past, past))
    os.utime(link, (past, past), follow_symlinks=False)
    from pdp_nav.content import load

    load.load_tree(write_tree(tmp_path))
    assert link.is_symlink() and target.read_bytes() == OWN and folder.is_dir()


# --- home and environment ----------------------------------------------------------------

# environment -> cache directory and configuration file (None: none at all)
HOMES = {
    "HOME": ({"HOME": "/h"}, "/h/.cache/pdp-nav", "/h/.config/pdp-nav/config.toml"),
    "XDG variables": ({"HOME": "/h", "XDG_CACHE_HOME": "/c", "XDG_CONFIG_HOME": "/k"},
                      "/c/pdp-nav", "/k/pdp-nav/config.toml"),
    "relative XDG variables are ignored": ({"HOME": "/h", "XDG_CACHE_HOME": "c", "XDG_CONFIG_HOME": "k"},
                                           "/h/.cache/pdp-nav", "/h/.config/pdp-nav/config.toml"),
    "empty HOME": ({"HOME": ""}, None, None),
    "relative HOME": ({"HOME": "home"}, None, None),
    "HOME ~": ({"HOME": "~"}, None, None),
    "empty HOME, absolute XDG": ({"HOME": "", "XDG_CACHE_HOME": "/c", "XDG_CONFIG_HOME": "/k"},
                                 "/c/pdp-nav", "/k/pdp-nav/config.toml"),
    "no HOME, no account": ({}, None, None),
}


@pytest.mark.parametrize("case", list(HOMES))
def test_cache_and_configuration_places(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Absolute XDG variables, else an absolute HOME, else no cache and no configuration file."""
    env, cache_place, config_place = HOMES[case]
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(os, "getuid", lambda: 4_000_000)  # an uid without a passwd entry
    assert str(cache.cache_dir()) == str(cache_place)
    assert str(config.config_path()) == str(config_place)


@pytest.mark.parametrize("home", [None, ""])
def test_no_usable_home_means_no_cache_and_no_configuration(home: str | None, here: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """HOME unset without a passwd entry, or empty: `run` works, writes nothing (no ./~/.cache, no
    /.cache), and a `~` in the configuration is explained."""
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    if home is not None:
        monkeypatch.setenv("HOME", home)
    monkeypatch.setattr(os, "getuid", lambda: 4_000_000)
    write_tree(here)
    write(here / "a.yaml", ANSWERS)
    before = Path("/.cache").exists()
    code, out, err = cli(capsys, *RUN)
    assert (code, err) == (0, "") and json.loads(out)["kind"] == "pdp-nav-result"
    assert sorted(p.name for p in here.iterdir()) == ["a.yaml", "tree"]
    assert Path("/.cache").exists() == before
    assert config.read_config() == config.Config()
    write(here / "c.toml", 'arbre = "~/pdp/trees"\n')
    monkeypatch.setenv("PDP_NAV_CONFIG", "c.toml")
    with pytest.raises(InputError) as caught:
        config.read_config()
    assert str(caught.value) == ("c.toml:1:1: « arbre » : « ~ » désigne le dossier personnel, inconnu ici (HOME vide "
                                 "ou non défini) : écrivez un chemin absolu")
    monkeypatch.setenv("PDP_NAV_CONFIG", "~/c.toml")
    with pytest.raises(InputError) as caught:
        config.read_config()
    assert str(caught.value) == ("~/c.toml: variable PDP_NAV_CONFIG : « ~ » désigne le dossier personnel, inconnu "
                                 "ici (HOME vide ou non défini) : écrivez un chemin absolu")
