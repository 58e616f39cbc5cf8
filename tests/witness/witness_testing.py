"""Helpers for the witness tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response

from corridor.api.app import create_app as create_api
from corridor.bootstrap import Context
from corridor.domain.oversight import CosigningPolicy, LogOversight, LogWitness
from corridor.ledger.cosignature import CosignatureSigner
from corridor.ledger.witness import Witness
from corridor.witness.server import create_app
from corridor.witness.storage import SqliteWitnessStorage

T0 = 1_790_000_000


class TickingClock:
    """Cosignature timestamps that move on by one second per signature."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        self.now += 1
        return self.now


@dataclass
class RunningWitness:
    """A witness served over real HTTP on 127.0.0.1 from a thread of this process."""

    name: str
    party: str
    signer: CosignatureSigner
    storage: SqliteWitnessStorage
    url: str = ""

    @property
    def config(self) -> LogWitness:
        return LogWitness(self.name, self.signer.verifier().vkey, self.url, self.party)


def make_witness(
    tmp_path: Path, name: str, party: str, logs: dict[str, list[str]]
) -> RunningWitness:
    signer = CosignatureSigner.generate(f"{name}.witness.test", TickingClock())
    storage = SqliteWitnessStorage(tmp_path / f"{name}.sqlite", create=True)
    for origin, vkeys in logs.items():
        for vkey in vkeys:
            storage.add_log(origin, vkey)
    return RunningWitness(name, party, signer, storage)


def witness_app(witness: RunningWitness) -> Starlette:
    known = witness.storage.known_logs()
    return create_app(Witness(witness.signer, known, witness.storage), witness.signer)


@contextmanager
def serving(app: Any, timeout: float = 10.0) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free port of 127.0.0.1; yields its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


def asgi_post(app: Any, path: str, body: bytes) -> httpx.Response:
    """POST to an ASGI app in memory with httpx (no socket)."""

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://witness") as client:
            response = await client.post(path, content=body)
            await response.aread()
            return response

    return asyncio.run(call())


def with_witnesses(
    ctx: Context, witnesses: list[RunningWitness], parties: tuple[str, ...], monitors: int
) -> None:
    """Configure ``ctx``'s corridor with these witnesses and policy."""
    oversight = LogOversight(tuple(w.config for w in witnesses), CosigningPolicy(parties, monitors))
    ctx.corridor = replace(ctx.corridor, log=oversight)


# --- The log served over HTTP by corridor's API, with a tamperer in front -------------


class Tamper:
    """Paths under /log/ whose answer the server replaces by these bytes (none at first)."""

    def __init__(self) -> None:
        self.paths: dict[str, bytes] = {}


def log_app(ctx: Context, tamper: Tamper | None = None) -> Any:
    """corridor's API (``GET /log/checkpoint``, ``/log/tile/...``) over ``ctx``, behind
    an ASGI layer that serves tampered bytes for the paths in ``tamper``."""
    app = create_api(ctx)
    tamper = tamper or Tamper()

    async def tampering(scope: Any, receive: Any, send: Any) -> None:
        forged = tamper.paths.get(scope.get("path", "").removeprefix("/log/"))
        if scope["type"] == "http" and forged is not None:
            response = Response(forged, media_type="application/octet-stream")
            await response(scope, receive, send)
            return
        await app(scope, receive, send)

    return tampering
