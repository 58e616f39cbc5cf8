"""Reference data read from ``data/``: the HS 2022 nomenclature."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from corridor.domain.validation import Nomenclature


@cache
def load_nomenclature(data_dir: Path) -> Nomenclature:
    """The 6-digit subheadings of HS 2022 from ``hs2022.csv`` (UN Comtrade extraction).

    Comtrade's own "99 commodities not specified" (section TOTAL) is not part of the
    Harmonized System and is left out.
    """
    with (data_dir / "hs2022.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        subheadings = {
            row["hscode"]: row["description"]
            for row in rows
            if row["level"] == "6" and row["section"] != "TOTAL"
        }
    return Nomenclature(subheadings=subheadings)
