"""`corridor monitor`: follow a corridor's log from outside and raise an alert."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from corridor.cli.common import console
from corridor.monitor import HttpFetcher, check

monitor_app = typer.Typer(
    help="Follow the log from outside; alert on rollback or split view.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")


@monitor_app.command("check")
def check_command(
    url: str = typer.Option(..., "--url", help="The corridor's base URL (serving /log/...)."),
    vkey: str = typer.Option(..., "--vkey", help="The log's verifier key."),
    state: Path = typer.Option(
        Path("var/monitor-checkpoint"), "--state", help="The last checkpoint accepted."
    ),
    peer: list[Path] = typer.Option(
        [], "--peer", help="A signed checkpoint another party saw (repeatable)."
    ),
    evidence: Path = typer.Option(
        Path("var/monitor-alerts"), "--evidence", help="Where an alert's proof goes."
    ),
) -> None:
    """One round of monitoring: exit 0 when all is well, 1 with an ALERT line when not."""
    finding = check(HttpFetcher(url), vkey, state, [p.read_bytes() for p in peer])
    if not finding.alert:
        console.print(f"OK: {finding.message}")
        return
    evidence.mkdir(parents=True, exist_ok=True)
    for number, note in enumerate(finding.evidence, start=1):
        (evidence / f"{finding.kind}-{number}.checkpoint").write_bytes(note)
    print(f"ALERT {finding.kind}: {finding.message} (signed proof in {evidence})", file=sys.stderr)
    raise typer.Exit(1)
