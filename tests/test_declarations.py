"""Declarations: the JSON schema, the rules that need the corridor and HS 2022, clear errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import InvalidDeclaration
from corridor.domain.network import Corridor
from corridor.domain.validation import Nomenclature, declaration_problems, validate_declaration
from corridor.store.codec import declaration_from_json, declaration_from_text, declaration_schema
from corridor_testing import ROOT


def _validate(
    data: dict[str, Any], corridor: Corridor, nomenclature: Nomenclature
) -> TransitDeclaration:
    return validate_declaration(declaration_from_json(data), corridor, nomenclature)


def test_the_example_is_valid_and_gets_its_checkpoints(
    declaration_data: dict[str, Any], tripp: Corridor, nomenclature: Nomenclature
) -> None:
    declaration = _validate(declaration_data, tripp, nomenclature)
    assert declaration.itinerary.en_route == ("AZ0AGB01", "AM0NRN01", "AM0AGR01", "AZ0ORD01")
    assert declaration_problems(declaration, tripp, nomenclature) == []
    assert str(declaration.total_gross_mass_kg) == "16850.0"


def test_checkpoints_given_as_they_are_make_the_same_declaration(
    declaration_data: dict[str, Any], tripp: Corridor, nomenclature: Nomenclature
) -> None:
    completed = _validate(declaration_data, tripp, nomenclature)
    declaration_data["itinerary"]["en_route"] = list(completed.itinerary.en_route or ())
    given = declaration_from_json(declaration_data)
    assert validate_declaration(given, tripp, nomenclature) == completed
    assert validate_declaration(completed, tripp, nomenclature) == completed


def test_hs_codes_are_checked_against_hs_2022(nomenclature: Nomenclature) -> None:
    assert nomenclature.describe("070200") == "Vegetables; tomatoes, fresh or chilled"
    assert nomenclature.describe("851712") is None  # an HS 2017 subheading split in 2022
    assert nomenclature.describe("8517") is None  # a heading, not a subheading
    assert nomenclature.describe("999999") is None  # Comtrade's "not specified", not HS
    assert len(nomenclature.subheadings) == 5612


def _edit(path: str, value: Any) -> Any:
    def apply(data: dict[str, Any]) -> None:
        node: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if value is KeyError:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


RULES = [
    (
        "hs-unknown",
        "consignments.0.items.1.hs_code",
        "851712",
        "consignments[0].items[1].hs_code",
        "not an HS 2022",
    ),
    (
        "hs-shape",
        "consignments.0.items.0.hs_code",
        "5208.12",
        "consignments[0].items[0].hs_code",
        "6 digits",
    ),
    (
        "net-over-gross",
        "consignments.0.items.0.net_mass_kg",
        "99999",
        "consignments[0].items[0].net_mass_kg",
        "gross",
    ),
    (
        "gross-zero",
        "consignments.0.items.0.gross_mass_kg",
        "0",
        "consignments[0].items[0].gross_mass_kg",
        "positive",
    ),
    ("no-items", "consignments.0.items", [], "consignments[0].items", "1 to 999"),
    (
        "country",
        "consignments.0.consignee.country",
        "Azerbaijan",
        "consignments[0].consignee.country",
        "ISO 3166",
    ),
    ("currency", "guarantee.amount.currency", "euro", "guarantee.amount.currency", "ISO 4217"),
    (
        "guarantee-zero",
        "guarantee.amount.amount_minor",
        0,
        "guarantee.amount.amount_minor",
        "positive",
    ),
    ("lrn", "lrn", "-bad lrn-", "lrn", "22 letters"),
    ("container", "transport.containers", ["CSQU3054384"], "transport.containers[0]", "ISO 6346"),
    ("no-vehicle", "transport.vehicle", KeyError, "transport.vehicle", "required for road"),
    (
        "unknown-office",
        "itinerary.destination",
        "AZ0XXX01",
        "itinerary.destination",
        "unknown office",
    ),
    (
        "not-a-departure",
        "itinerary.departure",
        "AM0NRN01",
        "itinerary.departure",
        "not an office of departure",
    ),
    ("same-ends", "itinerary.destination", "AZ0HRD01", "itinerary.destination", "must differ"),
    ("wrong-route", "itinerary.en_route", ["AM0NRN01"], "itinerary.en_route", "passes AZ0AGB01"),
    ("seals-twice", "seals", ["A1", "A1"], "seals", "distinct"),
    ("seal-too-long", "seals", ["A1", "x" * 80], "seals[1]", "1 to 20 letters"),
    ("seal-with-space", "seals", ["AZ 0001"], "seals[0]", "1 to 20 letters"),
]


@pytest.mark.parametrize(
    ("case", "path", "value", "field", "words"), RULES, ids=[r[0] for r in RULES]
)
def test_each_rule_names_its_field(
    case: str, path: str, value: Any, field: str, words: str,
    declaration_data: dict[str, Any], tripp: Corridor, nomenclature: Nomenclature,
) -> None:  # fmt: skip
    data = copy.deepcopy(declaration_data)
    _edit(path, value)(data)
    with pytest.raises(InvalidDeclaration) as error:
        _validate(data, tripp, nomenclature)
    assert error.value.field == field
    assert words in error.value.message


def test_rail_needs_valid_wagons(
    declaration_data: dict[str, Any], tripp: Corridor, nomenclature: Nomenclature
) -> None:
    data = copy.deepcopy(declaration_data)
    data["transport"] = {
        "mode": "rail",
        "train": {"number": "2417", "wagons": [{"number": "218124712174"}]},
    }
    with pytest.raises(InvalidDeclaration) as error:
        _validate(data, tripp, nomenclature)
    assert error.value.field == "transport.train.wagons[0].number"
    data["transport"]["train"]["wagons"][0]["number"] = "218124712173"
    assert _validate(data, tripp, nomenclature).transport.train is not None


def test_all_problems_are_listed(
    declaration_data: dict[str, Any], tripp: Corridor, nomenclature: Nomenclature
) -> None:
    data = copy.deepcopy(declaration_data)
    data["consignments"][0]["items"][0]["hs_code"] = "999999"
    data["guarantee"]["amount"]["currency"] = "xx"
    problems = declaration_problems(declaration_from_json(data), tripp, nomenclature)
    assert [field for field, _ in problems] == [
        "guarantee.amount.currency",
        "consignments[0].items[0].hs_code",
    ]
    with pytest.raises(InvalidDeclaration, match=r"\(and 1 more\)"):
        _validate(data, tripp, nomenclature)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (b"{not json", "(document)"),
        (b"[]", "(document)"),
        (b'{"lrn": "x"}', "declaration_type"),
    ],
)
def test_malformed_documents_name_the_field(text: bytes, field: str) -> None:
    with pytest.raises(InvalidDeclaration) as error:
        declaration_from_text(text)
    assert error.value.field == field


def test_unknown_and_mistyped_fields_are_named(declaration_data: dict[str, Any]) -> None:
    data = copy.deepcopy(declaration_data)
    data["holder"]["nickname"] = "Khazar"
    with pytest.raises(InvalidDeclaration) as error:
        declaration_from_json(data)
    assert error.value.field == "holder.nickname" and "not a field" in error.value.message
    data = copy.deepcopy(declaration_data)
    data["consignments"][0]["items"][0]["packages"]["count"] = "many"
    with pytest.raises(InvalidDeclaration) as error:
        declaration_from_json(data)
    assert error.value.field == "consignments[0].items[0].packages.count"


def test_the_published_schema_is_up_to_date() -> None:
    published = json.loads(
        (ROOT / "schemas" / "declaration.schema.json").read_text(encoding="utf-8")
    )
    assert published == declaration_schema(), (
        "run: corridor schema -o schemas/declaration.schema.json"
    )


def test_the_schema_documents_every_field() -> None:
    schema = declaration_schema()
    for name, definition in schema["$defs"].items():
        for field, spec in definition.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
