"""`corridor serve`: the HTTP API under uvicorn, one or several worker processes."""

from __future__ import annotations

import os
import tempfile

import typer

from corridor.cli.common import OPTIONS, open_context


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes."),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning, error."),
    sequencer: bool = typer.Option(
        True,
        "--sequencer/--no-sequencer",
        help="Also run the log's sequencer here (a checkpoint at least every second while "
        "entries arrive), and collect the cosignatures of the witnesses the corridor file "
        "lists. Turn it off where another process sequences the same database.",
    ),
    pin_workers: bool = typer.Option(
        True,
        "--pin-workers/--no-pin-workers",
        help="Keep each worker process on one CPU of its own (Linux, with two usable CPUs "
        "or more: worker n on the n-th; workers beyond the CPUs are not kept). A worker's "
        "event loop and lodging writer then share a CPU instead of passing the GIL "
        "between two. Turn it off where other servers on the host are pinned too.",
    ),
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, metrics at /metrics)."""
    from corridor.api import serving
    from corridor.api.observability import configure_logging
    from corridor.log_service import Sequencer
    from corridor.witnessing import Cosigning

    ctx = open_context()  # fails now, with one line, if the database is not initialised
    if OPTIONS.database_url:
        os.environ["CORRIDOR_DB"] = OPTIONS.database_url
    if OPTIONS.corridor_path:
        os.environ["CORRIDOR_CORRIDOR"] = str(OPTIONS.corridor_path)
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="corridor-metrics-")
    os.environ["CORRIDOR_LOG_LEVEL"] = log_level
    configure_logging(log_level)
    background = Sequencer(ctx) if sequencer else None
    if background is not None:
        background.start()  # in this (supervising) process: one sequencer per server
    cosigning = Cosigning(ctx) if background is not None and ctx.corridor.log.witnesses else None
    if cosigning is not None:
        cosigning.start()  # beside it: the witnesses' cosignatures on each new checkpoint
    try:
        serving.run(
            "corridor.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            pinned=pin_workers,
            log_level=log_level,
            access_log=False,  # corridor logs each request itself, as one JSON line
            log_config=None,
        )
    finally:
        if cosigning is not None:
            cosigning.stop()
        if background is not None:
            background.stop()
        ctx.close()
