"""Group commit: concurrent POST /movements are lodged together, in one transaction
(done again with a savepoint each if the database refuses a row), and answered only
once it is committed (``api.group_commit``, ``lodging.lodge_each``). Each request
keeps its own answer; nothing is half-done. Every group leaves its entries pending for
the sequencer, which logs them in the order they were appended."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from corridor_api_testing import HOLDER_B, PRINCIPALS, bearer, declaration_json
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from corridor import lodging, log_service, reading, services
from corridor.api.app import create_app
from corridor.api.group_commit import GroupCommit
from corridor.bootstrap import Context
from corridor.domain.errors import Conflict
from corridor.domain.movement import Movement
from corridor.domain.mrn import MovementReference
from corridor.domain.visibility import itinerary_of
from corridor.lodging import Lodged, LodgingRequest
from corridor.store import driver_rows
from corridor.store.access_tables import movement_offices
from corridor.store.codec import declaration_from_json
from corridor.store.log_storage import LogEntryRepository
from corridor.store.repository import MovementFilter, MovementRepository, SerialAllocator
from corridor.store.tables import log_entries, movements, mrn_counters


class Crash(Exception):
    pass


def _held_app(ctx: Context) -> tuple[FastAPI, GroupCommit[Any, Any], threading.Event]:
    """The app, its lodging writer held at the start of its first group until the
    event is set, so that the requests sent meanwhile queue and form one group."""
    app = create_app(ctx)
    go = threading.Event()

    def run(requests: Sequence[Any]) -> list[Any]:
        go.wait(timeout=30)
        return reading.lodge_each(ctx, requests)

    app.state.lodgings = GroupCommit(run, name="corridor-lodging-test")
    return app, app.state.lodgings, go


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(3000):  # 30 s at most
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the requests never queued")


async def _in_one_group(
    app: FastAPI, group: GroupCommit[Any, Any], go: threading.Event,
    send: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]], count: int,
) -> tuple[httpx.Response, list[httpx.Response]]:  # fmt: skip
    """One request that the writer takes alone and holds; then ``count`` more, which
    queue behind it; then the writer goes on: they are its second group."""
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://corridor") as client:
        first = asyncio.create_task(send(client, -1))
        await _until(lambda: group.submitted == 1 and group.queued == 0)
        rest = [asyncio.create_task(send(client, n)) for n in range(count)]
        await _until(lambda: group.submitted == 1 + count)
        go.set()
        return await first, list(await asyncio.gather(*rest))


def _refusing(lrn: str) -> Callable[[MovementRepository, Sequence[Movement]], None]:
    """``MovementRepository.add_many`` as the database refuses the movement of ``lrn``."""
    stored = MovementRepository.add_many

    def add_many(self: MovementRepository, new: Sequence[Movement]) -> None:
        stored(self, new)
        broken = [movement for movement in new if movement.declaration.lrn == lrn]
        stored(self, broken)  # the same rows again: the primary key refuses them

    return add_many


def _mrns(serials: range) -> set[str]:
    return {str(MovementReference.build(2026, "AZ", f"0HRD01{n:06d}")) for n in serials}


def _count(ctx: Context, query: Any) -> int:
    with ctx.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_concurrent_lodgings_land_together_each_with_its_own_answer(
    api_ctx: Context, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, group, go = _held_app(api_ctx)
    monkeypatch.setattr(MovementRepository, "add_many", _refusing("BROKEN"))
    carrier = bearer(tokens["carrier_a"])
    other = declaration_json(lrn="TWIN-OTHER")
    other["guarantee"]["reference"] = "ANOTHER-GUARANTEE"
    odd = {
        30: (declaration_json(lrn="GOOD-0"), carrier),  # sent twice: the same movement
        31: (declaration_json(lrn="TWIN-OTHER"), carrier),  # same LRN, other data: 409
        32: (other, carrier),
        33: (declaration_json(lrn="NOWHERE", departure="ZZ0NOWHR"), carrier),  # 422
        34: (declaration_json(lrn="NOT-MINE", holder=HOLDER_B), carrier),  # 403
        35: (declaration_json(lrn="BROKEN"), carrier),  # the database refuses it: 500
    }

    async def send(client: httpx.AsyncClient, n: int) -> httpx.Response:
        body, headers = odd.get(n, (declaration_json(lrn=f"GOOD-{n}"), carrier))
        return await client.post("/movements", json=body, headers=headers)

    try:
        first, answers = asyncio.run(_in_one_group(app, group, go, send, 36))
    finally:
        group.close()
    assert group.groups == 2  # the first alone, then all 36 in one transaction
    assert first.status_code == 201
    good = answers[:30]
    assert [a.status_code for a in good] == [201] * 30
    assert answers[30].status_code == 200 and answers[30].json() == good[0].json()
    assert sorted(a.status_code for a in answers[31:33]) == [201, 409]
    kinds = [a.json()["type"].rsplit("/", 1)[1] for a in answers[33:]]
    assert kinds == ["invalid-declaration", "not-authorised", "internal-error"]
    created = [first, *good, *(a for a in answers[31:33] if a.status_code == 201)]
    assert {a.json()["mrn"] for a in created} == _mrns(range(1, 33))  # distinct, gap-free
    assert _count(api_ctx, select(func.count()).select_from(movements)) == 32
    assert _count(api_ctx, select(mrn_counters.c.last_serial)) == 32
    assert log_service.integrate_all(api_ctx) == 32  # the sequencer: the lone one's, then the 31
    report = log_service.verify(api_ctx)
    assert (report.size, report.commitments_checked, report.pending) == (32, 32, 0)


def test_a_group_that_fails_before_commit_lodges_nothing_and_answers_no_success(
    api_ctx: Context, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, group, go = _held_app(api_ctx)

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash("before commit")

    # Storing the entries fails: pending (the lone first) or integrated (the group of 8).
    monkeypatch.setattr(LogEntryRepository, "append_many", crash)

    async def send(client: httpx.AsyncClient, n: int) -> httpx.Response:
        body = declaration_json(lrn=f"LOST-{n}")
        return await client.post("/movements", json=body, headers=bearer(tokens["carrier_a"]))

    try:
        first, answers = asyncio.run(_in_one_group(app, group, go, send, 8))
    finally:
        group.close()
    assert [a.status_code for a in (first, *answers)] == [500] * 9
    assert _count(api_ctx, select(func.count()).select_from(movements)) == 0
    assert _count(api_ctx, select(func.count()).select_from(mrn_counters)) == 0
    monkeypatch.undo()
    with TestClient(create_app(api_ctx)) as client:
        again = client.post(
            "/movements", json=declaration_json(lrn="LOST-0"), headers=bearer(tokens["carrier_a"])
        )
    assert again.status_code == 201 and again.json()["mrn"] in _mrns(range(1, 2))
    assert log_service.integrate_all(api_ctx) == 1


def _pending(ctx: Context) -> int:
    return _count(ctx, select(func.count()).where(log_entries.c.log_index.is_(None)))


def _log_order(ctx: Context) -> list[str]:
    """The MRNs of the integrated entries, in the log's order."""
    query = (
        select(log_entries.c.mrn)
        .where(log_entries.c.log_index.is_not(None))
        .order_by(log_entries.c.log_index)
    )
    with ctx.engine.connect() as connection:
        return list(connection.execute(query).scalars())


def test_a_lone_lodging_is_answered_with_its_entry_pending_and_the_sequencer_logs_it(
    api_ctx: Context, tokens: dict[str, str]
) -> None:
    with TestClient(create_app(api_ctx)) as client:
        lodged = client.post(
            "/movements", json=declaration_json(lrn="ALONE"), headers=bearer(tokens["carrier_a"])
        )
    assert lodged.status_code == 201
    mrn = lodged.json()["mrn"]
    assert mrn in _mrns(range(1, 2))
    assert (_pending(api_ctx), _log_order(api_ctx)) == (1, [])  # stored, not integrated
    assert log_service.integrate_all(api_ctx) == 1  # what `corridor serve` runs
    report = log_service.verify(api_ctx)
    assert (report.size, report.commitments_checked, report.pending) == (1, 1, 0)
    receipts, pending = log_service.receipts(api_ctx, mrn)
    assert (len(receipts), pending) == (1, 0)


def test_groups_of_any_size_leave_their_entries_to_the_sequencer_which_logs_them_in_order(
    api_ctx: Context, tokens: dict[str, str]
) -> None:
    carrier = bearer(tokens["carrier_a"])

    def sender(prefix: str) -> Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]:
        async def send(client: httpx.AsyncClient, n: int) -> httpx.Response:
            body = declaration_json(lrn=f"{prefix}-{n}")
            return await client.post("/movements", json=body, headers=carrier)

        return send

    answers: list[httpx.Response] = []
    for prefix, count in (("SMALL", 2), ("LARGE", 8)):  # each: one alone, then `count`
        app, group, go = _held_app(api_ctx)
        try:
            first, rest = asyncio.run(_in_one_group(app, group, go, sender(prefix), count))
        finally:
            group.close()
        assert group.groups == 2
        answers += [first, *rest]
        # committed and answered, each entry stored but none integrated: no group's
        # transaction took the log's lock or signed a checkpoint
        assert (_pending(api_ctx), _log_order(api_ctx)) == (len(answers), [])
    assert [a.status_code for a in answers] == [201] * 12
    assert log_service.integrate_all(api_ctx) == 12  # what `corridor serve` runs
    # Serials follow the order of lodging, and the log holds the entries in that order.
    in_lodging_order = sorted(a.json()["mrn"] for a in answers)
    assert set(in_lodging_order) == _mrns(range(1, 13))
    assert _log_order(api_ctx) == in_lodging_order
    report = log_service.verify(api_ctx)
    assert (report.size, report.commitments_checked, report.pending) == (12, 12, 0)


def _request(lrn: str, guarantee: str | None = None) -> LodgingRequest:
    """Carrier A's lodging of the example under ``lrn`` (another guarantee: other data)."""
    data = declaration_json(lrn=lrn)
    if guarantee is not None:
        data["guarantee"]["reference"] = guarantee
    return LodgingRequest(declaration_from_json(data), PRINCIPALS["carrier_a"])


def test_a_mixed_group_answers_each_lodging_as_if_it_were_alone(
    api_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = reading.lodge_each(api_ctx, [_request("EARLIER-0"), _request("EARLIER-1")])
    monkeypatch.setattr(MovementRepository, "add_many", _refusing("BROKEN"))
    answers = reading.lodge_each(api_ctx, [
        _request("NEW-0"),
        _request("EARLIER-0"),  # lodged by an earlier group: its movement
        _request("NEW-1"),
        _request("NEW-0"),  # twice in this group: the first one's movement
        _request("EARLIER-1", guarantee="OTHER"),  # an earlier group's LRN, other data
        _request("NEW-1", guarantee="OTHER"),  # this group's LRN, other data
        _request("BROKEN"),  # the database refuses it
        _request("NEW-2"),
        _request("NEW-3"),
    ])  # fmt: skip
    lodged = [a for a in answers if isinstance(a, Lodged)]
    assert [(a.movement.declaration.lrn, a.created) for a in lodged] == [
        ("NEW-0", True), ("EARLIER-0", False), ("NEW-1", True), ("NEW-0", False),
        ("NEW-2", True), ("NEW-3", True),
    ]  # fmt: skip
    assert isinstance(earlier[0], Lodged) and lodged[1].movement == earlier[0].movement
    assert lodged[3].movement == lodged[0].movement
    assert [type(a) for a in answers[4:7]] == [Conflict, Conflict, IntegrityError]
    assert [a.movement.mrn for a in lodged if a.created] == sorted(_mrns(range(3, 7)))
    assert _count(api_ctx, select(mrn_counters.c.last_serial)) == 6  # gap-free
    assert _count(api_ctx, select(func.count()).select_from(movements)) == 6
    log_service.integrate_all(api_ctx)
    report = log_service.verify(api_ctx)
    assert (report.size, report.commitments_checked, report.pending) == (6, 6, 0)


@contextmanager
def _statements_seen(ctx: Context, named: Callable[[str], str | None]) -> Iterator[list[str]]:
    """What ``named`` calls each statement run meanwhile (those it names: not None)."""
    seen: list[str] = []

    def record(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        name = named(statement)
        if name is not None:
            seen.append(name)

    event.listen(ctx.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(ctx.engine, "before_cursor_execute", record)


def _on_movements(statement: str) -> str | None:
    """A statement on the movement tables as its first words, or an INSERT as the tables
    it inserts into (on PostgreSQL, one may insert into several, ``INSERT INTO movements,
    movement_offices``, and look movements up as well)."""
    if not re.search(r"\bmovement(s|_events|_offices)\b", statement):
        return None
    tables = re.findall(r"\bINSERT INTO (\w+)", statement)
    looks_up = " + SELECT FROM movements" if " FROM movements " in statement else ""
    return (
        f"INSERT INTO {', '.join(tables)}{looks_up}" if tables else " ".join(statement.split()[:3])
    )


def _statements_on_movements(ctx: Context) -> Any:
    return _statements_seen(ctx, _on_movements)


def test_a_group_reads_and_writes_movements_in_as_many_statements_however_large(
    api_ctx: Context,
) -> None:
    def statements(requests: list[LodgingRequest]) -> list[str]:
        with _statements_on_movements(api_ctx) as seen:
            answers = reading.lodge_each(api_ctx, requests)
        assert not [a for a in answers if isinstance(a, Exception) and not isinstance(a, Conflict)]
        return seen

    small = statements([_request(f"SMALL-{n}") for n in range(4)])
    large = statements([
        *(_request(f"LARGE-{n}") for n in range(12)), _request("SMALL-0"), _request("LARGE-0"),
        _request("SMALL-1", guarantee="OTHER"),
    ])  # fmt: skip
    # One look-up of every holder and LRN; the movements, itineraries and events inserted.
    # (On PostgreSQL the look-up goes with the MRN counters' upsert, and the rows in one
    # statement: ``SerialAllocator.reserve_and_find``, ``store.driver_rows.rows_together``.)
    expected = [
        "SELECT movements.holder, movements.lrn,", "INSERT INTO movements",
        "INSERT INTO movement_offices", "INSERT INTO movement_events",
    ]  # fmt: skip
    if api_ctx.engine.dialect.name == "postgresql":
        expected = [
            "INSERT INTO mrn_counters + SELECT FROM movements",
            "INSERT INTO movements, movement_offices, movement_events",
        ]
    assert small == large == expected


def test_movements_stored_through_the_driver_read_back_whole_however_many_statements(
    api_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two movement rows per INSERT (12 columns): a batch of five takes three statements
    # on PostgreSQL (SQLite: one executemany); the third also inserts itineraries.
    monkeypatch.setattr(driver_rows, "MOST_PARAMETERS", 24)
    requests = [_request(f"SPLIT-{n}") for n in range(5)]
    principal = requests[0].principal
    with _statements_on_movements(api_ctx) as seen:
        batch = services.lodge_many(api_ctx, [r.declaration for r in requests], principal)
    postgresql = api_ctx.engine.dialect.name == "postgresql"
    into_movements = [s for s in seen if re.match(r"INSERT INTO movements\b", s)]
    assert len(into_movements) == (3 if postgresql else 1)
    movements_lodged = [lodged.movement for lodged in batch.lodged]
    with api_ctx.unit_of_work() as uow:
        for movement in movements_lodged:
            assert uow.movements.get(movement.mrn) == movement
            [event] = uow.events.for_movement(movement.mrn)
            assert (event.action, event.at, event.principal) == (
                "lodge",
                movement.lodged_at,
                "carrier-a",
            )
            offices = frozenset(itinerary_of(movement.declaration))
            seen = uow.movements.find(MovementFilter(touching=offices, limit=10))
            assert movement in seen
        rows = uow.connection.execute(select(func.count()).select_from(movement_offices))
        assert rows.scalar_one() == sum(len(itinerary_of(m.declaration)) for m in movements_lodged)


class _CountingLoop(asyncio.SelectorEventLoop):
    """A real event loop that counts the callbacks other threads hand it."""

    handed = 0

    def call_soon_threadsafe(self, *args: Any, **kwargs: Any) -> Any:
        self.handed += 1
        return super().call_soon_threadsafe(*args, **kwargs)


def test_a_group_is_answered_in_one_wake_up_of_its_event_loop() -> None:
    go = threading.Event()

    def run(requests: Sequence[int]) -> list[int | Exception]:
        go.wait(timeout=30)
        return [Crash(n) if n == 3 else n * 2 for n in requests]

    group: GroupCommit[int, int] = GroupCommit(run, name="corridor-group-test")

    async def submit_all() -> list[Any]:
        first = asyncio.ensure_future(group.submit(0))
        await _until(lambda: group.submitted == 1 and group.queued == 0)
        rest = [asyncio.ensure_future(group.submit(n)) for n in range(1, 6)]
        await _until(lambda: group.queued == 5)
        go.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    loop = _CountingLoop()
    try:
        answers = loop.run_until_complete(submit_all())
    finally:
        group.close()
        loop.close()
    assert [a if isinstance(a, int) else str(a) for a in answers] == [0, 2, 4, "3", 8, 10]
    assert group.groups == 2 and loop.handed == 2  # the first alone, then five together


def test_the_lrn_look_up_finds_exactly_the_pairs_asked_for_through_the_index(
    api_ctx: Context,
) -> None:
    carrier_b = PRINCIPALS["carrier_b"]
    b_request = LodgingRequest(
        declaration_from_json(declaration_json(lrn="SHARED", holder=HOLDER_B)), carrier_b
    )
    lodged = reading.lodge_each(api_ctx, [_request("SHARED"), _request("A-ONLY"), b_request])
    assert all(isinstance(one, Lodged) for one in lodged)
    a_holder = _request("SHARED").declaration.holder.identification_number
    asked = {(a_holder, "A-ONLY"), (HOLDER_B, "SHARED"), (HOLDER_B, "A-ONLY")}
    with api_ctx.engine.connect() as connection:
        found = MovementRepository(connection).find_by_lrns(asked)
        # (A, SHARED) matches both holders and both LRNs asked, but was not asked for.
        assert set(found) == {(a_holder, "A-ONLY"), (HOLDER_B, "SHARED")}
    if api_ctx.engine.dialect.name == "sqlite":  # a scan would grow with the table
        seen: list[tuple[str, Any]] = []

        def keep(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "FROM movements" in statement:
                seen.append((statement, parameters))

        event.listen(api_ctx.engine, "before_cursor_execute", keep)
        try:
            with api_ctx.engine.connect() as connection:
                MovementRepository(connection).find_by_lrns(asked)
        finally:
            event.remove(api_ctx.engine, "before_cursor_execute", keep)
        [(statement, parameters)] = seen
        with api_ctx.engine.connect() as connection:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            steps = [row[3] for row in plan]
        assert len(steps) == 1 and steps[0].startswith("SEARCH movements USING INDEX")
        assert steps[0].endswith("(holder=? AND lrn=?)")


Found = tuple[dict[tuple[int, str], int], dict[tuple[str, str], Movement]]


def _hiding_once(lrn: str) -> Callable[[SerialAllocator, Any, Any], Found]:
    """``SerialAllocator.reserve_and_find`` (a group's look-up of its holders and LRNs,
    with its MRN counters) as it was when another worker had not yet committed the
    movement of ``lrn``: the first look-up misses it, later ones find it."""
    reserve_and_find = SerialAllocator.reserve_and_find
    calls = 0

    def hiding(self: SerialAllocator, wanted: Any, keys: Any) -> Found:
        nonlocal calls
        calls += 1
        last, known = reserve_and_find(self, wanted, keys)
        return last, {k: m for k, m in known.items() if calls > 1 or k[1] != lrn}

    return hiding


def _savepoints(ctx: Context) -> Any:
    """The savepoint statements run meanwhile, by their first word."""
    return _statements_seen(
        ctx,
        lambda sql: sql.split()[0] if re.match(r"(SAVEPOINT|RELEASE|ROLLBACK TO)\b", sql) else None,
    )


def test_a_group_runs_no_savepoint_unless_the_database_refuses_a_row_then_one_each(
    api_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _savepoints(api_ctx) as seen:
        together = reading.lodge_each(api_ctx, [_request(f"TOGETHER-{n}") for n in range(3)])
    assert all(isinstance(a, Lodged) and a.created for a in together) and seen == []
    [raced] = reading.lodge_each(api_ctx, [_request("RACED")])
    # Another worker commits RACED between this group's look-up and its INSERT: the
    # database refuses the group's rows (holder and LRN unique); the transaction is
    # rolled back, and the group done again, each lodging in a savepoint of its own.
    monkeypatch.setattr(SerialAllocator, "reserve_and_find", _hiding_once("RACED"))
    with _savepoints(api_ctx) as seen:
        answers = reading.lodge_each(api_ctx, [_request("APART-0"), _request("RACED"),
                                               _request("APART-1")])  # fmt: skip
    assert seen == ["SAVEPOINT", "RELEASE"] * 3
    assert isinstance(raced, Lodged) and all(isinstance(a, Lodged) for a in answers)
    assert [(a.movement.declaration.lrn, a.created) for a in answers if isinstance(a, Lodged)] == [
        ("APART-0", True), ("RACED", False), ("APART-1", True),
    ]  # fmt: skip
    assert answers[1] == replace(raced, created=False)
    assert [a.movement.mrn for a in answers if isinstance(a, Lodged) and a.created] == sorted(
        _mrns(range(5, 7))
    )  # the serials the refused attempt took came back with its rollback: gap-free
    assert _count(api_ctx, select(mrn_counters.c.last_serial)) == 6
    assert _count(api_ctx, select(func.count()).select_from(movements)) == 6
    log_service.integrate_all(api_ctx)
    report = log_service.verify(api_ctx)
    assert (report.size, report.commitments_checked, report.pending) == (6, 6, 0)


def test_a_lone_lodging_raced_by_another_of_the_same_lrn_answers_with_that_movement(
    api_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lodging.lodge`` (the web console's and the CLI's) and ``lodge_many``, when another
    transaction commits the same holder and LRN after their look-up read (on PostgreSQL
    the look-up reads a snapshot taken before the counter's lock was waited for: a form
    sent twice): the database refuses the row; the lodging is done again and finds the
    movement, as it would have had it come a moment later; nothing is lodged twice."""
    first = _request("TWICE")
    [lodged] = reading.lodge_each(api_ctx, [first])
    assert isinstance(lodged, Lodged) and lodged.created
    monkeypatch.setattr(SerialAllocator, "reserve_and_find", _hiding_once("TWICE"))
    again = lodging.lodge(api_ctx, first.declaration, first.principal)
    assert again == replace(lodged, created=False)
    monkeypatch.setattr(SerialAllocator, "reserve_and_find", _hiding_once("TWICE"))
    batch = lodging.lodge_many(
        api_ctx, [_request("BATCH-0").declaration, first.declaration], first.principal
    )
    assert [(one.movement.declaration.lrn, one.created) for one in batch.lodged] == [
        ("BATCH-0", True), ("TWICE", False),
    ]  # fmt: skip
    assert batch.lodged[1].movement == lodged.movement
    assert [m.movement.mrn for m in batch.lodged if m.created] == sorted(_mrns(range(2, 3)))
    assert _count(api_ctx, select(func.count()).select_from(movements)) == 2
