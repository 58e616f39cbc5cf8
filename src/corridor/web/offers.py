"""What a principal can do next on a movement, and where: the lifecycle table read from
the movement's state, each row put to ``authorisation.authorise`` (the same check the
service makes), so a page never offers a button the service would refuse for want of
power, and never decides anything itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from corridor.domain import commands as c
from corridor.domain.authorisation import authorise, itinerary_offices
from corridor.domain.errors import (
    CorridorError,
    IllegalTransition,
    NotAuthorised,
    PreconditionFailed,
)
from corridor.domain.lifecycle import (
    HELD_BY_OPEN_HITS,
    Action,
    Place,
    actions_from,
    transition_for,
)
from corridor.domain.movement import Movement
from corridor.domain.network import Corridor
from corridor.domain.principal import Principal

# The actions people take with a button on the movement's page (the clock's sweep is
# not one; an amendment has a form of its own, see ``check_amendment``).
WEB_ACTIONS = (
    Action.PRESENT, Action.CANCEL, Action.ACCEPT, Action.REJECT, Action.CONTROL,
    Action.RELEASE, Action.REFUSE_RELEASE, Action.INVALIDATE, Action.RECORD_PASSAGE,
    Action.RECORD_INCIDENT, Action.ENDORSE_INCIDENT, Action.RECORD_ARRIVAL,
    Action.DISCHARGE, Action.OPEN_ENQUIRY, Action.CLOSE_ENQUIRY, Action.START_RECOVERY,
)  # fmt: skip


@dataclass(frozen=True)
class Offer:
    """An action the principal may take now, at one of ``offices`` (none: not at an office)."""

    action: Action
    offices: tuple[str, ...]


def offers(
    corridor: Corridor, movement: Movement, principal: Principal, now: datetime
) -> list[Offer]:
    found = []
    for action in actions_from(movement.state):
        if action not in WEB_ACTIONS:
            continue
        transition = transition_for(movement.state, action)
        places: tuple[str | None, ...] = (None,)
        if transition.place is not Place.NOWHERE:
            places = itinerary_offices(movement.declaration, transition.place)
        allowed = tuple(
            office for office in places if _may(corridor, movement, action, principal, office, now)
        )
        if allowed:
            found.append(Offer(action, tuple(o for o in allowed if o is not None)))
    return found


def held_by_open_hits(found: list[Offer], open_hits: int) -> tuple[list[Offer], list[Offer]]:
    """(offers to show, offers held back): while screening hits are open, the actions the
    lifecycle holds (``HELD_BY_OPEN_HITS``: release) would only be refused, so the page
    says how many hits wait instead of offering them."""
    if not open_hits:
        return found, []
    held = [o for o in found if o.action in HELD_BY_OPEN_HITS]
    return [o for o in found if o.action not in HELD_BY_OPEN_HITS], held


def check_amendment(corridor: Corridor, movement: Movement, principal: Principal) -> None:
    """Raise the domain's error unless the principal may amend the declaration now (its
    holder, before acceptance: the lifecycle table's ``amend`` rows)."""
    transition = transition_for(movement.state, Action.AMEND)
    authorise(corridor, movement.declaration, transition, principal, None)


def may_amend(corridor: Corridor, movement: Movement, principal: Principal) -> bool:
    try:
        check_amendment(corridor, movement, principal)
    except (IllegalTransition, NotAuthorised, PreconditionFailed):
        return False
    return True


def _may(
    corridor: Corridor,
    movement: Movement,
    action: Action,
    principal: Principal,
    office: str | None,
    now: datetime,
) -> bool:
    return refusal(corridor, movement, action, principal, office, now) is None


def refusal(
    corridor: Corridor,
    movement: Movement,
    action: Action,
    principal: Principal,
    office: str | None,
    now: datetime,
) -> CorridorError | None:
    """The domain's reason why ``principal`` may not take ``action`` at ``office`` now
    (the state, who records there, a passage already recorded...); None if it may."""
    try:
        authorise(
            corridor, movement.declaration, transition_for(movement.state, action), principal,
            office,
        )  # fmt: skip
        _check_if_plain(movement, action, office, now, corridor)
    except (IllegalTransition, NotAuthorised, PreconditionFailed) as error:
        return error
    return None


def _check_if_plain(
    movement: Movement, action: Action, office: str | None, now: datetime, corridor: Corridor
) -> None:
    """An action with no particulars to fill in (a passage, say) is checked in full now,
    so a passage already recorded at this office is not offered again."""
    command = c.COMMANDS[action]
    required = [
        f
        for f in dataclasses.fields(command)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if not required:
        command(office=office).check(movement, now, corridor)


def may_review(corridor: Corridor, movement: Movement, principal: Principal) -> bool:
    """Whether ``principal`` may confirm or dismiss the movement's screening hits now
    (the lifecycle's ``review_hit`` row, at the office of departure)."""
    if Action.REVIEW_HIT not in actions_from(movement.state):
        return False
    transition = transition_for(movement.state, Action.REVIEW_HIT)
    [office] = itinerary_offices(movement.declaration, transition.place)
    try:
        authorise(corridor, movement.declaration, transition, principal, office)
    except (NotAuthorised, PreconditionFailed):
        return False
    return True


def may_revoke(corridor: Corridor, movement: Movement, principal: Principal, office: str) -> bool:
    """Whether ``principal`` may revoke a dismissal made on ``movement`` at ``office``
    (the lifecycle's ``revoke_dismissal`` row, at the office that dismissed)."""
    transition = transition_for(movement.state, Action.REVOKE_DISMISSAL)
    try:
        authorise(corridor, movement.declaration, transition, principal, office)
    except (NotAuthorised, PreconditionFailed):
        return False
    return True
