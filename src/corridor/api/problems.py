"""RFC 9457 problem details: every error the API answers, mapped in one table.

The domain's exception tree maps to HTTP status here and nowhere else; the API's own
problems (authentication, request shape, idempotency keys) sit beside it. Each problem
type is documented in docs/api.md (a test checks it).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridor.domain import errors as e

PROBLEM_BASE = "https://corridor.example/problems/"
MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("corridor.api")

# The one table: domain error class -> (HTTP status, problem type). Looked up along the
# class's MRO, so a subclass without a row gets its parent's.
DOMAIN_PROBLEMS: dict[type[e.CorridorError], tuple[int, str]] = {
    e.InvalidDeclaration: (422, "invalid-declaration"),
    e.InvalidReference: (422, "invalid-reference"),
    e.InvalidInput: (422, "invalid-input"),
    e.IllegalTransition: (409, "illegal-transition"),
    e.NotAuthorised: (403, "not-authorised"),
    e.ScreeningHitsOpen: (409, "screening-hits-open"),
    e.PreconditionFailed: (422, "precondition-failed"),
    e.NotFound: (404, "not-found"),
    e.Conflict: (409, "conflict"),
    e.CorridorError: (400, "corridor-error"),
}


class ApiProblem(Exception):
    """A problem found by the API layer itself (not the domain)."""

    def __init__(
        self, status: int, kind: str, title: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.headers = headers or {}


# The API's own problem types, with their status and title.
API_PROBLEMS: dict[str, tuple[int, str]] = {
    "unauthenticated": (401, "Authentication required"),
    "invalid-request": (422, "Invalid request"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "invalid-idempotency-key": (400, "Invalid idempotency key"),
    "idempotency-key-reused": (422, "Idempotency key reused with another request"),
    "idempotency-key-in-use": (409, "Idempotency key in use"),
    "internal-error": (500, "Internal server error"),
}


def api_problem(kind: str, detail: str, headers: dict[str, str] | None = None) -> ApiProblem:
    status, title = API_PROBLEMS[kind]
    return ApiProblem(status, kind, title, detail, headers)


class Problem(BaseModel):
    """An RFC 9457 problem; ``field`` names the offending field of a declaration."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str
    field: str | None = None


def problem_response(
    request_path: str,
    status: int,
    kind: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": PROBLEM_BASE + kind if kind != "about:blank" else kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request_path,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def domain_problem(error: e.CorridorError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in DOMAIN_PROBLEMS:
            return DOMAIN_PROBLEMS[cls]
    raise AssertionError("CorridorError has a row")  # pragma: no cover


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""
    app.add_exception_handler(e.CorridorError, _on_domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(ApiProblem, _on_api_problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _on_unexpected)


def _on_domain_error(request: Request, error: e.CorridorError) -> JSONResponse:
    status, kind = domain_problem(error)
    extra: dict[str, Any] = {}
    if isinstance(error, e.InvalidDeclaration):
        extra["field"] = error.field
    if isinstance(error, e.IllegalTransition):
        extra |= {"state": error.state, "action": error.action}
    if isinstance(error, e.ScreeningHitsOpen):
        extra |= {"action": error.action, "open_hits": error.open_hits}
    return problem_response(request.url.path, status, kind, error.title, error.detail, **extra)


def _on_api_problem(request: Request, problem: ApiProblem) -> JSONResponse:
    return problem_response(
        request.url.path, problem.status, problem.kind, problem.title, problem.detail,
        problem.headers,
    )  # fmt: skip


def _on_invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
        for item in error.errors()
    ]
    first = problems[0] if problems else {"field": "(request)", "message": "invalid"}
    status, title = API_PROBLEMS["invalid-request"]
    detail = f"{first['field']}: {first['message']}"
    if len(problems) > 1:
        detail += f" (and {len(problems) - 1} more)"
    return problem_response(
        request.url.path, status, "invalid-request", title, detail,
        field=first["field"], errors=problems,
    )  # fmt: skip


def _on_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    status = error.status_code
    return problem_response(
        request.url.path, status, "about:blank", HTTPStatus(status).phrase,
        str(error.detail), dict(error.headers or {}),
    )  # fmt: skip


def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    status, title = API_PROBLEMS["internal-error"]
    return problem_response(
        request.url.path, status, "internal-error", title, "the server failed; it is logged"
    )


PROBLEM_CONTENT = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these problem statuses."""
    return {
        status: {"description": HTTPStatus(status).phrase, "content": PROBLEM_CONTENT}
        for status in statuses
    }
