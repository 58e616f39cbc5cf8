"""The carrier's declaration forms: lodge, and amend before acceptance. HS lookup and
validation as the carrier types; rows (consignments, goods items, wagons) added and
removed with htmx, or by posting the form where script is off.

Validation parses the form with the declaration's own parser and applies
``validation.declaration_problems`` (what the API does when lodging), and shows every
problem at its control, in the person's language (``lodging_problems``; the JSON twin
keeps the parser's English words, as the API gives them).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from corridor import reading
from corridor.bootstrap import Context
from corridor.domain.declaration import DeclarationType, GuaranteeType, TransitDeclaration
from corridor.domain.network import Mode, OfficeFunction
from corridor.domain.principal import Principal
from corridor.domain.validation import declaration_problems
from corridor.store.codec import declaration_or_problems, declaration_to_json
from corridor.web import session
from corridor.web.declaration_form import (
    apply_edit,
    field_errors,
    form_values,
    layout,
    read_form,
)
from corridor.web.i18n import gettext_for
from corridor.web.lodging_problems import localise_problems
from corridor.web.offers import check_amendment
from corridor.web.render import WebRoute, language, page, redirect, wants_json

router = APIRouter(prefix="/ui", route_class=WebRoute, include_in_schema=False)
Caller = Annotated[Principal, Depends(session.current_principal)]
Ctx = Annotated[Context, Depends(session.context)]
HS_MATCHES = 20
LODGE = "/ui/lodge"


@router.get("/lodge")
def lodge_form(request: Request, ctx: Ctx, principal: Caller) -> Response:
    values = {"holder.identification_number": principal.holder or ""}
    return page(request, "lodge.html", form_model(ctx, request, principal, values), principal)


def form_model(
    ctx: Context,
    request: Request,
    principal: Principal,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    focus: str = "",
    amending: str | None = None,
) -> dict[str, Any]:
    """The form's choices, rows, values, problems by control, and where the cursor goes."""
    lang = language(request)

    def offices(function: OfficeFunction) -> list[list[str]]:
        return [[o.code, f"{o.name(lang)} ({o.code})"]
                for o in ctx.corridor.offices.values() if function in o.functions]  # fmt: skip

    return {
        "action": f"/ui/movements/{amending}/amend" if amending else LODGE,
        "amending": amending,
        "holder_id": principal.holder or values.get("holder.identification_number", ""),
        "declaration_types": [[str(t), str(t)] for t in DeclarationType],
        "guarantee_types": [[str(t), str(t)] for t in GuaranteeType],
        "modes": [[str(m), str(m)] for m in Mode],
        "departures": offices(OfficeFunction.DEPARTURE),
        "destinations": offices(OfficeFunction.DESTINATION),
        "layout": layout(values).as_json(),
        "values": values,
        "errors": errors or {},
        "descriptions": hs_descriptions(ctx, values),
        "focus": focus,
    }


def hs_descriptions(ctx: Context, form: dict[str, Any]) -> dict[str, str]:
    """What each HS code typed so far stands for (empty where it is no subheading)."""
    return {
        name: ctx.nomenclature.describe(str(value).strip()) or ""
        for name, value in form.items()
        if name.endswith(".hs_code")
    }


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
    """Every problem of the form as it stands, by control (htmx swaps them in as one
    types; a control shows its problem once the person has been there)."""
    form = await request.form()
    session.check_csrf(request, form.get(session.CSRF_FIELD))
    values = {name: str(value) for name, value in form.items()}
    _, errors = await run_in_threadpool(examine, ctx, values)
    model = {
        "errors": _in_words(request, errors), "fields": list(values),
        "touched": values.get("touched", "").split(","),
        "descriptions": hs_descriptions(ctx, values),
    }  # fmt: skip
    return page(request, "lodge_problems.html", model, principal)


def examine(ctx: Context, form: dict[str, str]) -> tuple[TransitDeclaration | None, dict[str, str]]:
    """The declaration the form describes, and its problems by control (none: it may be
    lodged as it is)."""
    data, problems = read_form(form)
    declaration, parsing = declaration_or_problems(data)
    problems += parsing
    if declaration is not None:
        problems += declaration_problems(declaration, ctx.corridor, ctx.nomenclature)
    return declaration, field_errors(problems, list(form))


@router.post("/lodge")
async def lodge(request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Lodge the declaration; or, when a row button was pressed, the form again with a
    row added or removed (nothing is lodged)."""
    values = await _posted(request)
    if "edit" in values:
        return _edited(request, ctx, principal, values)
    declaration, errors = await run_in_threadpool(examine, ctx, values)
    if declaration is None or errors:
        return _refused(request, ctx, principal, values, errors)
    pre_lodge = values.get("pre_lodge") == "on"
    lodged = await run_in_threadpool(
        reading.lodge, ctx, declaration, principal, pre_lodge=pre_lodge
    )
    return redirect(f"/ui/movements/{lodged.movement.mrn}?done=lodge")


@router.get("/movements/{mrn}/amend")
def amend_form(mrn: str, request: Request, ctx: Ctx, principal: Caller) -> Response:
    """The declaration of a movement not yet accepted, in the form, for its holder."""
    movement = reading.get_movement(ctx, mrn, principal)
    check_amendment(ctx.corridor, movement, principal)
    values = form_values(declaration_to_json(movement.declaration))
    model = form_model(ctx, request, principal, values, amending=movement.mrn)
    return page(request, "lodge.html", model, principal)


@router.post("/movements/{mrn}/amend")
async def amend(mrn: str, request: Request, ctx: Ctx, principal: Caller) -> Response:
    """Replace the declaration (screened again), or add or remove a row of the form."""
    values = await _posted(request)
    movement = await run_in_threadpool(reading.get_movement, ctx, mrn, principal)
    check_amendment(ctx.corridor, movement, principal)
    if "edit" in values:
        return _edited(request, ctx, principal, values, amending=movement.mrn)
    declaration, errors = await run_in_threadpool(examine, ctx, values)
    if declaration is None or errors:
        return _refused(request, ctx, principal, values, errors, amending=movement.mrn)
    await run_in_threadpool(reading.amend, ctx, movement.mrn, declaration, principal)
    return redirect(f"/ui/movements/{movement.mrn}?done=amend")


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form()
    session.check_csrf(request, form.get(session.CSRF_FIELD))
    return {name: value for name, value in form.items() if isinstance(value, str)}


def _edited(
    request: Request,
    ctx: Context,
    principal: Principal,
    values: dict[str, str],
    amending: str | None = None,
) -> Response:
    edit = values.pop("edit")
    changed, focus = apply_edit(values, edit)
    model = form_model(ctx, request, principal, changed, focus=focus, amending=amending)
    return page(request, "lodge.html", model, principal)


def _refused(
    request: Request,
    ctx: Context,
    principal: Principal,
    values: dict[str, str],
    errors: dict[str, str],
    amending: str | None = None,
) -> Response:
    errors = _in_words(request, errors)
    model = form_model(ctx, request, principal, values, errors=errors, amending=amending)
    first = next(iter(errors.values()), "")
    return page(request, "lodge.html", model, principal, status=422, error=first)


def _in_words(request: Request, errors: dict[str, str]) -> dict[str, str]:
    """The problems in the page's language; the JSON twin keeps the parser's words."""
    if wants_json(request):
        return errors
    return localise_problems(errors, gettext_for(language(request)))
