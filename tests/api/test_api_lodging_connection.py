"""A lodging group's connection is not pinged when it is checked out of the pool (the
ping is a round trip a group): if it turns out dead (the server restarted, or ended
it), the group is done again on a new connection (``lodging.lodge_each``). Every other
checkout is pinged as before (``store.database``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from corridor_api_testing import PRINCIPALS, declaration_json
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from corridor import reading
from corridor.bootstrap import Context
from corridor.lodging import Lodged, LodgingRequest
from corridor.store.codec import declaration_from_json
from corridor.store.repository import SerialAllocator
from corridor.store.tables import movements, mrn_counters


def _request(lrn: str) -> LodgingRequest:
    return LodgingRequest(declaration_from_json(declaration_json(lrn=lrn)), PRINCIPALS["carrier_a"])


def _count(ctx: Context, query: Any) -> int:
    with ctx.engine.connect() as connection:
        return int(connection.execute(query).scalar_one() or 0)


def _end_the_pooled_connection(ctx: Context) -> None:
    """Leave one connection in the pool, and end it as a server restart would (on
    SQLite, whose pool does not ping, close it under the pool)."""
    ctx.engine.dispose()
    with ctx.engine.connect() as connection:
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None
    if ctx.engine.dialect.name != "postgresql":
        dbapi_connection.close()
        return
    with create_engine(ctx.engine.url, poolclass=NullPool).connect() as other:
        ended = other.execute(
            text("SELECT pg_terminate_backend(:pid, 10000)"),
            {"pid": dbapi_connection.info.backend_pid},
        )
        assert ended.scalar_one() is True


def _connections_made(ctx: Context) -> list[object]:
    made: list[object] = []
    event.listen(ctx.engine, "connect", lambda dbapi_connection, _record: made.append(1))
    return made


def test_a_group_handed_a_dead_connection_lodges_on_a_new_one(api_ctx: Context) -> None:
    _end_the_pooled_connection(api_ctx)
    made = _connections_made(api_ctx)
    answers = reading.lodge_each(
        api_ctx, [_request("AFTER-RESTART-0"), _request("AFTER-RESTART-1")]
    )
    assert [(type(a), getattr(a, "created", None)) for a in answers] == [(Lodged, True)] * 2
    assert len(made) == 1  # the dead one dropped, one new connection made
    assert _count(api_ctx, select(func.count()).select_from(movements)) == 2
    assert _count(api_ctx, select(mrn_counters.c.last_serial)) == 2  # gap-free


def _dying_before(times: int) -> Callable[[SerialAllocator, Any, Any], Any]:
    """``SerialAllocator.reserve_and_find``, its connection closed under it the first
    ``times`` calls: the group's first statement finds it dead, as after a restart."""
    reserve_and_find = SerialAllocator.reserve_and_find
    calls = 0

    def dying(self: SerialAllocator, wanted: Any, keys: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls <= times:
            self._connection.connection.dbapi_connection.close()  # type: ignore[union-attr]
        return reserve_and_find(self, wanted, keys)

    return dying


def test_a_group_whose_connection_dies_before_commit_is_done_again_once(
    api_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SerialAllocator, "reserve_and_find", _dying_before(1))
    [lodged] = reading.lodge_each(api_ctx, [_request("RETRIED")])
    assert isinstance(lodged, Lodged) and lodged.created
    monkeypatch.setattr(SerialAllocator, "reserve_and_find", _dying_before(2))
    with pytest.raises(DBAPIError) as raised:  # dead again: the error, as the ping's would be
        reading.lodge_each(api_ctx, [_request("NEVER")])
    assert raised.value.connection_invalidated
    assert _count(api_ctx, select(func.count()).select_from(movements)) == 1
    assert _count(api_ctx, select(mrn_counters.c.last_serial)) == 1


@pytest.mark.parametrize(  # SQLite's pool pings nothing: there is no server to lose
    "backend_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_every_other_checkout_is_pinged_and_finds_a_live_connection(api_ctx: Context) -> None:
    _end_the_pooled_connection(api_ctx)
    made = _connections_made(api_ctx)
    with api_ctx.unit_of_work() as uow:
        assert uow.movements.count_by_state() == {}
    assert len(made) == 1
