"""The pages over HTTP: sign-in, CSRF, JSON twins, lodging, offers and actions."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from corridor_web_testing import PEOPLE, csrf_of, sign_in
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from corridor import services
from corridor.bootstrap import Context
from corridor.web.routes import account, checkpoint, lodging, movements, oversight

JSON = {"Accept": "application/json"}


def test_pages_need_a_sign_in(web: TestClient) -> None:
    answer = web.get("/ui/queue", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/ui/sign-in?next=")
    assert web.get("/ui/queue", headers=JSON).status_code == 401


def test_sign_in_keeps_the_token_in_a_strict_http_only_cookie(
    web: TestClient, people: dict[str, str]
) -> None:
    form = web.get("/ui/sign-in")
    nonce = form.text.split('name="nonce" value="')[1].split('"')[0]
    answer = web.post("/ui/sign-in", data={"token": people["operator"], "nonce": nonce},
                      follow_redirects=False)  # fmt: skip
    cookie = answer.headers["set-cookie"]
    assert "corridor_token=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert answer.headers["location"] == "/ui/dashboard"


def test_a_wrong_token_or_a_forged_sign_in_is_refused(
    web: TestClient, people: dict[str, str]
) -> None:
    form = web.get("/ui/sign-in")
    nonce = form.text.split('name="nonce" value="')[1].split('"')[0]
    wrong = web.post("/ui/sign-in", data={"token": "cor_nope", "nonce": nonce})
    assert wrong.status_code == 401
    web.cookies.clear()
    forged = web.post("/ui/sign-in", data={"token": people["operator"], "nonce": nonce})
    assert forged.status_code == 403


def test_a_form_post_without_its_csrf_token_is_refused(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["customs_az"])
    forged = web.post(f"/ui/movements/{lodged}/act/accept", data={}, follow_redirects=False)
    assert forged.status_code == 403
    assert str(services.get_movement(web_ctx, lodged).state) == "lodged"
    page = web.get(f"/ui/movements/{lodged}")
    answer = web.post(f"/ui/movements/{lodged}/act/accept", data={"csrf": csrf_of(page.text)},
                      follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    assert str(services.get_movement(web_ctx, lodged).state) == "accepted"


TWINS = [
    (None, "/ui/sign-in", "nonce"),
    ("carrier", "/ui/whoami", "role"),
    ("carrier", "/ui/movements", "movements"),
    ("carrier", "/ui/documents", "movements"),
    ("carrier", "/ui/lodge", "departures"),
    ("carrier", "/ui/movements/{mrn}/amend", "values"),
    ("carrier", "/ui/hs?q=5208", "matches"),
    ("customs_az", "/ui/queue", "channels"),
    ("customs_az", "/ui/enquiries", "movements"),
    ("customs_az", "/ui/movements/{mrn}", "actions"),
    ("gate_nrn", "/ui/checkpoint", "log_key"),
    ("gate_nrn", "/ui/checkpoint/{mrn}", "route"),
    ("operator", "/ui/screening", "movements"),
    ("operator", "/ui/dashboard", "per_day"),
    ("monitor", "/ui/aggregates", "by_state"),
    ("monitor", "/ui/log", "checkpoint"),
]
REDIRECTS = {"/ui", "/ui/", "/ui/checkpoint/find"}  # GET routes that only send elsewhere


@pytest.mark.parametrize(("who", "path", "key"), TWINS)
def test_every_page_has_a_json_twin(
    web: TestClient, people: dict[str, str], lodged: str, who: str | None, path: str, key: str
) -> None:
    url = path.format(mrn=lodged)
    if who is not None:
        sign_in(web, people[who])
    html = web.get(url)
    twin = web.get(url, headers=JSON)
    assert html.headers["content-type"].startswith("text/html")
    assert twin.headers["content-type"].startswith("application/json")
    assert key in twin.json()
    assert html.headers["vary"] == twin.headers["vary"] == "Accept"


def test_every_page_is_held_to_its_twin() -> None:
    """A new page fails here until TWINS checks its JSON twin."""
    pages = {
        route.path
        for module in (account, checkpoint, lodging, movements, oversight)
        for route in module.router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods
    }
    assert pages - REDIRECTS == {path.split("?")[0] for _, path, _ in TWINS}


def test_the_customs_page_shows_screening_and_only_authorised_decisions(
    web: TestClient, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["customs_az"])
    az = web.get(f"/ui/movements/{lodged}", headers=JSON).json()
    assert {a["action"] for a in az["actions"]} == {"accept", "reject"}
    assert az["screening"]["channel"] == "green"
    sign_in(web, people["carrier"])
    mine = web.get(f"/ui/movements/{lodged}", headers=JSON).json()
    assert {a["action"] for a in mine["actions"]} == {"cancel"}
    assert "screening" not in mine


def test_the_queue_groups_decisions_by_channel(
    web: TestClient, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["customs_az"])
    queue = web.get("/ui/queue", headers=JSON).json()
    assert [m["mrn"] for m in queue["channels"]["green"]] == [lodged]
    sign_in(web, people["customs_am"])
    assert web.get("/ui/queue", headers=JSON).json()["channels"]["green"] == []


def test_a_monitor_sees_aggregates_but_no_movement(
    web: TestClient, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["monitor"])
    assert web.get("/ui/aggregates", headers=JSON).json()["total"] == 1
    assert web.get(f"/ui/movements/{lodged}", headers=JSON).status_code == 403
    assert web.get("/ui/movements", headers=JSON).status_code == 403


def lodging_form(data: dict[str, Any], csrf: str) -> dict[str, str]:
    item = data["consignments"][0]["items"][0]
    c = data["consignments"][0]
    return {
        "csrf": csrf, "lrn": "WEB-0001", "declaration_type": "TIR",
        "itinerary.departure": "AZ0HRD01", "itinerary.destination": "AZ0NAX01",
        "holder.identification_number": data["holder"]["identification_number"],
        "holder.name": data["holder"]["name"], "holder.country": "AZ",
        "guarantee.type": "tir_carnet", "guarantee.reference": "XH81440999",
        "guarantee.amount.amount_major": "50000.00", "guarantee.amount.currency": "EUR",
        "transport.mode": "road", "transport.vehicle.plate": "10-KR-417",
        "transport.vehicle.country": "AZ", "transport.vehicle.trailer_plates": "10-QA-118",
        "consignments[0].consignor.name": c["consignor"]["name"],
        "consignments[0].consignor.country": "AZ",
        "consignments[0].consignee.name": c["consignee"]["name"],
        "consignments[0].consignee.country": "AZ",
        "consignments[0].country_of_destination": "AZ",
        "consignments[0].items[0].hs_code": item["hs_code"],
        "consignments[0].items[0].description": item["description"],
        "consignments[0].items[0].packages.kind": "RO",
        "consignments[0].items[0].packages.count": "48",
        "consignments[0].items[0].gross_mass_kg": "9650",
        "consignments[0].items[0].value.amount_major": "31200.50",
        "consignments[0].items[0].value.currency": "USD",
    }  # fmt: skip


def test_validation_as_one_types_names_the_field(
    web: TestClient, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    sign_in(web, people["carrier"])
    form = lodging_form(declaration_data, csrf_of(web.get("/ui/lodge").text))
    bad = form | {"consignments[0].items[0].hs_code": "999999",
                  "touched": "consignments[0].items[0].hs_code"}  # fmt: skip
    answer = web.post("/ui/lodge/validate", data=bad, headers=JSON).json()
    assert "HS 2022" in answer["errors"]["consignments[0].items[0].hs_code"]
    html = web.post("/ui/lodge/validate", data=bad).text
    assert 'id="err-f-consignments-0-items-0-hs_code" hx-swap-oob="true">' in html
    good = web.post("/ui/lodge/validate", data=form, headers=JSON).json()
    assert good["errors"] == {}
    assert good["descriptions"]["consignments[0].items[0].hs_code"].startswith("Fabrics, woven")


def test_the_hs_lookup_finds_codes_and_words(web: TestClient, people: dict[str, str]) -> None:
    sign_in(web, people["carrier"])
    by_code = web.get("/ui/hs", params={"q": "520812"}, headers=JSON).json()["matches"]
    assert by_code[0]["code"] == "520812"
    by_word = web.get("/ui/hs", params={"q": "tomatoes"}, headers=JSON).json()["matches"]
    assert "070200" in {m["code"] for m in by_word}


def test_a_carrier_lodges_with_the_form(
    web: TestClient, web_ctx: Context, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    sign_in(web, people["carrier"])
    form = lodging_form(declaration_data, csrf_of(web.get("/ui/lodge").text))
    answer = web.post("/ui/lodge", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    mrn = answer.headers["location"].split("/")[-1].split("?")[0]
    movement = services.get_movement(web_ctx, mrn)
    assert movement.declaration.lrn == "WEB-0001"
    assert movement.declaration.items[0].value.amount_minor == 3120050
    assert movement.declaration.transport.vehicle is not None
    assert movement.declaration.transport.vehicle.trailer_plates == ("10-QA-118",)
    refused = web.post("/ui/lodge", data=form | {"holder.country": "Azerbaijan"})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text


def test_a_refused_action_is_shown_on_the_page(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["customs_az"])
    page = web.get(f"/ui/movements/{lodged}")
    web.post(f"/ui/movements/{lodged}/act/accept", data={"csrf": csrf_of(page.text)})
    release = web.post(f"/ui/movements/{lodged}/act/release",
                       data={"csrf": csrf_of(page.text), "seals": "AZ-1, AZ-1"})  # fmt: skip
    assert release.status_code == 422
    assert "each seal number must be given once" in release.text
    long = web.post(f"/ui/movements/{lodged}/act/release",
                    data={"csrf": csrf_of(page.text), "seals": "AZ-1\n" + "x" * 80})  # fmt: skip
    assert long.status_code == 422 and "the seal number" in long.text
    assert "1 to 20 letters" in long.text
    assert str(services.get_movement(web_ctx, lodged).state) == "accepted"


def test_the_dashboard_counts_what_happened(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["operator"])
    figures = web.get("/ui/dashboard", headers=JSON).json()
    assert figures["channels"] == {"green": 1, "yellow": 0, "red": 0}
    assert sum(sum(day.values()) for day in figures["per_day"].values()) == 1
    assert next(iter(figures["per_day"].values())) == {"road westbound": 1}
    html = web.get("/ui/dashboard").text
    assert html.count("<svg") == 5
    assert json.dumps(figures)  # plain JSON values only


def test_customs_find_overdue_movements_and_open_an_enquiry(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str, clock: Any
) -> None:
    customs = PEOPLE["customs_az"]
    services.accept(web_ctx, lodged, customs)
    services.release(web_ctx, lodged, customs, seals=("AZ-1",), time_limit_hours=48)
    sign_in(web, people["customs_az"])
    assert web.get("/ui/enquiries", headers=JSON).json()["movements"] == []
    clock.advance(days=5)
    assert services.mark_overdue_movements(web_ctx) == [lodged]
    [row] = web.get("/ui/enquiries", headers=JSON).json()["movements"]
    assert (row["mrn"], row["state"], row["days_overdue"]) == (lodged, "overdue", 3)
    assert {a["action"] for a in row["actions"]} == {"open_enquiry", "record_arrival"}
    assert "Open an enquiry" in web.get("/ui/enquiries").text
    page = web.get(f"/ui/movements/{lodged}")
    opened = web.post(f"/ui/movements/{lodged}/act/open_enquiry",
                      data={"csrf": csrf_of(page.text)}, follow_redirects=False)  # fmt: skip
    assert opened.status_code == 303
    [row] = web.get("/ui/enquiries", headers=JSON).json()["movements"]
    assert row["state"] == "under_enquiry"
    assert {a["action"] for a in row["actions"]} == {
        "close_enquiry", "start_recovery", "record_arrival",
    }  # fmt: skip
    sign_in(web, people["customs_am"])  # not the state of departure: sees it, may not act
    [row] = web.get("/ui/enquiries", headers=JSON).json()["movements"]
    assert row["actions"] == []


def test_the_cli_starts_without_the_web_pages() -> None:
    """The CLI reaches the web layer only for the document's languages: importing it
    loads neither FastAPI, the routes, Jinja nor the PDF library (``corridor --help``
    took 1.6 s for them)."""
    listing = "import sys, corridor.cli; print(' '.join(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", listing], capture_output=True, text=True,
                            check=True, timeout=120).stdout.split()  # fmt: skip
    heavy = [m for m in loaded if m.split(".")[0] in ("fastapi", "fpdf", "jinja2", "babel")
             or m.startswith(("corridor.web.routes", "corridor.api"))]  # fmt: skip
    assert heavy == []
