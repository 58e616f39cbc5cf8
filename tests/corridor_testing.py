"""Constants and fakes shared by the tests (imported by name; conftest.py holds fixtures)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from corridor.paths import project_root

ROOT = project_root()
EXAMPLE = ROOT / "examples" / "road-horadiz-nakhchivan.json"
SARP = Path(__file__).parent / "data" / "corridors" / "sarp.toml"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
