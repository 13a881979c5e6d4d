"""Gap safety on PostgreSQL with the lock-free insert path: an id that commits late is never skipped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import suppress

import psycopg
import pytest

from domain.errors import Duplicate
from projections.engine import ProjectionEngine
from projections.storage import Database, DatabaseUrl
from service.application import CaseReviews
from tests.builders import BOARD, admin, ctx, notification, record_cspr_published_under_override, record_every_event
from tests.integration.counting_projection import CountingProjection, applied, every_position


@pytest.fixture
def fast_store(postgres_url: str) -> Iterator[tuple[CaseReviews, Database, str]]:
    """An application on the library's lock-free insert path (POSTGRES_ENABLE_DB_FUNCTIONS=y)."""
    app = CaseReviews(env=DatabaseUrl(postgres_url).event_store_env(fast_inserts=True))
    db = Database(postgres_url, pool_size=8)
    yield app, db, postgres_url
    db.close()
    app.close()


def open_writer(url: str) -> psycopg.Connection:
    """A connection of our own, to hold a transaction open as a slow writer would."""
    return psycopg.connect(DatabaseUrl(url).conninfo())


COPY_OF_FIRST_EVENT = (
    "INSERT INTO casereviews_events (originator_id, originator_version, topic, state{id_column}) "
    "SELECT gen_random_uuid(), 1, topic, state{id_value} FROM casereviews_events WHERE notification_id = 1 "
    "RETURNING notification_id"
)


def take_id_and_insert(writer: psycopg.Connection) -> int:
    """A writer that has inserted an event (and so has a transaction id) but not committed."""
    return int(writer.execute(COPY_OF_FIRST_EVENT.format(id_column="", id_value="")).fetchone()[0])


def take_id_only(writer: psycopg.Connection) -> int:
    """A writer between taking its id from the sequence and writing its row: it has no xid yet."""
    writer.execute("LOCK TABLE casereviews_events IN ROW EXCLUSIVE MODE")
    return int(
        writer.execute("SELECT nextval(pg_get_serial_sequence('casereviews_events', 'notification_id'))").fetchone()[0]
    )


@pytest.mark.parametrize("held", [take_id_and_insert, take_id_only], ids=["inserted", "id-taken-not-written"])
def test_an_event_that_commits_after_a_higher_one_is_applied_not_skipped(fast_store, held):
    app, db, url = fast_store
    record_every_event(app)
    counting = CountingProjection()
    engine = ProjectionEngine(app.recorder, db, [counting], batch_size=5, keys=app.keys)
    engine.setup()
    engine.catch_up()
    caught_up = engine.position()
    with open_writer(url) as slow:
        low = held(slow)
        record_cspr_published_under_override(app)  # commits ids above the slow writer's

        engine.catch_up()

        assert engine.position() == caught_up
        assert applied(db, counting) == [p for p in every_position(app) if p <= caught_up]
        if held is take_id_only:
            slow.execute(COPY_OF_FIRST_EVENT.format(id_column=", notification_id", id_value=", %s"), (low,))
        slow.commit()

    engine.catch_up()

    assert low in every_position(app)
    assert applied(db, counting) == every_position(app)


def test_an_insert_that_rolls_back_leaves_a_gap_the_engine_passes(fast_store):
    app, db, url = fast_store
    record_every_event(app)
    counting = CountingProjection()
    engine = ProjectionEngine(app.recorder, db, [counting], batch_size=5, keys=app.keys)
    engine.setup()
    with open_writer(url) as aborted:
        gap = take_id_and_insert(aborted)
        aborted.rollback()
    record_cspr_published_under_override(app)

    engine.catch_up()

    assert gap not in every_position(app)
    assert applied(db, counting) == every_position(app)
    assert engine.status()[0].lag == 0


def write_reviews(app: CaseReviews, writer: int, reviews: int, errors: list[BaseException]) -> None:
    try:
        for number in range(reviews):
            record_cspr_published_under_override(app, case_ref=f"W{writer}-{number}")
            # Writers race to notify the same case: the losers' inserts roll back, leaving gaps.
            with suppress(Duplicate):
                app.open_review(ctx(), board_id=BOARD, **notification(f"RACE-{number}"))
    except BaseException as error:
        errors.append(error)


def tail(engine: ProjectionEngine, writers: list[threading.Thread]) -> None:
    """Catch up again and again while anyone writes: the tighter the tailing, the likelier a late id."""
    while any(writer.is_alive() for writer in writers):
        engine.catch_up()


def test_concurrent_writers_on_the_lock_free_path_have_every_event_applied_exactly_once(fast_store):
    app, db, _ = fast_store
    app.register_board(admin(), board_id=BOARD, name="Birmingham SCB", local_authority="Birmingham")
    counting = CountingProjection()
    engine = ProjectionEngine(app.recorder, db, [counting], batch_size=3, keys=app.keys)
    engine.setup()
    errors: list[BaseException] = []
    writers = [threading.Thread(target=write_reviews, args=(app, n, 10, errors)) for n in range(4)]
    tailer = threading.Thread(target=tail, args=(engine, writers))
    for writer in writers:
        writer.start()
    tailer.start()
    for thread in (*writers, tailer):
        thread.join()
    assert errors == []
    engine.catch_up()  # what committed after the tailer's last look

    assert applied(db, counting) == every_position(app)
    assert every_position(app)[-1] > len(every_position(app))  # the lost races left permanent gaps
