"""The aggregate cache (issue 15) across application instances, as several API processes run it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from domain.errors import VersionConflict
from domain.review import CaseReview
from domain.values import HoldKind
from service.application import CaseReviews, open_application
from tests.builders import BOARD, STAFF_TIME, admin, ctx, notification
from tests.records_builders import record_disposed_after_an_inquiry


@pytest.fixture
def two(database_url: str) -> Iterator[tuple[CaseReviews, CaseReviews]]:
    """Two applications on one store, each with its own cache: two API processes."""
    first, second = (
        open_application(database_url, aggregate_cache=100),
        open_application(database_url, aggregate_cache=100),
    )
    yield first, second
    first.close()
    second.close()


def opened_review(app: CaseReviews) -> Any:
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    return app.open_review(ctx(), board_id=BOARD, **notification()).id


def test_a_review_cached_in_one_application_shows_the_version_another_recorded(
    two: tuple[CaseReviews, CaseReviews],
) -> None:
    # Given a review that the first application has read, and so holds in its cache
    first, second = two
    rid = opened_review(first)
    assert first.review(ctx(), rid).version == 1

    # When the second application records two commands on it
    second.act_on_review(ctx(), CaseReview.record_staff_time, rid, **STAFF_TIME)
    recorded = second.act_on_review(ctx(), CaseReview.record_staff_time, rid, **STAFF_TIME)

    # Then the first reads the new version, and its next command follows it instead of conflicting
    assert first.review(ctx(), rid).version == recorded.version == 3
    assert first.act_on_review(ctx(), CaseReview.record_staff_time, rid, 3, **STAFF_TIME).version == 4
    assert second.review(ctx(), rid).version == 4


def test_a_command_refused_at_its_save_leaves_the_cached_review_as_stored(
    two: tuple[CaseReviews, CaseReviews], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a review cached by the first application, and the second recording on it between the first's
    # read and its save
    first, second = two
    rid = opened_review(first)
    first.review(ctx(), rid)
    save = first.save

    def raced(*aggregates: Any, **kwargs: Any) -> Any:
        second.act_on_review(ctx(), CaseReview.record_staff_time, rid, **STAFF_TIME)
        return save(*aggregates, **kwargs)

    monkeypatch.setattr(first, "save", raced)

    # When the first places a hold, which the store refuses as a conflict
    with pytest.raises(VersionConflict):
        first.act_on_review(
            ctx(),
            CaseReview.place_legal_hold,
            rid,
            kind=HoldKind.CORONER_INQUEST,
            reference="refused",
            blocks_publication=False,
            placed_on=date(2008, 5, 20),
        )
    monkeypatch.undo()

    # Then its cache holds the stored review: the other's staff time (version 2), no trace of the refused hold
    review = first.review(ctx(), rid)
    assert review.version == 2
    assert review.holds == {}
    uncached = open_application(database_url)
    assert review.version == uncached.review(ctx(), rid).version
    uncached.close()


def test_a_disposed_review_is_never_answered_from_a_cache_that_held_its_personal_data(
    two: tuple[CaseReviews, CaseReviews], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a review the first application read (and cached, its child's pseudonym opened) just before the
    # second disposed of it
    first, second = two
    dispose = second.dispose
    seen: list[str] = []

    def read_first(*args: Any, **fields: Any) -> Any:
        seen.append(first.review(ctx(), args[1]).child.pseudonym)
        return dispose(*args, **fields)

    monkeypatch.setattr(second, "dispose", read_first)
    second.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    rid = record_disposed_after_an_inquiry(second)

    # Then the first answers the review as the store now opens it: its personal data withheld
    after = first.review(ctx(), rid)
    assert seen == ["Child K"]
    assert after.disposed_on == date(2025, 1, 10)
    assert after.child.pseudonym != "Child K"
    assert after.child == second.review(ctx(), rid).child
