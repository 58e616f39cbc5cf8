"""Lodging over HTTP: movements/s, p50 and p99, on SQLite and PostgreSQL, beside a bare
FastAPI endpoint on the same box.

    python -m bench.api_lodging [--movements N] [--concurrency C] [--workers W]

Each run starts ``corridor serve --workers W`` on 127.0.0.1 (only), lodges N distinct
declarations from C concurrent keep-alive connections (bounded by count and by
``--seconds``), and stops the server. The bare endpoint parses the same JSON body and
answers a small JSON object: what FastAPI, uvicorn and the load generator cost alone.
Writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import platform
import re
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
    ok: int
    failed: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


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
def _server(command: list[str], port: int, env: dict[str, str]) -> Iterator[str]:
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
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _bodies(count: int, run: str) -> list[bytes]:
    template = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    bodies = []
    for n in range(count):
        data = copy.deepcopy(template)
        data["lrn"] = f"B{run}-{n:07d}"[:22]
        bodies.append(json.dumps(data).encode())
    return bodies


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


def _measure(name: str, base: str, token: str, args: argparse.Namespace) -> Result:
    warm = _bodies(args.warmup, f"W{name[:3]}")
    asyncio.run(_load(base, warm, token, args.concurrency, args.seconds))
    bodies = _bodies(args.movements, name[:3])
    ok, failed, seconds, latencies = asyncio.run(
        _load(base, bodies, token, args.concurrency, args.seconds)
    )
    result = Result(name, ok, failed, seconds, latencies)
    p50, p99 = result.percentile(0.5), result.percentile(0.99)
    print(
        f"{name}: {result.rate:.0f}/s p50 {p50:.1f} ms p99 {p99:.1f} ms ({ok} ok, {failed} failed)"
    )
    return result


def _corridor(url: str, args: argparse.Namespace) -> Result:
    from corridor import accounts
    from corridor.bootstrap import Settings, bootstrap
    from corridor.domain.network import Role
    from corridor.domain.principal import Principal

    ctx = bootstrap(Settings(database_url=url), initialise=True)
    token = accounts.add_principal(ctx, Principal("bench", Role.CARRIER, holder=HOLDER)).token
    ctx.close()
    port = _free_port()
    corridor = str(Path(sys.executable).with_name("corridor"))
    command = [corridor, "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(args.workers), "--log-level", "warning"]  # fmt: skip
    backend = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    with _server(command, port, dict(os.environ)) as base:
        return _measure(f"corridor, {backend}", base, token, args)


def _bare(args: argparse.Namespace) -> Result:
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.api_lodging:bare_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    with _server(command, port, dict(os.environ)) as base:
        return _measure("bare FastAPI endpoint", base, "none", args)


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


def report(results: list[Result], args: argparse.Namespace) -> str:
    bare = next(r for r in results if r.name.startswith("bare"))
    rows = [
        f"| {r.name} | {r.rate:,.0f} | {r.percentile(0.5):.1f} | {r.percentile(0.99):.1f} "
        f"| {r.rate / bare.rate:.0%} | {r.ok:,} | {r.failed} |"
        for r in results
    ]
    return "\n".join([
        "## Lodging over HTTP (`python -m bench.api_lodging`)",
        "",
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores (load average {args.load:.1f} at "
        "the start: the box was shared with other jobs), Python "
        f"{platform.python_version()}. `corridor serve --workers {args.workers}` on 127.0.0.1; "
        f"{args.concurrency} concurrent keep-alive connections (a minimal asyncio HTTP/1.1 "
        f"client, in one process on the same box) lodge {args.movements:,} distinct "
        "declarations (the example, with its own LRN) "
        f"after {args.warmup} to warm up. Each lodging validates, screens, allocates an MRN, "
        "stores the movement, its event, its itinerary and its log entry in one transaction. "
        "The bare endpoint parses the same body and answers small JSON. "
        "Target: >= 500 movements/s, p99 < 100 ms, >= 25% of the bare endpoint's rate.",
        "",
        "| server | movements/s | p50 ms | p99 ms | of bare | lodged | failed |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
    ])  # fmt: skip


def write_section(name: str, text: str, path: Path = BENCHMARKS) -> None:
    """Put ``text`` between this benchmark's markers in docs/benchmarks.md."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{begin}\n{text.strip()}\n{end}\n"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _: block, current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    path.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=120, help="time bound of one run")
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs")
    parser.add_argument("--output", type=Path, default=BENCHMARKS, help="the file to update")
    args = parser.parse_args(argv)
    args.load = os.getloadavg()[0]
    results = [_bare(args)]
    with tempfile.TemporaryDirectory() as scratch:
        results.append(_corridor(f"sqlite:///{scratch}/bench.sqlite", args))
    with _postgres_database() as url:
        if url is not None:
            results.append(_corridor(url, args))
    text = report(results, args)
    print(text)
    if not args.no_write:
        write_section("api", text, args.output)


if __name__ == "__main__":
    main()
