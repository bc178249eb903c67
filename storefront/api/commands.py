"""``flask --app wsgi purge-tokens``: delete token rows that can no longer be used."""

from __future__ import annotations

import click
from flask import Flask

from ..services import tokens


@click.command("purge-tokens")
def purge_tokens_command() -> None:
    """Delete expired or revoked token families and spent or expired refresh tokens."""
    result = tokens.purge_expired()
    click.echo(
        f"Purged {result.families} token families and {result.refresh_tokens} refresh tokens."
    )


def register(app: Flask) -> None:
    app.cli.add_command(purge_tokens_command)
