"""Kill -9 the API server again and again while a border post keeps lodging: after the
last restart every acknowledged movement is there exactly once and the log verifies."""

from __future__ import annotations

import copy
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from corridor_testing import EXAMPLE, free_port, wait_until_serving

CORRIDOR = str(Path(sys.executable).with_name("corridor"))
SOAK = os.environ.get("CORRIDOR_SOAK") == "1"  # `make soak`: the long version
MOVEMENTS = 300 if SOAK else 30
KILLS = 15 if SOAK else 3
DEADLINE = (
    900.0 if SOAK else 120.0
)  # seconds for the whole scenario; the loop is bounded in count too


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [CORRIDOR, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class Server:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port, self.process = env, port, None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        args = [CORRIDOR, "serve", "--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(
            args, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_serving(self.url, self.process)

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CORRIDOR_DB": f"sqlite:///{tmp_path / 'post.sqlite'}",
        "CORRIDOR_RANDOM_CONTROL_RATE": "0",
    }
    _run(env, "init")
    return env


class BorderPost:
    """Lodges movements one after the other, re-sending until each is acknowledged."""

    def __init__(self, url: str, token: str, template: dict[str, Any]) -> None:
        self.url, self.token, self.template = url, token, template
        self.acknowledged: dict[str, str] = {}
        self.errors: list[str] = []

    def run(self, count: int, deadline: float) -> None:
        for n in range(count):
            declaration = {**copy.deepcopy(self.template), "lrn": f"KILL-{n:04d}"}
            attempt = 0
            while declaration["lrn"] not in self.acknowledged:
                if time.monotonic() > deadline:
                    self.errors.append(f"ran out of time at movement {n}")
                    return
                attempt += 1
                self._send(declaration, f"lodge-{n}-{attempt}")

    def _send(self, declaration: dict[str, Any], key: str) -> None:
        # A reservation orphaned by a kill makes its key wait; a new key is safe
        # because the holder's LRN itself never yields a second movement.
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
        try:
            answer = httpx.post(
                f"{self.url}/movements", json=declaration, headers=headers, timeout=10
            )
        except httpx.TransportError:
            time.sleep(0.1)
            return
        if answer.status_code in (200, 201):
            self.acknowledged[declaration["lrn"]] = answer.json()["mrn"]
        elif answer.status_code not in (409, 503):
            self.errors.append(f"{answer.status_code}: {answer.text}")
            time.sleep(0.1)


def _wait_for_checkpoint(url: str, size: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = httpx.get(f"{url}/log/checkpoint", timeout=5)
        if answer.status_code == 200 and answer.text.split("\n")[1] == str(size):
            return
        time.sleep(0.2)
    raise AssertionError(f"no checkpoint of size {size} within {timeout} s")


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_or_doubled_across_kill_9(environment: dict[str, str]) -> None:
    template: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    holder = template["holder"]["identification_number"]
    token = _run(
        environment, "users", "add", "post-clerk", "--role", "carrier", "--holder", holder
    ).split()[-1]
    server = Server(environment, free_port())
    server.start()
    post = BorderPost(server.url, token, template)
    client = threading.Thread(target=post.run, args=(MOVEMENTS, time.monotonic() + DEADLINE))
    client.start()
    rng = random.Random(9)
    try:
        for _ in range(KILLS):  # kills land in the middle of requests, at random
            time.sleep(rng.uniform(0.5, 1.5))
            server.kill()
            server.start()
        client.join(timeout=DEADLINE)
        _wait_for_checkpoint(server.url, MOVEMENTS)  # the server's own sequencer at work
    finally:
        server.kill()
    assert not client.is_alive() and post.errors == []
    listed = json.loads(_run(environment, "movements", "list", "--json", "--limit", "1000"))
    assert len(listed) == MOVEMENTS == len(post.acknowledged)
    assert {m["mrn"] for m in listed} == set(post.acknowledged.values())
    _run(environment, "log", "integrate")
    report = _run(environment, "log", "verify")
    assert f"verified: {MOVEMENTS} entries" in report and "0 pending" in report
