"""Everything random in a run, drawn up front with numpy: arrivals, service times, closures.

Each flow and purpose has its own random stream, keyed by the seed, the flow's index and
the purpose, and every draw is made whatever the parameters say (a truck draws a
data-capture time even if it has pre-arrival data). So a run with more lanes, or with
another share of pre-arrival data, sees exactly the same trucks, trains, service times
and closures: differences between scenarios come from the scenario, not from noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from corridor.domain.network import Corridor, Mode
from corridor.sim.parameters import Channels, Distribution, Flow, SimulationParameters

MINUTES_PER_DAY = 1440.0
GREEN, YELLOW, RED = 0, 1, 2
_ARRIVALS, _SERVICE, _CLOSURES = 1, 2, 3


@dataclass(frozen=True)
class StopKey:
    """A queue at an en-route checkpoint: traffic of one mode arriving from one neighbour."""

    office: str
    arrive_from: str
    mode: Mode


@dataclass(frozen=True)
class FlowPlan:
    """A flow's checkpoints and the driving (or running) time before each one."""

    flow: Flow
    stops: tuple[StopKey, ...]
    travel_minutes: tuple[float, ...]
    route_minutes: float  # departure to destination, without stops


@dataclass
class FlowWorkload:
    """The vehicles of one flow: arrival times and, per vehicle and stop, service times.

    For trucks ``primary`` is the time at the lane, ``channel`` GREEN, YELLOW or RED and
    ``secondary`` the time at the desk or bay after it. For trains ``primary`` is the time
    on the inspection track and the other two are zero.
    """

    plan: FlowPlan
    arrivals: list[float]
    primary: list[list[float]]
    channel: list[list[int]]
    secondary: list[list[float]]
    pre_arrival: int | None  # how many trucks have pre-arrival data (None for trains)


@dataclass(frozen=True)
class Closure:
    office: str
    start: float
    end: float


@dataclass
class Workload:
    days: int
    flows: list[FlowWorkload]
    closures: list[Closure]


def plan_flows(corridor: Corridor, parameters: SimulationParameters) -> list[FlowPlan]:
    return [_plan(corridor, parameters, flow) for flow in parameters.flows]


def _plan(corridor: Corridor, parameters: SimulationParameters, flow: Flow) -> FlowPlan:
    route = corridor.route(flow.departure, flow.destination, flow.mode)
    legs = [_length_km(corridor, a, b, flow.mode) for a, b in pairwise(route)]
    per_km = 60.0 / parameters.speed_kmh(flow.mode)
    checkpoints = set(corridor.en_route_checkpoints(flow.departure, flow.destination, flow.mode))
    stops, travel, since_last = [], [], 0.0
    for index, office in enumerate(route[1:], start=1):
        since_last += legs[index - 1] * per_km
        if office in checkpoints:
            stops.append(StopKey(office, route[index - 1], flow.mode))
            travel.append(since_last)
            since_last = 0.0
    return FlowPlan(flow, tuple(stops), tuple(travel), sum(legs) * per_km)


def _length_km(corridor: Corridor, a: str, b: str, mode: Mode) -> float:
    """The shortest segment between two neighbouring offices (as ``route`` chose it)."""
    return min(s.length_km for s in corridor.segments if s.mode is mode and set(s.ends) == {a, b})


def draw_workload(
    corridor: Corridor, parameters: SimulationParameters, days: int, seed: int
) -> Workload:
    flows = []
    for index, plan in enumerate(plan_flows(corridor, parameters)):
        arrivals = _arrivals(parameters, plan.flow, days, _rng(seed, index, _ARRIVALS))
        service = _rng(seed, index, _SERVICE)
        if plan.flow.mode is Mode.ROAD:
            flows.append(_trucks(parameters, plan, arrivals, service))
        else:
            flows.append(_trains(parameters, plan, arrivals, service))
    return Workload(days=days, flows=flows, closures=_closures(parameters, days, seed))


def _rng(seed: int, index: int, purpose: int) -> np.random.Generator:
    return np.random.default_rng([seed, index, purpose])


def _arrivals(
    parameters: SimulationParameters, flow: Flow, days: int, rng: np.random.Generator
) -> np.ndarray:
    """A Poisson process whose rate follows the weekday and hourly profiles (trucks)."""
    if flow.mode is Mode.ROAD:
        daily = parameters.trucks_per_day * flow.share
        weekday = np.array(parameters.weekday_profile)[np.arange(days) % 7]
        rates = daily * np.outer(weekday, parameters.hourly_profile).ravel()
    else:
        rates = np.full(days * 24, parameters.trains_per_day * flow.share / 24)
    counts = rng.poisson(rates)
    starts = np.repeat(np.arange(days * 24) * 60.0, counts)
    return np.sort(starts + rng.random(starts.size) * 60.0)


def draw(
    distribution: Distribution, rng: np.random.Generator, size: int | tuple[int, int]
) -> np.ndarray:
    if distribution.kind == "lognormal":
        return rng.lognormal(distribution.a, distribution.b, size)
    return rng.uniform(distribution.a, distribution.b, size)


def _trucks(
    parameters: SimulationParameters,
    plan: FlowPlan,
    arrivals: np.ndarray,
    rng: np.random.Generator,
) -> FlowWorkload:
    shape = (arrivals.size, len(plan.stops))
    service = parameters.service
    has_data = rng.random(arrivals.size) < parameters.pre_arrival_share
    green = draw(service["green"], rng, shape)
    capture = draw(service["data_capture"], rng, shape)
    choice = rng.random(shape)
    yellow, red = draw(service["yellow"], rng, shape), draw(service["red"], rng, shape)
    incident = (rng.random(shape) < parameters.incident_share) * draw(
        service["incident"], rng, shape
    )
    channel = np.where(
        has_data[:, None],
        _channel(choice, parameters.with_pre_arrival),
        _channel(choice, parameters.without_pre_arrival),
    )
    primary = green + np.where(has_data[:, None], 0.0, capture) + incident
    secondary = np.select([channel == YELLOW, channel == RED], [yellow, red], 0.0)
    return FlowWorkload(
        plan=plan,
        arrivals=arrivals.tolist(),
        primary=primary.tolist(),
        channel=channel.tolist(),
        secondary=secondary.tolist(),
        pre_arrival=int(has_data.sum()),
    )


def _channel(choice: np.ndarray, shares: Channels) -> np.ndarray:
    """The same uniform draw picks the channel under either set of shares (monotone)."""
    return np.where(
        choice < shares.green, GREEN, np.where(choice < shares.green + shares.yellow, YELLOW, RED)
    )


def _trains(
    parameters: SimulationParameters,
    plan: FlowPlan,
    arrivals: np.ndarray,
    rng: np.random.Generator,
) -> FlowWorkload:
    rail = parameters.rail
    low, high = parameters.wagons_per_train
    wagons = rng.integers(low, high + 1, arrivals.size)
    columns = []
    for _ in plan.stops:
        seals = _sums(rng.uniform(*rail.seal_check_minutes, wagons.sum()), wagons)
        opened = rng.binomial(wagons, rail.wagon_inspection_share)
        inspections = _sums(draw(parameters.service["red"], rng, opened.sum()), opened)
        columns.append(rail.fixed_minutes + seals / rail.seal_check_teams + inspections)
    primary = np.column_stack(columns) if columns else np.zeros((arrivals.size, 0))
    zeros = np.zeros(primary.shape)
    return FlowWorkload(
        plan=plan,
        arrivals=arrivals.tolist(),
        primary=primary.tolist(),
        channel=zeros.astype(int).tolist(),
        secondary=zeros.tolist(),
        pre_arrival=None,
    )


def _sums(draws: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Split ``draws`` into consecutive groups of ``counts`` and add up each group."""
    totals = np.concatenate([[0.0], np.cumsum(draws)])
    ends = np.cumsum(counts)
    return np.asarray(totals[ends] - totals[ends - counts])


def _closures(parameters: SimulationParameters, days: int, seed: int) -> list[Closure]:
    """A Poisson number of closures, each of one checkpoint; overlapping ones merge."""
    rng = _rng(seed, 0, _CLOSURES)
    offices = list(parameters.checkpoints)
    count = rng.poisson(parameters.closures.per_year * days / 365)
    starts = rng.random(count) * days * MINUTES_PER_DAY
    low, high = np.log(parameters.closures.hours)
    hours = np.exp(rng.uniform(low, high, count))
    which = rng.integers(0, len(offices), count)
    closures = sorted(
        (offices[w], float(s), float(s + h * 60))
        for w, s, h in zip(which, starts, hours, strict=True)
    )
    merged: list[Closure] = []
    for office, start, end in closures:
        if merged and merged[-1].office == office and start <= merged[-1].end:
            merged[-1] = Closure(office, merged[-1].start, max(end, merged[-1].end))
        else:
            merged.append(Closure(office, start, end))
    return merged
