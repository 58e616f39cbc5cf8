"""The one composition root: settings, engine, corridor, reference data and clock.

Called by the CLI, the API's lifespan and the tests; nothing is built at import.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from corridor.corridors import default_corridor_path, load_corridor
from corridor.domain.errors import PreconditionFailed
from corridor.domain.network import Corridor
from corridor.domain.validation import Nomenclature
from corridor.keys import load_or_create_signer
from corridor.ledger.edge import LastEdge
from corridor.ledger.note import Ed25519Signer
from corridor.paths import data_dir
from corridor.reference import load_nomenclature
from corridor.screening_service import Screening, build_screening, default_sources, parse_sources
from corridor.store.database import create_database_engine, is_initialised, migrate
from corridor.store.unit_of_work import UnitOfWork

DEFAULT_DATABASE = "sqlite:///var/corridor.sqlite"

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    """Where things are. ``from_environment`` reads CORRIDOR_DB and CORRIDOR_CORRIDOR."""

    database_url: str = DEFAULT_DATABASE
    corridor_path: Path = field(default_factory=default_corridor_path)
    data_dir: Path = field(default_factory=data_dir)
    log_key_path: Path | None = None
    """The log's signing key; by default beside the SQLite file, else var/log-signer.key."""
    watch_lists: str | None = None
    """Watch lists, `;`-separated `PATH`, `NAME=PATH` or `NAME:FORMAT=PATH` (data/watchlists/)."""
    screening_seed: str = "corridor-demo-seed"
    """Seed of the random control selection; keep it secret until its period has passed."""
    random_control_rate: float | None = None
    """Overrides the corridor's random control rate (0 turns random selection off)."""

    @classmethod
    def from_environment(
        cls, database_url: str | None = None, corridor_path: str | Path | None = None
    ) -> Settings:
        url = database_url or os.environ.get("CORRIDOR_DB") or DEFAULT_DATABASE
        path = corridor_path or os.environ.get("CORRIDOR_CORRIDOR") or default_corridor_path()
        key = os.environ.get("CORRIDOR_LOG_KEY")
        return cls(
            database_url=url, corridor_path=Path(path), log_key_path=Path(key) if key else None
        )

    def signing_key_path(self) -> Path:
        if self.log_key_path is not None:
            return self.log_key_path
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).with_suffix(".log-signer.key")
        return Path("var/log-signer.key")


@dataclass
class Context:
    """What every service function needs, built once."""

    settings: Settings
    engine: Engine
    corridor: Corridor
    nomenclature: Nomenclature
    log_signer: Ed25519Signer
    screening: Screening
    clock: Clock = system_clock
    log_edge: LastEdge = field(default_factory=LastEdge)
    """The right edge of the last tree this process committed to the log, which its next
    integration uses only if the stored checkpoint still names that tree (``ledger.edge``)."""

    @property
    def log_origin(self) -> str:
        return self.log_signer.name

    def unit_of_work(self, *, ping: bool = True) -> UnitOfWork:
        return UnitOfWork(self.engine, ping=ping)

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    initialise: bool = False,
) -> Context:
    """Build the context; ``initialise`` runs the migrations, otherwise they must have run."""
    settings = settings or Settings.from_environment()
    corridor = load_corridor(settings.corridor_path)  # a bad corridor file fails before any I/O
    engine = create_database_engine(settings.database_url)
    try:
        if initialise:
            migrate(engine)
        elif not is_initialised(engine):
            raise PreconditionFailed(
                f"database {settings.database_url} is not initialised: run `corridor init` first"
            )
        signer = load_or_create_signer(
            settings.signing_key_path(), log_origin(corridor), create=initialise
        )
        return Context(
            settings=settings,
            engine=engine,
            corridor=corridor,
            nomenclature=load_nomenclature(settings.data_dir),
            log_signer=signer,
            screening=_screening(settings, corridor),
            clock=clock,
        )
    except BaseException:
        engine.dispose()  # no pooled connection outlives a context that was never built
        raise


def _screening(settings: Settings, corridor: Corridor) -> Screening:
    sources = (
        parse_sources(settings.watch_lists)
        if settings.watch_lists is not None
        else default_sources(settings.data_dir)
    )
    return build_screening(
        corridor, settings.data_dir, sources, settings.screening_seed, settings.random_control_rate
    )


def log_origin(corridor: Corridor) -> str:
    """The log's origin line and key name, e.g. ``tripp.corridor/log``."""
    return f"{corridor.code.lower()}.corridor/log"
