"""API fixtures: a context on SQLite and on PostgreSQL, an app, and principals' tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from corridor_api_testing import (
    empty_every_table,
    fresh_postgres_database,
    issue_tokens,
    postgres_available,
    postgres_unavailable,
)
from fastapi.testclient import TestClient

from corridor.api.app import create_app
from corridor.bootstrap import Context, Settings, bootstrap
from corridor_testing import FakeClock


@pytest.fixture(scope="module")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database for this test module (migrated by the first context)."""
    reason = postgres_available()
    if reason is not None:
        postgres_unavailable(reason)
    with fresh_postgres_database(request.module.__name__) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'corridor.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def api_ctx(backend_url: str, clock: FakeClock) -> Iterator[Context]:
    """A context on a store that is empty when the test starts, on either backend (with no
    random control selection, so that the movements the tests drive are never held)."""
    settings = Settings(database_url=backend_url, random_control_rate=0)
    context = bootstrap(settings, clock=clock, initialise=True)
    if context.engine.dialect.name == "postgresql":
        empty_every_table(context)
    yield context
    context.close()


@pytest.fixture
def client(api_ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(api_ctx)) as test_client:
        yield test_client


@pytest.fixture
def tokens(api_ctx: Context) -> dict[str, str]:
    return issue_tokens(api_ctx)
