"""Listed entities kept as one JSON array each in a `StringColumn`, read back on demand.

A saved index holds a million entities; a worker that maps it in decodes only the few
that a screening returns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

from corridor.screening.columns import StringColumn
from corridor.screening.entity import Identifier, WatchEntity

DECODED_CACHE = 1 << 14  # entities kept decoded (cleared when full)


def encode_entity(entity: WatchEntity) -> str:
    identifiers = [[i.value, i.scheme, i.raw] for i in entity.identifiers]
    fields = [
        entity.entity_id, entity.schema, entity.names, entity.list_name, entity.birth_dates,
        entity.countries, identifiers, entity.sanctions, entity.topics,
    ]  # fmt: skip
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def decode_entity(text: str) -> WatchEntity:
    fields: list[Any] = json.loads(text)
    entity_id, schema, names, list_name, births, countries, ids, sanctions, topics = fields
    identifiers = tuple(Identifier(value, scheme, raw) for value, scheme, raw in ids)
    return WatchEntity(
        entity_id, schema, tuple(names), list_name, tuple(births), tuple(countries),
        identifiers, tuple(sanctions), tuple(topics),
    )  # fmt: skip


class StoredEntities(Sequence[WatchEntity]):
    """The entities of a saved index, decoded one at a time when asked for."""

    def __init__(self, column: StringColumn, ids: StringColumn) -> None:
        self._column = column
        self._ids = ids
        self._decoded: dict[int, WatchEntity] = {}

    @classmethod
    def of(cls, entities: Sequence[WatchEntity]) -> StoredEntities:
        encoded = StringColumn.of(encode_entity(e) for e in entities)
        return cls(encoded, StringColumn.of(e.entity_id for e in entities))

    @classmethod
    def load(cls, folder: Path) -> StoredEntities:
        return cls(StringColumn.load(folder, "entities"), StringColumn.load(folder, "entity_ids"))

    def save(self, folder: Path) -> None:
        self._column.save(folder, "entities")
        self._ids.save(folder, "entity_ids")

    def entity_id(self, position: int) -> str:
        """The id of one entity, without decoding the rest of it."""
        return self._ids[position]

    def __len__(self) -> int:
        return len(self._column)

    @overload
    def __getitem__(self, position: int) -> WatchEntity: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[WatchEntity]: ...

    def __getitem__(self, position: int | slice) -> WatchEntity | Sequence[WatchEntity]:
        if isinstance(position, slice):
            return [self[i] for i in range(len(self))[position]]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        known = self._decoded.get(position)
        if known is None:
            known = decode_entity(self._column[position])
            if len(self._decoded) >= DECODED_CACHE:
                self._decoded.clear()
            self._decoded[position] = known
        return known
