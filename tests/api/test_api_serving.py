"""How `corridor serve` serves: its socket bound as TCP, so that connections get
TCP_NODELAY; uvloop and httptools under uvicorn."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import uvloop

from corridor.api import serving
from corridor.api.serving import _Config, tcp_listener
from corridor.bootstrap import Settings, bootstrap
from corridor_testing import free_port, wait_until_serving


def test_the_listener_is_bound_as_tcp_so_accepted_sockets_get_nodelay() -> None:
    config = _Config("corridor.api.app:create_app", host="127.0.0.1", port=0, workers=2)
    listener = config.bind_socket()  # the socket several workers would share
    try:
        assert listener.proto == socket.IPPROTO_TCP
        assert asyncio.run(_nodelay_of_an_accepted_connection(listener)) == 1
    finally:
        listener.close()


def test_a_socket_bound_without_its_protocol_is_rewrapped_as_tcp() -> None:
    bound = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, as uvicorn binds
    bound.bind(("127.0.0.1", 0))
    address = bound.getsockname()
    listener = tcp_listener(bound)
    try:
        assert (listener.proto, listener.getsockname()) == (socket.IPPROTO_TCP, address)
        assert listener.get_inheritable()
    finally:
        listener.close()


async def _nodelay_of_an_accepted_connection(listener: socket.socket) -> int:
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raw = writer.get_extra_info("socket")
        accepted.set_result(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    listener.listen()
    server = await asyncio.start_server(connected, sock=listener)
    async with server:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        result = await asyncio.wait_for(accepted, 10)
        writer.close()
    return result


def test_the_api_is_served_on_uvloop_and_httptools() -> None:
    config = serving.server_config("corridor.api.app:create_app", factory=True, workers=1)
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    assert config.get_loop_factory() is uvloop.new_event_loop


def test_a_worker_s_start_up_heap_is_kept_out_of_the_garbage_collector_s_walks() -> None:
    import gc

    from corridor.api.app import settle_heap

    made_at_start_up = [[n] for n in range(1000)]  # lists: the collector tracks them
    sample = made_at_start_up[0]
    assert id(sample) in {id(o) for o in gc.get_objects()}
    before = gc.get_freeze_count()
    try:
        settle_heap()
        assert gc.get_freeze_count() >= before + len(made_at_start_up)
        assert id(sample) not in {id(o) for o in gc.get_objects()}  # no collection walks it
    finally:
        gc.unfreeze()


def test_each_worker_listens_on_a_socket_of_its_own_and_new_connections_reach_all() -> None:
    config = _Config("corridor.api.app:create_app", host="127.0.0.1", port=0, workers=2)
    listeners = serving.reuseport_listeners(config, 2)
    assert listeners is not None
    try:
        assert len({listener.getsockname() for listener in listeners}) == 1  # one address
        assert all(listener.proto == socket.IPPROTO_TCP for listener in listeners)
        accepted = asyncio.run(_connections_accepted_by_each(listeners, 32))
        # the kernel shares them out by a hash of each connection's address: all 32 on
        # one socket would happen about once in 2**31 (uvicorn's one shared socket gave
        # them all to whichever worker woke first)
        assert sum(accepted) == 32 and min(accepted) > 0, accepted
    finally:
        for listener in listeners:
            listener.close()


def test_a_second_server_on_the_same_port_is_refused_not_let_in_to_share_it() -> None:
    config = _Config("corridor.api.app:create_app", host="127.0.0.1", port=0, workers=2)
    listeners = serving.reuseport_listeners(config, 2)
    assert listeners is not None
    taken = listeners[0].getsockname()[1]
    again = _Config("corridor.api.app:create_app", host="127.0.0.1", port=taken, workers=2)
    try:
        with pytest.raises(SystemExit):  # uvicorn's start-up failure: address in use
            serving.reuseport_listeners(again, 2)
    finally:
        for listener in listeners:
            listener.close()


async def _connections_accepted_by_each(listeners: list[socket.socket], count: int) -> list[int]:
    accepted = [0] * len(listeners)
    servers = []

    def counter(number: int) -> Any:
        def connected(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted[number] += 1
            writer.close()

        return connected

    for number, listener in enumerate(listeners):
        servers.append(await asyncio.start_server(counter(number), sock=listener))
    host, port = listeners[0].getsockname()[:2]
    writers = []
    for _ in range(count):
        _, writer = await asyncio.open_connection(host, port)
        writers.append(writer)
    for _ in range(200):
        if sum(accepted) == count:
            break
        await asyncio.sleep(0.01)
    for writer in writers:
        writer.close()
    for server in servers:
        server.close()
    return accepted


def test_each_worker_is_kept_on_a_usable_cpu_of_its_own_and_those_beyond_are_not() -> None:
    assert [serving.cpu_of(n, [2, 5, 7]) for n in range(5)] == [2, 5, 7, None, None]
    assert serving.cpu_of(0, [3]) is None  # one CPU: nothing to choose, nothing pinned
    assert serving.cpu_of(1, []) is None  # not Linux: the CPUs are not known


@pytest.mark.slow
@pytest.mark.skipif(len(serving.usable_cpus()) < 2, reason="pinning needs two usable CPUs")
@pytest.mark.parametrize(("workers", "pinned"), [(2, True), (2, False), (1, True)])
def test_each_served_worker_runs_on_one_cpu_of_its_own_unless_told_not_to(
    tmp_path: Path, workers: int, pinned: bool
) -> None:
    url = f"sqlite:///{tmp_path}/pinned.sqlite"
    bootstrap(Settings(database_url=url), initialise=True).close()
    port = free_port()
    corridor = str(Path(sys.executable).with_name("corridor"))
    command = [corridor, "--db", url, "serve", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", "--no-sequencer",
               "--pin-workers" if pinned else "--no-pin-workers"]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    usable = set(serving.usable_cpus())
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process)
        if workers == 1:  # served in the process started: each of its threads on one CPU
            assert _cpus_allowed(process.pid) == {min(usable)}
            return
        served_by = _children(process.pid)
        assert len(served_by) == 2
        if pinned:  # the first worker up answered; the other may be pinning itself still
            _eventually(lambda: all(len(_cpus_allowed(pid)) == 1 for pid in served_by))
        allowed = [_cpus_allowed(pid) for pid in served_by]
        if pinned:
            assert all(len(cpus) == 1 for cpus in allowed), allowed
            assert allowed[0] != allowed[1] and set().union(*allowed) <= usable
        else:
            assert allowed == [usable, usable]
        assert _cpus_allowed(process.pid) == usable  # the supervisor is not pinned
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _eventually(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Wait until ``condition()`` holds (a bound on a failure, not a speed)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time given"
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started that run Python (uvicorn's workers; not the
    resource tracker that multiprocessing may start beside them)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        if not (task / "children").exists():  # a kernel without CONFIG_PROC_CHILDREN
            pytest.skip("this kernel does not list a process's children")
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"resource_tracker" not in cmdline:
                found.append(int(child))
    return sorted(found)


def _cpus_allowed(pid: int) -> set[int]:
    """Every thread of ``pid`` may run on these CPUs (one set, or the test fails)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    sets = {frozenset(os.sched_getaffinity(int(task.name))) for task in tasks}
    assert len(sets) == 1, sets
    return set(next(iter(sets)))


def test_a_process_that_cannot_be_kept_on_its_cpu_serves_unpinned_and_says_so() -> None:
    """``pin`` in a process of its own: a CPU that is not (or no longer) ours is refused
    by the kernel; the process goes on, its affinity as it was, with a warning."""
    script = (
        "import logging, os, sys\n"
        "from corridor.api import serving\n"
        "logging.basicConfig(level=logging.WARNING, stream=sys.stdout)\n"
        "before = os.sched_getaffinity(0)\n"
        "serving.pin(max(before) + 4096)\n"
        "print('same' if os.sched_getaffinity(0) == before else 'changed')\n"
    )
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "not kept on CPU" in done.stdout and done.stdout.strip().endswith("same")
