"""``pdp-nav lois …``: the maintainer's law commands (issue #16): check the citations against the
consolidated codes, show an article, convert a catalogue to structured references."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ExitCode, UsageError, display_path, shown
from ..ui.help_fr import Command, Group
from .common import Output, TreeDir, choice, emit, today

lois_app = typer.Typer(
    name="lois", cls=Group, add_completion=False, subcommand_metavar="COMMANDE [ARGUMENTS]...",
    help="Textes de loi : vérifie les articles cités, affiche un article, convertit les références.")

Codes = Annotated[Path | None, typer.Option(
    "--codes", envvar="PDP_NAV_CODES", show_default=False, metavar="DOSSIER",
    help="Dossier du paquet @socialgouv/legi-data (scripts/fetch-codes le télécharge). "
         "Par défaut : ~/.cache/pdp-nav/legi-data/<version>/package.")]


@lois_app.callback(invoke_without_command=True)
def _lois(ctx: typer.Context) -> None:
    """Textes de loi : vérifie les articles cités, affiche un article, convertit les références."""
    if ctx.invoked_subcommand is None:
        raise UsageError("indiquez une commande, par exemple : pdp-nav lois verifier (aide : pdp-nav lois --help)")


def register(app: typer.Typer) -> None:
    lois_app.command("verifier", cls=Command)(verifier)
    lois_app.command("montrer", cls=Command)(montrer)
    lois_app.command("convertir", cls=Command)(convertir)
    app.add_typer(lois_app, name="lois")


def _codes(codes_dir: Path | None, keys: tuple[str, ...] | None = None):  # -> dict[str, Code]
    from ..laws.codes import default_dir, read_codes  # start-up: a command imports only what it runs

    return read_codes(codes_dir or default_dir(), keys)


def verifier(
    tree_dir: TreeDir = None,
    codes_dir: Codes = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text ou json.")] = "text",
    output: Output = None,
) -> int:
    """Vérifie chaque article cité par le catalogue dans les codes consolidés.

    Signale un article inexistant ou abrogé, ou une date « until » qui n'est pas celle des codes
    (code de sortie 1), et en avertissement un article modifié depuis la date « checked » du
    dispositif, ou bientôt abrogé sans que sa référence le dise par « until » (code 0).
    """
    choice(fmt, ("text", "json"), "--format")
    from ..content.files import default_tree_dir  # start-up: a command imports only what it runs
    from ..laws.citations import check_citations, report_data, report_text

    report = check_citations(tree_dir or default_tree_dir(), _codes(codes_dir), today())
    if fmt == "json":
        import json  # start-up: a command imports only what it runs

        emit(json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n", output)
    else:
        emit(report_text(report), output)
    return int(ExitCode.CHECKS_FAILED if report.errors else ExitCode.OK)


def montrer(
    article: Annotated[str, typer.Argument(metavar="ARTICLE", help="Numéro de l'article, par exemple R4624-29.")],
    code: Annotated[str | None, typer.Option(
        "--code", "-c", metavar="CODE", show_default=False,
        help="travail, securite_sociale ou rural ; par défaut, le code qui contient l'article.")] = None,
    codes_dir: Codes = None,
) -> int:
    """Affiche le texte en vigueur d'un article (pour le relire sans quitter le terminal)."""
    from ..core.legal import CODES, label  # start-up: a command imports only what it runs
    from ..core.model import LegalRef
    from ..laws.codes import article_text

    num = article.strip().replace(" ", "").replace(".", "").upper()
    if not any(c.isalnum() for c in num):
        raise UsageError("indiquez le numéro d'un article, par exemple : pdp-nav lois montrer R4624-29")
    if code is not None:
        choice(code, tuple(CODES), "--code")
    codes = _codes(codes_dir, (code,) if code else None)
    if code is not None and code not in codes:
        raise UsageError(f"le code « {code} » n'est pas dans le paquet téléchargé : choisissez parmi "
                         f"{', '.join(codes)}")
    holders = [(c, a) for c in codes.values() if (a := c.article(num)) is not None]
    if not holders:
        where = f"le {codes[code].version}" if code else ", ".join(c.version for c in codes.values())
        raise UsageError(f"article « {shown(article)} » introuvable dans {where} : "
                         "vérifiez le numéro (par exemple R4624-29)")
    if len(holders) > 1:
        raise UsageError(f"l'article {num} existe dans plusieurs codes : précisez --code "
                         + " ou --code ".join(c.key for c, _ in holders))
    found, a = holders[0]
    state = "en vigueur" if not a.repealed(today()) else "abrogé"
    head = (f"{label(LegalRef(code=found.key, article=num))} — {found.version}\n"
            f"{state}, version du {a.start.strftime('%d/%m/%Y')}"
            + (f", jusqu'au {a.end.strftime('%d/%m/%Y')}" if a.end else "")
            + f" — https://www.legifrance.gouv.fr/codes/article_lc/{a.id}\n")
    emit(f"{head}\n{article_text(found, num)}\n", None)
    return int(ExitCode.OK)


def convertir(
    catalogue: Annotated[Path, typer.Argument(metavar="CATALOGUE", dir_okay=False, exists=True,
                                              help="Le catalogue.yaml à convertir (réécrit sur place).")],
    codes_dir: Annotated[Path | None, typer.Option(
        "--codes", envvar="PDP_NAV_CODES", show_default=False, metavar="DOSSIER",
        help="Dossier du paquet @socialgouv/legi-data : ajoute l'identifiant Légifrance de chaque article.")] = None,
) -> int:
    """Réécrit les références légales du catalogue en format 2 (structuré), sur place et atomiquement.

    Les commentaires et la mise en page du reste du fichier sont gardés (un commentaire à
    l'intérieur d'une liste « legal: » est perdu). Relancé sur un catalogue déjà converti, il
    ajoute seulement les identifiants Légifrance manquants.
    """
    from ..laws.convert import convert_file  # start-up: a command imports only what it runs

    codes = _codes(codes_dir) if codes_dir else None
    result = convert_file(catalogue, codes)
    lines = [f"{result.references} référence(s) écrite(s) en format 2 dans {display_path(catalogue)}"
             + (f", {result.ids} identifiant(s) Légifrance ajouté(s)." if codes is not None else
                " (sans --codes : liens Légifrance par recherche, pas d'identifiant d'article).")]
    if result.titles:
        lines.append(f"{len(result.titles)} référence(s) gardée(s) en texte libre (title) : relisez-les et "
                     "écrivez-les en {code, article} ou {text, number, date} quand c'est possible :")
        lines += [f"  {t}" for t in result.titles]
    if result.unknown:
        lines.append(f"{len(result.unknown)} article(s) absent(s) des codes (aucun identifiant) : "
                     "« pdp-nav lois verifier » les signale :")
        lines += [f"  {u}" for u in result.unknown]
    typer.echo("\n".join(lines))
    return int(ExitCode.OK)
