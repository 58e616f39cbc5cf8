"""Every role × every action × a movement in and out of the principal's jurisdiction.

The expectations are written out by hand from the TRIPP corridor definition (who decides
and records at which office) and the issue's role list; they are not computed by the code
under test. Every refused case must change nothing (403 where the principal may see the
movement, 404 where it may not, as for a read); every allowed one must work.
"""

from __future__ import annotations

from typing import Any

import pytest
from corridor_api_testing import (
    HOLDER_A,
    HOLDER_B,
    PRINCIPALS,
    Driver,
    bearer,
    declaration_json,
)
from fastapi.testclient import TestClient

from corridor import services
from corridor.bootstrap import Context
from corridor.domain.lifecycle import Action, MovementState, transition_for
from corridor_testing import FakeClock

S = MovementState
EVERYONE = frozenset(PRINCIPALS)
# Movement A: carrier A, Horadiz -> Nakhchivan by road, through Armenia (Nrnadzor...).
# Movement B: carrier B, Julfa -> Nakhchivan, in Azerbaijan only: foreign to Armenia.
ROUTE = {"A": (HOLDER_A, "AZ0HRD01", "AZ0NAX01"), "B": (HOLDER_B, "AZ0CLF01", "AZ0NAX01")}

BODIES: dict[str, dict[str, Any]] = {
    "reject": {"reason": "guarantee invalid"},
    "control": {"kind": "physical"},
    "release": {"seals": ["S-1", "S-2"]},
    "refuse_release": {"reason": "goods differ"},
    "invalidate": {"reason": "never left"},
    "record_incident": {"kind": "seal_broken", "description": "seal cut", "new_seals": ["N-1"]},
    "close_enquiry": {"proof": "unloading certificate"},
    "start_recovery": {"reason": "no proof"},
}

# Who sees which movement one by one (reads, history) — A and B as above.
SEES = {
    "A": frozenset({"carrier_a", "customs_az", "customs_am", "gate_nrn", "operator"}),
    "B": frozenset({"carrier_b", "customs_az", "operator"}),
}
NEVER = frozenset({"monitor", "witness"})  # aggregates and the public log only

# (action, source state, movement, office, principals allowed)
CASES: list[tuple[str, S, str, str | None, frozenset[str]]] = [
    ("present", S.PRE_LODGED, "A", None, frozenset({"carrier_a"})),
    ("present", S.PRE_LODGED, "B", None, frozenset({"carrier_b"})),
    ("amend", S.LODGED, "A", None, frozenset({"carrier_a"})),
    ("amend", S.LODGED, "B", None, frozenset({"carrier_b"})),
    ("cancel", S.LODGED, "A", None, frozenset({"carrier_a"})),
    ("cancel", S.ACCEPTED, "B", None, frozenset({"carrier_b"})),
    ("accept", S.LODGED, "A", "AZ0HRD01", frozenset({"customs_az"})),
    ("accept", S.LODGED, "B", "AZ0CLF01", frozenset({"customs_az"})),
    ("reject", S.LODGED, "A", "AZ0HRD01", frozenset({"customs_az"})),
    ("reject", S.LODGED, "B", "AZ0CLF01", frozenset({"customs_az"})),
    ("control", S.ACCEPTED, "A", "AZ0HRD01", frozenset({"customs_az"})),
    ("release", S.ACCEPTED, "A", "AZ0HRD01", frozenset({"customs_az"})),
    ("release", S.UNDER_CONTROL, "B", "AZ0CLF01", frozenset({"customs_az"})),
    ("refuse_release", S.UNDER_CONTROL, "A", "AZ0HRD01", frozenset({"customs_az"})),
    ("invalidate", S.RELEASED, "A", "AZ0HRD01", frozenset({"customs_az"})),
    ("record_passage", S.RELEASED, "A", "AM0NRN01", frozenset({"customs_am", "gate_nrn"})),
    ("record_passage", S.RELEASED, "A", "AZ0AGB01", frozenset({"customs_az"})),
    ("record_incident", S.RELEASED, "A", "AM0NRN01", frozenset({"customs_am", "gate_nrn"})),
    ("record_incident", S.RELEASED, "A", "AZ0AGB01", frozenset({"customs_az"})),
    ("record_incident", S.RELEASED, "B", "AZ0CLF01", frozenset({"customs_az"})),
    ("endorse_incident", S.INCIDENT, "A", "AM0NRN01", frozenset({"customs_am"})),
    ("endorse_incident", S.INCIDENT, "B", "AZ0NAX01", frozenset({"customs_az"})),
    ("record_arrival", S.RELEASED, "A", "AZ0NAX01", frozenset({"customs_az"})),
    ("record_arrival", S.RELEASED, "B", "AZ0NAX01", frozenset({"customs_az"})),
    ("discharge", S.ARRIVED, "A", "AZ0NAX01", frozenset({"customs_az"})),
    ("discharge", S.ARRIVED, "B", "AZ0NAX01", frozenset({"customs_az"})),
    ("start_recovery", S.ARRIVED, "A", "AZ0NAX01", frozenset({"customs_az"})),
    ("mark_overdue", S.RELEASED, "A", None, frozenset({"operator"})),
    ("mark_overdue", S.RELEASED, "B", None, frozenset({"operator"})),
    ("open_enquiry", S.OVERDUE, "A", "AZ0HRD01", frozenset({"customs_az"})),
    ("close_enquiry", S.UNDER_ENQUIRY, "A", "AZ0HRD01", frozenset({"customs_az"})),
    ("start_recovery", S.UNDER_ENQUIRY, "B", "AZ0CLF01", frozenset({"customs_az"})),
]


def _body(action: str, movement: Any, office: str | None) -> dict[str, Any]:
    if action == "amend":
        data = declaration_json(movement.declaration.lrn, *ROUTE[_which(movement)])
        data["consignments"][0]["items"][0]["description"] = "Amended: cotton fabric in rolls"
        return data
    return BODIES.get(action, {}) | ({"office": office} if office else {})


def _which(movement: Any) -> str:
    return "A" if movement.holder == HOLDER_A else "B"


@pytest.mark.parametrize(
    ("action", "source", "which", "office", "allowed"),
    CASES,
    ids=[f"{a}-{w}-{o or 'none'}" for a, _, w, o, _ in CASES],
)
def test_every_role_on_every_action(
    client: TestClient,
    api_ctx: Context,
    clock: FakeClock,
    tokens: dict[str, str],
    action: str,
    source: S,
    which: str,
    office: str | None,
    allowed: frozenset[str],
) -> None:
    driver = Driver(api_ctx, clock)
    target = transition_for(source, Action(action)).target or source
    refused_on = driver.movement(source, *ROUTE[which])
    if action == "mark_overdue":
        clock.advance(hours=13)
    for name in sorted(EVERYONE - allowed):
        answer = _post(client, tokens[name], action, refused_on, office)
        expected = 404 if name not in SEES[which] and name not in NEVER else 403
        assert answer.status_code == expected, (name, answer.status_code, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    after = services.get_movement(api_ctx, refused_on.mrn)
    assert (after.state, after.version) == (source, refused_on.version)
    for name in sorted(allowed):
        movement = driver.movement(source, *ROUTE[which])
        if action == "mark_overdue":
            clock.advance(hours=13)
        answer = _post(client, tokens[name], action, movement, office)
        assert answer.status_code == 200, (name, answer.text)
        assert answer.json()["state"] == target
        history = services.movement_history(api_ctx, movement.mrn)
        assert history[-1].principal == PRINCIPALS[name].id


def _post(client: TestClient, token: str, action: str, movement: Any, office: str | None) -> Any:
    return client.post(
        f"/movements/{movement.mrn}/{action}",
        json=_body(action, movement, office),
        headers=bearer(token),
    )


def test_who_reads_which_movement(
    client: TestClient, api_ctx: Context, clock: FakeClock, tokens: dict[str, str]
) -> None:
    driver = Driver(api_ctx, clock)
    movements = {w: driver.movement(S.RELEASED, *ROUTE[w]) for w in ROUTE}
    for which, movement in movements.items():
        for name, token in tokens.items():
            for path in (f"/movements/{movement.mrn}", f"/movements/{movement.mrn}/events"):
                answer = client.get(path, headers=bearer(token))
                if name in SEES[which]:
                    assert answer.status_code == 200, (name, path)
                else:
                    expected = 403 if name in NEVER else 404
                    assert answer.status_code == expected, (name, path, answer.text)
    for name, token in tokens.items():
        listed = client.get("/movements", headers=bearer(token))
        if name in NEVER:
            assert listed.status_code == 403
            continue
        mrns = {item["mrn"] for item in listed.json()["items"]}
        assert mrns == {m.mrn for w, m in movements.items() if name in SEES[w]}, name
        counts = client.get("/statistics/movements", headers=bearer(token))
        assert counts.json() == {"total": 2, "by_state": {"released": 2}}


@pytest.mark.parametrize("name", sorted(PRINCIPALS))
def test_only_the_holder_lodges(client: TestClient, tokens: dict[str, str], name: str) -> None:
    answer = client.post("/movements", json=declaration_json(), headers=bearer(tokens[name]))
    assert answer.status_code == (201 if name == "carrier_a" else 403), answer.text
    again = client.post("/movements", json=declaration_json(), headers=bearer(tokens[name]))
    assert again.status_code == (200 if name == "carrier_a" else 403)


def test_a_repeated_lodging_is_not_shown_to_another_carrier(
    client: TestClient, tokens: dict[str, str]
) -> None:
    first = client.post("/movements", json=declaration_json(), headers=bearer(tokens["carrier_a"]))
    assert first.status_code == 201
    other = client.post("/movements", json=declaration_json(), headers=bearer(tokens["carrier_b"]))
    assert other.status_code == 403
    assert first.json()["mrn"] not in other.text
