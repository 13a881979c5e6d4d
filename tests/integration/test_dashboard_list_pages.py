"""The dashboard's reviews and learning actions pages show 100 rows a page (counts over every match), and
their CSV downloads stream every matching row with the same bytes as the whole table gave before."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.calendar import london_today
from domain.values import Actor, Role
from projections import case_status, learning_actions
from service.access import for_reader
from service.app import create_app
from service.application import open_application
from service.dashboard import pages
from service.dashboard.session import COOKIE
from service.dashboard.tables import REVIEW, Column, Table
from service.dashboard.views_reviews import ACTION_COLUMNS, _board_row, overdue_first, reviews_columns
from service.tokens import issue_token
from tests.conftest import postgres_schema_url
from tests.integration.test_api_list_pages import record_reviews
from tests.integration.test_api_service import SECRET, bearer, settings_for

PER_BOARD = 40  # 120 reviews: two pages for the Panel


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("dashboard-pages")
    urls = postgres_schema_url() if request.param == "postgres" else iter([f"sqlite:///{tmp / 'scr.sqlite3'}"])
    url = next(urls)
    app = open_application(url)
    record_reviews(app, PER_BOARD)
    head = app.recorder.max_notification_id()
    app.close()
    with TestClient(create_app(settings_for(url, tmp))) as running:
        running.get("/reviews", params={"min_position": head}, headers=bearer(Role.NATIONAL_PANEL)).raise_for_status()
        yield running
    next(urls, None)


def cookie(role: Role, board: str | None = None) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={issue_token(SECRET, user='u', role=role, board=board)}"}


def case_refs(html: str) -> list[str]:
    return re.findall(r'<a href="/dashboard/reviews/[0-9a-f-]+">([A-Z]{3}-\d\d)</a>', html)


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return None if found is None else found.group(1).replace("&amp;", "&")


def test_the_reviews_board_shows_100_a_page_with_counts_over_every_review_and_links_between_pages(
    client: TestClient,
) -> None:
    panel = cookie(Role.NATIONAL_PANEL)
    first = client.get("/dashboard/reviews", headers=panel)
    assert first.status_code == 200, first.text
    following = link(first.text, "next")
    assert following == "/dashboard/reviews?offset=100"
    second = client.get(following, headers=panel)

    assert len(case_refs(first.text)) == 100
    assert len(case_refs(second.text)) == 3 * PER_BOARD - 100
    assert link(second.text, "next") is None
    assert link(second.text, "prev") == "/dashboard/reviews"
    assert "120 reviews (1 to 100 on this page)" in first.text
    assert "120 reviews (101 to 120 on this page)" in second.text
    api = client.get("/reviews", params={"limit": 1000}, headers=bearer(Role.NATIONAL_PANEL)).json()
    assert case_refs(first.text) + case_refs(second.text) == [row["case_ref"] for row in api]
    overdue = sum(1 for row in api if row["overdue_rules"])
    assert re.search(rf'id="count-overdue">{overdue} with a deadline overdue', first.text)


def test_the_next_page_keeps_the_filters(client: TestClient) -> None:
    panel = cookie(Role.NATIONAL_PANEL)
    page = client.get("/dashboard/reviews", params={"stage": "notified", "overdue": "yes"}, headers=panel)
    api = client.get(
        "/reviews", params={"stage": "notified", "overdue": "true", "limit": 1000}, headers=bearer(Role.NATIONAL_PANEL)
    ).json()
    assert case_refs(page.text) == [row["case_ref"] for row in api]
    assert link(page.text, "next") is None  # 60 reviews: one page

    everything = client.get("/dashboard/reviews", params={"overdue": "yes"}, headers=panel)
    assert link(everything.text, "next") == "/dashboard/reviews?overdue=yes&offset=100"


def old_reviews_csv(client: TestClient, role: Role, board: str | None) -> bytes:
    """The reviews CSV as the dashboard built it before it streamed: the whole table, then its text."""
    services: Any = client.app.state.services  # type: ignore[attr-defined]
    actor = Actor(user="u", role=role, board=board)
    with services.db.transaction(read_only=True) as cursor:
        rows = case_status.list_reviews(cursor, today=london_today(), board_id=board)
    shown = [_board_row(for_reader(actor, row)) for row in rows]
    return ("\ufeff" + Table("reviews", "", reviews_columns(actor), shown).csv()).encode()


@pytest.mark.parametrize(("role", "board"), [(Role.NATIONAL_PANEL, None), (Role.BOARD_MANAGER, "coventry")])
def test_the_reviews_csv_streams_every_review_with_the_bytes_the_whole_table_gave(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, role: Role, board: str | None
) -> None:
    monkeypatch.setattr(pages, "BATCH_ROWS", 7)  # many batches, the last one short
    with client.stream("GET", "/dashboard/reviews/csv/reviews?offset=100", headers=cookie(role, board)) as answer:
        assert answer.status_code == 200
        chunks = list(answer.iter_raw())
    body = b"".join(chunks)

    assert body == old_reviews_csv(client, role, board)
    assert body.count(b"\r\n") == 1 + (3 * PER_BOARD if board is None else PER_BOARD)
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["cache-control"] == "no-store"


def test_the_actions_page_shows_overdue_first_across_pages_and_its_csv_streams_them_all(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = cookie(Role.NATIONAL_PANEL)
    services: Any = client.app.state.services  # type: ignore[attr-defined]
    with services.db.transaction(read_only=True) as cursor:
        every = overdue_first(learning_actions.list_actions(cursor, today=london_today()))
        refs = {row["review_id"]: row["case_ref"] for row in case_status.list_reviews(cursor, today=london_today())}
    assert len(every) == 3 * PER_BOARD  # two actions for each of the 20 initiated reviews of a board

    first = client.get("/dashboard/learning-actions", headers=panel)
    second = client.get(link(first.text, "next") or "", headers=panel)
    shown = case_refs(first.text) + case_refs(second.text)
    assert shown == [refs[row["review_id"]] for row in every]

    monkeypatch.setattr(pages, "BATCH_ROWS", 11)
    downloaded = client.get("/dashboard/learning-actions/csv/actions", headers=panel).content
    # As the page built it before: every action sorted overdue first in Python, each with its case reference.
    before = [{**row, "case_ref": refs[row["review_id"]]} for row in every]
    columns = [
        Column("board_id", "Board"),
        Column("case_ref", "Review", REVIEW),
        *ACTION_COLUMNS[:1],
        *ACTION_COLUMNS[2:],
    ]
    assert downloaded == ("\ufeff" + Table("actions", "", columns, before).csv()).encode()
    assert downloaded.count(b"\r\n") == 1 + len(every)


def test_another_boards_download_is_refused_before_any_byte(client: TestClient) -> None:
    refused = client.get("/dashboard/reviews/csv/reviews?board=durham", headers=cookie(Role.BOARD_MANAGER, "coventry"))
    assert refused.status_code == 403
    assert "text/html" in refused.headers["content-type"]


def test_the_timeliness_charts_read_lean_rows_holding_what_whole_rows_held(client: TestClient) -> None:
    services: Any = client.app.state.services  # type: ignore[attr-defined]
    keys = ("board_id", "decision", "decided_on", "accepted_on", "published_on")
    with services.db.transaction(read_only=True) as cursor:
        lean = case_status.decision_dates(cursor, today=london_today(), board_id="durham")
        whole = case_status.list_reviews(cursor, today=london_today(), board_id="durham")
    assert sorted(lean, key=str) == sorted(({key: row[key] for key in keys} for row in whole), key=str)
    assert {row["decision"] for row in lean} == {"initiate", None}
    assert client.get("/dashboard/timeliness", headers=cookie(Role.NATIONAL_PANEL)).status_code == 200
