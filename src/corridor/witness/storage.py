"""A witness's state in one SQLite file of its own: the logs it follows and, per log,
the latest checkpoint it cosigned.

Not the corridor database: a witness is run by another party on another host. The
schema is created on open. The check of the latest checkpoint and the storing of the
new one are one ``UPDATE ... WHERE`` (or ``INSERT`` for a first checkpoint) in one
``BEGIN IMMEDIATE`` transaction, so two requests, threads or processes racing on the
same file can never roll the witness back. Full synchronous WAL: once a cosignature is
returned, the checkpoint it covers is on disk. Nothing here deletes a row: a witness
never forgets a log nor what it cosigned.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from corridor.ledger.checkpoint import Checkpoint, parse_checkpoint
from corridor.ledger.note import KeyFormatError, ed25519_verifier, is_valid_key_name

SCHEMA = """
CREATE TABLE IF NOT EXISTS witness_logs (
    origin TEXT NOT NULL,
    vkey TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (origin, vkey)
);
CREATE TABLE IF NOT EXISTS witness_checkpoints (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    checkpoint TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


class WitnessStateError(Exception):
    """The state file is missing or is not a witness's state."""


class SqliteWitnessStorage:
    """``WitnessStorage`` (see ``ledger.witness``) in a SQLite file; thread-safe."""

    def __init__(self, path: Path | str, *, create: bool = False) -> None:
        path = Path(path)
        if not create and not path.exists():
            raise WitnessStateError(f"no witness state at {path}: run `corridor witness add-log`")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000"):
                self._db.execute(f"PRAGMA {pragma}")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise WitnessStateError(f"{path} is not a witness state file: {error}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front (BEGIN IMMEDIATE), committed on success."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # --- The logs this witness follows ----------------------------------------------

    def add_log(self, origin: str, vkey: str) -> bool:
        """Follow ``origin`` signed by ``vkey`` (an Ed25519 note key); a second key for
        the same origin is added beside the first (key rotation). False if known."""
        if not is_valid_key_name(origin):
            raise KeyFormatError(f"origin {origin!r} is empty or has spaces or '+'")
        ed25519_verifier(vkey)  # raises KeyFormatError for anything else
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO witness_logs (origin, vkey, added_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (origin, vkey, _now()),
            )
            return cursor.rowcount == 1

    def known_logs(self) -> Mapping[str, list[str]]:
        """Each origin and its verifier keys, as ``ledger.witness.Witness`` takes them."""
        with self._lock:
            rows = self._db.execute("SELECT origin, vkey FROM witness_logs ORDER BY rowid")
            logs: dict[str, list[str]] = {}
            for origin, vkey in rows:
                logs.setdefault(origin, []).append(vkey)
        return logs

    # --- WitnessStorage ---------------------------------------------------------------

    def latest(self, origin: str) -> Checkpoint | None:
        with self._lock:
            row = self._db.execute(
                "SELECT checkpoint FROM witness_checkpoints WHERE origin = ?", (origin,)
            ).fetchone()
        return None if row is None else parse_checkpoint(row[0])

    def compare_and_swap(self, origin: str, expected: Checkpoint | None, new: Checkpoint) -> bool:
        """Store ``new`` iff the latest for ``origin`` is still ``expected``, atomically."""
        if new.origin != origin:
            raise ValueError(f"a checkpoint of {new.origin!r} stored as {origin!r}")
        with self._transaction() as db:
            if expected is None:
                cursor = db.execute(
                    "INSERT INTO witness_checkpoints (origin, size, checkpoint, updated_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (origin, new.size, new.text(), _now()),
                )
            else:
                cursor = db.execute(
                    "UPDATE witness_checkpoints SET size = ?, checkpoint = ?, updated_at = ?"
                    " WHERE origin = ? AND checkpoint = ?",
                    (new.size, new.text(), _now(), origin, expected.text()),
                )
            return cursor.rowcount == 1


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
