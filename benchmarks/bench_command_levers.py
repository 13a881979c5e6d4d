"""The command levers of issue 15 measured against each other in one run, alternating, without HTTP.

`python -m benchmarks.bench_command_levers`: on a fresh PostgreSQL schema, REVIEWS notified reviews; then
rounds in which each configuration in turn runs `CaseReviews.act_on_review` (staff time) from THREADS threads,
each thread on its own reviews, for BENCH_LEVER_SECONDS (default 3), the library's own save rate (one event of a
one-field aggregate per transaction, the same threads) measured in the same rounds. The order of the
configurations turns each round, so a loaded machine's swings fall on all of them; the median round is kept.
Configurations: the aggregate cache off or on (open_application's `aggregate_cache`), the library's insert
(two round trips) or ours (projections.storage: COMMIT in the same pipeline), and group commit (cache on;
projections/group_commit.py: concurrent commands' saves in one transaction), whose groups' sizes are counted
over its rounds. The library's save through group commit (the same one-event saves, GroupCommitPostgresRecorder)
is measured in the same rounds too: its row's commands_per_s are those saves a second. Prints a table and writes
benchmarks/results/command_levers.json."""

from __future__ import annotations

import json
import os
import statistics
from collections import Counter
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
from projections.storage import (
    DatabaseUrl,
    GroupCommitPostgresRecorder,
    PromptPostgresRecorder,
    _library_insert,
    _prompt,
)
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
    "group commit": (4096, GroupCommitPostgresRecorder),
}
LIBRARY, LIBRARY_GROUPED = "library save", "library save, group commit"


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
            rates: dict[str, list[float]] = {name: [] for name in [*CONFIGURATIONS, LIBRARY, LIBRARY_GROUPED]}
            groups: Counter[int] = Counter()
            for number in range(ROUNDS):
                order = [*CONFIGURATIONS, LIBRARY, LIBRARY_GROUPED]
                order = order[number % len(order) :] + order[: number % len(order)]
                for name in order:
                    if name == LIBRARY:
                        rates[name].append(library_save_rate(url, threads, SECONDS))
                    elif name == LIBRARY_GROUPED:
                        rates[name].append(library_save_rate(url, threads, SECONDS, GroupCommitPostgresRecorder))
                    else:
                        rates[name].append(measured(url, name, reviews, threads, groups))
            library = statistics.median(rates[LIBRARY])
            for name in [*CONFIGURATIONS, LIBRARY_GROUPED]:
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
                if name in CONFIGURATIONS and recorder_of(name) is GroupCommitPostgresRecorder:
                    rows[-1] |= group_sizes(groups)
                print(json.dumps(rows[-1]), flush=True)
    return rows


def measured(url: str, name: str, reviews: list[UUID], threads: int, groups: Counter[int]) -> float:
    """One configuration's rate, its application opened for the turn (PostgreSQL's connections are shared
    with other work here) and its cache, if any, filled first, as a running API process's would be; the
    sizes of the groups committed meanwhile are added to `groups`."""
    cache, recorder = CONFIGURATIONS[name]
    app = application(url, cache, recorder)
    try:
        if cache:
            for review in reviews:
                app.repository.get(review)
        if isinstance(app.recorder, GroupCommitPostgresRecorder):
            before = app.recorder.group_commit.stats().sizes
            rate = command_rate(app, reviews, threads)
            groups.update(app.recorder.group_commit.stats().sizes - before)
            return rate
        return command_rate(app, reviews, threads)
    finally:
        app.close()


def recorder_of(name: str) -> type:
    return CONFIGURATIONS[name][1]


def group_sizes(groups: Counter[int]) -> dict[str, Any]:
    """How many commands shared a commit: groups by size, and the mean and largest size."""
    saves = sum(size * count for size, count in groups.items())
    return {
        "group_sizes": {str(size): groups[size] for size in sorted(groups)},
        "commands_per_group": round(saves / max(1, groups.total()), 2),
        "largest_group": max(groups, default=0),
    }


def main() -> None:
    rows = run()
    print(f"\n{'configuration':<28} {'threads':>7} {'commands/s':>11} {'library/s':>10} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['configuration']:<28} {row['threads']:>7} {row['commands_per_s']:>11.0f} "
            f"{row['library_save_per_s']:>10.0f} {row['ratio']:>6.2f}"
            + (
                f"  groups: {row['commands_per_group']} commands each, largest {row['largest_group']}"
                if "group_sizes" in row
                else ""
            )
        )
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
