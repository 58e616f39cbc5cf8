"""One command per lifecycle action: its particulars, its preconditions, its effect.

A command never changes state itself: ``procedure.decide`` looks the action up in the
lifecycle table, authorises the principal, then asks the command for its changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from corridor.domain.declaration import TransitDeclaration, Transport
from corridor.domain.errors import InvalidInput, PreconditionFailed
from corridor.domain.identifiers import seal_number_is_valid
from corridor.domain.lifecycle import Action
from corridor.domain.movement import Incident, Movement, Passage
from corridor.domain.network import Corridor
from corridor.domain.risk import HitDecision, RiskAssessment

Changes = dict[str, Any]
Details = dict[str, Any]
MAX_SEALS = 99


class ControlKind(StrEnum):
    DOCUMENTARY = "documentary"  # yellow: documents checked
    PHYSICAL = "physical"  # red: goods examined or scanned


class IncidentKind(StrEnum):
    SEAL_BROKEN = "seal_broken"
    DEVIATION = "deviation"  # left the prescribed itinerary
    ACCIDENT = "accident"
    TRANSHIPMENT = "transhipment"  # goods moved to another means of transport
    UNLOADING = "unloading"  # partial or full unloading under imminent danger
    OTHER = "other"


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base: an action taken at ``office`` (or nowhere), with an optional remark."""

    action: ClassVar[Action]
    office: str | None = None
    remarks: str | None = None

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        """Raise ``PreconditionFailed`` if the action cannot be taken now."""

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        """The movement's changed fields and the event's particulars."""
        return {}, {}


@dataclass(frozen=True, kw_only=True)
class Present(Command):
    action = Action.PRESENT


@dataclass(frozen=True, kw_only=True)
class Amend(Command):
    action = Action.AMEND
    declaration: TransitDeclaration
    risk: RiskAssessment | None = None
    withdrawn: tuple[int, ...] = ()
    """The review items of hits the amended declaration no longer raises (services')."""

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        old, new = movement.declaration, self.declaration
        if new.holder.identification_number != old.holder.identification_number:
            raise PreconditionFailed("an amendment cannot change the holder")
        if new.lrn != old.lrn:
            raise PreconditionFailed("an amendment cannot change the local reference number")

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        details: Details = {"amended": True}
        if self.risk is not None:
            details["channel"] = str(self.risk.channel)
        if self.withdrawn:
            details["withdrawn_reviews"] = list(self.withdrawn)
        return {"declaration": self.declaration, "risk": self.risk}, details


@dataclass(frozen=True, kw_only=True)
class Cancel(Command):
    action = Action.CANCEL


@dataclass(frozen=True, kw_only=True)
class Accept(Command):
    action = Action.ACCEPT


@dataclass(frozen=True, kw_only=True)
class Reasoned(Command):
    """A decision that states its reason, kept with the event."""

    reason: str

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        return {}, {"reason": self.reason}


@dataclass(frozen=True, kw_only=True)
class Reject(Reasoned):
    action = Action.REJECT


@dataclass(frozen=True, kw_only=True)
class Control(Command):
    action = Action.CONTROL
    kind: ControlKind

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        required = movement.risk.control_required() if movement.risk else frozenset()
        if required and str(self.kind) not in required:
            channel = movement.risk.channel if movement.risk else ""
            raise PreconditionFailed(
                f"channel {channel}: the control must be {' or '.join(sorted(required))}"
            )

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        return {"control": str(self.kind)}, {"control": str(self.kind)}


@dataclass(frozen=True, kw_only=True)
class Release(Command):
    """Release for transit: seals recorded, time limit set."""

    action = Action.RELEASE
    seals: tuple[str, ...]
    time_limit_hours: int | None = None

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        _check_risk(movement)
        _check_seals(self.seals, "release")
        if self.time_limit_hours is not None and not 1 <= self.time_limit_hours <= 720:
            raise PreconditionFailed("the time limit must be between 1 and 720 hours")

    def hours(self, corridor: Corridor, movement: Movement) -> int:
        mode = movement.declaration.transport.mode
        return self.time_limit_hours or corridor.time_limit_hours[mode]

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        limit = at + timedelta(hours=self.hours(corridor, movement))
        changes = {"seals": self.seals, "released_at": at, "time_limit": limit}
        return changes, {"seals": list(self.seals), "time_limit": limit.isoformat()}


@dataclass(frozen=True, kw_only=True)
class RefuseRelease(Reasoned):
    action = Action.REFUSE_RELEASE


@dataclass(frozen=True, kw_only=True)
class Invalidate(Reasoned):
    action = Action.INVALIDATE

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        if movement.passages or movement.incidents:
            raise PreconditionFailed("a movement already seen en route cannot be invalidated")


@dataclass(frozen=True, kw_only=True)
class RecordPassage(Command):
    """The movement crossed an en-route checkpoint, seals intact; ``arrived_at`` is when
    it arrived at the checkpoint (gate-in), if known: the passage itself is now."""

    action = Action.RECORD_PASSAGE
    seals_intact: bool = True
    arrived_at: datetime | None = None

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        if not self.seals_intact:
            raise PreconditionFailed("seals not intact: record a seal_broken incident instead")
        if any(p.office == self.office for p in movement.passages):
            raise PreconditionFailed(f"passage at {self.office} is already recorded")
        _check_arrival(self.arrived_at, at)

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        arrived = self.arrived_at
        passage = Passage(office=self.office or "", at=at, by=by, arrived_at=arrived)
        details: Details = {"seals_intact": True}
        if arrived is not None:
            details["arrived_at"] = arrived.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return {"passages": (*movement.passages, passage)}, details


@dataclass(frozen=True, kw_only=True)
class RecordIncident(Command):
    action = Action.RECORD_INCIDENT
    kind: IncidentKind
    description: str
    latitude: float | None = None
    longitude: float | None = None
    new_seals: tuple[str, ...] = ()
    new_transport: Transport | None = None

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        if not self.description.strip():
            raise PreconditionFailed("an incident needs a description")
        if self.new_seals:
            _check_seals(self.new_seals, "new seals")
        if self.kind is IncidentKind.TRANSHIPMENT and self.new_transport is None:
            raise PreconditionFailed("a transhipment names the new means of transport")

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        incident = Incident(
            kind=str(self.kind),
            office=self.office or "",
            at=at,
            by=by,
            description=self.description,
            latitude=self.latitude,
            longitude=self.longitude,
            new_seals=self.new_seals,
            new_transport=self.new_transport,
        )
        changes: Changes = {"incidents": (*movement.incidents, incident)}
        if self.new_seals:
            changes["seals"] = self.new_seals
        details: Details = {"kind": str(self.kind), "new_seals": list(self.new_seals)}
        if self.latitude is not None and self.longitude is not None:
            details["location"] = [self.latitude, self.longitude]
        return changes, details


@dataclass(frozen=True, kw_only=True)
class EndorseIncident(Command):
    """A state's officer has examined the incident; the movement may continue."""

    action = Action.ENDORSE_INCIDENT

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        incident = movement.open_incident
        assert incident is not None, "the lifecycle allows endorsement only with an incident open"
        endorsed = replace(incident, endorsed_by=by)
        return {"incidents": (*movement.incidents[:-1], endorsed)}, {"kind": incident.kind}


@dataclass(frozen=True, kw_only=True)
class RecordArrival(Command):
    action = Action.RECORD_ARRIVAL
    seals_intact: bool = True

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        late = movement.is_overdue_at(at)
        return {"arrived_at": at}, {"seals_intact": self.seals_intact, "late": late}


@dataclass(frozen=True, kw_only=True)
class Discharge(Command):
    action = Action.DISCHARGE


@dataclass(frozen=True, kw_only=True)
class MarkOverdue(Command):
    action = Action.MARK_OVERDUE

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        if not movement.is_overdue_at(at):
            limit = movement.time_limit.isoformat() if movement.time_limit else "none"
            raise PreconditionFailed(f"the time limit ({limit}) has not passed")

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        assert movement.time_limit is not None, "checked above"
        return {}, {"time_limit": movement.time_limit.isoformat()}


@dataclass(frozen=True, kw_only=True)
class OpenEnquiry(Command):
    action = Action.OPEN_ENQUIRY


@dataclass(frozen=True, kw_only=True)
class CloseEnquiry(Command):
    """The holder proved the goods reached their destination (alternative proof)."""

    action = Action.CLOSE_ENQUIRY
    proof: str

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        return {}, {"proof": self.proof}


@dataclass(frozen=True, kw_only=True)
class StartRecovery(Reasoned):
    action = Action.START_RECOVERY

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        guarantee = movement.declaration.guarantee
        _, details = super().effect(movement, at, by, corridor)
        details |= {
            "guarantee": guarantee.reference,
            "amount_minor": guarantee.amount.amount_minor,
            "currency": guarantee.amount.currency,
        }
        return {}, details


@dataclass(frozen=True, kw_only=True)
class ReviewHit(Command):
    """Confirm or dismiss a screening hit: one party that resembles one listed entity.

    The decision changes the movement's risk assessment (``RiskAssessment.reviewed``);
    the review item and the remembered dismissal are the services' to store.
    """

    action = Action.REVIEW_HIT
    decision: HitDecision
    entity_id: str
    party_key: str
    party_role: str = ""
    list_name: str = ""
    item: int | None = None
    note: str = ""

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        if self.decision is HitDecision.DISMISS and not self.note.strip():
            raise InvalidInput(
                "note: a dismissal needs a note saying why the hit is a false positive"
            )

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        details: Details = {
            "decision": str(self.decision), "item": self.item, "party_role": self.party_role,
            "party_key": self.party_key, "list": self.list_name, "entity_id": self.entity_id,
            "note": self.note,
        }  # fmt: skip
        if movement.risk is None:
            return {}, details
        risk = movement.risk.reviewed(self.entity_id, self.party_key, self.decision)
        return {"risk": risk}, details | {"channel": str(risk.channel)}


@dataclass(frozen=True, kw_only=True)
class RevokeDismissal(Command):
    """Revoke a remembered dismissal (a listed entity and a party, in one state): that
    state's screenings raise the hit again. An event of the movement whose review made
    the dismissal; nothing of the movement changes. The store keeps the revocation."""

    action = Action.REVOKE_DISMISSAL
    dismissal: int
    entity_id: str
    party_key: str
    party_role: str = ""
    list_name: str = ""
    item: int | None = None
    note: str = ""

    def check(self, movement: Movement, at: datetime, corridor: Corridor) -> None:
        if not self.note.strip():
            raise InvalidInput("note: a revocation needs a note saying why the dismissal goes")

    def effect(
        self, movement: Movement, at: datetime, by: str, corridor: Corridor
    ) -> tuple[Changes, Details]:
        return {}, {
            "dismissal": self.dismissal, "item": self.item, "party_role": self.party_role,
            "party_key": self.party_key, "list": self.list_name, "entity_id": self.entity_id,
            "note": self.note,
        }  # fmt: skip


def _check_risk(movement: Movement) -> None:
    """Screening's channel decides what control must come before release."""
    risk = movement.risk
    if risk is None:
        return
    if risk.blocked:
        raise PreconditionFailed("screening blocked these goods (no military use): refuse release")
    required = risk.control_required()
    if required and movement.control not in required:
        kinds = " or ".join(sorted(required))
        raise PreconditionFailed(f"channel {risk.channel}: a {kinds} control must precede release")


def _check_arrival(arrived_at: datetime | None, passage: datetime) -> None:
    """An arrival (gate-in) has a time zone and is not later than the passage (now)."""
    if arrived_at is None:
        return
    if arrived_at.utcoffset() is None:
        raise InvalidInput("arrived_at: the arrival time needs a time zone, such as Z or +04:00")
    if arrived_at > passage:
        raise InvalidInput(
            f"arrived_at: the arrival ({_minute(arrived_at)}) is later than the passage "
            f"({_minute(passage)}); an arrival cannot be in the future"
        )


def parse_time(text: str, name: str) -> datetime:
    """A moment typed by a person (ISO 8601), in UTC unless it names its zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{name}: {text!r} is not a date and time such as 2026-11-23T10:30Z"
        ) from None
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _check_seals(seals: tuple[str, ...], what: str) -> None:
    if not seals:
        raise PreconditionFailed(f"{what} needs at least one seal")
    if len(seals) > MAX_SEALS:
        raise PreconditionFailed(f"{what}: at most {MAX_SEALS} seals")
    if len(set(seals)) != len(seals) or any(not seal.strip() for seal in seals):
        raise PreconditionFailed(f"{what}: seal identifiers must be distinct and non-empty")
    wrong = next((seal for seal in seals if not seal_number_is_valid(seal)), None)
    if wrong is not None:
        raise InvalidInput(
            f"{what}: seal number {wrong!r} is not 1 to 20 letters, digits or - / . starting "
            "with a letter or digit"
        )


COMMANDS: dict[Action, type[Command]] = {
    command.action: command
    for command in (
        Present, Amend, Cancel, Accept, Reject, Control, Release, RefuseRelease, Invalidate,
        RecordPassage, RecordIncident, EndorseIncident, RecordArrival, Discharge, MarkOverdue,
        OpenEnquiry, CloseEnquiry, StartRecovery, ReviewHit, RevokeDismissal,
    )
}  # fmt: skip

# The actions taken on a movement with nothing but their command's particulars: the API's
# ``POST /movements/{mrn}/{action}`` routes are made from this table, and a post's outbox
# forwards these and no others. An amendment carries a whole declaration (the holder's,
# ``POST /movements/{mrn}/amend``); a screening hit is decided on its review item
# (``/screening/reviews/{id}``), a dismissal revoked on itself (``/screening/dismissals``);
# lodging creates the movement.
MOVEMENT_ACTIONS: dict[Action, type[Command]] = {
    action: command
    for action, command in COMMANDS.items()
    if action not in (Action.AMEND, Action.REVIEW_HIT, Action.REVOKE_DISMISSAL)
}
