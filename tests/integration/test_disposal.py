"""Disposal destroys the review's data key and every plaintext copy, down to the database files, while the
decision history and its proofs remain; a rebuild from position 0 brings nothing back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.calendar import london_today
from domain.personal_data import Withheld
from domain.review import CaseReview
from domain.review_values import Child
from domain.values import Role
from projections.storage import Database, DatabaseUrl
from service.app import create_app
from service.application import CaseReviews
from service.cli.main import main
from service.settings import Settings
from tests.builders import admin, chair, notification
from tests.integration.personal_data_support import (
    CHILD_MARK,
    CLOSE_MARK,
    MARKERS,
    SECRET,
    bearer,
    leftover_markers,
    post,
    seed_closed_review,
    settings_for,
    stored_event_bytes,
    wrapped_key,
    write_master_key,
)


def use_settings(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """The CLI reads the same settings from the environment."""
    for name, value in {
        "SCR_DATABASE_URL": settings.database_url,
        "SCR_JWT_SECRET": SECRET,
        "SCR_DATA_DIR": settings.data_dir,
        "SCR_SIGNING_KEY": settings.signing_key,
        "SCR_MASTER_KEY": settings.master_key,
        "SCR_RETENTION_CLASSES": settings.retention_classes,
    }.items():
        monkeypatch.setenv(name, str(value))


def test_after_disposal_no_byte_of_personal_data_is_left_and_the_history_and_proofs_remain(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(database_url, tmp_path, write_master_key(tmp_path / "master.key"))
    use_settings(monkeypatch, settings)
    chair = bearer(Role.BOARD_CHAIR)
    with TestClient(create_app(settings)) as client:
        seeded = seed_closed_review(client)
        client.get("/reviews", params={"min_position": seeded.position}, headers=chair)
        assert CHILD_MARK in leftover_markers(database_url)  # the scanner sees the read models' copies
        key = wrapped_key(database_url, seeded.review_id)
        disposed = post(
            client, f"/reviews/{seeded.review_id}/dispose", {"on": london_today().isoformat(), "rationale": "Due"}
        )
        review = client.get(
            f"/reviews/{seeded.review_id}", params={"min_position": disposed["position"]}, headers=chair
        ).json()
        history = client.get(f"/reviews/{seeded.review_id}/history", headers=chair).json()
    # The service stopped: its projection thread finished the batch, scrubbing the files after it.
    assert leftover_markers(database_url, (*MARKERS, key)) == set()
    assert review["child_pseudonym"] == Withheld.DISPOSED.value
    assert review["process"]["disposed_on"] == london_today().isoformat()
    assert [row["type"] for row in history] == [
        "Notified",
        "LegalHoldPlaced",
        "LegalHoldLifted",
        "CostRecorded",
        "Closed",
        "Disposed",
    ]
    assert all(row["actor"] and row["recorded_at"] and row["hash"] for row in history)
    assert Withheld.DISPOSED.value in str(history[0])
    assert CHILD_MARK not in str(history)
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0, capsys.readouterr()
    out = tmp_path / "export.json"
    assert main(["audit", "export", "--review", seeded.review_id, "--out", str(out)]) == 0
    assert [marker for marker in MARKERS if marker.encode() in out.read_bytes()] == []
    checkpoints = sorted((tmp_path / "checkpoints").glob("checkpoint-*.json"))
    assert main(["audit", "verify-export", str(out), "--checkpoint", str(checkpoints[-1])]) == 0
    # Every read model rebuilt from position 0: nothing comes back.
    assert main(["projections", "rebuild"]) == 0
    assert leftover_markers(database_url) == set()
    with TestClient(create_app(settings)) as client:
        again = client.get(f"/reviews/{seeded.review_id}", headers=chair).json()
    assert again["child_pseudonym"] == Withheld.DISPOSED.value


def test_a_disposed_review_records_nothing_more_and_keeps_no_key(database_url: str, tmp_path: Path) -> None:
    settings = settings_for(database_url, tmp_path, write_master_key(tmp_path / "master.key"))
    with TestClient(create_app(settings)) as client:
        seeded = seed_closed_review(client)
        disposed = post(
            client, f"/reviews/{seeded.review_id}/dispose", {"on": london_today().isoformat(), "rationale": "Due"}
        )
        client.get("/reviews", params={"min_position": disposed["position"]}, headers=bearer(Role.BOARD_CHAIR))
        again = client.post(
            f"/reviews/{seeded.review_id}/reopen",
            json={"on": london_today().isoformat(), "reason": "Named again"},
            headers=bearer(Role.BOARD_CHAIR),
        )
    assert again.status_code == 409
    db = Database(database_url)
    try:
        with db.transaction(read_only=True) as cursor:
            cursor.execute("SELECT COUNT(*) FROM scr_data_keys WHERE review_id = %s", (seeded.review_id,))
            keys = cursor.fetchone()[0]
            cursor.execute("SELECT position FROM scr_destroyed_keys WHERE review_id = %s", (seeded.review_id,))
            destroyed = cursor.fetchall()
            cursor.execute("SELECT disposed_on, retention_class FROM disposal_records")
            records = cursor.fetchall()
    finally:
        db.close()
    assert keys == 0
    assert len(destroyed) == 1
    assert [tuple(row) for row in records] == [(london_today().isoformat(), "short")]


def test_dispose_due_lists_then_disposes_of_each_due_review_with_a_record_each(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(database_url, tmp_path, write_master_key(tmp_path / "master.key"))
    use_settings(monkeypatch, settings)
    with TestClient(create_app(settings)) as client:
        first = seed_closed_review(client, "ENC-1")
        second = seed_closed_review(client, "ENC-2", new_board=False)
    capsys.readouterr()
    assert main(["retention", "dispose-due"]) == 0
    listed = capsys.readouterr().out
    assert "2 review(s) due" in listed
    assert first.review_id in listed
    assert second.review_id in listed
    assert main(["retention", "dispose-due", "--apply"]) == 2  # who disposes must be named
    assert main(["retention", "dispose-due", "--apply", "--by", "records-officer"]) == 0
    applied = capsys.readouterr().out
    assert "[1/2]" in applied
    assert "[2/2]" in applied
    assert "disposed of 2 of 2" in applied
    assert leftover_markers(database_url) == set()
    assert main(["retention", "dispose-due"]) == 0
    assert "0 review(s) due" in capsys.readouterr().out
    assert date.fromisoformat(london_today().isoformat())  # the disposals are dated today (Europe/London)


def test_a_store_from_before_sealing_keeps_its_plaintext_events_readable_and_disposal_purges_their_copies(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    legacy = CaseReviews(DatabaseUrl(database_url).event_store_env())  # no keys: events stored as before
    legacy.register_board(admin(), board_id="durham", name="Durham SCP", local_authority="Durham County Council")
    fields = notification("OLD-1", child=Child(pseudonym=CHILD_MARK, age_years=6), notified_on=date(2016, 3, 3))
    review_id = legacy.open_review(chair("durham"), board_id="durham", **fields).id
    legacy.act_on_review(chair("durham"), CaseReview.close, review_id, on=date(2017, 11, 15), reason=CLOSE_MARK)
    legacy.close()
    settings = settings_for(database_url, tmp_path, write_master_key(tmp_path / "master.key"))
    with TestClient(create_app(settings)) as client:
        before = client.get(f"/reviews/{review_id}", params={"min_position": 3}, headers=bearer(Role.BOARD_CHAIR))
        disposed = post(client, f"/reviews/{review_id}/dispose", {"on": london_today().isoformat(), "rationale": "Due"})
        after = client.get(
            f"/reviews/{review_id}", params={"min_position": disposed["position"]}, headers=bearer(Role.BOARD_CHAIR)
        )
        history = client.get(f"/reviews/{review_id}/history", headers=bearer(Role.BOARD_CHAIR)).json()
    assert before.json()["child_pseudonym"] == CHILD_MARK  # old events keep their meaning
    assert after.json()["child_pseudonym"] == Withheld.DISPOSED.value
    assert CHILD_MARK not in str(history)
    assert CLOSE_MARK not in str(history)
    assert [row["type"] for row in history] == ["Notified", "Closed", "Disposed"]
    # What an upgraded store cannot dispose of: the old events' own bytes, immutable and hashed in the log.
    assert CHILD_MARK.encode() in stored_event_bytes(database_url)
    use_settings(monkeypatch, settings)
    assert main(["projections", "rebuild"]) == 0  # from position 0: the old plaintext is not copied again
    db = Database(database_url)
    try:
        with db.transaction(read_only=True) as cursor:
            cursor.execute("SELECT child_pseudonym, children FROM case_status_reviews")
            rows = cursor.fetchall()
    finally:
        db.close()
    assert CHILD_MARK not in str(rows)
