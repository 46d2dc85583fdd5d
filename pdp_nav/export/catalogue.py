"""The catalogue (dispositifs, every field) and the contacts, as JSON, CSV or Markdown.

Eligibility conditions are exported twice: as data in the YAML shape (``when``) and as
a French sentence (``when_text``) for readers of an intranet page.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..core.conditions import All, Always, AnyOf, Atom, Condition, Not
from ..core.legal import markdown_link
from ..core.model import Dispositif, Tree
from ..errors import UsageError
from ..system.textsafe import csv_row
from ..system.textsafe import markdown as _md
from ..views.summary import channel_text, contact_dict, departements_text, dispositif_dict, label_of, tree_dict
from . import EXCEL_BOM, EXCEL_DELIMITER, FORMAT_VERSION

FORMATS = ("json", "csv", "csv-excel", "markdown")
TABLES = ("dispositifs", "contacts")
DISPOSITIF_COLUMNS = ("format_version", "id", "name", "category", "summary", "for_whom", "conditions",
                      "decides", "next_step", "legal", "sources", "checked", "confidence", "to_confirm",
                      "contacts", "when", "departements")
SCOPES = {"national": "nationale", "regional": "régionale", "departemental": "départementale"}
CONTACT_COLUMNS = ("format_version", "id", "name", "description", "scope", "departement", "channels",
                   "dispositifs")


def condition_data(cond: Condition) -> Any:
    """A condition back in its YAML shape: ``true``, ``{q: [options]}``, ``{all|any: [...]}``, ``{not: …}``."""
    if isinstance(cond, Always):
        return True
    if isinstance(cond, Atom):
        return {cond.node: list(cond.options)}
    if isinstance(cond, All):
        return {"all": [condition_data(p) for p in cond.parts]}
    if isinstance(cond, AnyOf):
        return {"any": [condition_data(p) for p in cond.parts]}
    if isinstance(cond, Not):
        return {"not": condition_data(cond.part)}
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover - closed set


def condition_text(tree: Tree, cond: Condition, nested: bool = False) -> str:
    """A condition in French, e.g. « « RQTH ? » : « Oui » ET NON (« Phase ? » : « En poste ») »."""
    if isinstance(cond, Always):
        return "toujours proposé"
    if isinstance(cond, Atom):
        q = tree.questions.get(cond.node)
        labels = " ou ".join(f"« {label_of(tree, cond.node, o)} »" for o in cond.options)
        return f"« {q.text if q else cond.node} » : {labels}"
    if isinstance(cond, Not):
        return f"NON ({condition_text(tree, cond.part)})"
    word = " ET " if isinstance(cond, All) else " OU "
    text = word.join(condition_text(tree, p, True) for p in cond.parts)  # type: ignore[attr-defined]
    return f"({text})" if nested else text


def users_of(tree: Tree) -> dict[str, list[str]]:
    """Contact id -> ids of the dispositifs that list it (overlay links included)."""
    users: dict[str, list[str]] = {cid: [] for cid in tree.contacts}
    for did, d in tree.dispositifs.items():
        for cid in tree.contacts_of(d):
            users.setdefault(cid, []).append(did)
    return users


def dispositif_record(tree: Tree, d: Dispositif) -> dict[str, Any]:
    return {**dispositif_dict(tree, d), "confidence_label": d.confidence.label,
            "when": condition_data(d.when), "when_text": condition_text(tree, d.when),
            "contact_when": [{"id": cid, "when": condition_data(c), "when_text": condition_text(tree, c)}
                             for cid, c in d.contact_when]}


def catalogue_dict(tree: Tree) -> dict[str, Any]:
    """The whole catalogue in the stable JSON layout (``kind: pdp-nav-catalogue``)."""
    users = users_of(tree)
    return {
        "format_version": FORMAT_VERSION,
        "kind": "pdp-nav-catalogue",
        "tree": tree_dict(tree),
        "dispositifs": [dispositif_record(tree, d) for d in tree.dispositifs.values()],
        "contacts": [{**contact_dict(c), "dispositifs": users.get(cid, [])} for cid, c in tree.contacts.items()],
    }


def catalogue_json(tree: Tree) -> str:
    return json.dumps(catalogue_dict(tree), ensure_ascii=False, indent=2) + "\n"


def _source_text(title: str, url: str) -> str:
    return f"{title} <{url}>" if url else title


def catalogue_csv(tree: Tree, table: str = "dispositifs", delimiter: str = ",") -> str:
    """One CSV table: a row per dispositif (default) or per contact.

    Lists of ids are joined with « ; »; lists of texts (legal references, sources,
    channels) put one item per line inside the cell.

    Raises:
        UsageError: ``table`` is neither ``dispositifs`` nor ``contacts``.
    """
    if table not in TABLES:
        raise UsageError(f"--table « {table} » inconnu : choisissez parmi {', '.join(TABLES)}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", delimiter=delimiter)
    data = catalogue_dict(tree)
    if table == "dispositifs":
        writer.writerow(DISPOSITIF_COLUMNS)
        for d in data["dispositifs"]:
            writer.writerow(csv_row([
                FORMAT_VERSION, d["id"], d["name"], d["category"], d["summary"], d["for_whom"],
                d["conditions"], d["decides"], d["next_step"], "\n".join(d["legal"]),
                "\n".join(_source_text(s["title"], s["url"]) for s in d["sources"]), d["checked"],
                d["confidence"], d["to_confirm"] or "", ";".join(d["contacts"]), d["when_text"],
                ";".join(d["departements"])]))
    else:
        writer.writerow(CONTACT_COLUMNS)
        for c in data["contacts"]:
            writer.writerow(csv_row([
                FORMAT_VERSION, c["id"], c["name"], c["description"], c["scope"], c["departement"] or "",
                "\n".join(channel_text(ch["kind"], ch["value"], ch["note"]) for ch in c["channels"]),
                ";".join(c["dispositifs"])]))
    return buffer.getvalue()


def catalogue_csv_excel(tree: Tree, table: str = "dispositifs") -> str:
    """The CSV for French Excel: a byte-order mark, then « ; » between cells."""
    return EXCEL_BOM + catalogue_csv(tree, table, EXCEL_DELIMITER)


def _local_text(deps: tuple[str, ...]) -> str:
    """« proposé seulement avec le département 29 » ('' for a national dispositif)."""
    if len(deps) > 1:
        return f"proposé seulement avec l'un {departements_text(deps)}"
    return f"proposé seulement avec le département {deps[0]}" if deps else ""


def catalogue_markdown(tree: Tree) -> str:
    """The catalogue as a readable document: one section per dispositif, then the contacts."""
    meta = f"Version {_md(tree.version)} — format_version {FORMAT_VERSION}"
    if tree.departement:
        meta += f" — contacts locaux du département {_md(tree.departement)}"
    lines = [f"# Catalogue de l'arbre « {_md(tree.title)} »", "", f"_{meta}_", "", "## Dispositifs"]
    for d in tree.dispositifs.values():
        sources = "; ".join(_source_text(s.title, s.url) for s in d.sources)
        only = {cid: condition_text(tree, c) for cid, c in d.contact_when}
        contacts = ", ".join(f"{_md(tree.contacts[c].name)} (`{c}`)" + (f" si {_md(only[c])}" if c in only else "")
                             for c in tree.contacts_of(d) if c in tree.contacts)
        lines += ["", f"### {_md(d.name)} (`{d.id}`)", "", _md(d.summary), ""]
        rows = [("Catégorie", d.category), ("Pour qui", d.for_whom), ("Durée et conditions", d.conditions),
                ("Qui décide", d.decides), ("Prochaine étape", d.next_step),
                ("Proposé quand", condition_text(tree, d.when))]
        lines += [f"- **{title}** : {_md(text)}" for title, text in rows if text]
        lines.append(f"- **Base légale** : {'; '.join(markdown_link(r, _md) for r in d.legal)}")
        rows = [("Sources", sources), ("Vérifié le", d.checked.strftime("%d/%m/%Y")),
                ("Fiabilité", d.confidence.label), ("À confirmer", d.to_confirm),
                ("Dispositif local", _local_text(d.departements))]
        lines += [f"- **{title}** : {_md(text)}" for title, text in rows if text]
        lines.append(f"- **Contacts** : {contacts or 'aucun'}")
    lines += ["", "## Contacts"]
    users = users_of(tree)
    for cid, c in tree.contacts.items():
        scope = SCOPES.get(c.scope, c.scope) + (f", département {c.departement}" if c.departement else "")
        lines += ["", f"### {_md(c.name)} (`{cid}`)", ""]
        if c.description:
            lines += [_md(c.description), ""]
        lines.append(f"- **Portée** : {_md(scope)}")
        lines += [f"- {_md(channel_text(ch.kind, ch.value, ch.note))}" for ch in c.channels]
        names = ", ".join(f"{_md(tree.dispositifs[did].name)} (`{did}`)" for did in users.get(cid, []))
        lines.append(f"- **Pour** : {names or 'aucun dispositif'}")
    return "\n".join(lines) + "\n"
