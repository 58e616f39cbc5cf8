"""What every command shares: global options, the context, principals, errors, output."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain.errors import InvalidInput
from corridor.domain.network import Role
from corridor.domain.principal import Principal

console = Console(highlight=False)


@dataclass
class Options:
    database_url: str | None = None
    corridor_path: Path | None = None


OPTIONS = Options()


def global_options(
    db: str | None = typer.Option(
        None,
        "--db",
        envvar="CORRIDOR_DB",
        help="Database URL (default sqlite:///var/corridor.sqlite).",
    ),
    corridor: Path | None = typer.Option(
        None, "--corridor", envvar="CORRIDOR_CORRIDOR", help="Corridor definition (TOML)."
    ),
) -> None:
    """corridor: customs transit along a land corridor, with a log every party can verify."""
    OPTIONS.database_url = db
    OPTIONS.corridor_path = corridor


def settings() -> Settings:
    return Settings.from_environment(OPTIONS.database_url, OPTIONS.corridor_path)


def open_context(*, initialise: bool = False) -> Context:
    return bootstrap(settings(), initialise=initialise)


def fail(message: str) -> NoReturn:
    """One line on stderr, exit status 2: the CLI's answer to any bad input."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def parse_principal(text: str) -> Principal:
    """``ROLE[:ID][@SCOPE]``: scope is a state for customs, an office for front office,
    a holder identification number for a carrier. E.g. ``customs:officer-7@AM``."""
    head, _, scope = text.partition("@")
    role_text, _, identity = head.partition(":")
    try:
        role = Role(role_text)
    except ValueError:
        roles = ", ".join(str(r) for r in Role)
        raise InvalidInput(f"--as {text!r}: role must be one of {roles}") from None
    identity = identity or f"cli-{role}"
    scope_field = {Role.CUSTOMS: "state", Role.FRONT_OFFICE: "office", Role.CARRIER: "holder"}
    if role in scope_field and not scope:
        raise InvalidInput(f"--as {text!r}: a {role} needs @{scope_field[role]}")
    extra = {scope_field[role]: scope} if role in scope_field else {}
    return Principal(id=identity, role=role, **extra)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


AS_OPTION = typer.Option(
    None,
    "--as",
    help="Who acts, ROLE[:ID][@SCOPE], e.g. customs:officer-7@AM or front_office:gate-2@AM0NRN01. "
    "Default: the role that holds the power at the office, acting as 'cli'.",
)
JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")
