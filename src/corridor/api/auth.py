"""Who is calling: the bearer token, looked up once per request.

Authentication only: what the principal may do or see is decided by the domain
(``authorisation`` for actions, ``visibility`` for reads), never here or in a route.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from corridor import accounts
from corridor.api.problems import api_problem
from corridor.bootstrap import Context
from corridor.domain.principal import Principal

BEARER = HTTPBearer(auto_error=False, description="A token issued by `corridor users add`.")
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


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> Principal:
    """The authenticated principal, or a 401 problem. Async, so that a token already
    resolved costs no trip to a worker thread (an unknown one is looked up in one)."""
    state = request.scope.setdefault("state", {})
    ctx: Context = request.app.state.ctx
    principal = await resolve_async(ctx, state, request.headers.get("authorization"))
    if principal is None:
        detail = "a valid bearer token is required" if credentials else "no bearer token given"
        if credentials:
            detail = "the bearer token is unknown or revoked"
        raise api_problem("unauthenticated", detail, {"WWW-Authenticate": "Bearer"})
    return principal
