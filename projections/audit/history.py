"""A review's decision history, read from the stored records in log order, with each record's leaf hash."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from projections.audit.leaves import event_leaf
from projections.streams import EventStore, notifications_of

_NOT_DATA = {
    "originator_id",
    "originator_version",
    "timestamp",
    "actor",
    "correlation_id",
    "rationale",
    "originator_topic",
}


def review_history(app: EventStore, review_id: UUID) -> list[dict[str, Any]]:
    """Every event of the review: position, version, type, recorded instant, business date, actor, why, data, hash."""
    return [
        {
            **history_row(n.id, app.mapper.to_domain_event(n)),
            "hash": event_leaf(n.id, review_id, n.originator_version, n.topic, n.state).hex(),
        }
        for n in notifications_of(app, review_id)
    ]


def history_row(position: int, event: Any) -> dict[str, Any]:
    """One decoded event as a history row (without its hash)."""
    effective_on = event.effective_on
    return {
        "position": position,
        "version": event.originator_version,
        "type": type(event).__name__,
        "recorded_at": event.timestamp.isoformat(),
        "effective_on": effective_on.isoformat() if effective_on else None,
        "actor": event.actor.model_dump(mode="json", include={"user", "role", "board"}),
        "correlation_id": str(event.correlation_id),
        "rationale": event.rationale,
        "data": event.model_dump(mode="json", exclude=_NOT_DATA),
    }
