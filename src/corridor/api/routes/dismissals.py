"""Remembered dismissals of screening hits: list them, revoke one.

Who may read is ``visibility`` (screening readers, within their movement scope); who may
revoke is the lifecycle's ``revoke_dismissal`` row put to ``authorise`` (the deciding
power of the office that dismissed), through ``reading.revoke_dismissal``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool

from corridor import reading
from corridor.api.auth import context, current_principal
from corridor.api.problems import problem_responses
from corridor.api.routes.reviews import decode_cursor, encode_cursor
from corridor.api.schemas import DismissalPage, DismissalView, RevocationRequest
from corridor.bootstrap import Context
from corridor.domain.principal import Principal
from corridor.store.reviews import DismissalFilter

router = APIRouter(prefix="/screening/dismissals", tags=["screening"])
Ctx = Annotated[Context, Depends(context)]
Caller = Annotated[Principal, Depends(current_principal)]
DismissalId = Annotated[int, Path(ge=1, le=2**53 - 1, description="The remembered dismissal's id.")]


@router.get(
    "",
    response_model=DismissalPage,
    summary="List remembered dismissals",
    responses=problem_responses(401, 403, 422),
)
def list_dismissals(
    ctx: Ctx,
    principal: Caller,
    in_force: Annotated[bool | None, Query()] = None,
    state: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DismissalPage:
    """The dismissals remembered on the movements the caller may see (customs, operator),
    oldest first; ``in_force`` true (or false) for those not revoked (or revoked);
    ``state``: the state that remembers them."""
    selection = DismissalFilter(
        in_force=in_force, state=state and state.upper(),
        after=decode_cursor("dismissal", cursor), limit=limit + 1,
    )  # fmt: skip
    found = reading.list_dismissals(ctx, selection, principal)
    items = [DismissalView.of(d) for d in found[:limit]]
    more = len(found) > limit
    last = encode_cursor("dismissal", items[-1].id) if more else None
    return DismissalPage(items=items, next_cursor=last)


@router.get(
    "/{dismissal_id}",
    response_model=DismissalView,
    summary="Read a remembered dismissal",
    responses=problem_responses(401, 403, 404, 422),
)
def read_dismissal(dismissal_id: DismissalId, ctx: Ctx, principal: Caller) -> DismissalView:
    return DismissalView.of(reading.get_dismissal(ctx, dismissal_id, principal))


@router.post(
    "/{dismissal_id}/revoke",
    response_model=DismissalView,
    summary="Revoke a remembered dismissal",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def revoke(
    dismissal_id: DismissalId,
    ctx: Ctx,
    principal: Caller,
    body: Annotated[RevocationRequest, Body()],
) -> DismissalView:
    """The party may be the listed entity after all; ``note`` says why (required). The
    dismissal is kept, marked revoked, and the state's next screenings of that party
    raise the hit again. Customs of the state that dismissed (the corridor's `decide`
    roles at the office that dismissed); a logged event of the movement whose review
    made the dismissal, which changes nothing else of it."""
    revoked = await run_in_threadpool(
        reading.revoke_dismissal, ctx, dismissal_id, principal, body.note
    )
    return DismissalView.of(revoked)
