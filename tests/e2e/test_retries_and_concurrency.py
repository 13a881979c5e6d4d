"""If-Match optimistic concurrency and Idempotency-Key retries, including across a service restart."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain.values import Role
from tests.e2e.bodies import body, notification
from tests.e2e.server import Server


@dataclass
class Records:
    server: Server
    review_id: str
    action_id: str
    position: int  # of the fixture's last command: reads wait for it


@pytest.fixture(scope="module")
def records(server: Server) -> Records:
    """An initiated review with a recommendation and a learning action."""
    manager = server.client(Role.BOARD_MANAGER)
    rid = manager.ok("/reviews", notification("RETRY-1"))["id"]
    server.client(Role.BOARD_CHAIR).ok(f"/reviews/{rid}/initiation-decision", body("initiation-decision"))
    manager.ok(f"/reviews/{rid}/recommendations", body("recommendations"))
    action = manager.ok("/learning-actions", body("learning-actions", review_id=rid))
    return Records(server, rid, action["action_id"], action["position"])


def etag_of(records: Records, path: str, position: int = 0) -> str:
    wait_for = max(position, records.position)
    response = records.server.client(Role.BOARD_MANAGER).get(path, params={"min_position": wait_for})
    assert response.status_code == 200
    return response.headers["ETag"]


def test_a_command_with_the_version_last_read_is_recorded_and_a_second_with_it_is_refused(records: Records) -> None:
    manager = records.server.client(Role.BOARD_MANAGER)
    path = f"/reviews/{records.review_id}"
    etag = etag_of(records, path)
    first = manager.post(path + "/staff-time", json=body("staff-time"), headers={"If-Match": etag})
    assert first.status_code == 200
    assert first.json()["version"] == int(etag.strip('"')) + 1
    second = manager.post(path + "/staff-time", json=body("staff-time"), headers={"If-Match": etag})
    assert (second.status_code, second.json()["code"]) == (412, "version_conflict")
    assert etag_of(records, path, first.json()["position"]) == f'"{first.json()["version"]}"'


def test_a_learning_action_answers_412_to_a_stale_if_match_and_records_nothing(records: Records) -> None:
    lead = records.server.client(Role.AGENCY_LEAD)
    path = f"/learning-actions/{records.action_id}"
    etag = etag_of(records, path)
    first = lead.post(path + "/progress", json=body("progress"), headers={"If-Match": etag})
    assert first.status_code == 200
    stale = lead.post(path + "/progress", json=body("progress", rag="red"), headers={"If-Match": etag})
    assert (stale.status_code, stale.json()["code"]) == (412, "version_conflict")
    assert etag_of(records, path, first.json()["position"]) == f'"{int(etag.strip(chr(34))) + 1}"'


def test_if_match_star_accepts_any_version(records: Records) -> None:
    manager = records.server.client(Role.BOARD_MANAGER)
    response = manager.post(
        f"/reviews/{records.review_id}/staff-time", json=body("staff-time"), headers={"If-Match": "*"}
    )
    assert response.status_code == 200


def test_a_retry_after_a_restart_answers_the_first_response_and_records_nothing_more(records: Records) -> None:
    manager = records.server.client(Role.BOARD_MANAGER)
    path = f"/reviews/{records.review_id}/legal-holds"
    headers = {"Idempotency-Key": "hold-retry-1"}
    first = manager.post(path, json=body("legal-holds"), headers=headers)
    assert first.status_code == 201
    records.server.restart()
    retry = records.server.client(Role.BOARD_MANAGER).post(path, json=body("legal-holds"), headers=headers)
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert retry.headers["Idempotent-Replayed"] == "true"
    review = records.server.client(Role.BOARD_MANAGER).get(
        f"/reviews/{records.review_id}", params={"min_position": first.json()["position"]}
    )
    assert [hold["hold_id"] for hold in review.json()["active_legal_holds"]] == [first.json()["hold_id"]]
    assert review.json()["version"] == first.json()["version"]


def test_the_same_key_with_another_body_is_refused_with_422(records: Records) -> None:
    manager = records.server.client(Role.BOARD_MANAGER)
    path = f"/reviews/{records.review_id}/staff-time"
    headers = {"Idempotency-Key": "staff-1"}
    assert manager.post(path, json=body("staff-time"), headers=headers).status_code == 200
    other = manager.post(path, json=body("staff-time", hours="7"), headers=headers)
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")


def test_the_same_key_from_another_user_is_another_command(records: Records) -> None:
    path = f"/reviews/{records.review_id}/staff-time"
    headers = {"Idempotency-Key": "shared-key"}
    manager = records.server.client(Role.BOARD_MANAGER).post(path, json=body("staff-time"), headers=headers).json()
    chair = records.server.client(Role.BOARD_CHAIR).post(path, json=body("staff-time"), headers=headers).json()
    assert chair["version"] == manager["version"] + 1


def test_a_refused_command_does_not_hold_its_key(records: Records) -> None:
    manager = records.server.client(Role.BOARD_MANAGER)
    path = f"/reviews/{records.review_id}/staff-time"
    headers = {"Idempotency-Key": "refused-twice"}
    refused = manager.post(path, json=body("staff-time", on="2999-01-01"), headers=headers)
    assert refused.json()["code"] == "date_in_future"
    again = manager.post(path, json=body("staff-time", on="2999-01-01"), headers=headers)
    assert again.json()["code"] == "date_in_future"
    assert "Idempotent-Replayed" not in again.headers
