"""The `corridor` command."""

from __future__ import annotations

import typer

app = typer.Typer(help="corridor: customs transit with a verifiable log.", no_args_is_help=True)


@app.command()
def version() -> None:
    """Print corridor's version."""
    from corridor import __version__

    typer.echo(__version__)


def main() -> None:
    app()
