"""Who may act where: holder, decide, record and system powers, jurisdictions, places."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from corridor.domain import commands as c
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import NotAuthorised, PreconditionFailed
from corridor.domain.lifecycle import TRANSITIONS, Authority, MovementState
from corridor.domain.network import Corridor, Role
from corridor.domain.principal import Principal
from corridor.domain.procedure import decide
from corridor.domain.validation import Nomenclature, validate_declaration
from corridor.store.codec import declaration_from_json
from lifecycle_harness import command_for, drive_to, moment_for, principal_for

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
OUTSIDERS = [
    Principal("monitor-1", Role.MONITOR),
    Principal("witness-1", Role.WITNESS),
    Principal("other-carrier", Role.CARRIER, holder="TR/999/00001"),
]


@pytest.mark.parametrize(
    "transition",
    [t for t in TRANSITIONS if t.source is not None],
    ids=lambda t: f"{t.source}-{t.action}",
)
@pytest.mark.parametrize("outsider", OUTSIDERS, ids=lambda p: p.id)
def test_outsiders_are_refused_everything(
    transition: object, outsider: Principal, tripp: Corridor, declaration: TransitDeclaration
) -> None:
    source, action = transition.source, transition.action  # type: ignore[attr-defined]
    movement = drive_to(tripp, declaration, T0, source)
    command = command_for(movement, action)
    with pytest.raises(NotAuthorised):
        decide(movement, command, outsider, moment_for(movement, action), tripp)


def test_customs_of_the_other_state_has_no_jurisdiction(
    tripp: Corridor, declaration: TransitDeclaration
) -> None:
    movement = drive_to(tripp, declaration, T0, MovementState.LODGED)
    armenian = Principal("am-officer", Role.CUSTOMS, state="AM")
    with pytest.raises(NotAuthorised, match="no jurisdiction at AZ0HRD01"):
        decide(movement, c.Accept(office="AZ0HRD01"), armenian, T0, tripp)


def test_front_office_records_only_at_its_own_office(
    tripp: Corridor, declaration: TransitDeclaration
) -> None:
    movement = drive_to(tripp, declaration, T0, MovementState.RELEASED)
    gate = Principal("gate-agarak", Role.FRONT_OFFICE, office="AM0AGR01")
    with pytest.raises(NotAuthorised, match="only at its own office"):
        decide(movement, c.RecordPassage(office="AM0NRN01"), gate, T0, tripp)
    after, _ = decide(movement, c.RecordPassage(office="AM0AGR01"), gate, T0, tripp)
    assert after.state is MovementState.IN_TRANSIT


def test_front_office_records_but_never_decides(
    tripp: Corridor, declaration: TransitDeclaration
) -> None:
    movement = drive_to(tripp, declaration, T0, MovementState.INCIDENT)
    incident_office = movement.incidents[-1].office
    gate = Principal("gate", Role.FRONT_OFFICE, office=incident_office)
    with pytest.raises(NotAuthorised):
        decide(movement, c.EndorseIncident(office=incident_office), gate, T0, tripp)


def test_azerbaijani_posts_have_no_front_office(
    tripp: Corridor, declaration: TransitDeclaration
) -> None:
    movement = drive_to(tripp, declaration, T0, MovementState.RELEASED)
    gate = Principal("gate", Role.FRONT_OFFICE, office="AZ0AGB01")
    with pytest.raises(NotAuthorised, match="customs"):
        decide(movement, c.RecordPassage(office="AZ0AGB01"), gate, T0, tripp)


def test_a_carrier_acts_only_on_its_own_movements(
    tripp: Corridor, declaration: TransitDeclaration
) -> None:
    movement = drive_to(tripp, declaration, T0, MovementState.LODGED)
    stranger = Principal("x", Role.CARRIER, holder="AM/000/00000")
    with pytest.raises(NotAuthorised, match="not the holder"):
        decide(movement, c.Cancel(), stranger, T0, tripp)


def test_actions_are_taken_at_the_right_place(
    tripp: Corridor, declaration: TransitDeclaration
) -> None:
    movement = drive_to(tripp, declaration, T0, MovementState.LODGED)
    officer = Principal("o", Role.CUSTOMS, state="AZ")
    with pytest.raises(PreconditionFailed, match="departure office"):
        decide(movement, c.Accept(office="AZ0NAX01"), officer, T0, tripp)
    released = drive_to(tripp, declaration, T0, MovementState.RELEASED)
    with pytest.raises(PreconditionFailed, match="en route"):
        decide(released, c.RecordPassage(office="AZ0CLF01"), officer, T0, tripp)
    with pytest.raises(PreconditionFailed, match="needs an office"):
        decide(released, c.RecordPassage(), officer, T0, tripp)


def test_only_the_clock_or_operator_marks_overdue(
    tripp: Corridor, declaration: TransitDeclaration
) -> None:
    movement = drive_to(tripp, declaration, T0, MovementState.RELEASED)
    assert movement.time_limit is not None
    late = movement.time_limit.replace(year=2027)
    with pytest.raises(NotAuthorised):
        decide(movement, c.MarkOverdue(), Principal("o", Role.CUSTOMS, state="AZ"), late, tripp)
    after, _ = decide(movement, c.MarkOverdue(), Principal("op", Role.OPERATOR), late, tripp)
    assert after.state is MovementState.OVERDUE


def test_neutral_operator_decides_where_the_corridor_says_so(
    sarp: Corridor, nomenclature: Nomenclature, declaration_data: dict[str, object]
) -> None:
    data = dict(declaration_data)
    data["itinerary"] = {"departure": "GE0BTM01", "destination": "TR0HOP01"}
    declaration = validate_declaration(declaration_from_json(data), sarp, nomenclature)
    assert declaration.itinerary.en_route == ("GE0SRP01", "TR0SRP01")
    released = drive_to(sarp, declaration, T0, MovementState.RELEASED)
    office = "GE0SRP01"
    gate = Principal("gate-sarpi", Role.FRONT_OFFICE, office=office)
    report = c.RecordIncident(
        office=office, kind=c.IncidentKind.ACCIDENT, description="dented trailer"
    )
    movement, _ = decide(released, report, gate, T0, sarp)
    georgian_customs = Principal("ge", Role.CUSTOMS, state="GE")
    with pytest.raises(NotAuthorised, match="operator"):
        decide(movement, c.EndorseIncident(office=office), georgian_customs, T0, sarp)
    operator = principal_for(sarp, movement, c.EndorseIncident.action, office)
    assert operator.role is Role.OPERATOR
    after, event = decide(movement, c.EndorseIncident(office=office), operator, T0, sarp)
    assert after.state is MovementState.IN_TRANSIT and event.role is Role.OPERATOR


def test_every_authority_is_exercised_by_the_table() -> None:
    assert {t.authority for t in TRANSITIONS} == set(Authority)
