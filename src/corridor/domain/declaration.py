"""The transit declaration: what a holder lodges for one movement of goods.

Plain frozen dataclasses. Their attribute docstrings are the field descriptions of the
published JSON Schema (``schemas/declaration.schema.json``); the rules that need the
corridor or the HS nomenclature live in ``validation.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from corridor.domain.network import Mode

# Read by pydantic (outside the domain) when it validates and exports these classes.
SCHEMA_CONFIG = {"extra": "forbid", "use_attribute_docstrings": True, "str_strip_whitespace": True}


class DeclarationType(StrEnum):
    """The transit regime the declaration is made under."""

    TIR = "TIR"  # TIR Convention (carnet or eTIR)
    T1 = "T1"  # common/union transit, non-union goods
    T2 = "T2"  # common/union transit, union goods
    NATIONAL = "NATIONAL"  # the host state's national transit procedure


class GuaranteeType(StrEnum):
    """How the duties at stake are secured."""

    TIR_CARNET = "tir_carnet"
    COMPREHENSIVE = "comprehensive"
    INDIVIDUAL = "individual"
    CASH = "cash"
    WAIVER = "waiver"


@dataclass(frozen=True)
class Money:
    __pydantic_config__ = SCHEMA_CONFIG
    amount_minor: int
    """Amount in minor units of the currency (cents, luma, qapik)."""
    currency: str
    """ISO 4217 currency code, e.g. USD, EUR, AMD, AZN."""


@dataclass(frozen=True)
class Party:
    __pydantic_config__ = SCHEMA_CONFIG
    name: str
    """Legal name as registered, in any script."""
    country: str
    """ISO 3166 alpha-2 code of the country of establishment or residence."""
    identifiers: dict[str, str] = field(default_factory=dict)
    """Identification numbers by scheme, e.g. {"tin": "...", "eori": "...", "tir_holder": "..."}."""
    address: str | None = None
    """Postal address on one line."""


@dataclass(frozen=True)
class Holder:
    __pydantic_config__ = SCHEMA_CONFIG
    identification_number: str
    """The holder's identification number (TIR holder ID, EORI or national TIN)."""
    name: str
    """Legal name of the holder of the transit procedure."""
    country: str
    """ISO 3166 alpha-2 code of the holder's country."""
    address: str | None = None
    """Postal address on one line."""


@dataclass(frozen=True)
class Guarantee:
    __pydantic_config__ = SCHEMA_CONFIG
    type: GuaranteeType
    """How the duties are secured."""
    reference: str
    """Guarantee reference number (GRN) or TIR carnet number."""
    amount: Money
    """The amount covered for this movement."""


@dataclass(frozen=True)
class RoadVehicle:
    __pydantic_config__ = SCHEMA_CONFIG
    plate: str
    """Registration plate of the tractor or lorry."""
    country: str
    """ISO 3166 alpha-2 code of the country of registration."""
    trailer_plates: tuple[str, ...] = ()
    """Registration plates of trailers and semi-trailers."""


@dataclass(frozen=True)
class Wagon:
    __pydantic_config__ = SCHEMA_CONFIG
    number: str
    """12-digit UIC wagon number; the last digit checks the others."""
    containers: tuple[str, ...] = ()
    """ISO 6346 numbers of the containers on this wagon."""


@dataclass(frozen=True)
class Train:
    __pydantic_config__ = SCHEMA_CONFIG
    number: str
    """Train number given by the railway undertaking."""
    wagons: tuple[Wagon, ...]
    """The wagons carrying the goods, in train order."""


@dataclass(frozen=True)
class Transport:
    __pydantic_config__ = SCHEMA_CONFIG
    mode: Mode
    """road or rail: which of `vehicle` and `train` must be given."""
    vehicle: RoadVehicle | None = None
    """The road vehicle, for mode road."""
    train: Train | None = None
    """The train and its wagons, for mode rail."""
    containers: tuple[str, ...] = ()
    """ISO 6346 numbers of containers carried by road."""


@dataclass(frozen=True)
class Packages:
    __pydantic_config__ = SCHEMA_CONFIG
    kind: str
    """UN/ECE Recommendation 21 package code, e.g. CT (carton), PX (pallet), VR (bulk)."""
    count: int
    """Number of packages (0 for goods in bulk)."""
    marks: str | None = None
    """Shipping marks."""


@dataclass(frozen=True)
class GoodsItem:
    __pydantic_config__ = SCHEMA_CONFIG
    hs_code: str
    """Harmonized System 2022 subheading: exactly 6 digits."""
    description: str
    """Plain description of the goods, precise enough to identify them."""
    packages: Packages
    """How the goods are packed."""
    gross_mass_kg: Decimal
    """Gross mass in kilograms, packing included."""
    value: Money
    """Statistical or invoice value."""
    net_mass_kg: Decimal | None = None
    """Net mass in kilograms, if known; at most the gross mass."""
    country_of_origin: str | None = None
    """ISO 3166 alpha-2 code of the country of origin."""


@dataclass(frozen=True)
class Consignment:
    __pydantic_config__ = SCHEMA_CONFIG
    consignor: Party
    """Who sends the goods."""
    consignee: Party
    """Who receives the goods."""
    country_of_destination: str
    """ISO 3166 alpha-2 code of the final destination of the goods (may lie beyond the corridor)."""
    items: tuple[GoodsItem, ...]
    """The goods items (1 to 999)."""


@dataclass(frozen=True)
class Itinerary:
    __pydantic_config__ = SCHEMA_CONFIG
    departure: str
    """Code of the office of departure."""
    destination: str
    """Code of the office of destination."""
    en_route: tuple[str, ...] | None = None
    """Codes of the en-route checkpoints in order; computed from the corridor when omitted."""


@dataclass(frozen=True)
class TransitDeclaration:
    __pydantic_config__ = SCHEMA_CONFIG
    lrn: str
    """Local reference number: the holder's own reference, unique per holder (1-22 characters)."""
    declaration_type: DeclarationType
    """The transit regime."""
    holder: Holder
    """The holder of the transit procedure (carrier or freight forwarder)."""
    guarantee: Guarantee
    """The guarantee covering the duties at stake."""
    transport: Transport
    """The means of transport."""
    itinerary: Itinerary
    """Offices of departure, en route and destination."""
    consignments: tuple[Consignment, ...]
    """The consignments carried (at least one)."""
    seals: tuple[str, ...] = ()
    """Seal identifiers already affixed by an approved consignor, if any."""
    representative: Party | None = None
    """A customs representative acting for the holder."""

    @property
    def items(self) -> tuple[GoodsItem, ...]:
        return tuple(item for consignment in self.consignments for item in consignment.items)

    @property
    def total_gross_mass_kg(self) -> Decimal:
        return sum((item.gross_mass_kg for item in self.items), Decimal(0))

    def with_en_route(self, en_route: tuple[str, ...]) -> TransitDeclaration:
        from dataclasses import replace

        return replace(self, itinerary=replace(self.itinerary, en_route=en_route))
