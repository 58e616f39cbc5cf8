"""Schemathesis over the whole OpenAPI document: no 5xx, no answer that breaks the schema
(status, media type, body, headers), as two principals who see different things.

Every default check runs but ``positive_data_acceptance``: a declaration can match the
JSON Schema and still break a rule of the corridor (an unknown office, an HS code not in
the nomenclature); the API answers 422 ``invalid-declaration`` for it, by design."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from corridor_api_testing import bearer, declaration_json, issue_tokens
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from corridor.api.app import create_app
from corridor.bootstrap import Settings, bootstrap

pytestmark = pytest.mark.slow
EXAMPLES = 8


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    """The app on SQLite, with one movement lodged so that reads find something."""
    path = Path(tmp_path_factory.mktemp("schemathesis")) / "corridor.sqlite"
    ctx = bootstrap(
        Settings(database_url=f"sqlite:///{path}", random_control_rate=0), initialise=True
    )
    tokens = issue_tokens(ctx)
    app = create_app(ctx)
    with TestClient(app) as client:
        lodged = client.post(
            "/movements", json=declaration_json(), headers=bearer(tokens["carrier_a"])
        )
        assert lodged.status_code == 201
        yield app, tokens
    ctx.close()


@pytest.fixture(scope="module")
def api_schema(served: tuple[Any, dict[str, str]]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", served[0])


OPERATIONS = [
    (path, method.upper())
    for path, operations in create_app().openapi()["paths"].items()
    for method in operations
]


@pytest.mark.parametrize("who", ["operator", "carrier_a"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_the_api_keeps_its_openapi_promises(
    api_schema: Any, served: tuple[Any, dict[str, str]], path: str, method: str, who: str
) -> None:
    operation = api_schema[path][method]
    headers = bearer(served[1][who])

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    call()
