"""Idempotency keys on every POST: a replay gets the first answer, never a second effect.

``Idempotency-Key: <1-255 printable ASCII>``. The key is reserved per principal before
the request runs and completed with its answer after; see ``store.idempotency``.

- same key, same request, answered: the stored answer, with ``Idempotent-Replayed: true``;
- same key, same request, still running: 409 ``idempotency-key-in-use`` (retry later);
- same key, another request (method, path, query, media type or body differ): 422
  ``idempotency-key-reused``;
- a request that failed with a server error releases its key, so a retry runs again.
"""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor.api.auth import resolve_async
from corridor.api.problems import API_PROBLEMS, MEDIA_TYPE, PROBLEM_BASE
from corridor.bootstrap import Context
from corridor.store.idempotency import Answer, IdempotencyRepository, Reservation
from corridor.store.write_gate import write_transaction

HEADER = "idempotency-key"
MAX_BODY = 2_000_000


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if headers is None or scope["method"] != "POST" or HEADER not in headers:
            await self.app(scope, receive, send)
            return
        key = headers[HEADER]
        if not (0 < len(key) <= 255 and key.isascii() and key.isprintable()):
            await _problem(send, scope, "invalid-idempotency-key", "1 to 255 printable ASCII")
            return
        ctx: Context = scope["app"].state.ctx
        state = scope.setdefault("state", {})
        principal = await resolve_async(ctx, state, headers.get("authorization"))
        if principal is None:  # the route answers 401
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        fingerprint = _fingerprint(scope, headers, body)
        found = await run_in_threadpool(_reserve, ctx, principal.id, key, fingerprint)
        if found is not None:
            await _answer_again(send, scope, found, fingerprint)
            return
        await self._run_and_keep(scope, send, body, ctx, principal.id, key)

    async def _run_and_keep(
        self, scope: Scope, send: Send, body: bytes, ctx: Context, who: str, key: str
    ) -> None:
        """Run the request, keep its answer, and only then send it: a client that retries
        as soon as it has the answer finds the answer kept, not the key still held."""
        sent: list[Message] = []

        async def replay() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def hold(message: Message) -> None:
            sent.append(message)

        try:
            await self.app(scope, replay, hold)
        finally:
            await run_in_threadpool(_keep, ctx, who, key, sent)
        for message in sent:
            await send(message)


def _reserve(ctx: Context, who: str, key: str, fingerprint: str) -> Reservation | None:
    with write_transaction(ctx.engine) as connection:
        return IdempotencyRepository(connection).reserve(who, key, fingerprint, ctx.now())


def _keep(ctx: Context, who: str, key: str, sent: list[Message]) -> None:
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    with write_transaction(ctx.engine) as connection:
        keys = IdempotencyRepository(connection)
        if start is None or start["status"] >= 500:
            keys.release(who, key)
            return
        headers = Headers(raw=start["headers"])
        answer = Answer(
            status=start["status"],
            content_type=headers.get("content-type", "application/json"),
            body=body,
            location=headers.get("location"),
        )
        keys.complete(who, key, answer)


async def _answer_again(send: Send, scope: Scope, found: Reservation, fingerprint: str) -> None:
    if found.fingerprint != fingerprint:
        detail = "this key was used for another request; use a new key for a new request"
        await _problem(send, scope, "idempotency-key-reused", detail)
    elif found.answer is None:
        detail = "the first request with this key is still running; retry shortly"
        await _problem(send, scope, "idempotency-key-in-use", detail, [(b"retry-after", b"1")])
    else:
        answer = found.answer
        headers = [
            (b"content-type", answer.content_type.encode()),
            (b"idempotent-replayed", b"true"),
        ]
        if answer.location:
            headers.append((b"location", answer.location.encode()))
        await _send(send, answer.status, headers, answer.body)


async def _problem(
    send: Send,
    scope: Scope,
    kind: str,
    detail: str,
    extra: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
) -> None:
    import json

    status, title = API_PROBLEMS[kind]
    body = json.dumps(
        {"type": PROBLEM_BASE + kind, "title": title, "status": status, "detail": detail,
         "instance": scope["path"]}
    ).encode()  # fmt: skip
    await _send(send, status, [(b"content-type", MEDIA_TYPE.encode()), *extra], body)


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


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
