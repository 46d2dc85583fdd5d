"""French wording shared by every output: reasons, confidence warnings, channels, Markdown escaping."""

from __future__ import annotations

from ..core.conditions import Reason
from ..core.engine import TERRITORY
from ..core.model import Confidence, Dispositif, Tree
from ..system.textsafe import markdown as _md  # noqa: F401 (the one Markdown escaping, issue #11)
from .typography import NBSP, french, wrap  # noqa: F401 (the typography of every output for people)

NOTICE = ("Document sans donnée d'identité du patient. Aide à l'orientation : les règles citées "
          "sont à vérifier auprès des organismes avant toute décision.")


def label_of(tree: Tree, question_id: str, option_id: str | None) -> str:
    q = tree.questions.get(question_id)
    o = q.option(option_id) if q and option_id else None
    return o.label if o else (option_id or "")


def question_text(tree: Tree, question_id: str) -> str:
    q = tree.questions.get(question_id)
    return q.text if q else question_id


def describe_reason(tree: Tree, reason: Reason, *, proposed: bool) -> str:
    """One French line saying how an answer made a dispositif fit, or not (memoised on the tree).

    A result explains every dispositif of the catalogue, and the same few hundred reasons come
    back on every path: an export or a check over many paths words each of them once.
    """
    texts = tree.memo.get("reasons")
    if texts is None:
        texts = tree.memo["reasons"] = {}
    key = (reason, proposed)
    text = texts.get(key)
    if text is None:
        text = texts[key] = _describe(tree, reason, proposed)
    return text


def _describe(tree: Tree, reason: Reason, proposed: bool) -> str:
    if reason.node == TERRITORY:
        return territory_text(reason, proposed=proposed)
    question = question_text(tree, reason.node)
    expected = " ou ".join(f"« {label_of(tree, reason.node, o)} »" for o in reason.expected)
    if reason.option is None:
        if reason.negated:
            return f"« {question} » : question non posée sur ce parcours"
        return f"« {question} » : question non posée sur ce parcours (il faudrait {expected})"
    given = f"« {label_of(tree, reason.node, reason.option)} »"
    if proposed:
        return f"« {question} » : {given}" + (" (pas " + expected + ")" if reason.negated else "")
    if reason.negated:
        return f"« {question} » : {given} exclut ce dispositif"
    return f"« {question} » : {given} (il faudrait {expected})"


def departements_text(deps: tuple[str, ...] | list[str]) -> str:
    """« du département 29 », « des départements 22, 29 et 35 »."""
    return (f"des départements {', '.join(deps[:-1])} et {deps[-1]}" if len(deps) > 1
            else f"du département {deps[0]}")


def territory_text(reason: Reason, *, proposed: bool) -> str:
    """Why a local dispositif is proposed (this département) or not (another one, or none)."""
    deps = list(reason.expected)
    names = departements_text(deps)
    if proposed:
        return f"dispositif local {names}"
    if reason.option is None:
        return (f"dispositif local {names} : indiquez le département (--departement {deps[0]}) "
                "pour qu'il soit proposé")
    return f"dispositif local {names}, pas du département {reason.option}"


def confidence_note(d: Dispositif) -> str:
    """The warning shown with a dispositif whose rules are not all certain ('' when they are).

    A dispositif rated « élevée » may still name one point to confirm: it is shown too.
    """
    if d.confidence is Confidence.HIGH:
        return f"Point à confirmer — {d.to_confirm}" if d.to_confirm else ""
    return f"Fiabilité {d.confidence.label} — {d.to_confirm}"


def channel_text(kind: str, value: str, note: str) -> str:
    names = {"telephone": "Tél.", "web": "Web", "email": "Courriel", "adresse": "Adresse", "autre": ""}
    text = f"{names.get(kind, kind)} {value}".strip()
    return f"{text} ({note})" if note else text

