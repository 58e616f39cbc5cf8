"""Tables of the screening review queue: one item per hit, and remembered dismissals.

An item is made for each hit when lodging (or amending) screens a movement, in the same
transaction; an officer's decision closes it. A dismissal is remembered for the listed
entity and the party, within the jurisdiction of the state whose office decided it, and
passed back to screening for that state's later movements, until that state revokes it.
Importing this module registers the tables on ``metadata`` (the repository and the
migrations do).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from corridor.store.tables import UTCDateTime, metadata

screening_reviews = Table(
    "screening_reviews",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("mrn", String(18), ForeignKey("movements.mrn"), nullable=False, index=True),
    Column("party_role", String(32), nullable=False),
    Column("party_name", Text, nullable=False),
    Column("party_key", String(512), nullable=False),
    Column("list_name", String(128), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("caption", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("decided_by", String(128), nullable=True),
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("note", Text, nullable=False),
    UniqueConstraint(
        "mrn", "party_role", "party_key", "entity_id", name="uq_screening_reviews_hit"
    ),
)

screening_dismissals = Table(
    "screening_dismissals",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("state", String(2), nullable=False),
    Column("party_key", String(512), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("review_id", BigInteger, ForeignKey("screening_reviews.id"), nullable=False),
    Column("decided_by", String(128), nullable=False),
    Column("decided_at", UTCDateTime(), nullable=False),
    Column("note", Text, nullable=False),
    Column("revoked_by", String(128), nullable=True),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Column("revocation_note", Text, nullable=True),
)
"""A dismissal stays once revoked (who, when, why); the one in force for a state, party
and listed entity is the one not revoked."""

Index(
    "uq_screening_dismissals_in_force",
    screening_dismissals.c.state,
    screening_dismissals.c.party_key,
    screening_dismissals.c.entity_id,
    unique=True,
    sqlite_where=screening_dismissals.c.revoked_at.is_(None),
    postgresql_where=screening_dismissals.c.revoked_at.is_(None),
)
