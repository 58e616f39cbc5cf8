"""Lodging, listing and showing movements."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from corridor import services
from corridor.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    console,
    open_context,
    parse_principal,
    print_json,
)
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import InvalidDeclaration
from corridor.domain.lifecycle import MovementState
from corridor.domain.movement import Movement
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.store.codec import declaration_from_text, movement_to_json
from corridor.store.repository import MovementFilter
from corridor.xml_import import declaration_from_xml

movements_app = typer.Typer(help="List and show movements.", no_args_is_help=True)


def read_declaration(path: Path) -> TransitDeclaration:
    try:
        text = path.read_bytes()
    except OSError as error:
        raise InvalidDeclaration(str(path), error.strerror or "cannot be read") from None
    if path.suffix.lower() == ".xml":
        return declaration_from_xml(text)
    return declaration_from_text(text)


def register(app: typer.Typer) -> None:
    app.command()(lodge)
    app.add_typer(movements_app, name="movements")


def lodge(
    files: list[Path] = typer.Argument(
        ...,
        help="The declaration: JSON (schemas/declaration.schema.json), or *.xml "
        "in the NCTS-like message of docs/xml-mapping.md. Several files are lodged "
        "together: all or none, their log entries integrated before the command returns.",
    ),
    pre_lodge: bool = typer.Option(
        False, "--pre-lodge", help="Advance data: goods not yet presented."
    ),
    who: str | None = AS_OPTION,
) -> None:
    """Lodge transit declarations; prints each movement reference number (MRN)."""
    declarations = [read_declaration(file) for file in files]
    holder = declarations[0].holder.identification_number
    principal = (
        parse_principal(who) if who else Principal(id="cli", role=Role.CARRIER, holder=holder)
    )
    ctx = open_context()
    try:
        if len(declarations) == 1:
            lodged = [services.lodge(ctx, declarations[0], principal, pre_lodge=pre_lodge)]
        else:
            batch = services.lodge_many(ctx, declarations, principal, pre_lodge=pre_lodge)
            lodged = batch.lodged
    finally:
        ctx.close()
    for one in lodged:
        note = "" if one.created else " (already lodged with this LRN: nothing new was stored)"
        console.print(f"{one.movement.mrn} {one.movement.state}{note}")
    if len(declarations) > 1:
        console.print(f"logged: the log's checkpoint is at tree size {batch.checkpoint.size}")


@movements_app.command("list")
def list_movements(
    state: list[MovementState] = typer.Option(
        [], "--state", help="Only these states (repeatable)."
    ),
    office: str | None = typer.Option(
        None, "--office", help="Departing from or bound for this office."
    ),
    holder: str | None = typer.Option(None, "--holder"),
    mode: str | None = typer.Option(None, "--mode"),
    after: str | None = typer.Option(None, "--after", help="Start after this MRN (paging)."),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    as_json: bool = JSON_OPTION,
) -> None:
    """List movements, ordered by MRN."""
    selection = MovementFilter(tuple(state), office, holder, mode, after, limit)
    ctx = open_context()
    try:
        found = services.list_movements(ctx, selection)
    finally:
        ctx.close()
    if as_json:
        print_json([_summary(m) for m in found])
        return
    table = Table("MRN", "state", "mode", "departure", "destination", "holder", "lodged (UTC)")
    for m in found:
        route = m.declaration.itinerary
        lodged = m.lodged_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(
            m.mrn,
            m.state,
            m.declaration.transport.mode,
            route.departure,
            route.destination,
            m.holder,
            lodged,
        )
    console.print(table)


@movements_app.command("show")
def show_movement(mrn: str, as_json: bool = JSON_OPTION) -> None:
    """Show one movement with its history of events."""
    ctx = open_context()
    try:
        movement = services.get_movement(ctx, mrn)
        history = services.movement_history(ctx, mrn)
    finally:
        ctx.close()
    if as_json:
        events = [
            {"sequence": e.sequence, "action": e.action, "from": e.source, "to": e.target,
             "by": e.principal, "role": e.role, "office": e.office, "at": e.at.isoformat(),
             "details": e.details}
            for e in history
        ]  # fmt: skip
        print_json({"movement": movement_to_json(movement), "events": events})
        return
    _print_movement(movement)
    table = Table("#", "at (UTC)", "action", "state", "by", "office", "details")
    for e in history:
        details = ", ".join(f"{k}={v}" for k, v in e.details.items())
        table.add_row(
            str(e.sequence),
            e.at.strftime("%Y-%m-%d %H:%M"),
            e.action,
            e.target,
            e.principal,
            e.office or "",
            details,
        )
    console.print(table)


def _summary(movement: Movement) -> dict[str, object]:
    route = movement.declaration.itinerary
    return {
        "mrn": movement.mrn,
        "state": movement.state,
        "mode": movement.declaration.transport.mode,
        "departure": route.departure,
        "destination": route.destination,
        "holder": movement.holder,
        "lodged_at": movement.lodged_at.isoformat(),
    }


def _print_movement(movement: Movement) -> None:
    d = movement.declaration
    route = " → ".join(
        (d.itinerary.departure, *(d.itinerary.en_route or ()), d.itinerary.destination)
    )
    console.print(
        f"[bold]{movement.mrn}[/bold]  {movement.state}  ({d.declaration_type}, {d.transport.mode})"
    )
    console.print(f"holder   {d.holder.name} ({d.holder.identification_number}), LRN {d.lrn}")
    console.print(f"route    {route}")
    console.print(f"goods    {len(d.items)} item(s), {d.total_gross_mass_kg} kg gross")
    if movement.seals:
        console.print(f"seals    {', '.join(movement.seals)}")
    if movement.time_limit:
        console.print(f"limit    {movement.time_limit.strftime('%Y-%m-%d %H:%M')} UTC")
    if movement.risk is not None:
        console.print(
            f"channel  {movement.risk.channel}" + (" (BLOCKED)" if movement.risk.blocked else "")
        )
        for reason in movement.risk.reasons:
            console.print(f"  - [{reason.channel}] {reason.text}")
