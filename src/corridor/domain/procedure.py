"""Apply the lifecycle: the one function every action goes through."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from corridor.domain.authorisation import authorise
from corridor.domain.commands import Command
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import ScreeningHitsOpen
from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import (
    FINAL_STATES,
    HELD_BY_OPEN_HITS,
    Action,
    MovementState,
    next_state,
    transition_for,
)
from corridor.domain.movement import Movement
from corridor.domain.network import Corridor
from corridor.domain.principal import Principal
from corridor.domain.risk import RiskAssessment


def open_movement(
    mrn: str,
    declaration: TransitDeclaration,
    principal: Principal,
    at: datetime,
    corridor: Corridor,
    *,
    pre_lodged: bool = False,
    risk: RiskAssessment | None = None,
) -> tuple[Movement, MovementEvent]:
    """Lodge (or pre-lodge) a validated declaration, with its risk assessment."""
    action = Action.PRE_LODGE if pre_lodged else Action.LODGE
    transition = transition_for(None, action)
    authorise(corridor, declaration, transition, principal, None)
    assert transition.target is not None, "the rows that create a movement name its state"
    state = transition.target
    movement = Movement(
        mrn=mrn,
        declaration=declaration,
        state=state,
        version=1,
        lodged_at=at,
        updated_at=at,
        risk=risk,
    )
    details: dict[str, Any] = {"lrn": declaration.lrn, "mode": str(declaration.transport.mode)}
    if risk is not None:
        details["channel"] = str(risk.channel)
    return movement, _event(movement, action, None, principal, None, at, details)


def decide(
    movement: Movement,
    command: Command,
    principal: Principal,
    at: datetime,
    corridor: Corridor,
    *,
    open_hits: int = 0,
) -> tuple[Movement, MovementEvent]:
    """Take ``command`` on ``movement``: table, authority, preconditions, effect, event.

    ``open_hits``: how many of the movement's screening hits await an officer's decision
    (the review queue is kept by the store; the services pass its count).
    """
    transition = transition_for(movement.state, command.action)
    authorise(corridor, movement.declaration, transition, principal, command.office)
    if open_hits and command.action in HELD_BY_OPEN_HITS:
        raise ScreeningHitsOpen(str(command.action), open_hits)
    command.check(movement, at, corridor)
    changes, details = command.effect(movement, at, principal.id, corridor)
    if command.remarks:
        details["remarks"] = command.remarks
    state = next_state(movement.state, transition)
    if state in FINAL_STATES and movement.state not in FINAL_STATES:
        changes["closed_at"] = at  # the procedure ended here, whichever way it ended
    after = replace(movement, **changes, state=state, version=movement.version + 1, updated_at=at)
    event = _event(after, command.action, movement.state, principal, command.office, at, details)
    return after, event


def _event(
    movement: Movement,
    action: Action,
    source: MovementState | None,
    principal: Principal,
    office: str | None,
    at: datetime,
    details: dict[str, Any],
) -> MovementEvent:
    return MovementEvent(
        mrn=movement.mrn,
        sequence=movement.version,
        action=action,
        source=source,
        target=movement.state,
        principal=principal.id,
        role=principal.role,
        office=office,
        at=at,
        details=details,
    )
