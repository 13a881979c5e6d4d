"""`scr projections status|rebuild|run` as an operator uses them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from projections import tracking
from projections.catalog import read_models
from projections.engine import ProjectionEngine
from projections.storage import Database
from service.application import open_application
from service.cli.main import main
from service.settings import Settings
from tests.builders import record_every_event

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An SQLite store with one review's every event, named by SCR_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'scr.sqlite3'}"
    monkeypatch.setenv("SCR_DATABASE_URL", url)
    monkeypatch.setenv("SCR_DATA_DIR", str(tmp_path))
    app = open_application(url)
    record_every_event(app)
    app.close()
    return url


def test_status_shows_every_read_model_behind_until_a_rebuild_brings_it_up_to_date(recorded, capsys):
    assert main(["projections", "status"]) == 0
    before = capsys.readouterr().out

    assert main(["projections", "rebuild"]) == 0
    rebuilt = capsys.readouterr().out

    assert main(["projections", "status"]) == 0
    after = capsys.readouterr().out
    names = [model.name for model in read_models(Settings())]
    assert all(f"{name} " in before for name in names)
    assert before.count("behind") == len(names)
    assert "events/s" in rebuilt
    assert after.count("up to date") == len(names)


def test_rebuilding_an_unknown_read_model_is_refused_with_the_known_names(recorded, capsys):
    assert main(["projections", "rebuild", "no_such_model"]) == 2

    assert "known: case_status" in capsys.readouterr().err


def test_status_exits_1_and_says_where_a_stopped_read_model_stopped(recorded, capsys):
    db = Database(recorded)
    app = open_application(recorded)
    ProjectionEngine(app.recorder, db, read_models(Settings()), keys=app.keys).setup()
    with db.transaction() as cursor:
        tracking.record_error(cursor, "case_status", position=5, error="ValueError: bad event")
    db.close()
    app.close()

    assert main(["projections", "status"]) == 1

    assert "STOPPED at position 5: ValueError: bad event" in capsys.readouterr().out


def test_the_worker_catches_up_then_stops_cleanly_on_sigterm(postgres_url):
    app = open_application(postgres_url)
    record_every_event(app)
    head = app.recorder.max_notification_id()
    env = {**os.environ, "SCR_DATABASE_URL": postgres_url, "SCR_JWT_SECRET": "worker-test-secret-long-enough-for-hs256"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "projections", "run"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    db = Database(postgres_url)
    engine = ProjectionEngine(
        app.recorder,
        db,
        read_models(Settings(database_url=postgres_url, jwt_secret="engine-cli-test-secret-long-enough-for-hs256")),
        keys=app.keys,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (worker.poll() is None and caught_up(engine, head)):
            time.sleep(0.1)
        assert caught_up(engine, head)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
        db.close()
        app.close()

    assert worker.returncode == 0
    assert f"stopped cleanly at position {head:,}" in errors


def caught_up(engine: ProjectionEngine, head: int) -> bool:
    try:
        return engine.position() >= head
    except psycopg.errors.UndefinedTable:  # the worker has not created the tracking table yet
        return False
