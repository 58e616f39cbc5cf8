"""The dashboards' figures: aggregates over the movements' events, with no movement, party
or goods named (what ``visibility`` lets every role read as aggregates).

One read of the events in a window of days; everything else is counted here:
movements lodged per day by mode and direction, dwell time at each checkpoint, channels,
incidents, and the fees the front office collects at the corridor's tariff.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from corridor.bootstrap import Context
from corridor.domain.network import Corridor, Mode
from corridor.domain.principal import Principal
from corridor.domain.visibility import Reading, require_reading
from corridor.store.tables import movement_events, movements

DEFAULT_DAYS = 14


@dataclass(frozen=True)
class EventRow:
    mrn: str
    sequence: int
    action: str
    at: datetime
    office: str | None
    details: dict[str, Any]
    mode: str
    departure: str
    destination: str


def dashboard(ctx: Context, principal: Principal, days: int = DEFAULT_DAYS) -> dict[str, Any]:
    """Every figure of the dashboard, for the ``days`` up to the latest event."""
    require_reading(principal, Reading.AGGREGATES)
    rows, start, end = _events(ctx, days)
    corridor = ctx.corridor
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "days": days,
        "per_day": per_day(rows, corridor),
        "dwell_hours": dwell_at_checkpoint(rows),
        "channels": channels(rows),
        "incidents": incidents(rows),
        "fees": fees(ctx, rows),
        "by_state": _by_state(ctx),
    }


def _events(ctx: Context, days: int) -> tuple[list[EventRow], date | None, date | None]:
    e, m = movement_events, movements
    with ctx.unit_of_work() as uow:
        latest = uow.connection.execute(select(func.max(e.c.at))).scalar_one()
        if latest is None:
            return [], None, None
        start = (latest - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0)
        query = (
            select(e.c.mrn, e.c.sequence, e.c.action, e.c.at, e.c.office, e.c.details,
                   m.c.mode, m.c.departure, m.c.destination)
            .join(m, m.c.mrn == e.c.mrn)
            .where(e.c.at >= start)
            .order_by(e.c.mrn, e.c.sequence)
        )  # fmt: skip
        rows = [EventRow(*row) for row in uow.connection.execute(query)]
    return rows, start.date(), latest.date()


def _by_state(ctx: Context) -> dict[str, int]:
    with ctx.unit_of_work() as uow:
        return uow.movements.count_by_state()


def direction(corridor: Corridor, departure: str, destination: str) -> str:
    """Westbound or eastbound, by the offices' longitudes."""
    west = corridor.office(destination).longitude < corridor.office(departure).longitude
    return "westbound" if west else "eastbound"


def per_day(rows: list[EventRow], corridor: Corridor) -> dict[str, dict[str, int]]:
    """Movements lodged per day, by ``mode direction``."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.action in ("lodge", "pre_lodge"):
            series = f"{row.mode} {direction(corridor, row.departure, row.destination)}"
            counts[row.at.date().isoformat()][series] += 1
    return {day: dict(sorted(c.items())) for day, c in sorted(counts.items())}


def dwell_at_checkpoint(rows: list[EventRow]) -> dict[str, dict[str, float | int | None]]:
    """Hours each vehicle spent at each checkpoint, from its arrival (gate-in) to its
    passage: median, 90th percentile and count of the passages whose arrival is known;
    ``without_arrival`` counts the passages recorded with no arrival time (not measured:
    the time since release or the previous checkpoint would mix driving with waiting)."""
    hours: dict[str, list[float]] = defaultdict(list)
    unknown: Counter[str] = Counter()
    for row in rows:
        if row.action != "record_passage" or not row.office:
            continue
        arrived = row.details.get("arrived_at")
        if arrived is None:
            unknown[row.office] += 1
            continue
        hours[row.office].append((row.at - _instant(arrived)).total_seconds() / 3600)
    return {
        office: _spread(hours[office]) | {"without_arrival": unknown[office]}
        for office in sorted({*hours, *unknown})
    }


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _spread(values: list[float]) -> dict[str, float | int | None]:
    ordered = sorted(values)
    if not ordered:
        return {"median": None, "p90": None, "count": 0}
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return {"median": round(statistics.median(ordered), 2), "p90": round(p90, 2),
            "count": len(ordered)}  # fmt: skip


def channels(rows: list[EventRow]) -> dict[str, int]:
    """Screening channels of the movements lodged (the latest assessment of each)."""
    latest: dict[str, str] = {}
    for row in rows:
        if row.action in ("lodge", "pre_lodge", "amend") and "channel" in row.details:
            latest[row.mrn] = row.details["channel"]
    counted = Counter(latest.values())
    return {name: counted.get(name, 0) for name in ("green", "yellow", "red")}


def incidents(rows: list[EventRow]) -> dict[str, dict[str, int]]:
    """Incidents recorded, by kind and by office."""
    kinds: Counter[str] = Counter()
    offices: Counter[str] = Counter()
    for row in rows:
        if row.action == "record_incident":
            kinds[str(row.details.get("kind", "other"))] += 1
            offices[row.office or ""] += 1
    return {"by_kind": dict(kinds.most_common()), "by_office": dict(offices.most_common())}


def fees(ctx: Context, rows: list[EventRow]) -> dict[str, Any]:
    """What the front office collects at the tariff: each passage of a road vehicle, or
    of each wagon of a train, plus the tonnage rate on the gross mass."""
    tariff = ctx.corridor.fees
    passages = [row for row in rows if row.action == "record_passage"]
    loads = _loads(ctx, {row.mrn for row in passages})
    per_day: Counter[str] = Counter()
    for row in passages:
        wagons, tonnes = loads.get(row.mrn, (1, 0.0))
        rail = row.mode == Mode.RAIL
        due = tariff.per_rail_wagon * wagons if rail else tariff.per_road_vehicle
        per_day[row.at.date().isoformat()] += due + round(tariff.per_tonne_gross * tonnes)
    return {"currency": tariff.currency, "per_day_minor": dict(sorted(per_day.items())),
            "total_minor": sum(per_day.values()), "crossings": len(passages)}  # fmt: skip


def _loads(ctx: Context, mrns: set[str]) -> dict[str, tuple[int, float]]:
    """Wagons and gross tonnes of these movements."""
    found: dict[str, tuple[int, float]] = {}
    with ctx.unit_of_work() as uow:
        query = select(movements.c.mrn, movements.c.data).where(movements.c.mrn.in_(mrns))
        for mrn, data in uow.connection.execute(query):
            declaration = data["declaration"]
            train = declaration["transport"].get("train") or {}
            mass = sum(
                float(item["gross_mass_kg"])
                for consignment in declaration["consignments"]
                for item in consignment["items"]
            )
            found[mrn] = (len(train.get("wagons", [])) or 1, mass / 1000)
    return found
