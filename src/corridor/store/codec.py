"""JSON forms of the domain's dataclasses, through pydantic (which the domain never sees)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import InvalidDeclaration
from corridor.domain.movement import Movement

DECLARATION: TypeAdapter[TransitDeclaration] = TypeAdapter(TransitDeclaration)
MOVEMENT: TypeAdapter[Movement] = TypeAdapter(Movement)


def declaration_from_json(data: Any) -> TransitDeclaration:
    """Parse a declaration from JSON-like data; the first error names its field."""
    try:
        return DECLARATION.validate_python(data)
    except ValidationError as error:
        raise _first_problem(error) from None


def declaration_from_text(text: str | bytes) -> TransitDeclaration:
    try:
        return DECLARATION.validate_json(text)
    except ValidationError as error:
        raise _first_problem(error) from None


def declaration_or_problems(data: Any) -> tuple[TransitDeclaration | None, list[tuple[str, str]]]:
    """Parse a declaration as ``declaration_from_json`` does, but name every problem
    (field, message) instead of the first: the web form shows each at its control."""
    try:
        return DECLARATION.validate_python(data), []
    except ValidationError as error:
        problems = error.errors(include_url=False)
        return None, [(_dotted(p["loc"]) or "(document)", _message(p)) for p in problems]


def declaration_to_json(declaration: TransitDeclaration) -> dict[str, Any]:
    result: dict[str, Any] = DECLARATION.dump_python(declaration, mode="json", exclude_none=True)
    return result


def movement_to_json(movement: Movement) -> dict[str, Any]:
    result: dict[str, Any] = MOVEMENT.dump_python(movement, mode="json")
    return result


def movement_to_json_bytes(movement: Movement, *, without: set[str] | None = None) -> bytes:
    """``movement_to_json`` (less the top-level fields ``without``) as JSON text, straight
    from pydantic-core's serializer: no dict and no ``json.dumps`` in between."""
    return MOVEMENT.dump_json(movement, exclude=without)


def movement_from_json(data: Any) -> Movement:
    return MOVEMENT.validate_python(data)


def declaration_schema() -> dict[str, Any]:
    schema = DECLARATION.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://corridor.example/schemas/declaration.schema.json"
    return schema


def _first_problem(error: ValidationError) -> InvalidDeclaration:
    problems = error.errors(include_url=False)
    first = problems[0]
    field = _dotted(first["loc"]) or "(document)"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return InvalidDeclaration(field, _message(first) + more)


def _message(problem: Any) -> str:
    if problem["type"] == "missing":
        return "is required"
    if problem["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return "is not a field of the declaration"
    return str(problem["msg"]).lower().replace("input", "value")


def _dotted(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path
