"""`make demo`'s desks: after the simulated days, work waits at each console."""

from __future__ import annotations

from corridor_web_testing import sign_in
from fastapi.testclient import TestClient

from corridor import services
from corridor.bootstrap import Context
from corridor.web.demo import desk_work

JSON = {"Accept": "application/json"}


def test_the_demo_leaves_work_at_the_desks(
    web: TestClient, web_ctx: Context, people: dict[str, str]
) -> None:
    waiting, to_scan = desk_work(web_ctx)
    assert to_scan is not None and len(waiting) == 3
    assert [str(services.get_movement(web_ctx, m).state) for m in waiting] == ["lodged"] * 3
    sign_in(web, people["customs_az"])
    queue = web.get("/ui/queue", headers=JSON).json()
    assert {m["mrn"] for m in queue["channels"]["green"]} == set(waiting)
    sign_in(web, people["gate_nrn"])
    screen = web.get(f"/ui/checkpoint/{to_scan}", headers=JSON).json()
    assert "record_passage" in [action["action"] for action in screen["actions"]]
    assert web.get(f"/movements/{to_scan}/document.pdf").content.startswith(b"%PDF-")
    assert desk_work(web_ctx) == (waiting, to_scan)  # a second run: the same movements
