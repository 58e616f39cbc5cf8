"""Many new rows of one table in one statement, handed to the database driver as they are.

A lodging's rows (its movement, itinerary, event and log entry) are small: SQLAlchemy's
work for each statement and each row (the compiled cache, parameter processing) cost
more than the database's own. Here every value is converted once, as SQLAlchemy would
convert it for that column (``DriverInsert.row``), and all rows go to the driver's
executemany of ONE prepared INSERT: on SQLite a loop in C, on psycopg 3 one pipelined
round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Table

_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


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
        marks = ", ".join([_PLACEHOLDERS[dialect.paramstyle]] * len(columns))
        self.sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
        self._converters = [
            (name, _identity if name in encoded else bind_processor(table.c[name], dialect))
            for name in columns
        ]

    def row(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """One row's values, by column name, as the driver takes them."""
        return tuple(convert(values[name]) for name, convert in self._converters)

    def execute(self, connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            connection.exec_driver_sql(self.sql, list(rows))


def bind_processor(column: Any, dialect: Dialect) -> Callable[[Any], Any]:
    """What SQLAlchemy would do to a value of ``column`` before handing it to the driver."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _identity


def _identity(value: Any) -> Any:
    return value
