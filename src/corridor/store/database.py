"""Engines and migrations. SQLite (WAL) by default; PostgreSQL by its URL."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event, exc, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from corridor.store.write_gate import install_write_gate

MIGRATIONS = Path(__file__).with_name("migrations")


def create_database_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite files get WAL, full sync, immediate transactions,
    and a write gate (``write_gate``) that the units of work pass."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, echo=echo)
        _install_pre_ping(engine)
        return engine
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
    _configure_sqlite(engine)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        install_write_gate(engine, Path(parsed.database))
    return engine


_PINGED: ContextVar[bool] = ContextVar("corridor_pinged_checkout", default=True)


@contextmanager
def unpinged() -> Iterator[None]:
    """Connections checked out meanwhile (in this thread or task) are not pinged first:
    for a caller that, if the connection turns out dead, does its transaction again on a
    new one (``lodging.lodge_each``). The ping is a round trip of its own."""
    token = _PINGED.set(False)
    try:
        yield
    finally:
        _PINGED.reset(token)


def _install_pre_ping(engine: Engine) -> None:
    """SQLAlchemy's ``pool_pre_ping``, but for checkouts outside ``unpinged``: a pooled
    connection is pinged when checked out; if it is dead (the server restarted), the
    pool drops it and every connection older, and hands out a new one."""

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_connection: Any, record: Any) -> None:
        record.info["corridor_fresh"] = True  # just connected: no need to ping it

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.pop("corridor_fresh", False) or not _PINGED.get():
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.InvalidatePoolError() from error  # the pool reconnects
            raise


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so BEGIN IMMEDIATE takes the
        # write lock up front and two writers never deadlock on a lock upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    command.upgrade(alembic_config(engine), "head")


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("movements")


def insert_unless_present(
    connection: Connection, table: Table, rows: list[dict[str, Any]] | None = None, **values: Any
) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING`` of ``values`` (or of several ``rows``) into
    ``table``, in the dialect of ``connection``'s database (SQLite or PostgreSQL): a row
    that exists already, or one given before it, stays."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    given = rows if rows is not None else values
    statement: Insert = dialect.insert(table).values(given).on_conflict_do_nothing()
    return statement


def pair_columns(pairs: Collection[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The first values of ``pairs`` and their second values, each sorted and once: to
    look pairs up as ``a IN (...) AND b IN (...)``, which an index on (a, b) answers (a
    row-value ``(a, b) IN (...)`` is not, on SQLite). What it finds may pair a first
    value with another's second: the caller keeps only the pairs it asked for."""
    return sorted({a for a, _ in pairs}), sorted({b for _, b in pairs})
