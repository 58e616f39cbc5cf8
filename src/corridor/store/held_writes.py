"""Writes held back and sent to PostgreSQL together, as ONE statement.

Every statement a transaction sends is a round trip, in which the thread that sends it
gives the GIL away (to a busy event loop in the same process) and waits to get it back:
the NUMBER of statements can cost more than the database's work. The log's integration
(the sequencer's; ``append_batch``'s, for ``lodge_many``) ends in a few writes whose
outcome is needed only at its commit point, the compare-and-swap on the checkpoint: the
batch's entries, the entry bundles and hash tiles they change, and the swap itself.
PostgreSQL runs several
``INSERT``/``UPDATE ... RETURNING`` as the common tables of one ``WITH`` statement
("data-modifying statements in WITH"): each runs exactly once, to completion, on the
statement's snapshot (none sees another's changes, so no two may touch one row), and
whatever each returns is read back. A failing part fails the whole statement.

Each held write may say what to do with the rows it returned (``then``), once sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import Connection

from corridor.store.driver_rows import raw_parameters

Returned = list[tuple[int, int]]
"""The rows a held write returned: two integers each."""

MOST_PARAMETERS = 30_000
"""Parameters held at most (PostgreSQL allows 65,535 in one statement): past that, what
is held is sent before the next write is held (a backlog of thousands of entries)."""


@dataclass(frozen=True)
class _Held:
    sql: str
    parameters: Sequence[Any]
    returning: tuple[str, str] | None
    then: Callable[[Returned], None] | None


class HeldWrites:
    """The writes held for one transaction's connection on PostgreSQL."""

    def __init__(self, connection: Connection) -> None:
        if connection.dialect.name != "postgresql":
            raise ValueError("writes are held only for PostgreSQL")
        self._connection = connection
        self._held: list[_Held] = []
        self._parameters = 0

    @classmethod
    def on(cls, connection: Connection) -> HeldWrites | None:
        """Held writes on PostgreSQL; None elsewhere (each write is sent as it comes)."""
        return cls(connection) if connection.dialect.name == "postgresql" else None

    def hold(
        self,
        sql: str,
        parameters: Sequence[Any],
        returning: tuple[str, str] | None = None,
        then: Callable[[Returned], None] | None = None,
    ) -> None:
        """Hold ``sql``, an INSERT or UPDATE with ``%s`` parameters (and no other ``%s``,
        nor a RETURNING);
        ``returning``: the two integer expressions it returns for each row it wrote,
        handed to ``then`` when sent."""
        if self._held and self._parameters + len(parameters) > MOST_PARAMETERS:
            self.send()
        self._held.append(_Held(sql, parameters, returning, then))
        self._parameters += len(parameters)

    def send(self) -> None:
        """Send every held write in one statement, then hand each its rows (in the
        order they were held)."""
        held, self._held, self._parameters = self._held, [], 0
        if not held:
            return
        shape = tuple((write.sql, write.returning) for write in held)
        parameters = tuple(chain.from_iterable(write.parameters for write in held))
        with raw_parameters(self._connection):
            rows = self._connection.exec_driver_sql(_statement(shape), parameters).all()
        returned: list[Returned] = [[] for _ in held]
        for part, a, b in rows:
            returned[part].append((a, b))
        for write, its_rows in zip(held, returned, strict=True):
            if write.then is not None:
                write.then(its_rows)

    @property
    def holding(self) -> bool:
        return bool(self._held)


@lru_cache(maxsize=256)
def _statement(shape: tuple[tuple[str, tuple[str, str] | None], ...]) -> str:
    """The one statement of writes held (their SQL and RETURNING, in order), its ``%s``
    parameters numbered as PostgreSQL's own ``$1, $2, ...``: made once per shape, and
    sent as it is (``driver_rows.raw_parameters``) instead of psycopg parsing the ``%s``
    of a long statement again on every execution (3-4 us a parameter)."""
    parts: list[str] = []
    reads: list[str] = []
    numbered = 0
    for number, (sql, returning) in enumerate(shape):
        pieces = sql.split("%s")
        marks = [f"${n}" for n in range(numbered + 1, numbered + len(pieces))]
        numbered += len(marks)
        text = "".join(chain.from_iterable(zip(pieces, [*marks, ""], strict=True)))
        if returning is not None:
            first, second = returning
            text += f" RETURNING ({first})::bigint AS a, ({second})::bigint AS b"
            reads.append(f"SELECT {number} AS part, a, b FROM w{number}")
        parts.append(f"w{number} AS ({text})")
    read = " UNION ALL ".join(reads) or "SELECT 0, 0::bigint, 0::bigint WHERE false"
    return f"WITH {', '.join(parts)} {read}"
