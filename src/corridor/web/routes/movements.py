"""Movements: lists (mine, the customs queue, enquiries), one movement, and its actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from corridor import reading, review_service, services
from corridor.api.problems import domain_problem
from corridor.bootstrap import Context
from corridor.domain.errors import CorridorError, InvalidInput
from corridor.domain.lifecycle import Action, MovementState
from corridor.domain.movement import Movement
from corridor.domain.principal import Principal
from corridor.domain.risk import Channel
from corridor.store.repository import MovementFilter
from corridor.web import session, views
from corridor.web.forms import ACTION_LABELS, command_from_form
from corridor.web.offers import WEB_ACTIONS, held_by_open_hits, offers
from corridor.web.render import (
    WebRoute,
    language,
    page,
    redirect,
    refusal,
    render,
    safe_next,
    wants_json,
)

router = APIRouter(prefix="/ui", route_class=WebRoute, include_in_schema=False)
Caller = Annotated[Principal, Depends(session.current_principal)]
Ctx = Annotated[Context, Depends(session.context)]
LISTED = 200
S = MovementState

DEPARTURE_QUEUE = (S.LODGED, S.ACCEPTED, S.UNDER_CONTROL)
EN_ROUTE_QUEUE = (S.INCIDENT, S.ARRIVED)
ENQUIRY_STATES = (S.OVERDUE, S.UNDER_ENQUIRY)
CHANNEL_ORDER = (Channel.RED, Channel.YELLOW, Channel.GREEN)


@router.get("/movements")
def movement_list(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """The movements the principal may see (its own, for a carrier), newest MRN last."""
    wanted = request.query_params.get("state")
    states = (S(wanted),) if wanted in set(S) else ()
    found = reading.list_movements(ctx, MovementFilter(states=states, limit=LISTED), principal)
    lang = language(request)
    model = {
        "state": wanted if states else None,
        "states": [str(s) for s in S],
        "movements": [views.summary(m, ctx.corridor, lang) for m in found],
    }
    return page(request, "movements.html", model, principal)


@router.get("/documents")
def documents(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Accompanying documents: one for every movement released for transit."""
    released = (S.RELEASED, S.IN_TRANSIT, S.INCIDENT, S.OVERDUE, S.UNDER_ENQUIRY, S.ARRIVED)
    found = reading.list_movements(ctx, MovementFilter(states=released, limit=LISTED), principal)
    lang = language(request)
    rows = [
        views.summary(m, ctx.corridor, lang) | {"href": f"/movements/{m.mrn}/document.pdf"}
        for m in found
    ]
    return page(request, "documents.html", {"movements": rows}, principal)


@router.get("/queue")
def queue(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """What awaits the principal's decision: at departure by screening channel (red
    first), then incidents to endorse and arrivals to discharge."""
    lang = language(request)
    waiting = _actionable(ctx, principal, DEPARTURE_QUEUE)
    by_channel = {
        str(channel): [views.summary(m, ctx.corridor, lang) for m in waiting
                       if m.risk is not None and m.risk.channel is channel]
        for channel in CHANNEL_ORDER
    }  # fmt: skip
    later = _actionable(ctx, principal, EN_ROUTE_QUEUE)
    model = {
        "channels": by_channel,
        "en_route": [views.summary(m, ctx.corridor, lang) for m in later],
    }
    return page(request, "queue.html", model, principal)


@router.get("/enquiries")
def enquiries(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Movements past their time limit, longest overdue first, with what the principal
    may do about each (open an enquiry, close it on proof, or recover: on its page)."""
    lang = language(request)
    overdue = reading.list_movements(
        ctx, MovementFilter(states=ENQUIRY_STATES, limit=LISTED), principal
    )
    now = ctx.now()
    rows = [
        views.summary(m, ctx.corridor, lang)
        | {"days_overdue": (now - m.time_limit).days if m.time_limit else None,
           "actions": [{"action": str(o.action), "label": ACTION_LABELS[o.action]}
                       for o in offers(ctx.corridor, m, principal, now)]}
        for m in overdue
    ]  # fmt: skip
    rows.sort(key=lambda row: -(row["days_overdue"] or 0))
    return page(request, "enquiries.html", {"movements": rows}, principal)


def _actionable(
    ctx: Context, principal: Principal, states: Iterable[MovementState]
) -> list[Movement]:
    selection = MovementFilter(states=tuple(states), limit=LISTED)
    found = reading.list_movements(ctx, selection, principal)
    return [m for m in found if offers(ctx.corridor, m, principal, ctx.now())]


@router.get("/movements/{mrn}")
def movement_page(mrn: str, request: Request, ctx: Ctx, principal: Caller) -> Response:
    return page(request, "movement.html", movement_model(ctx, mrn, principal, request), principal)


def movement_model(
    ctx: Context, mrn: str, principal: Principal, request: Request
) -> dict[str, Any]:
    movement = reading.get_movement(ctx, mrn, principal)
    history = reading.movement_history(ctx, mrn, principal)
    open_hits = review_service.count_open(ctx, movement.mrn)
    possible, held = held_by_open_hits(
        offers(ctx.corridor, movement, principal, ctx.now()), open_hits
    )
    model = views.detail(movement, history, possible, ctx.corridor, principal, language(request))
    if held:  # only those who would be offered release see why it is not
        model["held_by_open_hits"] = {
            "count": open_hits,
            "queue": f"/ui/screening?state=open&mrn={movement.mrn}",
        }
    return model


@router.post("/movements/{mrn}/act/{action}")
async def act(mrn: str, action: str, request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Take an action from a form; back to the page it came from, with the outcome."""
    form = await request.form()
    session.check_csrf(request, form.get(session.CSRF_FIELD))
    back = safe_next(form.get("next"), f"/ui/movements/{mrn}")
    try:
        chosen = _web_action(action)
        command = command_from_form(chosen, form)
        await run_in_threadpool(services.act, ctx, mrn, command, principal)
    except CorridorError as error:
        return await run_in_threadpool(_show_refusal, request, ctx, mrn, principal, back, error)
    return redirect(back + ("&" if "?" in back else "?") + f"done={action}")


def _web_action(text: str) -> Action:
    action = next((a for a in WEB_ACTIONS if a == text), None)
    if action is None:
        raise InvalidInput(f"unknown action {text!r}")
    return action


def _show_refusal(
    request: Request, ctx: Context, mrn: str, principal: Principal, back: str, error: CorridorError
) -> Response:
    """The page the form came from, again, with the refusal in words."""
    status, _ = domain_problem(error)
    if wants_json(request):
        raise error
    template = "checkpoint_movement.html" if back.startswith("/ui/checkpoint/") else "movement.html"
    model = movement_model(ctx, mrn, principal, request)
    html = render(request, template, model, principal, error=refusal(request, error))
    return HTMLResponse(html, status_code=status)
