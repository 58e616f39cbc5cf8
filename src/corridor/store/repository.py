"""Repositories over one connection: movements, their events, MRN serials."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from corridor.domain.errors import Conflict, NotFound
from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import Action, MovementState
from corridor.domain.movement import Movement
from corridor.domain.network import Role
from corridor.store.codec import movement_from_json, movement_to_json, movement_to_json_bytes
from corridor.store.database import pair_columns
from corridor.store.driver_rows import DriverInsert
from corridor.store.itinerary import record_itineraries, replace_itinerary, touching
from corridor.store.tables import movement_events, movements, mrn_counters


@dataclass(frozen=True)
class MovementFilter:
    """What ``MovementRepository.find`` selects; ``after`` is the last MRN of the previous page."""

    states: Sequence[MovementState] = ()
    office: str | None = None
    holder: str | None = None
    mode: str | None = None
    after: str | None = None
    limit: int = 50
    touching: frozenset[str] | None = None
    """Only movements whose itinerary includes one of these offices (empty: none)."""
    within: frozenset[str] | None = None
    """And, a principal's scope: only movements whose itinerary includes one of these."""


# The statements a lodging runs, built once: building one per call (``.values(**row)``)
# cost more than executing it.
_BY_MRN = select(movements.c.data).where(movements.c.mrn == bindparam("mrn"))
_BY_LRNS = select(movements.c.holder, movements.c.lrn, movements.c.data).where(
    movements.c.holder.in_(bindparam("holders", expanding=True)),
    movements.c.lrn.in_(bindparam("lrns", expanding=True)),
)
"""The movements under any of some holders and any of some LRNs: both looked up in the
(holder, LRN) index. (A row-value ``(holder, lrn) IN (...)`` is not, on SQLite: it
scanned the whole table, once per group commit.)"""
_MOVEMENT_COLUMNS = tuple(column.name for column in movements.columns)
_EVENT_COLUMNS = tuple(column.name for column in movement_events.columns if column.name != "id")


class MovementRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, mrn: str) -> Movement:
        row = self._connection.execute(_BY_MRN, {"mrn": mrn}).first()
        if row is None:
            raise NotFound(f"no movement {mrn}")
        return movement_from_json(row.data)

    def find_by_lrns(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Movement]:
        """The movements already lodged under any of these (holder, LRN): one query."""
        if not keys:
            return {}
        holders, lrns = pair_columns(keys)
        rows = self._connection.execute(_BY_LRNS, {"holders": holders, "lrns": lrns})
        return {
            (row.holder, row.lrn): movement_from_json(row.data)
            for row in rows
            if (row.holder, row.lrn) in keys  # another holder's LRN: not asked for
        }

    def add_many(self, new: Sequence[Movement]) -> None:
        """Store new movements and their itineraries: one INSERT per table for them all,
        each movement's JSON made once, straight to text (``store.driver_rows``)."""
        if not new:
            return
        insert = DriverInsert(
            movements, _MOVEMENT_COLUMNS, self._connection.dialect, encoded=("data",)
        )
        rows = [insert.row(_columns(m, movement_to_json_bytes(m).decode())) for m in new]
        insert.execute(self._connection, rows)
        record_itineraries(self._connection, new)

    def update(self, movement: Movement, expected_version: int) -> None:
        """Store ``movement`` only if nobody changed it since ``expected_version``."""
        query = (
            update(movements)
            .where(movements.c.mrn == movement.mrn, movements.c.version == expected_version)
            .values(**_columns(movement, movement_to_json(movement)))
        )
        if self._connection.execute(query).rowcount != 1:
            raise Conflict(f"movement {movement.mrn} was changed by someone else; reload and retry")
        replace_itinerary(self._connection, movement)

    def find(self, selection: MovementFilter) -> list[Movement]:
        query = select(movements.c.data).order_by(movements.c.mrn).limit(selection.limit)
        for condition in _conditions(selection):
            query = query.where(condition)
        return [movement_from_json(row.data) for row in self._connection.execute(query)]

    def count_by_state(self) -> dict[str, int]:
        query = select(movements.c.state, func.count()).group_by(movements.c.state)
        return {str(state): int(count) for state, count in self._connection.execute(query)}

    def due_for_overdue(self, now: datetime) -> list[str]:
        """MRNs whose time limit has passed while they are still on the road."""
        on_the_road = [MovementState.RELEASED, MovementState.IN_TRANSIT, MovementState.INCIDENT]
        query = (
            select(movements.c.mrn)
            .where(movements.c.state.in_(on_the_road), movements.c.time_limit < now)
            .order_by(movements.c.time_limit)
        )
        return list(self._connection.execute(query).scalars())


def _conditions(selection: MovementFilter) -> list[Any]:
    conditions: list[Any] = []
    if selection.states:
        conditions.append(movements.c.state.in_([str(s) for s in selection.states]))
    if selection.office:
        office = selection.office
        conditions.append(or_(movements.c.departure == office, movements.c.destination == office))
    if selection.holder:
        conditions.append(movements.c.holder == selection.holder)
    if selection.mode:
        conditions.append(movements.c.mode == selection.mode)
    if selection.after:
        conditions.append(movements.c.mrn > selection.after)
    for offices in (selection.touching, selection.within):
        if offices is not None:
            conditions.append(touching(offices))
    return [and_(*conditions)] if conditions else []


def _columns(movement: Movement, data: Any) -> dict[str, Any]:
    """The movement's row; ``data``: the movement as JSON (data, or text for the driver)."""
    declaration = movement.declaration
    return {
        "mrn": movement.mrn,
        "holder": movement.holder,
        "lrn": declaration.lrn,
        "state": str(movement.state),
        "version": movement.version,
        "mode": str(declaration.transport.mode),
        "departure": declaration.itinerary.departure,
        "destination": declaration.itinerary.destination,
        "lodged_at": movement.lodged_at,
        "updated_at": movement.updated_at,
        "time_limit": movement.time_limit,
        "data": data,
    }


class EventRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, event: MovementEvent) -> None:
        self.add_many([event])

    def add_many(self, events: Sequence[MovementEvent]) -> None:
        """Store events: one INSERT for them all (``store.driver_rows``)."""
        if not events:
            return
        insert = DriverInsert(movement_events, _EVENT_COLUMNS, self._connection.dialect)
        insert.execute(self._connection, [insert.row(_event_row(event)) for event in events])

    def for_movement(self, mrn: str) -> list[MovementEvent]:
        query = (
            select(movement_events)
            .where(movement_events.c.mrn == mrn)
            .order_by(movement_events.c.sequence)
        )
        return [_event(row._mapping) for row in self._connection.execute(query)]

    def count(self) -> int:
        return int(
            self._connection.execute(select(func.count()).select_from(movement_events)).scalar_one()
        )


def _event_row(event: MovementEvent) -> dict[str, Any]:
    return {
        "mrn": event.mrn,
        "sequence": event.sequence,
        "action": str(event.action),
        "source": None if event.source is None else str(event.source),
        "target": str(event.target),
        "principal": event.principal,
        "role": str(event.role),
        "office": event.office,
        "at": event.at,
        "details": dict(event.details),
    }


def _event(row: Any) -> MovementEvent:
    return MovementEvent(
        mrn=row["mrn"],
        sequence=row["sequence"],
        action=Action(row["action"]),
        source=None if row["source"] is None else MovementState(row["source"]),
        target=MovementState(row["target"]),
        principal=row["principal"],
        role=Role(row["role"]),
        office=row["office"],
        at=row["at"],
        details=row["details"],
    )


class SerialAllocator:
    """Hands out MRN serials per year and office of departure, gap-free within a transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def reserve(self, year: int, office: str, count: int) -> int:
        """Take ``count`` serials at once (one update of the counter); the last of them.
        On PostgreSQL the counter's row stays locked until the transaction ends."""
        statement = _NEXT_SERIAL[self._connection.dialect.name == "postgresql"]
        serial = self._connection.execute(
            statement, {"year": year, "office": office, "count": count}
        )
        return int(serial.scalar_one())

    def reserve_and_find(
        self, wanted: Sequence[tuple[int, str, int]], keys: Collection[tuple[str, str]]
    ) -> tuple[dict[tuple[int, str], int], dict[tuple[str, str], Movement]]:
        """``reserve`` each (year, office, count) of ``wanted``, in that order, and
        ``MovementRepository.find_by_lrns(keys)``: the last serial of each counter, and
        the movements found. On PostgreSQL in ONE statement (the counters' upsert as a
        WITH part; one round trip instead of one a counter and one for the look-up),
        elsewhere one statement each."""
        if self._connection.dialect.name != "postgresql":
            last = {(y, o): self.reserve(y, o, count) for y, o, count in wanted}
            return last, MovementRepository(self._connection).find_by_lrns(keys)
        if not wanted:
            return {}, MovementRepository(self._connection).find_by_lrns(keys)
        sql = _RESERVE_AND_FIND.format(counters=", ".join(["(%s, %s, %s)"] * len(wanted)))
        holders, lrns = pair_columns(keys)
        parameters = (*(value for counter in wanted for value in counter), holders, lrns)
        last, found = {}, {}
        for year, office, serial, holder, lrn, data in self._connection.exec_driver_sql(
            sql, parameters
        ):
            if serial is not None:
                last[year, office] = int(serial)
            elif (holder, lrn) in keys:  # another holder's LRN: not asked for
                found[holder, lrn] = movement_from_json(data)
        return last, found

    def give_back(self, year: int, office: str, count: int) -> None:
        """Return the last ``count`` serials this transaction reserved and did not use."""
        self._connection.execute(_GIVE_BACK, {"of_year": year, "of_office": office, "count": count})


def _next_serial(dialect: Any) -> Any:
    statement = dialect.insert(mrn_counters).values(
        year=bindparam("year"), office=bindparam("office"), last_serial=bindparam("count")
    )
    return statement.on_conflict_do_update(
        index_elements=["year", "office"],
        set_={"last_serial": mrn_counters.c.last_serial + statement.excluded.last_serial},
    ).returning(mrn_counters.c.last_serial)


_NEXT_SERIAL = {False: _next_serial(sqlite), True: _next_serial(postgresql)}
"""The serial upsert, for SQLite (False) and PostgreSQL (True)."""
_RESERVE_AND_FIND = (
    "WITH counters AS (INSERT INTO mrn_counters (year, office, last_serial) VALUES {counters}"
    " ON CONFLICT (year, office) DO UPDATE"
    " SET last_serial = mrn_counters.last_serial + excluded.last_serial"
    " RETURNING year, office, last_serial)"
    " SELECT year, office, last_serial, NULL AS holder, NULL AS lrn, NULL AS data FROM counters"
    " UNION ALL SELECT NULL, NULL, NULL, holder, lrn, data FROM movements"
    " WHERE holder = ANY(%s::text[]) AND lrn = ANY(%s::text[])"
)
"""``SerialAllocator.reserve_and_find`` on PostgreSQL: the counters' upsert (its rows
in the order given, so that two transactions lock them in one order), then the
movements under any of some holders and any of some LRNs (the (holder, LRN) index)."""
_GIVE_BACK = (
    update(mrn_counters)
    .where(
        mrn_counters.c.year == bindparam("of_year"),
        mrn_counters.c.office == bindparam("of_office"),
    )
    .values(last_serial=mrn_counters.c.last_serial - bindparam("count"))
)
