"""The access log over HTTP and the CLI, on SQLite and PostgreSQL: every read of a review's details is recorded
with who, what, when and why; an auditor sees only its own board's; the log is append-only and tamper-evident."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.review import CaseReview
from domain.values import Role
from projections.access_log.verify import verify_access_log
from projections.audit.checkpoints import generate_key_file, load_signing_key, public_bytes
from service.access_log import PURPOSE_MAX
from service.app import create_app
from service.application import open_application
from service.cli.main import main
from service.dashboard.access_purpose import PURPOSE_COOKIE
from service.dashboard.session import COOKIE
from service.services import ServiceObjects
from service.settings import Settings
from service.tokens import issue_token
from tests.builders import BOARD, admin, ctx, initiate, notification
from tests.integration.audit_fixtures import run_sql
from tests.integration.personal_data_support import write_master_key

SECRET = "access-log-test-secret-long-enough-for-hs256"
OTHER_BOARD = "coventry"


@dataclass
class Served:
    http: TestClient
    services: ServiceObjects
    review_id: str  # birmingham's
    other_review_id: str  # coventry's
    settings: Settings

    def entries(self, role: Role = Role.AUDITOR, board: str | None = BOARD, query: str = "") -> list[dict[str, Any]]:
        """What GET /audit/access answers, after the queued reads are appended."""
        self.services.access_log.flush()
        answer = self.http.get(f"/audit/access{query}", headers=headers(role, board))
        assert answer.status_code == 200, answer.text
        entries: list[dict[str, Any]] = answer.json()["entries"]
        return entries

    def sql(self, statement: str) -> list[Any]:
        return run_sql(self.settings.url, statement)


def headers(role: Role, board: str | None = BOARD, purpose: str | None = None) -> dict[str, str]:
    user = f"{role}-{board or 'national'}"
    found = {"Authorization": f"Bearer {issue_token(SECRET, user=user, role=role, board=board)}"}
    if purpose is not None:
        found["X-Purpose"] = purpose
    return found


def record_two_boards_reviews(app: Any) -> tuple[Any, Any]:
    """A review initiated with terms of reference on the test board, and one notified on another board."""
    for board, place in ((BOARD, "Birmingham"), (OTHER_BOARD, "Coventry")):
        app.register_board(admin(), board_id=board, name=f"{place} SCB", local_authority=place)
    rid = app.open_review(ctx(), board_id=BOARD, **notification()).id
    initiate(app, rid, rationale="Child died; neglect known", decided_on=date(2008, 5, 23))
    app.act_on_review(
        ctx(),
        CaseReview.agree_terms_of_reference,
        rid,
        scope_from=date(2006, 1, 1),
        scope_to=date(2008, 5, 17),
        methodology="SCIE Learning Together",
        equality_considerations="Home education; faith",
        agreed_on=date(2008, 6, 10),
    )
    other = app.open_review(ctx(board=OTHER_BOARD), board_id=OTHER_BOARD, **notification("DP-2012")).id
    return rid, other


@pytest.fixture
def served(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    key, master_key = tmp_path / "key.pem", write_master_key(tmp_path / "master.key")
    generate_key_file(key)
    app = open_application(database_url, master_key=master_key)
    review_id, other_review_id = record_two_boards_reviews(app)
    app.close()
    settings = Settings(
        database_url=database_url,
        jwt_secret=SECRET,
        signing_key=key,
        master_key=master_key,
        data_dir=tmp_path,
        checkpoint_every_events=10,
    )
    for name, value in (
        ("SCR_DATABASE_URL", database_url),
        ("SCR_JWT_SECRET", SECRET),
        ("SCR_SIGNING_KEY", str(key)),
        ("SCR_MASTER_KEY", str(master_key)),
        ("SCR_DATA_DIR", str(tmp_path)),
    ):
        monkeypatch.setenv(name, value)
    api = create_app(settings)
    with TestClient(api) as http:
        services = api.state.services
        services.engine.catch_up()
        yield Served(http, services, str(review_id), str(other_review_id), settings)


def test_each_kind_of_api_read_is_recorded_with_user_purpose_and_review(served: Served) -> None:
    rid, http = served.review_id, served.http
    reads = {
        "GET /reviews/{review_id}": (f"/reviews/{rid}", Role.BOARD_CHAIR),
        "GET /reviews/{review_id}/timeliness": (f"/reviews/{rid}/timeliness", Role.BOARD_MANAGER),
        "GET /ledger/reviews/{review_id}": (f"/ledger/reviews/{rid}", Role.BOARD_MANAGER),
        "GET /reviews/{review_id}/history": (f"/reviews/{rid}/history", Role.BOARD_CHAIR),
        "GET /reviews/{review_id}/dissemination": (f"/reviews/{rid}/dissemination", Role.BOARD_MANAGER),
        "GET /reviews/{review_id}/monitoring": (f"/reviews/{rid}/monitoring", Role.BOARD_MANAGER),
        "GET /reviews": ("/reviews", Role.BOARD_MANAGER),
        "GET /search": ("/search?q=learning+together", Role.BOARD_MANAGER),
    }
    for route, (path, role) in reads.items():
        answer = http.get(path, headers=headers(role, purpose=f"checking {route}"))
        assert answer.status_code == 200, (route, answer.text)
    as_of = datetime.now(UTC).isoformat()
    assert http.get(
        f"/reviews/{rid}", params={"as_of": as_of}, headers=headers(Role.AUDITOR, purpose="as of")
    ).is_success

    entries = served.entries(query=f"?review_id={rid}")
    by_route = {entry["route"]: entry for entry in entries if entry["purpose"] != "as of"}
    assert set(by_route) == set(reads)
    for route, (_, role) in reads.items():
        entry = by_route[route]
        assert (entry["user"], entry["role"], entry["board"]) == (f"{role}-{BOARD}", role, BOARD)
        assert entry["purpose"] == f"checking {route}"
        assert {"review_id": rid, "board_id": BOARD} in entry["reviews"]
        assert entry["channel"] == "api"
        assert entry["read_at"] <= datetime.now(UTC).isoformat()
    as_of_entry = next(entry for entry in entries if entry["purpose"] == "as of")
    assert (as_of_entry["route"], as_of_entry["user"]) == ("GET /reviews/{review_id}", f"auditor-{BOARD}")


def test_the_route_is_recorded_as_its_template_never_with_the_query_values(served: Served) -> None:
    served.http.get("/search?q=learning+together", headers=headers(Role.BOARD_MANAGER))
    [entry] = served.entries(query="?user=board_manager-birmingham")
    assert entry["route"] == "GET /search"
    assert "learning" not in str(entry).lower()


def test_a_read_without_x_purpose_is_recorded_with_purpose_not_given(served: Served) -> None:
    assert served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER)).is_success
    [entry] = served.entries()
    assert entry["purpose"] is None
    assert entry["user"] == f"board_manager-{BOARD}"


def test_a_purpose_is_stored_cleaned_and_capped_and_never_written_to_the_service_log(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    purpose = "Inquest\r\nfor Jane\x00 Doe " + "x" * 500
    with caplog.at_level(logging.DEBUG):
        served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER, purpose=purpose))
        [entry] = served.entries()
    assert entry["purpose"].startswith("Inquest for Jane Doe xxx")
    assert len(entry["purpose"]) == PURPOSE_MAX
    assert "Jane" not in caplog.text


def test_a_refused_read_records_nothing(served: Served) -> None:
    other = served.http.get(f"/reviews/{served.other_review_id}", headers=headers(Role.BOARD_MANAGER))
    assert other.status_code == 404
    panel_history = served.http.get(f"/reviews/{served.review_id}/history", headers=headers(Role.NATIONAL_PANEL, None))
    assert panel_history.status_code == 403
    assert served.entries(Role.ADMIN, None) == []


def test_the_panel_reading_a_review_is_recorded_but_its_lists_hold_no_child_details_and_are_not(
    served: Served,
) -> None:
    panel = headers(Role.NATIONAL_PANEL, None, purpose="national oversight")
    assert served.http.get(f"/reviews/{served.review_id}", headers=panel).is_success
    assert served.http.get("/reviews", headers=panel).is_success
    [entry] = served.entries()
    assert (entry["user"], entry["role"], entry["board"]) == ("national_panel-national", "national_panel", None)
    assert entry["purpose"] == "national oversight"
    assert entry["reviews"] == [{"review_id": served.review_id, "board_id": BOARD}]


def test_only_auditors_and_admins_may_read_the_access_log(served: Served) -> None:
    for role, board in ((Role.NATIONAL_PANEL, None), (Role.BOARD_MANAGER, BOARD), (Role.BOARD_CHAIR, BOARD)):
        answer = served.http.get("/audit/access", headers=headers(role, board))
        assert answer.status_code == 403, role
        assert answer.json()["code"] == "forbidden"
    assert served.http.get("/audit/access", headers=headers(Role.ADMIN, None)).status_code == 200


def test_a_boards_auditor_sees_only_its_own_boards_entries_and_an_admin_sees_every_boards(served: Served) -> None:
    served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER))
    served.http.get(f"/reviews/{served.other_review_id}", headers=headers(Role.BOARD_MANAGER, OTHER_BOARD))
    served.http.get(f"/reviews/{served.other_review_id}", headers=headers(Role.NATIONAL_PANEL, None))
    mine = served.entries()
    assert [entry["reviews"] for entry in mine] == [[{"review_id": served.review_id, "board_id": BOARD}]]
    assert served.entries(query=f"?review_id={served.other_review_id}") == []
    theirs = served.entries(Role.AUDITOR, OTHER_BOARD)
    assert {entry["user"] for entry in theirs} == {f"board_manager-{OTHER_BOARD}", "national_panel-national"}
    assert len(served.entries(Role.ADMIN, None)) == 3


def test_the_filters_select_by_user_and_day(served: Served) -> None:
    served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER))
    served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_CHAIR))
    today = datetime.now(UTC).date().isoformat()
    assert [e["user"] for e in served.entries(query="?user=board_chair-birmingham")] == ["board_chair-birmingham"]
    assert len(served.entries(query=f"?from={today}&to={today}")) == 2
    assert served.entries(query="?to=2000-01-01") == []


def test_reads_still_queued_are_appended_when_the_service_shuts_down(served: Served, tmp_path: Path) -> None:
    served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER))
    served.http.__exit__(None, None, None)  # the app's shutdown, before any flush by the test
    assert served.sql("SELECT COUNT(*) FROM access_log")[0][0] == 1


def test_the_access_log_is_append_only_and_a_tampered_row_is_caught_by_verification(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    for purpose in ("first", "second", "third"):
        served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER, purpose=purpose))
    served.services.access_log.flush()
    assert main(["audit", "verify"]) == 0
    assert "Access log (who read which review):\nChecked 3 entries" in capsys.readouterr().out
    with pytest.raises(Exception, match="append-only"):
        served.sql("UPDATE access_log SET purpose = 'nothing to see' WHERE seq = 2")
    with pytest.raises(Exception, match="append-only"):
        served.sql("DELETE FROM access_log WHERE seq = 2")
    # Someone who owns the tables can remove the guard: verification still catches the change.
    if served.services.db.is_postgres:
        served.sql("ALTER TABLE access_log DISABLE TRIGGER USER")
    else:
        served.sql("DROP TRIGGER access_log_no_update")
    served.sql("UPDATE access_log SET purpose = 'nothing to see' WHERE seq = 2")
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "FAILED at position 2: access_entry_altered: the access log: entry 2 does not match its leaf" in out
    trusted = public_bytes(load_signing_key(served.settings))
    problem = verify_access_log(served.services.db, trusted_key=trusted).problem
    assert problem is not None
    assert (problem.kind, problem.position) == ("access_entry_altered", 2)


def test_the_access_logs_checkpoints_are_signed_under_its_own_origin_and_checked(served: Served) -> None:
    served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER))
    served.services.access_log.flush()  # the first batch is signed at once
    assert [int(row[0]) for row in served.sql("SELECT size FROM access_log_checkpoints")] == [1]
    report = verify_access_log(served.services.db, trusted_key=public_bytes(load_signing_key(served.settings)))
    assert report.verified, report.problem
    assert (report.events_checked, report.events_verified, report.checkpoints_checked) == (1, 1, 1)
    files = sorted((served.settings.data_dir / "checkpoints" / "access-log").glob("checkpoint-*.json"))
    assert len(files) == 1
    assert '"origin": "scr-ledger/AccessLog"' in files[0].read_text()


def test_a_cli_export_is_recorded_with_the_operator_and_purpose(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export.json"
    command = ["audit", "export", "--review", served.review_id, "--out", str(out), "--purpose", "coroner's request"]
    assert main(command) == 0
    [entry] = served.entries()
    assert (entry["channel"], entry["route"], entry["role"]) == ("cli", "scr audit export", "system")
    assert entry["user"].startswith("cli:")
    assert entry["purpose"] == "coroner's request"
    assert entry["reviews"] == [{"review_id": served.review_id, "board_id": BOARD}]


# ---- the dashboard --------------------------------------------------------------------------------------------


def page(served: Served, path: str, role: Role, board: str | None = BOARD, purpose_cookie: str = "") -> Any:
    token = issue_token(SECRET, user=f"{role}-{board or 'national'}", role=role, board=board)
    remembered = f"; {PURPOSE_COOKIE}={purpose_cookie}" if purpose_cookie else ""
    answer = served.http.get(path, headers={"Cookie": f"{COOKIE}={token}{remembered}"}, follow_redirects=False)
    assert answer.status_code == 200, answer.text
    return answer


def test_the_review_page_records_the_purpose_chosen_and_remembers_it_for_the_session(served: Served) -> None:
    path = f"/dashboard/reviews/{served.review_id}"
    chosen = page(served, f"{path}?purpose=quality_assurance", Role.BOARD_MANAGER)
    assert f"{PURPOSE_COOKIE}=quality_assurance" in chosen.headers["set-cookie"]
    assert "Recorded for this viewing: <strong>Audit or quality assurance</strong>" in chosen.text
    page(served, f"{path}/csv/timeliness", Role.BOARD_MANAGER, purpose_cookie="quality_assurance")
    page(served, path, Role.BOARD_MANAGER)
    newest_first = served.entries()
    assert [(e["route"], e["purpose"], e["channel"]) for e in newest_first] == [
        ("GET /dashboard/reviews/{review_id:uuid}", None, "dashboard"),
        ("GET /dashboard/reviews/{review_id:uuid}/csv/{table}", "Audit or quality assurance", "dashboard"),
        ("GET /dashboard/reviews/{review_id:uuid}", "Audit or quality assurance", "dashboard"),
    ]
    for entry in newest_first:
        assert entry["user"] == f"board_manager-{BOARD}"
        assert entry["reviews"] == [{"review_id": served.review_id, "board_id": BOARD}]


def test_the_reviews_board_and_its_download_are_recorded_for_a_board_but_not_for_the_panel(served: Served) -> None:
    page(served, "/dashboard/reviews", Role.BOARD_MANAGER)
    page(served, "/dashboard/reviews/csv/reviews", Role.BOARD_MANAGER)
    page(served, "/dashboard/reviews", Role.NATIONAL_PANEL, None)
    page(served, "/dashboard/reviews/csv/reviews", Role.NATIONAL_PANEL, None)
    entries = served.entries(Role.ADMIN, None)
    assert [(e["route"], e["user"]) for e in entries] == [
        ("GET /dashboard/reviews/csv/{table}", f"board_manager-{BOARD}"),
        ("GET /dashboard/reviews", f"board_manager-{BOARD}"),
    ]
    assert all(e["reviews"] == [{"review_id": served.review_id, "board_id": BOARD}] for e in entries)


def test_who_has_viewed_a_review_is_shown_to_its_boards_auditor_and_not_to_its_staff(served: Served) -> None:
    path = f"/dashboard/reviews/{served.review_id}"
    page(served, f"{path}?purpose=case_work", Role.BOARD_MANAGER)
    served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.NATIONAL_PANEL, None, "panel check"))
    served.services.access_log.flush()
    seen = page(served, path, Role.AUDITOR).text
    assert 'id="viewers"' in seen
    assert f"board_manager-{BOARD}" in seen
    assert "Case work on this review" in seen
    assert "national_panel-national" in seen
    assert "panel check" in seen
    assert 'id="viewers"' not in page(served, path, Role.BOARD_MANAGER).text
    assert 'id="viewers"' not in page(served, path, Role.BOARD_CHAIR).text
    other = page(served, f"/dashboard/reviews/{served.other_review_id}", Role.AUDITOR, OTHER_BOARD).text
    assert f"board_manager-{BOARD}" not in other


def test_an_entry_forged_with_sql_or_a_deleted_one_is_caught_by_verification(served: Served) -> None:
    for purpose in ("first", "second", "third"):
        served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER, purpose=purpose))
    served.services.access_log.flush()
    trusted = public_bytes(load_signing_key(served.settings))
    served.sql(
        "INSERT INTO access_log (seq, read_at, user_sub, role, board_id, channel, route, purpose, request_id, reviews) "
        "VALUES (4, '2026-12-01T00:00:00+00:00', 'nobody', 'auditor', 'birmingham', 'api', 'GET /reviews', NULL, "
        "'', '[]')"
    )
    forged = verify_access_log(served.services.db, trusted_key=trusted).problem
    assert forged is not None
    assert (forged.kind, forged.position) == ("access_entry_inserted", 4)
    if served.services.db.is_postgres:
        served.sql("ALTER TABLE access_log DISABLE TRIGGER USER")
    else:
        served.sql("DROP TRIGGER access_log_no_delete")
    served.sql("DELETE FROM access_log WHERE seq IN (2, 4)")
    missing = verify_access_log(served.services.db, trusted_key=trusted).problem
    assert missing is not None
    assert (missing.kind, missing.position) == ("access_entry_missing", 3)
    assert missing.detail == "the access log: entry 2 is missing (deleted from access_log)"


def test_verify_checks_the_access_logs_checkpoints_an_auditor_kept(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    served.http.get(f"/reviews/{served.review_id}", headers=headers(Role.BOARD_MANAGER))
    served.services.access_log.flush()  # the first batch is signed at once, its file in checkpoints/access-log/
    assert main(["audit", "verify", "--checkpoint", str(served.settings.data_dir / "checkpoints")]) == 0
    access = capsys.readouterr().out.split("Access log (who read which review):\n")[1]
    assert "checkpoints checked: 1 stored, 1 of yours" in access
    assert "verified: 1 entries, up to the checkpoint of size 1" in access
