"""What screening looks at: a movement reduced to parties, goods and countries.

The screening package does not import the domain. The services layer maps a transit
declaration into a `ScreeningSubject`; the CLI reads one from JSON (`from_json`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corridor.screening.errors import SubjectError

PARTY_SCHEMAS = ("Person", "Company", "Organization", "LegalEntity", "Vehicle")


@dataclass(frozen=True)
class ScreenedParty:
    """One party of a movement, as screening sees it.

    `role` says where the party sits on the declaration (holder, consignor, consignee,
    carrier, driver, vehicle, ...). `identifiers` are registration, tax, passport or
    plate numbers, optionally prefixed with their scheme ("inn:7701234567").
    """

    role: str
    name: str
    country: str | None = None
    identifiers: tuple[str, ...] = ()
    birth_date: str | None = None
    schema: str | None = None


@dataclass(frozen=True)
class ScreenedGoods:
    """One goods item: its number on the declaration, HS-6 code and description."""

    item_no: int
    hs6: str
    description: str = ""


@dataclass(frozen=True)
class ScreeningSubject:
    """A movement reduced to what the checks read. Countries are ISO 3166 alpha-2."""

    movement_ref: str
    parties: tuple[ScreenedParty, ...] = ()
    goods: tuple[ScreenedGoods, ...] = ()
    route_countries: tuple[str, ...] = ()
    final_destination_countries: tuple[str, ...] = ()
    origin_countries: tuple[str, ...] = ()
    attributes: Mapping[str, str] = field(default_factory=dict)

    def parties_in_role(self, role: str) -> tuple[ScreenedParty, ...]:
        return tuple(p for p in self.parties if p.role == role)


def subject_from_dict(data: Mapping[str, Any]) -> ScreeningSubject:
    """Build a subject from parsed JSON; raise `SubjectError` naming the bad field."""
    ref = _text(data, "movement_ref")
    parties = tuple(_party(p, i) for i, p in enumerate(_list(data, "parties")))
    goods = tuple(_goods(g, i) for i, g in enumerate(_list(data, "goods")))
    return ScreeningSubject(
        movement_ref=ref,
        parties=parties,
        goods=goods,
        route_countries=_countries(data, "route_countries"),
        final_destination_countries=_countries(data, "final_destination_countries"),
        origin_countries=_countries(data, "origin_countries"),
        attributes={str(k): str(v) for k, v in dict(data.get("attributes") or {}).items()},
    )


def _party(raw: Any, index: int) -> ScreenedParty:
    where = f"parties[{index}]"
    if not isinstance(raw, Mapping):
        raise SubjectError(f"{where} must be an object")
    schema = raw.get("schema")
    if schema is not None and schema not in PARTY_SCHEMAS:
        raise SubjectError(f"{where}.schema must be one of {', '.join(PARTY_SCHEMAS)}")
    return ScreenedParty(
        role=_text(raw, "role", where),
        name=_text(raw, "name", where),
        country=_optional_text(raw, "country", where),
        identifiers=tuple(str(x) for x in _list(raw, "identifiers", where)),
        birth_date=_optional_text(raw, "birth_date", where),
        schema=schema,
    )


def _goods(raw: Any, index: int) -> ScreenedGoods:
    where = f"goods[{index}]"
    if not isinstance(raw, Mapping):
        raise SubjectError(f"{where} must be an object")
    item_no = raw.get("item_no", index + 1)
    if not isinstance(item_no, int) or isinstance(item_no, bool):
        raise SubjectError(f"{where}.item_no must be an integer")
    hs6 = raw.get("hs6")
    if not isinstance(hs6, str | int) or isinstance(hs6, bool):
        raise SubjectError(f"{where}.hs6 must be a string of digits")
    description = _optional_text(raw, "description", where) or ""
    return ScreenedGoods(item_no=item_no, hs6=str(hs6), description=description)


def _text(raw: Mapping[str, Any], key: str, where: str = "subject") -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SubjectError(f"{where}.{key} must be a non-empty string")
    return value


def _optional_text(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SubjectError(f"{where}.{key} must be a string")
    return value or None


def _list(raw: Mapping[str, Any], key: str, where: str = "subject") -> Sequence[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise SubjectError(f"{where}.{key} must be a list")
    return value


def _countries(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = _list(raw, key)
    for value in values:
        if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
            raise SubjectError(f"subject.{key} must hold ISO 3166 alpha-2 codes")
    return tuple(v.upper() for v in values)
