"""How a movement's event becomes a log entry: a public part, and a private payload
that the entry commits to (see ``entry.build_entry``).

Public: what every party may know to follow the corridor's operations — the action and
resulting state, the MRN, when (and, for a passage, when the vehicle arrived at the
checkpoint), at which office, which kind of authority acted and for which state, and
facts such as seal status, control kind or incident kind. Private
(committed, not shown): who personally acted, the parties, goods and values, reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC
from typing import Any

from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import Action
from corridor.domain.movement import Movement
from corridor.domain.network import Role

FORMAT_VERSION = 1


def entry_parts(
    movement: Movement, event: MovementEvent, declaration_json: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public part, confidential payload) of ``event``; ``declaration_json`` is the
    declaration as JSON when the event carries one (lodge, amend)."""
    public: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "type": f"movement.{event.action}",
        "mrn": event.mrn,
        "seq": event.sequence,
        "at": event.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "state": str(event.target),
        "actor": _actor(movement, event),
    }
    if event.office is not None:
        public["office"] = event.office
    facts = _PUBLIC_FACTS.get(event.action, _nothing)(movement, event.details)
    if facts:
        public["facts"] = facts
    confidential: dict[str, Any] = {"principal": event.principal, "details": dict(event.details)}
    if declaration_json is not None:
        confidential["declaration"] = dict(declaration_json)
    return public, confidential


def _actor(movement: Movement, event: MovementEvent) -> dict[str, str]:
    actor = {"role": str(event.role)}
    if event.role is Role.CARRIER:
        actor["holder_country"] = movement.declaration.holder.country
    return actor


Facts = Callable[[Movement, Mapping[str, Any]], dict[str, Any]]


def _nothing(movement: Movement, details: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def _lodged(movement: Movement, details: Mapping[str, Any]) -> dict[str, Any]:
    declaration = movement.declaration
    itinerary = declaration.itinerary
    facts: dict[str, Any] = {
        "mode": str(declaration.transport.mode),
        "departure": itinerary.departure,
        "destination": itinerary.destination,
        "en_route": list(itinerary.en_route or ()),
        "gross_mass_kg": str(declaration.total_gross_mass_kg),
    }
    if movement.risk is not None:
        facts["channel"] = str(movement.risk.channel)
        facts["reason_codes"] = sorted({reason.code for reason in movement.risk.reasons})
    return facts


def _released(movement: Movement, details: Mapping[str, Any]) -> dict[str, Any]:
    return {"seal_count": len(movement.seals), "time_limit": details["time_limit"]}


def _seals(movement: Movement, details: Mapping[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {"seals_intact": bool(details.get("seals_intact", True))}
    if "late" in details:
        facts["late"] = bool(details["late"])
    if "arrived_at" in details:  # the gate-in before a passage: public as the passage's time is
        facts["arrived_at"] = details["arrived_at"]
    return facts


def _incident(movement: Movement, details: Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": details["kind"], "new_seal_count": len(details.get("new_seals", []))}


def _control(movement: Movement, details: Mapping[str, Any]) -> dict[str, Any]:
    return {"control": details["control"]}


def _reviewed(movement: Movement, details: Mapping[str, Any]) -> dict[str, Any]:
    """A decision on a screening hit: which kind of party, what was decided, the channel
    after; the party's name, the listed entity and the note stay confidential."""
    facts = {"decision": details["decision"], "party_role": details["party_role"]}
    if "channel" in details:
        facts["channel"] = details["channel"]
    return facts


def _revoked(movement: Movement, details: Mapping[str, Any]) -> dict[str, Any]:
    """A remembered dismissal revoked: which kind of party; who, the listed entity and
    the note stay confidential, as for the decision that made it."""
    return {"party_role": details["party_role"]}


_PUBLIC_FACTS: dict[Action, Facts] = {
    Action.LODGE: _lodged,
    Action.PRE_LODGE: _lodged,
    Action.AMEND: _lodged,
    Action.RELEASE: _released,
    Action.RECORD_PASSAGE: _seals,
    Action.RECORD_ARRIVAL: _seals,
    Action.RECORD_INCIDENT: _incident,
    Action.CONTROL: _control,
    Action.ENDORSE_INCIDENT: lambda movement, details: {"kind": details["kind"]},
    Action.REVIEW_HIT: _reviewed,
    Action.REVOKE_DISMISSAL: _revoked,
}
