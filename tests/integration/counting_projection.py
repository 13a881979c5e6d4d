"""A projection for engine tests: one row per event position, so applying an event twice fails loudly."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from projections.base import LogEvent
from projections.storage import Cursor, Database
from service.application import CaseReviews


class CountingProjection:
    """Records each applied event's position under a primary key; optionally fails or dawdles."""

    schema_version = 1

    def __init__(
        self,
        name: str = "counting",
        *,
        fail_on_type: str | None = None,
        pause_seconds: float = 0.0,
        batch_marker: Path | None = None,
    ) -> None:
        self.name = name
        self.table = f"{name}_applied"
        self.fail_on_type = fail_on_type
        self.pause_seconds = pause_seconds
        self.batch_marker = batch_marker

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} (position BIGINT PRIMARY KEY, type_name TEXT NOT NULL)"
        )

    def drop_tables(self, cursor: Cursor) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {self.table}")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        for event in events:
            if event.type_name == self.fail_on_type:
                raise ValueError(f"cannot apply {event.type_name}")
        cursor.executemany(
            f"INSERT INTO {self.table} (position, type_name) VALUES (%s, %s)",
            [(event.position, event.type_name) for event in events],
        )
        if self.batch_marker is not None:
            # The rows above are written but not committed: a kill now is a kill mid-batch.
            with self.batch_marker.open("a") as marker:
                marker.write(f"{events[-1].position}\n")
        time.sleep(self.pause_seconds)

    def applied(self, cursor: Cursor) -> list[int]:
        """Every applied position, in order."""
        cursor.execute(f"SELECT position FROM {self.table} ORDER BY position")
        return [int(row[0]) for row in cursor.fetchall()]


def every_position(app: CaseReviews) -> list[int]:
    """Every position in the log, in order."""
    return [n.id for n in app.recorder.select_notifications(start=1, limit=1_000_000)]


def applied(db: Database, projection: CountingProjection) -> list[int]:
    """Every position the projection has applied, in order."""
    with db.transaction() as cursor:
        return projection.applied(cursor)
