"""A watch-list entry and its identifiers, independent of the file format it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Cyrillic letters that look like Latin ones, as on Russian and Belarusian number plates.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХІ", "ABEKMHOPCTYXI")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_SCHEME_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z_-]{1,23})\s*[:=]\s*(.+)$")

# FollowTheMoney properties that hold identifiers, and the scheme we file them under.
FTM_IDENTIFIER_SCHEMES = {
    "registrationNumber": "registration",
    "taxNumber": "tax",
    "innCode": "inn",
    "ogrnCode": "ogrn",
    "okpoCode": "okpo",
    "idNumber": "id",
    "passportNumber": "passport",
    "leiCode": "lei",
    "vatCode": "vat",
    "swiftBic": "bic",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "serialNumber": "serial",
}


@dataclass(frozen=True)
class Identifier:
    """A registration, tax, passport, plate or other number.

    `value` is the comparable form (Latin capitals and digits only). `scheme` is known
    when the source says what the number is (FtM property, "inn:..." prefix); two
    numbers can conflict only when they are of one scheme, or, scheme unknown on one
    side, of one shape (same length and the same mix of letters and digits).
    """

    value: str
    scheme: str | None = None
    raw: str = ""

    @property
    def shape(self) -> str:
        kind = "d" if self.value.isdigit() else "a"
        return f"{kind}{len(self.value)}"

    def comparable(self, other: Identifier) -> bool:
        if self.scheme and other.scheme:
            return self.scheme == other.scheme
        return self.shape == other.shape


def parse_identifier(text: str, scheme: str | None = None) -> Identifier | None:
    """Read "7701234567" or "inn:7701234567"; None when nothing comparable is left."""
    match = _SCHEME_PREFIX.match(text) if scheme is None else None
    value = match.group(2) if match else text
    if match:
        scheme = match.group(1).lower().replace("-", "_")
    normal = _NOT_ALNUM.sub("", value.upper().translate(_LOOKALIKES))
    if len(normal) < 4:
        return None
    return Identifier(value=normal, scheme=scheme, raw=text.strip())


@dataclass(frozen=True)
class WatchEntity:
    """One listed person, company, organisation or vehicle, with the list it is on."""

    entity_id: str
    schema: str
    names: tuple[str, ...]
    list_name: str
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    sanctions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    @property
    def caption(self) -> str:
        return self.names[0] if self.names else self.entity_id


def identifiers_from(values: list[str], scheme: str | None = None) -> tuple[Identifier, ...]:
    parsed = (parse_identifier(v, scheme) for v in values if v.strip())
    return tuple(dict.fromkeys(i for i in parsed if i is not None))


def country_codes(values: list[str]) -> tuple[str, ...]:
    """Upper-case two-letter codes; OpenSanctions' longer codes (e.g. "ru-dpr") kept whole."""
    return tuple(dict.fromkeys(v.strip().upper() for v in values if v.strip()))
