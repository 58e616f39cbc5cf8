"""The one place that decides what a principal may *see*.

Who may *act* is ``authorisation.authorise``; this module answers the other question:
which movements a principal may read one by one, and which other resources (aggregates,
the corridor, screening) its role may read at all.

- a carrier sees the movements it is the holder of;
- a state's customs see every movement whose itinerary touches that state;
- a front-office agent or gate sees the movements whose itinerary includes its office;
- the operator (and the clock) see every movement;
- monitors and witnesses see no movement individually: aggregates and the public log only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import NotAuthorised, NotFound
from corridor.domain.network import Corridor, Role
from corridor.domain.principal import Principal


@dataclass(frozen=True)
class MovementScope:
    """The movements a principal may see: all of them, those of one holder, or those whose
    itinerary includes at least one of ``offices``. An empty scope sees nothing."""

    everything: bool = False
    holder: str | None = None
    offices: frozenset[str] | None = None

    @property
    def is_empty(self) -> bool:
        return not self.everything and self.holder is None and not self.offices

    def admits(self, declaration: TransitDeclaration) -> bool:
        if self.everything:
            return True
        if self.holder is not None:
            return declaration.holder.identification_number == self.holder
        return bool(self.offices and self.offices & itinerary_of(declaration))


NOTHING = MovementScope()


class Reading(StrEnum):
    """What can be read, besides single movements (which ``MovementScope`` governs)."""

    MOVEMENTS = "movements"  # movements one by one, their events; within the scope
    AGGREGATES = "aggregates"  # counts by state, with no commercial detail
    CORRIDOR = "corridor"  # the corridor definition: states, offices, segments
    SCREENING = "screening"  # risk assessments and the review queue (within the scope)
    PRINCIPALS = "principals"  # who holds which role (the operator's register)


# Each row: what is read, and the roles that may read it.
READERS: dict[Reading, frozenset[Role]] = {
    Reading.MOVEMENTS: frozenset(
        {Role.CARRIER, Role.CUSTOMS, Role.FRONT_OFFICE, Role.OPERATOR, Role.SYSTEM}
    ),
    Reading.AGGREGATES: frozenset(Role),
    Reading.CORRIDOR: frozenset(Role),
    # The risk assessment (channel, reasons, list hits) is for the officers and the
    # operator's triage: a carrier or a gate sees a movement without it.
    Reading.SCREENING: frozenset({Role.CUSTOMS, Role.OPERATOR, Role.SYSTEM}),
    Reading.PRINCIPALS: frozenset({Role.OPERATOR}),
}


def may_read(principal: Principal, what: Reading) -> bool:
    return principal.role in READERS[what]


def require_reading(principal: Principal, what: Reading) -> None:
    """Raise ``NotAuthorised`` unless the principal's role may read ``what`` at all."""
    if not may_read(principal, what):
        allowed = " or ".join(sorted(READERS[what]))
        raise NotAuthorised(f"{principal.role} may not read {what}; only {allowed}")


def movement_scope(corridor: Corridor, principal: Principal) -> MovementScope:
    """The movements ``principal`` may see, as a filter the store can apply."""
    role = principal.role
    if role in (Role.OPERATOR, Role.SYSTEM):
        return MovementScope(everything=True)
    if role is Role.CARRIER and principal.holder:
        return MovementScope(holder=principal.holder)
    if role is Role.CUSTOMS and principal.state:
        return MovementScope(offices=offices_of_state(corridor, principal.state))
    if role is Role.FRONT_OFFICE and principal.office:
        return MovementScope(offices=frozenset({principal.office}))
    return NOTHING


def require_visible(
    corridor: Corridor, mrn: str, declaration: TransitDeclaration, principal: Principal
) -> None:
    """Raise unless ``principal`` may see this movement.

    A role that never sees movements gets ``NotAuthorised``; a principal whose scope
    leaves this movement out gets the same ``NotFound`` as for an MRN that does not
    exist, so that nobody learns which movements of others exist.
    """
    require_reading(principal, Reading.MOVEMENTS)
    if not movement_scope(corridor, principal).admits(declaration):
        raise NotFound(f"no movement {mrn}")


def itinerary_of(declaration: TransitDeclaration) -> frozenset[str]:
    """Every office on the movement's itinerary: departure, en route, destination."""
    itinerary = declaration.itinerary
    return frozenset({itinerary.departure, *(itinerary.en_route or ()), itinerary.destination})


def offices_of_state(corridor: Corridor, state: str) -> frozenset[str]:
    return frozenset(code for code, office in corridor.offices.items() if office.state == state)
