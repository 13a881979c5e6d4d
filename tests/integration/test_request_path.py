"""The lean request path keeps its behaviour: request ids, metrics, the access log and the outage breaker as pure
ASGI middleware; pooled connections that are not pinged on checkout yet never hand out a dead one."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from domain.review import CaseReview
from domain.values import Role, StaffActivity
from projections.storage import Database
from service.api.observability import JsonFormatter
from service.app import create_app
from service.application import open_application
from tests.builders import admin, ctx, notification
from tests.conftest import POSTGRES_URL
from tests.integration.test_api_service import bearer, settings_for


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(database_url, tmp_path)), raise_server_exceptions=False) as running:
        yield running


def test_a_safe_request_id_is_echoed_and_any_other_replaced_and_a_problem_names_it(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    problem = client.get("/reviews")  # no token: 401

    assert given.headers["X-Request-ID"] == "trace-42"
    assert unsafe.headers["X-Request-ID"] not in ("", "bad id\twith spaces")
    assert len(unsafe.headers["X-Request-ID"]) == 36  # a fresh UUID
    assert problem.status_code == 401
    assert problem.json()["request_id"] == problem.headers["X-Request-ID"]


def test_each_request_is_counted_by_route_template_and_logged_as_one_line_with_its_user(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="scr.access"):
        answer = client.get("/reviews/00000000-0000-0000-0000-000000000000", headers=bearer(Role.NATIONAL_PANEL))
    metrics = client.get("/metrics", headers=bearer(Role.ADMIN)).text

    assert answer.status_code == 404
    assert 'scr_http_requests_total{method="GET",route="/reviews/{review_id}",status="404"} 1.0' in metrics
    assert 'scr_http_request_seconds_count{method="GET",route="/reviews/{review_id}"} 1.0' in metrics
    [line] = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "scr.access"]
    assert line["request_id"] == answer.headers["X-Request-ID"]
    assert (line["method"], line["status"], line["user"]) == ("GET", 404, "u")
    assert line["path"] == "/reviews/00000000-0000-0000-0000-000000000000"


def test_while_an_outage_is_recent_requests_are_answered_503_at_once_but_liveness_still_answers(
    client: TestClient,
) -> None:
    client.app.state.outage.record()  # type: ignore[attr-defined]
    refused = client.get("/reviews", headers=bearer(Role.NATIONAL_PANEL))
    alive = client.get("/healthz")

    assert (refused.status_code, refused.json()["code"]) == (503, "database_unavailable")
    assert refused.headers["Retry-After"] == "5"
    assert refused.headers["X-Request-ID"]
    assert alive.status_code == 200


def _terminate(pids: set[int]) -> None:
    """End these server sessions (as a restart ends them all) and wait until they are gone."""
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin_conn:
        for pid in pids:
            admin_conn.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))


def test_a_pooled_connection_the_server_ended_is_never_handed_out(postgres_url: str) -> None:
    db = Database(postgres_url, pool_size=1)
    try:
        with db.transaction(read_only=True) as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            [first] = cursor.fetchone()
        _terminate({first})
        with db.transaction(read_only=True) as cursor:  # no ping: the ended connection is seen idle and replaced
            cursor.execute("SELECT pg_backend_pid()")
            [second] = cursor.fetchone()
    finally:
        db.close()
    assert second != first


def test_a_command_after_the_servers_sessions_ended_is_recorded_once_on_fresh_connections(postgres_url: str) -> None:
    app = open_application(postgres_url)
    try:
        app.register_board(admin(), board_id="birmingham", name="Birmingham", local_authority="Birmingham City Council")
        review = app.open_review(ctx(), board_id="birmingham", **notification()).id
        pool = app.recorder.datastore.pool
        held = [pool.getconn() for _ in range(pool.max_size)]
        pids = {conn.info.backend_pid for conn in held}
        for conn in held:
            pool.putconn(conn)
        _terminate(pids)

        recorded = app.act_on_review(
            ctx(),
            CaseReview.record_staff_time,
            review,
            agency="police",
            activity=StaffActivity.MEETING,
            hours=Decimal(2),
            on=date(2008, 6, 1),
            rate_pence_per_hour=None,
        )
        events = app.recorder.select_events(review)
    finally:
        app.close()
    assert recorded.version == 2
    assert [event.originator_version for event in events] == [1, 2]
