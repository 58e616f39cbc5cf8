"""The corridor as data: states, offices and segments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from corridor.api.auth import context, current_principal
from corridor.api.problems import problem_responses
from corridor.api.schemas import CorridorView, OfficeView
from corridor.bootstrap import Context
from corridor.domain.errors import NotFound
from corridor.domain.principal import Principal
from corridor.domain.visibility import Reading, require_reading

router = APIRouter(tags=["corridor"])
Ctx = Annotated[Context, Depends(context)]
Caller = Annotated[Principal, Depends(current_principal)]


@router.get(
    "/corridor",
    response_model=CorridorView,
    summary="The corridor",
    responses=problem_responses(401, 403),
)
def read_corridor(ctx: Ctx, principal: Caller) -> CorridorView:
    require_reading(principal, Reading.CORRIDOR)
    return CorridorView.of(ctx.corridor)


@router.get(
    "/offices",
    response_model=list[OfficeView],
    summary="The offices",
    responses=problem_responses(401, 403),
)
def list_offices(ctx: Ctx, principal: Caller) -> list[OfficeView]:
    require_reading(principal, Reading.CORRIDOR)
    return [OfficeView.of(office) for office in ctx.corridor.offices.values()]


@router.get(
    "/offices/{code}",
    response_model=OfficeView,
    summary="One office",
    responses=problem_responses(401, 403, 404),
)
def read_office(code: str, ctx: Ctx, principal: Caller) -> OfficeView:
    require_reading(principal, Reading.CORRIDOR)
    office = ctx.corridor.offices.get(code.strip().upper())
    if office is None:
        raise NotFound(f"no office {code} in corridor {ctx.corridor.code}")
    return OfficeView.of(office)
