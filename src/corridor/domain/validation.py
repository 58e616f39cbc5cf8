"""Rules of a declaration that need the corridor or the HS nomenclature.

``declaration_problems`` lists every broken rule with the dotted path of its field;
``validate_declaration`` raises the first as ``InvalidDeclaration`` and returns the
declaration completed with its en-route checkpoints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from corridor.domain.declaration import (
    GoodsItem,
    GuaranteeType,
    Party,
    TransitDeclaration,
    Transport,
)
from corridor.domain.errors import InvalidDeclaration
from corridor.domain.identifiers import (
    container_number_is_valid,
    seal_number_is_valid,
    wagon_number_is_valid,
)
from corridor.domain.network import Corridor, Mode, OfficeFunction

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LRN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,21}$")
_HS6 = re.compile(r"^[0-9]{6}$")
_PACKAGE_KIND = re.compile(r"^[0-9A-Z]{2}$")
MAX_ITEMS = 999


@dataclass(frozen=True)
class Nomenclature:
    """The HS 2022 subheadings (6 digits) with their descriptions."""

    subheadings: Mapping[str, str]

    def describe(self, code: str) -> str | None:
        return self.subheadings.get(code)


Problem = tuple[str, str]


def validate_declaration(
    declaration: TransitDeclaration, corridor: Corridor, nomenclature: Nomenclature
) -> TransitDeclaration:
    """The declaration with its en-route checkpoints, or ``InvalidDeclaration``."""
    problems = declaration_problems(declaration, corridor, nomenclature)
    if problems:
        field, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidDeclaration(field, message + more)
    itinerary = declaration.itinerary
    mode = declaration.transport.mode
    expected = corridor.en_route_checkpoints(itinerary.departure, itinerary.destination, mode)
    if itinerary.en_route == expected:  # given as they are: the declaration as it came
        return declaration
    return declaration.with_en_route(expected)


def declaration_problems(
    declaration: TransitDeclaration, corridor: Corridor, nomenclature: Nomenclature
) -> list[Problem]:
    return [
        *_header(declaration),
        *_transport(declaration.transport),
        *_itinerary(declaration, corridor),
        *_consignments(declaration, nomenclature),
    ]


def _header(declaration: TransitDeclaration) -> Iterator[Problem]:
    if not _LRN.match(declaration.lrn):
        yield "lrn", "1 to 22 letters, digits or / . _ - starting with a letter or digit"
    if not declaration.holder.identification_number.strip():
        yield "holder.identification_number", "is required"
    yield from _country("holder.country", declaration.holder.country)
    guarantee = declaration.guarantee
    if not guarantee.reference.strip():
        yield "guarantee.reference", "is required"
    if guarantee.amount.amount_minor <= 0 and guarantee.type is not GuaranteeType.WAIVER:
        yield "guarantee.amount.amount_minor", "must be positive"
    yield from _currency("guarantee.amount.currency", guarantee.amount.currency)
    if len(set(declaration.seals)) != len(declaration.seals):
        yield "seals", "seal identifiers must be distinct"
    for index, seal in enumerate(declaration.seals):
        if not seal_number_is_valid(seal):
            yield (
                f"seals[{index}]",
                f"{seal!r} is not 1 to 20 letters, digits or - / . starting with a letter or digit",
            )
    if declaration.representative is not None:
        yield from _party("representative", declaration.representative)


def _transport(transport: Transport) -> Iterator[Problem]:
    if transport.mode is Mode.ROAD:
        if transport.vehicle is None:
            yield "transport.vehicle", "is required for road transport"
        else:
            yield from _country("transport.vehicle.country", transport.vehicle.country)
        if transport.train is not None:
            yield "transport.train", "must be omitted for road transport"
    else:
        if transport.train is None or not transport.train.wagons:
            yield "transport.train.wagons", "rail transport needs at least one wagon"
        else:
            yield from _wagons(transport)
        if transport.vehicle is not None:
            yield "transport.vehicle", "must be omitted for rail transport"
    for index, container in enumerate(transport.containers):
        if not container_number_is_valid(container):
            yield f"transport.containers[{index}]", f"{container!r} is not a valid ISO 6346 number"


def _wagons(transport: Transport) -> Iterator[Problem]:
    assert transport.train is not None
    for index, wagon in enumerate(transport.train.wagons):
        path = f"transport.train.wagons[{index}]"
        if not wagon_number_is_valid(wagon.number):
            yield f"{path}.number", f"{wagon.number!r} is not a valid 12-digit UIC wagon number"
        for c_index, container in enumerate(wagon.containers):
            if not container_number_is_valid(container):
                yield (
                    f"{path}.containers[{c_index}]",
                    f"{container!r} is not a valid ISO 6346 number",
                )


def _itinerary(declaration: TransitDeclaration, corridor: Corridor) -> Iterator[Problem]:
    itinerary, mode = declaration.itinerary, declaration.transport.mode
    ends = (
        ("itinerary.departure", itinerary.departure, OfficeFunction.DEPARTURE),
        ("itinerary.destination", itinerary.destination, OfficeFunction.DESTINATION),
    )
    broken = False
    for path, code, function in ends:
        office = corridor.offices.get(code)
        if office is None:
            yield path, f"unknown office {code!r} in corridor {corridor.code}"
        elif function not in office.functions:
            yield path, f"{code} ({office.name()}) is not an office of {function}"
        elif mode not in office.modes:
            yield path, f"{code} ({office.name()}) does not handle {mode} traffic"
        else:
            continue
        broken = True
    if broken:
        return
    if itinerary.departure == itinerary.destination:
        yield "itinerary.destination", "must differ from the office of departure"
        return
    yield from _en_route(declaration, corridor)


def _en_route(declaration: TransitDeclaration, corridor: Corridor) -> Iterator[Problem]:
    itinerary, mode = declaration.itinerary, declaration.transport.mode
    try:
        expected = corridor.en_route_checkpoints(itinerary.departure, itinerary.destination, mode)
    except InvalidDeclaration as error:
        yield error.field, error.message
        return
    if itinerary.en_route is not None and tuple(itinerary.en_route) != expected:
        yield "itinerary.en_route", f"the {mode} route passes {', '.join(expected) or 'none'}"


def _consignments(declaration: TransitDeclaration, nomenclature: Nomenclature) -> Iterator[Problem]:
    if not declaration.consignments:
        yield "consignments", "at least one consignment is required"
    for index, consignment in enumerate(declaration.consignments):
        path = f"consignments[{index}]"
        yield from _party(f"{path}.consignor", consignment.consignor)
        yield from _party(f"{path}.consignee", consignment.consignee)
        yield from _country(f"{path}.country_of_destination", consignment.country_of_destination)
        if not 1 <= len(consignment.items) <= MAX_ITEMS:
            yield f"{path}.items", f"1 to {MAX_ITEMS} goods items"
        for i, item in enumerate(consignment.items):
            yield from _item(f"{path}.items[{i}]", item, nomenclature)


def _item(path: str, item: GoodsItem, nomenclature: Nomenclature) -> Iterator[Problem]:
    if not _HS6.match(item.hs_code):
        yield f"{path}.hs_code", f"{item.hs_code!r} is not 6 digits"
    elif nomenclature.describe(item.hs_code) is None:
        yield f"{path}.hs_code", f"{item.hs_code} is not an HS 2022 subheading"
    if not item.description.strip():
        yield f"{path}.description", "is required"
    if item.gross_mass_kg <= 0:
        yield f"{path}.gross_mass_kg", "must be positive"
    net = item.net_mass_kg
    if net is not None and not Decimal(0) < net <= item.gross_mass_kg:
        yield f"{path}.net_mass_kg", "must be positive and at most the gross mass"
    if item.packages.count < 0:
        yield f"{path}.packages.count", "cannot be negative"
    if not _PACKAGE_KIND.match(item.packages.kind):
        yield f"{path}.packages.kind", "a 2-character UN/ECE Recommendation 21 code"
    if item.value.amount_minor < 0:
        yield f"{path}.value.amount_minor", "cannot be negative"
    yield from _currency(f"{path}.value.currency", item.value.currency)
    if item.country_of_origin is not None:
        yield from _country(f"{path}.country_of_origin", item.country_of_origin)


def _party(path: str, party: Party) -> Iterator[Problem]:
    if not party.name.strip():
        yield f"{path}.name", "is required"
    yield from _country(f"{path}.country", party.country)


def _country(path: str, code: str) -> Iterator[Problem]:
    if not _COUNTRY.match(code):
        yield path, f"{code!r} is not an ISO 3166 alpha-2 code"


def _currency(path: str, code: str) -> Iterator[Problem]:
    if not _CURRENCY.match(code):
        yield path, f"{code!r} is not an ISO 4217 code"
