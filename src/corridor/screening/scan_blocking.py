"""Blocking for an index of few keys and names: `blocking.Blocking`'s shortlist in Python.

The watch lists a corridor screens every lodging against are small (the shipped ones
hold 46 names and 59 phonetic keys). There numpy's cost per call, paid a few dozen times
a query, outweighs what it saves on a few dozen numbers, so this computes the same
shortlist from plain lists built once per index, and finds near keys with `KeyScan`
(rapidfuzz's Indel distance over every key, in C).

Every way of finding a name gives it a rank (see `blocking`); `Blocking` sorts every
finding by (rank, fixed permutation of the name number) and keeps each name's first.
That is each name at its least rank, so here each name keeps its least rank as the
findings come, and the names are sorted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from corridor.screening.blocking import (
    FAMILY_DISTANCE,
    JOINED_RANK,
    MAX_RARE_POSTING,
    MAX_SHORTLIST,
    MAX_SINGLE_POSTING,
    NEAR_CACHE,
    RARE_RANK,
    SINGLE_RANK,
    shuffled,
)
from corridor.screening.columns import Csr, crc32
from corridor.screening.index_arrays import IndexArrays
from corridor.screening.names import NameForm, german_key, has_german_reading, phonetic_key
from corridor.screening.nearkeys import KeyScan

SCAN_NAMES = 50_000  # and at most `nearkeys.SCAN_KEYS` (1,024) keys: Python lists
_FAR = 99  # farther than any rank


@dataclass(frozen=True)
class TokenBlock:
    """What one query token brings in, found once per token (as `blocking.NearKeys`)."""

    near: dict[int, int]  # listed key -> its distance
    volume: int  # how many name entries hold one of the keys
    singles: list[tuple[int, int]]  # one-word names under a near key (of at most 5,000)
    rare: list[int]  # names holding the token's own key, if at most 16 do
    partners: list[tuple[int, int, int]]  # other key, name, distance of the name's key


_NOTHING = TokenBlock({}, 0, [], [], [])


class ScanBlocking:
    """The shortlist of `blocking.Blocking`, over an index of few keys and names."""

    def __init__(self, arrays: IndexArrays) -> None:
        keys = arrays.key_text
        self.scan = KeyScan([keys.raw(k) for k in range(len(keys))])
        self.postings = _rows(arrays.postings)
        self.singles = _rows(arrays.singles)
        self.partners = [[(c >> 32, c & 0xFFFFFFFF) for c in row] for row in _rows(arrays.partners)]
        self.families: dict[str, list[int]] = {}
        for key, symbol in enumerate(arrays.key_symbol.tolist()):
            if symbol >= 0:
                self.families.setdefault(arrays.symbols[symbol], []).append(key)
        self.joined: dict[int, list[int]] = {}
        for code in arrays.joined.tolist():
            self.joined.setdefault(code >> 32, []).append(code & 0xFFFFFFFF)
        self._tokens: dict[str, TokenBlock] = {}  # per token, bounded

    @classmethod
    def fits(cls, arrays: IndexArrays) -> bool:
        return KeyScan.fits(len(arrays.key_text)) and len(arrays.name_entity) <= SCAN_NAMES

    def shortlist(self, form: NameForm, extra: list[int], limit: int = MAX_SHORTLIST) -> list[int]:
        """Name numbers worth scoring against `form`, best-ranked first; `extra` rank 0."""
        blocks = self.token_blocks(form)
        ranks: dict[int, int] = dict.fromkeys(extra, 0)
        if any(b.near for b in blocks):
            self._pairs(blocks, ranks)
            self._postings(blocks, ranks)
        for name in self._joined(form):
            ranks[name] = JOINED_RANK
        order = sorted(zip(ranks.values(), shuffled(list(ranks)), ranks, strict=True))
        return [name for _, _, name in order[:limit]]

    def token_blocks(self, form: NameForm) -> list[TokenBlock]:
        """Each token's block, remembered per token (the memory is shared by threads:
        read once into a local mapping, filled after)."""
        found = {t: b for t in form.tokens if (b := self._tokens.get(t)) is not None}
        missing = {t: i for i, t in enumerate(form.tokens) if t not in found}
        if missing:
            if len(self._tokens) + len(missing) > NEAR_CACHE:
                self._tokens.clear()
            for token, position in missing.items():
                block = self._block(token, form.keys[position], form.symbols[position])
                found[token] = self._tokens[token] = block
        return [found[t] for t in form.tokens]

    def _block(self, token: str, key: str, symbol: str | None) -> TokenBlock:
        texts = [key.encode()]
        if has_german_reading(token):
            texts.append(german_key(token).encode())
        near: dict[int, int] = {}
        for found in self.scan.near(texts):
            for listed, distance in found.items():
                near[listed] = min(distance, near.get(listed, _FAR))
        for listed in self.families.get(symbol or "", ()):
            near[listed] = min(FAMILY_DISTANCE, near.get(listed, _FAR))
        if not near:
            return _NOTHING
        singles = [(name, distance) for listed, distance in near.items()
                   for name in _small(self.singles[listed], MAX_SINGLE_POSTING)]  # fmt: skip
        rare = [name for listed, distance in near.items() if distance == 0
                for name in _small(self.postings[listed], MAX_RARE_POSTING)]  # fmt: skip
        partners = [(other, name, distance) for listed, distance in near.items()
                    for other, name in self.partners[listed]]  # fmt: skip
        volume = sum(len(self.postings[listed]) for listed in near)
        return TokenBlock(near, volume, singles, rare, partners)

    @staticmethod
    def _pairs(blocks: list[TokenBlock], ranks: dict[int, int]) -> None:
        """Names holding near keys of two query tokens, from the rarer token's side."""
        for first in range(len(blocks)):
            for second in range(first + 1, len(blocks)):
                rare, other = sorted((blocks[first], blocks[second]), key=lambda b: b.volume)
                if not other.near:
                    continue
                for partner, name, own in rare.partners:
                    distance = other.near.get(partner)
                    if distance is not None and own + distance < ranks.get(name, _FAR):
                        ranks[name] = own + distance

    def _postings(self, blocks: list[TokenBlock], ranks: dict[int, int]) -> None:
        """One-word names near any query token (`SINGLE_RANK` further if the query has
        more words); for a one-word query every holder of a near key, else rare keys'."""
        if len(blocks) == 1:
            (block,) = blocks
            found = list(block.singles)
            for listed, distance in block.near.items():
                holders = _small(self.postings[listed], MAX_SINGLE_POSTING)
                found += [(name, distance) for name in holders]
        else:
            found = [(name, d + SINGLE_RANK) for block in blocks for name, d in block.singles]
            found += [(name, RARE_RANK) for block in blocks for name in block.rare]
        for name, rank in found:
            if rank < ranks.get(name, _FAR):
                ranks[name] = rank

    def _joined(self, form: NameForm) -> list[int]:
        """Words written together on one side and apart on the other (Zangezurtrans)."""
        if len(form.keys) == 1:
            return self.joined.get(crc32(form.keys[0].encode()), [])
        if not form.keys:
            return []
        key = self.scan.numbers.get(phonetic_key("".join(form.tokens)).encode())
        return [] if key is None else self.singles[key]


def _rows(lists: Csr) -> list[list[int]]:
    offsets: list[int] = lists.offsets.tolist()
    values: list[int] = lists.values.tolist()
    return [values[start:stop] for start, stop in pairwise(offsets)]


def _small(names: list[int], most: int) -> list[int]:
    return names if len(names) <= most else []
