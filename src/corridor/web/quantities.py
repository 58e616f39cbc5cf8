"""Quantities as a reader of the page's language writes them (Babel's number formats):
grouped as the locale groups digits, its decimal sign, no trailing zeros.

>>> mass_kg("9650.0", "en"), mass_kg("7200", "en"), mass_kg("7200.125", "ru")
('9,650 kg', '7,200 kg', '7\\xa0200,125 кг')
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from babel.units import format_unit

PATTERN = "#,##0.###"  # a declaration's masses have at most 3 decimals (grams)


def number(value: Decimal | str | int, lang: str) -> str:
    return format_decimal(Decimal(str(value)), format=PATTERN, locale=lang)


def mass_kg(value: Decimal | str | int, lang: str) -> str:
    """A mass in kilograms with the locale's unit: 9,650 kg, 9 650 кг."""
    return format_unit(
        Decimal(str(value)), "mass-kilogram", length="short", format=PATTERN, locale=lang
    )
