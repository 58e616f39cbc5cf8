"""Time one simulated year of TRIPP traffic; write the figures into docs/benchmarks.md.

``python -m bench.simulation_year`` (target: a year in at most 30 s). It times the whole
run as `corridor simulate` does it (draws, SimPy model, statistics; plots excluded) at the
corridor file's traffic and at +50 %, and replaces the section between the markers
``<!-- bench:simulation -->`` and ``<!-- /bench:simulation -->``, leaving the rest alone
(``bench.log_report.write_section``).
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime

from bench.log_report import BENCHMARKS, write_section
from corridor.corridors import default_corridor_path
from corridor.sim.runner import run_simulation
from corridor.sim.scenarios import Scenario

SECTION = "simulation"  # between <!-- bench:simulation --> and <!-- /bench:simulation -->
TARGET_SECONDS = 30.0
DAYS = 365


def measure(growth: float) -> tuple[str, float, float, int]:
    started, cpu = time.perf_counter(), time.process_time()
    simulation = run_simulation(
        default_corridor_path(), DAYS, seed=1, scenario=Scenario(growth=growth)
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    trucks = simulation.baseline.parameters.trucks_per_day
    return f"{trucks:.0f} trucks/day", seconds, cpu, simulation.baseline.stats.departed


def section(rows: list[tuple[str, float, float, int]], load: float) -> str:
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "## Simulation: one year of TRIPP traffic",
        "",
        f"`python -m bench.simulation_year`, {datetime.now(UTC):%Y-%m-%d}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs. One simulated year (365 days, "
        "seed 1) from `corridors/tripp.toml`: drawing the workload, the SimPy run and the "
        f"statistics, without plots. Target: at most {TARGET_SECONDS:.0f} s. Load average "
        f"when it started: {load:.1f} (other work on the box stretches the wall-clock time; "
        "the CPU time is the process's own).",
        "",
        "| traffic | vehicles | wall-clock s | CPU s | vehicles/s (wall) | target met |",
        "|---|--:|--:|--:|--:|---|",
    ]
    for label, seconds, cpu, vehicles in rows:
        met = "yes" if seconds <= TARGET_SECONDS else "**no**"
        lines.append(
            f"| {label} | {vehicles:,} | {seconds:.1f} | {cpu:.1f} | {vehicles / seconds:,.0f} "
            f"| {met} |"
        )
    lines += ["", f"Peak memory of the process: {peak_mib:.0f} MiB."]
    return "\n".join(lines)


def main() -> None:
    load = os.getloadavg()[0]
    rows = [measure(growth) for growth in (0.0, 0.5)]
    text = section(rows, load)
    write_section(SECTION, text, BENCHMARKS)
    print(text)
    if rows[0][1] > TARGET_SECONDS:
        sys.exit(
            f"a simulated year took {rows[0][1]:.1f} s, over the {TARGET_SECONDS:.0f} s target"
        )


if __name__ == "__main__":
    main()
