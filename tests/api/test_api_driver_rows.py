"""Rows handed to the database driver as they are (``store.driver_rows``): on PostgreSQL
one multi-row INSERT with the parameters numbered as PostgreSQL's own ``$1, $2, ...``
(a psycopg ``RawCursor``, which does not parse the statement again), on SQLite the
driver's executemany; through SQLAlchemy either way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    event,
    select,
)
from sqlalchemy.exc import IntegrityError

from corridor.bootstrap import Context
from corridor.store import driver_rows
from corridor.store.driver_rows import DriverInsert, rows_together
from corridor.store.tables import UTCDateTime

_ROWS = Table(
    "driver_rows_check",
    MetaData(),
    Column("number", Integer, primary_key=True),
    Column("text", String(40)),
    Column("at", UTCDateTime()),  # converted first (bind_processor)
)


_PARENTS = Table("driver_rows_parent", MetaData(), Column("name", String(10), primary_key=True))
_CHILDREN = Table(
    "driver_rows_child",
    _PARENTS.metadata,
    Column("number", Integer, primary_key=True),
    Column("parent", String(10), ForeignKey("driver_rows_parent.name"), nullable=False),
)


@pytest.fixture
def scratch(api_ctx: Context) -> Iterator[Table]:
    _ROWS.create(api_ctx.engine)
    yield _ROWS
    _ROWS.drop(api_ctx.engine)


@pytest.fixture
def families(api_ctx: Context) -> Iterator[tuple[Table, Table]]:
    _PARENTS.metadata.create_all(api_ctx.engine)
    yield _PARENTS, _CHILDREN
    _PARENTS.metadata.drop_all(api_ctx.engine)


def test_rows_go_in_as_given_and_a_refused_one_is_sqlalchemy_s_error(
    api_ctx: Context, scratch: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(driver_rows, "MOST_PARAMETERS", 6)  # two rows a statement
    start = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
    texts = ["plain", "%s", "$1", "%(text)s", "it's", "$$", "$10"]  # no placeholders
    values = [
        {"number": n, "text": t, "at": start + timedelta(minutes=n)} for n, t in enumerate(texts)
    ]
    with api_ctx.engine.connect() as connection:
        insert = DriverInsert(scratch, ("number", "text", "at"), connection.dialect)
        insert.execute(connection, [insert.row(v) for v in values])
        stored = connection.execute(select(scratch).order_by(scratch.c.number)).mappings()
        assert [dict(row) for row in stored] == values
        with pytest.raises(IntegrityError):  # the same number again: SQLAlchemy's error
            insert.execute(connection, [insert.row(values[3])])
        connection.rollback()
        # The connection takes SQLAlchemy's own statements again, parameters and all.
        found = connection.execute(select(scratch.c.text).where(scratch.c.number == 1))
        assert found.first() is None  # rolled back


def _tables(statements: list[str]) -> list[list[str]]:
    """The tables each statement inserts into."""
    return [re.findall(r"\bINSERT INTO (\w+)", statement) for statement in statements]


def _given_then_failing(connection: Connection, insert: DriverInsert, rows: list[Any]) -> None:
    with rows_together(connection):
        insert.execute(connection, rows)
        raise RuntimeError("the block fails: its rows are not inserted")


def test_rows_given_together_go_in_at_the_end_in_one_statement_on_postgresql(
    api_ctx: Context, families: tuple[Table, Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    parents, children = families
    p, c = parents.name, children.name
    statements: list[str] = []
    event.listen(api_ctx.engine, "before_cursor_execute",
                 lambda _c, _cursor, statement, *_: statements.append(statement)
                 if statement.startswith(("INSERT", "WITH")) else None)  # fmt: skip
    postgresql = api_ctx.engine.dialect.name == "postgresql"
    with api_ctx.engine.connect() as connection:
        parent = DriverInsert(parents, ("name",), connection.dialect)
        child = DriverInsert(children, ("number", "parent"), connection.dialect)
        with rows_together(connection):
            parent.execute(connection, [("A",), ("B",)])
            with rows_together(connection):  # nested: the outer block inserts them
                child.execute(connection, [(1, "A"), (2, "B"), (3, "A")])
            held = _tables(statements)
        # On PostgreSQL, nothing until the block ends, then one statement, in which
        # children refer to parents inserted before them (checked at its end).
        assert (held, _tables(statements)) == (([], [[p, c]]) if postgresql else ([[p], [c]],) * 2)
        monkeypatch.setattr(driver_rows, "MOST_PARAMETERS", 3)  # cut into statements, in order
        statements.clear()
        with rows_together(connection):
            parent.execute(connection, [("C",), ("D",)])
            child.execute(connection, [(4, "C"), (5, "D"), (6, "C")])
        assert _tables(statements) == ([[p], [c], [c], [c]] if postgresql else [[p], [c]])
        with pytest.raises(RuntimeError):
            _given_then_failing(connection, parent, [("E",)])
        stored = connection.execute(select(children.c.number, children.c.parent))
        assert sorted(stored) == [(1, "A"), (2, "B"), (3, "A"), (4, "C"), (5, "D"), (6, "C")]
        held_back = "ABCD" if postgresql else "ABCDE"  # SQLite: each went in at once
        assert sorted(connection.execute(select(parents.c.name)).scalars()) == list(held_back)
        with pytest.raises(IntegrityError), rows_together(connection):  # no such parent
            child.execute(connection, [(7, "Z")])
