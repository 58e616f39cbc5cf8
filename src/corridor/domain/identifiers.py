"""Check characters of the identifiers found on a transit declaration.

>>> container_number_is_valid("CSQU3054383")
True
>>> wagon_number_is_valid("218124712173")
True
"""

from __future__ import annotations

import re
import string

_CONTAINER = re.compile(r"^[A-Z]{3}[UJZR][0-9]{7}$")
_WAGON = re.compile(r"^[0-9]{12}$")
_SEAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.-]{0,19}$")


def _iso6346_letter_values() -> dict[str, int]:
    values = {digit: int(digit) for digit in string.digits}
    value = 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


ISO6346_VALUES = _iso6346_letter_values()


def iso6346_check(body: str) -> str:
    """ISO 6346 check character: weights 2**position, modulo 11, then 10 counts as 0."""
    total = sum(ISO6346_VALUES[char] * (2**position) for position, char in enumerate(body))
    return str(total % 11 % 10)


def container_number_is_valid(number: str) -> bool:
    """An ISO 6346 freight container number: owner code, category, serial, check digit."""
    return bool(_CONTAINER.match(number)) and iso6346_check(number[:10]) == number[10]


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit, as UIC leaflet 920-1 uses for wagon numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


def wagon_number_is_valid(number: str) -> bool:
    """A 12-digit UIC wagon number whose last digit checks the first eleven."""
    return bool(_WAGON.match(number)) and luhn_check_digit(number[:11]) == number[11]


def seal_number_is_valid(number: str) -> bool:
    """A seal's number as printed on it (ISO 17712 leaves the format to the maker): 1 to
    20 letters, digits or - / . starting with a letter or digit, so that what an officer
    types or scans fits the log and the document.

    >>> seal_number_is_valid("AZ-0001"), seal_number_is_valid("x" * 80)
    (True, False)
    """
    return bool(_SEAL.match(number))
