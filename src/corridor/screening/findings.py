"""Channels and findings: what every check returns, and how findings combine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum


class Channel(Enum):
    """Control channel of a movement, in increasing order of control."""

    GREEN = "green"  # release for transit without control
    YELLOW = "yellow"  # documentary check or review by an officer before release
    RED = "red"  # physical control; the movement is held until an officer decides

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @classmethod
    def parse(cls, text: str) -> Channel:
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown channel {text!r} (green, yellow or red)") from None


_RANKS = {Channel.GREEN: 0, Channel.YELLOW: 1, Channel.RED: 2}


def strongest(channels: Iterable[Channel]) -> Channel:
    return max(channels, key=lambda c: c.rank, default=Channel.GREEN)


@dataclass(frozen=True)
class Finding:
    """One reason for a channel: which check, what it found, the evidence behind it.

    `code` is stable for machines (e.g. "goods.chp", "party.watch_list", "route.rule");
    `text` is one line an officer reads; `evidence` holds the facts (HS code, list,
    entity, score) that a reviewer may want to see.
    """

    check: str
    code: str
    channel: Channel
    text: str
    evidence: Mapping[str, str] = field(default_factory=dict)
