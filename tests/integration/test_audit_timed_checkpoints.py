"""Checkpoints by time: a quiet log is still signed once T seconds have passed since the last checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.audit import store
from projections.audit.projection import AuditLogProjection
from tests.builders import BOARD, ctx, notification
from tests.integration.audit_fixtures import Audited, audited_store


@pytest.fixture
def audited(database_url: str, tmp_path: Path) -> Iterator[Audited]:
    yield from audited_store(database_url, tmp_path)


def latest_size(audited: Audited) -> int:
    with audited.db.transaction() as cursor:
        latest = store.latest_checkpoint(cursor)
    assert latest is not None
    return latest.size


def test_a_quiet_log_gets_its_checkpoint_at_the_engines_idle_turn_once_the_interval_has_passed(audited: Audited):
    # Given events appended after the last checkpoint, fewer than N, applied to the tree
    audited.app.open_review(ctx(), board_id=BOARD, **notification("QUIET-1"))
    audited.engine.catch_up()
    before = latest_size(audited)
    assert audited.head() > before

    # When the log is quiet and the time interval is zero, the engine gives the audit log its idle turn
    timed = AuditLogProjection(audited.settings.model_copy(update={"checkpoint_every_seconds": 1e-9}))
    audited.engine.projections = [timed]
    audited.engine.idle_turn()

    # Then the head is signed without any new event arriving
    assert latest_size(audited) == audited.head()


def test_an_idle_turn_signs_nothing_before_the_interval_has_passed(audited: Audited):
    audited.app.open_review(ctx(), board_id=BOARD, **notification("QUIET-2"))
    audited.engine.catch_up()
    before = latest_size(audited)

    audited.engine.idle_turn()  # the fixture's interval is the default 300 s

    assert latest_size(audited) == before
