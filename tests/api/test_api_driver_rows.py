"""Rows handed to the database driver as they are (``store.driver_rows``): on PostgreSQL
one multi-row INSERT with the parameters numbered as PostgreSQL's own ``$1, $2, ...``
(a psycopg ``RawCursor``, which does not parse the statement again), on SQLite the
driver's executemany; through SQLAlchemy either way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.exc import IntegrityError

from corridor.bootstrap import Context
from corridor.store import driver_rows
from corridor.store.driver_rows import DriverInsert
from corridor.store.tables import UTCDateTime

_ROWS = Table(
    "driver_rows_check",
    MetaData(),
    Column("number", Integer, primary_key=True),
    Column("text", String(40)),
    Column("at", UTCDateTime()),  # converted first (bind_processor)
)


@pytest.fixture
def scratch(api_ctx: Context) -> Iterator[Table]:
    _ROWS.create(api_ctx.engine)
    yield _ROWS
    _ROWS.drop(api_ctx.engine)


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
