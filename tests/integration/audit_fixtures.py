"""An audited store for the audit tests, and SQL run directly in the database, outside the application."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from projections.audit import tree
from projections.audit.checkpoints import Checkpoint, checkpoint_dir, generate_key_file, load_signing_key, public_bytes
from projections.audit.projection import AuditLogProjection
from projections.audit.verify import Report, verify_log
from projections.engine import ProjectionEngine
from projections.storage import Database, DatabaseUrl
from service.application import CaseReviews, open_application
from service.settings import Settings
from tests.builders import record_cspr_published_under_override, record_every_event


@dataclass
class Audited:
    """A store with two reviews recorded, the audit tree built and checkpoints every 10 events."""

    url: str
    app: CaseReviews
    db: Database
    engine: ProjectionEngine
    settings: Settings
    review_id: Any

    @property
    def postgres(self) -> bool:
        return self.db.is_postgres

    def catch_up_and_checkpoint(self) -> Checkpoint:
        self.engine.catch_up()
        with self.db.transaction() as cursor:
            made = tree.checkpoint_now(cursor, load_signing_key(self.settings), checkpoint_dir(self.settings))
        assert made is not None
        return made

    def verify(self, held: Sequence[Checkpoint] = ()) -> Report:
        return verify_log(self.db, trusted_key=public_bytes(load_signing_key(self.settings)), auditor=list(held))

    def sql(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run SQL directly in the database (as someone with database access would), %s placeholders."""
        return run_sql(self.url, statement, params)

    @property
    def events(self) -> str:
        return "casereviews_events" if self.postgres else "stored_events"

    @property
    def position(self) -> str:
        return "notification_id" if self.postgres else "rowid"

    def state_at(self, position: int) -> bytes:
        return bytes(self.sql(f"SELECT state FROM {self.events} WHERE {self.position} = %s", (position,))[0][0])

    def head(self) -> int:
        return int(self.sql(f"SELECT MAX({self.position}) FROM {self.events}")[0][0])


def run_sql(database_url: str, statement: str, params: Sequence[Any] = ()) -> list[Any]:
    """Run SQL directly in the database (as someone with database access would), %s placeholders."""
    url = DatabaseUrl(database_url)
    if not url.is_postgres:
        with sqlite3.connect(url.path) as conn:
            return conn.execute(statement.replace("%s", "?"), tuple(params)).fetchall()
    with psycopg.connect(url.conninfo(), autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def audited_store(url: str, tmp_path: Path) -> Iterator[Audited]:
    """Record the builders' reviews, build the audit tree (checkpoints every 10 events) and sign the head."""
    key = tmp_path / "signing-key.pem"
    generate_key_file(key)
    settings = Settings(
        database_url=url,
        jwt_secret="audit-fixture-test-secret-long-enough-for-hs256",
        signing_key=key,
        data_dir=tmp_path,
        checkpoint_every_events=10,
    )
    app = open_application(url)
    db = Database(url)
    review_id = record_every_event(app)
    record_cspr_published_under_override(app)
    engine = ProjectionEngine(app.recorder, db, [AuditLogProjection(settings)], batch_size=7, keys=app.keys)
    engine.setup()
    audited = Audited(url, app, db, engine, settings, review_id)
    audited.catch_up_and_checkpoint()
    try:
        yield audited
    finally:
        db.close()
        app.close()
