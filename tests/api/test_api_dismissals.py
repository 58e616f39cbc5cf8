"""Remembered dismissals over HTTP: who lists and who revokes (written out by hand from
the TRIPP definition: the customs of the state that dismissed revoke, the operator
reads), the party hitting again after a revocation, and the refusals as problems."""

from __future__ import annotations

from typing import Any

import pytest
from corridor_api_testing import HOLDER_A, HOLDER_B, PRINCIPALS, bearer, declaration_json
from fastapi.testclient import TestClient

from corridor import log_service, services
from corridor.bootstrap import Context
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.store.codec import declaration_from_json

LISTED = {"name": "ООО Ордубад Агро", "country": "AZ"}
PARTIES = {"A": LISTED, "B": {"name": "Ordubad Agro Trade", "country": "TR"}}  # both own-2
# Movement A: Horadiz -> Nakhchivan through Armenia; B: Julfa -> Nakhchivan, Azerbaijan only.
ROUTE = {"A": (HOLDER_A, "AZ0HRD01", "AZ0NAX01"), "B": (HOLDER_B, "AZ0CLF01", "AZ0NAX01")}
READS = {
    "A": {"customs_az": 200, "customs_am": 200, "operator": 200},
    "B": {"customs_az": 200, "customs_am": 404, "operator": 200},
}
REVOKES = {
    "A": {"customs_az": 200, "customs_am": 403, "operator": 403},
    "B": {"customs_az": 200, "customs_am": 404, "operator": 403},
}
# Everyone else may not read screening results at all: 403 whatever the movement.
NOTE = {"note": "the registry shows the listed company's number"}


def _lodge(client: TestClient, tokens: dict[str, str], which: str, lrn: str) -> str:
    holder, departure, destination = ROUTE[which]
    data = declaration_json(lrn, holder, departure, destination)
    data["consignments"][0]["consignee"] = PARTIES[which]
    carrier = "carrier_a" if holder == HOLDER_A else "carrier_b"
    lodged = client.post("/movements", json=data, headers=bearer(tokens[carrier]))
    assert lodged.status_code in (200, 201), lodged.text
    mrn: str = lodged.json()["mrn"]
    return mrn


def _open_hits(client: TestClient, tokens: dict[str, str], mrn: str) -> list[dict[str, Any]]:
    url = f"/screening/reviews?mrn={mrn}&state=open"
    items: list[dict[str, Any]] = client.get(url, headers=bearer(tokens["operator"])).json()[
        "items"
    ]
    return items


def _dismissal(client: TestClient, tokens: dict[str, str], which: str = "A") -> int:
    mrn = _lodge(client, tokens, which, f"DIS-{which}")
    [item] = _open_hits(client, tokens, mrn)
    dismissed = client.post(
        f"/screening/reviews/{item['id']}/dismiss",
        json={"note": "a farm cooperative"},
        headers=bearer(tokens["customs_az"]),
    )
    assert dismissed.status_code == 200, dismissed.text
    listed = client.get("/screening/dismissals?in_force=true", headers=bearer(tokens["operator"]))
    [dismissal] = [d for d in listed.json()["items"] if d["mrn"] == mrn]
    assert (dismissal["state"], dismissal["review_id"]) == ("AZ", item["id"])
    number: int = dismissal["id"]
    return number


@pytest.mark.parametrize("which", ["A", "B"])
def test_who_reads_and_who_revokes_a_dismissal(
    client: TestClient, api_ctx: Context, tokens: dict[str, str], which: str
) -> None:
    dismissal = _dismissal(client, tokens, which)
    for name in sorted(PRINCIPALS):
        read = client.get(f"/screening/dismissals/{dismissal}", headers=bearer(tokens[name]))
        assert read.status_code == READS[which].get(name, 403), (name, read.text)
    for name in sorted(set(PRINCIPALS) - {"customs_az"}):
        url = f"/screening/dismissals/{dismissal}/revoke"
        answer = client.post(url, json=NOTE, headers=bearer(tokens[name]))
        assert answer.status_code == REVOKES[which].get(name, 403), (name, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    az = bearer(tokens["customs_az"])
    assert client.get(f"/screening/dismissals/{dismissal}", headers=az).json()["in_force"]
    done = client.post(f"/screening/dismissals/{dismissal}/revoke", json=NOTE, headers=az)
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["in_force"], body["revoked_by"]) == (False, PRINCIPALS["customs_az"].id)
    assert body["revocation_note"] == NOTE["note"] and body["note"] == "a farm cooperative"


def test_each_lists_the_dismissals_of_its_own_scope(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    made = {which: _dismissal(client, tokens, which) for which in ROUTE}
    for name, token in tokens.items():
        listed = client.get("/screening/dismissals", headers=bearer(token))
        if not any(name in READS[w] for w in ROUTE):
            assert listed.status_code == 403, name
            continue
        expected = {made[w] for w in ROUTE if READS[w].get(name) == 200}
        assert {d["id"] for d in listed.json()["items"]} == expected, name


def test_a_revoked_dismissal_hits_again_and_the_log_records_it(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    dismissal = _dismissal(client, tokens)
    assert _open_hits(client, tokens, _lodge(client, tokens, "A", "DIS-2")) == []
    az = bearer(tokens["customs_az"])
    revoked = client.post(f"/screening/dismissals/{dismissal}/revoke", json=NOTE, headers=az)
    assert revoked.status_code == 200, revoked.text
    [hit] = _open_hits(client, tokens, _lodge(client, tokens, "A", "DIS-3"))
    assert hit["entity_id"] == "own-2"
    mrn = revoked.json()["mrn"]
    assert services.movement_history(api_ctx, mrn)[-1].action == "revoke_dismissal"
    log_service.integrate_all(api_ctx)
    assert log_service.verify(api_ctx).commitments_checked == 5  # 3 lodged, 1 decided, 1 revoked
    revoked_only = client.get("/screening/dismissals?in_force=false", headers=az).json()
    assert [d["id"] for d in revoked_only["items"]] == [dismissal]


def test_refusals_are_problems_and_change_nothing(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    dismissal = _dismissal(client, tokens)
    az = bearer(tokens["customs_az"])
    url = f"/screening/dismissals/{dismissal}/revoke"
    mrn = client.get(f"/screening/dismissals/{dismissal}", headers=az).json()["mrn"]
    before = services.get_movement(api_ctx, mrn)
    unknown = client.post(f"/screening/dismissals/{dismissal + 100}/revoke", json=NOTE, headers=az)
    assert unknown.status_code == 404 and unknown.json()["type"].endswith("/not-found")
    for body in ({"note": " "}, {}):
        refused = client.post(url, json=body, headers=az)
        assert refused.status_code == 422, refused.text
    assert client.get("/screening/dismissals?cursor=bm9wZQ", headers=az).status_code == 422
    assert services.get_movement(api_ctx, mrn) == before
    assert client.post(url, json=NOTE, headers=az).status_code == 200
    again = client.post(url, json=NOTE, headers=az)
    assert again.status_code == 409 and again.json()["type"].endswith("/conflict")
    assert services.get_movement(api_ctx, mrn).version == before.version + 1


def test_the_dismissals_page_by_cursor(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    made = []
    for n in range(3):
        holder = Principal("holder", Role.CARRIER, holder=HOLDER_A)
        data = declaration_json(f"DIS-P{n}", HOLDER_A, "AZ0HRD01", "AZ0NAX01")
        data["consignments"][0]["consignee"] = LISTED | {"name": f"Ordubad Agro {n}"}
        mrn = services.lodge(api_ctx, declaration_from_json(data), holder).movement.mrn
        [item] = _open_hits(client, tokens, mrn)
        url = f"/screening/reviews/{item['id']}/dismiss"
        client.post(url, json={"note": "no"}, headers=bearer(tokens["customs_az"]))
        made.append(item["id"])
    seen: list[int] = []
    url = "/screening/dismissals?limit=2"
    while url:
        page = client.get(url, headers=bearer(tokens["operator"])).json()
        seen += [d["review_id"] for d in page["items"]]
        cursor = page["next_cursor"]
        url = f"/screening/dismissals?limit=2&cursor={cursor}" if cursor else ""
    assert seen == made
