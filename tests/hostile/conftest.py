"""The service in-process on a real store, with one review carried far through the process to aim at.

Hostile requests go through FastAPI's test client (the whole ASGI stack: middleware, auth, validation,
problem handlers) against a real SQLite file or PostgreSQL schema, with the projections running in
the same process, so a request that slips past validation and breaks a read model is seen too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Route

from domain.values import Role
from projections.audit.checkpoints import generate_key_file
from service.app import create_app
from service.services import ServiceObjects
from service.settings import Settings
from tests.conftest import postgres_schema_url
from tests.e2e.bodies import BODIES, body, notification
from tests.e2e.server import SECRET, token

# Child details of the seeded review: any of them in a national-panel response is a leak.
CHILD = {
    "pseudonym": "Child Zebedee-Privacy",
    "age_years": 11,
    "sex": "female",
    "ethnicity": "Ethnicity-Privacy-Marker",
    "disability": True,
    "looked_after": True,
    "child_protection_plan": True,
}
CHILD_MARKERS = ("Zebedee-Privacy", "Ethnicity-Privacy-Marker")


@dataclass
class Target:
    """The running service, a client, and the ids of the seeded board, review, hold, report and action."""

    api: FastAPI
    client: TestClient
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def services(self) -> ServiceObjects:
        services: ServiceObjects = self.api.state.services
        return services

    def head(self) -> int:
        """The last position in the log (what a refused request must leave unchanged)."""
        return int(self.services.app.recorder.max_notification_id() or 0)

    def stopped_projections(self) -> list[tuple[str, str]]:
        """Read models stopped on an error: a hostile event recorded and then unreadable shows here."""
        return [(s.name, s.error) for s in self.services.engine.status() if s.error is not None]

    def paths(self, method: str, *, documented: bool = True) -> list[str]:
        """The path of every route of the app for a method: the API's (in OpenAPI) or the pages' (not)."""
        in_schema = set(self.api.openapi()["paths"])
        return [
            path
            for path, methods in flat_routes(self.api.routes)
            if method in methods and (path in in_schema) == documented
        ]

    def fill(self, path: str) -> str:
        """A route's path with its parameters set to the seeded ids."""
        return re.sub(r"{(\w+)}", lambda m: self.ids.get(m.group(1), "1"), path)

    def ok(self, path: str, payload: dict[str, Any], role: Role = Role.BOARD_CHAIR) -> dict[str, Any]:
        response = self.client.post(path, json=payload, headers=bearer(role))
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer


def flat_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every endpoint, through included routers (FastAPI keeps them nested)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from flat_routes(included.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ())


def valid_body(path: str) -> dict[str, Any]:
    """A valid body for a command path (bodies are keyed by the path's last literal part)."""
    last = next(part for part in reversed(path.split("/")) if part and not part.startswith("{"))
    return BODIES.get(last, {})


def bearer(role: Role, board: str | None = "durham") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, board)}"}


def settings_for(url: str, directory: Path) -> Settings:
    key = directory / "signing-key.pem"
    generate_key_file(key)
    return Settings(
        database_url=url,
        jwt_secret=SECRET,
        data_dir=directory,
        signing_key=key,
        read_wait_seconds=0.5,  # fuzzed min_position values wait this long for positions never reached
        projections_in_process=True,
    )


def seed(target: Target) -> None:
    """A board, a review with a child's details, a hold, a report, costs, a recommendation and an action."""
    target.ok("/boards", body("boards"), Role.ADMIN)
    target.ok("/boards/durham/contributions", body("contributions"), Role.ADMIN)
    review = target.ok("/reviews", {**notification("HOSTILE-1"), "child": CHILD})["id"]
    r = f"/reviews/{review}"
    target.ok(r + "/initiation-decision", body("initiation-decision"))
    target.ok(r + "/terms-of-reference", body("terms-of-reference"))
    report = target.ok(r + "/agency-reports", body("agency-reports"))["report_id"]
    hold = target.ok(r + "/legal-holds", body("legal-holds"))["hold_id"]
    cost = target.ok(r + "/costs", body("costs"))
    target.ok(r + "/recommendations", body("recommendations"))
    target.ok(r + "/themes", body("themes"))
    target.ok(r + "/findings", body("findings"))
    target.ok(r + "/dissemination", body("dissemination"))
    action = target.ok("/learning-actions", body("learning-actions", review_id=review))["id"]
    target.ids.update(
        review_id=review,
        report_id=report,
        hold_id=hold,
        action_id=action,
        board_id="durham",
        size="1",
        cost_position=str(cost["position"]),
    )


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The service on an SQLite file or a fresh PostgreSQL schema, seeded."""
    directory = tmp_path_factory.mktemp("hostile")
    urls: Iterator[str] = (
        iter([f"sqlite:///{directory / 'scr.sqlite3'}"]) if request.param == "sqlite" else postgres_schema_url()
    )
    api = create_app(settings_for(next(urls), directory))
    with TestClient(api, raise_server_exceptions=False) as client:
        found = Target(api, client)
        seed(found)
        yield found
    next(urls, None)  # drops the PostgreSQL schema
