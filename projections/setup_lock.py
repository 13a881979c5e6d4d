"""One process at a time creates and upgrades the read models; others starting with it wait their turn.

PostgreSQL: a session advisory lock on a connection of its own, keyed by the schema, so it is released
if the process dies. SQLite: an exclusive `flock` on a file beside the store (the database's own write
lock cannot be held across a rebuild, whose batches commit through other connections)."""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from projections.private_files import PRIVATE_FILE, private_folder
from projections.storage import Database

log = logging.getLogger(__name__)

# Any fixed number. API processes and `scr projections run` take service.services.SCHEMA_LOCK first and
# this one inside it (tests and `scr audit` this one alone): no process waits for the first holding the second.
SETUP_LOCK = 7_201_327
WAITING = "another process is creating or upgrading the read models; waiting for it to finish"


@contextmanager
def setup_lock(db: Database) -> Iterator[None]:
    """Held while the engine creates tables and rebuilds read models whose schema version changed."""
    if db.is_postgres:
        with _advisory_lock(db):
            yield
    elif str(db.url.path) == ":memory:":
        yield
    else:
        with _lock_file(db.url.path.with_name(db.url.path.name + "-setup.lock")):
            yield


@contextmanager
def _advisory_lock(db: Database) -> Iterator[None]:
    # One lock per schema (the connection's search_path names it): stores in other schemas never wait.
    key = "%s::integer, hashtext(current_setting('search_path'))"
    with psycopg.connect(db.url.conninfo(), autocommit=True) as conn:
        got = conn.execute(f"SELECT pg_try_advisory_lock({key})", (SETUP_LOCK,)).fetchone()
        if not (got and got[0]):
            log.info(WAITING)
            conn.execute(f"SELECT pg_advisory_lock({key})", (SETUP_LOCK,))
        try:
            yield
        finally:
            conn.execute(f"SELECT pg_advisory_unlock({key})", (SETUP_LOCK,))


@contextmanager
def _lock_file(path: Path) -> Iterator[None]:
    private_folder(path.parent)
    with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE), "a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info(WAITING)
            fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)
