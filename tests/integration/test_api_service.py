"""The service in-process (FastAPI's test client on a real store): demo data, OpenAPI, an unreachable database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from domain.values import Role, Stage
from projections.audit.checkpoints import generate_key_file
from service.api import schemas
from service.app import create_app
from service.application import open_application
from service.cli.demo_data import load_demo
from service.settings import Settings
from service.tokens import issue_token
from tests.conftest import POSTGRES_URL

SECRET = "integration-test-secret-long-enough-for-hs256"


def settings_for(url: str, tmp_path: Path) -> Settings:
    key = tmp_path / "signing-key.pem"
    if not key.exists():
        generate_key_file(key)
    return Settings(
        database_url=url,
        jwt_secret=SECRET,
        data_dir=tmp_path,
        signing_key=key,
        read_wait_seconds=10,
        projections_in_process=True,
    )


def bearer(role: Role, board: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, user='u', role=role, board=board)}"}


def test_the_demo_loads_once_with_reviews_in_every_stage_and_a_second_load_records_nothing(
    database_url: str, tmp_path: Path
) -> None:
    app = open_application(database_url)
    assert load_demo(app) is True
    head = app.recorder.max_notification_id()
    assert load_demo(app) is False
    assert app.recorder.max_notification_id() == head
    app.close()
    with TestClient(create_app(settings_for(database_url, tmp_path))) as client:
        rows = client.get("/reviews", params={"min_position": head}, headers=bearer(Role.NATIONAL_PANEL)).json()
        overdue = client.get("/reviews?overdue=true", headers=bearer(Role.NATIONAL_PANEL)).json()
        actions = client.get("/learning-actions?status=overdue", headers=bearer(Role.NATIONAL_PANEL)).json()
    assert {row["stage"] for row in rows} == set(Stage)
    assert {row["board_id"] for row in rows} == {"birmingham", "coventry", "bradford", "durham"}
    assert overdue
    assert actions


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("openapi")
    with TestClient(create_app(settings_for(f"sqlite:///{tmp / 'scr.sqlite3'}", tmp))) as client:
        schema: dict[str, object] = client.get("/openapi.json").json()
    return schema


OPERATIONS = ("/healthz", "/readyz", "/metrics")


def test_every_route_in_the_openapi_document_has_a_summary_a_response_model_and_its_problems(
    openapi: dict[str, object],
) -> None:
    paths: dict[str, dict[str, dict[str, object]]] = openapi["paths"]  # type: ignore[assignment]
    for path, methods in paths.items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            responses: dict[str, dict[str, object]] = operation["responses"]  # type: ignore[assignment]
            success = next(code for code in responses if code.startswith("2"))
            assert responses[success].get("content"), where
            if path not in OPERATIONS:
                assert {"401", "403"} <= set(responses), where
            if "{" in path:  # a route naming something answers 404 when it is not there (or not the reader's)
                assert "404" in responses, where


def test_every_command_documents_its_request_model_with_typed_fields_and_examples(openapi: dict[str, object]) -> None:
    paths: dict[str, dict[str, dict[str, object]]] = openapi["paths"]  # type: ignore[assignment]
    schemas: dict[str, dict[str, object]] = openapi["components"]["schemas"]  # type: ignore[index]
    # POST /audit/verify (issue 14) sends checkpoints to check against, records nothing: not a command
    commands = [
        (path, op)
        for path, methods in paths.items()
        for method, op in methods.items()
        if method == "post" and path != "/audit/verify"
    ]
    # every command row of API.md, plus reopening an action; issue 12: themes, findings, dissemination,
    # monitoring, and issuing and revoking a calendar feed token
    # issue 11: reconsideration, revisions, withdraw, republish, NSPCC deposit, evaluations, links, extensions;
    # issue 13: redactions, family-impact check, retention class, disposal, placing and lifting an inquiry hold
    assert len(commands) == 34 + 6 + 8 + 6
    for path, operation in commands:
        content = operation["requestBody"]["content"]["application/json"]  # type: ignore[index]
        name = content["schema"]["$ref"].rsplit("/", 1)[-1]
        assert schemas[name]["properties"], path
        assert schemas[name]["examples"], path
        assert {"409", "412", "422"} <= set(operation["responses"]), path  # type: ignore[arg-type]
    assert schemas["CommandResponse"]["examples"]
    assert schemas["Problem"]["properties"]["code"]["examples"]  # type: ignore[index]


def test_every_request_example_in_the_openapi_document_is_a_valid_request() -> None:
    bodies = [c for c in vars(schemas).values() if isinstance(c, type) and issubclass(c, schemas.Body)]
    for cls in set(bodies) - {schemas.Body}:
        for example in cls.model_json_schema()["examples"]:
            cls.model_validate(example)


@pytest.fixture
def own_database() -> Iterator[str]:
    """A database of its own, so connections to it can be refused without touching other tests."""
    name = f"scr_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_requests_answer_503_with_retry_after_while_the_database_refuses_connections(
    own_database: str, tmp_path: Path
) -> None:
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{own_database}"
    # Projections run elsewhere (as on PostgreSQL by default), so only the API meets the outage.
    settings = settings_for(url, tmp_path).model_copy(update={"projections_in_process": False})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{own_database}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (own_database,))
        first = client.get("/reviews", headers=bearer(Role.NATIONAL_PANEL))
        # The outage is now known: a command is answered at once, before it reaches the store.
        command = client.post(
            "/boards",
            json={"board_id": "leeds", "name": "Leeds", "local_authority": "Leeds"},
            headers=bearer(Role.ADMIN),
        )
        ready = client.get("/readyz")
    for response in (first, command):
        assert (response.status_code, response.json()["code"]) == (503, "database_unavailable"), response.text
        assert response.headers["Retry-After"]
        assert "Traceback" not in response.text
    assert (ready.status_code, ready.json()["database"]) == (503, False)
