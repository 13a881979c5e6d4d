"""Idempotency keys in the store's own database: reserve, complete, replay, refuse, scope, recover."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.values import Actor, Role
from projections.storage import Database
from service import idempotency
from service.api.problems import ApiProblem

PRINT = idempotency.fingerprint("POST", "/reviews", "u", {"case_ref": "A"})
CHAIR = idempotency.Claimant.of(Actor(user="u", role=Role.BOARD_CHAIR, board="durham"))
STALE = 30.0
ANSWER = {"id": "x", "version": 1, "position": 7}


def never_recorded(correlation_id: UUID, after: int) -> None:
    return None


def attempt(fingerprint: str = PRINT) -> idempotency.Attempt:
    return idempotency.Attempt(key="k", fingerprint=fingerprint, correlation_id=uuid4(), log_head=0)


def reserve(
    db: Database,
    claimant: idempotency.Claimant = CHAIR,
    fingerprint: str = PRINT,
    *,
    now: float = 1000.0,
    recovery: Any = never_recorded,
) -> tuple[idempotency.Reservation | None, idempotency.Answer | None]:
    return idempotency.reserve_or_replay(
        db, claimant, attempt(fingerprint), stale_after=STALE, recovery=recovery, now=lambda: now
    )


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    with database.transaction() as cursor:
        idempotency.create_table(cursor)
    yield database
    database.close()


def test_a_completed_key_replays_its_first_answer(db: Database) -> None:
    reservation, replay = reserve(db)
    assert reservation is not None
    assert replay is None
    reservation.complete(201, ANSWER)
    assert reserve(db) == (None, (201, ANSWER))


def test_a_key_whose_command_is_still_running_is_refused_with_409_in_progress(db: Database) -> None:
    reserve(db)
    with pytest.raises(ApiProblem) as refused:
        reserve(db, now=1000.0 + STALE - 1)
    assert (refused.value.status, refused.value.code) == (409, "idempotency_key_in_progress")


def test_a_key_reused_for_another_request_is_refused_with_422(db: Database) -> None:
    reserve(db)
    other = idempotency.fingerprint("POST", "/reviews", "u", {"case_ref": "B"})
    with pytest.raises(ApiProblem) as refused:
        reserve(db, fingerprint=other)
    assert (refused.value.status, refused.value.code) == (422, "idempotency_key_reused")


def test_a_released_key_can_be_used_again(db: Database) -> None:
    reservation, _ = reserve(db)
    assert reservation is not None
    reservation.release()
    again, replay = reserve(db)
    assert again is not None
    assert replay is None


def test_the_same_user_in_another_role_or_board_holds_its_own_key(db: Database) -> None:
    first, _ = reserve(db)
    assert first is not None
    first.complete(201, ANSWER)
    for actor in (
        Actor(user="u", role=Role.AUDITOR, board="durham"),
        Actor(user="u", role=Role.BOARD_CHAIR, board="leeds"),
        Actor(user="u", role=Role.AGENCY_LEAD, board="durham", agency="police"),
    ):
        reservation, replay = reserve(db, idempotency.Claimant.of(actor))
        assert replay is None
        assert reservation is not None


def test_a_key_left_in_progress_by_a_dead_process_is_taken_over_once_stale_if_nothing_was_recorded(
    db: Database,
) -> None:
    reserve(db)  # the process dies: neither completed nor released
    reservation, replay = reserve(db, now=1000.0 + STALE + 1)
    assert replay is None
    assert reservation is not None
    reservation.complete(200, ANSWER)
    assert reserve(db, now=1000.0 + STALE + 2) == (None, (200, ANSWER))


def test_a_key_left_in_progress_whose_command_was_recorded_replays_the_recorded_answer(db: Database) -> None:
    first = attempt()
    idempotency.reserve_or_replay(db, CHAIR, first, stale_after=STALE, recovery=never_recorded, now=lambda: 1000.0)
    searched: list[tuple[UUID, int]] = []

    def recorded(correlation_id: UUID, after: int) -> idempotency.Answer:
        searched.append((correlation_id, after))
        return 201, ANSWER

    assert reserve(db, now=1000.0 + STALE + 1, recovery=recorded) == (None, (201, ANSWER))
    assert searched == [(first.correlation_id, 0)]
    assert reserve(db, now=1000.0 + STALE + 2) == (None, (201, ANSWER))


def test_the_fingerprint_ignores_key_order_but_not_values_user_or_path() -> None:
    same = idempotency.fingerprint("POST", "/reviews", "u", {"b": 1, "a": 2})
    assert same == idempotency.fingerprint("POST", "/reviews", "u", {"a": 2, "b": 1})
    assert same != idempotency.fingerprint("POST", "/reviews", "v", {"a": 2, "b": 1})
    assert same != idempotency.fingerprint("POST", "/boards", "u", {"a": 2, "b": 1})
    assert same != idempotency.fingerprint("POST", "/reviews", "u", {"a": 3, "b": 1})
