"""The library's own `ProjectionRunner` doing the same work as our rebuild, for a baseline rate.

The view is the library's `PostgresTrackingRecorder`; each event runs every read model's
`apply_batch` on that one event and records the library's tracking row in the same transaction
(`_insert_tracking` on our cursor), one transaction per event, as the runner processes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Mapper, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection as LibraryProjection

from projections.base import LogEvent, Projection
from projections.storage import Database, OrjsonTranscoder, PydanticMapper


class ReadModelsView(PostgresTrackingRecorder):
    """The read models' tables plus the library's tracking table (set `db` and `read_models` first)."""

    db: ClassVar[Database]
    read_models: ClassVar[Sequence[Projection]]
    mapper: ClassVar[Mapper[Any]] = PydanticMapper(transcoder=OrjsonTranscoder())

    def apply(self, domain_event: Any, tracking: Tracking) -> None:
        """One event through every read model, and its tracking row, in one transaction."""
        stored = self.mapper.to_stored_event(domain_event)
        event = LogEvent(
            tracking.notification_id, stored.originator_id, stored.originator_version, stored.topic, stored.state
        )
        with self.db.transaction() as cursor:
            for read_model in self.read_models:
                read_model.apply_batch(cursor, [event])
            self._insert_tracking(cursor, tracking)  # type: ignore[arg-type]


class ReadModelsProjection(LibraryProjection[ReadModelsView]):
    """Hands each event the runner delivers to the view."""

    name = "library_runner_bench"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.apply(domain_event, tracking)
