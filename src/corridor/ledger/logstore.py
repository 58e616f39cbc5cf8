"""In-memory ``LogStorage`` implementations: a plain one, a strict fake that enforces
immutability, and a wrapper that injects crashes. The strict fake and the crashing
wrapper are what the integration tests run every scenario against.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from corridor.ledger.log import LogError, LogStorage
from corridor.ledger.tiles import BundleId, TileId

T = TypeVar("T")


class MemoryLogStorage:
    """A log kept in dictionaries; writes overwrite, like a plain object store."""

    def __init__(self) -> None:
        self.tiles: dict[TileId, bytes] = {}
        self.bundles: dict[BundleId, bytes] = {}
        self.checkpoint: tuple[int, bytes] | None = None
        self._lock = threading.Lock()

    def read_tile(self, tile: TileId) -> bytes | None:
        return self.tiles.get(tile)

    def write_tile(self, tile: TileId, data: bytes) -> None:
        self.tiles[tile] = bytes(data)

    def read_bundle(self, bundle: BundleId) -> bytes | None:
        return self.bundles.get(bundle)

    def write_bundle(self, bundle: BundleId, data: bytes) -> None:
        self.bundles[bundle] = bytes(data)

    def read_checkpoint(self) -> bytes | None:
        return None if self.checkpoint is None else self.checkpoint[1]

    def swap_checkpoint(self, expected_size: int | None, new_size: int, signed: bytes) -> bool:
        with self._lock:
            current_size = None if self.checkpoint is None else self.checkpoint[0]
            if current_size != expected_size:
                return False
            self.checkpoint = (new_size, bytes(signed))
            return True


class ImmutableRewriteError(LogError):
    """A write would change bytes that were already written at an immutable path."""


class StrictLogStorage(MemoryLogStorage):
    """A fake that fails on any rewrite with different bytes.

    Full tiles and bundles are immutable by the spec. Partial ones are too, in
    practice: the bytes at a path are a function of the entries before it, so a
    difference means an index was reused. A checkpoint committed at a tree size is
    never replaced by a different one at that size, and the size never goes down.
    """

    def __init__(self) -> None:
        super().__init__()
        self.committed: dict[int, bytes] = {}

    def write_tile(self, tile: TileId, data: bytes) -> None:
        _check_same(self.tiles.get(tile), data, f"tile {tile}")
        super().write_tile(tile, data)

    def write_bundle(self, bundle: BundleId, data: bytes) -> None:
        _check_same(self.bundles.get(bundle), data, f"bundle {bundle}")
        super().write_bundle(bundle, data)

    def swap_checkpoint(self, expected_size: int | None, new_size: int, signed: bytes) -> bool:
        _check_same(self.committed.get(new_size), signed, f"checkpoint at size {new_size}")
        if expected_size is not None and new_size < expected_size:
            raise ImmutableRewriteError(f"checkpoint rolled back from {expected_size}")
        swapped = super().swap_checkpoint(expected_size, new_size, signed)
        if swapped:
            self.committed[new_size] = bytes(signed)
        return swapped


def _check_same(old: bytes | None, new: bytes, what: str) -> None:
    if old is not None and old != new:
        raise ImmutableRewriteError(f"{what} rewritten with different bytes")


class InjectedCrash(Exception):
    """The crash a FaultyLogStorage injects (not a LogError: nothing handles it)."""


class CrashPoint(Enum):
    BEFORE = "before"  # the write is not done, then the process dies
    AFTER = "after"  # the write is done (durable), then the process dies


class FaultyLogStorage:
    """Wraps a storage and crashes at the ``crash_at``-th write (0-based), before or
    after performing it; ``writes`` counts the writes attempted so far."""

    def __init__(
        self, inner: LogStorage, crash_at: int | None, point: CrashPoint = CrashPoint.BEFORE
    ) -> None:
        self.inner, self.crash_at, self.point = inner, crash_at, point
        self.writes = 0

    def read_tile(self, tile: TileId) -> bytes | None:
        return self.inner.read_tile(tile)

    def read_bundle(self, bundle: BundleId) -> bytes | None:
        return self.inner.read_bundle(bundle)

    def read_checkpoint(self) -> bytes | None:
        return self.inner.read_checkpoint()

    def write_tile(self, tile: TileId, data: bytes) -> None:
        self._write(lambda: self.inner.write_tile(tile, data))

    def write_bundle(self, bundle: BundleId, data: bytes) -> None:
        self._write(lambda: self.inner.write_bundle(bundle, data))

    def swap_checkpoint(self, expected_size: int | None, new_size: int, signed: bytes) -> bool:
        return self._write(lambda: self.inner.swap_checkpoint(expected_size, new_size, signed))

    def _write(self, write: Callable[[], T]) -> T:
        crash = self.writes == self.crash_at
        self.writes += 1
        if crash and self.point is CrashPoint.BEFORE:
            raise InjectedCrash(f"crash before write {self.writes - 1}")
        result = write()
        if crash:
            raise InjectedCrash(f"crash after write {self.writes - 1}")
        return result
