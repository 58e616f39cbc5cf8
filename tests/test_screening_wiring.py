"""Screening wired into lodging: the channel and its reasons stay with the movement,
decide the control that must precede release, and reach the log without secrets."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from corridor import services
from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain.commands import ControlKind
from corridor.domain.errors import PreconditionFailed
from corridor.domain.lifecycle import MovementState
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.domain.risk import Channel
from corridor.ledger.entry import parse_entry
from corridor.store.codec import declaration_from_json
from corridor.store.tables import log_entries
from corridor_testing import FakeClock

AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")


def _lodge(ctx: Context, data: dict[str, Any], lrn: str) -> str:
    data = {**copy.deepcopy(data), "lrn": lrn}
    declaration = declaration_from_json(data)
    holder = Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)
    return services.lodge(ctx, declaration, holder).movement.mrn


def _with_item(data: dict[str, Any], hs_code: str, description: str) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    changed["consignments"][0]["items"][0]["hs_code"] = hs_code
    changed["consignments"][0]["items"][0]["description"] = description
    return changed


def test_plain_goods_go_green_and_release_directly(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, declaration_data, "G-1")
    movement = services.get_movement(ctx, mrn)
    assert movement.risk is not None and movement.risk.channel is Channel.GREEN
    assert movement.risk.reasons == () and movement.risk.list_versions
    services.accept(ctx, mrn, AZ)
    assert services.release(ctx, mrn, AZ, seals=("S1",)).state is MovementState.RELEASED


def test_chp_goods_go_yellow_and_need_a_documentary_control(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, _with_item(declaration_data, "854231", "Microcontrollers, 32-bit"), "Y-1")
    risk = services.get_movement(ctx, mrn).risk
    assert risk is not None and risk.channel is Channel.YELLOW
    assert [r.code for r in risk.reasons] == ["goods.chp"] and "854231" in risk.reasons[0].text
    services.accept(ctx, mrn, AZ)
    with pytest.raises(
        PreconditionFailed, match="channel yellow: a documentary or physical control"
    ):
        services.release(ctx, mrn, AZ, seals=("S1",))
    services.control(ctx, mrn, AZ, ControlKind.DOCUMENTARY)
    assert services.release(ctx, mrn, AZ, seals=("S1",)).state is MovementState.RELEASED


def test_chp_goods_bound_for_russia_go_red_and_need_a_physical_control(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    data = _with_item(declaration_data, "854231", "Microcontrollers, 32-bit")
    data["consignments"][0]["country_of_destination"] = "RU"
    mrn = _lodge(ctx, data, "R-1")
    risk = services.get_movement(ctx, mrn).risk
    assert risk is not None and risk.channel is Channel.RED
    assert {r.code for r in risk.reasons} == {"goods.chp", "route.rule"}
    services.accept(ctx, mrn, AZ)
    with pytest.raises(PreconditionFailed, match="channel red: the control must be physical"):
        services.control(ctx, mrn, AZ, ControlKind.DOCUMENTARY)
    services.control(ctx, mrn, AZ, ControlKind.PHYSICAL)
    assert services.release(ctx, mrn, AZ, seals=("S1",)).state is MovementState.RELEASED


def test_military_goods_are_blocked_whatever_the_control(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, _with_item(declaration_data, "930110", "Mortar tubes"), "M-1")
    risk = services.get_movement(ctx, mrn).risk
    assert risk is not None and risk.blocked and risk.channel is Channel.RED
    services.accept(ctx, mrn, AZ)
    services.control(ctx, mrn, AZ, ControlKind.PHYSICAL)
    with pytest.raises(PreconditionFailed, match="no military use"):
        services.release(ctx, mrn, AZ, seals=("S1",))
    refused = services.refuse_release(ctx, mrn, AZ, "arms may not transit the corridor")
    assert refused.state is MovementState.NOT_RELEASED


def test_a_listed_consignee_is_flagged_with_its_evidence(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    data = copy.deepcopy(declaration_data)
    data["consignments"][0]["consignee"] = {"name": "ООО Ордубад Агро", "country": "AZ"}
    mrn = _lodge(ctx, data, "W-1")
    risk = services.get_movement(ctx, mrn).risk
    assert risk is not None and risk.channel in (Channel.YELLOW, Channel.RED)
    hits = [r for r in risk.reasons if r.code == "party.watch_list"]
    assert hits and "own-2" in str(hits[0].evidence) and "consignee" in hits[0].text
    with ctx.engine.connect() as connection:
        entry = bytes(
            connection.execute(
                select(log_entries.c.entry).where(log_entries.c.mrn == mrn)
            ).scalar_one()
        )
    facts = parse_entry(entry)["facts"]
    assert facts["channel"] == str(risk.channel) and "party.watch_list" in facts["reason_codes"]
    assert "Ордубад" not in entry.decode() and "own-2" not in entry.decode()


def test_amending_screens_again(ctx: Context, declaration_data: dict[str, Any]) -> None:
    risky = _with_item(declaration_data, "854231", "Microcontrollers, 32-bit")
    mrn = _lodge(ctx, risky, "A-1")
    holder = Principal("carrier", Role.CARRIER, holder=risky["holder"]["identification_number"])
    clean = declaration_from_json({**copy.deepcopy(declaration_data), "lrn": "A-1"})
    amended = services.amend(ctx, mrn, clean, holder)
    assert amended.risk is not None and amended.risk.channel is Channel.GREEN
    assert services.movement_history(ctx, mrn)[-1].details["channel"] == "green"


@pytest.fixture
def always_selected(database_url: str, clock: FakeClock) -> Iterator[Context]:
    context = bootstrap(
        Settings(database_url=database_url, random_control_rate=1.0), clock=clock, initialise=True
    )
    yield context
    context.close()


def test_random_selection_is_explained(
    always_selected: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(always_selected, declaration_data, "Z-1")
    risk = services.get_movement(always_selected, mrn).risk
    assert risk is not None and risk.channel is Channel.RED
    assert [r.code for r in risk.reasons] == ["random.control"] and "draw" in risk.reasons[
        0
    ].evidence


def test_a_group_of_lodgings_screens_against_the_lists_as_they_are_when_it_starts(
    tmp_path: Path, clock: FakeClock, declaration_data: dict[str, Any]
) -> None:
    # The API's group commit checks the lists' files once per group (lodging.lodge_each):
    # a list edited between two groups applies to the second, without a restart.
    own = tmp_path / "own.csv"
    own.write_text(
        "id,schema,name,aliases,birth_date,countries,identifiers,reason,added\n",
        encoding="utf-8",
    )
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'c.sqlite'}",
        watch_lists=f"own={own}",
        random_control_rate=0.0,
    )
    ctx = bootstrap(settings, clock=clock, initialise=True)
    holder = Principal("carrier", Role.CARRIER, holder="AZE/041/00217")

    def lodged_channel(lrn: str) -> Channel:
        data = {**copy.deepcopy(declaration_data), "lrn": lrn}
        request = services.LodgingRequest(declaration_from_json(data), holder)
        [lodged] = services.lodge_each(ctx, [request])
        assert isinstance(lodged, services.Lodged) and lodged.movement.risk is not None
        return lodged.movement.risk.channel

    try:
        assert lodged_channel("LISTS-1") is Channel.GREEN
        with own.open("a", encoding="utf-8") as handle:
            handle.write("own-9,Company,Naxçıvan Ticarət MMC,,,az,,Test entry,2026-11-23\n")
        assert lodged_channel("LISTS-2") in (Channel.YELLOW, Channel.RED)
    finally:
        ctx.close()
