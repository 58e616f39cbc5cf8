"""The witness over HTTP: C2SP tlog-witness ``POST <prefix>/add-checkpoint``.

This layer only reads the body, hands it to ``ledger.witness.Witness`` and writes what
comes back; every status code comes from ``ledger.witness.error_response``. The witness
logic (signature, consistency, compare-and-swap) runs in a worker thread, since it
signs and writes to disk.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from corridor.ledger.cosignature import CosignatureSigner
from corridor.ledger.witness import Witness, WitnessError, error_response
from corridor.witness.keys import load_key
from corridor.witness.storage import SqliteWitnessStorage

MAX_BODY = 64 * 1024
"""63 proof hashes and a checkpoint with a hundred signatures fit in far less."""
LOGGER = logging.getLogger("corridor.witness")


def create_app(witness: Witness, signer: CosignatureSigner) -> Starlette:
    """The ASGI app of one witness; ``signer`` is only shown, ``witness`` signs."""

    async def add_checkpoint(request: Request) -> Response:
        body = await _read_body(request)
        if body is None:
            return PlainTextResponse(f"the body exceeds {MAX_BODY} bytes\n", status_code=413)
        try:
            cosignature = await run_in_threadpool(witness.add_checkpoint, body)
        except WitnessError as error:
            answer = error_response(error)
            LOGGER.info("add-checkpoint refused (%s): %s", answer.status, error)
            headers = {"Content-Type": answer.content_type}
            return Response(answer.body, status_code=answer.status, headers=headers)
        return Response(cosignature, headers={"Content-Type": "text/plain; charset=utf-8"})

    async def about(request: Request) -> Response:
        return PlainTextResponse(f"tlog-witness {signer.verifier().vkey}\n")

    routes = [
        Route("/add-checkpoint", add_checkpoint, methods=["POST"]),
        Route("/", about, methods=["GET"]),
    ]
    return Starlette(routes=routes)


async def _read_body(request: Request) -> bytes | None:
    """The request body, or None as soon as it grows past MAX_BODY."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def open_witness(state: Path, key: Path) -> tuple[Witness, CosignatureSigner, SqliteWitnessStorage]:
    """The witness kept in ``state`` that signs with the key in ``key``."""
    signer = load_key(key)
    storage = SqliteWitnessStorage(state)
    return Witness(signer, storage.known_logs(), storage), signer, storage
