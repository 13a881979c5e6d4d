"""The order a review's dates must keep, checked as a whole (a correction may move any one of them)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

# Business dates that may lie after today: a plan, not a fact.
PLANNED_FIELDS = frozenset({"planned_on", "due_on", "target_on"})


def impossible_orders(review: Any) -> list[str]:
    """Every pair of the review's dates in an impossible order, described."""
    return [
        f"{later_name} {later.isoformat()} is before {earlier_name} {earlier.isoformat()}"
        for earlier_name, earlier, later_name, later in _pairs(review)
        if earlier is not None and later is not None and later < earlier
    ]


def _pairs(review: Any) -> Iterator[tuple[str, date | None, str, date | None]]:
    """(earlier name, earlier date, later name, later date) for every order the process requires."""
    incident = review.incident
    yield "the incident", incident.occurred_on, "discovery", incident.discovered_on
    yield "the incident", incident.occurred_on, "awareness", incident.la_aware_on
    yield "discovery", incident.discovered_on, "awareness", incident.la_aware_on
    yield "awareness", incident.la_aware_on, "the notification", review.notified_on
    yield "the notification", review.notified_on, "the rapid review", review.rapid_review_completed_on
    yield "awareness", incident.la_aware_on, "the initiation decision", review.decided_on
    yield "the rapid review", review.rapid_review_completed_on, "the initiation decision", review.decided_on
    yield "the initiation decision", review.decided_on, "acceptance", review.accepted_on
    yield "acceptance", review.accepted_on, "the publication decision", review.publication_decided_on
    yield (
        "the publication decision",
        review.publication_decided_on,
        "planned publication",
        review.publication_planned_on,
    )
    yield "the publication decision", review.publication_decided_on, "publication", review.published_on
    yield "the notification", review.notified_on, "closure", review.closed_on
    for hold in review.holds.values():
        yield "the incident", incident.occurred_on, f"hold {hold.reference} placed", hold.placed_on
        yield f"hold {hold.reference} placed", hold.placed_on, f"hold {hold.reference} lifted", hold.lifted_on
