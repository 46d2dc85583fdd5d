"""`pdp-nav paths`: every format's content on a small tree, filters, French errors, atomic
output, and streaming in memory independent of the number of paths."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from pdp_nav.cli import main
from pdp_nav.core.engine import iter_paths, replay
from pdp_nav.export import paths as export_paths
from pdp_nav.content.load import load_tree
from pdp_nav.system.textsafe import csv_row

from .helpers import (ARBRE, CONDITIONAL_CONTACTS, CONDITIONAL_CONTACTS_CONTACTS, LOCAL_DISPOSITIFS, OVERLAY,
                      big_dag_tree, invoke, output_validator, write_tree)
from .terminal import terminal_signals

ALL = [  # the six paths of helpers.ARBRE, depth first: answers, outcome, dispositifs, contacts
    ({"phase": "en_poste"}, "en_poste_prevention", ["visite-demande"], ["spst"]),
    ({"phase": "arret", "duree_arret": "moins_30"}, "arret_court", ["visite-demande"], ["spst"]),
    ({"phase": "arret", "duree_arret": "plus_30", "rqth": "oui"}, "synthese",
     ["cap-emploi-maintien", "visite-pre-reprise"], ["cap-emploi", "spst"]),
    ({"phase": "arret", "duree_arret": "plus_30", "rqth": "non"}, "synthese", ["visite-pre-reprise"], ["spst"]),
    ({"phase": "reprise", "rqth": "oui"}, "synthese", ["cap-emploi-maintien", "visite-reprise"],
     ["cap-emploi", "spst"]),
    ({"phase": "reprise", "rqth": "non"}, "synthese", ["visite-reprise"], ["spst"]),
]


def paths(capsys: pytest.CaptureFixture[str], tree: Path, *args: str) -> tuple[int, str, str]:
    return invoke(capsys, "paths", "--arbre", tree, *args)


def summary(records: list[dict]) -> list[tuple]:
    return [(r["answers"], r["outcome"]["id"], r["dispositifs"], r["contacts"]) for r in records]


class TestFormats:
    def test_jsonl_header_paths_and_end_line(self, tree_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """jsonl: a header with format_version, one line per path, an end line with the count."""
        code, out, err = paths(capsys, tree_dir)
        assert (code, err) == (0, "")
        lines = [json.loads(line) for line in out.splitlines()]
        validator = output_validator("paths-line")
        for line in lines:
            validator.validate(line)
        head, *body, end = lines
        assert head["format_version"] == 1 and head["kind"] == "pdp-nav-paths"
        assert head["tree"]["id"] == "mini" and head["tree"]["version"] == "1.0"
        assert head["filters"] == {"from": "phase", "phase": None, "dispositifs": []}
        assert end == {"kind": "end", "count": 6}
        assert [r["index"] for r in body] == [1, 2, 3, 4, 5, 6]
        assert summary(body) == ALL
        assert body[1]["steps"] == [
            {"question": "phase", "text": "Où en est la personne ?", "answer": "arret", "label": "Pendant l'arrêt"},
            {"question": "duree_arret", "text": "Depuis combien de temps dure l'arrêt ?", "answer": "moins_30",
             "label": "30 jours ou moins"}]
        assert body[1]["outcome"] == {"id": "arret_court", "title": "Arrêt court"}

    def test_json_document_matches_jsonl(self, tree_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """json: one document, valid against paths.schema.json, with the same paths as jsonl."""
        code, out, err = paths(capsys, tree_dir, "--format", "json")
        assert (code, err) == (0, "")
        data = json.loads(out)
        output_validator("paths").validate(data)
        assert list(data) == ["format_version", "kind", "tree", "filters", "paths", "count"]
        assert data["count"] == 6 and summary(data["paths"]) == ALL
        _, jsonl, _ = paths(capsys, tree_dir)
        assert data["paths"] == [{k: v for k, v in json.loads(line).items() if k != "kind"}
                                 for line in jsonl.splitlines()[1:-1]]

    @pytest.mark.parametrize("catalogue", ["plain", "conditional contacts, local dispositifs"])
    def test_results_are_those_of_the_engine(self, catalogue: str, tmp_path: Path) -> None:
        """The fast path (no explanations) gives the ids and contacts that `run` would give."""
        files = {} if catalogue == "plain" else {"catalogue": CONDITIONAL_CONTACTS + LOCAL_DISPOSITIFS,
                                                 "contacts": CONDITIONAL_CONTACTS_CONTACTS}
        tree = load_tree(write_tree(tmp_path, overlays={"56": OVERLAY}, **files), "56")
        records = list(export_paths.records(tree, export_paths.select(tree)))
        for record, path in zip(records, iter_paths(tree), strict=True):
            result = replay(tree, path.answers)[0].result()
            assert record["dispositifs"] == list(result.dispositif_ids)
            assert record["contacts"] == [u.contact.id for u in result.contacts]
        if files:
            assert {c for r in records for c in r["contacts"]} >= {"spst-bis", "cap-emploi"}

    @pytest.mark.slow
    def test_fast_json_is_the_records_for_every_selection(self, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
        """json_records (cached fragments, shared prefixes) encodes exactly what records() gives.

        Every start node and every first answer, including one that leads straight to an outcome
        (``--phase en_poste``) and the shipped tree's 103,950 paths when it is there. Each record
        is compared whole, as text: the fast line must be the compact JSON of the record.

        Both functions encode the same selected paths (``iter_selected``): they are computed once
        per selection and handed to both, and the ids proposed on a path are memoised on the
        answers the conditions cite (what ``engine.proposed`` depends on), so that the selections
        of the shipped tree that share paths (the root, each first answer) compute them once.
        Every path of every selection is still encoded by both and compared.

        A first answer's selection holds the root's paths that start with it, in the same order
        (depth first), renumbered: each of its records is compared, as a dict, with the root's
        record renumbered (equal, with the same keys in the same order at every level), and its
        fast line with the root's text, checked against ``json.dumps`` just before, renumbered.
        Equal dicts with the same key order have the same JSON, so each fast line is still the
        compact JSON of its record, without encoding the root's records a second time.

        The compact JSON of a record is built from the JSON of its parts (:func:`compact`), each
        distinct part encoded by json.dumps once: compact JSON (no indent, these separators, keys
        in order) is made of its parts, an object ``{`` + the ``"key":value`` members joined by
        ``,`` + ``}``, an array ``[`` + its items joined by ``,`` + ``]``, an int its ``repr``. A
        record is walked whole, every member and item (the steps' dicts and the ids memoised on
        their content, key order included; an answer on its question and option), so a wrong
        byte anywhere in a fast line still fails. That ``compact`` is json.dumps is checked on the
        first record of each selection and on one in 97.
        """
        trees = [load_tree(write_tree(tmp_path / "mini", overlays={"56": OVERLAY}), "56"),
                 load_tree(write_tree(tmp_path / "cond", catalogue=CONDITIONAL_CONTACTS + LOCAL_DISPOSITIFS,
                                      contacts=CONDITIONAL_CONTACTS_CONTACTS, overlays={"56": OVERLAY}), "56")]
        shipped = Path(__file__).resolve().parent.parent / "trees"
        if (shipped / "arbre.yaml").is_file():
            trees.append(load_tree(shipped))
        proposed, iter_selected = export_paths.proposed, export_paths.iter_selected
        known: dict[tuple[int, tuple[str | None, ...]], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # what export_paths._dumps runs (json.dumps with these options), made once and not per record
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        assert encode(ALL) == export_paths._dumps(ALL)

        def memoised(tree, answers, outcome):  # noqa: ANN001, ANN202 - engine.proposed's
            key = (id(outcome), tuple(map(answers.get, cited)))
            found = known.get(key)
            if found is None:
                found = known[key] = proposed(tree, answers, outcome)
            return found

        # json.dumps of each distinct part, by kind: a key, a member of an object ('"q":"o"'), a
        # list of ids, a step's dict: records() shares each between paths, so it is found by its id
        # (kept in ``made``, so no id is reused, and checked unchanged at the end)
        keys: dict[str, str] = {}
        members: dict[tuple[str, Any], str] = {}
        ids: dict[tuple[Any, ...], str] = {}
        steps: dict[int, str] = {}
        made: list[tuple[dict[str, Any], str]] = []

        def compact(record: dict[str, Any]) -> str:
            """encode(record), from the JSON of its parts: an object of ints, lists and objects of str."""
            out = []
            for key, value in record.items():
                name = keys.get(key) or keys.setdefault(key, encode(key))
                kind = type(value)
                if kind is dict:  # the answers, the outcome: each member on its own
                    found = list(map(members.get, value.items()))
                    if None in found:
                        for kv in value.items():  # '{"q":"o"}' without its braces
                            members[kv] = encode(dict([kv]))[1:-1]
                        found = [members[kv] for kv in value.items()]
                    out.append(f'{name}:{{{",".join(found)}}}')
                elif kind is list and not (value and type(value[0]) is dict):  # ids: the list whole
                    found = ids.get(key_ := tuple(value))  # a hit: an earlier list of str, equal
                    if found is None:
                        found = encode(value)
                        if all(type(v) is str for v in value):
                            ids[key_] = found
                    out.append(f"{name}:{found}")
                elif kind is list:  # steps: each dict on its own
                    found = list(map(steps.get, map(id, value)))
                    if None in found:
                        for v in value:
                            if id(v) not in steps:
                                steps[id(v)] = encode(v)
                                made.append((v, steps[id(v)]))
                        found = list(map(steps.get, map(id, value)))
                    out.append(f'{name}:[{",".join(found)}]')
                else:
                    out.append(f"{name}:{value!r}" if kind is int else f"{name}:{encode(value)}")
            return f'{{{",".join(out)}}}'

        def encoded(tree, sel):  # noqa: ANN001, ANN202
            """Each (record, its compact JSON) of ``sel``, once its fast line is checked equal to that JSON."""
            leaves[sel] = list(iter_selected(tree, sel))
            assert leaves[sel], sel
            count = 0
            for count, (fast, record) in enumerate(zip(export_paths.json_records(tree, sel),
                                                       export_paths.records(tree, sel), strict=True), 1):
                text = compact(record)
                assert fast == text, sel
                if count % 97 == 1:
                    assert text == encode(record), sel
                yield record, text
            assert count == len(leaves[sel])
            del leaves[sel]

        leaves: dict[export_paths.Selection, list[export_paths.Leaf]] = {}
        with monkeypatch.context() as patch:
            patch.setattr(export_paths, "proposed", memoised)
            patch.setattr(export_paths, "iter_selected", lambda tree, sel: iter(leaves[sel]))
            for tree in trees:
                known.clear()
                cited = tuple(export_paths.cited_questions(tree))
                root = export_paths.select(tree)
                for sel in [export_paths.select(tree, start=node) for node in [*tree.questions, *tree.outcomes]]:
                    if sel != root:
                        for _ in encoded(tree, sel):
                            pass
                whole = encoded(tree, root)  # checked while the first answers' selections go through it
                for option in tree.questions[tree.root].options:
                    sel = export_paths.select(tree, phase=option.id)
                    leaves[sel] = list(iter_selected(tree, sel))
                    assert leaves[sel], sel
                    count = 0
                    for count, (fast, record) in enumerate(zip(export_paths.json_records(tree, sel),
                                                               export_paths.records(tree, sel), strict=True), 1):
                        same, text = next(whole)
                        assert same["answers"][tree.root] == option.id, sel
                        head = f'{{"index":{same["index"]},'
                        assert text.startswith(head), sel
                        renumbered = f'{{"index":{count},' + text[len(head):]
                        assert fast == renumbered and compact(record) == renumbered, sel
                    assert count == len(leaves.pop(sel))
                assert next(whole, None) is None and not leaves  # the root's paths all had their first answer
        assert all(encode(step) == text for step, text in made)  # the steps' dicts were not changed
        assert [r["answers"] for r in export_paths.records(trees[0], export_paths.select(trees[0], phase="en_poste"))
                ] == [{"phase": "en_poste"}]

    def test_csv_excel_same_rows_with_bom_and_semicolons(self, tree_dir: Path, tmp_path: Path, capsys) -> None:
        """csv-excel: the csv rows, in a UTF-8 file that starts with a BOM and separates cells with « ; »."""
        code, plain, _ = paths(capsys, tree_dir, "--format", "csv")
        target = tmp_path / "parcours.csv"
        assert paths(capsys, tree_dir, "--format", "csv-excel", "-o", str(target)) == (
            0, "", f"6 parcours écrits dans {target}.\n")
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + b"format_version;index;answers;")
        excel = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert excel == list(csv.reader(io.StringIO(plain)))

    def test_csv_columns_and_rows(self, tree_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """csv: documented header, one row per path, step columns padded to the longest path."""
        code, out, err = paths(capsys, tree_dir, "--format", "csv")
        assert (code, err) == (0, "")
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == ["format_version", "index", "answers", "outcome", "outcome_title", "dispositifs",
                           "contacts"] + [f"step_{n}_{c}" for n in (1, 2, 3)
                                          for c in ("question", "text", "answer", "label")]
        assert rows[1] == ["1", "1", "phase=en_poste", "en_poste_prevention", "Prévenir pendant l'activité",
                           "visite-demande", "spst", "phase", "Où en est la personne ?", "en_poste",
                           "En poste, sans arrêt"] + [""] * 8
        assert rows[3][2:7] == ["phase=arret;duree_arret=plus_30;rqth=oui", "synthese", "Préparer le maintien",
                                "cap-emploi-maintien;visite-pre-reprise", "cap-emploi;spst"]
        assert len(rows) == 7 and all(len(r) == 19 for r in rows)
        assert '"En poste, sans arrêt"' in out.splitlines()[1]  # quoted because of the comma
        validator = output_validator("paths-csv")
        for row in csv.DictReader(io.StringIO(out)):
            validator.validate(row)

    @pytest.mark.parametrize("delimiter", [",", ";"])
    def test_csv_rows_are_csv_writer_rows(self, tmp_path: Path, delimiter: str) -> None:
        """write_csv joins cells made text once per step: each row is what csv.writer writes cell by
        cell (the oracle below), with texts that need quoting (the delimiters, quotes, a line break)
        or would be formulas, from the root, from a question deeper down (more padding) and from an
        outcome (a path without steps)."""
        arbre = (ARBRE.replace('"Où en est la personne ?"', '"Où en est-elle ? (arrêt, reprise; « \\"poste\\" »)"')
                 .replace('"Pendant l\'arrêt"', '"=SOMME(A1;A2), pendant l\'arrêt"')
                 .replace('"Plus de 30 jours"', '"-30 jours\\nou plus"')
                 .replace('"Oui"', '"+ Oui, \\"reconnue\\""'))
        tree = load_tree(write_tree(tmp_path, arbre=arbre))
        texts = []
        for sel in [export_paths.select(tree, start=start) for start in ("phase", "rqth", "synthese")]:
            expected = io.StringIO()
            writer = csv.writer(expected, lineterminator="\n", delimiter=delimiter)
            columns = export_paths.csv_columns(tree, sel)
            writer.writerow(columns)
            records = list(export_paths.records(tree, sel))
            for r in records:
                row = [1, r["index"], ";".join(f"{q}={o}" for q, o in r["answers"].items()), r["outcome"]["id"],
                       r["outcome"]["title"], ";".join(r["dispositifs"]), ";".join(r["contacts"])]
                row += [step[name] for step in r["steps"] for name in export_paths.CSV_STEP]
                writer.writerow(csv_row(row + [""] * (len(columns) - len(row))))
            out = io.StringIO()
            assert export_paths.write_csv(tree, sel, out, delimiter) == len(records)
            assert out.getvalue() == expected.getvalue()
            texts.append(out.getvalue())
        root, rqth, outcome = texts  # each hostile cell quoted as a whole and, for a formula, made text
        assert '""poste""' in root and "'=SOMME" in root and "\"'-30 jours\nou plus\"" in root
        assert "\"'+ Oui, \"\"reconnue\"\"\"" in rqth and "phase" not in rqth
        assert outcome.splitlines()[1] == delimiter.join(["1", "1", "", "synthese", "Préparer le maintien", "", ""])

    def test_markdown(self, tree_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """markdown: a readable list with format_version, steps, outcome, dispositifs, contacts."""
        code, out, err = paths(capsys, tree_dir, "--format", "markdown", "--phase", "en_poste")
        assert (code, err) == (0, "")
        assert out == (
            "# Parcours de l'arbre « Mini-arbre PDP »\n\n"
            "_Version 1.0 — format_version 1 — depuis « phase » ; première réponse « en\\_poste »_\n\n"
            "## Parcours 1 — Prévenir pendant l'activité\n\n"
            "1. Où en est la personne ? → **En poste, sans arrêt** (`phase` = `en_poste`)\n\n"
            "- Issue : Prévenir pendant l'activité (`en_poste_prevention`)\n"
            "- Dispositifs : Visite à la demande (`visite-demande`)\n"
            "- Contacts : Service de prévention et de santé au travail (`spst`)\n\n"
            "_1 parcours._\n")

    def test_overlay_contacts(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--departement: the header says so; local contacts are those of the overlay."""
        tree = write_tree(tmp_path, overlays={"56": OVERLAY})
        code, out, _ = paths(capsys, tree, "--departement", "56", "--format", "json")
        data = json.loads(out)
        assert code == 0 and data["tree"]["departement"] == "56"


class TestFilters:
    def test_phase_keeps_paths_of_that_first_answer(self, tree_dir: Path, capsys) -> None:
        code, out, _ = paths(capsys, tree_dir, "--format", "json", "--phase", "arret")
        data = json.loads(out)
        assert code == 0 and data["filters"]["phase"] == "arret"
        assert summary(data["paths"]) == ALL[1:4]
        assert [p["index"] for p in data["paths"]] == [1, 2, 3]

    def test_dispositif_keeps_paths_proposing_it(self, tree_dir: Path, capsys) -> None:
        code, out, _ = paths(capsys, tree_dir, "--format", "json", "--dispositif", "cap-emploi-maintien")
        assert code == 0 and summary(json.loads(out)["paths"]) == [ALL[2], ALL[4]]
        code, out, _ = paths(capsys, tree_dir, "--format", "json", "--dispositif", "cap-emploi-maintien",
                             "--dispositif", "visite-reprise")
        assert code == 0 and summary(json.loads(out)["paths"]) == [ALL[4]]

    def test_from_starts_at_a_question(self, tree_dir: Path, capsys) -> None:
        """--from: paths start there; earlier questions count as not asked."""
        code, out, _ = paths(capsys, tree_dir, "--format", "json", "--from", "rqth")
        data = json.loads(out)
        assert code == 0 and data["filters"]["from"] == "rqth"
        assert summary(data["paths"]) == [({"rqth": "oui"}, "synthese", ["cap-emploi-maintien"], ["cap-emploi"]),
                                          ({"rqth": "non"}, "synthese", [], [])]
        code, out, _ = paths(capsys, tree_dir, "--format", "json", "--from", "rqth", "--phase", "non")
        assert summary(json.loads(out)["paths"]) == [({"rqth": "non"}, "synthese", [], [])]

    def test_from_an_outcome_gives_one_empty_path(self, tree_dir: Path, capsys) -> None:
        code, out, _ = paths(capsys, tree_dir, "--format", "json", "--from", "arret_court")
        assert code == 0
        assert json.loads(out)["paths"] == [{"index": 1, "answers": {}, "steps": [],
                                             "outcome": {"id": "arret_court", "title": "Arrêt court"},
                                             "dispositifs": [], "contacts": []}]

    def test_no_match_says_so_on_stderr(self, tree_dir: Path, capsys) -> None:
        code, out, err = paths(capsys, tree_dir, "--phase", "en_poste", "--dispositif", "visite-reprise")
        assert code == 0 and err == "Aucun parcours ne correspond à ces filtres.\n"
        assert out.splitlines()[-1] == '{"kind":"end","count":0}'


class TestErrors:
    @pytest.mark.parametrize(("args", "message"), [
        (["--dispositif", "visite-reprsie"],
         "--dispositif « visite-reprsie » : dispositif inconnu (vouliez-vous dire « visite-reprise » ?) ; "
         "dispositifs du catalogue : visite-demande, visite-pre-reprise, visite-reprise, cap-emploi-maintien"),
        (["--from", "rqt"],
         "--from « rqt » : ce nœud n'existe pas dans l'arbre (vouliez-vous dire « rqth » ?) ; "
         "questions : phase, duree_arret, rqth"),
        (["--phase", "arrêt"],
         "--phase « arrêt » : la question « phase » n'a pas cette option (vouliez-vous dire « arret » ?) ; "
         "options : en_poste, arret, reprise"),
        (["--from", "synthese", "--phase", "oui"],
         "--phase : « synthese » est une issue, il n'y a pas de réponse à filtrer"),
        (["--format", "xml"], "--format « xml » inconnu : choisissez parmi jsonl, json, csv, csv-excel, markdown"),
    ])
    def test_bad_filters_exit_2_in_french(self, tree_dir: Path, capsys, args: list[str], message: str) -> None:
        code, out, err = paths(capsys, tree_dir, *args)
        assert (code, out, err) == (2, "", message + "\n")

    def test_unwritable_output(self, tree_dir: Path, tmp_path: Path, capsys) -> None:
        target = tmp_path / "absent" / "p.jsonl"
        code, out, err = paths(capsys, tree_dir, "--output", str(target))
        assert (code, out) == (2, "")
        assert err.startswith(f"{target}: impossible d'écrire le fichier (")
        assert err.endswith("aucun fichier partiel n'a été laissé. Choisissez un autre chemin ou libérez de la place.\n")


class TestOutputFile:
    def test_written_atomically_with_a_message(self, tree_dir: Path, tmp_path: Path, capsys) -> None:
        target = tmp_path / "p.csv"
        code, out, err = paths(capsys, tree_dir, "--format", "csv", "-o", str(target))
        assert (code, out) == (0, "")
        assert err == f"6 parcours écrits dans {target}.\n"
        assert target.read_text(encoding="utf-8").count("\n") == 7
        assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv", "tree"]

    def test_new_file_has_the_usual_permissions(self, tree_dir: Path, tmp_path: Path, capsys) -> None:
        """Not the 0600 of a temporary file: a shared export must be readable by others (umask 022)."""
        target = tmp_path / "p.md"
        old = os.umask(0o022)
        try:
            assert paths(capsys, tree_dir, "-f", "markdown", "-o", str(target))[0] == 0
        finally:
            os.umask(old)
        assert target.stat().st_mode & 0o777 == 0o644

    def test_failure_midway_leaves_no_file(self, tree_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
        """An error after some lines were written: no file, no temporary file left."""
        target = tmp_path / "p.jsonl"

        def broken(*_args):
            yield '{"index":1}'
            raise KeyboardInterrupt

        monkeypatch.setattr(export_paths, "json_records", broken)
        assert main(["paths", "--arbre", str(tree_dir), "-o", str(target)]) == 130
        assert capsys.readouterr().err == "Interrompu : aucune donnée n'a été enregistrée. À bientôt.\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"]

    def test_ctrl_c_during_a_long_export_leaves_no_file(self, tmp_path: Path) -> None:
        """The real program, interrupted by SIGINT while it writes: exit 130 and no file."""
        tree = big_dag_tree(tmp_path, 6, 10)  # a million paths: still writing when interrupted
        target = tmp_path / "big.jsonl"
        proc = subprocess.Popen([sys.executable, "-m", "pdp_nav", "paths", "--arbre", str(tree), "-o", str(target)],
                                stderr=subprocess.PIPE, text=True, encoding="utf-8", preexec_fn=terminal_signals)
        try:
            deadline = time.monotonic() + 60
            while not any(p.name.startswith(".big.jsonl.") for p in tmp_path.iterdir()):
                assert time.monotonic() < deadline and proc.poll() is None, "the export never started"
                time.sleep(0.02)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
        assert proc.returncode == 130
        assert err == "Interrompu : aucune donnée n'a été enregistrée. À bientôt.\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"]


class TestStreaming:
    def peak(self, tmp_path: Path, depth: int) -> tuple[int, int]:
        tree = load_tree(big_dag_tree(tmp_path / str(depth), depth, 10))
        sel = export_paths.select(tree)
        with open(os.devnull, "w", encoding="utf-8") as sink:
            tracemalloc.start()
            try:
                count = export_paths.write_jsonl(tree, sel, sink)
                return count, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    def test_memory_does_not_grow_with_the_number_of_paths(self, tmp_path: Path) -> None:
        """Peak memory for 10^4 paths is that for 10^3 (and small): nothing is accumulated.

        (Kept at this size because tracemalloc slows every allocation; the million-path run
        is measured by the benchmarks.)
        """
        small_count, small = self.peak(tmp_path, 3)
        big_count, big = self.peak(tmp_path, 4)
        assert (small_count, big_count) == (10**3, 10**4)
        assert big < small * 1.2 + 16 * 1024, (small, big)
        assert big < 2 * 1024 * 1024, big

    def test_first_lines_arrive_before_the_end(self, tmp_path: Path) -> None:
        """Reading 1000 lines of a million-path export, then stopping it: lines come as they are made."""
        tree = big_dag_tree(tmp_path, 6, 10)
        proc = subprocess.Popen([sys.executable, "-m", "pdp_nav", "paths", "--arbre", str(tree)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        try:
            lines = [proc.stdout.readline() for _ in range(1001)]
            assert proc.poll() is None  # still running: far from done
        finally:
            proc.kill()
            proc.communicate()
        head = json.loads(lines[0])
        assert head["kind"] == "pdp-nav-paths"
        last = json.loads(lines[1000])
        assert last["index"] == 1000 and last["answers"]["q1"] == "r1"
