"""The corridor definition loader: TRIPP and a second corridor load; every error names its key."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corridor.corridors import corridor_from_dict, default_corridor_path, load_corridor
from corridor.domain.errors import InvalidCorridor, InvalidDeclaration
from corridor.domain.network import Corridor, Mode, OfficeFunction, Role
from corridor_testing import mutation


def test_tripp_describes_the_route(tripp: Corridor) -> None:
    assert tripp.code == "TRIPP"
    assert set(tripp.states) == {"AM", "AZ"}
    assert set(tripp.languages) >= {"en", "hy", "az", "ru"}
    assert tripp.en_route_checkpoints("AZ0HRD01", "AZ0NAX01", Mode.ROAD) == (
        "AZ0AGB01", "AM0NRN01", "AM0AGR01", "AZ0ORD01",
    )  # fmt: skip
    armenian_section = sum(
        s.length_km for s in tripp.segments
        if s.mode is Mode.ROAD and set(s.ends) <= {"AM0NRN01", "AM0MGR01", "AM0AGR01"}
    )  # fmt: skip
    assert armenian_section == pytest.approx(42)
    for office in tripp.offices.values():
        assert office.names["hy"] and office.names["az"] and office.names["ru"]
        if office.state == "AM":
            assert office.decide == {Role.CUSTOMS} and Role.FRONT_OFFICE in office.record


def test_reciprocal_armenian_traffic_crosses_nakhchivan(tripp: Corridor) -> None:
    route = tripp.en_route_checkpoints("AM0YRS01", "AM0MGR01", Mode.RAIL)
    assert route == ("AZ0SDR01", "AZ0ORD01", "AM0AGR01")


def test_checkpoints_once_found_are_those_found_afresh() -> None:
    """A corridor remembers each route's checkpoints: asked in one order and again, they
    are what a corridor loaded afresh finds asked in the opposite order."""
    offices = sorted(load_corridor(default_corridor_path()).offices)
    asked = [(a, b, mode) for a in offices for b in offices for mode in Mode if a != b]

    def answers(corridor: Corridor, order: list[tuple[str, str, Mode]]) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
        for key in order:
            try:
                found[key] = corridor.en_route_checkpoints(*key)
            except InvalidDeclaration as error:
                found[key] = error.message
        return found

    remembering = load_corridor(default_corridor_path())
    first = answers(remembering, asked)
    assert answers(remembering, asked) == first
    assert answers(load_corridor(default_corridor_path()), asked[::-1]) == first
    assert len(set(map(str, first.values()))) > 10  # routes that differ


def test_a_second_corridor_loads_with_nothing_tripp_specific(sarp: Corridor) -> None:
    assert sarp.code == "SARP" and set(sarp.states) == {"GE", "TR"}
    assert sarp.time_limit_hours == {Mode.ROAD: 6}
    assert sarp.office("GE0SRP01").decide == {Role.OPERATOR}
    assert OfficeFunction.TRANSIT in sarp.office("TR0SRP01").functions


def _tripp_data() -> dict[str, Any]:
    return tomllib.loads(default_corridor_path().read_text(encoding="utf-8"))


BROKEN = [
    ("code", mutation("code", KeyError), "code"),
    ("languages-no-en", mutation("languages", ["hy", "az"]), "languages"),
    ("unknown-top", mutation("colour", "blue"), "colour"),
    ("state-code", mutation("states.ARM", {"names": {}}), "states.ARM"),
    ("state-name-missing", mutation("states.AM.names", {"en": "Armenia"}), "states.AM.names.hy"),
    ("office-unknown-state", mutation("offices.AM0NRN01.state", "IR"), "offices.AM0NRN01.state"),
    ("office-code-prefix", mutation("offices.AM0NRN01.state", "AZ"), "offices.AM0NRN01"),
    (
        "office-coordinates",
        mutation("offices.AM0NRN01.coordinates", [95.0, 46.0]),
        "offices.AM0NRN01.coordinates",
    ),
    (
        "office-function",
        mutation("offices.AM0NRN01.functions", ["transit", "duty-free"]),
        "offices.AM0NRN01.functions[1]",
    ),
    ("office-role", mutation("offices.AM0NRN01.decide", ["monitor"]), "offices.AM0NRN01.decide"),
    ("office-unknown-key", mutation("offices.AM0NRN01.colour", "red"), "offices.AM0NRN01.colour"),
    ("segment-end", mutation("segments.0.ends", ["AZ0HRD01", "XX0000001"]), "segments[0].ends"),
    ("segment-length", mutation("segments.1.length_km", -3), "segments[1].length_km"),
    ("segment-mode", mutation("segments.1.mode", "air"), "segments[1].mode"),
    ("time-limit", mutation("time_limit_hours.road", 0), "time_limit_hours.road"),
    ("fees-currency", mutation("fees.currency", "dollars"), "fees.currency"),
    ("fees-negative", mutation("fees.per_rail_wagon", -1), "fees.per_rail_wagon"),
]


@pytest.mark.parametrize(("case", "mutate", "key"), BROKEN, ids=[b[0] for b in BROKEN])
def test_every_error_names_the_exact_key(
    case: str, mutate: Callable[[dict[str, Any]], None], key: str
) -> None:
    data = copy.deepcopy(_tripp_data())
    mutate(data)
    with pytest.raises(InvalidCorridor) as error:
        corridor_from_dict(data)
    assert error.value.key == key, error.value


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidCorridor, match="no such corridor file"):
        load_corridor(tmp_path / "nowhere.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("code = \n", encoding="utf-8")
    with pytest.raises(InvalidCorridor, match="not valid TOML"):
        load_corridor(broken)
