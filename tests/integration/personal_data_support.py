"""A review whose personal fields carry markers, recorded through HTTP, and scanners of the raw database files.

The markers are byte strings found nowhere else: any of them in a file (SQLite: the database, its WAL
and shared memory; PostgreSQL: every relation file of the test's schema, its TOAST tables and indexes
included, read by the server after a CHECKPOINT) is a copy of personal data still on disk."""

from __future__ import annotations

import base64
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from domain.values import Role
from projections.audit.checkpoints import generate_key_file
from projections.storage import Database, DatabaseUrl
from service.settings import Settings
from service.tokens import issue_token
from tests.e2e.bodies import body, notification

SECRET = "personal-data-test-secret-long-enough-for-hs256"

CHILD_MARK = "Zorblax-Child-Pseudonym"
SIBLING_MARK = "Quindle-Sibling-Pseudonym"
ETHNICITY_MARK = "Ethnicity-Marker-Vexor"
DESCRIPTION_MARK = "Incident-Description-Marker-Plovik"
HOLD_MARK = "Hold-Reference-Marker-Gristle"
LIFT_MARK = "Hold-Outcome-Marker-Sprocket"
COST_MARK = "Cost-Description-Marker-Wendle"
CLOSE_MARK = "Closure-Rationale-Marker-Thrummock"
MARKERS = (CHILD_MARK, SIBLING_MARK, ETHNICITY_MARK, DESCRIPTION_MARK, HOLD_MARK, LIFT_MARK, COST_MARK, CLOSE_MARK)

# One class, one year after closure: a review closed in 2017 is due for disposal today.
RETENTION_TOML = '[classes.short]\nlabel = "Test class: one year"\nyears_after_closure = 1\n'


def write_master_key(path: Path) -> Path:
    path.write_bytes(base64.b64encode(os.urandom(32)) + b"\n")
    path.chmod(0o600)
    return path


def settings_for(url: str, directory: Path, master_key: Path) -> Settings:
    signing = directory / "signing-key.pem"
    if not signing.exists():
        generate_key_file(signing)
    classes = directory / "retention.toml"
    classes.write_text(RETENTION_TOML)
    return Settings(
        database_url=url,
        jwt_secret=SECRET,
        data_dir=directory,
        signing_key=signing,
        master_key=master_key,
        retention_classes=classes,
        read_wait_seconds=10,
        projections_in_process=True,
    )


def bearer(role: Role, board: str | None = "durham") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, user=f'{role}-user', role=role, board=board)}"}


@dataclass
class Seeded:
    review_id: str
    position: int


def post(client: TestClient, path: str, payload: dict[str, Any], role: Role = Role.BOARD_CHAIR) -> dict[str, Any]:
    response = client.post(path, json=payload, headers=bearer(role, None if role is Role.ADMIN else "durham"))
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def seed_closed_review(client: TestClient, case_ref: str = "ENC-1", *, new_board: bool = True) -> Seeded:
    """(A board and) a closed review with two children, a hold placed and lifted, a cost: every marker recorded."""
    if new_board:
        post(client, "/boards", body("boards"), Role.ADMIN)
    notified = notification(case_ref)
    notified.pop("child")
    notified["children"] = [
        {"pseudonym": CHILD_MARK, "age_years": 4, "sex": "female", "ethnicity": ETHNICITY_MARK},
        {"pseudonym": SIBLING_MARK, "age_years": 2, "sex": "male"},
    ]
    notified["incident"] = {**notified["incident"], "nature": "serious_harm", "description": DESCRIPTION_MARK}
    review = post(client, "/reviews", notified)["id"]
    r = f"/reviews/{review}"
    hold = post(client, r + "/legal-holds", body("legal-holds", reference=HOLD_MARK))["hold_id"]
    post(client, f"{r}/legal-holds/{hold}/lift", body("lift", outcome=LIFT_MARK))
    post(client, r + "/costs", body("costs", description=COST_MARK))
    closed = post(client, r + "/close", body("close", reason=CLOSE_MARK))
    return Seeded(review, int(closed["position"]))


def wrapped_key(url: str, review_id: str) -> str:
    """The review's data key as stored (wrapped by the master key)."""
    db = Database(url)
    try:
        with db.transaction(read_only=True) as cursor:
            cursor.execute("SELECT wrapped FROM scr_data_keys WHERE review_id = %s", (review_id,))
            found: str = cursor.fetchone()[0]
    finally:
        db.close()
    return found


def leftover_markers(url: str, markers: tuple[str, ...] = MARKERS) -> set[str]:
    """The markers found anywhere in the store's files (see the module's docstring)."""
    raw = sqlite_bytes(url) if not DatabaseUrl(url).is_postgres else postgres_bytes(url)
    return {marker for marker in markers if marker.encode() in raw}


def sqlite_bytes(url: str) -> bytes:
    path = DatabaseUrl(url).path
    return b"".join(
        companion.read_bytes()
        for suffix in ("", "-wal", "-shm", "-journal")
        if (companion := path.with_name(path.name + suffix)).exists()
    )


def postgres_bytes(url: str) -> bytes:
    """Every relation file of the schema (tables, indexes, TOAST), as the server has them on disk."""
    parsed = DatabaseUrl(url)
    with psycopg.connect(parsed.conninfo(), autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # shared buffers to the files (the test user is a superuser)
        files = conn.execute(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.relfilenode <> 0 AND ("
            "c.relnamespace = %s::regnamespace OR c.oid IN ("
            "  SELECT t.reltoastrelid FROM pg_class t WHERE t.relnamespace = %s::regnamespace"
            "  UNION SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.reltoastrelid = i.indrelid"
            "  WHERE t.relnamespace = %s::regnamespace))",
            (parsed.schema, parsed.schema, parsed.schema),
        ).fetchall()
        chunks = [
            bytes(conn.execute("SELECT pg_read_binary_file(%s::text)", (path,)).fetchone()[0] or b"")
            for (path,) in files
        ]
    return b"".join(chunks)


def stored_event_bytes(url: str) -> bytes:
    """The stored events' state column, as recorded."""
    parsed = DatabaseUrl(url)
    if parsed.is_postgres:
        with psycopg.connect(parsed.conninfo()) as conn:
            rows = conn.execute("SELECT state FROM casereviews_events").fetchall()
    else:
        with closing(sqlite3.connect(parsed.path)) as conn:
            rows = conn.execute("SELECT state FROM stored_events").fetchall()
    return b"".join(bytes(row[0]) for row in rows)
