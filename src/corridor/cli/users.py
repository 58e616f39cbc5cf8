"""`corridor users add | list | revoke`: principals and their bearer tokens."""

from __future__ import annotations

import typer
from rich.table import Table

from corridor import accounts
from corridor.cli.common import JSON_OPTION, console, open_context, print_json
from corridor.domain.network import Role
from corridor.domain.principal import Principal

users_app = typer.Typer(help="Principals of the API and their tokens.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


@users_app.command("add")
def add(
    principal_id: str = typer.Argument(..., metavar="ID", help="A unique name, e.g. am-officer-7."),
    role: Role = typer.Option(..., "--role", help="The principal's role."),
    state: str | None = typer.Option(None, "--state", help="Customs: the state (e.g. AM)."),
    office: str | None = typer.Option(None, "--office", help="Front office: its office code."),
    holder: str | None = typer.Option(None, "--holder", help="Carrier: its holder ID."),
) -> None:
    """Register a principal and print its bearer token (shown only this once)."""
    principal = Principal(id=principal_id, role=role, state=state, office=office, holder=holder)
    ctx = open_context()
    try:
        issued = accounts.add_principal(ctx, principal)
    finally:
        ctx.close()
    typer.echo(issued.token)


@users_app.command("list")
def list_users(as_json: bool = JSON_OPTION) -> None:
    """List principals: role, scope, since when, revoked or not (never tokens)."""
    ctx = open_context()
    try:
        records = accounts.list_principals(ctx)
    finally:
        ctx.close()
    rows = [
        {"id": r.principal.id, "role": str(r.principal.role),
         "scope": r.principal.state or r.principal.office or r.principal.holder,
         "created_at": r.created_at.isoformat(),
         "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None}
        for r in records
    ]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    table = Table("id", "role", "scope", "created (UTC)", "revoked (UTC)")
    for row in rows:
        table.add_row(*(str(row[k] or "") for k in row))
    console.print(table)


@users_app.command("revoke")
def revoke(principal_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Revoke a principal's token: every later request with it gets 401."""
    ctx = open_context()
    try:
        record = accounts.revoke_principal(ctx, principal_id)
    finally:
        ctx.close()
    assert record.revoked_at is not None
    console.print(f"{principal_id} revoked at {record.revoked_at.isoformat()}")
