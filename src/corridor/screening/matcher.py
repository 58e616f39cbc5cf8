"""Screen one query against an index of listed names: candidates, scores, reasons.

The index shortlists the names worth scoring; each is scored on its name alone
(`scoring.QueryScorer`, one similarity per distinct token pair), the best name of
each entity then gets the other evidence (`evidence`), and only the matches that are
returned get their explanations written out.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.screening import evidence
from corridor.screening.entity import WatchEntity
from corridor.screening.index import NameIndex
from corridor.screening.scoring import (
    Aligned,
    ListedTokens,
    NameAgreement,
    Query,
    QueryScorer,
    Reason,
    TokenPair,
)

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


@dataclass(frozen=True)
class _Best:
    """The best-scoring shortlisted name of one entity."""

    name_score: float
    name_number: int
    listed: ListedTokens
    aligned: Aligned


@dataclass(frozen=True)
class _Scored:
    score: float
    entity_number: int
    best: _Best
    evidence: list[Reason]


def screen(
    index: NameIndex,
    query: Query,
    threshold: float = REPORT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
) -> list[Match]:
    """Matches scoring at least `threshold`, best first, at most `limit`."""
    scorer = QueryScorer(query.name)
    kept = [s for s in _scored(index, query, scorer, threshold) if s.score >= threshold]
    kept.sort(key=lambda s: (-s.score, index.entity_id(s.entity_number)))
    return [_match(index, query, s, index.entities[s.entity_number]) for s in kept[:limit]]


def _best_names(index: NameIndex, query: Query, scorer: QueryScorer) -> dict[int, _Best]:
    """Entity number -> its best shortlisted name."""
    shortlist = index.shortlist(query.name, query.identifiers)
    best: dict[int, _Best] = {}
    if not shortlist:
        return best
    entities = index.entity_numbers(shortlist)
    for number, entity, listed in zip(
        shortlist, entities, index.listed_tokens(shortlist), strict=True
    ):
        score, aligned = scorer.agreement(listed)
        known = best.get(entity)
        if known is None or score > known.name_score:
            best[entity] = _Best(score, number, listed, aligned)
    return best


def _scored(index: NameIndex, query: Query, scorer: QueryScorer, threshold: float) -> list[_Scored]:
    """Each entity's best name with the evidence beside it (entities read only if needed)."""
    reachable = threshold - evidence.most_gain(query)
    with_entity = evidence.needs_entity(query)
    out = []
    for number, best in _best_names(index, query, scorer).items():
        if best.name_score < reachable:
            continue
        forms = index.legal_forms(best.name_number)
        if with_entity:
            found = evidence.all_evidence(query, index.entities[number], forms)
        else:
            found = evidence.legal_form_evidence(query.name.legal_forms, forms)
        total = round(best.name_score, 4) + sum(r.effect for r in found)
        out.append(_Scored(min(1.0, max(0.0, total)), number, best, found))
    return out


def _match(index: NameIndex, query: Query, scored: _Scored, entity: WatchEntity) -> Match:
    best = scored.best
    listed = index.name_form(best.name_number, best.listed)
    pairs = tuple(
        TokenPair(query.name.tokens[q], listed.tokens[li], s) for q, li, s in best.aligned
    )
    agreement = NameAgreement(best.name_score, listed, pairs)
    reasons = (name_reason(query, agreement), *scored.evidence)
    return Match(entity=entity, score=round(scored.score, 4), reasons=reasons)


def score_entity(query: Query, entity: WatchEntity, agreement: NameAgreement) -> Match:
    reasons = [
        name_reason(query, agreement),
        *evidence.all_evidence(query, entity, agreement.listed.legal_forms),
    ]
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
