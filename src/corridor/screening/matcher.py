"""Screen one query against an index of listed names: candidates, scores, reasons."""

from __future__ import annotations

from dataclasses import dataclass

from corridor.screening.entity import WatchEntity
from corridor.screening.evidence import all_evidence
from corridor.screening.index import NameIndex
from corridor.screening.scoring import NameAgreement, Query, Reason, names_agreement

REPORT_THRESHOLD = 0.5
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class Match:
    """A listed entity that resembles the query, with the score and every reason."""

    entity: WatchEntity
    score: float
    reasons: tuple[Reason, ...]

    @property
    def name_score(self) -> float:
        return self.reasons[0].effect


def screen(
    index: NameIndex,
    query: Query,
    threshold: float = REPORT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
) -> list[Match]:
    """Matches scoring at least `threshold`, best first, at most `limit`."""
    best: dict[int, NameAgreement] = {}
    for position in index.candidates(query.name, query.identifiers):
        name = index.names[position]
        agreement = names_agreement(query.name, name.form)
        known = best.get(name.entity)
        if known is None or agreement.score > known.score:
            best[name.entity] = agreement
    matches = (score_entity(query, index.entities[e], a) for e, a in best.items())
    kept = [m for m in matches if m.score >= threshold]
    kept.sort(key=lambda m: (-m.score, m.entity.entity_id))
    return kept[:limit]


def score_entity(query: Query, entity: WatchEntity, agreement: NameAgreement) -> Match:
    reasons = [name_reason(query, agreement), *all_evidence(query, entity, agreement.listed)]
    score = min(1.0, max(0.0, sum(r.effect for r in reasons)))
    return Match(entity=entity, score=round(score, 4), reasons=tuple(reasons))


def name_reason(query: Query, agreement: NameAgreement) -> Reason:
    tokens = ", ".join(
        f"{p.query}={p.listed}" if p.similarity == 1.0 else f"{p.query}≈{p.listed}"
        for p in agreement.pairs
    )
    text = (
        f"name '{query.name.original}' ~ listed '{agreement.listed.original}' "
        f"({agreement.score:.2f}; {tokens or 'no word in common'})"
    )
    return Reason("name", round(agreement.score, 4), text)
