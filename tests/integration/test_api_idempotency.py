"""Idempotency keys in the store's own database: reserve, complete, replay, refuse."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from projections.storage import Database
from service import idempotency
from service.api.problems import ApiProblem

PRINT = idempotency.fingerprint("POST", "/reviews", "u", {"case_ref": "A"})


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    with database.transaction() as cursor:
        idempotency.create_table(cursor)
    yield database
    database.close()


def test_a_completed_key_replays_its_first_answer(db: Database) -> None:
    reservation, replay = idempotency.reserve_or_replay(db, "u", "k", PRINT)
    assert reservation is not None
    assert replay is None
    reservation.complete(201, {"id": "x", "version": 1, "position": 7})
    assert idempotency.reserve_or_replay(db, "u", "k", PRINT) == (None, (201, {"id": "x", "version": 1, "position": 7}))


def test_a_key_whose_command_is_still_running_is_refused_with_409_in_progress(db: Database) -> None:
    idempotency.reserve_or_replay(db, "u", "k", PRINT)
    with pytest.raises(ApiProblem) as refused:
        idempotency.reserve_or_replay(db, "u", "k", PRINT)
    assert (refused.value.status, refused.value.code) == (409, "idempotency_key_in_progress")


def test_a_key_reused_for_another_request_is_refused_with_422(db: Database) -> None:
    idempotency.reserve_or_replay(db, "u", "k", PRINT)
    other = idempotency.fingerprint("POST", "/reviews", "u", {"case_ref": "B"})
    with pytest.raises(ApiProblem) as refused:
        idempotency.reserve_or_replay(db, "u", "k", other)
    assert (refused.value.status, refused.value.code) == (422, "idempotency_key_reused")


def test_a_released_key_can_be_used_again(db: Database) -> None:
    reservation, _ = idempotency.reserve_or_replay(db, "u", "k", PRINT)
    assert reservation is not None
    reservation.release()
    again, replay = idempotency.reserve_or_replay(db, "u", "k", PRINT)
    assert again is not None
    assert replay is None


def test_the_fingerprint_ignores_key_order_but_not_values_user_or_path() -> None:
    same = idempotency.fingerprint("POST", "/reviews", "u", {"b": 1, "a": 2})
    assert same == idempotency.fingerprint("POST", "/reviews", "u", {"a": 2, "b": 1})
    assert same != idempotency.fingerprint("POST", "/reviews", "v", {"a": 2, "b": 1})
    assert same != idempotency.fingerprint("POST", "/boards", "u", {"a": 2, "b": 1})
    assert same != idempotency.fingerprint("POST", "/reviews", "u", {"a": 3, "b": 1})
