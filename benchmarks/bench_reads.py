"""`make bench`: dashboard-style reads at BENCH_READ_REVIEWS reviews (default 10,000), against a trivial endpoint.

On a fresh PostgreSQL schema: the benchmark dataset (reviews through every stage, about 100 events
each, benchmarks/dataset.py), the read models caught up, then `scr serve` (BENCH_API_WORKERS processes)
read by BENCH_READ_CLIENTS clients (default 4) from a load generator in its own process, BENCH_SECONDS
per endpoint: `/healthz` (the trivial endpoint, the floor of HTTP on this machine) and the reads a board's
or the Panel's dashboard makes. Writes benchmarks/results/reads.json (endpoint, p50_ms, p99_ms,
trivial_p99_ms, ratio) and prints a table. Target: each p99 at most 3 times the trivial p99. BENCH_READ_URL
reads a store built before instead (its read models are caught up first), to measure again without rebuilding."""

from __future__ import annotations

import http.client
import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from benchmarks.dataset import board_ids, generate
from benchmarks.served import ROOT, SECRET, bearer, fresh_schema, load, served
from domain.values import Role
from projections.catalog import read_models
from projections.engine import ProjectionEngine
from projections.storage import Database, DatabaseUrl
from service.application import open_application
from service.dashboard.session import COOKIE
from service.settings import Settings

RESULTS = ROOT / "benchmarks" / "results" / "reads.json"
REVIEWS = int(os.environ.get("BENCH_READ_REVIEWS", "10000"))
CLIENTS = int(os.environ.get("BENCH_READ_CLIENTS", "4"))
BOARDS = 150
EVENTS_PER_REVIEW = 100  # about what the dataset records per review


def build(url: str) -> dict[str, Any]:
    """The dataset and every read model caught up; returns its size and how long each part took."""
    app, db = open_application(url), Database(url)
    started = time.perf_counter()
    written = generate(app, REVIEWS * EVENTS_PER_REVIEW, boards=BOARDS)
    generated = time.perf_counter()
    engine = ProjectionEngine(
        app.recorder, db, read_models(Settings(database_url=url, jwt_secret=SECRET)), keys=app.keys
    )
    engine.setup()
    engine.catch_up()
    caught_up = time.perf_counter()
    db.close()
    app.close()
    return {
        "reviews": written.reviews,
        "events": written.events,
        "generate_s": round(generated - started, 1),
        "catch_up_s": round(caught_up - generated, 1),
    }


def busiest_board(url: str) -> tuple[str, str, str]:
    """The board with most reviews, one of its reviews, and its busiest financial year."""
    schema = DatabaseUrl(url).schema
    with psycopg.connect(DatabaseUrl(url).conninfo()) as conn:
        events = psycopg.sql.Identifier(schema, "casereviews_events")
        rows = conn.execute(
            psycopg.sql.SQL(
                "SELECT convert_from(state, 'UTF8')::jsonb ->> 'board_id', originator_id FROM {} WHERE topic LIKE %s"
            ).format(events),
            ("%CaseReview.Notified",),
        ).fetchall()
    counts = Counter(board for board, _ in rows)
    board = counts.most_common(1)[0][0] if counts else board_ids(1)[0]
    review = next(str(review) for row_board, review in rows if row_board == board)
    return board, review, "2020-21"


def endpoints(board: str, review: str, year: str, reviews: int) -> dict[str, tuple[str, dict[str, str]]]:
    """Dashboard reads by name: the path and the role reading it. The lists answer a page (100 rows by
    default); the national list is read at its first and its last page; the revalidated reads send the tag
    of a first answer (nothing is recorded meanwhile, so they are answered 304); the CSV export streams
    every review to the Panel (an export, not a page: its p99 is the time to send all rows)."""
    manager, panel = bearer(Role.BOARD_MANAGER, board), bearer(Role.NATIONAL_PANEL)
    dashboard = {"Cookie": f"{COOKIE}={panel['Authorization'].removeprefix('Bearer ')}"}
    return {
        "trivial: GET /healthz": ("/healthz", panel),
        "case list, one board": (f"/reviews?board={board}", manager),
        "overdue case list, one board": (f"/reviews?board={board}&overdue=true", manager),
        "one review's case status": (f"/reviews/{review}", manager),
        "timeliness aggregates, national": ("/timeliness", panel),
        "timeliness aggregates, one board": (f"/timeliness?board={board}", panel),
        "review ledger": (f"/ledger/reviews/{review}", manager),
        "board ledger, one financial year": (f"/ledger/boards/{board}?financial_year={year}", manager),
        "overdue learning actions, one board": (f"/learning-actions?board={board}&status=overdue", manager),
        # Every review's recommendations say "Improve joint working": the worst case, every review matching
        "search, national (words in every review, ranked)": ("/search?q=joint+working", panel),
        "search, one board (words, ranked)": (f"/search?q=joint+working&board={board}", manager),
        "annual report, one board": (f"/boards/{board}/annual-report?year={year}", manager),
        "case list, national (first page of 100)": ("/reviews", panel),
        "case list, national (last page of 100)": (f"/reviews?offset={max(0, reviews - 100)}", panel),
        "case list, one board, revalidated (304)": (f"/reviews?board={board}", {**manager, REVALIDATE: ""}),
        "timeliness aggregates, national, revalidated (304)": ("/timeliness", {**panel, REVALIDATE: ""}),
        "reviews CSV, national (export, every review streamed)": ("/dashboard/reviews/csv/reviews", dashboard),
    }


REVALIDATE = "If-None-Match"


def with_current_tags(port: int, reads: dict[str, tuple[str, dict[str, str]]]) -> None:
    """Fill each revalidated read's If-None-Match with the tag a first read answers."""
    for path, headers in reads.values():
        if REVALIDATE in headers:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={k: v for k, v in headers.items() if k != REVALIDATE})
            answer = connection.getresponse()
            answer.read()
            headers[REVALIDATE] = answer.headers["ETag"]
            connection.close()


@contextmanager
def store() -> Iterator[tuple[str, dict[str, Any]]]:
    """A fresh schema with the dataset built (dropped afterwards); or, with BENCH_READ_URL, a store built before
    (e.g. by benchmarks/dataset.py on a kept schema, with the same SCR_MASTER_KEY), its read models caught up."""
    given = os.environ.get("BENCH_READ_URL")
    if given is None:
        with fresh_schema() as url:
            yield url, build(url)
        return
    app, db = open_application(given), Database(given)
    engine = ProjectionEngine(
        app.recorder, db, read_models(Settings(database_url=given, jwt_secret=SECRET)), keys=app.keys
    )
    engine.setup()
    engine.catch_up()
    with db.transaction(read_only=True) as cursor:
        cursor.execute("SELECT count(*) FROM case_status_reviews")
        reviews = int(cursor.fetchone()[0])
    size = {"reviews": reviews, "events": app.recorder.max_notification_id() or 0, "store": "given"}
    db.close()
    app.close()
    yield given, size


def run() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with store() as (url, size):
        print(json.dumps(size), flush=True)
        reads = endpoints(*busiest_board(url), size["reviews"])
        measured = {}
        with served(url) as service:
            with_current_tags(service.port, reads)
            for name, (path, headers) in reads.items():
                get = ["GET", path, {k: v for k, v in headers.items() if k != "Content-Type"}, None]
                measured[name] = load(service, CLIENTS, [[get]] * CLIENTS)
                print(json.dumps({name: measured[name]}), flush=True)
    trivial = measured.pop("trivial: GET /healthz")
    rows = [
        {
            "endpoint": name,
            "path": reads[name][0],
            "p50_ms": round(result["p50_ms"], 2),
            "p99_ms": round(result["p99_ms"], 2),
            "trivial_p99_ms": round(trivial["p99_ms"], 2),
            "ratio": round(result["p99_ms"] / trivial["p99_ms"], 1),
            "requests_per_s": round(result["per_s"], 1),
            "statuses": result["statuses"],
        }
        for name, result in measured.items()
    ]
    return {**size, "clients": CLIENTS, "trivial": trivial}, rows


def print_table(size: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    print(f"\n{size['reviews']:,} reviews, {size['events']:,} events, {CLIENTS} clients")
    print(f"{'endpoint':<40} {'p50 ms':>8} {'p99 ms':>8} {'trivial p99':>12} {'ratio':>6} {'req/s':>7}")
    for row in rows:
        print(
            f"{row['endpoint']:<40} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['trivial_p99_ms']:>12.1f} "
            f"{row['ratio']:>6.1f} {row['requests_per_s']:>7.0f}"
        )


def main() -> None:
    size, rows = run()
    print_table(size, rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
