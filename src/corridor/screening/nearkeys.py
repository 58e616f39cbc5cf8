"""Listed keys near a query key: a deletion table (SymSpell) held in two sorted arrays.

Every listed phonetic key is filed under itself and under every string made by deleting
up to `deletion_depth` of its bytes; a query key is looked up under its own deletions,
by CRC-32. Two keys meet when they share a subsequence that misses at most that many
bytes of each, and the deletions on both sides add up to their Indel distance
(insertions and deletions; a substitution counts two). Keys of 5 bytes or more go two
deletions deep; a pair counts as near at Indel distance 4 when either key has 8 bytes
or more (a typo and a transcription change in one surname: Khachatryan / Хачтарям,
Kudryavtsev / Kudrjawzwe), at 2 otherwise (Антонян / Антонн, Sibir / Siir): two
short keys four apart share too little to say anything.

About a thousand keys are quicker to scan than to look up: `KeyScan` gives the table's
answer (without its rare CRC-32 collisions) from rapidfuzz's Indel distance of the query
key to every listed key, computed in C. Deleting bytes down to a common subsequence
costs at least the Indel distance (len(a) + len(b) - 2 LCS), and reaches it at a longest
common subsequence; the table finds that one exactly when it misses at most
`deletion_depth` bytes of each key, which the scan checks from the distance.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from itertools import combinations, pairwise
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from corridor.screening.columns import (
    Bytes,
    Int64s,
    UInt32s,
    UInt64s,
    crc32_rows,
    load_array,
    ranges,
    sorted_unique,
)

SCAN_KEYS = 1024  # an index with at most this many keys scans them (`KeyScan`)
ONE_DELETION_FROM = 3  # bytes; shorter keys are looked up exactly
TWO_DELETIONS_FROM = 5  # bytes
LONG_KEY = 8  # bytes; a pair with a key this long may be 4 apart, others 2
_CHUNK = 1 << 15  # keys hashed at once while building


def deletion_depth(length: int) -> int:
    """How many bytes a key of this length may lose on its side of a match."""
    if length >= TWO_DELETIONS_FROM:
        return 2
    return 1 if length >= ONE_DELETION_FROM else 0


def deletions(key: bytes) -> dict[bytes, int]:
    """The key and every string up to `deletion_depth` deletions away -> deletions made."""
    found = {key: 0}
    frontier = [key]
    for depth in range(1, deletion_depth(len(key)) + 1):
        following: list[bytes] = []
        for text in frontier:
            for cut in range(len(text)):
                shorter = text[:cut] + text[cut + 1 :]
                if shorter not in found:
                    found[shorter] = depth
                    following.append(shorter)
        frontier = following
    return found


class DeletionTable:
    """Sorted CRC-32 of deletions, and for each the key number and its deletions (2 bits).

    A directory gives where each bucket of hashes (their top bits) starts, so that a
    lookup reads a few neighbouring entries instead of bisecting the whole array.
    """

    def __init__(self, hashes: UInt32s, entries: UInt32s, directory: Int64s) -> None:
        self.hashes = hashes
        self.entries = entries
        self.directory = directory
        self._shift = np.uint32(32 - (len(directory) - 1).bit_length() + 1)

    @classmethod
    def build(cls, keys: Sequence[bytes]) -> DeletionTable:
        lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
        parts = [
            _hashed_deletions(keys, rows, length)
            for length in np.unique(lengths).tolist()
            for rows in _chunks(np.flatnonzero(lengths == length))
        ]
        combined = sorted_unique(np.concatenate(parts) if parts else np.zeros(0, np.uint64))
        hashes = (combined >> np.uint64(32)).astype(np.uint32)
        entries = (combined & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        return cls(hashes, entries, _directory(hashes))

    def __len__(self) -> int:
        return len(self.hashes)

    def lookup(self, keys: Sequence[bytes]) -> list[tuple[Int64s, Int64s]]:
        """For each key: the listed key numbers that meet it (ascending), their distances."""
        variants = [deletions(k) for k in keys]
        owners = np.repeat(np.arange(len(keys)), [len(v) for v in variants])
        hashes = np.fromiter(
            (zlib.crc32(text) for v in variants for text in v), dtype=np.uint32, count=len(owners)
        )
        made = np.fromiter((d for v in variants for d in v.values()), np.int64, len(owners))
        lengths = np.array([len(k) for k in keys], dtype=np.int64)
        positions, which = self._positions(hashes)
        entries = self.entries[positions].astype(np.int64)
        owner = owners[which]
        found = entries >> 2
        listed_made = entries & 3
        distance = listed_made + made[which]
        longest = np.maximum(lengths[owner], lengths[owner] - distance + 2 * listed_made)
        near = distance <= np.where(longest >= LONG_KEY, 4, 2)
        owner, found, distance = owner[near], found[near], distance[near]
        order = np.lexsort((distance, found, owner))
        owner, found, distance = owner[order], found[order], distance[order]
        first = np.ones(len(owner), dtype=bool)
        first[1:] = (owner[1:] != owner[:-1]) | (found[1:] != found[:-1])
        owner, found, distance = owner[first], found[first], distance[first]
        bounds = owner.searchsorted(np.arange(len(keys) + 1)).tolist()
        return [(found[a:b], distance[a:b]) for a, b in pairwise(bounds)]

    def exact(self, key: bytes) -> list[int]:
        """Key numbers filed under `key` itself (a hash match: compare the texts)."""
        hashed = zlib.crc32(key)
        start, stop = self.directory[(hashed >> int(self._shift)) :][:2].tolist()
        hashes: list[int] = self.hashes[start:stop].tolist()
        entries: list[int] = self.entries[start:stop].tolist()
        return [e >> 2 for h, e in zip(hashes, entries, strict=True) if h == hashed and e & 3 == 0]

    def _positions(self, hashes: UInt32s) -> tuple[Int64s, Int64s]:
        """Positions in the table holding each of `hashes`, and which hash each one is."""
        buckets = (hashes >> self._shift).astype(np.int64)
        starts, stops = self.directory[buckets], self.directory[buckets + 1]
        candidates = ranges(starts, stops)
        which = np.arange(len(hashes)).repeat(stops - starts)
        hit = self.hashes[candidates] == hashes[which]
        return candidates[hit], which[hit]

    def save(self, folder: Path) -> None:
        np.save(folder / "deletions.hashes.npy", self.hashes)
        np.save(folder / "deletions.entries.npy", self.entries)
        np.save(folder / "deletions.directory.npy", self.directory)

    @classmethod
    def load(cls, folder: Path) -> DeletionTable:
        return cls(
            load_array(folder / "deletions.hashes.npy"),
            load_array(folder / "deletions.entries.npy"),
            load_array(folder / "deletions.directory.npy"),
        )


class KeyScan:
    """`DeletionTable.lookup`'s answer for few keys, from their Indel distances (see the
    module docstring)."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        self.keys = list(keys)
        self.numbers = {key: number for number, key in enumerate(self.keys)}

    @staticmethod
    def fits(key_count: int) -> bool:
        return key_count <= SCAN_KEYS

    def lookup(self, keys: Sequence[bytes]) -> list[tuple[Int64s, Int64s]]:
        """For each key: the listed key numbers that meet it (ascending), their distances."""
        return [_arrays(*zip(*sorted(near.items()), strict=True)) if near else (_NONE, _NONE)
                for near in self.near(keys)]  # fmt: skip

    def near(self, keys: Sequence[bytes]) -> list[dict[int, int]]:
        """For each key: listed key number -> distance, of the keys that meet it."""
        return [self._near(key) for key in keys]

    def _near(self, key: bytes) -> dict[int, int]:
        found = process.extract(key, self.keys, scorer=Indel.distance, score_cutoff=4, limit=None)
        return {n: d for listed, d, n in found if self._meet(key, listed, d)}

    def exact(self, key: bytes) -> list[int]:
        number = self.numbers.get(key)
        return [] if number is None else [number]

    @staticmethod
    def _meet(query: bytes, listed: bytes, distance: int) -> bool:
        """Whether the table would file both keys under a longest common subsequence."""
        common = (len(query) + len(listed) - distance) // 2
        if len(query) - common > deletion_depth(len(query)):
            return False
        if len(listed) - common > deletion_depth(len(listed)):
            return False
        return distance <= (4 if max(len(query), len(listed)) >= LONG_KEY else 2)


_NONE = np.zeros(0, dtype=np.int64)
_NONE.flags.writeable = False


def _arrays(keys: Sequence[int], distances: Sequence[int]) -> tuple[Int64s, Int64s]:
    return np.array(keys, dtype=np.int64), np.array(distances, dtype=np.int64)


def _directory(hashes: UInt32s) -> Int64s:
    """Where each bucket of hashes starts (buckets of about 8 entries), then the end."""
    bits = min(24, max(8, (len(hashes) // 8).bit_length()))
    bounds = (np.arange(1 << bits, dtype=np.uint64) << np.uint64(32 - bits)).astype(np.uint32)
    directory = np.empty((1 << bits) + 1, dtype=np.int64)
    directory[:-1] = hashes.searchsorted(bounds)
    directory[-1] = len(hashes)
    return directory


def _chunks(rows: np.ndarray) -> Iterator[np.ndarray]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def _hashed_deletions(keys: Sequence[bytes], rows: np.ndarray, length: int) -> UInt64s:
    """(CRC-32 << 32 | key number << 2 | deletions) for every deletion of the given keys."""
    matrix: Bytes = np.frombuffer(b"".join(keys[r] for r in rows.tolist()), dtype=np.uint8)
    matrix = matrix.reshape(len(rows), length)
    parts = []
    for made in range(deletion_depth(length) + 1):
        kept = np.array(list(combinations(range(length), length - made)), dtype=np.intp)
        hashes = crc32_rows(matrix[:, kept]).astype(np.uint64)
        entry = (rows.astype(np.uint64) << np.uint64(2)) | np.uint64(made)
        parts.append(((hashes << np.uint64(32)) | entry[:, None]).ravel())
    return np.concatenate(parts)
