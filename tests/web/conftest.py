"""Web fixtures: a fresh context on SQLite, the app, people with tokens, a movement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from corridor_web_testing import issue_tokens, lodge_example
from fastapi.testclient import TestClient

from corridor.api.app import create_app
from corridor.bootstrap import Context, Settings, bootstrap
from corridor_testing import FakeClock


@pytest.fixture
def web_ctx(database_url: str, clock: FakeClock) -> Iterator[Context]:
    settings = Settings(database_url=database_url, random_control_rate=0.0)
    context = bootstrap(settings, clock=clock, initialise=True)
    yield context
    context.close()


@pytest.fixture
def web(web_ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(web_ctx)) as client:
        yield client


@pytest.fixture
def people(web_ctx: Context) -> dict[str, str]:
    return issue_tokens(web_ctx)


@pytest.fixture
def lodged(web_ctx: Context, declaration_data: dict[str, Any]) -> str:
    return lodge_example(web_ctx, declaration_data)
