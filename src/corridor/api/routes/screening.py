"""Screening results: a movement's risk assessment (channel, reasons, list versions)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter

from corridor import reading
from corridor.api.auth import context, current_principal
from corridor.api.problems import problem_responses
from corridor.bootstrap import Context
from corridor.domain.principal import Principal
from corridor.domain.risk import RiskAssessment

router = APIRouter(prefix="/movements", tags=["screening"])
RISK: TypeAdapter[RiskAssessment] = TypeAdapter(RiskAssessment)
RISK_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/RiskAssessment"}}}


@router.get(
    "/{mrn}/assessment",
    summary="A movement's risk assessment",
    responses={200: {"description": "The assessment", "content": RISK_CONTENT},
               **problem_responses(401, 403, 404)},
)  # fmt: skip
def assessment(
    mrn: str,
    ctx: Annotated[Context, Depends(context)],
    principal: Annotated[Principal, Depends(current_principal)],
) -> JSONResponse:
    """The channel and the reasons screening gave when the declaration was lodged or
    amended; for customs and the operator only."""
    risk = reading.risk_assessment(ctx, mrn, principal)
    return JSONResponse(RISK.dump_python(risk, mode="json"))
