"""The right edge of a tiled log's tree: all that growing it needs, without reading it.

Appending to a tree of ``size`` leaves needs its *compact range* (the roots of its
complete subtrees, one per set bit of the size, largest first: ``range_nodes(0, size)``),
whose right fold is the root; the rightmost, partial tile of each level, which the new
hashes extend (``build_tiles``); and the partial entry bundle, which the new entries
extend. ``integrate`` reads them from the stored tiles and checks them against the
committed root, or takes the edge this writer left last time from a ``LastEdge``.

A ``LastEdge`` is trusted ONLY for the tree it names: ``matching`` hands it out when the
committed checkpoint (read in the transaction that ends in the compare-and-swap) has
its size and its root, which the edge then provably is (SHA-256). Anything else (another
process integrated the same database meanwhile, or the transaction that committed this
edge was rolled back) leaves a checkpoint that differs, and the edge is read again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.merkle import EMPTY_ROOT, fold_right, node_hash, range_nodes
from corridor.ledger.tiles import TILE_WIDTH, TileHashReader, TileId, partial_tiles


@dataclass(frozen=True)
class TreeEdge:
    """The right edge of the tree of ``size`` leaves whose root is ``root``."""

    size: int
    root: bytes
    subtrees: tuple[bytes, ...]
    """The compact range: the hashes of ``range_nodes(0, size)``, largest first."""
    tiles: Mapping[TileId, bytes]
    """The tiles of ``partial_tiles(size)`` (never changed once made)."""
    bundle: bytes | None
    """The partial entry bundle's bytes (empty when ``size`` fills its bundles); None
    when not known: it is read from the storage when needed."""


def edge_from_tiles(size: int, read_tile: Callable[[TileId], bytes]) -> TreeEdge:
    """The edge of the stored tree of ``size`` leaves, from its partial tiles alone:
    every subtree of the compact range lies in the rightmost tile of its level."""
    tiles = {tile: read_tile(tile) for tile in partial_tiles(size)}
    nodes = range_nodes(0, size) if size else []
    subtrees = tuple(TileHashReader(size, tiles.__getitem__)(nodes))
    return TreeEdge(size, _fold(subtrees), subtrees, tiles, None)


def grow(
    edge: TreeEdge,
    leaf_hashes: Sequence[bytes],
    changed_tiles: Mapping[TileId, bytes],
    bundle: bytes,
) -> TreeEdge:
    """The edge once ``leaf_hashes`` are appended, given the tiles that changed (every
    one of ``changed_tiles(edge.size, new size)``) and the new partial bundle.

    A few leaves are carried into the compact range (about two hashes a leaf); past a
    tile's worth, the range is read from the new partial tiles instead (at most a
    tile's worth of hashes a level, whatever the batch)."""
    size = edge.size + len(leaf_hashes)
    known = {**edge.tiles, **changed_tiles}
    tiles = {tile: known[tile] for tile in partial_tiles(size)}
    if len(leaf_hashes) > TILE_WIDTH:
        return replace(edge_from_tiles(size, tiles.__getitem__), bundle=bundle)
    subtrees, grown = list(edge.subtrees), edge.size
    for carry in leaf_hashes:  # like carrying in binary addition: one merge per 1 bit
        level = 0
        while grown >> level & 1:
            carry = node_hash(subtrees.pop(), carry)
            level += 1
        subtrees.append(carry)
        grown += 1
    return TreeEdge(size, _fold(subtrees), tuple(subtrees), tiles, bundle)


def _fold(subtrees: Sequence[bytes]) -> bytes:
    return fold_right(subtrees) if subtrees else EMPTY_ROOT


class LastEdge:
    """The edge of the last tree this process committed, for its next integration.

    Shared by the threads of one process (the sequencer, ``append_batch``'s callers):
    an edge is immutable and replacing it is one assignment.
    """

    def __init__(self) -> None:
        self._edge: TreeEdge | None = None

    def matching(self, committed: Checkpoint) -> TreeEdge | None:
        """The edge kept, if it is the committed tree's (same size, same root)."""
        edge = self._edge
        if edge is None or (edge.size, edge.root) != (committed.size, committed.root):
            return None
        return edge

    def remember(self, edge: TreeEdge) -> None:
        self._edge = edge

    def forget(self) -> None:
        self._edge = None
