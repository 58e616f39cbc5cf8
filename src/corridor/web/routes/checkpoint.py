"""The checkpoint officer's screen: scan the document's QR code (or type the MRN), see the
movement, its seals and its route on one screen, record passage or an incident."""

from __future__ import annotations

import binascii
import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from corridor import log_service, reading
from corridor.bootstrap import Context
from corridor.domain.errors import CorridorError, InvalidInput
from corridor.domain.lifecycle import Action
from corridor.domain.mrn import MovementReference
from corridor.domain.principal import Principal
from corridor.ledger.proof import ReceiptError, parse_receipt
from corridor.web import offers, session
from corridor.web.render import WebRoute, page, redirect, refusal
from corridor.web.routes.movements import movement_model

router = APIRouter(prefix="/ui", route_class=WebRoute, include_in_schema=False)
Caller = Annotated[Principal, Depends(session.current_principal)]
Ctx = Annotated[Context, Depends(session.context)]


@router.get("/checkpoint")
def scan(request: Request, ctx: Ctx, principal: Caller) -> Response:
    model = {"office": principal.office, "log_key": log_service.vkey(ctx)}
    return page(request, "checkpoint.html", model, principal)


@router.get("/checkpoint/find")
def find(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """The MRN typed, or the text of the scanned QR code (a tlog-proof receipt whose
    entry names the MRN): to the movement's checkpoint screen."""
    code = request.query_params.get("code", "")
    return redirect(f"/ui/checkpoint/{mrn_of(code)}")


def mrn_of(code: str) -> str:
    """The MRN in what was typed or scanned; ``InvalidInput`` if there is none."""
    text = code.strip()
    if text.startswith("c2sp.org/tlog-proof@v1"):
        text = _mrn_in_receipt(text)
    return str(MovementReference.parse(text))


def _mrn_in_receipt(text: str) -> str:
    try:
        receipt = parse_receipt(text.replace("\r\n", "\n").encode())
        entry = json.loads(receipt.extra or b"{}")
    except (ReceiptError, ValueError, binascii.Error) as error:
        raise InvalidInput(f"the scanned receipt is not readable: {error}") from None
    mrn = entry.get("mrn") if isinstance(entry, dict) else None
    if not isinstance(mrn, str):
        raise InvalidInput("the scanned receipt names no movement")
    return mrn


@router.get("/checkpoint/{mrn}")
def checkpoint_movement(mrn: str, request: Request, ctx: Ctx, principal: Caller) -> Response:
    model = movement_model(ctx, mrn, principal, request)
    why = _why_no_passage(ctx, mrn, principal)
    model["no_passage_because"] = refusal(request, why) if why else None
    return page(request, "checkpoint_movement.html", model, principal)


def _why_no_passage(ctx: Context, mrn: str, principal: Principal) -> CorridorError | None:
    """Why the officer of one office (the front office) may not record a passage of this
    movement there: at Azerbaijan's checkpoints only customs record; or it is recorded
    already, or the movement is not under way (the domain's reason)."""
    if principal.office is None:
        return None
    movement = reading.get_movement(ctx, mrn, principal)
    return offers.refusal(
        ctx.corridor, movement, Action.RECORD_PASSAGE, principal, principal.office, ctx.now()
    )
