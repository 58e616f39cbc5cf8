"""Lodging over HTTP: movements/s, p50 and p99, on SQLite and PostgreSQL, beside a bare
FastAPI endpoint on the same box.

    python -m bench.api_lodging [--movements N] [--concurrency C] [--workers 1,2]

For each worker count W, each run starts a server with W worker processes on 127.0.0.1
(only): the bare endpoint, then ``corridor serve --workers W`` on SQLite and on
PostgreSQL. It lodges N distinct declarations from C concurrent keep-alive connections
(bounded by count and by ``--seconds``), and stops the server. The bare endpoint parses
the same JSON body and answers a small JSON object: what FastAPI, uvicorn and the load
generator cost alone. Both are served the same way (``corridor.api.serving``), and each
is compared at its best worker count. Writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request

from bench.log_report import write_section

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
EXAMPLE = ROOT / "examples" / "road-horadiz-nakhchivan.json"
POSTGRES_ADMIN = os.environ.get(
    "CORRIDOR_TEST_POSTGRES", "postgresql+psycopg://corridor:corridor@127.0.0.1:5432/postgres"
)
HOLDER = "AZE/041/00217"


@dataclass(frozen=True)
class Result:
    name: str
    workers: int
    ok: int
    failed: int
    seconds: float
    latencies: list[float]
    server_cpu: float
    """CPU seconds of the server's processes (workers, supervisor) during the run."""
    client_cpu: float
    """CPU seconds of the load generator (this process) during the run."""

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def per_request_ms(self, cpu: float) -> float:
        return cpu / max(1, self.ok + self.failed) * 1000


def bare_app() -> Any:
    """The baseline: FastAPI parsing the same body and answering small JSON."""
    app = FastAPI()

    @app.post("/movements", status_code=201)
    async def lodge(request: Request) -> dict[str, Any]:
        data = json.loads(await request.body())
        return {"lrn": data["lrn"], "state": "lodged"}

    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _server(command: list[str], port: int, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in the finally below)
    process = subprocess.Popen(
        command, stdout=log, stderr=log, cwd=ROOT, env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read()[-2000:]!r}")
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, process.pid
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


PLATE_LETTERS = "ABCDEHKMNPRSTUXYZ"


def _bodies(count: int, run: str) -> list[bytes]:
    template = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    bodies = []
    for n in range(count):
        data = copy.deepcopy(template)
        data["lrn"] = f"B{run}-{n:07d}"[:22]
        data["transport"]["vehicle"]["plate"] = truck_plate(n)
        bodies.append(json.dumps(data).encode())
    return bodies


def truck_plate(n: int) -> str:
    """The ``n``-th truck's plate: each lodging comes on its own truck, screened as a
    party never seen before, while the holder, consignor and consignee come back, as
    the carriers and traders of the simulated traffic do (``corridor.sim.traffic``)."""
    letters = PLATE_LETTERS[n % 17] + PLATE_LETTERS[n // 17 % 17]
    return f"{10 + n // 289 % 89}-{letters}-{100 + n // 25_721 % 900}"


async def _load(
    base: str, bodies: list[bytes], token: str, concurrency: int, seconds: float
) -> tuple[int, int, float, list[float]]:
    """Send the bodies from ``concurrency`` keep-alive connections; a minimal HTTP/1.1
    client on asyncio streams, so that the load generator takes little of the CPU the
    servers need (httpx took more than the bare endpoint itself)."""
    host, port = base.removeprefix("http://").split(":")
    queue = list(reversed(bodies))
    latencies: list[float] = []
    failed = 0
    deadline = time.monotonic() + seconds
    head = (
        f"POST /movements HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    ).encode()

    async def worker() -> None:
        nonlocal failed
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while queue and time.monotonic() < deadline:
                body = queue.pop()
                started = time.perf_counter()
                writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                status = await _response(reader)
                if status == 201:
                    latencies.append(time.perf_counter() - started)
                else:
                    failed += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies), failed, time.perf_counter() - started, latencies


async def _response(reader: asyncio.StreamReader) -> int:
    """Read one response; its status code."""
    header = await reader.readuntil(b"\r\n\r\n")
    lines = header.split(b"\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(lines[0].split()[1])


def _group_cpu(group: int) -> float:
    """CPU seconds (user + system) of the live processes in process group ``group``."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _measure(
    name: str, server: tuple[str, int], token: str, workers: int, args: argparse.Namespace
) -> Result:
    base, group = server
    run = f"{name[:3]}{workers}"
    warm = _bodies(args.warmup, f"W{run}")
    asyncio.run(_load(base, warm, token, args.concurrency, args.seconds))
    bodies = _bodies(args.movements, run)
    server_cpu, client_cpu = _group_cpu(group), time.process_time()
    ok, failed, seconds, latencies = asyncio.run(
        _load(base, bodies, token, args.concurrency, args.seconds)
    )
    server_cpu, client_cpu = _group_cpu(group) - server_cpu, time.process_time() - client_cpu
    result = Result(name, workers, ok, failed, seconds, latencies, server_cpu, client_cpu)
    p50, p99 = result.percentile(0.5), result.percentile(0.99)
    print(
        f"{name}, {workers} worker(s): {result.rate:.0f}/s p50 {p50:.1f} ms p99 {p99:.1f} ms "
        f"({ok} ok, {failed} failed; server {result.per_request_ms(server_cpu):.2f}, "
        f"client {result.per_request_ms(client_cpu):.2f} ms CPU per request)",
        flush=True,
    )
    return result


def _corridor(url: str, workers: int, args: argparse.Namespace) -> Result:
    from corridor import accounts
    from corridor.bootstrap import Settings, bootstrap
    from corridor.domain.network import Role
    from corridor.domain.principal import Principal

    ctx = bootstrap(Settings(database_url=url), initialise=True)
    token = accounts.add_principal(ctx, Principal("bench", Role.CARRIER, holder=HOLDER)).token
    ctx.close()
    port = _free_port()
    corridor = str(Path(sys.executable).with_name("corridor"))
    # at its default log level, as deployed: one JSON line a request
    command = [corridor, "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    backend = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    with _server(command, port, dict(os.environ)) as server:
        return _measure(f"corridor, {backend}", server, token, workers, args)


def _bare(workers: int, args: argparse.Namespace) -> Result:
    port = _free_port()
    command = [sys.executable, "-m", "bench.api_lodging", "--serve-bare", str(port),
               "--workers", str(workers)]  # fmt: skip
    with _server(command, port, dict(os.environ)) as server:
        return _measure("bare FastAPI endpoint", server, "none", workers, args)


def serve_bare(port: int, workers: int) -> None:
    """The bare endpoint, served as `corridor serve` serves the API."""
    from corridor.api import serving

    serving.run(
        "bench.api_lodging:bare_app", factory=True, host="127.0.0.1", port=port,
        workers=workers, log_level="warning", access_log=False,
    )  # fmt: skip


@contextmanager
def _postgres_database() -> Iterator[str | None]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"corridor_bench_{os.getpid()}"
    try:
        admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server: the table says so
        print(f"PostgreSQL unavailable ({type(error).__name__}); run scripts/postgres-up")
        yield None
        return
    try:
        yield make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


TARGET_RATE, TARGET_P99_MS, TARGET_SHARE = 500, 100, 0.25


def best(results: list[Result], name: str) -> Result | None:
    """The run of server ``name`` with the highest rate (over the worker counts)."""
    runs = [r for r in results if r.name == name]
    return max(runs, key=lambda r: r.rate) if runs else None


def targets(results: list[Result]) -> list[str]:
    """One line per corridor backend: its best run against the three targets."""
    bare = best(results, "bare FastAPI endpoint")
    assert bare is not None
    lines = []
    for name in dict.fromkeys(r.name for r in results if r.name.startswith("corridor")):
        run = best(results, name)
        assert run is not None
        checks = [
            (f">= {TARGET_RATE}/s", run.rate >= TARGET_RATE, f"{run.rate:,.0f}/s"),
            (f"p99 < {TARGET_P99_MS} ms", run.percentile(0.99) < TARGET_P99_MS,
             f"{run.percentile(0.99):.1f} ms"),
            (f">= {TARGET_SHARE:.0%} of bare", run.rate >= TARGET_SHARE * bare.rate,
             f"{run.rate / bare.rate:.0%}"),
        ]  # fmt: skip
        verdicts = "; ".join(f"{what}: {'met' if ok else '**not met**'} ({got})"
                             for what, ok, got in checks)  # fmt: skip
        lines.append(f"- {name} at its best ({run.workers} worker(s)): {verdicts}.")
    return lines


def report(results: list[Result], args: argparse.Namespace) -> str:
    bare = best(results, "bare FastAPI endpoint")
    assert bare is not None
    rows = [
        f"| {r.name} | {r.workers} | {r.rate:,.0f} | {r.percentile(0.5):.1f} "
        f"| {r.percentile(0.99):.1f} | {r.rate / bare.rate:.0%} "
        f"| {r.per_request_ms(r.server_cpu):.2f} | {r.per_request_ms(r.client_cpu):.2f} "
        f"| {r.ok:,} | {r.failed} |"
        for r in results
    ]
    workers = " and ".join(str(w) for w in args.worker_counts)
    return "\n".join([
        "## Lodging over HTTP (`python -m bench.api_lodging`)",
        "",
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average "
        f"{args.load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end (the box is "
        f"shared with other jobs), Python {platform.python_version()}. Each server runs on "
        f"127.0.0.1 with {workers} worker processes in turn (`corridor serve --workers W`, "
        "whose supervisor also runs the log's sequencer; at its default log level, which "
        "writes one JSON line a request, and with each worker kept on one CPU of its own, "
        "its default; the bare endpoint is served by the same code, "
        "`corridor.api.serving`, likewise pinned, and logs nothing). "
        f"{args.concurrency} concurrent keep-alive connections (a minimal asyncio HTTP/1.1 "
        "client, in one process on the same box, so it takes its share of the cores) lodge "
        f"{args.movements:,} distinct declarations (the example, each with its own LRN and "
        "truck plate: the truck is screened as a party never seen before, the holder and "
        "traders come back, as in the simulated traffic) after "
        f"{args.warmup} to warm up. Each lodging validates, screens, allocates an MRN, "
        "stores the movement, its event, its itinerary and its log entry durably (SQLite: "
        "WAL, synchronous=FULL) before it is answered, the entry integrated into the log "
        "by the sequencer within a second; the "
        "lodgings that arrive together in a worker share one transaction and one commit "
        "(group commit). Both servers run on uvloop and httptools. The bare endpoint parses "
        "the same body and answers small JSON. CPU per request: the server's processes "
        "(not PostgreSQL's), and the load generator's. `of bare`: against the bare "
        "endpoint's best rate.",
        "",
        "| server | workers | movements/s | p50 ms | p99 ms | of bare "
        "| server CPU ms/req | client CPU ms/req | lodged | failed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Targets: >= {TARGET_RATE} movements/s, p99 < {TARGET_P99_MS} ms, at least "
        f"{TARGET_SHARE:.0%} of the bare endpoint's rate (best bare: {bare.rate:,.0f}/s with "
        f"{bare.workers} worker(s)).",
        "",
        *targets(results),
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=120, help="time bound of one run")
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs")
    parser.add_argument("--output", type=Path, default=BENCHMARKS, help="the file to update")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.worker_counts = [int(w) for w in args.workers.split(",")]
    if args.serve_bare is not None:
        serve_bare(args.serve_bare, args.worker_counts[0])
        return
    args.load = os.getloadavg()[0]
    results = []
    for workers in args.worker_counts:
        results.append(_bare(workers, args))
        with tempfile.TemporaryDirectory() as scratch:
            results.append(_corridor(f"sqlite:///{scratch}/bench.sqlite", workers, args))
        with _postgres_database() as url:
            if url is not None:
                results.append(_corridor(url, workers, args))
    results.sort(key=lambda r: (r.name != "bare FastAPI endpoint", r.name, r.workers))
    text = report(results, args)
    print(text)
    if not args.no_write:
        write_section("api", text, args.output)


if __name__ == "__main__":
    main()
