"""Durable append and integration of log entries on SQLite (WAL, synchronous=FULL).

    python -m bench.log_durable [--movements M] [--entries N] [--no-write]

Paths into databases configured as corridor configures SQLite:

1. The services path: real actions (lodge, accept, a control where screening asks for
   one, release, passage) through ``corridor.services``, each one transaction that stores
   the movement, its event and its log entry and commits (one fsync per action); then
   the sequencer (``log_service.integrate_all``).
2. Batch paths: entries like the services' (built beforehand from them, with fresh MRNs,
   salts and commitments) stored ``--per-commit`` to a transaction, as an import or a
   front office batching its gate events would: through ``LogEntryRepository.append``,
   through one executemany, or numbered and integrated in the same transaction (a
   prototype of a batch path corridor does not have yet); then the sequencer.
3. The peer: plain sqlite3 storing the same rows with the same pragmas, i.e. SQLite's
   own limit for them on this disk, measured in the same run.

Target: at least 20,000 durable entries/s (append + integrate) on SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.log_report import machine, table, write_section
from corridor import log_service, services
from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain.commands import ControlKind
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.domain.validation import validate_declaration
from corridor.ledger.entry import build_entry, parse_entry
from corridor.ledger.log import integrate, verify_log
from corridor.paths import project_root
from corridor.store.codec import declaration_from_json
from corridor.store.log_storage import SqlLogStorage, StoredEntry
from corridor.store.tables import log_entries

TARGET = 20_000
AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")
EXAMPLE = project_root() / "examples" / "road-horadiz-nakhchivan.json"


def _fresh_context(directory: Path, name: str) -> Context:
    url = f"sqlite:///{directory / name}"
    return bootstrap(Settings(database_url=url), initialise=True)


def _pragmas(ctx: Context) -> str:
    with ctx.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    return f"journal_mode={mode}, synchronous={'FULL' if sync == 2 else sync}"


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# --- 1. The services path ------------------------------------------------------------


def services_path(ctx: Context, movements: int) -> tuple[int, float, float]:
    """(entries, seconds to act, seconds to integrate) for ``movements`` journeys."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    declaration = validate_declaration(declaration_from_json(data), ctx.corridor, ctx.nomenclature)
    holder = Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)

    def act() -> None:
        for n in range(movements):
            lodged = services.lodge(ctx, replace(declaration, lrn=f"B-{n}"), holder)
            mrn = lodged.movement.mrn
            movement = services.accept(ctx, mrn, AZ)
            required = movement.risk.control_required() if movement.risk else frozenset()
            if required:  # screening asked for a control before release
                kind = (
                    ControlKind.DOCUMENTARY if "documentary" in required else ControlKind.PHYSICAL
                )
                services.control(ctx, mrn, AZ, kind)
            services.release(ctx, mrn, AZ, seals=(f"AZ-{n}",))
            services.record_passage(ctx, mrn, AZ, "AZ0AGB01")

    acting = _timed(act)
    integrating = _timed(lambda: log_service.integrate_all(ctx))
    return log_service.current_checkpoint(ctx).size, acting, integrating


# --- 2. Batch store paths -------------------------------------------------------------


def sample_events(ctx: Context) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(public part, confidential payload) of every entry the services path stored."""
    size = log_service.current_checkpoint(ctx).size
    with ctx.unit_of_work() as uow:
        stored = uow.log.numbered(0, size)
    samples = []
    for entry in stored:
        public = parse_entry(entry.entry)
        public.pop("commitment")
        samples.append((public, entry.payload))
    return samples


def batch_entries(
    samples: Sequence[tuple[dict[str, Any], dict[str, Any]]], count: int
) -> list[StoredEntry]:
    """``count`` new entries like the samples: other MRNs, fresh salts and commitments."""
    made = []
    for i in range(count):
        public, confidential = samples[i % len(samples)]
        mrn = f"26ZZ{i:013d}X"
        entry, salt = build_entry({**public, "mrn": mrn}, confidential)
        made.append(StoredEntry(None, mrn, 1, entry, salt, confidential))
    return made


def _chunks(items: Sequence[StoredEntry], size: int) -> Iterator[Sequence[StoredEntry]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row(entry: StoredEntry, at: Any, index: int | None = None) -> dict[str, Any]:
    row = {
        "mrn": entry.mrn,
        "event_sequence": entry.event_sequence,
        "entry": entry.entry,
        "salt": entry.salt,
        "payload": entry.payload,
        "appended_at": at,
    }
    return row if index is None else {**row, "log_index": index}


def append_per_row(ctx: Context, entries: Sequence[StoredEntry], per_commit: int) -> None:
    """``LogEntryRepository.append`` (one INSERT statement built per entry, as the
    services do), ``per_commit`` entries per transaction."""
    for chunk in _chunks(entries, per_commit):
        with ctx.unit_of_work() as uow:
            for entry in chunk:
                uow.log.append(entry, ctx.now())
            uow.commit()


def append_many(ctx: Context, entries: Sequence[StoredEntry], per_commit: int) -> None:
    """The same rows through one executemany INSERT per transaction."""
    for chunk in _chunks(entries, per_commit):
        with ctx.unit_of_work() as uow:
            uow.connection.execute(insert(log_entries), [_row(e, ctx.now()) for e in chunk])
            uow.commit()


def append_and_integrate(ctx: Context, entries: Sequence[StoredEntry], per_commit: int) -> None:
    """A batch path corridor does not have yet: each batch stored already numbered and
    integrated in the same transaction (one fsync for both, nothing read back)."""
    size = 0
    for chunk in _chunks(entries, per_commit):
        with ctx.unit_of_work() as uow:
            rows = [_row(e, ctx.now(), size + n) for n, e in enumerate(chunk)]
            uow.connection.execute(insert(log_entries), rows)
            storage = SqlLogStorage(uow.connection, ctx.log_origin, ctx.now())
            batch = [e.entry for e in chunk]
            integrate(storage, batch, ctx.log_signer, ctx.log_origin, first_index=size)
            uow.commit()
        size += len(chunk)


def sqlite_limit(path: Path, entries: Sequence[StoredEntry], per_commit: int) -> float:
    """Seconds for plain sqlite3 (no SQLAlchemy, no corridor) to store the same rows in
    an equivalent table, same pragmas: the SQLite limit for them on this disk."""
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL"):
        db.execute(f"PRAGMA {pragma}")
    db.execute(
        "CREATE TABLE entries (id INTEGER PRIMARY KEY, log_index INTEGER UNIQUE, mrn TEXT,"
        " event_sequence INTEGER, entry BLOB, salt BLOB, payload TEXT, appended_at TEXT,"
        " UNIQUE (mrn, event_sequence))"
    )
    db.execute("CREATE INDEX entries_mrn ON entries (mrn)")
    started = time.perf_counter()
    for chunk in _chunks(entries, per_commit):
        rows = [
            (e.mrn, e.event_sequence, e.entry, e.salt, json.dumps(e.payload), "2026-11-23")
            for e in chunk
        ]  # the payload's JSON encoding counts, as it does for corridor
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO entries (mrn, event_sequence, entry, salt, payload, appended_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return seconds


def fsync_milliseconds(directory: Path, count: int = 50) -> float:
    """The disk's cost of one durable 4 KiB write."""
    path = directory / "fsync.probe"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        started = time.perf_counter()
        for _ in range(count):
            os.write(descriptor, b"\0" * 4096)
            os.fsync(descriptor)
        return (time.perf_counter() - started) / count * 1000
    finally:
        os.close(descriptor)
        path.unlink()


def _verify(ctx: Context) -> int:
    """The whole-log check over what was written (not timed)."""
    with ctx.unit_of_work() as uow:
        storage = SqlLogStorage(uow.connection, ctx.log_origin, ctx.now())
        return verify_log(storage, log_service.vkey(ctx)).entries


# --- The report ----------------------------------------------------------------------


@dataclass
class Figures:
    """Seconds measured in one run, and what they were measured on."""

    pragmas: str = ""
    fsync_ms: float = 0.0
    services: int = 0
    acting: float = 0.0
    services_integrating: float = 0.0
    count: int = 0
    building: float = 0.0
    per_row: float = 0.0
    many: float = 0.0
    integrating: float = 0.0
    one_transaction: float = 0.0
    log_only: float = 0.0
    sqlite: float = 0.0
    bytes_per_entry: float = 0.0


def measure(movements: int, count: int, per_commit: int) -> Figures:
    figures = Figures(count=count)
    with tempfile.TemporaryDirectory(prefix="corridor-bench-", dir=_disk()) as name:
        directory = Path(name)
        figures.fsync_ms = fsync_milliseconds(directory)
        ctx = _fresh_context(directory, "services.sqlite")
        figures.pragmas = _pragmas(ctx)
        figures.services, figures.acting, figures.services_integrating = services_path(
            ctx, movements
        )
        assert _verify(ctx) == figures.services
        samples = sample_events(ctx)
        ctx.close()
        started = time.perf_counter()
        entries = batch_entries(samples, count)
        figures.building = time.perf_counter() - started
        figures.per_row = _on_fresh(
            directory, "per-row", lambda c: append_per_row(c, entries, per_commit)
        )
        figures.many, figures.integrating = _appended_then_integrated(
            directory, entries, per_commit
        )
        figures.one_transaction = _on_fresh(
            directory, "one-tx", lambda c: append_and_integrate(c, entries, per_commit), count
        )
        bare = [replace(e, payload={}) for e in entries]
        figures.log_only = _on_fresh(
            directory, "bare", lambda c: append_and_integrate(c, bare, per_commit), count
        )
        figures.sqlite = sqlite_limit(directory / "plain.sqlite", entries, per_commit)
        figures.bytes_per_entry = (directory / "one-tx.sqlite").stat().st_size / count
    return figures


def _on_fresh(
    directory: Path, name: str, action: Callable[[Context], None], logged: int | None = None
) -> float:
    """Seconds for ``action`` on a new database; checks the log has ``logged`` entries."""
    ctx = _fresh_context(directory, f"{name}.sqlite")
    try:
        seconds = _timed(lambda: action(ctx))
        if logged is not None:
            assert _verify(ctx) == logged
        return seconds
    finally:
        ctx.close()


def _appended_then_integrated(
    directory: Path, entries: Sequence[StoredEntry], per_commit: int
) -> tuple[float, float]:
    ctx = _fresh_context(directory, "many.sqlite")
    try:
        appending = _timed(lambda: append_many(ctx, entries, per_commit))
        integrating = _timed(lambda: log_service.integrate_all(ctx))
        assert _verify(ctx) == len(entries)
        return appending, integrating
    finally:
        ctx.close()


def report(figures: Figures, movements: int, per_commit: int) -> tuple[str, bool]:
    f, n = figures, figures.count
    best = n / f.one_transaction
    rows = [
        ["services: each action one transaction (lodge, accept, [control,] release, passage)",
         _rate(f.services, f.acting)],
        ["services: sequencer afterwards (`integrate_all`, 4,096 per transaction)",
         _rate(f.services, f.services_integrating)],
        ["**services path: act + integrate**",
         f"**{_rate(f.services, f.acting + f.services_integrating)}**"],
        [f"batch: `LogEntryRepository.append` per entry, {per_commit:,} per transaction",
         _rate(n, f.per_row)],
        ["batch: one executemany INSERT per transaction", _rate(n, f.many)],
        ["batch: sequencer afterwards (`integrate_all`)", _rate(n, f.integrating)],
        ["batch: executemany + sequencer", _rate(n, f.many + f.integrating)],
        ["**batch: stored numbered and integrated in one transaction** (prototype)",
         f"**{best:,.0f}**"],
        ["the same, entries without the operator's payload copy (`payload = {}`)",
         _rate(n, f.log_only)],
        ["peer: plain sqlite3 executemany of the same rows, same pragmas (SQLite's limit)",
         _rate(n, f.sqlite)],
    ]  # fmt: skip
    met = best >= TARGET
    lines = [
        "## Log: durable append and integration on SQLite",
        "",
        f"`python -m bench.log_durable --movements {movements} --entries {n} "
        f"--per-commit {per_commit}`, {machine()}. A fresh SQLite file per path on the "
        f"repository's disk, {f.pragmas} (as corridor configures SQLite); one fsync of "
        f"4 KiB costs {f.fsync_ms:.1f} ms on this disk. The services path drives "
        f"{movements} movements ({f.services:,} entries); the batch paths store {n:,} "
        "entries built from the services' own (with the operator's copy of the "
        f"confidential payload, {f.bytes_per_entry:,.0f} bytes an entry on disk in all). "
        f"Target: {TARGET:,} durable entries/s. Every log passes `verify_log` afterwards.",
        "",
        table(["path", "entries/s"], [[a, b] for a, b in rows], "lr"),
        "",
        f"Target {'met' if met else '**not met**'} (best path {best:,.0f} entries/s). "
        + _why(f, per_commit),
    ]
    return "\n".join(lines), met


def _why(f: Figures, per_commit: int) -> str:
    n = f.count
    action_ms = f.acting / f.services * 1000
    fsync_share = min(f.fsync_ms / action_ms, 1.0)
    best, limit = n / f.one_transaction, n / f.sqlite
    return (
        f"(1) The services path takes {action_ms:.1f} ms an action; the commit's fsync "
        f"({f.fsync_ms:.1f} ms on this disk now) is {fsync_share:.0%} of it, the rest is "
        "the services' own work (validation, screening, the movement and event rows, the "
        "entry's canonical JSON and commitment) in one Python process, so it stays in the "
        "hundreds a second and grouping commits alone would not lift it much. "
        "(2) The batch paths pay one fsync per transaction, but every entry carries the "
        "operator's copy of its confidential payload (a JSON column), and plain sqlite3 "
        f"itself stores only {limit:,.0f} of these rows a second here: the target is about "
        "SQLite's own limit for them on this box. corridor's best batch path "
        f"reaches {best:,.0f} ({best / limit:.0%} of that limit), "
        f"{_rate(n, f.log_only)} without the payload copy; the rest goes to SQLAlchemy's "
        "per-row parameter processing (JSON, timestamps) and to integration reading tiles "
        "back. `LogEntryRepository.append`, as the services call it, builds one INSERT "
        f"statement per entry ({f.per_row / n * 1e6:.0f} µs an entry), and the sequencer "
        "numbers pending entries with one UPDATE each and reads them back. What would "
        "close the gap: a batch append that stores entries numbered and integrates them "
        "in the same transaction with executemany (the prototype row), the payload copy "
        "kept apart from the log's hot table, and on PostgreSQL several writers. Building "
        f"entries (canonical JSON and commitment, in Python) runs at {_rate(n, f.building)}/s "
        "and is not counted above."
    )


def run(movements: int, count: int, per_commit: int) -> tuple[str, bool]:
    return report(measure(movements, count, per_commit), movements, per_commit)


def _disk() -> Path:
    """A directory on the repository's disk (a tmpfs /tmp would fake the fsyncs)."""
    directory = project_root() / "var"
    directory.mkdir(exist_ok=True)
    return directory


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--movements", type=int, default=250)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--per-commit", type=int, default=2_000)
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    args = parser.parse_args(argv)
    text, _met = run(args.movements, args.entries, args.per_commit)
    print(text)
    if not args.no_write:
        write_section("log-durable", text)


if __name__ == "__main__":
    main()
