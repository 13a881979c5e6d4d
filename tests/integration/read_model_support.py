"""Applying the log to read models directly (no engine), in batches, for the read-model tests."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from projections.base import LogEvent, Projection
from projections.catalog import read_models as catalog_read_models
from projections.sealing import open_log_events
from projections.storage import Cursor, Database
from service.application import CaseReviews, open_application
from service.settings import Settings


class ReadModels:
    """An application, its database and a set of projections kept up to date by `catch_up`."""

    def __init__(self, url: str, projections: Sequence[Projection], batch_size: int = 7) -> None:
        self.app: CaseReviews = open_application(url)
        self.db = Database(url)
        self.projections = list(projections)
        self.batch_size = batch_size  # small, so a review's events span several batches
        self.position = 0
        with self.db.transaction() as cursor:
            for projection in self.projections:
                projection.create_tables(cursor, postgres=self.db.is_postgres)

    def catch_up(self) -> int:
        """Apply every event after the last one applied; returns how many."""
        applied = 0
        while True:
            found = self.app.recorder.select_notifications(self.position + 1, self.batch_size)
            if not found:
                return applied
            events = [
                LogEvent(
                    position=n.id,
                    originator_id=n.originator_id,
                    version=n.originator_version,
                    topic=n.topic,
                    state=n.state,
                )
                for n in found
            ]
            open_log_events(events, self.app.keys)  # sealed personal fields opened, as the engine does
            with self.db.transaction() as cursor:
                for projection in self.projections:
                    projection.apply_batch(cursor, events)
            self.position = events[-1].position
            applied += len(events)

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """A cursor for the query functions (catching up first)."""
        self.catch_up()
        with self.db.transaction() as cursor:
            yield cursor

    def close(self) -> None:
        self.db.close()
        self.app.close()


@contextmanager
def read_models(url: str, *projections: Any, batch_size: int = 7) -> Iterator[ReadModels]:
    models = ReadModels(url, projections, batch_size)
    try:
        yield models
    finally:
        models.close()


FOUR = ("case_status", "timeliness", "cost_ledger", "learning_actions")


def every_read_model(settings: Settings | None = None) -> list[Projection]:
    """The four read models of issue 3 as the service's catalog configures them."""
    return [projection for projection in catalog_read_models(settings or Settings()) if projection.name in FOUR]


@pytest.fixture(name="models")
def models_fixture(database_url: str) -> Iterator[ReadModels]:
    """The four read models on an empty store (SQLite file or PostgreSQL schema), applied in small batches."""
    with read_models(database_url, *every_read_model()) as found:
        yield found


def without_uuids(value: Any, names: dict[str, str] | None = None) -> Any:
    """The value with every UUID replaced by its order of first appearance (random ids differ per store)."""
    names = {} if names is None else names
    if isinstance(value, dict):
        return {key: without_uuids(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [without_uuids(item, names) for item in value]
    if isinstance(value, str) and UUID_TEXT.fullmatch(value):
        return names.setdefault(value, f"uuid-{len(names)}")
    return value


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
