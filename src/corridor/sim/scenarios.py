"""What-if scenarios: traffic growth, more lanes, another share of pre-arrival data.

A scenario changes the parameters read from the corridor file and nothing else, so two
scenarios run with the same seed see the same random draws wherever they can (common
random numbers): the same trucks, the same service times, the same closures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from corridor.domain.errors import InvalidInput
from corridor.sim.parameters import SimulationParameters


class InvalidSimulationOption(InvalidInput):
    """A what-if option that does not fit the corridor; ``option`` names it."""

    title = "Invalid simulation option"

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = message


@dataclass(frozen=True)
class Scenario:
    """Changes to the corridor's parameters. ``growth`` 0.5 means 50 % more traffic."""

    name: str = "baseline"
    growth: float = 0.0
    lanes: Mapping[str, int] = field(default_factory=dict)  # office -> lanes per direction
    add_lanes: Mapping[str, int] = field(default_factory=dict)  # office -> more per direction
    pre_arrival_share: float | None = None

    def apply(self, parameters: SimulationParameters) -> SimulationParameters:
        if self.growth <= -1:
            raise InvalidSimulationOption("--growth", "must be above -1 (that is, -100 %)")
        share = self.pre_arrival_share
        if share is not None and not 0 <= share <= 1:
            raise InvalidSimulationOption("--pre-arrival", "a share from 0 to 1")
        checkpoints = dict(parameters.checkpoints)
        for office in {**self.lanes, **self.add_lanes}:
            if office not in checkpoints:
                known = ", ".join(checkpoints)
                raise InvalidSimulationOption("--lanes", f"{office} is not one of {known}")
            added = self.add_lanes.get(office, 0)
            lanes = {
                source: (self.lanes.get(office, current) + added)
                for source, current in checkpoints[office].lanes_from.items()
            }
            if min(lanes.values()) < 1:
                raise InvalidSimulationOption("--lanes", f"{office} needs at least one lane")
            checkpoints[office] = dataclasses.replace(checkpoints[office], lanes_from=lanes)
        return dataclasses.replace(
            parameters,
            trucks_per_day=parameters.trucks_per_day * (1 + self.growth),
            trains_per_day=parameters.trains_per_day * (1 + self.growth),
            pre_arrival_share=parameters.pre_arrival_share if share is None else share,
            checkpoints=checkpoints,
        )

    def combined(self, other: Scenario) -> Scenario:
        """``other`` on top of this scenario (a what-if on top of the user's baseline)."""
        share = other.pre_arrival_share
        return Scenario(
            name=other.name,
            growth=(1 + self.growth) * (1 + other.growth) - 1,
            lanes={**self.lanes, **other.lanes},
            add_lanes={**self.add_lanes, **other.add_lanes},
            pre_arrival_share=self.pre_arrival_share if share is None else share,
        )


def parse_lanes(values: list[str]) -> dict[str, int]:
    """``OFFICE=N`` options: N lanes per direction at OFFICE."""
    lanes = {}
    for value in values:
        office, sign, count = value.partition("=")
        if not sign or not count.strip().isdigit() or not office.strip():
            raise InvalidSimulationOption("--lanes", f"{value!r} is not OFFICE=N, e.g. AZ0ORD01=6")
        if int(count) < 1:
            raise InvalidSimulationOption("--lanes", f"{value!r}: at least one lane")
        lanes[office.strip()] = int(count)
    return lanes
