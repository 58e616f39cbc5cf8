from __future__ import annotations

from pathlib import Path

import pytest

from corridor.screening.goods import GoodsReference
from corridor.screening.lists import ListSnapshot, ListSource, build_snapshot

DATA = Path(__file__).parent / "data"
REFERENCE_DATA = Path(__file__).resolve().parents[2] / "data"
LIST_FILES = ("sanctions.ftm.jsonl", "targets.simple.csv", "own-list.csv")


@pytest.fixture(scope="session")
def snapshot() -> ListSnapshot:
    return build_snapshot([ListSource(DATA / name) for name in LIST_FILES])


@pytest.fixture(scope="session")
def reference() -> GoodsReference:
    return GoodsReference.load(REFERENCE_DATA)
