"""The migrations: one head, and an empty database upgraded to it is exactly ``metadata``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import corridor.store.access_tables
import corridor.store.review_tables  # noqa: F401  (both register their tables on metadata)
from corridor.bootstrap import Context
from corridor.store.database import alembic_config
from corridor.store.tables import metadata


def test_the_migrations_have_exactly_one_head(api_ctx: Context) -> None:
    script = ScriptDirectory.from_config(alembic_config(api_ctx.engine))
    assert len(script.get_heads()) == 1, script.get_heads()


def test_upgrading_an_empty_database_yields_exactly_the_metadata(api_ctx: Context) -> None:
    with api_ctx.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
        assert differences == []
        assert set(inspect(connection).get_table_names()) == set(metadata.tables) | {
            "alembic_version"
        }


def test_the_itinerary_index_is_filled_for_movements_stored_before_it(tmp_path: object) -> None:
    from alembic import command
    from corridor_api_testing import HOLDER_A, declaration_json

    from corridor import services
    from corridor.bootstrap import Settings, bootstrap
    from corridor.domain.network import Role
    from corridor.domain.principal import Principal
    from corridor.domain.visibility import offices_of_state
    from corridor.store.codec import declaration_from_json
    from corridor.store.repository import MovementFilter

    url = f"sqlite:///{tmp_path}/old.sqlite"
    ctx = bootstrap(Settings(database_url=url), initialise=True)
    holder = Principal("holder", Role.CARRIER, holder=HOLDER_A)
    services.lodge(ctx, declaration_from_json(declaration_json()), holder)
    config = alembic_config(ctx.engine)
    command.downgrade(config, "0002")
    command.upgrade(config, "head")
    armenia = MovementFilter(within=offices_of_state(ctx.corridor, "AM"))
    assert len(services.list_movements(ctx, armenia)) == 1
    ctx.close()
