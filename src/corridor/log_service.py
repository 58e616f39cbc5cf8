"""The transparency log as a service: the sequencer, what the log serves, and its check.

Every action's entry is already stored, unnumbered, in the action's own transaction
(see ``services``). ``integrate_pending`` is the sequencer: it numbers pending entries
and integrates them into the tiled log in ONE transaction, whose compare-and-swap on the
checkpoint's tree size is the commit point (``ledger.log.integrate``). A crash at any
step before that transaction commits leaves the log as it was and the entries pending;
the next run numbers and integrates them again, so nothing acknowledged is lost and no
entry is logged twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, text

from corridor.bootstrap import Context
from corridor.domain.errors import NotFound
from corridor.ledger.checkpoint import Checkpoint, parse_checkpoint
from corridor.ledger.entry import EntryError, verify_commitment
from corridor.ledger.log import (
    Integrated,
    LogCorruptionError,
    integrate,
    read_entries,
    tile_hash_reader,
    verify_log,
)
from corridor.ledger.merkle import consistency_proof, inclusion_proof
from corridor.ledger.note import split_note
from corridor.ledger.proof import Receipt, build_receipt
from corridor.ledger.tiles import BundleId, TileId, level_width
from corridor.store.held_writes import HeldWrites
from corridor.store.log_storage import SqlLogStorage, StoredEntry
from corridor.store.tables import log_entries, movement_events
from corridor.store.unit_of_work import UnitOfWork

BATCH = 4096
LOGGER = logging.getLogger("corridor.sequencer")


def vkey(ctx: Context) -> str:
    """The log's verifier key, as every party configures it."""
    return ctx.log_signer.verifier().vkey


def integrate_pending(ctx: Context, batch: int = BATCH) -> Integrated | None:
    """Integrate up to ``batch`` pending entries; None when there was nothing to do."""
    with ctx.unit_of_work() as uow:
        result = _integrate_pending(ctx, uow, batch)
        # 4. Commit: the checkpoint and everything it names become visible together.
        uow.commit()
    return result


def _integrate_pending(ctx: Context, uow: UnitOfWork, batch: int) -> Integrated | None:
    """The sequencer's steps inside the caller's transaction (which commits them)."""
    lock_sequencer(uow)
    return _integrate_numbered(ctx, uow, _storage(ctx, uow, HeldWrites.on(uow.connection)), batch)


def _integrate_numbered(
    ctx: Context, uow: UnitOfWork, storage: SqlLogStorage, batch: int
) -> Integrated | None:
    """Steps 1 to 3 of the sequencer, under its lock."""
    # 1. Number pending entries after the highest index. Inside this transaction:
    #    a crash anywhere below rolls the numbering back with everything else.
    uow.log.number_pending(batch)
    signed = storage.read_checkpoint()
    size = _size(signed)
    # 2. The numbered entries past the checkpoint: this batch, or one numbered by a
    #    run that crashed after step 1 in a store without transactions.
    entries = uow.log.numbered_from(size, batch)
    if signed is not None and not entries:
        return None
    # 3. Bundles, tiles, root, signature, then the compare-and-swap on the size, from
    #    the checkpoint just read (under the lock, in the swap's transaction).
    return _integrate_from(ctx, storage, entries, signed)


def _integrate_from(
    ctx: Context, storage: SqlLogStorage, entries: Sequence[bytes], signed: bytes | None
) -> Integrated:
    """``ledger.log.integrate`` of ``entries`` after the checkpoint ``signed`` (None: the
    empty log) read under the lock in this transaction, with this process's kept edge."""
    return integrate(
        storage,
        entries,
        ctx.log_signer,
        ctx.log_origin,
        first_index=_size(signed),
        last=ctx.log_edge,
        committed=signed,
    )


def integrate_all(ctx: Context, batch: int = BATCH) -> int:
    """Integrate until nothing is pending; the tree size at the end."""
    while integrate_pending(ctx, batch) is not None:
        pass
    return current_checkpoint(ctx).size


def append_batch(ctx: Context, uow: UnitOfWork, entries: Sequence[StoredEntry]) -> Integrated:
    """Store ``entries`` and integrate them into the log, in the caller's transaction.

    For a caller with many entries at once (``services.lodge_many``): when its
    transaction commits, every entry is durable AND under a signed checkpoint, for one
    commit instead of one per entry plus the sequencer's. The entries are stored
    already numbered (one INSERT) and integrated from the bytes in hand, through
    the sequencer's own ``integrate``; nothing is read back. On PostgreSQL the entries,
    bundles, tiles and the swap go in ONE statement (``store.held_writes``): every
    statement is a round trip in which the thread gives the GIL away. A crash at any
    step before the caller commits leaves the log, the pending entries and the caller's
    other changes exactly as they were: nothing was acknowledged, nothing is half-written.
    """
    # 1. The sequencer's lock (SQLite: the transaction's BEGIN IMMEDIATE already is),
    #    so the background sequencer never runs between our reading the tree size and
    #    our swap; the swap's compare-and-swap on the size would refuse it anyway. It is
    #    taken in the same round trip as step 2's read, which runs after it.
    # 2. Entries still pending were appended before ours: they go first, integrated by
    #    the sequencer's steps in this same transaction, so the log keeps append order.
    #    (Usually there are none: asking costs nothing more than reading the checkpoint,
    #    in the same statement, sent with the lock's; numbering nothing cost several
    #    statements, per batch.)
    held = HeldWrites.on(uow.connection)  # PostgreSQL: steps 3 and 4 in one statement
    storage = _storage(ctx, uow, held)
    signed, pending = storage.read_checkpoint_and_pending(after=_sequencer_lock(uow))
    while pending and _integrate_numbered(ctx, uow, storage, BATCH) is not None:
        signed, pending = storage.read_checkpoint_and_pending()
    size = _size(signed)
    # 3. Our entries, numbered from the tree size (the unique index on log_index
    #    refuses any index given twice).
    uow.log.append_many(entries, ctx.now(), first_index=size, held=held)
    # 4. Bundles, tiles, root, signature and the compare-and-swap, from the entries in
    #    hand and the checkpoint read at step 2 (under the lock, in this transaction).
    #    The caller's commit makes the checkpoint and its entries visible together.
    integrated = _integrate_from(ctx, storage, [entry.entry for entry in entries], signed)
    if held is not None:  # sent with the swap, unless there was nothing to swap
        held.send()
    return integrated


def lock_sequencer(uow: UnitOfWork) -> None:
    """One sequencer at a time on PostgreSQL (SQLite's BEGIN IMMEDIATE already is)."""
    lock = _sequencer_lock(uow)
    if lock is not None:
        uow.connection.execute(text(lock))


def _sequencer_lock(uow: UnitOfWork) -> str | None:
    """The statement that takes the sequencer's lock, None where there is none to take."""
    return _SEQUENCER_LOCK if uow.connection.dialect.name == "postgresql" else None


_SEQUENCER_LOCK = "SELECT pg_advisory_xact_lock(7366227)"


def _storage(ctx: Context, uow: UnitOfWork, held: HeldWrites | None = None) -> SqlLogStorage:
    return SqlLogStorage(uow.connection, ctx.log_origin, ctx.now(), held)


def _size(signed: bytes | None) -> int:
    return 0 if signed is None else parse_checkpoint(split_note(signed)[0]).size


class Sequencer:
    """Integrates pending entries in the background: a checkpoint at least every
    ``interval`` seconds while entries arrive."""

    def __init__(self, ctx: Context, interval: float = 0.5) -> None:
        self._ctx = ctx
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="corridor-sequencer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                integrate_all(self._ctx)
            except Exception:  # logged and retried: the log is never left half-written
                LOGGER.exception("integration failed; retrying")
            self._stop.wait(self._interval)


# --- What the log serves -----------------------------------------------------------


def signed_checkpoint(ctx: Context) -> bytes:
    with ctx.unit_of_work() as uow:
        signed = _storage(ctx, uow).read_checkpoint()
    if signed is None:
        raise NotFound("the log has no checkpoint yet")
    return signed


def current_checkpoint(ctx: Context) -> Checkpoint:
    return parse_checkpoint(split_note(signed_checkpoint(ctx))[0])


def read_tile(ctx: Context, tile: TileId) -> bytes:
    size = current_checkpoint(ctx).size
    _check_published(tile.index, tile.width, level_width(size, tile.level), f"tile {tile}")
    with ctx.unit_of_work() as uow:
        data = _storage(ctx, uow).read_tile(tile)
    if data is None:
        raise NotFound(f"no tile {tile}")
    return data


def read_bundle(ctx: Context, bundle: BundleId) -> bytes:
    size = current_checkpoint(ctx).size
    _check_published(bundle.index, bundle.width, size, f"entry bundle {bundle}")
    with ctx.unit_of_work() as uow:
        data = _storage(ctx, uow).read_bundle(bundle)
    if data is None:
        raise NotFound(f"no entry bundle {bundle}")
    return data


def _check_published(index: int, width: int, count: int, what: str) -> None:
    """A tile or bundle is served only as far as the checkpoint publishes it."""
    full, rest = divmod(count, 256)
    published = (index < full and width == 256) or (index == full and 0 < width <= rest)
    if not published:
        raise NotFound(f"{what} is not published at tree size {count}")


def inclusion(ctx: Context, index: int, size: int) -> list[bytes]:
    current = current_checkpoint(ctx).size
    if not 0 <= index < size <= current:
        raise NotFound(f"no leaf {index} in a tree of size {size} (the log has {current})")
    with ctx.unit_of_work() as uow:
        return inclusion_proof(index, size, tile_hash_reader(_storage(ctx, uow), current))


def consistency(ctx: Context, old: int, new: int) -> list[bytes]:
    current = current_checkpoint(ctx).size
    if not 0 <= old <= new <= current:
        raise NotFound(f"no consistency proof from {old} to {new} (the log has {current})")
    with ctx.unit_of_work() as uow:
        return consistency_proof(old, new, tile_hash_reader(_storage(ctx, uow), current))


@dataclass(frozen=True)
class MovementReceipt:
    """A receipt for one of a movement's events; the entry rides in ``extra``."""

    event_sequence: int
    receipt: Receipt


def receipts(ctx: Context, mrn: str) -> tuple[list[MovementReceipt], int]:
    """Receipts for the movement's integrated events, and how many are still pending."""
    signed = signed_checkpoint(ctx)
    size = _size(signed)
    with ctx.unit_of_work() as uow:
        stored = uow.log.for_movement(mrn.strip().upper())
        if not stored:
            raise NotFound(f"no log entries for movement {mrn}")
        read = tile_hash_reader(_storage(ctx, uow), size)
        logged = [e for e in stored if e.log_index is not None and e.log_index < size]
        made = [
            MovementReceipt(e.event_sequence, build_receipt(_index(e), signed, read, extra=e.entry))
            for e in logged
        ]
    return made, len(stored) - len(logged)


def _index(entry: StoredEntry) -> int:
    assert entry.log_index is not None
    return entry.log_index


# --- The whole-log check -----------------------------------------------------------


@dataclass(frozen=True)
class LogVerification:
    size: int
    tiles_checked: int
    commitments_checked: int
    pending: int


def verify(ctx: Context) -> LogVerification:
    """Recompute everything: every tile and the root from the bundles, the signature,
    the operator's copy of every entry and its commitment, and that every movement
    event has its entry. Raises ``LogCorruptionError`` at the first difference."""
    with ctx.unit_of_work() as uow:
        storage = _storage(ctx, uow)
        report = verify_log(storage, vkey(ctx))
        checked = _check_entries(uow, storage, report.checkpoint.size)
        _check_every_event_logged(uow)
        pending = uow.log.count_pending()
    return LogVerification(report.checkpoint.size, report.tiles, checked, pending)


def _check_entries(uow: UnitOfWork, storage: SqlLogStorage, size: int) -> int:
    checked = 0
    for start in range(0, size, BATCH):
        end = min(start + BATCH, size)
        published = read_entries(storage, size, start, end)
        kept = uow.log.numbered(start, end)
        if [e.entry for e in kept] != published:
            raise LogCorruptionError(f"the operator's entries {start}..{end} differ from the log")
        for entry in kept:
            try:
                verify_commitment(entry.entry, entry.payload, entry.salt)
            except EntryError as error:
                raise LogCorruptionError(f"entry {entry.log_index}: {error}") from error
            checked += 1
    return checked


def _check_every_event_logged(uow: UnitOfWork) -> None:
    events = select(func.count()).select_from(movement_events)
    logged = select(func.count()).select_from(log_entries)
    counts: Sequence[int] = [uow.connection.execute(q).scalar_one() for q in (events, logged)]
    if counts[0] != counts[1]:
        raise LogCorruptionError(f"{counts[0]} movement events but {counts[1]} log entries")
