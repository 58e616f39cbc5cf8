"""Every lifecycle action as ``POST /movements/{mrn}/{action}``, one route per row of
the command table: the body is the command's particulars, the answer the movement.

This module does not use ``from __future__ import annotations``: FastAPI reads the
request model of each generated route from its annotations at run time.
"""

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response
from pydantic import BaseModel

from corridor import reading
from corridor.api.auth import context, current_principal
from corridor.api.problems import problem_responses
from corridor.api.schemas import ACTION_COMMANDS, action_request_model, movement_response
from corridor.bootstrap import Context
from corridor.domain import commands as c
from corridor.domain.lifecycle import Action
from corridor.domain.principal import Principal

router = APIRouter(prefix="/movements", tags=["actions"])
MOVEMENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Movement"}}}


def _route(action: Action, command: type[c.Command]) -> None:
    model = action_request_model(command)
    required = any(f.is_required() for f in model.model_fields.values())
    body_type: Any = model if required else model | None  # JSON null only where all is optional

    def take_action(
        mrn: str,
        ctx: Annotated[Context, Depends(context)],
        principal: Annotated[Principal, Depends(current_principal)],
        body: Annotated[body_type, Body()] = None,
    ) -> Response:
        particulars: dict[str, Any] = dict(body) if body is not None else {}
        movement = reading.act(ctx, mrn, command(**particulars), principal)
        return movement_response(movement, principal)

    take_action.__name__ = str(action)
    if required:  # no default at all: FastAPI then requires the body
        signature = inspect.signature(take_action)
        parameters = [
            p.replace(default=inspect.Parameter.empty) if p.name == "body" else p
            for p in signature.parameters.values()
        ]
        take_action.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    router.add_api_route(
        f"/{{mrn}}/{action}",
        take_action,
        methods=["POST"],
        summary=str(action).replace("_", " ").capitalize(),
        description=(command.__doc__ or "").strip()
        if command.__doc__ and not command.__doc__.startswith(command.__name__ + "(")
        else f"Take the action {action} on the movement.",
        responses={200: {"description": "The movement after the action", "content": MOVEMENT},
                   **problem_responses(401, 403, 404, 409, 422)},
    )  # fmt: skip


for _action, _command in ACTION_COMMANDS.items():
    _route(_action, _command)

__all__ = ["BaseModel", "router"]
