"""The consolidated codes of ``@socialgouv/legi-data`` (DILA open data), read into a compact cached index.

Only the maintainer's commands (``pdp-nav lois …``) read them; the navigator never does.
A code file is a tree of sections whose leaves are ``{type: "article", data: {id, num, etat,
dateDebut, dateFin, texte, …}}`` (see ``shared/domain/audit-2026-11.md``). The first read of a
file scans its bytes for what the index keeps per article number (ids, state, dates, whether it
has a text); the next runs read that index (about 1 MB a code) from the cache instead of the
50 MB code, and ``lois montrer`` finds and decodes the one text it shows (issue #16).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..content.cache import cache_dir, read_entry, safe_dir, slot, store_entry
from ..core.legal import CODES
from ..errors import InputError, Location, Problem, display_path

PACKAGE = "@socialgouv/legi-data"
PINNED = "2.513.0"
"""The package version ``scripts/fetch-codes`` downloads (Code du travail of 2026-03-27)."""
INDEX_FORMAT = 3
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
    rows: dict[str, Any]
    """Article number -> its index row, a list (or, from the cached index, the same packed in one
    string, unpacked when looked up: decoding 28,000 strings is 3 × faster than 28,000 lists)."""
    source: Path | None = None
    """The code file, where :func:`article_text` finds the one text it shows."""

    def article(self, num: str) -> Article | None:
        row = self.rows.get(num)
        if row is None:
            return None
        if type(row) is str:  # as the cached index keeps it
            row = _unpack(row)
            if row is not None:
                self.rows[num] = row
        if row is None or not _sound_row(row):  # a cached index that passed its checksum but is not one we wrote
            self.rows = read_code(self.key, self.source, fresh=True).rows if self.source else {}
            return self.article(num) if num in self.rows and _sound_row(self.rows[num]) else None
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


def _scan(path: Path) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Read one code file: its metadata and the index rows (a repealed duplicate loses to the one in force).

    The raw bytes are scanned for the few keys the index needs (:func:`_fast_rows`); a file the
    scan does not fully account for is read with :mod:`json` instead (:func:`_rows`), which gives
    the same rows, without the texts' offsets.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    fast = _fast_rows(raw)
    if fast is not None:
        return fast
    try:
        root = json.loads(raw)
    except ValueError as exc:
        raise _unreadable(path, exc) from None
    del raw
    try:
        return _rows(root)
    except (KeyError, TypeError, AttributeError):
        raise InputError(Problem(Location(display_path(path)), (
            "fichier de code inattendu (ce n'est pas un code de @socialgouv/legi-data) : indiquez le dossier "
            "du paquet téléchargé par scripts/fetch-codes"))) from None


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(Problem(Location(display_path(path)), (
        f"fichier de code illisible ({exc}) : retéléchargez le paquet avec scripts/fetch-codes")))


def _rows(root: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The index from the whole file parsed by :mod:`json` (the reference the fast scan must equal)."""
    index: dict[str, list[Any]] = {}
    stack = [root]
    while stack:
        node = stack.pop()  # the last child first: articles come in reverse file order
        if node.get("type") == "article":
            a = node["data"]
            num = a.get("num") or ""
            if num in index and index[num][1] in ("VIGUEUR", "VIGUEUR_DIFF"):
                continue
            ids = [v["id"] for v in a.get("articleVersions", ()) if v.get("id")]
            text = TEXT_UNKNOWN if a.get("texteHtml") or a.get("texte") else TEXT_NONE
            index[num] = _row(a["id"], a.get("etat", ""), a.get("dateDebut"), a.get("dateFin"), ids, text)
        else:
            stack.extend(node.get("children", ()))
    meta = root.get("data", {})
    return {"title": meta.get("title", ""), "date": meta.get("dateDebutVersion", "")}, index


def _row(aid: Any, state: Any, start_ms: Any, end_ms: Any, ids: list[Any], text: int) -> list[Any]:
    start, end = _day(start_ms), _day(end_ms)
    return [aid, state, start.isoformat() if start else "", end.isoformat() if end else "",
            sorted({aid, *ids}), text]


TEXT_NONE = 0
"""An article without text (an index row's last item; see also TEXT_UNKNOWN and TEXT_IN_FILE)."""
TEXT_UNKNOWN = -1
"""The article has a text and the file was read by :mod:`json`: :func:`article_text` parses it again."""

# The fast scan. A legi-data file is a tree of nodes whose "data" objects (the code's, each
# section's, each article's) never nest: their values are scalars or arrays of flat objects
# ("articleVersions", "lienModifications"). One regular expression finds, in file order, the few
# keys the index needs: a key belongs to the last "data" object opened before it, and an
# "articleVersions" array is taken whole, so the keys inside it are never taken for the
# article's (for a key written twice, the last one counts, as with json). In valid JSON an
# unescaped `"` only delimits strings, so no key is found inside a text. No object is built for
# the 50 MB of texts and links, and `findall` hands the keys over without a match object each.
_STRING = rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
_STRING_RE = re.compile(_STRING)
_FLAT = rb'\{(?:[^{}\[\]"]++|' + _STRING + rb")*+\}"
_ARRAY = rb'\[(?:[^\[\]{}"]++|' + _STRING + rb"|" + _FLAT + rb")*+\]"
_SCALAR = rb"(?:" + _STRING + rb"|[-+.\w]++)"
TEXT_IN_FILE = -2
"""The article has a text: ``lois montrer`` finds it in the code file (:func:`_text_offset`)."""


@functools.cache
def _expressions() -> tuple[re.Pattern[bytes], ...]:
    """The scan's expressions, compiled when first needed (not for a run from the index)."""
    keys = re.compile(
        rb'"(?:(num|id|etat|dateDebut|dateFin|title|dateDebutVersion)"\s*+:\s*+(' + _SCALAR + rb"|[\[{])"
        rb'|(texteHtml|texte)"\s*+:\s*+("(?!")|[\[{]|)'  # '"': a text that is not empty
        rb'|(data)"\s*+:\s*+(\{?)'
        rb'|type"\s*+:\s*+"(article)"'
        rb'|articleVersions"\s*+:\s*+(' + _ARRAY + rb"|))")
    return keys, re.compile(rb'\s*+\{\s*+(?="data")'), re.compile(rb'"id"\s*+:\s*+(' + _STRING + rb")")


def _value(token: bytes) -> Any:
    """A scalar's JSON token decoded (plain strings and integers without :mod:`json`)."""
    if token[:1] == b'"':
        if b"\\" not in token:
            return token[1:-1].decode()
    elif token.isdigit():
        return int(token)
    return json.loads(token)


def _objects(raw: bytes) -> tuple[list[dict[bytes, bytes]], int] | None:
    """Each "data" object's wanted keys (raw tokens), and the number of article nodes; None if unreadable."""
    keys, opening, _ = _expressions()
    root = opening.match(raw)
    if root is None or not raw.rstrip().endswith(b"}"):
        return None  # not an object opening with its "data", or cut short
    objects: list[dict[bytes, bytes]] = []
    current: dict[bytes, bytes] | None = None
    articles = 0
    for field, value, text, flag, data, brace, article, versions in keys.findall(raw, root.end()):
        if data:
            if not brace:
                return None
            current = {}
            objects.append(current)
        elif article:
            articles += 1
        elif current is None:
            return None
        elif field:
            current[field] = value
        elif text:
            current[text] = flag
        elif versions:
            current[b"versions"] = versions
        else:
            return None  # an "articleVersions" that is not an array of flat objects
    return (objects, articles) if objects else None


def _fast_rows(raw: bytes) -> tuple[dict[str, Any], dict[str, list[Any]]] | None:
    """The index of a code file from its raw bytes, or None when the file is not laid out as expected."""
    found = _objects(raw)
    if found is None:
        return None
    (meta, *objects), count = found
    articles = [o for o in objects if b"num" in o or b"versions" in o]
    if len(articles) != count:
        return None  # an article the expression could not read: json will
    version_id = _expressions()[2]
    index: dict[str, list[Any]] = {}
    days: dict[bytes | None, str] = {}  # a date's token -> its ISO day: most dates repeat

    def day(token: bytes | None) -> str:
        iso = days.get(token)
        if iso is None:
            when = _day(_value(token)) if token is not None else None
            iso = days[token] = when.isoformat() if when else ""
        return iso

    for a in reversed(articles):  # as _rows: the last article of the file first
        get = a.get
        num, aid, state, start, end = get(b"num"), get(b"id"), get(b"etat"), get(b"dateDebut"), get(b"dateFin")
        if aid is None:
            return None
        firsts = b"".join(v[:1] for v in (num, aid, state, start, end) if v is not None)
        if b"[" in firsts or b"{" in firsts:
            return None  # not a scalar: not the layout the scan knows
        number = (_value(num) if num is not None else None) or ""
        if number in index and index[number][1] in ("VIGUEUR", "VIGUEUR_DIFF"):
            continue
        text = TEXT_NONE
        for key in (b"texteHtml", b"texte"):
            flag = get(key)
            if flag == b'"':
                text = TEXT_IN_FILE
                break
            if flag:
                return None  # an array or an object
        aid = _value(aid)
        ids = {aid}
        if b"versions" in a:
            ids.update(v for v in map(_value, version_id.findall(a[b"versions"])) if v)
        index[number] = [aid, _value(state) if state is not None else "", day(start), day(end), sorted(ids), text]
    title, date = meta.get(b"title"), meta.get(b"dateDebutVersion")
    return {"title": _value(title) if title is not None else "",
            "date": _value(date) if date is not None else ""}, index


def _text_offset(raw: bytes, num: str, aid: str) -> int | None:
    """Where the text of article ``num`` (id ``aid``) starts in ``raw``, found as the scan reads it."""
    keys = _expressions()[0]
    token = json.dumps(aid).encode()
    for hit in re.finditer(rb'"id"\s*+:\s*+' + re.escape(token), raw):
        start = raw.rfind(b'"data"', 0, hit.start())
        fields: dict[bytes, bytes] = {}
        texts: dict[bytes, int] = {}
        for n, match in enumerate(keys.finditer(raw, start)):
            if n and (match[5] or match[7]):
                break  # the next object, or this node's end
            if match[1]:
                fields[match[1]] = match[2]
            elif match[3] and match[4] == b'"':
                texts[match[3]] = match.start(4)
        if fields.get(b"id") == token and ((_value(fields[b"num"]) if b"num" in fields else None) or "") == num:
            return texts.get(b"texteHtml", texts.get(b"texte"))
    return None


# --- The cached index ------------------------------------------------------------------------
# One entry per code file (its slot: the file's path), like pdp_nav/cache.py: a header with a
# checksum of the body, the body keyed by the file's stamp; written through a new temporary file
# moved into place, never read through a link, ignored when stale, damaged or malformed.

MAGIC = b"pdp-nav-legi-index"
MAX_INDEX = 64 * 1_048_576
"""Largest index entry read (the three codes' are about 1.5 MB each)."""
_SAMPLE = 1 << 20


def _stamp(path: Path) -> str:
    """What the index of ``path`` is made from: the reader's format, the file's size, date and ends.

    npm gives every file of a package the same date, so the first and last MiB (the code's
    version date is at the top) and the size tell two versions apart without hashing 50 MB.
    """
    with path.open("rb") as handle:
        info = os.fstat(handle.fileno())
        digest = hashlib.sha256(handle.read(_SAMPLE))
        if info.st_size > _SAMPLE:
            handle.seek(max(_SAMPLE, info.st_size - _SAMPLE))
            digest.update(handle.read(_SAMPLE))
    return f"{INDEX_FORMAT}|{__version__}|{info.st_size}|{info.st_mtime_ns}|{digest.hexdigest()}"


def _index_dir() -> Path | None:
    directory = cache_dir()
    return directory / "legi-index" if directory else None


def _entry(path: Path) -> Path | None:
    directory = _index_dir()
    if directory is None:
        return None
    return directory / f"legi-{slot(path)[:24]}.index"


def _load_index(entry: Path, stamp: str) -> dict[str, Any] | None:
    """The cached payload for ``stamp``, or None (absent, stale, damaged, malformed, unsafe)."""
    body = read_entry(entry, MAGIC, INDEX_FORMAT, MAX_INDEX) if safe_dir(entry.parent, create=False) else None
    if body is None:
        return None
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not (isinstance(payload, dict) and payload.get("key") == stamp and isinstance(payload.get("title"), str)
            and isinstance(payload.get("date"), str) and isinstance(payload.get("articles"), dict)):
        return None
    if not all(type(row) is str for row in payload["articles"].values()):
        return None  # every row pdp-nav writes is packed (_pack)
    return payload  # each row is unpacked and checked when it is used (Code.article): 125 of 28,000


def _sound_row(row: Any) -> bool:
    return (type(row) is list and len(row) == 6 and type(row[0]) is str and type(row[2]) is str
            and type(row[3]) is str and _iso(row[2]) and _iso(row[3]) and type(row[4]) is list
            and type(row[5]) is int)


def _pack(row: list[Any]) -> Any:
    """A row as one string (``id``, state, start, end, ids, text, tab-separated); a row whose values
    could not be told apart again (not texts, or with tabs) stays a list, and makes the entry ignored."""
    values = [_NULL if v is None else v for v in row[:4]]  # a null state: 9 articles of the CSS
    values.append(" ".join(row[4]) if all(type(i) is str and " " not in i for i in row[4]) else None)
    if not all(type(v) is str and "\t" not in v for v in values) or type(row[5]) is not int:
        return row
    return "\t".join([*values, str(row[5])])


_NULL = "\x00"
"""A null value in a packed row (never in an id, a state or a date)."""


def _unpack(text: str) -> list[Any] | None:
    parts: list[Any] = text.split("\t")
    if len(parts) != 6 or not parts[5].lstrip("-").isdigit():
        return None
    return [*(None if v == _NULL else v for v in parts[:4]), parts[4].split(" ") if parts[4] else [], int(parts[5])]


def _iso(text: str) -> bool:
    if not text:
        return True
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _store_index(entry: Path, payload: dict[str, Any]) -> None:
    """Write the entry; silently nothing when the cache directory cannot take it."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    store_entry(entry, MAGIC, INDEX_FORMAT, body, MAX_INDEX)  # if it cannot, the code is scanned again next time


def read_code(key: str, path: Path, fresh: bool = False) -> Code:
    """One code, from the cached index when the file has not changed since it was made (unless ``fresh``)."""
    try:
        stamp = _stamp(path)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    entry = _entry(path)
    payload = _load_index(entry, stamp) if entry is not None and not fresh else None
    if payload is None:
        meta, index = _scan(path)
        payload = {"key": stamp, **meta, "articles": index}
        if entry is not None:
            _store_index(entry, {**payload, "articles": {num: _pack(row) for num, row in index.items()}})
    return Code(key, payload["title"], payload["date"], payload["articles"], path)


def read_codes(codes_dir: Path, keys: tuple[str, ...] | None = None) -> dict[str, Code]:
    """The codes of ``codes_dir`` (all of them, or ``keys``), one file at a time to keep memory low."""
    files = code_files(codes_dir)
    return {key: read_code(key, path) for key, path in files.items() if keys is None or key in keys}


def article_text(code: Code, num: str) -> str:
    """The text in force of article ``num`` of ``code``, decoded alone from the code file."""
    if code.article(num) is None or code.source is None:  # checks the row
        return ""
    row = code.rows[num]
    if row[5] == TEXT_NONE:
        return ""
    raw = code.source.read_bytes()
    at = _text_offset(raw, num, row[0]) if row[5] == TEXT_IN_FILE else None
    match = _STRING_RE.match(raw, at) if at is not None else None
    if match is None:  # read by json (a layout the scan does not know), or the file changed since
        return _plain_text(_json_text(code.source, num, row[0]))
    return _plain_text(json.loads(match[0]))


def _json_text(path: Path, num: str, aid: str) -> str:
    stack: list[Any] = [json.loads(path.read_bytes())]
    while stack:
        node = stack.pop()
        if node.get("type") == "article":
            a = node["data"]
            if (a.get("num") or "") == num and a.get("id") == aid:
                return a.get("texteHtml") or a.get("texte") or ""
        else:
            stack.extend(node.get("children", ()))
    return ""
