"""The screening review queue: list its items, and confirm or dismiss a hit.

A decision is one unit of work: the movement's risk assessment changes (a confirmed hit
gives red, a dismissed one no longer counts: ``RiskAssessment.reviewed``), the decision
is an event of the movement (``review_hit``, state unchanged) with its log entry, the
item is closed, and a dismissal is remembered for the listed entity and the party in the
state of the office of departure, so that state's later screenings suppress that hit.
Who may decide is the lifecycle's row for ``review_hit`` put to ``authorise``.
"""

from __future__ import annotations

from corridor import services
from corridor.bootstrap import Context
from corridor.domain import commands as c
from corridor.domain.errors import Conflict
from corridor.domain.principal import Principal
from corridor.domain.risk import HitDecision
from corridor.screening import review
from corridor.screening.review import ReviewItem, ReviewState
from corridor.store.reviews import ReviewFilter


def list_reviews(ctx: Context, selection: ReviewFilter) -> list[ReviewItem]:
    with ctx.unit_of_work() as uow:
        return uow.reviews.find(selection)


def get_review(ctx: Context, review_id: int) -> ReviewItem:
    with ctx.unit_of_work() as uow:
        return uow.reviews.get(review_id)


def confirm(ctx: Context, review_id: int, principal: Principal, note: str = "") -> ReviewItem:
    """The party is the listed entity (or cannot be cleared): the movement goes red."""
    return decide(ctx, review_id, HitDecision.CONFIRM, principal, note)


def dismiss(ctx: Context, review_id: int, principal: Principal, note: str) -> ReviewItem:
    """A false positive, with a note saying why; remembered for that entity and party."""
    return decide(ctx, review_id, HitDecision.DISMISS, principal, note)


def decide(
    ctx: Context, review_id: int, decision: HitDecision, principal: Principal, note: str
) -> ReviewItem:
    with ctx.unit_of_work() as uow:
        item = uow.reviews.get(review_id)
        command = c.ReviewHit(
            decision=decision, entity_id=item.entity_id, party_key=item.party_key,
            party_role=item.party_role, list_name=item.list_name, item=item.id, note=note,
        )  # fmt: skip
        movement = services.apply(uow, ctx, item.movement_ref, command, principal)
        decided = _decided(item, decision, principal, note, ctx)
        uow.reviews.decide(decided)
        if decision is HitDecision.DISMISS:
            departure = movement.declaration.itinerary.departure
            uow.reviews.remember(decided, ctx.corridor.office(departure).state)
        uow.commit()
    return decided


def _decided(
    item: ReviewItem, decision: HitDecision, principal: Principal, note: str, ctx: Context
) -> ReviewItem:
    if item.state is not ReviewState.OPEN:
        raise Conflict(f"screening review {item.id} is already {item.state.value}")
    if decision is HitDecision.CONFIRM:
        return review.confirm(item, principal.id, note, at=ctx.now())
    return review.dismiss(item, principal.id, note, at=ctx.now())[0]
