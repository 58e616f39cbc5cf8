"""A checkpoint post offline: its actions queue locally and reach the corridor later,
each exactly once, in order; what the corridor refuses is kept, not dropped."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corridor import accounts, services
from corridor.api.app import create_app
from corridor.bootstrap import Context
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import InvalidInput
from corridor.domain.lifecycle import Action, MovementState
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.post.outbox import DONE, PENDING, REJECTED, Outbox
from corridor_testing import cli_runner

AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")
GATE = Principal("gate-nrn", Role.FRONT_OFFICE, office="AM0NRN01")


class Network:
    """Between the post and the corridor: down, up, or dropping answers on the way back."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.up = False
        self.lose_answers = 0
        self.delivered = 0

    def post(self, url: str, *, json: Any, headers: Mapping[str, str]) -> Any:
        if not self.up:
            raise ConnectionRefusedError("the line to the back office is down")
        answer = self.client.post(url, json=json, headers=dict(headers))
        self.delivered += 1
        if self.lose_answers:
            self.lose_answers -= 1
            raise ConnectionResetError("the answer was lost on the way back")
        return answer


@pytest.fixture
def network(ctx: Context) -> Iterator[Network]:
    with TestClient(create_app(ctx)) as client:
        yield Network(client)


def _released(ctx: Context, declaration: TransitDeclaration, lrn: str) -> str:
    holder = Principal("c", Role.CARRIER, holder=declaration.holder.identification_number)
    mrn = services.lodge(ctx, replace(declaration, lrn=lrn), holder).movement.mrn
    services.accept(ctx, mrn, AZ)
    services.release(ctx, mrn, AZ, seals=("AZ-1",))
    services.record_passage(ctx, mrn, AZ, "AZ0AGB01")
    return mrn


def test_actions_taken_offline_arrive_once_when_the_line_is_back(
    ctx: Context, declaration: TransitDeclaration, network: Network, tmp_path: Path
) -> None:
    token = accounts.add_principal(ctx, GATE).token
    mrns = [_released(ctx, declaration, f"OFF-{n}") for n in range(3)]
    outbox = Outbox(tmp_path / "post.sqlite")
    for mrn in mrns:
        outbox.queue(mrn, Action.RECORD_PASSAGE, {"office": "AM0NRN01"})
    incident = {
        "office": "AM0NRN01",
        "kind": "seal_broken",
        "description": "seal cut",
        "new_seals": ["AM-9"],
    }
    outbox.queue(mrns[0], Action.RECORD_INCIDENT, incident)

    offline = outbox.sync(network, "", token)  # the line is down: nothing moves
    assert (offline.done, offline.pending) == (0, 4) and offline.stopped_by
    assert services.get_movement(ctx, mrns[0]).passages[-1].office == "AZ0AGB01"

    network.up = True
    network.lose_answers = 1  # the first action is applied, but its answer is lost
    partial = outbox.sync(network, "", token)
    assert (partial.done, partial.pending) == (0, 4)
    report = outbox.sync(network, "", token)  # re-sent with the same key: replayed
    assert (report.done, report.rejected, report.pending) == (4, 0, 0)
    assert network.delivered == 5
    assert outbox.sync(network, "", token).sent == 0

    for mrn in mrns:
        history = services.movement_history(ctx, mrn)
        passages = [
            e for e in history if e.action is Action.RECORD_PASSAGE and e.office == "AM0NRN01"
        ]
        assert len(passages) == 1 and passages[0].principal == "gate-nrn"
    assert services.get_movement(ctx, mrns[0]).state is MovementState.INCIDENT
    assert [item.state for item in outbox.items()] == [DONE] * 4


def test_a_refused_action_is_kept_for_an_officer_and_does_not_block_the_rest(
    ctx: Context, declaration: TransitDeclaration, network: Network, tmp_path: Path
) -> None:
    token = accounts.add_principal(ctx, GATE).token
    first, second = (_released(ctx, declaration, f"REF-{n}") for n in range(2))
    services.record_passage(ctx, first, GATE, "AM0NRN01")  # recorded online meanwhile
    outbox = Outbox(tmp_path / "post.sqlite")
    outbox.queue(first, Action.RECORD_PASSAGE, {"office": "AM0NRN01"})
    outbox.queue(second, Action.RECORD_PASSAGE, {"office": "AM0NRN01"})
    network.up = True
    report = outbox.sync(network, "", token)
    assert (report.done, report.rejected, report.pending) == (1, 1, 0)
    refused = outbox.items(REJECTED)[0]
    assert refused.status == 422 and "already recorded" in (refused.answer or "")
    assert outbox.items(PENDING) == []


def test_the_outbox_survives_a_restart_of_the_post(tmp_path: Path) -> None:
    path = tmp_path / "post.sqlite"
    queued = Outbox(path).queue("26am0nrn01000001j3", Action.RECORD_ARRIVAL, {"office": "AM0MGR01"})
    reopened = Outbox(path).items(PENDING)
    assert [(i.key, i.path, i.body) for i in reopened] == [
        (queued.key, "/movements/26AM0NRN01000001J3/record_arrival", {"office": "AM0MGR01"})
    ]


def test_the_command_line_sender_treats_an_unreachable_corridor_as_later(tmp_path: Path) -> None:
    from corridor.post.outbox import UrllibSender

    outbox = Outbox(tmp_path / "post.sqlite")
    outbox.queue("26AM0NRN01000001J3", Action.RECORD_ARRIVAL, {"office": "AM0MGR01"})
    report = outbox.sync(UrllibSender(timeout=2), "http://127.0.0.1:9", "token")
    assert (report.sent, report.done, report.pending) == (1, 0, 1) and report.stopped_by


def test_a_post_queues_only_what_the_api_takes_at_its_action_routes(
    ctx: Context, tmp_path: Path
) -> None:
    """The actions the outbox accepts are exactly the API's POST /movements/{mrn}/ACTION
    routes of particulars; lodging, amending and deciding a screening hit are refused
    when queued (they would be refused on every sync), and nothing is queued for them."""
    paths = create_app(ctx).openapi()["paths"]
    routed = {
        path.rsplit("/", 1)[1]
        for path, operations in paths.items()
        if "actions" in operations.get("post", {}).get("tags", ())
    }
    assert {str(action) for action in Action} - routed == {
        "lodge", "pre_lodge", "amend", "review_hit", "revoke_dismissal",
    }  # fmt: skip
    outbox = Outbox(tmp_path / "post.sqlite")
    for action in Action:
        if str(action) in routed:
            outbox.queue("26AM0NRN01000001J3", action, {"office": "AM0NRN01"})
            continue
        with pytest.raises(InvalidInput, match=f"cannot forward {action}"):
            outbox.queue("26AM0NRN01000001J3", action, {"office": "AM0NRN01"})
    assert len(outbox.items()) == len(routed)


@pytest.mark.parametrize("action", ["amend", "review_hit", "lodge"])
def test_the_command_line_refuses_to_queue_what_cannot_be_forwarded(
    action: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli = cli_runner(monkeypatch, capsys)
    path = tmp_path / "post.sqlite"
    refused = cli("post", "queue", action, "26AM0NRN01000001J3", "--outbox", str(path))
    assert refused.code == 2 and refused.err.count("\n") == 1, refused.err
    assert f"cannot forward {action}" in refused.err and "record_passage" in refused.err
    assert Outbox(path).items() == []
    queued = cli("post", "queue", "record_passage", "26AM0NRN01000001J3", "--outbox", str(path))
    assert queued.code == 0 and len(Outbox(path).items()) == 1
