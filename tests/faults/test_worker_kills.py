"""SIGKILL the projection worker at random points while commands flow: every read model ends equal to a
clean rebuild, so every event was applied exactly once (none lost, none applied twice).

`make test` kills the worker a few times; `make soak` 50 times (SCR_FAULT_KILLS). Each kill lands at a
random moment of a real `scr projections run` process: starting up, mid-batch with a backlog, idle on
LISTEN, or just after a commit. The seed is printed, and SCR_FAULT_SEED replays a run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.dataset import generate
from projections.audit.checkpoints import generate_key_file
from projections.catalog import read_models
from projections.engine import ProjectionEngine
from projections.storage import Database
from service.application import CaseReviews, open_application
from service.settings import Settings
from tests.integration.test_projection_crash import read_model_rows

KILLS = int(os.environ.get("SCR_FAULT_KILLS", "4"))
SECRET = "fault-test-secret-long-enough-for-hs256"
BOARDS = 8
# Signed checkpoints are statements made at a moment (their time, their signature), not a function
# of the log: a rebuild does not re-sign them. The Merkle tree they sign is compared like any view.
NOT_DERIVED = {"audit_checkpoints"}


def worker_env(url: str, directory: Path) -> dict[str, str]:
    key = directory / "signing-key.pem"
    if not key.exists():
        generate_key_file(key)
    return {
        **os.environ,
        "SCR_DATABASE_URL": url,
        "SCR_JWT_SECRET": SECRET,
        "SCR_DATA_DIR": str(directory),
        "SCR_SIGNING_KEY": str(key),
    }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "service.cli", "projections", "run"], env=env, stdout=out, stderr=out
        )


def keep_recording(app: CaseReviews, stop: threading.Event, errors: list[BaseException]) -> None:
    """Commands flowing: batches of reviews through every stage, until told to stop."""
    review = 1_000
    try:
        while not stop.is_set():
            generate(app, 300, boards=BOARDS, start_review=review)
            review += 25
            time.sleep(0.05)
    except BaseException as error:
        errors.append(error)


def test_a_worker_killed_at_random_points_while_commands_flow_leaves_every_read_model_as_a_clean_rebuild(
    postgres_url: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("SCR_FAULT_SEED", random.randrange(2**32)))  # noqa: S311 - chooses kill moments
    print(f"SCR_FAULT_SEED={seed}")
    rng = random.Random(seed)  # noqa: S311
    env, log = worker_env(postgres_url, tmp_path), tmp_path / "worker.log"
    app = open_application(postgres_url)
    generate(app, 15_000, boards=BOARDS)  # a backlog, so early kills land mid-catch-up
    stop, errors = threading.Event(), []
    writer = threading.Thread(target=keep_recording, args=(app, stop, errors))
    writer.start()
    try:
        for _ in range(KILLS):
            worker = start_worker(env, log)
            time.sleep(rng.uniform(0.5, 4.0))  # its start-up takes about 1-2 s on this machine
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        stop.set()
        writer.join()
    assert errors == []

    settings = Settings(database_url=postgres_url, jwt_secret=SECRET, signing_key=Path(env["SCR_SIGNING_KEY"]))
    db = Database(postgres_url)
    engine = ProjectionEngine(app.recorder, db, read_models(settings), keys=app.keys)
    head = engine.head()
    worker = start_worker(env, log)
    try:
        assert engine.wait_for(head, timeout=180), engine.status()
    finally:
        worker.terminate()
        assert worker.wait(timeout=30) == 0
    assert [(s.position, s.error) for s in engine.status()] == [(head, None)] * len(engine.projections)
    resumed = {table: rows for table, rows in read_model_rows(postgres_url).items() if table not in NOT_DERIVED}

    engine.rebuild()

    rebuilt = {table: rows for table, rows in read_model_rows(postgres_url).items() if table not in NOT_DERIVED}
    assert sum(len(rows) for rows in resumed.values()) > 10_000
    assert rebuilt.keys() == resumed.keys()
    assert {table for table in resumed if rebuilt[table] != resumed[table]} == set()
    db.close()
    app.close()
