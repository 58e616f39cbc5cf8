"""Set-up and whole-system commands: init, demo, schema, offices, version."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from corridor.bootstrap import bootstrap
from corridor.cli.common import console, settings
from corridor.sim.demo import START, DemoResult, SimulatedClock, plan_demo, run_demo
from corridor.store.codec import declaration_schema


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(demo)
    app.command()(schema)
    app.command()(offices)
    app.command()(version)
    app.command()(backup)
    app.command()(restore)


def init() -> None:
    """Create the database (or bring it to the newest schema)."""
    ctx = bootstrap(settings(), initialise=True)
    ctx.close()
    console.print(f"database ready: {ctx.settings.database_url} (corridor {ctx.corridor.code})")


def demo(
    movements: int = typer.Option(200, "--movements", min=1, max=100_000),
    seed: int = typer.Option(7, "--seed"),
) -> None:
    """Drive N realistic movements through the real services and summarise them by state."""
    clock = SimulatedClock(START)
    ctx = bootstrap(settings(), clock=clock, initialise=True)
    try:
        plan = plan_demo(ctx, movements, seed)
        columns = (
            TextColumn("driving movements"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task("demo", total=len(plan.queue))
            result = run_demo(ctx, clock, plan, lambda n: progress.advance(task, n))
    finally:
        ctx.close()
    _print_summary(result, ctx.settings.database_url)


def _print_summary(result: DemoResult, url: str) -> None:
    table = Table("state", "movements", title=f"{result.movements} movements, {result.steps} steps")
    for state, count in sorted(result.by_state.items(), key=lambda item: -item[1]):
        table.add_row(state, str(count))
    table.add_row("[bold]total[/bold]", f"[bold]{sum(result.by_state.values())}[/bold]")
    console.print(table)
    lanes = Table("lane", "movements")
    for lane, count in result.by_lane.most_common():
        lanes.add_row(lane, str(count))
    console.print(lanes)
    channels = ", ".join(f"{name} {count}" for name, count in result.by_channel.most_common())
    console.print(f"screening channels: {channels}")
    if result.by_review:
        hits = ", ".join(f"{state} {count}" for state, count in result.by_review.most_common())
        console.print(f"screening hits, decided by customs at departure: {hits}")
    console.print(f"simulated until {result.ended_at:%Y-%m-%d %H:%M} UTC; database {url}")
    console.print(
        f"transparency log: {result.log_size} entries, every event signed into a checkpoint"
    )
    console.print(
        "next: corridor movements list --state in_transit | corridor movements show MRN | "
        "corridor log verify | corridor log receipt MRN"
    )


def schema(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
) -> None:
    """Print the JSON Schema of a transit declaration."""
    text = json.dumps(declaration_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def offices() -> None:
    """List the corridor's offices, what they do and who decides and records there."""
    from corridor.corridors import load_corridor

    corridor = load_corridor(settings().corridor_path)
    table = Table(
        "code", "name", "state", "functions", "modes", "decide", "record", title=corridor.name
    )
    for office in corridor.offices.values():
        names = " / ".join(dict.fromkeys(office.names[lang] for lang in corridor.languages))
        table.add_row(
            office.code, names, office.state,
            ", ".join(sorted(office.functions)), ", ".join(sorted(office.modes)),
            ", ".join(sorted(office.decide)), ", ".join(sorted(office.record)),
        )  # fmt: skip
    console.print(table)


def version() -> None:
    """Print corridor's version."""
    from corridor import __version__

    typer.echo(__version__)


def backup(destination: Path = typer.Argument(..., help="The backup file to write.")) -> None:
    """Take a consistent online backup of the (SQLite) database."""
    from corridor import backup as backups

    ctx = bootstrap(settings())
    try:
        written = backups.backup(ctx, destination)
    finally:
        ctx.close()
    console.print(f"backup written: {written} (back up the log signing key separately)")


def restore(
    source: Path = typer.Argument(..., help="A file written by `corridor backup`."),
) -> None:
    """Restore a backup as the database given by --db (which must not exist yet)."""
    from corridor import backup as backups

    target = backups.restore(source, settings().database_url)
    console.print(f"restored into {target}; check it with `corridor log verify`")
