"""What one service process opens: the application, our own tables and the projection engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated

import psycopg
from fastapi import Depends, Request

from projections.catalog import read_models
from projections.engine import ProjectionEngine
from projections.personal_copies import align_with_master_key
from projections.storage import Database, DatabaseUrl
from service import feed_tokens, idempotency, sign_in_codes, tokens
from service.access_log import AccessLog
from service.answer_cache import AnswerCache
from service.application import CaseReviews, open_application
from service.settings import Settings
from service.tokens import TokenVerifier


@dataclass
class ServiceObjects:
    """What a route or page needs: the application, our own tables, the projection engine and the settings."""

    app: CaseReviews
    db: Database
    engine: ProjectionEngine
    settings: Settings
    tokens: TokenVerifier
    access_log: AccessLog  # who read what: queued here, appended in batches off the request path
    answers: AnswerCache = field(default_factory=AnswerCache)


def open_services(settings: Settings) -> ServiceObjects:
    """Open the event store, our tables and the projection engine; create missing tables.

    The engine's setup also rebuilds each read model whose schema version changed in this release, or
    waits while another process does: the process serves only read models of its own release's shape."""
    with schema_lock(settings):
        app = open_application(
            settings.url,
            fast_inserts=settings.fast_inserts,
            group_commit=settings.group_commit,
            aggregate_cache=settings.aggregate_cache,
            retention=settings.retention,
            master_key=settings.master_key,
        )
        db = Database(settings.url)
        with db.transaction() as cursor:
            idempotency.create_table(cursor)
            tokens.create_table(cursor)
            sign_in_codes.create_table(cursor)
            feed_tokens.create_table(cursor)
        access_log = AccessLog(db, settings)
        access_log.create_tables()
        engine = ProjectionEngine(app.recorder, db, read_models(settings), keys=app.keys)
        engine.setup()
        if settings.runs_projections_in_process and app.keys is not None:
            align_with_master_key(engine, app.keys)  # no master key: the copies of personal data are dropped
    verifier = TokenVerifier(settings.token_secret, tokens.lifetimes_of(settings), tokens.RevocationList(db))
    services = ServiceObjects(app=app, db=db, engine=engine, settings=settings, tokens=verifier, access_log=access_log)
    engine.after_disposal.append(services.answers.clear)
    return services


# Any fixed number: PostgreSQL advisory locks are named by integers.
SCHEMA_LOCK = 7_201_326


@contextmanager
def schema_lock(settings: Settings) -> Iterator[None]:
    """On PostgreSQL, one process at a time creates tables: concurrent CREATE ... IF NOT EXISTS can collide.

    Taken by API processes (open_services) and the worker (`scr projections run`) alike, before the
    engine's own setup lock (projections/setup_lock.py), never after it."""
    if not settings.is_postgres:
        yield
        return
    # One lock per schema (the connection's search_path names it), as stores in other schemas never collide.
    key = "%s::integer, hashtext(current_setting('search_path'))"
    with psycopg.connect(DatabaseUrl(settings.url).conninfo(), autocommit=True) as conn:
        conn.execute(f"SELECT pg_advisory_lock({key})", (SCHEMA_LOCK,))
        try:
            yield
        finally:
            conn.execute(f"SELECT pg_advisory_unlock({key})", (SCHEMA_LOCK,))


def _services(request: Request) -> ServiceObjects:
    services: ServiceObjects = request.app.state.services
    return services


Services = Annotated[ServiceObjects, Depends(_services)]
