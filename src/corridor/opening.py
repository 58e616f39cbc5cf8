"""Opening movements in a transaction: the steps that ``lodging.lodge``, ``lodge_many``
and ``lodge_each`` share. Each lodging is checked, authorised and screened before the
transaction (``prepare``); in it, its MRN serial is taken from a block moved once for
all (``SerialBlock``), its movement opened or found again by its holder and LRN
(``open_all``), and its log entry made (``new_entries``, ``log_entry``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from corridor.bootstrap import Context
from corridor.domain.authorisation import authorise
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import Conflict, CorridorError
from corridor.domain.events import MovementEvent
from corridor.domain.lifecycle import Action, transition_for
from corridor.domain.movement import Movement
from corridor.domain.mrn import MovementReference
from corridor.domain.principal import Principal
from corridor.domain.procedure import open_movement
from corridor.domain.validation import validate_declaration
from corridor.ledger.entry import build_entry
from corridor.ledger.movement_entries import entry_parts
from corridor.screening.review import ReviewItem
from corridor.screening_service import PreparedScreening
from corridor.store.codec import declaration_to_json
from corridor.store.driver_rows import rows_together
from corridor.store.idempotency import Answer
from corridor.store.log_storage import StoredEntry
from corridor.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Lodged:
    """The answer to a lodging: the movement, and whether this call created it."""

    movement: Movement
    created: bool
    answer: Answer | None = None
    """The answer kept for the request's idempotency key (``Claim``), if it sent one."""


@dataclass(frozen=True)
class Prepared:
    """A declaration ready to lodge: checked, authorised, screened but for its MRN."""

    declaration: TransitDeclaration
    principal: Principal
    screening: PreparedScreening
    declaration_json: dict[str, Any]
    pre_lodge: bool
    at: datetime


def prepare(
    ctx: Context,
    declaration: TransitDeclaration,
    principal: Principal,
    pre_lodge: bool,
    *,
    reload_lists: bool = True,
) -> Prepared:
    declaration = validate_declaration(declaration, ctx.corridor, ctx.nomenclature)
    action = Action.PRE_LODGE if pre_lodge else Action.LODGE
    authorise(ctx.corridor, declaration, transition_for(None, action), principal, None)
    # What needs no MRN is done before the transaction, which on SQLite holds the write
    # lock from its first statement: screening (all but the MRN's random draw) and the
    # declaration as the log entry's payload carries it.
    screening = ctx.screening.prepare(declaration, ctx.corridor, reload=reload_lists)
    json_form = declaration_to_json(declaration)
    return Prepared(declaration, principal, screening, json_form, pre_lodge, ctx.now())


class Opened(NamedTuple):
    """A lodging done in a transaction: its answer; if it opened a movement, its event
    and the hits that screening raised, each waiting for an officer's decision."""

    lodged: Lodged
    event: MovementEvent | None = None
    review_items: Sequence[ReviewItem] = ()


def open_all(
    uow: UnitOfWork,
    ctx: Context,
    lodgings: Sequence[Prepared],
    serials: SerialBlock,
    known: dict[tuple[str, str], Movement],
) -> list[Opened | CorridorError]:
    """Open each lodging's movement in ``uow`` (or find the one its holder and LRN
    already opened: no event, ``known`` holding the movements lodged under their
    holders and LRNs), with a few statements for all of them (on PostgreSQL one for the
    movements, itineraries and events: ``store.driver_rows.rows_together``). A lodging
    the rules refuse (its LRN used already with other data) gets its error, and
    nothing of it is written."""
    done = [_open_one(uow, ctx, lodging, serials, known) for lodging in lodgings]
    new = [opened for opened in done if isinstance(opened, Opened) and opened.event]
    with rows_together(uow.connection):  # on PostgreSQL, one statement for the three tables
        uow.movements.add_many([opened.lodged.movement for opened in new])
        uow.events.add_many([opened.event for opened in new if opened.event])
    for opened in new:  # few have hits (for none, ``add`` writes nothing)
        uow.reviews.add(opened.review_items, opened.lodged.movement.lodged_at)
    return done


def _open_one(
    uow: UnitOfWork, ctx: Context, lodging: Prepared, serials: SerialBlock,
    known: dict[tuple[str, str], Movement],
) -> Opened | CorridorError:  # fmt: skip
    """One lodging of ``open_all``: ``known`` holds the movements already lodged under
    its lodgings' holders and LRNs, and gets each one opened here, so that a lodging
    sent twice in one group finds the first (as it would in the database)."""
    key = holder_and_lrn(lodging)
    try:
        if key in known:  # lodged already: the same declaration, or a conflict
            same = _same_declaration_or_conflict(known[key], lodging.declaration)
            return Opened(Lodged(same, created=False))
        opened = _new_movement(uow, ctx, lodging, serials.peek(lodging))
    except CorridorError as refusal:  # this lodging's alone: nothing of it written
        return refusal
    serials.take(lodging)
    known[key] = opened.lodged.movement
    return opened


def _new_movement(uow: UnitOfWork, ctx: Context, lodging: Prepared, mrn: str) -> Opened:
    screened = lodging.screening.of(mrn, uow.reviews.dismissals)
    movement, event = open_movement(
        mrn, lodging.declaration, lodging.principal, lodging.at, ctx.corridor,
        pre_lodged=lodging.pre_lodge, risk=screened.risk,
    )  # fmt: skip
    return Opened(Lodged(movement, created=True), event, screened.review_items)


def holder_and_lrn(lodging: Prepared) -> tuple[str, str]:
    return lodging.declaration.holder.identification_number, lodging.declaration.lrn


def each_or_first_refusal(done: Sequence[Opened | CorridorError]) -> list[Opened]:
    """Each lodging opened, or the first refusal raised (all or none: nothing commits)."""
    for opened in done:
        if isinstance(opened, CorridorError):
            raise opened
    return [opened for opened in done if isinstance(opened, Opened)]


def new_entries(done: Iterable[tuple[Prepared, Opened | Exception]]) -> list[StoredEntry]:
    """The log entries of the movements opened (none for a lodging found again)."""
    return [
        log_entry(opened.lodged.movement, opened.event, lodging.declaration_json)
        for lodging, opened in done
        if isinstance(opened, Opened) and opened.event is not None
    ]


class SerialBlock:
    """MRN serials for lodgings opened together. Each counter (year, office of
    departure) is moved once for all of them, so that on PostgreSQL its hot row is
    locked once per group rather than once per lodging; what the group did not use
    (a lodging found again, or refused) is given back before commit: gap-free. With
    them, the movements already lodged under the lodgings' holders and LRNs
    (``known``)."""

    def __init__(self, uow: UnitOfWork, ctx: Context, lodgings: Sequence[Prepared]) -> None:
        self._uow, self._ctx = uow, ctx
        wanted = sorted(Counter(_counter(ctx, lodging) for lodging in lodgings).items())
        keys = {holder_and_lrn(lodging) for lodging in lodgings}
        # In one order (no deadlock); on PostgreSQL with the look-up, in one statement.
        last, self.known = uow.serials.reserve_and_find(
            [(year, office, count) for (year, office), count in wanted], keys
        )
        self._next = {counter: last[counter] - count + 1 for counter, count in wanted}
        self._last = {counter: last[counter] for counter, _ in wanted}

    def peek(self, lodging: Prepared) -> str:
        """The MRN the lodging gets if it opens a movement."""
        year, office = _counter(self._ctx, lodging)
        return _mrn(self._ctx, year, office, self._next[year, office])

    def take(self, lodging: Prepared) -> None:
        self._next[_counter(self._ctx, lodging)] += 1

    def position(self) -> dict[tuple[int, str], int]:
        return dict(self._next)

    def rewind(self, position: dict[tuple[int, str], int]) -> None:
        """Back to ``position``: the lodgings that took serials since were undone."""
        self._next = dict(position)

    def give_back_unused(self) -> None:
        for (year, office), last in self._last.items():
            unused = last - self._next[year, office] + 1
            if unused:
                self._uow.serials.give_back(year, office, unused)


def _counter(ctx: Context, lodging: Prepared) -> tuple[int, str]:
    return lodging.at.year, ctx.corridor.office(lodging.declaration.itinerary.departure).code


def _mrn(ctx: Context, year: int, office_code: str, serial: int) -> str:
    office = ctx.corridor.office(office_code)
    return str(MovementReference.build(year, office.state, f"{office.code[2:]}{serial:06d}"))


def _same_declaration_or_conflict(existing: Movement, declaration: TransitDeclaration) -> Movement:
    if existing.declaration != declaration:
        raise Conflict(
            f"LRN {declaration.lrn} of holder {declaration.holder.identification_number} "
            f"was already used for movement {existing.mrn} with other data"
        )
    return existing


def log_entry(
    movement: Movement, event: MovementEvent, declaration_json: dict[str, Any] | None = None
) -> StoredEntry:
    """The event's log entry with the operator's copy of its payload and salt;
    ``declaration_json``: the movement's declaration as JSON, if already made."""
    carries_declaration = event.action in (Action.LODGE, Action.PRE_LODGE, Action.AMEND)
    declaration = None
    if carries_declaration:
        declaration = declaration_json or declaration_to_json(movement.declaration)
    public, confidential = entry_parts(movement, event, declaration)
    entry, salt = build_entry(public, confidential)
    return StoredEntry(None, movement.mrn, event.sequence, entry, salt, confidential)
