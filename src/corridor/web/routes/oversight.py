"""The operator's and the monitor's pages: screening review, dashboard, aggregates, and
the log explorer that verifies the log in the browser."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from corridor import log_service, reading, review_service
from corridor.api.problems import domain_problem
from corridor.bootstrap import Context
from corridor.domain.errors import CorridorError, InvalidInput, NotFound
from corridor.domain.lifecycle import MovementState
from corridor.domain.principal import Principal
from corridor.domain.risk import HitDecision
from corridor.domain.visibility import Reading, require_reading
from corridor.ledger.checkpoint import parse_checkpoint
from corridor.ledger.note import split_note
from corridor.screening.review import RememberedDismissal, ReviewItem, ReviewState
from corridor.store.repository import MovementFilter
from corridor.store.reviews import DismissalFilter, ReviewFilter
from corridor.web import charts, figures, session, views
from corridor.web.i18n import N_
from corridor.web.labels import LABELS
from corridor.web.offers import may_review, may_revoke
from corridor.web.render import (
    WebRoute,
    language,
    page,
    redirect,
    refusal,
    safe_next,
    translate,
    wants_json,
)

router = APIRouter(prefix="/ui", route_class=WebRoute, include_in_schema=False)
Caller = Annotated[Principal, Depends(session.current_principal)]
Ctx = Annotated[Context, Depends(session.context)]
S = MovementState
BEFORE_RELEASE = (S.PRE_LODGED, S.LODGED, S.ACCEPTED, S.UNDER_CONTROL)
LISTED = 200


@router.get("/screening")
def screening_review(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """The review queue (watch-list hits; the state of departure's customs confirm or
    dismiss each), then the movements not yet released in a yellow or red channel."""
    return page(request, "screening.html", _screening_model(request, ctx, principal), principal)


@router.post("/screening/{review_id}/decide")
async def decide_review(review_id: int, request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Confirm or dismiss one hit from the review page; back to it with the outcome."""
    form = await request.form()
    session.check_csrf(request, form.get(session.CSRF_FIELD))
    back = safe_next(form.get("next"), "/ui/screening")
    try:
        decision = _decision(form.get("decision"))
        note = str(form.get("note") or "").strip()
        await run_in_threadpool(reading.decide_review, ctx, review_id, decision, principal, note)
    except CorridorError as error:
        if wants_json(request):
            raise
        model = await run_in_threadpool(_screening_model, request, ctx, principal)
        status, _ = domain_problem(error)
        return page(
            request,
            "screening.html",
            model,
            principal,
            status=status,
            error=refusal(request, error),
        )
    return redirect(back + ("&" if "?" in back else "?") + "done=review_hit")


@router.post("/screening/dismissals/{dismissal_id}/revoke")
async def revoke_dismissal(
    dismissal_id: int, request: Request, ctx: Ctx, principal: Caller
) -> Response:
    """Revoke a remembered dismissal from the review page (a note is required)."""
    form = await request.form()
    session.check_csrf(request, form.get(session.CSRF_FIELD))
    back = safe_next(form.get("next"), "/ui/screening")
    note = str(form.get("note") or "").strip()
    try:
        await run_in_threadpool(reading.revoke_dismissal, ctx, dismissal_id, principal, note)
    except CorridorError as error:
        if wants_json(request):
            raise
        model = await run_in_threadpool(_screening_model, request, ctx, principal)
        status, _ = domain_problem(error)
        return page(request, "screening.html", model, principal, status=status, error=error.detail)
    return redirect(back + ("&" if "?" in back else "?") + "done=revoke_dismissal")


def _decision(value: object) -> HitDecision:
    try:
        return HitDecision(str(value))
    except ValueError:
        raise InvalidInput(f"decision: confirm or dismiss, not {value!r}") from None


def _screening_model(request: Request, ctx: Context, principal: Principal) -> dict[str, Any]:
    require_reading(principal, Reading.SCREENING)
    wanted = request.query_params.get("state", "open")
    states = tuple(s for s in ReviewState if s.value == wanted)
    mrn = request.query_params.get("mrn", "").strip().upper()[:18] or None
    selection = ReviewFilter(states=states, mrn=mrn, limit=LISTED)
    items = reading.list_reviews(ctx, selection, principal)
    return {
        "state": wanted if states else None,
        "mrn": mrn,
        "states": [s.value for s in ReviewState],
        "reviews": [views.review_item(item, _may_decide(ctx, item, principal)) for item in items],
        "dismissals": _dismissals(ctx, principal),
        "movements": _flagged_movements(request, ctx, principal),
    }


def _dismissals(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    found = reading.list_dismissals(ctx, DismissalFilter(limit=LISTED), principal)
    return [views.dismissal(d, _may_revoke(ctx, d, principal)) for d in found]


def _may_revoke(ctx: Context, dismissal: RememberedDismissal, principal: Principal) -> bool:
    if not dismissal.in_force:
        return False
    movement = reading.get_movement(ctx, dismissal.mrn, principal)
    office = review_service.revocation_office(ctx, dismissal)
    return may_revoke(ctx.corridor, movement, principal, office)


def _may_decide(ctx: Context, item: ReviewItem, principal: Principal) -> bool:
    if item.state is not ReviewState.OPEN:
        return False
    movement = reading.get_movement(ctx, item.movement_ref, principal)
    return may_review(ctx.corridor, movement, principal)


def _flagged_movements(request: Request, ctx: Context, principal: Principal) -> list[Any]:
    selection = MovementFilter(states=BEFORE_RELEASE, limit=500)
    found = reading.list_movements(ctx, selection, principal)
    lang = language(request)
    rows = [
        views.summary(m, ctx.corridor, lang)
        | {"reasons": [{"code": r.code, "channel": str(r.channel), "text": r.text}
                       for r in m.risk.reasons], "blocked": m.risk.blocked}
        for m in found
        if m.risk is not None and (m.risk.reasons or str(m.risk.channel) != "green")
    ]  # fmt: skip
    rows.sort(key=lambda row: ("red", "yellow", "green").index(row["channel"] or "green"))
    return rows


@router.get("/dashboard")
def dashboard(request: Request, ctx: Ctx, principal: Caller) -> Response:
    text = request.query_params.get("days", "")
    days = int(text) if text.isdigit() and 1 <= int(text) <= 366 else figures.DEFAULT_DAYS
    model = figures.dashboard(ctx, principal, days)
    if wants_json(request):
        return page(request, "dashboard.html", model, principal)
    return page(request, "dashboard.html", model | {"charts": _charts(request, model)}, principal)


def _charts(request: Request, model: dict[str, object]) -> dict[str, object]:
    def t(text: str) -> str:
        return translate(request, text)

    def words(code: str) -> str:
        return t(LABELS[code]) if code in LABELS else code

    per_day: dict[str, dict[str, int]] = model["per_day"]  # type: ignore[assignment]
    series = sorted({name for counts in per_day.values() for name in counts})
    hours: dict[str, dict[str, float | None]] = model["dwell_hours"]  # type: ignore[assignment]
    channels: dict[str, int] = model["channels"]  # type: ignore[assignment]
    incidents: dict[str, dict[str, int]] = model["incidents"]  # type: ignore[assignment]
    fees: dict[str, object] = model["fees"]  # type: ignore[assignment]
    fee_days: dict[str, int] = fees["per_day_minor"]  # type: ignore[assignment]
    return {
        "per_day": charts.stacked_columns(
            per_day, t(N_("Movements lodged per day")), {s: words(s) for s in series}
        ),
        "hours": charts.bars(
            {office: v["median"] for office, v in hours.items() if v["median"] is not None},
            t(N_("Dwell at each checkpoint, arrival to passage (median hours)")), unit=" h",
        ),
        "channels": charts.bars(
            {words(c): n for c, n in channels.items()}, t(N_("Screening channels")),
            colours={words(c): charts.CHANNEL_COLOURS[c] for c in channels},
        ),
        "incidents": charts.bars(
            {words(k): n for k, n in incidents["by_kind"].items()}, t(N_("Incidents by kind"))
        ),
        "fees": charts.bars(
            {day[5:]: minor / 100 for day, minor in fee_days.items()},
            t(N_("Fees per day")), unit=f" {fees['currency']}",
        ),
    }  # fmt: skip


@router.get("/aggregates")
def aggregates(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """What a monitor may read: counts, no movement named."""
    counts = reading.count_by_state(ctx, principal)
    model = figures.dashboard(ctx, principal) | {"total": sum(counts.values())}
    if wants_json(request):
        return page(request, "aggregates.html", model, principal)
    return page(request, "aggregates.html", model | {"charts": _charts(request, model)}, principal)


@router.get("/log")
def log_explorer(request: Request, ctx: Ctx) -> Response:
    """The log's latest checkpoint; the page verifies its signature and an inclusion proof
    in the browser, from the public /log endpoints, against the key the person gives."""
    try:
        signed = log_service.signed_checkpoint(ctx)
    except NotFound:
        signed = b""
    size = parse_checkpoint(split_note(signed)[0]).size if signed else 0
    model = {
        "origin": ctx.log_origin, "size": size, "checkpoint": signed.decode(),
        "log_key": log_service.vkey(ctx), "index": max(size - 1, 0),
    }  # fmt: skip
    return page(request, "log.html", model, session.principal_or_none(request))
