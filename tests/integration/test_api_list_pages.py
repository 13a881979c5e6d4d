"""The list reads page (`limit`, `offset`, `X-Total-Count`, `Link: rel="next"`) and answer 304 to a current copy
(a weak ETag from the read model's position, the day and the reader's scope), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.review import CaseReview
from domain.values import RecommendationScope, Role
from service.app import create_app
from service.application import CaseReviews, open_application
from tests.builders import admin, ctx, initiate, notification
from tests.conftest import postgres_schema_url
from tests.e2e.bodies import body
from tests.integration.test_api_service import bearer, settings_for

PANEL = bearer(Role.NATIONAL_PANEL)


BOARDS = {
    "birmingham": "Birmingham City Council",
    "coventry": "Coventry City Council",
    "durham": "Durham County Council",
}


def record_reviews(app: CaseReviews, per_board: int = 7) -> None:
    """`per_board` reviews a board, notified in 2008 and never finished (deadlines overdue); the even ones
    initiated, each with a recommendation and two actions: the police's overdue, health's not yet due."""
    for board, authority in BOARDS.items():
        app.register_board(admin(), board_id=board, name=f"{board} board", local_authority=authority)
        for n in range(per_board):
            rid = app.open_review(ctx(board=board), board_id=board, **notification(f"{board[:3].upper()}-{n:02d}")).id
            if n % 2:
                continue
            initiate(app, rid, board=board, rationale="The criteria are met", decided_on=date(2008, 6, 20))
            app.act_on_review(
                ctx(board=board),
                CaseReview.make_recommendation,
                rid,
                ref="R1",
                text="Share",
                scope=RecommendationScope.LOCAL,
            )
            for agency, target in (("police", date(2020, 1, 1)), ("health", date(2099, 1, 1))):
                app.agree_action(
                    ctx(board=board),
                    review_id=rid,
                    recommendation_ref="R1",
                    text="Follow up",
                    lead_agency=agency,
                    owner="Lead",
                    target_on=target,
                    success_measure="Audited",
                )


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Three boards' reviews and actions behind the service, every read model caught up."""
    tmp = tmp_path_factory.mktemp("pages")
    urls = postgres_schema_url() if request.param == "postgres" else iter([f"sqlite:///{tmp / 'scr.sqlite3'}"])
    url = next(urls)
    app = open_application(url)
    record_reviews(app)
    head = app.recorder.max_notification_id()
    app.close()
    with TestClient(create_app(settings_for(url, tmp))) as running:
        running.get("/reviews", params={"min_position": head}, headers=PANEL).raise_for_status()
        yield running
    next(urls, None)


def every_page(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> list[list[dict[str, Any]]]:
    """Each page in turn, following the next links; checks every page's total."""
    pages, answer = [], client.get(path, params=params, headers=headers)
    total = int(answer.headers["X-Total-Count"])
    while True:
        assert answer.status_code == 200, answer.text
        assert int(answer.headers["X-Total-Count"]) == total
        pages.append(answer.json())
        link = answer.headers.get("Link")
        if link is None:
            return pages
        following = re.fullmatch(r'<([^>]+)>; rel="next"', link)
        assert following is not None, link
        answer = client.get(following.group(1), headers=headers)


@pytest.mark.parametrize("path", ["/reviews", "/learning-actions"])
def test_pages_follow_each_other_to_the_last_with_every_row_once_and_the_same_total(
    client: TestClient, path: str
) -> None:
    whole = client.get(path, params={"limit": 1000}, headers=PANEL)
    rows = whole.json()
    assert len(rows) > 5
    assert "Link" not in whole.headers
    assert int(whole.headers["X-Total-Count"]) == len(rows)

    pages = every_page(client, path, PANEL, limit=2)

    assert [len(page) for page in pages] == [2] * (len(rows) // 2) + ([len(rows) % 2] if len(rows) % 2 else [])
    assert [row for page in pages for row in page] == rows


def test_a_page_is_limit_rows_from_offset_of_the_whole_list_and_past_the_end_is_empty(client: TestClient) -> None:
    rows = client.get("/reviews", params={"limit": 1000}, headers=PANEL).json()

    middle = client.get("/reviews", params={"limit": 3, "offset": 2}, headers=PANEL)
    last = client.get("/reviews", params={"limit": 3, "offset": len(rows) - 3}, headers=PANEL)
    beyond = client.get("/reviews", params={"offset": len(rows) + 5}, headers=PANEL)

    assert middle.json() == rows[2:5]
    assert middle.headers["Link"] == '</reviews?limit=3&offset=5>; rel="next"'
    assert last.json() == rows[-3:]
    assert "Link" not in last.headers
    assert beyond.json() == []
    assert beyond.headers["X-Total-Count"] == str(len(rows))


def test_the_default_page_is_100_rows_and_a_limit_over_1000_or_under_1_is_refused_naming_it(
    client: TestClient,
) -> None:
    default = client.get("/reviews", headers=PANEL)
    assert default.status_code == 200
    assert len(default.json()) == min(100, int(default.headers["X-Total-Count"]))
    for path in ("/reviews", "/learning-actions"):
        for params in ({"limit": 1001}, {"limit": 0}, {"offset": -1}):
            refused = client.get(path, params=params, headers=PANEL)
            name = next(iter(params))
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == "validation_error"
            assert [error["field"] for error in refused.json()["errors"]] == [f"query.{name}"]
    assert client.get("/reviews", params={"limit": 1000}, headers=PANEL).status_code == 200


def test_filters_hold_on_every_page_and_the_next_link_keeps_them(client: TestClient) -> None:
    board = client.get("/reviews", params={"limit": 1}, headers=PANEL).json()[0]["board_id"]
    manager = bearer(Role.BOARD_MANAGER, board)
    filtered = client.get("/reviews", params={"limit": 1000, "overdue": "true"}, headers=manager).json()
    assert filtered
    assert all(row["board_id"] == board and row["overdue_rules"] for row in filtered)

    first = client.get("/reviews", params={"overdue": "true", "limit": 1}, headers=manager)
    pages = every_page(client, "/reviews", manager, overdue="true", limit=1)

    assert first.headers["X-Total-Count"] == str(len(filtered))
    if len(filtered) > 1:
        assert "overdue=true" in first.headers["Link"]
    assert [row for page in pages for row in page] == filtered
    actions = every_page(client, "/learning-actions", PANEL, status="overdue", limit=2)
    assert all(row["status"] == "overdue" for page in actions for row in page)


def test_a_board_role_never_pages_into_another_boards_rows(client: TestClient) -> None:
    boards = {row["board_id"] for row in client.get("/reviews", params={"limit": 1000}, headers=PANEL).json()}
    for board in boards:
        pages = every_page(client, "/reviews", bearer(Role.BOARD_MANAGER, board), limit=2)
        assert {row["board_id"] for page in pages for row in page} == {board}


def test_a_current_copy_gets_304_and_a_new_event_gets_a_fresh_200_with_another_tag(client: TestClient) -> None:
    first = client.get("/reviews", params={"limit": 5}, headers=PANEL)
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')

    again = client.get("/reviews", params={"limit": 5}, headers={**PANEL, "If-None-Match": tag})
    listed = client.get("/reviews", params={"limit": 5}, headers={**PANEL, "If-None-Match": f'"other", {tag}'})
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", tag)
    assert listed.status_code == 304
    assert again.headers["X-Projection-Position"]

    review = first.json()[0]
    manager = bearer(Role.BOARD_MANAGER, review["board_id"])
    recorded = client.post(f"/reviews/{review['review_id']}/staff-time", json=body("staff-time"), headers=manager)
    assert recorded.status_code == 200, recorded.text
    position = recorded.json()["position"]

    fresh = client.get(
        "/reviews", params={"limit": 5, "min_position": position}, headers={**PANEL, "If-None-Match": tag}
    )
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != tag
    assert fresh.json()[0]["version"] == review["version"] + 1
    current = client.get("/reviews", params={"limit": 5}, headers={**PANEL, "If-None-Match": fresh.headers["ETag"]})
    assert current.status_code == 304


def test_one_boards_tag_never_matches_another_boards_answer_nor_the_panels(client: TestClient) -> None:
    boards = sorted({row["board_id"] for row in client.get("/reviews", params={"limit": 1000}, headers=PANEL).json()})
    readers = [PANEL, *(bearer(Role.BOARD_MANAGER, board) for board in boards), bearer(Role.AUDITOR, boards[0])]
    for path in ("/reviews", "/learning-actions"):
        tags = [client.get(path, headers=reader).headers["ETag"] for reader in readers]
        assert len(set(tags)) == len(readers)
        for reader in readers:
            own = client.get(path, headers=reader).headers["ETag"]
            others = ", ".join(tag for tag in tags if tag != own)
            assert client.get(path, headers={**reader, "If-None-Match": others}).status_code == 200
            assert client.get(path, headers={**reader, "If-None-Match": own}).status_code == 304


def test_rows_are_the_same_json_the_response_models_gave(client: TestClient) -> None:
    """The rows now skip the second validation: what a client reads is unchanged, key for key."""
    from service.api.schemas import ActionRow, ReviewRow

    for path, model, exclude_unset in (("/reviews", ReviewRow, True), ("/learning-actions", ActionRow, False)):
        for reader in (PANEL, bearer(Role.BOARD_MANAGER, "durham")):
            rows = client.get(path, params={"limit": 1000}, headers=reader).json()
            assert rows
            assert rows == [
                model.model_validate(row).model_dump(mode="json", exclude_unset=exclude_unset) for row in rows
            ]
    panel_rows = client.get("/reviews", params={"limit": 1000}, headers=PANEL).json()
    assert not any(key.startswith("child_") or key == "children" for row in panel_rows for key in row)


def test_a_list_row_shows_what_the_reviews_own_read_shows_its_stored_json_passed_through_or_pared(
    client: TestClient,
) -> None:
    """A board's list keeps the JSON columns as stored and the Panel's pares its holds and process facts
    (service/access.py unchanged_json): either way each row is the review's own read, less its retention block."""
    for reader in (PANEL, bearer(Role.BOARD_MANAGER, "durham")):
        for row in client.get("/reviews", params={"limit": 1000}, headers=reader).json():
            own = client.get(f"/reviews/{row['review_id']}", headers=reader).json()
            assert row == {key: value for key, value in own.items() if key != "retention"}


def test_the_openapi_schema_still_documents_the_rows_and_the_page_headers(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, row in (("/reviews", "ReviewRow"), ("/learning-actions", "ActionRow")):
        ok = paths[path]["get"]["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["items"]["$ref"].endswith(row)
        assert {"X-Total-Count", "Link", "ETag"} <= set(ok["headers"])
        assert {"limit", "offset"} <= {p["name"] for p in paths[path]["get"]["parameters"]}


def test_timeliness_and_ledger_reads_answer_304_to_a_current_tag_and_200_after_a_new_event(client: TestClient) -> None:
    review = client.get("/reviews", params={"limit": 1}, headers=PANEL).json()[0]
    board, review_id = review["board_id"], review["review_id"]
    manager = bearer(Role.BOARD_MANAGER, board)
    reads = [
        ("/timeliness", PANEL),
        (f"/timeliness?board={board}", PANEL),
        (f"/reviews/{review_id}/timeliness", manager),
        (f"/ledger/reviews/{review_id}", manager),
        (f"/ledger/boards/{board}?financial_year=2008-09", manager),
    ]
    tags = {}
    for path, reader in reads:
        first = client.get(path, headers=reader)
        assert first.status_code == 200, (path, first.text[:300])
        tags[path] = first.headers["ETag"]
        again = client.get(path, headers={**reader, "If-None-Match": tags[path]})
        assert (again.status_code, again.content) == (304, b""), path

    recorded = client.post(f"/reviews/{review_id}/staff-time", json=body("staff-time"), headers=manager)
    position = recorded.json()["position"]
    for path, reader in reads:
        waited = f"{path}{'&' if '?' in path else '?'}min_position={position}"
        fresh = client.get(waited, headers={**reader, "If-None-Match": tags[path]})
        assert fresh.status_code == 200, path
        assert fresh.headers["ETag"] != tags[path], path


def test_a_tag_never_answers_for_another_boards_review_or_ledger(client: TestClient) -> None:
    """`If-None-Match: *` matches any tag: the reader's scope is checked first, so it is still 404 or 403."""
    review = client.get("/reviews", params={"limit": 1}, headers=PANEL).json()[0]
    other = bearer(Role.BOARD_MANAGER, next(board for board in BOARDS if board != review["board_id"]))
    anything = {**other, "If-None-Match": "*"}

    for path in (f"/reviews/{review['review_id']}/timeliness", f"/ledger/reviews/{review['review_id']}"):
        assert client.get(path, headers=anything).status_code == 404
    ledger = f"/ledger/boards/{review['board_id']}?financial_year=2008-09"
    assert client.get(ledger, headers=anything).status_code == 403
