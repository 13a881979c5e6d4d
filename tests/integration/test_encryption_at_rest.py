"""Personal fields are stored sealed with the review's data key; the board reads them; without the master key
the service serves everything else and says why."""

from __future__ import annotations

import stat
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from domain.personal_data import Withheld
from domain.values import Role
from projections import data_keys
from projections.data_keys import open_data_keys
from projections.master_key import load_master_key
from service.app import create_app
from service.settings import Settings
from tests.e2e.bodies import notification
from tests.integration.personal_data_support import (
    CHILD_MARK,
    CLOSE_MARK,
    COST_MARK,
    DESCRIPTION_MARK,
    HOLD_MARK,
    MARKERS,
    SECRET,
    SIBLING_MARK,
    bearer,
    seed_closed_review,
    settings_for,
    stored_event_bytes,
    write_master_key,
)


def test_the_stored_events_hold_no_child_detail_or_free_text_and_the_board_reads_them(
    database_url: str, tmp_path: Path
) -> None:
    key = write_master_key(tmp_path / "master.key")
    with TestClient(create_app(settings_for(database_url, tmp_path, key))) as client:
        seeded = seed_closed_review(client)
        review = client.get(
            f"/reviews/{seeded.review_id}", params={"min_position": seeded.position}, headers=bearer(Role.BOARD_CHAIR)
        ).json()
        history = client.get(f"/reviews/{seeded.review_id}/history", headers=bearer(Role.BOARD_CHAIR)).json()
    stored = stored_event_bytes(database_url)
    assert [marker for marker in MARKERS if marker.encode() in stored] == []
    assert b'"sealed":{"fields"' in stored
    assert review["child_pseudonym"] == CHILD_MARK
    assert [child["pseudonym"] for child in review["children"]] == [CHILD_MARK, SIBLING_MARK]
    notified = next(row for row in history if row["type"] == "Notified")
    assert DESCRIPTION_MARK in str(notified)
    assert CHILD_MARK in str(notified)
    assert any(CLOSE_MARK in str(row) for row in history)


def test_without_the_master_key_the_service_serves_everything_but_personal_fields_and_says_why(
    database_url: str, tmp_path: Path
) -> None:
    key = write_master_key(tmp_path / "master.key")
    with TestClient(create_app(settings_for(database_url, tmp_path, key))) as client:
        seeded = seed_closed_review(client)
    missing = tmp_path / "elsewhere" / "master.key"
    with TestClient(create_app(settings_for(database_url, tmp_path, missing))) as client:
        chair = bearer(Role.BOARD_CHAIR)
        review = client.get(f"/reviews/{seeded.review_id}", params={"min_position": seeded.position}, headers=chair)
        listed = client.get("/reviews", headers=chair)
        history = client.get(f"/reviews/{seeded.review_id}/history", headers=chair)
        ledger = client.get(f"/ledger/reviews/{seeded.review_id}", headers=chair)
        refused = client.post("/reviews", json=notification("ENC-2"), headers=chair)
    assert (review.status_code, listed.status_code, history.status_code, ledger.status_code) == (200, 200, 200, 200)
    row = review.json()
    assert row["stage"] == "closed"
    assert row["closed_on"] == "2017-11-15"
    assert row["child_pseudonym"] == Withheld.NO_MASTER_KEY.value
    assert {child["pseudonym"] for child in row["children"]} == {Withheld.NO_MASTER_KEY.value}
    assert [hold.get("reference") for hold in row["active_legal_holds"]] == []
    assert len(history.json()) == 5
    assert CLOSE_MARK not in history.text
    assert Withheld.NO_MASTER_KEY.value in history.text
    assert COST_MARK not in ledger.text
    assert HOLD_MARK not in listed.text
    assert refused.status_code == 503
    assert refused.json()["code"] == "personal_data_unavailable"
    assert str(missing) in refused.json()["detail"]
    # The key back: the board sees the details again.
    with TestClient(create_app(settings_for(database_url, tmp_path, key))) as client:
        row = client.get(f"/reviews/{seeded.review_id}", headers=bearer(Role.BOARD_CHAIR)).json()
    assert row["child_pseudonym"] == CHILD_MARK


def test_another_master_key_opens_nothing_and_says_so(database_url: str, tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(database_url, tmp_path, write_master_key(tmp_path / "a.key")))) as client:
        seeded = seed_closed_review(client)
    other = write_master_key(tmp_path / "b.key")
    with TestClient(create_app(settings_for(database_url, tmp_path, other))) as client:
        history = client.get(f"/reviews/{seeded.review_id}/history", headers=bearer(Role.BOARD_CHAIR))
    assert history.status_code == 200
    assert Withheld.WRONG_MASTER_KEY.value in history.text
    assert CHILD_MARK not in history.text


def test_the_embedded_store_makes_its_own_master_key_0600_in_a_0700_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCR_MASTER_KEY")
    loaded = load_master_key(f"sqlite:///{tmp_path / 'var' / 'scr.sqlite3'}")
    path = tmp_path / "var" / "secrets" / "master-key"
    assert loaded.cipher is not None
    assert loaded.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_master_key(f"sqlite:///{tmp_path / 'var' / 'scr.sqlite3'}").fingerprint == loaded.fingerprint


def test_postgresql_refuses_to_start_without_a_master_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCR_MASTER_KEY")
    with pytest.raises(ValueError, match="SCR_MASTER_KEY must name the master key file"):
        Settings(database_url="postgresql://postgres@127.0.0.1/test", jwt_secret=SECRET)


def test_a_master_key_readable_by_others_or_not_a_key_is_refused(tmp_path: Path) -> None:
    loose = write_master_key(tmp_path / "loose.key")
    loose.chmod(0o644)
    with pytest.raises(ValueError, match="readable by others"):
        load_master_key(f"sqlite:///{tmp_path / 'scr.sqlite3'}", loose)
    short = tmp_path / "short.key"
    short.write_text("c2hvcnQ=\n")
    short.chmod(0o600)
    with pytest.raises(ValueError, match="32 random bytes"):
        load_master_key(f"sqlite:///{tmp_path / 'scr.sqlite3'}", short)


def test_unwrapped_keys_are_kept_only_for_their_seconds_however_many_reviews_are_read(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = open_data_keys(database_url, write_master_key(tmp_path / "master.key"))
    try:
        made = [keys.for_sealing(uuid4(), new=True) for _ in range(50)]
        assert len(keys._cache) == len(made)  # within KEY_CACHE_SECONDS every key is kept
        monkeypatch.setattr(data_keys, "KEY_CACHE_SECONDS", 0.0)
        keys.for_sealing(uuid4(), new=True)
        assert len(keys._cache) == 1  # the expired ones went as the next was kept, never looked up again
    finally:
        keys.db.close()
