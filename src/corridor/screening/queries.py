"""Name queries as the `screen names` command reads them, one JSON object a line.

`{"id": ..., "name": ..., "birth_date"?: ..., "country"?: ..., "identifiers"?: [...],
"schema"?: "Person" | "Company"}`; `country` may also be a list of codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor.screening.entity import Identifier, parse_identifier
from corridor.screening.errors import SubjectError
from corridor.screening.names import analyse_name
from corridor.screening.scoring import Query
from corridor.screening.subject import PARTY_SCHEMAS

QueryId = str | int


def query_from_dict(raw: Mapping[str, Any], where: str = "query") -> tuple[QueryId, Query]:
    ident = raw.get("id")
    if not isinstance(ident, str | int) or isinstance(ident, bool):
        raise SubjectError(f"{where}: id must be a string or an integer")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SubjectError(f"{where}: name must be a non-empty string")
    schema = raw.get("schema")
    if schema is not None and schema not in PARTY_SCHEMAS:
        raise SubjectError(f"{where}: schema must be one of {', '.join(PARTY_SCHEMAS)}")
    query = Query(
        name=analyse_name(name),
        birth_date=_optional_string(raw, "birth_date", where),
        countries=_countries(raw.get("country"), where),
        identifiers=_identifiers(raw.get("identifiers"), where),
        schema=schema,
    )
    return ident, query


def _optional_string(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise SubjectError(f"{where}: {key} must be a string")
    return value or None


def _countries(value: Any, where: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise SubjectError(f"{where}: country must be a code or a list of codes")
    return tuple(v.strip().upper() for v in values if v.strip())


def _identifiers(value: Any, where: str) -> tuple[Identifier, ...]:
    values = value or []
    if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
        raise SubjectError(f"{where}: identifiers must be a list of strings")
    parsed = (parse_identifier(str(v)) for v in values)
    return tuple(i for i in parsed if i is not None)
