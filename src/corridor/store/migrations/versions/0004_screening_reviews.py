"""screening review queue: review items and remembered dismissals

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "screening_reviews",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("mrn", sa.String(length=18), nullable=False),
        sa.Column("party_role", sa.String(length=32), nullable=False),
        sa.Column("party_name", sa.Text(), nullable=False),
        sa.Column("party_key", sa.String(length=512), nullable=False),
        sa.Column("list_name", sa.String(length=128), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mrn"], ["movements.mrn"], name=op.f("fk_screening_reviews_mrn_movements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_reviews")),
        sa.UniqueConstraint(
            "mrn", "party_role", "party_key", "entity_id", name="uq_screening_reviews_hit"
        ),
    )
    op.create_index("ix_screening_reviews_mrn", "screening_reviews", ["mrn"], unique=False)
    op.create_index("ix_screening_reviews_state", "screening_reviews", ["state"], unique=False)
    op.create_table(
        "screening_dismissals",
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("party_key", sa.String(length=512), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("review_id", sa.BigInteger(), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["screening_reviews.id"],
            name=op.f("fk_screening_dismissals_review_id_screening_reviews"),
        ),
        sa.PrimaryKeyConstraint(
            "state", "party_key", "entity_id", name=op.f("pk_screening_dismissals")
        ),
    )


def downgrade() -> None:
    op.drop_table("screening_dismissals")
    op.drop_index("ix_screening_reviews_state", table_name="screening_reviews")
    op.drop_index("ix_screening_reviews_mrn", table_name="screening_reviews")
    op.drop_table("screening_reviews")
