"""Helpers for the API tests (imported by name; tests/api/conftest.py holds fixtures)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from corridor import accounts
from corridor.bootstrap import Context
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor_testing import EXAMPLE

POSTGRES_ADMIN = os.environ.get(
    "CORRIDOR_TEST_POSTGRES", "postgresql+psycopg://corridor:corridor@127.0.0.1:5432/postgres"
)
HOLDER_A = "AZE/041/00217"  # the holder of examples/road-horadiz-nakhchivan.json
HOLDER_B = "AZE/099/00001"

PRINCIPALS = {
    "carrier_a": Principal("carrier-a", Role.CARRIER, holder=HOLDER_A),
    "carrier_b": Principal("carrier-b", Role.CARRIER, holder=HOLDER_B),
    "customs_az": Principal("customs-az", Role.CUSTOMS, state="AZ"),
    "customs_am": Principal("customs-am", Role.CUSTOMS, state="AM"),
    "gate_nrn": Principal("gate-nrn", Role.FRONT_OFFICE, office="AM0NRN01"),
    "gate_yrs": Principal("gate-yrs", Role.FRONT_OFFICE, office="AM0YRS01"),
    "operator": Principal("operator", Role.OPERATOR),
    "monitor": Principal("monitor", Role.MONITOR),
    "witness": Principal("witness", Role.WITNESS),
}


def issue_tokens(ctx: Context) -> dict[str, str]:
    """A bearer token for each of ``PRINCIPALS``, by name."""
    return {name: accounts.add_principal(ctx, p).token for name, p in PRINCIPALS.items()}


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def declaration_json(
    lrn: str = "KHZ-2026-000117",
    holder: str = HOLDER_A,
    departure: str = "AZ0HRD01",
    destination: str = "AZ0NAX01",
) -> dict[str, Any]:
    """The example declaration, with another LRN, holder or route if asked."""
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["lrn"] = lrn
    data["holder"]["identification_number"] = holder
    data["itinerary"] = {"departure": departure, "destination": destination}
    return data


def postgres_available() -> str | None:
    """Why the test PostgreSQL cannot be reached, or ``None`` when it can."""
    try:
        engine = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: not there
        return f"{type(error).__name__}: {error}".splitlines()[0]
    return None


def postgres_unavailable(reason: str) -> None:
    """Fail under CI (the server must be there), skip on a developer's machine."""
    message = f"PostgreSQL at {POSTGRES_ADMIN} unavailable ({reason}); run scripts/postgres-up"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def fresh_postgres_database(name: str) -> Iterator[str]:
    """A new, empty database for one test module, dropped afterwards."""
    database = re.sub(r"[^a-z0-9_]", "_", f"corridor_t_{name}_{os.getpid()}".lower())[:63]
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(POSTGRES_ADMIN).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def empty_every_table(ctx: Context) -> None:
    """Remove every row (PostgreSQL), so that each test starts from an empty store."""
    with ctx.engine.begin() as connection:
        names = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        tables = ", ".join(f'"{n}"' for n in names if n != "alembic_version")
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


class Driver:
    """Puts movements into any state through the services, as the entitled principals."""

    def __init__(self, ctx: Context, clock: Any) -> None:
        self.ctx, self.clock, self.count = ctx, clock, 0

    def movement(self, state: Any, holder: str, departure: str, destination: str) -> Any:
        from corridor import services
        from corridor.domain.lifecycle import Action, MovementState
        from corridor.store.codec import declaration_from_json
        from lifecycle_harness import command_for, path_to, principal_for

        self.count += 1
        lrn = f"LRN-{self.count:05d}"
        data = declaration_json(lrn, holder, departure, destination)
        actions = path_to(MovementState(state))
        owner = Principal("holder", Role.CARRIER, holder=holder)
        pre = actions[0] is Action.PRE_LODGE
        movement = services.lodge(
            self.ctx, declaration_from_json(data), owner, pre_lodge=pre
        ).movement
        for action in actions[1:]:
            if action is Action.MARK_OVERDUE:
                self.clock.advance(hours=13)
            command = command_for(movement, action)
            who = principal_for(self.ctx.corridor, movement, action, command.office)
            self.clock.advance(minutes=1)
            movement = services.act(self.ctx, movement.mrn, command, who)
        return movement
