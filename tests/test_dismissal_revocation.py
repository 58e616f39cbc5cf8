"""Revoking a remembered dismissal: kept, marked revoked (who, when, why), the party hits
again at its next lodging, and the revocation is a logged event of the movement whose
review made the dismissal, allowed only to the customs of the state that dismissed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from corridor import log_service, review_service, services
from corridor.bootstrap import Context
from corridor.domain.errors import Conflict, InvalidInput, NotAuthorised, NotFound
from corridor.domain.lifecycle import Action, MovementState
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.entry import parse_entry
from corridor.screening.review import RememberedDismissal, ReviewState
from corridor.store.codec import declaration_from_json
from corridor.store.reviews import DismissalFilter, ReviewFilter

AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")
AM = Principal("officer-am", Role.CUSTOMS, state="AM")
OPERATOR = Principal("operator-1", Role.OPERATOR)
LISTED = {"name": "ООО Ордубад Агро", "country": "AZ"}  # own-2 on corridor-own.csv


def _holder(data: dict[str, Any]) -> Principal:
    return Principal("carrier", Role.CARRIER, holder=data["holder"]["identification_number"])


def _lodge(ctx: Context, data: dict[str, Any], lrn: str) -> str:
    data = copy.deepcopy(data) | {"lrn": lrn}
    data["consignments"][0]["consignee"] = LISTED
    return services.lodge(ctx, declaration_from_json(data), _holder(data)).movement.mrn


def _open_items(ctx: Context, mrn: str) -> list[int]:
    found = review_service.list_reviews(ctx, ReviewFilter(mrn=mrn))
    return [i.id for i in found if i.state is ReviewState.OPEN and i.id is not None]


def _dismissed(ctx: Context, data: dict[str, Any], lrn: str = "RV-1") -> RememberedDismissal:
    mrn = _lodge(ctx, data, lrn)
    [item] = _open_items(ctx, mrn)
    review_service.dismiss(ctx, item, AZ, note="a farm in Ordubad, not the listed one")
    [dismissal] = review_service.list_dismissals(ctx, DismissalFilter(in_force=True))
    return dismissal


def test_a_revoked_dismissal_is_kept_and_the_party_hits_again(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    dismissal = _dismissed(ctx, declaration_data)
    assert _open_items(ctx, _lodge(ctx, declaration_data, "RV-2")) == []  # remembered
    before = services.get_movement(ctx, dismissal.mrn)

    revoked = review_service.revoke(ctx, dismissal.id, AZ, note="the registry says it is")
    assert (revoked.revoked_by, revoked.revocation_note) == (AZ.id, "the registry says it is")
    assert review_service.get_dismissal(ctx, dismissal.id) == revoked
    assert review_service.list_dismissals(ctx, DismissalFilter(in_force=True)) == []
    assert review_service.list_dismissals(ctx, DismissalFilter(in_force=False)) == [revoked]
    assert len(_open_items(ctx, _lodge(ctx, declaration_data, "RV-3"))) == 1  # hits again

    after = services.get_movement(ctx, dismissal.mrn)
    assert (after.state, after.risk, after.version) == (
        before.state,
        before.risk,
        before.version + 1,
    )
    [item] = _open_items(ctx, _lodge(ctx, declaration_data, "RV-4"))
    review_service.dismiss(ctx, item, AZ, note="dismissed afresh")  # remembered again
    assert _open_items(ctx, _lodge(ctx, declaration_data, "RV-5")) == []
    assert len(review_service.list_dismissals(ctx, DismissalFilter())) == 2


def test_the_revocation_is_a_logged_event_with_names_and_note_confidential(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    dismissal = _dismissed(ctx, declaration_data)
    review_service.revoke(ctx, dismissal.id, AZ, note="the registry says it is")
    event = services.movement_history(ctx, dismissal.mrn)[-1]
    assert (event.action, event.target, event.principal, event.office) == (
        Action.REVOKE_DISMISSAL, MovementState.LODGED, AZ.id, "AZ0HRD01",
    )  # fmt: skip
    with ctx.unit_of_work() as uow:
        stored = uow.log.for_movement(dismissal.mrn)[-1]
    public = parse_entry(stored.entry)
    assert public["type"] == "movement.revoke_dismissal" and public["office"] == "AZ0HRD01"
    assert public["facts"] == {"party_role": "consignee"}
    for secret in ("Ордубад", "own-2", "registry", AZ.id):
        assert secret not in stored.entry.decode()
    details = stored.payload["details"]
    assert (details["dismissal"], details["note"]) == (dismissal.id, "the registry says it is")
    log_service.integrate_all(ctx)
    assert log_service.verify(ctx).commitments_checked == 3  # lodging, decision, revocation


def test_refusals_change_nothing(ctx: Context, declaration_data: dict[str, Any]) -> None:
    dismissal = _dismissed(ctx, declaration_data)
    version = services.get_movement(ctx, dismissal.mrn).version
    with pytest.raises(NotFound):
        review_service.revoke(ctx, dismissal.id + 100, AZ, note="no such one")
    with pytest.raises(InvalidInput, match="note"):
        review_service.revoke(ctx, dismissal.id, AZ, note=" ")
    for principal in (AM, OPERATOR):
        with pytest.raises(NotAuthorised):
            review_service.revoke(ctx, dismissal.id, principal, note="not mine to revoke")
    assert review_service.get_dismissal(ctx, dismissal.id) == dismissal
    assert services.get_movement(ctx, dismissal.mrn).version == version
    review_service.revoke(ctx, dismissal.id, AZ, note="the registry says it is")
    with pytest.raises(Conflict, match="already revoked"):
        review_service.revoke(ctx, dismissal.id, AZ, note="again")
    assert services.get_movement(ctx, dismissal.mrn).version == version + 1


def test_a_closed_movement_takes_the_revocation_and_stays_closed(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    dismissal = _dismissed(ctx, declaration_data)
    cancelled = services.cancel(ctx, dismissal.mrn, _holder(declaration_data))
    review_service.revoke(ctx, dismissal.id, AZ, note="the registry says it is")
    after = services.get_movement(ctx, dismissal.mrn)
    assert (after.state, after.closed_at) == (MovementState.CANCELLED, cancelled.closed_at)


def test_the_state_that_dismissed_revokes_after_the_departure_moved(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    dismissal = _dismissed(ctx, declaration_data)  # Horadiz, AZ
    data = copy.deepcopy(declaration_data) | {"lrn": "RV-1"}
    data["consignments"][0]["consignee"] = LISTED
    data["itinerary"] = {"departure": "AM0YRS01", "destination": "AM0MGR01"}
    services.amend(ctx, dismissal.mrn, declaration_from_json(data), _holder(data))
    with pytest.raises(NotAuthorised):
        review_service.revoke(ctx, dismissal.id, AM, note="not Armenia's dismissal")
    review_service.revoke(ctx, dismissal.id, AZ, note="the registry says it is")
    assert services.movement_history(ctx, dismissal.mrn)[-1].office == "AZ0HRD01"


def test_dismissals_remembered_before_revocations_existed_are_kept(
    ctx: Context, declaration_data: dict[str, Any]
) -> None:
    from alembic import command

    from corridor.store.database import alembic_config

    dismissal = _dismissed(ctx, declaration_data)
    config = alembic_config(ctx.engine)
    command.downgrade(config, "0004")
    command.upgrade(config, "head")
    assert review_service.list_dismissals(ctx, DismissalFilter()) == [dismissal]
    assert _open_items(ctx, _lodge(ctx, declaration_data, "RV-2")) == []
