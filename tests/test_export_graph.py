"""`pdp-nav graph`: Mermaid and Graphviz DOT, French labels escaped, rendered by the real `dot`."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pdp_nav.export.graph import dot_label, mermaid_text

from .helpers import ARBRE, invoke, write_tree

NASTY = 'Le salarié dit « je reviens \\"lundi\\" »\\nC:\\\\dossier\\\\N <b>gras</b> & #35; | `x`'
"""A question text in YAML double quotes: quotes, « », accents, a line break, backslashes
(``\\N`` is a DOT escape), HTML, ``&``, a Mermaid entity, ``|`` and backticks."""

NASTY_TEXT = 'Le salarié dit « je reviens "lundi" »\nC:\\dossier\\N <b>gras</b> & #35; | `x`'

# the outcome arret_court renamed `end`, a Mermaid keyword
NASTY_ARBRE = (ARBRE.replace('"Où en est la personne ?"', f'"{NASTY}"').replace("arret_court", "end")
               .replace('"Pendant l\'arrêt"', '"Pendant l\'arrêt (« long »)"'))

MERMAID = """\
%% pdp-nav graph — format_version 1
%% Arbre « Mini-arbre PDP » (mini), version 1.0
flowchart TD
    %% question phase
    Q1["Où en est la personne ?"]
    %% question duree_arret
    Q2["Depuis combien de temps dure l'arrêt ?"]
    %% question rqth
    Q3["La personne a-t-elle une RQTH ?"]
    %% issue en_poste_prevention
    I1(["Prévenir pendant l'activité"])
    %% issue arret_court
    I2(["Arrêt court"])
    %% issue synthese
    I3(["Préparer le maintien"])
    Q1 -->|"En poste, sans arrêt"| I1
    Q1 -->|"Pendant l'arrêt"| Q2
    Q1 -->|"À la reprise"| Q3
    Q2 -->|"30 jours ou moins"| I2
    Q2 -->|"Plus de 30 jours"| Q3
    Q3 -->|"Oui"| I3
    Q3 -->|"Non"| I3
    classDef question fill:#eef3fb,stroke:#2b5797,color:#111111
    classDef outcome fill:#e6f4ea,stroke:#1e7b34,stroke-width:3px,color:#111111
    class Q1,Q2,Q3 question
    class I1,I2,I3 outcome
"""

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz absent (commande dot) : apt-get install graphviz")


def graph(capsys: pytest.CaptureFixture[str], tree: Path, *args: str) -> tuple[int, str, str]:
    return invoke(capsys, "graph", "--arbre", tree, *args)


class TestMermaid:
    def test_flowchart_of_the_small_tree(self, tree_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The whole flowchart: generated ids, tree ids in comments, outcomes styled apart."""
        assert graph(capsys, tree_dir) == (0, MERMAID, "")

    def test_labels_are_escaped(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Quotes, <, >, &, #, |, backticks become entity codes; a line break becomes <br/>."""
        code, out, _ = graph(capsys, write_tree(tmp_path, arbre=NASTY_ARBRE))
        assert code == 0
        assert ('    Q1["Le salarié dit « je reviens #quot;lundi#quot; »<br/>C:#92;dossier#92;N '
                '#lt;b#gt;gras#lt;/b#gt; #amp; #35;35; #124; #96;x#96;"]') in out.splitlines()
        assert '    Q1 -->|"Pendant l\'arrêt (« long »)"| Q2' in out.splitlines()

    def test_reserved_ids_never_become_node_ids(self, tmp_path: Path, capsys) -> None:
        """An outcome called `end` (a Mermaid keyword) is I2; its id only appears in a comment."""
        _, out, _ = graph(capsys, write_tree(tmp_path, arbre=NASTY_ARBRE))
        code_lines = [line.strip() for line in out.splitlines() if not line.strip().startswith("%%")]
        assert not any("end" in line.split() for line in code_lines)
        assert "    %% issue end" in out.splitlines() and '    I2(["Arrêt court"])' in out.splitlines()

    def test_dispositifs_listed_on_outcomes(self, tree_dir: Path, capsys) -> None:
        """--dispositifs: each outcome lists what its paths propose, marking what depends on the path."""
        code, out, _ = graph(capsys, tree_dir, "--dispositifs")
        assert code == 0
        assert ('    I3(["Préparer le maintien<br/><br/>• Cap emploi — maintien (selon le parcours)<br/>'
                "• Visite de pré-reprise (selon le parcours)<br/>• Visite de reprise (selon le parcours)\"])"
                ) in out.splitlines()
        assert '    I2(["Arrêt court<br/><br/>• Visite à la demande"])' in out.splitlines()

    def test_mermaid_text_unit(self) -> None:
        assert mermaid_text(['a "b"', "c#d"]) == '"a #quot;b#quot;<br/>c#35;d"'


class TestDot:
    def test_digraph_of_the_small_tree(self, tree_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = graph(capsys, tree_dir, "--format", "dot")
        assert (code, err) == (0, "")
        lines = out.splitlines()
        assert lines[:3] == ["// pdp-nav graph — format_version 1",
                             "// Arbre « Mini-arbre PDP » (mini), version 1.0", 'digraph "mini" {']
        assert '    "duree_arret" [label="Depuis combien de temps dure\\nl\'arrêt\u00a0?", ' \
               'tooltip="question duree_arret"];' in lines
        assert ('    "synthese" [label="Préparer le maintien", tooltip="issue synthese", style="filled,bold", '
                'fillcolor="#e6f4ea", color="#1e7b34", peripheries=2];') in lines
        assert '    "phase" -> "en_poste_prevention" [label="En poste, sans arrêt"];' in lines
        assert lines[-1] == "}" and sum(" -> " in line for line in lines) == 7

    def test_dot_label_escapes(self) -> None:
        """Quotes and backslashes escaped (\\N stays text), lines folded and joined with \\n."""
        assert dot_label(['dit "oui"', "C:\\N"], 40) == '"dit \\"oui\\"\\nC:\\\\N"'
        assert dot_label(["un deux trois quatre"], 9) == '"un deux\\ntrois\\nquatre"'

    @needs_dot
    def test_rendered_by_graphviz(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The real `dot` renders the nasty labels exactly: quotes, « », accents, \\N, line breaks."""
        _, out, _ = graph(capsys, write_tree(tmp_path, arbre=NASTY_ARBRE), "--format", "dot", "--dispositifs")
        svg = subprocess.run(["dot", "-Tsvg"], input=out.encode("utf-8"), capture_output=True, check=True,
                             timeout=60).stdout
        ns = {"svg": "http://www.w3.org/2000/svg"}
        texts: dict[str, str] = {}
        for group in ET.fromstring(svg).iterfind(".//svg:g[@class='node']", ns):
            name = group.find("svg:title", ns).text
            texts[name] = "\n".join(t.text or "" for t in group.iterfind(".//svg:text", ns))
        assert set(texts) == {"phase", "duree_arret", "rqth", "en_poste_prevention", "end", "synthese"}
        texts = {k: v.replace("\u00a0", " ") for k, v in texts.items()}  # French non-breaking spaces
        assert texts["phase"].replace("\n", " ") == NASTY_TEXT.replace("\n", " ")
        assert '"lundi" »' in texts["phase"] and "\nC:\\dossier\\N <b>gras</b>" in texts["phase"]
        assert texts["end"] == "Arrêt court\n• Visite à la demande"
        edges = [t.text for t in ET.fromstring(svg).iterfind(".//svg:g[@class='edge']/svg:text", ns)]
        assert "Pendant l'arrêt (\u00ab\u00a0long\u00a0\u00bb)" in " ".join(edges)


class TestCli:
    def test_output_file(self, tree_dir: Path, tmp_path: Path, capsys) -> None:
        target = tmp_path / "arbre.mmd"
        assert graph(capsys, tree_dir, "-o", str(target)) == (0, "", f"Graphe écrit dans {target}.\n")
        assert target.read_text(encoding="utf-8") == MERMAID

    def test_unknown_format(self, tree_dir: Path, capsys) -> None:
        assert graph(capsys, tree_dir, "-f", "svg") == (
            2, "", "--format « svg » inconnu : choisissez parmi mermaid, dot\n")
