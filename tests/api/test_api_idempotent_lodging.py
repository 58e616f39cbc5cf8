"""Idempotency keys of lodgings: reserved and completed in the transaction that lodges
(``lodging.lodge_each``), so that a key and its movement are committed together or not
at all; what a lodging answers without lodging is kept after (``api.idempotency``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from corridor_api_testing import PRINCIPALS, bearer, declaration_json
from fastapi.testclient import TestClient
from sqlalchemy import event, func, insert, select

from corridor import reading
from corridor.api.app import create_app
from corridor.api.routes.movements import lodging_answer
from corridor.bootstrap import Context
from corridor.domain.errors import Conflict, InvalidInput
from corridor.domain.movement import Movement
from corridor.domain.mrn import MovementReference
from corridor.lodging import Claim, Lodged, LodgingRequest
from corridor.store.access_tables import idempotency_keys
from corridor.store.codec import declaration_from_json
from corridor.store.idempotency import ABANDONED_AFTER, Reservation
from corridor.store.log_storage import LogEntryRepository
from corridor.store.repository import MovementRepository
from corridor.store.tables import movements

CARRIER = PRINCIPALS["carrier_a"]


def _keyed(lrn: str, key: str | None, **changes: Any) -> LodgingRequest:
    """Carrier A's lodging of the example under ``lrn``, sent with ``key``; its
    fingerprint stands for its body (``changes``: another departure, guarantee)."""
    data = declaration_json(lrn=lrn, **{k: v for k, v in changes.items() if k == "departure"})
    if "guarantee" in changes:
        data["guarantee"]["reference"] = changes["guarantee"]
    claim = None if key is None else Claim(CARRIER.id, key, f"{lrn}:{sorted(changes.items())}")
    return LodgingRequest(declaration_from_json(data), CARRIER, claim=claim)


def _keys(ctx: Context) -> dict[str, int | None]:
    """Each key carrier A holds, and the status of its answer (None: not answered)."""
    query = select(idempotency_keys.c.key, idempotency_keys.c.status)
    with ctx.engine.connect() as connection:
        rows = connection.execute(query.where(idempotency_keys.c.principal == CARRIER.id))
        return {row[0]: row[1] for row in rows}


def _movements(ctx: Context) -> int:
    with ctx.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(movements)).scalar_one())


def test_each_key_is_kept_with_its_lodging_in_the_group_s_transaction(api_ctx: Context) -> None:
    [before] = reading.lodge_each(api_ctx, [_keyed("A-0", "k0")], lodging_answer)
    assert isinstance(before, Lodged) and before.answer is not None
    assert before.answer == lodging_answer(before, CARRIER) and before.answer.status == 201
    answers = reading.lodge_each(api_ctx, [
        _keyed("A-1", "k1"),  # new: lodged, its answer kept with it
        _keyed("A-0", "k0"),  # answered before: that answer, nothing lodged
        _keyed("A-1", "k1"),  # twice in this group: the first holds the key, still running
        _keyed("A-2", "k0"),  # a key used for another request: what it holds, nothing lodged
        _keyed("A-0", "k5", guarantee="OTHER"),  # refused (LRN used with other data)
        _keyed("A-3", None),  # no key: lodged, no answer kept
        _keyed("A-4", "k7", departure="ZZ0NOWHR"),  # invalid, refused before the transaction
    ], lodging_answer)  # fmt: skip
    new, replayed, running, reused, conflict, unkeyed, invalid = answers
    assert isinstance(new, Lodged) and new.created and new.answer == lodging_answer(new, CARRIER)
    assert isinstance(replayed, Reservation) and replayed.answer == before.answer
    assert isinstance(running, Reservation) and running.answer is None
    assert isinstance(reused, Reservation) and reused.fingerprint == "A-0:[]"
    assert isinstance(conflict, Conflict) and isinstance(invalid, InvalidInput)
    assert isinstance(unkeyed, Lodged) and unkeyed.created and unkeyed.answer is None
    # The refused requests gave their keys back: kept, if at all, by the API afterwards.
    assert _keys(api_ctx) == {"k0": 201, "k1": 201}
    assert _movements(api_ctx) == 3


def test_a_group_that_fails_keeps_no_key_and_a_retry_lodges(
    api_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("before commit")

    monkeypatch.setattr(LogEntryRepository, "append_many", crash)
    requests = [_keyed(f"LOST-{n}", f"lost-{n}") for n in range(2)]
    with pytest.raises(RuntimeError):
        reading.lodge_each(api_ctx, requests, lodging_answer)  # 2: entries stored pending
    assert (_keys(api_ctx), _movements(api_ctx)) == ({}, 0)
    monkeypatch.undo()
    retried = reading.lodge_each(api_ctx, requests, lodging_answer)
    assert [a.answer.status for a in retried if isinstance(a, Lodged) and a.answer] == [201] * 2
    assert _keys(api_ctx) == {"lost-0": 201, "lost-1": 201}


def test_over_http_a_replay_gets_the_first_answer_whether_lodged_or_refused(
    api_ctx: Context, tokens: dict[str, str]
) -> None:
    with TestClient(create_app(api_ctx)) as client:
        key = bearer(tokens["carrier_a"], **{"Idempotency-Key": "lodge-once"})
        first = client.post("/movements", json=declaration_json(lrn="ONCE"), headers=key)
        again = client.post("/movements", json=declaration_json(lrn="ONCE"), headers=key)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
        assert again.headers["location"] == first.headers["location"]
        assert "idempotent-replayed" not in first.headers
        other = client.post("/movements", json=declaration_json(lrn="OTHER"), headers=key)
        assert other.status_code == 422 and other.json()["type"].endswith("idempotency-key-reused")

        bad = declaration_json(lrn="BAD", departure="ZZ0NOWHR")
        refused_key = bearer(tokens["carrier_a"], **{"Idempotency-Key": "refused"})
        refused = client.post("/movements", json=bad, headers=refused_key)
        replay = client.post("/movements", json=bad, headers=refused_key)
        assert (refused.status_code, replay.status_code) == (422, 422)
        assert replay.content == refused.content and replay.headers["idempotent-replayed"]
    assert _keys(api_ctx) == {"lodge-once": 201, "refused": 422}
    assert _movements(api_ctx) == 1


def test_keys_are_right_when_a_group_refused_by_the_database_is_done_again(
    api_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading.lodge_each(api_ctx, [_keyed("RACED", None)])
    stored = MovementRepository.add_many

    def refused_once(self: MovementRepository, new: Sequence[Movement]) -> None:
        monkeypatch.setattr(MovementRepository, "add_many", stored)
        stored(self, new)
        stored(self, new[:1])  # the same row again: the primary key refuses the group's rows

    monkeypatch.setattr(MovementRepository, "add_many", refused_once)
    answers = reading.lodge_each(api_ctx, [
        _keyed("B-0", "b0"),
        _keyed("B-0", "b0"),  # twice in this group: the first holds the key, still running
        _keyed("RACED", "b1", guarantee="OTHER"),  # refused (LRN used with other data)
        _keyed("B-1", "b2"),
    ], lodging_answer)  # fmt: skip
    # The group was rolled back (keys reserved, serials taken) and done again, each
    # lodging in a savepoint: each key as if the database had never refused anything.
    first, twice, conflict, second = answers
    assert isinstance(first, Lodged) and first.answer == lodging_answer(first, CARRIER)
    assert isinstance(twice, Reservation) and twice.answer is None
    assert isinstance(conflict, Conflict)
    assert isinstance(second, Lodged) and second.answer is not None
    assert _keys(api_ctx) == {"b0": 201, "b2": 201}
    assert _movements(api_ctx) == 3
    serials = [MovementReference.build(2026, "AZ", f"0HRD01{n:06d}") for n in (2, 3)]
    assert [first.movement.mrn, second.movement.mrn] == [str(mrn) for mrn in serials]


def test_a_group_s_keys_take_a_statement_each_for_all_and_an_abandoned_one_is_taken_over(
    api_ctx: Context,
) -> None:
    now = api_ctx.now()
    with api_ctx.engine.begin() as connection:  # two first requests that never answered
        for key, age in (("gone", ABANDONED_AFTER + timedelta(seconds=1)), ("busy", timedelta())):
            connection.execute(insert(idempotency_keys).values(
                principal=CARRIER.id, key=key, fingerprint="first", created_at=now - age
            ))  # fmt: skip
    seen: list[tuple[str, bool]] = []

    def record(_c: Any, _cursor: Any, statement: str, _p: Any, _x: Any, many: bool) -> None:
        if "idempotency_keys" in statement:
            seen.append((statement.split()[0], many))

    event.listen(api_ctx.engine, "before_cursor_execute", record)
    answers = reading.lodge_each(api_ctx, [
        *(_keyed(f"K-{n}", f"k{n}") for n in range(4)),
        _keyed("GONE", "gone"),  # abandoned for longer than ABANDONED_AFTER: taken over
        _keyed("BUSY", "busy"),  # reserved a moment ago: still running, nothing lodged
        _keyed("K-0", "k8", guarantee="OTHER"),  # refused (K-0 with other data): released
        _keyed("K-1", "k9", guarantee="OTHER"),  # refused too
    ], lodging_answer)  # fmt: skip
    event.remove(api_ctx.engine, "before_cursor_execute", record)
    *lodged, gone, busy, refused, refused_too = answers
    assert all(isinstance(a, Lodged) and a.answer for a in [*lodged, gone])
    assert busy == Reservation("first", None)
    assert isinstance(refused, Conflict) and isinstance(refused_too, Conflict)
    assert _keys(api_ctx) == {**{f"k{n}": 201 for n in range(4)}, "gone": 201, "busy": None}
    # One INSERT for every key, one look-up of those held, the take-over, then ONE
    # statement completing the five (executed for each), one releasing the two refused.
    assert seen == [("INSERT", False), ("SELECT", False), ("UPDATE", False),
                    ("UPDATE", True), ("DELETE", True)]  # fmt: skip
