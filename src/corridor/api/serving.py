"""Running an ASGI app under uvicorn with one or several worker processes.

``uvicorn.run`` would do, but for a uvicorn bug (Kludex/uvicorn#3149, open in 0.54): with
``workers > 1`` it binds the listening socket itself with ``proto`` 0, the accepted
sockets inherit that, and asyncio turns TCP_NODELAY on only for sockets that say
IPPROTO_TCP. With Nagle's algorithm left on, every answer on a keep-alive connection
after the first waits for the client's delayed ACK: about 40 ms each on Linux, whatever
the app does (`bench.api_lodging` measured 44 ms per request for an empty endpoint,
0.3 ms with one worker). Here the socket is bound as TCP, so the workers' connections
get TCP_NODELAY as a single worker's do.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess


class _Config(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        return tcp_listener(super().bind_socket())


def tcp_listener(bound: socket.socket) -> socket.socket:
    """``bound`` as a socket that says it is TCP (the same descriptor), if it is one."""
    internet = bound.family in (socket.AF_INET, socket.AF_INET6)
    if not internet or bound.type != socket.SOCK_STREAM or bound.proto == socket.IPPROTO_TCP:
        return bound
    listener = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, bound.detach())
    listener.set_inheritable(True)
    return listener


DEFAULTS: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    # uvicorn kills a worker that has not answered its supervisor's ping within this
    # many seconds (5 by default), and starts another; on a busy box a worker's imports
    # alone took longer than 5 s, so workers were killed and restarted over and over.
    "timeout_worker_healthcheck": 30,
}


def server_config(app: str, *, workers: int, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration ``run`` serves ``app`` with."""
    return _Config(app, workers=workers, **{**DEFAULTS, **options})


def run(app: str, *, workers: int, **options: Any) -> None:
    """``uvicorn.run(app, workers=workers, **options)``, with the socket bound as TCP, on
    uvloop's event loop and httptools' HTTP parser (C, both: uvicorn's pure-Python
    parser took a good share of a request's time). Named rather than left to uvicorn's
    ``auto``, so that a missing one fails at start instead of silently costing CPU."""
    config = server_config(app, workers=workers, **options)
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
