"""Compact columns for the name index: strings in one buffer, lists as offsets + values.

An index of a million names held as a few dozen numpy arrays and byte buffers rather
than millions of Python objects: smaller, quick to save, and mapped back read-only
(`numpy.load(mmap_mode="r")`, `mmap`) so that several worker processes share one copy
in the page cache. Hashes are CRC-32 (`zlib.crc32`), computed the same way column-wise
here, so that they are stable across processes and Python versions.
"""

from __future__ import annotations

import mmap
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Int32s = npt.NDArray[np.int32]
Int64s = npt.NDArray[np.int64]
UInt32s = npt.NDArray[np.uint32]
UInt64s = npt.NDArray[np.uint64]
Bytes = npt.NDArray[np.uint8]


def _crc_table() -> UInt32s:
    table = np.zeros(256, dtype=np.uint32)
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ 0xEDB88320 if value & 1 else value >> 1
        table[byte] = value
    return table


_CRC_TABLE = _crc_table()


def crc32_rows(rows: Bytes) -> UInt32s:
    """`zlib.crc32` of every row of a 2-D byte matrix (all rows one length)."""
    crc = np.full(rows.shape[:-1], 0xFFFFFFFF, dtype=np.uint32)
    for column in range(rows.shape[-1]):
        crc = _CRC_TABLE[(crc ^ rows[..., column]) & 0xFF] ^ (crc >> np.uint32(8))
    return crc ^ np.uint32(0xFFFFFFFF)


def crc32(data: bytes) -> int:
    return zlib.crc32(data)


def sorted_unique(values: UInt64s) -> UInt64s:
    """Sort and drop repeats (numpy's `unique` is far slower on large uint64 arrays)."""
    values = np.sort(values)
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def equal_range(values: npt.NDArray[Any], value: int) -> tuple[int, int]:
    """Where `value` sits in the sorted `values` (searched in their own dtype: mixing
    dtypes would make numpy convert the whole array first)."""
    wanted = np.array([value], dtype=values.dtype)
    start = int(values.searchsorted(wanted, "left")[0])
    return start, int(values.searchsorted(wanted, "right")[0])


def ranges(starts: Int64s, stops: Int64s) -> Int64s:
    """The positions start..stop-1 of every range, concatenated."""
    counts = stops - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift: Int64s = (starts - (counts.cumsum() - counts)).repeat(counts)
    return shift + np.arange(total, dtype=np.int64)


class StringColumn:
    """Many strings in one UTF-8 buffer; string i is `data[offsets[i]:offsets[i + 1]]`."""

    def __init__(self, data: bytes | mmap.mmap, offsets: Int64s) -> None:
        self._data = data
        self._offsets = offsets

    @classmethod
    def of(cls, strings: Iterable[str]) -> StringColumn:
        encoded = [s.encode() for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, position: int) -> str:
        return self.raw(position).decode()

    def raw(self, position: int) -> bytes:
        start, stop = self._offsets[position : position + 2].tolist()
        return self._data[start:stop]

    def many(self, positions: Sequence[int] | npt.NDArray[Any]) -> list[str]:
        at = np.asarray(positions, dtype=np.int64)
        starts: list[int] = self._offsets[at].tolist()
        stops: list[int] = self._offsets[at + 1].tolist()
        data = self._data
        return [data[a:b].decode() for a, b in zip(starts, stops, strict=True)]

    def save(self, folder: Path, name: str) -> None:
        (folder / f"{name}.bin").write_bytes(bytes(self._data))
        np.save(folder / f"{name}.offsets.npy", self._offsets)

    @classmethod
    def load(cls, folder: Path, name: str) -> StringColumn:
        return cls(_map_file(folder / f"{name}.bin"), load_array(folder / f"{name}.offsets.npy"))


class Csr:
    """Lists of integers: list i is `values[offsets[i]:offsets[i + 1]]`."""

    def __init__(self, offsets: Int64s, values: npt.NDArray[Any]) -> None:
        self.offsets = offsets
        self.values = values

    @classmethod
    def group(cls, rows: Int64s, values: npt.NDArray[Any], row_count: int) -> Csr:
        """Group `values` by `rows` (row numbers 0..row_count-1), keeping their order."""
        order = np.argsort(rows, kind="stable")
        offsets = np.zeros(row_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=row_count), out=offsets[1:])
        return cls(offsets, values[order])

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, position: int) -> list[int]:
        start, stop = self.offsets[position : position + 2].tolist()
        values: list[int] = self.values[start:stop].tolist()
        return values

    def sizes(self, positions: Int64s) -> Int64s:
        sizes: Int64s = self.offsets[positions + 1] - self.offsets[positions]
        return sizes

    def gather(self, positions: Int64s) -> tuple[Int64s, npt.NDArray[Any]]:
        """(row of each value, values) for the given rows, concatenated."""
        starts, stops = self.offsets[positions], self.offsets[positions + 1]
        where = ranges(starts, stops)
        return positions.repeat(stops - starts), self.values[where]

    def save(self, folder: Path, name: str) -> None:
        np.save(folder / f"{name}.offsets.npy", self.offsets)
        np.save(folder / f"{name}.values.npy", self.values)

    @classmethod
    def load(cls, folder: Path, name: str) -> Csr:
        offsets = load_array(folder / f"{name}.offsets.npy")
        return cls(offsets, load_array(folder / f"{name}.values.npy"))


def load_array(path: Path) -> npt.NDArray[Any]:
    """A saved array mapped read-only, as a plain ndarray (a `memmap` is slower to index)."""
    return np.asarray(np.load(path, mmap_mode="r"))


def _map_file(path: Path) -> bytes | mmap.mmap:
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
