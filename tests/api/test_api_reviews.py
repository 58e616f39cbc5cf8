"""The screening review queue over HTTP: who reads and who decides, per role and
jurisdiction (written out by hand from the TRIPP definition: the customs of the state of
departure decide, the operator triages); idempotent decisions; 409 on a decided item."""

from __future__ import annotations

from typing import Any

import pytest
from corridor_api_testing import HOLDER_A, HOLDER_B, PRINCIPALS, bearer, declaration_json
from fastapi.testclient import TestClient

from corridor import services
from corridor.bootstrap import Context
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.store.codec import declaration_from_json

LISTED = {"name": "ООО Ордубад Агро", "country": "AZ"}
# Movement A: Horadiz -> Nakhchivan through Armenia; B: Julfa -> Nakhchivan, Azerbaijan only.
ROUTE = {"A": (HOLDER_A, "AZ0HRD01", "AZ0NAX01"), "B": (HOLDER_B, "AZ0CLF01", "AZ0NAX01")}
READS = {
    "A": {"customs_az": 200, "customs_am": 200, "operator": 200},
    "B": {"customs_az": 200, "customs_am": 404, "operator": 200},
}
DECIDES = {
    "A": {"customs_az": 200, "customs_am": 403, "operator": 403},
    "B": {"customs_az": 200, "customs_am": 404, "operator": 403},
}
# Everyone else may not read screening results at all: 403 whatever the movement.


def _hit(ctx: Context, which: str, lrn: str = "HIT-1") -> int:
    holder, departure, destination = ROUTE[which]
    data = declaration_json(lrn, holder, departure, destination)
    data["consignments"][0]["consignee"] = LISTED
    owner = Principal("holder", Role.CARRIER, holder=holder)
    mrn = services.lodge(ctx, declaration_from_json(data), owner).movement.mrn
    [item] = [i for i in _reviews(ctx) if i.movement_ref == mrn]
    assert item.id is not None
    return item.id


def _reviews(ctx: Context) -> list[Any]:
    from corridor import review_service
    from corridor.store.reviews import ReviewFilter

    return review_service.list_reviews(ctx, ReviewFilter(limit=100))


@pytest.mark.parametrize("which", ["A", "B"])
def test_who_reads_and_who_decides_a_hit(
    client: TestClient, api_ctx: Context, tokens: dict[str, str], which: str
) -> None:
    item = _hit(api_ctx, which)
    for name in sorted(PRINCIPALS):
        read = client.get(f"/screening/reviews/{item}", headers=bearer(tokens[name]))
        assert read.status_code == READS[which].get(name, 403), (name, read.text)
    for name in sorted(set(PRINCIPALS) - {"customs_az"}):
        answer = client.post(
            f"/screening/reviews/{item}/confirm", json={}, headers=bearer(tokens[name])
        )
        assert answer.status_code == DECIDES[which].get(name, 403), (name, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    assert [i.state.value for i in _reviews(api_ctx)] == ["open"]
    done = client.post(
        f"/screening/reviews/{item}/confirm",
        json={"note": "same"},
        headers=bearer(tokens["customs_az"]),
    )
    assert done.status_code == 200 and done.json()["state"] == "confirmed"
    assert done.json()["decided_by"] == PRINCIPALS["customs_az"].id


def test_each_sees_the_queue_of_its_own_scope(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    items = {which: _hit(api_ctx, which, f"HIT-{which}") for which in ROUTE}
    for name, token in tokens.items():
        listed = client.get("/screening/reviews", headers=bearer(token))
        expected = {w for w in ROUTE if READS[w].get(name, 403) == 200}
        if not any(name in READS[w] for w in ROUTE):
            assert listed.status_code == 403, name
            continue
        assert {i["id"] for i in listed.json()["items"]} == {items[w] for w in expected}, name


def test_a_dismissal_is_idempotent_and_a_decided_item_conflicts(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    item = _hit(api_ctx, "A")
    headers = bearer(tokens["customs_az"], **{"Idempotency-Key": "dismiss-1"})
    body = {"note": "a farm cooperative, not the listed company"}
    first = client.post(f"/screening/reviews/{item}/dismiss", json=body, headers=headers)
    again = client.post(f"/screening/reviews/{item}/dismiss", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("idempotent-replayed") == "true" and again.json() == first.json()
    mrn = first.json()["mrn"]
    assert [e.action for e in services.movement_history(api_ctx, mrn)].count("review_hit") == 1
    other = client.post(
        f"/screening/reviews/{item}/confirm", json={}, headers=bearer(tokens["customs_az"])
    )
    assert other.status_code == 409 and other.json()["type"].endswith("/conflict")


def test_bad_input_is_a_problem_and_changes_nothing(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    item = _hit(api_ctx, "A")
    az = bearer(tokens["customs_az"])
    no_note = client.post(f"/screening/reviews/{item}/dismiss", json={"note": " "}, headers=az)
    assert no_note.status_code == 422 and "note" in no_note.json()["detail"]
    assert client.get(f"/screening/reviews/{item + 1000}", headers=az).status_code == 404
    assert client.get("/screening/reviews?cursor=bm9wZQ", headers=az).status_code == 422
    assert client.get("/screening/reviews?state=maybe", headers=az).status_code == 422
    assert [i.state.value for i in _reviews(api_ctx)] == ["open"]


def test_the_queue_pages_by_cursor(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    made = [_hit(api_ctx, "A", f"HIT-{n}") for n in range(3)]
    seen: list[int] = []
    url = "/screening/reviews?limit=2&state=open"
    while url:
        page = client.get(url, headers=bearer(tokens["operator"])).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        url = f"/screening/reviews?limit=2&state=open&cursor={cursor}" if cursor else ""
    assert seen == made


SANCTIONED = {"name": "Zangezur Trans LLC", "country": "AM"}  # on demo-targets.simple.csv
RELEASE = {"seals": ["AZ-1"]}


def _accepted_with_hits(
    client: TestClient, api_ctx: Context, tokens: dict[str, str], **parties: dict[str, str]
) -> tuple[str, list[int]]:
    data = declaration_json("HIT-R")
    data["consignments"][0] |= parties
    owner = Principal("holder", Role.CARRIER, holder=HOLDER_A)
    mrn = services.lodge(api_ctx, declaration_from_json(data), owner).movement.mrn
    accepted = client.post(f"/movements/{mrn}/accept", headers=bearer(tokens["customs_az"]))
    assert accepted.status_code == 200, accepted.text
    items = [i.id for i in _reviews(api_ctx) if i.movement_ref == mrn and i.id is not None]
    assert len(items) == len(parties)
    return mrn, items


def test_release_waits_until_every_open_hit_is_decided(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    az = bearer(tokens["customs_az"])
    mrn, items = _accepted_with_hits(
        client, api_ctx, tokens, consignee=LISTED, consignor=SANCTIONED
    )
    note = {"note": "another company of that name"}
    for still_open, item in ((2, items[0]), (1, items[1])):
        before = services.get_movement(api_ctx, mrn)
        refused = client.post(f"/movements/{mrn}/release", json=RELEASE, headers=az)
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert problem["type"] == "https://corridor.example/problems/screening-hits-open"
        assert (problem["action"], problem["open_hits"]) == ("release", still_open)
        assert f"{still_open} screening hit" in problem["detail"]
        assert services.get_movement(api_ctx, mrn) == before  # nothing changed, no event
        decided = client.post(f"/screening/reviews/{item}/dismiss", json=note, headers=az)
        assert decided.status_code == 200, decided.text
    released = client.post(f"/movements/{mrn}/release", json=RELEASE, headers=az)
    assert released.status_code == 200, released.text
    assert released.json()["state"] == "released" and released.json()["risk"]["channel"] == "green"


def test_a_confirmed_hit_releases_only_after_its_physical_control(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    az = bearer(tokens["customs_az"])
    mrn, [item] = _accepted_with_hits(client, api_ctx, tokens, consignee=LISTED)
    confirmed = client.post(f"/screening/reviews/{item}/confirm", json={}, headers=az)
    assert confirmed.status_code == 200
    held = client.post(f"/movements/{mrn}/release", json=RELEASE, headers=az)
    assert held.status_code == 422 and held.json()["type"].endswith("/precondition-failed")
    assert "physical control must precede release" in held.json()["detail"]
    control = client.post(f"/movements/{mrn}/control", json={"kind": "physical"}, headers=az)
    assert control.status_code == 200
    released = client.post(f"/movements/{mrn}/release", json=RELEASE, headers=az)
    assert released.status_code == 200 and released.json()["state"] == "released"


def test_an_amendment_to_the_other_state_reopens_a_dismissed_hit(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    item = _hit(api_ctx, "A")
    dismissed = client.post(
        f"/screening/reviews/{item}/dismiss",
        json={"note": "a farm cooperative"},
        headers=bearer(tokens["customs_az"]),
    )
    mrn = dismissed.json()["mrn"]
    data = declaration_json("HIT-1", HOLDER_A, "AM0YRS01", "AM0MGR01")
    data["consignments"][0]["consignee"] = LISTED
    amended = client.post(f"/movements/{mrn}/amend", json=data, headers=bearer(tokens["carrier_a"]))
    assert amended.status_code == 200, amended.text
    reopened = client.get(f"/screening/reviews/{item}", headers=bearer(tokens["customs_am"]))
    assert reopened.json()["state"] == "open" and reopened.json()["decided_by"] is None


def test_an_amendment_that_drops_the_party_withdraws_its_hit_and_frees_release(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    az = bearer(tokens["customs_az"])
    item = _hit(api_ctx, "A")
    mrn = client.get(f"/screening/reviews/{item}", headers=az).json()["mrn"]
    data = declaration_json("HIT-1", HOLDER_A, "AZ0HRD01", "AZ0NAX01")  # the listed one gone
    amended = client.post(f"/movements/{mrn}/amend", json=data, headers=bearer(tokens["carrier_a"]))
    assert amended.status_code == 200, amended.text
    risk = services.get_movement(api_ctx, mrn).risk
    assert risk is not None and risk.channel == "green"
    listed = client.get("/screening/reviews?state=withdrawn", headers=bearer(tokens["operator"]))
    [withdrawn] = listed.json()["items"]
    assert (withdrawn["id"], withdrawn["state"]) == (item, "withdrawn")
    assert withdrawn["note"] == "no longer raised: the amendment removed the party"
    assert client.get("/screening/reviews?state=open", headers=az).json()["items"] == []
    dismiss = client.post(f"/screening/reviews/{item}/dismiss", json={"note": "x"}, headers=az)
    assert dismiss.status_code == 409
    assert client.post(f"/movements/{mrn}/accept", headers=az).status_code == 200
    released = client.post(f"/movements/{mrn}/release", json=RELEASE, headers=az)
    assert released.status_code == 200, released.text
