"""Many new rows of one table in one statement, handed to the database driver as they are.

A lodging's rows (its movement, itinerary, event and log entry) are small: SQLAlchemy's
work for each statement and each row (the compiled cache, parameter processing) cost
more than the database's own. Here every value is converted once, as SQLAlchemy would
convert it for that column (``DriverInsert.row``), and the rows go to the driver in ONE
statement. On PostgreSQL a multi-row INSERT: one message, one round trip (psycopg's
executemany pipelines a Bind and an Execute per row, which for a group's movements,
itineraries and events cost 200 us of CPU and 520 us of time per lodging against 150
and 420 in groups of 16, 360/840 against 230/570 in groups of 4), its parameters
written as PostgreSQL's own ``$1, $2, ...`` and executed by a psycopg ``RawCursor``:
psycopg parses a statement's ``%s`` into those again on every execution when the
statement is long (it caches only short ones), 3-4 us a parameter, 30 of them a
lodging. On SQLite the driver's executemany of the one-row INSERT, whose loop in C was
a little cheaper than a multi-row statement (79 against 89 us per lodging in groups of
16).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain
from typing import Any

from psycopg import RawCursor
from sqlalchemy import Connection, Dialect, Table

_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
MOST_PARAMETERS = 999
"""Parameters in one multi-row statement at most (PostgreSQL allows 65,535): enough for
the largest group the API commits (64 lodgings: 768 for their movements), while a larger
batch (``lodge_many``'s backlog) is split into statements that stay small."""


class DriverInsert:
    """The INSERT of ``columns`` of ``table`` in the driver's positional parameter style,
    and what SQLAlchemy would do to each value first (none for the columns ``encoded``:
    their values come already in the driver's form, such as JSON text)."""

    def __init__(
        self,
        table: Table,
        columns: Sequence[str],
        dialect: Dialect,
        encoded: Collection[str] = (),
    ) -> None:
        if dialect.paramstyle not in _PLACEHOLDERS:
            raise ValueError(f"no positional parameters for the driver's {dialect.paramstyle!r}")
        self._head = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
        self._marks = f"({', '.join([_PLACEHOLDERS[dialect.paramstyle]] * len(columns))})"
        self._width = len(columns)
        self._per_statement = max(1, MOST_PARAMETERS // len(columns))
        self._converters = [
            (name, _identity if name in encoded else bind_processor(table.c[name], dialect))
            for name in columns
        ]

    def row(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """One row's values, by column name, as the driver takes them."""
        return tuple(convert(values[name]) for name, convert in self._converters)

    def execute(self, connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (each as ``row`` gives it): on PostgreSQL in one multi-row
        statement (one per ``MOST_PARAMETERS``; inside ``rows_together``, when it ends),
        on SQLite by executemany of the one-row statement, whose loop in C is cheaper
        there than a longer statement."""
        if connection.dialect.name == "sqlite":
            if rows:
                connection.exec_driver_sql(self._head + self._marks, list(rows))
            return
        held = connection.info.get(_HELD)
        if held is not None:  # inside ``rows_together``: inserted at its end
            held.append((self, rows))
            return
        _insert_together(connection, [(self, rows)])

    def values(self, rows: int, first: int) -> str:
        """The statement for ``rows`` rows, its parameters numbered from ``first``."""
        return self._head + numbered_rows(rows, self._width, first)

    @property
    def width(self) -> int:
        """Parameters a row."""
        return self._width

    def statements(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[str, tuple[Any, ...]]]:
        """The multi-row INSERTs of ``rows`` (one per ``MOST_PARAMETERS``) and their
        parameters, for a driver with positional parameters of its own (PostgreSQL)."""
        made = []
        for start in range(0, len(rows), self._per_statement):
            chunk = rows[start : start + self._per_statement]
            sql = self._head + ", ".join([self._marks] * len(chunk))
            made.append((sql, tuple(chain.from_iterable(chunk))))
        return made


_HELD = "corridor.driver_rows.held"
"""Where ``rows_together`` holds the rows given meanwhile: in the connection's ``info``."""


@contextmanager
def rows_together(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, the rows ``DriverInsert.execute`` is given meanwhile on
    ``connection`` are inserted when the block ends, in the order given, in ONE
    statement for all their tables (``WITH r1 AS (INSERT ...), r2 AS (INSERT ...)
    INSERT ...``; one per ``MOST_PARAMETERS``): one round trip instead of one a table.
    Foreign keys are checked at the end of that statement, so a row may refer to one
    given before it. If the block raises, none of them is inserted. On SQLite, where a
    statement is no round trip, each goes in at once, as outside the block."""
    if connection.dialect.name == "sqlite" or _HELD in connection.info:
        yield  # (nested: the outer block inserts them)
        return
    held: list[tuple[DriverInsert, Sequence[tuple[Any, ...]]]] = []
    connection.info[_HELD] = held
    try:
        yield
    finally:
        del connection.info[_HELD]
    _insert_together(connection, held)


def _insert_together(
    connection: Connection, parts: Sequence[tuple[DriverInsert, Sequence[tuple[Any, ...]]]]
) -> None:
    """Insert each part's rows, in order, each statement with its parameters numbered
    (``$1``, ...) and at most ``MOST_PARAMETERS`` of them (or one row)."""
    for statement in _statements(parts):
        inserts, first = [], 1
        for insert, rows in statement:
            inserts.append(insert.values(len(rows), first))
            first += len(rows) * insert.width
        *leading, last = inserts
        sql = "".join(
            f"{'WITH' if n == 0 else ','} r{n} AS ({sql}) " for n, sql in enumerate(leading)
        )
        values = tuple(chain.from_iterable(chain.from_iterable(rows for _, rows in statement)))
        with raw_parameters(connection):
            connection.exec_driver_sql(sql + last, values)


def _statements(
    parts: Sequence[tuple[DriverInsert, Sequence[tuple[Any, ...]]]],
) -> Iterator[list[tuple[DriverInsert, Sequence[tuple[Any, ...]]]]]:
    """``parts`` cut into statements of at most ``MOST_PARAMETERS`` parameters."""
    statement: list[tuple[DriverInsert, Sequence[tuple[Any, ...]]]] = []
    room = MOST_PARAMETERS
    for insert, rows in parts:
        while rows:
            fits = room // insert.width if statement else max(1, room // insert.width)
            if fits == 0:
                yield statement
                statement, room = [], MOST_PARAMETERS
                continue
            statement.append((insert, rows[:fits]))
            room -= len(rows[:fits]) * insert.width
            rows = rows[fits:]
    if statement:
        yield statement


@lru_cache(maxsize=1024)
def numbered_rows(rows: int, width: int, first: int = 1) -> str:
    """``rows`` rows of ``width`` PostgreSQL parameters numbered from ``first``:
    ``($1, $2), ($3, $4)``."""
    marks = [f"${number}" for number in range(first, first + rows * width)]
    return ", ".join(
        ["(" + ", ".join(marks[at : at + width]) + ")" for at in range(0, rows * width, width)]
    )


@contextmanager
def raw_parameters(connection: Connection) -> Iterator[None]:
    """Statements executed on ``connection`` (PostgreSQL, psycopg) meanwhile take their
    parameters as ``$1, $2, ...``, sent as they are (a psycopg ``RawCursor``), through
    SQLAlchemy all the same (its events, its errors)."""
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    usual = driver_connection.cursor_factory
    driver_connection.cursor_factory = RawCursor
    try:
        yield
    finally:
        driver_connection.cursor_factory = usual


def bind_processor(column: Any, dialect: Dialect) -> Callable[[Any], Any]:
    """What SQLAlchemy would do to a value of ``column`` before handing it to the driver."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _identity


def _identity(value: Any) -> Any:
    return value
