"""Declarations in an eTIR/NCTS-like XML message (docs/xml-mapping.md has the table).

The message borrows the element names of the NCTS phase 5 transit declaration (IE015 /
CC015C) where corridor has the same datum, and adds a few (``Train``, ``Value``) where it
has none. It is turned into the JSON form of a declaration, which is then read exactly as
a JSON lodging is: the same checks, the same errors. The parser is strict: an element it
does not know is refused with its path, and entity or DTD tricks are refused by defusedxml.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import InvalidDeclaration
from corridor.store.codec import declaration_from_json

ROOT = "CC015C"
NAMESPACE = "urn:corridor:transit-declaration:1"
MODES = {"3": "road", "2": "rail"}  # UN/ECE Recommendation 19 codes, as in NCTS
GUARANTEE_TYPES = {"0": "waiver", "1": "comprehensive", "2": "individual", "3": "cash",
                   "B": "tir_carnet"}  # fmt: skip
# ISO 4217 minor-unit exponents that are not 2.
EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3,
             "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3}  # fmt: skip


def declaration_from_xml(data: bytes | str) -> TransitDeclaration:
    """Parse the XML message into a declaration, or raise ``InvalidDeclaration``."""
    return declaration_from_json(xml_to_json(data))


def xml_to_json(data: bytes | str) -> dict[str, Any]:
    """The JSON form of the declaration in the message (not yet checked against rules)."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as error:
        raise InvalidDeclaration("(document)", f"not well-formed XML: {error}") from None
    if _name(root) != ROOT:
        raise InvalidDeclaration("(document)", f"the root element must be {ROOT}")
    return _Reader(root, ROOT).declaration()


def _name(element: Element) -> str:
    return element.tag.rpartition("}")[2]


class _Reader:
    """One element and its path; children are read by name, each at most as often as
    allowed, and any child left unread is an error."""

    def __init__(self, element: Element, path: str) -> None:
        self.element, self.path = element, path
        self._children = [(child, _name(child)) for child in element]
        self._read: set[int] = set()
        if any(not isinstance(child.tag, str) for child in element):  # pragma: no cover
            raise InvalidDeclaration(path, "unexpected content")

    def all(self, name: str) -> list[_Reader]:
        found: list[_Reader] = []
        for index, (child, child_name) in enumerate(self._children):
            if child_name == name:
                self._read.add(index)
                found.append(_Reader(child, f"{self.path}/{name}[{len(found) + 1}]"))
        return found

    def one(self, name: str) -> _Reader:
        found = self.optional(name)
        if found is None:
            raise InvalidDeclaration(f"{self.path}/{name}", "is required")
        return found

    def optional(self, name: str) -> _Reader | None:
        found = self.all(name)
        if len(found) > 1:
            raise InvalidDeclaration(f"{self.path}/{name}", "may appear only once")
        if found:
            found[0].path = f"{self.path}/{name}"
        return found[0] if found else None

    def text(self, name: str) -> str:
        return self.one(name).value()

    def text_or_none(self, name: str) -> str | None:
        child = self.optional(name)
        return None if child is None else child.value()

    def value(self) -> str:
        if self._children:
            raise InvalidDeclaration(self.path, "must hold text, not elements")
        return (self.element.text or "").strip()

    def done(self) -> None:
        for index, (_, name) in enumerate(self._children):
            if index not in self._read:
                raise InvalidDeclaration(f"{self.path}/{name}", "is not an element of this message")

    def read(self, build: Callable[[_Reader], Any]) -> Any:
        result = build(self)
        self.done()
        return result

    def declaration(self) -> dict[str, Any]:
        operation = self.one("TransitOperation")
        consignment = self.one("Consignment")
        data: dict[str, Any] = {
            **operation.read(_operation),
            "holder": self.one("HolderOfTheTransitProcedure").read(_holder),
            "guarantee": self.one("Guarantee").read(_guarantee),
            "itinerary": _itinerary(self),
        }
        representative = self.optional("Representative")
        if representative is not None:
            data["representative"] = representative.read(_party)
        data.update(consignment.read(_consignment))
        self.done()
        return data


def _operation(op: _Reader) -> dict[str, Any]:
    return {"lrn": op.text("LRN"), "declaration_type": op.text("declarationType")}


def _itinerary(root: _Reader) -> dict[str, Any]:
    def office(reader: _Reader) -> str:
        return reader.read(lambda r: r.text("referenceNumber"))  # type: ignore[no-any-return]

    itinerary: dict[str, Any] = {
        "departure": office(root.one("CustomsOfficeOfDeparture")),
        "destination": office(root.one("CustomsOfficeOfDestinationDeclared")),
    }
    transit = [office(r) for r in root.all("CustomsOfficeOfTransitDeclared")]
    if transit:
        itinerary["en_route"] = transit
    return itinerary


def _address(party: _Reader) -> tuple[str, str | None]:
    address = party.one("Address")
    country = address.text("country")
    street = address.text_or_none("streetAndNumber")
    address.done()
    return country, street


def _holder(holder: _Reader) -> dict[str, Any]:
    country, street = _address(holder)
    data = {"identification_number": holder.text("identificationNumber"),
            "name": holder.text("name"), "country": country}  # fmt: skip
    return data | ({"address": street} if street else {})


def _party(party: _Reader) -> dict[str, Any]:
    country, street = _address(party)
    data: dict[str, Any] = {"name": party.text("name"), "country": country}
    identifiers = {}
    for identifier in party.all("Identifier"):
        scheme = identifier.element.get("scheme")
        if not scheme:
            raise InvalidDeclaration(f"{identifier.path}/@scheme", "is required")
        identifiers[scheme] = identifier.value()
    if identifiers:
        data["identifiers"] = identifiers
    return data | ({"address": street} if street else {})


def _guarantee(guarantee: _Reader) -> dict[str, Any]:
    code = guarantee.text("guaranteeType")
    if code not in GUARANTEE_TYPES:
        known = ", ".join(sorted(GUARANTEE_TYPES))
        raise InvalidDeclaration(f"{guarantee.path}/guaranteeType", f"must be one of {known}")
    reference = guarantee.one("GuaranteeReference")
    currency = reference.text("currency")
    amount = _minor(reference, "amountToBeCovered", currency)
    grn = reference.text("GRN")
    reference.done()
    return {"type": GUARANTEE_TYPES[code], "reference": grn,
            "amount": {"amount_minor": amount, "currency": currency}}  # fmt: skip


def _minor(reader: _Reader, name: str, currency: str) -> int:
    """A decimal amount in major units, as an integer of minor units."""
    text = reader.text(name)
    exponent = EXPONENTS.get(currency, 2)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidDeclaration(f"{reader.path}/{name}", "must be a decimal number") from None
    minor = amount.scaleb(exponent)
    if not amount.is_finite() or minor != minor.to_integral_value():
        raise InvalidDeclaration(
            f"{reader.path}/{name}", f"{currency} has at most {exponent} decimal places"
        )
    return int(minor)


def _consignment(consignment: _Reader) -> dict[str, Any]:
    code = consignment.text("inlandModeOfTransport")
    if code not in MODES:
        raise InvalidDeclaration(
            f"{consignment.path}/inlandModeOfTransport", "must be 3 (road) or 2 (rail)"
        )
    transport: dict[str, Any] = {"mode": MODES[code]}
    means = [m.read(_means) for m in consignment.all("DepartureTransportMeans")]
    if means:
        plate, country = means[0]
        trailers = [plate for plate, _ in means[1:]]
        transport["vehicle"] = {"plate": plate, "country": country} | (
            {"trailer_plates": trailers} if trailers else {}
        )
    train = consignment.optional("Train")
    if train is not None:
        transport["train"] = train.read(_train)
    containers: list[str] = []
    seals: list[str] = []
    for equipment in consignment.all("TransportEquipment"):
        container = equipment.text_or_none("containerIdentificationNumber")
        containers += [container] if container else []
        seals += [seal.read(lambda s: s.text("identifier")) for seal in equipment.all("Seal")]
        equipment.done()
    if containers:
        transport["containers"] = containers
    houses = [house.read(_house) for house in consignment.all("HouseConsignment")]
    return {"transport": transport, "consignments": houses} | ({"seals": seals} if seals else {})


def _means(means: _Reader) -> tuple[str, str]:
    return means.text("identificationNumber"), means.text("nationality")


def _train(train: _Reader) -> dict[str, Any]:
    wagons = [wagon.read(_wagon) for wagon in train.all("Wagon")]
    return {"number": train.text("trainNumber"), "wagons": wagons}


def _wagon(wagon: _Reader) -> dict[str, Any]:
    containers = [c.value() for c in wagon.all("containerIdentificationNumber")]
    return {"number": wagon.text("wagonNumber"), "containers": containers}


def _house(house: _Reader) -> dict[str, Any]:
    return {
        "consignor": house.one("Consignor").read(_party),
        "consignee": house.one("Consignee").read(_party),
        "country_of_destination": house.text("countryOfDestination"),
        "items": [item.read(_item) for item in house.all("ConsignmentItem")],
    }


def _item(item: _Reader) -> dict[str, Any]:
    commodity = item.one("Commodity")
    measure = commodity.one("GoodsMeasure")
    packaging = item.one("Packaging")
    value = item.one("Value")
    currency = value.text("currency")
    data: dict[str, Any] = {
        "hs_code": commodity.one("CommodityCode").read(
            lambda code: code.text("harmonizedSystemSubHeadingCode")
        ),
        "description": commodity.text("descriptionOfGoods"),
        "gross_mass_kg": measure.text("grossMass"),
        "packages": {"kind": packaging.text("typeOfPackages"),
                     "count": packaging.text("numberOfPackages")},
        "value": {"amount_minor": _minor(value, "amount", currency), "currency": currency},
    }  # fmt: skip
    net = measure.text_or_none("netMass")
    marks = packaging.text_or_none("shippingMarks")
    origin = item.text_or_none("countryOfOrigin")
    for reader in (commodity, measure, packaging, value):
        reader.done()
    if marks:
        data["packages"]["marks"] = marks
    return (
        data
        | ({"net_mass_kg": net} if net else {})
        | ({"country_of_origin": origin} if origin else {})
    )
