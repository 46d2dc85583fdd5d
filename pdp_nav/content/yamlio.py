"""Safe YAML reading that remembers where every value and key stands in its file.

Only plain data is built (mappings, lists, strings, numbers, booleans, dates, null).
The document is composed from the parser's event stream without recursion, so that
aliases ("billion laughs"), Python tags, duplicate keys, huge files and deep nesting
all become French errors with a file position instead of crashes or silent data loss.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Location, Problem, display_path, shown
from ..system.reading import MAX_BYTES, read_bounded
from .document import Document, YamlPath

try:  # the C parser is about 4x faster; fall back when libyaml is absent
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted."""

_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map")
} | {None, "!"}

_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
"""Plain numbers as people write them; YAML 1.1's octal (010), hexadecimal, 1_000, 1:30 and
unquoted dates stay text as written, so that a value where text or an id is expected is that
text, and `checked` is read (and checked as a real date) by the schema."""

def read_yaml(path: Path, limit: int = MAX_BYTES, *, streams: bool = False) -> Document:
    """Read and parse ``path`` (see :func:`read_bounded` for ``limit`` and ``streams``).

    Raises:
        InputError: the file is missing, too big, binary, not UTF-8, or not safe plain YAML.
    """
    return parse_yaml(read_bounded(path, limit, streams=streams), display_path(path))


def _decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError(Problem(Location(name, line, 1), (
            "fichier binaire (octet nul) : un fichier texte YAML en UTF-8 est attendu")))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise InputError(Problem(Location(name, line, column), (
            f"encodage invalide (octet 0x{raw[exc.start]:02x}) : enregistrez le fichier en UTF-8"))) from None


def parse_yaml(source: bytes | str, name: str = "<texte>") -> Document:
    """Parse one YAML document from ``source`` into a :class:`Document`.

    Raises:
        InputError: every problem found (all duplicate keys, forbidden tags… at once).
    """
    raw = source if isinstance(source, bytes) else source.encode("utf-8")
    doc = _Composer(name).compose(_decode(raw, name))
    doc.digest = hashlib.sha256(raw).hexdigest()
    return doc


class _Composer:
    """Builds plain data from parser events, iteratively, recording positions."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.doc = Document(name, None)
        self.problems: list[Problem] = []
        self.resolver = yaml.resolver.Resolver()
        self.tags: dict[tuple[str, Any], str] = {}
        """The implicit tag of each short plain scalar: the resolver's answer depends on nothing else."""
        self.constructor = yaml.constructor.SafeConstructor()

    def _problem(self, mark: Any, message: str) -> None:
        self.problems.append(Problem(Location(self.name, mark.line + 1, mark.column + 1), message))

    def compose(self, text: str) -> Document:
        try:
            self._run(yaml.parse(text, Loader=_Loader))
        except yaml.reader.ReaderError as exc:  # a control character (C parser: no mark)
            char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
            index = max(text.find(char), 0)
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1) + 1
            self.problems.append(Problem(Location(self.name, line, column), (
                f"caractère de contrôle interdit (U+{ord(char[:1] or ' '):04X}) : supprimez-le "
                "(il vient souvent d'un copier-coller)")))
        except yaml.YAMLError as exc:
            # Our own nesting limit comes first, whatever limit (and wording) the parser has:
            # the text up to the bracket too many is read again, so that _run stops it
            deep = _too_deep(text)
            if deep is not None:
                self.doc = Document(self.name, None)
                try:
                    self._run(yaml.parse(text[: deep + 1], Loader=_Loader))
                except (yaml.YAMLError, _Abort):
                    pass
            if not self.problems:
                self.problems.append(_syntax_problem(self.name, text, exc))
        except _Abort:
            pass
        if self.problems:
            raise InputError(self.problems)
        return self.doc

    def _run(self, events: Any) -> None:
        # Each frame: [container, path, pending_key or _NO_KEY]. Scalars come first: they are
        # most of the events (issue #11: a 20,000-question tree is 680,000 events).
        stack: list[list[Any]] = []
        documents = 0
        scalar, collection_start, collection_end = yaml.ScalarEvent, _COLLECTION_STARTS, _COLLECTION_ENDS
        marks, key_marks = self.doc.marks, self.doc.key_marks
        for event in events:
            kind = type(event)
            if kind is scalar:
                if event.tag not in _ALLOWED_TAGS:
                    self._forbidden_tag(event)
                    raise _Abort
                frame = stack[-1] if stack else None
                if frame is None or type(frame[0]) is not dict:
                    self._place(stack, self._scalar(event), event)
                    continue
                key = frame[2]
                if key is _NO_KEY:
                    if event.value in frame[0]:
                        self._take_key(frame, event)
                    else:  # a new key, inlined: most events are keys and texts
                        mark = event.start_mark
                        key_marks[(*frame[1], event.value)] = (mark.line + 1, mark.column + 1)
                        frame[2] = event.value
                elif key is _DUPLICATE:
                    self._place(stack, self._scalar(event), event)
                elif type(value := self._scalar(event)) is not str:
                    self._place(stack, value, event)
                else:  # the common case, inlined (issue #11): a text value under a new key
                    frame[0][key] = value
                    frame[2] = _NO_KEY
                    mark = event.start_mark
                    marks[(*frame[1], key)] = (mark.line + 1, mark.column + 1)
            elif kind in collection_end:
                stack.pop()
            elif kind in collection_start:
                if event.tag not in _ALLOWED_TAGS:
                    self._forbidden_tag(event)
                    raise _Abort
                if len(stack) >= MAX_DEPTH:
                    self._problem(event.start_mark, _TOO_DEEP)
                    raise _Abort
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = self._place(stack, container, event)
                stack.append([container, path, _NO_KEY])
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self._problem(event.start_mark, (
                        "plusieurs documents YAML (« --- ») dans un même fichier : n'en gardez qu'un"))
                    raise _Abort
            elif kind is yaml.AliasEvent:
                self._problem(event.start_mark, (
                    f"alias YAML « *{event.anchor} » refusé : pdp-nav n'accepte ni ancres ni alias, "
                    "recopiez la valeur"))
                raise _Abort

    def _forbidden_tag(self, event: Any) -> None:
        tag = event.tag.replace("tag:yaml.org,2002:", "!!")
        self._problem(event.start_mark, (
            f"balise YAML « {tag} » refusée : seules les données simples (texte, nombres, listes, "
            "dictionnaires, dates) sont acceptées"))

    def _take_key(self, frame: list[Any], event: Any) -> None:
        key = event.value
        mapping, path = frame[0], frame[1]
        if key in mapping:
            first = self.doc.key_marks[(*path, key)]
            self.doc.problems.append(Problem(
                Location(self.name, event.start_mark.line + 1, event.start_mark.column + 1),
                f"clé « {key} » en double (déjà définie ligne {first[0]}) : YAML ne garderait "
                "que la dernière ; supprimez ou renommez l'une des deux", rule="duplicate-key"))
            frame[2] = _DUPLICATE
            return
        self.doc.key_marks[(*path, key)] = (event.start_mark.line + 1, event.start_mark.column + 1)
        frame[2] = key

    def _place(self, stack: list[list[Any]], value: Any, event: Any) -> YamlPath:
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        if not stack:
            self.doc.data = value
            self.doc.marks[()] = mark
            return ()
        frame = stack[-1]
        parent, ppath = frame[0], frame[1]
        if isinstance(parent, list):
            path = (*ppath, len(parent))
            parent.append(value)
        else:
            key = frame[2]
            frame[2] = _NO_KEY
            if key is _DUPLICATE:
                return (*ppath, "\0duplicate")
            if key is _NO_KEY:  # a mapping or list used as a key
                self._problem(event.start_mark, "une clé doit être un simple texte")
                raise _Abort
            path = (*ppath, key)
            parent[key] = value
        self.doc.marks[path] = mark
        if isinstance(event, yaml.ScalarEvent) and not isinstance(value, str):
            self.doc.written[path] = event.value
        return path

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag in (None, "!"):
            if not event.implicit[0]:  # quoted: always text
                return event.value
            value = event.value
            if len(value) > 32:
                tag = self.resolver.resolve(yaml.ScalarNode, value, event.implicit)
            elif (tag := self.tags.get((value, event.implicit))) is None:  # ids, numbers, yes/no repeat
                tag = self.tags[(value, event.implicit)] = self.resolver.resolve(
                    yaml.ScalarNode, value, event.implicit)
        if tag == _STR:  # what the constructor would return for text, without building a node
            return event.value
        try:
            if event.tag in (None, "!"):
                if tag == _INT:  # plain decimal digits or text: int() is what PyYAML would return
                    return int(event.value) if _DECIMAL.match(event.value) else event.value
                if tag.endswith(":timestamp") or tag.endswith(":float") and ("_" in event.value or ":" in event.value):
                    return event.value
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError):
            kind = tag.rsplit(":", 1)[-1]
            self._problem(event.start_mark,
                          f"valeur « {shown(event.value)} » illisible : {_KINDS.get(kind, kind)} invalide")
            return event.value


_KINDS = {"int": "nombre entier", "float": "nombre", "bool": "booléen", "null": "valeur vide"}


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_COLLECTION_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_COLLECTION_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _Abort(Exception):
    """Stops composing after a problem that makes the rest meaningless."""


_NO_KEY = object()
_DUPLICATE = object()


_TOO_DEEP = f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux) : simplifiez la structure"
_VALUE_START = ":-?,[{\n"
"""After one of these (or at the start of a line) a value may begin: a quote or a bracket opens."""


def _too_deep(text: str) -> int | None:
    """The index where ``[`` / ``{`` brackets open level MAX_DEPTH + 1, if they do.

    Read only after a parser error: a parser may stop deep brackets with its own limit (libyaml
    in PyYAML 6.0.4: 1,000 levels) before their events reach :meth:`_Composer._run`.
    """
    depth, quote, prev, blank, i = 0, "", "\n", True, 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote, prev = "", c
        elif c in " \t":
            blank = True
        elif c in "\r\n":
            prev, blank = "\n", True
        elif c == "#" and blank:
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        else:
            starts = depth > 0 or prev in _VALUE_START
            if c in "[{" and starts:
                depth += 1
                if depth > MAX_DEPTH:
                    return i
            elif c in "]}" and depth:
                depth -= 1
            elif c in "'\"" and starts:
                quote = c
            prev, blank = c, False
        i += 1
    return None


_UNCLOSED = {  # what a parser error's context points at -> (its name, what to add)
    "[": ("le crochet « [ » ouvert", "n'est pas refermé : ajoutez « ] » ou une « , » entre deux éléments"),
    "{": ("l'accolade « { » ouverte", "n'est pas refermée : ajoutez « } » ou une « , » entre deux éléments"),
    '"': ("le guillemet « \" » ouvert", "n'est pas refermé : ajoutez « \" »"),
    "'": ("l'apostrophe « ' » ouverte", "n'est pas refermée : ajoutez « ' » (et doublez celles du texte)"),
}


def _char_at(text: str, mark: Any) -> str:
    """The character a parser mark points at ("" at the end of the text)."""
    lines = text.split("\n")
    if mark is None or mark.line >= len(lines):
        return ""
    return lines[mark.line][mark.column: mark.column + 1]


def _syntax_problem(name: str, text: str, exc: yaml.YAMLError) -> Problem:
    """A French message for a YAML syntax error, from its marks and the characters they point at.

    PyYAML's own (English) wording changes between releases: it is never shown nor read.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = getattr(exc, "context_mark", None)
    where = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
    char, opener = _char_at(text, mark), _char_at(text, context)
    before = text.split("\n")[mark.line][mark.column - 1: mark.column] if mark and mark.column else ""
    if opener == '"' and "\\" in (char, before):
        hint = ("séquence « \\ » inconnue entre guillemets doubles : doublez la barre oblique "
                "ou utilisez des guillemets simples")
    elif char == "\t":
        hint = "tabulation : indentez avec des espaces"
    elif (opener in _UNCLOSED and context is not None and mark is not None
          and (context.line, context.column) != (mark.line, mark.column)):
        opened, fix = _UNCLOSED[opener]
        hint = f"{opened} ligne {context.line + 1}, colonne {context.column + 1} {fix}"
    elif char == "":
        hint = "fin de fichier inattendue (guillemet ou crochet non fermé ?)"
    elif char == ":":
        hint = "« : » inattendu (une valeur contient-elle « : » sans guillemets ?)"
    elif char in "@`%|>!&*":
        hint = f"« {char} » réservé en début de valeur : mettez la valeur entre guillemets"
    else:
        hint = f"« {shown(char)} » inattendu : vérifiez l'indentation (des espaces) et la ponctuation"
    return Problem(where, f"erreur de syntaxe YAML : {hint}")
