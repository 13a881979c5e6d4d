"""Conflicting commands on one review from many clients at once, through two API processes on PostgreSQL:
exactly one succeeds per version, every other gets 412 (or 409), and nothing is half-written."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.values import Role
from service.application import CaseReviews, open_application
from tests.conftest import postgres_schema_url
from tests.e2e.bodies import body, notification
from tests.e2e.server import Server

CLIENTS = 8
ROUNDS = 6


@pytest.fixture(scope="module")
def apis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    """Two API processes on one fresh schema; the first also runs the projections."""
    directory: Path = tmp_path_factory.mktemp("conflicts")
    urls = postgres_schema_url()
    url = next(urls)
    servers = [Server(url, directory).start(), Server(url, directory, projections_in_process=False).start()]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()
        next(urls, None)


def race(apis: list[Server], path: str, headers: dict[str, str]) -> list[httpx.Response]:
    """CLIENTS clients, alternating between the API processes, send the same command at the same moment."""
    start = threading.Barrier(CLIENTS)

    def send(number: int) -> httpx.Response:
        with apis[number % len(apis)].client(Role.BOARD_MANAGER) as client:
            payload = body("staff-time", agency=f"client-{number}")
            start.wait()
            return client.post(path, json=payload, headers=headers)

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(send, range(CLIENTS)))


def stored(app: CaseReviews, review_id: str) -> list[Any]:
    return app.recorder.select_events(UUID(review_id))


def opened_review(apis: list[Server], case_ref: str) -> tuple[str, int]:
    with apis[0].client(Role.BOARD_MANAGER) as manager:
        answer = manager.ok("/reviews", notification(case_ref))
    return answer["id"], answer["version"]


@pytest.fixture(scope="module")
def board(apis: list[Server]) -> None:
    with apis[0].client(Role.ADMIN, board=None) as admin:
        admin.ok("/boards", body("boards"))


@pytest.mark.usefixtures("board")
def test_with_if_match_exactly_one_client_per_version_succeeds_and_the_rest_get_412(apis: list[Server]) -> None:
    review_id, version = opened_review(apis, "RACE-IF-MATCH")
    path = f"/reviews/{review_id}/staff-time"
    winners = []
    for _ in range(ROUNDS):
        answers = race(apis, path, {"If-Match": f'"{version}"'})
        won = [a for a in answers if a.status_code == 200]
        assert len(won) == 1, [(a.status_code, a.text[:80]) for a in answers]
        assert {a.status_code for a in answers if a is not won[0]} <= {409, 412}
        assert won[0].json()["version"] == version + 1
        winners.append(won[0].json())
        version += 1

    app = open_application(apis[0].url)
    events = stored(app, review_id)
    assert [e.originator_version for e in events] == list(range(1, version + 1))
    assert [w["position"] for w in winners] == [
        n.id
        for n in app.recorder.select_notifications(start=winners[0]["position"], limit=10_000)
        if str(n.originator_id) == review_id
    ]
    app.close()


@pytest.mark.usefixtures("board")
def test_without_if_match_concurrent_commands_each_succeed_once_or_get_412_and_none_is_half_written(
    apis: list[Server],
) -> None:
    review_id, version = opened_review(apis, "RACE-NO-IF-MATCH")
    path = f"/reviews/{review_id}/staff-time"
    succeeded = []
    for _ in range(ROUNDS):
        answers = race(apis, path, {})
        assert {a.status_code for a in answers} <= {200, 409, 412}, [a.text[:120] for a in answers]
        succeeded += [a.json() for a in answers if a.status_code == 200]

    app = open_application(apis[0].url)
    events = stored(app, review_id)
    assert len(events) == 1 + len(succeeded)
    assert sorted(s["version"] for s in succeeded) == list(range(version + 1, version + 1 + len(succeeded)))
    with apis[0].client(Role.BOARD_MANAGER) as manager:
        read = manager.get(f"/reviews/{review_id}", params={"min_position": max(s["position"] for s in succeeded)})
    assert read.json()["version"] == len(events)
    app.close()
