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
A father's name pairs only with a father's name (Natiq Kərimov is not Kərimov Əfqan
Natiq oğlu), unless the other name has three words and no marker. A generic company
word that differs on both sides (Araz Trade, Araz Logistics) counts as a distinctive
word: two companies of one place name in different trades are two companies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz.distance import OSA

from corridor.screening.entity import Identifier
from corridor.screening.names import (
    KIND_WEIGHTS,
    NameForm,
    TokenKind,
    german_key,
    has_german_reading,
    phonetic_key,
)

TOKEN_FLOOR = 0.5  # token similarity at or below this counts as no agreement
KEY_DISCOUNT = 0.95  # agreement of phonetic keys alone is worth a little less
EXTRA_TOKEN_FACTOR = 0.5  # weight of unmatched tokens beyond the shorter name's length
CONCAT_DISCOUNT = 0.9  # names compared as one string (split or merged words)
CONFLICT_WEIGHT = 1.0  # an unpaired generic word when the other name has one too


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


class ListedTokens(NamedTuple):
    """The tokens of a listed name, as much of its `NameForm` as the score needs."""

    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    symbols: tuple[str | None, ...]
    kinds: tuple[TokenKind, ...]

    @classmethod
    def of(cls, form: NameForm) -> ListedTokens:
        return cls(form.tokens, form.keys, form.symbols, form.kinds)


Aligned = list[tuple[int, int, float]]  # (query token, listed token, similarity)


def token_similarity(query: NameForm, qi: int, listed: NameForm, li: int) -> float:
    """Similarity of two tokens: spelling, or phonetic key / name family, discounted."""
    return _similarity(
        query.tokens[qi], query.keys[qi], query.symbols[qi],
        listed.tokens[li], listed.keys[li], listed.symbols[li],
    )  # fmt: skip


def _similarity(
    q_token: str, q_key: str, symbol: str | None, l_token: str, l_key: str, l_symbol: str | None
) -> float:
    if q_token == l_token:
        return 1.0
    spelling = OSA.normalized_similarity(q_token, l_token)
    if q_key == l_key or (symbol is not None and symbol == l_symbol):
        return max(spelling, KEY_DISCOUNT)
    keys = OSA.normalized_similarity(q_key, l_key)
    if has_german_reading(q_token) or has_german_reading(l_token):
        keys = max(keys, OSA.normalized_similarity(german_key(q_token), german_key(l_token)))
    return max(spelling, KEY_DISCOUNT * keys)


def names_agreement(query: NameForm, listed: NameForm) -> NameAgreement:
    """Align tokens one to one, greedily by similarity; weigh by token weights."""
    score, aligned = QueryScorer(query).agreement(ListedTokens.of(listed))
    pairs = tuple(TokenPair(query.tokens[q], listed.tokens[li], s) for q, li, s in aligned)
    return NameAgreement(score, listed, pairs)


class QueryScorer:
    """`names_agreement` of one query against many listed names, each token pair once."""

    def __init__(self, query: NameForm) -> None:
        self.query = query
        self._rows: dict[str, list[float]] = {}  # listed token -> similarity to each token
        self._agreements: dict[ListedTokens, tuple[float, Aligned]] = {}  # namesakes: once
        self._joined: str | None = None  # the key of the query's words written together
        self._weights = query.weights
        self._fathers = TokenKind.PATRONYMIC in query.kinds

    def score(self, listed: ListedTokens) -> float:
        return self.agreement(listed)[0]

    def agreement(self, listed: ListedTokens) -> tuple[float, Aligned]:
        """The name agreement and the token pairs it rests on."""
        known = self._agreements.get(listed)
        if known is None:
            known = self._agreements[listed] = self._agreement(listed)
        return known

    def _agreement(self, listed: ListedTokens) -> tuple[float, Aligned]:
        q_count, l_count = len(self._weights), len(listed.tokens)
        aligned: Aligned = []
        used_q = used_l = 0  # bit sets
        earned = 0.0
        for similarity, q, li in self._scored(listed):
            if used_q >> q & 1 or used_l >> li & 1:
                continue
            used_q |= 1 << q
            used_l |= 1 << li
            aligned.append((q, li, similarity))
            weights = self._weights[q] + KIND_WEIGHTS[listed.kinds[li]]
            earned += (similarity - TOKEN_FLOOR) / (1.0 - TOKEN_FLOOR) * weights
            if len(aligned) == q_count or len(aligned) == l_count:
                break
        conflict = len(aligned) < q_count and len(aligned) < l_count
        total = _total_weight(self.query.kinds, used_q, q_count > l_count, conflict)
        total += _total_weight(listed.kinds, used_l, l_count > q_count, conflict)
        score = earned / total if total else 0.0
        if q_count != l_count:
            if self._joined is None:
                self._joined = phonetic_key("".join(self.query.tokens))
            joined = phonetic_key("".join(listed.tokens))
            score = max(
                score, CONCAT_DISCOUNT * _credit(OSA.normalized_similarity(self._joined, joined))
            )
        return score, aligned

    def _scored(self, listed: ListedTokens) -> list[tuple[float, int, int]]:
        """(similarity, query token, listed token) of every pairable pair above the floor."""
        fathers = self._fathers or TokenKind.PATRONYMIC in listed.kinds
        scored = []
        for li, token in enumerate(listed.tokens):
            row = self._rows.get(token)
            if row is None:
                row = self._rows[token] = self._row(token, listed.keys[li], listed.symbols[li])
            for q, similarity in enumerate(row):
                if similarity > TOKEN_FLOOR and (
                    not fathers or _pairable(self.query.kinds, q, listed.kinds, li)
                ):
                    scored.append((similarity, q, li))
        scored.sort(reverse=True)
        return scored

    def _row(self, token: str, key: str, symbol: str | None) -> list[float]:
        query = self.query
        return [
            _similarity(q_token, q_key, q_symbol, token, key, symbol)
            for q_token, q_key, q_symbol in zip(
                query.tokens, query.keys, query.symbols, strict=True
            )
        ]


def best_name(query: NameForm, names: Sequence[NameForm]) -> NameAgreement | None:
    best: NameAgreement | None = None
    for listed in names:
        agreement = names_agreement(query, listed)
        if best is None or agreement.score > best.score:
            best = agreement
    return best


def _pairable(q_kinds: Sequence[TokenKind], q: int, l_kinds: Sequence[TokenKind], li: int) -> bool:
    """A patronymic pairs with a patronymic, or with any word of an unmarked 3-word name."""
    q_father = q_kinds[q] == TokenKind.PATRONYMIC
    l_father = l_kinds[li] == TokenKind.PATRONYMIC
    if q_father == l_father:
        return True
    return len(q_kinds if l_father else l_kinds) >= 3


def _credit(similarity: float) -> float:
    return max(0.0, (similarity - TOKEN_FLOOR) / (1.0 - TOKEN_FLOOR))


def _total_weight(kinds: Sequence[TokenKind], matched: int, longer: bool, conflict: bool) -> float:
    """Weight of a name's tokens: `matched` (a bit set) in full, the others reduced."""
    factor = EXTRA_TOKEN_FACTOR if longer else 1.0
    total = 0.0
    for i, kind in enumerate(kinds):
        weight = KIND_WEIGHTS[kind]
        if matched >> i & 1:
            total += weight
        elif conflict and kind == TokenKind.GENERIC:
            total += CONFLICT_WEIGHT
        else:
            total += weight * factor
    return total
