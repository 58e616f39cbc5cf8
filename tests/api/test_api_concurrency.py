"""Several uvicorn workers share one PostgreSQL database: of two concurrent actions on one
movement, one wins and the other gets 409, never two wins and never a 5xx."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from corridor_api_testing import Driver, bearer, issue_tokens

from corridor.bootstrap import Settings, bootstrap
from corridor.domain.lifecycle import MovementState as S
from corridor_testing import free_port, wait_until_serving

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROUNDS_AT_LEAST, ROUNDS_AT_MOST = 8, 40


@pytest.fixture(scope="module")
def server(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """`corridor serve --workers 2` on a loopback port, stopped at the end."""
    bootstrap(Settings(database_url=postgres_url), initialise=True).close()
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "server.log"
    corridor = str(Path(sys.executable).with_name("corridor"))
    command = [corridor, "--db", postgres_url, "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", "2", "--log-level", "info"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _both_at_once(base: str, mrn: str, token: str) -> list[int]:
    """Two releases of one movement, sent at the same instant from two threads."""
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send(seal: str) -> None:
        with httpx.Client(base_url=base, timeout=20) as client:
            barrier.wait(timeout=10)
            answer = client.post(
                f"/movements/{mrn}/release", json={"seals": [seal]}, headers=bearer(token)
            )
            statuses.append(answer.status_code)

    threads = [threading.Thread(target=send, args=(f"S-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(statuses)


def test_two_workers_two_concurrent_actions_one_wins(
    server: tuple[str, Path], postgres_url: str
) -> None:
    base, log = server
    ctx = bootstrap(Settings(database_url=postgres_url, random_control_rate=0))
    try:
        tokens = issue_tokens(ctx)
        driver = Driver(ctx, clock=_RealClock())
        pids: set[int] = set()
        rounds = 0
        while rounds < ROUNDS_AT_LEAST or (len(pids) < 2 and rounds < ROUNDS_AT_MOST):
            rounds += 1
            movement = driver.movement(S.ACCEPTED, "AZE/041/00217", "AZ0HRD01", "AZ0NAX01")
            statuses = _both_at_once(base, movement.mrn, tokens["customs_az"])
            assert statuses == [200, 409], f"round {rounds}"
            history = httpx.get(
                f"{base}/movements/{movement.mrn}/events", headers=bearer(tokens["operator"])
            )
            assert [e["action"] for e in history.json()].count("release") == 1
            pids |= _worker_pids(log)
    finally:
        ctx.close()
    assert len(pids) == 2, "both workers answered"
    metrics = httpx.get(f"{base}/metrics").text  # answered by one worker, counting both
    route = 'route="/movements/{mrn}/release"'
    assert (
        f'corridor_http_requests_total{{method="POST",{route},status="200"}} {rounds}.0' in metrics
    )
    assert (
        f'corridor_http_requests_total{{method="POST",{route},status="409"}} {rounds}.0' in metrics
    )


def _worker_pids(log: Path) -> set[int]:
    pids = set()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{") and '"logger": "corridor.api.access"' in line:
            pids.add(int(json.loads(line)["pid"]))
    return pids


class _RealClock:
    """The server keeps real time; the driver must lodge on the same clock."""

    def __call__(self) -> object:
        from datetime import UTC, datetime

        return datetime.now(UTC)

    def advance(self, **delta: float) -> None:
        """Real time cannot be moved; only needed for overdue paths, unused here."""
