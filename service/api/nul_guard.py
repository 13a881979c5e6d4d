"""NUL refused at the door: a query string or path holding a NUL character answers 422 before any route runs.

PostgreSQL text cannot hold NUL (psycopg raises DataError: a 500), SQLite cuts strings at it in places,
and no identifier, filter or date of this service contains one. Bodies are JSON, checked field by field
by their models; this covers what no model sees whole: every query parameter and path segment."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from service.api.problems import InvalidField, problem_response


class NulGuard:
    """Pure ASGI middleware: refuse a request whose path or query string has a NUL (raw or %00)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = _nul_in(scope)
            if where is not None:
                field = "query" if where == "query" else "path"
                response = problem_response(
                    Request(scope),
                    422,
                    "validation_error",
                    f"invalid fields: {field}",
                    errors=[InvalidField(field=field, message="a NUL character (%00) is not allowed")],
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _nul_in(scope: Scope) -> str | None:
    query: bytes = scope.get("query_string", b"")
    if b"\x00" in query or b"%00" in query.lower():
        return "query"
    path = str(scope.get("path", ""))
    raw: bytes = scope.get("raw_path") or b""
    if "\x00" in path or b"%00" in raw.lower():
        return "path"
    return None
