"""The contract between the projection engine and each projection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import orjson

from projections.storage import Cursor


@dataclass(frozen=True)
class LogEvent:
    """One stored event as read from the global log, in position order."""

    position: int
    originator_id: UUID
    version: int
    topic: str  # e.g. "domain.review:CaseReview.LegalHoldPlaced"
    state: bytes  # the stored bytes exactly as recorded (the audit log hashes these)

    @property
    def type_name(self) -> str:
        """The event class name, e.g. 'LegalHoldPlaced'."""
        return self.topic.rsplit(".", 1)[-1]

    @property
    def aggregate_name(self) -> str:
        """The aggregate class name, e.g. 'CaseReview'."""
        return self.topic.split(":", 1)[-1].split(".", 1)[0]

    @property
    def data(self) -> dict[str, Any]:
        """The stored fields as JSON values (dates as ISO strings); no Pydantic validation cost."""
        # Decoded once per event and kept; by hand, as Python 3.11's cached_property locks on every access.
        decoded: dict[str, Any] | None = self.__dict__.get("_data")
        if decoded is None:
            decoded = orjson.loads(self.state)
            object.__setattr__(self, "_data", decoded)
        return decoded


class Projection(Protocol):
    """A read model: its tables, and how a batch of events changes them.

    The engine calls `apply_batch` inside the transaction that also writes the projection's tracking
    position, so each event is applied exactly once even if the process dies at any point. On start it
    drops and rebuilds a projection whose tables were written at another `schema_version`. A projection
    with timed work may also define `on_idle(cursor)`, which the engine calls while the log is quiet."""

    name: str  # the tracking name and table prefix, e.g. "case_status"
    # The shape of its tables and what they hold: raise it with any change to either (a table, a column,
    # what a row means), and every store rebuilds this read model on start. 1 is the shape of main at
    # cdf7ef4, the last code that recorded no versions.
    schema_version: int

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """Create the projection's tables if they do not exist."""

    def drop_tables(self, cursor: Cursor) -> None:
        """Drop the projection's tables (for a rebuild from position 0)."""

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Apply events in position order; raise to stop the projection (never skip an event)."""
