"""The itinerary index: which offices each movement's itinerary includes.

Reads are scoped by office (a state's customs see movements touching any of its
offices, a gate those passing its own), so the offices are kept in a table the database
can search, rewritten with the movement every time it is stored.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, delete, select

from corridor.domain.movement import Movement
from corridor.domain.visibility import itinerary_of
from corridor.store.access_tables import movement_offices
from corridor.store.driver_rows import DriverInsert
from corridor.store.tables import movements


def record_itineraries(connection: Connection, new: Sequence[Movement]) -> None:
    """Store the offices of new movements' itineraries: one INSERT for them all."""
    columns = ("mrn", "office")  # strings: nothing to convert
    insert = DriverInsert(movement_offices, columns, connection.dialect, encoded=columns)
    rows = [(m.mrn, office) for m in new for office in itinerary_of(m.declaration)]
    insert.execute(connection, rows)


def replace_itinerary(connection: Connection, movement: Movement) -> None:
    """Store the offices of a stored movement's itinerary again (an amendment's)."""
    connection.execute(delete(movement_offices).where(movement_offices.c.mrn == movement.mrn))
    record_itineraries(connection, [movement])


def touching(offices: Collection[str]) -> Any:
    """A condition on ``movements``: the itinerary includes at least one of ``offices``."""
    inner = select(movement_offices.c.mrn).where(movement_offices.c.office.in_(sorted(offices)))
    return movements.c.mrn.in_(inner)
