"""The compiled cache: warm loads give the same tree without re-checking; bad entries are ignored."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest

from pdp_nav.content import cache, load
from pdp_nav.cli import main
from pdp_nav.errors import TreeInvalidError

from .helpers import CATALOGUE, OVERLAY, write, write_tree

pytestmark = pytest.mark.cold_cache  # the cache's own tests: no entry seeded (conftest)


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("PDP_NAV_CACHE_DIR", str(root))
    return root


def entries(root: Path) -> list[Path]:
    return sorted(root.glob("pdp-nav-*.cache")) if root.is_dir() else []


def forbid_cold_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any YAML/schema/lint work fail the test: only the cache may answer."""
    def cold(*args: object) -> None:
        raise AssertionError("the tree was read again instead of coming from the cache")

    monkeypatch.setattr(load, "read_tree", cold)


def test_warm_load_gives_the_same_tree_without_reading_yaml(
        tmp_path: Path, cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second load comes from the cache entry and equals the checked tree, dates included."""
    tree_dir = write_tree(tmp_path, overlays={"56": OVERLAY})
    cold = load.load_tree(tree_dir)
    cold_56 = load.load_tree(tree_dir, "56")
    assert len(entries(cache_root)) == 1
    forbid_cold_load(monkeypatch)
    warm = load.load_tree(tree_dir)
    assert warm == cold and warm.digest == cold.digest
    assert warm.dispositifs["visite-demande"].checked == dt.date(2026, 11, 1)
    assert load.load_tree(tree_dir, "56") == cold_56


def test_entry_is_checksummed_json_in_a_private_directory(tmp_path: Path, cache_root: Path) -> None:
    """Entries are plain JSON after a header with a checksum (never pickle), in a 0700 directory."""
    load.load_tree(write_tree(tmp_path))
    (entry,) = entries(cache_root)
    header, _, body = entry.read_bytes().partition(b"\n")
    magic, version, checksum = header.split(b" ")
    assert (magic, version) == (b"pdp-nav-cache", b"1")
    assert checksum.decode() == hashlib.sha256(body).hexdigest()
    payload = json.loads(body)
    assert set(payload["files"]) == {"arbre", "catalogue", "contacts"}
    assert cache_root.stat().st_mode & 0o777 == 0o700


def test_cache_directory_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PDP_NAV_CACHE_DIR, else XDG_CACHE_HOME/pdp-nav, else ~/.cache/pdp-nav; PDP_NAV_NO_CACHE=1 turns it off."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "pdp-nav"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "pdp-nav"
    monkeypatch.setenv("PDP_NAV_CACHE_DIR", str(tmp_path / "own"))
    assert cache.cache_dir() == tmp_path / "own"
    for value in ("1", "true", "oui"):
        monkeypatch.setenv("PDP_NAV_NO_CACHE", value)
        assert cache.cache_dir() is None
    monkeypatch.setenv("PDP_NAV_NO_CACHE", "0")
    assert cache.cache_dir() == tmp_path / "own"


def test_no_cache_option_neither_reads_nor_writes(tmp_path: Path, cache_root: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`--no-cache` checks the tree again and leaves the cache directory untouched."""
    tree_dir = write_tree(tmp_path)
    answers = write(tmp_path / "a.yaml", "phase: reprise\nrqth: oui\n")
    monkeypatch.delenv("PDP_NAV_NO_CACHE", raising=False)  # restored after the test
    args = ["run", "-a", str(answers), "--arbre", str(tree_dir), "-f", "json"]
    assert main(["--no-cache", *args]) == 0
    assert entries(cache_root) == []
    assert os.environ.pop("PDP_NAV_NO_CACHE") == "1"  # what --no-cache does for the whole process
    assert main(args) == 0 and len(entries(cache_root)) == 1
    reads: list[Path] = []
    real = load.read_tree
    monkeypatch.setattr(load, "read_tree", lambda d: reads.append(d) or real(d))
    assert main(args) == 0 and reads == []
    assert main(["--no-cache", *args]) == 0 and reads == [tree_dir]
    capsys.readouterr()


def test_help_documents_no_cache(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["--help"]) == 0
    assert "Relit et revérifie l'arbre sans utiliser ni écrire le cache compilé" in capsys.readouterr().out


@pytest.mark.parametrize("change", ["catalogue", "overlay added", "code", "version"])
def test_stale_entries_are_ignored(change: str, tmp_path: Path, cache_root: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Any change to the files, or to the code that checks them, makes the entry stale."""
    tree_dir = write_tree(tmp_path)
    load.load_tree(tree_dir)
    if change == "catalogue":
        write(tree_dir / "catalogue.yaml", CATALOGUE.replace("Visite à la demande", "Visite sur demande"))
    elif change == "overlay added":
        write(tree_dir / "departements" / "56.yaml", OVERLAY)
    elif change == "code":
        monkeypatch.setattr(cache, "_code_stamp", lambda: [["lint.py", 1, 2]])
    else:
        monkeypatch.setattr(cache, "__version__", "99.0")
    assert cache.load(tree_dir) is None
    tree = load.load_tree(tree_dir)
    if change == "catalogue":
        assert tree.dispositifs["visite-demande"].name == "Visite sur demande"
    if change == "overlay added":
        assert load.load_tree(tree_dir, "56").contacts["cap-emploi"].name == "Cap emploi 56"
    assert cache.load(tree_dir) is not None  # the entry was rewritten for the new state
    assert len(entries(cache_root)) == 1  # one slot per tree directory


def test_the_code_stamp_covers_every_module_and_schema() -> None:
    """The key of an entry holds the size and date of every module of the package, sub-packages
    included, and of every published schema (issue #12): a changed check makes entries stale."""
    import pdp_nav
    from pdp_nav.content.files import data_dir

    package = Path(pdp_nav.__file__).resolve().parent
    stamp = {name: (size, mtime) for name, size, mtime in cache._code_stamp()}
    modules = {p.relative_to(package).as_posix(): p for p in package.rglob("*.py")}
    schemas = {p.name: p for p in (data_dir() / "schema").glob("*.json")}
    assert "core/engine.py" in modules and "content/cache.py" in modules and "arbre.schema.json" in schemas
    assert stamp == {name: (p.stat().st_size, p.stat().st_mtime_ns) for name, p in {**modules, **schemas}.items()}


def test_a_tree_broken_after_caching_is_reported(tmp_path: Path, cache_root: Path) -> None:
    """The cache never hides an error introduced since the last run."""
    tree_dir = write_tree(tmp_path)
    load.load_tree(tree_dir)
    write(tree_dir / "catalogue.yaml", CATALOGUE.replace("contacts: [spst]", "contacts: [spts]", 1))
    with pytest.raises(TreeInvalidError) as err:
        load.load_tree(tree_dir)
    assert "cite le contact « spts » qui n'existe pas dans contacts.yaml" in str(err.value)


def _rewrite(entry: Path, mutate) -> None:
    header, _, body = entry.read_bytes().partition(b"\n")
    payload = json.loads(body)
    mutate(payload)
    body = json.dumps(payload).encode()
    entry.write_bytes(b"pdp-nav-cache 1 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


@pytest.mark.parametrize("damage", [
    "empty", "garbage", "truncated", "flipped byte", "bad json with good checksum",
    "wrong structure with good checksum", "schema-invalid data with good checksum", "directory",
])
def test_damaged_entries_are_ignored_and_rebuilt(damage: str, tmp_path: Path, cache_root: Path) -> None:
    """Whatever is in the entry, the load gives the right tree and a sound entry replaces it."""
    tree_dir = write_tree(tmp_path)
    good = load.load_tree(tree_dir)
    (entry,) = entries(cache_root)
    raw = entry.read_bytes()
    if damage == "empty":
        entry.write_bytes(b"")
    elif damage == "garbage":
        entry.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "flipped byte":
        entry.write_bytes(raw[:-10] + bytes([raw[-10] ^ 0x20]) + raw[-9:])
    elif damage == "bad json with good checksum":
        body = b"{not json"
        entry.write_bytes(b"pdp-nav-cache 1 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    elif damage == "wrong structure with good checksum":
        _rewrite(entry, lambda p: p.update(files=[1, 2, 3]))
    elif damage == "schema-invalid data with good checksum":
        _rewrite(entry, lambda p: p["files"]["arbre"]["data"].pop("questions"))
    else:
        entry.unlink()
        entry.mkdir()
    assert cache.load(tree_dir) is None
    assert load.load_tree(tree_dir) == good
    if damage != "directory":
        assert cache.load(tree_dir) is not None


def test_unwritable_cache_directory_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache path that is a file (or read-only) only means no cache."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("PDP_NAV_CACHE_DIR", str(blocker / "pdp-nav"))
    tree_dir = write_tree(tmp_path)
    assert load.load_tree(tree_dir) == load.load_tree(tree_dir)
    assert blocker.read_text(encoding="utf-8") == "x"


def test_full_disk_while_writing_the_entry_is_not_an_error(tmp_path: Path, cache_root: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC while saving the entry: the tree is still loaded, no partial entry is left."""
    import errno

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    tree_dir = write_tree(tmp_path)
    assert load.load_tree(tree_dir).id == "mini"
    assert list(cache_root.iterdir()) == []


def test_datetimes_survive_the_round_trip() -> None:
    """Dates and date-times (which JSON stores as text) come back with their type."""
    data = {"a": [dt.date(2026, 1, 2), {"b": dt.datetime(2026, 1, 2, 3, 4, 5)}], "c": "2026-01-02"}
    found = cache._dates(data)
    assert sorted(found) == [["date", ["a", 0]], ["datetime", ["a", 1, "b"]]]
    plain = json.loads(json.dumps(data, default=cache._iso))
    for kind, where in found:
        cache._restore_date(plain, where, kind)
    assert plain == data
