"""One uvicorn process per test module and backend: SQLite file or a fresh PostgreSQL schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import postgres_schema_url
from tests.e2e.server import Server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running API with projections in-process, on an empty store of each backend."""
    log_dir = tmp_path_factory.mktemp("e2e")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{log_dir / 'scr.sqlite3'}"])
    else:
        urls = postgres_schema_url()
    url = next(urls)
    running = Server(url, log_dir).start()
    try:
        yield running
    finally:
        running.stop()
        next(urls, None)  # drops the PostgreSQL schema
