"""The carrier's lodging form: HS lookup and validation as the carrier types, then lodge.

Validation runs the declaration's own parser and ``validation.declaration_problems``
(the rules the service applies when lodging), and shows every problem at its field.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from corridor import reading
from corridor.bootstrap import Context
from corridor.domain.declaration import DeclarationType, GuaranteeType
from corridor.domain.errors import InvalidDeclaration, InvalidInput
from corridor.domain.network import Corridor, Mode, OfficeFunction
from corridor.domain.principal import Principal
from corridor.domain.validation import declaration_problems
from corridor.store.codec import declaration_from_json
from corridor.web import session
from corridor.web.forms import declaration_data, field_errors
from corridor.web.render import WebRoute, language, page, redirect, render

router = APIRouter(prefix="/ui", route_class=WebRoute, include_in_schema=False)
Caller = Annotated[Principal, Depends(session.current_principal)]
Ctx = Annotated[Context, Depends(session.context)]
HS_MATCHES = 20


@router.get("/lodge")
def lodge_form(request: Request, ctx: Ctx, principal: Caller) -> Response:
    return page(request, "lodge.html", form_model(ctx.corridor, principal, language(request)),
                principal)  # fmt: skip


def form_model(corridor: Corridor, principal: Principal, lang: str) -> dict[str, Any]:
    def offices(function: OfficeFunction) -> list[list[str]]:
        return [[o.code, f"{o.name(lang)} ({o.code})"]
                for o in corridor.offices.values() if function in o.functions]  # fmt: skip

    return {
        "holder_id": principal.holder or "",
        "declaration_types": [[str(t), str(t)] for t in DeclarationType],
        "guarantee_types": [[str(t), str(t)] for t in GuaranteeType],
        "modes": [[str(m), str(m)] for m in Mode],
        "departures": offices(OfficeFunction.DEPARTURE),
        "destinations": offices(OfficeFunction.DESTINATION),
        "items": [0],
        "errors": {},
        "values": {},
    }


@router.get("/lodge/item")
def goods_item(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """One more goods item's fieldset (htmx appends it to the form)."""
    text = request.query_params.get("n", "1")
    index = int(text) if text.isdigit() and int(text) < 50 else 1
    html = render(request, "lodge_item.html", {"index": index}, principal)
    return HTMLResponse(html)


@router.get("/hs")
def hs_lookup(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """HS 2022 subheadings whose code starts with, or whose description contains, what
    was typed (the field's value, whatever its name)."""
    typed = next(iter(request.query_params.values()), "").strip().lower()
    matches = _hs_matches(ctx, typed) if len(typed) >= 2 else []
    return page(request, "hs_options.html", {"query": typed, "matches": matches}, principal)


def _hs_matches(ctx: Context, typed: str) -> list[dict[str, str]]:
    found = []
    for code, description in ctx.nomenclature.subheadings.items():
        if code.startswith(typed) or typed in description.lower():
            found.append({"code": code, "description": description})
            if len(found) == HS_MATCHES:
                break
    return found


@router.post("/lodge/validate")
async def validate(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Every problem of the form as it stands, by field (htmx swaps them in as one types)."""
    form = await request.form()
    session.check_csrf(request, form.get(session.CSRF_FIELD))
    errors = await run_in_threadpool(problems_of, ctx, dict(form))
    descriptions = {
        name: ctx.nomenclature.describe(str(value).strip()) or ""
        for name, value in form.items()
        if name.endswith(".hs_code")
    }
    touched = str(form.get("touched") or "").split(",")
    model = {
        "errors": errors, "fields": list(form.keys()), "touched": touched,
        "descriptions": descriptions,
    }  # fmt: skip
    return page(request, "lodge_problems.html", model, principal)


def problems_of(ctx: Context, form: dict[str, Any]) -> dict[str, str]:
    try:
        declaration = declaration_from_json(declaration_data(form))
    except InvalidDeclaration as error:
        return field_errors([(error.field, error.message)])
    except InvalidInput as error:
        field, _, message = error.detail.partition(": ")
        return field_errors([(field, message)])
    return field_errors(declaration_problems(declaration, ctx.corridor, ctx.nomenclature))


@router.post("/lodge")
async def lodge(request: Request, ctx: Ctx, principal: Caller) -> Response:
    form = await request.form()
    session.check_csrf(request, form.get(session.CSRF_FIELD))
    values = dict(form)
    errors = await run_in_threadpool(problems_of, ctx, values)
    if not errors:
        declaration = declaration_from_json(declaration_data(values))
        lodged = await run_in_threadpool(
            reading.lodge, ctx, declaration, principal, pre_lodge=form.get("pre_lodge") == "on"
        )
        return redirect(f"/ui/movements/{lodged.movement.mrn}?done=lodge")
    model = form_model(ctx.corridor, principal, language(request))
    items = sorted({_item_index(name) for name in values if ".items[" in name} or {0})
    model |= {"errors": errors, "values": {k: str(v) for k, v in values.items()}, "items": items}
    return page(request, "lodge.html", model, principal, status=422,
                error=next(iter(errors.values())))  # fmt: skip


def _item_index(name: str) -> int:
    text = name.split(".items[", 1)[1].split("]", 1)[0]
    return int(text) if text.isdigit() else 0
