"""Movements: lodge (JSON or XML), list, read, history, amend."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.routing import APIRoute
from fastapi.telemetry import get_telemetry_data

from corridor import reading
from corridor.api.auth import context, current_principal
from corridor.api.idempotency import answer_response, claim_of, kept
from corridor.api.problems import api_problem, problem_responses
from corridor.api.schemas import (
    Event,
    MovementPage,
    MovementSummary,
    movement_body,
    movement_response,
)
from corridor.bootstrap import Context
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import InvalidInput
from corridor.domain.lifecycle import MovementState
from corridor.domain.network import Mode
from corridor.domain.principal import Principal
from corridor.lodging import Lodged, LodgingRequest
from corridor.store.codec import declaration_from_text
from corridor.store.idempotency import Answer, Reservation
from corridor.store.repository import MovementFilter
from corridor.xml_import import declaration_from_xml

router = APIRouter(prefix="/movements", tags=["movements"])
Ctx = Annotated[Context, Depends(context)]
Caller = Annotated[Principal, Depends(current_principal)]
MOVEMENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Movement"}}}
DECLARATION_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/TransitDeclaration"}},
            "application/xml": {"schema": {"type": "string", "description": "docs/xml-mapping.md"}},
        },
    }
}
JSON_TYPES = ("application/json",)
XML_TYPES = ("application/xml", "text/xml")


class LodgingRoute(APIRoute):
    """POST /movements, the API's hottest route, without FastAPI's dependency solving
    when there is nothing for it to do: no query (so ``pre_lodge`` is false), no
    dependency overridden, no OpenTelemetry tracing the request (FastAPI's operation
    spans). Then the caller is ``current_principal(request)``, as FastAPI would solve
    it, and the same errors propagate (a 401 problem without a known token). Anything
    else takes FastAPI's own handler. Solving the route's dependencies (the context, the
    caller, the query) was the largest share of the event loop's work per lodging."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        solved = super().get_route_handler()

        async def handler(request: Request) -> Response:
            if (
                request.scope.get("query_string")
                or request.app.dependency_overrides
                or get_telemetry_data() is not None
            ):
                return await solved(request)
            principal = await current_principal(request)
            return await lodge(request, principal)

        return handler


async def lodge(request: Request, principal: Caller, pre_lodge: bool = False) -> Response:
    """Lodge (or, with ``pre_lodge``, pre-lodge) a transit declaration, in JSON or in the
    eTIR/NCTS-like XML of docs/xml-mapping.md. The same holder and LRN again returns
    the movement already lodged (200), never a second one."""
    declaration = await read_declaration(request)
    # Group commit (``api.group_commit``): lodged with the others that arrive meanwhile,
    # in one transaction (with the request's idempotency key, if it has one: its answer
    # is kept there, ``lodging_answer``); answered once it is committed.
    claim = claim_of(request)
    lodged: Lodged | Reservation = await request.app.state.lodgings.submit(
        LodgingRequest(declaration, principal, pre_lodge, claim)
    )
    if isinstance(lodged, Reservation):  # its key held an answer, or a request running
        return kept(request, lodged)
    if lodged.answer is not None:  # kept with its key, in the transaction that lodged it
        return kept(request, lodged.answer)
    return answer_response(lodging_answer(lodged, principal))


def add_lodging_route(app_router: APIRouter) -> None:
    """POST /movements, as a route of the app's own router (``routes.install``), not of
    this module's ``router``: an included router's route is found through FastAPI's
    inclusion machinery, matched twice over (the router, then its route), which cost
    more of a lodging's event-loop time than any other step of routing. Documented as
    one of this module's routes (the same tag, path and operation)."""
    app_router.add_api_route(
        "/movements",
        lodge,
        methods=["POST"],
        tags=["movements"],
        status_code=201,
        summary="Lodge a declaration",
        openapi_extra=DECLARATION_BODY,
        responses={
            201: {"description": "Lodged: a new movement", "content": MOVEMENT},
            200: {
                "description": "Already lodged with this LRN: the same movement",
                "content": MOVEMENT,
            },
            **problem_responses(401, 403, 409, 415, 422),
        },
        route_class_override=LodgingRoute,
    )


def lodging_answer(lodged: Lodged, principal: Principal) -> Answer:
    """A lodging's answer: the movement as its lodger may read it, 201 if new, else 200."""
    movement = lodged.movement
    body = movement_body(movement, principal)
    status = 201 if lodged.created else 200
    return Answer(status, "application/json", body, f"/movements/{movement.mrn}")


@router.get(
    "",
    response_model=MovementPage,
    summary="List movements",
    responses=problem_responses(401, 403, 422),
)
def list_movements(
    ctx: Ctx,
    principal: Caller,
    state: Annotated[list[MovementState] | None, Query()] = None,
    office: Annotated[str | None, Query(max_length=8)] = None,
    holder: Annotated[str | None, Query(max_length=64)] = None,
    mode: Mode | None = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MovementPage:
    """The movements the caller may see, by MRN, ``limit`` at a time. ``office``: departing
    from, passing or bound for that office."""
    selection = MovementFilter(
        states=tuple(state or ()), holder=holder, mode=None if mode is None else str(mode),
        after=_decode_cursor(cursor), limit=limit + 1,
        touching=None if office is None else frozenset({office}),
    )  # fmt: skip
    found = reading.list_movements(ctx, selection, principal)
    page = found[:limit]
    more = len(found) > limit
    return MovementPage(
        items=[MovementSummary.of(m) for m in page],
        next_cursor=_encode_cursor(page[-1].mrn) if more else None,
    )


@router.get(
    "/{mrn}",
    summary="Read a movement",
    responses={200: {"description": "The movement", "content": MOVEMENT},
               **problem_responses(401, 403, 404)},
)  # fmt: skip
def read_movement(mrn: str, ctx: Ctx, principal: Caller) -> Response:
    return movement_response(reading.get_movement(ctx, mrn, principal), principal)


@router.get(
    "/{mrn}/events",
    response_model=list[Event],
    summary="A movement's history",
    responses=problem_responses(401, 403, 404),
)
def movement_events(mrn: str, ctx: Ctx, principal: Caller) -> list[Event]:
    """Every event of the movement, oldest first: who did what, when, where."""
    return [Event.of(e) for e in reading.movement_history(ctx, mrn, principal)]


@router.post(
    "/{mrn}/amend",
    summary="Amend a declaration",
    openapi_extra=DECLARATION_BODY,
    responses={200: {"description": "The amended movement", "content": MOVEMENT},
               **problem_responses(401, 403, 404, 409, 415, 422)},
)  # fmt: skip
async def amend(mrn: str, request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Replace the declaration of a movement not yet accepted (its holder only)."""
    declaration = await read_declaration(request)
    movement = await _threaded(reading.amend, ctx, mrn, declaration, principal)
    return movement_response(movement, principal)


async def read_declaration(request: Request) -> TransitDeclaration:
    """The declaration in the request body, JSON or XML by its media type."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media_type in JSON_TYPES or media_type.endswith("+json"):
        return declaration_from_text(body)
    if media_type in XML_TYPES or media_type.endswith("+xml"):
        return declaration_from_xml(body)
    raise api_problem(
        "unsupported-media-type",
        f"send the declaration as application/json or application/xml, not {media_type!r}",
    )


async def _threaded(function: Any, *args: Any, **kwargs: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args, **kwargs)


def _encode_cursor(mrn: str) -> str:
    return base64.urlsafe_b64encode(mrn.encode("ascii")).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        mrn = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput(f"cursor {cursor!r} is not one this API gave") from None
    if not mrn.isalnum():
        raise InvalidInput(f"cursor {cursor!r} is not one this API gave")
    return mrn
