"""A monitor following the log: growth is fine, a rollback or a split view is an alert
carrying the log's own signed notes as proof."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corridor import log_service, services
from corridor.api.app import create_app
from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import InvalidInput
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.note import ed25519_verifier, open_note
from corridor.monitor import check
from corridor_testing import FakeClock


class ClientFetcher:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def get(self, path: str) -> tuple[int, bytes]:
        answer = self.client.get(path)
        return answer.status_code, answer.content


class Frozen:
    """A server that keeps showing one note (a log rolled back, say)."""

    def __init__(self, note: bytes) -> None:
        self.note = note

    def get(self, path: str) -> tuple[int, bytes]:
        return (200, self.note) if path == "/log/checkpoint" else (404, b"")


def _lodge(ctx: Context, declaration: TransitDeclaration, lrns: list[str]) -> None:
    holder = Principal("c", Role.CARRIER, holder=declaration.holder.identification_number)
    for lrn in lrns:
        services.lodge(ctx, replace(declaration, lrn=lrn), holder)
    log_service.integrate_all(ctx)


@pytest.fixture
def other_view(ctx: Context, tmp_path: Path, clock: FakeClock) -> Iterator[Context]:
    """A second database signed with the same key: what a dishonest operator could show."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'other.sqlite'}",
        log_key_path=ctx.settings.signing_key_path(),
        random_control_rate=0.0,
    )
    other = bootstrap(settings, clock=clock, initialise=True)
    yield other
    other.close()


def test_growth_is_fine_and_a_split_view_is_proved(
    ctx: Context, other_view: Context, declaration: TransitDeclaration, tmp_path: Path
) -> None:
    vkey, state = log_service.vkey(ctx), tmp_path / "monitor" / "state"
    with TestClient(create_app(ctx)) as honest, TestClient(create_app(other_view)) as forked:
        _lodge(ctx, declaration, ["A-1", "A-2"])
        assert check(ClientFetcher(honest), vkey, state).kind == "ok"
        _lodge(ctx, declaration, ["A-3"])
        grown = check(ClientFetcher(honest), vkey, state)
        assert grown.kind == "ok" and "size 3" in grown.message
        _lodge(other_view, declaration, ["B-1", "B-2", "B-3"])
        split = check(ClientFetcher(forked), vkey, state)
    assert split.kind == "split-view" and split.alert
    first, second = split.evidence
    assert first != second
    for note in split.evidence:  # both really signed by the log: proof anyone can check
        open_note(note, [ed25519_verifier(vkey)])
    assert state.read_bytes() == first  # the state does not move on an alert


def test_a_rollback_and_an_inconsistent_history_are_alerts(
    ctx: Context, other_view: Context, declaration: TransitDeclaration, tmp_path: Path
) -> None:
    vkey, state = log_service.vkey(ctx), tmp_path / "state"
    _lodge(ctx, declaration, ["R-1"])
    old_note = log_service.signed_checkpoint(ctx)
    with TestClient(create_app(ctx)) as honest, TestClient(create_app(other_view)) as forked:
        _lodge(ctx, declaration, ["R-2", "R-3"])
        assert check(ClientFetcher(honest), vkey, state).kind == "ok"
        assert check(Frozen(old_note), vkey, state).kind == "rollback"
        _lodge(other_view, declaration, ["X-1", "X-2", "X-3", "X-4"])
        assert check(ClientFetcher(forked), vkey, state).kind == "inconsistent"


def test_a_peers_checkpoint_reveals_a_split_view_the_monitor_was_not_shown(
    ctx: Context, other_view: Context, declaration: TransitDeclaration, tmp_path: Path
) -> None:
    vkey = log_service.vkey(ctx)
    _lodge(ctx, declaration, ["P-1", "P-2"])
    _lodge(other_view, declaration, ["Q-1", "Q-2"])
    witness_saw = log_service.signed_checkpoint(other_view)
    with TestClient(create_app(ctx)) as honest:
        finding = check(ClientFetcher(honest), vkey, tmp_path / "state", [witness_saw])
        assert finding.kind == "split-view"
        with pytest.raises(InvalidInput, match="not signed by this log"):
            check(ClientFetcher(honest), vkey, tmp_path / "state", [b"not a note\n"])


def test_a_checkpoint_with_a_bad_signature_is_an_alert(
    ctx: Context, declaration: TransitDeclaration, tmp_path: Path
) -> None:
    _lodge(ctx, declaration, ["S-1"])
    note = log_service.signed_checkpoint(ctx)
    forged = note.replace(b"\n1\n", b"\n2\n", 1)
    assert check(Frozen(forged), log_service.vkey(ctx), tmp_path / "state").kind == "bad-signature"


def test_the_command_alerts_with_exit_1_when_the_log_is_unreachable(tmp_path: Path) -> None:
    import subprocess
    import sys

    corridor = str(Path(sys.executable).with_name("corridor"))
    vkey = "tripp.corridor/log+2c1fb2a4+AVUnJWXHdqd6ZSu8zaJEzr39UJeSWyCAhsbchm/vvcOY"
    done = subprocess.run(
        [corridor, "monitor", "check", "--url", "http://127.0.0.1:9", "--vkey", vkey,
         "--state", str(tmp_path / "state"), "--evidence", str(tmp_path / "alerts")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and done.stderr.startswith(
        "ALERT unavailable: the log could not be reached"
    )
