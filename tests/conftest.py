"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import write_tree


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read the user's config/cache nor a département set in the environment."""
    for var in ("PDP_NAV_DEPARTEMENT", "PDP_NAV_ARBRE", "PDP_NAV_DEBUG", "ACCESSIBLE", "NO_COLOR",
                "PDP_NAV_NO_CACHE", "PDP_NAV_CACHE_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PDP_NAV_TODAY", "2026-11-29")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def tree_dir(tmp_path: Path) -> Path:
    """A valid small tree (see helpers.ARBRE) in a temporary directory."""
    return write_tree(tmp_path)
