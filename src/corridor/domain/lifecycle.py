"""The lifecycle of a movement as one table: states, actions, who fires each, and where.

Every rule of the transit procedure about *which action may follow which* is in
``TRANSITIONS``; ``transition_for`` is the one function that reads it. Who may act is
decided by ``authorisation.authorise`` from the ``Authority`` and ``Place`` columns and
the corridor's office definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from corridor.domain.errors import IllegalTransition


class MovementState(StrEnum):
    """Where a movement stands in the transit procedure."""

    PRE_LODGED = "pre_lodged"  # advance data filed; goods not yet presented at departure
    LODGED = "lodged"  # lodged with the goods presented; awaits acceptance
    ACCEPTED = "accepted"  # accepted by the office of departure; awaits control or release
    REJECTED = "rejected"  # refused at departure (final)
    CANCELLED = "cancelled"  # withdrawn by the holder, or invalidated by customs (final)
    UNDER_CONTROL = "under_control"  # documentary or physical control at departure
    NOT_RELEASED = "not_released"  # control found irregularities; not released (final)
    RELEASED = "released"  # released for transit under seal; not yet seen en route
    IN_TRANSIT = "in_transit"  # has passed at least one en-route checkpoint
    INCIDENT = "incident"  # incident recorded en route; awaits the back office's endorsement
    ARRIVED = "arrived"  # arrival recorded at the office of destination; awaits discharge
    DISCHARGED = "discharged"  # procedure ended and written off (final)
    OVERDUE = "overdue"  # the time limit passed without arrival
    UNDER_ENQUIRY = "under_enquiry"  # enquiry opened with the holder
    RECOVERY = "recovery"  # recovery of the debt from the holder and guarantor (final)


FINAL_STATES = frozenset(
    {
        MovementState.REJECTED,
        MovementState.CANCELLED,
        MovementState.NOT_RELEASED,
        MovementState.DISCHARGED,
        MovementState.RECOVERY,
    }
)


class Action(StrEnum):
    """Everything that can happen to a movement."""

    PRE_LODGE = "pre_lodge"
    LODGE = "lodge"
    PRESENT = "present"
    AMEND = "amend"
    CANCEL = "cancel"
    ACCEPT = "accept"
    REJECT = "reject"
    CONTROL = "control"
    RELEASE = "release"
    REFUSE_RELEASE = "refuse_release"
    INVALIDATE = "invalidate"
    RECORD_PASSAGE = "record_passage"
    RECORD_INCIDENT = "record_incident"
    ENDORSE_INCIDENT = "endorse_incident"
    RECORD_ARRIVAL = "record_arrival"
    DISCHARGE = "discharge"
    MARK_OVERDUE = "mark_overdue"
    OPEN_ENQUIRY = "open_enquiry"
    CLOSE_ENQUIRY = "close_enquiry"
    START_RECOVERY = "start_recovery"
    REVIEW_HIT = "review_hit"  # a screening hit confirmed or dismissed; the state stays
    REVOKE_DISMISSAL = "revoke_dismissal"  # a remembered dismissal revoked; the state stays


class Authority(StrEnum):
    """The kind of power an action needs; the corridor says which roles hold it where."""

    HOLDER = "holder"  # the holder of this movement (its carrier)
    DECIDE = "decide"  # a decision: the office's `decide` roles (a state's back office)
    RECORD = "record"  # a recorded fact: the office's `record` roles (front office, gates)
    SYSTEM = "system"  # the clock, run by the operator's sweep


class Place(StrEnum):
    """Where an action is taken, relative to the movement's itinerary."""

    NOWHERE = "nowhere"  # not at an office (the holder acting online, the clock)
    DEPARTURE = "departure"
    EN_ROUTE = "en_route"  # one of the itinerary's en-route checkpoints
    DESTINATION = "destination"
    ITINERARY = "itinerary"  # any office of the itinerary
    DECIDING = "deciding"  # the office that took the decision the action concerns, named
    # by the services from the movement's record (by default the office of departure)


@dataclass(frozen=True)
class Transition:
    source: MovementState | None  # None: the action creates the movement
    action: Action
    target: MovementState | None  # None: the state does not change
    authority: Authority
    place: Place


S = MovementState
A = Action
H, D, R, Y = Authority.HOLDER, Authority.DECIDE, Authority.RECORD, Authority.SYSTEM
P = Place

# fmt: off
TRANSITIONS: tuple[Transition, ...] = tuple(Transition(*row) for row in [
    # source            action               target             who  where
    (None,              A.PRE_LODGE,         S.PRE_LODGED,      H,  P.NOWHERE),
    (None,              A.LODGE,             S.LODGED,          H,  P.NOWHERE),
    (S.PRE_LODGED,      A.PRESENT,           S.LODGED,          H,  P.NOWHERE),
    (S.PRE_LODGED,      A.AMEND,             None,              H,  P.NOWHERE),
    (S.LODGED,          A.AMEND,             None,              H,  P.NOWHERE),
    (S.PRE_LODGED,      A.CANCEL,            S.CANCELLED,       H,  P.NOWHERE),
    (S.LODGED,          A.CANCEL,            S.CANCELLED,       H,  P.NOWHERE),
    (S.ACCEPTED,        A.CANCEL,            S.CANCELLED,       H,  P.NOWHERE),
    (S.LODGED,          A.ACCEPT,            S.ACCEPTED,        D,  P.DEPARTURE),
    (S.LODGED,          A.REJECT,            S.REJECTED,        D,  P.DEPARTURE),
    (S.ACCEPTED,        A.CONTROL,           S.UNDER_CONTROL,   D,  P.DEPARTURE),
    (S.ACCEPTED,        A.RELEASE,           S.RELEASED,        D,  P.DEPARTURE),
    (S.UNDER_CONTROL,   A.RELEASE,           S.RELEASED,        D,  P.DEPARTURE),
    (S.UNDER_CONTROL,   A.REFUSE_RELEASE,    S.NOT_RELEASED,    D,  P.DEPARTURE),
    (S.RELEASED,        A.INVALIDATE,        S.CANCELLED,       D,  P.DEPARTURE),
    (S.RELEASED,        A.RECORD_PASSAGE,    S.IN_TRANSIT,      R,  P.EN_ROUTE),
    (S.IN_TRANSIT,      A.RECORD_PASSAGE,    S.IN_TRANSIT,      R,  P.EN_ROUTE),
    (S.RELEASED,        A.RECORD_INCIDENT,   S.INCIDENT,        R,  P.ITINERARY),
    (S.IN_TRANSIT,      A.RECORD_INCIDENT,   S.INCIDENT,        R,  P.ITINERARY),
    (S.INCIDENT,        A.RECORD_INCIDENT,   S.INCIDENT,        R,  P.ITINERARY),
    (S.INCIDENT,        A.ENDORSE_INCIDENT,  S.IN_TRANSIT,      D,  P.ITINERARY),
    (S.RELEASED,        A.RECORD_ARRIVAL,    S.ARRIVED,         R,  P.DESTINATION),
    (S.IN_TRANSIT,      A.RECORD_ARRIVAL,    S.ARRIVED,         R,  P.DESTINATION),
    (S.INCIDENT,        A.RECORD_ARRIVAL,    S.ARRIVED,         R,  P.DESTINATION),
    (S.OVERDUE,         A.RECORD_ARRIVAL,    S.ARRIVED,         R,  P.DESTINATION),
    (S.UNDER_ENQUIRY,   A.RECORD_ARRIVAL,    S.ARRIVED,         R,  P.DESTINATION),
    (S.ARRIVED,         A.DISCHARGE,         S.DISCHARGED,      D,  P.DESTINATION),
    (S.ARRIVED,         A.START_RECOVERY,    S.RECOVERY,        D,  P.DESTINATION),
    (S.RELEASED,        A.MARK_OVERDUE,      S.OVERDUE,         Y,  P.NOWHERE),
    (S.IN_TRANSIT,      A.MARK_OVERDUE,      S.OVERDUE,         Y,  P.NOWHERE),
    (S.INCIDENT,        A.MARK_OVERDUE,      S.OVERDUE,         Y,  P.NOWHERE),
    (S.OVERDUE,         A.OPEN_ENQUIRY,      S.UNDER_ENQUIRY,   D,  P.DEPARTURE),
    (S.UNDER_ENQUIRY,   A.CLOSE_ENQUIRY,     S.DISCHARGED,      D,  P.DEPARTURE),
    (S.UNDER_ENQUIRY,   A.START_RECOVERY,    S.RECOVERY,        D,  P.DEPARTURE),
])
# fmt: on

# A screening hit (a party resembling a listed entity) is confirmed or dismissed by the
# deciding power of the office of departure, where the channel decides the control, in
# any state while the procedure is open. The movement's state does not change.
TRANSITIONS += tuple(
    Transition(state, A.REVIEW_HIT, None, D, P.DEPARTURE)
    for state in MovementState
    if state not in FINAL_STATES
)

# A dismissal of a hit is remembered by the state whose office of departure decided it;
# that state's deciding power (its customs, under TRIPP) may revoke it, whatever became of
# the movement whose review made it: the revocation is an event of that movement, at the
# office that dismissed, and the movement's state does not change.
TRANSITIONS += tuple(
    Transition(state, A.REVOKE_DISMISSAL, None, D, P.DECIDING) for state in MovementState
)

# The actions that let the goods leave the control of the office of departure. None of
# them may be taken while a screening hit of the movement is still open (neither
# confirmed nor dismissed): an officer decides each hit first (``procedure.decide``).
HELD_BY_OPEN_HITS = frozenset({A.RELEASE})

_BY_SOURCE_AND_ACTION = {(t.source, t.action): t for t in TRANSITIONS}


def transition_for(state: MovementState | None, action: Action) -> Transition:
    """The row of the table for this action from this state, or ``IllegalTransition``."""
    try:
        return _BY_SOURCE_AND_ACTION[(state, action)]
    except KeyError:
        raise IllegalTransition(str(state or "new"), str(action)) from None


def next_state(state: MovementState, transition: Transition) -> MovementState:
    return transition.target if transition.target is not None else state


def actions_from(state: MovementState) -> tuple[Action, ...]:
    """What can be done next: the table read from one state."""
    return tuple(t.action for t in TRANSITIONS if t.source is state)
