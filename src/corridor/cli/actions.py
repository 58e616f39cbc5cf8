"""One subcommand per lifecycle action on an MRN."""

from __future__ import annotations

from pathlib import Path

import typer

from corridor import services
from corridor.bootstrap import Context
from corridor.cli.common import AS_OPTION, console, open_context, parse_principal
from corridor.cli.movements import read_declaration
from corridor.domain import commands as c
from corridor.domain.authorisation import itinerary_offices
from corridor.domain.lifecycle import Authority, Place, transition_for
from corridor.domain.movement import Movement
from corridor.domain.network import Role
from corridor.domain.principal import SYSTEM_CLOCK, Principal

OFFICE = typer.Option(None, "--office", help="Office code where the action is taken.")
REMARKS = typer.Option(None, "--remarks", help="Free-text remarks kept with the event.")


def run(mrn: str, command: c.Command, who: str | None) -> None:
    ctx = open_context()
    try:
        movement = services.get_movement(ctx, mrn)
        principal = parse_principal(who) if who else default_principal(ctx, movement, command)
        if isinstance(command, c.Amend):  # screened again, its review queue settled
            after = services.amend(ctx, mrn, command.declaration, principal)
        else:
            after = services.act(ctx, mrn, command, principal)
    finally:
        ctx.close()
    console.print(f"{after.mrn}: {command.action} → [bold]{after.state}[/bold] (by {principal})")


def default_principal(ctx: Context, movement: Movement, command: c.Command) -> Principal:
    """Without --as, act as the role that holds the power at the office concerned."""
    transition = transition_for(movement.state, command.action)
    if transition.authority is Authority.HOLDER:
        holder = movement.holder
        return Principal(id="cli", role=Role.CARRIER, holder=holder)
    if transition.authority is Authority.SYSTEM:
        return SYSTEM_CLOCK
    office_code = command.office or _implied_office(movement, transition.place)
    office = ctx.corridor.office(office_code)
    roles = office.decide if transition.authority is Authority.DECIDE else office.record
    if Role.CUSTOMS in roles:
        return Principal(id="cli", role=Role.CUSTOMS, state=office.state)
    if Role.FRONT_OFFICE in roles:
        return Principal(id="cli", role=Role.FRONT_OFFICE, office=office.code)
    return Principal(id="cli", role=Role.OPERATOR)


def _implied_office(movement: Movement, place: Place) -> str:
    offices = itinerary_offices(movement.declaration, place)
    if place in (Place.DEPARTURE, Place.DESTINATION):
        return offices[0]
    raise typer.BadParameter(f"--office is required ({', '.join(offices)})", param_hint="--office")


def register(app: typer.Typer) -> None:
    @app.command()
    def present(mrn: str, who: str | None = AS_OPTION) -> None:
        """Present the goods of a pre-lodged movement at departure (holder)."""
        run(mrn, c.Present(), who)

    @app.command()
    def amend(mrn: str, file: Path, who: str | None = AS_OPTION) -> None:
        """Replace the declaration of a movement not yet accepted (holder)."""
        run(mrn, c.Amend(declaration=read_declaration(file)), who)

    @app.command()
    def cancel(mrn: str, remarks: str | None = REMARKS, who: str | None = AS_OPTION) -> None:
        """Cancel a movement before release (holder)."""
        run(mrn, c.Cancel(remarks=remarks), who)

    @app.command()
    def accept(mrn: str, office: str | None = OFFICE, who: str | None = AS_OPTION) -> None:
        """Accept a lodged declaration at the office of departure (customs)."""
        run(mrn, c.Accept(office=office), who)

    @app.command()
    def reject(
        mrn: str,
        reason: str = typer.Option(..., "--reason"),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Reject a lodged declaration (customs)."""
        run(mrn, c.Reject(office=office, reason=reason), who)

    @app.command()
    def control(
        mrn: str,
        kind: c.ControlKind = typer.Option(..., "--kind"),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Put an accepted movement under documentary or physical control (customs)."""
        run(mrn, c.Control(office=office, kind=kind), who)

    @app.command()
    def release(
        mrn: str,
        seal: list[str] = typer.Option(
            ..., "--seal", help="A seal number (1 to 20 letters, digits or - / .); repeat per seal."
        ),
        time_limit_hours: int | None = typer.Option(None, "--time-limit-hours"),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Release for transit, recording the seals and setting the time limit (customs)."""
        command = c.Release(office=office, seals=tuple(seal), time_limit_hours=time_limit_hours)
        run(mrn, command, who)

    @app.command("refuse-release")
    def refuse_release(
        mrn: str,
        reason: str = typer.Option(..., "--reason"),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Refuse release after a control found irregularities (customs)."""
        run(mrn, c.RefuseRelease(office=office, reason=reason), who)

    @app.command()
    def invalidate(
        mrn: str,
        reason: str = typer.Option(..., "--reason"),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Invalidate a released movement that never left (customs)."""
        run(mrn, c.Invalidate(office=office, reason=reason), who)

    @app.command()
    def passage(
        mrn: str,
        office: str | None = OFFICE,
        arrived_at: str | None = typer.Option(
            None,
            "--arrived-at",
            help="When the vehicle arrived at the checkpoint (gate-in), ISO 8601; UTC "
            "unless the time names its zone. Not later than now. Default: unknown.",
        ),
        who: str | None = AS_OPTION,
    ) -> None:
        """Record passage at an en-route checkpoint with seals intact (front office, customs)."""
        arrived = c.parse_time(arrived_at, "--arrived-at") if arrived_at is not None else None
        run(mrn, c.RecordPassage(office=office, arrived_at=arrived), who)

    @app.command()
    def incident(
        mrn: str,
        kind: c.IncidentKind = typer.Option(..., "--kind"),
        description: str = typer.Option(..., "--description"),
        latitude: float | None = typer.Option(None, "--lat"),
        longitude: float | None = typer.Option(None, "--lon"),
        new_seal: list[str] = typer.Option(
            [], "--new-seal", help="A new seal's number, as --seal; repeat per seal."
        ),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Record an incident en route: broken seal, deviation, accident, transhipment."""
        command = c.RecordIncident(
            office=office,
            kind=kind,
            description=description,
            latitude=latitude,
            longitude=longitude,
            new_seals=tuple(new_seal),
        )
        run(mrn, command, who)

    @app.command()
    def endorse(
        mrn: str,
        office: str | None = OFFICE,
        remarks: str | None = REMARKS,
        who: str | None = AS_OPTION,
    ) -> None:
        """Endorse the open incident so the movement may continue (customs)."""
        run(mrn, c.EndorseIncident(office=office, remarks=remarks), who)

    @app.command()
    def arrive(
        mrn: str,
        seals_broken: bool = typer.Option(False, "--seals-broken"),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Record arrival at the office of destination."""
        run(mrn, c.RecordArrival(office=office, seals_intact=not seals_broken), who)

    @app.command()
    def discharge(mrn: str, office: str | None = OFFICE, who: str | None = AS_OPTION) -> None:
        """Discharge (write off) an arrived movement (customs at destination)."""
        run(mrn, c.Discharge(office=office), who)

    @app.command()
    def enquire(mrn: str, office: str | None = OFFICE, who: str | None = AS_OPTION) -> None:
        """Open an enquiry on an overdue movement (customs at departure)."""
        run(mrn, c.OpenEnquiry(office=office), who)

    @app.command("close-enquiry")
    def close_enquiry(
        mrn: str,
        proof: str = typer.Option(..., "--proof", help="The alternative proof accepted."),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Close an enquiry with alternative proof of arrival: the movement is discharged."""
        run(mrn, c.CloseEnquiry(office=office, proof=proof), who)

    @app.command()
    def recover(
        mrn: str,
        reason: str = typer.Option(..., "--reason"),
        office: str | None = OFFICE,
        who: str | None = AS_OPTION,
    ) -> None:
        """Start recovery of the debt (customs)."""
        run(mrn, c.StartRecovery(office=office, reason=reason), who)

    @app.command()
    def sweep(who: str | None = AS_OPTION) -> None:
        """Mark every movement past its time limit as overdue (run by the clock)."""
        ctx = open_context()
        try:
            marked = services.mark_overdue_movements(
                ctx, parse_principal(who) if who else SYSTEM_CLOCK
            )
        finally:
            ctx.close()
        console.print(
            f"{len(marked)} movement(s) marked overdue"
            + (": " + ", ".join(marked) if marked else "")
        )
