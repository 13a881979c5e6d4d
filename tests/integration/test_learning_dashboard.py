"""The learning and reporting pages on the demo data, as every role that can open them (and the timeliness page
as every board role: it answered 500 for a board with nothing to stack)."""

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
from tests.integration.test_api_service import SECRET, settings_for

PAGES = (
    "/dashboard/search?q=fathers",
    "/dashboard/search?theme=working_with_fathers",
    "/dashboard/search",
    "/dashboard/dissemination",
    "/dashboard/statistics?year=2013-14",
    "/dashboard/statistics",
    "/dashboard/annual-report?year=2013-14",
    "/dashboard/annual-report?year=2013-14&board=coventry",
    "/dashboard/annual-report/csv/themes?year=2013-14&board=coventry",
    "/dashboard/statistics/csv/dfe?year=2013-14",
    "/dashboard/timeliness",
)
ROLES = [
    (Role.NATIONAL_PANEL, None),
    (Role.BOARD_CHAIR, "coventry"),
    (Role.BOARD_MANAGER, "durham"),
    (Role.AUDITOR, "bradford"),
    (Role.AGENCY_LEAD, "coventry"),
    (Role.ADMIN, None),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("learning-dashboard")
    url = f"sqlite:///{tmp / 'scr.sqlite3'}"
    app = open_application(url)
    load_demo(app)
    app.close()
    with TestClient(create_app(settings_for(url, tmp)), raise_server_exceptions=False) as found:
        yield found


def cookie(role: Role, board: str | None) -> dict[str, str]:
    agency = "health" if role is Role.AGENCY_LEAD else None
    return {"Cookie": f"{COOKIE}={issue_token(SECRET, user='u', role=role, board=board, agency=agency)}"}


@pytest.mark.parametrize(("role", "board"), ROLES, ids=lambda value: str(value))
def test_every_learning_page_answers_each_role_without_a_server_error(
    client: TestClient, role: Role, board: str | None
) -> None:
    for page in PAGES:
        response = client.get(page, headers=cookie(role, board), follow_redirects=False)
        assert response.status_code < 500, (page, response.status_code)
        assert response.status_code in (200, 403, 404), (page, response.status_code)


def test_the_panel_finds_the_fathers_finding_with_its_match_highlighted(client: TestClient) -> None:
    page = client.get("/dashboard/search?q=fathers", headers=cookie(Role.NATIONAL_PANEL, None))
    assert page.status_code == 200
    assert "<mark>father" in page.text
    assert "BSCB-2006-HD" in page.text


def test_the_annual_report_prints_every_table_of_the_boards_year(client: TestClient) -> None:
    page = client.get("/dashboard/annual-report?year=2013-14", headers=cookie(Role.BOARD_CHAIR, "coventry"))
    assert page.status_code == 200
    assert '<style media="print">' in page.text
    for table in ("reviews", "timeliness", "costs", "actions", "themes", "dissemination"):
        assert f'id="table-{table}"' in page.text
    assert "CLSCB-2012-01" in page.text


def test_the_timeliness_page_of_each_board_role_answers(client: TestClient) -> None:
    for role in (Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.AUDITOR):
        for board in ("durham", "coventry", "birmingham", "bradford"):
            response = client.get("/dashboard/timeliness", headers=cookie(role, board))
            assert response.status_code == 200, (role, board)
