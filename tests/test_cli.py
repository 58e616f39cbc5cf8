"""The `corridor` command end to end on SQLite: init, lodge, actions, list, show, demo, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from corridor.cli import main
from corridor_testing import EXAMPLE, ROOT, CliRunner, cli_runner


@pytest.fixture
def cli(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    run = cli_runner(
        monkeypatch, capsys, CORRIDOR_DB=database_url, CORRIDOR_RANDOM_CONTROL_RATE="0"
    )
    assert run("init").code == 0
    return run


def test_lodge_act_list_and_show(cli: CliRunner) -> None:
    lodged = cli("lodge", str(EXAMPLE))
    assert lodged.code == 0, lodged.err
    mrn = lodged.out.split()[0]
    assert cli("accept", mrn).code == 0
    released = cli("release", mrn, "--seal", "AZ-77", "--seal", "AZ-78")
    assert "released" in released.out
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    early = cli("passage", mrn, "--office", "AZ0AGB01", "--arrived-at", future)
    assert early.code == 2 and "later than the passage" in early.err
    assert len(early.err.splitlines()) == 1
    garbled = cli("passage", mrn, "--office", "AZ0AGB01", "--arrived-at", "half past ten")
    assert garbled.code == 2 and "is not a date and time" in garbled.err
    arrived = (datetime.now(UTC) - timedelta(minutes=40)).replace(microsecond=0, tzinfo=None)
    passed = cli("passage", mrn, "--office", "AZ0AGB01", "--arrived-at", arrived.isoformat())
    assert passed.code == 0, passed.err
    gate = cli("passage", mrn, "--office", "AM0NRN01", "--as", "front_office:gate-3@AM0NRN01")
    assert gate.code == 0 and "front_office:gate-3@AM0NRN01" in gate.out
    listed = json.loads(cli("movements", "list", "--json").out)
    assert [(m["mrn"], m["state"]) for m in listed] == [(mrn, "in_transit")]
    shown = json.loads(cli("movements", "show", mrn, "--json").out)
    assert [e["action"] for e in shown["events"]] == [
        "lodge",
        "accept",
        "release",
        "record_passage",
        "record_passage",
    ]
    assert shown["movement"]["seals"] == ["AZ-77", "AZ-78"]
    first, second = shown["movement"]["passages"]
    assert datetime.fromisoformat(first["arrived_at"]) == arrived.replace(tzinfo=UTC)  # UTC
    assert second["arrived_at"] is None
    table = cli("movements", "show", mrn)
    assert "AZ0HRD01 → AZ0AGB01 → AM0NRN01" in table.out


def test_lodging_twice_is_reported_not_duplicated(cli: CliRunner) -> None:
    first = cli("lodge", str(EXAMPLE)).out.split()[0]
    again = cli("lodge", str(EXAMPLE))
    assert again.code == 0 and again.out.startswith(first) and "nothing new" in again.out
    assert len(json.loads(cli("movements", "list", "--json").out)) == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{broken", "(document): invalid json"),
        ('{"lrn": "A1"}', "declaration_type: is required"),
        (None, "hs_code: 999990 is not an HS 2022 subheading"),
    ],
)
def test_a_bad_declaration_file_gets_one_line_exit_2_and_nothing_stored(
    cli: CliRunner, tmp_path: Path, content: str | None, words: str
) -> None:
    path = tmp_path / "bad.json"
    if content is None:
        data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        data["consignments"][0]["items"][0]["hs_code"] = "999990"
        content = json.dumps(data)
    path.write_text(content, encoding="utf-8")
    result = cli("lodge", str(path))
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("error: ") and words in result.err
    assert json.loads(cli("movements", "list", "--json").out) == []


def test_missing_file_and_bad_actions_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    missing = cli("lodge", str(tmp_path / "none.json"))
    assert missing.code == 2 and "No such file" in missing.err
    mrn = cli("lodge", str(EXAMPLE)).out.split()[0]
    illegal = cli("discharge", mrn)
    assert (
        illegal.code == 2 and illegal.err == "error: cannot discharge a movement that is lodged\n"
    )
    forbidden = cli("accept", mrn, "--as", "customs:x@AM")
    assert forbidden.code == 2 and "no jurisdiction" in forbidden.err
    bad_role = cli("accept", mrn, "--as", "king:x")
    assert bad_role.code == 2 and "role must be one of" in bad_role.err
    unknown = cli("accept", "26AZ0HRD01999999J0")
    assert unknown.code == 2 and "no movement" in unknown.err


def test_an_uninitialised_database_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys, "argv", ["corridor", "--db", f"sqlite:///{tmp_path}/x.sqlite", "movements", "list"]
    )
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2 and "corridor init" in capsys.readouterr().err


def test_demo_drives_movements_and_summarises_by_state(cli: CliRunner) -> None:
    result = cli("demo", "--movements", "40", "--seed", "3")
    assert result.code == 0, result.err
    assert "40 movements" in result.out and "total" in result.out
    listed = json.loads(cli("movements", "list", "--json", "--limit", "1000").out)
    assert len(listed) == 40
    states = {m["state"] for m in listed}
    assert "discharged" in states and len(states) >= 3
    shown = [json.loads(cli("movements", "show", m["mrn"], "--json").out) for m in listed[:8]]
    passages = [p for s in shown for p in s["movement"]["passages"]]
    moments = [(datetime.fromisoformat(p["arrived_at"]), datetime.fromisoformat(p["at"]))
               for p in passages]  # fmt: skip
    assert moments and all(arrived < passed for arrived, passed in moments)  # gate-in known
    verified = cli("log", "verify")
    assert verified.code == 0 and "verified" in verified.out and "0 pending" in verified.out


def test_receipts_round_trip_and_forgeries_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    mrn = cli("lodge", str(EXAMPLE)).out.split()[0]
    cli("accept", mrn)
    assert cli("log", "integrate").code == 0
    assert cli("log", "receipt", mrn, "--out", str(tmp_path)).code == 0
    files = sorted(tmp_path.glob("*.tlog-proof"))
    assert len(files) == 2
    vkey = cli("log", "key").out.strip()
    checked = cli("log", "check-receipt", str(files[1]), "--vkey", vkey)
    assert checked.code == 0 and f"movement.accept of {mrn} is entry 1" in checked.out
    forged = tmp_path / "forged.tlog-proof"
    forged.write_bytes(files[1].read_bytes().replace(b"index 1", b"index 0"))
    rejected = cli("log", "check-receipt", str(forged))
    assert rejected.code == 2 and "REJECTED" in rejected.err
    garbage = tmp_path / "garbage.tlog-proof"
    garbage.write_text("hello\n", encoding="utf-8")
    assert cli("log", "check-receipt", str(garbage)).code == 2


def test_the_installed_command_runs() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("corridor")), "offices"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert done.returncode == 0 and "Nrnadzor / Նռնաձոր" in done.stdout


def test_usage_errors_exit_2_without_a_traceback(cli: CliRunner) -> None:
    result = cli("release", "26AZ0HRD01000001J4")
    assert result.code == 2 and "Missing option '--seal'" in result.err
    assert "Traceback" not in result.err


def test_the_cli_reference_is_current() -> None:
    from corridor.cli.reference import reference

    documented = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert documented == reference(), "run: python -m corridor.cli.reference > docs/cli.md"


def test_several_files_are_lodged_together_and_logged(cli: CliRunner, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    paths = []
    for n in range(3):
        path = tmp_path / f"wagon-{n}.json"
        path.write_text(json.dumps({**data, "lrn": f"WAGON-{n}"}), encoding="utf-8")
        paths.append(str(path))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "lrn": "WAGON-9", "declaration_type": "X"}), "utf-8")
    refused = cli("lodge", *paths, str(bad))
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert json.loads(cli("movements", "list", "--json").out) == []
    lodged = cli("lodge", *paths, str(EXAMPLE))
    assert lodged.code == 0, lodged.err
    lines = lodged.out.splitlines()
    assert len(lines) == 5 and lines[-1].endswith("tree size 4")
    assert len(json.loads(cli("movements", "list", "--json").out)) == 4
    verified = cli("log", "verify")
    assert verified.code == 0, verified.err
