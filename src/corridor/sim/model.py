"""The discrete-event model (SimPy): trucks and trains queueing at the corridor's checkpoints.

Each flow's vehicles leave their office of departure at drawn times and pass the en-route
checkpoints of their route in order. At a checkpoint a truck waits for a lane of its
direction (a SimPy resource), is served there, and a yellow or red truck then waits for a
documentary-control desk or an inspection bay of the office (shared by both directions).
A train waits for an inspection track of its direction and holds it for the whole stop.
A closure stops a whole checkpoint: what is being served finishes, nothing starts until it
reopens. All randomness is drawn beforehand (``workload``), so the model is deterministic;
it records arrival and start times in lists and does no other per-event work.

Lanes, desks, bays and tracks are ``Servers``: SimPy's first-come-first-served resource
cut to what the model needs. ``simpy.Resource`` keeps its queue in a list (each grant
costs a pass over the whole queue, which a year of an overloaded post makes quadratic)
and schedules events for a request or a release even when no one waits; ``Servers``
queues in a deque and schedules an event only to wake a vehicle that waited.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

import simpy

from corridor.domain.network import Corridor, Mode
from corridor.sim.parameters import SimulationParameters
from corridor.sim.workload import (
    MINUTES_PER_DAY,
    YELLOW,
    Closure,
    FlowWorkload,
    StopKey,
    Workload,
    draw_workload,
)

SAMPLE_MINUTES = 15.0  # how often the queue lengths are sampled

Process = Generator[simpy.Event, object, None]


class Servers:
    """``capacity`` identical servers, first come first served, on SimPy events."""

    __slots__ = ("capacity", "count", "env", "queue")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.count = 0  # servers taken
        self.queue: deque[simpy.Event] = deque()  # one event per vehicle waiting

    def request(self) -> simpy.Event | None:
        """None if a server is taken at once; else an event that fires when one is."""
        if self.count < self.capacity:
            self.count += 1
            return None
        event = self.env.event()
        self.queue.append(event)
        return event

    def release(self) -> None:
        """Hand the server to the first vehicle waiting, or free it."""
        if self.queue:
            self.queue.popleft().succeed()
        else:
            self.count -= 1


@dataclass(eq=False)
class Queue:
    """A resource (lanes, desks, bays or tracks) and what happened at it."""

    office: str
    kind: str  # "lanes", "tracks", "desks" or "bays"
    resource: Servers
    arrive_from: str | None = None  # the direction, for lanes and tracks
    arrived: int = 0  # vehicles that joined the queue
    started: list[float] = field(default_factory=list)  # when each one's service began
    waits: list[float] = field(default_factory=list)  # and how long it had waited
    served: int = 0
    busy_minutes: float = 0.0  # service time of the vehicles served
    blocked: int = 0  # holding a place while the checkpoint is closed
    closure: simpy.Event | None = None
    samples: list[int] = field(default_factory=list)  # queue length every SAMPLE_MINUTES

    @property
    def capacity(self) -> int:
        return self.resource.capacity

    def waiting(self) -> int:
        return len(self.resource.queue) + self.blocked

    def in_service(self) -> int:
        return self.resource.count - self.blocked


@dataclass
class FlowOutcome:
    workload: FlowWorkload
    completed_times: list[float] = field(default_factory=list)  # departure to destination


@dataclass
class RunResult:
    """What a run leaves behind; ``stats`` turns it into figures."""

    days: int
    horizon: float
    stops: dict[StopKey, Queue]
    desks: dict[str, Queue]
    bays: dict[str, Queue]
    flows: list[FlowOutcome]
    closures: list[Closure]
    departed: int = 0  # vehicles that left their office of departure
    arrived: int = 0  # vehicles that reached their destination

    def queues(self) -> Iterator[Queue]:
        yield from self.stops.values()
        yield from self.desks.values()
        yield from self.bays.values()


def simulate(
    corridor: Corridor, parameters: SimulationParameters, days: int, seed: int
) -> RunResult:
    """Draw a workload and run it for ``days`` days from an empty corridor (a Monday 00:00)."""
    return CorridorModel(parameters, draw_workload(corridor, parameters, days, seed)).run()


class CorridorModel:
    def __init__(self, parameters: SimulationParameters, workload: Workload) -> None:
        self.env = simpy.Environment()
        self.parameters = parameters
        self.workload = workload
        self.stops: dict[StopKey, Queue] = {}
        for flow in workload.flows:
            for key in flow.plan.stops:
                if key not in self.stops:
                    self.stops[key] = self._stop(key)
        offices = sorted({key.office for key in self.stops if key.mode is Mode.ROAD})
        self.desks = {o: self._queue(o, "desks", parameters.checkpoints[o].desks) for o in offices}
        self.bays = {o: self._queue(o, "bays", parameters.checkpoints[o].bays) for o in offices}
        self.result = RunResult(
            days=workload.days,
            horizon=workload.days * MINUTES_PER_DAY,
            stops=self.stops,
            desks=self.desks,
            bays=self.bays,
            flows=[FlowOutcome(flow) for flow in workload.flows],
            closures=workload.closures,
        )

    def _stop(self, key: StopKey) -> Queue:
        capacity = self.parameters.checkpoints[key.office]
        if key.mode is Mode.ROAD:
            return self._queue(key.office, "lanes", capacity.lanes_from[key.arrive_from], key)
        return self._queue(key.office, "tracks", capacity.rail_tracks, key)

    def _queue(self, office: str, kind: str, capacity: int, key: StopKey | None = None) -> Queue:
        resource = Servers(self.env, capacity)
        return Queue(office, kind, resource, key.arrive_from if key else None)

    def run(self) -> RunResult:
        for outcome in self.result.flows:
            self.env.process(self._source(outcome))
        for closure in self.workload.closures:
            self.env.process(self._closure(closure))
        self.env.process(self._sampler())
        collecting = gc.isenabled()
        gc.disable()  # a year is millions of short-lived events; cycles wait until the end
        try:
            self.env.run(until=self.result.horizon)
        finally:
            if collecting:
                gc.enable()
        return self.result

    def _source(self, outcome: FlowOutcome) -> Process:
        flow = outcome.workload
        stops = [self.stops[key] for key in flow.plan.stops]
        travel = flow.plan.travel_minutes
        last_leg = flow.plan.route_minutes - sum(travel)
        env = self.env
        for index, at in enumerate(flow.arrivals):
            yield env.timeout(at - env.now)
            vehicle = zip(
                stops, travel, flow.primary[index], flow.channel[index], flow.secondary[index],
                strict=True,
            )  # fmt: skip
            env.process(self._vehicle(vehicle, last_leg, outcome.completed_times))

    def _vehicle(
        self,
        stops: Iterator[tuple[Queue, float, float, int, float]],
        last_leg: float,
        done: list[float],
    ) -> Process:
        env = self.env
        departed = env.now
        self.result.departed += 1
        for stop, travel, service, channel, secondary in stops:
            yield env.timeout(travel)
            yield from self._serve(stop, service)
            if secondary:
                station = self.desks if channel == YELLOW else self.bays
                yield from self._serve(station[stop.office], secondary)
        yield env.timeout(last_leg)
        self.result.arrived += 1
        done.append(env.now - departed)

    def _serve(self, queue: Queue, service: float) -> Process:
        env = self.env
        arrived = env.now
        queue.arrived += 1
        request = queue.resource.request()
        if request is not None:
            yield request
        while queue.closure is not None:
            queue.blocked += 1
            yield queue.closure
            queue.blocked -= 1
        queue.started.append(env.now)
        queue.waits.append(env.now - arrived)
        yield env.timeout(service)
        queue.resource.release()
        queue.served += 1
        queue.busy_minutes += service

    def _closure(self, closure: Closure) -> Process:
        yield self.env.timeout(closure.start)
        stops = [stop for key, stop in self.stops.items() if key.office == closure.office]
        reopened = self.env.event()
        for stop in stops:
            stop.closure = reopened
        yield self.env.timeout(closure.end - closure.start)
        for stop in stops:
            stop.closure = None
        reopened.succeed()

    def _sampler(self) -> Process:
        queues = list(self.result.queues())
        while True:
            for queue in queues:
                queue.samples.append(queue.waiting())
            yield self.env.timeout(SAMPLE_MINUTES)
