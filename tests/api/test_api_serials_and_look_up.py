"""A group's MRN counters and its look-up of holders and LRNs
(``SerialAllocator.reserve_and_find``): on PostgreSQL one statement, the counters'
upsert as its WITH part; on SQLite a statement each. The same serials and movements."""

from __future__ import annotations

from typing import Any

from corridor_api_testing import HOLDER_B, PRINCIPALS, declaration_json
from sqlalchemy import event

from corridor import reading
from corridor.bootstrap import Context
from corridor.lodging import Lodged, LodgingRequest
from corridor.store.codec import declaration_from_json
from corridor.store.repository import SerialAllocator


def _request(lrn: str, holder: str | None = None) -> LodgingRequest:
    principal = PRINCIPALS["carrier_b" if holder else "carrier_a"]
    data = declaration_json(lrn=lrn, **({"holder": holder} if holder else {}))
    return LodgingRequest(declaration_from_json(data), principal)


def test_counters_move_and_the_pairs_asked_for_are_found_in_one_statement_on_postgresql(
    api_ctx: Context,
) -> None:
    lodged = reading.lodge_each(api_ctx, [_request("SHARED"), _request("A-ONLY"),
                                          _request("SHARED", holder=HOLDER_B)])  # fmt: skip
    assert all(isinstance(one, Lodged) for one in lodged)
    a_holder = _request("SHARED").declaration.holder.identification_number
    asked = {(a_holder, "A-ONLY"), (HOLDER_B, "SHARED"), (HOLDER_B, "A-ONLY")}
    statements: list[str] = []
    event.listen(api_ctx.engine, "before_cursor_execute",
                 lambda _c, _cursor, statement, *_: statements.append(statement))  # fmt: skip
    with api_ctx.unit_of_work() as uow:
        last, found = uow.serials.reserve_and_find([(2026, "AZ0HRD01", 2), (2026, "ZZ9", 5)], asked)
        again, _ = SerialAllocator(uow.connection).reserve_and_find([(2026, "ZZ9", 1)], set())
        moved = [s for s in statements if "mrn_counters" in s]
    # (A, SHARED) matches a holder and an LRN asked, but was not asked for.
    assert set(found) == {(a_holder, "A-ONLY"), (HOLDER_B, "SHARED")}
    assert found[HOLDER_B, "SHARED"] == _movement(lodged[2])
    assert (last, again) == ({(2026, "AZ0HRD01"): 5, (2026, "ZZ9"): 5}, {(2026, "ZZ9"): 6})
    postgresql = api_ctx.engine.dialect.name == "postgresql"
    assert len(moved) == (2 if postgresql else 3)  # rolled back: nothing moved for good
    if postgresql:
        assert " FROM movements " in moved[0]


def _movement(lodged: Any) -> Any:
    assert isinstance(lodged, Lodged)
    return lodged.movement
