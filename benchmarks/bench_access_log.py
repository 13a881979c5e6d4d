"""`make bench`: the read overhead of the access log, measured by real calls in one run.

On a fresh PostgreSQL schema: BENCH_ACCESS_REVIEWS reviews of the benchmark dataset (default 1,000, about
100 events each), the read models caught up, then the app in process (the API's own HTTP stack through
Starlette's test client, one client) reads one review's case status, its timeliness and a board's case list
as a board manager with an X-Purpose, BENCH_ACCESS_READS times each (default 300), the service as it runs.
Then the access log's own cost of such a read, by real calls: queueing its entry (the request path's part)
plus its share of appending a batch (the background thread's part, counted in full as if it ran on the
read's time). The ratio is the read's p50 against that p50 less the access log's cost: what the read would
take without it. Nothing is replaced or stubbed. Writes benchmarks/results/access_log.json and prints a table.
Target: the access log makes a read at most 1.2 times as slow (p50 ratio <= 1.2)."""

from __future__ import annotations

import base64
import json
import os
import statistics
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from fastapi.testclient import TestClient

from benchmarks.bench_reads import busiest_board
from benchmarks.dataset import generate
from benchmarks.served import ROOT, SECRET, bearer, fresh_schema
from domain.values import Actor, Role
from projections.audit.checkpoints import generate_key_file
from projections.private_files import create_private
from service.app import create_app
from service.application import open_application
from service.services import ServiceObjects
from service.settings import Settings

RESULTS = ROOT / "benchmarks" / "results" / "access_log.json"
REVIEWS = int(os.environ.get("BENCH_ACCESS_REVIEWS", "1000"))
READS = int(os.environ.get("BENCH_ACCESS_READS", "300"))
EVENTS_PER_REVIEW = 100
TARGET = 1.2


def log_cost_ms(services: ServiceObjects, actor: Actor, reviews: list[tuple[object, str]], route: str) -> float:
    """Milliseconds the access log spends on one such read, by real calls: queueing its entry (on the request
    path) and its share of appending a batch of them (the background thread's work, counted in full as if it
    ran on the read's own time)."""
    queued = []
    for _ in range(READS):
        started = time.perf_counter()
        services.access_log.record(
            actor, channel="api", route=route, reviews=reviews, purpose="benchmark", request_id="bench"
        )
        queued.append(time.perf_counter() - started)
    started = time.perf_counter()
    appended = services.access_log.flush()
    flushing = time.perf_counter() - started
    return (statistics.median(queued) + flushing / max(appended, 1)) * 1000


def timed(http: TestClient, path: str, headers: dict[str, str]) -> float:
    """Milliseconds of one read of `path`."""
    started = time.perf_counter()
    answer = http.get(path, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code}: {answer.text[:200]}")
    return elapsed


def p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def measure(url: str, folder: Path, master: Path) -> list[dict[str, Any]]:
    """Each read's on and off timings, alternating read by read."""
    board, review, _ = busiest_board(url)
    key = folder / "signing-key.pem"
    generate_key_file(key)
    settings = Settings(database_url=url, jwt_secret=SECRET, signing_key=key, master_key=master, data_dir=folder)
    headers = {"Authorization": bearer(Role.BOARD_MANAGER, board)["Authorization"], "X-Purpose": "benchmark"}
    manager = Actor(user="bench", role=Role.BOARD_MANAGER, board=board)
    reads = {
        "one review's case status": f"/reviews/{review}",
        "one review's timeliness": f"/reviews/{review}/timeliness",
        "case list, one board (100 rows)": f"/reviews?board={board}",
    }
    api = create_app(settings)
    rows = []
    with TestClient(api) as http:
        services: ServiceObjects = api.state.services
        services.engine.catch_up()  # on PostgreSQL a separate worker applies the projections: here, once
        for name, path in reads.items():
            for _ in range(20):  # warm the connections and caches
                timed(http, path, headers)
            on = [timed(http, path, headers) for _ in range(READS)]
            services.access_log.flush()  # the reads' own entries appended: the cost below is measured alone
            answer = http.get(path, headers=headers).json()
            shown = answer if isinstance(answer, list) else [answer]
            reviews = [(row["review_id"], row["board_id"]) for row in shown if "board_id" in row] or [(review, board)]
            cost = log_cost_ms(services, manager, reviews, f"GET {path.split('?')[0]}")
            on_p50 = statistics.median(on)
            rows.append(
                {
                    "read": name,
                    "path": path.replace(review, "{review_id}").replace(board, "{board_id}"),
                    "on_p50_ms": round(on_p50, 3),
                    "on_p99_ms": round(p99(on), 3),
                    "access_log_ms_per_read": round(cost, 3),
                    "p50_ratio": round(on_p50 / max(on_p50 - cost, 1e-9), 3),
                    "target_p50_ratio": TARGET,
                }
            )
            print(json.dumps(rows[-1]), flush=True)
        services.access_log.flush()
    return rows


def main() -> None:
    with fresh_schema() as url, TemporaryDirectory() as folder:
        master = Path(folder) / "master.key"
        create_private(master, base64.b64encode(os.urandom(32)))
        app = open_application(url, master_key=master)
        written = generate(app, REVIEWS * EVENTS_PER_REVIEW, boards=max(1, REVIEWS // 20))
        app.close()
        print(json.dumps({"reviews": written.reviews, "events": written.events}), flush=True)
        rows = measure(url, Path(folder), master)
    print(f"\n{written.reviews:,} reviews, {written.events:,} events, {READS} reads each, one client, in process")
    print(f"{'read':<34} {'p50 ms':>8} {'p99 ms':>8} {'log ms':>8} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['read']:<34} {row['on_p50_ms']:>8.2f} {row['on_p99_ms']:>8.2f} "
            f"{row['access_log_ms_per_read']:>8.3f} {row['p50_ratio']:>6.2f}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
