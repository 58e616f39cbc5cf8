"""Signing in with a token, signing out, choosing the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from corridor import accounts
from corridor.domain.principal import Principal
from corridor.web import session
from corridor.web.i18n import LANGUAGES, N_
from corridor.web.render import WebRoute, home, page, redirect, safe_next, translate

router = APIRouter(prefix="/ui", route_class=WebRoute, include_in_schema=False)
Caller = Annotated[Principal, Depends(session.current_principal)]


@router.get("")
@router.get("/")
def start(request: Request) -> Response:
    principal = session.principal_or_none(request)
    return redirect(home(principal) if principal else "/ui/sign-in")


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    nonce = session.new_sign_in_nonce()
    target = safe_next(request.query_params.get("next"), "")
    response = page(request, "sign_in.html", {"nonce": nonce, "next": target}, None)
    response.set_cookie(session.SIGN_IN_COOKIE, nonce, max_age=3600, **session.COOKIE_OPTIONS)
    return response


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await request.form()
    nonce = request.cookies.get(session.SIGN_IN_COOKIE)
    if not nonce or form.get("nonce") != nonce:
        raise session.CsrfRejected()
    token = str(form.get("token") or "").strip()
    ctx = session.context(request)
    principal = await run_in_threadpool(accounts.authenticate, ctx, token) if token else None
    if principal is None:
        model = {"nonce": nonce, "next": safe_next(form.get("next"), "")}
        message = translate(request, N_("This token is unknown or revoked."))
        return page(request, "sign_in.html", model, None, status=401, error=message)
    response = redirect(safe_next(form.get("next"), home(principal)))
    response.set_cookie(session.TOKEN_COOKIE, token, **session.COOKIE_OPTIONS)
    response.delete_cookie(session.SIGN_IN_COOKIE, path="/")
    _remember_language(response, form.get("lang"))
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    form = await request.form()
    session.check_csrf(request, form.get(session.CSRF_FIELD))
    response = redirect("/ui/sign-in")
    response.delete_cookie(session.TOKEN_COOKIE, path="/")
    return response


@router.post("/language")
async def choose_language(request: Request) -> Response:
    """The person's language, kept in a cookie (not a secret: no CSRF token needed, and
    SameSite=Strict keeps other sites from setting it)."""
    form = await request.form()
    response = redirect(safe_next(form.get("next"), "/ui/"))
    _remember_language(response, form.get("lang"))
    return response


def _remember_language(response: Response, lang: object) -> None:
    if isinstance(lang, str) and lang in LANGUAGES:
        response.set_cookie(
            session.LANGUAGE_COOKIE, lang, max_age=session.YEAR, samesite="strict", path="/"
        )


@router.get("/whoami")
def whoami(request: Request, principal: Caller) -> Response:
    model = {
        "id": principal.id, "role": str(principal.role), "state": principal.state,
        "office": principal.office, "holder": principal.holder, "home": home(principal),
    }  # fmt: skip
    return page(request, "whoami.html", model, principal)
