"""`make bench`: commands over HTTP at 1, 4 and 8 clients, against the library's own save rate.

In one run, on fresh PostgreSQL schemas: the library's `save()` of one event per transaction from 1, 4
and 8 threads (its default settings: the table lock, the JSON transcoder); then the service (`scr serve`,
BENCH_API_WORKERS processes, default 2) from a load generator in its own process at 1, 4 and 8 clients for
BENCH_SECONDS each (default 10), on two workloads:

- `staff_time`: `POST /reviews/{id}/staff-time` on 2,000 notified reviews (each review stays short);
- `mixed`: each client notifies new reviews and takes each through the rapid review, initiation, commissioning, terms of
  reference, then staff time, costs, legal holds and drafts until it holds 10-100 events (a length drawn
  per review), then the next: a review's commands replay ever longer histories, as in service.

Every point is followed by the gap check: a projection engine follows the log while the commands are
recorded, and must apply every recorded position exactly once (`missed_events` counts the positions it
did not apply, or applied twice). The default insert path only (the library's table lock). Writes
benchmarks/results/commands.json (a row per workload and client count) and prints a table.
BENCH_PROFILE=DIR has py-spy (the `bench` extra) sample the API processes during each 8-client point and
write their stacks into DIR; `python -m benchmarks.profile_summary DIR/FILE` says where the time went."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

from benchmarks.served import ROOT, SECONDS, Service, bearer, fresh_schema, load, served
from domain.base import Context
from domain.review import CaseReview, review_id_for
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
FAST = os.environ.get("BENCH_FAST_INSERTS", "false") == "true"  # the default insert path unless asked


class Counter(Aggregate):
    """The smallest aggregate: one event per command, as the library's own baseline."""

    @event("Counted")
    def count(self, by: int) -> None:
        self.total = getattr(self, "total", 0) + by


def per_second(threads: int, step_for: Callable[[int], Callable[[], None]], seconds: float = SECONDS) -> float:
    """Calls per second of the steps `step_for(n)` makes (set-up not timed), from `threads` threads started together."""
    done = [0] * threads
    start = threading.Barrier(threads + 1)

    def keep_stepping(number: int) -> None:
        step = step_for(number)
        start.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            step()
            done[number] += 1

    workers = [threading.Thread(target=keep_stepping, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return sum(done) / (time.perf_counter() - began)


def library_save_rate(url: str, threads: int, seconds: float = SECONDS, recorder: type | None = None) -> float:
    """Saves per second of one new event each, from `threads` threads, with the library's defaults: its own
    recorder (table lock, INSERT, then COMMIT), not ours (one round trip, group commit), which is measured;
    or the same saves through `recorder`."""
    env = DatabaseUrl(url).event_store_env(group_commit=False)
    del env["APPLICATION_RECORDER_TOPIC"]
    if recorder is not None:
        env["APPLICATION_RECORDER_TOPIC"] = get_topic(recorder)
    app: Application[UUID] = Application(env={**env, "POSTGRES_POOL_SIZE": "16"})

    def counting(_: int) -> Callable[[], None]:
        counter = Counter()
        app.save(counter)

        def save_one() -> None:
            counter.count(by=1)
            app.save(counter)

        return save_one

    rate = per_second(threads, counting, seconds)
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


def staff_time_plan(reviews: list[str], clients: int) -> list[list[list[Any]]]:
    """Each client sends staff time to its own share of the reviews, so clients never race one review."""
    headers = bearer(Role.BOARD_MANAGER, BOARD)
    staff_time = {"agency": "health", "activity": "meeting", "hours": "1.5", "on": "2026-02-01"}
    return [
        [["POST", f"/reviews/{review}/staff-time", headers, staff_time] for review in reviews[n::clients]]
        for n in range(clients)
    ]


# The mixed workload's requests per client: enough that no client's list wraps round within BENCH_SECONDS
# (a wrapped list would notify the same case again); about 1,500 commands a second in all is far above
# what this machine reaches.
MIXED_RATE_CEILING = 1_500


def mixed_plan(reviews: list[str], clients: int) -> list[list[list[Any]]]:
    """Per client: new reviews, each notified then taken through the rapid review, initiation, a reviewer,
    terms of reference, then staff time, costs, legal holds and drafts in turn until it holds its drawn
    10-100 events."""
    del reviews  # the mixed workload makes its own reviews
    manager, chair = bearer(Role.BOARD_MANAGER, BOARD), bearer(Role.BOARD_CHAIR, BOARD)
    per_client = int(MIXED_RATE_CEILING * SECONDS * 1.5 / clients) + 200
    draw = random.Random(clients)  # noqa: S311 - a benchmark's lengths, not a secret
    plans = []
    for client in range(clients):
        plan: list[list[Any]] = []
        number = 0
        while len(plan) < per_client:
            case_ref = f"M{clients}-{client}-{number:06d}"
            number += 1
            review = str(review_id_for(BOARD, case_ref))
            plan += mixed_review(review, case_ref, draw.randint(10, 100), manager, chair)
        plans.append(plan[:per_client])
    return plans


def mixed_review(review: str, case_ref: str, length: int, manager: Headers, chair: Headers) -> list[list[Any]]:
    """The requests that take one new review to `length` events."""
    path = f"/reviews/{review}"
    opening = [
        ["POST", "/reviews", manager, notification_body(case_ref)],
        ["POST", f"{path}/rapid-review", manager, RAPID_REVIEW],
        ["POST", f"{path}/initiation-decision", chair, INITIATION],
        ["POST", f"{path}/reviewers", manager, REVIEWER],
        ["POST", f"{path}/terms-of-reference", manager, TERMS],
    ]
    during = [
        ["POST", f"{path}/staff-time", manager, STAFF_TIME],
        ["POST", f"{path}/costs", manager, COST],
        ["POST", f"{path}/legal-holds", manager, HOLD],
        ["POST", f"{path}/report/draft", manager, None],
    ]
    requests = list(opening)
    while len(requests) < length:
        method, route, headers, body = during[len(requests) % len(during)]
        if body is None:
            body = {"version_label": f"v{len(requests)}", "received_on": "2026-03-01", "document_sha256": "ab" * 32}
        requests.append([method, route, headers, body])
    return requests


Headers = dict[str, str]


def notification_body(case_ref: str) -> dict[str, Any]:
    return {
        "case_ref": case_ref,
        "regime": "cspr-2023",
        "child": {"pseudonym": "Child M", "age_years": 4},
        "incident": {
            "nature": "death",
            "abuse_or_neglect": "known",
            "occurred_on": "2026-01-05",
            "la_aware_on": "2026-01-06",
        },
        "notified_on": "2026-01-07",
    }


RAPID_REVIEW = {"completed_on": "2026-01-09", "outcome": "lcspr", "rationale": "Learning for agencies"}
INITIATION = {
    "criteria": {
        "abuse_or_neglect": True,
        "died": True,
        "seriously_harmed": False,
        "concern_about_joint_working": True,
    },
    "decision": "initiate",
    "rationale": "The child died; neglect was known",
    "decided_on": "2026-01-10",
}
REVIEWER = {
    "name": "A. Reviewer",
    "role": "lead_reviewer",
    "procurement_route": "framework",
    "contract_value_pence": 900_000,
    "independence_declared": True,
    "commissioned_on": "2026-01-12",
}
TERMS = {
    "scope_from": "2025-01-01",
    "scope_to": "2026-01-05",
    "methodology": "Systems",
    "equality_considerations": "Disability",
    "agreed_on": "2026-01-15",
}
STAFF_TIME = {"agency": "health", "activity": "meeting", "hours": "1.5", "on": "2026-02-01"}
COST = {
    "entry": "invoice",
    "category": "lead_reviewer",
    "amount_pence": 45_000,
    "paying_agency": "local_authority",
    "on": "2026-02-01",
    "description": "Stage payment",
}
HOLD = {"kind": "criminal_proceedings", "reference": "R v X", "blocks_publication": False, "placed_on": "2026-02-01"}

WORKLOADS: dict[str, Callable[[list[str], int], list[list[list[Any]]]]] = {
    "staff_time": staff_time_plan,
    "mixed": mixed_plan,
}


def measure_service(workload: str, baseline: dict[int, float], fast: bool = FAST) -> list[dict[str, Any]]:
    """The workload at 1, 4 and 8 clients on a fresh schema, each point with an engine following the log."""
    rows = []
    with fresh_schema() as url:
        reviews = open_reviews(url)
        follower = Follower(url)  # opened before the service: its connections are taken first
        try:
            with served(url, SCR_FAST_INSERTS="true" if fast else "false") as service:
                for clients in CLIENTS:
                    plan = WORKLOADS[workload](reviews, clients)
                    with sampled(service, f"{workload}-{clients}", clients == max(CLIENTS)):
                        result, missed, events = follower.followed(service, clients, plan)
                    rows.append(row(workload, clients, baseline[clients], result, missed, events, fast))
                    print(json.dumps(rows[-1]), flush=True)
        finally:
            follower.close()
    return rows


def row(
    workload: str, clients: int, library: float, result: dict[str, Any], missed: int, events: int, fast: bool
) -> dict[str, Any]:
    ok = sum(count for status, count in result["statuses"].items() if status in ("200", "201"))
    return {
        "clients": clients,
        "workload": workload,
        "commands_per_s": round(ok / result["seconds"], 1),
        "library_save_per_s": round(library, 1),
        "ratio": round(ok / result["seconds"] / library, 2),
        "p50_ms": round(result["p50_ms"], 2),
        "p99_ms": round(result["p99_ms"], 2),
        "missed_events": missed,
        "events_checked": events,
        "fast_inserts": fast,
        "statuses": result["statuses"],
        "cpu_ms_per_command": {
            name: round(1000 * seconds / max(ok, 1), 2) for name, seconds in result["cpu_seconds"].items()
        },
    }


PROFILE = os.environ.get("BENCH_PROFILE")


@contextmanager
def sampled(service: Service, name: str, wanted: bool) -> Iterator[None]:
    """py-spy sampling every API process (and its threads) while the block runs, if BENCH_PROFILE names a folder."""
    if not (PROFILE and wanted):
        yield
        return
    out = Path(PROFILE) / f"{name}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    command = [spy, "record", "--pid", str(service.pid), "--subprocesses", "--format", "raw", "--rate", "200", "--idle"]
    sampler = subprocess.Popen([*command, "--output", str(out), "--nonblocking"], stdout=subprocess.DEVNULL)  # noqa: S603
    try:
        yield
    finally:
        sampler.send_signal(signal.SIGINT)
        sampler.wait(timeout=60)


class Follower:
    """The gap check: a projection engine that follows the log while commands are recorded, in this process."""

    def __init__(self, url: str) -> None:
        self.app, self.db = open_application(url), Database(url)
        self.counting = CountingProjection("gap_check")
        self.engine = ProjectionEngine(self.app.recorder, self.db, [self.counting], batch_size=200, keys=self.app.keys)
        self.engine.setup()

    def followed(self, service: Service, clients: int, plan: list[list[list[Any]]]) -> tuple[dict[str, Any], int, int]:
        """The load's result while the engine follows; the positions recorded meanwhile that it did not apply
        exactly once (none), of how many."""
        self.engine.catch_up()
        first = int(self.app.recorder.max_notification_id() or 0)
        self.engine.start_in_background()
        try:
            result = load(service, clients, plan)
            positions = [position for position in every_position(self.app) if position > first]
            caught_up = self.engine.wait_for(positions[-1], timeout=120) if positions else True
        finally:
            self.engine.stop()
        seen = [position for position in applied(self.db, self.counting) if position > first]
        missed = len(set(positions) - set(seen)) + (len(seen) - len(set(seen))) + (0 if caught_up else 1)
        return result, missed, len(positions)

    def close(self) -> None:
        self.db.close()
        self.app.close()


def run() -> list[dict[str, Any]]:
    with fresh_schema() as url:
        baseline = {threads: library_save_rate(url, threads) for threads in CLIENTS}
    print(json.dumps({"library_save_per_s": baseline}), flush=True)
    return [row for workload in WORKLOADS for row in measure_service(workload, baseline)]


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'workload':<10} {'clients':>7} {'commands/s':>11} {'library/s':>10} {'ratio':>6}", end="")
    print(f" {'p50 ms':>8} {'p99 ms':>8} {'missed':>7}")
    for row in rows:
        print(
            f"{row['workload']:<10} {row['clients']:>7} {row['commands_per_s']:>11.0f} "
            f"{row['library_save_per_s']:>10.0f} "
            f"{row['ratio']:>6.2f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['missed_events']:>7}"
        )


def main() -> None:
    rows = run()
    print_table(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
