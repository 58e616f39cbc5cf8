"""The screening review queue: list its items, confirm or dismiss a hit, and list or
revoke the dismissals remembered.

A decision is one unit of work: the movement's risk assessment changes (a confirmed hit
gives red, a dismissed one no longer counts: ``RiskAssessment.reviewed``), the decision
is an event of the movement (``review_hit``, state unchanged) with its log entry, the
item is closed, and a dismissal is remembered for the listed entity and the party in the
state of the office of departure, so that state's later screenings suppress that hit.
Who may decide is the lifecycle's row for ``review_hit`` put to ``authorise``.

A revocation is one unit of work too: the dismissal is kept, marked revoked (who, when,
why), so that the state's next screenings raise the hit again; it is an event of the
movement whose review made the dismissal (``revoke_dismissal``, nothing of the movement
changes), taken at the office that dismissed, with its log entry. Who may revoke is that
row put to ``authorise``: the deciding power of that office (its state's customs).
"""

from __future__ import annotations

from dataclasses import replace

from corridor import services
from corridor.bootstrap import Context
from corridor.domain import commands as c
from corridor.domain.errors import Conflict
from corridor.domain.lifecycle import Action
from corridor.domain.principal import Principal
from corridor.domain.risk import HitDecision
from corridor.screening import review
from corridor.screening.review import RememberedDismissal, ReviewItem, ReviewState
from corridor.store.reviews import DismissalFilter, ReviewFilter
from corridor.store.unit_of_work import UnitOfWork


def list_reviews(ctx: Context, selection: ReviewFilter) -> list[ReviewItem]:
    with ctx.unit_of_work() as uow:
        return uow.reviews.find(selection)


def get_review(ctx: Context, review_id: int) -> ReviewItem:
    with ctx.unit_of_work() as uow:
        return uow.reviews.get(review_id)


def count_open(ctx: Context, mrn: str) -> int:
    """How many of the movement's screening hits await a decision."""
    with ctx.unit_of_work() as uow:
        return uow.reviews.count_open(mrn)


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


def list_dismissals(ctx: Context, selection: DismissalFilter) -> list[RememberedDismissal]:
    with ctx.unit_of_work() as uow:
        return uow.reviews.find_remembered(selection)


def get_dismissal(ctx: Context, dismissal_id: int) -> RememberedDismissal:
    with ctx.unit_of_work() as uow:
        return uow.reviews.remembered(dismissal_id)


def revoke(ctx: Context, dismissal_id: int, principal: Principal, note: str) -> RememberedDismissal:
    """The state no longer holds the party not to be the listed entity: its next
    screenings raise the hit again. ``Conflict`` if already revoked."""
    with ctx.unit_of_work() as uow:
        dismissal = uow.reviews.remembered(dismissal_id)
        services.apply(uow, ctx, dismissal.mrn, _revocation(uow, ctx, dismissal, note), principal)
        if not dismissal.in_force:
            raise Conflict(f"remembered dismissal {dismissal_id} is already revoked")
        revoked = replace(
            dismissal, revoked_by=principal.id, revoked_at=ctx.now(), revocation_note=note
        )
        uow.reviews.revoke(revoked)
        uow.commit()
    return revoked


def revocation_office(ctx: Context, dismissal: RememberedDismissal) -> str:
    """Where a revocation of ``dismissal`` is taken (see ``deciding_office``)."""
    with ctx.unit_of_work() as uow:
        return deciding_office(uow, ctx, dismissal)


def deciding_office(uow: UnitOfWork, ctx: Context, dismissal: RememberedDismissal) -> str:
    """The office that dismissed: the office of the logged ``review_hit`` event that
    dismissed the item in the dismissal's state (the movement's office of departure then)."""
    for event in reversed(uow.events.for_movement(dismissal.mrn)):
        details = event.details
        if (
            event.action is Action.REVIEW_HIT and details.get("item") == dismissal.review_id
            and details.get("decision") == str(HitDecision.DISMISS) and event.office is not None
            and ctx.corridor.office(event.office).state == dismissal.state
        ):  # fmt: skip
            return event.office
    raise Conflict(f"no logged dismissal made remembered dismissal {dismissal.id}")


def _revocation(
    uow: UnitOfWork, ctx: Context, dismissal: RememberedDismissal, note: str
) -> c.RevokeDismissal:
    return c.RevokeDismissal(
        office=deciding_office(uow, ctx, dismissal), dismissal=dismissal.id,
        entity_id=dismissal.entity_id, party_key=dismissal.party_key,
        party_role=dismissal.party_role, list_name=dismissal.list_name,
        item=dismissal.review_id, note=note,
    )  # fmt: skip
