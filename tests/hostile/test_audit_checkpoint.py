"""The auditor's own checkpoint reaches the API (issue 14): an operator who rewrites an event, rebuilds the
audit tree and re-signs with the key beside the database passes GET /audit/verify, which says plainly it
was not checked against an independent checkpoint; POST /audit/verify with the auditor's checkpoint fails."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from projections.audit import store, tree
from projections.audit.checkpoints import checkpoint_dir, load_signing_key
from projections.audit.export import build_export
from service.app import create_app
from service.cli.audit import verify_export_file
from service.dashboard.audit_status import review_audit_status
from service.services import ServiceObjects
from tests.conftest import postgres_schema_url
from tests.e2e.server import token
from tests.hostile.conftest import Target, bearer, seed, settings_for
from tests.hostile.test_dashboard_sessions import form_csrf, sign_in

AUDITOR = bearer(Role.AUDITOR)


@pytest.fixture(params=["sqlite", "postgres"])
def audited(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """A seeded service of its own (this test rewrites its log), with a checkpoint of the head signed."""
    directory = tmp_path_factory.mktemp("audited")
    urls: Iterator[str] = (
        iter([f"sqlite:///{directory / 'scr.sqlite3'}"]) if request.param == "sqlite" else postgres_schema_url()
    )
    api = create_app(settings_for(next(urls), directory))
    with TestClient(api, raise_server_exceptions=False) as client:
        found = Target(api, client)
        seed(found)
        sign_head(found.services)
        yield found
    next(urls, None)


def sign_head(services: ServiceObjects) -> dict[str, Any]:
    services.engine.catch_up()
    with services.db.transaction() as cursor:
        made = tree.checkpoint_now(cursor, load_signing_key(services.settings), checkpoint_dir(services.settings))
        latest = store.latest_checkpoint(cursor) if made is None else made
    assert latest is not None
    return latest.to_json()


def rewrite_and_re_sign(target: Target) -> None:
    """What an operator with the database and the signing key can do: alter a stored event, rebuild, re-sign."""
    services = target.services
    events, position = (
        ("casereviews_events", "notification_id") if services.db.is_postgres else ("stored_events", "rowid")
    )
    with services.db.transaction() as cursor:
        cursor.execute(f"SELECT state FROM {events} WHERE {position} = 3")
        state = bytes(cursor.fetchone()[0])
        assert b"HOSTILE-1" in state  # the seeded notification
        cursor.execute(
            f"UPDATE {events} SET state = %s WHERE {position} = 3", (state.replace(b"HOSTILE-1", b"HOSTILE-X"),)
        )
        cursor.execute("DELETE FROM audit_checkpoints")
    services.engine.rebuild("audit_log")
    sign_head(services)


def test_the_auditors_checkpoint_catches_a_rewrite_the_service_verifies_as_clean(audited: Target) -> None:
    held = audited.client.get("/audit/checkpoints/latest", headers=AUDITOR).json()
    rewrite_and_re_sign(audited)

    own = audited.client.get("/audit/verify", headers=AUDITOR).json()
    assert own["verified"] is True
    assert own["independent_checkpoint"] is False
    assert any("not checked against an independent checkpoint" in note for note in own["notes"])

    checked = audited.client.post("/audit/verify", json={"checkpoints": [held]}, headers=AUDITOR)
    assert checked.status_code == 200, checked.text
    assert checked.json()["independent_checkpoint"] is True
    assert checked.json()["verified"] is False
    assert checked.json()["problem"]["kind"] == "inconsistent_with_auditor_checkpoint"


def test_an_untouched_log_verifies_against_the_auditors_checkpoint(audited: Target) -> None:
    held = audited.client.get("/audit/checkpoints/latest", headers=AUDITOR).json()
    checked = audited.client.post("/audit/verify", json={"checkpoints": [held]}, headers=AUDITOR).json()
    assert (checked["verified"], checked["independent_checkpoint"], checked["auditor_checkpoints_checked"]) == (
        True,
        True,
        1,
    )


def test_a_malformed_checkpoint_is_refused_with_422_naming_it(audited: Target) -> None:
    refused = audited.client.post("/audit/verify", json={"checkpoints": [{"size": "x"}]}, headers=AUDITOR)
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"


def test_the_dashboards_audit_status_says_it_is_not_checked_against_an_independent_checkpoint(
    audited: Target,
) -> None:
    review = audited.client.get(f"/reviews/{audited.ids['review_id']}", headers=bearer(Role.BOARD_CHAIR)).json()
    status = review_audit_status(audited.services, UUID(audited.ids["review_id"]), review["version"])
    assert status.verified
    assert status.independent_checkpoint is False
    assert "Not checked against an independent checkpoint" in status.summary


def verify_on_dashboard(target: Target, upload: bytes | None) -> tuple[int, str]:
    """Sign in as the board's auditor and press "Verify the whole log" on the Audit page, uploading `upload`."""
    target.client.cookies.clear()
    assert sign_in(target.client, token(Role.AUDITOR)).status_code == 303
    csrf = form_csrf(target.client.get("/dashboard/audit").text)
    files = {"checkpoint": ("held.json", upload, "application/json")} if upload is not None else None
    answer = target.client.post("/dashboard/audit", data={"csrf": csrf}, files=files)
    return answer.status_code, answer.text


def test_the_dashboard_takes_an_uploaded_checkpoint_and_catches_a_rewrite_re_signed_with_the_services_key(
    audited: Target,
) -> None:
    held = audited.client.get("/audit/checkpoints/latest", headers=AUDITOR).content
    assert verify_on_dashboard(audited, held)[1].count('data-key="verified">Verified<') == 1
    rewrite_and_re_sign(audited)

    status, page = verify_on_dashboard(audited, None)
    assert status == 200
    assert 'data-key="verified">Verified<' in page
    assert "Not checked against an independent checkpoint" in page

    status, page = verify_on_dashboard(audited, held)
    assert status == 200
    assert 'data-key="verified">Not verified<' in page
    assert "Checked against a checkpoint you hold" in page
    assert "Inconsistent with auditor checkpoint" in page


def test_the_dashboard_refuses_an_upload_that_is_not_a_checkpoint_and_verifies_nothing(audited: Target) -> None:
    status, page = verify_on_dashboard(audited, b'{"size": "x"}')
    assert status == 422
    assert "checkpoint 0 is not a signed checkpoint" in page
    assert 'data-key="verified"' not in page


def test_the_dashboards_verification_form_needs_this_browsers_csrf_token(audited: Target) -> None:
    audited.client.cookies.clear()
    assert sign_in(audited.client, token(Role.AUDITOR)).status_code == 303
    answer = audited.client.post("/dashboard/audit", data={"csrf": "forged.token"})
    assert answer.status_code == 422
    assert "came from elsewhere" in answer.text
    assert 'data-key="verified"' not in answer.text


def test_verify_export_refuses_an_export_with_no_events_and_says_later_versions_may_exist(
    audited: Target, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    services = audited.services
    with services.db.transaction(read_only=True) as cursor:
        checkpoint = store.latest_checkpoint(cursor)
        assert checkpoint is not None
        export = build_export(cursor, UUID(audited.ids["review_id"]), checkpoint, postgres=services.db.is_postgres)
    held = tmp_path / "held.json"
    held.write_bytes(orjson.dumps(checkpoint.to_json()))
    args = argparse.Namespace(checkpoint=held, file=tmp_path / "export.json")

    args.file.write_bytes(orjson.dumps({**export, "events": []}))
    assert verify_export_file(services.settings, args) == 1
    assert "holds no events" in capsys.readouterr().out

    truncated = {**export, "events": export["events"][:2]}
    args.file.write_bytes(orjson.dumps(truncated))
    assert verify_export_file(services.settings, args) == 0
    assert "Later versions may exist" in capsys.readouterr().out
