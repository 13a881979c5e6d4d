"""Applying the log to read models directly (no engine), in batches, for the read-model tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from projections.base import LogEvent, Projection
from service.application import CaseReviews, open_application
from service.storage import Cursor, Database


class ReadModels:
    """An application, its database and a set of projections kept up to date by `catch_up`."""

    def __init__(self, url: str, projections: Sequence[Projection], batch_size: int = 7) -> None:
        self.app: CaseReviews = open_application(url)
        self.db = Database(url)
        self.projections = list(projections)
        self.batch_size = batch_size  # small, so a review's events span several batches
        self.position = 0
        with self.db.transaction() as cursor:
            for projection in self.projections:
                projection.create_tables(cursor, postgres=self.db.is_postgres)

    def catch_up(self) -> int:
        """Apply every event after the last one applied; returns how many."""
        applied = 0
        while True:
            found = self.app.recorder.select_notifications(self.position + 1, self.batch_size)
            if not found:
                return applied
            events = [
                LogEvent(
                    position=n.id,
                    originator_id=n.originator_id,
                    version=n.originator_version,
                    topic=n.topic,
                    state=n.state,
                )
                for n in found
            ]
            with self.db.transaction() as cursor:
                for projection in self.projections:
                    projection.apply_batch(cursor, events)
            self.position = events[-1].position
            applied += len(events)

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """A cursor for the query functions (catching up first)."""
        self.catch_up()
        with self.db.transaction() as cursor:
            yield cursor

    def close(self) -> None:
        self.db.close()
        self.app.close()


@contextmanager
def read_models(url: str, *projections: Any, batch_size: int = 7) -> Iterator[ReadModels]:
    models = ReadModels(url, projections, batch_size)
    try:
        yield models
    finally:
        models.close()
