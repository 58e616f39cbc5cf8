"""The screening review queue: hits become items when lodging, the departure state's
customs confirm or dismiss them, a dismissal is remembered for that entity and party
(in that state), and every decision is a logged event of the movement."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from corridor import log_service, review_service, services
from corridor.bootstrap import Context
from corridor.domain.errors import Conflict, InvalidInput, NotAuthorised
from corridor.domain.lifecycle import Action, MovementState
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.domain.risk import Channel
from corridor.ledger.entry import parse_entry
from corridor.screening.review import ReviewItem, ReviewState
from corridor.store.codec import declaration_from_json
from corridor.store.reviews import ReviewFilter

AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")
AM = Principal("officer-am", Role.CUSTOMS, state="AM")
OPERATOR = Principal("operator-1", Role.OPERATOR)
LISTED = {"name": "ООО Ордубад Агро", "country": "AZ"}  # own-2 on corridor-own.csv
NAMESAKE = {"name": "Ordubad Agro Trade", "country": "TR"}  # another party: own-2 again, yellow


def _lodge(ctx: Context, data: dict[str, Any], lrn: str, consignee: dict[str, Any]) -> str:
    data = copy.deepcopy(data) | {"lrn": lrn}
    data["consignments"][0]["consignee"] = consignee
    declaration = declaration_from_json(data)
    holder = Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)
    return services.lodge(ctx, declaration, holder).movement.mrn


def _items(ctx: Context, mrn: str) -> list[ReviewItem]:
    return review_service.list_reviews(ctx, ReviewFilter(mrn=mrn))


def _channel(ctx: Context, mrn: str) -> Channel:
    risk = services.get_movement(ctx, mrn).risk
    assert risk is not None
    return risk.channel


def test_lodging_a_hit_opens_one_item(ctx: Context, declaration_data: dict[str, Any]) -> None:
    mrn = _lodge(ctx, declaration_data, "RV-1", LISTED)
    [item] = _items(ctx, mrn)
    assert (item.state, item.party_role, item.entity_id) == (ReviewState.OPEN, "consignee", "own-2")
    assert item.party_name == LISTED["name"] and item.caption and item.id is not None
    clean = _lodge(ctx, declaration_data, "RV-2", {"name": "Göygöl Bağları MMC", "country": "AZ"})
    assert _items(ctx, clean) == []


def test_a_dismissal_is_remembered_for_that_entity_and_party(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    first = _lodge(ctx, declaration_data, "RV-1", LISTED)
    assert _channel(ctx, first) is Channel.RED
    [item] = _items(ctx, first)
    assert item.id is not None
    decided = review_service.dismiss(ctx, item.id, AZ, note="a farm in Ordubad, not the listed one")
    assert (decided.state, decided.decided_by) == (ReviewState.DISMISSED, AZ.id)
    assert _channel(ctx, first) is Channel.GREEN  # its only reason no longer counts

    again = _lodge(ctx, declaration_data, "RV-2", LISTED)
    risk = services.get_movement(ctx, again).risk
    assert risk is not None and risk.channel is Channel.GREEN and risk.reasons == ()
    assert _items(ctx, again) == []

    other = _lodge(ctx, declaration_data, "RV-3", NAMESAKE)
    assert _channel(ctx, other) is Channel.YELLOW
    [hit] = _items(ctx, other)
    assert (hit.entity_id, hit.state) == ("own-2", ReviewState.OPEN)


def test_a_dismissal_holds_only_in_the_state_that_decided_it(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    [item] = _items(ctx, _lodge(ctx, declaration_data, "RV-1", LISTED))
    assert item.id is not None
    review_service.dismiss(ctx, item.id, AZ, note="not the listed company")
    armenian = copy.deepcopy(declaration_data)
    armenian["itinerary"] = {"departure": "AM0YRS01", "destination": "AM0MGR01"}
    mrn = _lodge(ctx, armenian, "RV-AM", LISTED)
    assert [i.entity_id for i in _items(ctx, mrn)] == ["own-2"]


def test_a_confirmed_hit_makes_the_movement_red_and_survives_an_amendment(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, declaration_data, "RV-1", NAMESAKE)
    assert _channel(ctx, mrn) is Channel.YELLOW
    [item] = _items(ctx, mrn)
    assert item.id is not None
    review_service.confirm(ctx, item.id, AZ, note="same company, registered in Türkiye")
    assert _channel(ctx, mrn) is Channel.RED
    data = copy.deepcopy(declaration_data) | {"lrn": "RV-1"}
    data["consignments"][0]["consignee"] = NAMESAKE
    holder = Principal("carrier", Role.CARRIER, holder=data["holder"]["identification_number"])
    amended = services.amend(ctx, mrn, declaration_from_json(data), holder)
    assert amended.risk is not None and amended.risk.channel is Channel.RED
    assert [i.state for i in _items(ctx, mrn)] == [ReviewState.CONFIRMED]


def test_deciding_twice_or_without_a_note_or_without_the_power_changes_nothing(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, declaration_data, "RV-1", LISTED)
    [item] = _items(ctx, mrn)
    assert item.id is not None
    version = services.get_movement(ctx, mrn).version
    with pytest.raises(InvalidInput, match="note"):
        review_service.dismiss(ctx, item.id, AZ, note="  ")
    for principal in (OPERATOR, AM):  # TRIPP: Horadiz's customs decide, the operator triages
        with pytest.raises(NotAuthorised):
            review_service.confirm(ctx, item.id, principal)
    assert services.get_movement(ctx, mrn).version == version
    assert _items(ctx, mrn) == [item]
    review_service.confirm(ctx, item.id, AZ)
    with pytest.raises(Conflict, match="already confirmed"):
        review_service.dismiss(ctx, item.id, AZ, note="changed my mind")
    assert services.get_movement(ctx, mrn).version == version + 1


def test_a_decision_is_a_logged_event_with_names_and_note_kept_confidential(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, declaration_data, "RV-1", LISTED)
    [item] = _items(ctx, mrn)
    assert item.id is not None
    review_service.dismiss(ctx, item.id, AZ, note="Ordubad farm cooperative")
    event = services.movement_history(ctx, mrn)[-1]
    assert (event.action, event.target, event.principal) == (
        Action.REVIEW_HIT, MovementState.LODGED, AZ.id,
    )  # fmt: skip
    with ctx.unit_of_work() as uow:
        stored = uow.log.for_movement(mrn)[-1]
    public = parse_entry(stored.entry)
    assert public["type"] == "movement.review_hit" and public["office"] == "AZ0HRD01"
    assert public["facts"] == {"decision": "dismiss", "party_role": "consignee", "channel": "green"}
    for secret in ("Ордубад", "own-2", "farm", AZ.id):
        assert secret not in stored.entry.decode()
    assert stored.payload["details"]["note"] == "Ordubad farm cooperative"
    log_service.integrate_all(ctx)
    assert log_service.verify(ctx).commitments_checked == 2  # the lodging and the decision


def test_an_amendment_to_the_other_state_reopens_the_hits_for_its_customs(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, declaration_data, "RV-1", LISTED)  # departs from Horadiz (AZ)
    [item] = _items(ctx, mrn)
    assert item.id is not None
    review_service.dismiss(ctx, item.id, AZ, note="not the listed company")
    assert _channel(ctx, mrn) is Channel.GREEN
    data = copy.deepcopy(declaration_data) | {"lrn": "RV-1"}
    data["consignments"][0]["consignee"] = LISTED
    data["itinerary"] = {"departure": "AM0YRS01", "destination": "AM0MGR01"}
    holder = Principal("carrier", Role.CARRIER, holder=data["holder"]["identification_number"])
    amended = services.amend(ctx, mrn, declaration_from_json(data), holder)

    assert amended.risk is not None and amended.risk.channel is Channel.RED
    [reopened] = _items(ctx, mrn)
    assert (reopened.id, reopened.state, reopened.decided_by) == (item.id, ReviewState.OPEN, None)
    with pytest.raises(NotAuthorised):
        review_service.dismiss(ctx, item.id, AZ, note="still not the listed company")
    review_service.confirm(ctx, item.id, AM, note="the listed company's Armenian branch")
    assert _channel(ctx, mrn) is Channel.RED
    again = _lodge(ctx, declaration_data, "RV-2", LISTED)  # AZ still remembers its dismissal
    assert _items(ctx, again) == [] and _channel(ctx, again) is Channel.GREEN


def test_an_amendment_within_the_state_keeps_the_decisions(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, declaration_data, "RV-1", NAMESAKE)
    [item] = _items(ctx, mrn)
    assert item.id is not None
    review_service.confirm(ctx, item.id, AZ, note="same company, registered in Türkiye")
    data = copy.deepcopy(declaration_data) | {"lrn": "RV-1"}
    data["consignments"][0]["consignee"] = NAMESAKE
    data["itinerary"]["departure"] = "AZ0CLF01"  # Julfa: another office, the same state
    holder = Principal("carrier", Role.CARRIER, holder=data["holder"]["identification_number"])
    amended = services.amend(ctx, mrn, declaration_from_json(data), holder)
    assert amended.risk is not None and amended.risk.channel is Channel.RED
    assert [i.state for i in _items(ctx, mrn)] == [ReviewState.CONFIRMED]


def _amend(ctx: Context, data: dict[str, Any], mrn: str, **parties: Any) -> None:
    data = copy.deepcopy(data) | {"lrn": "RV-1"}
    data["consignments"][0] |= parties
    holder = Principal("carrier", Role.CARRIER, holder=data["holder"]["identification_number"])
    services.amend(ctx, mrn, declaration_from_json(data), holder)


CLEAN = {"name": "Göygöl Bağları MMC", "country": "AZ"}


def test_an_amendment_that_drops_the_party_withdraws_its_open_hit(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, declaration_data, "RV-1", LISTED)
    [item] = _items(ctx, mrn)
    _amend(ctx, declaration_data, mrn, consignee=CLEAN, consignor=NAMESAKE)

    withdrawn, raised = _items(ctx, mrn)
    assert (withdrawn.id, withdrawn.state) == (item.id, ReviewState.WITHDRAWN)
    assert withdrawn.note == "no longer raised: the amendment removed the party"
    assert withdrawn.decided_by == "carrier" and withdrawn.decided_at is not None
    assert (raised.party_role, raised.entity_id, raised.state) == (
        "consignor", "own-2", ReviewState.OPEN,
    )  # fmt: skip
    assert _channel(ctx, mrn) is Channel.YELLOW  # the namesake's hit, not the listed one's
    with ctx.unit_of_work() as uow:
        assert uow.reviews.count_open(mrn) == 1
    with pytest.raises(Conflict, match="already withdrawn"):
        review_service.dismiss(ctx, withdrawn.id or 0, AZ, note="too late")

    again = _lodge(ctx, declaration_data, "RV-2", LISTED)  # nothing was remembered
    assert [i.state for i in _items(ctx, again)] == [ReviewState.OPEN]
    event = services.movement_history(ctx, mrn)[-1]
    assert event.action is Action.AMEND and event.details["withdrawn_reviews"] == [item.id]


def test_a_withdrawn_hit_raised_by_a_later_amendment_opens_again(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge(ctx, declaration_data, "RV-1", LISTED)
    [item] = _items(ctx, mrn)
    _amend(ctx, declaration_data, mrn, consignee=CLEAN)
    assert [i.state for i in _items(ctx, mrn)] == [ReviewState.WITHDRAWN]
    assert _channel(ctx, mrn) is Channel.GREEN
    _amend(ctx, declaration_data, mrn, consignee=LISTED)
    [reopened] = _items(ctx, mrn)
    assert (reopened.id, reopened.state, reopened.decided_by) == (item.id, ReviewState.OPEN, None)
    assert _channel(ctx, mrn) is Channel.RED
    log_service.integrate_all(ctx)
    assert log_service.verify(ctx).commitments_checked == 3


def test_a_party_that_no_longer_resembles_the_entity_is_withdrawn_and_decisions_stand(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    registered = LISTED | {"identifiers": {"tin": "2201234567"}}
    mrn = _lodge(ctx, declaration_data, "RV-1", registered)
    [item] = _items(ctx, mrn)
    renamed = CLEAN | {"identifiers": {"tin": "2201234567"}}  # the same party, its true name
    _amend(ctx, declaration_data, mrn, consignee=renamed, consignor=NAMESAKE)
    [withdrawn, namesake] = _items(ctx, mrn)
    assert withdrawn.id == item.id and withdrawn.state is ReviewState.WITHDRAWN
    assert withdrawn.note.endswith("no longer resembles the listed entity")
    assert namesake.id is not None
    review_service.confirm(ctx, namesake.id, AZ, note="the listed company's Turkish arm")
    _amend(ctx, declaration_data, mrn, consignee=renamed)  # the confirmed party goes too
    assert [i.state for i in _items(ctx, mrn)] == [ReviewState.WITHDRAWN, ReviewState.CONFIRMED]
    assert _channel(ctx, mrn) is Channel.GREEN  # the channel follows the reasons left
