"""The log's store on SQLite and PostgreSQL (the two-backend fixtures of this folder):
entries stored through the driver read back as SQLAlchemy reads them, the set-based
numbering, and the batch path racing the background sequencer and single lodgings."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from corridor import log_service, services
from corridor.bootstrap import Context, bootstrap
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.log import LogCorruptionError
from corridor.ledger.tiles import BundleId, TileId
from corridor.store.log_storage import SqlLogStorage, StoredEntry
from corridor.store.tables import log_entries


def _holder(declaration: TransitDeclaration) -> Principal:
    return Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)


def test_entries_stored_through_the_driver_read_back_whole(api_ctx: Context) -> None:
    payload = {"name": "Naxçıvan Ticarət — “ООО”", "amount": "12.50", "nested": [1, None]}
    at = datetime(2026, 11, 23, 15, 4, 5, 678901, tzinfo=UTC)
    entries = [
        StoredEntry(None, f"26AZ{n:014d}", 1, b"entry-%d" % n, b"s" * 16, payload) for n in range(3)
    ]
    with api_ctx.unit_of_work() as uow:
        uow.log.append(entries[0], at)
        uow.log.append_many(entries[1:], at, first_index=None)
        assert uow.log.number_pending(2) == 2
        assert uow.log.number_pending(5) == 1
        uow.commit()
    with api_ctx.unit_of_work() as uow:
        assert uow.log.numbered(0, 3) == [replace(e, log_index=n) for n, e in enumerate(entries)]
        stamps = uow.connection.execute(select(log_entries.c.appended_at)).scalars().all()
    assert stamps == [at] * 3


def test_the_batch_path_races_the_sequencer_and_single_lodgings(
    api_ctx: Context, declaration: TransitDeclaration, caplog: pytest.LogCaptureFixture
) -> None:
    holder = _holder(declaration)
    sequencer = log_service.Sequencer(api_ctx, interval=0.001)
    errors: list[BaseException] = []

    def lodge_batches() -> None:
        for n in range(4):
            batch = [replace(declaration, lrn=f"B-{n}-{k}") for k in range(3)]
            services.lodge_many(api_ctx, batch, holder)

    def lodge_one_by_one() -> None:
        for n in range(8):
            services.lodge(api_ctx, replace(declaration, lrn=f"S-{n}"), holder)

    def guarded(work: object) -> threading.Thread:
        def run() -> None:
            try:
                work()  # type: ignore[operator]
            except BaseException as error:  # reported below
                errors.append(error)

        return threading.Thread(target=run)

    workers = [guarded(lodge_batches), guarded(lodge_one_by_one)]
    sequencer.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    sequencer.stop()
    assert not errors
    assert not [r for r in caplog.records if r.name == "corridor.sequencer"]
    assert log_service.integrate_all(api_ctx) == 20
    with api_ctx.engine.connect() as connection:
        indexes = connection.execute(
            select(log_entries.c.log_index).order_by(log_entries.c.log_index)
        ).scalars()
        assert list(indexes) == list(range(20))
    report = log_service.verify(api_ctx)
    assert (report.size, report.commitments_checked, report.pending) == (20, 20, 0)


def test_a_batch_waits_while_the_sequencer_integrates(
    api_ctx: Context, declaration: TransitDeclaration, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sequencer is held just before its swap until the batch is seen waiting for
    the sequencer's lock (PostgreSQL; on SQLite it waits at BEGIN IMMEDIATE, unseen)."""
    holder = _holder(declaration)
    for n in range(2):
        services.lodge(api_ctx, replace(declaration, lrn=f"P-{n}"), holder)
    swap = SqlLogStorage.swap_checkpoint
    batch_thread = threading.Thread(
        target=lambda: services.lodge_many(api_ctx, [replace(declaration, lrn="B-0")], holder)
    )

    def held_swap(self: SqlLogStorage, *args: Any) -> bool:
        if threading.current_thread() is not batch_thread and not batch_thread.is_alive():
            batch_thread.start()
            _until_a_lock_is_awaited(api_ctx)
        return swap(self, *args)

    monkeypatch.setattr(SqlLogStorage, "swap_checkpoint", held_swap)
    log_service.integrate_all(api_ctx)  # integrates the two pending entries, held
    batch_thread.join()
    assert log_service.current_checkpoint(api_ctx).size == 3
    with api_ctx.engine.connect() as connection:
        rows = connection.execute(
            select(log_entries.c.log_index, log_entries.c.mrn).order_by(log_entries.c.id)
        ).all()
    assert [index for index, _ in rows] == [0, 1, 2]
    assert log_service.verify(api_ctx).size == 3


def _until_a_lock_is_awaited(ctx: Context) -> None:
    if ctx.engine.dialect.name != "postgresql":
        return
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    for _ in range(3000):  # a guard against hanging, not a speed check
        with ctx.engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return
        time.sleep(0.01)
    raise AssertionError("the batch never waited for the sequencer's lock")


def test_two_contexts_integrating_one_database_in_turns_keep_it_right(
    api_ctx: Context, declaration: TransitDeclaration
) -> None:
    """Two processes on one database (``corridor serve --workers 2``): each keeps the
    edge of the tree it committed last, finds it stale after the other's batch, and
    builds on the stored tiles instead; the log stays whole."""
    other = bootstrap(api_ctx.settings, clock=api_ctx.clock)
    holder = _holder(declaration)
    try:
        for turn in range(6):
            ctx, idle = (api_ctx, other) if turn % 2 == 0 else (other, api_ctx)
            batch = [replace(declaration, lrn=f"T-{turn}-{k}") for k in range(turn + 1)]
            services.lodge_many(ctx, batch, holder)
            committed = log_service.current_checkpoint(ctx)
            assert ctx.log_edge.matching(committed) is not None
            assert idle.log_edge.matching(committed) is None
            report = log_service.verify(idle)
            assert (report.size, report.commitments_checked) == (committed.size,) * 2
        services.lodge(api_ctx, replace(declaration, lrn="pending"), holder)
        assert log_service.integrate_all(other) == 22  # the sequencer of the other process
        assert log_service.verify(api_ctx).size == 22
    finally:
        other.close()


def test_tiles_and_bundles_are_widened_never_rewritten(api_ctx: Context) -> None:
    """The store's own rule, on either backend: a tile or bundle row is inserted, then
    only widened by data that begins with it; the same or a narrower prefix changes
    nothing; anything else is refused and changes nothing."""
    hashes = [bytes([n]) * 32 for n in range(1, 6)]
    entries = [b"\x00\x01" + bytes([n]) for n in range(1, 6)]
    with api_ctx.unit_of_work() as uow:
        storage = SqlLogStorage(uow.connection, api_ctx.log_origin, api_ctx.now())
        for width in (2, 2, 4, 3, 5):  # insert, the same, widen, a prefix, widen again
            storage.write_tile(TileId(0, 7, width), b"".join(hashes[:width]))
            storage.write_bundle(BundleId(7, width), b"".join(entries[:width]))
        assert storage.read_tile(TileId(0, 7, 5)) == b"".join(hashes)
        assert storage.read_bundle(BundleId(7, 5)) == b"".join(entries)
        assert storage.read_bundle(BundleId(7, 3)) == b"".join(entries[:3])
        other, longer = bytes(32), [*hashes, bytes([6]) * 32]
        for width in (3, 5, 6):  # a narrower, the same and a wider width, other data
            with pytest.raises(LogCorruptionError, match="other hashes"):
                storage.write_tile(
                    TileId(0, 7, width), b"".join([*hashes[:2], other, *longer[3:width]])
                )
        for width in (3, 5):
            with pytest.raises(LogCorruptionError, match="other entries"):
                storage.write_bundle(
                    BundleId(7, width), b"".join(entries[: width - 1]) + b"\x00\x01!"
                )
        assert storage.read_tile(TileId(0, 7, 5)) == b"".join(hashes)
        assert storage.read_bundle(BundleId(7, 5)) == b"".join(entries)


def test_the_checkpoint_and_whether_entries_are_pending_are_read_together(
    api_ctx: Context, declaration: TransitDeclaration
) -> None:
    """``append_batch``'s first read: the checkpoint (None before the first) and whether
    any entry waits for the sequencer, in one statement."""

    def state() -> tuple[bytes | None, bool]:
        with api_ctx.unit_of_work() as uow:
            return SqlLogStorage(
                uow.connection, api_ctx.log_origin, api_ctx.now()
            ).read_checkpoint_and_pending()

    assert state() == (None, False)
    services.lodge(api_ctx, replace(declaration, lrn="P-0"), _holder(declaration))
    assert state() == (None, True)
    log_service.integrate_all(api_ctx)
    assert state() == (log_service.signed_checkpoint(api_ctx), False)
    services.lodge(api_ctx, replace(declaration, lrn="P-1"), _holder(declaration))
    assert state() == (log_service.signed_checkpoint(api_ctx), True)
