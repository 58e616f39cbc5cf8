"""The screening engine: every check on one movement -> one `Assessment`.

The channel is the strongest channel any finding gives (green when none). A random
control selection is drawn deterministically from a seed and the movement reference
(SHA-256), so that anyone holding the seed can verify that a selection was not
chosen by hand; keep the seed secret until the period it covers has passed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from corridor.screening.checks import goods_findings, military_table, route_findings
from corridor.screening.findings import Channel, Finding, strongest
from corridor.screening.goods import GoodsReference
from corridor.screening.lists import ListSnapshot, ListVersion
from corridor.screening.parties import Dismissal, PartyHit, hit_finding, screen_party
from corridor.screening.rules import ScreeningConfig
from corridor.screening.subject import ScreeningSubject


@dataclass(frozen=True)
class Assessment:
    """The outcome of screening one movement, stored with it and shown to customs."""

    movement_ref: str
    channel: Channel
    findings: tuple[Finding, ...]
    list_versions: tuple[ListVersion, ...]
    hits: tuple[PartyHit, ...]
    suppressed: tuple[PartyHit, ...]
    random_draw: float
    randomly_selected: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: what the store keeps and the CLI prints."""
        return {
            "movement_ref": self.movement_ref,
            "channel": self.channel.value,
            "reasons": [_finding_dict(f) for f in self.findings],
            "list_versions": [_version_dict(v) for v in self.list_versions],
            "suppressed": [_finding_dict(hit_finding(h)) for h in self.suppressed],
            "random_draw": round(self.random_draw, 6),
            "randomly_selected": self.randomly_selected,
        }


@dataclass(frozen=True)
class Screened:
    """The findings of every check but the random draw (see ``ScreeningEngine.screen``):
    the hits' findings first, in the order of ``hits``, then the goods and route ones."""

    findings: tuple[Finding, ...]
    list_versions: tuple[ListVersion, ...]
    hits: tuple[PartyHit, ...]
    suppressed: tuple[PartyHit, ...]

    def without(self, dismissals: Collection[Dismissal]) -> Screened:
        """The same checks with the hits of these dismissals suppressed (as if passed to
        ``screen``): a store can look dismissals up only for the parties that hit."""
        gone = [(h.match.entity.entity_id, h.party_key) in dismissals for h in self.hits]
        if not any(gone):
            return self
        paired = list(zip(self.hits, self.findings, gone, strict=False))
        return replace(
            self,
            findings=(*(f for _, f, g in paired if not g), *self.findings[len(self.hits) :]),
            hits=tuple(h for h, _, g in paired if not g),
            suppressed=(*self.suppressed, *(h for h, _, g in paired if g)),
        )


def random_draw(seed: str, movement_ref: str) -> float:
    """A number in [0, 1) fixed by the seed and the movement reference."""
    digest = hashlib.sha256(f"{seed}\x00{movement_ref}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class ScreeningEngine:
    """The checks configured for one corridor; `assess` is pure given its arguments."""

    goods: GoodsReference
    config: ScreeningConfig

    @classmethod
    def build(cls, reference: GoodsReference, config: ScreeningConfig) -> ScreeningEngine:
        return cls(military_table(reference, config.military), config)

    def assess(
        self,
        subject: ScreeningSubject,
        lists: ListSnapshot,
        *,
        seed: str,
        dismissals: Collection[Dismissal] = frozenset(),
    ) -> Assessment:
        screened = self.screen(subject, lists, dismissals=dismissals)
        return self.conclude(screened, subject.movement_ref, seed=seed)

    def screen(
        self,
        subject: ScreeningSubject,
        lists: ListSnapshot,
        *,
        dismissals: Collection[Dismissal] = frozenset(),
    ) -> Screened:
        """Every check that does not depend on the movement reference (which this does
        not read), so that it can run before the reference is allocated."""
        hits, suppressed = self._party_hits(subject, lists, dismissals)
        findings = (
            *(hit_finding(h) for h in hits),
            *goods_findings(subject, self.goods, self.config),
            *route_findings(subject, self.goods, self.config),
        )
        return Screened(findings, lists.versions, tuple(hits), tuple(suppressed))

    def conclude(self, screened: Screened, movement_ref: str, *, seed: str) -> Assessment:
        """The assessment of ``movement_ref``: the checks plus its random control draw."""
        findings = list(screened.findings)
        draw = random_draw(seed, movement_ref)
        selected = draw < self.config.random_control_rate
        if selected:
            findings.append(self._random_finding(draw))
        return Assessment(
            movement_ref=movement_ref,
            channel=strongest(f.channel for f in findings),
            findings=tuple(findings),
            list_versions=screened.list_versions,
            hits=screened.hits,
            suppressed=screened.suppressed,
            random_draw=draw,
            randomly_selected=selected,
        )

    def _party_hits(
        self, subject: ScreeningSubject, lists: ListSnapshot, dismissals: Collection[Dismissal]
    ) -> tuple[list[PartyHit], list[PartyHit]]:
        hits: list[PartyHit] = []
        suppressed: list[PartyHit] = []
        for party in subject.parties:
            active, quiet = screen_party(party, lists.index, self.config, dismissals)
            hits += active
            suppressed += quiet
        return hits, suppressed

    def _random_finding(self, draw: float) -> Finding:
        rate = self.config.random_control_rate
        text = f"selected at random for control (rate {rate:.2%})"
        evidence = {"draw": f"{draw:.6f}", "rate": str(rate)}
        return Finding(
            "random", "random.control", self.config.random_control_channel, text, evidence
        )


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "check": finding.check,
        "code": finding.code,
        "channel": finding.channel.value,
        "text": finding.text,
        "evidence": dict(finding.evidence),
    }


def _version_dict(version: ListVersion) -> dict[str, Any]:
    return {
        "name": version.name,
        "date": version.date,
        "sha256": version.sha256,
        "entities": version.entities,
        "format": version.format,
    }
