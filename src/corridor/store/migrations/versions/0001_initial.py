"""movements, their events and MRN counters

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:25:20.839813
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "movements",
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("lrn", sa.String(length=22), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("departure", sa.String(length=8), nullable=False),
        sa.Column("destination", sa.String(length=8), nullable=False),
        sa.Column("lodged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_limit", sa.DateTime(timezone=True), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("mrn", name=op.f("pk_movements")),
        sa.UniqueConstraint("holder", "lrn", name="uq_movements_holder_lrn"),
    )
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_movements_departure"), ["departure"], unique=False)
        batch_op.create_index(batch_op.f("ix_movements_destination"), ["destination"], unique=False)
        batch_op.create_index(batch_op.f("ix_movements_lodged_at"), ["lodged_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_movements_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_movements_time_limit"), ["time_limit"], unique=False)

    op.create_table(
        "mrn_counters",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=8), nullable=False),
        sa.Column("last_serial", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("year", "office", name=op.f("pk_mrn_counters")),
    )
    op.create_table(
        "movement_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("principal", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("office", sa.String(length=8), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mrn"], ["movements.mrn"], name=op.f("fk_movement_events_mrn_movements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_events")),
        sa.UniqueConstraint("mrn", "sequence", name="uq_movement_events_mrn_sequence"),
    )
    with op.batch_alter_table("movement_events", schema=None) as batch_op:
        batch_op.create_index("ix_movement_events_at", ["at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("movement_events", schema=None) as batch_op:
        batch_op.drop_index("ix_movement_events_at")

    op.drop_table("movement_events")
    op.drop_table("mrn_counters")
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movements_time_limit"))
        batch_op.drop_index(batch_op.f("ix_movements_state"))
        batch_op.drop_index(batch_op.f("ix_movements_lodged_at"))
        batch_op.drop_index(batch_op.f("ix_movements_destination"))
        batch_op.drop_index(batch_op.f("ix_movements_departure"))

    op.drop_table("movements")
