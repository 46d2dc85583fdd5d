"""Content that other commands could not use never passes `validate` (issue #11): dates where text or
an id is expected, impossible dates, ids with a newline or non-ASCII digits, blank or duplicate labels,
overlays with the wrong extension. Each case: the exact French message and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import ARBRE, CATALOGUE, line_of, write, write_tree
from .test_bad_inputs import ANSWERS, cli, here  # noqa: F401 - `here` is a fixture

ID = ("invalide : lettres minuscules sans accents, chiffres, « - » et « _ » uniquement "
      "(et ni « all », ni « any », ni « not »)")

# file, change -> first line of `validate` (exit 1), also refused by `run` (exit 2)
REFUSED = {
    "impossible date": ("catalogue", lambda c: c.replace("checked: 2026-11-01", 'checked: "2026-13-45"', 1),
                        "catalogue.yaml:{line}:14: le dispositif « visite-demande » : date « 2026-13-45 » invalide, "
                        "écrivez une date réelle AAAA-MM-JJ", "2026-13-45"),
    "full-width digits": ("catalogue", lambda c: c.replace("checked: 2026-11-01", "checked: ２０２６-11-01", 1),
                          "catalogue.yaml:{line}:14: le dispositif « visite-demande » : date « ２０２６-11-01 » "
                          "invalide, écrivez une date réelle AAAA-MM-JJ", "２０２６-11-01"),
    "id with a newline": ("arbre", lambda a: a.replace("- id: arret\n", '- id: "arret\\n"\n', 1),
                          "arbre.yaml:{line}:13: identifiant « arret⏎ » " + ID, '"arret\\n"'),
    "number in a list of texts": ("catalogue", lambda c: c.replace("checked: 2026-11-01",
                                                                   'checked: 2026-11-01\n    aliases: ["examen", 12]', 1),
                                  "catalogue.yaml:{line}:25: « aliases n° 2 » doit être un texte, pas un nombre",
                                  "aliases:"),
    "invisible label": ("arbre", lambda a: a.replace('label: "Pendant l\'arrêt"', 'label: "\\u200b "', 1),
                        "arbre.yaml:{line}:16: l'option « arret » de la question « phase » a un libellé vide ou "
                        "invisible : écrivez le texte de la réponse", 'label: "\\u200b "'),
    "same label": ("arbre", lambda a: a.replace('label: "Pendant l\'arrêt"', 'label: "en poste,  SANS arrêt"', 1),
                   "arbre.yaml:{line}:16: l'option « arret » a le même libellé que l'option « en_poste » (ligne 13) "
                   "dans la question « phase » : deux réponses doivent se distinguer", "SANS arrêt"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_content_refused(case: str, here: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    """validate: exit 1 and the message at file:line:column; run refuses the tree: exit 2."""
    role, change, message, needle = REFUSED[case]
    text = change({"arbre": ARBRE, "catalogue": CATALOGUE}[role])
    tree = write_tree(here, **{role: text})
    write(here / "a.yaml", ANSWERS)
    expected = "tree/" + message.format(line=line_of(text, needle))
    code, out, _ = cli(capsys, "validate", "tree")
    assert (code, out.splitlines()[0]) == (1, expected)
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", str(tree.relative_to(here)), "-f", "json")
    assert (code, out) == (2, "") and expected in err.splitlines()


@pytest.mark.parametrize("written", ["2026-11-23", "010", "1_000", "0x1F"])
def test_values_that_look_like_dates_or_numbers_stay_text(written: str, here: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    """An unquoted version, title or label is the text as written: valid, and usable by `run`."""
    arbre = (ARBRE.replace('version: "1.0"', f"version: {written}")
             .replace('title: "Mini-arbre PDP"', f"title: {written}")
             .replace('label: "Pendant l\'arrêt"', f"label: {written}"))
    write_tree(here, arbre=arbre)
    write(here / "a.yaml", ANSWERS)
    assert cli(capsys, "validate", "tree")[0] == 0
    code, out, _ = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree", "-f", "json")
    assert code == 0 and json.loads(out)["tree"]["version"] == written


def test_answer_written_as_octal_is_shown_as_written(here: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    """`rqth: 010` is the option « 010 », not the number 8."""
    write_tree(here)
    write(here / "a.yaml", "phase: reprise\nrqth: 010\n")
    code, out, err = cli(capsys, "run", "-a", "a.yaml", "--arbre", "tree")
    assert (code, out) == (2, "") and "« 010 »" in err and "« 8 »" not in err, err


def test_overlay_with_yml_extension_is_named(here: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    """departements/56.yml would be silently ignored: say how to rename it (exit 2)."""
    tree = write_tree(here)
    (tree / "departements" / "56.yml").write_text("format_version: 1\n", encoding="utf-8")
    message = ("tree/departements/56.yml: surcouche ignorée : renommez le fichier en 56.yaml "
               "(seuls les fichiers .yaml sont lus)")
    assert cli(capsys, "validate", "tree") == (
        2, f"{message}\n1 erreur(s) de lecture : corrigez-les puis relancez la vérification.\n", "")
