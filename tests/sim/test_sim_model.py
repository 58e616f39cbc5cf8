"""The model: vehicles are conserved, Little's law holds, what-ifs move waits the right way."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from corridor.domain.network import Corridor, Mode
from corridor.sim.model import CorridorModel, RunResult, simulate
from corridor.sim.parameters import SimulationParameters, parse_simulation
from corridor.sim.scenarios import Scenario
from corridor.sim.stats import RunStats, summarise
from corridor.sim.workload import MINUTES_PER_DAY, Closure, Workload, draw_workload


@pytest.fixture(scope="module")
def parameters(tripp: Corridor) -> SimulationParameters:
    return parse_simulation(tripp)


def _run(corridor: Corridor, parameters: SimulationParameters, days: int, seed: int) -> RunStats:
    return summarise(simulate(corridor, parameters, days, seed), corridor)


def _assert_conserved(result: RunResult) -> None:
    for queue in result.queues():
        assert queue.arrived == queue.served + queue.waiting() + queue.in_service()
        assert queue.arrived == len(queue.waits) + queue.waiting()
        assert queue.waiting() == len(queue.resource.queue) + queue.blocked
    completed = sum(len(flow.completed_times) for flow in result.flows)
    assert result.departed == sum(len(flow.workload.arrivals) for flow in result.flows)
    assert result.arrived == completed <= result.departed


def test_every_vehicle_is_served_or_still_queueing(
    tripp: Corridor, parameters: SimulationParameters
) -> None:
    result = simulate(tripp, parameters, days=5, seed=4)
    _assert_conserved(result)
    assert any(queue.waiting() for queue in result.queues()), "a busy run ends with queues"
    assert result.departed > result.arrived > 0


def _first_day_only(workload: Workload) -> Workload:
    for flow in workload.flows:
        keep = sum(1 for at in flow.arrivals if at < MINUTES_PER_DAY)
        flow.arrivals, flow.primary = flow.arrivals[:keep], flow.primary[:keep]
        flow.channel, flow.secondary = flow.channel[:keep], flow.secondary[:keep]
    return dataclasses.replace(workload, days=4, closures=[])


def test_a_drained_corridor_delivers_every_vehicle(
    tripp: Corridor, parameters: SimulationParameters
) -> None:
    workload = _first_day_only(draw_workload(tripp, parameters, days=4, seed=5))
    result = CorridorModel(parameters, workload).run()
    _assert_conserved(result)
    assert result.departed == result.arrived > 500
    for queue in result.queues():
        assert queue.arrived == queue.served and queue.waiting() == queue.in_service() == 0


def test_littles_law_holds_on_a_long_run(tripp: Corridor, parameters: SimulationParameters) -> None:
    stats = _run(tripp, parameters, days=42, seed=6)
    checked = 0
    for queue in stats.queues:
        if queue.mean_queue > 0.5:
            expected = queue.arrival_rate_per_minute * queue.waits.mean
            assert queue.mean_queue == pytest.approx(expected, rel=0.08), queue.label
            checked += 1
    assert checked >= 4


def test_the_same_seed_gives_the_same_run(
    tripp: Corridor, parameters: SimulationParameters
) -> None:
    first, again = (_run(tripp, parameters, days=3, seed=7) for _ in range(2))
    other = _run(tripp, parameters, days=3, seed=8)
    for a, b in zip(first.queues, again.queues, strict=True):
        assert np.array_equal(a.wait_minutes, b.wait_minutes)
    assert first.departed != other.departed or not all(
        np.array_equal(a.wait_minutes, b.wait_minutes)
        for a, b in zip(first.queues, other.queues, strict=True)
    )


def _mean_transit(stats: RunStats, mode: Mode = Mode.ROAD) -> float:
    flows = [flow for flow in stats.flows if flow.mode is mode]
    completed = sum(flow.completed for flow in flows)
    return sum(flow.transit_hours.mean * flow.completed for flow in flows) / completed


@pytest.mark.parametrize("seed", [1, 2])
def test_more_lanes_never_lengthen_the_wait(
    tripp: Corridor, parameters: SimulationParameters, seed: int
) -> None:
    base = _run(tripp, parameters, days=10, seed=seed)
    office = base.busiest_lanes().office
    more = _run(tripp, Scenario(add_lanes={office: 1}).apply(parameters), days=10, seed=seed)
    assert more.departed == base.departed
    for queue in base.of_kind("lanes", office):
        widened = more.queue(office, "lanes", queue.arrive_from)
        assert widened.capacity == queue.capacity + 1
        assert widened.waits.mean <= queue.waits.mean
        assert widened.waits.max <= queue.waits.max
    assert more.pooled_waits(office, "lanes").mean < base.pooled_waits(office, "lanes").mean
    assert _mean_transit(more) <= _mean_transit(base)


@pytest.mark.parametrize("seed", [3])
def test_pre_arrival_data_shortens_the_wait(
    tripp: Corridor, parameters: SimulationParameters, seed: int
) -> None:
    runs = [
        _run(tripp, Scenario(pre_arrival_share=share).apply(parameters), days=10, seed=seed)
        for share in (0.6, 0.8, 0.95)
    ]
    assert len({run.departed for run in runs}) == 1
    transits = [_mean_transit(run) for run in runs]
    assert transits == sorted(transits, reverse=True) and transits[0] > transits[-1]
    for office in runs[0].offices():
        if runs[0].of_kind("lanes", office):
            waits = [run.pooled_waits(office, "lanes").mean for run in runs]
            assert waits[-1] <= waits[0], office


def test_growth_scales_the_traffic(tripp: Corridor, parameters: SimulationParameters) -> None:
    base = draw_workload(tripp, parameters, days=28, seed=9)
    grown = draw_workload(tripp, Scenario(growth=0.5).apply(parameters), days=28, seed=9)
    trucks = [
        sum(len(f.arrivals) for f in w.flows if f.plan.flow.mode is Mode.ROAD)
        for w in (base, grown)
    ]
    assert trucks[0] / 28 == pytest.approx(parameters.trucks_per_day, rel=0.03)
    assert trucks[1] / trucks[0] == pytest.approx(1.5, rel=0.03)


def test_arrivals_follow_the_hourly_profile(
    tripp: Corridor, parameters: SimulationParameters
) -> None:
    workload = draw_workload(tripp, parameters, days=56, seed=10)
    times = np.concatenate([f.arrivals for f in workload.flows if f.plan.flow.mode is Mode.ROAD])
    by_hour = np.bincount((times // 60 % 24).astype(int), minlength=24) / times.size
    assert by_hour == pytest.approx(parameters.hourly_profile, abs=0.004)
    assert by_hour[8] > 4 * by_hour[3]


def test_nothing_starts_at_a_closed_checkpoint(
    tripp: Corridor, parameters: SimulationParameters
) -> None:
    workload = draw_workload(tripp, parameters, days=4, seed=11)
    closure = Closure("AZ0ORD01", 1.25 * MINUTES_PER_DAY, 2.0 * MINUTES_PER_DAY)
    result = CorridorModel(parameters, dataclasses.replace(workload, closures=[closure])).run()
    _assert_conserved(result)
    ordubad = [q for key, q in result.stops.items() if key.office == "AZ0ORD01"]
    for queue in ordubad:
        started = np.asarray(queue.started)
        assert not np.any((started > closure.start) & (started < closure.end)), queue.kind
        assert np.any(started == closure.end), "the queue restarts when the post reopens"
    elsewhere = result.stops[next(k for k in result.stops if k.office == "AM0NRN01")]
    started = np.asarray(elsewhere.started)
    assert np.any((started > closure.start) & (started < closure.end))


def test_a_train_holds_the_track_for_its_wagons(
    tripp: Corridor, parameters: SimulationParameters
) -> None:
    rail = dataclasses.replace(parameters.rail, wagon_inspection_share=0.0)
    workload = draw_workload(tripp, dataclasses.replace(parameters, rail=rail), 7, seed=12)
    low, high = parameters.wagons_per_train
    (seal_low, seal_high), teams = rail.seal_check_minutes, rail.seal_check_teams
    times = np.concatenate(
        [np.ravel(f.primary) for f in workload.flows if f.plan.flow.mode is Mode.RAIL]
    )
    assert times.size > 100
    assert times.min() >= rail.fixed_minutes + low * seal_low / teams
    assert times.max() <= rail.fixed_minutes + high * seal_high / teams
    middle = rail.fixed_minutes + (low + high) / 2 * (seal_low + seal_high) / 2 / teams
    assert times.mean() == pytest.approx(middle, rel=0.03)


def test_half_as_much_traffic_again_overloads_the_four_lane_posts(
    tripp: Corridor, parameters: SimulationParameters
) -> None:
    base = _run(tripp, parameters, days=7, seed=13)
    grown = _run(tripp, Scenario(growth=0.5).apply(parameters), days=7, seed=13)
    for office in ("AZ0ORD01", "AZ0AGB01"):
        assert base.offered_load(office, "lanes") < 1 <= grown.offered_load(office, "lanes")
    assert grown.offered_load("AM0NRN01", "lanes") < 1
