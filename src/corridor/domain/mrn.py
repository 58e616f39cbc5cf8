"""Movement reference numbers (MRN), shaped like NCTS phase 5 MRNs.

An MRN is 18 characters::

    26 AM 0001A0000042 J 8
    |  |  |            | +- check character (ISO 6346 algorithm, as NCTS uses)
    |  |  |            +--- procedure identifier: J = transit declaration only
    |  |  +---------------- 12 characters unique per year and country
    |  +------------------- ISO 3166 alpha-2 code of the office of departure's state
    +---------------------- last two digits of the year of acceptance

>>> mrn = MovementReference.build(2026, "AM", "0001A0000042")
>>> str(mrn)
'26AM0001A0000042J8'
>>> MovementReference.parse("26AM0001A0000042J8") == mrn
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corridor.domain.errors import InvalidReference
from corridor.domain.identifiers import iso6346_check

TRANSIT_PROCEDURE = "J"
_SHAPE = re.compile(r"^[0-9]{2}[A-Z]{2}[0-9A-Z]{12}[A-Z][0-9]$")


def check_character(body: str) -> str:
    """The check character of the first 17 characters of an MRN."""
    return iso6346_check(body)


@dataclass(frozen=True, order=True)
class MovementReference:
    """A validated MRN."""

    value: str

    @classmethod
    def build(cls, year: int, country: str, serial: str) -> MovementReference:
        body = f"{year % 100:02d}{country}{serial}{TRANSIT_PROCEDURE}"
        return cls.parse(body + check_character(body))

    @classmethod
    def parse(cls, text: str) -> MovementReference:
        candidate = text.strip().upper()
        if not _SHAPE.match(candidate):
            raise InvalidReference(
                f"MRN {text!r} is not 18 characters shaped YYCC + 12 + J + check"
            )
        if check_character(candidate[:17]) != candidate[17]:
            raise InvalidReference(f"MRN {text!r} has a wrong check character")
        return cls(candidate)

    @property
    def country(self) -> str:
        return self.value[2:4]

    def __str__(self) -> str:
        return self.value
