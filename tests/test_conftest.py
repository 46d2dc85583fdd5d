"""The suite's own set-up (tests/conftest.py): where its temporary files go, what a fixture sees."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from .conftest import IN_MEMORY, MEMORY, MEMORY_FREE, UNSET, _direct_url, installed_elsewhere, memory_tempdir
from .helpers import REPO

SHM = "tmpfs /dev/shm tmpfs rw,nosuid,nodev,inode64 0 0\n"
DISK = "/dev/vda / ext4 rw,relatime 0 0\n"
writable = pytest.mark.skipif(not os.access(MEMORY, os.W_OK | os.X_OK), reason=f"{MEMORY} absent ou non inscriptible")


@writable
def test_a_memory_file_system_with_room_is_used() -> None:
    assert memory_tempdir({}, DISK + SHM, MEMORY_FREE) == MEMORY


@pytest.mark.parametrize(("environ", "mounts", "free"), [
    ({"TMPDIR": "/var/tmp"}, DISK + SHM, MEMORY_FREE),  # the user says where
    ({}, DISK + SHM, MEMORY_FREE - 1),  # too little room (e.g. a container's 64 MB /dev/shm)
    ({}, DISK, MEMORY_FREE),  # /dev/shm is not mounted apart: it is on the disk
    ({}, DISK + "/dev/vdb /dev/shm ext4 rw 0 0\n", MEMORY_FREE),  # mounted, but not in memory
    ({}, "", MEMORY_FREE),  # no /proc (another system)
])
def test_otherwise_the_usual_temporary_directory(environ: dict[str, str], mounts: str, free: int) -> None:
    assert memory_tempdir(environ, mounts, free) is None


def test_this_run_follows_the_rule(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """This run's files are where the rule decided as the process started (:data:`IN_MEMORY`): the
    tests' tmp_path (unless ``--basetemp`` places it) and tempfile's own directory."""
    if request.config.option.basetemp:
        assert tmp_path.is_relative_to(Path(request.config.option.basetemp).resolve())
    elif IN_MEMORY is None:
        assert not tmp_path.is_relative_to(MEMORY) or os.environ.get("TMPDIR", "").startswith(str(MEMORY))
    else:
        assert tmp_path.is_relative_to(IN_MEMORY)
    if IN_MEMORY is not None:
        assert tempfile.gettempdir() == str(IN_MEMORY)


@pytest.fixture(scope="module")
def module_environ() -> dict[str, str]:
    """The environment a module's fixture sees: set up before any test's own."""
    return dict(os.environ)


def test_a_module_fixture_never_sees_the_users_environment(module_environ: dict[str, str], shipped_cache: Path | None,
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    """Cache and configuration of the test process (the cache seeded), none of the user's variables."""
    base = tmp_path_factory.getbasetemp()
    cache, config = Path(module_environ["XDG_CACHE_HOME"]), Path(module_environ["XDG_CONFIG_HOME"])
    assert cache.is_relative_to(base) and config.is_relative_to(base)
    assert set(UNSET) & set(module_environ) == set() and module_environ["PDP_NAV_TODAY"] == "2026-11-29"
    if shipped_cache is not None:
        assert {e.name for e in (cache / "pdp-nav").iterdir()} == {e.name for e in shipped_cache.iterdir()}


@pytest.mark.parametrize(("direct_url", "found"), [
    ('{"dir_info": {"editable": true}, "url": "file:///work/main"}', None),  # this checkout, editable
    ('{"dir_info": {"editable": true}, "url": "file:///tmp/other%20clone"}', "/tmp/other clone"),
    ('{"dir_info": {}, "url": "file:///work/main"}', "a copy that is not this checkout (file:///work/main)"),
    ('{"url": ""}', "a copy that is not this checkout (installed from an index)"),
    (None, None),  # not installed: the tests of the installed program are skipped
])
def test_the_installed_pdp_nav_must_run_this_checkout(direct_url: str | None, found: str | None) -> None:
    """After .ci/run or `pip install -e .` in another clone, the run stops at once and says so,
    instead of cache tests failing with no word of why (a code stamp from the other clone)."""
    assert installed_elsewhere(direct_url, Path("/work/main")) == found


def test_this_run_starts_this_checkout() -> None:
    """The check on this run's own install: the pdp-nav the tests start runs this checkout."""
    assert installed_elsewhere(_direct_url(), REPO) is None
