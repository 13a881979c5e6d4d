"""Idempotency-Key scope and recovery (issue 14): a key is the user's in one role and board, a replay answers
only a role that may send the command, and a key left in progress by a dead process is resolved."""

from __future__ import annotations

import time
from typing import Any
from uuid import uuid4

from domain.values import Actor, Role
from service import idempotency
from service.api import schemas as s
from service.tokens import issue_token
from tests.e2e.bodies import body, notification
from tests.e2e.server import SECRET
from tests.hostile.conftest import Target, bearer

SHARED_USER = "shared-sub@example.org"


def as_shared_user(role: Role, board: str | None) -> dict[str, str]:
    """A token with the same `sub` as the others, in its own role and board."""
    return {"Authorization": f"Bearer {issue_token(SECRET, user=SHARED_USER, role=role, board=board)}"}


def test_the_same_sub_in_another_board_or_role_is_checked_and_recorded_on_its_own_merit(target: Target) -> None:
    target.ok("/boards", {**body("boards"), "board_id": "leeds", "name": "Leeds SCP"}, Role.ADMIN)
    case = f"SCOPE-{uuid4().hex[:8]}"
    key = {"Idempotency-Key": f"scope-{case}"}
    durham = target.client.post(
        "/reviews", json=notification(case), headers={**as_shared_user(Role.BOARD_CHAIR, "durham"), **key}
    )
    assert durham.status_code == 201, durham.text

    head = target.head()
    auditor = target.client.post(
        "/reviews", json=notification(case), headers={**as_shared_user(Role.AUDITOR, "durham"), **key}
    )
    assert auditor.status_code == 403, auditor.text
    assert "Idempotent-Replayed" not in auditor.headers
    assert target.head() == head

    leeds = target.client.post(
        "/reviews", json=notification(case), headers={**as_shared_user(Role.BOARD_CHAIR, "leeds"), **key}
    )
    assert leeds.status_code == 201, leeds.text
    assert "Idempotent-Replayed" not in leeds.headers
    assert leeds.json()["id"] != durham.json()["id"]  # leeds's own notification, recorded

    again = target.client.post(
        "/reviews", json=notification(case), headers={**as_shared_user(Role.BOARD_CHAIR, "durham"), **key}
    )
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (201, durham.json(), "true")


def _dead_reservation(target: Target, path: str, payload: dict[str, Any], key: str, role: Role) -> None:
    """What a process that died mid-command leaves: the key reserved long ago, never completed or released."""
    actor = _actor(role)
    parsed = s.RecordStaffTime.model_validate(payload).model_dump(mode="json")
    idempotency.reserve_or_replay(
        target.services.db,
        idempotency.Claimant.of(actor),
        idempotency.Attempt(
            key=key,
            fingerprint=idempotency.fingerprint("POST", path, actor.user, parsed),
            correlation_id=uuid4(),
            log_head=target.head(),
        ),
        stale_after=30,
        recovery=lambda *_: None,
        now=lambda: time.time() - 120,
    )


def _actor(role: Role) -> Actor:
    """The actor of tests.e2e.server.token(role) on durham."""
    return Actor(user=f"{role}@durham", role=role, board="durham")


def test_a_key_left_in_progress_by_a_dead_process_is_released_after_the_bound_and_the_retry_completes(
    target: Target,
) -> None:
    path = f"/reviews/{target.ids['review_id']}/staff-time"
    payload = body("staff-time", agency=f"dead-{uuid4().hex[:6]}")
    key = f"dead-{uuid4().hex}"
    _dead_reservation(target, path, payload, key, Role.BOARD_MANAGER)
    head = target.head()

    retry = target.client.post(path, json=payload, headers={**bearer(Role.BOARD_MANAGER), "Idempotency-Key": key})

    assert retry.status_code == 200, retry.text
    assert retry.json()["position"] > head
    replay = target.client.post(path, json=payload, headers={**bearer(Role.BOARD_MANAGER), "Idempotency-Key": key})
    assert replay.json() == retry.json()
    assert replay.headers["Idempotent-Replayed"] == "true"


def test_a_key_whose_command_was_recorded_before_its_process_died_replays_the_recorded_answer(
    target: Target,
) -> None:
    path = f"/reviews/{target.ids['review_id']}/legal-holds"
    key = f"recorded-{uuid4().hex}"
    headers = {**bearer(Role.BOARD_CHAIR), "Idempotency-Key": key, "X-Request-ID": str(uuid4())}
    first = target.client.post(path, json=body("legal-holds"), headers=headers)
    assert first.status_code == 201, first.text
    # The process died after recording the hold but before storing its answer:
    with target.services.db.transaction() as cursor:
        cursor.execute(
            "UPDATE scr_idempotency_keys SET status = NULL, response = NULL, reserved_at = %s "
            "WHERE idempotency_key = %s",
            (time.time() - 120, key),
        )
    head = target.head()

    retry = target.client.post(path, json=body("legal-holds"), headers={**headers, "X-Request-ID": str(uuid4())})

    assert retry.status_code == 201, retry.text
    assert retry.json() == first.json()  # the same id, version, position and hold_id
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert target.head() == head  # nothing recorded twice


def test_a_key_in_progress_within_the_bound_is_still_refused_with_409(target: Target) -> None:
    path = f"/reviews/{target.ids['review_id']}/staff-time"
    payload = body("staff-time", agency=f"busy-{uuid4().hex[:6]}")
    key = f"busy-{uuid4().hex}"
    actor = _actor(Role.BOARD_MANAGER)
    parsed = s.RecordStaffTime.model_validate(payload).model_dump(mode="json")
    idempotency.reserve_or_replay(
        target.services.db,
        idempotency.Claimant.of(actor),
        idempotency.Attempt(key, idempotency.fingerprint("POST", path, actor.user, parsed), uuid4(), target.head()),
        stale_after=30,
        recovery=lambda *_: None,
    )
    busy = target.client.post(path, json=payload, headers={**bearer(Role.BOARD_MANAGER), "Idempotency-Key": key})
    assert (busy.status_code, busy.json()["code"]) == (409, "idempotency_key_in_progress")
