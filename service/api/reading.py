"""Reads from the projections: wait for `min_position` (read-your-writes), say how far they have caught up."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

from fastapi import Query, Response

from domain.calendar import london_today
from projections.storage import Cursor
from service.api.problems import ApiProblem
from service.api.schemas import MAX_INTEGER
from service.services import ServiceObjects

T = TypeVar("T")

MinPosition = Annotated[
    int | None,
    Query(
        ge=0,
        le=MAX_INTEGER,
        description="Wait (a few seconds at most) until the projections have applied this log position",
    ),
]


@contextmanager
def projection_read(services: ServiceObjects, response: Response, min_position: int | None) -> Iterator[Cursor]:
    """A cursor on the read models, once they have caught up with `min_position`."""
    caught_up(services, response, min_position)
    with services.db.transaction(read_only=True) as cursor:
        yield cursor


def cached_read(
    services: ServiceObjects,
    response: Response,
    min_position: int | None,
    projection: str,
    question: tuple[Hashable, ...],
    answer: Callable[[Cursor], T],
) -> T:
    """A read of one projection whose answer depends only on that projection's position, today and
    `question`: computed once for them (keyed by its own position, so another projection that has
    stopped never freezes it)."""
    caught_up(services, response, min_position)

    def compute() -> T:
        with services.db.transaction(read_only=True) as cursor:
            return answer(cursor)

    key = (projection, services.engine.position_of(projection), london_today(), *question)
    result: T = services.answers.get(key, compute)
    return result


def caught_up(services: ServiceObjects, response: Response, min_position: int | None) -> None:
    """Wait for `min_position` (else 503) and say in X-Projection-Position how far the read models are."""
    engine = services.engine
    if min_position is not None and not engine.wait_for(min_position, timeout=services.settings.read_wait_seconds):
        raise ApiProblem(
            503,
            "projection_behind",
            f"the read models have not yet caught up with position {min_position}; retry shortly",
            headers={"Retry-After": "1", "X-Projection-Position": str(engine.position())},
        )
    # Taken before the read: the rows are at least this fresh.
    response.headers["X-Projection-Position"] = str(engine.position())


def etag(version: int) -> str:
    """The ETag of a review or action at a version; send it back as If-Match."""
    return f'"{version}"'
