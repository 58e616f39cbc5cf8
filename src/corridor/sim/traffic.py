"""Realistic synthetic declarations for corridor traffic (fictional parties, real HS codes)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal

from corridor.domain.declaration import (
    Consignment,
    DeclarationType,
    GoodsItem,
    Guarantee,
    GuaranteeType,
    Holder,
    Itinerary,
    Money,
    Packages,
    Party,
    RoadVehicle,
    Train,
    TransitDeclaration,
    Transport,
    Wagon,
)
from corridor.domain.identifiers import iso6346_check, luhn_check_digit
from corridor.domain.network import Mode


@dataclass(frozen=True)
class Lane:
    """A direction of traffic: from one office to another, and who typically uses it."""

    name: str
    departure: str
    destination: str
    holder_countries: tuple[str, ...]


# Mainland Azerbaijan <-> Nakhchivan across Syunik, and Armenian traffic across Nakhchivan.
TRIPP_LANES = (
    Lane("AZ mainland → Nakhchivan", "AZ0HRD01", "AZ0NAX01", ("AZ", "TR", "KZ")),
    Lane("Nakhchivan → AZ mainland", "AZ0NAX01", "AZ0HRD01", ("AZ", "TR")),
    Lane("AZ mainland → Julfa", "AZ0HRD01", "AZ0CLF01", ("AZ", "IR", "TR")),
    Lane("Julfa → AZ mainland", "AZ0CLF01", "AZ0HRD01", ("AZ", "IR")),
    Lane("Yeraskh → Meghri", "AM0YRS01", "AM0MGR01", ("AM", "GE")),
    Lane("Meghri → Yeraskh", "AM0MGR01", "AM0YRS01", ("AM", "IR")),
)

# (HS-6, description, package kind, kg per package range, USD per kg)
GOODS = (
    ("520812", "Unbleached plain-weave cotton fabric in rolls", "RO", (150, 250), 3.2),
    ("070200", "Fresh tomatoes in cartons", "CT", (10, 14), 0.8),
    ("252329", "Portland cement in big bags", "JB", (1000, 1500), 0.09),
    ("721420", "Hot-rolled reinforcing steel bars", "BE", (1800, 2500), 0.7),
    ("310230", "Ammonium nitrate fertiliser in bags", "BG", (50, 50), 0.4),
    ("847130", "Portable computers (laptops)", "CT", (8, 15), 95.0),
    ("080810", "Fresh apples in cartons", "CT", (18, 20), 0.9),
    ("100199", "Wheat in bulk", "VR", (0, 0), 0.25),
    ("392010", "Polyethylene film on rolls", "RO", (300, 600), 1.8),
    ("640399", "Leather footwear in cartons", "CT", (12, 18), 28.0),
    ("940360", "Wooden furniture", "PK", (30, 90), 6.5),
    ("220421", "Still wine in bottles, 0.75 l", "CT", (14, 16), 7.0),
    ("730890", "Steel structures for bridges", "PC", (800, 3000), 1.6),
    ("841810", "Combined refrigerator-freezers", "PK", (60, 90), 9.0),
    ("760421", "Aluminium alloy hollow profiles", "BE", (500, 900), 4.1),
    ("170199", "White cane sugar in bags", "BG", (50, 50), 0.6),
    ("190590", "Biscuits and wafers in cartons", "CT", (5, 9), 3.5),
    ("854231", "Processors and controllers (integrated circuits)", "CT", (2, 6), 900.0),
)

COMPANIES = {
    "AZ": ("Xəzər Logistika MMC", "Gəncə Tekstil ASC", "Naxçıvan Ticarət MMC", "Şirvan Aqro MMC"),
    "AM": ("Syunik Trans LLC", "Ararat Cement CJSC", "Meghri Fruit LLC", "Vanadzor Steel CJSC"),
    "TR": ("Iğdır Lojistik A.Ş.", "Kars Un Sanayi Ltd. Şti.", "Anadolu Tır Taşımacılık A.Ş."),
    "IR": ("Tabriz Trading Co.", "Jolfa Free Zone Logistics Co."),
    "GE": ("Kartli Cargo LLC", "Poti Forwarding LLC"),
    "KZ": ("Aktau Transit LLP", "Steppe Rail Logistics LLP"),
}

PLATE_LETTERS = "ABCDEHKMNPRSTUXYZ"


def _digits(text: str, count: int) -> str:
    """Stable digits derived from a name, so a company keeps its numbers across runs."""
    value = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return f"{value % 10**count:0{count}d}"


def company(rng: random.Random, country: str) -> Party:
    name = rng.choice(COMPANIES[country])
    return Party(name=name, country=country, identifiers={"tin": _digits(name, 10)})


def holder_for(country: str, name: str) -> Holder:
    number = f"{country}/{_digits(name, 3)}/{_digits(name[::-1], 5)}"
    return Holder(identification_number=number, name=name, country=country)


def container_number(rng: random.Random) -> str:
    body = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXZ") for _ in range(3)) + "U"
    body += f"{rng.randrange(10**6):06d}"
    return body + iso6346_check(body)


def wagon_number(rng: random.Random) -> str:
    kind, country = rng.choice(("31", "33", "35")), rng.choice(("56", "57", "58"))
    body = f"{kind}{country}{rng.randrange(10**7):07d}"
    return body + luhn_check_digit(body)


def plate(rng: random.Random, country: str) -> str:
    letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(2))
    return f"{rng.randrange(10, 99)}-{letters}-{rng.randrange(100, 999)}"


def declaration(rng: random.Random, serial: int, lane: Lane, mode: Mode) -> TransitDeclaration:
    country = rng.choice(lane.holder_countries)
    holder = holder_for(country, rng.choice(COMPANIES[country]))
    consignments = tuple(_consignment(rng, lane, mode) for _ in range(rng.choice((1, 1, 1, 2))))
    total_value = sum(item.value.amount_minor for con in consignments for item in con.items)
    return TransitDeclaration(
        lrn=f"{country}{serial:07d}-{rng.randrange(10**4):04d}",
        declaration_type=rng.choice(
            (DeclarationType.TIR, DeclarationType.TIR, DeclarationType.NATIONAL)
        ),
        holder=holder,
        guarantee=Guarantee(
            type=GuaranteeType.TIR_CARNET if country != "AM" else GuaranteeType.COMPREHENSIVE,
            reference=f"{country}{rng.randrange(10**8):08d}",
            amount=Money(amount_minor=max(1_000_000, total_value // 2), currency="USD"),
        ),
        transport=_transport(rng, mode, country),
        itinerary=Itinerary(departure=lane.departure, destination=lane.destination),
        consignments=consignments,
    )


def _transport(rng: random.Random, mode: Mode, country: str) -> Transport:
    if mode is Mode.ROAD:
        vehicle = RoadVehicle(
            plate=plate(rng, country), country=country, trailer_plates=(plate(rng, country),)
        )
        containers = (container_number(rng),) if rng.random() < 0.3 else ()
        return Transport(mode=mode, vehicle=vehicle, containers=containers)
    wagons = tuple(
        Wagon(
            number=wagon_number(rng),
            containers=(container_number(rng),) if rng.random() < 0.4 else (),
        )
        for _ in range(rng.randint(3, 12))
    )
    return Transport(mode=mode, train=Train(number=f"{rng.randint(2000, 2999)}", wagons=wagons))


def _consignment(rng: random.Random, lane: Lane, mode: Mode) -> Consignment:
    origin = rng.choice(lane.holder_countries)
    destination = rng.choice(("AZ", "AZ", "AM", "TR", "GE", "IR", "KZ"))
    items = tuple(_item(rng, mode, origin) for _ in range(rng.randint(1, 4)))
    return Consignment(
        consignor=company(rng, origin),
        consignee=company(rng, destination),
        country_of_destination=destination,
        items=items,
    )


def _item(rng: random.Random, mode: Mode, origin: str) -> GoodsItem:
    hs, text, kind, (low, high), usd_per_kg = rng.choice(GOODS)
    if kind == "VR":
        count, gross = (
            0,
            Decimal(
                rng.randint(20_000, 60_000) if mode is Mode.RAIL else rng.randint(18_000, 24_000)
            ),
        )
    else:
        count = rng.randint(10, 400 if mode is Mode.ROAD else 2000)
        gross = Decimal(count * rng.randint(low, high))
        gross = min(gross, Decimal(22_000 if mode is Mode.ROAD else 60_000))
    net = (gross * Decimal("0.95")).quantize(Decimal("0.1"))
    return GoodsItem(
        hs_code=hs,
        description=text,
        packages=Packages(kind=kind, count=count),
        gross_mass_kg=gross,
        net_mass_kg=net,
        value=Money(amount_minor=int(gross * Decimal(str(usd_per_kg)) * 100), currency="USD"),
        country_of_origin=origin,
    )
