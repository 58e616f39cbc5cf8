"""`corridor load` drives the real API over HTTP and accounts for every request."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from corridor import services
from corridor.api.app import create_app
from corridor.bootstrap import Context
from corridor.domain.errors import InvalidInput
from corridor.load import LoadRun, require_loopback


@pytest.fixture
def served(ctx: Context) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(ctx), host="127.0.0.1", port=port, log_config=None, access_log=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_load_runs_every_movement_to_discharge_and_times_each_step(
    ctx: Context, served: str
) -> None:
    report = LoadRun(ctx, served, seed=5).run(
        movements=12, speedup=50_000, max_seconds=60, concurrency=4
    )
    assert report.errors == []
    assert report.movements == report.completed == 12
    assert services.count_by_state(ctx) == {"discharged": 12}
    summary = report.summary()
    assert summary["requests"] == sum(len(v) for v in report.latencies.values()) >= 12 * 6
    assert {"lodge", "accept", "release", "record_passage", "discharge"} <= set(summary["by_step"])
    assert 0 < summary["latency_ms"]["p50"] <= summary["latency_ms"]["p99"]


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:8000", "http://example.org", "http://192.168.1.1"]
)
def test_load_refuses_anything_but_loopback(url: str) -> None:
    with pytest.raises(InvalidInput, match="loopback only"):
        require_loopback(url)
    assert require_loopback("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
