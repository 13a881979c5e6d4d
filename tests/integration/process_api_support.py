"""The HTTP steps the process tests share (DOMAIN.md section 8), on SQLite and PostgreSQL: a client that reads its
own writes, the `api` fixture (a registered board) and a review taken to each stage with tests/e2e/bodies.py's
values (notified 3 Mar 2016, initiated 10 Mar, accepted 1 Oct, published 15 Nov 2016)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from service.app import create_app
from service.application import open_application
from tests.builders import BOARD as BUILDERS_BOARD
from tests.builders import admin
from tests.e2e.bodies import body, notification
from tests.integration.test_api_service import bearer, settings_for
from tests.process_builders import record_corrected_siblings, record_reconsidered_and_republished, record_subsumed_cspr

BOARD = "durham"
CHAIR = bearer(Role.BOARD_CHAIR, BOARD)
MANAGER = bearer(Role.BOARD_MANAGER, BOARD)
PANEL = bearer(Role.NATIONAL_PANEL)
MET = {"abuse_or_neglect": True, "died": True, "seriously_harmed": False, "concern_about_joint_working": True}


class Api:
    """A test client that remembers the last position, so every read sees the writes before it."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.position = 0

    def post(self, path: str, payload: dict[str, Any], headers: dict[str, str] = CHAIR) -> dict[str, Any]:
        response = self.client.post(path, json=payload, headers=headers)
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        self.position = max(self.position, int(answer.get("position", 0)))
        return answer

    def refused(
        self, path: str, payload: dict[str, Any], status: int, code: str, headers: dict[str, str] = CHAIR
    ) -> Any:
        """A refused command: its status and code, and nothing recorded (the review's version is unchanged)."""
        review = path.split("/")[2] if path.startswith("/reviews/") else None
        before = self.get(f"/reviews/{review}")["version"] if review else None
        response = self.client.post(path, json=payload, headers=headers)
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
        if review:
            assert self.get(f"/reviews/{review}")["version"] == before
        return response.json()

    def get(self, path: str, headers: dict[str, str] = CHAIR, **params: Any) -> Any:
        response = self.client.get(path, params={**params, "min_position": self.position}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    def rules(self, review: str) -> dict[str, dict[str, Any]]:
        return {row["rule"]: row for row in self.get(f"/reviews/{review}/timeliness")}


@pytest.fixture(name="api")
def api_fixture(database_url: str, tmp_path: Path) -> Iterator[Api]:
    """A client of a fresh store with the board registered; import it as `api_fixture` (pytest names it `api`)."""
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        found = Api(client)
        found.post(
            "/boards", {"board_id": BOARD, "name": "Durham SCP", "local_authority": "Durham"}, bearer(Role.ADMIN)
        )
        yield found


def opened(api: Api, case_ref: str, regime: str = "scr-2015", **changes: Any) -> str:
    review: str = api.post("/reviews", {**notification(case_ref, regime), **changes})["id"]
    return review


def initiated(api: Api, case_ref: str, regime: str = "scr-2015", decision: str = "initiate") -> str:
    review = opened(api, case_ref, regime)
    if regime.startswith("cspr"):
        api.post(f"/reviews/{review}/rapid-review", body("rapid-review", completed_on="2016-03-08"))
    api.post(f"/reviews/{review}/initiation-decision", body("initiation-decision", decision=decision))
    return review


def run_to_acceptance(api: Api, review: str) -> None:
    """Terms of reference (20 Mar 2016), a lead reviewer (21 Mar), the draft (1 Aug) and acceptance (1 Oct)."""
    r = f"/reviews/{review}"
    for name in ("terms-of-reference", "reviewers", "draft", "accept"):
        api.post(f"{r}/{'report/' if name in ('draft', 'accept') else ''}{name}", body(name))


def accepted(api: Api, case_ref: str, regime: str = "scr-2015") -> str:
    review = initiated(api, case_ref, regime)
    run_to_acceptance(api, review)
    return review


def published(api: Api, case_ref: str, regime: str = "scr-2015", **publish: Any) -> str:
    review = accepted(api, case_ref, regime)
    r = f"/reviews/{review}"
    option = "full" if regime.startswith("scr") else "improvements_only"
    api.post(f"{r}/publication-decision", body("publication-decision", option=option))
    api.post(f"{r}/risk-assessment", body("risk-assessment"))
    api.post(f"{r}/family-impact-check", body("family-impact-check"))
    api.post(f"{r}/publish", body("publish", **publish))
    return review


@pytest.fixture(name="recorded")
def recorded_fixture(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """tests/process_builders.py's scenarios recorded through the application (on tests/builders.py's board), and a
    client that has waited for the read models to reach them; import it as `recorded_fixture`."""
    app = open_application(database_url)
    app.register_board(admin(), board_id=BUILDERS_BOARD, name="Birmingham SCB", local_authority="Birmingham")
    reviews = {
        "reconsidered": str(record_reconsidered_and_republished(app)),
        "subsumed": str(record_subsumed_cspr(app)),
        "siblings": str(record_corrected_siblings(app)),
    }
    head = app.recorder.max_notification_id()
    app.close()
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        assert client.get(f"/reviews?min_position={head}", headers=bearer(Role.NATIONAL_PANEL)).status_code == 200
        yield client, reviews
