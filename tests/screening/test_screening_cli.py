from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corridor.screening.cli import screen_app

DATA = Path(__file__).parent / "data"
LISTS = [arg for name in ("sanctions.ftm.jsonl", "targets.simple.csv", "own-list.csv")
         for arg in ("--list", str(DATA / name))]  # fmt: skip
runner = CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_names_writes_one_line_per_query_best_first(tmp_path: Path) -> None:
    queries = [
        {"id": 1, "name": "Оганесян Армен", "birth_date": "1971-04-12", "country": "AM"},
        {"id": "q2", "name": "Araz Logistik", "identifiers": ["1409999999"], "schema": "Company"},
        {"id": 3, "name": "Jean Dubois"},
    ]
    path = _write(tmp_path, "q.jsonl", "\n".join(json.dumps(q) for q in queries) + "\n")
    result = runner.invoke(screen_app, ["names", *LISTS, "--input", str(path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [1, "q2", 3]
    first = lines[0]["matches"][0]
    assert first["entity_id"] == "fict-p-hovhannisyan" and first["score"] >= 0.9
    assert [r["code"] for r in first["reasons"]] == ["name", "birth_date", "country"]
    conflict = lines[1]["matches"][0]
    assert any(r["code"] == "identifier" and r["effect"] < 0 for r in conflict["reasons"])
    assert lines[2]["matches"] == []
    for line in lines:
        scores = [m["score"] for m in line["matches"]]
        assert scores == sorted(scores, reverse=True) and all(s >= 0.5 for s in scores)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1}\n', "q.jsonl:1: name must be a non-empty string"),
        ('{"name": "x"}\n', "q.jsonl:1: id must be a string or an integer"),
        ("not json\n", "q.jsonl:1: not JSON"),
        ('{"id": 1, "name": "x", "schema": "Ship"}\n', "schema must be one of"),
    ],
)
def test_names_bad_input_is_one_line_and_status_2(
    tmp_path: Path, content: str, message: str
) -> None:
    path = _write(tmp_path, "q.jsonl", content)
    result = runner.invoke(screen_app, ["names", *LISTS, "--input", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_names_with_a_missing_list_fails_cleanly(tmp_path: Path) -> None:
    path = _write(tmp_path, "q.jsonl", '{"id": 1, "name": "x"}\n')
    result = runner.invoke(screen_app, ["names", "--list", "nope.csv", "--input", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: nope.csv: cannot read")


MOVEMENT = {
    "movement_ref": "26AM00000001",
    "parties": [
        {"role": "holder", "name": "Syunik Freight LLC", "country": "AM"},
        {"role": "consignee", "name": "ОАО Минская Оптоэлектроника", "country": "BY"},
    ],
    "goods": [{"item_no": 1, "hs6": "854231", "description": "microcontrollers"}],
    "route_countries": ["AZ", "AM"],
    "final_destination_countries": ["AZ"],
}
CORRIDOR_TOML = """
[screening]
random_control_rate = 0.0

[[screening.route_rules]]
name = "chp-to-russia-belarus"
channel = "red"
text = "CHP goods with final destination or consignee in Russia or Belarus"
when.goods = "chp"
when.countries = ["RU", "BY"]
when.country_of = ["final_destination", "consignee"]
"""


def test_movement_prints_channel_reasons_and_lists(tmp_path: Path) -> None:
    subject = _write(tmp_path, "m.json", json.dumps(MOVEMENT))
    config = _write(tmp_path, "tripp.toml", CORRIDOR_TOML)
    result = runner.invoke(screen_app, ["movement", str(subject), *LISTS, "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "movement 26AM00000001: RED"
    assert any("Common High Priority list, tier 1" in line for line in lines)
    assert any("chp-to-russia-belarus" in line for line in lines)
    assert any("resembles Company 'Minsk Optoelectronics OJSC'" in line for line in lines)
    assert sum(line.startswith("  list ") for line in lines) == 3


def test_movement_json(tmp_path: Path) -> None:
    subject = _write(tmp_path, "m.json", json.dumps(MOVEMENT))
    result = runner.invoke(screen_app, ["movement", str(subject), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["channel"] == "yellow"
    assert data["list_versions"] == []


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        ({"parties": []}, "subject.movement_ref must be a non-empty string"),
        ({"movement_ref": "x", "goods": [{"hs6": True}]}, "goods[0].hs6"),
        ({"movement_ref": "x", "final_destination_countries": ["Russia"]}, "alpha-2"),
        ({"movement_ref": "x", "parties": [{"role": "holder"}]}, "parties[0].name"),
    ],
)
def test_movement_bad_subject_is_status_2(
    tmp_path: Path, subject: dict[str, object], message: str
) -> None:
    path = _write(tmp_path, "m.json", json.dumps(subject))
    result = runner.invoke(screen_app, ["movement", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_movement_bad_config_is_status_2(tmp_path: Path) -> None:
    subject = _write(tmp_path, "m.json", json.dumps(MOVEMENT))
    config = _write(tmp_path, "c.toml", "[screening]\nrandom_control_rate = 2\n")
    result = runner.invoke(screen_app, ["movement", str(subject), "--config", str(config)])
    assert result.exit_code == 2
    assert "random_control_rate" in result.stderr
