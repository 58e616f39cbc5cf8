"""`corridor load` drives the real API over HTTP and accounts for every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from corridor import review_service, services
from corridor.api.app import create_app
from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain.errors import InvalidInput
from corridor.load import LoadRun, require_loopback
from corridor.screening.review import ReviewState
from corridor.sim.traffic import COMPANIES
from corridor.store.repository import MovementFilter
from corridor.store.reviews import ReviewFilter
from corridor_testing import FakeClock, free_port


@contextmanager
def serve(ctx: Context) -> Iterator[str]:
    port = free_port()
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


@pytest.fixture
def served(ctx: Context) -> Iterator[str]:
    with serve(ctx) as url:
        yield url


@pytest.fixture
def listing_ctx(tmp_path: Path, clock: FakeClock) -> Iterator[Context]:
    """A context whose only watch list names every simulated company of Azerbaijan, so
    that the load's movements to or from there raise hits."""
    listed = tmp_path / "listed.csv"
    rows = [f"x-{n},Company,{name},,,az,,test,2026-01-01" for n, name in enumerate(COMPANIES["AZ"])]
    header = "id,schema,name,aliases,birth_date,countries,identifiers,reason,added"
    listed.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'listing.sqlite'}",
        watch_lists=f"test-list={listed}",
        random_control_rate=0.0,
    )
    context = bootstrap(settings, clock=clock, initialise=True)
    yield context
    context.close()


def test_load_runs_every_movement_to_discharge_and_times_each_step(
    ctx: Context, served: str
) -> None:
    report = LoadRun(ctx, served, seed=5).run(
        movements=12, speedup=50_000, max_seconds=60, concurrency=4
    )
    assert report.errors == []
    assert report.movements == report.completed == 12
    assert services.count_by_state(ctx) == {"discharged": 12}
    passages = [p for m in services.list_movements(ctx, MovementFilter()) for p in m.passages]
    dwells = [p.at - p.arrived_at for p in passages if p.arrived_at is not None]
    assert passages and len(dwells) == len(passages)  # each gate recorded its arrival
    assert all(timedelta(minutes=5) <= dwell <= timedelta(hours=3) for dwell in dwells)
    summary = report.summary()
    assert summary["requests"] == sum(len(v) for v in report.latencies.values()) >= 12 * 6
    assert {"lodge", "accept", "release", "record_passage", "discharge"} <= set(summary["by_step"])
    assert 0 < summary["latency_ms"]["p50"] <= summary["latency_ms"]["p99"]


def test_load_decides_the_screening_hits_before_release(listing_ctx: Context) -> None:
    with serve(listing_ctx) as url:
        report = LoadRun(listing_ctx, url, seed=5).run(
            movements=6, speedup=50_000, max_seconds=60, concurrency=2
        )
    assert report.errors == [] and report.completed == 6
    assert services.count_by_state(listing_ctx) == {"discharged": 6}
    items = review_service.list_reviews(listing_ctx, ReviewFilter(limit=1000))
    assert items and {i.state for i in items} == {ReviewState.DISMISSED}
    assert len(report.latencies["dismiss_hit"]) == len(items)


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:8000", "http://example.org", "http://192.168.1.1"]
)
def test_load_refuses_anything_but_loopback(url: str) -> None:
    with pytest.raises(InvalidInput, match="loopback only"):
        require_loopback(url)
    assert require_loopback("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
