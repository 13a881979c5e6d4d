"""The audit routes over HTTP (in-process): proofs verify independently, history carries leaf hashes, roles hold."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.review import CaseReview
from domain.values import RecommendationScope, Role
from projections.audit import tree
from projections.audit.checkpoints import generate_key_file, load_signing_key
from projections.audit.history import notifications_of
from projections.audit.leaves import event_leaf
from service.app import create_app
from service.application import open_application
from service.settings import Settings
from service.tokens import issue_token
from tests.builders import BOARD, ctx, record_every_event
from tests.unit.test_merkle_rfc9162 import rfc_verify_consistency, rfc_verify_inclusion

SECRET = "audit-api-test-secret-long-enough-for-hs256"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Any, Any]]:
    key = tmp_path / "key.pem"
    generate_key_file(key)
    app = open_application(database_url)
    review_id = record_every_event(app)
    app.close()
    settings = Settings(
        database_url=database_url, jwt_secret=SECRET, signing_key=key, data_dir=tmp_path, checkpoint_every_events=10
    )
    api = create_app(settings)
    with TestClient(api) as test_client:
        services = api.state.services
        services.engine.catch_up()
        yield test_client, review_id, services


def headers(role: Role, board: str | None = BOARD) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, user=f'{role}-user', role=role, board=board)}"}


def test_an_inclusion_proof_from_the_api_verifies_with_the_rfc_algorithm(client: tuple[TestClient, Any, Any]) -> None:
    http, _, _ = client
    latest = http.get("/audit/checkpoints/latest", headers=headers(Role.AUDITOR)).json()
    for position in (1, 5, latest["size"]):
        proof = http.get(f"/audit/proofs/inclusion?position={position}", headers=headers(Role.AUDITOR)).json()
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        root = bytes.fromhex(proof["checkpoint"]["root_hash"])
        leaf = bytes.fromhex(proof["leaf_hash"])
        assert rfc_verify_inclusion(proof["leaf_index"], latest["size"], leaf, path, root)


def test_a_consistency_proof_between_two_checkpoints_verifies_with_the_rfc_algorithm(
    client: tuple[TestClient, Any, Any], tmp_path: Path
) -> None:
    http, _, _ = client
    http, review_id, services = client
    first = http.get("/audit/checkpoints/latest", headers=headers(Role.AUDITOR)).json()
    services.app.act_on_review(
        ctx(), CaseReview.make_recommendation, review_id, ref="R2", text="t", scope=RecommendationScope.LOCAL
    )
    services.engine.catch_up()
    with services.db.transaction() as cursor:
        tree.checkpoint_now(cursor, load_signing_key(services.settings), tmp_path)
    latest = http.get("/audit/checkpoints/latest", headers=headers(Role.AUDITOR)).json()
    assert latest["size"] == first["size"] + 1
    proof = http.get(
        f"/audit/proofs/consistency?from={first['size']}&to={latest['size']}", headers=headers(Role.AUDITOR)
    ).json()
    assert rfc_verify_consistency(
        first["size"],
        latest["size"],
        bytes.fromhex(first["root_hash"]),
        bytes.fromhex(latest["root_hash"]),
        [bytes.fromhex(h) for h in proof["consistency_path"]],
    )


def test_verification_over_http_reports_a_clean_log_to_an_auditor(client: tuple[TestClient, Any, Any]) -> None:
    http, _, _ = client
    report = http.get("/audit/verify", headers=headers(Role.AUDITOR)).json()
    assert report["verified"] is True
    assert report["events_checked"] == report["events_verified"] + report["not_yet_checkpointed"]
    assert http.get("/audit/verify", headers=headers(Role.BOARD_MANAGER)).status_code == 403


def test_a_review_history_gives_each_event_its_leaf_hash(
    client: tuple[TestClient, Any, Any], database_url: str
) -> None:
    http, review_id, _ = client
    rows = http.get(f"/reviews/{review_id}/history", headers=headers(Role.AUDITOR)).json()
    app = open_application(database_url)
    stored = notifications_of(app, review_id)  # type: ignore[arg-type]
    app.close()
    assert [row["version"] for row in rows] == list(range(1, len(stored) + 1))
    assert [row["hash"] for row in rows] == [
        event_leaf(n.id, n.originator_id, n.originator_version, n.topic, n.state).hex() for n in stored
    ]
    assert rows[1]["type"] == "InitiationDecided"
    assert rows[1]["rationale"]


def test_history_is_for_the_boards_auditor_and_chair_never_the_national_panel(
    client: tuple[TestClient, Any, Any],
) -> None:
    http, review_id, _ = client
    assert http.get(f"/reviews/{review_id}/history", headers=headers(Role.BOARD_CHAIR)).status_code == 200
    assert http.get(f"/reviews/{review_id}/history", headers=headers(Role.NATIONAL_PANEL, None)).status_code == 403
    assert http.get(f"/reviews/{review_id}/history", headers=headers(Role.AUDITOR, "durham")).status_code == 404


def test_a_proof_against_a_size_never_signed_is_not_found(client: tuple[TestClient, Any, Any]) -> None:
    http, _, _ = client
    answer = http.get("/audit/proofs/inclusion?position=1&size=999999", headers=headers(Role.AUDITOR))
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
