"""Dwell time at a checkpoint: the arrival (gate-in) typed on the passage form, refused
when later than the passage, and measured to the passage on the operator's dashboard."""

from __future__ import annotations

from datetime import datetime, timedelta

from corridor_web_testing import PEOPLE, csrf_of, sign_in
from fastapi.testclient import TestClient
from httpx import Response

from corridor import services
from corridor.bootstrap import Context
from corridor_testing import FakeClock

JSON = {"Accept": "application/json"}


def record_passage(web: TestClient, mrn: str, **fields: str) -> Response:
    page = f"/ui/checkpoint/{mrn}"
    html = web.get(page).text
    return web.post(f"/ui/movements/{mrn}/act/record_passage",
                    data={"csrf": csrf_of(html), "next": page, **fields})  # fmt: skip


def form_time(moment: datetime) -> str:
    """As a datetime-local control sends it: no zone (the form says UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_the_dashboard_measures_dwell_from_the_arrival_to_the_passage(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str, clock: FakeClock
) -> None:
    services.accept(web_ctx, lodged, PEOPLE["customs_az"])
    services.release(web_ctx, lodged, PEOPLE["customs_az"], seals=("AZ-1",))
    clock.advance(hours=3)
    sign_in(web, people["gate_nrn"], lang="ru")
    assert 'type="datetime-local"' in web.get(f"/ui/checkpoint/{lodged}").text
    future = record_passage(web, lodged, arrived_at=form_time(clock.now + timedelta(hours=1)))
    assert future.status_code == 422
    assert "прибытие не может быть в будущем" in future.text
    assert "later than the passage" not in future.text
    garbled = record_passage(web, lodged, arrived_at="вчера")
    assert garbled.status_code == 422 and "не дата и время" in garbled.text
    assert services.get_movement(web_ctx, lodged).passages == ()
    arrived = clock.now - timedelta(minutes=90)
    assert record_passage(web, lodged, arrived_at=form_time(arrived)).status_code == 200
    assert services.get_movement(web_ctx, lodged).passages[0].arrived_at == arrived
    clock.advance(hours=1)
    sign_in(web, people["gate_agr"])
    assert record_passage(web, lodged, arrived_at="").status_code == 200  # not known
    sign_in(web, people["operator"])
    figures = web.get("/ui/dashboard", headers=JSON).json()
    assert figures["dwell_hours"] == {
        "AM0AGR01": {"median": None, "p90": None, "count": 0, "without_arrival": 1},
        "AM0NRN01": {"median": 1.5, "p90": 1.5, "count": 1, "without_arrival": 0},
    }
    html = web.get("/ui/dashboard").text
    assert "Passages without arrival time" in html
    assert "<td>AM0NRN01</td><td>1.5</td><td>1.5</td><td>1</td><td>0</td>" in html
    assert "<td>AM0AGR01</td><td>—</td><td>—</td><td>0</td><td>1</td>" in html
