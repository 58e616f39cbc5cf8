"""The transparency log in the database: pending entries, and the tiled log itself.

``SqlLogStorage`` implements the ledger's ``LogStorage`` on one connection, inside the
caller's transaction: the sequencer writes bundles, tiles and the checkpoint swap in one
transaction, so a crash anywhere before its commit leaves the log exactly as it was.
A tile or bundle row holds the widest version written so far; a narrower (partial)
version is its prefix, so serving ``.p/W`` reads a prefix.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import sql as psycopg_sql
from sqlalchemy import Connection, bindparam, exists, func, insert, select, update

from corridor.ledger.log import LogCorruptionError
from corridor.ledger.tiles import BundleId, TileId
from corridor.store.driver_rows import DriverInsert, bind_processor
from corridor.store.held_writes import HeldWrites, Returned
from corridor.store.tables import log_bundles, log_checkpoint, log_entries, log_tiles

HASH_SIZE = 32


@dataclass(frozen=True)
class StoredEntry:
    """An entry with its private payload and salt, as the operator keeps it."""

    log_index: int | None
    mrn: str
    event_sequence: int
    entry: bytes
    salt: bytes
    payload: dict[str, Any]


# The statements of the tiled log, built once: the sequencer runs a few dozen a batch,
# and building a statement costs SQLAlchemy more than running it.
_TILE_DATA = select(log_tiles.c.data).where(
    log_tiles.c.level == bindparam("level"), log_tiles.c.tile_index == bindparam("tile_index")
)
_TILE_INSERT = insert(log_tiles)
_TILE_EXTEND = (
    update(log_tiles)
    .where(
        log_tiles.c.level == bindparam("on"),
        log_tiles.c.tile_index == bindparam("at"),
        log_tiles.c.width < bindparam("new_width"),
        func.substr(bindparam("new_data"), 1, func.length(log_tiles.c.data)) == log_tiles.c.data,
    )
    .values(width=bindparam("new_width"), data=bindparam("new_data"))
)
"""Widen a stored tile that is narrower and whose hashes the new data begins with."""
_BUNDLE_ROW = select(log_bundles.c.data, log_bundles.c.width).where(
    log_bundles.c.bundle_index == bindparam("at")
)
_BUNDLE_WIDTH = select(log_bundles.c.width).where(log_bundles.c.bundle_index == bindparam("at"))
_BUNDLE_INSERT = insert(log_bundles)
_BUNDLE_EXTEND = (
    update(log_bundles)
    .where(
        log_bundles.c.bundle_index == bindparam("at"),
        log_bundles.c.width < bindparam("new_width"),
    )
    .values(width=bindparam("new_width"), data=bindparam("new_data"))
)
_CHECKPOINT = select(log_checkpoint.c.signed).where(log_checkpoint.c.origin == bindparam("of"))
_CHECKPOINT_AND_PENDING = select(
    _CHECKPOINT.scalar_subquery(), exists().where(log_entries.c.log_index.is_(None))
)
_CHECKPOINT_AND_PENDING_AFTER = (
    "{after}; SELECT (SELECT signed FROM log_checkpoint WHERE origin = {origin}),"
    " EXISTS (SELECT 1 FROM log_entries WHERE log_index IS NULL)"
)
"""The same read after another statement, in one simple query (PostgreSQL)."""
_CHECKPOINT_INSERT = insert(log_checkpoint)
_CHECKPOINT_SWAP = (
    update(log_checkpoint)
    .where(log_checkpoint.c.origin == bindparam("of"), log_checkpoint.c.size == bindparam("old"))
    .values(size=bindparam("new_size"), signed=bindparam("new_signed"), updated_at=bindparam("at"))
)


# The same writes held for PostgreSQL (``HeldWrites``): an upsert that inserts a new row
# or widens a narrower one as the statements above do, and returns the row it wrote; a
# row as wide or wider returns nothing, and is checked as above once the writes are sent.
_HELD_TILE = (
    "INSERT INTO log_tiles (level, tile_index, width, data) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (level, tile_index) DO UPDATE SET width = excluded.width,"
    " data = excluded.data WHERE log_tiles.width < excluded.width"
    " AND substr(excluded.data, 1, length(log_tiles.data)) = log_tiles.data"
)
_HELD_BUNDLE = (
    "INSERT INTO log_bundles (bundle_index, width, data) VALUES (%s, %s, %s)"
    " ON CONFLICT (bundle_index) DO UPDATE SET width = excluded.width,"
    " data = excluded.data WHERE log_bundles.width < excluded.width"
)
_HELD_SWAP = (
    "UPDATE log_checkpoint SET size = %s, signed = %s, updated_at = %s"
    " WHERE origin = %s AND size = %s"
)
_HELD_FIRST = (
    "INSERT INTO log_checkpoint (origin, size, signed, updated_at) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (origin) DO NOTHING"
)


class SqlLogStorage:
    """The log in the caller's transaction. With ``held`` (PostgreSQL), tiles and bundles
    are written together with the checkpoint's swap, in ONE statement (``HeldWrites``)
    that also carries whatever else the transaction held before (the batch's entries):
    every write is in place, or the statement failed, when ``swap_checkpoint`` returns."""

    def __init__(
        self, connection: Connection, origin: str, now: datetime, held: HeldWrites | None = None
    ) -> None:
        self._connection = connection
        self._origin = origin
        self._now = now
        self._held = held

    def read_tile(self, tile: TileId) -> bytes | None:
        return _prefix(self._stored_tile(tile), tile.width * HASH_SIZE)

    def write_tile(self, tile: TileId, data: bytes) -> None:
        """Insert a new tile or widen a stored one; never change a hash already written.

        The usual write, widening the partial tile the last batch left, is one UPDATE
        that widens only a narrower row whose hashes the new data begins with; the
        other cases (no row yet, a row as wide or wider, other hashes) are decided on
        the row read back."""
        if self._held is not None:
            then = _unless_returned(lambda: self._check_tile_kept(tile, data))
            values = (tile.level, tile.index, tile.width, data)
            self._held.hold(_HELD_TILE, values, ("level", "tile_index"), then)
            return
        widened = {"new_width": tile.width, "new_data": data}
        extend = {"on": tile.level, "at": tile.index, **widened}
        if self._connection.execute(_TILE_EXTEND, extend).rowcount == 1:
            return
        if self._stored_tile(tile) is None:
            row = {"level": tile.level, "tile_index": tile.index, "width": tile.width}
            self._connection.execute(_TILE_INSERT, {**row, "data": data})
        else:
            self._check_tile_kept(tile, data)

    def _check_tile_kept(self, tile: TileId, data: bytes) -> None:
        """A stored tile as wide or wider than ``data`` must begin with it."""
        stored = self._stored_tile(tile)
        if stored is None or not stored.startswith(data):
            raise LogCorruptionError(f"tile {tile} would be rewritten with other hashes")

    def _stored_tile(self, tile: TileId) -> bytes | None:
        """The widest version of the tile written so far, whatever width is asked."""
        self._send_held()
        key = {"level": tile.level, "tile_index": tile.index}
        data = self._connection.execute(_TILE_DATA, key).scalar()
        return None if data is None else bytes(data)

    def read_bundle(self, bundle: BundleId) -> bytes | None:
        self._send_held()
        row = self._connection.execute(_BUNDLE_ROW, {"at": bundle.index}).first()
        if row is None or row.width < bundle.width:
            return None
        return row.data if row.width == bundle.width else _bundle_prefix(row.data, bundle.width)

    def write_bundle(self, bundle: BundleId, data: bytes) -> None:
        """Insert a new bundle or widen a stored one (one UPDATE, the usual write); a
        row as wide or wider must already begin with these entries."""
        if self._held is not None:
            then = _unless_returned(lambda: self._check_bundle_kept(bundle, data))
            values = (bundle.index, bundle.width, data)
            self._held.hold(_HELD_BUNDLE, values, ("bundle_index", "width"), then)
            return
        extend = {"at": bundle.index, "new_width": bundle.width, "new_data": data}
        if self._connection.execute(_BUNDLE_EXTEND, extend).rowcount == 1:
            return
        stored_width = self._connection.execute(_BUNDLE_WIDTH, {"at": bundle.index}).scalar()
        if stored_width is None:
            row = {"bundle_index": bundle.index, "width": bundle.width, "data": data}
            self._connection.execute(_BUNDLE_INSERT, row)
        else:
            self._check_bundle_kept(bundle, data)

    def _check_bundle_kept(self, bundle: BundleId, data: bytes) -> None:
        """A stored bundle as wide or wider than ``bundle`` must begin with its entries."""
        if self.read_bundle(bundle) != data:
            raise LogCorruptionError(f"entry bundle {bundle} would be rewritten with other entries")

    def read_checkpoint(self) -> bytes | None:
        self._send_held()
        value = self._connection.execute(_CHECKPOINT, {"of": self._origin}).scalar()
        return None if value is None else bytes(value)

    def read_checkpoint_and_pending(self, after: str | None = None) -> tuple[bytes | None, bool]:
        """The checkpoint, and whether any entry waits to be numbered, in one statement
        (``LogEntryRepository.has_pending``).

        ``after`` (PostgreSQL): a statement with no parameters, such as taking a lock,
        sent first in the same round trip. PostgreSQL runs the statements of one simple
        query in turn, each on a snapshot taken as it starts (READ COMMITTED), so the
        read sees whatever was committed while ``after`` waited for its lock."""
        self._send_held()
        if after is None:
            read = self._connection.execute(_CHECKPOINT_AND_PENDING, {"of": self._origin})
            signed, pending = read.one()
        else:
            signed, pending = self._read_after(after)
        return None if signed is None else bytes(signed), bool(pending)

    def _read_after(self, after: str) -> tuple[Any, Any]:
        origin = psycopg_sql.Literal(self._origin)
        quoted = origin.as_string(self._connection.connection.driver_connection)
        read = _CHECKPOINT_AND_PENDING_AFTER.format(after=after, origin=quoted.replace("%", "%%"))
        result = self._connection.exec_driver_sql(read)
        try:
            cursor = result.cursor
            row = cursor.fetchone() if cursor.nextset() else None
        finally:
            result.close()
        if row is None:
            raise LogCorruptionError("the checkpoint was not read")
        return row[0], row[1]

    def swap_checkpoint(self, expected_size: int | None, new_size: int, signed: bytes) -> bool:
        if self._held is not None:
            return self._held_swap(self._held, expected_size, new_size, signed)
        if expected_size is None:
            exists = self.read_checkpoint() is not None
            if not exists:
                row = {"origin": self._origin, "size": new_size, "signed": signed}
                self._connection.execute(_CHECKPOINT_INSERT, {**row, "updated_at": self._now})
            return not exists
        swap = {"of": self._origin, "old": expected_size, "new_size": new_size}
        values = {**swap, "new_signed": signed, "at": self._now}
        return self._connection.execute(_CHECKPOINT_SWAP, values).rowcount == 1

    def _held_swap(
        self, held: HeldWrites, expected_size: int | None, new_size: int, signed: bytes
    ) -> bool:
        """The swap, sent with every write held before it in one statement; the rows
        each returned are checked (tiles, bundles: ``write_tile``'s rule) first."""
        at = bind_processor(log_checkpoint.c.updated_at, self._connection.dialect)(self._now)
        swapped: list[bool] = []
        row: tuple[Any, ...]
        if expected_size is None:  # the first checkpoint: inserted if there is none
            sql, row = _HELD_FIRST, (self._origin, new_size, signed, at)
        else:
            sql, row = _HELD_SWAP, (new_size, signed, at, self._origin, expected_size)
        held.hold(sql, row, ("size", "0"), lambda rows: swapped.append(bool(rows)))
        held.send()
        return swapped == [True]

    def _send_held(self) -> None:
        """Writes held are sent before anything is read (integration reads before it
        writes: this sends nothing in the usual order)."""
        if self._held is not None and self._held.holding:
            self._held.send()


def _unless_returned(check: Callable[[], None]) -> Callable[[Returned], None]:
    """Run ``check`` on a held write that returned no row (it wrote nothing)."""

    def then(rows: Returned) -> None:
        if not rows:
            check()

    return then


def _prefix(data: bytes | None, length: int) -> bytes | None:
    if data is None or len(data) < length:
        return None
    return bytes(data[:length])


def _bundle_prefix(data: bytes, width: int) -> bytes:
    offset = 0
    for _ in range(width):
        offset += 2 + int.from_bytes(data[offset : offset + 2], "big")
    return bytes(data[:offset])


class LogEntryRepository:
    """The operator's copy of entries: appended pending, then numbered by the sequencer
    (or appended already numbered by ``log_service.append_batch``)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def append(self, entry: StoredEntry, at: datetime) -> None:
        self.append_many([entry], at)

    def append_many(
        self,
        entries: Sequence[StoredEntry],
        at: datetime,
        first_index: int | None = None,
        held: HeldWrites | None = None,
    ) -> None:
        """Store ``entries`` in one INSERT: pending, or numbered from ``first_index``;
        with ``held``, the INSERT is held to go with the log's swap (``SqlLogStorage``).

        The rows go to the driver as they are (``DriverInsert``, the payload encoded
        here once, the time converted once for the whole batch): SQLAlchemy's per-row
        parameter processing cost more than SQLite's own work for these rows.
        """
        if not entries:
            return
        dialect = self._connection.dialect
        stamp = bind_processor(log_entries.c.appended_at, dialect)(at)
        rows = [
            (
                None if first_index is None else first_index + n,
                entry.mrn,
                entry.event_sequence,
                entry.entry,
                entry.salt,
                json.dumps(entry.payload, ensure_ascii=False),
                stamp,
            )
            for n, entry in enumerate(entries)
        ]
        as_given = DriverInsert(log_entries, _ENTRY_COLUMNS, dialect, encoded=_ENTRY_COLUMNS)
        if held is None:
            as_given.execute(self._connection, rows)
            return
        for sql, parameters in as_given.statements(rows):
            held.hold(sql, parameters)

    def number_pending(self, limit: int) -> int:
        """Give the next ``limit`` pending entries contiguous indexes after the highest, in
        the order they were appended, with ONE set-based UPDATE; how many were numbered."""
        next_index = self._connection.execute(
            select(func.coalesce(func.max(log_entries.c.log_index) + 1, 0))
        ).scalar_one()
        pending = (
            select(log_entries.c.id)
            .where(log_entries.c.log_index.is_(None))
            .order_by(log_entries.c.id)
            .limit(limit)
            .subquery()
        )
        position = func.row_number().over(order_by=pending.c.id)
        numbered = select(pending.c.id, (position + (next_index - 1)).label("new_index"))
        ranked = numbered.subquery()
        statement = (
            update(log_entries)
            .where(log_entries.c.id == ranked.c.id)
            .values(log_index=ranked.c.new_index)
        )
        return int(self._connection.execute(statement).rowcount)

    def numbered_from(self, start: int, limit: int | None = None) -> list[bytes]:
        query = (
            select(log_entries.c.entry)
            .where(log_entries.c.log_index >= start)
            .order_by(log_entries.c.log_index)
            .limit(limit)
        )
        return [bytes(entry) for entry in self._connection.execute(query).scalars()]

    def for_movement(self, mrn: str) -> list[StoredEntry]:
        query = (
            select(log_entries)
            .where(log_entries.c.mrn == mrn)
            .order_by(log_entries.c.event_sequence)
        )
        return [_stored(row._mapping) for row in self._connection.execute(query)]

    def numbered(self, start: int, end: int) -> Sequence[StoredEntry]:
        query = (
            select(log_entries)
            .where(log_entries.c.log_index >= start, log_entries.c.log_index < end)
            .order_by(log_entries.c.log_index)
        )
        return [_stored(row._mapping) for row in self._connection.execute(query)]

    def has_pending(self) -> bool:
        """Whether any entry waits for the sequencer (cheaper than counting them)."""
        return self._connection.execute(_ANY_PENDING).first() is not None

    def count_pending(self) -> int:
        query = (
            select(func.count()).select_from(log_entries).where(log_entries.c.log_index.is_(None))
        )
        return int(self._connection.execute(query).scalar_one())


_ANY_PENDING = select(log_entries.c.id).where(log_entries.c.log_index.is_(None)).limit(1)
_ENTRY_COLUMNS = ("log_index", "mrn", "event_sequence", "entry", "salt", "payload", "appended_at")


def _stored(row: Any) -> StoredEntry:
    return StoredEntry(
        log_index=row["log_index"],
        mrn=row["mrn"],
        event_sequence=row["event_sequence"],
        entry=bytes(row["entry"]),
        salt=bytes(row["salt"]),
        payload=row["payload"],
    )
