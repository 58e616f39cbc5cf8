"""The risk assessment a movement carries: its channel and the reasons, as screening
gave them when the declaration was lodged or amended.

The domain does not screen (``screening`` does, outside); it holds the outcome and the
one rule that follows from it: what control must precede release.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum


class Channel(StrEnum):
    """How much control a movement needs before release (ASYCUDA's lanes)."""

    GREEN = "green"  # release without control
    YELLOW = "yellow"  # documentary control, or an officer's review, first
    RED = "red"  # physical control first


class HitDecision(StrEnum):
    """An officer's decision on a screening hit (a party resembling a listed entity)."""

    CONFIRM = "confirm"  # the party is the listed entity, or cannot be cleared
    DISMISS = "dismiss"  # a false positive: the party is not that entity


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

    def reviewed(self, entity_id: str, party_key: str, decision: HitDecision) -> RiskAssessment:
        """The assessment after a decision on the hits of one party and listed entity.

        A confirmed hit gives red (the party is taken to be the listed entity: physical
        control first); a dismissed one gives green (it no longer counts). Either way the
        reason stays, marked in its evidence, and the channel is again the strongest of
        the reasons, as screening made it. Nothing else changes.
        """
        reasons = tuple(
            _decided(reason, decision) if _is_hit(reason, entity_id, party_key) else reason
            for reason in self.reasons
        )
        return replace(self, channel=strongest(r.channel for r in reasons), reasons=reasons)


RANK = (Channel.GREEN, Channel.YELLOW, Channel.RED)
DECIDED = {
    HitDecision.CONFIRM: (Channel.RED, "confirmed"),
    HitDecision.DISMISS: (Channel.GREEN, "dismissed"),
}


def strongest(channels: Iterable[Channel]) -> Channel:
    return max(channels, key=RANK.index, default=Channel.GREEN)


def _is_hit(reason: RiskReason, entity_id: str, party_key: str) -> bool:
    evidence = reason.evidence
    return evidence.get("entity_id") == entity_id and evidence.get("party_key") == party_key


def _decided(reason: RiskReason, decision: HitDecision) -> RiskReason:
    channel, word = DECIDED[decision]
    return replace(reason, channel=channel, evidence={**reason.evidence, "review": word})
