"""Time travel: a review as it stood at an instant, rebuilt from the events recorded up to then."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic_core import to_jsonable_python

from domain.errors import NotFound
from projections.streams import EventStore, notifications_of

# Bookkeeping the aggregate keeps for corrections; not part of the review's state.
_INTERNAL = {"applied"}


def review_as_of(app: EventStore, review_id: UUID, instant: datetime) -> dict[str, Any]:
    """The review's state from its events recorded at or before `instant`; NotFound if none was yet.

    Recorded instants, not business dates, decide: this is what the system knew at that moment."""
    if instant.tzinfo is None:
        raise ValueError("as_of must be an instant with a UTC offset")
    review: Any = None
    last: tuple[int, datetime] | None = None
    for notification in notifications_of(app, review_id):
        event: Any = app.mapper.to_domain_event(notification)
        if event.timestamp > instant:
            break  # a stream's events are recorded in version order
        review = event.mutate(review)
        last = (notification.id, event.timestamp)
    if review is None or last is None:
        raise NotFound(f"review {review_id} had no events recorded by {instant.isoformat()}")
    state = {k: v for k, v in vars(review).items() if not k.startswith("_") and k not in _INTERNAL}
    return {
        "review_id": str(review_id),
        "as_of": instant.isoformat(),
        "version": review.version,
        "position": last[0],
        "recorded_at": last[1].isoformat(),
        **to_jsonable_python(state),
    }
