"""Database tables. The movement aggregate is stored whole as JSON beside the columns
that queries need; every change also stores its event in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; corridor keeps UTC")
        return (
            value.astimezone(UTC)
            if dialect.name != "sqlite"
            else value.astimezone(UTC).replace(tzinfo=None)
        )

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


movements = Table(
    "movements",
    metadata,
    Column("mrn", String(18), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("lrn", String(22), nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("mode", String(8), nullable=False),
    Column("departure", String(8), nullable=False, index=True),
    Column("destination", String(8), nullable=False, index=True),
    Column("lodged_at", UTCDateTime(), nullable=False, index=True),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("time_limit", UTCDateTime(), nullable=True, index=True),
    Column("data", JSON, nullable=False),
    UniqueConstraint("holder", "lrn", name="uq_movements_holder_lrn"),
)

movement_events = Table(
    "movement_events",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("mrn", String(18), ForeignKey("movements.mrn"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("action", String(24), nullable=False),
    Column("source", String(20), nullable=True),
    Column("target", String(20), nullable=False),
    Column("principal", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("office", String(8), nullable=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("details", JSON, nullable=False),
    UniqueConstraint("mrn", "sequence", name="uq_movement_events_mrn_sequence"),
    Index("ix_movement_events_at", "at"),
)

mrn_counters = Table(
    "mrn_counters",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("office", String(8), primary_key=True),
    Column("last_serial", BigInteger, nullable=False),
)

# The transparency log. An action's entry is appended to `log_entries` in the action's
# own transaction, without an index; the sequencer numbers pending entries (contiguous
# `log_index`), then writes bundles and tiles and moves the checkpoint in one
# transaction whose compare-and-swap on `log_checkpoint.size` is the commit point.
log_entries = Table(
    "log_entries",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("log_index", BigInteger, nullable=True, unique=True),
    Column("mrn", String(18), nullable=False, index=True),
    Column("event_sequence", Integer, nullable=False),
    Column("entry", LargeBinary, nullable=False),
    Column("salt", LargeBinary, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("appended_at", UTCDateTime(), nullable=False),
    UniqueConstraint("mrn", "event_sequence", name="uq_log_entries_mrn_event_sequence"),
)

log_tiles = Table(
    "log_tiles",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("tile_index", BigInteger, primary_key=True, autoincrement=False),
    Column("width", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

log_bundles = Table(
    "log_bundles",
    metadata,
    Column("bundle_index", BigInteger, primary_key=True, autoincrement=False),
    Column("width", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

log_checkpoint = Table(
    "log_checkpoint",
    metadata,
    Column("origin", String(255), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("signed", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)
