"""Every refusal as application/problem+json (RFC 9457) with a stable `code`: one table, one place."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import (
    DomainError,
    Duplicate,
    Forbidden,
    InvalidTransition,
    InvalidValue,
    LegalHoldActive,
    NotFound,
    PersonalDataUnavailable,
    VersionConflict,
)

log = logging.getLogger("scr.api")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://scr-ledger.example/problems/"

# Domain error classes and their HTTP status; the most specific class listed first wins.
STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (NotFound, 404),
    (PersonalDataUnavailable, 503),
    (Forbidden, 403),
    (VersionConflict, 412),
    (LegalHoldActive, 409),
    (Duplicate, 409),
    (InvalidTransition, 409),
    (InvalidValue, 422),
]

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Not permitted",
    404: "Not found",
    405: "Method not allowed",
    409: "Not allowed now",
    412: "Version conflict",
    422: "Invalid request",
    500: "Internal error",
    503: "Service unavailable",
}

CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "version_conflict",
    422: "validation_error",
    500: "internal_error",
    503: "unavailable",
}


class InvalidField(BaseModel):
    """One bad field of a request: where it is and what is wrong."""

    field: str = Field(examples=["incident.occurred_on"])
    message: str = Field(examples=["Input should be a valid date"])


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, with a stable machine-readable `code`."""

    type: str = Field(examples=[TYPE_BASE + "invalid_transition"])
    title: str = Field(examples=["Not allowed now"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["cannot publish: the review is at stage 'initiated'"])
    code: str = Field(examples=["invalid_transition"])
    instance: str | None = Field(default=None, examples=["/reviews/5f0c.../publish"])
    request_id: str | None = None
    errors: list[InvalidField] | None = None


class ApiProblem(Exception):
    """A refusal raised by the HTTP layer itself (authentication, idempotency, read waits)."""

    def __init__(
        self, status: int, code: str, detail: str, *, headers: dict[str, str] | None = None, field: str | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.field = field


def problem_response(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[InvalidField] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response for this request."""
    body = Problem(
        type=TYPE_BASE + code,
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        code=code,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain refusal, by its class."""
    return next((status for cls, status in STATUS_BY_ERROR if isinstance(error, cls)), 422)


def _field_name(location: tuple[Any, ...]) -> str:
    # FastAPI prefixes the source ("body", "query", "path", "header"); a body field is named by its path alone.
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _on_domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    errors = [InvalidField(field=error.field, message=error.detail)] if error.field else None
    return problem_response(request, status_of(error), error.code, error.detail, errors=errors)


async def _on_api_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiProblem)
    errors = [InvalidField(field=error.field, message=error.detail)] if error.field else None
    return problem_response(request, error.status, error.code, error.detail, errors=errors, headers=error.headers)


async def _on_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [InvalidField(field=_field_name(tuple(e["loc"])), message=e["msg"]) for e in error.errors()]
    names = ", ".join(dict.fromkeys(e.field for e in errors))
    return problem_response(request, 422, "validation_error", f"invalid fields: {names}", errors=errors)


async def _on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    status = error.status_code
    detail = str(error.detail) if status != 404 else f"no such resource: {request.method} {request.url.path}"
    return problem_response(
        request, status, CODES_BY_STATUS.get(status, "error"), detail, headers=dict(error.headers or {})
    )


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    # Never a stack trace to a client: it goes to the log under the request id the client was given.
    log.exception("unhandled error", extra={"request_id": getattr(request.state, "request_id", None)})
    if _is_database_unreachable(error):
        request.app.state.outage.record()
        return problem_response(
            request,
            503,
            "database_unavailable",
            "the database is unreachable; retry shortly",
            headers={"Retry-After": "5"},
        )
    return problem_response(request, 500, "internal_error", "an unexpected error occurred; it has been logged")


def _is_database_unreachable(error: BaseException) -> bool:
    import sqlite3

    import psycopg
    import psycopg_pool
    from eventsourcing import persistence

    unreachable = (
        psycopg.OperationalError,
        psycopg_pool.PoolTimeout,
        sqlite3.OperationalError,
        persistence.OperationalError,
        persistence.InterfaceError,
    )
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, unreachable):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error to problem+json: domain refusals, HTTP errors, validation, the unexpected."""
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(ApiProblem, _on_api_problem)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting the problems a route can answer."""
    return {
        status: {"model": Problem, "description": TITLES.get(status, "Error"), "content": {PROBLEM_JSON: {}}}
        for status in statuses
    }
