"""The one place that decides whether a principal may take an action, and where.

The lifecycle table says what kind of power an action needs (holder, decide, record,
system) and where it is taken; the corridor says which roles hold that power at each
office; the principal's jurisdiction must match the office.
"""

from __future__ import annotations

from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import NotAuthorised, PreconditionFailed
from corridor.domain.lifecycle import Authority, Place, Transition
from corridor.domain.network import Corridor, Office, Role
from corridor.domain.principal import Principal


def authorise(
    corridor: Corridor,
    declaration: TransitDeclaration,
    transition: Transition,
    principal: Principal,
    office_code: str | None,
) -> None:
    """Raise ``NotAuthorised`` or ``PreconditionFailed`` unless the action may go ahead."""
    if transition.authority is Authority.HOLDER:
        _check_holder(declaration, principal, transition)
    elif transition.authority is Authority.SYSTEM:
        _check_system(principal, transition)
    else:
        office = _check_place(corridor, declaration, transition, office_code)
        _check_office_power(office, transition, principal)


def itinerary_offices(declaration: TransitDeclaration, place: Place) -> tuple[str, ...]:
    """The offices of a movement's itinerary where an action of ``place`` may be taken."""
    itinerary = declaration.itinerary
    en_route = itinerary.en_route or ()
    return {
        Place.NOWHERE: (),
        Place.DEPARTURE: (itinerary.departure,),
        Place.EN_ROUTE: en_route,
        Place.DESTINATION: (itinerary.destination,),
        Place.ITINERARY: (itinerary.departure, *en_route, itinerary.destination),
        Place.DECIDING: (itinerary.departure,),
    }[place]


def _check_holder(
    declaration: TransitDeclaration, principal: Principal, transition: Transition
) -> None:
    if principal.role is not Role.CARRIER:
        raise NotAuthorised(f"only the holder may {transition.action}; {principal} is not")
    if principal.holder != declaration.holder.identification_number:
        raise NotAuthorised(f"{principal} is not the holder of this movement")


def _check_system(principal: Principal, transition: Transition) -> None:
    if principal.role not in (Role.SYSTEM, Role.OPERATOR):
        raise NotAuthorised(f"{transition.action} is taken by the clock, not by {principal}")


def _check_place(
    corridor: Corridor,
    declaration: TransitDeclaration,
    transition: Transition,
    office_code: str | None,
) -> Office:
    allowed = itinerary_offices(declaration, transition.place)
    if transition.place is Place.DECIDING and office_code is not None:
        return corridor.office(office_code)  # named from the record, never by the caller
    if office_code is None:
        raise PreconditionFailed(f"{transition.action} needs an office ({' or '.join(allowed)})")
    if office_code not in allowed:
        raise PreconditionFailed(
            f"{transition.action} is taken at the {transition.place.replace('_', ' ')} "
            f"office ({', '.join(allowed) or 'none'}), not at {office_code}"
        )
    return corridor.office(office_code)


def _check_office_power(office: Office, transition: Transition, principal: Principal) -> None:
    roles = office.decide if transition.authority is Authority.DECIDE else office.record
    if principal.role not in roles:
        raise NotAuthorised(
            f"at {office.code}, {transition.action} is for {_names(roles)}, not {principal.role}"
        )
    if principal.role is Role.CUSTOMS and principal.state != office.state:
        raise NotAuthorised(f"{principal} has no jurisdiction at {office.code} ({office.state})")
    if principal.role is Role.FRONT_OFFICE and principal.office != office.code:
        raise NotAuthorised(f"{principal} acts only at its own office, not at {office.code}")


def _names(roles: frozenset[Role]) -> str:
    return " or ".join(sorted(roles)) or "nobody"
