"""Candidate index: find the listed names worth scoring without scanning every name.

Each name is analysed once (`names.analyse_name`). Its tokens' phonetic keys go into a
vocabulary; every vocabulary key is also filed under its one-letter deletions
(SymSpell), so a query key finds the listed keys at one edit (a typo, a transcription
difference the key does not fold). Names are blocked by *pairs* of keys: a query finds
the names that share two tokens with it, each up to one edit away. One-token names are
blocked by their single key; identifiers are looked up exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from corridor.screening.entity import Identifier, WatchEntity
from corridor.screening.name_variants import symbol_of
from corridor.screening.names import NameForm, analyse_name

MAX_VARIANTS = 12  # listed keys tried per query token, nearest first
MAX_SINGLE_POSTING = 5000  # a one-token query skips keys more common than this
MAX_RARE_POSTING = 16  # any query token: names sharing its key, when that key is this rare
_SHIFT = 1 << 32


@dataclass(frozen=True)
class IndexedName:
    """One name (caption or alias) of one listed entity."""

    entity: int
    form: NameForm


class NameIndex:
    """An immutable index over the names of the given entities."""

    def __init__(self, entities: Sequence[WatchEntity]) -> None:
        self.entities: tuple[WatchEntity, ...] = tuple(entities)
        self.names: list[IndexedName] = []
        self._key_ids: dict[str, int] = {}
        self._keys: list[str] = []
        self._deletes: dict[str, list[int]] = {}
        self._symbols: dict[str, list[int]] = {}
        self._pairs: dict[int, list[int]] = {}
        self._singles: dict[int, list[int]] = {}
        self._by_key: dict[int, list[int]] = {}
        self._identifiers: dict[str, list[int]] = {}
        self._entity_names: list[list[int]] = []
        for number, entity in enumerate(self.entities):
            self._add_entity(number, entity)

    def __len__(self) -> int:
        return len(self.names)

    def candidates(self, form: NameForm, identifiers: Iterable[Identifier] = ()) -> set[int]:
        """Numbers of the names (into `self.names`) worth scoring against `form`."""
        keyed = dict(zip(form.keys, form.symbols, strict=True))
        variants = [self._variants(key, symbol) for key, symbol in keyed.items()]
        found: set[int] = set()
        for left, right in combinations(variants, 2):
            self._add_pairs(found, left, right)
        for keys in variants:
            self._add_postings(found, self._singles, keys)
        if len(variants) == 1:
            self._add_postings(found, self._by_key, variants[0], MAX_SINGLE_POSTING)
        else:
            exact = [self._key_ids[k] for k in keyed if k in self._key_ids]
            self._add_postings(found, self._by_key, exact, MAX_RARE_POSTING)
        self._add_split_and_merged(found, list(keyed))
        for identifier in identifiers:
            for entity in self._identifiers.get(identifier.value, ()):
                found.update(self._entity_names[entity])
        return found

    def entity_of(self, name_number: int) -> WatchEntity:
        return self.entities[self.names[name_number].entity]

    def _add_entity(self, number: int, entity: WatchEntity) -> None:
        positions: list[int] = []
        for text in entity.names:
            form = analyse_name(text)
            if form.tokens:
                positions.append(self._add_name(IndexedName(number, form)))
        self._entity_names.append(positions)
        for identifier in entity.identifiers:
            self._identifiers.setdefault(identifier.value, []).append(number)

    def _add_name(self, name: IndexedName) -> int:
        position = len(self.names)
        self.names.append(name)
        ids = sorted({self._key_id(key) for key in name.form.keys})
        for key_id in ids:
            self._by_key.setdefault(key_id, []).append(position)
        if len(ids) == 1:
            self._singles.setdefault(ids[0], []).append(position)
        for left, right in combinations(ids, 2):
            self._pairs.setdefault(left * _SHIFT + right, []).append(position)
        return position

    def _key_id(self, key: str) -> int:
        known = self._key_ids.get(key)
        if known is not None:
            return known
        key_id = len(self._keys)
        self._key_ids[key] = key_id
        self._keys.append(key)
        for deleted in _deletions(key):
            self._deletes.setdefault(deleted, []).append(key_id)
        symbol = symbol_of(key)
        if symbol is not None:
            self._symbols.setdefault(symbol, []).append(key_id)
        return key_id

    def _variants(self, key: str, symbol: str | None) -> list[int]:
        """Listed keys within one edit of `key` or of its name family, nearest first."""
        found: dict[int, int] = dict.fromkeys(self._symbols.get(symbol or "", ()), 0)
        for deleted in _deletions(key):
            for key_id in self._deletes.get(deleted, ()):
                found.setdefault(key_id, abs(len(self._keys[key_id]) - len(key)))
        exact = self._key_ids.get(key)
        if exact is not None:
            found[exact] = -1
        return sorted(found, key=found.__getitem__)[:MAX_VARIANTS]

    def _add_pairs(self, found: set[int], left: list[int], right: list[int]) -> None:
        for a in left:
            for b in right:
                if a != b:
                    found.update(self._pairs.get(min(a, b) * _SHIFT + max(a, b), ()))

    def _add_split_and_merged(self, found: set[int], keys: list[str]) -> None:
        """Words written together on one side and apart on the other (Zangezurtrans)."""
        for key in keys:
            for cut in range(3, len(key) - 2):
                left, right = self._key_ids.get(key[:cut]), self._key_ids.get(key[cut:])
                if left is not None and right is not None:
                    self._add_pairs(found, [left], [right])
        for first, second in pairwise(keys):
            merged = self._key_ids.get(first + second)
            if merged is not None:
                self._add_postings(found, self._by_key, [merged], MAX_SINGLE_POSTING)

    @staticmethod
    def _add_postings(
        found: set[int], postings: dict[int, list[int]], keys: list[int], limit: int = 0
    ) -> None:
        for key_id in keys:
            names = postings.get(key_id, ())
            if not limit or len(names) <= limit:
                found.update(names)


def _deletions(key: str) -> set[str]:
    """The key and every string one deletion away (keys of 3 letters or fewer: itself)."""
    if len(key) <= 3:
        return {key}
    return {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}
