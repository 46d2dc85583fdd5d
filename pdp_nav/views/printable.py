"""Session summaries for a medical file: a printable HTML page, and the format chosen by extension.

Pure functions (no printing): the HTML page renders the plan and the cards of
:mod:`pdp_nav.views.plan`, like every other format. Every text from
the tree is escaped; links are kept only for ``http(s)`` addresses. No patient identity is ever
part of a summary.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

from ..core.engine import Result
from ..errors import UsageError, display_path
from ..system.atomic import write_atomic
from .plan import Card, meta_line, result_cards, result_plan
from .summary import NOTICE, result_dict, result_markdown, summary_text

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
.plan { font-size: .92rem; line-height: 1.3; } .plan h1 { font-size: 1.25rem; }
.plan h2 { font-size: 1rem; margin: .7rem 0 .2rem; }
.plan ul { margin: .2rem 0; padding-left: 1.6rem; } .plan ul.actions { list-style: none; padding-left: .4rem; }
.key { font-weight: 600; }
.situation { color: #444; font-size: .85rem; }
.cards { break-before: page; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
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
        return summary_text(result, generated=generated)
    return result_markdown(result, generated=generated)


def write_summary(path: Path, result: Result, *, generated: dt.datetime | None = None) -> str:
    """Write the summary of ``result`` to ``path`` atomically, in the format its extension names.

    Returns:
        The format written (``markdown``, ``html``, ``text`` or ``json``).

    Raises:
        UsageError: unknown extension. OutputError: the file could not be written (nothing left).
    """
    fmt = summary_format(path)
    write_atomic(path, summary_content(result, fmt, generated=generated))
    return fmt


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


_URL = re.compile(r"https?://[^\s<>\"'()]+")


def _linked(text: str) -> str:
    """``text`` escaped, its ``http(s)`` addresses made links."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out += [_e(text[last:m.start()]), f'<a href="{_e(m.group())}">{_e(m.group())}</a>']
        last = m.end()
    return "".join(out) + _e(text[last:])


def _links(links: tuple[tuple[str, str], ...]) -> str:
    """Each reference as a link to its page (the legal references: Légifrance, issue #16)."""
    return "; ".join(f'<a href="{_e(url)}">{_e(label)}</a>' if url else _e(label) for label, url in links)


def _card(number: int, card: Card) -> str:
    rows = "".join(f"<dt>{_e(f.label)}</dt><dd>{_links(f.links) if f.links else _linked(f.text)}</dd>"
                   for f in card.fields)
    rows += f"<dt>{_e(card.why_title)}</dt><dd>{_e(card.why)}</dd>"
    if card.contacts:
        rows += "<dt>Qui contacter</dt><dd>" + "<br>".join(_linked(c) for c in card.contacts) + "</dd>"
    return f'<section class="card" id="{_e(card.id)}"><h3>{number}. {_e(card.name)}</h3><dl>{rows}</dl></section>'


def result_html(result: Result, *, generated: dt.datetime | None = None) -> str:
    """A self-contained printable page: the plan and the situation on the first A4 page, then
    the cards after a page break."""
    plan = result_plan(result)
    meta = _e(meta_line(result.tree)) + (f" — {generated.strftime('%d/%m/%Y %H:%M')}" if generated else "")
    out = ['<!DOCTYPE html>', '<html lang="fr">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Orientation PDP — {_e(plan.title)}</title>", f"<style>{_STYLE}</style>", "</head>",
           "<body>", '<main class="plan">', f"<h1>Orientation PDP — {_e(plan.title)}</h1>",
           f'<p class="meta">{meta}</p>', f'<p class="key">{_e(plan.message)}</p>']
    if not plan.groups:
        out.append("<p>Aucun dispositif ne correspond à cette situation.</p>")
    for group in plan.groups:
        out += [f"<h2>{_e(group.title)}</h2>", '<ul class="actions">']
        out += [f'<li>{a.number}. <a href="#{_e(a.id)}">{_e(a.line)}</a></li>' for a in group.actions]
        out.append("</ul>")
    if plan.others:
        out.append(f"<p><strong>Autres dispositifs possibles ({len(plan.others)})</strong> : "
                   + " · ".join(f'<a href="#{_e(a.id)}">{a.number}. {_e(a.short)}</a>' for a in plan.others) + "</p>")
    if plan.contacts:
        out += ["<h2>Qui contacter</h2>", "<ul>"] + [f"<li>{_e(c.line)}</li>" for c in plan.contacts] + ["</ul>"]
    out += ["<h2>Situation</h2>", '<ul class="situation">']
    out += [f"<li>{_e(s.question.text)} <strong>{_e(s.option.label)}</strong></li>" for s in result.steps]
    out += ["</ul>", f'<p class="notice">{_e(NOTICE)}</p>', "</main>", '<div class="cards">',
            "<h2>Fiches des dispositifs</h2>"]
    out += [_card(n, c) for n, c in enumerate(result_cards(result), 1)]
    out += ["</div>", f'<p class="meta">Empreinte de l\'arbre : {_e(result.tree.digest or "—")}</p>',
            "</body>", "</html>"]
    return "\n".join(out) + "\n"
