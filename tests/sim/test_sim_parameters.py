"""The [simulation] table: TRIPP's parses, and every error names its exact key."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from corridor.corridors import corridor_from_dict, default_corridor_path
from corridor.domain.errors import InvalidCorridor, InvalidInput
from corridor.domain.network import Corridor
from corridor.sim.parameters import Distribution, parse_simulation
from corridor.sim.scenarios import InvalidSimulationOption, Scenario, parse_lanes

Data = dict[str, Any]


@pytest.fixture(scope="module")
def tripp_data() -> Data:
    return tomllib.loads(default_corridor_path().read_text(encoding="utf-8"))


def _parse(data: Data, change: Callable[[Data], None]) -> None:
    changed = copy.deepcopy(data)
    change(changed["simulation"])
    parse_simulation(corridor_from_dict(changed))


def test_tripp_parses_with_normalised_profiles(tripp: Corridor) -> None:
    parameters = parse_simulation(tripp)
    assert sum(parameters.hourly_profile) == pytest.approx(1)
    assert sum(parameters.weekday_profile) == pytest.approx(7)
    assert parameters.service["green"].mean == pytest.approx(13.0)
    assert parameters.checkpoints["AZ0ORD01"].lanes_from == {"AM0AGR01": 4, "AZ0CLF01": 4}


@pytest.mark.parametrize(("mean", "ratio"), [(13.0, 2.6), (11.5, 1.5), (30.0, 3.5)])
def test_a_lognormal_has_the_mean_and_p95_ratio_it_was_given(mean: float, ratio: float) -> None:
    distribution = Distribution.lognormal(mean, ratio)
    draws = np.random.default_rng(3).lognormal(distribution.a, distribution.b, 400_000)
    assert draws.mean() == pytest.approx(mean, rel=0.01)
    assert np.percentile(draws, 95) / draws.mean() == pytest.approx(ratio, rel=0.02)


def _set(path: str, value: Any) -> Callable[[Data], None]:
    def change(simulation: Data) -> None:
        *parents, last = path.split(".")
        target: Any = simulation
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return change


_DELETE = object()
ORDUBAD_LANES = "simulation.checkpoints.AZ0ORD01.lanes"
CASES = [
    ("trucks_per_day", -1, "simulation.trucks_per_day"),
    ("trucks_per_day", "many", "simulation.trucks_per_day"),
    ("trains_per_day", True, "simulation.trains_per_day"),
    ("wagons_per_train", [57, 40], "simulation.wagons_per_train"),
    ("pre_arrival_share", 1.2, "simulation.pre_arrival_share"),
    ("road_speed_kmh", 0, "simulation.road_speed_kmh"),
    ("hourly_profile", [1.0] * 23, "simulation.hourly_profile"),
    ("weekday_profile.3", -1.0, "simulation.weekday_profile[3]"),
    ("lorries", 3, "simulation.lorries"),
    ("flows.2.mode", "air", "simulation.flows[2].mode"),
    ("flows.0.departure", "AZ0XXX01", "simulation.flows[0].departure"),
    ("flows.1.share", 0.5, "simulation.flows"),
    ("flows.4.via", "AZ0NAX01", "simulation.flows[4].via"),
    ("service.green.p95_ratio", 5.0, "simulation.service.green.p95_ratio"),
    ("service.green.mean_minutes", 0, "simulation.service.green.mean_minutes"),
    ("service.red.distribution", "normal", "simulation.service.red.distribution"),
    ("service.yellow.max_minutes", 10.0, "simulation.service.yellow.max_minutes"),
    ("service.incident", _DELETE, "simulation.service.incident"),
    ("service.green.median", 12, "simulation.service.green.median"),
    ("channels.without_pre_arrival.red", 0.2, "simulation.channels.without_pre_arrival"),
    ("channels.with_pre_arrival.green", -0.1, "simulation.channels.with_pre_arrival.green"),
    ("incidents.share", 2, "simulation.incidents.share"),
    ("closures.hours", [72.0, 4.0], "simulation.closures.hours"),
    ("closures.per_year", _DELETE, "simulation.closures.per_year"),
    ("rail.seal_check_teams", 0, "simulation.rail.seal_check_teams"),
    ("rail.seal_check_minutes", [2.0], "simulation.rail.seal_check_minutes"),
    ("checkpoints.AZ0SDR01", _DELETE, "simulation.checkpoints.AZ0SDR01"),
    ("checkpoints.AZ0HRD01", {"lanes": 2}, "simulation.checkpoints.AZ0HRD01"),
    ("checkpoints.AZ0XXX01", {"lanes": 2}, "simulation.checkpoints.AZ0XXX01"),
    ("checkpoints.AZ0ORD01.lanes", 0, "simulation.checkpoints.AZ0ORD01.lanes"),
    ("checkpoints.AZ0ORD01.lanes", {"AZ0HRD01": 3}, f"{ORDUBAD_LANES}.AZ0HRD01"),
    ("checkpoints.AZ0ORD01.lanes", {"AZ0CLF01": 3}, f"{ORDUBAD_LANES}.AM0AGR01"),
    ("checkpoints.AZ0ORD01.bays", 1.5, "simulation.checkpoints.AZ0ORD01.bays"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "key"), CASES)
def test_an_error_names_its_key(tripp_data: Data, path: str, value: Any, key: str) -> None:
    with pytest.raises(InvalidCorridor) as raised:
        _parse(tripp_data, _set(path, value))
    assert raised.value.key == key


def test_lanes_per_direction_may_differ(tripp_data: Data) -> None:
    changed = copy.deepcopy(tripp_data)
    changed["simulation"]["checkpoints"]["AZ0ORD01"]["lanes"] = {"AZ0CLF01": 6, "AM0AGR01": 3}
    parameters = parse_simulation(corridor_from_dict(changed))
    assert parameters.checkpoints["AZ0ORD01"].lanes_from == {"AM0AGR01": 3, "AZ0CLF01": 6}


def test_a_corridor_without_simulation_is_named(tripp_data: Data) -> None:
    changed = {key: value for key, value in tripp_data.items() if key != "simulation"}
    with pytest.raises(InvalidCorridor) as raised:
        parse_simulation(corridor_from_dict(changed))
    assert raised.value.key == "simulation"


def test_scenarios_change_only_what_they_say(tripp: Corridor) -> None:
    parameters = parse_simulation(tripp)
    changed = Scenario(growth=0.5, lanes={"AZ0ORD01": 6}, pre_arrival_share=0.95).apply(parameters)
    assert changed.trucks_per_day == pytest.approx(900)
    assert changed.trains_per_day == pytest.approx(12)
    assert changed.pre_arrival_share == 0.95
    assert set(changed.checkpoints["AZ0ORD01"].lanes_from.values()) == {6}
    assert changed.checkpoints["AZ0AGB01"] == parameters.checkpoints["AZ0AGB01"]
    more = Scenario(add_lanes={"AM0AGR01": 1}).apply(parameters)
    assert set(more.checkpoints["AM0AGR01"].lanes_from.values()) == {6}


@pytest.mark.parametrize(
    ("scenario", "option"),
    [
        (Scenario(growth=-1), "--growth"),
        (Scenario(pre_arrival_share=1.5), "--pre-arrival"),
        (Scenario(lanes={"AZ0HRD01": 3}), "--lanes"),
        (Scenario(add_lanes={"AZ0ORD01": -4}), "--lanes"),
    ],
)
def test_bad_what_if_options_name_the_option(
    tripp: Corridor, scenario: Scenario, option: str
) -> None:
    with pytest.raises(InvalidSimulationOption) as raised:
        scenario.apply(parse_simulation(tripp))
    assert raised.value.option == option
    assert isinstance(raised.value, InvalidInput)


@pytest.mark.parametrize("value", ["AZ0ORD01", "AZ0ORD01=", "AZ0ORD01=two", "=3", "AZ0ORD01=0"])
def test_lane_options_are_office_equals_count(value: str) -> None:
    with pytest.raises(InvalidSimulationOption, match="--lanes"):
        parse_lanes([value])
    assert parse_lanes(["AZ0ORD01=6", " AM0AGR01 = 7"]) == {"AZ0ORD01": 6, "AM0AGR01": 7}


def test_the_module_examples_run() -> None:
    import doctest

    from corridor.sim import parameters, runner

    for module in (parameters, runner):
        failures, tried = doctest.testmod(module)
        assert failures == 0 and tried > 0, module.__name__
