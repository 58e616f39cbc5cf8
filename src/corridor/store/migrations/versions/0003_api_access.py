"""API access: principals with hashed tokens, idempotency keys, the itinerary index

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "principals",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("office", sa.String(length=8), nullable=True),
        sa.Column("holder", sa.String(length=64), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principals")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_principals_token_hash")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(length=128), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", name="pk_idempotency_keys"),
    )
    op.create_table(
        "movement_offices",
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("office", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["mrn"], ["movements.mrn"], name=op.f("fk_movement_offices_mrn_movements")
        ),
        sa.PrimaryKeyConstraint("mrn", "office", name="pk_movement_offices"),
    )
    op.create_index("ix_movement_offices_office", "movement_offices", ["office"], unique=False)
    _index_existing_itineraries()


def downgrade() -> None:
    op.drop_index("ix_movement_offices_office", table_name="movement_offices")
    op.drop_table("movement_offices")
    op.drop_table("idempotency_keys")
    op.drop_table("principals")


def _index_existing_itineraries() -> None:
    """Movements stored before this revision get their rows in the itinerary index."""
    connection = op.get_bind()
    movements = sa.table("movements", sa.column("mrn"), sa.column("data", sa.JSON()))
    offices = sa.table("movement_offices", sa.column("mrn"), sa.column("office"))
    rows = [
        {"mrn": mrn, "office": office}
        for mrn, data in connection.execute(sa.select(movements.c.mrn, movements.c.data))
        for office in _itinerary(data)
    ]
    if rows:
        connection.execute(sa.insert(offices), rows)


def _itinerary(data: Any) -> set[str]:
    itinerary = data["declaration"]["itinerary"]
    return {itinerary["departure"], *(itinerary.get("en_route") or ()), itinerary["destination"]}
