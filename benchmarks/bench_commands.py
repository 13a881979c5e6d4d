"""`make bench`: commands over HTTP at 1, 4 and 8 clients, against the library's own save rate.

In one run, on fresh PostgreSQL schemas: the library's `save()` of one event per transaction from 1, 4
and 8 threads (its default settings: the table lock, the JSON transcoder); then the service (`scr serve`,
BENCH_API_WORKERS processes, default 2) taking `POST /reviews/{id}/staff-time` from a load generator in
its own process at 1, 4 and 8 clients for BENCH_SECONDS each (default 10), first on the default insert
path, then with SCR_FAST_INSERTS. After the fast run, the gap check: 8 clients again while a projection
engine follows the log, which must apply every recorded position exactly once. Writes
benchmarks/results/commands.json (a row per client count and insert path) and prints a table."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from benchmarks.served import ROOT, SECONDS, Service, bearer, fresh_schema, load, served
from domain.base import Context
from domain.review import CaseReview
from domain.review_values import Child, Incident
from domain.values import AbuseOrNeglect, Actor, IncidentNature, Regime, Role
from projections.engine import ProjectionEngine
from projections.storage import Database, DatabaseUrl
from service.application import open_application
from tests.integration.counting_projection import CountingProjection, applied, every_position

RESULTS = ROOT / "benchmarks" / "results" / "commands.json"
CLIENTS = (1, 4, 8)
REVIEWS = 2_000  # commands spread over many reviews, so each review's history stays short
BOARD = "bench"


class Counter(Aggregate):
    """The smallest aggregate: one event per command, as the library's own baseline."""

    @event("Counted")
    def count(self, by: int) -> None:
        self.total = getattr(self, "total", 0) + by


def library_save_rate(url: str, threads: int, seconds: float = SECONDS) -> float:
    """Saves per second of one new event each, from `threads` threads, with the library's defaults."""
    app: Application[UUID] = Application(env={**DatabaseUrl(url).event_store_env(), "POSTGRES_POOL_SIZE": "16"})
    saved = [0] * threads
    start = threading.Barrier(threads + 1)

    def keep_saving(number: int) -> None:
        counter = Counter()
        app.save(counter)
        start.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            counter.count(by=1)
            app.save(counter)
            saved[number] += 1

    workers = [threading.Thread(target=keep_saving, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    rate = sum(saved) / (time.perf_counter() - began)
    app.close()
    return rate


def open_reviews(url: str) -> list[str]:
    """A board and REVIEWS notified reviews, saved through the domain in batches (setup, not measured)."""
    app = open_application(url)
    admin = Context(Actor(user="bench", role=Role.ADMIN), UUID(int=1), date(2026, 11, 27))
    app.register_board(admin, board_id=BOARD, name="Bench SCP", local_authority="Bench")
    manager = Context(Actor(user="bench", role=Role.BOARD_MANAGER, board=BOARD), UUID(int=2), date(2026, 11, 27))
    ids = []
    for first in range(0, REVIEWS, 100):
        reviews = [notified(manager, number) for number in range(first, first + 100)]
        app.save(*reviews)
        ids += [str(review.id) for review in reviews]
    app.close()
    return ids


def notified(ctx: Context, number: int) -> CaseReview:
    incident = Incident(
        nature=IncidentNature.DEATH,
        abuse_or_neglect=AbuseOrNeglect.KNOWN,
        occurred_on=date(2026, 1, 5),
        la_aware_on=date(2026, 1, 6),
    )
    child = Child(pseudonym=f"Child {number}", age_years=4)
    return CaseReview.notify(
        ctx,
        board_id=BOARD,
        case_ref=f"B-{number:05d}",
        regime=Regime.CSPR_2023,
        child=child,
        incident=incident,
        notified_on=date(2026, 1, 7),
    )


def command_plan(reviews: list[str], clients: int) -> list[list[list[Any]]]:
    """Each client sends staff time to its own share of the reviews, so clients never race one review."""
    headers = bearer(Role.BOARD_MANAGER, BOARD)
    staff_time = {"agency": "health", "activity": "meeting", "hours": "1.5", "on": "2026-02-01"}
    return [
        [["POST", f"/reviews/{review}/staff-time", headers, staff_time] for review in reviews[n::clients]]
        for n in range(clients)
    ]


def measure_service(fast: bool, baseline: dict[int, float]) -> list[dict[str, Any]]:
    rows = []
    with fresh_schema() as url:
        reviews = open_reviews(url)
        with served(url, SCR_FAST_INSERTS="true" if fast else "false") as service:
            for clients in CLIENTS:
                result = load(service, clients, command_plan(reviews, clients))
                ok = result["statuses"].get("200", 0)
                rows.append(
                    {
                        "clients": clients,
                        "commands_per_s": round(ok / result["seconds"], 1),
                        "library_save_per_s": round(baseline[clients], 1),
                        "ratio": round(ok / result["seconds"] / baseline[clients], 2),
                        "p50_ms": round(result["p50_ms"], 2),
                        "p99_ms": round(result["p99_ms"], 2),
                        "fast_inserts": fast,
                        "statuses": result["statuses"],
                        "cpu_ms_per_command": {
                            name: round(1000 * seconds / max(ok, 1), 2)
                            for name, seconds in result["cpu_seconds"].items()
                        },
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
            if fast:
                rows[-1]["gap_check"] = gap_check(url, service, reviews)
    return rows


def gap_check(url: str, service: Service, reviews: list[str]) -> dict[str, Any]:
    """8 clients on the fast path while an engine follows the log: every position applied exactly once."""
    app, db = open_application(url), Database(url)
    counting = CountingProjection("gap_check")
    engine = ProjectionEngine(app.recorder, db, [counting], batch_size=200)
    engine.setup()
    engine.catch_up()
    engine.start_in_background()
    try:
        result = load(service, 8, command_plan(reviews, 8))
        positions = every_position(app)
        caught_up = engine.wait_for(positions[-1], timeout=120)
    finally:
        engine.stop()
    seen = applied(db, counting)
    db.close()
    app.close()
    return {
        "commands": result["statuses"].get("200", 0),
        "events_checked": len(positions),
        "every_position_applied_once": caught_up and seen == positions,
    }


def run() -> list[dict[str, Any]]:
    with fresh_schema() as url:
        baseline = {threads: library_save_rate(url, threads) for threads in CLIENTS}
    print(json.dumps({"library_save_per_s": baseline}), flush=True)
    return measure_service(False, baseline) + measure_service(True, baseline)


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'path':<8} {'clients':>7} {'commands/s':>11} {'library/s':>10} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for row in rows:
        path = "fast" if row["fast_inserts"] else "default"
        print(
            f"{path:<8} {row['clients']:>7} {row['commands_per_s']:>11.0f} {row['library_save_per_s']:>10.0f} "
            f"{row['ratio']:>6.2f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f}"
        )


def main() -> None:
    rows = run()
    print_table(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
