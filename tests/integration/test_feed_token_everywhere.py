"""A calendar feed token is useless anywhere but its own board's feed: every other route of the API refuses it as a
bearer token (401) and nothing is recorded, and no dashboard page takes it for a session. (Issue 12: "a feed token
is refused on every other route": here every route the application serves, not a sample.)"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from domain.values import Role
from service.app import create_app
from service.dashboard.session import COOKIE
from tests.hostile.conftest import flat_routes
from tests.integration.test_api_service import bearer, settings_for

FEED = "/boards/{board_id}/calendar.ics"
# Routes that take no token at all: liveness, readiness, metrics, the API's description, the sign-in form
OPEN = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
IDS = {"board_id": "durham", "other_board_id": "durham", "review_id": "00000000-0000-4000-8000-000000000001"}


def test_a_feed_token_is_refused_on_every_other_route_and_records_nothing(tmp_path: Path) -> None:
    database = tmp_path / "scr.sqlite3"
    app = create_app(settings_for(f"sqlite:///{database}", tmp_path))
    with TestClient(app, raise_server_exceptions=False) as client:
        board = {"board_id": "durham", "name": "Durham SCP", "local_authority": "Durham"}
        assert client.post("/boards", json=board, headers=bearer(Role.ADMIN)).status_code == 201
        manager = bearer(Role.BOARD_MANAGER, "durham")
        issued = client.post("/boards/durham/feed-tokens", json={"label": "Outlook"}, headers=manager)
        assert issued.status_code == 201, issued.text
        feed = issued.json()["token"]
        assert client.get("/boards/durham/calendar.ics", params={"token": feed}).status_code == 200
        with sqlite3.connect(database) as connection:
            (head,) = connection.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
        in_schema = set(app.openapi()["paths"])
        tried = []
        for template, methods in flat_routes(app.routes):
            if template in OPEN or template == FEED or template.startswith(("/dashboard/static", "/dashboard/sign-")):
                continue
            path = re.sub(r"{(\w+)(?::\w+)?}", lambda m: IDS.get(m.group(1), "1"), template)
            for method in sorted(methods - {"HEAD", "OPTIONS"}):
                if template in in_schema:
                    answer = client.request(method, path, headers={"Authorization": f"Bearer {feed}"}, json={})
                    assert answer.status_code == 401, (method, template, answer.status_code, answer.text[:200])
                    assert answer.json()["code"] == "unauthenticated"
                else:  # a dashboard page: the feed token in the session cookie is no session
                    answer = client.request(method, path, cookies={COOKIE: feed}, follow_redirects=False)
                    assert answer.status_code in (303, 401, 403), (method, template, answer.status_code)
                tried.append((method, template))
        with sqlite3.connect(database) as connection:
            assert connection.execute("SELECT MAX(rowid) FROM stored_events").fetchone() == (head,)
    assert len(tried) > 100  # every command and read, not a sample
