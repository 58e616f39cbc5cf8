"""Use cases: one function per action, each one unit of work (lodging's are in
``corridor.lodging``, and named here too).

load -> validate -> decide (lifecycle, authority, preconditions) -> save -> event -> commit.
Entry points (CLI, API, web) parse input, call one of these, and render the result.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from corridor.bootstrap import Context
from corridor.domain import commands as c
from corridor.domain.authorisation import itinerary_offices
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import Conflict, IllegalTransition
from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import HELD_BY_OPEN_HITS, Place, transition_for
from corridor.domain.movement import Movement
from corridor.domain.principal import SYSTEM_CLOCK, Principal
from corridor.domain.procedure import decide
from corridor.domain.risk import HitDecision, RiskAssessment
from corridor.domain.validation import validate_declaration
from corridor.lodging import AnswerOf as AnswerOf
from corridor.lodging import Lodged as Lodged
from corridor.lodging import LodgedBatch as LodgedBatch
from corridor.lodging import LodgingRequest as LodgingRequest
from corridor.lodging import lodge as lodge
from corridor.lodging import lodge_each as lodge_each
from corridor.lodging import lodge_many as lodge_many
from corridor.opening import log_entry
from corridor.screening import review
from corridor.screening.review import ReviewItem, ReviewState
from corridor.store.repository import MovementFilter
from corridor.store.unit_of_work import UnitOfWork

DECISIONS = {ReviewState.CONFIRMED: HitDecision.CONFIRM, ReviewState.DISMISSED: HitDecision.DISMISS}


def amend(
    ctx: Context, mrn: str, declaration: TransitDeclaration, principal: Principal
) -> Movement:
    """Replace the declaration; it is screened again. Remembered dismissals apply, new
    hits join the review queue, and decisions already taken on this movement's hits stand,
    unless the amendment moves the office of departure to another state: that state's
    customs decide its hits afresh (the earlier state's decisions are re-opened). Open
    items whose hit no longer arises (the party was removed, or no longer resembles the
    listed entity) are withdrawn: closed undecided, nothing remembered, their ids in the
    amendment's event; a withdrawn hit raised by a later amendment opens again."""
    declaration = validate_declaration(declaration, ctx.corridor, ctx.nomenclature)
    mrn = _normalise(mrn)
    screening = ctx.screening.prepare(declaration, ctx.corridor)  # before the lock, as lodge
    with ctx.unit_of_work() as uow:
        screened = screening.of(mrn, uow.reviews.dismissals)
        if _departure_state(ctx, uow.movements.get(mrn).declaration) != screening.state:
            uow.reviews.reopen(screened.review_items)
        items = uow.reviews.for_movement(mrn)
        gone = review.withdrawn(items, screened.arising, screening.parties, principal.id, ctx.now())
        risk = _with_decisions(screened.risk, items)
        command = c.Amend(declaration=declaration, risk=risk, withdrawn=_ids(gone))
        after = apply(uow, ctx, mrn, command, principal)
        uow.reviews.withdraw(gone)  # hits no longer raised hold nothing back
        uow.reviews.reopen(review.raised_again(items, screened.review_items))
        uow.reviews.add(screened.review_items, ctx.now())
        uow.commit()
    return after


def act(ctx: Context, mrn: str, command: c.Command, principal: Principal) -> Movement:
    """Take any lifecycle action on a movement, in one transaction with its event."""
    with ctx.unit_of_work() as uow:
        after = apply(uow, ctx, mrn, command, principal)
        uow.commit()
    return after


def apply(
    uow: UnitOfWork, ctx: Context, mrn: str, command: c.Command, principal: Principal
) -> Movement:
    """Decide ``command`` and store the movement, its event and its log entry in ``uow``
    (the caller commits)."""
    before = uow.movements.get(_normalise(mrn))
    command = _with_default_office(command, before, principal)
    # The count the lifecycle's hold on release needs (asked only for the actions it holds).
    held = command.action in HELD_BY_OPEN_HITS
    open_hits = uow.reviews.count_open(before.mrn) if held else 0
    after, event = decide(before, command, principal, ctx.now(), ctx.corridor, open_hits=open_hits)
    uow.movements.update(after, expected_version=before.version)
    uow.events.add(event)
    _append_to_log(uow, after, event)
    return after


def present(ctx: Context, mrn: str, principal: Principal) -> Movement:
    return act(ctx, mrn, c.Present(), principal)


def cancel(ctx: Context, mrn: str, principal: Principal, remarks: str | None = None) -> Movement:
    return act(ctx, mrn, c.Cancel(remarks=remarks), principal)


def accept(ctx: Context, mrn: str, principal: Principal, office: str | None = None) -> Movement:
    return act(ctx, mrn, c.Accept(office=office), principal)


def reject(
    ctx: Context, mrn: str, principal: Principal, reason: str, office: str | None = None
) -> Movement:
    return act(ctx, mrn, c.Reject(office=office, reason=reason), principal)


def control(
    ctx: Context, mrn: str, principal: Principal, kind: c.ControlKind, office: str | None = None
) -> Movement:
    return act(ctx, mrn, c.Control(office=office, kind=kind), principal)


def release(
    ctx: Context,
    mrn: str,
    principal: Principal,
    seals: tuple[str, ...],
    office: str | None = None,
    time_limit_hours: int | None = None,
) -> Movement:
    command = c.Release(office=office, seals=seals, time_limit_hours=time_limit_hours)
    return act(ctx, mrn, command, principal)


def refuse_release(
    ctx: Context, mrn: str, principal: Principal, reason: str, office: str | None = None
) -> Movement:
    return act(ctx, mrn, c.RefuseRelease(office=office, reason=reason), principal)


def record_passage(
    ctx: Context,
    mrn: str,
    principal: Principal,
    office: str | None = None,
    arrived_at: datetime | None = None,
) -> Movement:
    return act(ctx, mrn, c.RecordPassage(office=office, arrived_at=arrived_at), principal)


def record_incident(
    ctx: Context, mrn: str, principal: Principal, incident: c.RecordIncident
) -> Movement:
    return act(ctx, mrn, incident, principal)


def endorse_incident(
    ctx: Context,
    mrn: str,
    principal: Principal,
    office: str | None = None,
    remarks: str | None = None,
) -> Movement:
    return act(ctx, mrn, c.EndorseIncident(office=office, remarks=remarks), principal)


def record_arrival(
    ctx: Context,
    mrn: str,
    principal: Principal,
    office: str | None = None,
    seals_intact: bool = True,
) -> Movement:
    return act(ctx, mrn, c.RecordArrival(office=office, seals_intact=seals_intact), principal)


def discharge(ctx: Context, mrn: str, principal: Principal, office: str | None = None) -> Movement:
    return act(ctx, mrn, c.Discharge(office=office), principal)


def open_enquiry(
    ctx: Context, mrn: str, principal: Principal, office: str | None = None
) -> Movement:
    return act(ctx, mrn, c.OpenEnquiry(office=office), principal)


def close_enquiry(
    ctx: Context, mrn: str, principal: Principal, proof: str, office: str | None = None
) -> Movement:
    return act(ctx, mrn, c.CloseEnquiry(office=office, proof=proof), principal)


def start_recovery(
    ctx: Context, mrn: str, principal: Principal, reason: str, office: str | None = None
) -> Movement:
    return act(ctx, mrn, c.StartRecovery(office=office, reason=reason), principal)


def mark_overdue_movements(ctx: Context, principal: Principal = SYSTEM_CLOCK) -> list[str]:
    """The clock's sweep: every movement past its time limit becomes overdue."""
    with ctx.unit_of_work() as uow:
        due = uow.movements.due_for_overdue(ctx.now())
    marked = []
    for mrn in due:
        try:
            act(ctx, mrn, c.MarkOverdue(), principal)
        except (Conflict, IllegalTransition):
            continue  # changed meanwhile (arrived, say): nothing to mark
        marked.append(mrn)
    return marked


def get_movement(ctx: Context, mrn: str) -> Movement:
    with ctx.unit_of_work() as uow:
        return uow.movements.get(_normalise(mrn))


def movement_history(ctx: Context, mrn: str) -> list[MovementEvent]:
    with ctx.unit_of_work() as uow:
        uow.movements.get(_normalise(mrn))
        return uow.events.for_movement(_normalise(mrn))


def list_movements(ctx: Context, selection: MovementFilter) -> list[Movement]:
    with ctx.unit_of_work() as uow:
        return uow.movements.find(selection)


def count_by_state(ctx: Context) -> dict[str, int]:
    with ctx.unit_of_work() as uow:
        return uow.movements.count_by_state()


def _append_to_log(uow: UnitOfWork, movement: Movement, event: MovementEvent) -> None:
    """The event's log entry, in the same transaction as the change it records."""
    uow.log.append(log_entry(movement, event), event.at)


def _with_decisions(risk: RiskAssessment, items: list[ReviewItem]) -> RiskAssessment:
    for item in items:
        if item.state in DECISIONS:
            risk = risk.reviewed(item.entity_id, item.party_key, DECISIONS[item.state])
    return risk


def _ids(items: list[ReviewItem]) -> tuple[int, ...]:
    return tuple(item.id for item in items if item.id is not None)


def _departure_state(ctx: Context, declaration: TransitDeclaration) -> str:
    return ctx.corridor.office(declaration.itinerary.departure).state


def _with_default_office(command: c.Command, movement: Movement, principal: Principal) -> c.Command:
    """An office left out defaults to the principal's own, or the one the action implies."""
    if command.office is not None:
        return command
    place = transition_for(movement.state, command.action).place
    if principal.office is not None and place is not Place.NOWHERE:
        return _replace_office(command, principal.office)
    offices = itinerary_offices(movement.declaration, place)
    if place in (Place.DEPARTURE, Place.DESTINATION):
        return _replace_office(command, offices[0])
    return command


def _replace_office(command: c.Command, office: str) -> c.Command:
    return replace(command, office=office)


def _normalise(mrn: str) -> str:
    return mrn.strip().upper()
