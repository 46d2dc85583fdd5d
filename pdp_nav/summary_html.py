"""Session summaries for a medical file: a printable HTML page, and the format chosen by extension.

Pure functions (no printing): the HTML page is built from the stable JSON layout of
:func:`pdp_nav.summary.result_dict`, so the three formats say the same thing. Every text from
the tree is escaped; links are kept only for ``http(s)`` addresses. No patient identity is ever
part of a summary.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

from .engine import Result
from .errors import UsageError, display_path
from .summary import channel_text, result_dict, result_markdown, result_text

FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".json": "json",
           ".txt": "text"}
FORMAT_NAMES = {"markdown": "Markdown", "html": "HTML", "json": "JSON", "text": "texte brut"}

_STYLE = """
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; max-width: 50rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 1.6rem; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
.meta, .notice { color: #555; font-size: .9rem; }
.notice { border-left: 3px solid #999; padding-left: .6rem; }
.card { border: 1px solid #bbb; border-radius: 4px; padding: .2rem 1rem .8rem; margin: 1rem 0;
        break-inside: avoid; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: .5rem 0; }
.card dt { font-weight: 600; } .card dd { margin: 0; }
.warn { color: #8a5300; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: .3rem .5rem;
        text-align: left; vertical-align: top; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def summary_format(path: Path) -> str:
    """``markdown``, ``html``, ``text`` or ``json`` from the extension of ``path``.

    Raises:
        UsageError: an extension pdp-nav cannot write, with the ones it can.
    """
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        suffix = Path(path).suffix or "(aucune)"
        raise UsageError(f"{display_path(path)} : extension « {suffix} » non prise en charge pour un résumé ; "
                         "terminez le nom par .md (Markdown), .html (page imprimable), .txt (texte brut) ou .json")
    return fmt


def summary_content(result: Result, fmt: str, *, generated: dt.datetime | None = None) -> str:
    """The summary of ``result`` in ``fmt`` (see :func:`summary_format`)."""
    if fmt == "json":
        return json.dumps(result_dict(result, generated=generated), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return result_html(result, generated=generated)
    if fmt == "text":
        return result_text(result, generated=generated)
    return result_markdown(result, generated=generated)


def write_summary(path: Path, result: Result, *, generated: dt.datetime | None = None) -> str:
    """Write the summary of ``result`` to ``path`` atomically, in the format its extension names.

    Returns:
        The format written (``markdown``, ``html``, ``text`` or ``json``).

    Raises:
        UsageError: unknown extension. OutputError: the file could not be written (nothing left).
    """
    from .atomic import write_atomic

    fmt = summary_format(path)
    write_atomic(path, summary_content(result, fmt, generated=generated))
    return fmt


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _link(title: str, url: str | None) -> str:
    if url and url.lower().startswith(("https://", "http://")):
        return f'<a href="{_e(url)}">{_e(title)}</a>'
    return _e(title) + (f" ({_e(url)})" if url else "")


def _card(number: int, d: dict[str, Any]) -> list[str]:
    rows = [("Ce que c'est", _e(d["summary"])), ("Pour qui", _e(d["for_whom"])),
            ("Durée et conditions", _e(d["conditions"])), ("Qui décide", _e(d["decides"])),
            ("Prochaine étape", _e(d["next_step"])), ("Base légale", "; ".join(_link(r["label"], r["url"]) for r in d["legal_refs"])),
            ("Sources", "; ".join(_link(s["title"], s["url"]) for s in d["sources"])
             + f" — vérifié le {_e(_date(d['checked']))}")]
    why = "; ".join(r["text"] for r in d["why"]) or "proposé dans toutes les situations"
    rows.append(("Pourquoi", _e(why)))
    parts = [f'<section class="card"><h3>{number}. {_e(d["name"])}</h3>']
    if d["to_confirm"]:
        parts.append(f'<p class="warn">À confirmer : {_e(d["to_confirm"])}</p>')
    parts.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl></section>")
    return parts


def _date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def result_html(result: Result, *, generated: dt.datetime | None = None) -> str:
    """A self-contained, printable HTML page: situation, dispositifs, contacts, tree version, date."""
    data = result_dict(result, generated=generated)
    tree, outcome = data["tree"], data["outcome"]
    meta = f"Arbre « {_e(tree['title'])} », version {_e(tree['version'])}"
    if tree["departement"]:
        meta += f", contacts locaux du département {_e(tree['departement'])}"
    if generated is not None:
        meta += f" — {generated.strftime('%d/%m/%Y %H:%M')}"
    out = ['<!DOCTYPE html>', '<html lang="fr">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Orientation PDP — {_e(outcome['title'])}</title>", f"<style>{_STYLE}</style>", "</head>",
           "<body>", f"<h1>Orientation PDP — {_e(outcome['title'])}</h1>", f'<p class="meta">{meta}</p>',
           f'<p class="notice">{_e(data["notice"])}</p>', "<h2>Situation</h2>", "<ul>"]
    out += [f"<li>{_e(a['text'])} <strong>{_e(a['label'])}</strong></li>" for a in data["answers"]]
    out += ["</ul>", f"<p>{_e(outcome['text'])}</p>", "<h2>Dispositifs proposés</h2>"]
    for number, d in enumerate(data["dispositifs"], 1):
        out += _card(number, d)
    if not data["dispositifs"]:
        out.append("<p>Aucun dispositif ne correspond à cette situation.</p>")
    out += ["<h2>Qui contacter</h2>", "<table>", "<thead><tr><th>Organisme</th><th>Comment le joindre</th>"
            "<th>Pour</th></tr></thead>", "<tbody>"]
    names = {d["id"]: d["name"] for d in data["dispositifs"]}
    for c in data["contacts"]:
        how = "<br>".join(_e(channel_text(ch["kind"], ch["value"], ch["note"])) for ch in c["channels"]) or "—"
        name = _e(c["name"]) + (f"<br><small>contacts locaux {_e(c['departement'])}</small>"
                                if c["departement"] else "")
        used = ", ".join(_e(names.get(d, d)) for d in c["for"])
        out.append(f"<tr><td>{name}</td><td>{how}</td><td>{used}</td></tr>")
    out += ["</tbody>", "</table>", f'<p class="meta">Empreinte de l\'arbre : {_e(tree["digest"] or "—")}</p>',
            "</body>", "</html>"]
    return "\n".join(out) + "\n"
