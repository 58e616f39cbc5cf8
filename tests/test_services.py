"""Services on a real SQLite database: every action is one transaction with its event."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from corridor import services
from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain import commands as c
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import (
    Conflict,
    IllegalTransition,
    InvalidInput,
    NotAuthorised,
    NotFound,
    PreconditionFailed,
)
from corridor.domain.lifecycle import Action, MovementState
from corridor.domain.mrn import MovementReference
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.entry import parse_entry
from corridor.store.repository import MovementFilter
from corridor.store.tables import log_entries, movement_events, movements
from corridor_testing import FakeClock

AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")
AM = Principal("officer-am", Role.CUSTOMS, state="AM")
GATE_NRN = Principal("gate-nrn", Role.FRONT_OFFICE, office="AM0NRN01")


def carrier(declaration: TransitDeclaration) -> Principal:
    return Principal("khazar", Role.CARRIER, holder=declaration.holder.identification_number)


def _rows(ctx: Context, table: object) -> int:
    with ctx.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_movement_from_lodging_to_discharge(
    ctx: Context, clock: FakeClock, declaration: TransitDeclaration
) -> None:
    lodged = services.lodge(ctx, declaration, carrier(declaration))
    mrn = lodged.movement.mrn
    assert lodged.created and MovementReference.parse(mrn).country == "AZ"
    clock.advance(minutes=5)
    services.accept(ctx, mrn, AZ)
    services.control(ctx, mrn, AZ, c.ControlKind.DOCUMENTARY)
    released = services.release(ctx, mrn, AZ, seals=("AZ-1", "AZ-2"))
    assert released.time_limit == clock.now + (released.time_limit - clock.now)
    assert (
        released.time_limit is not None
        and (released.time_limit - clock.now).total_seconds() == 12 * 3600
    )
    for office, who in (
        ("AZ0AGB01", AZ),
        ("AM0NRN01", GATE_NRN),
        ("AM0AGR01", AM),
        ("AZ0ORD01", AZ),
    ):
        clock.advance(minutes=30)
        services.record_passage(ctx, mrn, who, office)
    clock.advance(hours=1)
    services.record_arrival(ctx, mrn, AZ)
    done = services.discharge(ctx, mrn, AZ)
    assert done.state is MovementState.DISCHARGED and done.closed_at == clock.now
    history = services.movement_history(ctx, mrn)
    assert [e.action for e in history] == [
        Action.LODGE, Action.ACCEPT, Action.CONTROL, Action.RELEASE,
        *[Action.RECORD_PASSAGE] * 4, Action.RECORD_ARRIVAL, Action.DISCHARGE,
    ]  # fmt: skip
    assert [e.sequence for e in history] == list(range(1, 11))
    assert history[5].principal == "gate-nrn" and history[5].role is Role.FRONT_OFFICE
    assert history[3].details["seals"] == ["AZ-1", "AZ-2"]
    assert services.get_movement(ctx, mrn) == done


def test_lodging_again_with_the_same_lrn_returns_the_first_movement(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    first = services.lodge(ctx, declaration, carrier(declaration))
    again = services.lodge(ctx, declaration, carrier(declaration))
    assert not again.created and again.movement.mrn == first.movement.mrn
    assert _rows(ctx, movements) == 1 and _rows(ctx, movement_events) == 1
    changed = replace(declaration, seals=("X-1",))
    with pytest.raises(Conflict, match=first.movement.mrn):
        services.lodge(ctx, changed, carrier(declaration))
    assert _rows(ctx, movements) == 1


def test_only_the_holder_lodges_even_a_declaration_already_lodged(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    services.lodge(ctx, declaration, carrier(declaration))
    stranger = Principal("other", Role.CARRIER, holder="TR/001/00001")
    with pytest.raises(NotAuthorised, match="not the holder"):
        services.lodge(ctx, declaration, stranger)


def test_mrn_serials_count_per_office_of_departure(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    mrns = [
        services.lodge(ctx, replace(declaration, lrn=f"L-{n}"), carrier(declaration)).movement.mrn
        for n in range(3)
    ]
    assert [m[4:16] for m in mrns] == ["0HRD01000001", "0HRD01000002", "0HRD01000003"]
    for mrn in mrns:
        MovementReference.parse(mrn)


def test_a_refused_action_changes_nothing(ctx: Context, declaration: TransitDeclaration) -> None:
    mrn = services.lodge(ctx, declaration, carrier(declaration)).movement.mrn
    before = services.get_movement(ctx, mrn)
    with pytest.raises(IllegalTransition):
        services.discharge(ctx, mrn, AZ, "AZ0NAX01")
    with pytest.raises(NotAuthorised):
        services.accept(ctx, mrn, AM, "AZ0HRD01")
    with pytest.raises(PreconditionFailed):
        services.accept(ctx, mrn, AZ, "AZ0NAX01")
    assert services.get_movement(ctx, mrn) == before
    assert _rows(ctx, movement_events) == 1


def test_a_passage_keeps_the_arrival_at_the_checkpoint_and_refuses_one_after_it(
    ctx: Context, clock: FakeClock, declaration: TransitDeclaration
) -> None:
    mrn = services.lodge(ctx, declaration, carrier(declaration)).movement.mrn
    services.accept(ctx, mrn, AZ)
    services.release(ctx, mrn, AZ, seals=("AZ-1",))
    clock.advance(hours=2)
    before = services.get_movement(ctx, mrn)
    later = clock.now + timedelta(minutes=1)
    with pytest.raises(InvalidInput, match="later than the passage"):
        services.record_passage(ctx, mrn, AZ, "AZ0AGB01", arrived_at=later)
    with pytest.raises(InvalidInput, match="needs a time zone"):
        services.record_passage(ctx, mrn, AZ, "AZ0AGB01", arrived_at=datetime(2026, 1, 1))
    assert services.get_movement(ctx, mrn) == before
    arrived = clock.now - timedelta(minutes=45)
    passed = services.record_passage(ctx, mrn, AZ, "AZ0AGB01", arrived_at=arrived)
    assert passed.passages[0].arrived_at == arrived and passed.passages[0].at == clock.now
    event = services.movement_history(ctx, mrn)[-1]
    assert datetime.fromisoformat(event.details["arrived_at"]) == arrived
    public = parse_entry(_last_entry(ctx))  # public as the passage's own time is
    assert public["facts"]["arrived_at"] == arrived.isoformat().replace("+00:00", "Z")
    unknown = services.record_passage(ctx, mrn, GATE_NRN, "AM0NRN01")
    assert unknown.passages[1].arrived_at is None
    assert "arrived_at" not in parse_entry(_last_entry(ctx))["facts"]


def _last_entry(ctx: Context) -> bytes:
    with ctx.engine.connect() as connection:
        query = select(log_entries.c.entry).order_by(log_entries.c.id.desc()).limit(1)
        return bytes(connection.execute(query).scalar_one())


@pytest.mark.parametrize("seal", ["x" * 80, "AZ 0001", "-AZ1", "AZ#1"])
def test_a_seal_number_out_of_shape_is_refused(
    ctx: Context, declaration: TransitDeclaration, seal: str
) -> None:
    mrn = services.lodge(ctx, declaration, carrier(declaration)).movement.mrn
    services.accept(ctx, mrn, AZ)
    before = services.get_movement(ctx, mrn)
    with pytest.raises(InvalidInput, match="is not 1 to 20 letters, digits or"):
        services.release(ctx, mrn, AZ, seals=("AZ-0001", seal))
    assert services.get_movement(ctx, mrn) == before
    services.release(ctx, mrn, AZ, seals=("AZ-0001", "AZ/2026.17", "a" * 20))
    incident = c.RecordIncident(office="AZ0AGB01", kind=c.IncidentKind.SEAL_BROKEN,
                                description="torn", new_seals=(seal,))  # fmt: skip
    with pytest.raises(InvalidInput, match="new seals: seal number"):
        services.record_incident(ctx, mrn, AZ, incident)


def test_unknown_movement(ctx: Context) -> None:
    with pytest.raises(NotFound):
        services.get_movement(ctx, "26AZ0HRD01999999J0")


def test_a_stale_copy_cannot_overwrite_a_newer_change(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    mrn = services.lodge(ctx, declaration, carrier(declaration)).movement.mrn
    stale = services.get_movement(ctx, mrn)
    services.accept(ctx, mrn, AZ)
    with ctx.unit_of_work() as uow, pytest.raises(Conflict, match="changed by someone else"):
        uow.movements.update(
            replace(stale, version=stale.version + 1), expected_version=stale.version
        )


def test_the_event_and_the_state_change_commit_together(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    mrn = services.lodge(ctx, declaration, carrier(declaration)).movement.mrn
    with ctx.unit_of_work() as uow:
        movement = uow.movements.get(mrn)
        uow.movements.update(replace(movement, version=2), expected_version=1)
        # no commit: leaving the block rolls the change back
    assert services.get_movement(ctx, mrn).version == 1
    with ctx.engine.begin() as connection:  # a clashing event row makes the next action fail
        connection.execute(
            movement_events.insert().values(
                mrn=mrn, sequence=2, action="accept", source="lodged", target="accepted",
                principal="intruder", role="customs", office=None, at=ctx.now(), details={},
            )
        )  # fmt: skip
    with pytest.raises(Exception, match="UNIQUE"):
        services.accept(ctx, mrn, AZ)
    assert services.get_movement(ctx, mrn).state is MovementState.LODGED


def test_the_sweep_marks_overdue_movements(
    ctx: Context, clock: FakeClock, declaration: TransitDeclaration
) -> None:
    mrn = services.lodge(ctx, declaration, carrier(declaration)).movement.mrn
    services.accept(ctx, mrn, AZ)
    services.release(ctx, mrn, AZ, seals=("S1",), time_limit_hours=6)
    clock.advance(hours=5)
    assert services.mark_overdue_movements(ctx) == []
    clock.advance(hours=2)
    assert services.mark_overdue_movements(ctx) == [mrn]
    assert services.get_movement(ctx, mrn).state is MovementState.OVERDUE
    assert services.mark_overdue_movements(ctx) == []
    services.open_enquiry(ctx, mrn, AZ)
    arrived = services.record_arrival(ctx, mrn, AZ)
    assert arrived.state is MovementState.ARRIVED
    assert services.movement_history(ctx, mrn)[-1].details["late"] is True


def test_listing_filters_and_pages(ctx: Context, declaration: TransitDeclaration) -> None:
    mrns = [
        services.lodge(ctx, replace(declaration, lrn=f"P-{n}"), carrier(declaration)).movement.mrn
        for n in range(5)
    ]
    services.accept(ctx, mrns[0], AZ)
    first = services.list_movements(ctx, MovementFilter(limit=2))
    second = services.list_movements(ctx, MovementFilter(limit=2, after=first[-1].mrn))
    assert [m.mrn for m in first + second] == sorted(mrns)[:4]
    accepted = services.list_movements(ctx, MovementFilter(states=(MovementState.ACCEPTED,)))
    assert [m.mrn for m in accepted] == [mrns[0]]
    assert services.list_movements(ctx, MovementFilter(office="AM0NRN01")) == []
    assert len(services.list_movements(ctx, MovementFilter(office="AZ0NAX01"))) == 5
    assert services.count_by_state(ctx) == {"accepted": 1, "lodged": 4}


def test_amendment_keeps_holder_and_lrn(ctx: Context, declaration: TransitDeclaration) -> None:
    mrn = services.lodge(ctx, declaration, carrier(declaration), pre_lodge=True).movement.mrn
    amended = services.amend(ctx, mrn, replace(declaration, seals=("AC-1",)), carrier(declaration))
    assert amended.declaration.seals == ("AC-1",) and amended.version == 2
    with pytest.raises(PreconditionFailed, match="local reference"):
        services.amend(ctx, mrn, replace(declaration, lrn="OTHER-1"), carrier(declaration))
    assert services.present(ctx, mrn, carrier(declaration)).state is MovementState.LODGED


def test_a_database_that_was_never_initialised_is_refused(tmp_path: object) -> None:
    with pytest.raises(PreconditionFailed, match="corridor init"):
        bootstrap(Settings(database_url=f"sqlite:///{tmp_path}/empty.sqlite"))
