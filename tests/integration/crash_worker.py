"""A projection worker for the crash test: the catalog's read models plus a counting projection.

Run as `python -m tests.integration.crash_worker URL MARKER PAUSE`: it catches up and exits. With a
pause, each counting batch writes its rows, notes its last position in MARKER and sleeps before
committing, so the test can SIGKILL it in the middle of a batch."""

from __future__ import annotations

import sys
from pathlib import Path

from projections.base import Projection
from projections.catalog import read_models
from projections.engine import ProjectionEngine
from projections.storage import Database
from service.application import open_application
from service.settings import Settings
from tests.integration.counting_projection import CountingProjection

BATCH_SIZE = 20


def projections(url: str, counting: CountingProjection) -> list[Projection]:
    """The read models the service runs, then the counting projection."""
    return [
        *read_models(Settings(database_url=url, jwt_secret="crash-worker-test-secret-long-enough-for-hs256")),
        counting,
    ]


def main(url: str, marker: str, pause: str) -> None:
    app, db = open_application(url), Database(url)
    counting = CountingProjection(pause_seconds=float(pause), batch_marker=Path(marker))
    engine = ProjectionEngine(app.recorder, db, projections(url, counting), batch_size=BATCH_SIZE, keys=app.keys)
    engine.setup()
    engine.catch_up()
    db.close()
    app.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
