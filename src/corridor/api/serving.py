"""Running an ASGI app under uvicorn with one or several worker processes.

``uvicorn.run`` would do, but for a uvicorn bug (Kludex/uvicorn#3149, open in 0.54): with
``workers > 1`` it binds the listening socket itself with ``proto`` 0, the accepted
sockets inherit that, and asyncio turns TCP_NODELAY on only for sockets that say
IPPROTO_TCP. With Nagle's algorithm left on, every answer on a keep-alive connection
after the first waits for the client's delayed ACK: about 40 ms each on Linux, whatever
the app does (`bench.api_lodging` measured 44 ms per request for an empty endpoint,
0.3 ms with one worker). Here the socket is bound as TCP, so the workers' connections
get TCP_NODELAY as a single worker's do.

Each worker is also kept on one CPU of its own (``pinned``), unless told otherwise.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from contextlib import suppress
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process


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


def usable_cpus() -> list[int]:
    """The CPUs this process may run on, in order; empty where that cannot be known or
    set (not Linux)."""
    if not hasattr(os, "sched_getaffinity") or not hasattr(os, "sched_setaffinity"):
        return []
    return sorted(os.sched_getaffinity(0))


def cpu_of(number: int, cpus: list[int]) -> int | None:
    """The CPU worker ``number`` is kept on, the ``number``-th usable one; None (not kept
    on one) with fewer than two to choose from, or for a worker beyond the CPUs: kept on
    a CPU another worker has, it could never move to one left idle."""
    return cpus[number] if len(cpus) >= 2 and number < len(cpus) else None


def pin(cpu: int | None) -> None:
    """Keep this process on ``cpu``: each of its threads, and those they start.

    A worker's threads share one GIL: its event loop, its group commit's writer (and,
    with one worker, the log's sequencer). Free to run on two CPUs, they passed the GIL
    from one CPU to the other, and every lodging over HTTP cost more CPU in both
    (docs/benchmarks.md, the sixth round); on one CPU they take turns where their data
    already is."""
    if cpu is None:
        return
    try:
        pinned: set[str] = set()
        while threads := set(os.listdir("/proc/self/task")) - pinned:  # until none is new:
            for thread in threads:  # a thread not yet pinned may start one meanwhile
                with suppress(ProcessLookupError):  # ended meanwhile
                    os.sched_setaffinity(int(thread), {cpu})  # Linux: set per thread
            pinned |= threads
    except OSError as error:  # no /proc, or the CPU is no longer ours: serve unpinned
        _logger.warning(f"not kept on CPU {cpu}: {error}")


class _PinnedProcess(Process):
    """uvicorn's worker process, kept on ``cpu`` before it serves."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], cpu: int | None):
        self.cpu = cpu  # before the target is handed to the new process
        super().__init__(config, sockets)

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover
        pin(self.cpu)  # runs in the worker process: coverage does not follow it there
        super().target(sockets)


class _Balanced(Multiprocess):
    """uvicorn's supervisor, each worker on a listening socket of its own
    (``reuseport_listeners``): worker ``n``, and whichever replaces it, gets socket ``n``.
    The supervisor keeps every socket open, so the connections the kernel gave a worker
    that died wait there for its replacement. With ``pinned``, worker ``n`` (and its
    replacement) is kept on the ``n``-th usable CPU (``cpu_of``); the supervisor, which
    runs the log's sequencer, is not."""

    def __init__(
        self, config: uvicorn.Config, listeners: list[socket.socket], *, pinned: bool = True
    ) -> None:
        super().__init__(config, sockets=listeners)
        self._cpus = usable_cpus() if pinned else []

    def _worker(self, number: int) -> Process:
        process = _PinnedProcess(self.config, [self.sockets[number]], cpu_of(number, self._cpus))
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._worker(number) for number in range(self.processes_num)]

    def keep_subprocess_alive(self) -> None:  # uvicorn's, but for the socket each gets
        if self.should_exit.is_set():
            return
        for number, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung: killed; or dead already
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # would fail the same way again
                _logger.error(f"Child process [{process.pid}] failed to start, stopping.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            _logger.info(f"Child process [{process.pid}] died")
            self.processes[number] = self._worker(number)

    def restart_all(self) -> None:  # SIGHUP: each replacement serving before the old goes
        for number, old in enumerate(list(self.processes)):
            if self.should_exit.is_set():
                return
            new = self._worker(number)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                _logger.error(f"New child process [{new.pid}] was not ready in time.")
                return
            old.terminate()
            old.join()
            self.processes[number] = new

    def handle_ttin(self) -> None:  # SIGTTIN: one more worker, on a socket of its own
        first = self.sockets[0]
        self.sockets.append(_listener(first.family, first.getsockname(), self.config.backlog))
        self.processes_num += 1
        self.processes.append(self._worker(self.processes_num - 1))

    def handle_ttou(self) -> None:  # SIGTTOU: one fewer; its socket (and what waits) closes
        if self.processes_num <= 1:
            return
        self.processes_num -= 1
        process = self.processes.pop()
        process.terminate()
        process.join()
        self.sockets.pop().close()


_logger = logging.getLogger("uvicorn.error")


def reuseport_listeners(config: uvicorn.Config, count: int) -> list[socket.socket] | None:
    """``count`` TCP sockets listening on the configured host and port, each with
    SO_REUSEPORT, so that the kernel shares new connections out among them; None where
    that cannot be (a Unix socket, a descriptor given, no SO_REUSEPORT). Says where it
    listens as uvicorn does."""
    if config.uds is not None or config.fd is not None or not hasattr(socket, "SO_REUSEPORT"):
        return None
    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    try:
        port = _free(family, (config.host, config.port))
        listeners = [_listener(family, (config.host, port), config.backlog) for _ in range(count)]
    except OSError as error:
        _logger.error(error)
        sys.exit(STARTUP_FAILURE)
    host = f"[{config.host}]" if family == socket.AF_INET6 else config.host
    scheme = "https" if config.is_ssl else "http"
    _logger.info(f"Uvicorn running on {scheme}://{host}:{port} (Press CTRL+C to quit)")
    return listeners


def _free(family: socket.AddressFamily, address: tuple[Any, ...]) -> int:
    """The port of ``address`` (the one the system chooses, for 0) if nothing listens on
    it, as a socket without SO_REUSEPORT finds it: another server's sockets with
    SO_REUSEPORT would otherwise let ours join them and share its connections."""
    with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)  # OSError (address in use) if something listens there
        return int(probe.getsockname()[1])


def _listener(
    family: socket.AddressFamily, address: tuple[Any, ...], backlog: int
) -> socket.socket:
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(address)
        listener.listen(backlog)
    except OSError:
        listener.close()
        raise
    listener.set_inheritable(True)
    return listener


def run(app: str, *, workers: int, pinned: bool = True, **options: Any) -> None:
    """``uvicorn.run(app, workers=workers, **options)``, with the socket bound as TCP, on
    uvloop's event loop and httptools' HTTP parser (C, both: uvicorn's pure-Python
    parser took a good share of a request's time). Named rather than left to uvicorn's
    ``auto``, so that a missing one fails at start instead of silently costing CPU.
    ``pinned``: each worker kept on one CPU (``pin``); one worker serves in this
    process, which is kept on the first usable CPU."""
    config = server_config(app, workers=workers, **options)
    if workers > 1:
        listeners = reuseport_listeners(config, workers)
        if listeners is None:  # uvicorn's own workers, which are not pinned
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            _Balanced(config, listeners, pinned=pinned).run()
        return
    if pinned:
        pin(cpu_of(0, usable_cpus()))
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
