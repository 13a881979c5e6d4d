"""Processes that start together on a store with a changed read model rebuild it once, and none reads it half built."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from projections import tracking
from projections.base import LogEvent
from projections.case_status import CaseStatusProjection
from projections.catalog import read_models
from projections.engine import ProjectionEngine
from projections.setup_lock import setup_lock
from projections.storage import Cursor, Database
from service.application import open_application
from service.cli.demo_data import load_demo
from service.cli.main import main
from service.cli.projections import opened_engine
from service.services import open_services
from service.settings import Settings
from tests.integration.counting_projection import CountingProjection, applied, every_position

SECRET = "integration-test-secret-long-enough-for-hs256"


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=url, jwt_secret=SECRET, data_dir=tmp_path, projections_in_process=False)


def as_api_process(settings: Settings) -> Callable[[], dict[str, Any]]:
    """What `create_app` does on start (open_services: PostgreSQL's schema lock, then the engine's setup)."""

    def start() -> dict[str, Any]:
        services = open_services(settings)
        try:
            return seen(services.engine)
        finally:
            services.app.close()
            services.db.close()

    return start


def as_worker(settings: Settings) -> Callable[[], dict[str, Any]]:
    """What `scr projections run` does on start."""

    def start() -> dict[str, Any]:
        with opened_engine(settings) as engine:
            return seen(engine)

    return start


def seen(engine: ProjectionEngine) -> dict[str, Any]:
    """What a process finds once its setup has returned: where case_status is, and at which version."""
    with engine.db.transaction() as cursor:
        row = tracking.read_all(cursor)["case_status"]
    return {"position": row.position, "head": engine.head(), "version": row.schema_version}


def start_together(starts: Sequence[Callable[[], dict[str, Any]]]) -> list[dict[str, Any]]:
    barrier = threading.Barrier(len(starts))
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def run(start: Callable[[], dict[str, Any]]) -> None:
        barrier.wait()
        try:
            results.append(start())
        except BaseException as error:  # reported by the test thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(start,)) for start in starts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_an_api_process_two_more_and_a_worker_starting_together_rebuild_a_changed_read_model_once(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_application(database_url)
    load_demo(app)
    head = every_position(app)[-1]
    app.close()
    settings = settings_for(database_url, tmp_path)
    with opened_engine(settings) as engine:
        engine.catch_up()
    drops: list[str] = []
    original_drop, original_apply = CaseStatusProjection.drop_tables, CaseStatusProjection.apply_batch

    def counted_drop(self: CaseStatusProjection, cursor: Cursor) -> None:
        drops.append(threading.current_thread().name)
        original_drop(self, cursor)

    def slow_apply(self: CaseStatusProjection, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        time.sleep(0.3)  # a rebuild long enough for every other process to arrive while it runs
        original_apply(self, cursor, events)

    raised = CaseStatusProjection.schema_version + 1
    monkeypatch.setattr(CaseStatusProjection, "schema_version", raised)
    monkeypatch.setattr(CaseStatusProjection, "drop_tables", counted_drop)
    monkeypatch.setattr(CaseStatusProjection, "apply_batch", slow_apply)

    results = start_together([as_api_process(settings)] * 3 + [as_worker(settings)])

    assert len(drops) == 1
    assert results == [{"position": head, "head": head, "version": raised}] * 4


def test_a_rebuild_cut_short_is_done_again_from_the_start_on_the_next_start(database_url: str) -> None:
    app = open_application(database_url)
    load_demo(app)
    db = Database(database_url)
    counting = CountingProjection()
    engine = ProjectionEngine(app.recorder, db, [counting], batch_size=20, keys=app.keys)
    engine.setup()
    engine.catch_up()
    with db.transaction() as cursor:  # as a process killed half way through a rebuild leaves it
        tracking.reset(cursor, counting.name)
        cursor.execute("DELETE FROM counting_applied WHERE position > 40")
        cursor.execute("UPDATE projection_tracking SET position = 40 WHERE name = %s", (counting.name,))

    ProjectionEngine(app.recorder, db, [counting], batch_size=20, keys=app.keys).setup()

    with db.transaction() as cursor:
        row = tracking.read_all(cursor)[counting.name]
    assert (row.position, row.schema_version) == (every_position(app)[-1], 1)
    assert applied(db, counting) == every_position(app)
    db.close()
    app.close()


def test_status_answers_while_another_process_is_upgrading_the_read_models(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCR_DATABASE_URL", database_url)
    monkeypatch.setenv("SCR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SCR_JWT_SECRET", SECRET)
    app = open_application(database_url)
    load_demo(app)
    app.close()
    db = Database(database_url)
    exit_codes: list[int] = []

    with setup_lock(db):  # as held by a process rebuilding a read model on start
        status = threading.Thread(target=lambda: exit_codes.append(main(["projections", "status"])))
        status.start()
        status.join(timeout=20)

    db.close()
    assert exit_codes == [0]
    # every read model the service runs is listed as behind the log
    assert capsys.readouterr().out.count("behind") == len(read_models(Settings(jwt_secret=SECRET)))
