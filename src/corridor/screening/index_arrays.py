"""The columns of a name index, how they are built from entities, saved and mapped back.

Per name: its entity, original text, legal forms and tokens (token numbers and kinds).
Per distinct token: its text and phonetic key. Per distinct key: its text, name family
and the names that hold it (`postings`; `singles` for one-word names). Per name with two
or more keys: under each of its keys, each other key with the name (`partners`, values
`other key << 32 | name`), and its words written together (`joined`, CRC-32 of that key
<< 32 | name, sorted).
Keys near a query key are found in `deletions`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import permutations
from pathlib import Path

import numpy as np

from corridor.screening.columns import (
    Bytes,
    Csr,
    Int32s,
    Int64s,
    StringColumn,
    UInt64s,
    crc32,
    load_array,
    sorted_unique,
)
from corridor.screening.entity import WatchEntity
from corridor.screening.name_variants import symbol_of
from corridor.screening.names import TokenKind, name_words, phonetic_key, token_facts
from corridor.screening.nearkeys import DeletionTable

FORMAT = "corridor-name-index/1"
MAX_PAIRED_KEYS = 6  # keys of one name filed as partners of each other; more are rare


@dataclass
class IndexArrays:
    name_entity: Int32s
    name_text: StringColumn
    name_forms: Int32s
    form_sets: list[tuple[str, ...]]
    name_tokens: Csr
    name_kinds: Bytes
    token_text: StringColumn
    token_key: Int32s
    key_text: StringColumn
    key_symbol: Int32s
    symbols: list[str]
    postings: Csr
    singles: Csr
    partners: Csr
    joined: UInt64s
    deletions: DeletionTable
    identifiers: dict[str, list[int]]

    _ARRAYS = ("name_entity", "name_forms", "name_kinds", "token_key", "key_symbol",
               "joined")  # fmt: skip
    _COLUMNS = ("name_text", "token_text", "key_text")
    _LISTS = ("name_tokens", "postings", "singles", "partners")

    def save(self, folder: Path) -> None:
        for name in self._ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        for name in self._COLUMNS:
            getattr(self, name).save(folder, name)
        for name in self._LISTS:
            getattr(self, name).save(folder, name)
        self.deletions.save(folder)
        tables = {"format": FORMAT, "form_sets": self.form_sets, "symbols": self.symbols,
                  "identifiers": self.identifiers}  # fmt: skip
        (folder / "tables.json").write_text(json.dumps(tables, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> IndexArrays:
        tables = json.loads((folder / "tables.json").read_text("utf-8"))
        if tables.get("format") != FORMAT:
            raise ValueError(f"{folder}: not a saved name index of format {FORMAT}")
        array = {n: load_array(folder / f"{n}.npy") for n in cls._ARRAYS}
        column = {n: StringColumn.load(folder, n) for n in cls._COLUMNS}
        lists = {n: Csr.load(folder, n) for n in cls._LISTS}
        return cls(
            name_entity=array["name_entity"], name_text=column["name_text"],
            name_forms=array["name_forms"], form_sets=[tuple(f) for f in tables["form_sets"]],
            name_tokens=lists["name_tokens"], name_kinds=array["name_kinds"],
            token_text=column["token_text"], token_key=array["token_key"],
            key_text=column["key_text"], key_symbol=array["key_symbol"],
            symbols=tables["symbols"], postings=lists["postings"], singles=lists["singles"],
            partners=lists["partners"],
            joined=array["joined"], deletions=DeletionTable.load(folder),
            identifiers=tables["identifiers"],
        )  # fmt: skip


class _Builder:
    """Collects flat lists while names are analysed, then turns them into arrays."""

    def __init__(self) -> None:
        self.name_entity: list[int] = []
        self.name_text: list[str] = []
        self.name_forms: list[int] = []
        self.name_sizes: list[int] = []
        self.tokens: list[int] = []
        self.kinds: list[int] = []
        self.token_ids: dict[str, int] = {}
        self.token_key: list[int] = []
        self.token_kind: list[TokenKind] = []
        self.key_ids: dict[str, int] = {}
        self.form_ids: dict[tuple[str, ...], int] = {}
        self.pair_keys: list[int] = []
        self.pair_values: list[int] = []
        self.joined: list[int] = []
        self.identifiers: dict[str, list[int]] = {}

    def add_entity(self, number: int, entity: WatchEntity) -> None:
        for text in entity.names:
            self.add_name(number, text)
        for identifier in entity.identifiers:
            self.identifiers.setdefault(identifier.value, []).append(number)

    def add_name(self, entity: int, text: str) -> None:
        words = name_words(text)
        if not words.tokens:
            return
        position = len(self.name_entity)
        self.name_entity.append(entity)
        self.name_text.append(text)
        self.name_forms.append(self.form_ids.setdefault(words.legal_forms, len(self.form_ids)))
        self.name_sizes.append(len(words.tokens))
        token_ids = [self._token_id(t) for t in words.tokens]
        self.tokens.extend(token_ids)
        for token_id, father in zip(token_ids, words.fathers, strict=True):
            self.kinds.append(TokenKind.PATRONYMIC if father else self.token_kind[token_id])
        keys = sorted({self.token_key[t] for t in token_ids})[:MAX_PAIRED_KEYS]
        for key, other in permutations(keys, 2):
            self.pair_keys.append(key)
            self.pair_values.append(other << 32 | position)
        if len(token_ids) > 1:
            joined = phonetic_key("".join(words.tokens)).encode()
            self.joined.append(crc32(joined) << 32 | position)

    def _token_id(self, token: str) -> int:
        known = self.token_ids.get(token)
        if known is not None:
            return known
        key, _, kind = token_facts.__wrapped__(token)
        self.token_ids[token] = len(self.token_key)
        self.token_key.append(self.key_ids.setdefault(key, len(self.key_ids)))
        self.token_kind.append(kind)
        return len(self.token_key) - 1

    def arrays(self) -> IndexArrays:
        sizes = np.array(self.name_sizes, dtype=np.int64)
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        tokens = np.array(self.tokens, dtype=np.int32)
        token_key = np.array(self.token_key, dtype=np.int32)
        keys = list(self.key_ids)
        symbols = [symbol_of(k) for k in keys]
        symbol_ids = {s: i for i, s in enumerate(sorted({s for s in symbols if s is not None}))}
        postings, singles = _postings(token_key[tokens], sizes, len(keys))
        return IndexArrays(
            name_entity=np.array(self.name_entity, dtype=np.int32),
            name_text=StringColumn.of(self.name_text),
            name_forms=np.array(self.name_forms, dtype=np.int32),
            form_sets=list(self.form_ids),
            name_tokens=Csr(offsets, tokens),
            name_kinds=np.array(self.kinds, dtype=np.uint8),
            token_text=StringColumn.of(self.token_ids),
            token_key=token_key,
            key_text=StringColumn.of(keys),
            key_symbol=np.array([symbol_ids.get(s, -1) if s else -1 for s in symbols], np.int32),
            symbols=list(symbol_ids),
            postings=postings,
            singles=singles,
            partners=Csr.group(
                np.array(self.pair_keys, dtype=np.int64),
                np.array(self.pair_values, dtype=np.int64),
                len(keys),
            ),
            joined=sorted_unique(np.array(self.joined, dtype=np.uint64)),
            deletions=DeletionTable.build([k.encode() for k in keys]),
            identifiers=self.identifiers,
        )


def build_arrays(entities: Sequence[WatchEntity]) -> IndexArrays:
    builder = _Builder()
    for number, entity in enumerate(entities):
        builder.add_entity(number, entity)
    return builder.arrays()


def _postings(occurrence_keys: Int32s, sizes: Int64s, key_count: int) -> tuple[Csr, Csr]:
    """Key -> the names holding it (each once); key -> the names with no other key."""
    names = np.repeat(np.arange(len(sizes), dtype=np.uint64), sizes)
    codes = sorted_unique((occurrence_keys.astype(np.uint64) << np.uint64(32)) | names)
    keys = (codes >> np.uint64(32)).astype(np.int64)
    holders = (codes & np.uint64(0xFFFFFFFF)).astype(np.int32)
    single = np.bincount(holders, minlength=len(sizes))[holders] == 1
    return (
        Csr.group(keys, holders, key_count),
        Csr.group(keys[single], holders[single], key_count),
    )
