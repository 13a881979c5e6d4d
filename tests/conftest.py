"""Fixtures: every storage scenario runs on a real SQLite file and a real PostgreSQL schema."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

# CI must never skip PostgreSQL: the URL of the server to use (a fresh schema is made per test).
POSTGRES_URL = os.environ.get("SCR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_schema_url() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is required for these tests and is not reachable at {POSTGRES_URL}: {error}")
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?schema={schema}"
    finally:
        # A connection of its own: one held across the test would not survive the PostgreSQL restart test.
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="session", autouse=True)
def master_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A master key for every test (SCR_MASTER_KEY): PostgreSQL settings refuse to start without one, and
    subprocesses inherit it. A test of the embedded store's own key, or of a missing key, unsets it."""
    path = tmp_path_factory.mktemp("master-key") / "master.key"
    path.write_bytes(base64.b64encode(os.urandom(32)) + b"\n")
    path.chmod(0o600)
    before = os.environ.get("SCR_MASTER_KEY")
    os.environ["SCR_MASTER_KEY"] = str(path)
    yield path
    if before is None:
        os.environ.pop("SCR_MASTER_KEY", None)
    else:
        os.environ["SCR_MASTER_KEY"] = before


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store: an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scr.sqlite3'}"
    else:
        yield from postgres_schema_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema, for tests that need concurrency only PostgreSQL offers."""
    yield from postgres_schema_url()
