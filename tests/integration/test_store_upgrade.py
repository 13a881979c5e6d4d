"""A store written by the previous release serves correctly when today's code opens it, with no manual step.

The fixture `tests/fixtures/store_cdf7ef4.sqlite3` was written by main at cdf7ef4 (the last code that
recorded no schema versions): `scr demo load` then `scr projections rebuild`, as
`tests/fixtures/make_store_cdf7ef4.sh` shows. Its audit log holds the checkpoint that code signed."""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from projections.audit.checkpoints import read_file
from projections.audit.projection import AuditLogProjection
from projections.audit.verify import verify_log
from projections.case_status import CaseStatusProjection
from projections.storage import Database
from projections.timeliness import TimelinessProjection
from service.app import create_app
from service.settings import Settings
from service.tokens import issue_token

FIXTURES = Path(__file__).parents[1] / "fixtures"
OLD_STORE = FIXTURES / "store_cdf7ef4.sqlite3"
OLD_CHECKPOINT = FIXTURES / "store_cdf7ef4-checkpoint-000000000149.json"
HEAD = 149
READ_MODELS = ("case_status", "timeliness", "cost_ledger", "learning_actions", "audit_log")
# The schema version each of the old store's read models has in this release (issue 11 raised two of them).
CURRENT = {
    **dict.fromkeys(READ_MODELS, 1),
    "case_status": CaseStatusProjection.schema_version,
    "timeliness": TimelinessProjection.schema_version,
}
UPGRADED = {name for name, version in CURRENT.items() if version > 1}
SECRET = "integration-test-secret-long-enough-for-hs256"
BOARDS = ("birmingham", "bradford", "coventry", "durham")
FINANCIAL_YEARS = ("2006-07", "2008-09", "2011-12", "2012-13", "2013-14", "2025-26", "2026-27")  # the fixture's


def bearer(role: Role, board: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, user='reader', role=role, board=board)}"}


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """A copy of the previous release's store, so each test upgrades its own."""
    path = tmp_path / "scr.sqlite3"
    shutil.copyfile(OLD_STORE, path)
    return path


def settings_for(path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{path}",
        jwt_secret=SECRET,
        data_dir=path.parent,
        read_wait_seconds=10,
        projections_in_process=True,
    )


def answers(client: TestClient) -> dict[str, Any]:
    """What every read model answers: the panel's lists, and each board's reviews, timeliness, ledger and actions."""
    found: dict[str, Any] = {}

    def get(path: str, headers: dict[str, str], key: str = "") -> Any:
        response = client.get(f"{path}{'&' if '?' in path else '?'}min_position={HEAD}", headers=headers)
        assert response.status_code == 200, (path, response.text)
        found[key + path] = response.json()
        return found[key + path]

    panel = bearer(Role.NATIONAL_PANEL)
    for path in ("/reviews", "/reviews?overdue=true", "/timeliness", "/learning-actions"):
        get(path, panel, "panel ")
    for board in BOARDS:
        auditor = bearer(Role.AUDITOR, board)
        reviews = get("/reviews", auditor, f"{board} ")
        get("/timeliness", auditor, f"{board} ")
        for year in FINANCIAL_YEARS:
            get(f"/ledger/boards/{board}?financial_year={year}", auditor)
        for review in reviews:
            get(f"/reviews/{review['review_id']}", auditor)
            get(f"/reviews/{review['review_id']}/timeliness", auditor)
            get(f"/ledger/reviews/{review['review_id']}", auditor)
        for action in get("/learning-actions", auditor, f"{board} "):
            get(f"/learning-actions/{action['action_id']}", auditor)
    assert len(found["panel /reviews"]) > 5
    assert found["panel /learning-actions"]
    return found


def event_log_digest(path: Path) -> str:
    """A hash of every stored event row: the record an upgrade must never touch."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT * FROM stored_events ORDER BY rowid").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def tracked(path: Path) -> dict[str, tuple[int, int | None]]:
    """The old store's read models as tracked (read models added since are built fresh: not compared here)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, position, schema_version FROM projection_tracking").fetchall()
    return {name: (position, version) for name, position, version in rows if name in READ_MODELS}


def audit_verified(path: Path) -> bool:
    db = Database(f"sqlite:///{path}")
    try:
        report = verify_log(db, trusted_key=None, auditor=[read_file(OLD_CHECKPOINT)])
    finally:
        db.close()
    return report.verified and report.auditor_checkpoints_checked == 1 and report.events_verified == HEAD


def test_a_store_of_the_previous_release_is_served_as_it_is_and_answers_as_a_fresh_rebuild_does(
    old_store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    record = event_log_digest(old_store)
    caplog.set_level(logging.INFO, logger="projections")

    with TestClient(create_app(settings_for(old_store))) as client:
        assert client.get("/readyz").status_code == 200
        upgraded = answers(client)
        # No pointless rebuild: a read model whose tables already have the version 1 shape is recorded as it is;
        # only those whose schema version this release raised are rebuilt.
        assert tracked(old_store) == {name: (HEAD, version) for name, version in CURRENT.items()}
        rebuilt = [r.getMessage() for r in caplog.records if "rebuilding it" in r.getMessage()]
        assert {name for name in READ_MODELS if any(f"read model {name}:" in m for m in rebuilt)} == UPGRADED
        assert {r.getMessage() for r in caplog.records if "no schema version" in r.getMessage()} == {
            f"read model {name}: no schema version recorded (a store from before versions were kept): "
            "taken as version 1"
            for name in READ_MODELS
        }
        client.app.state.services.engine.rebuild()  # type: ignore[attr-defined]
        assert answers(client) == upgraded

    assert event_log_digest(old_store) == record
    assert audit_verified(old_store)


@pytest.mark.parametrize(
    ("projection", "table"),
    [
        (CaseStatusProjection, "case_status_reviews"),
        (TimelinessProjection, "timeliness_rules"),
        (AuditLogProjection, "audit_tree"),
    ],
)
def test_a_read_model_whose_schema_version_was_raised_is_rebuilt_on_open_with_its_answers_intact(
    old_store: Path,
    projection: type,
    table: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with TestClient(create_app(settings_for(old_store))) as client:
        before = answers(client)
    record = event_log_digest(old_store)
    with sqlite3.connect(old_store) as conn:  # the old shape's rows, which the new release must not serve
        conn.execute(f"DELETE FROM {table}")
    current = CURRENT[projection.name]  # type: ignore[attr-defined]
    monkeypatch.setattr(projection, "schema_version", current + 1)
    caplog.set_level(logging.INFO, logger="projections")

    with TestClient(create_app(settings_for(old_store))) as client:
        after = answers(client)

    name = projection.name  # type: ignore[attr-defined]
    messages = [r.getMessage() for r in caplog.records if r.name == "projections.engine"]
    assert messages[0] == (
        f"read model {name}: the store has schema version {current}, this release has version {current + 1}: "
        "rebuilding it from position 0"
    )
    assert messages[1].startswith(f"rebuilt {name}: {HEAD} events in ")
    assert after == before
    assert tracked(old_store) == {
        **{model: (HEAD, version) for model, version in CURRENT.items()},
        name: (HEAD, current + 1),
    }
    assert event_log_digest(old_store) == record
    assert audit_verified(old_store)  # the audit log's rebuild keeps the checkpoint the old code signed
