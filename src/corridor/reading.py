"""Reads scoped by who asks: the services behind every API read of movements.

``domain.visibility`` decides what a principal may see; these functions apply it to
single movements (refused as not found when out of scope) and to listings (turned into
a filter the store runs, so that pages are full and cursors honest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from corridor import review_service, services
from corridor.bootstrap import Context
from corridor.domain.authorisation import authorise
from corridor.domain.commands import Command
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import NotFound
from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import Action, transition_for
from corridor.domain.movement import Movement
from corridor.domain.principal import Principal
from corridor.domain.risk import HitDecision, RiskAssessment
from corridor.domain.visibility import (
    MovementScope,
    Reading,
    movement_scope,
    require_reading,
    require_visible,
)
from corridor.screening.review import RememberedDismissal, ReviewItem
from corridor.store.idempotency import Reservation
from corridor.store.repository import MovementFilter
from corridor.store.reviews import DismissalFilter, ReviewFilter

F = TypeVar("F", ReviewFilter, DismissalFilter)


def get_movement(ctx: Context, mrn: str, principal: Principal) -> Movement:
    movement = services.get_movement(ctx, mrn)
    require_visible(ctx.corridor, movement.mrn, movement.declaration, principal)
    return movement


def movement_history(ctx: Context, mrn: str, principal: Principal) -> list[MovementEvent]:
    get_movement(ctx, mrn, principal)
    return services.movement_history(ctx, mrn)


def list_movements(ctx: Context, selection: MovementFilter, principal: Principal) -> list[Movement]:
    """The movements matching ``selection`` that ``principal`` may see, by MRN."""
    require_reading(principal, Reading.MOVEMENTS)
    scoped = within_scope(selection, movement_scope(ctx.corridor, principal))
    return [] if scoped is None else services.list_movements(ctx, scoped)


def count_by_state(ctx: Context, principal: Principal) -> dict[str, int]:
    require_reading(principal, Reading.AGGREGATES)
    return services.count_by_state(ctx)


def lodge(
    ctx: Context, declaration: TransitDeclaration, principal: Principal, *, pre_lodge: bool
) -> services.Lodged:
    """Lodge, authorising first: a repeated lodging returns the movement already stored,
    which only the principal entitled to lodge it may see."""
    action = Action.PRE_LODGE if pre_lodge else Action.LODGE
    authorise(ctx.corridor, declaration, transition_for(None, action), principal, None)
    return services.lodge(ctx, declaration, principal, pre_lodge=pre_lodge)


def lodge_each(
    ctx: Context,
    requests: Sequence[services.LodgingRequest],
    answer_of: services.AnswerOf | None = None,
) -> list[services.Lodged | Reservation | Exception]:
    """``lodge`` for many requests at once (the API's group commit), each authorised
    first as there and answered on its own: a refusal is that request's answer.
    ``answer_of``: what a request with an idempotency key keeps as its answer."""
    refusals = [_refusal(ctx, request) for request in requests]
    allowed = [r for r, refusal in zip(requests, refusals, strict=True) if refusal is None]
    lodged = iter(services.lodge_each(ctx, allowed, answer_of=answer_of))
    return [next(lodged) if refusal is None else refusal for refusal in refusals]


def _refusal(ctx: Context, request: services.LodgingRequest) -> Exception | None:
    action = Action.PRE_LODGE if request.pre_lodge else Action.LODGE
    try:
        authorise(ctx.corridor, request.declaration, transition_for(None, action),
                  request.principal, None)  # fmt: skip
    except Exception as refusal:  # not authorised, or a declaration it cannot judge
        return refusal
    return None


def within_scope(selection: MovementFilter, scope: MovementScope) -> MovementFilter | None:
    """``selection`` narrowed to ``scope``; ``None`` when nothing can match."""
    if scope.everything:
        return selection
    if scope.holder is not None:
        if selection.holder not in (None, scope.holder):
            return None
        return replace(selection, holder=scope.holder)
    return replace(selection, within=scope.offices) if scope.offices else None


def risk_assessment(ctx: Context, mrn: str, principal: Principal) -> RiskAssessment:
    """The movement's risk assessment, for those who may read screening results."""
    require_reading(principal, Reading.SCREENING)
    movement = get_movement(ctx, mrn, principal)
    if movement.risk is None:
        raise NotFound(f"movement {movement.mrn} has no risk assessment")
    return movement.risk


def act(ctx: Context, mrn: str, command: Command, principal: Principal) -> Movement:
    """Take an action on a movement the principal may see: one outside its scope is not
    found (as for a read), so that nobody learns which movements of others exist; then
    the domain decides whether this principal may take this action here."""
    get_movement(ctx, mrn, principal)
    return services.act(ctx, mrn, command, principal)


def amend(
    ctx: Context, mrn: str, declaration: TransitDeclaration, principal: Principal
) -> Movement:
    get_movement(ctx, mrn, principal)
    return services.amend(ctx, mrn, declaration, principal)


def list_reviews(ctx: Context, selection: ReviewFilter, principal: Principal) -> list[ReviewItem]:
    """The screening review items of the movements ``principal`` may see, by id."""
    scoped = _screening_scope(ctx, selection, principal)
    return [] if scoped is None else review_service.list_reviews(ctx, scoped)


def get_review(ctx: Context, review_id: int, principal: Principal) -> ReviewItem:
    """One review item, if ``principal`` may read screening and see its movement (else
    not found, as for an item that does not exist)."""
    require_reading(principal, Reading.SCREENING)
    item = review_service.get_review(ctx, review_id)
    try:
        get_movement(ctx, item.movement_ref, principal)
    except NotFound:
        raise NotFound(f"no screening review {review_id}") from None
    return item


def decide_review(
    ctx: Context, review_id: int, decision: HitDecision, principal: Principal, note: str
) -> ReviewItem:
    """Confirm or dismiss an item the principal may see; the domain decides whether this
    principal may decide it (``review_hit`` in the lifecycle table)."""
    get_review(ctx, review_id, principal)
    return review_service.decide(ctx, review_id, decision, principal, note)


def list_dismissals(
    ctx: Context, selection: DismissalFilter, principal: Principal
) -> list[RememberedDismissal]:
    """The remembered dismissals made on the movements ``principal`` may see, by id."""
    scoped = _screening_scope(ctx, selection, principal)
    return [] if scoped is None else review_service.list_dismissals(ctx, scoped)


def _screening_scope(ctx: Context, selection: F, principal: Principal) -> F | None:
    """``selection`` narrowed to the offices whose movements ``principal`` may see, after
    checking that it may read screening at all; None when it sees no movement."""
    require_reading(principal, Reading.SCREENING)
    scope = movement_scope(ctx.corridor, principal)
    if scope.everything:
        return selection
    if not scope.offices:
        return None
    return replace(selection, within=scope.offices)


def get_dismissal(ctx: Context, dismissal_id: int, principal: Principal) -> RememberedDismissal:
    """One remembered dismissal, if ``principal`` may read screening and see the movement
    whose review made it (else not found, as for one that does not exist)."""
    require_reading(principal, Reading.SCREENING)
    dismissal = review_service.get_dismissal(ctx, dismissal_id)
    try:
        get_movement(ctx, dismissal.mrn, principal)
    except NotFound:
        raise NotFound(f"no remembered dismissal {dismissal_id}") from None
    return dismissal


def revoke_dismissal(
    ctx: Context, dismissal_id: int, principal: Principal, note: str
) -> RememberedDismissal:
    """Revoke a dismissal the principal may see; the domain decides whether this principal
    may (``revoke_dismissal`` in the lifecycle table)."""
    get_dismissal(ctx, dismissal_id, principal)
    return review_service.revoke(ctx, dismissal_id, principal, note)
