"""The batch path: ``services.lodge_many`` stores its movements and integrates their
entries in one transaction (``log_service.append_batch``), after any pending entries;
a crash at any step of it leaves everything as it was."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from corridor import log_service, services
from corridor.bootstrap import Context
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import Conflict, InvalidInput
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.entry import parse_entry
from corridor.store.log_storage import LogEntryRepository, SqlLogStorage
from corridor.store.tables import log_entries, movements
from corridor.store.unit_of_work import UnitOfWork


def _holder(declaration: TransitDeclaration) -> Principal:
    return Principal(
        "khazar-dispatch", Role.CARRIER, holder=declaration.holder.identification_number
    )


def _batch(declaration: TransitDeclaration, prefix: str, count: int) -> list[TransitDeclaration]:
    return [replace(declaration, lrn=f"{prefix}-{n}") for n in range(count)]


def _rows(ctx: Context) -> list[tuple[int | None, str]]:
    """(log_index, type) of every stored entry, in the order they were appended."""
    with ctx.engine.connect() as connection:
        query = select(log_entries.c.log_index, log_entries.c.entry).order_by(log_entries.c.id)
        return [(i, parse_entry(bytes(e))["type"]) for i, e in connection.execute(query)]


def _movement_count(ctx: Context) -> int:
    with ctx.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(movements)).scalar_one())


def test_a_batch_is_durable_and_under_a_checkpoint_when_lodge_many_returns(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    holder = _holder(declaration)
    mrn = services.lodge(ctx, replace(declaration, lrn="ONE"), holder).movement.mrn
    services.accept(ctx, mrn, Principal("officer-az", Role.CUSTOMS, state="AZ"))
    assert [index for index, _ in _rows(ctx)] == [None, None]  # pending, for the sequencer
    batch = services.lodge_many(ctx, _batch(declaration, "W", 5), holder)
    assert [lodged.created for lodged in batch.lodged] == [True] * 5
    assert batch.checkpoint == log_service.current_checkpoint(ctx)
    assert batch.checkpoint.size == 7
    # The pending entries were integrated first: the log keeps the order of appending.
    assert [index for index, _ in _rows(ctx)] == list(range(7))
    mrns = [lodged.movement.mrn for lodged in batch.lodged]
    assert len(set(mrns)) == 5
    for lodged in batch.lodged:
        made, pending = log_service.receipts(ctx, lodged.movement.mrn)
        assert pending == 0 and [m.receipt.index for m in made] == [
            2 + mrns.index(lodged.movement.mrn)
        ]
    report = log_service.verify(ctx)
    assert (report.size, report.commitments_checked, report.pending) == (7, 7, 0)


def test_a_resent_declaration_in_a_batch_returns_its_movement_and_logs_nothing_new(
    ctx: Context, declaration: TransitDeclaration
) -> None:
    holder = _holder(declaration)
    first = services.lodge_many(ctx, _batch(declaration, "R", 2), holder)
    again = services.lodge_many(
        ctx, [*_batch(declaration, "R", 3), replace(declaration, lrn="R-2")], holder
    )
    assert [lodged.created for lodged in again.lodged] == [False, False, True, False]
    assert again.lodged[0].movement.mrn == first.lodged[0].movement.mrn
    assert again.lodged[3].movement.mrn == again.lodged[2].movement.mrn
    assert again.checkpoint.size == 3 and log_service.verify(ctx).size == 3
    empty = services.lodge_many(ctx, _batch(declaration, "R", 1), holder)
    assert empty.checkpoint == again.checkpoint


def test_a_batch_is_all_or_nothing(ctx: Context, declaration: TransitDeclaration) -> None:
    holder = _holder(declaration)
    services.lodge_many(ctx, _batch(declaration, "A", 2), holder)
    other = replace(declaration, lrn="A-0", guarantee=replace(declaration.guarantee, reference="X"))
    with pytest.raises(Conflict):
        services.lodge_many(ctx, [*_batch(declaration, "B", 3), other], holder)
    bad_office = replace(
        declaration,
        lrn="B-9",
        itinerary=replace(declaration.itinerary, departure="ZZ0NOWHR"),
    )
    with pytest.raises(InvalidInput):
        services.lodge_many(ctx, [*_batch(declaration, "B", 3), bad_office], holder)
    assert _movement_count(ctx) == 2 and len(_rows(ctx)) == 2
    assert log_service.current_checkpoint(ctx).size == 2


class Crash(Exception):
    pass


@pytest.mark.parametrize(
    "fail_at", ["pending", "store", "bundle", "tile", "sign", "swap", "commit"]
)
def test_a_crash_at_any_step_of_a_batch_loses_nothing_acknowledged(
    ctx: Context, declaration: TransitDeclaration, monkeypatch: pytest.MonkeyPatch, fail_at: str
) -> None:
    holder = _holder(declaration)
    services.lodge_many(ctx, _batch(declaration, "C", 3), holder)
    for n in range(2):
        services.lodge(ctx, replace(declaration, lrn=f"P-{n}"), holder)  # pending

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash(fail_at)

    targets = {
        "pending": (LogEntryRepository, "number_pending"),
        "store": (LogEntryRepository, "append_many"),
        "bundle": (SqlLogStorage, "write_bundle"),
        "tile": (SqlLogStorage, "write_tile"),
        "sign": (type(ctx.log_signer), "sign"),
        "swap": (SqlLogStorage, "swap_checkpoint"),
        "commit": (UnitOfWork, "commit"),
    }
    with monkeypatch.context() as patch:
        patch.setattr(*targets[fail_at], crash)
        with pytest.raises(Crash):
            services.lodge_many(ctx, _batch(declaration, "D", 4), holder)
    # As before the batch: its movements and entries absent, the pending ones pending.
    assert _movement_count(ctx) == 5
    assert [index for index, _ in _rows(ctx)] == [0, 1, 2, None, None]
    assert log_service.current_checkpoint(ctx).size == 3
    batch = services.lodge_many(ctx, _batch(declaration, "D", 4), holder)
    assert batch.checkpoint.size == 9 and [i for i, _ in _rows(ctx)] == list(range(9))
    assert log_service.verify(ctx).size == 9
