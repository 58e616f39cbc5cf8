"""`corridor screen reviews | confirm | dismiss | dismissals | revoke`: the screening
review queue and the dismissals remembered.

Mounted on `corridor screen` beside the engine's own commands (which need no database).
"""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from corridor import review_service, services
from corridor.bootstrap import Context
from corridor.cli.actions import default_principal
from corridor.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    console,
    open_context,
    parse_principal,
    print_json,
)
from corridor.domain import commands as c
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.domain.risk import HitDecision
from corridor.screening.review import RememberedDismissal, ReviewItem, ReviewState
from corridor.store.reviews import DismissalFilter, ReviewFilter

NOTE = typer.Option("", "--note", help="Why the party is (or is not) the listed entity.")


def register(app: typer.Typer) -> None:
    @app.command("reviews")
    def list_reviews(
        state: list[ReviewState] = typer.Option(
            [], "--state", help="Only items in these states (repeatable)."
        ),
        mrn: str | None = typer.Option(None, "--mrn", help="Only the hits of this movement."),
        after: int | None = typer.Option(None, "--after", help="Start after this id (paging)."),
        limit: int = typer.Option(50, "--limit", min=1, max=1000),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """List the screening review queue: watch-list hits and their decisions, by id."""
        selection = ReviewFilter(tuple(state), mrn and mrn.strip().upper(), after, limit)
        ctx = open_context()
        try:
            found = review_service.list_reviews(ctx, selection)
        finally:
            ctx.close()
        if as_json:
            print_items(found)
            return
        table = Table("id", "MRN", "party", "listed entity", "score", "state", "decided by")
        for i in found:
            party = f"{i.party_role}: {i.party_name}"
            entity = f"{i.caption} ({i.list_name} {i.entity_id})"
            table.add_row(
                str(i.id), i.movement_ref, party, entity, f"{i.score:.2f}", i.state.value,
                i.decided_by or "",
            )  # fmt: skip
        console.print(table)

    @app.command("confirm")
    def confirm(review_id: int, note: str = NOTE, who: str | None = AS_OPTION) -> None:
        """Confirm a hit: the party is the listed entity (the movement goes red)."""
        decide(review_id, HitDecision.CONFIRM, note, who)

    @app.command("dismiss")
    def dismiss(review_id: int, note: str = NOTE, who: str | None = AS_OPTION) -> None:
        """Dismiss a hit as a false positive (--note required); remembered for that
        listed entity and party in the state of departure."""
        decide(review_id, HitDecision.DISMISS, note, who)

    @app.command("dismissals")
    def list_dismissals(
        in_force: bool | None = typer.Option(
            None, "--in-force/--revoked", help="Only those in force (or only revoked ones)."
        ),
        state: str | None = typer.Option(None, "--state", help="Only those of this state."),
        after: int | None = typer.Option(None, "--after", help="Start after this id (paging)."),
        limit: int = typer.Option(50, "--limit", min=1, max=1000),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """List the dismissals remembered (per listed entity, party and state), by id."""
        selection = DismissalFilter(in_force, state and state.strip().upper(), after, limit)
        ctx = open_context()
        try:
            found = review_service.list_dismissals(ctx, selection)
        finally:
            ctx.close()
        if as_json:
            print_dismissals(found)
            return
        table = Table("id", "state", "party", "listed entity", "dismissed", "revoked")
        for d in found:
            revoked = f"{d.revoked_by}: {d.revocation_note}" if not d.in_force else ""
            table.add_row(
                str(d.id), d.state, f"{d.party_role}: {d.party_name}",
                f"{d.caption} ({d.list_name} {d.entity_id})", f"{d.decided_by}: {d.note}",
                revoked,
            )  # fmt: skip
        console.print(table)

    @app.command("revoke")
    def revoke(
        dismissal_id: int,
        note: str = typer.Option("", "--note", help="Why the dismissal no longer holds."),
        who: str | None = AS_OPTION,
    ) -> None:
        """Revoke a remembered dismissal (--note required): kept, marked revoked, and the
        party hits again at its next lodging in that state. Logged on the movement whose
        review made it; by default as the customs of the state that dismissed."""
        ctx = open_context()
        try:
            dismissal = review_service.get_dismissal(ctx, dismissal_id)
            principal = parse_principal(who) if who else _revoker(dismissal)
            review_service.revoke(ctx, dismissal_id, principal, note)
        finally:
            ctx.close()
        console.print(
            f"dismissal {dismissal_id} ({dismissal.state}, {dismissal.party_role} / "
            f"{dismissal.entity_id}): revoked by {principal}, logged on {dismissal.mrn}"
        )


def _revoker(dismissal: RememberedDismissal) -> Principal:
    """Without --as: the customs of the state that remembers the dismissal."""
    return Principal(id="cli", role=Role.CUSTOMS, state=dismissal.state)


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def print_dismissals(found: list[RememberedDismissal]) -> None:
    print_json([
        {"id": d.id, "state": d.state, "in_force": d.in_force, "mrn": d.mrn,
         "review_id": d.review_id, "party_role": d.party_role, "party_name": d.party_name,
         "party_key": d.party_key, "list": d.list_name, "entity_id": d.entity_id,
         "caption": d.caption, "decided_by": d.decided_by, "decided_at": _when(d.decided_at),
         "note": d.note, "revoked_by": d.revoked_by, "revoked_at": _when(d.revoked_at),
         "revocation_note": d.revocation_note}
        for d in found
    ])  # fmt: skip


def decide(review_id: int, decision: HitDecision, note: str, who: str | None) -> None:
    ctx = open_context()
    try:
        item = review_service.get_review(ctx, review_id)
        principal = parse_principal(who) if who else _decider(ctx, item)
        decided = review_service.decide(ctx, review_id, decision, principal, note)
        risk = services.get_movement(ctx, decided.movement_ref).risk
    finally:
        ctx.close()
    after = f", channel now {risk.channel}" if risk is not None else ""
    console.print(
        f"review {review_id} ({decided.movement_ref}): {decided.state.value} by {principal}{after}"
    )


def _decider(ctx: Context, item: ReviewItem) -> Principal:
    """Without --as: the role that decides at the movement's office of departure."""
    movement = services.get_movement(ctx, item.movement_ref)
    command = c.ReviewHit(decision=HitDecision.CONFIRM, entity_id="", party_key="")
    return default_principal(ctx, movement, command)


def print_items(items: list[ReviewItem]) -> None:
    print_json([
        {"id": i.id, "mrn": i.movement_ref, "party_role": i.party_role,
         "party_name": i.party_name, "party_key": i.party_key, "list": i.list_name,
         "entity_id": i.entity_id, "caption": i.caption, "score": i.score,
         "state": i.state.value, "decided_by": i.decided_by,
         "decided_at": i.decided_at.isoformat() if i.decided_at else None, "note": i.note}
        for i in items
    ])  # fmt: skip
