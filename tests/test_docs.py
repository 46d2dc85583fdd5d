"""Meta-tests: the README opens with the two commands, CI runs the same test command, every command has French help."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import collected_ids

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands_in_readme_head() -> list[str]:
    """The shell commands of the first two code blocks of the README."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)[:2]
    return [b.strip() for b in blocks]


def test_readme_starts_with_install_and_test_commands() -> None:
    install, test = commands_in_readme_head()
    assert "pip install ." in install and install.endswith("pdp-nav")
    assert "pip install" in test and "pytest" in test
    assert README.index(install) < 1500, "the two commands must come first"


def test_ci_runs_the_readme_test_command() -> None:
    _, test = commands_in_readme_head()
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in lines


def _command_paths() -> list[list[str]]:
    from typer.main import get_command

    from pdp_nav.cli import app

    root = get_command(app)
    paths = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        for sub in getattr(cmd, "commands", {}):
            paths.append([name, sub])
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p))
def test_every_command_has_french_help(path: list[str]) -> None:
    """`pdp-nav CMD --help` works and describes the command in French; the README names it."""
    from typer.main import get_command

    from pdp_nav.cli import app

    cmd = get_command(app)
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    help_text = cmd.help or ""
    assert help_text, f"pdp-nav {' '.join(path)} n'a pas d'aide"
    assert re.search(r"[éèàêçô]|\b(le|la|les|des|du|un|une|ou|et)\b|\b[ld]'", help_text), help_text
    assert f"pdp-nav {' '.join(path)}" in README, f"README ne mentionne pas « pdp-nav {' '.join(path)} »"


def test_installed_entry_point_runs() -> None:
    """The console script is installed and answers --help in French."""
    out = subprocess.run([sys.executable, "-m", "pdp_nav", "--help"], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "Navigateur des dispositifs" in out.stdout


def test_bare_ctrl_c_gets_the_french_message(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str], tree_dir: Path) -> None:
    """A KeyboardInterrupt anywhere in a command: exit 130 and one French line, no traceback."""
    from pdp_nav import validate
    from pdp_nav.cli import main

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate, "check", interrupted)
    assert main(["validate", str(tree_dir)]) == 130
    assert capsys.readouterr().err == "Interrompu : aucune donnée n'a été enregistrée. À bientôt.\n"


@pytest.mark.parametrize(("args", "expected"), [
    (["-d", "56"], ["navigate", "-d", "56"]),
    (["--debug", "--accessible"], ["--debug", "navigate", "--accessible"]),
    (["--help"], ["--help"]),
    (["run", "-a", "x.yaml"], ["run", "-a", "x.yaml"]),
    ([], []),
])
def test_navigator_options_without_the_command_name(args: list[str], expected: list[str]) -> None:
    """A doctor may type `pdp-nav -d 56`: the options go to the navigator."""
    from pdp_nav.cli import _default_to_navigate

    assert _default_to_navigate(args) == expected


def test_readme_counts_the_bad_input_cases_of_each_table(request: pytest.FixtureRequest) -> None:
    """The README's reliability table gives each tests/test_bad_inputs*.py file and its real number of cases."""
    section = README[README.index("## Fiabilité"):]
    rows = dict(re.findall(r"^\| `tests/(test_bad_inputs\w*\.py)` \|[^\n]*\| (\d+) \|$", section, flags=re.M))
    total = re.search(r"^\| \*\*total\*\* \|[^\n]*\| \*\*(\d+)\*\* \|$", section, flags=re.M)
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_bad_inputs*.py"))
    ids = collected_ids(request.config)
    if ids is None or not set(files) <= {i.split("::")[0] for i in ids}:
        # a run of some files only: collect those (in one process: no xdist workers, and without
        # the hypothesis plugin, whose import is most of the time of this collection)
        ids = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n0", "-p", "no:cacheprovider",
             "-p", "no:hypothesispytest", *files],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=True).stdout.splitlines()
    counts: dict[str, int] = {}
    for line in ids:
        if line.startswith("tests/test_bad_inputs") and "::" in line:
            name = line.split("::")[0].removeprefix("tests/")
            counts[name] = counts.get(name, 0) + 1
    assert {name: int(n) for name, n in rows.items()} == counts
    assert total is not None and int(total.group(1)) == sum(counts.values())
