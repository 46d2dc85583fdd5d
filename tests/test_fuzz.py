"""Fuzzing: random bytes, random YAML and random damage to a valid tree either load or raise
pdp-nav's own error (PdpNavError, a French message) — never another exception."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdp_nav.content.answers import read_answers, resolve
from pdp_nav.errors import InputError, PdpNavError
from pdp_nav.content.load import load_tree
from pdp_nav.validate import check
from pdp_nav.content.yamlio import parse_yaml

from .helpers import ARBRE, CATALOGUE, CONTACTS, OVERLAY

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = dt.date(2026, 11, 23)

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=12) | st.dates())
plain = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
TOKENS = ["a", "phase", ":", ": ", "- ", "-", "\n", "  ", "\t", "[", "]", "{", "}", ",", "'", '"', "&x ", "*x",
          "!!python/object:os.system ", "!tag ", "? ", "|", ">", "#", "---\n", "...\n", "%YAML 1.2\n", "é", "\x00",
          "\x07", "\ufeff", "2026-13-45", "0x1F", "1e999", "~", "null", "yes", "\\u00e9", "\\"]


class NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=NoAliasDumper, allow_unicode=True)


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_load_or_raise_input_error(raw: bytes) -> None:
    try:
        parse_yaml(raw, "f.yaml")
    except InputError as exc:
        assert exc.problems and all(str(p).startswith("f.yaml") for p in exc.problems)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_yaml_token_soup_loads_or_raises_input_error(text: str) -> None:
    try:
        parse_yaml(text, "f.yaml")
    except InputError as exc:
        assert exc.problems and "Traceback" not in str(exc)


@FAST
@given(plain)
def test_plain_yaml_reads_as_pyyaml_reads_it(data: Any) -> None:
    """Any plain document: pdp-nav's own composer gives what PyYAML's safe loader gives, dates as text."""
    text = dump(data)
    assert parse_yaml(text, "f.yaml").data == _dates_as_text(yaml.safe_load(text))


def _dates_as_text(data: Any) -> Any:
    """Unquoted dates stay text as written (an id or a label may look like a date)."""
    if isinstance(data, dict):
        return {k: _dates_as_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_dates_as_text(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        found += [p for k, v in data.items() for p in _paths(v, (*path, k))]
    elif isinstance(data, list):
        found += [p for i, v in enumerate(data) for p in _paths(v, (*path, i))]
    return found


def _damage(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    """``data`` with the element at ``path`` replaced, removed, or given an extra key."""
    if not path:
        return value
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "remove":
        del parent[last]
    elif action == "add" and isinstance(parent[last], dict):
        parent[last]["extra"] = value
    else:
        parent[last] = value
    return data


FILES = {"arbre": ARBRE, "catalogue": CATALOGUE, "contacts": CONTACTS, "departements/56": OVERLAY}


@SLOW
@given(st.sampled_from(sorted(FILES)), st.data(), st.sampled_from(["replace", "remove", "add"]), plain)
def test_damaged_tree_is_checked_or_refused_in_french(role: str, data: st.DataObject, action: str,
                                                      value: Any) -> None:
    """Any element of a valid tree replaced, removed or extended: validate reports, load refuses or loads."""
    doc = yaml.safe_load(FILES[role])
    path = data.draw(st.sampled_from(_paths(doc)))
    damaged = _damage(doc, path, action, value)
    with tempfile.TemporaryDirectory() as tmp:
        tree_dir = Path(tmp)
        (tree_dir / "departements").mkdir()
        for name, text in FILES.items():
            (tree_dir / f"{name}.yaml").write_text(dump(damaged) if name == role else text, encoding="utf-8")
        report = check(tree_dir, TODAY)
        assert all(p.location.file.endswith(".yaml") for p in report.problems)
        try:
            tree = load_tree(tree_dir, "56")
        except PdpNavError as exc:
            assert str(exc)
            assert any(p.is_error for p in report.problems)
        else:
            assert not report.unreadable and tree.contacts


@SLOW
@given(st.binary(max_size=200) | st.lists(st.sampled_from(TOKENS + ["rqth", "oui", "reprise"]), max_size=20)
       .map(lambda parts: "".join(parts).encode()) | plain.map(lambda d: dump(d).encode()))
def test_random_answers_files_replay_or_raise(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in FILES.items():
            (root / f"{name}.yaml").parent.mkdir(exist_ok=True)
            (root / f"{name}.yaml").write_text(text, encoding="utf-8")
        answers = root / "answers.yaml"
        answers.write_bytes(raw)
        tree = load_tree(root)
        try:
            given_, doc, base = read_answers(answers)
            state = resolve(tree, given_, doc, base)
        except InputError as exc:
            assert exc.problems
        else:
            assert state.done
