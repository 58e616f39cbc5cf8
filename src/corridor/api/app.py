"""The HTTP API: ``create_app(ctx)`` builds it; ``corridor serve`` runs it under uvicorn.

Routers are listed in ``routes.ROUTERS``; errors become problem+json in ``problems``;
authentication is ``auth``; what a principal may do or see is decided in the domain.
"""

from __future__ import annotations

import gc
import importlib.util
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.telemetry import TelemetryConfig

import corridor
from corridor import reading
from corridor.api import problems, routes
from corridor.api.group_commit import GroupCommit
from corridor.api.idempotency import IdempotencyMiddleware
from corridor.api.observability import Metrics, ObservabilityMiddleware, configure_logging
from corridor.api.routes.movements import lodging_answer
from corridor.api.routes.screening import RISK
from corridor.bootstrap import Context, bootstrap
from corridor.lodging import Lodged, LodgingRequest
from corridor.store.codec import DECLARATION, MOVEMENT
from corridor.store.idempotency import Reservation
from corridor.web.routes import web_router

DESCRIPTION = """Customs transit along a land corridor: lodge declarations, take every
lifecycle action, read movements and their history. Every error is an RFC 9457 problem
(application/problem+json). Every POST takes an `Idempotency-Key`. See docs/api.md."""


def create_app(ctx: Context | None = None) -> FastAPI:
    """The app over ``ctx``; without one (``corridor serve``), the lifespan bootstraps
    from the environment (CORRIDOR_DB, CORRIDOR_CORRIDOR) and closes it on shutdown."""
    app = FastAPI(
        title="corridor",
        version=corridor.__version__,
        description=DESCRIPTION,
        lifespan=_lifespan(ctx),
        redoc_url=None,
        telemetry=native_telemetry(),
    )
    if ctx is not None:
        app.state.ctx = ctx
    app.state.metrics = Metrics(lambda: app.state.ctx)
    app.state.lodgings = lodging_group_commit(app)
    routes.install(app)  # POST /movements, then every router of ``routes.ROUTERS``
    app.include_router(web_router())  # the web pages under /ui, and the document PDF
    problems.install(app)
    app.add_middleware(IdempotencyMiddleware, in_transaction=("/movements",))
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def native_telemetry() -> TelemetryConfig | None:
    """FastAPI's OpenTelemetry: off when OpenTelemetry's SDK is not installed, else
    FastAPI's defaults. With the API alone (what FastAPI depends on) every provider is a
    no-op and nothing is ever recorded, yet FastAPI asked on every request whether one
    was configured (three environment look-ups, each a KeyError): about 7% of the event
    loop's time per lodging."""
    if importlib.util.find_spec("opentelemetry.sdk") is None:
        return {"tracing": False, "metrics": False, "logs": False}
    return None


def lodging_group_commit(app: FastAPI) -> GroupCommit[LodgingRequest, Lodged | Reservation]:
    """POST /movements's writer: concurrent lodgings in one transaction (group commit),
    each request's idempotency key kept with its answer in it (``lodging_answer``)."""
    return GroupCommit(
        lambda requests: reading.lodge_each(app.state.ctx, requests, lodging_answer),
        name="corridor-lodging",
    )


def _lifespan(ctx: Context | None) -> Any:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if ctx is not None:
            try:
                yield
            finally:
                app.state.lodgings.close()
            return
        configure_logging(os.environ.get("CORRIDOR_LOG_LEVEL", "info"))
        app.state.ctx = bootstrap()
        settle_heap()
        try:
            yield
        finally:
            app.state.lodgings.close()  # answers what is queued first
            app.state.ctx.close()

    return lifespan


def settle_heap() -> None:
    """Move what start-up made (the corridor, the screening index, the nomenclature:
    hundreds of thousands of objects that live as long as the worker) out of the cyclic
    garbage collector's sight (``gc.freeze``). Otherwise every full collection walked all
    of them while requests waited: it was most of the p99 of lodging over HTTP (182 ->
    54-60 ms on SQLite, docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, plus the schemas of the bodies the codec reads and writes."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    _add_schema(schemas, "TransitDeclaration", DECLARATION.json_schema(
        mode="validation", ref_template="#/components/schemas/declaration.{model}"
    ), "declaration.")  # fmt: skip
    _add_schema(schemas, "Movement", MOVEMENT.json_schema(
        mode="serialization", ref_template="#/components/schemas/movement.{model}"
    ), "movement.")  # fmt: skip
    _add_schema(schemas, "RiskAssessment", RISK.json_schema(
        mode="serialization", ref_template="#/components/schemas/movement.{model}"
    ), "movement.")  # fmt: skip
    schemas["Problem"] = problems.Problem.model_json_schema()
    _validation_errors_are_problems(document)
    app.openapi_schema = document
    return document


def _add_schema(schemas: dict[str, Any], name: str, schema: dict[str, Any], prefix: str) -> None:
    for inner, definition in schema.pop("$defs", {}).items():
        schemas[prefix + inner] = definition
    schemas[name] = schema


def _validation_errors_are_problems(document: dict[str, Any]) -> None:
    """FastAPI documents its own 422 shape; corridor answers a problem instead."""
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if "HTTPValidationError" in str(responses.get("422", "")):
                responses["422"] = problems.problem_responses(422)[422]
    for name in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(name, None)
