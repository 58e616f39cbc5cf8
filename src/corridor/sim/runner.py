"""Run the simulation of a corridor: a baseline and, on request, the standard what-ifs.

>>> from corridor.corridors import default_corridor_path
>>> simulation = run_simulation(default_corridor_path(), days=1, seed=1)
>>> simulation.baseline.stats.departed > 0
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from corridor.corridors import load_corridor
from corridor.domain.network import Corridor
from corridor.sim.model import simulate
from corridor.sim.parameters import SimulationParameters, parse_simulation
from corridor.sim.scenarios import InvalidSimulationOption, Scenario
from corridor.sim.stats import RunStats, summarise

MAX_DAYS = 3650


@dataclass(frozen=True)
class ScenarioRun:
    scenario: Scenario
    parameters: SimulationParameters
    stats: RunStats
    seconds: float  # wall-clock time of the run, for the console only


@dataclass
class Simulation:
    corridor: Corridor
    corridor_path: Path
    days: int
    seed: int
    baseline: ScenarioRun
    what_ifs: list[ScenarioRun] = field(default_factory=list)

    @property
    def runs(self) -> list[ScenarioRun]:
        return [self.baseline, *self.what_ifs]


def run_simulation(
    corridor_path: Path,
    days: int,
    seed: int,
    scenario: Scenario | None = None,
    what_if: bool = False,
) -> Simulation:
    """Load the corridor, run ``scenario`` (the baseline) and optionally the what-ifs."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidSimulationOption("--days", f"from 1 to {MAX_DAYS}")
    corridor = load_corridor(corridor_path)
    parameters = parse_simulation(corridor)
    scenario = scenario or Scenario()
    scenario.apply(parameters)  # reject bad options before any run
    baseline = run_scenario(corridor, parameters, scenario, days, seed)
    simulation = Simulation(corridor, Path(corridor_path), days, seed, baseline)
    if what_if:
        for other in standard_what_ifs(corridor, baseline.stats):
            combined = scenario.combined(other)
            simulation.what_ifs.append(run_scenario(corridor, parameters, combined, days, seed))
    return simulation


def run_scenario(
    corridor: Corridor,
    parameters: SimulationParameters,
    scenario: Scenario,
    days: int,
    seed: int,
) -> ScenarioRun:
    applied = scenario.apply(parameters)
    started = time.perf_counter()
    stats = summarise(simulate(corridor, applied, days, seed), corridor)
    return ScenarioRun(scenario, applied, stats, time.perf_counter() - started)


def standard_what_ifs(corridor: Corridor, baseline: RunStats) -> list[Scenario]:
    """Half as much traffic again; one more lane each way at the busiest post; 95 % data."""
    busiest = baseline.busiest_lanes().office
    return [
        Scenario("+50 % traffic", growth=0.5),
        Scenario(f"+1 lane at {corridor.office(busiest).name()}", add_lanes={busiest: 1}),
        Scenario("95 % pre-arrival data", pre_arrival_share=0.95),
    ]
