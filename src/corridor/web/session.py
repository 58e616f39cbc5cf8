"""Who is at the screen: the token pasted once, kept in an HttpOnly cookie; CSRF for forms.

The token is the same bearer token the API takes (``corridor users add``), and it is
checked by the same ``accounts.authenticate``. A page may also be called with an
``Authorization: Bearer`` header (the JSON twins, scripts); such a request carries no
cookie to forge, so it needs no CSRF token.

Form posts made with the cookie carry ``csrf``: an HMAC of the token, which a page of
another site cannot read (the cookie is HttpOnly and SameSite=Strict, a second lock).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from fastapi import Request

from corridor.api.auth import resolve
from corridor.bootstrap import Context
from corridor.domain.principal import Principal

TOKEN_COOKIE = "corridor_token"
LANGUAGE_COOKIE = "corridor_lang"
SIGN_IN_COOKIE = "corridor_sign_in"
CSRF_FIELD = "csrf"
COOKIE_OPTIONS: dict[str, Any] = {"httponly": True, "samesite": "strict", "path": "/"}
YEAR = 365 * 24 * 3600


class SignInRequired(Exception):
    """No valid token: the page sends the person to the sign-in form."""


class CsrfRejected(Exception):
    """A form post whose CSRF token is missing or wrong."""


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def token_of(request: Request) -> str | None:
    return request.cookies.get(TOKEN_COOKIE)


def _authorization(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        return header
    token = token_of(request)
    return f"Bearer {token}" if token else None


def principal_or_none(request: Request) -> Principal | None:
    state = request.scope.setdefault("state", {})
    return resolve(context(request), state, _authorization(request))


def current_principal(request: Request) -> Principal:
    """The signed-in principal, or ``SignInRequired`` (a dependency: run in a thread)."""
    principal = principal_or_none(request)
    if principal is None:
        raise SignInRequired()
    return principal


def csrf_token(request: Request) -> str:
    """The CSRF token of this session (empty when the request carries no cookie)."""
    token = token_of(request)
    if not token:
        return ""
    return hmac.new(token.encode(), b"corridor web form", hashlib.sha256).hexdigest()[:32]


def check_csrf(request: Request, submitted: object) -> None:
    """Raise ``CsrfRejected`` unless a cookie-authenticated post carries its token."""
    if request.headers.get("authorization"):
        return
    expected = csrf_token(request)
    if not expected or not isinstance(submitted, str):
        raise CsrfRejected()
    if not hmac.compare_digest(expected, submitted):
        raise CsrfRejected()


def new_sign_in_nonce() -> str:
    """The sign-in form's own CSRF token (double submit: cookie and field)."""
    return secrets.token_urlsafe(16)
