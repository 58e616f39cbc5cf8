"""Candidate index: find the listed names worth scoring without scanning every name.

Each name is analysed once (`names.analyse_name`) and kept in compact columns
(`index_arrays`): a million names take a few hundred megabytes of numpy arrays, not
millions of Python objects. `save` writes them to a folder; `load` maps them back
read-only, so that worker processes started from one saved index share its pages.
Which names a query brings in, and in which order, is `blocking`'s business.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

import numpy as np

from corridor.screening.blocking import MAX_SHORTLIST, Blocking
from corridor.screening.columns import equal_range, ranges
from corridor.screening.entity import Identifier, WatchEntity
from corridor.screening.index_arrays import IndexArrays, build_arrays
from corridor.screening.names import KIND_WEIGHTS, NameForm, TokenKind
from corridor.screening.scan_blocking import ScanBlocking
from corridor.screening.scoring import ListedTokens, Query
from corridor.screening.stored_entities import StoredEntities

if TYPE_CHECKING:
    from corridor.screening.matcher import Match

TOKEN_CACHE = 1 << 16  # decoded tokens kept per index (cleared when full)
NAME_CACHE = 1 << 16  # decoded names' tokens kept per index (cleared when full)
_KINDS = list(TokenKind)


@dataclass(frozen=True)
class IndexedName:
    """One name (caption or alias) of one listed entity."""

    entity: int
    form: NameForm


class NameIndex:
    """An immutable index over the names of the given entities."""

    entities: Sequence[WatchEntity]

    def __init__(self, entities: Sequence[WatchEntity]) -> None:
        self.entities = tuple(entities)
        self._arrays = build_arrays(self.entities)
        self._blocking = blocking_for(self._arrays)
        self._tokens: dict[int, tuple[str, str, str | None]] = {}
        self._listed: dict[int, ListedTokens] = {}
        self.screened: dict[tuple[Query, float], tuple[Match, ...]] = {}
        """Parties screened against this index (``parties.screen_party``)."""

    @classmethod
    def load(cls, folder: Path) -> NameIndex:
        """An index saved by `save`, mapped read-only (its entities decoded on demand)."""
        index = cls.__new__(cls)
        index.entities = StoredEntities.load(folder)
        index._arrays = IndexArrays.load(folder)
        index._blocking = blocking_for(index._arrays)
        index._tokens = {}
        index._listed = {}
        index.screened = {}
        return index

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._arrays.save(folder)
        stored = self.entities
        if not isinstance(stored, StoredEntities):
            stored = StoredEntities.of(stored)
        stored.save(folder)

    def __len__(self) -> int:
        return len(self._arrays.name_entity)

    @property
    def names(self) -> Sequence[IndexedName]:
        return _Names(self)

    def shortlist(
        self, form: NameForm, identifiers: Iterable[Identifier] = (), limit: int = MAX_SHORTLIST
    ) -> list[int]:
        """Numbers of the names worth scoring against `form`, most promising first."""
        extra = [n for i in identifiers for n in self._identified(i.value)]
        return self._blocking.shortlist(form, extra, limit)

    def candidates(self, form: NameForm, identifiers: Iterable[Identifier] = ()) -> set[int]:
        return set(self.shortlist(form, identifiers))

    def entity_number(self, name_number: int) -> int:
        return int(self._arrays.name_entity[name_number])

    def entity_numbers(self, name_numbers: Sequence[int]) -> list[int]:
        numbers: list[int] = self._arrays.name_entity[np.asarray(name_numbers, np.int64)].tolist()
        return numbers

    def entity_id(self, entity_number: int) -> str:
        entities = self.entities
        if isinstance(entities, StoredEntities):
            return entities.entity_id(entity_number)
        return entities[entity_number].entity_id

    def legal_forms(self, name_number: int) -> tuple[str, ...]:
        return self._arrays.form_sets[int(self._arrays.name_forms[name_number])]

    def entity_of(self, name_number: int) -> WatchEntity:
        return self.entities[self.entity_number(name_number)]

    def name_form(self, name_number: int, listed: ListedTokens | None = None) -> NameForm:
        """The analysed form of one listed name, rebuilt from the columns."""
        tokens, keys, symbols, kinds = listed or self.listed_tokens([name_number])[0]
        weights = tuple(KIND_WEIGHTS[k] for k in kinds)
        original = self._arrays.name_text[name_number]
        forms = self.legal_forms(name_number)
        return NameForm(original, tokens, keys, weights, forms, symbols, kinds)

    def listed_tokens(self, name_numbers: Sequence[int]) -> list[ListedTokens]:
        """The tokens of many names at once, for scoring: each name decoded once and
        remembered (bounded; shared by threads, so read once, filled after)."""
        cache = self._listed
        found = [cache.get(n) for n in name_numbers]
        missing = [n for n, listed in zip(name_numbers, found, strict=True) if listed is None]
        if not missing:
            return found  # type: ignore[return-value]  # none is None
        decoded = dict(zip(missing, self._decoded_tokens(missing), strict=True))
        if len(cache) + len(decoded) > NAME_CACHE:
            cache.clear()
        cache.update(decoded)
        return [listed or decoded[n] for n, listed in zip(name_numbers, found, strict=True)]

    def _decoded_tokens(self, name_numbers: Sequence[int]) -> list[ListedTokens]:
        """The tokens of many names at once, read from the columns (texts from a bounded
        cache)."""
        arrays = self._arrays
        numbers = np.asarray(name_numbers, dtype=np.int64)
        starts = arrays.name_tokens.offsets[numbers]
        stops = arrays.name_tokens.offsets[numbers + 1]
        where = ranges(starts, stops)
        token_ids: list[int] = arrays.name_tokens.values[where].tolist()
        kinds = tuple(_KINDS[k] for k in arrays.name_kinds[where].tolist())
        tokens = self._tokens_of(token_ids)
        out = []
        known: dict[tuple[int, ...], ListedTokens] = {}  # namesakes share their tokens
        start = 0
        for size in (stops - starts).tolist():
            stop = start + size
            ids = (*token_ids[start:stop], *kinds[start:stop])
            listed = known.get(ids)
            if listed is None:
                texts, keys, symbols = zip(*(tokens[t] for t in token_ids[start:stop]), strict=True)
                listed = known[ids] = ListedTokens(texts, keys, symbols, kinds[start:stop])
            out.append(listed)
            start = stop
        return out

    def _tokens_of(self, token_ids: list[int]) -> dict[int, tuple[str, str, str | None]]:
        """(text, key, family) of each token, decoded once and remembered (bounded; the
        memory is shared by threads, so the answer is a mapping of its own)."""
        cache = self._tokens
        found: dict[int, tuple[str, str, str | None]] = {}
        for token_id in token_ids:
            known = cache.get(token_id)
            if known is not None:
                found[token_id] = known
        missing = np.array([t for t in set(token_ids) if t not in found], dtype=np.int64)
        if len(missing):
            arrays = self._arrays
            keys = arrays.token_key[missing]
            symbols = [arrays.symbols[s] if s >= 0 else None
                       for s in arrays.key_symbol[keys].tolist()]  # fmt: skip
            texts, key_texts = arrays.token_text.many(missing), arrays.key_text.many(keys)
            decoded = dict(zip(missing.tolist(), zip(texts, key_texts, symbols, strict=True),
                               strict=True))  # fmt: skip
            if len(cache) + len(decoded) > TOKEN_CACHE:
                cache.clear()
            cache.update(decoded)
            found.update(decoded)
        return found

    def _identified(self, value: str) -> list[int]:
        names: list[int] = []
        entity_of_name = self._arrays.name_entity
        for entity in self._arrays.identifiers.get(value, ()):
            start, stop = equal_range(entity_of_name, entity)
            names += range(start, stop)
        return names


def blocking_for(arrays: IndexArrays) -> Blocking | ScanBlocking:
    """Plain Python over the lists of a small index, numpy's columns over a large one."""
    return ScanBlocking(arrays) if ScanBlocking.fits(arrays) else Blocking.of(arrays)


class _Names(Sequence[IndexedName]):
    """`index.names[i]`: the entity number and analysed form of name i."""

    def __init__(self, index: NameIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, position: int) -> IndexedName: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[IndexedName]: ...

    def __getitem__(self, position: int | slice) -> IndexedName | Sequence[IndexedName]:
        if isinstance(position, slice):
            return [self[i] for i in range(len(self))[position]]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        index = self._index
        return IndexedName(index.entity_number(position), index.name_form(position))
