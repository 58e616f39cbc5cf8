"""Score a query against one listed entity, and say why.

The score starts from the best name agreement (0..1) between the query's name and the
entity's names and aliases, then moves with the other evidence, each move a `Reason`:

| evidence | agrees | conflicts |
|---|---|---|
| identifier of the same scheme (or shape) | +0.30 | -0.30 |
| birth date | +0.10 full date, +0.05 year | -0.15 one year or day/month off, -0.35 further |
| country | +0.03 | -0.08 |
| schema (Person vs Company / Vehicle) | | -0.50 |
| legal form (LLC vs JSC) | +0.02 | -0.05 |

The result is clamped to 0..1. Name agreement itself (see `names_agreement`) aligns the
tokens of both names one to one; a token pair counts by its similarity above a floor,
so "Aram" does not half-match "Armen", while one typo in a long name costs little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from corridor.screening.entity import Identifier
from corridor.screening.names import NameForm

TOKEN_FLOOR = 0.5  # token similarity at or below this counts as no agreement
KEY_DISCOUNT = 0.95  # agreement of phonetic keys alone is worth a little less
EXTRA_TOKEN_FACTOR = 0.5  # weight of unmatched tokens beyond the shorter name's length
CONCAT_DISCOUNT = 0.9  # names compared as one string (split or merged words)


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: a machine code, its effect on the score, one line for people."""

    code: str
    effect: float
    text: str


@dataclass(frozen=True)
class Query:
    """What is screened: a party's name and what else is known about it."""

    name: NameForm
    birth_date: str | None = None
    countries: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    schema: str | None = None


@dataclass(frozen=True)
class TokenPair:
    query: str
    listed: str
    similarity: float


@dataclass(frozen=True)
class NameAgreement:
    score: float
    listed: NameForm
    pairs: tuple[TokenPair, ...]


def token_similarity(query: NameForm, qi: int, listed: NameForm, li: int) -> float:
    """Similarity of two tokens: spelling, or phonetic key / name family, discounted."""
    q_token, l_token = query.tokens[qi], listed.tokens[li]
    if q_token == l_token:
        return 1.0
    spelling = OSA.normalized_similarity(q_token, l_token)
    q_key, l_key = query.keys[qi], listed.keys[li]
    symbol = query.symbols[qi]
    if q_key == l_key or (symbol is not None and symbol == listed.symbols[li]):
        return max(spelling, KEY_DISCOUNT)
    return max(spelling, KEY_DISCOUNT * OSA.normalized_similarity(q_key, l_key))


def names_agreement(query: NameForm, listed: NameForm) -> NameAgreement:
    """Align tokens one to one, greedily by similarity; weigh by token weights."""
    pairs, matched_q, matched_l = _align(query, listed)
    earned = sum(
        _credit(p.similarity) * (query.weights[qi] + listed.weights[li]) for p, qi, li in pairs
    )
    total = _total_weight(query.weights, matched_q, len(query.tokens) > len(listed.tokens))
    total += _total_weight(listed.weights, matched_l, len(listed.tokens) > len(query.tokens))
    score = earned / total if total else 0.0
    if len(query.tokens) != len(listed.tokens):
        score = max(score, _concatenated(query, listed))
    return NameAgreement(score, listed, tuple(p for p, _, _ in pairs))


def _concatenated(query: NameForm, listed: NameForm) -> float:
    """Agreement of the names written as one word: catches split or merged words."""
    similarity = OSA.normalized_similarity("".join(query.keys), "".join(listed.keys))
    return CONCAT_DISCOUNT * _credit(similarity)


def best_name(query: NameForm, names: Sequence[NameForm]) -> NameAgreement | None:
    best: NameAgreement | None = None
    for listed in names:
        agreement = names_agreement(query, listed)
        if best is None or agreement.score > best.score:
            best = agreement
    return best


def _align(
    query: NameForm, listed: NameForm
) -> tuple[list[tuple[TokenPair, int, int]], set[int], set[int]]:
    scored = sorted(
        (
            (token_similarity(query, qi, listed, li), qi, li)
            for qi in range(len(query.tokens))
            for li in range(len(listed.tokens))
        ),
        reverse=True,
    )
    pairs: list[tuple[TokenPair, int, int]] = []
    used_q: set[int] = set()
    used_l: set[int] = set()
    for similarity, qi, li in scored:
        if similarity <= TOKEN_FLOOR or qi in used_q or li in used_l:
            continue
        used_q.add(qi)
        used_l.add(li)
        pairs.append((TokenPair(query.tokens[qi], listed.tokens[li], similarity), qi, li))
    return pairs, used_q, used_l


def _credit(similarity: float) -> float:
    return max(0.0, (similarity - TOKEN_FLOOR) / (1.0 - TOKEN_FLOOR))


def _total_weight(weights: tuple[float, ...], matched: set[int], longer: bool) -> float:
    factor = EXTRA_TOKEN_FACTOR if longer else 1.0
    return sum(w if i in matched else w * factor for i, w in enumerate(weights))
