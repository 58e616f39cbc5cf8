"""Tables for who may call the API and what they may see: principals with their hashed
tokens, idempotency keys, and the itinerary index that scopes reads by office.

They live on the same ``metadata`` as the movement tables; importing this module
registers them (the repository and the migration environment do).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
)

from corridor.store.tables import UTCDateTime, metadata

principals = Table(
    "principals",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("state", String(2), nullable=True),
    Column("office", String(8), nullable=True),
    Column("holder", String(64), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", String(128), nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=True),  # NULL while the first request runs
    Column("content_type", String(100), nullable=True),
    Column("location", String(255), nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("principal", "key", name="pk_idempotency_keys"),
)

movement_offices = Table(
    "movement_offices",
    metadata,
    Column("mrn", String(18), ForeignKey("movements.mrn"), nullable=False),
    Column("office", String(8), nullable=False),
    PrimaryKeyConstraint("mrn", "office", name="pk_movement_offices"),
    Index("ix_movement_offices_office", "office"),
)
