"""Figures from a run: throughput, waits, queue lengths and utilisation, per queue and flow.

Waits are those of the vehicles whose service began before the end of the run; vehicles
still queueing then are counted in ``in_queue_at_end``. Queue lengths are the samples the
model took every ``SAMPLE_MINUTES``, so Little's law (mean queue = arrival rate x mean
wait) checks the recorded waits against what SimPy actually held in its queues.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor.domain.network import Corridor, Mode
from corridor.sim.model import SAMPLE_MINUTES, FlowOutcome, Queue, RunResult
from corridor.sim.workload import MINUTES_PER_DAY

PERCENTILES = (50, 90, 95, 99)


@dataclass(frozen=True)
class Waits:
    """A waiting-time distribution in minutes."""

    count: int
    mean: float
    p50: float
    p90: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, minutes: np.ndarray) -> Waits:
        if minutes.size == 0:
            return cls(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        p50, p90, p95, p99 = np.percentile(minutes, PERCENTILES)
        return cls(
            int(minutes.size), float(minutes.mean()), float(p50), float(p90), float(p95),
            float(p99), float(minutes.max()),
        )  # fmt: skip


@dataclass(frozen=True)
class QueueStats:
    """One queue: a checkpoint's lanes or tracks in one direction, or its desks or bays."""

    office: str
    kind: str  # lanes, tracks, desks, bays
    arrive_from: str | None
    label: str
    capacity: int
    arrived: int
    served: int
    in_queue_at_end: int
    in_service_at_end: int
    waits: Waits
    utilisation: float
    mean_queue: float
    max_queue: int
    arrival_rate_per_minute: float
    offered_load: float  # arrivals x mean service time / (servers x time): above 1 overloads
    wait_minutes: np.ndarray  # every recorded wait, for the distribution plots
    queue_by_hour: tuple[float, ...]  # mean queue length by hour of day
    served_by_day: np.ndarray  # service starts per day

    @property
    def per_day(self) -> float:
        return float(self.served_by_day.mean()) if self.served_by_day.size else 0.0


@dataclass(frozen=True)
class FlowStats:
    label: str
    mode: Mode
    departed: int
    completed: int
    with_pre_arrival: int | None  # trucks only
    transit_hours: Waits  # departure to destination, in hours
    over_time_limit: float  # share of completed movements past the corridor's time limit


@dataclass(frozen=True)
class RunStats:
    days: int
    departed: int
    arrived: int
    queues: list[QueueStats]
    flows: list[FlowStats]
    closures: list[tuple[str, float, float]]  # office, start day, hours

    def queue(self, office: str, kind: str, arrive_from: str | None = None) -> QueueStats:
        for queue in self.queues:
            if (queue.office, queue.kind, queue.arrive_from) == (office, kind, arrive_from):
                return queue
        raise KeyError((office, kind, arrive_from))

    def offices(self) -> list[str]:
        return list(dict.fromkeys(queue.office for queue in self.queues))

    def of_kind(self, kind: str, office: str | None = None) -> list[QueueStats]:
        return [q for q in self.queues if q.kind == kind and office in (None, q.office)]

    def pooled_waits(self, office: str, kind: str) -> Waits:
        """The waits of an office's queues of one kind, all directions together."""
        queues = self.of_kind(kind, office)
        return Waits.of(np.concatenate([q.wait_minutes for q in queues] or [np.zeros(0)]))

    def offered_load(self, office: str, kind: str) -> float:
        """The highest offered load of an office's queues of one kind (any direction)."""
        return max((q.offered_load for q in self.of_kind(kind, office)), default=0.0)

    def served_per_day(self, office: str, kind: str) -> float:
        return sum(q.per_day for q in self.of_kind(kind, office))

    def busiest_lanes(self) -> QueueStats:
        lanes = [queue for queue in self.queues if queue.kind == "lanes"]
        return max(lanes, key=lambda queue: (queue.utilisation, queue.waits.mean))


def summarise(result: RunResult, corridor: Corridor) -> RunStats:
    return RunStats(
        days=result.days,
        departed=result.departed,
        arrived=result.arrived,
        queues=[_queue_stats(queue, result, corridor) for queue in result.queues()],
        flows=[_flow_stats(outcome, corridor) for outcome in result.flows],
        closures=[
            (c.office, c.start / MINUTES_PER_DAY, (c.end - c.start) / 60) for c in result.closures
        ],
    )


def _queue_stats(queue: Queue, result: RunResult, corridor: Corridor) -> QueueStats:
    started = np.asarray(queue.started)
    waits = np.asarray(queue.waits)
    samples = np.asarray(queue.samples, dtype=float)
    return QueueStats(
        office=queue.office,
        kind=queue.kind,
        arrive_from=queue.arrive_from,
        label=queue_label(queue.office, queue.kind, queue.arrive_from, corridor),
        capacity=queue.capacity,
        arrived=queue.arrived,
        served=queue.served,
        in_queue_at_end=queue.waiting(),
        in_service_at_end=queue.in_service(),
        waits=Waits.of(waits),
        utilisation=queue.busy_minutes / (queue.capacity * result.horizon),
        mean_queue=float(samples.mean()) if samples.size else 0.0,
        max_queue=int(samples.max()) if samples.size else 0,
        arrival_rate_per_minute=queue.arrived / result.horizon,
        offered_load=_offered_load(queue, result.horizon),
        wait_minutes=waits,
        queue_by_hour=_by_hour(samples),
        served_by_day=np.bincount((started // MINUTES_PER_DAY).astype(int), minlength=result.days)[
            : result.days
        ],
    )


def _offered_load(queue: Queue, horizon: float) -> float:
    if not queue.served:
        return 0.0
    return queue.arrived * (queue.busy_minutes / queue.served) / (queue.capacity * horizon)


def _by_hour(samples: np.ndarray) -> tuple[float, ...]:
    hours = (np.arange(samples.size) * SAMPLE_MINUTES // 60 % 24).astype(int)
    totals = np.bincount(hours, weights=samples, minlength=24)
    counts = np.bincount(hours, minlength=24)
    return tuple(float(t / c) if c else 0.0 for t, c in zip(totals, counts, strict=True))


def _flow_stats(outcome: FlowOutcome, corridor: Corridor) -> FlowStats:
    flow = outcome.workload.plan.flow
    hours = np.asarray(outcome.completed_times) / 60
    limit = corridor.time_limit_hours.get(flow.mode)
    over = float((hours > limit).mean()) if limit and hours.size else 0.0
    return FlowStats(
        label=f"{_name(corridor, flow.departure)} → {_name(corridor, flow.destination)}",
        mode=flow.mode,
        departed=len(outcome.workload.arrivals),
        completed=hours.size,
        with_pre_arrival=outcome.workload.pre_arrival,
        transit_hours=Waits.of(hours),
        over_time_limit=over,
    )


def queue_label(office: str, kind: str, arrive_from: str | None, corridor: Corridor) -> str:
    name = _name(corridor, office)
    if arrive_from is None:
        return f"{name} {kind}"
    return f"{name} {kind} from {_name(corridor, arrive_from)}"


def _name(corridor: Corridor, code: str) -> str:
    return corridor.office(code).name("en")
