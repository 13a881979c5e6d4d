"""One uvicorn process per backend for the session: an SQLite file, or a fresh PostgreSQL schema.

Both boards the tests use are registered once; each module records its own reviews (distinct case
references), so the modules share a server without sharing records."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from domain.values import Role
from tests.conftest import postgres_schema_url
from tests.e2e.bodies import body
from tests.e2e.server import Server


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running API with projections in-process, on a store of each backend with boards durham and york."""
    log_dir = tmp_path_factory.mktemp("e2e")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{log_dir / 'scr.sqlite3'}"])
    else:
        urls = postgres_schema_url()
    url = next(urls)
    running = Server(url, log_dir).start()
    admin = running.client(Role.ADMIN)
    for board in ("durham", "york"):
        admin.ok("/boards", body("boards", board_id=board))
    try:
        yield running
    finally:
        running.stop()
        next(urls, None)  # drops the PostgreSQL schema


CHROMIUM = os.environ.get("SCR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-GB",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with nothing fetched from the network."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required at {CHROMIUM} (make test installs Debian's chromium package)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
