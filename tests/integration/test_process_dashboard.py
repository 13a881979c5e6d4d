"""The review page shows the facts of DOMAIN.md section 8 in words, on the demo data: every child of a
notification for the board, none for the Panel; a subsumed review's deadlines not applicable; HD's revision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from service.app import create_app
from service.application import open_application
from service.cli.demo_data import load_demo
from service.dashboard.session import COOKIE
from service.tokens import issue_token
from tests.integration.test_api_service import SECRET, bearer, settings_for


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, object]]:
    tmp = tmp_path_factory.mktemp("process-dashboard")
    url = f"sqlite:///{tmp / 'scr.sqlite3'}"
    app = open_application(url)
    load_demo(app)
    head = app.recorder.max_notification_id()
    with TestClient(create_app(settings_for(url, tmp))) as client:
        # The pages read the read models: wait until they have caught up with the demo
        caught_up = client.get(f"/reviews?min_position={head}", headers=bearer(Role.NATIONAL_PANEL))
        assert caught_up.status_code == 200
        yield client, app
    app.close()


def page(client: TestClient, app: object, board: str, case_ref: str, role: Role, reader_board: str | None) -> str:
    review = app.review_id(board, case_ref)  # type: ignore[attr-defined]
    token = issue_token(SECRET, user="u", role=role, board=reader_board)
    response = client.get(f"/dashboard/reviews/{review}", headers={"Cookie": f"{COOKIE}={token}"})
    assert response.status_code == 200, response.text
    return response.text


def test_every_child_of_a_notification_is_shown_to_the_board_and_none_to_the_panel(
    demo: tuple[TestClient, object],
) -> None:
    client, app = demo
    board = page(client, app, "durham", "DSCP-A", Role.BOARD_CHAIR, "durham")
    assert "Children named" in board
    assert "Child A2" in board
    panel = page(client, app, "durham", "DSCP-A", Role.NATIONAL_PANEL, None)
    assert "Child A2" not in panel
    assert "Children named" not in panel


def test_a_subsumed_review_says_its_deadlines_no_longer_apply(demo: tuple[TestClient, object]) -> None:
    client, app = demo
    text = page(client, app, "durham", "DSCP-I", Role.BOARD_MANAGER, "durham")
    assert "Subsumed: its open deadlines no longer apply" in text
    assert "Subsumed into" in text
    assert "Not applicable" in text


def test_bradford_hds_ofsted_evaluation_and_re_submission_are_shown(demo: tuple[TestClient, object]) -> None:
    client, app = demo
    text = page(client, app, "bradford", "BSCB-2006-HD", Role.AUDITOR, "bradford")
    assert "Inadequate (Ofsted, 4 September 2008)" in text
    assert "received 27 February 2009, accepted 27 February 2009" in text


def test_a_withdrawn_report_is_shown_with_its_reason(demo: tuple[TestClient, object]) -> None:
    client, app = demo
    text = page(client, app, "durham", "DSCP-H", Role.BOARD_CHAIR, "durham")
    assert "Court order" in text
