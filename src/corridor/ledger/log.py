"""The pure core of the sequencer: append a batch to a tiled log, and check a whole log.

The log lives in a ``LogStorage``: entry bundles and hash tiles (C2SP tlog-tiles), and
one signed checkpoint replaced only by compare-and-swap on the tree size. That swap is
the single commit point: whatever was written before it is invisible until it succeeds,
and everything it publishes was written before it. Tiles and bundles at a path are a
function of the entries before them, so a re-run after a crash writes the same bytes
again; writing *different* bytes at a path means two entries were given one index.

Entries are numbered by the caller before integration (``first_index``): a re-run with
the same batch after a crash anywhere, even after the commit, converges to the same log
with every entry exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Literal, Protocol

from corridor.ledger.checkpoint import Checkpoint, CheckpointError, parse_checkpoint
from corridor.ledger.edge import LastEdge, TreeEdge, edge_from_tiles, grow
from corridor.ledger.merkle import EMPTY_ROOT, leaf_hash, root_hash
from corridor.ledger.note import (
    NoteError,
    Signer,
    ed25519_verifier,
    open_note,
    sign_note,
    split_note,
)
from corridor.ledger.tiles import (
    MAX_ENTRY_SIZE,
    TILE_WIDTH,
    BundleId,
    TileDataError,
    TileHashReader,
    TileId,
    build_tiles,
    bundle_at,
    decode_bundle,
    encode_bundle,
    partial_tiles,
)


class LogError(Exception):
    """Base of log errors."""


class LogConflictError(LogError):
    """The batch leaves a gap, or disagrees with entries already in the log."""


class CheckpointRaceError(LogError):
    """Another writer moved the checkpoint between our read and our swap."""


class LogCorruptionError(LogError):
    """Stored data that does not match what the entries say it must be."""


class LogStorage(Protocol):
    """Where a tiled log keeps its bundles, tiles and checkpoint.

    Writes of a tile or bundle are atomic per object. Reads return None when absent.
    """

    def read_tile(self, tile: TileId) -> bytes | None: ...

    def write_tile(self, tile: TileId, data: bytes) -> None: ...

    def read_bundle(self, bundle: BundleId) -> bytes | None: ...

    def write_bundle(self, bundle: BundleId, data: bytes) -> None: ...

    def read_checkpoint(self) -> bytes | None:
        """The signed checkpoint note last committed, None for a log never started."""
        ...

    def swap_checkpoint(self, expected_size: int | None, new_size: int, signed: bytes) -> bool:
        """Atomically replace the checkpoint iff its size is ``expected_size`` (None:
        no checkpoint yet); False when it was not."""
        ...


class _Unread(Enum):
    UNREAD = "unread"


UNREAD: Literal[_Unread.UNREAD] = _Unread.UNREAD
"""``integrate``'s default: the committed checkpoint is read from the storage."""


@dataclass(frozen=True)
class Integrated:
    """The outcome of ``integrate``: the committed checkpoint after the batch."""

    first_index: int
    checkpoint: Checkpoint
    signed_checkpoint: bytes


def integrate(
    storage: LogStorage,
    new_entries: Sequence[bytes],
    signer: Signer,
    origin: str,
    *,
    first_index: int,
    last: LastEdge | None = None,
    committed: bytes | Literal[_Unread.UNREAD] | None = UNREAD,
) -> Integrated:
    """Append ``new_entries``, numbered from ``first_index``, and commit a checkpoint.

    Idempotent: entries already in the log (same bytes, same index) are skipped, so the
    caller re-runs the same batch after any failure. Raises LogConflictError on a gap or
    a mismatch, CheckpointRaceError if another writer committed meanwhile. ``last``: the
    edge of the tree this writer committed last (``ledger.edge``), kept up to date here.
    ``committed``: the signed checkpoint (None: none yet) as the caller just read it from
    ``storage``, in the same transaction as the swap, instead of reading it again here.
    """
    if any(len(entry) > MAX_ENTRY_SIZE for entry in new_entries):
        raise ValueError(f"log entries are at most {MAX_ENTRY_SIZE} bytes")
    # 1. Read the committed state, and the right edge of its tree that we build on: the
    #    one ``last`` kept if the checkpoint names its size and root, else read from the
    #    stored tiles and checked to give that root. Nothing is written; a crash here
    #    leaves nothing behind.
    signed = storage.read_checkpoint() if committed is UNREAD else committed
    current = _committed(signed, origin)
    edge = _edge(storage, current, last)
    todo = _not_yet_logged(storage, current.size, new_entries, first_index)
    if signed is not None and not todo:
        return Integrated(first_index, current, signed)
    old_size, new_size = current.size, current.size + len(todo)
    # 2. Write the entry bundles. A crash here leaves bundles past the checkpoint that
    #    no checkpoint publishes; a re-run rewrites them with the same bytes.
    bundle = _write_bundles(storage, edge, todo)
    # 3. Write the hash tiles, level 0 first. A crash here leaves the same: unpublished
    #    tiles past the checkpoint, rewritten identically by a re-run.
    leaves = [leaf_hash(e) for e in todo]
    written = _write_tiles(storage, edge, leaves)
    # 4. The new edge and root, from the old edge and what was just written. Nothing is
    #    written; a crash leaves step 3's state.
    grown = grow(edge, leaves, written, bundle)
    # 5. Sign the checkpoint. Ed25519 is deterministic, so a re-run signs the same bytes.
    checkpoint = Checkpoint(origin, new_size, grown.root)
    signed_new = sign_note(checkpoint.text(), [signer])
    # 6. Commit: swap the checkpoint if the tree size is still old_size. Before the
    #    swap the log is unchanged; after it, every tile it names is in place. A crash
    #    after the swap but before the caller hears of it is harmless: the re-run
    #    finds its entries logged at the same indexes and returns this checkpoint.
    if not storage.swap_checkpoint(current.size if signed else None, new_size, signed_new):
        raise CheckpointRaceError(f"the checkpoint moved away from size {old_size}")
    # 7. Keep the new edge for our next batch. Should the caller's transaction not
    #    commit, no checkpoint will name this size and root, and it goes unused.
    if last is not None:
        last.remember(grown)
    return Integrated(first_index, checkpoint, signed_new)


def _edge(storage: LogStorage, current: Checkpoint, last: LastEdge | None) -> TreeEdge:
    """The edge of the committed tree: kept in ``last``, or read and checked."""
    kept = None if last is None else last.matching(current)
    if kept is not None:
        return kept
    edge = edge_from_tiles(current.size, lambda tile: _read_tile(storage, tile))
    if edge.root != current.root:
        raise LogCorruptionError(f"the stored tiles do not give the root at {current.size}")
    return edge


def _committed(signed: bytes | None, origin: str) -> Checkpoint:
    """The committed checkpoint (the empty tree for a log never started)."""
    if signed is None:
        return Checkpoint(origin, 0, EMPTY_ROOT)
    try:
        checkpoint = parse_checkpoint(split_note(signed)[0])
    except (NoteError, CheckpointError) as exc:
        raise LogCorruptionError(f"stored checkpoint: {exc}") from exc
    if checkpoint.origin != origin:
        raise LogConflictError(f"this log is {checkpoint.origin!r}, not {origin!r}")
    return checkpoint


def _not_yet_logged(
    storage: LogStorage, size: int, entries: Sequence[bytes], first_index: int
) -> Sequence[bytes]:
    """The tail of the batch past the tree size, after checking the overlap matches."""
    if not 0 <= first_index <= size:
        raise LogConflictError(f"batch starts at {first_index}, the log has {size} entries")
    overlap = min(size - first_index, len(entries))
    if overlap and read_entries(storage, size, first_index, first_index + overlap) != list(
        entries[:overlap]
    ):
        raise LogConflictError(f"entries from {first_index} differ from those logged")
    return entries[overlap:]


def _write_bundles(storage: LogStorage, edge: TreeEdge, entries: Sequence[bytes]) -> bytes:
    """Write every bundle the entries change; the new partial bundle's bytes."""
    first, width = divmod(edge.size, TILE_WIDTH)
    data = edge.bundle
    if data is None:
        data = _read_bundle_bytes(storage, BundleId(first, width)) if width else b""
    if not entries:
        return data
    room = TILE_WIDTH - width
    chunks = [entries[:room], *_chunks(entries[room:], TILE_WIDTH)]
    for n, chunk in enumerate(chunks, start=first):
        data = (data if n == first else b"") + encode_bundle(chunk)
        bundle = BundleId(n, (width if n == first else 0) + len(chunk))
        storage.write_bundle(bundle, data)
    return b"" if bundle.full else data


def _chunks(entries: Sequence[bytes], size: int) -> list[Sequence[bytes]]:
    return [entries[i : i + size] for i in range(0, len(entries), size)]


def _write_tiles(
    storage: LogStorage, edge: TreeEdge, leaf_hashes: Sequence[bytes]
) -> dict[TileId, bytes]:
    """Write every tile the new leaves change; those tiles, as written."""
    tiles = build_tiles(edge.size, edge.tiles, leaf_hashes)
    for tile in sorted(tiles):
        storage.write_tile(tile, tiles[tile])
    return tiles


# --- Reading a log ------------------------------------------------------------------


def _read_tile(storage: LogStorage, tile: TileId) -> bytes:
    data = storage.read_tile(tile)
    if data is None:
        raise LogCorruptionError(f"missing tile {tile}")
    return data


def _read_bundle_bytes(storage: LogStorage, bundle: BundleId) -> bytes:
    """The stored bytes of ``bundle``, checked to hold its ``width`` entries."""
    data = storage.read_bundle(bundle)
    if data is None:
        raise LogCorruptionError(f"missing entry bundle {bundle}")
    try:
        decode_bundle(data, bundle.width)
    except TileDataError as exc:
        raise LogCorruptionError(f"entry bundle {bundle}: {exc}") from exc
    return data


def _read_bundle(storage: LogStorage, bundle: BundleId) -> list[bytes]:
    data = storage.read_bundle(bundle)
    if data is None:
        raise LogCorruptionError(f"missing entry bundle {bundle}")
    try:
        return decode_bundle(data, bundle.width)
    except TileDataError as exc:
        raise LogCorruptionError(f"entry bundle {bundle}: {exc}") from exc


def tile_hash_reader(storage: LogStorage, size: int) -> TileHashReader:
    """A merkle HashReader over the stored tiles of the tree of ``size`` leaves."""
    return TileHashReader(size, lambda tile: _read_tile(storage, tile))


def read_entries(storage: LogStorage, size: int, start: int, end: int) -> list[bytes]:
    """Entries ``start`` to ``end`` (excluded) as published at tree size ``size``."""
    if not 0 <= start <= end <= size:
        raise ValueError(f"entries [{start}, {end}) are not in a tree of size {size}")
    entries: list[bytes] = []
    for n in range(start // TILE_WIDTH, -(-end // TILE_WIDTH)):
        bundle = _read_bundle(storage, bundle_at(n, size))
        lo = max(start - n * TILE_WIDTH, 0)
        entries += bundle[lo : end - n * TILE_WIDTH]
    return entries


# --- fsck ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LogReport:
    """What ``verify_log`` checked."""

    checkpoint: Checkpoint
    entries: int
    tiles: int


def verify_log(storage: LogStorage, log_vkey: str) -> LogReport:
    """Rebuild the tree from every entry bundle; check every tile and the checkpoint.

    Raises LogCorruptionError on the first difference. Memory stays O(log n): only the
    rightmost partial tile of each level is kept while the bundles stream by.
    """
    checkpoint = _verified_checkpoint(storage, log_vkey)
    frontier: dict[TileId, bytes] = {}
    checked = 0
    for start, entries in _bundles(storage, checkpoint.size):
        tiles = build_tiles(start, frontier, [leaf_hash(e) for e in entries])
        checked += _check_full_tiles(storage, tiles)
        frontier = _frontier({**frontier, **tiles}, start + len(entries))
    checked += _check_tiles(storage, frontier)
    root = root_hash(checkpoint.size, tile_hash_reader(storage, checkpoint.size))
    if root != checkpoint.root:
        raise LogCorruptionError("the checkpoint root is not the root of the entries")
    return LogReport(checkpoint, checkpoint.size, checked)


def _verified_checkpoint(storage: LogStorage, log_vkey: str) -> Checkpoint:
    signed = storage.read_checkpoint()
    if signed is None:
        raise LogCorruptionError("the log has no checkpoint")
    try:
        return parse_checkpoint(open_note(signed, [ed25519_verifier(log_vkey)]).text)
    except (NoteError, CheckpointError) as exc:
        raise LogCorruptionError(f"checkpoint: {exc}") from exc


def _bundles(storage: LogStorage, size: int) -> Iterator[tuple[int, list[bytes]]]:
    for n in range(-(-size // TILE_WIDTH)):
        yield n * TILE_WIDTH, _read_bundle(storage, bundle_at(n, size))


def _frontier(tiles: dict[TileId, bytes], size: int) -> dict[TileId, bytes]:
    return {tile: tiles[tile] for tile in partial_tiles(size)}


def _check_full_tiles(storage: LogStorage, tiles: dict[TileId, bytes]) -> int:
    return _check_tiles(storage, {t: data for t, data in tiles.items() if t.full})


def _check_tiles(storage: LogStorage, tiles: dict[TileId, bytes]) -> int:
    for tile, expected in tiles.items():
        if storage.read_tile(tile) != expected:
            raise LogCorruptionError(f"tile {tile} is missing or differs from the entries")
    return len(tiles)
