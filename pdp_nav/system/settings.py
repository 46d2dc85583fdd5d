"""The user's configuration file (``~/.config/pdp-nav/config.toml``): defaults for the navigator.

Example::

    # ~/.config/pdp-nav/config.toml
    departement = "56"        # contacts locaux ajoutés au résultat
    accessible = false        # mode linéaire (choix numérotés, sans effacement d'écran)
    arbre = "~/pdp/trees"     # dossier de l'arbre, si ce n'est pas celui livré

Command-line options and environment variables win over the file. ``PDP_NAV_CONFIG`` names
another file; ``XDG_CONFIG_HOME`` moves ``~/.config``. With neither an absolute
``XDG_CONFIG_HOME`` nor an absolute HOME there is no configuration file (issue #11).
Pure module: it reads, never prints.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location, Problem, Severity, display_path, shown
from .reading import read_bounded

KEYS = {"departement": "texte, ex. \"56\"", "accessible": "true ou false", "arbre": "chemin d'un dossier"}


@dataclass(frozen=True, slots=True)
class Config:
    departement: str | None = None
    accessible: bool | None = None
    arbre: Path | None = None
    warnings: tuple[Problem, ...] = field(default=())
    """Unknown keys (a typo, most of the time): shown, not fatal."""


def home() -> Path | None:
    """The user's home: HOME, or the account's when HOME is unset; None when not an absolute path.

    ``HOME=''`` must not mean ``/``, nor an unknown home ``./~`` (issue #11).
    """
    value = os.environ["HOME"] if "HOME" in os.environ else os.path.expanduser("~")
    return Path(value) if os.path.isabs(value) else None


def user_dir(variable: str, default: str) -> Path | None:
    """``$variable`` if it is an absolute path (XDG rule), else ``default`` in the home, else None."""
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return Path(value)
    base = home()
    return None if base is None else base / default


def expand_home(text: str) -> Path | None:
    """``text`` as a path, a leading ``~`` or ``~name`` made that home; None if the home is unknown."""
    if not text.startswith("~"):
        return Path(text)
    if text == "~" or text.startswith("~/"):
        base = home()
        return None if base is None else base / text[2:]
    expanded = os.path.expanduser(text)  # ~name: that account's home
    return None if expanded.startswith("~") else Path(expanded)


NO_HOME = "« ~ » désigne le dossier personnel, inconnu ici (HOME vide ou non défini) : écrivez un chemin absolu"


def config_path() -> Path | None:
    """Where the configuration file is looked for; None when there is no place for it."""
    if explicit := os.environ.get("PDP_NAV_CONFIG"):
        path = expand_home(explicit)
        if path is None:
            raise InputError(Problem(Location(explicit), f"variable PDP_NAV_CONFIG : {NO_HOME}"))
        return path
    base = user_dir("XDG_CONFIG_HOME", ".config")
    return None if base is None else base / "pdp-nav" / "config.toml"


def read_config(path: Path | None = None) -> Config:
    """Read the configuration file; an absent default file is an empty configuration.

    Raises:
        InputError: unreadable file, TOML syntax error or a value of the wrong type, with the
            file, the line and what to write instead.
    """
    import tomllib  # start-up: every run reads the cache directory from here, only navigate the file

    path = path or config_path()
    if path is None:
        return Config()
    where = display_path(path)
    if not os.path.lexists(path):
        if os.environ.get("PDP_NAV_CONFIG"):
            raise InputError(Problem(Location(where), (
                "fichier de configuration introuvable (variable PDP_NAV_CONFIG) : créez-le ou corrigez le chemin")))
        return Config()
    try:
        text = read_bounded(path, 1024 * 1024).decode("utf-8")  # a FIFO or device is refused, never read
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputError(Problem(Location(where), (
            "le fichier n'est pas en UTF-8 : réenregistrez-le en UTF-8"))) from None
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
            warnings.append(Problem(loc, f"réglage « {shown(key)} » inconnu, ignoré (réglages possibles : "
                                         f"{', '.join(KEYS)})", Severity.WARNING))
        elif key == "departement" and isinstance(value, (str, int)) and not isinstance(value, bool):
            values[key] = str(value).strip().upper().zfill(2)
        elif key == "accessible" and isinstance(value, bool):
            values[key] = value
        elif key == "arbre" and isinstance(value, str) and value.strip():
            values[key] = expand_home(value)
            if values[key] is None:
                problems.append(Problem(loc, f"« arbre » : {NO_HOME}"))
        else:
            problems.append(Problem(loc, (
                f"« {key} » : valeur « {shown(value)} » invalide, attendu : {KEYS[key]}")))
    if problems:
        raise InputError(problems)
    return Config(warnings=tuple(warnings), **values)  # type: ignore[arg-type]
