"""The API's contract: problem+json for every error, pages, filters, idempotency keys,
XML lodging, the risk assessment's readers, metrics and the request log."""

from __future__ import annotations

import io
import json
import logging
import os
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from corridor_api_testing import HOLDER_B, PRINCIPALS, Driver, bearer, declaration_json
from fastapi.testclient import TestClient

from corridor import accounts, reading
from corridor.api.idempotency import fingerprint
from corridor.bootstrap import Context
from corridor.domain.lifecycle import MovementState
from corridor.paths import project_root
from corridor.store.codec import movement_to_json
from corridor.store.idempotency import IdempotencyRepository
from corridor_testing import FakeClock

PROBLEM = "application/problem+json"
XML_EXAMPLE = project_root() / "examples" / "road-horadiz-nakhchivan.xml"


def _problem(answer: Any, status: int, kind: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body: dict[str, Any] = answer.json()
    assert body["type"].endswith("/" + kind) or body["type"] == kind, body
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["instance"] == answer.request.url.path
    return body


def _lodge(client: TestClient, token: str, **changes: str) -> dict[str, Any]:
    answer = client.post("/movements", json=declaration_json(**changes), headers=bearer(token))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_no_missing_unknown_or_revoked_token_gets_in(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    missing = [{}, {"Authorization": "Basic x"}, {"Authorization": "Bearer "}]
    for headers in missing:
        body = _problem(client.get("/movements", headers=headers), 401, "unauthenticated")
        assert body["detail"] == "no bearer token given"
    answer = client.get("/movements", headers={"Authorization": "bearer cor_nothing"})
    assert _problem(answer, 401, "unauthenticated")["detail"].endswith("unknown or revoked")
    assert client.get("/me", headers=bearer(tokens["customs_am"])).json()["state"] == "AM"
    accounts.revoke_principal(api_ctx, PRINCIPALS["customs_am"].id)
    answer = client.get("/me", headers=bearer(tokens["customs_am"]))
    assert _problem(answer, 401, "unauthenticated")["detail"].endswith("unknown or revoked")
    assert answer.headers["www-authenticate"] == "Bearer"


def test_every_error_is_a_problem(client: TestClient, tokens: dict[str, str]) -> None:
    carrier, az = bearer(tokens["carrier_a"]), bearer(tokens["customs_az"])
    _problem(client.get("/movements/26AZ0HRD01999999X1", headers=carrier), 404, "not-found")
    _problem(client.get("/nowhere", headers=carrier), 404, "about:blank")
    _problem(client.delete("/movements", headers=carrier), 405, "about:blank")
    bad = declaration_json()
    bad["consignments"][0]["items"][1]["hs_code"] = "99"
    body = _problem(
        client.post("/movements", json=bad, headers=carrier), 422, "invalid-declaration"
    )
    assert body["field"] == "consignments[0].items[1].hs_code"
    sent = client.post(
        "/movements", content=b"lrn=1", headers={**carrier, "content-type": "text/plain"}
    )
    _problem(sent, 415, "unsupported-media-type")
    mrn = _lodge(client, tokens["carrier_a"])["mrn"]
    body = _problem(
        client.post(f"/movements/{mrn}/discharge", headers=az), 409, "illegal-transition"
    )
    assert (body["state"], body["action"]) == ("lodged", "discharge")
    body = _problem(
        client.post(f"/movements/{mrn}/reject", json={}, headers=az), 422, "invalid-request"
    )
    assert body["field"] == "body.reason" and body["errors"]
    wrong = client.post(f"/movements/{mrn}/accept", json={"office": "AM0MGR01"}, headers=az)
    _problem(wrong, 422, "precondition-failed")
    _problem(client.post(f"/movements/{mrn}/accept", headers=carrier), 403, "not-authorised")


def test_pages_follow_the_cursor_and_filters_narrow(
    client: TestClient, api_ctx: Context, clock: FakeClock, tokens: dict[str, str]
) -> None:
    driver = Driver(api_ctx, clock)
    released = [driver.movement(MovementState.RELEASED, HOLDER_B, "AZ0CLF01", "AZ0NAX01")]
    lodged = [_lodge(client, tokens["carrier_a"], lrn=f"P-{n}")["mrn"] for n in range(5)]
    operator = bearer(tokens["operator"])
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/movements", params=params, headers=operator).json()
        seen += [item["mrn"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted([*lodged, released[0].mrn])
    only = client.get("/movements", params={"state": "released"}, headers=operator).json()
    assert [i["mrn"] for i in only["items"]] == [released[0].mrn]
    passing = client.get("/movements", params={"office": "AM0NRN01"}, headers=operator).json()
    assert {i["mrn"] for i in passing["items"]} == set(lodged)
    held = client.get("/movements", params={"holder": HOLDER_B}, headers=operator).json()
    assert len(held["items"]) == 1
    mine = client.get(
        "/movements", params={"holder": HOLDER_B}, headers=bearer(tokens["carrier_a"])
    )
    assert mine.json()["items"] == []
    _problem(client.get("/movements?cursor=***", headers=operator), 422, "invalid-input")
    _problem(client.get("/movements?limit=0", headers=operator), 422, "invalid-request")


def test_a_replayed_post_gets_the_first_answer_and_changes_nothing(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    mrn = _lodge(client, tokens["carrier_a"])["mrn"]
    az = bearer(tokens["customs_az"], **{"Idempotency-Key": "accept-1"})
    first = client.post(f"/movements/{mrn}/accept", headers=az)
    again = client.post(f"/movements/{mrn}/accept", headers=az)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    history = client.get(f"/movements/{mrn}/events", headers=bearer(tokens["operator"])).json()
    assert [e["action"] for e in history] == ["lodge", "accept"]
    other = client.post(f"/movements/{mrn}/accept", json={"office": "AZ0HRD01"}, headers=az)
    _problem(other, 422, "idempotency-key-reused")
    elsewhere = client.post(f"/movements/{mrn}/accept", headers={**az, "Idempotency-Key": "2"})
    _problem(elsewhere, 409, "illegal-transition")
    refused = client.post(f"/movements/{mrn}/accept", headers={**az, "Idempotency-Key": "2"})
    assert refused.content == elsewhere.content and refused.headers["idempotent-replayed"]


def test_a_key_is_per_principal_and_a_running_request_holds_it(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    key = {"Idempotency-Key": "lodge-1"}
    first = client.post(
        "/movements", json=declaration_json(), headers=bearer(tokens["carrier_a"], **key)
    )
    replay = client.post(
        "/movements", json=declaration_json(), headers=bearer(tokens["carrier_a"], **key)
    )
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.headers["location"] == first.headers["location"]
    b = declaration_json(lrn="B-1", holder=HOLDER_B)
    assert (
        client.post("/movements", json=b, headers=bearer(tokens["carrier_b"], **key)).status_code
        == 201
    )
    with api_ctx.engine.begin() as connection:
        keys = IdempotencyRepository(connection)
        body = json.dumps(declaration_json()).encode()
        same = fingerprint("POST", "/movements", "", "application/json", body)
        assert keys.reserve("carrier-a", "held", same, datetime.now(UTC)) is None
    held_key = {"Idempotency-Key": "held", "content-type": "application/json"}
    held = client.post("/movements", content=body, headers=bearer(tokens["carrier_a"], **held_key))
    _problem(held, 409, "idempotency-key-in-use")
    assert held.headers["retry-after"] == "1"
    blank = client.post(
        "/movements",
        json=declaration_json(),
        headers=bearer(tokens["carrier_a"], **{"Idempotency-Key": ""}),
    )
    _problem(blank, 400, "invalid-idempotency-key")


def test_the_xml_message_lodges_the_same_declaration_as_its_json(
    client: TestClient, tokens: dict[str, str]
) -> None:
    xml = XML_EXAMPLE.read_bytes()
    headers = bearer(tokens["carrier_a"], **{"content-type": "application/xml"})
    from_xml = client.post("/movements", content=xml, headers=headers)
    assert from_xml.status_code == 201, from_xml.text
    from_json = client.post(
        "/movements", json=declaration_json(), headers=bearer(tokens["carrier_a"])
    )
    assert from_json.status_code == 200 and from_json.json()["mrn"] == from_xml.json()["mrn"]
    broken = xml.replace(b"<LRN>", b"<Colour>red</Colour><LRN>")
    body = _problem(
        client.post("/movements", content=broken, headers=headers), 422, "invalid-declaration"
    )
    assert body["field"] == "CC015C/TransitOperation/Colour"
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CC015C>&a;</CC015C>'
    _problem(client.post("/movements", content=entity, headers=headers), 422, "invalid-declaration")


def test_the_risk_assessment_is_for_officers_and_the_operator(
    client: TestClient, api_ctx: Context, tokens: dict[str, str]
) -> None:
    mrn = _lodge(client, tokens["carrier_a"])["mrn"]
    stored = movement_to_json(reading.get_movement(api_ctx, mrn, PRINCIPALS["operator"]))
    for name in ("carrier_a", "gate_nrn"):
        seen = client.get(f"/movements/{mrn}", headers=bearer(tokens[name])).json()
        assert seen == {k: v for k, v in stored.items() if k != "risk"}
        answer = client.get(f"/movements/{mrn}/assessment", headers=bearer(tokens[name]))
        _problem(answer, 403, "not-authorised")
    for name in ("customs_am", "operator"):
        movement = client.get(f"/movements/{mrn}", headers=bearer(tokens[name])).json()
        assert movement == stored
        assessment = client.get(f"/movements/{mrn}/assessment", headers=bearer(tokens[name]))
        assert assessment.status_code == 200
        assert assessment.json() == movement["risk"] and movement["risk"]["channel"]


def test_metrics_count_requests_and_movements_by_state(
    client: TestClient, tokens: dict[str, str]
) -> None:
    _lodge(client, tokens["carrier_a"])
    _lodge(client, tokens["carrier_a"], lrn="LRN-METRICS-2")
    client.get("/movements", headers=bearer(tokens["operator"]))
    text = client.get("/metrics").text
    assert 'corridor_http_requests_total{method="POST",route="/movements",status="201"} 2.0' in text
    assert (
        'corridor_http_request_duration_seconds_count{method="GET",route="/movements"} 1.0' in text
    )
    assert (
        'corridor_http_request_duration_seconds_count{method="POST",route="/movements"} 2.0' in text
    )
    assert 'corridor_movements{state="lodged"} 2.0' in text


def test_each_request_is_one_structured_log_line(
    client: TestClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    from corridor.api.observability import JsonLines

    with caplog.at_level(logging.INFO, logger="corridor.api.access"):
        client.get("/movements", headers=bearer(tokens["operator"], **{"X-Request-ID": "req-7"}))
    (record,) = [r for r in caplog.records if r.name == "corridor.api.access"]
    line = json.loads(JsonLines().format(record))
    assert line | {"duration_ms": 0} == {
        "ts": line["ts"], "level": "info", "logger": "corridor.api.access", "message": "request",
        "method": "GET", "path": "/movements", "route": "/movements", "status": 200,
        "duration_ms": 0, "principal": "operator", "role": "operator", "request_id": "req-7",
        "pid": os.getpid(),
    }  # fmt: skip


class _RecordingStream(io.StringIO):
    """A stream that remembers which threads wrote to it."""

    def __init__(self) -> None:
        super().__init__()
        self.writers: set[str] = set()

    def write(self, text: str) -> int:
        self.writers.add(threading.current_thread().name)
        return super().write(text)


def test_log_lines_are_written_in_order_by_a_thread_of_their_own() -> None:
    from corridor.api.observability import BackgroundLines, JsonLines

    stream = _RecordingStream()
    handler = BackgroundLines(stream)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("corridor.test.background")
    logger.handlers[:], logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    try:
        for n in range(200):
            logger.info("line %d", n, extra={"fields": {"n": n}})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
        handler.flush()  # waits until all is written
    finally:
        logger.handlers[:] = []
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["n"] for line in lines[:200]] == list(range(200))
    assert lines[7]["message"] == "line 7" and lines[7]["logger"] == "corridor.test.background"
    assert lines[200]["message"] == "failed" and "ValueError: boom" in lines[200]["exception"]
    assert len(lines) == 201 and stream.writers == {"corridor-log-lines"}


def test_the_access_line_written_directly_is_the_line_logging_writes(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """Under ``corridor serve``'s logging (``configure_logging``) the access line goes
    straight to its handler; with anything else listening (here a filter) it goes
    through ``logging``. The same line either way, but for its time and duration."""
    from corridor.api.observability import (
        BackgroundLines,
        JsonLines,
        _sole_json_lines,
        access_log,
    )

    stream = _RecordingStream()
    handler = BackgroundLines(stream)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("corridor")
    kept = logger.handlers[:], logger.level, logger.propagate
    logger.handlers[:], logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    headers = bearer(tokens["carrier_a"], **{"X-Request-ID": 'req-"8"\\'})
    try:
        assert _sole_json_lines(access_log) is handler
        client.post("/movements", json=declaration_json(lrn="L-1"), headers=headers)
        access_log.addFilter(lambda record: True)
        assert _sole_json_lines(access_log) is None
        client.post("/movements", json=declaration_json(lrn="L-1"), headers=headers)
        access_log.filters.clear()
        client.get("/nowhere")  # no principal, unmatched
        handler.flush()
    finally:
        access_log.filters.clear()
        logger.handlers[:], logger.level, logger.propagate = kept
    direct, through, anonymous = stream.getvalue().splitlines()
    assert json.loads(direct)["status"] == 201 and json.loads(through)["status"] == 200

    def timeless(line: str) -> dict[str, Any]:
        return dict(json.loads(line), ts="", duration_ms=0, status=0)

    assert list(json.loads(direct)) == list(json.loads(through))
    assert timeless(direct) == timeless(through)
    assert '"request_id": "req-\\"8\\"\\\\"' in direct  # escaped as json.dumps escapes
    assert json.loads(anonymous)["principal"] is None and '"route": "unmatched"' in anonymous
    fields = {"n": None, "f": 1.5}
    record = logging.makeLogRecord(
        {
            "name": "corridor.x",
            "msg": "hé %s",
            "args": ("1",),
            "levelname": "INFO",
            "fields": fields,
        }
    )
    assert JsonLines().format(record) == json.dumps({
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": "info", "logger": "corridor.x", "message": "hé 1", "n": None, "f": 1.5,
    }, ensure_ascii=False)  # fmt: skip


def test_the_request_id_header_replaces_any_the_answer_had() -> None:
    from starlette.datastructures import MutableHeaders

    from corridor.api.observability import _set_header

    twice = [(b"a", b"1"), (b"x-request-id", b"1"), (b"b", b"2"), (b"x-request-id", b"2")]
    for headers in ([], [(b"a", b"1")], [(b"x-request-id", b"old"), (b"a", b"1")], twice):
        ours: dict[str, Any] = {"headers": tuple(headers)}
        theirs: dict[str, Any] = {"headers": tuple(headers)}
        _set_header(ours, b"x-request-id", b"new")
        MutableHeaders(scope=theirs)["x-request-id"] = "new"
        assert ours == theirs and isinstance(ours["headers"], list)


def test_a_token_revoked_elsewhere_stops_working_within_the_remembered_time(
    client: TestClient, api_ctx: Context, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import update

    from corridor.store.access_tables import principals

    assert client.get("/me", headers=bearer(tokens["monitor"])).status_code == 200
    with api_ctx.engine.begin() as connection:  # as `corridor users revoke` in another process
        connection.execute(
            update(principals)
            .where(principals.c.id == "monitor")
            .values(revoked_at=datetime.now(UTC))
        )
    assert client.get("/me", headers=bearer(tokens["monitor"])).status_code == 200  # remembered
    monkeypatch.setattr(accounts, "_REMEMBERED", {})
    assert client.get("/me", headers=bearer(tokens["monitor"])).status_code == 401


def test_lodging_answers_alike_with_or_without_fastapis_dependency_solving(
    client: TestClient, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """POST /movements without a query skips FastAPI's dependency solving
    (``movements.LodgingRoute``); with one (``pre_lodge``) FastAPI solves them. Both
    answer alike: lodged, pre-lodged, a bad ``pre_lodge`` and a missing token."""
    import fastapi.routing

    solved: list[object] = []
    solve = fastapi.routing.solve_dependencies

    async def counting(**kwargs: Any) -> Any:
        solved.append(kwargs["dependant"].call)
        return await solve(**kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counting)
    carrier = bearer(tokens["carrier_a"])
    fast = client.post("/movements", json=declaration_json(lrn="Q-1"), headers=carrier)
    assert solved == []
    slow = client.post(
        "/movements?pre_lodge=false", json=declaration_json(lrn="Q-2"), headers=carrier
    )
    assert len(solved) == 1
    assert fast.status_code == slow.status_code == 201
    assert fast.headers.keys() == slow.headers.keys()
    assert fast.headers["location"] == f"/movements/{fast.json()['mrn']}"
    assert fast.json()["state"] == slow.json()["state"] == "lodged"
    assert fast.json().keys() == slow.json().keys()
    pre = client.post(
        "/movements?pre_lodge=true", json=declaration_json(lrn="Q-3"), headers=carrier
    )
    assert pre.status_code == 201 and pre.json()["state"] == "pre_lodged"
    wrong = client.post("/movements?pre_lodge=perhaps", json=declaration_json(), headers=carrier)
    assert _problem(wrong, 422, "invalid-request")["field"] == "query.pre_lodge"
    for query in ("", "?pre_lodge=true"):
        for headers in ({}, {"Authorization": "Bearer cor_nothing"}):
            refused = client.post(f"/movements{query}", json=declaration_json(), headers=headers)
            _problem(refused, 401, "unauthenticated")
            assert refused.headers["www-authenticate"] == "Bearer"
    unknown = client.post(
        "/movements", json=declaration_json(), headers={"Authorization": "Bearer x"}
    )
    assert _problem(unknown, 401, "unauthenticated")["detail"].endswith("unknown or revoked")
    bare = client.post("/movements", json=declaration_json())
    assert _problem(bare, 401, "unauthenticated")["detail"] == "no bearer token given"


def test_an_overridden_dependency_is_honoured_by_lodging(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """A dependency override (as in tests of other apps) takes FastAPI's own handler."""
    from corridor.api.auth import current_principal

    app: Any = client.app
    app.dependency_overrides[current_principal] = lambda: PRINCIPALS["carrier_a"]
    try:
        answer = client.post("/movements", json=declaration_json(lrn="O-1"))
    finally:
        app.dependency_overrides.clear()
    assert answer.status_code == 201, answer.text
    assert _problem(client.post("/movements", json=declaration_json()), 401, "unauthenticated")


def test_fastapis_own_telemetry_is_off_only_without_opentelemetrys_sdk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without OpenTelemetry's SDK nothing can be recorded: FastAPI is told so, and no
    longer asks on every request. With it, FastAPI's defaults stand."""
    import importlib.util

    from corridor.api.app import create_app, native_telemetry

    sdk: dict[str, object | None] = {"opentelemetry.sdk": None}
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: sdk[name])
    app: Any = create_app()
    assert native_telemetry() == {"tracing": False, "metrics": False, "logs": False}
    assert not app._native_telemetry.enabled() and not app._telemetry["tracing"]
    sdk["opentelemetry.sdk"] = object()
    assert native_telemetry() is None
    assert create_app()._telemetry["tracing"] is True  # type: ignore[attr-defined]
