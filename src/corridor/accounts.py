"""Principals and their tokens: register, list, revoke, authenticate.

A token is shown once, when it is issued; the store keeps only its SHA-256 (a token is
256 random bits, so a fast hash is enough: nothing to guess from a dictionary).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from corridor.bootstrap import Context
from corridor.domain.errors import InvalidInput
from corridor.domain.network import Corridor, Role
from corridor.domain.principal import Principal
from corridor.store.principals import PrincipalRecord, PrincipalRepository

TOKEN_PREFIX = "cor_"
_SCOPE = {Role.CUSTOMS: "state", Role.FRONT_OFFICE: "office", Role.CARRIER: "holder"}


@dataclass(frozen=True)
class Issued:
    """A new principal and its token (shown this once, never stored)."""

    principal: Principal
    token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_principal(ctx: Context, principal: Principal) -> Issued:
    """Register ``principal`` and issue its bearer token."""
    check_principal(ctx.corridor, principal)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with ctx.engine.begin() as connection:
        PrincipalRepository(connection).add(principal, token_hash(token), ctx.now())
    return Issued(principal, token)


def list_principals(ctx: Context) -> list[PrincipalRecord]:
    with ctx.engine.begin() as connection:
        return PrincipalRepository(connection).all()


def revoke_principal(ctx: Context, principal_id: str) -> PrincipalRecord:
    """Revoke the principal's token: every later request with it gets 401."""
    _REMEMBERED.clear()
    with ctx.engine.begin() as connection:
        record = PrincipalRepository(connection).revoke(principal_id, ctx.now())
    _REMEMBERED.clear()  # again: a request may have remembered it while this ran
    return record


def authenticate(ctx: Context, token: str) -> Principal | None:
    """The active principal holding ``token``, or ``None`` (unknown or revoked).

    A token found is remembered for ``REMEMBER_SECONDS`` in this process, so that a
    burst of requests does not read the register (on SQLite, take its lock) each time:
    a token revoked elsewhere stops working within that time, one revoked in this process
    at once."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    principal = remembered(token)
    if principal is not None:
        return principal
    digest = token_hash(token)
    with ctx.engine.connect() as connection:
        principal = PrincipalRepository(connection).by_token_hash(digest)
    if principal is not None:
        _REMEMBERED[digest] = (time.monotonic() + REMEMBER_SECONDS, principal)
    return principal


def remembered(token: str) -> Principal | None:
    """The principal ``authenticate`` found for ``token`` less than ``REMEMBER_SECONDS``
    ago in this process, without reading the register; ``None`` if none."""
    found = _REMEMBERED.get(token_hash(token))
    if found is not None and found[0] > time.monotonic():
        return found[1]
    return None


REMEMBER_SECONDS = 2.0
_REMEMBERED: dict[str, tuple[float, Principal]] = {}


def check_principal(corridor: Corridor, principal: Principal) -> None:
    """A principal has exactly the scope its role needs, and that scope exists."""
    if principal.role is Role.SYSTEM:
        raise InvalidInput("the system clock is not a principal that gets a token")
    if not principal.id or len(principal.id) > 128 or not principal.id.isprintable():
        raise InvalidInput("a principal id is 1 to 128 printable characters")
    given = {k for k in ("state", "office", "holder") if getattr(principal, k)}
    needed = {_SCOPE[principal.role]} if principal.role in _SCOPE else set()
    if given != needed:
        what = f"exactly a {', '.join(needed)}" if needed else "no state, office or holder"
        raise InvalidInput(f"a {principal.role} principal takes {what}")
    if principal.state and principal.state not in corridor.states:
        raise InvalidInput(f"unknown state {principal.state} in corridor {corridor.code}")
    if principal.office and principal.office not in corridor.offices:
        raise InvalidInput(f"unknown office {principal.office} in corridor {corridor.code}")
