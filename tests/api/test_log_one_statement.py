"""A batch's log writes on SQLite and PostgreSQL (the two-backend fixtures of this folder):
how many statements ``append_batch`` sends, the compare-and-swap still refusing a moved
checkpoint when PostgreSQL gets every write with the swap in one statement
(``HeldWrites``), the store's widening rule there, and a crash at any step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Connection, event, func, insert, select, text

from corridor import log_service, services
from corridor.bootstrap import Context
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.log import CheckpointRaceError, LogCorruptionError, verify_log
from corridor.ledger.tiles import BundleId, TileId
from corridor.store.held_writes import HeldWrites
from corridor.store.log_storage import LogEntryRepository, SqlLogStorage, StoredEntry
from corridor.store.tables import log_checkpoint, log_entries, movements


def _holder(declaration: TransitDeclaration) -> Principal:
    return Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)


def _batch(declaration: TransitDeclaration, prefix: str, count: int) -> list[TransitDeclaration]:
    return [replace(declaration, lrn=f"{prefix}-{n}") for n in range(count)]


def _state(ctx: Context) -> tuple[int, int, bytes | None]:
    """How many movements and log entries, and the signed checkpoint (None: none yet)."""
    with ctx.unit_of_work() as uow:
        count = [
            uow.connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (movements, log_entries)
        ]
        storage = SqlLogStorage(uow.connection, ctx.log_origin, ctx.now())
        return count[0], count[1], storage.read_checkpoint()


@contextmanager
def _statements(connection: Connection) -> Iterator[list[str]]:
    sent: list[str] = []

    def before(*args: Any) -> None:
        sent.append(args[2])

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", before)


def _entries(count: int, start: int = 0) -> list[StoredEntry]:
    payload = {"n": 1}
    return [
        StoredEntry(None, f"26AZ{n:014d}", 1, b"entry-%d" % n, b"s" * 16, payload)
        for n in range(start, start + count)
    ]


def test_a_batch_sends_few_statements(api_ctx: Context) -> None:
    """Growing the partial tile and bundle (after the first batch, which also inserts
    them and the checkpoint): on SQLite the checkpoint with whether entries are pending,
    the entries, the bundle, the tile, the swap; on PostgreSQL the sequencer's lock and
    the same read in one round trip, and ONE statement for every write and the swap.
    (That the read after the lock sees what was committed while it waited:
    ``test_a_batch_waits_while_the_sequencer_integrates``.)"""
    expected = {"sqlite": 5, "postgresql": 2}[api_ctx.engine.dialect.name]
    batches = ((0, 5), (5, 8), (13, 8), (21, 3), (24, 300), (324, 7))  # 300: new tiles
    for start, count in batches:
        with api_ctx.unit_of_work() as uow, _statements(uow.connection) as sent:
            integrated = log_service.append_batch(api_ctx, uow, _entries(count, start))
            uow.commit()
        assert start == 0 or count == 300 or len(sent) == expected, sent
        assert integrated.checkpoint == log_service.current_checkpoint(api_ctx)
    assert log_service.current_checkpoint(api_ctx).size == 331
    with api_ctx.unit_of_work() as uow:
        assert [e.entry for e in uow.log.numbered(0, 331)] == [e.entry for e in _entries(331)]
        storage = SqlLogStorage(uow.connection, api_ctx.log_origin, api_ctx.now())
        assert verify_log(storage, log_service.vkey(api_ctx)).entries == 331


@pytest.mark.parametrize("first", [True, False], ids=["first-checkpoint", "next-checkpoint"])
def test_a_checkpoint_moved_before_the_swap_fails_the_batch(
    api_ctx: Context,
    declaration: TransitDeclaration,
    monkeypatch: pytest.MonkeyPatch,
    first: bool,
) -> None:
    """Another writer (one that ignored the sequencer's lock) moves the checkpoint after
    the batch read it: the swap must see it and the batch change nothing."""
    holder = _holder(declaration)
    if not first:
        services.lodge_many(api_ctx, _batch(declaration, "A", 2), holder)
    before = _state(api_ctx)
    write_tile = SqlLogStorage.write_tile

    def moved_meanwhile(self: SqlLogStorage, tile: TileId, data: bytes) -> None:
        write_tile(self, tile, data)
        connection = self._connection  # the batch's own: under its lock
        if first:
            row = {"origin": api_ctx.log_origin, "size": 0, "signed": b"another writer"}
            connection.execute(insert(log_checkpoint).values(**row, updated_at=api_ctx.now()))
        else:
            connection.execute(text("UPDATE log_checkpoint SET size = size + 1"))

    with monkeypatch.context() as patch:
        patch.setattr(SqlLogStorage, "write_tile", moved_meanwhile)
        with pytest.raises(CheckpointRaceError):
            services.lodge_many(api_ctx, _batch(declaration, "B", 3), holder)
    assert _state(api_ctx) == before
    services.lodge_many(api_ctx, _batch(declaration, "B", 3), holder)
    report = log_service.verify(api_ctx)
    assert (report.size, report.commitments_checked) == (3 if first else 5,) * 2


@pytest.mark.parametrize("fail_at", ["store", "bundle", "tile", "swap"])
def test_a_crash_at_any_step_of_a_batch_changes_nothing(
    api_ctx: Context,
    declaration: TransitDeclaration,
    monkeypatch: pytest.MonkeyPatch,
    fail_at: str,
) -> None:
    holder = _holder(declaration)
    services.lodge_many(api_ctx, _batch(declaration, "C", 3), holder)
    before = _state(api_ctx)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError(fail_at)

    targets = {
        "store": (LogEntryRepository, "append_many"),
        "bundle": (SqlLogStorage, "write_bundle"),
        "tile": (SqlLogStorage, "write_tile"),
        "swap": (SqlLogStorage, "swap_checkpoint"),
    }
    with monkeypatch.context() as patch:
        patch.setattr(*targets[fail_at], crash)
        with pytest.raises(RuntimeError, match=fail_at):
            services.lodge_many(api_ctx, _batch(declaration, "D", 4), holder)
    assert _state(api_ctx) == before
    services.lodge_many(api_ctx, _batch(declaration, "D", 4), holder)
    assert log_service.verify(api_ctx).size == 7


def test_held_tiles_and_bundles_are_widened_never_rewritten(api_ctx: Context) -> None:
    """``test_tiles_and_bundles_are_widened_never_rewritten`` with the writes held and
    sent together (PostgreSQL): a refusal comes when they are sent, and changes nothing."""
    with api_ctx.unit_of_work() as uow:
        held = HeldWrites.on(uow.connection)
        if held is None:
            pytest.skip("writes are held only on PostgreSQL")
        storage = SqlLogStorage(uow.connection, api_ctx.log_origin, api_ctx.now(), held)
        hashes = [bytes([n]) * 32 for n in range(1, 6)]
        entries = [b"\x00\x01" + bytes([n]) for n in range(1, 6)]
        for width in (2, 2, 4, 3, 5):  # insert, the same, widen, a prefix, widen again
            storage.write_tile(TileId(0, 7, width), b"".join(hashes[:width]))
            storage.write_bundle(BundleId(7, width), b"".join(entries[:width]))
            held.send()
        assert storage.read_tile(TileId(0, 7, 5)) == b"".join(hashes)
        assert storage.read_bundle(BundleId(7, 3)) == b"".join(entries[:3])
        other, longer = bytes(32), [*hashes, bytes([6]) * 32]
        for width in (3, 5, 6):  # a narrower, the same and a wider width, other data
            storage.write_tile(
                TileId(0, 7, width), b"".join([*hashes[:2], other, *longer[3:width]])
            )
            with pytest.raises(LogCorruptionError, match="other hashes"):
                held.send()
        for width in (3, 5):
            storage.write_bundle(BundleId(7, width), b"".join(entries[: width - 1]) + b"\x00\x01!")
            with pytest.raises(LogCorruptionError, match="other entries"):
                held.send()
        assert storage.read_tile(TileId(0, 7, 5)) == b"".join(hashes)
        assert storage.read_bundle(BundleId(7, 5)) == b"".join(entries)
        assert not held.holding
