"""Watch lists: sources, versions, and a set of lists that reloads without a restart.

A `ListSource` names a file, its format and optionally its name and date. The
`WatchListSet` reads every source, builds one `NameIndex` over all their entities, and
on `reload()` rebuilds only when a file's content changed, swapping the new snapshot in
with one assignment: a screening that already holds a snapshot finishes on it.

`reload()` runs before every screening, so it reads a file's content (SHA-256) only when
its status (size, modification time, inode) changed or is too recent to trust: a file
changed twice within its file system's timestamp granularity could otherwise keep its
status. A status whose modification time is `SETTLED_AFTER` older than the moment the
content was last read is settled (git's "racily clean" rule): any later change gives a
later time.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from corridor.screening.entity import WatchEntity
from corridor.screening.errors import WatchListError
from corridor.screening.index import NameIndex
from corridor.screening.readers import (
    ReadResult,
    read_ftm_jsonl,
    read_own_csv,
    read_targets_simple,
)

SETTLED_AFTER = 5_000_000_000  # ns; beyond any file system's timestamp granularity (FAT: 2 s)
FileStatus = tuple[int, int, int, int]  # device, inode, size, modification time (ns)

FORMATS: dict[str, Callable[[Path, str], ReadResult]] = {
    "ftm": read_ftm_jsonl,
    "targets": read_targets_simple,
    "own": read_own_csv,
}


@dataclass(frozen=True)
class ListSource:
    """Where a list comes from; name defaults to the file's stem, format to its shape."""

    path: Path
    name: str | None = None
    format: str | None = None
    date: str | None = None

    @classmethod
    def parse(cls, text: str) -> ListSource:
        """Read a command-line spec: `PATH`, `NAME=PATH` or `NAME:FORMAT=PATH`."""
        label, sep, path = text.partition("=")
        if not sep:
            return cls(Path(text))
        name, _, fmt = label.partition(":")
        return cls(Path(path), name=name or None, format=fmt or None)


@dataclass(frozen=True)
class ListVersion:
    """Which list, of which date and content, an assessment used."""

    name: str
    date: str
    sha256: str
    entities: int
    format: str


@dataclass(frozen=True)
class WatchList:
    version: ListVersion
    entities: tuple[WatchEntity, ...]


@dataclass(frozen=True)
class ListSnapshot:
    """The lists in force and the index over them; never changes once built."""

    lists: tuple[WatchList, ...]
    index: NameIndex

    @property
    def versions(self) -> tuple[ListVersion, ...]:
        return tuple(w.version for w in self.lists)


def load_list(source: ListSource) -> WatchList:
    """Read one list; raise `WatchListError` with the file and line on bad input."""
    fmt = source.format or detect_format(source.path)
    if fmt not in FORMATS:
        raise WatchListError(f"{source.path}: unknown list format {fmt!r}")
    digest = _digest(source.path)
    name = source.name or source.path.name.split(".")[0]
    try:
        entities, newest = FORMATS[fmt](source.path, name)
    except (UnicodeDecodeError, ValueError) as error:
        raise WatchListError(f"{source.path}: unreadable ({error})") from None
    date = source.date or newest or _modified_date(source.path)
    version = ListVersion(name, date, digest, len(entities), fmt)
    return WatchList(version, tuple(entities))


def detect_format(path: Path) -> str:
    """FtM for .json/.jsonl; targets.simple.csv by its columns; otherwise our own CSV."""
    if path.suffix in (".json", ".jsonl", ".ndjson"):
        return "ftm"
    try:
        with path.open(encoding="utf-8") as handle:
            header = handle.readline()
    except OSError as error:
        raise WatchListError(f"{path}: cannot read ({error.strerror})") from None
    columns = {c.strip() for c in header.split(",")}
    return "targets" if {"sanctions", "first_seen"} <= columns else "own"


def build_snapshot(sources: Sequence[ListSource]) -> ListSnapshot:
    lists = tuple(load_list(s) for s in sources)
    names = [w.version.name for w in lists]
    if len(set(names)) != len(names):
        raise WatchListError(f"two lists share a name: {', '.join(sorted(names))}")
    entities = [e for w in lists for e in w.entities]
    return ListSnapshot(lists, NameIndex(entities))


class WatchListSet:
    """Several lists at once; `current` is always a complete snapshot."""

    def __init__(self, sources: Sequence[ListSource]) -> None:
        self._sources = tuple(sources)
        self._lock = threading.Lock()
        self._settled: tuple[FileStatus, ...] | None = None  # statuses read and settled
        read_at, statuses = time.time_ns(), self._read_statuses()
        self._digests = self._read_digests()
        self._snapshot = build_snapshot(self._sources)
        self._remember(statuses, read_at)

    @property
    def current(self) -> ListSnapshot:
        return self._snapshot

    def reload(self) -> bool:
        """Rebuild if any file changed; return whether it did. A bad file keeps the old."""
        with self._lock:
            read_at, statuses = time.time_ns(), self._read_statuses()
            if statuses == self._settled:
                return False
            digests = self._read_digests()
            changed = digests != self._digests
            if changed:
                self._snapshot = build_snapshot(self._sources)
                self._digests = digests
            self._remember(statuses, read_at)
            return changed

    def _read_digests(self) -> tuple[str, ...]:
        return tuple(_digest(s.path) for s in self._sources)

    def _read_statuses(self) -> tuple[FileStatus, ...]:
        return tuple(_status(s.path) for s in self._sources)

    def _remember(self, statuses: tuple[FileStatus, ...], read_at: int) -> None:
        """Trust these statuses from now on if every file was last changed well before
        its content was read (`read_at`, taken before the statuses)."""
        settled = all(status[3] < read_at - SETTLED_AFTER for status in statuses)
        self._settled = statuses if settled else None


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise WatchListError(f"{path}: cannot read ({error.strerror})") from None


def _status(path: Path) -> FileStatus:
    try:
        found = os.stat(path)
    except OSError as error:
        raise WatchListError(f"{path}: cannot read ({error.strerror})") from None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns


def _modified_date(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date().isoformat()
