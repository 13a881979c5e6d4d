"""The first request after PostgreSQL goes away is answered 503 within a few seconds (issue 14), not after
the store library's ten retries of a five-second pool wait (about 50 s).

This stops the PostgreSQL server the tests use, like tests/faults/test_postgres_restart.py (whose
SCR_TEST_POSTGRES_STOP / _START it shares): run it where nothing else uses that server."""

from __future__ import annotations

import shlex
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from domain.values import Role
from tests.conftest import postgres_schema_url
from tests.e2e.bodies import body, notification
from tests.e2e.server import Server
from tests.faults.test_postgres_restart import START, STOP

pytestmark = pytest.mark.restarts_postgres

# "A few seconds": the pool waits 2 s for a connection and a call is tried twice; the rest is slack.
BOUND_SECONDS = 10


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    urls = postgres_schema_url()
    running = Server(next(urls), tmp_path).start()
    try:
        yield running
    finally:
        running.stop()
        subprocess.run(shlex.split(START), check=False, capture_output=True)
        time.sleep(2)
        next(urls, None)


def test_the_first_command_and_read_after_postgres_goes_away_are_answered_503_within_seconds(server: Server) -> None:
    with server.client(Role.ADMIN, None) as admin:
        admin.ok("/boards", body("boards"))
    with server.client(Role.BOARD_CHAIR) as chair:
        review = chair.ok("/reviews", notification("GONE-1"))["id"]
    subprocess.run(shlex.split(STOP), check=True, capture_output=True)
    try:
        for method, path, payload in (
            ("POST", f"/reviews/{review}/staff-time", body("staff-time")),
            ("GET", f"/reviews/{review}", None),
        ):
            # A connection each: the server closes one whose request ended in an unexpected error.
            with server.client(Role.BOARD_CHAIR) as chair:
                started = time.monotonic()
                answer: httpx.Response = chair.request(method, path, json=payload)
                took = time.monotonic() - started
            assert answer.status_code == 503, answer.text
            assert "Retry-After" in answer.headers
            assert took < BOUND_SECONDS, took
    finally:
        subprocess.run(shlex.split(START), check=True, capture_output=True)
