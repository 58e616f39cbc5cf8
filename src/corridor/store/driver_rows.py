"""Many new rows of one table in one statement, handed to the database driver as they are.

A lodging's rows (its movement, itinerary, event and log entry) are small: SQLAlchemy's
work for each statement and each row (the compiled cache, parameter processing) cost
more than the database's own. Here every value is converted once, as SQLAlchemy would
convert it for that column (``DriverInsert.row``), and the rows go to the driver in ONE
statement. On PostgreSQL a multi-row INSERT: one message, one round trip (psycopg's
executemany pipelines a Bind and an Execute per row, which for a group's movements,
itineraries and events cost 200 us of CPU and 520 us of time per lodging against 150
and 420 in groups of 16, 360/840 against 230/570 in groups of 4). On SQLite the
driver's executemany of the one-row INSERT, whose loop in C was a little cheaper than
a multi-row statement (79 against 89 us per lodging in groups of 16).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import chain
from typing import Any

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
        statement (one per ``MOST_PARAMETERS``), on SQLite by executemany of the
        one-row statement, whose loop in C is cheaper there than a longer statement."""
        if connection.dialect.name == "sqlite":
            if rows:
                connection.exec_driver_sql(self._head + self._marks, list(rows))
            return
        for sql, parameters in self.statements(rows):
            connection.exec_driver_sql(sql, parameters)

    def statements(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[str, tuple[Any, ...]]]:
        """The multi-row INSERTs of ``rows`` (one per ``MOST_PARAMETERS``) and their
        parameters, for a driver with positional parameters of its own (PostgreSQL)."""
        made = []
        for start in range(0, len(rows), self._per_statement):
            chunk = rows[start : start + self._per_statement]
            sql = self._head + ", ".join([self._marks] * len(chunk))
            made.append((sql, tuple(chain.from_iterable(chunk))))
        return made


def bind_processor(column: Any, dialect: Dialect) -> Callable[[Any], Any]:
    """What SQLAlchemy would do to a value of ``column`` before handing it to the driver."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _identity


def _identity(value: Any) -> Any:
    return value
