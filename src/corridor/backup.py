"""Backups of an SQLite corridor database, taken online, and their restore.

SQLite's online backup copies a consistent snapshot while the server keeps writing.
PostgreSQL has its own tools (pg_dump / pg_basebackup); see docs/operations.md. The
log's signing key is not in the database: back it up apart, and keep it secret.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from corridor.bootstrap import Context
from corridor.domain.errors import InvalidInput, PreconditionFailed


def backup(ctx: Context, destination: Path) -> Path:
    """Write a consistent copy of the database to ``destination`` (which must not exist)."""
    _sqlite_path(ctx.settings.database_url)
    if destination.exists():
        raise InvalidInput(f"{destination} exists already: a backup never overwrites")
    destination.parent.mkdir(parents=True, exist_ok=True)
    raw = ctx.engine.raw_connection()
    try:
        target = sqlite3.connect(destination)
        try:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
    finally:
        raw.close()
    return destination


def restore(source: Path, database_url: str) -> Path:
    """Put a backup in place as the database of ``database_url`` (which must not exist)."""
    target = _sqlite_path(database_url)
    if not source.is_file():
        raise InvalidInput(f"no backup file {source}")
    if target.exists():
        raise InvalidInput(f"{target} exists already: restore into a new database")
    if not _sound(source):
        raise InvalidInput(f"{source} is not a sound SQLite database")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        raise PreconditionFailed("corridor backup handles SQLite files; for PostgreSQL use pg_dump")
    return Path(parsed.database)


def _sound(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as check:
            return bool(check.execute("PRAGMA integrity_check").fetchone() == ("ok",))
    except sqlite3.DatabaseError:
        return False
