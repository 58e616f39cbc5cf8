"""The movement aggregate: a declaration and where it stands in the procedure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corridor.domain.declaration import TransitDeclaration, Transport
from corridor.domain.lifecycle import MovementState
from corridor.domain.risk import RiskAssessment


@dataclass(frozen=True)
class Passage:
    """A movement seen at an en-route checkpoint with its seals intact: ``at`` is its
    passage (gate-out), ``arrived_at`` its arrival at the checkpoint (gate-in, as the
    office's automated gate or plate reader saw it), when known."""

    office: str
    at: datetime
    by: str
    arrived_at: datetime | None = None


@dataclass(frozen=True)
class Incident:
    """Something that happened en route and must be endorsed by a state's officer."""

    kind: str
    office: str
    at: datetime
    by: str
    description: str
    latitude: float | None = None
    longitude: float | None = None
    new_seals: tuple[str, ...] = ()
    new_transport: Transport | None = None
    endorsed_by: str | None = None


@dataclass(frozen=True)
class Movement:
    """One movement of goods under transit, from lodging to discharge.

    ``version`` counts the events applied so far; the store uses it to refuse a
    concurrent change made from a stale copy.
    """

    mrn: str
    declaration: TransitDeclaration
    state: MovementState
    version: int
    lodged_at: datetime
    updated_at: datetime
    seals: tuple[str, ...] = ()
    control: str | None = None
    released_at: datetime | None = None
    time_limit: datetime | None = None
    passages: tuple[Passage, ...] = ()
    incidents: tuple[Incident, ...] = ()
    arrived_at: datetime | None = None
    closed_at: datetime | None = None
    risk: RiskAssessment | None = None

    @property
    def holder(self) -> str:
        return self.declaration.holder.identification_number

    @property
    def en_route(self) -> tuple[str, ...]:
        return self.declaration.itinerary.en_route or ()

    @property
    def open_incident(self) -> Incident | None:
        if self.incidents and self.incidents[-1].endorsed_by is None:
            return self.incidents[-1]
        return None

    def is_overdue_at(self, now: datetime) -> bool:
        return self.time_limit is not None and now > self.time_limit
