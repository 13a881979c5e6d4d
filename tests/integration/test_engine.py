"""The projection engine on both backends: batches, tracking, failures that stop one projection, rebuild."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from projections.engine import ProjectionEngine
from projections.storage import Database
from service.application import CaseReviews, open_application
from tests.builders import record_cspr_published_under_override, record_every_event
from tests.integration.counting_projection import CountingProjection, applied, every_position


@pytest.fixture
def store(database_url: str) -> Iterator[tuple[CaseReviews, Database]]:
    """The application and our own tables' database on one store, closed afterwards."""
    app = open_application(database_url)
    db = Database(database_url)
    yield app, db
    db.close()
    app.close()


def test_catching_up_applies_every_event_once_in_batches_smaller_than_the_log(store):
    app, db = store
    record_every_event(app)
    counting = CountingProjection()
    engine = ProjectionEngine(app.recorder, db, [counting], batch_size=7, keys=app.keys)
    engine.setup()

    assert engine.catch_up() == len(every_position(app))

    assert applied(db, counting) == every_position(app)
    [status] = engine.status()
    assert (status.position, status.lag, status.error) == (every_position(app)[-1], 0, None)


def test_catching_up_again_applies_only_what_was_recorded_since(store):
    app, db = store
    record_every_event(app)
    counting = CountingProjection()
    engine = ProjectionEngine(app.recorder, db, [counting], batch_size=10, keys=app.keys)
    engine.setup()
    engine.catch_up()
    before = engine.position()

    record_cspr_published_under_override(app)

    assert engine.catch_up() == len([p for p in every_position(app) if p > before])
    assert applied(db, counting) == every_position(app)


def test_a_failing_projection_stops_at_the_failing_event_and_the_others_carry_on(store):
    app, db = store
    record_every_event(app)
    failing = CountingProjection("failing", fail_on_type="LegalHoldPlaced")
    healthy = CountingProjection("healthy")
    engine = ProjectionEngine(app.recorder, db, [failing, healthy], batch_size=50, keys=app.keys)
    engine.setup()

    engine.catch_up()

    hold_position = next(n.id for n in app.recorder.select_notifications(1, 1000) if "LegalHoldPlaced" in n.topic)
    statuses = {status.name: status for status in engine.status()}
    assert statuses["failing"].position == hold_position - 1
    assert statuses["failing"].error_position == hold_position
    assert statuses["failing"].error == "ValueError: cannot apply LegalHoldPlaced"
    assert applied(db, failing) == [p for p in every_position(app) if p < hold_position]
    assert statuses["healthy"].error is None
    assert applied(db, healthy) == every_position(app)
    assert not engine.wait_for(every_position(app)[-1], timeout=1)


def test_a_stopped_projection_resumes_at_the_failing_event_when_the_engine_starts_again(store):
    app, db = store
    record_every_event(app)
    first = ProjectionEngine(
        app.recorder, db, [CountingProjection(fail_on_type="LegalHoldPlaced")], batch_size=50, keys=app.keys
    )
    first.setup()
    first.catch_up()

    fixed = CountingProjection()
    ProjectionEngine(app.recorder, db, [fixed], batch_size=50, keys=app.keys).catch_up()

    assert applied(db, fixed) == every_position(app)
    [status] = ProjectionEngine(app.recorder, db, [fixed], keys=app.keys).status()
    assert (status.error, status.error_position, status.lag) == (None, None, 0)


def test_rebuilding_one_projection_replays_it_from_position_zero_and_leaves_the_others(store):
    app, db = store
    record_every_event(app)
    first, second = CountingProjection("first"), CountingProjection("second")
    engine = ProjectionEngine(app.recorder, db, [first, second], batch_size=8, keys=app.keys)
    engine.setup()
    engine.catch_up()
    with db.transaction() as cursor:
        cursor.execute("DELETE FROM first_applied WHERE position > 3")  # a damaged read model
    seen: list[int] = []

    assert engine.rebuild("first", progress=seen.append) == len(every_position(app))

    assert sum(seen) == len(every_position(app))
    assert applied(db, first) == every_position(app)
    assert applied(db, second) == every_position(app)


def test_rebuilding_an_unknown_projection_names_the_known_ones(store):
    app, db = store
    engine = ProjectionEngine(app.recorder, db, [CountingProjection()], keys=app.keys)

    with pytest.raises(KeyError, match="known: counting"):
        engine.rebuild("case_status")


def test_a_caller_can_wait_until_the_background_engine_has_applied_its_command(store):
    app, db = store
    counting = CountingProjection()
    engine = ProjectionEngine(app.recorder, db, [counting], keys=app.keys)
    engine.setup()
    engine.start_in_background()
    try:
        record_every_event(app)
        last = every_position(app)[-1]

        assert engine.wait_for(last, timeout=30)
        assert engine.position() >= last
    finally:
        engine.stop()
    assert applied(db, counting) == every_position(app)


class StopsTheWorker(CountingProjection):
    """Asks the worker to stop while it applies its first batch (as SIGTERM would)."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__()
        self.stop = stop

    def apply_batch(self, cursor, events):
        super().apply_batch(cursor, events)
        self.stop.set()


def test_a_stop_request_during_a_long_catch_up_ends_the_worker_after_the_current_batch(store):
    app, db = store
    record_every_event(app)
    stop = threading.Event()
    projection = StopsTheWorker(stop)
    engine = ProjectionEngine(app.recorder, db, [projection], batch_size=5, keys=app.keys)
    engine.setup()

    engine.run(stop)

    assert applied(db, projection) == every_position(app)[:5]
