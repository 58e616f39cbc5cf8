"""The operator's and the monitor's pages: screening review, dashboard, aggregates, and
the log explorer that verifies the log in the browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from corridor import log_service, reading
from corridor.bootstrap import Context
from corridor.domain.errors import NotFound
from corridor.domain.lifecycle import MovementState
from corridor.domain.principal import Principal
from corridor.domain.visibility import Reading, require_reading
from corridor.ledger.checkpoint import parse_checkpoint
from corridor.ledger.note import split_note
from corridor.store.repository import MovementFilter
from corridor.web import charts, figures, session, views
from corridor.web.i18n import N_
from corridor.web.labels import LABELS
from corridor.web.render import WebRoute, language, page, translate, wants_json

router = APIRouter(prefix="/ui", route_class=WebRoute, include_in_schema=False)
Caller = Annotated[Principal, Depends(session.current_principal)]
Ctx = Annotated[Context, Depends(session.context)]
S = MovementState
BEFORE_RELEASE = (S.PRE_LODGED, S.LODGED, S.ACCEPTED, S.UNDER_CONTROL)


@router.get("/screening")
def screening_review(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Movements not yet released that screening sent to the yellow or red channel,
    with its reasons: the operator triages them for the state's officers, who decide."""
    require_reading(principal, Reading.SCREENING)
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
    return page(request, "screening.html", {"movements": rows}, principal)


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
    hours: dict[str, dict[str, float]] = model["checkpoint_hours"]  # type: ignore[assignment]
    channels: dict[str, int] = model["channels"]  # type: ignore[assignment]
    incidents: dict[str, dict[str, int]] = model["incidents"]  # type: ignore[assignment]
    fees: dict[str, object] = model["fees"]  # type: ignore[assignment]
    fee_days: dict[str, int] = fees["per_day_minor"]  # type: ignore[assignment]
    return {
        "per_day": charts.stacked_columns(
            per_day, t(N_("Movements lodged per day")), {s: words(s) for s in series}
        ),
        "hours": charts.bars(
            {office: v["median"] for office, v in hours.items()},
            t(N_("Hours to each checkpoint (median)")), unit=" h",
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
