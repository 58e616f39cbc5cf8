"""Shared fixtures: the corridors, the nomenclature, a declaration, a fresh database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from corridor.bootstrap import Context, Settings, bootstrap
from corridor.corridors import default_corridor_path, load_corridor
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.network import Corridor
from corridor.domain.validation import Nomenclature, validate_declaration
from corridor.paths import data_dir
from corridor.reference import load_nomenclature
from corridor.store.codec import declaration_from_json
from corridor_testing import EXAMPLE, SARP, FakeClock


@pytest.fixture(scope="session")
def tripp() -> Corridor:
    return load_corridor(default_corridor_path())


@pytest.fixture(scope="session")
def sarp() -> Corridor:
    return load_corridor(SARP)


@pytest.fixture(scope="session")
def nomenclature() -> Nomenclature:
    return load_nomenclature(data_dir())


@pytest.fixture
def declaration_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def declaration(
    declaration_data: dict[str, Any], tripp: Corridor, nomenclature: Nomenclature
) -> TransitDeclaration:
    return validate_declaration(declaration_from_json(declaration_data), tripp, nomenclature)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'corridor.sqlite'}"


@pytest.fixture
def ctx(database_url: str, clock: FakeClock) -> Iterator[Context]:
    settings = Settings(database_url=database_url, random_control_rate=0.0)
    context = bootstrap(settings, clock=clock, initialise=True)
    yield context
    context.close()
