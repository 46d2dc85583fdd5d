"""French département codes and names: ``56``, ``056``, ``2a``, ``974`` or ``morbihan`` → one code.

Pure module (stdlib only): the command line, the configuration file and scenarios all go
through :func:`code` so that every command accepts the same spellings (issue #14).
"""

from __future__ import annotations

import unicodedata

NAMES = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube", "11": "Aude",
    "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal", "16": "Charente",
    "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme",
    "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne", "32": "Gers",
    "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire",
    "38": "Isère", "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire",
    "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère",
    "49": "Maine-et-Loire", "50": "Manche", "51": "Marne", "52": "Haute-Marne", "53": "Mayenne",
    "54": "Meurthe-et-Moselle", "55": "Meuse", "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord",
    "60": "Oise", "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône",
    "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie", "74": "Haute-Savoie",
    "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne", "78": "Yvelines", "79": "Deux-Sèvres",
    "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var", "84": "Vaucluse", "85": "Vendée",
    "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne", "90": "Territoire de Belfort",
    "91": "Essonne", "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion",
    "975": "Saint-Pierre-et-Miquelon", "976": "Mayotte",
}
"""Every accepted code and its name (101 départements, and Saint-Pierre-et-Miquelon, 975)."""

VALID_FORMS = ("un numéro de 01 à 95, 2A, 2B ou de 971 à 976 (ex. 56, 056, 2a, 974), "
               "ou un nom (ex. morbihan, « Côtes-d'Armor »)")


def _key(text: str) -> str:
    """Lower case, no accents, letters and digits only: « Côtes-d'Armor » → ``cotesdarmor``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in plain if ch.isalnum())


_BY_NAME = {_key(name): dep for dep, name in NAMES.items()} | {"reunion": "974", "belfort": "90"}


def code(text: str) -> str | None:
    """The code of the département written ``text``, or None when it is not one."""
    raw = text.strip().upper()
    if raw.isdigit():
        number = int(raw)
        found = f"{number:02d}" if number < 100 else str(number)
        return found if found in NAMES else None
    if len(raw) in (2, 3) and raw.lstrip("0") in ("2A", "2B"):
        return raw.lstrip("0")
    return _BY_NAME.get(_key(text))


def label(dep: str) -> str:
    """« 56 (Morbihan) »."""
    return f"{dep} ({NAMES[dep]})" if dep in NAMES else dep


def invalid_message(text: str) -> str:
    """One French line: what was given and the accepted forms."""
    return f"département « {text} » inconnu : indiquez {VALID_FORMS}"
