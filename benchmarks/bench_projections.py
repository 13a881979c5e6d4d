"""`make bench`: how fast the projections rebuild, against the library's own scan and runner.

In one run, on a fresh PostgreSQL schema: generate BENCH_SMALL events (default 100,000) and measure;
grow the log to BENCH_EVENTS (default 500,000) and measure again. Each measurement runs in its own
process so its peak RSS is its own. Prints a table and writes benchmarks/results/projections.json."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.dataset import generate
from benchmarks.library_runner import ReadModelsProjection, ReadModelsView
from benchmarks.served import SECRET
from projections.base import LogEvent, Projection
from projections.catalog import read_models
from projections.data_keys import open_data_keys
from projections.engine import ProjectionEngine
from projections.storage import Cursor, Database, DatabaseUrl
from service.application import CaseReviews, open_application
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "projections.json"
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
EVENTS = int(os.environ.get("BENCH_EVENTS", "500000"))
SMALL = min(int(os.environ.get("BENCH_SMALL", "100000")), EVENTS)
RUNNER_SAMPLE = int(os.environ.get("BENCH_RUNNER_SAMPLE", "0"))  # 0: the library runner is not measured
BOARDS = int(os.environ.get("BENCH_BOARDS", "150"))
SCAN_PAGE = 500
# Issue 3's target is for the four read models; the audit log's upkeep per event is bench_audit's figure.
AUDIT_LOG = "audit_log"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def settings(url: str) -> Settings:
    return Settings(database_url=url, jwt_secret=SECRET)


def open_app(url: str) -> CaseReviews:
    """The application as the service opens it: personal fields sealed with data keys under the benchmarks'
    master key (benchmarks.served names it in SCR_MASTER_KEY for every process of a run), so a rebuild and the
    raw scan open them as the service's would."""
    return open_application(url)


# ---- measurements, each in its own process ---------------------------------------------------------


def measure_raw_scan(url: str) -> dict[str, float]:
    """The library's own read of the whole log: select_notifications pages, each event decoded."""
    app = open_app(url)
    started, events, start = time.perf_counter(), 0, 1
    while page := app.recorder.select_notifications(start=start, limit=SCAN_PAGE):
        for notification in page:
            app.mapper.to_domain_event(notification)
        events += len(page)
        start = page[-1].id + 1
    seconds = time.perf_counter() - started
    app.close()
    return {"events": events, "seconds": seconds, "rate": events / seconds, "peak_rss_mb": peak_rss_mb()}


def timed(model: Projection, spent: dict[str, float]) -> Projection:
    """The read model, with the seconds its apply_batch takes added up in `spent`."""
    apply_batch = model.apply_batch

    def apply_and_time(cursor: Cursor, events: Sequence[LogEvent]) -> None:
        started = time.perf_counter()
        apply_batch(cursor, events)
        spent[model.name] = spent.get(model.name, 0.0) + time.perf_counter() - started

    model.apply_batch = apply_and_time  # type: ignore[method-assign]
    return model


def question_models(url: str) -> list[Projection]:
    """The catalog's read models that answer the users' questions (all but the audit log)."""
    return [model for model in read_models(settings(url)) if model.name != AUDIT_LOG]


def measure_rebuild(url: str) -> dict[str, Any]:
    """Our engine rebuilding the four read models from position 0."""
    app, db = open_app(url), Database(url)
    spent: dict[str, float] = {}
    engine = ProjectionEngine(app.recorder, db, [timed(model, spent) for model in question_models(url)], keys=app.keys)
    started = time.perf_counter()
    events = engine.rebuild()
    seconds = time.perf_counter() - started
    stopped = [status.name for status in engine.status() if status.error]
    db.close()
    app.close()
    if stopped:
        raise SystemExit(f"read models stopped during the rebuild: {stopped}")
    by_model = {name: round(value, 2) for name, value in spent.items()}
    return {
        "events": events,
        "seconds": seconds,
        "rate": events / seconds,
        "peak_rss_mb": peak_rss_mb(),
        "apply_batch_seconds": by_model,
        "engine_seconds": round(seconds - sum(spent.values()), 2),
    }


def measure_library_runner(url: str) -> dict[str, float]:
    """The library's ProjectionRunner into empty read models, timed over RUNNER_SAMPLE review events.

    The log opens with the boards' registrations and contributions (cheap for the read models); the
    runner applies those untimed, so the rate is measured on the same mix of events as the rebuild."""
    from eventsourcing.projection import ProjectionRunner
    from eventsourcing.utils import get_topic

    from domain.review import CaseReview

    app, db = open_app(url), Database(url)
    models = question_models(url)
    with db.transaction() as cursor:
        for model in models:
            model.drop_tables(cursor)
            model.create_tables(cursor, postgres=True)
    first_review = app.recorder.select_notifications(start=1, limit=1, topics=[get_topic(CaseReview.Notified)])
    boards_end = first_review[0].id - 1
    target = app.recorder.select_notifications(start=boards_end + 1, limit=RUNNER_SAMPLE)[-1].id
    app.close()
    ReadModelsView.db, ReadModelsView.read_models = db, models

    class Sealed(CaseReviews):
        """The runner makes its application from a class: this one opens sealed fields as open_app's does."""

        def __init__(self, env: Mapping[str, str] | None = None) -> None:
            super().__init__(env=env, keys=open_data_keys(url))

    with ProjectionRunner(
        application_class=Sealed,
        projection_class=ReadModelsProjection,
        view_class=ReadModelsView,
        env=DatabaseUrl(url).event_store_env(),
    ) as runner:
        runner.wait(boards_end, timeout=3600)
        started = time.perf_counter()
        runner.wait(target, timeout=3600)
        seconds = time.perf_counter() - started
    db.close()
    return {"events": RUNNER_SAMPLE, "seconds": seconds, "rate": RUNNER_SAMPLE / seconds, "peak_rss_mb": peak_rss_mb()}


MEASUREMENTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "raw": measure_raw_scan,
    "rebuild": measure_rebuild,
    "runner": measure_library_runner,
}


def measure(kind: str, url: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and read its JSON answer."""
    command = [sys.executable, "-m", "benchmarks.bench_projections", kind, url]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout  # noqa: S603
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    print(
        f"  {kind:<8} {result['events']:>9,.0f} events  {result['rate']:>10,.0f} events/s  "
        f"{result['peak_rss_mb']:>6.0f} MB",
        file=sys.stderr,
    )
    return result


# ---- the run ---------------------------------------------------------------------------------------


def grow(app: CaseReviews, target: int, reviews_so_far: int) -> int:
    """Generate events until the log holds at least `target`; returns the reviews recorded so far."""
    have = int(app.recorder.max_notification_id() or 0)
    started = time.perf_counter()
    written = generate(app, target - have, boards=BOARDS, start_review=reviews_so_far)
    seconds = time.perf_counter() - started
    print(
        f"generated {written.events:,} events ({written.reviews:,} reviews) in {seconds:.0f} s "
        f"({written.events / seconds:,.0f} events/s); refusals: {written.refusals or 'none'}",
        file=sys.stderr,
    )
    return reviews_so_far + written.reviews


def run() -> dict[str, Any]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{SERVER}?schema={schema}"
    try:
        app = open_app(url)
        reviews = grow(app, SMALL, 0)
        print(f"measuring at {SMALL:,} events", file=sys.stderr)
        small_raw, small_rebuild = measure("raw", url), measure("rebuild", url)
        if EVENTS > SMALL:
            grow(app, EVENTS, reviews)
        app.close()
        print(f"measuring at {EVENTS:,} events", file=sys.stderr)
        runner = measure("runner", url) if RUNNER_SAMPLE else None
        raw, rebuild = measure("raw", url), measure("rebuild", url)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            with psycopg.connect(SERVER, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return {
        "events": int(rebuild["events"]),
        "raw_scan_events_per_s": round(raw["rate"]),
        "library_runner_events_per_s": None if runner is None else round(runner["rate"]),
        "library_runner_sample_events": RUNNER_SAMPLE,
        "rebuild_events_per_s": round(rebuild["rate"]),
        "rebuild_seconds": round(rebuild["seconds"], 1),
        "peak_rss_mb": round(rebuild["peak_rss_mb"], 1),
        "events_small": int(small_rebuild["events"]),
        "raw_scan_events_per_s_small": round(small_raw["rate"]),
        "rebuild_events_per_s_small": round(small_rebuild["rate"]),
        "peak_rss_mb_small": round(small_rebuild["peak_rss_mb"], 1),
        "rebuild_vs_library_runner": None if runner is None else round(rebuild["rate"] / runner["rate"], 1),
        "rebuild_vs_raw_scan": round(rebuild["rate"] / raw["rate"], 2),
        "read_models": [model.name for model in question_models(url)],
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),  # a shared machine: context for the figures
        "rebuild_apply_batch_seconds": rebuild["apply_batch_seconds"],
        "rebuild_engine_seconds": rebuild["engine_seconds"],
    }


def print_table(result: dict[str, Any]) -> None:
    rows = [
        ("events in the log", f"{result['events_small']:,}", f"{result['events']:,}"),
        (
            "raw scan + decode (library), events/s",
            f"{result['raw_scan_events_per_s_small']:,}",
            f"{result['raw_scan_events_per_s']:,}",
        ),
        ("library ProjectionRunner, events/s", "", f"{result['library_runner_events_per_s'] or 'not measured'}"),
        (
            "our rebuild of the read models, events/s",
            f"{result['rebuild_events_per_s_small']:,}",
            f"{result['rebuild_events_per_s']:,}",
        ),
        ("rebuild peak RSS, MB", f"{result['peak_rss_mb_small']}", f"{result['peak_rss_mb']}"),
        ("rebuild / library runner", "", f"{result['rebuild_vs_library_runner'] or '-'}x"),
        ("rebuild / raw scan + decode", "", f"{result['rebuild_vs_raw_scan']:.0%}"),
    ]
    print(
        f"\nread models: {', '.join(result['read_models'])}; load average at the end: "
        f"{result['load_average_1min_at_end']} (2 cores here: figures are low and noisy when it is high)"
    )
    print(
        f"time in each read model's apply_batch (s): {result['rebuild_apply_batch_seconds']}; "
        f"engine (read, decode, track, commit): {result['rebuild_engine_seconds']} s"
    )
    print(f"{'':<44}{'small':>14}{'full':>14}")
    for label, small, full in rows:
        print(f"{label:<44}{small:>14}{full:>14}")


def main() -> None:
    if len(sys.argv) == 3:  # one measurement, in its own process
        print(json.dumps(MEASUREMENTS[sys.argv[1]](sys.argv[2])))
        return
    result = run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
