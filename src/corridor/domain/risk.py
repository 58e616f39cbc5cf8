"""The risk assessment a movement carries: its channel and the reasons, as screening
gave them when the declaration was lodged or amended.

The domain does not screen (``screening`` does, outside); it holds the outcome and the
one rule that follows from it: what control must precede release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    """How much control a movement needs before release (ASYCUDA's lanes)."""

    GREEN = "green"  # release without control
    YELLOW = "yellow"  # documentary control, or an officer's review, first
    RED = "red"  # physical control first


CONTROLS_REQUIRED: Mapping[Channel, frozenset[str]] = {
    Channel.GREEN: frozenset(),
    Channel.YELLOW: frozenset({"documentary", "physical"}),
    Channel.RED: frozenset({"physical"}),
}


@dataclass(frozen=True)
class RiskReason:
    """One reason for the channel: a stable code, the channel it gives, one line of
    text an officer reads, and the evidence behind it."""

    code: str
    channel: Channel
    text: str
    evidence: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RiskAssessment:
    channel: Channel
    reasons: tuple[RiskReason, ...] = ()
    list_versions: tuple[str, ...] = ()
    blocked: bool = False
    """Goods the corridor forbids outright (no military use): never released."""

    def control_required(self) -> frozenset[str]:
        """The control kinds, any one of which must precede release."""
        return CONTROLS_REQUIRED[self.channel]
