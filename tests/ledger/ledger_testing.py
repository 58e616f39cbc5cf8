"""Helpers shared by the transparency-log library tests."""

from __future__ import annotations


def entries(start: int, count: int, tag: str = "event") -> list[bytes]:
    """``count`` distinct small JSON entries, numbered from ``start``."""
    return [f'{{"{tag}":{i}}}'.encode() for i in range(start, start + count)]
