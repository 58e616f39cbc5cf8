"""Drive a movement through the domain's lifecycle with valid commands and principals.

Used by the lifecycle tests: for any action it builds the command a real officer,
gate or holder would send, and the principal entitled to send it.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from corridor.domain import commands as c
from corridor.domain.authorisation import itinerary_offices
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import (
    TRANSITIONS,
    Action,
    Authority,
    MovementState,
    transition_for,
)
from corridor.domain.movement import Movement
from corridor.domain.network import Corridor, Role
from corridor.domain.principal import SYSTEM_CLOCK, Principal
from corridor.domain.procedure import decide, open_movement
from corridor.domain.risk import HitDecision

MRN = "26AZ0HRD01000001J4"


def principal_for(
    corridor: Corridor, movement: Movement, action: Action, office: str | None
) -> Principal:
    authority = transition_for(movement.state, action).authority
    if authority is Authority.HOLDER:
        return Principal(id="holder", role=Role.CARRIER, holder=movement.holder)
    if authority is Authority.SYSTEM:
        return SYSTEM_CLOCK
    assert office is not None
    where = corridor.office(office)
    roles = where.decide if authority is Authority.DECIDE else where.record
    if Role.CUSTOMS in roles:
        return Principal(id=f"officer@{where.state}", role=Role.CUSTOMS, state=where.state)
    if Role.FRONT_OFFICE in roles:
        return Principal(id=f"gate@{office}", role=Role.FRONT_OFFICE, office=office)
    return Principal(id="operator", role=Role.OPERATOR)


def office_for(movement: Movement, action: Action) -> str | None:
    place = transition_for(movement.state, action).place
    offices = itinerary_offices(movement.declaration, place)
    passed = {p.office for p in movement.passages}
    if action is Action.RECORD_PASSAGE:
        offices = tuple(o for o in offices if o not in passed) or offices
    return offices[0] if offices else None


def command_for(movement: Movement, action: Action) -> c.Command:
    office = office_for(movement, action)
    payloads: dict[Action, c.Command] = {
        Action.PRESENT: c.Present(),
        Action.AMEND: c.Amend(declaration=movement.declaration),
        Action.CANCEL: c.Cancel(),
        Action.ACCEPT: c.Accept(office=office),
        Action.REJECT: c.Reject(office=office, reason="guarantee invalid"),
        Action.CONTROL: c.Control(office=office, kind=c.ControlKind.PHYSICAL),
        Action.RELEASE: c.Release(office=office, seals=("S-1", "S-2")),
        Action.REFUSE_RELEASE: c.RefuseRelease(office=office, reason="goods differ"),
        Action.INVALIDATE: c.Invalidate(office=office, reason="never left"),
        Action.RECORD_PASSAGE: c.RecordPassage(office=office),
        Action.RECORD_INCIDENT: c.RecordIncident(
            office=office,
            kind=c.IncidentKind.SEAL_BROKEN,
            description="seal cut",
            new_seals=("N-1",),
        ),
        Action.ENDORSE_INCIDENT: c.EndorseIncident(office=office),
        Action.RECORD_ARRIVAL: c.RecordArrival(office=office),
        Action.DISCHARGE: c.Discharge(office=office),
        Action.MARK_OVERDUE: c.MarkOverdue(),
        Action.OPEN_ENQUIRY: c.OpenEnquiry(office=office),
        Action.CLOSE_ENQUIRY: c.CloseEnquiry(office=office, proof="unloading certificate"),
        Action.START_RECOVERY: c.StartRecovery(office=office, reason="no proof"),
        Action.REVIEW_HIT: c.ReviewHit(
            office=office,
            decision=HitDecision.DISMISS,
            entity_id="own-2",
            party_key="name:ordubad agro|AZ|",
            note="another company of that name",
        ),
        Action.REVOKE_DISMISSAL: c.RevokeDismissal(
            office=office,
            dismissal=1,
            entity_id="own-2",
            party_key="name:ordubad agro|AZ|",
            note="the registry shows it is the listed company",
        ),
    }
    return payloads[action]


def moment_for(movement: Movement, action: Action) -> datetime:
    """Ten minutes after the last change; past the time limit for the clock's sweep."""
    if action is Action.MARK_OVERDUE and movement.time_limit is not None:
        return movement.time_limit + timedelta(minutes=1)
    return movement.updated_at + timedelta(minutes=10)


def fire(
    corridor: Corridor, movement: Movement, action: Action, open_hits: int = 0
) -> tuple[Movement, MovementEvent]:
    command = command_for(movement, action)
    principal = principal_for(corridor, movement, action, command.office)
    at = moment_for(movement, action)
    return decide(movement, command, principal, at, corridor, open_hits=open_hits)


def open_new(
    corridor: Corridor, declaration: TransitDeclaration, at: datetime, pre_lodged: bool = False
) -> Movement:
    holder = Principal(
        id="holder", role=Role.CARRIER, holder=declaration.holder.identification_number
    )
    movement, _ = open_movement(MRN, declaration, holder, at, corridor, pre_lodged=pre_lodged)
    return movement


def path_to(state: MovementState) -> list[Action]:
    """The shortest sequence of actions that reaches ``state`` from a new movement."""
    queue: deque[tuple[MovementState | None, list[Action]]] = deque([(None, [])])
    seen: set[MovementState | None] = {None}
    while queue:
        current, actions = queue.popleft()
        if current is state:
            return actions
        for transition in TRANSITIONS:
            if transition.source is current:
                target = transition.target or current
                if target not in seen:
                    seen.add(target)
                    queue.append((target, [*actions, transition.action]))
    raise AssertionError(f"{state} is unreachable")


def drive_to(
    corridor: Corridor, declaration: TransitDeclaration, at: datetime, state: MovementState
) -> Movement:
    actions = path_to(state)
    movement = open_new(corridor, declaration, at, pre_lodged=actions[0] is Action.PRE_LODGE)
    for action in actions[1:]:
        movement, _ = fire(corridor, movement, action)
    assert movement.state is state
    return movement
