"""``pdp-nav lois convertir``: a catalogue's legal references rewritten in ``format_version: 2``.

Only the ``legal:`` lists and ``format_version`` change, in place in the text: comments, order
and layout of everything else stay as they are (a comment *inside* a ``legal:`` list is lost).
With the codes, each article also gets its Légifrance id (``legiarti``), so that cards link
straight to it. Running it again on a converted catalogue only fills missing ids.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.legal import DATES, KEYS, from_data, label
from ..core.model import LegalRef
from ..errors import InputError, Location, Problem, display_path
from ..system.atomic import write_atomic
from .codes import Code


@dataclass
class Conversion:
    text: str
    references: int = 0
    titles: list[str] = field(default_factory=list)
    """« file:line: text » of each old reference kept as a free title (to read again)."""
    ids: int = 0
    """Légifrance ids added."""
    unknown: list[str] = field(default_factory=list)
    """« file:line: reference » of articles the codes do not hold (no id added)."""


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _scalar(key: str, value: Any) -> str:
    if key in DATES:
        return value.isoformat()
    text = str(value)
    return text if key in ("code", "article", "to", "text", "legiarti") and _PLAIN.fullmatch(text) \
        else json.dumps(text, ensure_ascii=False)


def _flow(ref: LegalRef) -> str:
    """``{code: travail, article: R4624-29, legiarti: LEGIARTI…}``."""
    parts = [f"{k}: {_scalar(k, getattr(ref, k))}" for k in KEYS if getattr(ref, k)]
    return "{" + ", ".join(parts) + "}"


def _with_id(ref: LegalRef, codes: dict[str, Code]) -> tuple[LegalRef, bool]:
    code = codes.get(ref.code)
    if ref.legiarti or code is None or ref.to:
        return ref, False
    article = code.article(ref.article)
    if article is None:
        return ref, False
    return LegalRef(**{**{k: getattr(ref, k) for k in KEYS}, "date": ref.date, "legiarti": article.id}), True


def _mapping_value(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    return None


def convert_text(text: str, name: str, codes: dict[str, Code] | None = None) -> Conversion:
    """``text`` (a catalogue) with its references in format 2; ``name`` places the messages.

    Raises:
        InputError: the text is not a catalogue (no ``dispositifs``), or not valid YAML.
    """
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise InputError(Problem(where, "YAML illisible : corrigez le fichier (pdp-nav validate) puis relancez")) \
            from None
    found = _mapping_value(root, "dispositifs") if root is not None else None
    if found is None or not isinstance(data, dict) or not isinstance(data.get("dispositifs"), dict):
        raise InputError(Problem(Location(name), (
            "ce fichier n'est pas un catalogue (pas de « dispositifs: ») : indiquez le catalogue.yaml d'un arbre")))
    result = Conversion(text)
    edits: list[tuple[int, int, str]] = []
    if root is not None and (version := _mapping_value(root, "format_version")) is not None \
            and version[1].value != "2":
        edits.append((version[1].start_mark.index, version[1].end_mark.index, "2"))
    for did_node, d_node in found[1].value:
        legal = _mapping_value(d_node, "legal")
        raw = data["dispositifs"].get(did_node.value, {}).get("legal") if isinstance(
            data["dispositifs"].get(did_node.value), dict) else None
        if legal is None or not isinstance(legal[1], yaml.SequenceNode) or not isinstance(raw, list) \
                or not raw:
            continue
        key, seq = legal
        indent = " " * (key.start_mark.column + 2)
        items: list[str] = []
        for node, item in zip(seq.value, raw, strict=True):  # the same list, as nodes and as data
            line = f"{name}:{node.start_mark.line + 1}"
            for ref in from_data(item) if isinstance(item, (str, dict)) else ():
                result.references += 1
                if ref.title and isinstance(item, str):
                    result.titles.append(f"{line}: {ref.title}")
                if codes is not None and ref.code in codes:
                    ref, added = _with_id(ref, codes)
                    result.ids += added
                    if not added and not ref.legiarti and not ref.to:
                        result.unknown.append(f"{line}: {label(ref)}")
                items.append(f"\n{indent}- {_flow(ref)}")
        end = seq.end_mark.index if getattr(seq, "flow_style", False) else seq.value[-1].end_mark.index
        edits.append((key.end_mark.index, end, ":" + "".join(items)))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    result.text = text
    return result


def convert_file(path: Path, codes: dict[str, Code] | None = None) -> Conversion:
    """Convert the catalogue at ``path`` and rewrite it atomically (unchanged files are not rewritten)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(Location(display_path(path)), (
            f"catalogue illisible ({exc.__class__.__name__}) : indiquez un fichier YAML en UTF-8"))) from None
    result = convert_text(text, display_path(path), codes)
    if result.text != text:
        write_atomic(path, result.text)
    return result
