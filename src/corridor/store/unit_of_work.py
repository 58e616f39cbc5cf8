"""A unit of work: one transaction, rolled back unless committed."""

from __future__ import annotations

from contextlib import ExitStack, nullcontext
from types import TracebackType

from sqlalchemy import Connection, Engine

from corridor.store.database import unpinged
from corridor.store.log_storage import LogEntryRepository
from corridor.store.repository import EventRepository, MovementRepository, SerialAllocator
from corridor.store.reviews import ReviewRepository
from corridor.store.write_gate import write_gate


class UnitOfWork:
    """``with UnitOfWork(engine) as uow: ...; uow.commit()``: nothing is kept otherwise.

    ``ping=False``: the connection is not pinged when checked out of the pool; if it is
    dead, the first statement fails (``DBAPIError.connection_invalidated``), and the
    caller must do its transaction again (``lodging.lodge_each`` does)."""

    movements: MovementRepository
    events: EventRepository
    serials: SerialAllocator
    log: LogEntryRepository
    reviews: ReviewRepository

    def __init__(self, engine: Engine, *, ping: bool = True) -> None:
        self._engine, self._ping = engine, ping
        self._connection: Connection | None = None
        self._held = ExitStack()

    def __enter__(self) -> UnitOfWork:
        with ExitStack() as opening:
            # On SQLite, wait in line for the write lock that BEGIN IMMEDIATE takes (see
            # store.write_gate); the gate opens again once the connection is closed.
            opening.enter_context(write_gate(self._engine).held())
            with nullcontext() if self._ping else unpinged():
                self._connection = opening.enter_context(self._engine.connect())
            self._connection.begin()
            self._held = opening.pop_all()
        self.movements = MovementRepository(self._connection)
        self.events = EventRepository(self._connection)
        self.serials = SerialAllocator(self._connection)
        self.log = LogEntryRepository(self._connection)
        self.reviews = ReviewRepository(self._connection)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        try:
            if self._connection.in_transaction():
                self._connection.rollback()
        finally:
            self._connection = None
            self._held.close()  # closes the connection, then opens the gate

    @property
    def connection(self) -> Connection:
        assert self._connection is not None, "used outside the with block"
        return self._connection

    def commit(self) -> None:
        assert self._connection is not None, "commit outside the with block"
        self._connection.commit()
