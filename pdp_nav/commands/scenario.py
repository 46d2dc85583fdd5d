"""Scenario commands for trainers (issue #5)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Scenario commands are added by issue #5."""
