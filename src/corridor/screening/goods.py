"""Goods: HS 2022 nomenclature, Common High Priority (CHP) tiers, military headings.

An HS code on a declaration can only raise suspicion: CHP and dual-use hits send a
movement to review; the military headings marked `block` are the exception (see
data/README.md). Which channel each finding gives is corridor configuration
(`rules.GoodsPolicy`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corridor.screening.errors import ReferenceDataError

CHP_TIERS = ("1", "2", "3A", "3B", "4A", "4B")
MILITARY_ACTIONS = ("block", "review")


@dataclass(frozen=True)
class ChpItem:
    hs6: str
    tier: str
    description: str


@dataclass(frozen=True)
class MilitaryHeading:
    prefix: str
    action: str
    reason: str


@dataclass(frozen=True)
class GoodsReference:
    """The reference tables, loaded once from `data/`."""

    nomenclature: dict[str, str]
    chp: dict[str, ChpItem]
    military: tuple[MilitaryHeading, ...]

    @classmethod
    def load(cls, data_dir: Path) -> GoodsReference:
        return cls(
            nomenclature=_read_nomenclature(data_dir / "hs2022.csv"),
            chp=_read_chp(data_dir / "chp-list.csv"),
            military=_read_military(data_dir / "military-hs.csv"),
        )

    def description(self, code: str) -> str | None:
        return self.nomenclature.get(code)

    def hs6_problem(self, code: str) -> str | None:
        """Why `code` is not a valid HS 2022 subheading, or None if it is."""
        if len(code) != 6 or not code.isdigit():
            return f"HS code {code!r} is not six digits"
        if code[:2] not in self.nomenclature:
            return f"HS chapter {code[:2]} does not exist in HS 2022"
        if code[:4] not in self.nomenclature:
            return f"HS heading {code[:4]} does not exist in HS 2022"
        if code not in self.nomenclature:
            return f"HS subheading {code} does not exist in HS 2022"
        return None

    def chp_item(self, hs6: str) -> ChpItem | None:
        return self.chp.get(hs6)

    def military_heading(self, hs6: str) -> MilitaryHeading | None:
        """The most specific military heading that `hs6` falls under."""
        matches = [m for m in self.military if hs6.startswith(m.prefix)]
        return max(matches, key=lambda m: len(m.prefix), default=None)

    def with_military(self, headings: tuple[MilitaryHeading, ...]) -> GoodsReference:
        return GoodsReference(self.nomenclature, self.chp, headings)


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = set(columns) - set(reader.fieldnames or ())
            if missing:
                raise ReferenceDataError(f"{path}: missing columns {', '.join(sorted(missing))}")
            for number, row in enumerate(reader, start=2):
                yield number, {k: (v or "").strip() for k, v in row.items() if k}
    except OSError as error:
        raise ReferenceDataError(f"{path}: cannot read ({error.strerror})") from None


def _read_nomenclature(path: Path) -> dict[str, str]:
    table = {row["hscode"]: row["description"] for _, row in _rows(path, ("hscode", "description"))}
    if not any(len(code) == 6 for code in table):
        raise ReferenceDataError(f"{path}: no six-digit subheadings")
    return table


def _read_chp(path: Path) -> dict[str, ChpItem]:
    items: dict[str, ChpItem] = {}
    for number, row in _rows(path, ("hs6", "tier", "description")):
        if row["tier"] not in CHP_TIERS or len(row["hs6"]) != 6 or not row["hs6"].isdigit():
            raise ReferenceDataError(f"{path}:{number}: bad CHP row {row['hs6']!r}")
        items[row["hs6"]] = ChpItem(row["hs6"], row["tier"], row["description"])
    return items


def _read_military(path: Path) -> tuple[MilitaryHeading, ...]:
    headings: list[MilitaryHeading] = []
    for number, row in _rows(path, ("hs_prefix", "action", "reason")):
        if row["action"] not in MILITARY_ACTIONS or not row["hs_prefix"].isdigit():
            raise ReferenceDataError(f"{path}:{number}: bad military row {row['hs_prefix']!r}")
        headings.append(MilitaryHeading(row["hs_prefix"], row["action"], row["reason"]))
    return tuple(headings)


def default_data_dir() -> Path:
    """$CORRIDOR_DATA_DIR, else the checkout's data/ beside src/, else ./data."""
    configured = os.environ.get("CORRIDOR_DATA_DIR")
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parents[3] / "data"
    return checkout if (checkout / "hs2022.csv").exists() else Path("data")
