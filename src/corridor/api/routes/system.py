"""The service itself: health, metrics, and who the caller is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from corridor.api.auth import context, current_principal
from corridor.api.problems import problem_responses
from corridor.api.schemas import PrincipalView
from corridor.bootstrap import Context
from corridor.domain.principal import Principal

router = APIRouter(tags=["service"])


@router.get("/health", summary="Liveness and database check")
def health(ctx: Annotated[Context, Depends(context)]) -> dict[str, str]:
    with ctx.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok", "corridor": ctx.corridor.code}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> PlainTextResponse:
    body = request.app.state.metrics.exposition()
    return PlainTextResponse(body, media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/me", response_model=PrincipalView, summary="Who am I", responses=problem_responses(401)
)
def whoami(principal: Annotated[Principal, Depends(current_principal)]) -> PrincipalView:
    return PrincipalView.of(principal)
