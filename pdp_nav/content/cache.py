"""Compiled cache of validated trees: a warm load skips YAML parsing, JSON Schema and lint.

Once a tree directory has passed every check, the plain data of its files is kept as JSON
(never pickle: a cache file is data, never code) in the user's cache directory
(``$PDP_NAV_CACHE_DIR``, else ``$XDG_CACHE_HOME/pdp-nav``, else ``~/.cache/pdp-nav``; none
when HOME is empty or unknown).
The next load reads the tree files' bytes, hashes them and, when the cached entry was made
from exactly these bytes by this version of pdp-nav, rebuilds the model from the JSON.

The cache is an optimisation only: a missing, stale, corrupted, half-written or unreadable
entry is ignored (the tree is then read and checked again), and a cache directory that
cannot be written is never an error. Entries are written to a temporary file and moved into
place, so concurrent runs never see half an entry; each holds a checksum of its content.
``--no-cache`` or ``PDP_NAV_NO_CACHE=1`` turns it off.

A cache directory can be shared or planted by another user (issue #11): one that belongs to
someone else or that others may write to is not used (a warning says so once); an entry is
never followed through a symbolic link, never opened unless it is a regular file, written
through a new temporary file moved into place, and rebuilt into a tree only if that tree's
references hold and its questions lead to outcomes without a cycle. Pruning removes only
entries of pdp-nav (by their name and their header).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import stat
import warnings
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import InputError, PdpNavWarning, display_path
from ..system.atomic import temporary_beside
from ..system.reading import MAX_BYTES, read_bounded
from ..system.settings import user_dir
from .build import apply_overlay, build_tree
from .document import Document
from .files import FILES, Sources, data_dir

if TYPE_CHECKING:
    from ..core.model import Tree

FORMAT = 1
"""Layout of a cache entry; bump it on any incompatible change."""
MAGIC = b"pdp-nav-cache"
KEEP_DAYS = 90
"""Entries older than this are removed when a new one is written (one slot per tree directory)."""
MAX_ENTRY = 4 * MAX_BYTES
"""Largest entry written or read; a tree that would need more is simply not cached."""
_NAME = re.compile(r"\.?pdp-nav-[0-9a-f]{32}\.cache(\.[a-z0-9_]+\.tmp)?")
"""An entry, or the temporary file of one being written: the only files pruning removes."""
_OFF = {"1", "true", "yes", "oui"}


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    if os.environ.get("PDP_NAV_NO_CACHE", "").strip().lower() in _OFF:
        return None
    if override := os.environ.get("PDP_NAV_CACHE_DIR"):
        return Path(override)
    base = user_dir("XDG_CACHE_HOME", ".cache")
    return None if base is None else base / "pdp-nav"


def tree_files(tree_dir: Path) -> dict[str, Path]:
    """The files a tree is made of, by role (``arbre``… then one per département overlay)."""

    files = {role: tree_dir / name for role, name in FILES.items()}
    for path in sorted((tree_dir / "departements").glob("*.yaml")):
        files[f"departements/{path.stem}"] = path
    return files


def entry_path(tree_dir: Path) -> Path | None:
    """The cache file of ``tree_dir`` (one slot per directory: a new version replaces the old)."""
    directory = cache_dir()
    if directory is None:
        return None
    return directory / f"pdp-nav-{slot(tree_dir)[:32]}.cache"


def slot(path: Path) -> str:
    """The name part of the entry made from ``path``: predictable, hence :func:`safe_dir` and :func:`write_entry`."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()


_warned: set[str] = set()


def safe_dir(directory: Path, create: bool) -> bool:
    """Whether ``directory`` may hold entries: a directory of ours that nobody else can write to.

    An absent directory is created when ``create``; one that cannot be is silently no cache.
    A directory of another user, or writable by others, is refused with a warning
    (:class:`PdpNavWarning`, once): another user could plant links or forged entries there (issue #11).
    """
    try:
        if create:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        link, info = os.lstat(directory), os.stat(directory)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    where = display_path(directory)
    if info.st_uid != os.geteuid() or link.st_uid not in (os.geteuid(), 0):
        _warn(f"le dossier de cache {where} appartient à un autre utilisateur : choisissez un dossier à vous "
              "avec PDP_NAV_CACHE_DIR")
        return False
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        _warn(f"le dossier de cache {where} est modifiable par d'autres utilisateurs (droits "
              f"{stat.S_IMODE(info.st_mode):o}) : faites « chmod go-w {where} » ou choisissez un autre dossier "
              "avec PDP_NAV_CACHE_DIR")
        return False
    return True


def _warn(message: str) -> None:
    """Warn once per process; the CLI shows it (this module never prints)."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(PdpNavWarning(f"{message} ; pdp-nav continue sans cache."), stacklevel=3)


@functools.cache
def _code_stamp() -> list[Any]:
    """Size and date of the code and schemas that decide what a valid tree is.

    The version alone is not enough while pdp-nav is being developed (editable install):
    a changed check must not be bypassed by an entry made by the previous code. Made once per
    process: the code a process runs is the code it imported.
    """

    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # every module, sub-packages included
    named: list[tuple[str, str]] = []  # (name in the stamp, path); os.walk: a fifth of rglob's time
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        where = os.path.relpath(folder, package).replace(os.sep, "/")
        named += [(name if where == "." else f"{where}/{name}", os.path.join(folder, name))
                  for name in files if name.endswith(".py")]
    schemas = data_dir() / "schema"
    named += [(path.name, str(path)) for path in schemas.glob("*.json")]
    stamp: list[Any] = []
    for name, path in sorted(named):
        try:
            st = os.stat(path)
        except OSError:
            continue
        stamp.append([name, st.st_size, st.st_mtime_ns])
    return stamp


def _key(digests: dict[str, str]) -> str:
    text = json.dumps([FORMAT, __version__, _code_stamp(), sorted(digests.items())])
    return hashlib.sha256(text.encode()).hexdigest()


def _digests(tree_dir: Path) -> dict[str, str] | None:
    """sha256 of every tree file's bytes (as :mod:`yamlio` computes them), None if one is unreadable."""
    digests = {}
    for role, path in tree_files(tree_dir).items():
        try:
            digests[role] = hashlib.sha256(read_bounded(path)).hexdigest()
        except InputError:
            return None  # the full load will say what is wrong with it (a FIFO is not even opened)
    return digests


# --- reading -------------------------------------------------------------------------

def load(tree_dir: Path) -> tuple[Sources, Tree] | None:
    """The validated tree of ``tree_dir`` from the cache, or None (disabled, absent, stale, damaged)."""
    path = entry_path(tree_dir)
    if path is None or not safe_dir(path.parent, create=False):
        return None
    digests = _digests(tree_dir)
    if digests is None:
        return None
    body = read_entry(path, MAGIC, FORMAT, MAX_ENTRY)
    payload = None if body is None else _decode(body, _key(digests))
    if payload is None:
        return None

    try:
        sources, tree = _rebuild(payload, tree_dir)
        trees = (tree, *(apply_overlay(tree, doc) for doc in sources.overlays.values()))
        seen: set[int] = set()  # what the trees share (an overlay replaces a few objects) is checked once
        if all(_sound(t, seen) for t in trees):
            return sources, tree
    except Exception:  # noqa: BLE001 - whatever is wrong with an entry, the tree is read afresh
        pass
    return None


def read_entry(path: Path, magic: bytes, version: int, limit: int) -> bytes | None:
    """The body of the entry at ``path``, or None: absent, not a regular file (a link, a FIFO, a
    device), larger than ``limit``, of another kind or version, truncated or damaged.

    The caller has checked the directory (:func:`safe_dir`).
    """
    try:
        raw = read_bounded(path, limit, follow=False)
    except InputError:
        return None
    header, _, body = raw.partition(b"\n")
    return body if header == _header(magic, version, body) else None


def store_entry(path: Path, magic: bytes, version: int, body: bytes, limit: int) -> bool:
    """Write an entry that :func:`read_entry` reads back; False when the directory cannot take it."""
    if len(body) > limit or not safe_dir(path.parent, create=True):
        return False
    try:
        write_entry(path, _header(magic, version, body) + b"\n" + body)
    except OSError:
        return False  # read-only or full: the entry is simply made again next time
    return True


def _header(magic: bytes, version: int, body: bytes) -> bytes:
    """What an entry starts with: its kind, its format version and the checksum of its body."""
    return b" ".join((magic, str(version).encode(), hashlib.sha256(body).hexdigest().encode()))


def _decode(body: bytes, key: str) -> dict[str, Any] | None:
    """The payload of an entry's body if its key is right."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None  # made from other files, or by another version of pdp-nav
    return payload


def _rebuild(payload: dict[str, Any], tree_dir: Path) -> tuple[Sources, Tree]:

    files = tree_files(tree_dir)
    sources = Sources()
    for role, entry in payload["files"].items():
        data = entry["data"]
        for kind, where in entry["dates"]:
            _restore_date(data, where, kind)
        doc = Document(display_path(files[role]), data, digest=entry["digest"])
        if role.startswith("departements/"):
            sources.overlays[role.removeprefix("departements/")] = doc
        else:
            sources.docs[role] = doc
    return sources, build_tree(sources)


def _sound(tree: Tree, seen: set[int]) -> bool:
    """A cheap re-check of a rebuilt tree (linear in its size): what the commands rely on.

    The entry's checksum catches damage, not forgery: a forged entry must not make a command
    loop or crash (issue #11). So the fields have their types, every reference leads somewhere
    and the questions lead to outcomes without a cycle. The full checks are for cold loads.
    ``seen``: see :func:`_typed`.
    """
    from ..core.engine import _postorder  # a question comes after every question it leads to

    if tree.node(tree.root) is None or not _typed(tree, seen):
        return False
    rank = {qid: i for i, qid in enumerate(_postorder(tree))}
    for qid, question in tree.questions.items():
        for option in question.options:
            if option.next in tree.questions:
                if rank[option.next] >= rank[qid]:
                    return False  # a cycle
            elif option.next not in tree.outcomes:
                return False
    firsts = {d for o in tree.outcomes.values() for d in o.first}
    contacts = {c for d in tree.dispositifs.values() for c in d.contacts}
    contacts |= {c for d in tree.dispositifs.values() for c, _ in d.contact_when}
    contacts |= {c for ids in tree.local_contacts.values() for c in ids}
    return firsts <= tree.dispositifs.keys() and contacts <= tree.contacts.keys()


_TYPES = {"str": str, "bool": bool, "dt.date": dt.date}
_FIELDS: dict[type, tuple[tuple[str, Any], ...] | None] = {}
"""Per model class: each field, and its type when it is a text, flag, date or tuple of texts;
None for any other type met (a text, a number…)."""


def _typed(tree: Tree, seen: set[int]) -> bool:
    """Every text, flag and date field of the model objects in ``tree`` has its type.

    ``seen`` holds the ids of the model objects and containers already checked, skipped here: the
    caller keeps every tree it checks alive until it is done, so that no id is reused meanwhile.
    """
    stack: list[Any] = [tree]
    while stack:
        value = stack.pop()
        checks = _FIELDS.get(type(value), ())
        if checks == ():  # a type met for the first time
            checks = _FIELDS[type(value)] = tuple(
                (f.name, "texts" if f.type == "tuple[str, ...]" else _TYPES.get(str(f.type)))
                for f in fields(value)) if is_dataclass(value) else None
        if checks is None and not isinstance(value, (tuple, list, dict)):
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        if checks is None:
            stack.extend(value.values() if isinstance(value, dict) else value)
            continue
        for name, kind in checks:
            item = getattr(value, name)
            if kind is None:
                stack.append(item)
            elif kind == "texts":
                if not isinstance(item, tuple) or not all(isinstance(i, str) for i in item):
                    return False
            elif not isinstance(item, kind):
                return False
    return True


def _restore_date(data: Any, where: list[Any], kind: str) -> None:
    *parents, last = where
    for step in parents:
        data = data[step]
    parse = dt.datetime.fromisoformat if kind == "datetime" else dt.date.fromisoformat
    data[last] = parse(data[last])


# --- writing -------------------------------------------------------------------------

def store(tree_dir: Path, sources: Sources) -> None:
    """Keep the data of a tree that passed every check; silently does nothing if it cannot."""
    path = entry_path(tree_dir)
    if path is None:
        return
    docs = {**sources.docs, **{f"departements/{dep}": doc for dep, doc in sources.overlays.items()}}
    try:
        files = {role: {"digest": doc.digest, "dates": _dates(doc.data), "data": doc.data}
                 for role, doc in docs.items()}
        payload = {"key": _key({role: doc.digest for role, doc in docs.items()}), "files": files}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_iso).encode()
    except (TypeError, ValueError, RecursionError):
        return  # data JSON cannot hold: no cache for this tree
    if store_entry(path, MAGIC, FORMAT, body, MAX_ENTRY):
        _prune(path.parent)


def write_entry(path: Path, content: bytes) -> None:
    """Put ``content`` at ``path`` without ever writing through a link planted there.

    The temporary file is new (``O_EXCL``, no link followed, mode 0600), and moving it into
    place replaces whatever stood at ``path`` (a link itself, not its target).
    """
    with temporary_beside(path) as (fd, tmp):
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)


def _prune(directory: Path) -> None:
    """Remove pdp-nav's entries not rewritten for :data:`KEEP_DAYS` (tree directories long gone).

    Only regular files of ours, named like an entry and starting with its header: the cache
    directory may be one the user shares with other files (``PDP_NAV_CACHE_DIR``).
    """
    limit = dt.datetime.now().timestamp() - KEEP_DAYS * 86_400
    try:
        names = [name for name in os.listdir(directory) if _NAME.fullmatch(name)]
    except OSError:
        return
    for name in names:
        path = directory / name
        with contextlib.suppress(OSError):
            info = os.lstat(path)
            if (stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and info.st_mtime < limit
                    and _has_header(path)):
                path.unlink()


def _has_header(path: Path) -> bool:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        return os.read(fd, len(MAGIC) + 1) == MAGIC + b" "
    finally:
        os.close(fd)


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _dates(data: Any) -> list[list[Any]]:
    """Where the dates are in ``data`` (JSON stores them as text), iteratively."""
    found: list[list[Any]] = []
    stack: list[tuple[Any, list[Any]]] = [(data, [])]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, [*where, k]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*where, i]) for i, v in enumerate(value))
        elif isinstance(value, dt.datetime):
            found.append(["datetime", where])
        elif isinstance(value, dt.date):
            found.append(["date", where])
    return found
