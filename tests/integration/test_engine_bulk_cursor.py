"""The cursor projections get on PostgreSQL copies plain inserts and leaves every other statement alone."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import psycopg
import pytest

from projections.bulk_cursor import BulkCursor, copy_statement
from projections.storage import Database

ROWS = [(n, f"name {n}", uuid4(), date(2026, 1, 1 + n % 28), None if n % 3 else b"\x00\xff") for n in range(50)]
CREATE = "CREATE TABLE t (n BIGINT PRIMARY KEY, name TEXT, id UUID, on_date DATE, raw BYTEA)"
INSERT = "INSERT INTO t (n, name, id, on_date, raw) VALUES (%s, %s, %s, %s, %s)"


def test_a_plain_multi_row_insert_is_copied_and_stores_exactly_what_executemany_would(postgres_url):
    assert copy_statement(INSERT) is not None
    db = Database(postgres_url)
    with db.transaction() as cursor:
        cursor.execute(CREATE)
        BulkCursor(cursor).executemany(INSERT, ROWS)
        cursor.execute("SELECT n, name, id, on_date, raw FROM t ORDER BY n")
        assert cursor.fetchall() == ROWS
    db.close()


def test_a_duplicate_key_still_fails_the_batch(postgres_url):
    db = Database(postgres_url)
    with db.transaction() as cursor:
        cursor.execute(CREATE)
    with pytest.raises(psycopg.errors.UniqueViolation), db.transaction() as cursor:
        BulkCursor(cursor).executemany(INSERT, [*ROWS, ROWS[0]])
    with db.transaction() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone()[0] == 0
    db.close()


def test_an_upsert_runs_as_statements_with_its_conflict_clause(postgres_url):
    assert copy_statement(INSERT + " ON CONFLICT (n) DO NOTHING") is None
    db = Database(postgres_url)
    with db.transaction() as cursor:
        cursor.execute(CREATE)
        bulk = BulkCursor(cursor)
        bulk.executemany(INSERT, ROWS)
        bulk.executemany(
            INSERT + " ON CONFLICT (n) DO UPDATE SET name = excluded.name",
            [(n, "renamed", None, None, None) for n in range(40)],
        )
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE name = 'renamed') FROM t")
        assert cursor.fetchone() == (50, 40)
    db.close()
