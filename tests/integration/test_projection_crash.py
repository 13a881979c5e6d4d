"""A projection worker killed with SIGKILL in the middle of a batch resumes with every event applied once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from projections.engine import ProjectionEngine
from projections.storage import Database, DatabaseUrl
from service.application import CaseReviews, open_application
from tests.builders import record_cspr_published_under_override, record_every_event
from tests.integration.counting_projection import CountingProjection
from tests.integration.crash_worker import BATCH_SIZE, projections

ROOT = Path(__file__).resolve().parents[2]
NOT_READ_MODELS = ("casereviews_events", "projection_tracking", "counting_applied")


def start_worker(url: str, marker: Path, pause: float) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tests.integration.crash_worker", url, str(marker), str(pause)]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def wait_for_batches(marker: Path, batches: int, worker: subprocess.Popen[bytes]) -> list[int]:
    """The last positions of the batches the worker has written (committed or not), once there are enough."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and worker.poll() is None:
        lines = marker.read_text().split() if marker.exists() else []
        if len(lines) >= batches:
            return [int(line) for line in lines]
        time.sleep(0.02)
    raise AssertionError(f"the worker wrote fewer than {batches} batches (exit status {worker.poll()})")


def read_model_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read model table in the schema, sorted, by table."""
    schema = DatabaseUrl(url).schema
    with psycopg.connect(DatabaseUrl(url).conninfo()) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", (schema,)
            )
            if row[0] not in NOT_READ_MODELS
        ]
        return {
            table: sorted(conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))).fetchall(), key=repr)
            for table in tables
        }


def record_backlog(app: CaseReviews) -> list[int]:
    record_every_event(app)
    for number in range(12):
        record_cspr_published_under_override(app, case_ref=f"CSPR-{number}")
    return [n.id for n in app.recorder.select_notifications(start=1, limit=100_000)]


def test_a_worker_killed_mid_batch_resumes_and_applies_every_event_exactly_once(postgres_url, tmp_path):
    app = open_application(postgres_url)
    positions = record_backlog(app)
    marker = tmp_path / "batches"
    worker = start_worker(postgres_url, marker, pause=0.5)
    try:
        written = wait_for_batches(marker, 3, worker)  # the third batch's rows are written, not committed
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert worker.returncode == -signal.SIGKILL
    db = Database(postgres_url)
    counting = CountingProjection()
    with db.transaction() as cursor:
        assert counting.applied(cursor) == [p for p in positions if p <= written[1]]

    restarted = start_worker(postgres_url, tmp_path / "after-restart", pause=0)
    assert restarted.wait(timeout=120) == 0

    engine = ProjectionEngine(
        app.recorder, db, projections(postgres_url, counting), batch_size=BATCH_SIZE, keys=app.keys
    )
    assert [(s.name, s.position, s.error) for s in engine.status()] == [
        (p.name, positions[-1], None) for p in engine.projections
    ]
    with db.transaction() as cursor:
        assert counting.applied(cursor) == positions
    resumed = read_model_rows(postgres_url)
    engine.rebuild()
    assert read_model_rows(postgres_url) == resumed
    assert resumed  # the read models have tables to compare
    db.close()
    app.close()
