"""Who is calling: the bearer token, looked up once per request.

Authentication only: what the principal may do or see is decided by the domain
(``authorisation`` for actions, ``visibility`` for reads), never here or in a route.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase
from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool

from corridor import accounts
from corridor.api.problems import api_problem
from corridor.bootstrap import Context
from corridor.domain.principal import Principal

_UNSET = object()


async def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def resolve(
    ctx: Context, scope_state: dict[str, Any], authorization: str | None
) -> Principal | None:
    """The principal of this request (cached in the request's state), or ``None``."""
    cached = scope_state.get("principal", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[no-any-return]
    principal = None
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        principal = accounts.authenticate(ctx, token.strip())
    scope_state["principal"] = principal
    return principal


async def resolve_async(
    ctx: Context, scope_state: dict[str, Any], authorization: str | None
) -> Principal | None:
    """``resolve``, in a worker thread only when it may read the database."""
    if "principal" in scope_state:
        return resolve(ctx, scope_state, authorization)
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        remembered = accounts.remembered(token.strip())
        if remembered is not None:
            scope_state["principal"] = remembered
            return remembered
    return await run_in_threadpool(resolve, ctx, scope_state, authorization)


class BearerPrincipal(SecurityBase):
    """The authenticated principal, or a 401 problem: one dependency that is also the
    OpenAPI document's ``HTTPBearer`` scheme. (FastAPI's ``HTTPBearer`` as a dependency of
    a dependency cost a second round of dependency solving on every request.) Async, so
    that a token already resolved costs no trip to a worker thread (an unknown one is
    looked up in one)."""

    def __init__(self, description: str) -> None:
        self.model = HTTPBearerModel(description=description)
        self.scheme_name = "HTTPBearer"

    async def __call__(self, request: Request) -> Principal:
        authorization = request.headers.get("authorization")
        state = request.scope.setdefault("state", {})
        ctx: Context = request.app.state.ctx
        principal = await resolve_async(ctx, state, authorization)
        if principal is None:
            detail = "the bearer token is unknown or revoked"
            if not _bearer_credentials(authorization):
                detail = "no bearer token given"
            raise api_problem("unauthenticated", detail, {"WWW-Authenticate": "Bearer"})
        return principal


def _bearer_credentials(authorization: str | None) -> bool:
    """Whether the header carries bearer credentials (as FastAPI's ``HTTPBearer`` reads it)."""
    scheme, credentials = get_authorization_scheme_param(authorization)
    return bool(authorization and credentials and scheme.lower() == "bearer")


current_principal = BearerPrincipal("A token issued by `corridor users add`.")
