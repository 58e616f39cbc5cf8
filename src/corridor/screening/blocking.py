"""Which listed names to score for a query: near keys, pairs of them, and a few fallbacks.

For each query token the index takes the listed keys near its phonetic key (`nearkeys`:
Indel distance up to 2, or 4 for long keys), near its German / ISO reading (Worobjowa,
Kudrjawzew) and in its name family (Оганесян / Hovhannisyan), remembered per token. A
listed name is a candidate, ranked by the Indel distances of the keys that brought it in:

| how it is found | rank |
|---|---|
| it holds near keys of two query tokens (looked up from the rarer token) | the two distances |
| it has one key only, near a query token | distance + 2 |
| one-word query: it holds a near key (keys held by more than 5,000 names skipped) | distance |
| it holds a query key that at most 16 names hold (a rare word; the others garbled) | 4 |
| its words written together are the query's one word, or the other way round | 0 |
| its entity has one of the query's identifiers | 0 |

The `MAX_SHORTLIST` best-ranked names are scored; ties are broken by a fixed
permutation of the name numbers, so that the order in which lists were loaded favours
no one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corridor.screening.columns import Csr, Int64s, crc32, equal_range
from corridor.screening.index_arrays import IndexArrays
from corridor.screening.names import NameForm, german_key, has_german_reading, phonetic_key
from corridor.screening.nearkeys import DeletionTable, KeyScan

MAX_SHORTLIST = 48  # names scored exactly per query
MAX_SINGLE_POSTING = 5000  # a one-word query skips keys held by more names than this
MAX_RARE_POSTING = 16  # a key this rare brings in its names on its own
FAMILY_DISTANCE = 1  # a key of the same name family counts as this far
SINGLE_RANK, RARE_RANK, JOINED_RANK = 2, 4, 0
NEAR_CACHE = 1 << 16  # query tokens whose near keys are remembered (cleared when full)
MAX_KEPT_PARTNERS = 256  # a token's partner entries remembered with it, if no more
SMALL_CANDIDATES = 256  # fewer candidates than this are ranked in Python, not numpy

Near = tuple[Int64s, Int64s]  # listed key numbers (ascending) and the distance of each
Partners = tuple[Int64s, Int64s, Int64s]  # other key, name, distance of the name's own key


@dataclass
class NearKeys:
    """The listed keys near one query token (ascending), their distances, their holders,
    and the names they bring in on their own (found once per token, not per query)."""

    keys: Int64s
    distances: Int64s
    volume: int  # how many name entries hold one of the keys
    singles: Near  # one-word names holding a near key (a key of at most 5,000), at distance
    rare: Near  # names holding the token's own key, if at most 16 do, at `RARE_RANK`
    # The token's partner entries, once it has been the rarer of a pair and if there are
    # at most `MAX_KEPT_PARTNERS`: filled in by whichever thread comes first (the same).
    partners: Partners | None = None


@dataclass(frozen=True)
class Blocking:
    arrays: IndexArrays
    families: dict[str, Int64s]  # name family (symbol) -> the listed keys in it
    near_finder: DeletionTable | KeyScan  # a scan of the keys when there are few
    _near: dict[str, NearKeys] = field(default_factory=dict)  # per token, bounded

    @classmethod
    def of(cls, arrays: IndexArrays) -> Blocking:
        keyed = np.flatnonzero(np.asarray(arrays.key_symbol) >= 0)
        families: dict[str, list[int]] = {}
        for key, symbol in zip(keyed.tolist(), arrays.key_symbol[keyed].tolist(), strict=True):
            families.setdefault(arrays.symbols[symbol], []).append(key)
        keys = arrays.key_text
        finder: DeletionTable | KeyScan = arrays.deletions
        if KeyScan.fits(len(keys)):
            finder = KeyScan([keys.raw(k) for k in range(len(keys))])
        return cls(arrays, {s: np.array(k, dtype=np.int64) for s, k in families.items()}, finder)

    def shortlist(self, form: NameForm, extra: list[int], limit: int = MAX_SHORTLIST) -> list[int]:
        """Name numbers worth scoring against `form`, best-ranked first; `extra` rank 0."""
        near = self.near_keys(form)
        found: list[Near] = []
        if extra:
            found.append((np.array(extra, dtype=np.int64), np.zeros(len(extra), dtype=np.int64)))
        if any(len(n.keys) for n in near):  # else no key of the query is near a listed one
            found.append(self._pairs(near))
            found += self._postings(near, one_word=len(near) == 1)
        found.append(self._joined(form))
        return _best(found, limit)

    def near_keys(self, form: NameForm) -> list[NearKeys]:
        """For each token of `form`: the listed keys near it (remembered per token).

        The memory is shared by threads: read once into a local mapping, filled after.
        """
        found: dict[str, NearKeys] = {}
        missing: dict[str, int] = {}
        for position, token in enumerate(form.tokens):
            known = self._near.get(token)
            if known is None:
                missing.setdefault(token, position)
            else:
                found[token] = known
        if missing:
            looked_up = self._look_up([form.keys[i] for i in missing.values()], list(missing))
            if len(self._near) + len(missing) > NEAR_CACHE:
                self._near.clear()
            for token, position in missing.items():
                near = self._with_family(looked_up[token], form.symbols[position])
                found[token] = self._near[token] = near
        return [found[t] for t in form.tokens]

    def _look_up(self, keys: list[str], tokens: list[str]) -> dict[str, Near]:
        """Near keys of each token's key and, where it has one, of its German reading."""
        texts = [k.encode() for k in keys]
        owners = list(tokens)
        for token in tokens:
            if has_german_reading(token):
                texts.append(german_key(token).encode())
                owners.append(token)
        parts: dict[str, list[Near]] = {t: [] for t in tokens}
        looked_up = self.near_finder.lookup(texts)
        for owner, text, (keys_, distances) in zip(owners, texts, looked_up, strict=True):
            parts[owner].append(self._verified(text, keys_, distances))
        return {t: _merge(p) for t, p in parts.items()}

    def _with_family(self, near: Near, symbol: str | None) -> NearKeys:
        family = self.families.get(symbol or "")
        if family is not None:
            near = _merge([near, (family, np.full(len(family), FAMILY_DISTANCE))])
        keys, distances = near
        if not len(keys):
            return _FAR
        postings = self.arrays.postings
        exact = distances == 0
        return NearKeys(
            keys,
            distances,
            int(postings.sizes(keys).sum()),
            self._holders(self.arrays.singles, keys, distances, 0, MAX_SINGLE_POSTING),
            self._holders(postings, keys[exact], distances[exact], RARE_RANK, MAX_RARE_POSTING),
        )

    def exact_key(self, key: str) -> int | None:
        text = key.encode()
        for number in self.near_finder.exact(text):
            if self.arrays.key_text.raw(number) == text:
                return number
        return None

    def _verified(self, text: bytes, keys: Int64s, distances: Int64s) -> Near:
        """Drop hash collisions that pose as the key itself (distance 0, other text)."""
        if not len(keys):
            return keys, distances
        raw = self.arrays.key_text.raw
        posing = [p for p in np.flatnonzero(distances == 0).tolist() if raw(int(keys[p])) != text]
        if not posing:
            return keys, distances
        keep = np.ones(len(keys), dtype=bool)
        keep[posing] = False
        return keys[keep], distances[keep]

    def _pairs(self, near: list[NearKeys]) -> Near:
        """Names holding near keys of two query tokens, from the rarer token's side."""
        found = []
        for first in range(len(near)):
            for second in range(first + 1, len(near)):
                rare, other = sorted((near[first], near[second]), key=lambda n: n.volume)
                found.append(self._partners(rare, other))
        return _concatenated(found)

    def _partners(self, rare: NearKeys, other: NearKeys) -> Near:
        """Names holding a key of `rare` and, beside it, a key of `other`."""
        if not len(other.keys) or not len(rare.keys):
            return _nothing()
        partner, names, own = self._partner_entries(rare)
        where = np.minimum(other.keys.searchsorted(partner), len(other.keys) - 1)
        hit = other.keys[where] == partner
        return names[hit], own[hit] + other.distances[where[hit]]

    def _partner_entries(self, token: NearKeys) -> Partners:
        """Under each key near the token: each other key beside it, the name, the key's
        distance."""
        if token.partners is not None:
            return token.partners
        rows, codes = self.arrays.partners.gather(token.keys)
        found = (codes >> 32, codes & 0xFFFFFFFF, token.distances[token.keys.searchsorted(rows)])
        if len(codes) <= MAX_KEPT_PARTNERS:
            token.partners = found
        return found

    def _postings(self, near: list[NearKeys], one_word: bool) -> list[Near]:
        """One-word names near any query token (`SINGLE_RANK` further if the query has
        more words); for a one-word query every holder of a near key, else rare keys'."""
        if one_word:
            (token,) = near
            postings = self.arrays.postings
            holders = self._holders(postings, token.keys, token.distances, 0, MAX_SINGLE_POSTING)
            return [token.singles, holders]
        found = [(names, distances + SINGLE_RANK)
                 for names, distances in (n.singles for n in near) if len(names)]  # fmt: skip
        return found + [n.rare for n in near if len(n.rare[0])]

    @staticmethod
    def _holders(lists: Csr, keys: Int64s, distances: Int64s, rank: int, most: int) -> Near:
        """The names in `lists` under each key held by at most `most` names."""
        if not len(keys):
            return _nothing()
        sizes = lists.sizes(keys)
        keep = (sizes > 0) & (sizes <= most)
        if not keep.any():
            return _nothing()
        _, names = lists.gather(keys[keep])
        return names.astype(np.int64), (distances[keep] + rank).repeat(sizes[keep])

    def _joined(self, form: NameForm) -> Near:
        """Words written together on one side and apart on the other (Zangezurtrans)."""
        if len(form.keys) == 1:
            code = crc32(form.keys[0].encode()) << 32
            joined = self.arrays.joined
            start, _ = equal_range(joined, code)
            _, stop = equal_range(joined, code | 0xFFFFFFFF)
            names = (joined[start:stop] & np.uint64(0xFFFFFFFF)).astype(np.int64)
            return names, np.full(len(names), JOINED_RANK, dtype=np.int64)
        key = self.exact_key(phonetic_key("".join(form.tokens))) if form.keys else None
        if key is None:
            return _nothing()
        names = np.asarray(self.arrays.singles.row(key), dtype=np.int64)
        return names, np.full(len(names), JOINED_RANK, dtype=np.int64)


def _merge(parts: list[Near]) -> Near:
    """One (keys, distances) from several, each key at its least distance."""
    parts = [p for p in parts if len(p[0])] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    keys = np.concatenate([k for k, _ in parts])
    distances = np.concatenate([d for _, d in parts])
    order = np.lexsort((distances, keys))
    keys, distances = keys[order], distances[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], distances[first]


def _concatenated(found: list[Near]) -> Near:
    found = [n for n in found if len(n[0])]
    if len(found) <= 1:
        return found[0] if found else _NOTHING
    return np.concatenate([n for n, _ in found]), np.concatenate([d for _, d in found])


_NOTHING: Near = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
_NOTHING[0].flags.writeable = _NOTHING[1].flags.writeable = False


def _nothing() -> Near:
    return _NOTHING


_FAR = NearKeys(_NOTHING[0], _NOTHING[1], 0, _NOTHING, _NOTHING)  # a token near no key


def _best(found: list[Near], limit: int) -> list[int]:
    """The first `limit` distinct names by rank, ties broken by the fixed permutation."""
    names, ranks = _concatenated(found)
    if not len(names):
        return []
    if len(names) <= SMALL_CANDIDATES:  # the same order, without numpy's per-call cost
        ordered = [n for _, _, n in sorted(zip(ranks.tolist(), shuffled(names.tolist()),
                                               names.tolist(), strict=True))]  # fmt: skip
    else:
        order = np.lexsort(((names * _SHUFFLE) & 0xFFFFFFFF, ranks))
        ordered = names[order].tolist()
    best: dict[int, None] = {}
    for name in ordered:
        best.setdefault(name, None)
        if len(best) == limit:
            break
    return list(best)


_SHUFFLE = 2654435761  # odd, so a permutation of 32-bit name numbers


def shuffled(names: list[int]) -> list[int]:
    """The fixed permutation of name numbers that breaks ties between equal ranks."""
    return [(n * _SHUFFLE) & 0xFFFFFFFF for n in names]
