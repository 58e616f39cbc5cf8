"""The tree's right edge kept between integrations (``ledger.edge``): used only for the
tree the committed checkpoint names, read from the tiles again whenever it is stale."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_testing import entries as _entries

from corridor.ledger.edge import LastEdge, TreeEdge, edge_from_tiles
from corridor.ledger.log import LogCorruptionError, integrate, verify_log
from corridor.ledger.logstore import (
    CrashPoint,
    FaultyLogStorage,
    InjectedCrash,
    MemoryLogStorage,
    StrictLogStorage,
)
from corridor.ledger.merkle import MemoryTree, range_nodes
from corridor.ledger.note import Ed25519Signer
from corridor.ledger.tiles import BundleId, TileId, partial_tiles

ORIGIN = "log.corridor.example/edge"
SIGNER = Ed25519Signer.generate(ORIGIN)
VKEY = SIGNER.verifier().vkey


class CountingStorage(StrictLogStorage):
    """Counts the tiles read: none when the kept edge is used."""

    def __init__(self) -> None:
        super().__init__()
        self.tile_reads = 0

    def read_tile(self, tile: TileId) -> bytes | None:
        self.tile_reads += 1
        return super().read_tile(tile)


def _stored_edge(storage: MemoryLogStorage, size: int) -> TreeEdge:
    def read(tile: TileId) -> bytes:
        data = storage.read_tile(tile)
        assert data is not None
        return data

    return edge_from_tiles(size, read)


def _append(
    storage: MemoryLogStorage, last: LastEdge | None, entries: list[bytes], logged: list[bytes]
) -> None:
    """Integrate ``entries`` after ``logged`` and check the result against the entries."""
    result = integrate(storage, entries, SIGNER, ORIGIN, first_index=len(logged), last=last)
    logged += entries
    assert result.checkpoint.root == MemoryTree(logged).root()
    assert verify_log(storage, VKEY).checkpoint.size == len(logged)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=1, max_size=6))
def test_the_kept_edge_is_the_stored_one(counts: list[int]) -> None:
    """After each batch, the edge kept is what reading the stored tiles gives, and its
    bundle is the stored partial bundle."""
    storage, last, logged = StrictLogStorage(), LastEdge(), []
    for count in counts:
        _append(storage, last, _entries(len(logged), count), logged)
        checkpoint = verify_log(storage, VKEY).checkpoint
        kept = last.matching(checkpoint)
        assert kept is not None
        stored = _stored_edge(storage, len(logged))
        assert (kept.size, kept.root, kept.subtrees, kept.tiles) == (
            stored.size,
            stored.root,
            stored.subtrees,
            stored.tiles,
        )
        full, width = divmod(len(logged), 256)
        assert kept.bundle == (storage.read_bundle(BundleId(full, width)) if width else b"")


def test_the_edge_of_a_tree_comes_from_its_partial_tiles_alone() -> None:
    tree, storage = MemoryTree(), StrictLogStorage()
    logged: list[bytes] = []
    read: list[TileId] = []

    def reading(tile: TileId) -> bytes:
        read.append(tile)
        return storage.tiles[tile]

    for size in (1, 255, 256, 257, 511, 512, 65535, 65536, 65537, 70000):
        _append(storage, None, _entries(len(logged), size - len(logged)), logged)
        while tree.size < size:
            tree.append(logged[tree.size])
        read.clear()
        edge = edge_from_tiles(size, reading)
        assert sorted(read) == sorted(partial_tiles(size))
        assert edge.root == tree.root()
        assert list(edge.subtrees) == tree.read_hashes(range_nodes(0, size))


def test_a_kept_edge_reads_no_tiles() -> None:
    storage, last, logged = CountingStorage(), LastEdge(), []
    _append(storage, last, _entries(0, 300), logged)
    for _ in range(3):
        _append(storage, last, _entries(len(logged), 7), logged)
    storage.tile_reads = 0  # verify_log read tiles: count only the integration's reads
    integrate(storage, _entries(len(logged), 3), SIGNER, ORIGIN, first_index=len(logged), last=last)
    assert storage.tile_reads == 0


def test_two_writers_on_one_log_in_turns_each_find_their_edge_stale() -> None:
    """Two processes on one database: each one's kept edge is stale after the other's
    batch, is not used, and the root is still right."""
    storage, logged = CountingStorage(), []
    first, second = LastEdge(), LastEdge()
    for turn in range(6):
        last = first if turn % 2 == 0 else second
        storage.tile_reads = 0
        integrate(
            storage, _entries(len(logged), 5 + turn), SIGNER, ORIGIN,
            first_index=len(logged), last=last,
        )  # fmt: skip
        assert (storage.tile_reads > 0) == (turn > 0)  # never the other's edge
        logged += _entries(len(logged), 5 + turn)
        checkpoint = verify_log(storage, VKEY).checkpoint
        assert checkpoint.root == MemoryTree(logged).root()
        other = second if last is first else first
        assert other.matching(checkpoint) is None
        assert last.matching(checkpoint) is not None


def test_an_edge_of_a_batch_that_was_rolled_back_is_not_used() -> None:
    """The writer's transaction did not commit (the storage is as before it), and another
    writer appended other entries, as many: same size, another root."""
    storage, last, logged = StrictLogStorage(), LastEdge(), []
    _append(storage, last, _entries(0, 40), logged)
    before = (
        dict(storage.tiles),
        dict(storage.bundles),
        storage.checkpoint,
        dict(storage.committed),
    )
    integrate(storage, _entries(40, 4, tag="lost"), SIGNER, ORIGIN, first_index=40, last=last)
    storage.tiles, storage.bundles, storage.checkpoint, storage.committed = before  # rolled back
    _append(storage, None, _entries(40, 4, tag="other"), logged)  # another process
    committed = verify_log(storage, VKEY).checkpoint
    kept = last._edge  # the lost batch's edge: the same size, another root
    assert kept is not None and kept.size == committed.size and kept.root != committed.root
    assert last.matching(committed) is None
    _append(storage, last, _entries(44, 3), logged)
    assert verify_log(storage, VKEY).checkpoint.root == MemoryTree(logged).root()


def test_a_stale_edge_over_corrupt_tiles_is_refused() -> None:
    """Stale, so the tiles are read, and checked against the root, as without a kept edge."""
    storage, last, logged = StrictLogStorage(), LastEdge(), []
    _append(storage, last, _entries(0, 600), logged)
    _append(storage, None, _entries(600, 2), logged)  # another writer: the edge is stale
    storage.tiles[TileId(1, 0, 2)] = bytes(64)
    with pytest.raises(LogCorruptionError):
        integrate(storage, _entries(602, 1), SIGNER, ORIGIN, first_index=602, last=last)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 600),
    st.integers(0, 600),
    st.lists(st.tuples(st.integers(0, 12), st.sampled_from(CrashPoint)), max_size=4),
)
def test_crashes_with_a_kept_edge_lose_nothing(
    pre: int, count: int, crashes: list[tuple[int, CrashPoint]]
) -> None:
    storage, last, logged = StrictLogStorage(), LastEdge(), []
    _append(storage, last, _entries(0, pre), logged)
    batch = _entries(pre, count)
    for crash_at, point in crashes:
        faulty = FaultyLogStorage(storage, crash_at, point)
        with contextlib.suppress(InjectedCrash):
            integrate(faulty, batch, SIGNER, ORIGIN, first_index=pre, last=last)
        verify_log(storage, VKEY)
    result = integrate(storage, batch, SIGNER, ORIGIN, first_index=pre, last=last)
    assert result.checkpoint.root == MemoryTree([*logged, *batch]).root()
    assert verify_log(storage, VKEY).checkpoint.size == pre + count
    _append(storage, last, _entries(pre + count, 3), [*logged, *batch])


def test_small_and_large_batches_keep_the_stored_edge() -> None:
    """A few leaves are carried into the compact range, a large batch's range is read
    from its new partial tiles: either way the stored edge."""
    storage, last, logged = StrictLogStorage(), LastEdge(), []
    for count in (5, 1000, 3, 257, 256, 1):
        _append(storage, last, _entries(len(logged), count), logged)
        kept = last.matching(verify_log(storage, VKEY).checkpoint)
        stored = _stored_edge(storage, len(logged))
        assert kept is not None
        assert (kept.subtrees, kept.tiles) == (stored.subtrees, stored.tiles)
