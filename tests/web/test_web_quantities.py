"""Masses as the reader writes them: the example's goods weigh "9650.0" and "7200" kg as
declared; every page and the document show them alike, in the reader's locale."""

from __future__ import annotations

import pytest
from corridor_web_testing import sign_in
from fastapi.testclient import TestClient

from corridor.web.quantities import mass_kg

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("lang", "items", "total"),
    [
        ("en", ("9,650", "7,200"), "16,850 kg"),
        ("ru", (f"9{NBSP}650", f"7{NBSP}200"), f"16{NBSP}850 кг"),
        ("az", ("9.650", "7.200"), "16.850 kq"),
    ],
)
def test_the_movement_page_writes_masses_in_the_reader_s_locale(
    web: TestClient, people: dict[str, str], lodged: str, lang: str, items: tuple[str, str],
    total: str,
) -> None:  # fmt: skip
    sign_in(web, people["customs_az"], lang=lang)
    html = web.get(f"/ui/movements/{lodged}").text
    for mass in items:
        assert f"<td>{mass}</td>" in html
    assert f"<td>{total}</td>" in html
    assert "9650.0" not in html


def test_a_mass_keeps_its_grams_and_drops_trailing_zeros() -> None:
    assert mass_kg("12.500", "en") == "12.5 kg"
    assert mass_kg("0.125", "tr") == "0,125 kg"
    assert mass_kg("1200000", "hy") == f"1{NBSP}200{NBSP}000 կգ"
