"""The interactive navigator (``pdp-nav`` with no command, or ``pdp-nav navigate``)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """No command yet: the interactive navigator is issue #4."""


def start(ctx: typer.Context) -> None:
    typer.echo(ctx.get_help())
