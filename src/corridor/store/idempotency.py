"""Idempotency keys: the first answer to a request, kept per principal and key.

A request first *reserves* its key (in a transaction of its own), runs, then *completes*
the reservation with its answer. A retry finds the answer and gets it again; a request
that arrives while the first still runs finds the reservation without an answer. A
lodging (``lodging.lodge_each``) reserves and completes its key in its own transaction
instead, so its key and its movement are committed together or not at all; an answer
given without one (a refusal before that transaction) is then ``keep``-ed on its own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, bindparam, delete, select, update

from corridor.store.access_tables import idempotency_keys
from corridor.store.database import insert_unless_present, pair_columns

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
        [reserved] = self.reserve_each([(principal, key, fingerprint)], at)
        return reserved

    def reserve_each(
        self, claims: Sequence[tuple[str, str, str]], at: datetime
    ) -> list[Reservation | None]:
        """``reserve`` each (principal, key, fingerprint) of ``claims``, in the order
        given: one INSERT for them all (on PostgreSQL a key another transaction holds
        makes it wait, key after key in that order), then one look-up of the keys that
        held something already. A key claimed twice is reserved by the first claim; the
        second finds it still running."""
        if not claims:
            return []
        rows = [
            {"principal": p, "key": k, "fingerprint": f, "created_at": at} for p, k, f in claims
        ]
        statement = insert_unless_present(self._connection, idempotency_keys, rows)
        returning = statement.returning(idempotency_keys.c.principal, idempotency_keys.c.key)
        inserted = {(row.principal, row.key) for row in self._connection.execute(returning)}
        reserved: list[Reservation | None] = []
        held: dict[tuple[str, str], RowMapping] | None = None
        for principal, key, fingerprint in claims:
            if (principal, key) in inserted:
                inserted.discard((principal, key))  # a second claim of it finds it held
                reserved.append(None)
                continue
            if held is None:
                held = self._rows({(p, k) for p, k, _ in claims})
            reserved.append(self._held(held.get((principal, key)), fingerprint, at))
        return reserved

    def complete(self, principal: str, key: str, answer: Answer) -> None:
        """Keep ``answer`` for the key this request reserved."""
        self.complete_each([(principal, key, answer)])

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

    def complete_each(self, answers: Sequence[tuple[str, str, Answer]]) -> None:
        """``complete`` each (principal, key, answer): one statement, executed for each
        (one round trip: psycopg pipelines them)."""
        if answers:
            self._connection.execute(_COMPLETE, [_completion(*answer) for answer in answers])

    def release(self, principal: str, key: str) -> None:
        """Forget a reservation whose request failed without an answer worth keeping."""
        self.release_each([(principal, key)])

    def release_each(self, keys: Sequence[tuple[str, str]]) -> None:
        """``release`` each (principal, key): one statement, executed for each."""
        if keys:
            self._connection.execute(_RELEASE, [{"of": p, "named": k} for p, k in keys])

    def _rows(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], RowMapping]:
        principals, names = pair_columns(keys)
        query = select(idempotency_keys).where(
            idempotency_keys.c.principal.in_(principals), idempotency_keys.c.key.in_(names)
        )
        rows = [row._mapping for row in self._connection.execute(query)]
        return {(row["principal"], row["key"]): row for row in rows}

    def _held(self, row: RowMapping | None, fingerprint: str, at: datetime) -> Reservation | None:
        """What ``reserve`` answers for a key that held ``row`` already."""
        if row is None:  # deleted meanwhile by a failed first request: try again later
            return Reservation(fingerprint, None)
        abandoned = row["status"] is None and row["created_at"] < at - ABANDONED_AFTER
        if abandoned and self._take_over(row, fingerprint, at):
            return None
        return _reservation(row)

    def _take_over(self, row: RowMapping, fingerprint: str, at: datetime) -> bool:
        query = update(idempotency_keys).where(
            *_key(row["principal"], row["key"]),
            idempotency_keys.c.status.is_(None),
            idempotency_keys.c.created_at == row["created_at"],
        )
        result = self._connection.execute(query.values(fingerprint=fingerprint, created_at=at))
        return bool(result.rowcount == 1)


_COMPLETE = (
    update(idempotency_keys)
    .where(
        idempotency_keys.c.principal == bindparam("of"),
        idempotency_keys.c.key == bindparam("named"),
    )
    .values(
        status=bindparam("status"),
        content_type=bindparam("content_type"),
        body=bindparam("body"),
        location=bindparam("location"),
    )
)
_RELEASE = delete(idempotency_keys).where(
    idempotency_keys.c.principal == bindparam("of"), idempotency_keys.c.key == bindparam("named")
)


def _completion(principal: str, key: str, answer: Answer) -> dict[str, Any]:
    return {
        "of": principal, "named": key, "status": answer.status,
        "content_type": answer.content_type, "body": answer.body, "location": answer.location,
    }  # fmt: skip


def _key(principal: str, key: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return idempotency_keys.c.principal == principal, idempotency_keys.c.key == key


def _reservation(row: RowMapping) -> Reservation:
    if row["status"] is None:
        return Reservation(row["fingerprint"], None)
    answer = Answer(row["status"], row["content_type"], bytes(row["body"]), row["location"])
    return Reservation(row["fingerprint"], answer)
