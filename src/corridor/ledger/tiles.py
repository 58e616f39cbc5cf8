"""C2SP tlog-tiles: tile and entry-bundle paths, encodings, and growing the tiles.

A hash tile at level L, index N holds up to 256 consecutive Merkle hashes of tree
level 8*L (8,192 bytes when full); a level 0 tile holds leaf hashes, a hash at level
L+1 is the root of a *full* tile at level L. A partial tile (1 to 255 hashes) is never
hashed into the level above, and full tiles are immutable. Entry bundles hold the
entries themselves, each as a 2-byte big-endian length and the entry bytes.

Paths are relative to the log's prefix:

>>> tile_path(TileId(0, 1234067))
'tile/0/x001/x234/067'
>>> tile_path(TileId(2, 5, 17))
'tile/2/005.p/17'
>>> bundle_path(BundleId(1000, 3))
'tile/entries/x001/000.p/3'
>>> parse_path('tile/1/x001/000')
TileId(level=1, index=1000, width=256)
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from corridor.ledger.merkle import HASH_SIZE, NodeId, node_hash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
TILE_BYTES = TILE_WIDTH * HASH_SIZE
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF


class TilePathError(ValueError):
    """A path that is not a canonical tlog-tiles tile or entry-bundle path."""


class TileDataError(ValueError):
    """Tile or bundle bytes that do not have the expected shape."""


@dataclass(frozen=True, order=True)
class TileId:
    """Hash tile ``index`` at tile ``level``, holding ``width`` hashes (256 = full)."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        _check_coordinates(self.index, self.width)
        if not 0 <= self.level <= MAX_LEVEL:
            raise ValueError(f"tile level {self.level} is outside 0..{MAX_LEVEL}")

    @property
    def full(self) -> bool:
        return self.width == TILE_WIDTH


@dataclass(frozen=True, order=True)
class BundleId:
    """Entry bundle ``index``, holding ``width`` entries (256 = full)."""

    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        _check_coordinates(self.index, self.width)

    @property
    def full(self) -> bool:
        return self.width == TILE_WIDTH


def _check_coordinates(index: int, width: int) -> None:
    if index < 0 or not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"bad tile index {index} or width {width}")


# --- Paths --------------------------------------------------------------------------


def format_index(n: int) -> str:
    """Groups of three digits, all but the last prefixed with 'x'.

    >>> format_index(5), format_index(1000), format_index(1234067)
    ('005', 'x001/000', 'x001/x234/067')
    """
    groups = [f"{n % 1000:03d}"]
    while n >= 1000:
        n //= 1000
        groups.append(f"x{n % 1000:03d}")
    return "/".join(reversed(groups))


def _suffix(width: int) -> str:
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(tile: TileId) -> str:
    return f"tile/{tile.level}/{format_index(tile.index)}{_suffix(tile.width)}"


def bundle_path(bundle: BundleId) -> str:
    return f"tile/entries/{format_index(bundle.index)}{_suffix(bundle.width)}"


_PATH = re.compile(
    r"tile/(?P<level>entries|0|[1-9][0-9]?)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


def parse_path(path: str) -> TileId | BundleId:
    """Parse a canonical tile or entry-bundle path; anything else raises TilePathError.

    >>> parse_path('tile/entries/x001/000.p/3')
    BundleId(index=1000, width=3)
    >>> parse_path('tile/0/x000/005')
    Traceback (most recent call last):
    ...
    corridor.ledger.tiles.TilePathError: not a canonical tile path: 'tile/0/x000/005'
    """
    match = _PATH.fullmatch(path)
    if match is None:
        raise TilePathError(f"not a tile path: {path!r}")
    index = int(match["index"].replace("x", "").replace("/", ""))
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    if match["width"] and width >= TILE_WIDTH:
        raise TilePathError(f"a partial tile has 1 to 255 hashes: {path!r}")
    try:
        parsed = _make_id(match["level"], index, width)
    except ValueError as exc:
        raise TilePathError(f"not a tile path: {path!r}") from exc
    canonical = bundle_path(parsed) if isinstance(parsed, BundleId) else tile_path(parsed)
    if canonical != path:
        raise TilePathError(f"not a canonical tile path: {path!r}")
    return parsed


def _make_id(level: str, index: int, width: int) -> TileId | BundleId:
    if level == "entries":
        return BundleId(index, width)
    return TileId(int(level), index, width)


# --- Which tiles exist at a tree size -------------------------------------------------


def level_width(size: int, level: int) -> int:
    """How many hashes tile level ``level`` holds for a tree of ``size`` leaves."""
    return size >> (TILE_HEIGHT * level)


def tile_at(level: int, index: int, size: int) -> TileId:
    """The tile ``index`` at ``level`` as it is published for a tree of ``size``.

    >>> tile_at(0, 273, 70000), tile_at(1, 1, 70000), tile_at(2, 0, 70000)
    (TileId(level=0, index=273, width=112), TileId(level=1, index=1, width=17), \
TileId(level=2, index=0, width=1))
    """
    width = min(TILE_WIDTH, level_width(size, level) - index * TILE_WIDTH)
    if width <= 0:
        raise ValueError(f"tile {level}/{index} does not exist at tree size {size}")
    return TileId(level, index, width)


def bundle_at(index: int, size: int) -> BundleId:
    tile = tile_at(0, index, size)
    return BundleId(tile.index, tile.width)


def partial_tiles(size: int) -> list[TileId]:
    """The rightmost, partial tile of each level at ``size`` (growth starts there).

    >>> partial_tiles(256)
    [TileId(level=1, index=0, width=1)]
    """
    tiles = []
    level = 0
    while level_width(size, level) > 0:
        width = level_width(size, level) % TILE_WIDTH
        if width:
            tiles.append(TileId(level, level_width(size, level) // TILE_WIDTH, width))
        level += 1
    return tiles


def changed_tiles(old_size: int, new_size: int) -> list[TileId]:
    """The tiles published at ``new_size`` that were not published at ``old_size``.

    >>> [tile_path(t) for t in changed_tiles(250, 300)]
    ['tile/0/000', 'tile/0/001.p/44', 'tile/1/000.p/1']
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"a tree does not shrink from {old_size} to {new_size}")
    changed = []
    level = 0
    while level_width(new_size, level) > level_width(old_size, level):
        first = level_width(old_size, level) // TILE_WIDTH
        last = (level_width(new_size, level) - 1) // TILE_WIDTH
        changed += [tile_at(level, n, new_size) for n in range(first, last + 1)]
        level += 1
    return changed


def changed_bundles(old_size: int, new_size: int) -> list[BundleId]:
    """The entry bundles published at ``new_size`` and not at ``old_size``."""
    return [BundleId(t.index, t.width) for t in changed_tiles(old_size, new_size) if t.level == 0]


# --- Encodings ----------------------------------------------------------------------


def split_hashes(data: bytes, width: int) -> list[bytes]:
    """The ``width`` hashes of a tile, checking its length."""
    return [data[i : i + HASH_SIZE] for i in range(0, len(_checked(data, width)), HASH_SIZE)]


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """Each entry as a 2-byte big-endian length followed by its bytes."""
    if any(len(e) > MAX_ENTRY_SIZE for e in entries):
        raise TileDataError(f"an entry is at most {MAX_ENTRY_SIZE} bytes")
    return b"".join(struct.pack(">H", len(e)) + e for e in entries)


def decode_bundle(data: bytes, width: int) -> list[bytes]:
    """The ``width`` entries of a bundle; trailing or missing bytes are an error."""
    entries, offset = [], 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise TileDataError("truncated entry length")
        (length,) = struct.unpack_from(">H", data, offset)
        if offset + 2 + length > len(data):
            raise TileDataError("truncated entry")
        entries.append(data[offset + 2 : offset + 2 + length])
        offset += 2 + length
    if len(entries) != width:
        raise TileDataError(f"bundle holds {len(entries)} entries, expected {width}")
    return entries


def subtree_root(hashes: Sequence[bytes]) -> bytes:
    """Root of a complete subtree given its 2**k bottom hashes (a full tile, say)."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


# --- Growing the tiles ---------------------------------------------------------------


def build_tiles(
    old_size: int, old_partials: Mapping[TileId, bytes], new_leaf_hashes: Sequence[bytes]
) -> dict[TileId, bytes]:
    """Every tile that changes when ``new_leaf_hashes`` are appended at ``old_size``.

    ``old_partials`` must hold the ``partial_tiles(old_size)``; full tiles below them
    are never needed, because only tiles that fill up are hashed into the level above.
    The result has exactly the tiles of ``changed_tiles(old_size, new_size)``.
    """
    tiles: dict[TileId, bytes] = {}
    hashes, before, level = list(new_leaf_hashes), old_size, 0
    while hashes:
        first, width = divmod(before, TILE_WIDTH)
        data = b"".join(hashes)
        if width:  # the partial tile grows: its bytes, then the new hashes
            data = _checked(old_partials[TileId(level, first, width)], width) + data
        completed = []
        for n, offset in enumerate(range(0, len(data), TILE_BYTES), start=first):
            tile = data[offset : offset + TILE_BYTES]
            tiles[TileId(level, n, len(tile) // HASH_SIZE)] = tile
            if len(tile) == TILE_BYTES:
                completed.append(subtree_root(split_hashes(tile, TILE_WIDTH)))
        hashes, before, level = completed, first, level + 1
    return tiles


def _checked(data: bytes, width: int) -> bytes:
    if len(data) != width * HASH_SIZE:
        raise TileDataError(f"a tile of {width} hashes is {width * HASH_SIZE} bytes")
    return data


# --- Reading Merkle hashes from tiles -----------------------------------------------


class TileHashReader:
    """A merkle ``HashReader`` for a tree of ``size`` leaves stored as tiles.

    Node (l, i) lives in tile level l // 8; when l is not a multiple of 8 it is hashed
    from the 2**(l % 8) tile hashes below it. Each tile is read at most once per call.
    Any node complete within ``size`` can be read, so the roots of older trees and
    proofs between them are read from the tiles of the current size.
    """

    def __init__(self, size: int, read_tile: Callable[[TileId], bytes]) -> None:
        self.size = size
        self._read_tile = read_tile

    def __call__(self, nodes: Sequence[NodeId]) -> list[bytes]:
        cache: dict[TileId, list[bytes]] = {}
        return [self._node(level, index, cache) for level, index in nodes]

    def _node(self, level: int, index: int, cache: dict[TileId, list[bytes]]) -> bytes:
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height
        tile = tile_at(tile_level, first // TILE_WIDTH, self.size)
        offset = first % TILE_WIDTH
        if offset + (1 << height) > tile.width:
            raise ValueError(f"node ({level}, {index}) is not complete at size {self.size}")
        if tile not in cache:
            cache[tile] = split_hashes(self._read_tile(tile), tile.width)
        return subtree_root(cache[tile][offset : offset + (1 << height)])
