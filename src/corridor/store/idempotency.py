"""Idempotency keys: the first answer to a request, kept per principal and key.

A request first *reserves* its key (in a transaction of its own), runs, then *completes*
the reservation with its answer. A retry finds the answer and gets it again; a request
that arrives while the first still runs finds the reservation without an answer. A
lodging (``lodging.lodge_each``) reserves and completes its key in its own transaction
instead, so its key and its movement are committed together or not at all; an answer
given without one (a refusal before that transaction) is then ``keep``-ed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, RowMapping, delete, select, update

from corridor.store.access_tables import idempotency_keys
from corridor.store.database import insert_unless_present

ABANDONED_AFTER = timedelta(minutes=5)
"""A reservation never completed for this long is taken over (its worker died)."""


@dataclass(frozen=True)
class Answer:
    """A response as it was first sent."""

    status: int
    content_type: str
    body: bytes
    location: str | None = None


@dataclass(frozen=True)
class Reservation:
    """What a key held when a request tried to reserve it."""

    fingerprint: str
    answer: Answer | None  # None: the first request with this key is still running


class IdempotencyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def reserve(
        self, principal: str, key: str, fingerprint: str, at: datetime
    ) -> Reservation | None:
        """Reserve ``key`` for a new request (``None``), or return what it already holds."""
        statement = insert_unless_present(
            self._connection, idempotency_keys,
            principal=principal, key=key, fingerprint=fingerprint, created_at=at,
        )  # fmt: skip
        inserted = self._connection.execute(statement.returning(idempotency_keys.c.key)).first()
        if inserted is not None:  # (rowcount is not reliable here on every driver)
            return None
        row = self._row(principal, key)
        if row is None:  # deleted meanwhile by a failed first request: try again later
            return Reservation(fingerprint, None)
        abandoned = row["status"] is None and row["created_at"] < at - ABANDONED_AFTER
        if abandoned and self._take_over(row, fingerprint, at):
            return None
        return _reservation(row)

    def complete(self, principal: str, key: str, answer: Answer) -> None:
        query = update(idempotency_keys).where(*_key(principal, key))
        self._connection.execute(
            query.values(
                status=answer.status,
                content_type=answer.content_type,
                body=answer.body,
                location=answer.location,
            )
        )

    def keep(
        self, principal: str, key: str, fingerprint: str, answer: Answer, at: datetime
    ) -> None:
        """Keep ``answer`` for a key never reserved, unless the key holds something by
        now (a request with it ran meanwhile: the first stays)."""
        statement = insert_unless_present(
            self._connection, idempotency_keys,
            principal=principal, key=key, fingerprint=fingerprint, created_at=at,
            status=answer.status, content_type=answer.content_type, body=answer.body,
            location=answer.location,
        )  # fmt: skip
        self._connection.execute(statement)

    def release(self, principal: str, key: str) -> None:
        """Forget a reservation whose request failed without an answer worth keeping."""
        self._connection.execute(delete(idempotency_keys).where(*_key(principal, key)))

    def _row(self, principal: str, key: str) -> RowMapping | None:
        row = self._connection.execute(select(idempotency_keys).where(*_key(principal, key)))
        first = row.first()
        return None if first is None else first._mapping

    def _take_over(self, row: RowMapping, fingerprint: str, at: datetime) -> bool:
        query = update(idempotency_keys).where(
            *_key(row["principal"], row["key"]),
            idempotency_keys.c.status.is_(None),
            idempotency_keys.c.created_at == row["created_at"],
        )
        result = self._connection.execute(query.values(fingerprint=fingerprint, created_at=at))
        return bool(result.rowcount == 1)


def _key(principal: str, key: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return idempotency_keys.c.principal == principal, idempotency_keys.c.key == key


def _reservation(row: RowMapping) -> Reservation:
    if row["status"] is None:
        return Reservation(row["fingerprint"], None)
    answer = Answer(row["status"], row["content_type"], bytes(row["body"]), row["location"])
    return Reservation(row["fingerprint"], answer)
