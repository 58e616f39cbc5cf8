"""Soak: the corridor's simulated traffic against a real server for minutes, with the
server killed (SIGKILL) and restarted along the way; then the whole log is verified.

    python -m bench.soak [--seconds 180] [--kills 6] [--speedup 2000] [--concurrency 8]

Writes its section of docs/benchmarks.md. Loopback only, bounded in time and count.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.log_report import machine, table, write_section
from corridor import log_service, services
from corridor.bootstrap import Settings, bootstrap
from corridor.load import LoadRun

CORRIDOR = str(Path(sys.executable).with_name("corridor"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        began = time.monotonic()
        args = [CORRIDOR, "serve", "--port", str(self.port), "--log-level", "error"]
        self.process = subprocess.Popen(
            args, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while time.monotonic() - began < 60:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return time.monotonic() - began
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def soak(seconds: float, kills: int, speedup: float, concurrency: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/soak.sqlite"
        env = {**os.environ, "CORRIDOR_DB": url}
        subprocess.run([CORRIDOR, "init"], env=env, check=True, capture_output=True)
        ctx = bootstrap(Settings.from_environment(url))
        server = Server(env, _free_port())
        restarts = [server.start()]
        run = LoadRun(ctx, f"http://127.0.0.1:{server.port}", seed=11)
        loader = threading.Thread(target=run.run, args=(20_000, speedup, seconds, concurrency))
        loader.start()
        for _ in range(kills):
            time.sleep(seconds / (kills + 1))
            server.kill()
            restarts.append(server.start())
        loader.join(timeout=seconds + 120)
        time.sleep(2)  # let the server's sequencer catch up, then stop it hard once more
        server.kill()
        size = log_service.integrate_all(ctx)
        verified = log_service.verify(ctx)
        states = services.count_by_state(ctx)
        ctx.close()
    summary = run.report.summary()
    intact = verified.size == size and verified.pending == 0
    rows = [
        ["duration (s)", f"{summary['seconds']}"],
        ["server kills (SIGKILL) and restarts", f"{kills}"],
        ["restart time, mean (s)", f"{sum(restarts) / len(restarts):.1f}"],
        ["movements started / completed", f"{summary['movements']} / {summary['completed']}"],
        ["requests (all steps)", f"{summary['requests']} ({summary['requests_per_second']} /s)"],
        ["requests cut off by a kill (errors)", f"{summary['errors']}"],
        ["latency p50 / p95 / p99 (ms)", _quantiles(summary["latency_ms"])],
        ["movements stored, by state", ", ".join(f"{k} {v}" for k, v in sorted(states.items()))],
        ["log entries / verified / pending", f"{size} / {verified.size} / {verified.pending}"],
        ["whole log verifies, every event logged", "yes" if intact else "NO"],
    ]
    return "\n".join([
        "## Soak: load with kill -9 (`make soak`)",
        "",
        f"{machine()}; SQLite, one server with its sequencer, `corridor load` at speedup "
        f"{speedup:g} with {concurrency} clients. A movement cut off by a kill stops where "
        "it was (its carrier would re-send); what the server acknowledged is all in the "
        "store and the log.",
        "",
        table(["", ""], rows, "lr"),
    ])  # fmt: skip


def _quantiles(latency: dict[str, float]) -> str:
    return " / ".join(str(latency.get(q, "-")) for q in ("p50", "p95", "p99"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--speedup", type=float, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    text = soak(args.seconds, args.kills, args.speedup, args.concurrency)
    print(text)
    if not args.no_write:
        write_section("soak", text)


if __name__ == "__main__":
    main()
