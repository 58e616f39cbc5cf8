"""remembered dismissals can be revoked: an id, who revoked, when and why

A revoked dismissal is kept; the one in force for a state, party and listed entity is
the one not revoked (a partial unique index), so the same pair can be dismissed again.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE = "screening_dismissals"
KEY = ["state", "party_key", "entity_id"]
KEPT = "state, party_key, entity_id, review_id, decided_by, decided_at, note"
IN_FORCE = "uq_screening_dismissals_in_force"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("pk_screening_dismissals", TABLE, type_="primary")
        op.execute(f"ALTER TABLE {TABLE} ADD COLUMN id BIGSERIAL")
        op.create_primary_key("pk_screening_dismissals", TABLE, ["id"])
        for column in _revocation_columns():
            op.add_column(TABLE, column)
    else:  # SQLite cannot change a primary key in place: copy into the new shape
        op.create_table(
            "screening_dismissals_next",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            *_columns(),
            *_revocation_columns(),
            _review_foreign_key(),
            sa.PrimaryKeyConstraint("id", name="pk_screening_dismissals"),
        )
        op.execute(
            f"INSERT INTO screening_dismissals_next ({KEPT}) "
            f"SELECT {KEPT} FROM {TABLE} ORDER BY decided_at"
        )
        op.drop_table(TABLE)
        op.rename_table("screening_dismissals_next", TABLE)
    where = sa.text("revoked_at IS NULL")
    op.create_index(IN_FORCE, TABLE, KEY, unique=True, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    """Revocations are lost: a revoked dismissal is dropped (its decision stays logged)."""
    op.drop_index(IN_FORCE, table_name=TABLE)
    op.execute(f"DELETE FROM {TABLE} WHERE revoked_at IS NOT NULL")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("pk_screening_dismissals", TABLE, type_="primary")
        for name in ("id", "revoked_by", "revoked_at", "revocation_note"):
            op.drop_column(TABLE, name)
        op.create_primary_key("pk_screening_dismissals", TABLE, KEY)
        return
    op.create_table(
        "screening_dismissals_before",
        *_columns(),
        _review_foreign_key(),
        sa.PrimaryKeyConstraint(*KEY, name="pk_screening_dismissals"),
    )
    op.execute(f"INSERT INTO screening_dismissals_before ({KEPT}) SELECT {KEPT} FROM {TABLE}")
    op.drop_table(TABLE)
    op.rename_table("screening_dismissals_before", TABLE)


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("party_key", sa.String(length=512), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("review_id", sa.BigInteger(), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    ]


def _revocation_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_note", sa.Text(), nullable=True),
    ]


def _review_foreign_key() -> sa.ForeignKeyConstraint:
    name = "fk_screening_dismissals_review_id_screening_reviews"
    return sa.ForeignKeyConstraint(["review_id"], ["screening_reviews.id"], name=name)
