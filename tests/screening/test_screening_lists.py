from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from corridor.screening.errors import WatchListError
from corridor.screening.lists import ListSnapshot, ListSource, WatchListSet, load_list

DATA = Path(__file__).parent / "data"


def test_ftm_reader_keeps_party_schemas_and_attaches_sanctions() -> None:
    watch_list = load_list(ListSource(DATA / "sanctions.ftm.jsonl"))
    by_id = {e.entity_id: e for e in watch_list.entities}
    assert "fict-address-1" not in by_id and "fict-s-1" not in by_id
    assert {e.schema for e in by_id.values()} == {
        "Person", "Company", "Organization", "LegalEntity", "Vehicle"
    }  # fmt: skip
    armen = by_id["fict-p-hovhannisyan"]
    assert armen.names[0] == "Հովհաննիսյան Արմեն Սամվելի"
    assert "Оганесян Армен Самвелович" in armen.names
    assert armen.birth_dates == ("1971-04-12",)
    assert armen.countries == ("AM",)
    assert [(i.scheme, i.value) for i in armen.identifiers] == [("passport", "AK0412771")]
    assert armen.sanctions == ("Fictional Sanctions Office; FSO-RUS-2024",)


def test_ftm_vehicle_plate_in_cyrillic_compares_as_latin() -> None:
    watch_list = load_list(ListSource(DATA / "sanctions.ftm.jsonl"))
    truck = next(e for e in watch_list.entities if e.schema == "Vehicle")
    assert truck.identifiers[0].value == "O777OO77"


def test_targets_simple_splits_multiple_values() -> None:
    watch_list = load_list(ListSource(DATA / "targets.simple.csv"))
    assert watch_list.version.format == "targets"
    kuznetsova = next(e for e in watch_list.entities if e.entity_id == "fict-t-kuznetsova")
    assert kuznetsova.birth_dates == ("1975", "1976")
    assert kuznetsova.countries == ("RU", "BY")
    assert kuznetsova.sanctions == ("Fictional Export Board - EB-2025",)


def test_own_csv_reads_schemes_and_reasons() -> None:
    watch_list = load_list(ListSource(DATA / "own-list.csv"))
    assert watch_list.version.format == "own"
    ruben = watch_list.entities[0]
    assert ruben.identifiers[0].scheme == "passport"
    assert ruben.sanctions[0].startswith("Seal tampering")


def test_versions_carry_name_date_and_digest(snapshot: ListSnapshot) -> None:
    versions = {v.name: v for v in snapshot.versions}
    assert versions["sanctions"].date == "2026-10-01"
    assert versions["targets"].date == "2026-10-03"
    assert versions["own-list"].date == "2026-09-20"
    assert all(len(v.sha256) == 64 for v in versions.values())
    assert versions["sanctions"].entities == 9


def test_explicit_name_format_and_date_win() -> None:
    source = ListSource.parse("national:own=" + str(DATA / "own-list.csv"))
    watch_list = load_list(ListSource(source.path, source.name, source.format, "2026-11-01"))
    assert (watch_list.version.name, watch_list.version.date) == ("national", "2026-11-01")
    assert all(e.list_name == "national" for e in watch_list.entities)


def test_reload_picks_up_a_changed_file_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    shutil.copy(DATA / "own-list.csv", path)
    lists = WatchListSet([ListSource(path)])
    before = lists.current
    assert lists.reload() is False
    with path.open("a", encoding="utf-8") as handle:
        handle.write("own-4,Person,Karen Babayan,Бабаян Карен,,am,,New entry,2026-11-02\n")
    assert lists.reload() is True
    assert lists.current is not before
    assert lists.current.versions[0].date == "2026-11-02"
    assert lists.current.versions[0].entities == before.versions[0].entities + 1


def test_reload_sees_a_same_size_change_to_a_file_long_unchanged(tmp_path: Path) -> None:
    # A settled file is not read again while its status holds; a change gives a new one.
    path = tmp_path / "own.csv"
    shutil.copy(DATA / "own-list.csv", path)
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    lists = WatchListSet([ListSource(path)])
    assert lists.reload() is False and lists.reload() is False
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Ruben Sahakyan", "Ruben Sahakyen"), encoding="utf-8")
    assert path.stat().st_size == len(text.encode())
    assert lists.reload() is True
    assert "Ruben Sahakyen" in [e.caption for e in lists.current.index.entities]
    assert lists.reload() is False


def test_reload_with_a_broken_file_keeps_the_old_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    shutil.copy(DATA / "sanctions.ftm.jsonl", path)
    lists = WatchListSet([ListSource(path)])
    before = lists.current
    path.write_text('{"id": "x", "schema": "Person"\n', encoding="utf-8")
    with pytest.raises(WatchListError, match=r"list.jsonl:1: not JSON"):
        lists.reload()
    assert lists.current is before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.csv", "id,name\n,Nobody\n", r"bad.csv:2: id or name empty"),
        ("bad.csv", "name,aliases\nX,Y\n", r"missing columns id"),
        ("bad.jsonl", '["not", "an", "object"]\n', r"bad.jsonl:1: not a JSON object"),
        ("bad.jsonl", '{"schema": "Person", "properties": {}}\n', r"entity without id"),
    ],
)
def test_malformed_lists_are_rejected_with_file_and_line(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WatchListError, match=message):
        load_list(ListSource(path))


def test_two_lists_with_one_name_are_refused() -> None:
    from corridor.screening.lists import build_snapshot

    with pytest.raises(WatchListError, match="share a name"):
        build_snapshot([ListSource(DATA / "own-list.csv"), ListSource(DATA / "own-list.csv")])


def test_a_party_screened_before_a_list_change_is_screened_again_after_it(
    tmp_path: Path,
) -> None:
    # Parties' matches are remembered per index (parties.screen_party): a reloaded list
    # is a new index, so a party seen before gets the new list's answer, not the old.
    from corridor.screening.matcher import screen
    from corridor.screening.parties import party_query, screen_party
    from corridor.screening.rules import ScreeningConfig
    from corridor.screening.subject import ScreenedParty

    path = tmp_path / "own.csv"
    shutil.copy(DATA / "own-list.csv", path)
    lists = WatchListSet([ListSource(path)])
    config = ScreeningConfig.from_dict({})
    party = ScreenedParty("consignee", "Karen Babayan", country="AM")
    assert screen_party(party, lists.current.index, config) == ([], [])
    assert screen_party(party, lists.current.index, config) == ([], [])  # remembered
    with path.open("a", encoding="utf-8") as handle:
        handle.write("own-4,Person,Karen Babayan,Бабаян Карен,,am,,New entry,2026-11-02\n")
    assert lists.reload() is True
    active, _ = screen_party(party, lists.current.index, config)
    assert [hit.match.entity.entity_id for hit in active] == ["own-4"]
    # What is remembered is what screening finds afresh.
    again, _ = screen_party(party, lists.current.index, config)
    fresh = screen(lists.current.index, party_query(party), config.party_review_score)
    assert [hit.match for hit in again] == fresh
