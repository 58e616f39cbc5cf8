"""One writer at a time on a SQLite file: writers wait in line instead of polling.

SQLite lets one transaction write at a time, and corridor opens every transaction with
BEGIN IMMEDIATE, so a second one waits in SQLite's busy handler, which sleeps and tries
again (1, 2, 5, ... up to 100 ms between tries). Under steady load the sleeper keeps
missing the moments when the lock is free, while writers that just arrived take it: a
few requests wait for seconds (`bench.api_lodging` measured a p99 of 1.7 s with two
workers). The gate makes writers wait where a release wakes them at once: on a lock
among the threads of one process, then on an flock of a file beside the database
among processes (kill -9 releases it with the process).

SQLite's own lock still decides who writes: a writer that does not pass the gate (the
CLI adding a user, another program) meets the busy handler as before, and nothing is
wrong if the gate is missing, only slower. Transactions on PostgreSQL need no gate.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine


class WriteGate:
    """``with gate.held(): ...``: one holder at a time across threads and processes.
    Re-entrant within a thread (a nested transaction would wait on SQLite's lock, as
    it always did, rather than on the gate forever)."""

    def __init__(self, lock_path: Path | None) -> None:
        self._lock_path = lock_path
        self._threads = threading.RLock()
        self._depth = 0  # guarded by _threads
        self._descriptor: int | None = None
        self._opened_by = 0  # the pid that opened the descriptor (a fork child reopens)

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            if self._depth == 0:
                self._lock_file()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._unlock_file()

    def _lock_file(self) -> None:
        descriptor = self._open()
        if descriptor is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)

    def _unlock_file(self) -> None:
        if self._descriptor is not None and self._opened_by == os.getpid():
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)

    def _open(self) -> int | None:
        if self._lock_path is None:
            return None
        if self._descriptor is None or self._opened_by != os.getpid():
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            try:
                self._descriptor = os.open(self._lock_path, flags, 0o600)
            except OSError:  # a read-only directory: the threads' lock alone
                self._lock_path = None
                return None
            self._opened_by = os.getpid()
        return self._descriptor


class _NoGate(WriteGate):
    def __init__(self) -> None:
        super().__init__(None)

    @contextmanager
    def held(self) -> Iterator[None]:
        yield


NO_GATE: WriteGate = _NoGate()
_GATES: WeakKeyDictionary[Engine, WriteGate] = WeakKeyDictionary()


def install_write_gate(engine: Engine, database: Path) -> None:
    """Give ``engine`` (on the SQLite file ``database``) its gate."""
    _GATES[engine] = WriteGate(database.with_name(database.name + "-writer.lock"))


def write_gate(engine: Engine) -> WriteGate:
    """The gate of ``engine``; one that lets everyone through if it has none."""
    return _GATES.get(engine, NO_GATE)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """``engine.begin()`` through the engine's gate."""
    with write_gate(engine).held(), engine.begin() as connection:
        yield connection
