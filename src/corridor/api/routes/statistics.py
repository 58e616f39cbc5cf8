"""Aggregates: what monitors may read (no movement, party or goods is named)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from corridor import reading
from corridor.api.auth import context, current_principal
from corridor.api.problems import problem_responses
from corridor.api.schemas import MovementCounts
from corridor.bootstrap import Context
from corridor.domain.principal import Principal

router = APIRouter(prefix="/statistics", tags=["statistics"])


@router.get(
    "/movements",
    response_model=MovementCounts,
    summary="Movements by state",
    responses=problem_responses(401, 403),
)
def movement_counts(
    ctx: Annotated[Context, Depends(context)],
    principal: Annotated[Principal, Depends(current_principal)],
) -> MovementCounts:
    counts = reading.count_by_state(ctx, principal)
    return MovementCounts(total=sum(counts.values()), by_state=counts)
