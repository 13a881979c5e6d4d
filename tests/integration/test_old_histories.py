"""Guards outside, mutations inside: a stored history today's rules would refuse still loads.

The events below are written straight to the store, as an older version of the software (or an
import) might have recorded them; replay runs only each event's `apply`, never a command's checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.utils import get_topic

from domain.review import CaseReview, review_id_for
from domain.values import HoldKind, ProcurementRoute, PublicationOption, ReviewerRole, Stage
from service.application import CaseReviews, open_application
from tests.builders import BOARD, SHA, ctx, notification


@pytest.fixture
def app(database_url: str) -> Iterator[CaseReviews]:
    application = open_application(database_url)
    yield application
    application.close()


def history(review_id: UUID, *events: tuple[type[CaseReview.Event], dict[str, Any]]) -> list[Any]:
    """Events of one review numbered from version 1, recorded by a board manager."""
    actor = ctx().actor
    return [
        cls(
            originator_id=review_id,
            originator_version=version,
            timestamp=datetime(2010, 1, 1, 9, version, tzinfo=UTC),
            actor=actor,
            correlation_id=uuid4(),
            **fields,
        )
        for version, (cls, fields) in enumerate(events, start=1)
    ]


def store(app: CaseReviews, events: list[Any]) -> None:
    app.recorder.insert_events([app.mapper.to_stored_event(event) for event in events])


def test_a_history_that_breaks_todays_rules_still_replays_into_a_review(app: CaseReviews) -> None:
    # Given a stored history no command would record today: a reviewer commissioned before any
    # initiation decision and without an independence declaration, a blocking hold placed, and
    # publication with that hold active, no publication decision and no override
    review_id = review_id_for(BOARD, "OLD-1")
    hold_id = uuid4()
    notified = {"originator_topic": get_topic(CaseReview), "board_id": BOARD, **notification("OLD-1")}
    events = history(
        review_id,
        (CaseReview.Notified, notified),
        (
            CaseReview.ReviewerCommissioned,
            {
                "reviewer_id": uuid4(),
                "name": "Not Independent",
                "role": ReviewerRole.LEAD_REVIEWER,
                "procurement_route": ProcurementRoute.DIRECT_AWARD,
                "contract_value_pence": 100_000,
                "independence_declared": False,
                "commissioned_on": date(2008, 5, 20),
            },
        ),
        (
            CaseReview.LegalHoldPlaced,
            {
                "hold_id": hold_id,
                "kind": HoldKind.CRIMINAL_PROCEEDINGS,
                "reference": "R v X",
                "blocks_publication": True,
                "placed_on": date(2008, 5, 21),
            },
        ),
        (
            CaseReview.Published,
            {"url": "https://example.org/r", "published_on": date(2008, 5, 22), "document_sha256": SHA},
        ),
    )
    store(app, events)
    # When the application loads it, then it replays without error to the state the events describe
    review = app.review(ctx(), review_id)
    assert review.version == 4
    assert review.stage is Stage.PUBLISHED
    assert review.published_on == date(2008, 5, 22)
    assert list(review.reviewers.values()) == ["Not Independent"]
    assert [(h.hold_id, h.active, h.overridden) for h in review.active_holds] == [(hold_id, True, False)]
    assert review.decision is None


def test_a_replayed_history_that_reopens_without_a_closure_lands_at_notified(app: CaseReviews) -> None:
    # A reopening with no closure before it (a history today's rules refuse) falls back to the first stage
    review_id = review_id_for(BOARD, "OLD-2")
    notified = {"originator_topic": get_topic(CaseReview), "board_id": BOARD, **notification("OLD-2")}
    events = history(
        review_id,
        (CaseReview.Notified, notified),
        (
            CaseReview.PublicationDecided,
            {"option": PublicationOption.FULL, "rationale": "Why", "decided_on": date(2008, 5, 20)},
        ),
        (CaseReview.Reopened, {"reopened_on": date(2008, 5, 21), "rationale": "Imported"}),
    )
    store(app, events)
    review = app.review(ctx(), review_id)
    assert (review.version, review.stage, review.publication_option) == (3, Stage.NOTIFIED, PublicationOption.FULL)
