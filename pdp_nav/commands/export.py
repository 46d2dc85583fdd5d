"""Export commands for scripts (issue #6)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Export commands are added by issue #6."""
