"""The document's QR code: the bytes given, in byte mode, with the error correction
raised as far as the size allows (segno picks the smallest version that holds them)."""

from __future__ import annotations

import segno

QUIET_ZONE = 4


def qr_matrix(payload: bytes) -> list[list[bool]]:
    """Dark modules as rows of booleans, quiet zone included."""
    code = segno.make(payload, error="l", boost_error=True, mode="byte", micro=False)
    return [[bool(module) for module in row] for row in code.matrix_iter(border=QUIET_ZONE)]


def dark_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules: one rectangle
    each in the PDF rather than one per module."""
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((y, start, x - start))
            else:
                x += 1
    return runs
