"""The API's request and response shapes (the domain's dataclasses are never changed
for the API: declarations and movements are rendered by ``store.codec``)."""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.responses import Response

from corridor.domain import commands as c
from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import Action
from corridor.domain.movement import Movement
from corridor.domain.network import Corridor, Office
from corridor.domain.principal import Principal
from corridor.domain.visibility import Reading, may_read
from corridor.screening.review import RememberedDismissal, ReviewItem
from corridor.store.codec import movement_to_json_bytes

STRICT = ConfigDict(extra="forbid")


class MovementSummary(BaseModel):
    mrn: str
    state: str
    mode: str
    departure: str
    destination: str
    holder: str
    lrn: str
    lodged_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, movement: Movement) -> MovementSummary:
        d = movement.declaration
        return cls(
            mrn=movement.mrn, state=str(movement.state), mode=str(d.transport.mode),
            departure=d.itinerary.departure, destination=d.itinerary.destination,
            holder=movement.holder, lrn=d.lrn, lodged_at=movement.lodged_at,
            updated_at=movement.updated_at,
        )  # fmt: skip


class MovementPage(BaseModel):
    """One page of movements by MRN; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[MovementSummary]
    next_cursor: str | None


class Event(BaseModel):
    sequence: int
    action: str
    source: str | None
    target: str
    principal: str
    role: str
    office: str | None
    at: datetime
    details: dict[str, Any]

    @classmethod
    def of(cls, event: MovementEvent) -> Event:
        return cls(
            sequence=event.sequence, action=str(event.action),
            source=None if event.source is None else str(event.source),
            target=str(event.target), principal=event.principal, role=str(event.role),
            office=event.office, at=event.at, details=dict(event.details),
        )  # fmt: skip


class MovementCounts(BaseModel):
    """Aggregates only: no movement, party or goods is named."""

    total: int
    by_state: dict[str, int]


class OfficeView(BaseModel):
    code: str
    name: str
    names: dict[str, str]
    state: str
    latitude: float
    longitude: float
    functions: list[str]
    modes: list[str]
    decide: list[str]
    record: list[str]
    unlocode: str | None

    @classmethod
    def of(cls, office: Office) -> OfficeView:
        return cls(
            code=office.code, name=office.name(), names=dict(office.names), state=office.state,
            latitude=office.latitude, longitude=office.longitude,
            functions=sorted(office.functions), modes=sorted(office.modes),
            decide=sorted(office.decide), record=sorted(office.record), unlocode=office.unlocode,
        )  # fmt: skip


class SegmentView(BaseModel):
    ends: tuple[str, str]
    mode: str
    length_km: float


class CorridorView(BaseModel):
    code: str
    name: str
    languages: list[str]
    states: dict[str, dict[str, str]]
    offices: list[OfficeView]
    segments: list[SegmentView]
    time_limit_hours: dict[str, int]

    @classmethod
    def of(cls, corridor: Corridor) -> CorridorView:
        return cls(
            code=corridor.code, name=corridor.name, languages=list(corridor.languages),
            states={code: dict(s.names) for code, s in corridor.states.items()},
            offices=[OfficeView.of(o) for o in corridor.offices.values()],
            segments=[SegmentView(ends=s.ends, mode=str(s.mode), length_km=s.length_km)
                      for s in corridor.segments],
            time_limit_hours={str(m): h for m, h in corridor.time_limit_hours.items()},
        )  # fmt: skip


class PrincipalView(BaseModel):
    id: str
    role: str
    state: str | None
    office: str | None
    holder: str | None

    @classmethod
    def of(cls, principal: Principal) -> PrincipalView:
        return cls(
            id=principal.id, role=str(principal.role), state=principal.state,
            office=principal.office, holder=principal.holder,
        )  # fmt: skip


class ReviewView(BaseModel):
    """A watch-list hit in the review queue: the party, the listed entity, the decision."""

    id: int
    mrn: str
    party_role: str
    party_name: str
    party_key: str
    list: str
    entity_id: str
    caption: str
    score: float
    state: str
    decided_by: str | None
    decided_at: datetime | None
    note: str

    @classmethod
    def of(cls, item: ReviewItem) -> ReviewView:
        assert item.id is not None, "a stored item has an id"
        return cls(
            id=item.id, mrn=item.movement_ref, party_role=item.party_role,
            party_name=item.party_name, party_key=item.party_key, list=item.list_name,
            entity_id=item.entity_id, caption=item.caption, score=item.score,
            state=item.state.value, decided_by=item.decided_by, decided_at=item.decided_at,
            note=item.note,
        )  # fmt: skip


class ReviewPage(BaseModel):
    """One page of review items by id; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[ReviewView]
    next_cursor: str | None


class DecisionRequest(BaseModel):
    """A decision's note: why the party is (or is not) the listed entity."""

    model_config = STRICT
    note: str = Field("", max_length=2000)


class DismissalView(BaseModel):
    """A dismissal a state remembers for a listed entity and a party: made by deciding
    review item ``review_id`` of movement ``mrn``; in force until revoked."""

    id: int
    state: str
    in_force: bool
    mrn: str
    review_id: int
    party_role: str
    party_name: str
    party_key: str
    list: str
    entity_id: str
    caption: str
    decided_by: str
    decided_at: datetime
    note: str
    revoked_by: str | None
    revoked_at: datetime | None
    revocation_note: str | None

    @classmethod
    def of(cls, d: RememberedDismissal) -> DismissalView:
        return cls(
            id=d.id, state=d.state, in_force=d.in_force, mrn=d.mrn, review_id=d.review_id,
            party_role=d.party_role, party_name=d.party_name, party_key=d.party_key,
            list=d.list_name, entity_id=d.entity_id, caption=d.caption,
            decided_by=d.decided_by, decided_at=d.decided_at, note=d.note,
            revoked_by=d.revoked_by, revoked_at=d.revoked_at, revocation_note=d.revocation_note,
        )  # fmt: skip


class DismissalPage(BaseModel):
    """One page of remembered dismissals by id; pass ``next_cursor`` as ``cursor``."""

    items: list[DismissalView]
    next_cursor: str | None


class RevocationRequest(BaseModel):
    """Why the dismissal no longer holds (required)."""

    model_config = STRICT
    note: str = Field(max_length=2000)


def action_request_model(command: type[c.Command]) -> type[BaseModel]:
    """The request body of one action, made from its command's fields (so the API never
    drifts from the domain): ``office``, ``remarks`` and the action's particulars."""
    hints = typing.get_type_hints(command)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(command):
        default = f.default if f.default is not dataclasses.MISSING else ...
        fields[f.name] = (hints[f.name], Field(default))
    name = "".join(part.title() for part in str(command.action).split("_")) + "Request"
    return create_model(name, __config__=STRICT, **fields)


# One route each (``POST /movements/{mrn}/{action}``): see ``commands.MOVEMENT_ACTIONS``.
ACTION_COMMANDS: dict[Action, type[c.Command]] = c.MOVEMENT_ACTIONS


def movement_response(
    movement: Movement,
    principal: Principal,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The movement as ``principal`` may read it (``movement_body``), as a JSON answer."""
    body = movement_body(movement, principal)
    return Response(body, status_code, headers, media_type="application/json")


def movement_body(movement: Movement, principal: Principal) -> bytes:
    """The movement as ``principal`` may read it, in JSON: without the risk assessment
    unless its role may read screening results (``visibility.READERS``). Rendered by
    pydantic-core, as FastAPI renders a ``response_model``."""
    without = None if may_read(principal, Reading.SCREENING) else {"risk"}
    return movement_to_json_bytes(movement, without=without)
