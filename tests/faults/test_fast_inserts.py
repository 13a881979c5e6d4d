"""SCR_FAST_INSERTS: the service writes through the library's lock-free insert function, and commands sent
by many clients at once are still each applied exactly once by the projection engine (gap safety)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient

from domain.values import Role
from projections.engine import ProjectionEngine
from service.app import create_app
from tests.e2e.bodies import body, notification
from tests.hostile.conftest import bearer, settings_for
from tests.integration.counting_projection import CountingProjection, applied, every_position

CLIENTS, COMMANDS = 8, 12


def test_with_fast_inserts_concurrent_commands_are_each_applied_exactly_once(postgres_url: str, tmp_path: Path) -> None:
    settings = settings_for(postgres_url, tmp_path).model_copy(update={"fast_inserts": True})
    with TestClient(create_app(settings)) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        assert services.app.recorder.datastore.enable_db_functions
        assert client.post("/boards", json=body("boards"), headers=bearer(Role.ADMIN, None)).status_code == 201
        manager = bearer(Role.BOARD_MANAGER)
        reviews = [client.post("/reviews", json=notification(f"F-{n}"), headers=manager).json()["id"] for n in range(4)]
        counting = CountingProjection()
        engine = ProjectionEngine(services.app.recorder, services.db, [counting], batch_size=5, keys=services.app.keys)
        engine.setup()
        engine.start_in_background()  # follows the log while the commands race, as a worker would

        def send(number: int) -> list[int]:
            path = f"/reviews/{reviews[number % len(reviews)]}/staff-time"
            return [client.post(path, json=body("staff-time"), headers=manager).status_code for _ in range(COMMANDS)]

        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = [status for answers in pool.map(send, range(CLIENTS)) for status in answers]
        try:
            assert engine.wait_for(every_position(services.app)[-1], timeout=60)
        finally:
            engine.stop()

        assert set(statuses) <= {200, 412}
        assert statuses.count(200) >= CLIENTS
        assert applied(services.db, counting) == every_position(services.app)
