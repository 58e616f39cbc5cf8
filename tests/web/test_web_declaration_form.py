"""The carrier's declaration form: several consignments, goods items and wagons, rows
added and removed without script, every problem at its control, and amendments."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from corridor_web_testing import PEOPLE, csrf_of, sign_in
from fastapi.testclient import TestClient

from corridor import services
from corridor.bootstrap import Context
from corridor.store.codec import declaration_from_json, declaration_to_json
from corridor.web.declaration_form import (
    apply_edit,
    control_for,
    field_errors,
    form_values,
    layout,
    read_form,
)

JSON = {"Accept": "application/json"}
WAGON = "218124712173"  # a valid UIC number (its last digit checks the others)


def rail_declaration(data: dict[str, Any]) -> dict[str, Any]:
    """The example by rail, with two consignments, a representative and seals: every
    kind of row and list the form has."""
    data = copy.deepcopy(data)
    data["transport"] = {
        "mode": "rail",
        "train": {"number": "2417", "wagons": [
            {"number": WAGON, "containers": ["CSQU3054383"]}, {"number": "218124712181"},
        ]},
    }  # fmt: skip
    second = copy.deepcopy(data["consignments"][0])
    second["items"] = second["items"][:1]
    second["consignee"] = {"name": "Ararat Trade LLC", "country": "AM", "address": "Yerevan"}
    data["consignments"].append(second)
    data["representative"] = {"name": "Broker MMC", "country": "AZ", "identifiers": {"tin": "1"}}
    data["seals"] = ["AZ-7", "AZ-8"]
    data["consignments"][0]["items"][0]["packages"]["marks"] = "XL/1-48"
    return data


@pytest.mark.parametrize("rail", [False, True])
def test_a_declaration_goes_into_the_form_and_comes_back_the_same(
    declaration_data: dict[str, Any], rail: bool
) -> None:
    data = rail_declaration(declaration_data) if rail else declaration_data
    original = declaration_to_json(declaration_from_json(data))
    values = form_values(original)
    assert values["consignments[0].items[1].value.amount_major"] == "5400.00"
    back, problems = read_form(values)
    assert problems == []
    assert declaration_to_json(declaration_from_json(back)) == original


def test_rows_are_counted_from_the_names(declaration_data: dict[str, Any]) -> None:
    values = form_values(rail_declaration(declaration_data))
    assert layout(values).as_json() == {"items": [2, 1], "wagons": 2}
    assert layout({}).as_json() == {"items": [1], "wagons": 1}


def test_removing_a_row_moves_the_later_ones_up() -> None:
    values = {
        f"consignments[0].items[{n}].hs_code": code for n, code in enumerate(("1", "2", "3"))
    } | {"touched": "consignments[0].items[1].hs_code,consignments[0].items[2].hs_code,lrn"}
    changed, focus = apply_edit(values, "remove-item:0:1")
    assert changed == {
        "consignments[0].items[0].hs_code": "1",
        "consignments[0].items[1].hs_code": "3",
        "touched": "consignments[0].items[1].hs_code,lrn",
    }
    assert focus == "add-item-0"
    added, focus = apply_edit(changed, "add-item:0")
    assert added["consignments[0].items[2].hs_code"] == ""
    assert focus == "f-consignments-0-items-2-hs_code"
    # the last row of a list stays; an edit that makes no sense changes nothing
    one = {"consignments[0].items[0].hs_code": "1"}
    assert apply_edit(one, "remove-item:0:0") == (one, "")
    assert apply_edit(one, "remove-consignment:0") == (one, "")
    assert apply_edit(one, "add-item:7") == (one, "")


def test_a_problem_shows_at_the_control_that_holds_it() -> None:
    controls = ["transport.vehicle.plate", "transport.vehicle.country", "transport.containers",
                "consignments[0].items[0].hs_code", "guarantee.amount.amount_major"]  # fmt: skip
    assert control_for("transport.containers[2]", controls) == "transport.containers"
    assert control_for("transport.vehicle", controls) == "transport.vehicle.plate"
    assert control_for("consignments[0].items", controls) == "consignments[0].items[0].hs_code"
    assert control_for("(document)", controls) == "(document)"
    errors = field_errors([("guarantee.amount.amount_minor", "must be positive")], controls)
    assert errors == {"guarantee.amount.amount_major": "must be positive"}


def _page_values(client: TestClient, url: str) -> dict[str, str]:
    values: dict[str, str] = client.get(url, headers=JSON).json()["values"]
    return values


def _post(client: TestClient, url: str, values: dict[str, str], **extra: str) -> Any:
    csrf = csrf_of(client.get(url).text)
    return client.post(url, data=values | {"csrf": csrf} | extra, follow_redirects=False)


def test_a_carrier_lodges_two_consignments_by_rail(
    web: TestClient, web_ctx: Context, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    sign_in(web, people["carrier"])
    values = form_values(rail_declaration(declaration_data)) | {"lrn": "RAIL-0001"}
    answer = _post(web, "/ui/lodge", values)
    assert answer.status_code == 303, answer.text
    mrn = answer.headers["location"].split("/")[-1].split("?")[0]
    declaration = services.get_movement(web_ctx, mrn).declaration
    assert [len(c.items) for c in declaration.consignments] == [2, 1]
    assert declaration.transport.train is not None
    assert declaration.transport.train.wagons[0].containers == ("CSQU3054383",)
    assert declaration.seals == ("AZ-7", "AZ-8")


def test_rows_are_added_and_removed_without_script(
    web: TestClient, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    sign_in(web, people["carrier"])
    values = form_values(rail_declaration(declaration_data))
    added = _post(web, "/ui/lodge", values, edit="add-item:1")
    assert added.status_code == 200
    assert re.search(r'id="f-consignments-1-items-1-hs_code"[^>]* autofocus', added.text)
    removed = _post(web, "/ui/lodge", values, edit="remove-consignment:0")
    assert removed.status_code == 200
    assert "f-consignments-1-consignor-name" not in removed.text
    assert 'value="Ararat Trade LLC"' in removed.text  # the second is now the first
    wagons = _post(web, "/ui/lodge", values, edit="remove-wagon:0")
    assert f'value="{WAGON}"' not in wagons.text
    assert web.get("/ui/movements", headers=JSON).json()["movements"] == []  # none lodged


def test_every_problem_shows_at_its_control(
    web: TestClient, people: dict[str, str], declaration_data: dict[str, Any]
) -> None:
    sign_in(web, people["carrier"])
    values = form_values(rail_declaration(declaration_data)) | {
        "consignments[1].items[0].hs_code": "999999",
        "consignments[0].consignee.name": "",
        "transport.train.wagons[1].number": "218124712174",
        "consignments[1].consignor.identifiers": "no scheme here",
    }
    csrf = csrf_of(web.get("/ui/lodge").text)
    answer = web.post("/ui/lodge/validate", data=values | {"csrf": csrf}, headers=JSON)
    errors = answer.json()["errors"]
    assert set(errors) == {
        "consignments[0].consignee.name", "consignments[1].consignor.identifiers",
    }  # fmt: skip
    # (the corridor's rules, such as the HS check, run once the declaration parses)
    del values["consignments[1].consignor.identifiers"]
    values["consignments[0].consignee.name"] = "Naxçıvan Ticarət MMC"
    answer = web.post("/ui/lodge/validate", data=values | {"csrf": csrf}, headers=JSON)
    assert set(answer.json()["errors"]) == {
        "consignments[1].items[0].hs_code", "transport.train.wagons[1].number",
    }  # fmt: skip
    page = web.post("/ui/lodge", data=values | {"csrf": csrf})
    assert page.status_code == 422
    assert re.search(r'id="f-consignments-1-items-0-hs_code"[^>]*aria-invalid="true"', page.text)
    assert "is not an HS 2022 subheading" in page.text
    assert 'href="#f-consignments-1-items-0-hs_code"' in page.text  # in the list of problems


def test_the_holder_amends_before_acceptance(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["carrier"])
    movement = web.get(f"/ui/movements/{lodged}", headers=JSON).json()
    assert movement["amend"] == f"/ui/movements/{lodged}/amend"
    url = movement["amend"]
    values = _page_values(web, url)
    assert values["lrn"] == "KHZ-2026-000117"
    assert values["consignments[0].items[1].hs_code"] == "070200"
    values["consignments[0].items[1].description"] = "Fresh tomatoes, in cartons of 12 kg"
    answer = _post(web, url, values)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/ui/movements/{lodged}?done=amend"
    after = services.get_movement(web_ctx, lodged)
    assert after.declaration.items[1].description == "Fresh tomatoes, in cartons of 12 kg"
    assert after.declaration.itinerary.en_route  # computed again from the offices
    history = web.get(f"/ui/movements/{lodged}", headers=JSON).json()["history"]
    assert [e["action"] for e in history] == ["lodge", "amend"]
    refused = _post(web, url, values | {"holder.country": "Azerbaijan"})
    assert refused.status_code == 422
    assert services.get_movement(web_ctx, lodged).version == after.version


def test_nobody_else_amends_and_nobody_after_acceptance(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["customs_az"])
    assert web.get(f"/ui/movements/{lodged}", headers=JSON).json()["amend"] is None
    assert web.get(f"/ui/movements/{lodged}/amend", headers=JSON).status_code == 403
    services.accept(web_ctx, lodged, PEOPLE["customs_az"])
    sign_in(web, people["carrier"])
    assert web.get(f"/ui/movements/{lodged}", headers=JSON).json()["amend"] is None
    assert web.get(f"/ui/movements/{lodged}/amend", headers=JSON).status_code == 409
