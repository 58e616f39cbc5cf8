"""Alembic environment: runs on the engine corridor hands over (never from an ini file)."""

from __future__ import annotations

from alembic import context

import corridor.store.access_tables
import corridor.store.review_tables  # noqa: F401  (both register their tables on metadata)
from corridor.store.tables import metadata

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
