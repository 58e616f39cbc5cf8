"""Readers for the three watch-list formats.

- FollowTheMoney JSON lines (OpenSanctions `entities.ftm.json`): one entity per line,
  `{"id", "schema", "properties": {...}, "last_change"?}`. Person, Company,
  Organization, LegalEntity and Vehicle (with Vessel and Airplane) are read; `Sanction`
  entities are attached to the entity they name.
- OpenSanctions `targets.simple.csv`: id, schema, name, aliases, birth_date, countries,
  addresses, identifiers, sanctions, ..., last_change; multiple values separated by ';'.
- Our own CSV: id, name, and optionally schema, aliases, birth_date, countries,
  identifiers, reason, added (date); multiple values separated by ';'.

Each reader returns the entities and the list's date (the newest change it holds).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from corridor.screening.entity import (
    FTM_IDENTIFIER_SCHEMES,
    WatchEntity,
    country_codes,
    identifiers_from,
)
from corridor.screening.errors import WatchListError

FTM_SCHEMAS = frozenset(
    {"Person", "Company", "Organization", "LegalEntity", "Vehicle", "Vessel", "Airplane"}
)
_FTM_NAME_PROPS = ("name", "alias", "previousName")
_FTM_COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "flag")
_TARGETS_REQUIRED = frozenset({"id", "schema", "name", "aliases", "identifiers", "sanctions"})
_OWN_REQUIRED = frozenset({"id", "name"})

ReadResult = tuple[list[WatchEntity], str | None]


def read_ftm_jsonl(path: Path, list_name: str) -> ReadResult:
    sanctions: dict[str, list[str]] = {}
    records: list[Mapping[str, Any]] = []
    newest: str | None = None
    for number, record in _json_lines(path):
        newest = _newer(newest, record.get("last_change") or record.get("last_seen"))
        schema = record.get("schema")
        if schema == "Sanction":
            _collect_sanction(record, sanctions)
        elif schema in FTM_SCHEMAS:
            _require(isinstance(record.get("id"), str), path, number, "entity without id")
            records.append(record)
    entities = [_ftm_entity(r, list_name, sanctions) for r in records]
    return [e for e in entities if e.names], newest


def read_targets_simple(path: Path, list_name: str) -> ReadResult:
    rows, newest = _csv_rows(path, _TARGETS_REQUIRED, "last_change")
    entities = [_csv_entity(row, list_name, "sanctions") for row in rows]
    return entities, newest


def read_own_csv(path: Path, list_name: str) -> ReadResult:
    rows, newest = _csv_rows(path, _OWN_REQUIRED, "added")
    entities = [_csv_entity(row, list_name, "reason") for row in rows]
    return entities, newest


def _json_lines(path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    with _open(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise WatchListError(f"{path}:{number}: not JSON ({error.msg})") from None
            _require(isinstance(record, dict), path, number, "not a JSON object")
            yield number, record


def _ftm_entity(
    record: Mapping[str, Any], list_name: str, sanctions: dict[str, list[str]]
) -> WatchEntity:
    props: Mapping[str, Any] = record.get("properties") or {}
    schema = str(record["schema"])
    identifiers = tuple(
        ident
        for prop, scheme in FTM_IDENTIFIER_SCHEMES.items()
        for ident in identifiers_from(_strings(props, prop), scheme)
    )
    return WatchEntity(
        entity_id=str(record["id"]),
        schema="Vehicle" if schema in ("Vessel", "Airplane") else schema,
        names=_unique(v for p in _FTM_NAME_PROPS for v in _strings(props, p)),
        list_name=list_name,
        birth_dates=_unique(_strings(props, "birthDate") + _strings(props, "incorporationDate")),
        countries=country_codes([v for p in _FTM_COUNTRY_PROPS for v in _strings(props, p)]),
        identifiers=tuple(dict.fromkeys(identifiers)),
        sanctions=tuple(sanctions.get(str(record["id"]), [])),
        topics=_unique(_strings(props, "topics")),
    )


def _collect_sanction(record: Mapping[str, Any], sanctions: dict[str, list[str]]) -> None:
    props: Mapping[str, Any] = record.get("properties") or {}
    label = "; ".join(_strings(props, "authority") + _strings(props, "program"))
    for target in _strings(props, "entity"):
        sanctions.setdefault(target, []).append(label or "sanction")


def _strings(props: Mapping[str, Any], key: str) -> list[str]:
    values = props.get(key) or []
    if isinstance(values, str):
        values = [values]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _csv_rows(
    path: Path, required: frozenset[str], date_column: str
) -> tuple[list[dict[str, str]], str | None]:
    with _open(path) as handle:
        reader = csv.DictReader(handle)
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise WatchListError(f"{path}: missing columns {', '.join(sorted(missing))}")
        rows = [{k: (v or "") for k, v in row.items() if k} for row in reader]
    newest: str | None = None
    for number, row in enumerate(rows, start=2):
        _require(bool(row["id"].strip() and row["name"].strip()), path, number, "id or name empty")
        newest = _newer(newest, row.get(date_column))
    return rows, newest


def _csv_entity(row: Mapping[str, str], list_name: str, sanctions_column: str) -> WatchEntity:
    return WatchEntity(
        entity_id=row["id"].strip(),
        schema=(row.get("schema") or "").strip() or "LegalEntity",
        names=_unique([row["name"].strip(), *_split(row.get("aliases"))]),
        list_name=list_name,
        birth_dates=_unique(_split(row.get("birth_date"))),
        countries=country_codes(_split(row.get("countries"))),
        identifiers=identifiers_from(_split(row.get("identifiers"))),
        sanctions=_unique(_split(row.get(sanctions_column))),
    )


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _newer(current: str | None, candidate: object) -> str | None:
    if not isinstance(candidate, str) or len(candidate) < 10:
        return current
    day = candidate[:10]
    return day if current is None or day > current else current


def _open(path: Path) -> Any:
    try:
        return path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise WatchListError(f"{path}: cannot read ({error.strerror})") from None


def _require(condition: bool, path: Path, number: int, message: str) -> None:
    if not condition:
        raise WatchListError(f"{path}:{number}: {message}")
