"""`corridor users`, `corridor lodge FILE.xml` and `corridor serve`'s refusal to start on
an uninitialised database."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from corridor.api.app import create_app
from corridor.bootstrap import Settings, bootstrap
from corridor.paths import project_root
from corridor_testing import CliRunner, cli_runner


@pytest.fixture
def run(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    return cli_runner(monkeypatch, capsys, CORRIDOR_DB=database_url)


def test_users_add_list_and_revoke(run: CliRunner, database_url: str) -> None:
    assert run("init")[0] == 0
    code, token, _ = run("users", "add", "am-7", "--role", "customs", "--state", "AM")
    assert code == 0 and token.startswith("cor_")
    ctx = bootstrap(Settings(database_url=database_url))
    client = TestClient(create_app(ctx))
    me = client.get("/me", headers={"Authorization": f"Bearer {token.strip()}"})
    assert me.json() == {"id": "am-7", "role": "customs", "state": "AM", "office": None,
                         "holder": None}  # fmt: skip
    code, out, _ = run("users", "list", "--json")
    (listed,) = json.loads(out)
    assert listed["id"] == "am-7" and listed["revoked_at"] is None and token not in out
    assert run("users", "revoke", "am-7")[0] == 0
    assert (
        client.get("/me", headers={"Authorization": f"Bearer {token.strip()}"}).status_code == 401
    )
    assert json.loads(run("users", "list", "--json")[1])[0]["revoked_at"]
    ctx.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("users", "add", "x", "--role", "customs"), "a customs principal takes exactly a state"),
        (("users", "add", "x", "--role", "customs", "--state", "FR"), "unknown state FR"),
        (("users", "add", "x", "--role", "monitor", "--office", "AM0NRN01"), "takes no state"),
        (("users", "add", "x", "--role", "system"), "is not a principal that gets a token"),
        (("users", "revoke", "nobody"), "no principal nobody"),
    ],
)
def test_users_refuse_a_principal_without_its_scope(
    run: CliRunner, args: tuple[str, ...], message: str
) -> None:
    assert run("init")[0] == 0
    code, _, err = run(*args)
    assert code == 2 and message in err


def test_a_principal_id_is_registered_once(run: CliRunner) -> None:
    assert run("init")[0] == 0
    assert run("users", "add", "ops", "--role", "operator")[0] == 0
    code, _, err = run("users", "add", "ops", "--role", "operator")
    assert code == 2 and "exists already" in err


def test_lodge_reads_the_xml_message(run: CliRunner) -> None:
    assert run("init")[0] == 0
    code, out, err = run("lodge", str(project_root() / "examples" / "road-horadiz-nakhchivan.xml"))
    assert code == 0, err
    assert out.split()[1] == "lodged"


def test_serve_refuses_an_uninitialised_database(run: CliRunner) -> None:
    code, _, err = run("serve", "--port", "0")
    assert code == 2 and "corridor init" in err
