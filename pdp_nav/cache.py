"""Compiled cache of validated trees: a warm load skips YAML parsing, JSON Schema and lint.

Once a tree directory has passed every check, the plain data of its files is kept as JSON
(never pickle: a cache file is data, never code) in the user's cache directory
(``$PDP_NAV_CACHE_DIR``, else ``$XDG_CACHE_HOME/pdp-nav``, else ``~/.cache/pdp-nav``).
The next load reads the tree files' bytes, hashes them and, when the cached entry was made
from exactly these bytes by this version of pdp-nav, rebuilds the model from the JSON.

The cache is an optimisation only: a missing, stale, corrupted, half-written or unreadable
entry is ignored (the tree is then read and checked again), and a cache directory that
cannot be written is never an error. Entries are written to a temporary file and moved into
place, so concurrent runs never see half an entry; each holds a checksum of its content.
``--no-cache`` or ``PDP_NAV_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import PdpNavError, display_path

if TYPE_CHECKING:
    from .loader import Sources
    from .model import Tree

FORMAT = 1
"""Layout of a cache entry; bump it on any incompatible change."""
MAGIC = b"pdp-nav-cache"
KEEP_DAYS = 90
"""Entries older than this are removed when a new one is written (one slot per tree directory)."""
_OFF = {"1", "true", "yes", "oui"}


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    if os.environ.get("PDP_NAV_NO_CACHE", "").strip().lower() in _OFF:
        return None
    if override := os.environ.get("PDP_NAV_CACHE_DIR"):
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pdp-nav"


def tree_files(tree_dir: Path) -> dict[str, Path]:
    """The files a tree is made of, by role (``arbre``… then one per département overlay)."""
    from .loader import FILES

    files = {role: tree_dir / name for role, name in FILES.items()}
    for path in sorted((tree_dir / "departements").glob("*.yaml")):
        files[f"departements/{path.stem}"] = path
    return files


def entry_path(tree_dir: Path) -> Path | None:
    """The cache file of ``tree_dir`` (one slot per directory: a new version replaces the old)."""
    directory = cache_dir()
    if directory is None:
        return None
    slot = hashlib.sha256(str(tree_dir.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return directory / f"{slot}.json"


def _code_stamp() -> list[Any]:
    """Size and date of the code and schemas that decide what a valid tree is.

    The version alone is not enough while pdp-nav is being developed (editable install):
    a changed check must not be bypassed by an entry made by the previous code.
    """
    from .loader import data_dir

    here = Path(__file__).resolve().parent
    stamp: list[Any] = []
    for path in sorted([*here.glob("*.py"), *(data_dir() / "schema").glob("*.json")]):
        try:
            st = path.stat()
        except OSError:
            continue
        stamp.append([path.name, st.st_size, st.st_mtime_ns])
    return stamp


def _key(digests: dict[str, str]) -> str:
    text = json.dumps([FORMAT, __version__, _code_stamp(), sorted(digests.items())])
    return hashlib.sha256(text.encode()).hexdigest()


def _digests(tree_dir: Path) -> dict[str, str] | None:
    """sha256 of every tree file's bytes (as :mod:`yamlio` computes them), None if one is unreadable."""
    digests = {}
    for role, path in tree_files(tree_dir).items():
        try:
            digests[role] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None  # the full load will say what is wrong with it
    return digests


# --- reading -------------------------------------------------------------------------

def load(tree_dir: Path) -> tuple[Sources, Tree] | None:
    """The validated tree of ``tree_dir`` from the cache, or None (disabled, absent, stale, damaged)."""
    path = entry_path(tree_dir)
    digests = _digests(tree_dir) if path is not None else None
    if path is None or digests is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    payload = _decode(raw, _key(digests))
    if payload is None:
        return None
    try:
        return _rebuild(payload, tree_dir)
    except Exception:  # noqa: BLE001 - whatever is wrong with an entry, the tree is read afresh
        return None


def _decode(raw: bytes, key: str) -> dict[str, Any] | None:
    """The payload of an entry if its header, checksum and key are right."""
    header, _, body = raw.partition(b"\n")
    parts = header.split(b" ")
    if len(parts) != 3 or parts[0] != MAGIC or parts[1] != str(FORMAT).encode():
        return None
    if hashlib.sha256(body).hexdigest().encode() != parts[2]:
        return None  # truncated or damaged
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None  # made from other files, or by another version of pdp-nav
    return payload


def _rebuild(payload: dict[str, Any], tree_dir: Path) -> tuple[Sources, Tree]:
    from .loader import Sources, build_tree
    from .yamlio import Document

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
    header = b" ".join((MAGIC, str(FORMAT).encode(), hashlib.sha256(body).hexdigest().encode()))
    from .atomic import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, header + b"\n" + body)
    except (OSError, PdpNavError):
        return  # read-only or full cache directory: the tree is simply read again next time
    _prune(path.parent)


def _prune(directory: Path) -> None:
    """Remove the entries not rewritten for :data:`KEEP_DAYS` (tree directories long gone)."""
    limit = dt.datetime.now().timestamp() - KEEP_DAYS * 86_400
    try:
        for entry in directory.glob("*.json"):
            if entry.stat().st_mtime < limit:
                entry.unlink()
    except OSError:
        pass


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
