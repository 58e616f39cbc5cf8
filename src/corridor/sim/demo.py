"""`corridor demo`: drive realistic movements through the real services, in time order.

Each movement gets a scenario (straight through, controlled, incident, overdue, ...)
planned as timed steps; all steps of all movements run in one time-ordered queue with a
simulated clock, so the store and its events read like a day at the corridor.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from corridor import review_service, services
from corridor.bootstrap import Context
from corridor.domain.commands import ControlKind, IncidentKind, RecordIncident
from corridor.domain.declaration import Party, TransitDeclaration
from corridor.domain.network import Mode, Role
from corridor.domain.principal import Principal
from corridor.log_service import integrate_all
from corridor.screening.review import ReviewState
from corridor.sim.traffic import TRIPP_LANES, Lane, declaration
from corridor.store.repository import MovementFilter
from corridor.store.reviews import ReviewFilter

START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
SWEEP_EVERY = timedelta(minutes=30)
INTEGRATE_EVERY = timedelta(minutes=5)


@dataclass
class Trip:
    """One movement being driven: its declaration, then its MRN once lodged."""

    declaration: TransitDeclaration
    lane: Lane
    scenario: str
    mrn: str = ""
    listed: frozenset[str] = frozenset()
    """The names of its parties that really are the watch-list entity they resemble."""


@dataclass(order=True)
class Step:
    at: datetime
    order: int
    run: Callable[[], object] = field(compare=False)


@dataclass
class DemoResult:
    movements: int
    steps: int
    by_state: dict[str, int]
    by_scenario: Counter[str]
    by_lane: Counter[str]
    ended_at: datetime
    log_size: int
    by_channel: Counter[str]
    by_review: Counter[str]
    """The screening hits by their state in the review queue: confirmed, dismissed, open."""


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


SCENARIOS = (
    ("straight", 62),
    ("documentary_control", 8),
    ("physical_control", 5),
    ("pre_lodged", 8),
    ("incident", 5),
    ("overdue_then_arrived", 2),
    ("overdue_recovery", 1),
    ("overdue_proof", 1),
    ("cancelled", 3),
    ("rejected", 2),
    ("not_released", 1),
    ("arrived_only", 2),
    ("watch_list_hit", 3),
)

# Parties resembling an entity of the demo's watch lists (data/watchlists): the
# watch_list_hit scenario makes one of them a consignee. True: it is that entity (the
# officer confirms the hit); False: a namesake (the officer dismisses it, with a note).
LOOKALIKES = (
    (Party(name="ООО Ордубад Агро", country="AZ"), True),  # own-2, written in Russian
    (Party(name="Ordubad Agro Trade", country="TR"), False),  # another company: a namesake
)
CONFIRMED_NOTE = "Registration and address match the listed entity; physical control ordered"
DISMISSED_NOTE = "Namesake: registration number and address differ from the listed entity"


MIN_HORIZON = timedelta(hours=30)


@dataclass
class DemoPlan:
    trips: list[Trip]
    queue: list[Step]
    ends_at: datetime


def plan_demo(ctx: Context, movements: int, seed: int) -> DemoPlan:
    """Plan ``movements`` trips; steps after the horizon are left undone (still under way)."""
    rng = random.Random(seed)
    planner = _Planner(ctx, rng, random.Random(f"dwell/{seed}"))
    trips = [planner.plan(serial) for serial in range(movements)]
    ends_at = max(planner.last_arrival + timedelta(hours=2), START + MIN_HORIZON)
    queue = [step for step in planner.steps if step.at <= ends_at]
    queue += _every(SWEEP_EVERY, START, ends_at, planner.counter, lambda: _sweep(ctx))
    queue += _every(INTEGRATE_EVERY, START, ends_at, planner.counter, lambda: integrate_all(ctx))
    heapq.heapify(queue)
    return DemoPlan(trips, queue, ends_at)


def run_demo(
    ctx: Context,
    clock: SimulatedClock,
    plan: DemoPlan,
    progress: Callable[[int], object] = lambda advance: None,
) -> DemoResult:
    """Run every planned step in time order on the simulated clock, then count."""
    done = 0
    while plan.queue:
        step = heapq.heappop(plan.queue)
        clock.now = step.at
        step.run()
        done += 1
        progress(1)
    log_size = integrate_all(ctx)
    return DemoResult(
        movements=len(plan.trips),
        steps=done,
        by_state=services.count_by_state(ctx),
        by_scenario=Counter(trip.scenario for trip in plan.trips),
        by_lane=Counter(trip.lane.name for trip in plan.trips),
        ended_at=plan.ends_at,
        log_size=log_size,
        by_channel=_channels(ctx),
        by_review=_reviews(ctx),
    )


def _channels(ctx: Context) -> Counter[str]:
    """How screening sent the movements: green, yellow or red."""
    movements = services.list_movements(ctx, MovementFilter(limit=1_000_000))
    return Counter(str(m.risk.channel) if m.risk else "unscreened" for m in movements)


def _reviews(ctx: Context) -> Counter[str]:
    items = review_service.list_reviews(ctx, ReviewFilter(limit=1_000_000))
    return Counter(item.state.value for item in items)


def _every(
    period: timedelta,
    start: datetime,
    end: datetime,
    counter: Iterator[int],
    run: Callable[[], object],
) -> list[Step]:
    """A step every ``period`` from ``start`` to ``end``: the clock's sweep, the sequencer."""
    steps = []
    at = start + period
    while at <= end:
        steps.append(Step(at, next(counter), run))
        at += period
    return steps


def _sweep(ctx: Context) -> None:
    services.mark_overdue_movements(ctx)


class _Planner:
    """Turns a scenario into timed calls of the services."""

    def __init__(self, ctx: Context, rng: random.Random, dwell: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.dwell = dwell  # its own stream: arrival times leave the trips' draws as they were
        self.steps: list[Step] = []
        self.counter = itertools.count()
        self.clock = START
        self.last_arrival = START

    def plan(self, serial: int) -> Trip:
        rng = self.rng
        lane = rng.choice(TRIPP_LANES)
        mode = Mode.RAIL if rng.random() < 0.25 else Mode.ROAD
        trip = Trip(declaration(rng, serial, lane, mode), lane, self._scenario())
        self.clock += timedelta(minutes=rng.expovariate(1 / 6))
        self.last_arrival = self.clock
        getattr(self, f"_plan_{trip.scenario}")(trip, self.clock)
        return trip

    def _scenario(self) -> str:
        names = [name for name, _ in SCENARIOS]
        weights = [weight for _, weight in SCENARIOS]
        return self.rng.choices(names, weights)[0]

    def _at(self, at: datetime, action: Callable[[], object]) -> None:
        self.steps.append(Step(at, next(self.counter), action))

    def _later(self, at: datetime, low: float, high: float) -> datetime:
        return at + timedelta(minutes=self.rng.uniform(low, high))

    # Principals -----------------------------------------------------------------------
    def _carrier(self, trip: Trip) -> Principal:
        holder = trip.declaration.holder.identification_number
        return Principal(id=f"carrier/{holder}", role=Role.CARRIER, holder=holder)

    def _customs(self, office_code: str) -> Principal:
        office = self.ctx.corridor.office(office_code)
        return Principal(
            id=f"customs-{office.state.lower()}/{office_code}",
            role=Role.CUSTOMS,
            state=office.state,
        )

    def _recorder(self, office_code: str) -> Principal:
        office = self.ctx.corridor.office(office_code)
        if Role.FRONT_OFFICE in office.record:
            return Principal(id=f"gate/{office_code}", role=Role.FRONT_OFFICE, office=office_code)
        return self._customs(office_code)

    # Building blocks ------------------------------------------------------------------
    def _lodge(self, trip: Trip, at: datetime, *, pre_lodge: bool = False) -> None:
        def lodge() -> None:
            trip.mrn = services.lodge(
                self.ctx, trip.declaration, self._carrier(trip), pre_lodge=pre_lodge
            ).movement.mrn

        self._at(at, lodge)

    def _decide(self, trip: Trip, at: datetime, call: Callable[..., object], *args: object) -> None:
        office = trip.declaration.itinerary.departure
        self._at(at, lambda: call(self.ctx, trip.mrn, self._customs(office), *args))

    def _review(self, trip: Trip, at: datetime) -> None:
        """Customs at departure decide the movement's open screening hits, as release
        requires: confirmed where the party is the listed entity, else dismissed."""
        self._decide(trip, at, lambda ctx, mrn, who: decide_hits(ctx, mrn, who, trip.listed))

    def _release(self, trip: Trip, at: datetime) -> None:
        """Customs at departure: the control the screening channel requires, then release."""
        count = self.rng.randint(1, 3)
        seals = tuple(
            f"{trip.lane.departure[:2]}{self.rng.randrange(10**7):07d}" for _ in range(count)
        )

        def release(ctx: Context, mrn: str, who: Principal) -> object:
            movement = services.get_movement(ctx, mrn)
            required = movement.risk.control_required() if movement.risk else frozenset()
            if required and movement.control is None:
                kind = (
                    ControlKind.PHYSICAL
                    if "documentary" not in required
                    else ControlKind.DOCUMENTARY
                )
                services.control(ctx, mrn, who, kind)
            return services.release(ctx, mrn, who, seals)

        self._decide(trip, at, release)

    def _control(self, trip: Trip, at: datetime, wanted: ControlKind) -> None:
        """A control at least as strong as the screening channel requires."""

        def control(ctx: Context, mrn: str, who: Principal) -> object:
            movement = services.get_movement(ctx, mrn)
            required = movement.risk.control_required() if movement.risk else frozenset()
            kind = ControlKind.PHYSICAL if required == {"physical"} else wanted
            return services.control(ctx, mrn, who, kind)

        self._decide(trip, at, control)

    def _journey(self, trip: Trip, at: datetime, stop_after: int | None = None) -> datetime:
        route = self._en_route(trip)
        for index, office in enumerate(route):
            if stop_after is not None and index >= stop_after:
                return at
            longest = 90 if trip.declaration.transport.mode is Mode.ROAD else 180
            since, at = at, self._later(at, 20, longest)
            self._passage(trip, since, at, office)
        return at

    def _passage(self, trip: Trip, since: datetime, at: datetime, office: str) -> None:
        """Passage at ``at``: the vehicle drove from ``since`` (the previous event) to the
        checkpoint's gate, then queued and was checked until ``at`` (its dwell)."""
        arrived = at - (at - since) * self.dwell.uniform(0.15, 0.6)
        recorder = self._recorder(office)
        self._at(
            at,
            lambda: services.record_passage(self.ctx, trip.mrn, recorder, office, arrived),
        )

    def _arrive(self, trip: Trip, at: datetime, discharge: bool = True) -> None:
        destination = trip.declaration.itinerary.destination
        at = self._later(at, 30, 120)
        self._at(
            at, lambda: services.record_arrival(self.ctx, trip.mrn, self._recorder(destination))
        )
        if discharge:
            at = self._later(at, 10, 60)
            self._at(at, lambda: services.discharge(self.ctx, trip.mrn, self._customs(destination)))

    def _en_route(self, trip: Trip) -> tuple[str, ...]:
        itinerary = trip.declaration.itinerary
        mode = trip.declaration.transport.mode
        return self.ctx.corridor.en_route_checkpoints(
            itinerary.departure, itinerary.destination, mode
        )

    def _accepted_and_released(
        self, trip: Trip, at: datetime, control: ControlKind | None = None
    ) -> datetime:
        self._lodge(trip, at)
        at = self._later(at, 2, 15)
        self._decide(trip, at, services.accept)
        at = self._later(at, 1, 10)
        self._review(trip, at)
        if control is not None:
            at = self._later(at, 1, 5)
            self._control(trip, at, control)
            at = (
                self._later(at, 20, 60)
                if control is ControlKind.DOCUMENTARY
                else self._later(at, 60, 180)
            )
        at = self._later(at, 1, 10)
        self._release(trip, at)
        return at

    # Scenarios ------------------------------------------------------------------------
    def _plan_straight(self, trip: Trip, at: datetime) -> None:
        at = self._accepted_and_released(trip, at)
        self._arrive(trip, self._journey(trip, at))

    def _plan_documentary_control(self, trip: Trip, at: datetime) -> None:
        at = self._accepted_and_released(trip, at, ControlKind.DOCUMENTARY)
        self._arrive(trip, self._journey(trip, at))

    def _plan_physical_control(self, trip: Trip, at: datetime) -> None:
        at = self._accepted_and_released(trip, at, ControlKind.PHYSICAL)
        self._arrive(trip, self._journey(trip, at))

    def _plan_pre_lodged(self, trip: Trip, at: datetime) -> None:
        self._lodge(trip, at - timedelta(hours=self.rng.uniform(2, 20)), pre_lodge=True)
        self._at(at, lambda: services.present(self.ctx, trip.mrn, self._carrier(trip)))
        at = self._later(at, 1, 5)
        self._decide(trip, at, services.accept)
        at = self._later(at, 1, 5)
        self._review(trip, at)
        self._release(trip, self._later(at, 1, 5))
        self._arrive(trip, self._journey(trip, at))

    def _plan_incident(self, trip: Trip, at: datetime) -> None:
        at = self._accepted_and_released(trip, at)
        route = self._en_route(trip)
        where = self.rng.randrange(len(route))
        at = self._journey(trip, at, stop_after=where)
        office = route[where]
        at = self._later(at, 20, 60)
        kind = self.rng.choice(
            (IncidentKind.SEAL_BROKEN, IncidentKind.ACCIDENT, IncidentKind.DEVIATION)
        )
        new_seals = (
            (f"{office[:2]}R{self.rng.randrange(10**6):06d}",)
            if kind is IncidentKind.SEAL_BROKEN
            else ()
        )
        incident = RecordIncident(
            office=office,
            kind=kind,
            description=_INCIDENT_TEXT[kind],
            new_seals=new_seals,
        )
        self._at(
            at,
            lambda: services.record_incident(self.ctx, trip.mrn, self._recorder(office), incident),
        )
        at = self._later(at, 15, 90)
        self._at(
            at, lambda: services.endorse_incident(self.ctx, trip.mrn, self._customs(office), office)
        )
        for later_office in route[where:]:
            since, at = at, self._later(at, 20, 90)
            self._passage(trip, since, at, later_office)
        self._arrive(trip, at)

    def _overdue(self, trip: Trip, at: datetime) -> datetime:
        at = self._accepted_and_released(trip, at)
        self._journey(trip, at, stop_after=self.rng.randint(0, 2))
        limit = self.ctx.corridor.time_limit_hours[trip.declaration.transport.mode]
        enquiry_at = at + timedelta(hours=limit + 2)
        self._decide(trip, enquiry_at, services.open_enquiry)
        return enquiry_at

    def _plan_overdue_then_arrived(self, trip: Trip, at: datetime) -> None:
        self._arrive(trip, self._overdue(trip, at) + timedelta(hours=2))

    def _plan_overdue_recovery(self, trip: Trip, at: datetime) -> None:
        at = self._overdue(trip, at) + timedelta(hours=4)
        self._decide(
            trip, at, services.start_recovery, "no proof of arrival within the enquiry period"
        )

    def _plan_overdue_proof(self, trip: Trip, at: datetime) -> None:
        at = self._overdue(trip, at) + timedelta(hours=3)
        self._decide(trip, at, services.close_enquiry, "destination customs' unloading certificate")

    def _plan_cancelled(self, trip: Trip, at: datetime) -> None:
        self._lodge(trip, at)
        self._at(
            self._later(at, 1, 30), lambda: services.cancel(self.ctx, trip.mrn, self._carrier(trip))
        )

    def _plan_rejected(self, trip: Trip, at: datetime) -> None:
        self._lodge(trip, at)
        self._decide(trip, self._later(at, 2, 15), services.reject, "guarantee reference not valid")

    def _plan_not_released(self, trip: Trip, at: datetime) -> None:
        self._lodge(trip, at)
        at = self._later(at, 2, 15)
        self._decide(trip, at, services.accept)
        self._control(trip, self._later(at, 1, 5), ControlKind.PHYSICAL)
        reason = "goods found do not match the declaration"
        self._decide(trip, self._later(at, 90, 180), services.refuse_release, reason)

    def _plan_arrived_only(self, trip: Trip, at: datetime) -> None:
        at = self._accepted_and_released(trip, at)
        self._arrive(trip, self._journey(trip, at), discharge=False)

    def _plan_watch_list_hit(self, trip: Trip, at: datetime) -> None:
        """A consignee resembles a listed entity: its hit is decided before release."""
        party, listed = self.rng.choice(LOOKALIKES)
        first, *others = trip.declaration.consignments
        consignments = (replace(first, consignee=party), *others)
        trip.declaration = replace(trip.declaration, consignments=consignments)
        trip.listed = frozenset({party.name} if listed else ())
        self._plan_straight(trip, at)


def decide_hits(ctx: Context, mrn: str, officer: Principal, listed: frozenset[str]) -> int:
    """The officer at departure decides each open hit of ``mrn``: confirmed where the party
    is in ``listed`` (the demo knows which lookalikes are the entity), else dismissed as a
    namesake. Returns how many were decided."""
    selection = ReviewFilter(states=(ReviewState.OPEN,), mrn=mrn, limit=1000)
    items = review_service.list_reviews(ctx, selection)
    for item in items:
        assert item.id is not None, "stored items have ids"
        if item.party_name in listed:
            review_service.confirm(ctx, item.id, officer, CONFIRMED_NOTE)
        else:
            review_service.dismiss(ctx, item.id, officer, DISMISSED_NOTE)
    return len(items)


_INCIDENT_TEXT = {
    IncidentKind.SEAL_BROKEN: "Seal found broken at inspection; load checked, resealed",
    IncidentKind.ACCIDENT: "Minor road accident; load intact, vehicle inspected",
    IncidentKind.DEVIATION: "Left the prescribed route for a closed bridge; GNSS track attached",
}
