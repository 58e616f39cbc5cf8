"""Lodging: one declaration (``lodge``), several all or none (``lodge_many``), or many
at once each answered on its own (``lodge_each``, the API's group commit).

Each lodging is checked, authorised and screened before its transaction; in it, the
movement is opened (or found again by its holder and LRN), its MRN serial allocated,
and its log entry stored with it: the steps of ``corridor.opening``. Here: the
transactions around them, and the group commit's (idempotency keys, a group done again
when the database refuses a row or its connection was dead).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import partial
from typing import NamedTuple, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

from corridor import log_service
from corridor.bootstrap import Context
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import CorridorError
from corridor.domain.principal import Principal
from corridor.ledger.checkpoint import Checkpoint
from corridor.opening import (
    Lodged as Lodged,
)
from corridor.opening import (
    Opened,
    Prepared,
    SerialBlock,
    each_or_first_refusal,
    holder_and_lrn,
    log_entry,
    new_entries,
    open_all,
    prepare,
)
from corridor.store.idempotency import Answer, IdempotencyRepository, Reservation
from corridor.store.unit_of_work import UnitOfWork

T = TypeVar("T")


def lodge(
    ctx: Context,
    declaration: TransitDeclaration,
    principal: Principal,
    *,
    pre_lodge: bool = False,
) -> Lodged:
    """Lodge a declaration. Sending the same declaration again (same holder and LRN)
    returns the movement already lodged, never a second one."""
    lodging = prepare(ctx, declaration, principal, pre_lodge)
    return _again_if_raced(partial(_lodge_one, ctx, lodging))


def _again_if_raced(transaction: Callable[[], T]) -> T:
    """``transaction``, done once more if the database refused a row: another
    transaction committed the same holder and LRN after the look-up read (on PostgreSQL
    the look-up reads a snapshot taken before the counter's lock was waited for, as in a
    form sent twice). Rolled back, serials and all; done again, it finds that movement."""
    try:
        return transaction()
    except IntegrityError:
        return transaction()


def _lodge_one(ctx: Context, lodging: Prepared) -> Lodged:
    with ctx.unit_of_work() as uow:
        serials = SerialBlock(uow, ctx, [lodging])
        [opened] = each_or_first_refusal(open_all(uow, ctx, [lodging], serials, serials.known))
        if opened.event is None:  # lodged already: nothing to commit (its serial unused)
            return opened.lodged
        event = opened.event
        uow.log.append(log_entry(opened.lodged.movement, event, lodging.declaration_json), event.at)
        uow.commit()
    return opened.lodged


@dataclass(frozen=True)
class LodgedBatch:
    """The answer to ``lodge_many``: each declaration's movement, in order, and the
    signed checkpoint that already includes every new movement's lodging."""

    lodged: list[Lodged]
    checkpoint: Checkpoint


def lodge_many(
    ctx: Context,
    declarations: Sequence[TransitDeclaration],
    principal: Principal,
    *,
    pre_lodge: bool = False,
) -> LodgedBatch:
    """Lodge several declarations at once (the wagons of a train, a backlog brought
    over from another system): all or none, in ONE transaction that also integrates
    their log entries (``log_service.append_batch``), so that when it returns every
    lodging is durable and under a signed checkpoint. Each declaration is checked and
    screened as ``lodge`` does it, and a re-sent one returns its movement as there."""
    lodgings = [prepare(ctx, d, principal, pre_lodge) for d in declarations]
    return _again_if_raced(partial(_lodge_batch, ctx, lodgings))


def _lodge_batch(ctx: Context, lodgings: Sequence[Prepared]) -> LodgedBatch:
    with ctx.unit_of_work() as uow:
        serials = SerialBlock(uow, ctx, lodgings)
        done = each_or_first_refusal(open_all(uow, ctx, lodgings, serials, serials.known))
        serials.give_back_unused()
        entries = new_entries(zip(lodgings, done, strict=True))
        integrated = log_service.append_batch(ctx, uow, entries)
        uow.commit()
    return LodgedBatch([opened.lodged for opened in done], integrated.checkpoint)


@dataclass(frozen=True)
class Claim:
    """The idempotency key a lodging request came with (``api.idempotency``): kept with
    the request's answer in the transaction that lodges it."""

    principal: str
    key: str
    fingerprint: str
    """What makes two requests the same request (``api.idempotency.fingerprint``)."""


@dataclass(frozen=True)
class LodgingRequest:
    """One declaration to lodge among others' (``lodge_each``), and who lodges it."""

    declaration: TransitDeclaration
    principal: Principal
    pre_lodge: bool = False
    claim: Claim | None = None


AnswerOf = Callable[[Lodged, Principal], Answer]
"""The answer a lodging request gets, as its idempotency key keeps it."""


def lodge_each(
    ctx: Context,
    requests: Sequence[LodgingRequest],
    *,
    answer_of: AnswerOf | None = None,
) -> list[Lodged | Reservation | Exception]:
    """Group commit: lodge each request as ``lodge`` does and answer each on its own,
    all in ONE transaction that commits once (one fsync for all). A lodging refused by
    a rule or by the database gets its error, and the others are lodged all the same.
    Raises, having lodged nothing, only when the transaction itself fails.

    The group's log entries are stored pending, as ``lodge`` stores a lone lodging's,
    and the sequencer integrates them (``corridor serve`` runs it): many groups' at a
    time, under one checkpoint signature, in a transaction of its own. Integrating them
    in the group's transaction instead (``append_batch``, as ``lodge_many`` does)
    lengthened it, and with it the stretch in which it holds the MRN counter's row (and
    on PostgreSQL the log's lock), which other workers' groups wait for
    (docs/benchmarks.md, the sixth round).

    A request with an idempotency key (``LodgingRequest.claim``) whose key holds
    something already gets that (a ``Reservation``: the first answer, or the first
    request still running) and lodges nothing; otherwise its key is reserved in this
    transaction and, if it lodged, completed with ``answer_of``'s answer (``Lodged.answer``)
    before the commit: its movement and its key's answer are committed together. A
    request refused before it lodged leaves its key as it was.

    The movements are opened together, with no savepoint (``_open_together``); if the
    database refuses one of them, the transaction is rolled back and the group done
    again in a new one, each lodging in a savepoint of its own (``_open_apart``)."""
    ctx.screening.lists.reload()  # once for the group: each lodging is screened alike
    prepared = [_prepare_or_error(ctx, request) for request in requests]
    group = partial(_lodge_group, ctx, _Group(requests, prepared, answer_of))
    try:
        return _on_a_live_connection(group, _open_together)
    except _GroupRefused:  # rolled back: again, each lodging in a savepoint of its own
        return _on_a_live_connection(group, _open_apart)


OpenMovements = Callable[
    [UnitOfWork, Context, Sequence["Prepared"], "SerialBlock"], Sequence["Opened | Exception"]
]
"""How ``_lodge_group`` opens its lodgings' movements: ``_open_together`` or ``_open_apart``."""


class _Group(NamedTuple):
    """What ``lodge_each`` does in its transaction: the requests, each prepared (or its
    error), and how to log and answer them."""

    requests: Sequence[LodgingRequest]
    prepared: Sequence[Prepared | Exception]
    answer_of: AnswerOf | None


def _lodge_group(
    ctx: Context, group: _Group, open_movements: OpenMovements
) -> list[Lodged | Reservation | Exception]:
    """``lodge_each``'s transaction, its movements opened by ``open_movements``, on a
    connection not pinged first (``_on_a_live_connection``)."""
    with ExitStack() as transaction:
        try:
            uow = transaction.enter_context(ctx.unit_of_work(ping=False))
            results = _lodge_in(uow, ctx, group, open_movements)
        except DBAPIError as error:
            if error.connection_invalidated:  # before COMMIT: nothing of it can commit
                raise _ConnectionLost(error) from error
            raise
        uow.commit()
    return results


def _lodge_in(
    uow: UnitOfWork, ctx: Context, group: _Group, open_movements: OpenMovements
) -> list[Lodged | Reservation | Exception]:
    keys = _KeyClaims(uow, ctx, group.requests)  # first: see _KeyClaims
    answers: list[Prepared | Reservation | Exception] = [
        keys.found.get(number, ready) for number, ready in enumerate(group.prepared)
    ]
    lodgings = [p for p in answers if isinstance(p, Prepared)]
    serials = SerialBlock(uow, ctx, lodgings)
    done = open_movements(uow, ctx, lodgings, serials)
    serials.give_back_unused()
    entries = new_entries(zip(lodgings, done, strict=True))
    uow.log.append_many(entries, ctx.now())  # pending: see ``lodge_each``
    opened = iter(done)
    results = [_lodged(next(opened)) if isinstance(a, Prepared) else a for a in answers]
    return keys.keep(results, group.answer_of)


class _ConnectionLost(Exception):
    """A group's connection was found dead before its commit (the server restarted, or
    ended it): the transaction never commits, and may be done again on a new one."""

    def __init__(self, error: DBAPIError) -> None:
        super().__init__(str(error))
        self.error = error


def _on_a_live_connection(
    group: Callable[[OpenMovements], list[Lodged | Reservation | Exception]],
    open_movements: OpenMovements,
) -> list[Lodged | Reservation | Exception]:
    """``group``'s transaction, done again once if its connection was dead. The pool
    does not ping the connection first (a round trip a group); a dead one fails at its
    first statement, and SQLAlchemy then drops every pooled connection as old, so the
    second try gets a new one (or fails as the ping would: the server is down)."""
    try:
        return group(open_movements)
    except _ConnectionLost:
        pass
    try:
        return group(open_movements)
    except _ConnectionLost as lost:
        raise lost.error from lost.error.__cause__  # the driver's error, as it was


def _prepare_or_error(ctx: Context, request: LodgingRequest) -> Prepared | Exception:
    try:
        return prepare(
            ctx, request.declaration, request.principal, request.pre_lodge, reload_lists=False
        )
    except Exception as error:  # this request's alone (invalid, not authorised, ...)
        return error


class _GroupRefused(Exception):
    """The database refused a statement of ``_open_together``: its transaction is spoilt
    (on PostgreSQL every later statement would fail) and must be rolled back."""


def _open_together(
    uow: UnitOfWork, ctx: Context, lodgings: Sequence[Prepared], serials: SerialBlock
) -> list[Opened | CorridorError]:
    """Open every lodging's movement with a few statements for them all (``open_all``),
    with no savepoint: the database refuses a group's rows seldom (a movement another
    worker lodged meanwhile under the same LRN), and a savepoint cost two round trips a
    group. If it does, ``_GroupRefused``: ``lodge_each`` rolls the whole transaction back
    (its keys and serials with it) and does the group again with ``_open_apart``."""
    try:
        return open_all(uow, ctx, lodgings, serials, serials.known)
    except DBAPIError as error:
        if error.connection_invalidated:  # not refused: the connection is dead
            raise
        raise _GroupRefused from error
    except Exception as error:  # one of them: which, ``_open_apart`` finds out
        raise _GroupRefused from error


def _open_apart(
    uow: UnitOfWork, ctx: Context, lodgings: Sequence[Prepared], serials: SerialBlock
) -> list[Opened | Exception]:
    """Open each lodging's movement in a savepoint of its own, so that only the one the
    database refuses fails (``_open_alone``), undoing none of the others."""
    return [_open_alone(uow, ctx, lodging, serials) for lodging in lodgings]


def _open_alone(
    uow: UnitOfWork, ctx: Context, lodging: Prepared, serials: SerialBlock
) -> Opened | Exception:
    """``open_all`` of one lodging in a savepoint: an error undoes it alone (its rows,
    and the serial it took is given back to ``serials``: gap-free), and is its answer."""
    start = serials.position()
    try:
        with uow.connection.begin_nested():
            known = uow.movements.find_by_lrns({holder_and_lrn(lodging)})
            [opened] = open_all(uow, ctx, [lodging], serials, known)
    except Exception as error:  # rolled back to the savepoint; the others stand
        serials.rewind(start)
        return error
    return opened


class _KeyClaims:
    """The idempotency keys of a group's requests, reserved in its transaction before
    anything else (on PostgreSQL a key another transaction holds makes this one wait
    for it, holding nothing yet; in one order, so two groups never wait on each other).
    ``found``: request number -> what its key held already."""

    def __init__(self, uow: UnitOfWork, ctx: Context, requests: Sequence[LodgingRequest]) -> None:
        self._keys, self._requests = IdempotencyRepository(uow.connection), requests
        claimed = [(r.claim, n) for n, r in enumerate(requests) if r.claim is not None]
        claimed.sort(key=lambda c: (c[0].principal, c[0].key, c[1]))
        held = self._keys.reserve_each(
            [(claim.principal, claim.key, claim.fingerprint) for claim, _ in claimed], ctx.now()
        )  # all in one statement
        self.found: dict[int, Reservation] = {
            number: reservation  # answered before, still running, or twice in this group
            for (_, number), reservation in zip(claimed, held, strict=True)
            if reservation is not None
        }

    def keep(
        self, results: list[Lodged | Reservation | Exception], answer_of: AnswerOf | None
    ) -> list[Lodged | Reservation | Exception]:
        """Complete each key reserved here with its request's answer; a request refused
        gives its key back (its refusal is kept, if at all, outside: ``api.idempotency``)."""
        kept = list(results)
        completed: list[tuple[str, str, Answer]] = []
        released: list[tuple[str, str]] = []
        for number, (request, result) in enumerate(zip(self._requests, results, strict=True)):
            claim = request.claim
            if claim is None or number in self.found:
                continue
            if isinstance(result, Lodged) and answer_of is not None:
                answer = answer_of(result, request.principal)
                completed.append((claim.principal, claim.key, answer))
                kept[number] = replace(result, answer=answer)
            else:
                released.append((claim.principal, claim.key))
        self._keys.complete_each(completed)  # one statement each for all the keys
        self._keys.release_each(released)
        return kept


def _lodged(opened: Opened | Exception) -> Lodged | Exception:
    return opened if isinstance(opened, Exception) else opened.lodged
