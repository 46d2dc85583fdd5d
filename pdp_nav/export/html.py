"""One self-contained, offline HTML page to click through the tree (no network, no asset).

The page is ``page.html`` with ``page.css``, ``engine.js`` (the tree's evaluation, a port
of the Python engine) and ``page.js`` (the screens) inlined, and the tree embedded as JSON
in ``<script type="application/json">``. The tests compare the JavaScript results with
the Python ones on every path.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from importlib import resources
from typing import Any

from .. import __version__
from ..core.model import PlanSpec, Tree
from ..views.plan import Field, card
from ..views.summary import NOTICE, contact_dict, dispositif_dict
from . import FORMAT_VERSION
from .catalogue import condition_data

_MARKER = re.compile(r"\{\{([A-Z_]+)\}\}")


def page_data(tree: Tree, generated: dt.date | None = None) -> dict[str, Any]:
    """What the page script needs; lists keep the tree's order (catalogue order matters)."""
    return {
        "format_version": FORMAT_VERSION,
        "kind": "pdp-nav-page-data",
        "tree": {"id": tree.id, "version": tree.version, "title": tree.title, "root": tree.root,
                 "digest": tree.digest, "departement": tree.departement or None},
        "generated": generated.isoformat() if generated else None,
        "questions": [
            {"id": q.id, "text": q.text, "help": q.help,
             "options": [{"id": o.id, "label": o.label, "help": o.help, "next": o.next} for o in q.options]}
            for q in tree.questions.values()],
        "outcomes": [{"id": o.id, "title": o.title, "text": o.text, "first": list(o.first)}
                     for o in tree.outcomes.values()],
        "dispositifs": [{**dispositif_dict(tree, d), "confidence_label": d.confidence.label,
                         "when": condition_data(d.when),
                         "contact_when": [{"id": cid, "when": condition_data(c)} for cid, c in d.contact_when],
                         "plan": _plan_data(d.plan_spec()), "card": [_field(f) for f in card(tree, d).fields]}
                        for d in tree.dispositifs.values()],
        "contacts": [contact_dict(c) for c in tree.contacts.values()],
    }


def _field(field: Field) -> list[Any]:
    """[label, text], and [[label, link], …] third when the field is a list of links (page.js)."""
    return [field.label, field.text, [list(item) for item in field.links]] if field.links else [field.label, field.text]


def _plan_data(spec: PlanSpec) -> dict[str, Any]:
    """A dispositif's place in the action plan, with its cases (the page computes the plan)."""
    return {"short": spec.short, "when": spec.when, "priority": spec.priority, "key_fact": spec.key_fact,
            "who": spec.who, "cases": [{"if": condition_data(c.condition), "when": c.when or None,
                                        "priority": c.priority, "key_fact": c.key_fact or None}
                                       for c in spec.cases]}


def script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>``, ``<!--`` or line separators."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, code)
    return text


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def build_html(tree: Tree, generated: dt.date | None = None) -> str:
    """The whole page as one string."""
    script = _asset("engine.js") + "\n" + _asset("page.js")
    if "</script" in script.lower():  # pragma: no cover - guards edits of the scripts
        raise ValueError("engine.js and page.js must not contain </script>")
    meta = f"Version {tree.version} de l'arbre"
    if tree.departement:
        meta += f" · contacts locaux du département {tree.departement}"
    meta += " · fonctionne hors ligne, sans connexion"
    footer = f"Page produite par pdp-nav {__version__}"
    if generated:
        footer += f" le {generated.strftime('%d/%m/%Y')}"
    footer += f", arbre « {tree.title} » ({tree.id}) version {tree.version}, empreinte {tree.digest[:12]}."
    values = {
        "VERSION": __version__, "FORMAT_VERSION": str(FORMAT_VERSION), "TITLE": html.escape(tree.title),
        "META": html.escape(meta), "NOTICE": html.escape(NOTICE), "FOOTER": html.escape(footer),
        "STYLE": _asset("page.css"), "SCRIPT": script, "DATA": script_json(page_data(tree, generated)),
    }
    # one pass, so that nothing inserted is scanned for markers again
    return _MARKER.sub(lambda m: values[m.group(1)], _asset("page.html"))
