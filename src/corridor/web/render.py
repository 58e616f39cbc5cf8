"""Every page in two forms: HTML for people, its JSON twin for programs.

A page handler builds one view model (plain JSON values) and calls ``page``. The same
URL answers the model as JSON when the request's first ``Accept`` type is
``application/json``, and the HTML page otherwise. Errors follow the same rule:
problem+json for programs, the page with a message for people.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from babel.dates import format_datetime
from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute

from corridor.api.problems import domain_problem, problem_response
from corridor.domain.errors import CorridorError
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.web import session
from corridor.web.i18n import LANGUAGES, N_, environment, gettext_for, negotiate
from corridor.web.labels import LABELS
from corridor.web.quantities import mass_kg, number

JSON = "application/json"
EXPIRED = N_("This form has expired. Reload the page.")

# What each role finds in the menu: (path, label). The first is its home page.
NAVIGATION: dict[Role, list[tuple[str, str]]] = {
    Role.CARRIER: [
        ("/ui/movements", N_("My movements")),
        ("/ui/lodge", N_("Lodge a declaration")),
        ("/ui/documents", N_("Documents")),
    ],
    Role.CUSTOMS: [
        ("/ui/queue", N_("Queue")),
        ("/ui/enquiries", N_("Enquiries")),
        ("/ui/screening", N_("Screening review")),
        ("/ui/checkpoint", N_("Scan")),
        ("/ui/movements", N_("Movements")),
    ],
    Role.FRONT_OFFICE: [("/ui/checkpoint", N_("Scan")), ("/ui/movements", N_("Movements"))],
    Role.OPERATOR: [
        ("/ui/dashboard", N_("Dashboard")),
        ("/ui/screening", N_("Screening review")),
        ("/ui/movements", N_("Movements")),
        ("/ui/log", N_("Transparency log")),
    ],
    Role.MONITOR: [("/ui/aggregates", N_("Aggregates")), ("/ui/log", N_("Transparency log"))],
    Role.WITNESS: [("/ui/log", N_("Transparency log"))],
    Role.SYSTEM: [],
}


def home(principal: Principal) -> str:
    links = NAVIGATION[principal.role]
    return links[0][0] if links else "/ui/log"


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return accept.split(",")[0].split(";")[0].strip().lower() == JSON


def language(request: Request) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get(session.LANGUAGE_COOKIE)
    return negotiate(wanted, request.headers.get("accept-language"))


def page(
    request: Request,
    template: str,
    model: Mapping[str, Any],
    principal: Principal | None,
    *,
    status: int = 200,
    error: str | None = None,
) -> Response:
    """The page, or its JSON twin: ``model`` as JSON."""
    if wants_json(request):
        return JSONResponse(dict(model), status_code=status, headers={"Vary": "Accept"})
    html = render(request, template, model, principal, error=error)
    return HTMLResponse(html, status_code=status, headers={"Vary": "Accept"})


def render(
    request: Request,
    template: str,
    model: Mapping[str, Any],
    principal: Principal | None,
    *,
    error: str | None = None,
) -> str:
    lang = language(request)
    gettext = gettext_for(lang)
    chrome = {
        "lang": lang,
        "languages": LANGUAGES,
        "principal": principal,
        "navigation": NAVIGATION[principal.role] if principal else [],
        "csrf": session.csrf_token(request),
        "path": request.url.path,
        "here": _here(request),
        "error": error,
        "when": lambda value: when(value, lang),
        "mass": lambda value: mass_kg(value, lang),
        "number": lambda value: number(value, lang),
        "label": lambda code: gettext(LABELS[code]) if code in LABELS else code,
        "done": _done(request),
    }
    return environment(lang).get_template(template).render(page=model, **chrome)


def when(value: str | datetime | None, lang: str) -> str:
    """A time as people of ``lang`` read it (UTC, as everywhere in corridor)."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment, "yyyy-MM-dd HH:mm", tzinfo=None, locale=lang) + " UTC"


def _done(request: Request) -> str | None:
    """The action just taken (``?done=release`` after a form), in words."""
    from corridor.web.forms import ACTION_LABELS

    labels = {str(action): text for action, text in ACTION_LABELS.items()}
    return labels.get(request.query_params.get("done", ""))


def translate(request: Request, message: str) -> str:
    return gettext_for(language(request))(message)


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def redirect(path: str) -> RedirectResponse:
    """After a form post: see the result (303, so that reloading does not post again)."""
    return RedirectResponse(path, status_code=303)


def safe_next(target: object, default: str) -> str:
    """Only our own pages: a path under /ui/, never another site."""
    if isinstance(target, str) and target.startswith("/ui/") and "//" not in target:
        return target
    return default


class WebRoute(APIRoute):
    """Routes of the web layer: a missing sign-in sends people to the sign-in page, a
    forged form gets 403, and a domain error shows as a message (or problem+json)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except session.SignInRequired:
                return _sign_in_first(request)
            except session.CsrfRejected:
                return _refused(request, 403, translate(request, EXPIRED))
            except CorridorError as error:
                status, kind = domain_problem(error)
                if wants_json(request):
                    return problem_response(
                        request.url.path, status, kind, error.title, error.detail
                    )
                return _refused(request, status, refusal(request, error))

        return handler


def _sign_in_first(request: Request) -> Response:
    if wants_json(request):
        return problem_response(
            request.url.path, 401, "unauthenticated", "Authentication required",
            "sign in, or send a bearer token", {"WWW-Authenticate": "Bearer"},
        )  # fmt: skip
    return RedirectResponse(f"/ui/sign-in?next={quote(_here(request))}", status_code=303)


def refusal(request: Request, error: CorridorError) -> str:
    """Why the domain refused, in the person's language (``refusals``)."""
    from corridor.web.refusals import localise

    return localise(error.detail, gettext_for(language(request)))


def _refused(request: Request, status: int, message: str) -> Response:
    """The error page; ``message`` is already in the person's language."""
    if wants_json(request):
        return problem_response(request.url.path, status, "about:blank", "Refused", message)
    principal = session.principal_or_none(request)
    html = render(request, "error.html", {"status": status}, principal, error=message)
    return HTMLResponse(html, status_code=status)


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
