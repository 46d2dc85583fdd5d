"""The consolidated codes of ``@socialgouv/legi-data`` (DILA open data), read into a compact cached index.

Only the maintainer's commands (``pdp-nav lois …``) read them; the navigator never does.
A code file is a tree of sections whose leaves are ``{type: "article", data: {id, num, etat,
dateDebut, dateFin, texte, …}}`` (see ``shared/domain/audit-2026-11.md``). The first read of a
file keeps, per article number, its ids, state and dates (the index) and, apart, its text; the
next runs read these small JSON files from the cache instead of the 50 MB code (issue #16).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.legal import CODES
from ..errors import InputError, Location, Problem, display_path

PACKAGE = "@socialgouv/legi-data"
PINNED = "2.513.0"
"""The package version ``scripts/fetch-codes`` downloads (Code du travail of 2026-03-27)."""
INDEX_FORMAT = 2
IN_FORCE = ("VIGUEUR", "VIGUEUR_DIFF", "ABROGE_DIFF", "MODIFIE_MORT_NE")
"""States of an article that is, or was until its end date, the text in force."""
_NEVER = dt.date(2999, 1, 1)


@dataclass(frozen=True, slots=True)
class Article:
    num: str
    id: str
    """LEGIARTI id of the version in the code file (the current one)."""
    state: str
    start: dt.date
    """Start of the current version: the text changed on that day."""
    end: dt.date | None
    """End of the version (a repeal, or a future one for ``ABROGE_DIFF``); None when open."""
    ids: tuple[str, ...]
    """Every LEGIARTI id of the article (all versions), to check an id stored in a tree."""

    def repealed(self, today: dt.date) -> bool:
        return self.state not in IN_FORCE or (self.end is not None and self.end <= today)


@dataclass
class Code:
    key: str
    """``travail``, ``securite_sociale``… (:data:`pdp_nav.core.legal.CODES`)."""
    title: str
    date: str
    """Date of the consolidated version (``dateDebutVersion``)."""
    rows: dict[str, list[Any]]
    """Article number -> its index row (made into an :class:`Article` only when looked up)."""
    texts_path: Path | None = None

    def article(self, num: str) -> Article | None:
        row = self.rows.get(num)
        if row is None:
            return None
        return Article(num, row[0], row[1], dt.date.fromisoformat(row[2]) if row[2] else dt.date.min,
                       dt.date.fromisoformat(row[3]) if row[3] else None, tuple(row[4]))

    @property
    def version(self) -> str:
        """« Code du travail du 27/03/2026 »."""
        day = dt.date.fromisoformat(self.date).strftime("%d/%m/%Y") if self.date else "date inconnue"
        return f"{self.title} du {day}"


def default_dir() -> Path:
    """Where ``scripts/fetch-codes`` puts the pinned package (``…/pdp-nav/legi-data/<version>/package``)."""
    import os  # one use; the module is imported by maintainers' commands only

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pdp-nav" / "legi-data" / PINNED / "package"


def code_files(codes_dir: Path) -> dict[str, Path]:
    """The code files present in ``codes_dir`` (the package, its ``data/`` folder, or a folder of JSON files)."""
    for folder in (codes_dir / "data", codes_dir / "package" / "data", codes_dir):
        found = {key: folder / f"{legitext}.json" for key, (_, _, legitext) in CODES.items()
                 if (folder / f"{legitext}.json").is_file()}
        if found:
            return found
    raise InputError(Problem(Location(display_path(codes_dir)), (
        "aucun code trouvé (fichiers data/LEGITEXT….json du paquet @socialgouv/legi-data) : "
        f"téléchargez-les avec « scripts/fetch-codes » (npm pack {PACKAGE}@{PINNED}) "
        "ou indiquez le dossier du paquet avec --codes DOSSIER")))


def _day(millis: Any) -> dt.date | None:
    if not isinstance(millis, (int, float)):
        return None
    day = dt.date(1970, 1, 1) + dt.timedelta(milliseconds=millis)
    return None if day >= _NEVER else day


def _plain_text(raw: str) -> str:
    """The article's text (HTML from the code file), one paragraph a line."""
    raw = re.sub(r"</p>|<br\s*/?>", "\n", raw)
    lines = (html.unescape(re.sub(r"<[^>]+>", "", line)).strip() for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def _scan(path: Path) -> tuple[dict[str, Any], dict[str, list[Any]], dict[str, str]]:
    """Read one code file: its metadata, the index rows and the texts (a repealed duplicate loses to the one in force)."""
    try:
        root = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InputError(Problem(Location(display_path(path)), (
            f"fichier de code illisible ({exc}) : retéléchargez le paquet avec scripts/fetch-codes"))) from None
    try:
        return _rows(root)
    except (KeyError, TypeError, AttributeError):
        raise InputError(Problem(Location(display_path(path)), (
            "fichier de code inattendu (ce n'est pas un code de @socialgouv/legi-data) : indiquez le dossier "
            "du paquet téléchargé par scripts/fetch-codes"))) from None


def _rows(root: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]], dict[str, str]]:
    index: dict[str, list[Any]] = {}
    texts: dict[str, str] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.get("type") == "article":
            a = node["data"]
            num = a.get("num") or ""
            if num in index and index[num][1] in ("VIGUEUR", "VIGUEUR_DIFF"):
                continue
            start, end = _day(a.get("dateDebut")), _day(a.get("dateFin"))
            ids = [v["id"] for v in a.get("articleVersions", ()) if v.get("id")]
            index[num] = [a["id"], a.get("etat", ""), start.isoformat() if start else "",
                          end.isoformat() if end else "", sorted({a["id"], *ids})]
            texts[num] = a.get("texteHtml") or a.get("texte") or ""  # made plain when shown
        else:
            stack.extend(node.get("children", ()))
    meta = root.get("data", {})
    return {"title": meta.get("title", ""), "date": meta.get("dateDebutVersion", "")}, index, texts


def _slot(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha256(f"{INDEX_FORMAT}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:24]


def _index_dir() -> Path | None:
    from ..content.cache import cache_dir  # start-up: lois montrer without a cache needs none

    directory = cache_dir()
    return directory / "legi-index" if directory else None


def read_code(key: str, path: Path) -> Code:
    """One code, from the cached index when the file has not changed since it was made."""
    directory, slot = _index_dir(), _slot(path)
    cached = directory / f"{slot}.json" if directory else None
    payload = None
    texts_path = directory / f"{slot}-textes.json" if directory else None
    if cached is not None and cached.is_file() and texts_path is not None and texts_path.is_file():
        try:
            payload = json.loads(cached.read_bytes())
        except (OSError, ValueError):
            payload = None  # a damaged index is rebuilt
    if payload is None:
        meta, index, texts = _scan(path)
        payload = {**meta, "articles": index}
        if cached is not None and texts_path is not None:
            from ..system.atomic import write_atomic  # only when the index is written

            try:
                directory.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
                write_atomic(texts_path, json.dumps(texts, ensure_ascii=False))
                write_atomic(cached, json.dumps(payload, ensure_ascii=False))
            except Exception:  # noqa: BLE001 - the index is an optimisation: never an error
                texts_path = None
        else:
            texts_path = None
        if texts_path is None:
            _TEXTS[key] = texts
    return Code(key, payload["title"], payload["date"], payload["articles"], texts_path)


_TEXTS: dict[str, dict[str, str]] = {}
"""Texts kept in memory when the cache cannot be written."""


def read_codes(codes_dir: Path, keys: tuple[str, ...] | None = None) -> dict[str, Code]:
    """The codes of ``codes_dir`` (all of them, or ``keys``), one file at a time to keep memory low."""
    files = code_files(codes_dir)
    return {key: read_code(key, path) for key, path in files.items() if keys is None or key in keys}


def article_text(code: Code, num: str) -> str:
    """The text in force of article ``num`` of ``code``."""
    if code.texts_path is None:
        return _plain_text(_TEXTS.get(code.key, {}).get(num, ""))
    return _plain_text(json.loads(code.texts_path.read_bytes()).get(num, ""))
