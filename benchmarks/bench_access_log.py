"""`make bench`: the read overhead of the access log, the same reads with it on and off in one run.

On a fresh PostgreSQL schema: BENCH_ACCESS_REVIEWS reviews of the benchmark dataset (default 1,000, about
100 events each), the read models caught up, then the app in process (the API's own HTTP stack through
Starlette's test client, one client) reads one review's case status, its timeliness and a board's case list
as a board manager with an X-Purpose. Each read is timed BENCH_ACCESS_READS times (default 300) with the
access log on (the service as it runs: each read queued, appended in batches by its background thread) and
off (nothing queued), alternating read by read so drift and other load hit both alike. Writes
benchmarks/results/access_log.json (read, on/off p50 and p99 in ms, their ratios) and prints a table.
Target: the access log makes a read at most 1.2 times as slow (p50 ratio <= 1.2)."""

from __future__ import annotations

import base64
import json
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from unittest import mock

from fastapi.testclient import TestClient

from benchmarks.bench_reads import busiest_board
from benchmarks.dataset import generate
from benchmarks.served import ROOT, SECRET, bearer, fresh_schema
from domain.values import Role
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


@contextmanager
def access_log_off(services: ServiceObjects) -> Iterator[None]:
    """Nothing is queued while this lasts: the reads as they were before the access log."""
    with mock.patch.object(services.access_log, "record", return_value=None):
        yield


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
            on: list[float] = []
            off: list[float] = []
            for _ in range(READS):  # one read on, one off: drift and neighbours' load hit both alike
                on.append(timed(http, path, headers))
                with access_log_off(services):
                    off.append(timed(http, path, headers))
            rows.append(
                {
                    "read": name,
                    "path": path.replace(review, "{review_id}").replace(board, "{board_id}"),
                    "on_p50_ms": round(statistics.median(on), 3),
                    "off_p50_ms": round(statistics.median(off), 3),
                    "on_p99_ms": round(p99(on), 3),
                    "off_p99_ms": round(p99(off), 3),
                    "p50_ratio": round(statistics.median(on) / statistics.median(off), 3),
                    "p99_ratio": round(p99(on) / p99(off), 3),
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
    print(f"{'read':<34} {'on p50':>8} {'off p50':>8} {'ratio':>6} {'on p99':>8} {'off p99':>8} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['read']:<34} {row['on_p50_ms']:>8.2f} {row['off_p50_ms']:>8.2f} {row['p50_ratio']:>6.2f} "
            f"{row['on_p99_ms']:>8.2f} {row['off_p99_ms']:>8.2f} {row['p99_ratio']:>6.2f}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
