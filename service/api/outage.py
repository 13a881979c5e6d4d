"""While the database is unreachable, answer 503 at once instead of making every client wait out the retries.

The first request to meet the outage waits for the store's own retries and opens the breaker; for the
next few seconds other requests get 503 with Retry-After straight away; then requests try again."""

from __future__ import annotations

import time

from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from service.api.problems import problem_response

RETRY_AFTER_SECONDS = 5
# Liveness and metrics never touch the database; readiness reports the outage itself.
UNGUARDED = frozenset({"/healthz", "/readyz", "/metrics"})


class Outage:
    """The database was found unreachable; until when to assume it still is."""

    def __init__(self) -> None:
        self._until = 0.0

    def record(self) -> None:
        """The database was just found unreachable."""
        self._until = time.monotonic() + RETRY_AFTER_SECONDS

    def ongoing(self) -> bool:
        return time.monotonic() < self._until


def install_outage_breaker(app: FastAPI, outage: Outage) -> None:
    """Answer 503 without touching the database while an outage is recent."""
    app.add_middleware(OutageBreaker, outage=outage)


class OutageBreaker:
    """Pure ASGI middleware: while `outage` is ongoing, every request but UNGUARDED is answered 503 at once."""

    def __init__(self, app: ASGIApp, *, outage: Outage) -> None:
        self.app = app
        self.outage = outage

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.outage.ongoing() and scope["path"] not in UNGUARDED:
            response = problem_response(
                Request(scope),
                503,
                "database_unavailable",
                "the database is unreachable; retry shortly",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
