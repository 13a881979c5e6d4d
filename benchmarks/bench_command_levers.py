"""The command levers of issue 15 measured against each other in one run, alternating, without HTTP.

`python -m benchmarks.bench_command_levers`: on a fresh PostgreSQL schema, REVIEWS notified reviews; then
rounds in which each configuration in turn runs `CaseReviews.act_on_review` (staff time) from THREADS threads,
each thread on its own reviews, for BENCH_LEVER_SECONDS (default 3), the library's own save rate (one event of a
one-field aggregate per transaction, the same threads) measured in the same rounds. The order of the
configurations turns each round, so a loaded machine's swings fall on all of them; the median round is kept.
Configurations: the aggregate cache off or on (open_application's `aggregate_cache`), and the library's insert
(two round trips) or ours (projections.storage: COMMIT in the same pipeline). Prints a table and writes
benchmarks/results/command_levers.json."""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from benchmarks.bench_commands import BOARD, library_save_rate, open_reviews, per_second
from benchmarks.served import ROOT, fresh_schema
from domain.base import Context
from domain.review import CaseReview
from domain.values import Actor, Role, StaffActivity
from projections.data_keys import open_data_keys
from projections.storage import DatabaseUrl, PromptPostgresRecorder, _library_insert, _prompt
from service.application import CaseReviews

RESULTS = ROOT / "benchmarks" / "results" / "command_levers.json"
SECONDS = float(os.environ.get("BENCH_LEVER_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_LEVER_ROUNDS", "3"))
THREADS = tuple(int(n) for n in os.environ.get("BENCH_LEVER_THREADS", "1,8").split(","))
STAFF_TIME: dict[str, Any] = {
    "agency": "health",
    "activity": StaffActivity.MEETING,
    "hours": Decimal("1.5"),
    "on": date(2026, 2, 1),
    "rate_pence_per_hour": None,
}


class LibraryInsertRecorder(PromptPostgresRecorder):
    """Our recorder with the library's own insert: a sync after the INSERT, then the COMMIT."""

    insert_events = _prompt(_library_insert)


CONFIGURATIONS = {
    "replay, library insert": (0, LibraryInsertRecorder),
    "replay, one round trip": (0, PromptPostgresRecorder),
    "cache, library insert": (4096, LibraryInsertRecorder),
    "cache, one round trip": (4096, PromptPostgresRecorder),
}


def application(url: str, cache: int, recorder: type) -> CaseReviews:
    env = DatabaseUrl(url).event_store_env() | {"APPLICATION_RECORDER_TOPIC": get_topic(recorder)}
    if cache:
        env |= {"AGGREGATE_CACHE_MAXSIZE": str(cache), "AGGREGATE_CACHE_FASTFORWARD": "y"}
    return CaseReviews(env=env, keys=open_data_keys(url))


def command_rate(app: CaseReviews, reviews: list[UUID], threads: int) -> float:
    """Staff-time commands a second from `threads` threads, each on its own share of the reviews."""
    manager = Context(Actor(user="bench", role=Role.BOARD_MANAGER, board=BOARD), UUID(int=9), date(2026, 11, 27))

    def sending(number: int) -> Callable[[], None]:
        mine, sent = reviews[number::threads], [0]

        def send_one() -> None:
            app.act_on_review(manager, CaseReview.record_staff_time, mine[sent[0] % len(mine)], **STAFF_TIME)
            sent[0] += 1

        return send_one

    return per_second(threads, sending, SECONDS)


def run() -> list[dict[str, Any]]:
    rows = []
    with fresh_schema() as url:
        reviews = [UUID(review) for review in open_reviews(url)[:400]]
        for threads in THREADS:
            rates: dict[str, list[float]] = {name: [] for name in [*CONFIGURATIONS, "library save"]}
            for number in range(ROUNDS):
                order = [*CONFIGURATIONS, "library save"]
                order = order[number % len(order) :] + order[: number % len(order)]
                for name in order:
                    if name == "library save":
                        rates[name].append(library_save_rate(url, threads, SECONDS))
                    else:
                        rates[name].append(measured(url, name, reviews, threads))
            library = statistics.median(rates["library save"])
            for name in CONFIGURATIONS:
                rate = statistics.median(rates[name])
                rows.append(
                    {
                        "threads": threads,
                        "configuration": name,
                        "commands_per_s": round(rate, 1),
                        "library_save_per_s": round(library, 1),
                        "ratio": round(rate / library, 2),
                        "rounds": [round(value, 1) for value in rates[name]],
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    return rows


def measured(url: str, name: str, reviews: list[UUID], threads: int) -> float:
    """One configuration's rate, its application opened for the turn (PostgreSQL's connections are shared
    with other work here) and its cache, if any, filled first, as a running API process's would be."""
    cache, recorder = CONFIGURATIONS[name]
    app = application(url, cache, recorder)
    try:
        if cache:
            for review in reviews:
                app.repository.get(review)
        return command_rate(app, reviews, threads)
    finally:
        app.close()


def main() -> None:
    rows = run()
    print(f"\n{'configuration':<24} {'threads':>7} {'commands/s':>11} {'library/s':>10} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['configuration']:<24} {row['threads']:>7} {row['commands_per_s']:>11.0f} "
            f"{row['library_save_per_s']:>10.0f} {row['ratio']:>6.2f}"
        )
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
