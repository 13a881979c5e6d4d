"""Group commit on PostgreSQL (issue 15): commands sent from many threads at once share transactions, each is
stored once at the position it was answered, a conflict fails only its own command, a group's lost answer is
recognised, and the projection engine following the log applies every event exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import OperationalError, StoredEvent

from domain.errors import VersionConflict
from domain.review import CaseReview
from projections.engine import ProjectionEngine
from projections.group_commit import GroupStats
from projections.settings import StoreSettings
from projections.storage import Database, DatabaseUrl, GroupCommitPostgresRecorder, PromptPostgresRecorder
from service.application import CaseReviews, CommandResult, open_application
from service.services import open_services
from tests.builders import BOARD, STAFF_TIME, admin, ctx, notification
from tests.hostile.conftest import settings_for
from tests.integration.counting_projection import CountingProjection, applied, every_position

THREADS = 8


@pytest.fixture
def app(postgres_url: str) -> Iterator[CaseReviews]:
    application = open_application(postgres_url)
    application.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
    yield application
    application.close()


def opened_reviews(app: CaseReviews, count: int) -> list[UUID]:
    return [app.open_review(ctx(), board_id=BOARD, **notification(f"GC-{n}")).id for n in range(count)]


def grouping(app: CaseReviews) -> GroupCommitPostgresRecorder:
    assert isinstance(app.recorder, GroupCommitPostgresRecorder)
    return app.recorder


def since(before: GroupStats, after: GroupStats) -> Counter[int]:
    """Groups committed between two looks, by size."""
    return after.sizes - before.sizes


def hold_first_insert_until_queued(
    recorder: GroupCommitPostgresRecorder, monkeypatch: pytest.MonkeyPatch, queued: int
) -> threading.Event:
    """The first insert (a group of one) waits until `queued` saves are queued behind it, so they form the next
    group together, as they would behind a slow commit; the event tells that the first insert is held."""
    insert, first, holding = recorder._insert_in_one_round_trip, threading.Lock(), threading.Event()

    def held(stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if first.acquire(blocking=False):
            holding.set()
            deadline = time.monotonic() + 20
            while recorder.group_commit.waiting < queued and time.monotonic() < deadline:
                time.sleep(0.002)
        return insert(stored_events, **kwargs)

    monkeypatch.setattr(recorder, "_insert_in_one_round_trip", held)
    return holding


def staff_time(app: CaseReviews, review_id: UUID, expected: int | None = None) -> CommandResult:
    return app.act_on_review(ctx(), CaseReview.record_staff_time, review_id, expected, **STAFF_TIME)


def at_position(app: CaseReviews, result: CommandResult) -> tuple[UUID, int]:
    [found] = app.recorder.select_notifications(start=result.position, limit=1, stop=result.position)
    return UUID(str(found.originator_id)), found.originator_version


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(n)` from `count` threads started together; every outcome, a result or the error it raised."""
    start = threading.Barrier(count)

    def run(number: int) -> Any:
        start.wait()
        try:
            return work(number)
        except Exception as error:  # the outcome asserted by the test
            return error

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_commands_from_eight_threads_share_commits_and_each_is_stored_once_at_its_answered_position(
    app: CaseReviews, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given reviews, two for each of eight threads, and a first commit slow enough for the others to queue
    reviews = opened_reviews(app, 2 * THREADS)
    recorder = grouping(app)
    hold_first_insert_until_queued(recorder, monkeypatch, THREADS - 1)
    before = recorder.group_commit.stats()

    # When each thread sends ten commands on its own reviews
    def send(number: int) -> list[CommandResult]:
        return [staff_time(app, reviews[(number + THREADS * (k % 2))]) for k in range(10)]

    answered = [result for results in in_threads(THREADS, send) for result in results]

    # Then groups of several commands were committed, and every command's save was in exactly one group
    groups = since(before, recorder.group_commit.stats())
    assert max(groups) >= THREADS - 1, groups
    assert sum(size * count for size, count in groups.items()) == 10 * THREADS
    # And each command's answered position holds its own event, each stored once
    assert len({result.position for result in answered}) == len(answered) == 10 * THREADS
    assert all(at_position(app, result) == (result.id, result.version) for result in answered)
    for review in reviews:
        assert [e.originator_version for e in app.recorder.select_events(review)] == list(range(1, 7))


def test_a_conflict_in_a_group_fails_only_its_own_command_and_the_rest_of_the_group_is_stored(
    app: CaseReviews, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a review two commands will race on at version 1, six other reviews, and a command whose slow
    # commit lets all eight queue into one group
    contested, blocker, *others = opened_reviews(app, 2 + 6)
    recorder = grouping(app)
    holding = hold_first_insert_until_queued(recorder, monkeypatch, THREADS)
    before = recorder.group_commit.stats()
    with ThreadPoolExecutor(1) as slow:
        first = slow.submit(staff_time, app, blocker)
        assert holding.wait(10)

        # When two threads send a command on the contested review, both expecting version 1, and six on the others
        targets = [contested, contested, *others]
        outcomes = in_threads(THREADS, lambda number: staff_time(app, targets[number], 1))
        assert first.result().version == 2

    # Then the eight were one group, refused, then committed one by one: exactly one of the two won
    after = recorder.group_commit.stats()
    assert since(before, after) == Counter({1: 1, THREADS: 1})
    assert after.split - before.split == 1
    raced = outcomes[:2]
    assert sorted(type(outcome).__name__ for outcome in raced) == ["CommandResult", "VersionConflict"]
    # And every command on another review succeeded at its answered position
    assert all(isinstance(outcome, CommandResult) and outcome.version == 2 for outcome in outcomes[2:])
    stored = [outcome for outcome in outcomes if isinstance(outcome, CommandResult)]
    assert all(at_position(app, outcome) == (outcome.id, 2) for outcome in stored)
    assert [e.originator_version for e in app.recorder.select_events(contested)] == [1, 2]


def test_a_group_whose_commit_answer_was_lost_is_recognised_as_stored_not_a_conflict(
    app: CaseReviews, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given eight reviews, and a group of commands whose commit reaches the disk but whose answer is lost
    # (the connection drops after COMMIT): raised as the library raises a dropped connection
    reviews = opened_reviews(app, THREADS)
    recorder = grouping(app)
    hold_first_insert_until_queued(recorder, monkeypatch, THREADS - 1)
    insert, committed_ids, lost = recorder._insert_in_one_round_trip, [], threading.Lock()

    def answer_lost(stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = insert(stored_events, **kwargs)
        if len({e.originator_id for e in stored_events}) > 1 and lost.acquire(blocking=False):
            committed_ids.extend(ids or [])
            raise OperationalError("server closed the connection unexpectedly")
        return ids

    monkeypatch.setattr(recorder, "_insert_in_one_round_trip", answer_lost)

    # When each of eight threads sends a command on its own review
    outcomes = in_threads(THREADS, lambda number: staff_time(app, reviews[number]))

    # Then every command succeeded: those of the lost group answered the positions their commit was given
    assert all(isinstance(outcome, CommandResult) for outcome in outcomes), outcomes
    assert len(committed_ids) == THREADS - 1
    assert set(committed_ids) <= {outcome.position for outcome in outcomes}
    # And nothing was stored twice
    assert all(at_position(app, outcome) == (outcome.id, 2) for outcome in outcomes)
    for review in reviews:
        assert [e.originator_version for e in app.recorder.select_events(review)] == [1, 2]


def test_the_engine_following_the_log_applies_every_grouped_event_exactly_once(
    app: CaseReviews, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an engine following the log, and reviews that pairs of threads share (so some groups meet a
    # conflict, are rolled back and leave permanent gaps in the ids)
    reviews = opened_reviews(app, THREADS // 2)
    recorder = grouping(app)
    hold_first_insert_until_queued(recorder, monkeypatch, THREADS - 1)
    before = recorder.group_commit.stats()
    db = Database(postgres_url, pool_size=2)
    counting = CountingProjection()
    engine = ProjectionEngine(app.recorder, db, [counting], batch_size=5, keys=app.keys)
    engine.setup()
    engine.start_in_background()
    try:
        # When eight threads send fifteen commands each, without expecting a version
        def send(number: int) -> list[str]:
            outcomes = []
            for _ in range(15):
                try:
                    staff_time(app, reviews[number % len(reviews)])
                    outcomes.append("stored")
                except VersionConflict:
                    outcomes.append("conflict")
            return outcomes

        sent = [outcome for outcomes in in_threads(THREADS, send) for outcome in outcomes]
        assert engine.wait_for(every_position(app)[-1], timeout=60)

        # Then commands were grouped, and the engine applied every position of the log exactly once
        assert max(since(before, recorder.group_commit.stats())) > 1
        assert sent.count("stored") >= THREADS
        assert applied(db, counting) == every_position(app)
        assert len(every_position(app)) == 1 + len(reviews) + sent.count("stored")
    finally:
        engine.stop()
        db.close()


def test_with_group_commit_off_each_save_is_its_own_transaction(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the setting off, as SCR_GROUP_COMMIT=false sets it
    monkeypatch.setenv("SCR_GROUP_COMMIT", "false")
    assert StoreSettings().group_commit is False
    settings = settings_for(postgres_url, tmp_path).model_copy(update={"group_commit": False})
    services = open_services(settings)
    app = services.app
    try:
        recorder = app.recorder
        assert type(recorder) is PromptPostgresRecorder
        inserts: list[int] = []
        in_transaction = recorder._insert_events  # the library's hook, called in each insert's transaction

        def counted(curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
            inserts.append(len({e.originator_id for e in stored_events}))
            in_transaction(curs, stored_events, **kwargs)

        monkeypatch.setattr(recorder, "_insert_events", counted)
        app.register_board(admin(), board_id=BOARD, name="B", local_authority="B")
        reviews = opened_reviews(app, THREADS)

        # When eight threads send commands at once
        outcomes = in_threads(THREADS, lambda number: [staff_time(app, reviews[number]) for _ in range(5)])

        # Then every save was a transaction of its own command's events alone
        assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
        assert inserts == [1] * (1 + THREADS + 5 * THREADS)
    finally:
        app.close()
        services.db.close()


def test_group_commit_is_on_by_default_on_postgres_and_never_on_sqlite_or_the_fast_path(tmp_path: Path) -> None:
    postgres = DatabaseUrl("postgresql://postgres@127.0.0.1:5432/test")
    grouped = GroupCommitPostgresRecorder.__module__ + ":" + GroupCommitPostgresRecorder.__qualname__
    assert postgres.event_store_env()["APPLICATION_RECORDER_TOPIC"] == grouped
    assert postgres.event_store_env(fast_inserts=True)["APPLICATION_RECORDER_TOPIC"] != grouped
    assert postgres.event_store_env(group_commit=False)["APPLICATION_RECORDER_TOPIC"] != grouped
    assert "APPLICATION_RECORDER_TOPIC" not in DatabaseUrl(f"sqlite:///{tmp_path / 's.sqlite3'}").event_store_env()
