"""Legal references: reading them (structured, or the old free-text form), their French label, their Légifrance link.

A catalogue in ``format_version: 2`` writes each reference as a small mapping
(``{code: travail, article: R4624-29}``, ``{text: decret, number: "2022-372", date: 2022-03-16}``
or ``{title: "…"}``); ``format_version: 1`` wrote strings such as « C. trav., art. R4624-29 »,
which :func:`parse_citation` turns into the same references (issue #16).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

from .model import LegalRef

CODES = {
    "travail": ("C. trav.", "Code du travail", "LEGITEXT000006072050"),
    "securite_sociale": ("CSS", "Code de la sécurité sociale", "LEGITEXT000006073189"),
    "rural": ("C. rur.", "Code rural et de la pêche maritime", "LEGITEXT000022197698"),
    "action_sociale": ("CASF", "Code de l'action sociale et des familles", "LEGITEXT000006074069"),
    "fonction_publique": ("CGFP", "Code général de la fonction publique", "LEGITEXT000044416551"),
}
"""Code key -> (abbreviation in labels, full name, Légifrance id of the code)."""
TEXTS = {"decret": "Décret", "loi": "Loi", "ordonnance": "Ordonnance", "arrete": "Arrêté",
         "circulaire": "Circulaire", "instruction": "Instruction"}
KEYS = ("code", "article", "to", "detail", "text", "number", "date", "title", "note", "until", "legiarti", "url")
"""Keys of a reference, in the order they are written."""
DATES = ("date", "until")
"""Keys of a reference whose value is a date."""
ARTICLE = r"(?:[LRD]\*?\d+(?:-\d+)*|[LRD]\*?\.\s?\d+(?:-\d+)*)"
LEGIFRANCE = "https://www.legifrance.gouv.fr"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
EXAMPLES = ('{code: travail, article: R4624-29}, {text: decret, number: "2022-372", date: 2022-03-16} '
            'ou {title: "…"}')


# --- Labels and links ---------------------------------------------------------------------

def french_date(day: dt.date) -> str:
    """« 16 mars 2022 », « 1er août 2021 »."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def label(ref: LegalRef) -> str:
    """The reference as a French citation: « C. trav., art. R4624-29 », « Décret n° 2022-372 du 16 mars 2022 »,
    « C. trav., art. L6323-17-2 (abrogé à compter du 1er janvier 2027) »."""
    if ref.code:
        text = f"{CODES[ref.code][0]}, art. {ref.article}" + (f" à {ref.to}" if ref.to else "")
    elif ref.text:
        text = TEXTS[ref.text] + (f" n° {ref.number}" if ref.number else "")
        text += (f" du {french_date(ref.date)}" if ref.date else "") + (f", art. {ref.article}" if ref.article else "")
    else:
        text = ref.title
    text += f" {ref.detail}" if ref.detail else ""
    text += f" ({ref.note})" if ref.note else ""
    # worded to stay true on both sides of the date: the card is not rewritten on that day
    return text + (f" (abrogé à compter du {french_date(ref.until)})" if ref.until else "")


def link(ref: LegalRef) -> str:
    """The Légifrance page of the reference, or "" for a free title without url.

    An article with its ``LEGIARTI`` id links to ``/codes/article_lc/<id>``, which Légifrance
    redirects to the version in force; without the id (a tree not yet filled by
    ``pdp-nav lois convertir --codes``), and for a text without ``url``, a Légifrance search.
    """
    if ref.url:
        return ref.url
    if ref.legiarti:
        return f"{LEGIFRANCE}/codes/article_lc/{ref.legiarti}"
    if ref.code:
        return f"{LEGIFRANCE}/search/code?tab_selection=code&query={quote_plus(CODES[ref.code][1] + ' ' + ref.article)}"
    if ref.text:
        return f"{LEGIFRANCE}/search/all?tab_selection=all&query={quote_plus(label(ref))}"
    return ""


def text_with_link(ref: LegalRef) -> str:
    """« C. trav., art. R4624-29 <https://…> »: a reference in plain text, its link in angle brackets."""
    url = link(ref)
    return f"{label(ref)} <{url}>" if url else label(ref)


def markdown_link(ref: LegalRef, escape: Callable[[str], str]) -> str:
    """``[label](url)``, the label escaped by ``escape``."""
    url = link(ref)
    return f"[{escape(label(ref))}]({url})" if url else escape(label(ref))


def ref_data(ref: LegalRef) -> dict[str, Any]:
    """The reference as plain data (the YAML form), only the keys that are set; dates in ISO."""
    data = {k: getattr(ref, k) for k in KEYS if getattr(ref, k)}
    for key in DATES:
        if key in data:
            data[key] = data[key].isoformat()
    return data


def json_data(ref: LegalRef) -> dict[str, Any]:
    """A reference in a JSON output: its French label, its link, and its structured fields."""
    return {"label": label(ref), "url": link(ref), **ref_data(ref)}


# --- Reading -----------------------------------------------------------------------------

def from_data(item: Any) -> tuple[LegalRef, ...]:
    """One schema-valid item of ``legal:``: a mapping (format 2) or a string (format 1)."""
    if isinstance(item, str):
        return parse_citation(item)
    fields: dict[str, Any] = {k: str(v) for k, v in item.items() if k not in DATES}
    for key in DATES:
        day = item.get(key)
        fields[key] = day if day is None or isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
    return (LegalRef(**fields),)


_CODE_PREFIXES = {"c. trav.": "travail", "css": "securite_sociale", "c. séc. soc.": "securite_sociale",
                  "c. rur.": "rural", "casf": "action_sociale", "cgfp": "fonction_publique"}
_CODE_RE = re.compile(r"(?P<code>C\. trav\.|CSS|C\. séc\. soc\.|C\. rur\.|CASF|CGFP)\s*,?\s*art\.\s*(?P<rest>.+)",
                      re.IGNORECASE)
_NOTE_RE = re.compile(r"(?P<body>.*?)\s*\((?P<note>[^()]*(?:\([^()]*\)[^()]*)*)\)")
_ITEM_RE = re.compile(
    rf"(?P<article>{ARTICLE})(?:\s+à\s+(?P<to>{ARTICLE}))?(?:\s+(?P<detail>\d+°|et suivants|s\.))?"
    rf"(?:\s*(?:et|,)\s+(?P<more>.+))?")
_TEXT_RE = re.compile(
    r"(?P<kind>Décret|Loi|Ordonnance|Arrêté|Circulaire|Instruction)(?:\s+n°\s*(?P<number>\d[\w/-]*))?"
    r"(?:\s+du\s+(?P<date>\d{1,2}(?:er)?\s+\w+\s+\d{4}))?(?:\s*,\s*art\.\s*(?P<article>[\w-]+))?",
    re.IGNORECASE)

_PLURAL_RE = re.compile(r"(?P<kind>Décrets|Lois|Ordonnances)\s+(?P<rest>n°.+)", re.IGNORECASE)


def _article(text: str) -> str:
    return re.sub(r"[.\s]", "", text)


def _parse_date(text: str) -> dt.date | None:
    day, month, year = text.split()
    if month.lower() not in MONTHS:
        return None
    return dt.date(int(year), MONTHS.index(month.lower()) + 1, int(day.removesuffix("er")))


def _split_note(text: str) -> tuple[str, str]:
    match = _NOTE_RE.fullmatch(text.strip())
    return (match["body"], match["note"]) if match else (text.strip(), "")


def parse_citation(text: str) -> tuple[LegalRef, ...]:
    """The references of an old (``format_version: 1``) citation string.

    « C. trav., art. L4624-4 et R4624-42 » gives two articles, « CSS, art. D433-2 à D433-8 » a
    range, « CSS, art. L215-1 4° (service social) » an article with its part and a note,
    « Décret n° 2022-372 du 16 mars 2022 » a text; anything else is kept as a title.
    """
    body, note = _split_note(text)
    if match := _CODE_RE.fullmatch(body):
        code = _CODE_PREFIXES[match["code"].lower()]
        refs: list[LegalRef] = []
        rest: str | None = match["rest"]
        while rest is not None:
            item = _ITEM_RE.fullmatch(rest.strip())
            if item is None:
                break
            refs.append(LegalRef(code=code, article=_article(item["article"]), to=_article(item["to"] or ""),
                                 detail=item["detail"] or ""))
            rest = item["more"]
        else:
            refs[-1] = LegalRef(**{**{k: getattr(refs[-1], k) for k in KEYS}, "note": note})
            return tuple(refs)
    if plural := _PLURAL_RE.fullmatch(body):  # « Décrets n° 2019-854 et n° 2019-856 »
        kind = plural["kind"][:-1]
        parts = [parse_citation(f"{kind} {part.strip()}") for part in re.split(r",|\bet\b", plural["rest"])]
        if all(len(r) == 1 and r[0].text for r in parts):
            found = [r[0] for r in parts]
            found[-1] = LegalRef(**{**{k: getattr(found[-1], k) for k in KEYS}, "date": found[-1].date, "note": note})
            return tuple(found)
    if (match := _TEXT_RE.fullmatch(body)) and (match["number"] or match["date"]):
        date = _parse_date(match["date"]) if match["date"] else None
        if date is not None or not match["date"]:
            kind = next(k for k, v in TEXTS.items() if v.lower() == match["kind"].lower())
            return (LegalRef(text=kind, number=match["number"] or "", date=date, article=match["article"] or "",
                             note=note),)
    return (LegalRef(title=text.strip()),)


# --- Checking (the French messages of a wrong reference) -----------------------------------

def item_problem(item: Any, version: int) -> tuple[tuple[str, ...], str]:
    """What is wrong with one ``legal:`` item: (key inside the item or (), French message)."""
    if version == 1:
        if isinstance(item, str) and item.strip():
            return (), ""
        return (), ("avec « format_version: 1 », chaque référence est un texte (« C. trav., art. R4624-29 ») : "
                    "passez le catalogue en « format_version: 2 » pour écrire des références structurées")
    if isinstance(item, str):
        return (), (f"référence en texte libre « {item} » : en format 2, écrivez {EXAMPLES} ; "
                    "« pdp-nav lois convertir catalogue.yaml » convertit tout le fichier")
    if not isinstance(item, dict):
        return (), f"référence invalide : écrivez {EXAMPLES}"
    for key in item:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"vouliez-vous dire « {close[0]} » ?" if close else f"clés possibles : {', '.join(KEYS)}"
            return (key,), f"clé inconnue « {key} » dans une référence légale : {hint}"
    kinds = [k for k in ("code", "text", "title") if k in item]
    if len(kinds) != 1:
        return (), (f"une référence légale est soit un article, soit un texte, soit un titre : écrivez {EXAMPLES}"
                    + (f" (ici : {', '.join(kinds)} ensemble)" if kinds else ""))
    return _field_problem(item, kinds[0])


def _field_problem(item: dict[str, Any], kind: str) -> tuple[tuple[str, ...], str]:
    checks: list[tuple[str, bool, str]] = [
        ("code", item.get("code", "travail") in CODES,
         f"code « {item.get('code')} » inconnu : écrivez {', '.join(CODES)}"),
        ("article", kind != "code" or "article" in item,
         "article manquant : écrivez « article: » avec son numéro, par exemple R4624-29"),
        ("article", kind != "code" or re.fullmatch(r"[LRD]\d+(?:-\d+)*", str(item.get("article", "L1"))) is not None,
         f"article « {item.get('article')} » invalide : écrivez-le comme Légifrance, lettre et numéro sans "
         "point ni espace (par exemple R4624-29)"),
        ("to", re.fullmatch(r"[LRD]\d+(?:-\d+)*", str(item.get("to", "L1"))) is not None,
         f"fin de plage « {item.get('to')} » invalide : écrivez un numéro d'article, par exemple D323-6-7"),
        ("text", item.get("text", "loi") in TEXTS, f"type de texte « {item.get('text')} » inconnu : écrivez "
         f"{', '.join(TEXTS)}"),
        ("number", kind == "text" or "number" not in item,
         "« number » ne s'emploie qu'avec un texte (text: decret, loi…)"),
        ("number", re.fullmatch(r"\d[\w/-]*", str(item.get("number", "1"))) is not None,
         f"numéro de texte « {item.get('number')} » invalide : écrivez-le entre guillemets, par exemple \"2022-372\""),
        ("date", _is_date(item.get("date", "2000-01-01")),
         f"date « {item.get('date')} » invalide : écrivez-la AAAA-MM-JJ"),
        ("until", kind == "code" or "until" not in item,
         "« until » ne s'emploie qu'avec un article d'un code ({code: travail, article: …, until: AAAA-MM-JJ})"),
        ("until", _is_date(item.get("until", "2000-01-01")),
         f"date d'abrogation « {item.get('until')} » invalide : écrivez « until: » avec la date AAAA-MM-JJ "
         "à compter de laquelle l'article n'est plus en vigueur"),
        ("legiarti", re.fullmatch(r"LEGIARTI\d{12}", str(item.get("legiarti", "LEGIARTI000000000000"))) is not None,
         f"identifiant Légifrance « {item.get('legiarti')} » invalide : LEGIARTI suivi de 12 chiffres"),
        ("url", str(item.get("url", "https://")).startswith(("http://", "https://")),
         f"lien « {item.get('url')} » invalide : il commence par https://"),
    ]
    for key, ok, message in checks:
        if not ok:
            return ((key,) if key in item else ()), message
    for key in ("detail", "note", "title"):
        if key in item and not (isinstance(item[key], str) and item[key].strip()):
            return (key,), f"« {key} » est vide ou n'est pas un texte : écrivez le texte"
    return (), ""


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)) is not None
