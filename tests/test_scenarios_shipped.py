"""The reference scenarios shipped in ``trees/scenarios/`` pass on the shipped tree (``scenario check``)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pdp_nav.cli import main

from .terminal import PDP_NAV

TREES = Path(__file__).resolve().parent.parent / "trees"
SHIPPED = sorted((TREES / "scenarios").glob("*.yaml")) if (TREES / "arbre.yaml").is_file() else []
pytestmark = pytest.mark.skipif(
    not SHIPPED, reason="trees/arbre.yaml or trees/scenarios/*.yaml absent: the shipped content is not written yet")


def test_shipped_scenarios_pass(capsys: pytest.CaptureFixture[str]) -> None:
    """Every shipped scenario gives what it expects (the reference suite of the tree)."""
    code = main(["scenario", "check", "--arbre", str(TREES), str(TREES / "scenarios")])
    out = capsys.readouterr().out
    n = len(SHIPPED)
    assert (code, out.splitlines()[-1]) == (0, f"{n} scénario(s) : {n} réussi(s), 0 en échec, 0 invalide(s)."), out


def test_installed_command_checks_the_shipped_suite() -> None:
    """The installed entry point, from the checkout, with the default folder <tree>/scenarios."""
    exe = PDP_NAV
    if exe is None:
        pytest.skip("pdp-nav is not installed (pip install -e .)")
    done = subprocess.run([exe, "scenario", "check", "--arbre", "trees"], cwd=TREES.parent,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0].startswith(f"✓ trees/scenarios/{SHIPPED[0].name} — ")


def test_a_wrong_expectation_fails_with_a_readable_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A shipped scenario whose expected outcome is changed: exit 1 and the exact difference."""
    from pdp_nav.content.load import load_tree
    from pdp_nav.scenarios.cases import read

    tree = load_tree(TREES)
    scenario = next((s for s in map(read, SHIPPED) if s.expect.outcome and not s.departement), None)
    if scenario is None:
        pytest.skip("no shipped scenario names its expected outcome")
    right = tree.outcomes[scenario.expect.outcome]
    wrong = next(o for o in tree.outcomes.values() if o.id != right.id)
    text = Path(scenario.file).read_text(encoding="utf-8")
    text, count = re.subn(rf"(?m)^(\s+outcome:\s*){re.escape(right.id)}\b", rf"\g<1>{wrong.id}", text)
    assert count == 1
    path = tmp_path / "faux.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["scenario", "check", "--arbre", str(TREES), str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0] == f"✗ {path} — {scenario.title}"
    assert lines[1] == (f"    - issue attendue « {wrong.id} » ({wrong.title}), obtenue « {right.id} » "
                        f"({right.title})")
    assert lines[2].startswith(f"    obtenu : issue « {right.id} » ({right.title}) ; dispositifs proposés : ")
    assert lines[-1] == "1 scénario(s) : 0 réussi(s), 1 en échec, 0 invalide(s)."


@pytest.mark.parametrize(("regime", "shown", "hidden"), [
    ("salarie_general", {"cpam", "service-medical-am"}, {"msa"}),
    ("salarie_agricole", {"msa"}, {"cpam", "service-medical-am"}),
])
def test_the_caisse_follows_the_regime(regime: str, shown: set[str], hidden: set[str]) -> None:
    """TPT, travail léger, ITI, pré-reprise: the doctor is sent to the caisse that pays (audit H1, H2)."""
    from pdp_nav.core.engine import replay
    from pdp_nav.content.load import load_tree

    tree = load_tree(TREES)
    for cause, wanted in (("maladie", "tpt-salarie"), ("at", "reprise-travail-leger")):
        answers = {"phase": "arret", "cause": cause, "duree": "60j_6mois", "rqth": "non", "sante": "autre",
                   "regime": regime, "poste": "reclassement"}
        state, unused = replay(tree, answers)
        result = state.result()
        assert not unused and wanted in result.dispositif_ids
        contacts = {u.contact.id: u.dispositifs for u in result.contacts}
        assert all(wanted in contacts[c] for c in shown), contacts
        assert not any(wanted in contacts.get(c, ()) for c in hidden), contacts
