"""View models: movements and their history as plain JSON values, for a page and its twin.

Only what the principal may read goes in: the risk assessment for those who may read
screening results (``visibility``), the rest as the reading services returned it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from corridor.domain.events import MovementEvent
from corridor.domain.movement import Movement
from corridor.domain.network import Corridor
from corridor.domain.principal import Principal
from corridor.domain.visibility import Reading, may_read
from corridor.screening.review import RememberedDismissal, ReviewItem
from corridor.web.forms import ACTION_LABELS, FIELDS
from corridor.web.offers import Offer, may_amend


def summary(movement: Movement, corridor: Corridor, lang: str) -> dict[str, Any]:
    d = movement.declaration
    return {
        "mrn": movement.mrn,
        "state": str(movement.state),
        "mode": str(d.transport.mode),
        "lrn": d.lrn,
        "holder": d.holder.name,
        "departure": office_name(corridor, d.itinerary.departure, lang),
        "destination": office_name(corridor, d.itinerary.destination, lang),
        "channel": str(movement.risk.channel) if movement.risk else None,
        "lodged_at": _iso(movement.lodged_at),
        "time_limit": _iso(movement.time_limit),
        "transport": transport_label(movement),
    }


def detail(
    movement: Movement,
    history: list[MovementEvent],
    offers: list[Offer],
    corridor: Corridor,
    principal: Principal,
    lang: str,
) -> dict[str, Any]:
    d = movement.declaration
    model = summary(movement, corridor, lang) | {
        "declaration_type": str(d.declaration_type),
        "holder_id": d.holder.identification_number,
        "guarantee": {"type": str(d.guarantee.type), "reference": d.guarantee.reference},
        "seals": list(movement.seals),
        "control": movement.control,
        "route": route(movement, corridor, lang),
        "goods": [goods_item(item) for item in d.items],
        "gross_mass_kg": str(d.total_gross_mass_kg),
        "incidents": [incident(i, corridor, lang) for i in movement.incidents],
        "history": [event(e, corridor, lang) for e in history],
        "actions": [action_form(o, corridor, lang) for o in offers],
        "documents": _documents(movement),
        "amend": f"/ui/movements/{movement.mrn}/amend"
        if may_amend(corridor, movement, principal)
        else None,
    }
    if may_read(principal, Reading.SCREENING) and movement.risk is not None:
        risk = movement.risk
        model["screening"] = {
            "channel": str(risk.channel),
            "blocked": risk.blocked,
            "control_required": sorted(risk.control_required()),
            "reasons": [{"code": r.code, "channel": str(r.channel), "text": r.text,
                         "review": r.evidence.get("review")} for r in risk.reasons],
            "list_versions": list(risk.list_versions),
        }  # fmt: skip
    return model


def route(movement: Movement, corridor: Corridor, lang: str) -> list[dict[str, Any]]:
    """Every office of the itinerary in order, with what was recorded there."""
    itinerary = movement.declaration.itinerary
    passed = {p.office: p.at for p in movement.passages}
    incidents = {i.office for i in movement.incidents}
    stops = [(itinerary.departure, "departure")]
    stops += [(code, "en_route") for code in movement.en_route]
    stops.append((itinerary.destination, "destination"))
    rows = []
    for code, role in stops:
        at = passed.get(code)
        if role == "departure":
            at = movement.released_at
        if role == "destination":
            at = movement.arrived_at
        rows.append({
            "code": code, "name": office_name(corridor, code, lang), "role": role,
            "state": corridor.office(code).state, "at": _iso(at),
            "incident": code in incidents,
        })  # fmt: skip
    return rows


def goods_item(item: Any) -> dict[str, Any]:
    return {
        "hs_code": item.hs_code,
        "description": item.description,
        "packages": f"{item.packages.count} {item.packages.kind}",
        "gross_mass_kg": str(item.gross_mass_kg),
    }


def incident(item: Any, corridor: Corridor, lang: str) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "office": office_name(corridor, item.office, lang),
        "at": _iso(item.at),
        "description": item.description,
        "new_seals": list(item.new_seals),
        "endorsed_by": item.endorsed_by,
    }


def event(e: MovementEvent, corridor: Corridor, lang: str) -> dict[str, Any]:
    return {
        "sequence": e.sequence,
        "action": str(e.action),
        "label": ACTION_LABELS[e.action],
        "state": str(e.target),
        "at": _iso(e.at),
        "office": office_name(corridor, e.office, lang) if e.office else None,
        "by": f"{e.role}:{e.principal}",
        "role": str(e.role),
        "principal": e.principal,
    }


def action_form(offer: Offer, corridor: Corridor, lang: str) -> dict[str, Any]:
    return {
        "action": str(offer.action),
        "label": ACTION_LABELS[offer.action],
        "offices": [{"code": o, "name": office_name(corridor, o, lang)} for o in offer.offices],
        "fields": [
            {"name": f.name, "label": f.label, "widget": f.widget, "required": f.required,
             "choices": [list(choice) for choice in f.choices], "hint": f.hint}
            for f in FIELDS[offer.action]
        ],
    }  # fmt: skip


def office_name(corridor: Corridor, code: str, lang: str) -> str:
    office = corridor.offices.get(code)
    return f"{office.name(lang)} ({code})" if office else code


def transport_label(movement: Movement) -> str:
    transport = movement.declaration.transport
    if transport.vehicle is not None:
        plates = [transport.vehicle.plate, *transport.vehicle.trailer_plates]
        return " + ".join(plates)
    if transport.train is not None:
        return f"{transport.train.number} ({len(transport.train.wagons)})"
    return ""


def _documents(movement: Movement) -> list[dict[str, str]]:
    if movement.released_at is None:
        return []
    return [{"kind": "transit_accompanying_document",
             "href": f"/movements/{movement.mrn}/document.pdf"}]  # fmt: skip


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def dismissal(d: RememberedDismissal, may_revoke: bool) -> dict[str, Any]:
    """A remembered dismissal, and whether the person may revoke it now."""
    return {
        "id": d.id, "state": d.state, "in_force": d.in_force, "mrn": d.mrn,
        "party_role": d.party_role, "party_name": d.party_name, "list": d.list_name,
        "entity_id": d.entity_id, "caption": d.caption, "decided_by": d.decided_by,
        "decided_at": _iso(d.decided_at), "note": d.note, "revoked_by": d.revoked_by,
        "revoked_at": _iso(d.revoked_at), "revocation_note": d.revocation_note,
        "may_revoke": may_revoke,
    }  # fmt: skip


def review_item(item: ReviewItem, may_decide: bool) -> dict[str, Any]:
    """A hit in the review queue, and whether the person may decide it now."""
    return {
        "id": item.id, "mrn": item.movement_ref, "party_role": item.party_role,
        "party_name": item.party_name, "list": item.list_name, "entity_id": item.entity_id,
        "caption": item.caption, "score": round(item.score, 4), "state": item.state.value,
        "decided_by": item.decided_by, "decided_at": _iso(item.decided_at), "note": item.note,
        "may_decide": may_decide,
    }  # fmt: skip
