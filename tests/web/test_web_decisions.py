"""Every decision and record of a movement's life taken through the web forms, by the
officer whose office it is: accept, control, release with seals, passage, an incident
with new seals and its endorsement, arrival, discharge."""

from __future__ import annotations

import re

from corridor_web_testing import csrf_of, sign_in
from fastapi.testclient import TestClient

from corridor import accounts, services
from corridor.bootstrap import Context
from corridor.domain.network import Role
from corridor.domain.principal import Principal

JSON = {"Accept": "application/json"}


def act(web: TestClient, page: str, action: str, **fields: str) -> str:
    """Fill in and send the action's form on ``page``; the page it comes back to."""
    html = web.get(page).text
    assert f"/act/{action}" in html, f"{page} offers no {action}"
    answer = web.post(page.replace("/checkpoint/", "/movements/") + f"/act/{action}",
                      data={"csrf": csrf_of(html), "next": page, **fields})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert re.search(r'<div class="ok" role="status">', answer.text), answer.text[:2000]
    return answer.text


def test_a_movement_s_whole_life_through_the_forms(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str
) -> None:
    movement, checkpoint = f"/ui/movements/{lodged}", f"/ui/checkpoint/{lodged}"
    sign_in(web, people["customs_az"])
    act(web, movement, "accept", office="AZ0HRD01")
    act(web, movement, "control", office="AZ0HRD01", kind="physical")
    released = act(web, movement, "release", office="AZ0HRD01", seals="AZ-0001\nAZ-0002")
    assert "AZ-0001 · AZ-0002" in released
    act(web, checkpoint, "record_passage", office="AZ0AGB01")
    sign_in(web, people["gate_nrn"])
    act(web, checkpoint, "record_incident", kind="seal_broken",
        description="Seal AZ-0002 torn", new_seals="AM-0003")  # fmt: skip
    sign_in(web, people["customs_am"])
    act(web, movement, "endorse_incident", office="AM0NRN01", remarks="New seal checked")
    sign_in(web, people["gate_nrn"])
    act(web, checkpoint, "record_passage")
    sign_in(web, people["gate_agr"])
    act(web, checkpoint, "record_passage")
    sign_in(web, people["customs_az"])
    act(web, checkpoint, "record_passage", office="AZ0ORD01")
    act(web, movement, "record_arrival", office="AZ0NAX01", seals_intact="on")
    act(web, movement, "discharge", office="AZ0NAX01")
    done = web.get(movement, headers=JSON).json()
    assert done["state"] == "discharged" and done["seals"] == ["AM-0003"]
    assert [e["action"] for e in done["history"]] == [
        "lodge", "accept", "control", "release", "record_passage", "record_incident",
        "endorse_incident", "record_passage", "record_passage", "record_passage",
        "record_arrival", "discharge",
    ]  # fmt: skip
    assert done["incidents"][0]["endorsed_by"]
    assert str(services.get_movement(web_ctx, lodged).state) == "discharged"


def test_a_front_office_where_only_customs_record_is_told_why(
    web: TestClient, web_ctx: Context, lodged: str
) -> None:
    customs = Principal("az-officer", Role.CUSTOMS, state="AZ")
    services.accept(web_ctx, lodged, customs)
    services.release(web_ctx, lodged, customs, seals=("AZ-1",))
    gate = accounts.add_principal(
        web_ctx, Principal("agb-gate", Role.FRONT_OFFICE, office="AZ0AGB01")
    )
    sign_in(web, gate.token)
    page = web.get(f"/ui/checkpoint/{lodged}")
    assert "/act/record_passage" not in page.text
    why = web.get(f"/ui/checkpoint/{lodged}", headers=JSON).json()["no_passage_because"]
    assert (
        why == "At AZ0AGB01, “Record passage (seals intact)” is for customs, not for front office."
    )
    assert why in page.text
    sign_in(web, gate.token, lang="az")
    shown = web.get(f"/ui/checkpoint/{lodged}").text
    assert "AZ0AGB01 idarəsində" in shown and "gömrük üçündür" in shown
    nrn = web_ctx.corridor.office("AM0NRN01")
    assert Role.FRONT_OFFICE in nrn.record  # where the front office records, nothing to say
    sign_in(
        web,
        accounts.add_principal(web_ctx, Principal("n", Role.FRONT_OFFICE, office=nrn.code)).token,
    )
    assert web.get(f"/ui/checkpoint/{lodged}", headers=JSON).json()["no_passage_because"] is None
