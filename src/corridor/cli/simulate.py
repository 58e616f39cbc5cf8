"""`corridor simulate`: the discrete-event simulation of the corridor's traffic."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from corridor.cli.common import console, settings
from corridor.sim.runner import Simulation, run_simulation
from corridor.sim.scenarios import Scenario, parse_lanes


def register(app: typer.Typer) -> None:
    app.command()(simulate)


def simulate(
    days: int = typer.Option(365, "--days", help="Days to simulate, from a Monday 00:00."),
    seed: int = typer.Option(1, "--seed", help="Seed of the random draws."),
    growth: float = typer.Option(
        0.0, "--growth", help="Traffic growth over the corridor file's: 0.5 is +50 %."
    ),
    lanes: list[str] = typer.Option(
        [], "--lanes", help="OFFICE=N: N truck lanes each way at a checkpoint (repeatable)."
    ),
    pre_arrival: float | None = typer.Option(
        None, "--pre-arrival", help="Share of movements with pre-arrival data, 0 to 1."
    ),
    what_if: bool = typer.Option(
        False, "--what-if", help="Also run +50 % traffic, +1 lane at the busiest post, 95 % data."
    ),
    out: Path = typer.Option(
        Path("var/simulation"), "--out", help="Directory for report.md and its plots."
    ),
) -> None:
    """Simulate the corridor's traffic; write a report with plots and print a summary."""
    scenario = Scenario(growth=growth, lanes=parse_lanes(lanes), pre_arrival_share=pre_arrival)
    from corridor.sim.report import write_report  # matplotlib: only when a report is written

    simulation = run_simulation(settings().corridor_path, days, seed, scenario, what_if)
    report = write_report(simulation, out, ["corridor", *sys.argv[1:]])
    _print_summary(simulation)
    console.print(f"report: {report}")


def _print_summary(simulation: Simulation) -> None:
    stats = simulation.baseline.stats
    table = Table(
        "post", "trucks/d", "lane wait", "p95", "busy", "desk", "bay", "trains/d", "track",
        title=f"{simulation.corridor.code}, {simulation.days} days, seed {simulation.seed}: "
        "mean waits in minutes",
    )  # fmt: skip
    for office in stats.offices():
        lanes = stats.pooled_waits(office, "lanes")
        busy = max((q.utilisation for q in stats.of_kind("lanes", office)), default=0.0)
        table.add_row(
            simulation.corridor.office(office).name(),
            f"{stats.served_per_day(office, 'lanes'):.0f}", f"{lanes.mean:.1f}",
            f"{lanes.p95:.0f}", f"{busy:.0%}",
            f"{stats.pooled_waits(office, 'desks').mean:.1f}",
            f"{stats.pooled_waits(office, 'bays').mean:.1f}",
            f"{stats.served_per_day(office, 'tracks'):.1f}",
            f"{stats.pooled_waits(office, 'tracks').mean:.0f}",
        )  # fmt: skip
    console.print(table)
    for run in simulation.runs:
        busiest = run.stats.busiest_lanes()
        console.print(
            f"{run.scenario.name}: {run.stats.departed:,} vehicles in {run.seconds:.1f} s; "
            f"busiest {busiest.label}: {busiest.utilisation:.0%} busy, "
            f"mean wait {busiest.waits.mean:.0f} min"
        )
