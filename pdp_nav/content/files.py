"""The files of a tree directory: where they are, reading them, and finding an overlay.

A tree directory holds ``arbre.yaml`` (questions and outcomes), ``catalogue.yaml``
(dispositifs), ``contacts.yaml`` and optional ``departements/NN.yaml`` overlays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.departements import code, invalid_message
from ..errors import InputError, Location, Problem, display_path
from .document import Document

FILES = {"arbre": "arbre.yaml", "catalogue": "catalogue.yaml", "contacts": "contacts.yaml"}
PLACEHOLDER = "À COMPLÉTER"


def data_dir() -> Path:
    """The ``trees/`` directory shipped with pdp-nav (inside the wheel, or the checkout)."""
    package = Path(__file__).resolve().parent.parent
    bundled = package / "trees"
    return bundled if bundled.is_dir() else package.parent / "trees"


def default_tree_dir() -> Path:
    """``./trees`` when the current directory holds a tree, else the shipped one."""
    local = Path("trees")
    return local if (local / FILES["arbre"]).is_file() else data_dir()


@dataclass
class Sources:
    """The documents a tree was read from, to locate problems; keyed by role."""

    docs: dict[str, Document] = field(default_factory=dict)
    overlays: dict[str, Document] = field(default_factory=dict)
    invalid_overlays: set[str] = field(default_factory=set)
    """Overlays whose structure is wrong: reported, then left out of the later checks."""

    def loc(self, role: str, *path: Any, key: bool = False) -> Location:
        doc = self.docs.get(role) or self.overlays.get(role)
        return doc.loc(path, key=key) if doc else Location(role)


def read_sources(tree_dir: Path) -> tuple[Sources, list[Problem]]:
    from .yamlio import read_yaml  # start-up: a warm load (from the cache) reads no YAML, imports no PyYAML

    sources, unreadable = Sources(), []
    if not tree_dir.is_dir():
        raise InputError(Problem(Location(display_path(tree_dir)), (
            "dossier d'arbre introuvable : indiquez le dossier qui contient arbre.yaml, catalogue.yaml "
            "et contacts.yaml")))
    for role, name in FILES.items():
        try:
            sources.docs[role] = read_yaml(tree_dir / name)
        except InputError as exc:
            unreadable.extend(exc.problems)
    for path in sorted((tree_dir / "departements").glob("*.yaml")):
        try:
            sources.overlays[path.stem] = read_yaml(path)
        except InputError as exc:
            unreadable.extend(exc.problems)
    unreadable += [  # it would be silently ignored
        Problem(Location(display_path(path)), (
            f"surcouche ignorée : renommez le fichier en {path.stem}.yaml (seuls les fichiers .yaml sont lus)"))
        for path in sorted((tree_dir / "departements").glob("*.yml"))]
    return sources, unreadable


def is_placeholder(text: str) -> bool:
    """True for a value the local team has not filled yet (« À COMPLÉTER », any case or accents)."""
    return _plain(PLACEHOLDER) in _plain(text)


def _plain(text: str) -> str:
    return text.upper().replace("É", "E").replace("À", "A")


def overlay_doc(sources: Sources, departement: str) -> Document | None:
    """The overlay of ``departement`` (a code or a name, any spelling), None when it has none.

    Raises:
        InputError: ``departement`` is not a French département (one line with the valid forms).
    """
    dep = code(departement)
    if dep is None:
        raise InputError(Problem(Location("--departement (ou PDP_NAV_DEPARTEMENT)"), invalid_message(departement)))
    return sources.overlays.get(dep)
