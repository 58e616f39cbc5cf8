"""C2SP tlog-tiles: paths, bundles, growing tiles, and reading proofs from tiles."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.ledger.merkle import MemoryTree, consistency_proof, inclusion_proof, root_hash
from corridor.ledger.tiles import (
    MAX_ENTRY_SIZE,
    TILE_WIDTH,
    BundleId,
    TileDataError,
    TileHashReader,
    TileId,
    TilePathError,
    build_tiles,
    bundle_path,
    changed_bundles,
    changed_tiles,
    decode_bundle,
    encode_bundle,
    format_index,
    parse_path,
    partial_tiles,
    split_hashes,
    tile_path,
)


@pytest.mark.parametrize(
    ("n", "encoded"),
    [
        (0, "000"),
        (5, "005"),
        (999, "999"),
        (1000, "x001/000"),
        (1234067, "x001/x234/067"),
        (10**9, "x001/x000/x000/000"),
    ],
)
def test_index_encoding(n: int, encoded: str) -> None:
    assert format_index(n) == encoded


def test_paths_from_the_spec() -> None:
    assert tile_path(TileId(0, 1234067)) == "tile/0/x001/x234/067"
    assert tile_path(TileId(63, 0, 255)) == "tile/63/000.p/255"
    assert bundle_path(BundleId(1234067, 1)) == "tile/entries/x001/x234/067.p/1"


ids = st.one_of(
    st.builds(TileId, st.integers(0, 63), st.integers(0, 10**12), st.integers(1, TILE_WIDTH)),
    st.builds(BundleId, st.integers(0, 10**12), st.integers(1, TILE_WIDTH)),
)


@settings(max_examples=300, deadline=None)
@given(ids)
def test_paths_round_trip(tile: TileId | BundleId) -> None:
    path = bundle_path(tile) if isinstance(tile, BundleId) else tile_path(tile)
    assert parse_path(path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/5",
        "tile/0/0005",
        "tile/0/x000/005",
        "tile/0/001/002",
        "tile/0/x001",
        "tile/0/X001/000",
        "tile/00/000",
        "tile/01/000",
        "tile/64/000",
        "tile/-1/000",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/010",
        "tile/0/000.p/",
        "tile/0/000.p/5/",
        "tile/0/000.p",
        "tile/entries/000.p/300",
        "tile/entries/x0/000",
        "/tile/0/000",
        "tile/0/000/",
        "tile//000",
        "tile/data/000",
        "tile/0/00a",
        "tile/0/٠٠٠",
        "tile/0/000\n",
        "tiles/0/000",
        "",
    ],
)
def test_malformed_paths_are_rejected(path: str) -> None:
    with pytest.raises(TilePathError):
        parse_path(path)


def test_tiles_of_a_tree_of_70000_as_in_the_spec() -> None:
    tiles = changed_tiles(0, 70000)
    level0 = [t for t in tiles if t.level == 0]
    assert sum(t.full for t in level0) == 273
    assert [t for t in level0 if not t.full] == [TileId(0, 273, 112)]
    assert [t for t in tiles if t.level == 1] == [TileId(1, 0), TileId(1, 1, 17)]
    assert [t for t in tiles if t.level == 2] == [TileId(2, 0, 1)]
    assert changed_tiles(0, 256) == [TileId(0, 0), TileId(1, 0, 1)]
    assert partial_tiles(70000) == [TileId(0, 273, 112), TileId(1, 1, 17), TileId(2, 0, 1)]


def test_changed_tiles_of_a_small_growth() -> None:
    assert changed_tiles(5, 5) == []
    assert changed_tiles(5, 6) == [TileId(0, 0, 6)]
    assert changed_tiles(255, 256) == [TileId(0, 0), TileId(1, 0, 1)]
    assert changed_tiles(256, 257) == [TileId(0, 1, 1)]
    assert changed_bundles(255, 513) == [BundleId(0), BundleId(1), BundleId(2, 1)]
    with pytest.raises(ValueError, match="does not shrink"):
        changed_tiles(6, 5)


def test_bundles_round_trip_with_length_prefixes() -> None:
    entries = [b"", b"a", bytes(MAX_ENTRY_SIZE), b"\x00\xff" * 10]
    data = encode_bundle(entries)
    assert data[:5] == b"\x00\x00\x00\x01a"
    assert decode_bundle(data, 4) == entries


@pytest.mark.parametrize(
    ("data", "width"),
    [(b"\x00", 1), (b"\x00\x02a", 1), (b"\x00\x01a\x00", 1), (b"\x00\x01a", 2), (b"", 1)],
)
def test_malformed_bundles_are_rejected(data: bytes, width: int) -> None:
    with pytest.raises(TileDataError):
        decode_bundle(data, width)


def test_entries_above_65535_bytes_do_not_fit_a_bundle() -> None:
    with pytest.raises(TileDataError):
        encode_bundle([bytes(MAX_ENTRY_SIZE + 1)])


def test_tile_bytes_must_match_their_width() -> None:
    with pytest.raises(TileDataError):
        split_hashes(bytes(32 * 3), 4)


def _grow(batches: list[int]) -> tuple[MemoryTree, dict[TileId, bytes]]:
    """Grow a tiled tree batch by batch, checking immutability along the way."""
    tree, store = MemoryTree(), {}
    for count in batches:
        old = tree.size
        new_hashes = [tree.levels[0][tree.append(f"e{old + i}".encode())] for i in range(count)]
        partials = {t: store[t] for t in partial_tiles(old)}
        tiles = build_tiles(old, partials, new_hashes)
        assert sorted(tiles) == changed_tiles(old, tree.size)
        for tile, data in tiles.items():
            assert store.get(tile, data) == data, f"{tile} changed"
        store.update(tiles)
    return tree, store


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=1, max_size=8))
def test_tiles_give_the_same_roots_and_proofs(batches: list[int]) -> None:
    tree, store = _grow(batches)
    size = tree.size
    read = TileHashReader(size, store.__getitem__)
    assert root_hash(size, read) == tree.root()
    if size:
        rng = random.Random(size)
        index = rng.randrange(size)
        assert inclusion_proof(index, size, read) == tree.inclusion_proof(index)
        old = rng.randrange(size + 1)
        assert consistency_proof(old, size, read) == tree.consistency_proof(old)


def test_three_levels_of_tiles() -> None:
    tree, store = _grow([1, 65535, 10, 4454])
    size = tree.size
    assert size == 70000
    level1 = store[TileId(1, 1, 17)]
    assert len(level1) == 17 * 32  # only full level 0 tiles are hashed into level 1
    read = TileHashReader(size, store.__getitem__)
    assert root_hash(size, read) == tree.root()
    for index in (0, 255, 256, 65535, 65536, 69999):
        assert inclusion_proof(index, size, read) == tree.inclusion_proof(index)
    for old in (1, 256, 65536, 65537, 69999):
        assert consistency_proof(old, size, read) == tree.consistency_proof(old)


def test_the_tile_reader_reads_each_tile_once_and_only_complete_nodes() -> None:
    tree, store = _grow([600])
    reads: list[TileId] = []

    def read_tile(tile: TileId) -> bytes:
        reads.append(tile)
        return store[tile]

    reader = TileHashReader(600, read_tile)
    assert reader([(0, 1), (1, 3), (3, 5), (8, 1)]) == tree.read_hashes(
        [(0, 1), (1, 3), (3, 5), (8, 1)]
    )
    assert sorted(reads) == [TileId(0, 0), TileId(1, 0, 2)]
    with pytest.raises(ValueError, match="not complete"):
        reader([(4, 37)])  # leaves 592..607 are not all in a tree of 600
    with pytest.raises(ValueError, match="not complete"):
        reader([(0, 600)])
    with pytest.raises(ValueError, match="does not exist"):
        reader([(0, 800)])
