"""RFC 9162 Merkle tree hashing, inclusion proofs and consistency proofs.

Proofs and roots are computed from *stored subtree hashes*, never from a full leaf
list: a node is named by its coordinate ``(level, index)``, the hash of the complete
subtree of ``2**level`` leaves starting at leaf ``index * 2**level``. A log keeps these
hashes (in tiles, see ``tiles.py``); callers pass a ``HashReader`` that returns the
hashes for a batch of coordinates, so one proof costs one batched read of at most
about ``2 * log2(n)`` hashes. ``MemoryTree`` is the in-memory reader used by tests.

Edge cases, defined here and tested:

* size 0: the root is ``EMPTY_ROOT`` = SHA-256(""); no inclusion proof exists.
* consistency ``old == new``: the proof is empty and the two roots must be equal.
* consistency ``old == 0``: the proof is empty, the old root must be ``EMPTY_ROOT``;
  any tree is consistent with the empty tree.
* ``old > new`` or an index outside the tree: never verifies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]
"""(level, index): the complete subtree of 2**level leaves from leaf index * 2**level."""

HashReader = Callable[[Sequence[NodeId]], Sequence[bytes]]
"""Returns the stored hash of each node, in the order asked."""


class ProofError(ValueError):
    """A Merkle proof does not verify."""


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n >= 2): where RFC 9162 splits a tree.

    >>> [split_point(n) for n in (2, 3, 4, 5, 8, 9)]
    [1, 2, 2, 4, 4, 8]
    """
    if n < 2:
        raise ValueError(f"no split point for a tree of {n} leaves")
    return 1 << ((n - 1).bit_length() - 1)


def mth(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH straight from the RFC 9162 definition (recursive; a reference for tests)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = split_point(len(leaf_hashes))
    return node_hash(mth(leaf_hashes[:k]), mth(leaf_hashes[k:]))


# --- Which stored subtrees make up a range ------------------------------------------


def range_nodes(lo: int, hi: int) -> list[NodeId]:
    """The complete subtrees whose right fold is MTH(D[lo:hi]), largest first.

    Every range an RFC 9162 proof needs starts at a multiple of the smallest power of
    two >= its length, so it splits into the binary digits of its length:

    >>> range_nodes(0, 7)
    [(2, 0), (1, 2), (0, 6)]
    >>> range_nodes(8, 12)
    [(2, 2)]
    """
    n = hi - lo
    if n <= 0 or lo < 0 or lo % (1 << (n - 1).bit_length()) != 0:
        raise ValueError(f"[{lo}, {hi}) is not a Merkle subtree range")
    nodes: list[NodeId] = []
    start = lo
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """hash(h0, hash(h1, ... hash(h[-2], h[-1]))): MTH of a range from its subtrees."""
    result = hashes[-1]
    for h in reversed(hashes[:-1]):
        result = node_hash(h, result)
    return result


def _read_ranges(ranges: Sequence[tuple[int, int]], read: HashReader) -> list[bytes]:
    """MTH of each range, with a single batched read of the stored hashes."""
    per_range = [range_nodes(lo, hi) for lo, hi in ranges]
    wanted = sorted({node for nodes in per_range for node in nodes})
    stored = dict(zip(wanted, _checked_read(read, wanted), strict=True))
    return [fold_right([stored[node] for node in nodes]) for nodes in per_range]


def _checked_read(read: HashReader, nodes: Sequence[NodeId]) -> Sequence[bytes]:
    hashes = read(nodes) if nodes else []
    if len(hashes) != len(nodes) or any(len(h) != HASH_SIZE for h in hashes):
        raise ValueError("hash reader returned the wrong number or size of hashes")
    return hashes


# --- Tree head ----------------------------------------------------------------------


def root_hash(size: int, read: HashReader) -> bytes:
    """MTH of the first ``size`` leaves."""
    if size < 0:
        raise ValueError("negative tree size")
    if size == 0:
        return EMPTY_ROOT
    return _read_ranges([(0, size)], read)[0]


# --- Inclusion proofs (RFC 9162 §2.1.3) ---------------------------------------------


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose MTH form PATH(index, D[0:size]), leaf's sibling first.

    >>> inclusion_ranges(2, 3)
    [(0, 2)]
    >>> inclusion_ranges(6, 7)
    [(4, 6), (0, 4)]
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + split_point(hi - lo)
        if index < mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo = mid
    return ranges[::-1]


def inclusion_proof(index: int, size: int, read: HashReader) -> list[bytes]:
    """The RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    return _read_ranges(inclusion_ranges(index, size), read)


def root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 verification, step by step; returns the computed root."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return r


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless ``proof`` proves leaf hash ``leaf`` at ``index``."""
    if root_from_inclusion(leaf, index, size, proof) != root:
        raise ProofError("inclusion proof does not lead to the root")


# --- Consistency proofs (RFC 9162 §2.1.4) -------------------------------------------


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose MTH form PROOF(old, D[0:new]) (empty when old is 0 or new).

    >>> consistency_ranges(4, 7)
    [(4, 7)]
    >>> consistency_ranges(3, 7)
    [(2, 3), (3, 4), (0, 2), (4, 7)]
    """
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    ranges: list[tuple[int, int]] = []
    lo, hi, complete = 0, new, True
    while hi != old:
        mid = lo + split_point(hi - lo)
        if old <= mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo, complete = mid, False
    if not complete:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
        ranges.append((lo, hi))
    return ranges[::-1]


def consistency_proof(old: int, new: int, read: HashReader) -> list[bytes]:
    """The RFC 9162 consistency proof from tree size ``old`` to tree size ``new``."""
    return _read_ranges(consistency_ranges(old, new), read)


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ProofError unless ``proof`` shows the tree of ``old`` grew into ``new``."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency from size {old} to size {new}")
    if old == 0 or old == new:
        _verify_trivial_consistency(old, new, old_root, new_root, proof)
        return
    fr, sr = _consistency_roots(old, new, old_root, proof)
    if fr != old_root:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("consistency proof does not lead to the new root")


def _verify_trivial_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    if proof:
        raise ProofError("the consistency proof from an empty or equal tree must be empty")
    if old == 0 and old_root != EMPTY_ROOT:
        raise ProofError("the root of the empty tree is SHA-256 of the empty string")
    if old == new and old_root != new_root:
        raise ProofError("two trees of the same size have different roots")


def _consistency_roots(
    old: int, new: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """RFC 9162 §2.1.4.2 steps 1-6 for 0 < old < new; returns (fr, sr)."""
    if not proof:
        raise ProofError("empty consistency proof")
    path = list(proof)
    if old & (old - 1) == 0:  # old is an exact power of two
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    return fr, sr


# --- An in-memory tree for tests and small tools ------------------------------------


class MemoryTree:
    """All complete-subtree hashes of a leaf list, kept level by level.

    ``levels[l][i]`` is node ``(l, i)``; appending a leaf completes at most one new
    node per level, so building n leaves costs n hashes.
    """

    def __init__(self, entries: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for entry in entries:
            self.append(entry)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, entry: bytes) -> int:
        """Add one entry; returns its index."""
        return self.append_leaf_hash(leaf_hash(entry))

    def append_leaf_hash(self, h: bytes) -> int:
        index = self.size
        self.levels[0].append(h)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            pair = self.levels[level][-2:]
            if level + 1 == len(self.levels):
                self.levels.append([])
            self.levels[level + 1].append(node_hash(pair[0], pair[1]))
            level += 1
        return index

    def read_hashes(self, nodes: Sequence[NodeId]) -> list[bytes]:
        """A HashReader over this tree."""
        return [self.levels[level][index] for level, index in nodes]

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self.size if size is None else size, self.read_hashes)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self.size if size is None else size, self.read_hashes)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        return consistency_proof(old, self.size if new is None else new, self.read_hashes)
