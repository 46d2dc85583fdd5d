"""The user's configuration file (``~/.config/pdp-nav/config.toml``): defaults for the navigator.

Example::

    # ~/.config/pdp-nav/config.toml
    departement = "56"        # contacts locaux ajoutés au résultat
    accessible = false        # mode linéaire (choix numérotés, sans effacement d'écran)
    arbre = "~/pdp/trees"     # dossier de l'arbre, si ce n'est pas celui livré

Command-line options and environment variables win over the file. ``PDP_NAV_CONFIG`` names
another file; ``XDG_CONFIG_HOME`` moves ``~/.config``. Pure module: it reads, never prints.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Location, Problem, Severity, display_path, os_reason

KEYS = {"departement": "texte, ex. \"56\"", "accessible": "true ou false", "arbre": "chemin d'un dossier"}


@dataclass(frozen=True, slots=True)
class Config:
    departement: str | None = None
    accessible: bool | None = None
    arbre: Path | None = None
    warnings: tuple[Problem, ...] = field(default=())
    """Unknown keys (a typo, most of the time): shown, not fatal."""


def config_path() -> Path:
    """Where the configuration file is looked for."""
    if explicit := os.environ.get("PDP_NAV_CONFIG"):
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pdp-nav" / "config.toml"


def read_config(path: Path | None = None) -> Config:
    """Read the configuration file; an absent default file is an empty configuration.

    Raises:
        InputError: unreadable file, TOML syntax error or a value of the wrong type, with the
            file, the line and what to write instead.
    """
    path = path or config_path()
    where = display_path(path)
    if not path.is_file():
        if os.environ.get("PDP_NAV_CONFIG"):
            raise InputError(Problem(Location(where), (
                "fichier de configuration introuvable (variable PDP_NAV_CONFIG) : créez-le ou corrigez le chemin")))
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputError(Problem(Location(where), "le fichier n'est pas en UTF-8 : réenregistrez-le en UTF-8")) from None
    except OSError as exc:
        raise InputError(Problem(Location(where), f"lecture impossible ({os_reason(exc)})")) from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        line, column = (int(found[1]), int(found[2])) if found else (0, 0)
        raise InputError(Problem(Location(where, line, column), (
            "syntaxe TOML invalide : écrivez une ligne « clé = valeur » par réglage, "
            "par exemple departement = \"56\""))) from None
    return _build(data, text, where)


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 0


def _build(data: dict, text: str, where: str) -> Config:
    problems, warnings = [], []
    values: dict[str, object] = {}
    for key, value in data.items():
        loc = Location(where, _line_of(text, key), 1 if _line_of(text, key) else 0)
        if key not in KEYS:
            warnings.append(Problem(loc, (
                f"réglage « {key} » inconnu, ignoré (réglages possibles : {', '.join(KEYS)})"), Severity.WARNING))
        elif key == "departement" and isinstance(value, (str, int)) and not isinstance(value, bool):
            values[key] = str(value).strip().upper().zfill(2)
        elif key == "accessible" and isinstance(value, bool):
            values[key] = value
        elif key == "arbre" and isinstance(value, str) and value.strip():
            values[key] = Path(value).expanduser()
        else:
            problems.append(Problem(loc, f"« {key} » : valeur {value!r} invalide, attendu : {KEYS[key]}"))
    if problems:
        raise InputError(problems)
    return Config(warnings=tuple(warnings), **values)  # type: ignore[arg-type]
