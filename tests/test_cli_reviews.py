"""`corridor screen reviews | confirm | dismiss` on SQLite: list the queue, decide a hit
(as the customs of the state of departure by default), bad input one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor_testing import EXAMPLE, CliRunner, cli_runner


@pytest.fixture
def cli(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    run = cli_runner(monkeypatch, capsys, CORRIDOR_DB=database_url)
    assert run("init").code == 0
    return run


def _lodge_hit(cli: CliRunner, tmp_path: Path, lrn: str) -> str:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8")) | {"lrn": lrn}
    data["consignments"][0]["consignee"] = {"name": "ООО Ордубад Агро", "country": "AZ"}
    path = tmp_path / f"{lrn}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("lodge", str(path))
    assert code == 0, err
    return out.split()[0]


def test_list_dismiss_and_the_hit_does_not_return(cli: CliRunner, tmp_path: Path) -> None:
    mrn = _lodge_hit(cli, tmp_path, "CLI-1")
    [item] = json.loads(cli("screen", "reviews", "--json")[1])
    assert (item["mrn"], item["state"], item["entity_id"]) == (mrn, "open", "own-2")
    assert mrn in cli("screen", "reviews")[1]
    code, out, err = cli("screen", "dismiss", str(item["id"]), "--note", "a farm cooperative")
    assert code == 0, err
    assert "dismissed by customs:cli@AZ" in out and "channel now green" in out
    _lodge_hit(cli, tmp_path, "CLI-2")
    assert json.loads(cli("screen", "reviews", "--state", "open", "--json")[1]) == []
    [done] = json.loads(cli("screen", "reviews", "--state", "dismissed", "--json")[1])
    assert done["note"] == "a farm cooperative"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("screen", "dismiss", "{id}"), "needs a note"),
        (("screen", "confirm", "{id}", "--as", "operator"), "is for customs, not operator"),
        (("screen", "confirm", "{id}", "--as", "customs@AM"), "jurisdiction"),
        (("screen", "confirm", "999"), "no screening review 999"),
    ],
)
def test_bad_decisions_get_one_line_exit_2_and_change_nothing(
    cli: CliRunner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    _lodge_hit(cli, tmp_path, "CLI-1")
    [item] = json.loads(cli("screen", "reviews", "--json")[1])
    code, _, err = cli(*(a.format(id=item["id"]) for a in args))
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert json.loads(cli("screen", "reviews", "--json")[1]) == [item]


def test_a_decided_hit_cannot_be_decided_again(cli: CliRunner, tmp_path: Path) -> None:
    _lodge_hit(cli, tmp_path, "CLI-1")
    [item] = json.loads(cli("screen", "reviews", "--json")[1])
    assert cli("screen", "confirm", str(item["id"]))[0] == 0
    code, _, err = cli("screen", "dismiss", str(item["id"]), "--note", "no")
    assert code == 2 and "already confirmed" in err


def test_release_is_refused_while_a_hit_is_open(cli: CliRunner, tmp_path: Path) -> None:
    mrn = _lodge_hit(cli, tmp_path, "CLI-1")
    assert cli("accept", mrn)[0] == 0
    before = cli("movements", "show", mrn, "--json")[1]
    code, _, err = cli("release", mrn, "--seal", "AZ-1")
    assert code == 2 and err.count("\n") == 1, err
    assert "1 screening hit is still open" in err and "confirm or dismiss it" in err
    assert cli("movements", "show", mrn, "--json")[1] == before
    [item] = json.loads(cli("screen", "reviews", "--json")[1])
    assert cli("screen", "dismiss", str(item["id"]), "--note", "a farm cooperative")[0] == 0
    code, out, err = cli("release", mrn, "--seal", "AZ-1")
    assert code == 0 and "released" in out, err


def test_an_amendment_without_the_party_withdraws_its_hit(cli: CliRunner, tmp_path: Path) -> None:
    mrn = _lodge_hit(cli, tmp_path, "CLI-1")
    clean = tmp_path / "clean.json"
    data = json.loads(EXAMPLE.read_text(encoding="utf-8")) | {"lrn": "CLI-1"}
    clean.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = cli("amend", mrn, str(clean))
    assert code == 0, err
    [item] = json.loads(cli("screen", "reviews", "--state", "withdrawn", "--json")[1])
    assert (item["mrn"], item["note"]) == (mrn, "no longer raised: the amendment removed the party")
    shown = json.loads(cli("movements", "show", mrn, "--json")[1])
    assert shown["movement"]["risk"]["channel"] == "green"  # screened again, not dropped


def test_list_and_revoke_a_dismissal_then_the_party_hits_again(
    cli: CliRunner, tmp_path: Path
) -> None:
    _lodge_hit(cli, tmp_path, "CLI-1")
    [item] = json.loads(cli("screen", "reviews", "--json")[1])
    assert cli("screen", "dismiss", str(item["id"]), "--note", "a farm cooperative")[0] == 0
    [kept] = json.loads(cli("screen", "dismissals", "--in-force", "--json")[1])
    assert (kept["review_id"], kept["state"], kept["in_force"]) == (item["id"], "AZ", True)
    code, out, err = cli("screen", "revoke", str(kept["id"]), "--note", "the registry says so")
    assert code == 0 and "revoked by customs:cli@AZ" in out, err
    [revoked] = json.loads(cli("screen", "dismissals", "--revoked", "--json")[1])
    assert (revoked["id"], revoked["revocation_note"]) == (kept["id"], "the registry says so")
    mrn = _lodge_hit(cli, tmp_path, "CLI-2")
    assert [
        i["state"] for i in json.loads(cli("screen", "reviews", "--mrn", mrn, "--json")[1])
    ] == ["open"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("screen", "revoke", "{id}"), "needs a note"),
        (("screen", "revoke", "{id}", "--note", "x", "--as", "customs@AM"), "jurisdiction"),
        (("screen", "revoke", "{id}", "--note", "x", "--as", "operator"), "not operator"),
        (("screen", "revoke", "999", "--note", "x"), "no remembered dismissal 999"),
    ],
)
def test_bad_revocations_get_one_line_exit_2_and_change_nothing(
    cli: CliRunner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    _lodge_hit(cli, tmp_path, "CLI-1")
    [item] = json.loads(cli("screen", "reviews", "--json")[1])
    assert cli("screen", "dismiss", str(item["id"]), "--note", "a farm cooperative")[0] == 0
    [kept] = json.loads(cli("screen", "dismissals", "--json")[1])
    code, _, err = cli(*(a.format(id=kept["id"]) for a in args))
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert json.loads(cli("screen", "dismissals", "--json")[1]) == [kept]


def test_revoking_twice_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    _lodge_hit(cli, tmp_path, "CLI-1")
    [item] = json.loads(cli("screen", "reviews", "--json")[1])
    assert cli("screen", "dismiss", str(item["id"]), "--note", "a farm cooperative")[0] == 0
    [kept] = json.loads(cli("screen", "dismissals", "--json")[1])
    assert cli("screen", "revoke", str(kept["id"]), "--note", "registry")[0] == 0
    code, _, err = cli("screen", "revoke", str(kept["id"]), "--note", "again")
    assert code == 2 and "already revoked" in err, err
