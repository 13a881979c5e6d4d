"""Recording an API read in the access log (service/access_log.py): reader, route template, reviews, X-Purpose.

A route that shows one review's details, or returns child details in a list or search, takes `ReadRecord`
and calls `record` with the (review id, board) pairs it answered, after its checks passed: a refused read
(403, 404) shows nothing and records nothing. The route is recorded as its template
(`GET /reviews/{review_id}`), never as the URL, whose query values may hold personal data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from domain.values import Actor
from service.access_log import PURPOSE_MAX, AccessLog, listed_reviews
from service.api.deps import CurrentActor
from service.services import Services

PURPOSE_DESCRIPTION = (
    "Why you read this (e.g. `case work`, `quality assurance audit`): recorded in the access log with "
    f"who, what and when, and shown to the board's auditor. Free text, at most {PURPOSE_MAX} characters kept; "
    "without it the read is recorded with purpose not given (null). Never written to the service's logs."
)


@dataclass(frozen=True)
class ReadRecorder:
    """One request's reader, route and purpose, bound to the process's access log."""

    access_log: AccessLog
    actor: Actor
    route: str
    purpose: str | None
    request_id: str

    def record(self, reviews: Iterable[tuple[object, str]]) -> None:
        """Queue the read of these (review id, board) pairs (no database write here)."""
        self.access_log.record(
            self.actor,
            channel="api",
            route=self.route,
            reviews=reviews,
            purpose=self.purpose,
            request_id=self.request_id,
        )

    def record_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Queue a list's or search's read of these rows' reviews (not the national panel's: `listed_reviews`)."""
        listed = listed_reviews(self.actor, rows)
        if listed is not None:
            self.record(listed)


def _read_recorder(
    request: Request,
    services: Services,
    actor: CurrentActor,
    purpose: Annotated[str | None, Header(alias="X-Purpose", description=PURPOSE_DESCRIPTION)] = None,
) -> ReadRecorder:
    template = getattr(request.scope.get("route"), "path", "unmatched")
    return ReadRecorder(
        access_log=services.access_log,
        actor=actor,
        route=f"{request.method} {template}",
        purpose=purpose,
        request_id=str(getattr(request.state, "request_id", "")),
    )


ReadRecord = Annotated[ReadRecorder, Depends(_read_recorder)]
