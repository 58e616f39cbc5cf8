"""`corridor load`: simulated traffic against a running corridor API (loopback only)."""

from __future__ import annotations

import typer
from rich.table import Table

from corridor.cli.common import JSON_OPTION, console, open_context, print_json


def register(app: typer.Typer) -> None:
    app.command()(load)


def load(
    url: str = typer.Option("http://127.0.0.1:8000", "--url", help="The API, on this machine."),
    movements: int = typer.Option(
        100, "--movements", min=1, max=100_000, help="At most this many."
    ),
    speedup: float = typer.Option(
        600.0, "--speedup", min=1.0, help="Simulated seconds per second."
    ),
    max_seconds: float = typer.Option(
        60.0, "--max-seconds", min=1.0, max=3600.0, help="Start no movement after this."
    ),
    concurrency: int = typer.Option(8, "--concurrency", min=1, max=64),
    seed: int = typer.Option(1, "--seed"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Drive the API with the corridor's simulated traffic; report throughput and latency.
    Creates its own principals in the database given by --db (that of the server)."""
    from corridor.load import LoadRun

    ctx = open_context()
    try:
        report = LoadRun(ctx, url, seed).run(movements, speedup, max_seconds, concurrency)
    finally:
        ctx.close()
    summary = report.summary()
    if as_json:
        print_json({**summary, "error_samples": report.errors[:5]})
        return
    title = f"{summary['completed']}/{summary['movements']} movements completed"
    table = Table("step", "requests", "p50 ms", "p95 ms", "p99 ms", title=title)
    for step, figures in summary["by_step"].items():
        quantiles = (str(figures[q]) for q in ("p50", "p95", "p99"))
        table.add_row(step, str(len(report.latencies[step])), *quantiles)
    console.print(table)
    rate = summary["requests_per_second"]
    console.print(
        f"{summary['requests']} requests in {summary['seconds']} s: {rate} requests/s; "
        f"{summary['errors']} errors"
    )
    for sample in report.errors[:5]:
        console.print(f"  error: {sample}", style="red")
