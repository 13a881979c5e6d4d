"""The PostgreSQL shape: two API processes and one `scr projections run` worker on one database.

Commands go to both API processes in turn; every read model, read through either process, answers
what those commands recorded."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from domain.values import Role
from tests.conftest import postgres_schema_url
from tests.e2e.bodies import body, notification
from tests.e2e.server import Client, Server

REVIEWS = 6


@dataclass
class Deployment:
    apis: list[Server]
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    last_position: int = 0


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Two API processes (no projections in them) and the projection worker, on a fresh schema."""
    log_dir = tmp_path_factory.mktemp("workers")
    urls = postgres_schema_url()
    url = next(urls)
    # Launched together: both create their tables at once on the empty schema.
    apis = [Server(url, log_dir, projections_in_process=False).launch() for _ in range(2)]
    for api in apis:
        api.wait_ready()
    with Path(log_dir / "worker.log").open("ab") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "projections", "run"], env=apis[0].env, stdout=log, stderr=log
        )
    try:
        yield Deployment(apis)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        for api in apis:
            api.stop()
        next(urls, None)


def clients(deployment: Deployment, role: Role) -> Iterator[Client]:
    """The role's client on each API process in turn, forever."""
    while True:
        yield from (api.client(role) for api in deployment.apis)


@pytest.fixture(scope="module")
def recorded(deployment: Deployment) -> Deployment:
    """Reviews, costs and actions recorded through both processes alternately."""
    manager, chair = clients(deployment, Role.BOARD_MANAGER), clients(deployment, Role.BOARD_CHAIR)
    lead = clients(deployment, Role.AGENCY_LEAD)
    next(clients(deployment, Role.ADMIN)).ok("/boards", body("boards"))
    for n in range(REVIEWS):
        rid = next(manager).ok("/reviews", notification(f"PG-{n}"))["id"]
        r = f"/reviews/{rid}"
        answer = next(chair).ok(r + "/initiation-decision", body("initiation-decision"))
        for _ in range(n):
            answer = next(manager).ok(r + "/costs", body("costs", amount_pence=10_000))
        answer = next(manager).ok(r + "/recommendations", body("recommendations"))
        action = next(manager).ok("/learning-actions", body("learning-actions", review_id=rid))
        progress = next(lead).ok(f"/learning-actions/{action['id']}/progress", body("progress", rag="green"))
        deployment.expected[rid] = {"version": answer["version"], "invoiced": n * 10_000}
        deployment.actions[action["id"]] = rid
        deployment.last_position = max(deployment.last_position, progress["position"], answer["position"])
    return deployment


def read(api: Server, path: str, position: int, role: Role = Role.BOARD_MANAGER) -> Any:
    joiner = "&" if "?" in path else "?"
    response = api.client(role).get(f"{path}{joiner}min_position={position}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("process", [0, 1])
def test_case_status_through_either_process_shows_every_review_at_its_last_version(
    recorded: Deployment, process: int
) -> None:
    rows = read(recorded.apis[process], "/reviews", recorded.last_position)
    assert {r["review_id"]: (r["stage"], r["version"]) for r in rows} == {
        rid: ("initiated", want["version"]) for rid, want in recorded.expected.items()
    }


@pytest.mark.parametrize("process", [0, 1])
def test_each_ledger_totals_the_invoices_sent_through_both_processes(recorded: Deployment, process: int) -> None:
    for rid, want in recorded.expected.items():
        ledger = read(recorded.apis[process], f"/ledger/reviews/{rid}", recorded.last_position)
        assert ledger["totals"]["invoiced_pence"] == want["invoiced"]


@pytest.mark.parametrize("process", [0, 1])
def test_every_learning_action_shows_its_progress_and_is_overdue_past_its_2017_target(
    recorded: Deployment, process: int
) -> None:
    rows = read(recorded.apis[process], "/learning-actions", recorded.last_position, Role.AGENCY_LEAD)
    assert {r["action_id"]: (r["review_id"], r["rag"], r["status"]) for r in rows} == {
        action: (rid, "green", "overdue") for action, rid in recorded.actions.items()
    }


@pytest.mark.parametrize("process", [0, 1])
def test_every_review_has_its_timeliness_and_the_board_its_aggregate(recorded: Deployment, process: int) -> None:
    api = recorded.apis[process]
    for rid in recorded.expected:
        assert read(api, f"/reviews/{rid}/timeliness", recorded.last_position)
    aggregate = read(api, "/timeliness", recorded.last_position, Role.NATIONAL_PANEL)
    assert str(REVIEWS) in str(aggregate)


def test_both_processes_report_the_projection_worker_ready_and_caught_up(recorded: Deployment) -> None:
    for api in recorded.apis:
        read(api, "/reviews", recorded.last_position)
        ready = api.client().get("/readyz")
        assert ready.status_code == 200
        assert all(p["position"] >= recorded.last_position for p in ready.json()["projections"])
