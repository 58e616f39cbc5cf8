"""Idempotency keys on every POST: a replay gets the first answer, never a second effect.

``Idempotency-Key: <1-255 printable ASCII>``. The key is reserved per principal before
the request runs and completed with its answer after; see ``store.idempotency``.

- same key, same request, answered: the stored answer, with ``Idempotent-Replayed: true``;
- same key, same request, still running: 409 ``idempotency-key-in-use`` (retry later);
- same key, another request (method, path, query, media type or body differ): 422
  ``idempotency-key-reused``;
- a request that failed with a server error releases its key, so a retry runs again.

A lodging (``POST /movements``, the paths given as ``in_transaction``) is not reserved
here: its key goes to the group commit as a ``lodging.Claim``, is reserved and completed
in the transaction that lodges it (no transaction of its own before, none after: the
key and the movement commit together), and the route marks it kept (``mark_kept``).
What it answers without lodging (a refusal before the transaction) is kept here after.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor.api.auth import resolve_async
from corridor.api.problems import API_PROBLEMS, MEDIA_TYPE, PROBLEM_BASE
from corridor.bootstrap import Context
from corridor.lodging import Claim
from corridor.store.idempotency import Answer, IdempotencyRepository, Reservation
from corridor.store.write_gate import write_transaction

HEADER = "idempotency-key"
MAX_BODY = 2_000_000


STATE_CLAIM = "idempotency_claim"
STATE_KEPT = "idempotency_kept"


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, in_transaction: Collection[str] = ()) -> None:
        self.app = app
        self._in_transaction = frozenset(in_transaction)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if headers is None or scope["method"] != "POST" or HEADER not in headers:
            await self.app(scope, receive, send)
            return
        key = headers[HEADER]
        if not (0 < len(key) <= 255 and key.isascii() and key.isprintable()):
            refusal = _problem("invalid-idempotency-key", "1 to 255 printable ASCII", scope["path"])
            await refusal(scope, receive, send)
            return
        ctx: Context = scope["app"].state.ctx
        state = scope.setdefault("state", {})
        principal = await resolve_async(ctx, state, headers.get("authorization"))
        if principal is None:  # the route answers 401
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        fingerprint = _fingerprint(scope, headers, body)
        if scope["path"] in self._in_transaction:
            state[STATE_CLAIM] = Claim(principal.id, key, fingerprint)
            await self._run_and_keep(scope, send, body, ctx, principal.id, key, fingerprint)
            return
        found = await run_in_threadpool(_reserve, ctx, principal.id, key, fingerprint)
        if found is not None:
            await answer_again(found, fingerprint, scope["path"])(scope, receive, send)
            return
        await self._run_and_keep(scope, send, body, ctx, principal.id, key)

    async def _run_and_keep(
        self, scope: Scope, send: Send, body: bytes, ctx: Context, who: str, key: str,
        fingerprint: str | None = None,
    ) -> None:  # fmt: skip
        """Run the request, keep its answer, and only then send it: a client that retries
        as soon as it has the answer finds the answer kept, not the key still held.
        ``fingerprint``: the key was not reserved (``in_transaction``), and the route
        may have kept the answer itself."""
        sent: list[Message] = []

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def hold(message: Message) -> None:
            sent.append(message)

        try:
            await self.app(scope, replay, hold)
        finally:
            if fingerprint is None:
                await run_in_threadpool(_keep, ctx, who, key, sent)
            elif not scope["state"].get(STATE_KEPT):
                await run_in_threadpool(_keep_unreserved, ctx, who, key, fingerprint, sent)
        for message in sent:
            await send(message)


def _reserve(ctx: Context, who: str, key: str, fingerprint: str) -> Reservation | None:
    with write_transaction(ctx.engine) as connection:
        return IdempotencyRepository(connection).reserve(who, key, fingerprint, ctx.now())


def _keep(ctx: Context, who: str, key: str, sent: list[Message]) -> None:
    answer = _answer(sent)
    with write_transaction(ctx.engine) as connection:
        keys = IdempotencyRepository(connection)
        if answer is None:
            keys.release(who, key)
        else:
            keys.complete(who, key, answer)


def _keep_unreserved(
    ctx: Context, who: str, key: str, fingerprint: str, sent: list[Message]
) -> None:
    answer = _answer(sent)
    if answer is not None:
        with write_transaction(ctx.engine) as connection:
            IdempotencyRepository(connection).keep(who, key, fingerprint, answer, ctx.now())


def _answer(sent: list[Message]) -> Answer | None:
    """The answer ``sent``, unless it is none worth keeping (a server error)."""
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    if start is None or start["status"] >= 500:
        return None
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = Headers(raw=start["headers"])
    return Answer(
        status=start["status"],
        content_type=headers.get("content-type", "application/json"),
        body=body,
        location=headers.get("location"),
    )


def claim_of(request: Request) -> Claim | None:
    """The idempotency key of a request to a path kept ``in_transaction``, if it has one."""
    claim: Claim | None = request.scope.get("state", {}).get(STATE_CLAIM)
    return claim


def kept(request: Request, answer: Answer | Reservation) -> Response:
    """The answer to send for a request whose key its route kept (``claim_of``): the
    answer kept with it, or what its key held already."""
    request.scope["state"][STATE_KEPT] = True
    if isinstance(answer, Answer):
        return answer_response(answer)
    claim = claim_of(request)
    return answer_again(answer, claim.fingerprint if claim else "", request.scope["path"])


def answer_again(found: Reservation, fingerprint: str, instance: str) -> Response:
    """What a request gets whose key holds ``found`` already."""
    if found.fingerprint != fingerprint:
        detail = "this key was used for another request; use a new key for a new request"
        return _problem("idempotency-key-reused", detail, instance)
    if found.answer is None:
        detail = "the first request with this key is still running; retry shortly"
        return _problem("idempotency-key-in-use", detail, instance, {"retry-after": "1"})
    return _response(found.answer.status, [(b"idempotent-replayed", b"true")], found.answer)


def answer_response(answer: Answer) -> Response:
    return _response(answer.status, [], answer)


def _response(status: int, headers: list[tuple[bytes, bytes]], answer: Answer) -> Response:
    response = Response(answer.body, status, media_type=answer.content_type)
    response.raw_headers.extend(headers)
    if answer.location:
        response.raw_headers.append((b"location", answer.location.encode()))
    return response


def _problem(
    kind: str, detail: str, instance: str, headers: dict[str, str] | None = None
) -> Response:
    status, title = API_PROBLEMS[kind]
    body = json.dumps(
        {"type": PROBLEM_BASE + kind, "title": title, "status": status, "detail": detail,
         "instance": instance}
    ).encode()  # fmt: skip
    return Response(body, status, headers, media_type=MEDIA_TYPE)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _fingerprint(scope: Scope, headers: Headers, body: bytes) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    return fingerprint(scope["method"], scope["path"], query, headers.get("content-type", ""), body)


def fingerprint(method: str, path: str, query: str, content_type: str, body: bytes) -> str:
    """What makes two requests the same request: method, path, query, media type, body."""
    digest = hashlib.sha256()
    for part in (method, path, query, content_type):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(body)
    return digest.hexdigest()
