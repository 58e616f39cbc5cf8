"""The screening review page: customs of the state of departure confirm or dismiss a
hit with labelled controls; the operator sees the queue without them."""

from __future__ import annotations

import copy
from typing import Any

from corridor_web_testing import csrf_of, lodge_example, sign_in
from fastapi.testclient import TestClient

from corridor import services
from corridor.bootstrap import Context
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.store.codec import declaration_from_json

JSON = {"Accept": "application/json"}


def _lodge_hit(ctx: Context, declaration_data: dict[str, Any]) -> str:
    data = copy.deepcopy(declaration_data)
    data["consignments"][0]["consignee"] = {"name": "ООО Ордубад Агро", "country": "AZ"}
    return lodge_example(ctx, data, lrn="KHZ-HIT-1")


def test_customs_dismiss_a_hit_from_the_page(
    web: TestClient, web_ctx: Context, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge_hit(web_ctx, declaration_data)
    sign_in(web, people["operator"])
    triage = web.get("/ui/screening", headers=JSON).json()
    [item] = triage["reviews"]
    assert (item["mrn"], item["state"], item["may_decide"]) == (mrn, "open", False)
    assert "Awaiting the decision" in web.get("/ui/screening").text

    sign_in(web, people["customs_az"])
    page = web.get("/ui/screening")
    assert f'<label for="note-{item["id"]}">' in page.text and 'value="dismiss"' in page.text
    target = f"/ui/screening/{item['id']}/decide"
    form = {"csrf": csrf_of(page.text), "decision": "dismiss", "next": "/ui/screening"}
    refused = web.post(target, data=form | {"note": " "}, follow_redirects=False)
    assert refused.status_code == 422 and "needs a note" in refused.text
    done = web.post(target, data=form | {"note": "a farm"}, follow_redirects=False)
    assert done.status_code == 303 and "done=review_hit" in done.headers["location"]
    risk = services.get_movement(web_ctx, mrn).risk
    assert risk is not None and str(risk.channel) == "green"
    listed = web.get("/ui/screening?state=dismissed", headers=JSON).json()["reviews"]
    assert [(r["state"], r["note"], r["decided_by"]) for r in listed] == [
        ("dismissed", "a farm", "az-officer")
    ]
    again = web.post(target, data=form | {"note": "again"}, follow_redirects=False)
    assert again.status_code == 409


def test_the_page_is_translated_and_refused_to_those_who_may_not_read_screening(
    web: TestClient, web_ctx: Context, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    _lodge_hit(web_ctx, declaration_data)
    sign_in(web, people["customs_az"], lang="ru")
    assert "Подтвердить совпадение" in web.get("/ui/screening").text
    sign_in(web, people["carrier"])
    assert web.get("/ui/screening", headers=JSON).status_code == 403


def test_release_with_an_open_hit_is_refused_on_the_movement_page(
    web: TestClient, web_ctx: Context, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge_hit(web_ctx, declaration_data)
    sign_in(web, people["customs_az"])
    page = web.get(f"/ui/movements/{mrn}")
    web.post(f"/ui/movements/{mrn}/act/accept", data={"csrf": csrf_of(page.text)})
    before = services.get_movement(web_ctx, mrn)
    release = web.post(f"/ui/movements/{mrn}/act/release",
                       data={"csrf": csrf_of(page.text), "seals": "AZ-1"})  # fmt: skip
    assert release.status_code == 409
    assert "1 screening hit is still open" in release.text and mrn in release.text
    assert services.get_movement(web_ctx, mrn) == before


def test_a_hit_withdrawn_by_an_amendment_is_listed_as_such(
    web: TestClient, web_ctx: Context, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge_hit(web_ctx, declaration_data)
    data = copy.deepcopy(declaration_data) | {"lrn": "KHZ-HIT-1"}
    movement = services.get_movement(web_ctx, mrn)
    holder = Principal("carrier", Role.CARRIER, holder=movement.holder)
    services.amend(web_ctx, mrn, declaration_from_json(data), holder)
    sign_in(web, people["customs_az"], lang="ru")
    assert web.get("/ui/screening", headers=JSON).json()["reviews"] == []
    [item] = web.get("/ui/screening?state=withdrawn", headers=JSON).json()["reviews"]
    assert (item["mrn"], item["state"], item["may_decide"]) == (mrn, "withdrawn", False)
    page = web.get("/ui/screening?state=withdrawn").text
    assert "снято" in page and "no longer raised: the amendment removed the party" in page


def test_customs_revoke_a_remembered_dismissal_from_the_page(
    web: TestClient, web_ctx: Context, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    _lodge_hit(web_ctx, declaration_data)
    sign_in(web, people["customs_az"])
    [item] = web.get("/ui/screening", headers=JSON).json()["reviews"]
    page = web.get("/ui/screening")
    form = {"csrf": csrf_of(page.text), "decision": "dismiss", "note": "a farm"}
    web.post(f"/ui/screening/{item['id']}/decide", data=form, follow_redirects=False)
    [kept] = web.get("/ui/screening", headers=JSON).json()["dismissals"]
    assert (kept["in_force"], kept["may_revoke"], kept["note"]) == (True, True, "a farm")

    sign_in(web, people["operator"])
    assert [
        d["may_revoke"] for d in web.get("/ui/screening", headers=JSON).json()["dismissals"]
    ] == [False]
    sign_in(web, people["customs_az"], lang="ru")
    page = web.get("/ui/screening")
    assert f'<label for="revoke-note-{kept["id"]}">' in page.text
    assert "Отозвать отклонение" in page.text
    target = f"/ui/screening/dismissals/{kept['id']}/revoke"
    form = {"csrf": csrf_of(page.text), "next": "/ui/screening"}
    refused = web.post(target, data=form | {"note": " "}, follow_redirects=False)
    assert refused.status_code == 422 and "needs a note" in refused.text
    done = web.post(target, data=form | {"note": "the registry"}, follow_redirects=False)
    assert done.status_code == 303 and "done=revoke_dismissal" in done.headers["location"]
    [revoked] = web.get("/ui/screening", headers=JSON).json()["dismissals"]
    assert (revoked["in_force"], revoked["revocation_note"]) == (False, "the registry")
    again = web.post(target, data=form | {"note": "again"}, follow_redirects=False)
    assert again.status_code == 409


def test_the_movement_page_offers_no_release_while_hits_are_open(
    web: TestClient, web_ctx: Context, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    mrn = _lodge_hit(web_ctx, declaration_data)
    sign_in(web, people["customs_az"])
    page = web.get(f"/ui/movements/{mrn}")
    web.post(f"/ui/movements/{mrn}/act/accept", data={"csrf": csrf_of(page.text)})
    model = web.get(f"/ui/movements/{mrn}", headers=JSON).json()
    assert "release" not in [a["action"] for a in model["actions"]]
    queue = f"/ui/screening?state=open&mrn={mrn}"
    assert model["held_by_open_hits"] == {"count": 1, "queue": queue}
    page = web.get(f"/ui/movements/{mrn}")
    assert f"/ui/movements/{mrn}/act/release" not in page.text
    assert f'href="{queue.replace("&", "&amp;")}"' in page.text
    [item] = web.get(queue, headers=JSON).json()["reviews"]
    assert item["mrn"] == mrn
    form = {"csrf": csrf_of(page.text), "decision": "dismiss", "note": "a farm"}
    web.post(f"/ui/screening/{item['id']}/decide", data=form, follow_redirects=False)
    model = web.get(f"/ui/movements/{mrn}", headers=JSON).json()
    assert "release" in [a["action"] for a in model["actions"]]
    assert "held_by_open_hits" not in model
