"""Shared fixtures."""

from __future__ import annotations

import compileall
import fcntl
import gc
import importlib
import importlib.metadata
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from .chromium import Pages
from .helpers import REPO, SHIPPED, shipped_tree_complete, write_tree

# Issue #12: keep pytest's rewritten bytecode of the test modules (tests/__pycache__, as pytest does
# by default) even where PYTHONDONTWRITEBYTECODE is set (this machine and CI set it): every test
# process rewrote and compiled every test module again, about 2 s of CPU each. Set here, before
# the test modules are collected; pdp_nav's own bytecode is written by pytest_configure.
sys.dont_write_bytecode = False

MEMORY = Path("/dev/shm")
"""Where the suite's temporary files go, when :func:`memory_tempdir` allows it."""
MEMORY_FREE = 2 << 30
"""Room a memory file system must have free for the suite to use it (a run holds about 100 MB at
most: a test of huge files writes one of 50 MB)."""


def memory_tempdir(environ: dict[str, str], mounts: str, free: int) -> Path | None:
    """:data:`MEMORY`, when the suite's temporary files should go there rather than to the disk.

    Each test writes its home (cache and configuration), trees, summaries and exports, and pytest
    removes them as it passes: tens of thousands of creations and removals of files and
    directories per run, which a memory file system does 10 to 20 times faster than this machine's
    ext4 (issue #12: 3 to 4 s of the run's wall time). Only where /dev/shm is a tmpfs with
    :data:`MEMORY_FREE` free and no TMPDIR says where temporary files go; ``--basetemp`` still
    takes precedence, as always. ``mounts`` is the text of /proc/self/mounts; ``free`` the bytes
    free on :data:`MEMORY` (0 when it cannot be read).
    """
    if environ.get("TMPDIR") or free < MEMORY_FREE:
        return None
    tmpfs = any(fields[1:3] == [str(MEMORY), "tmpfs"] for fields in map(str.split, mounts.splitlines()))
    return MEMORY if tmpfs and os.access(MEMORY, os.W_OK | os.X_OK) else None


def _free(path: Path) -> int:
    try:
        found = os.statvfs(path)
    except OSError:
        return 0
    return found.f_bavail * found.f_frsize


def _mounts() -> str:
    try:
        return Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# Set at import, in the main process and each worker, before pytest makes its base temporary
# directory (pytest-of-USER/pytest-N under tempfile.gettempdir()) and before any test asks for one.
IN_MEMORY = memory_tempdir(dict(os.environ), _mounts(), _free(MEMORY))
"""What :func:`memory_tempdir` decided as this test process started (None: the usual directory)."""
if IN_MEMORY is not None:
    tempfile.tempdir = str(IN_MEMORY)


def installed_elsewhere(direct_url: str | None, checkout: Path) -> str | None:
    """Where the installed pdp-nav takes its code from, when that is not ``checkout``; None when
    it is (or when pdp-nav is not installed: the tests of the program are then skipped).

    ``direct_url``: the installed distribution's ``direct_url.json`` (PEP 610). The tests start
    that install (``pdp-nav``, ``python -m pdp_nav`` outside the checkout): another clone's code
    behaves as its own commit does, and its cache entries carry another code stamp than the test
    process's, which failed the cache tests with no word of why.
    """
    if direct_url is None:
        return None
    info = json.loads(direct_url)
    url = urllib.parse.urlparse(info.get("url", ""))
    if not info.get("dir_info", {}).get("editable") or url.scheme != "file":
        return f"a copy that is not this checkout ({info.get('url') or 'installed from an index'})"
    where = Path(urllib.parse.unquote(url.path))
    return None if where.resolve() == checkout else str(where)


def _direct_url() -> str | None:
    try:
        found = importlib.metadata.distribution("pdp-nav")
    except importlib.metadata.PackageNotFoundError:
        return None
    return found.read_text("direct_url.json") or '{"url": ""}'


def pytest_configure(config: pytest.Config) -> None:
    """In each test process, no automatic garbage collection; before the xdist workers start, in
    the main process (issue #12: the suite's wall time):

    - Compile pdp_nav's modules once. The tests start pdp-nav about 120 times (terminals, signals,
      pipes). Where PYTHONDONTWRITEBYTECODE is set (this machine and CI set it), nothing writes the
      bytecode of an editable install, and each of those processes compiled the package again:
      about 50 ms each.
    - Start making the shipped tree's seed cache entry, in a process of its own (:func:`_start_seed`).
    - Import hypothesis in the background. Its pytest plugin imports it in this process only for
      the final summary, after the last test: a second of the run's end, while this process is idle
      now, waiting for the workers to collect the tests.
    """
    # No automatic garbage collection in the test processes (pytest still collects where it needs
    # to): the tests over every path allocate tens of millions of acyclic objects (paths, memos),
    # and the collector walked them. Measured: about 5.5 s of CPU in the collector per run at the
    # default thresholds, 2.3 s every 50,000 allocations, 0.1 s off; the workers' peak memory is the
    # same (about 175 MB each).
    gc.disable()
    if not hasattr(config, "workerinput"):
        elsewhere = installed_elsewhere(_direct_url(), REPO)
        if elsewhere is not None:
            raise pytest.UsageError(
                f"the pdp-nav installed for {sys.executable} runs {elsewhere}, not this checkout ({REPO}): "
                "the tests would start that code. Install this checkout first: "
                "python3 -m pip install -c constraints.txt -e '.[test]'")
        import pdp_nav

        compileall.compile_dir(Path(pdp_nav.__file__).parent, quiet=1)
        _start_seed(config)
        threading.Thread(target=importlib.import_module, args=("hypothesis.internal.observability",),
                         daemon=True).start()


COLLECTED = pytest.StashKey[list[str]]()
"""The node ids of every test collected in this process, before ``-k``, ``-m`` or ``--deselect``."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the ids of every collected test, before any selection, for :func:`collected_ids`."""
    config.stash[COLLECTED] = [item.nodeid for item in items]


def collected_ids(config: pytest.Config) -> list[str] | None:
    """Every test id this run collected, when it collected whole directories (``pytest``,
    ``pytest tests``): then each module in them was collected whole. None when the run named
    files or tests, or collected nothing yet."""
    if any("::" in arg or not (config.invocation_params.dir / arg).is_dir() for arg in config.args):
        return None
    return config.stash.get(COLLECTED, None)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """In an xdist worker, once pytest's own last checks are done (its unraisable-exception hook
    collects garbage first): freeze the objects still held, so that the interpreter's final
    collection does not walk the millions the tests over every path left in memos before the
    process ends (a second or more of the run's end, measured)."""
    if hasattr(config, "workerinput"):
        gc.freeze()
    elif SEED in config.stash:  # the main process: the seed entry's process and directory go
        root, process = config.stash[SEED]
        process.kill()  # long ended, unless the run was shorter than making the entry
        process.wait()
        shutil.rmtree(root, ignore_errors=True)


SEED = pytest.StashKey[tuple[Path, subprocess.Popen[bytes]]]()
"""In the main process: the directory of the shipped tree's seed cache entry, and the process making it."""
SEED_SCRIPT = """
import sys
from pathlib import Path
from pdp_nav.content import cache
from pdp_nav.content.load import load_tree
from pdp_nav.errors import PdpNavError
trees, root = map(Path, sys.argv[1:])
try:
    load_tree(trees)
except PdpNavError:
    sys.exit(3)  # an invalid tree: the tests that load it say why
made = cache.entry_path(trees)
assert made is not None and made.is_file(), 'the shipped tree was not cached'
made.chmod(0o400)
(root / 'making' / 'pdp-nav').rename(root / 'pdp-nav')
"""


def _start_seed(config: pytest.Config) -> None:
    """Start making the shipped tree's seed entry (:func:`shipped_cache`), in a process of its own.

    Started by the main process as it configures, so that the entry is made while the workers
    start and collect the tests (a core was idle then), not by the first worker that needs it
    while the other one waited for it (issue #12: about 1.1 s of a core at every run's start).
    The process holds a lock on ``lock`` until it ends; its errors go to ``errors.txt``.
    """
    if config.option.collectonly or not shipped_tree_complete():
        return
    root = Path(tempfile.mkdtemp(prefix="pdp-nav-seed-"))
    env = {name: value for name, value in os.environ.items() if name not in UNSET}  # as a test's (_isolate)
    env |= {"PDP_NAV_TODAY": TODAY, "XDG_CONFIG_HOME": str(root / "config"), "XDG_CACHE_HOME": str(root / "making")}
    with open(root / "lock", "w") as lock, open(root / "errors.txt", "wb") as errors:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held by the process (it inherits the descriptor) until it ends
        process = subprocess.Popen([sys.executable, "-c", SEED_SCRIPT, str(SHIPPED), str(root)],
                                   env=env, pass_fds=(lock.fileno(),),
                                   cwd=REPO,  # the pdp_nav of this checkout, as the tests import
                                   stdin=subprocess.DEVNULL, stdout=errors, stderr=errors)
    config.stash[SEED] = (root, process)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Each xdist worker is told where the seed entry is made (``workerinput``)."""
    if SEED in node.config.stash:
        node.workerinput["pdp_nav_seed"] = str(node.config.stash[SEED][0])


@pytest.fixture(scope="session")
def shipped_cache(pytestconfig: pytest.Config) -> Path | None:
    """A read-only cache entry of the shipped tree, made once by a cold load (checked: schema, lint).

    A cold load of trees/ costs a second or more (YAML, JSON Schema, lint of every path); each
    test starts with its own cache directory, so without this every test that loads the shipped
    tree would pay it again. The entry is made once per run, by a process the main process starts
    (:func:`_start_seed`), and copied into each test's cache directory by :func:`_isolated_env`.
    None while trees/ is not all there, or when it is not a valid tree.
    """
    where = getattr(pytestconfig, "workerinput", {}).get("pdp_nav_seed")
    if where is None and SEED in pytestconfig.stash:
        where = pytestconfig.stash[SEED][0]
    if where is None:
        return None
    root = Path(where)
    with open(root / "lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)  # until the entry is made
    if (root / "pdp-nav").is_dir():
        return root / "pdp-nav"
    errors = (root / "errors.txt").read_text(encoding="utf-8", errors="replace")
    assert not errors, f"the shipped tree's cache entry could not be made:\n{errors}"
    return None  # an invalid tree: the tests that load it say why


# COLUMNS and LINES: pytest-xdist's workers set them (80×24), and Rich would take them over the size
# of the terminal a test opens
UNSET = ("PDP_NAV_DEPARTEMENT", "PDP_NAV_ARBRE", "PDP_NAV_DEBUG", "ACCESSIBLE", "NO_COLOR", "PDP_NAV_NO_CACHE",
         "PDP_NAV_CACHE_DIR", "COLUMNS", "LINES")
"""What the user's environment may set and no test reads."""
TODAY = "2026-11-29"
"""Today for every test (``PDP_NAV_TODAY``): dates are checked against a fixed day."""


def _isolate(env: pytest.MonkeyPatch, home: Path, seed: Path | None) -> None:
    """No variable of :data:`UNSET`, a fixed today, and cache and configuration directories in
    ``home``, the cache holding a private copy of each entry of ``seed`` (none without it)."""
    for var in UNSET:
        # set, then deleted: undone, the variable is absent again even if the code under test set it
        # meanwhile (`main(["--no-cache", …])` sets PDP_NAV_NO_CACHE for its whole process), where
        # delenv alone records nothing for an absent variable, and the value then stayed for the rest of
        # the process (a module's fixture then loaded the shipped tree without its cache: 0.9 s)
        env.setenv(var, "")
        env.delenv(var)
    env.setenv("PDP_NAV_TODAY", TODAY)
    cache_home, config_home = home / "cache", home / "config"
    cache_home.mkdir(parents=True)
    config_home.mkdir()
    if seed is not None:
        (cache_home / "pdp-nav").mkdir(mode=0o700)  # as the cache makes it
        for entry in os.scandir(seed):  # each a private copy (0600, as the cache writes them)
            target = cache_home / "pdp-nav" / entry.name
            shutil.copyfile(entry.path, target)
            target.chmod(0o600)
    env.setenv("XDG_CACHE_HOME", str(cache_home))
    env.setenv("XDG_CONFIG_HOME", str(config_home))


@pytest.fixture(scope="session", autouse=True)
def _process_env(_homes: Iterator[Path], shipped_cache: Path | None) -> Iterator[None]:
    """What a fixture wider than a test sees (a module's tree, built before any test's own
    environment): the same isolation as a test's, in the test process's first home (``homes/0``),
    its cache seeded. Without it, such a fixture read the user's cache and configuration: a module
    of tests loaded the shipped tree cold, and could have cached it for the user."""
    with pytest.MonkeyPatch.context() as env:
        _isolate(env, next(_homes), shipped_cache)
        yield


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, _homes: Iterator[Path],
                  request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests never read the user's config/cache nor a département set in the environment.

    Each test has its own cache directory, holding a copy of the shipped tree's entry
    (:func:`shipped_cache`), except the tests marked ``cold_cache``, which start from an empty one.
    Its home is removed once it has passed (kept otherwise), as its ``tmp_path`` is
    (``tmp_path_retention_policy`` in pyproject.toml): a run no longer leaves ~10,000 files that
    pytest removed at the end of a later run, alone (issue #12: about 3 s of the run's end).
    """
    home = next(_homes)
    cold = request.node.get_closest_marker("cold_cache") is not None
    _isolate(monkeypatch, home, None if cold else request.getfixturevalue("shipped_cache"))
    yield
    if all(request.node.stash.get(PASSED, {}).values()):  # kept for a failed or skipped test, as its tmp_path
        shutil.rmtree(home, ignore_errors=True)


PASSED = pytest.StashKey[dict[str, bool]]()
"""Whether each phase of a test (setup, call) passed, once reported."""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item,
                              call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Record in the test's stash whether this phase passed (:data:`PASSED`)."""
    report = yield
    item.stash.setdefault(PASSED, {})[report.when] = report.passed
    return report


@pytest.fixture(scope="session")
def _homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The homes of this test process's tests, one after the other (``homes/0``, ``homes/1``…).

    Numbered here rather than by ``mktemp``: each ``mktemp`` lists the directory it numbers in,
    and a worker makes about 600 homes (issue #12: 3 ms per test, the listing growing with each).
    """
    root = tmp_path_factory.getbasetemp() / "homes"
    root.mkdir()
    return (root / str(n) for n in itertools.count())


@pytest.fixture
def tree_dir(tmp_path: Path) -> Path:
    """A valid small tree (see helpers.ARBRE) in a temporary directory."""
    return write_tree(tmp_path)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory):
    """Headless Chromium (no network, a fresh profile), one per test process, started on first use:
    see :class:`tests.chromium.Pages`."""
    pages = Pages(lambda: tmp_path_factory.mktemp("chromium"))
    yield pages
    pages.close()
