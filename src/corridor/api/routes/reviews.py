"""The screening review queue: list and read hits, confirm or dismiss one.

Who may read is ``visibility`` (screening readers, within their movement scope); who
may decide is the lifecycle's ``review_hit`` row put to ``authorise``, through
``reading.decide_review``. Routes decide neither.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool

from corridor import reading
from corridor.api.auth import context, current_principal
from corridor.api.problems import problem_responses
from corridor.api.schemas import DecisionRequest, ReviewPage, ReviewView
from corridor.bootstrap import Context
from corridor.domain.errors import InvalidInput
from corridor.domain.principal import Principal
from corridor.domain.risk import HitDecision
from corridor.screening.review import ReviewState
from corridor.store.reviews import ReviewFilter

router = APIRouter(prefix="/screening/reviews", tags=["screening"])
Ctx = Annotated[Context, Depends(context)]
Caller = Annotated[Principal, Depends(current_principal)]
ReviewId = Annotated[int, Path(ge=1, le=2**53 - 1, description="The review item's id.")]


@router.get(
    "",
    response_model=ReviewPage,
    summary="List screening review items",
    responses=problem_responses(401, 403, 422),
)
def list_reviews(
    ctx: Ctx,
    principal: Caller,
    state: Annotated[list[ReviewState] | None, Query()] = None,
    mrn: Annotated[str | None, Query(max_length=18)] = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ReviewPage:
    """Watch-list hits of the movements the caller may see (customs, operator), oldest
    first, ``limit`` at a time; ``state`` (repeatable): open, confirmed, dismissed, withdrawn."""
    selection = ReviewFilter(
        states=tuple(state or ()), mrn=None if mrn is None else mrn.strip().upper(),
        after=_decode_cursor(cursor), limit=limit + 1,
    )  # fmt: skip
    found = reading.list_reviews(ctx, selection, principal)
    items = [ReviewView.of(item) for item in found[:limit]]
    more = len(found) > limit
    return ReviewPage(items=items, next_cursor=_encode_cursor(items[-1].id) if more else None)


@router.get(
    "/{review_id}",
    response_model=ReviewView,
    summary="Read a screening review item",
    responses=problem_responses(401, 403, 404, 422),
)
def read_review(review_id: ReviewId, ctx: Ctx, principal: Caller) -> ReviewView:
    return ReviewView.of(reading.get_review(ctx, review_id, principal))


@router.post(
    "/{review_id}/confirm",
    response_model=ReviewView,
    summary="Confirm a screening hit",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def confirm(
    review_id: ReviewId,
    ctx: Ctx,
    principal: Caller,
    body: Annotated[DecisionRequest | None, Body()] = None,
) -> ReviewView:
    """The party is the listed entity, or cannot be cleared: the movement goes red.
    Customs of the state of departure (the corridor's `decide` roles there)."""
    note = "" if body is None else body.note
    item = await run_in_threadpool(
        reading.decide_review, ctx, review_id, HitDecision.CONFIRM, principal, note
    )
    return ReviewView.of(item)


@router.post(
    "/{review_id}/dismiss",
    response_model=ReviewView,
    summary="Dismiss a screening hit as a false positive",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def dismiss(
    review_id: ReviewId, ctx: Ctx, principal: Caller, body: Annotated[DecisionRequest, Body()]
) -> ReviewView:
    """The party is not the listed entity; ``note`` says why (required). The hit stops
    counting on this movement and is remembered for that entity and party in the state
    of departure, so its later screenings do not raise it again."""
    item = await run_in_threadpool(
        reading.decide_review, ctx, review_id, HitDecision.DISMISS, principal, body.note
    )
    return ReviewView.of(item)


def _encode_cursor(review_id: int) -> str:
    return encode_cursor("review", review_id)


def _decode_cursor(cursor: str | None) -> int | None:
    return decode_cursor("review", cursor)


def encode_cursor(kind: str, last_id: int) -> str:
    """An opaque cursor after ``last_id`` in a list of ``kind`` (review, dismissal)."""
    return base64.urlsafe_b64encode(f"{kind}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, number = text.partition(":")
    if prefix != kind or not number.isdigit() or len(number) > 15:
        raise InvalidInput(f"cursor {cursor!r} is not one this API gave")
    return int(number)
