"""Reads from the projections: wait for `min_position` (read-your-writes), say how far they have caught up."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Annotated, NoReturn, TypeVar
from weakref import WeakKeyDictionary

from fastapi import Query, Response

from projections import tracking
from projections.engine import ProjectionEngine
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
        description="Wait (a few seconds at most) until the projections have applied this log position "
        "(a position past the log's head is refused at once with 422)",
    ),
]


@dataclass(frozen=True)
class Snapshot:
    """A read of the read models: one read-only transaction, and the tracking rows read first in it."""

    cursor: Cursor
    tracked: Mapping[str, tracking.Tracked]

    def position_of(self, projection: str) -> int:
        """The position one read model had applied when the read began (its rows are at least this fresh)."""
        found = self.tracked.get(projection)
        return 0 if found is None else found.position


@contextmanager
def projection_snapshot(services: ServiceObjects, response: Response, min_position: int | None) -> Iterator[Snapshot]:
    """Once the read models have caught up with `min_position`: one read-only transaction whose first statement
    reads the tracking rows, which give X-Projection-Position (and the answer tags and cached answers their
    positions). A tracking row commits with its view rows, so every row read after it is at least that fresh:
    one transaction and one extra statement per read, however many positions the read needs."""
    caught_up(services, min_position)
    with services.db.transaction(read_only=True) as cursor:
        tracked = tracking.read_all(cursor)
        response.headers["X-Projection-Position"] = str(services.engine.lowest_position(tracked))
        yield Snapshot(cursor, tracked)


@contextmanager
def projection_read(services: ServiceObjects, response: Response, min_position: int | None) -> Iterator[Cursor]:
    """A cursor on the read models, once they have caught up with `min_position` (projection_snapshot)."""
    with projection_snapshot(services, response, min_position) as snapshot:
        yield snapshot.cursor


def cached_answer(
    services: ServiceObjects,
    snapshot: Snapshot,
    projections: tuple[str, ...],
    today: date,
    question: tuple[Hashable, ...],
    answer: Callable[[Cursor], T],
) -> T:
    """An answer that depends only on the positions of the read models it reads (`projections`), `today` (the
    day `answer` computes with: one value for both, so an answer computed before midnight is never kept as the
    next day's) and `question`: computed once for them, in the snapshot's transaction. Keyed by those read
    models' own positions, so any new event they apply asks again, and another projection that has stopped
    never freezes it."""
    positions = tuple(snapshot.position_of(name) for name in projections)
    key = (projections, positions, today, *question)
    result: T = services.answers.get(key, lambda: answer(snapshot.cursor))
    return result


def caught_up(services: ServiceObjects, min_position: int | None) -> None:
    """Wait for `min_position` (else 503); without one, return at once (no query).

    A position past the log's head was never answered to anyone: refused at once (422), never waited for.
    At most `max_waiting_reads` reads wait at a time; others get 503 at once, so waiting reads can never
    hold every worker thread while normal reads queue behind them."""
    if min_position is None:
        return
    engine = services.engine
    if min_position > engine.position():
        _require_recorded(engine.head(), min_position)
        waiting = _waiting_reads(services)
        if not waiting.acquire(blocking=False):
            _behind(engine.position(), min_position)
        try:
            reached = engine.wait_for(min_position, timeout=services.settings.read_wait_seconds)
        finally:
            waiting.release()
        if not reached:
            _behind(engine.position(), min_position)


def _require_recorded(head: int, min_position: int) -> None:
    if min_position > head:
        raise ApiProblem(
            422,
            "min_position_beyond_log",
            f"min_position {min_position} is past the last recorded position {head}: send the position a "
            "command answered",
            field="min_position",
        )


def _behind(position: int, min_position: int) -> NoReturn:
    raise ApiProblem(
        503,
        "projection_behind",
        f"the read models have not yet caught up with position {min_position}; retry shortly",
        headers={"Retry-After": "1", "X-Projection-Position": str(position)},
    )


_WAITING: WeakKeyDictionary[ProjectionEngine, threading.BoundedSemaphore] = WeakKeyDictionary()
_WAITING_LOCK = threading.Lock()


def _waiting_reads(services: ServiceObjects) -> threading.BoundedSemaphore:
    """The process's allowance of reads waiting for a position (one per engine, so per app)."""
    with _WAITING_LOCK:
        found = _WAITING.get(services.engine)
        if found is None:
            found = _WAITING[services.engine] = threading.BoundedSemaphore(services.settings.max_waiting_reads)
        return found


def etag(version: int) -> str:
    """The ETag of a review or action at a version; send it back as If-Match."""
    return f'"{version}"'
