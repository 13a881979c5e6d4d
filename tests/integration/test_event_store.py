"""The store on SQLite and PostgreSQL: lossless round trips, ids from natural keys, concurrency."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import Duplicate, NotFound, UnknownReference, VersionConflict
from domain.learning_action import LearningAction
from domain.review import CaseReview
from domain.values import HoldKind, Stage
from projections.storage import DatabaseUrl
from service.application import CaseReviews, open_application
from tests.builders import BOARD, admin, ctx, notification, record_cspr_published_under_override, record_every_event
from tests.process_builders import record_process
from tests.records_builders import record_disposed_after_an_inquiry


@pytest.fixture
def app(database_url: str) -> CaseReviews:
    application = open_application(database_url)
    yield application
    application.close()


def event_classes() -> set[type]:
    """Every concrete event class of the aggregates."""
    from domain.board import Board
    from domain.inquiry_hold import InquiryHolds

    return {
        value
        for aggregate in (CaseReview, LearningAction, Board, InquiryHolds)
        for value in vars(aggregate).values()
        if isinstance(value, type)
        and hasattr(value, "model_fields")
        and "originator_version" in value.model_fields
        and value.__name__ not in ("Event", "Created")
    }


class RememberingApplication(CaseReviews):
    """The application, keeping every event it saved as it was in memory before storing."""

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = super().save(*objs, **kwargs)
        self.__dict__.setdefault("saved", []).extend(recordings)
        return recordings


def test_every_event_type_round_trips_field_by_field(database_url: str) -> None:
    app = RememberingApplication(env=DatabaseUrl(database_url).event_store_env())
    record_every_event(app)
    record_cspr_published_under_override(app)
    record_process(app)
    record_disposed_after_an_inquiry(app)
    seen = set()
    for recording in app.__dict__["saved"]:
        original = recording.domain_event
        reloaded = app.mapper.to_domain_event(recording.notification)
        for name in type(original).model_fields:
            assert getattr(reloaded, name) == getattr(original, name), (type(original).__name__, name)
            assert type(getattr(reloaded, name)) is type(getattr(original, name)), (type(original).__name__, name)
        seen.add(type(original).__name__)
    assert seen == {cls.__name__ for cls in event_classes()}
    app.close()


def test_a_review_reloaded_from_the_store_equals_the_one_recorded(app: CaseReviews) -> None:
    review_id = record_every_event(app)
    review = app.review(ctx(), review_id)
    assert review.stage is Stage.PUBLISHED
    assert review.published_on == date(2010, 7, 27)
    assert review.milestones["report_accepted_on"] == date(2010, 5, 10)
    assert [h.lifted_on for h in review.holds.values()] == [date(2010, 3, 2)]
    assert sum(not e.reversed for e in review.cost_entries.values()) == 1  # the contract; the invoice is reversed


def test_a_second_notification_of_the_same_case_is_a_duplicate(app: CaseReviews) -> None:
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    app.open_review(ctx(), board_id=BOARD, **notification())
    with pytest.raises(Duplicate):
        app.open_review(ctx(), board_id=BOARD, **notification())


def test_a_stale_expected_version_is_refused_and_records_nothing(app: CaseReviews) -> None:
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    result = app.open_review(ctx(), board_id=BOARD, **notification())
    before = app.recorder.max_notification_id()
    with pytest.raises(VersionConflict):
        app.act_on_review(
            ctx(),
            CaseReview.place_legal_hold,
            result.id,
            result.version + 1,
            kind=HoldKind.CORONER_INQUEST,
            reference="I1",
            blocks_publication=False,
            placed_on=date(2008, 5, 20),
        )
    assert app.recorder.max_notification_id() == before


def test_another_boards_review_is_not_found(app: CaseReviews) -> None:
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    result = app.open_review(ctx(), board_id=BOARD, **notification())
    with pytest.raises(NotFound):
        app.review(ctx(board="coventry"), result.id)


def test_a_reversal_naming_another_reviews_position_is_refused(app: CaseReviews) -> None:
    from domain.values import CostCategory, CostEntryKind

    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    first = app.open_review(ctx(), board_id=BOARD, **notification("A"))
    second = app.open_review(ctx(), board_id=BOARD, **notification("B"))
    with pytest.raises(UnknownReference):
        app.record_cost(
            ctx(),
            second.id,
            entry=CostEntryKind.REVERSAL,
            category=CostCategory.OTHER,
            amount_pence=1,
            paying_agency="x",
            on=date(2009, 1, 1),
            description="",
            reverses=first.position,
        )


def test_two_threads_saving_the_same_version_on_postgres_one_wins(postgres_url: str) -> None:
    app = open_application(postgres_url)
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    review_id = app.open_review(ctx(), board_id=BOARD, **notification()).id
    loaded = [app.review(ctx(), review_id), app.review(ctx(), review_id)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def place(review: CaseReview) -> None:
        review.place_legal_hold(
            ctx(),
            kind=HoldKind.POLICE_INVESTIGATION,
            reference=str(uuid4()),
            blocks_publication=True,
            placed_on=date(2008, 5, 18),
        )
        barrier.wait()
        try:
            app._save(review)
            outcomes.append("saved")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=place, args=(review,)) for review in loaded]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert app.review(ctx(), review_id).version == 2
    app.close()


def test_a_correction_naming_any_position_on_another_boards_review_is_not_found_before_the_log_is_read(
    app: CaseReviews,
) -> None:
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    review = app.open_review(ctx(), board_id=BOARD, **notification())
    outsider = ctx(board="coventry")
    for position in (review.position, 10_000):  # a real position and one past the head answer alike
        with pytest.raises(NotFound):
            app.correct(
                outsider, review.id, corrects_position=position, field="notified_on", value="2008-05-19", reason="probe"
            )


def test_a_save_whose_commit_went_through_but_whose_answer_was_lost_is_a_success_not_a_conflict(
    app: CaseReviews,
) -> None:
    # Given a command whose events reached the store although the save call did not hear back
    # (the library retries the insert after a dropped connection: the retry meets its own rows)
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    opened = app.open_review(ctx(), board_id=BOARD, **notification())
    review = app.review(ctx(), opened.id)
    review.place_legal_hold(
        ctx(), kind=HoldKind.CORONER_INQUEST, reference="I1", blocks_publication=False, placed_on=date(2008, 5, 20)
    )
    [first_attempt] = app.save(*review.pending_events)

    # When the save is tried again
    result = app._save(review)

    # Then it answers the recorded position, and nothing was recorded twice
    assert (result.version, result.position) == (2, first_attempt.notification.id)
    assert app.recorder.max_notification_id() == first_attempt.notification.id


def test_a_save_meeting_another_commands_event_at_its_version_is_still_a_conflict(app: CaseReviews) -> None:
    app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    opened = app.open_review(ctx(), board_id=BOARD, **notification())
    mine, theirs = app.review(ctx(), opened.id), app.review(ctx(), opened.id)
    for review, reference in ((mine, "mine"), (theirs, "theirs")):
        review.place_legal_hold(
            ctx(),
            kind=HoldKind.CORONER_INQUEST,
            reference=reference,
            blocks_publication=False,
            placed_on=date(2008, 5, 20),
        )
    app._save(theirs)

    with pytest.raises(VersionConflict):
        app._save(mine)
