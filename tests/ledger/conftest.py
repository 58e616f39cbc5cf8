"""Shared fixtures for the transparency-log library tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

VECTORS_PATH = Path(__file__).resolve().parents[2] / "data" / "tlog-vectors.json"


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    """RFC 6962/9162 vectors: transparency-dev leaves and roots, Go tlog proofs."""
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return data
