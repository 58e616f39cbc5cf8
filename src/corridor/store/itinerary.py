"""The itinerary index: which offices each movement's itinerary includes.

Reads are scoped by office (a state's customs see movements touching any of its
offices, a gate those passing its own), so the offices are kept in a table the database
can search, rewritten with the movement every time it is stored.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from corridor.domain.movement import Movement
from corridor.domain.visibility import itinerary_of
from corridor.store.access_tables import movement_offices
from corridor.store.tables import movements

_INSERT_OFFICE = insert(movement_offices)


def record_itinerary(connection: Connection, movement: Movement, *, new: bool) -> None:
    """Store the offices of ``movement``'s itinerary (replacing the old ones unless new)."""
    if not new:
        connection.execute(delete(movement_offices).where(movement_offices.c.mrn == movement.mrn))
    rows = [
        {"mrn": movement.mrn, "office": office} for office in itinerary_of(movement.declaration)
    ]
    connection.execute(_INSERT_OFFICE, rows)


def touching(offices: Collection[str]) -> Any:
    """A condition on ``movements``: the itinerary includes at least one of ``offices``."""
    inner = select(movement_offices.c.mrn).where(movement_offices.c.office.in_(sorted(offices)))
    return movements.c.mrn.in_(inner)
